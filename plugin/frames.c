/* The frames of a story item's text on its page (frames.h): the columns under its headlines and
 * photo, split around the photos set inside the text, and the rules between its columns. */
#include "frames.h"

#include <string.h>
#include "elements.h"

/* The column rules' width. */
#define PB_COLUMN_RULE_WIDTH 0.5

/* Where the text of page column `c` of the item starts: under the headlines, and under the
 * photo and its caption in the photo's columns. */
static int
text_top (int c, int body_top, const pb_photo_plan_t *pp, int photo_lines)
{
  gboolean under_photo = pp->span > 0 && c >= pp->first && c < pp->first + pp->span;
  return body_top + (under_photo ? photo_lines : 0);
}

/* The frames of the item's first `span` columns: under the headlines, and under the photo and
 * its caption in the photo's columns, down to the item's foot; a column an inset photo covers
 * has a frame above it and one under it. */
void
pb_item_regions (const pb_item_t *item, int span, int body_top, const pb_photo_plan_t *pp,
                 int photo_lines, const GArray *insets, int part, GArray *into)
{
  int bottom = item->top + item->height;
  for (int c = item->column; c < item->column + span; c++)
    {
      int top = text_top (c, body_top, pp, photo_lines);
      /* Insets are planned top to bottom within a column (pb_plan_insets). */
      for (guint i = 0; insets && i < insets->len; i++)
        {
          const pb_inset_t *in = &g_array_index (insets, pb_inset_t, i);
          if (in->taken == 0 || c < in->column || c >= in->column + in->span)
            continue;
          pb_region_t r = { c, top, MIN (bottom, MAX (top, in->top - PB_INSET_SPACE)), part,
                            FALSE };
          if (r.top < r.bottom)
            g_array_append_val (into, r);
          top = MAX (top, in->top + in->taken);
        }
      pb_region_t r = { c, top, bottom, part, FALSE };
      if (r.top < r.bottom)
        g_array_append_val (into, r);
    }
}

/* Where the issue puts inset photo `k` (of the story's photos after the first), or, when it
 * gives no place, one column at the right of the item's first `span` columns from the right
 * (one a column, in turn), in the middle of the text under the headlines and photo. */
static void
inset_place (const pb_item_t *item, int span, int k, int text_from, int taken, int *column,
             int *pspan, int *top)
{
  const pb_inset_photo_t *given = item->inset_photos && k < (int) item->inset_photos->len
                                  ? &g_array_index (item->inset_photos, pb_inset_photo_t, k)
                                  : NULL;
  if (given)
    {
      *column = item->column + given->column;
      *pspan = MIN (given->span, span - given->column);
      *top = item->top + given->line;
      return;
    }
  *column = item->column + span - 1 - k % span;
  *pspan = 1;
  int bottom = item->top + item->height;
  *top = text_from + MAX (PB_INSET_SPACE, (bottom - text_from - taken) / 2);
}

/* pb_plan_insets: a photo starts under the text's top in its columns and under the photos
 * placed before it there, so that the places in each column run top to bottom (a given place
 * above an earlier photo of its columns is left out). */
gboolean
pb_plan_insets (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                const pb_item_t *item, int span, int body_top, const pb_photo_plan_t *pp,
                int photo_lines, GArray *out, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int bottom = item->top + item->height;
  /* A group holds them all. */
  for (guint i = 1; item->photo_group == PB_GROUP_NONE && !item->photo_off
                    && i < story->photos->len; i++)
    {
      int k = i - 1, column, pspan, top;
      gboolean given = item->inset_photos && k < (int) item->inset_photos->len;
      int fixed = given ? g_array_index (item->inset_photos, pb_inset_photo_t, k).lines : 0;
      inset_place (item, span, k, body_top, 0, &column, &pspan, &top);
      if (pspan <= 0)
        {
          /* In the columns of a vertical headline: left out. */
          pb_inset_t out_of_text = { i, column, 0, top, 0, 0 };
          g_array_append_val (out, out_of_text);
          continue;
        }
      int frame = pb_photo_frame_lines (t, images, story->photos->pdata[i], pspan, fixed,
                                        error);
      int taken = frame < 0 ? -1
                            : pb_photo_taken (pc, images, story, story->photos->pdata[i],
                                              column, pspan, fixed, error);
      if (taken < 0)
        return FALSE;
      int text_from = body_top;
      for (int c = column; c < column + pspan; c++)
        text_from = MAX (text_from, text_top (c, body_top, pp, photo_lines));
      for (guint j = 0; j < out->len; j++)
        {
          const pb_inset_t *o = &g_array_index (out, pb_inset_t, j);
          if (o->taken > 0 && column < o->column + o->span && o->column < column + pspan)
            text_from = MAX (text_from, o->top + o->taken);
        }
      inset_place (item, span, k, text_from, taken, &column, &pspan, &top);
      pb_inset_t in = { i, column, pspan, top, frame, taken };
      if (top < text_from || top + taken > bottom)
        in.taken = 0;
      g_array_append_val (out, in);
    }
  return TRUE;
}

/* Whether the item's columns are parted by rules: its own choice, else its template's. */
gboolean
pb_wants_column_rules (const pb_item_t *item, const pb_template_t *t)
{
  return item->column_rules == PB_RULES_ON
         || (item->column_rules == PB_RULES_TEMPLATE && t->column_rules);
}

/* Column rules (栏线) down the middle of the gutters between the item's first `span` columns,
 * beside the frames of its text (`regions` from index `from`): none across the headlines or a
 * photo over both columns, none in the blank line at the item's foot. */
void
pb_add_column_rules (const pb_page_ctx_t *pc, const pb_item_t *item, int span,
                     const GArray *regions, guint from)
{
  const pb_template_t *t = pc->grid.tmpl;
  int bottom = item->top + item->height;
  g_autofree gboolean *beside = g_new (gboolean, MAX (item->height, 1));
  for (int c = item->column; c + 1 < item->column + span; c++)
    {
      memset (beside, 0, sizeof (gboolean) * item->height);
      for (guint i = from; i < regions->len; i++)
        {
          const pb_region_t *r = &g_array_index (regions, pb_region_t, i);
          if (r->column == c || r->column == c + 1)
            for (int l = MAX (r->top, item->top); l < MIN (r->bottom, bottom); l++)
              beside[l - item->top] = TRUE;
        }
      double x = pb_column_x (t, c + 1) - t->gutter / 2;
      for (int l = 0; l < item->height;)
        {
          int end = l;
          while (end < item->height && beside[end])
            end++;
          if (end > l)
            {
              /* The rule stops half a line short of the item's foot: the next item's rule. */
              double y0 = pb_grid_cell_top (&pc->grid, item->top + l);
              double y1 = pb_grid_cell_top (&pc->grid, item->top + end)
                          - (end == item->height ? t->leading / 2 : 0);
              pb_rule_t *rule = g_new (pb_rule_t, 1);
              *rule = (pb_rule_t) { x, y0, x, y1, PB_COLUMN_RULE_WIDTH, t->rule_color };
              g_ptr_array_add (pc->page->rules, rule);
            }
          l = end + 1;
        }
    }
}

