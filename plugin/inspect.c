#include "inspect.h"

#include "prepress.h"

double
pb_image_ppi (const pb_image_t *image)
{
  const pb_rect_t *f = &image->frame, *s = &image->src;
  if (f->w <= 0 || f->h <= 0)
    return 0;
  return PB_PT_PER_INCH * MIN (s->w / f->w, s->h / f->h);
}

/* ---- lone lines ---- */

/* The body lines of one story in one column: the baselines of its first and last line. */
typedef struct {
  const char *story;
  int column;
  double top, bottom;
} pb_extent_t;

static guint
extent_hash (gconstpointer p)
{
  const pb_extent_t *e = p;
  return (e->story ? g_str_hash (e->story) : 0) * 31 + (guint) e->column;
}

static gboolean
extent_equal (gconstpointer a, gconstpointer b)
{
  const pb_extent_t *x = a, *y = b;
  return x->column == y->column && g_strcmp0 (x->story, y->story) == 0;
}

static gboolean
is_body (const pb_line_t *line)
{
  return line->role == PB_ROLE_BODY && line->block >= 0 && line->column >= 0;
}

/* The extent of each story's body in each column of `page`; keys and values are the same
 * extents. */
static GHashTable *
body_extents (const pb_page_layout_t *page)
{
  GHashTable *extent = g_hash_table_new_full (extent_hash, extent_equal, NULL, g_free);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (!is_body (line))
        continue;
      pb_extent_t key = { line->story_id, line->column, 0, 0 };
      pb_extent_t *e = g_hash_table_lookup (extent, &key);
      if (!e)
        {
          e = g_new (pb_extent_t, 1);
          *e = (pb_extent_t) { line->story_id, line->column, line->baseline, line->baseline };
          g_hash_table_add (extent, e);
        }
      else
        {
          e->top = MIN (e->top, line->baseline);
          e->bottom = MAX (e->bottom, line->baseline);
        }
    }
  return extent;
}

GArray *
pb_lone_lines (const pb_page_layout_t *page)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pb_lone_line_t));
  GHashTable *extent = body_extents (page);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (!is_body (line))
        continue;
      pb_extent_t key = { line->story_id, line->column, 0, 0 };
      const pb_extent_t *e = g_hash_table_lookup (extent, &key);
      gboolean first = line->baseline == e->top, last = line->baseline == e->bottom;
      if (first && last)
        continue; /* a column of one line is not a break */
      pb_lone_line_t lone = { line, FALSE };
      if (line->para_end && line->line_no > 0 && first)
        lone.widow = TRUE;
      else if (line->line_no == 0 && !line->para_end && last)
        lone.widow = FALSE;
      else
        continue;
      g_array_append_val (found, lone);
    }
  g_hash_table_destroy (extent);
  return found;
}

/* ---- letterspaced lines ---- */

/* Letterspacing closer than this to the limit (em) is within it: the limit's own lines. */
#define LETTERSPACING_EPSILON_EM 0.001

GArray *
pb_letterspaced_lines (const pb_page_layout_t *page)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pb_loose_line_t));
  const pb_template_t *t = page->tmpl;
  for (guint i = 0; t && t->body_size > 0 && i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      double extra = line->letterspacing / t->body_size;
      if (is_body (line)
          && extra > t->letterspacing_limit / t->body_size + LETTERSPACING_EPSILON_EM)
        {
          pb_loose_line_t loose = { line, extra };
          g_array_append_val (found, loose);
        }
    }
  return found;
}

/* ---- the whole layout ---- */

static GArray *
check_photos (const pb_page_layout_t *page)
{
  GArray *photos = g_array_sized_new (FALSE, FALSE, sizeof (pb_photo_check_t), page->images->len);
  for (guint i = 0; i < page->images->len; i++)
    {
      const pb_image_t *image = page->images->pdata[i];
      double ppi = pb_image_ppi (image);
      pb_photo_check_t check = { image, ppi, ppi < PB_MIN_PPI };
      g_array_append_val (photos, check);
    }
  return photos;
}

static void
page_check_clear (gpointer p)
{
  pb_page_check_t *check = p;
  g_array_unref (check->lone_lines);
  g_array_unref (check->letterspaced);
  g_array_unref (check->photos);
}

static void
story_check_clear (gpointer p)
{
  g_array_unref (((pb_story_check_t *) p)->placements);
}

/* Adds the items of `page` to their stories, a story new to the inspection at the end;
 * `index` maps story ids to their place in inspection->stories. */
static void
place_items (pb_inspection_t *inspection, GHashTable *index, const pb_page_layout_t *page)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *item = page->items->pdata[i];
      inspection->overset_chars += item->overset_chars;
      if (!item->story_id)
        continue;
      gpointer at;
      if (!g_hash_table_lookup_extended (index, item->story_id, NULL, &at))
        {
          at = GUINT_TO_POINTER (inspection->stories->len);
          g_hash_table_insert (index, (gpointer) item->story_id, at);
          pb_story_check_t story = { item->story_id,
                                     g_array_new (FALSE, FALSE, sizeof (pb_placement_t)), 0 };
          g_array_append_val (inspection->stories, story);
        }
      pb_story_check_t *story = &g_array_index (inspection->stories, pb_story_check_t,
                                                GPOINTER_TO_UINT (at));
      pb_placement_t placement = { page, item };
      g_array_append_val (story->placements, placement);
      story->overset_chars += item->overset_chars;
    }
}

pb_inspection_t *
pb_inspect (const pb_layout_t *layout)
{
  pb_inspection_t *inspection = g_new0 (pb_inspection_t, 1);
  inspection->layout = layout;
  inspection->pages = g_array_sized_new (FALSE, FALSE, sizeof (pb_page_check_t),
                                         layout->pages->len);
  g_array_set_clear_func (inspection->pages, page_check_clear);
  inspection->stories = g_array_new (FALSE, FALSE, sizeof (pb_story_check_t));
  g_array_set_clear_func (inspection->stories, story_check_clear);
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      pb_page_check_t check = { page, pb_lone_lines (page), pb_letterspaced_lines (page),
                                check_photos (page) };
      g_array_append_val (inspection->pages, check);
      place_items (inspection, index, page);
    }
  g_hash_table_destroy (index);
  return inspection;
}

void
pb_inspection_free (pb_inspection_t *inspection)
{
  if (!inspection)
    return;
  g_array_unref (inspection->pages);
  g_array_unref (inspection->stories);
  g_free (inspection);
}
