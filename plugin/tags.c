#include "tags.h"

#include <string.h>

const char *const pb_tag_names[] = {
  [PB_TAG_DOCUMENT] = "Document", [PB_TAG_ART] = "Art",     [PB_TAG_DIV] = "Div",
  [PB_TAG_H] = "H",               [PB_TAG_P] = "P",         [PB_TAG_FIGURE] = "Figure",
  [PB_TAG_CAPTION] = "Caption",   [PB_TAG_LINK] = "Link",
};

struct pb_tags {
  GPtrArray *elems;         /* of pb_tag_elem_t*, in tree order */
  GPtrArray *line_elem;     /* per page: GArray of int, by line */
  GPtrArray *image_elem;    /* per page: GArray of int, by image */
  GPtrArray *marks;         /* per page: GArray of int, by MCID */
};

/* Where an element stands among the others of its story on a page: the headline group, the
 * byline, the photo and its caption, the line that says where the story comes from, the body,
 * the credit, the line that says where it goes on. Elements are read by page, then by rank,
 * then by their order within the rank (the body's blocks, else the lines). */
enum {
  RANK_KICKER,
  RANK_HEADLINE,
  RANK_SUBTITLE,
  RANK_BYLINE,
  RANK_FIGURE,
  RANK_CAPTION,
  RANK_JUMP_FROM,
  RANK_BODY,
  RANK_CREDIT,
  RANK_JUMP_TO,
  RANK_OTHER
};

/* A group of the Document (an Art per story, a Div per guide box) and an element of a group,
 * while the tree is put together. */
typedef struct {
  pb_tag_type_t type;
  int order;                /* place among the groups */
  int final;                /* index in the tree; -1 while it has no element */
} group_t;

typedef struct {
  pb_tag_type_t type;
  const group_t *group;
  int page, rank, seq;      /* where it is read within its group */
  char *alt;
  int link_page;
  int final;                /* index in the tree */
} draft_t;

typedef struct {
  const pb_layout_t *layout;
  GPtrArray *groups;        /* of group_t*, in reading order */
  GHashTable *story_group;  /* story id → group_t* (borrowed) */
  GPtrArray *drafts;        /* of draft_t* */
  GHashTable *by_key;       /* element key → draft index + 1 */
} builder_t;

static group_t *
new_group (builder_t *b, pb_tag_type_t type)
{
  group_t *g = g_new0 (group_t, 1);
  g->type = type;
  g->order = b->groups->len;
  g->final = -1;
  g_ptr_array_add (b->groups, g);
  return g;
}

static group_t *
story_group (builder_t *b, const char *story)
{
  group_t *g = g_hash_table_lookup (b->story_group, story);
  if (!g)
    {
      g = new_group (b, PB_TAG_ART);
      g_hash_table_insert (b->story_group, (gpointer) story, g);
    }
  return g;
}

/* The story items and guide boxes in the plan's order, page by page: the order of reading. */
static void
find_groups (builder_t *b, GHashTable *guides)
{
  for (guint p = 0; p < b->layout->pages->len; p++)
    {
      const pb_page_layout_t *page = b->layout->pages->pdata[p];
      for (guint i = 0; i < page->items->len; i++)
        {
          const pb_placed_item_t *item = page->items->pdata[i];
          if (item->kind == PB_ITEM_STORY && item->story_id)
            story_group (b, item->story_id);
          else if (item->kind == PB_ITEM_GUIDE)
            g_hash_table_insert (guides, (gpointer) item, new_group (b, PB_TAG_DIV));
        }
    }
}

/* The element called `key`, made on first use. Returns its draft index. */
static int
element (builder_t *b, const char *key, pb_tag_type_t type, const group_t *group, int page,
         int rank, int seq)
{
  gpointer found = g_hash_table_lookup (b->by_key, key);
  if (found)
    return GPOINTER_TO_INT (found) - 1;
  draft_t *d = g_new0 (draft_t, 1);
  *d = (draft_t) { type, group, page, rank, seq, NULL, 0, -1 };
  g_ptr_array_add (b->drafts, d);
  g_hash_table_insert (b->by_key, g_strdup (key), GINT_TO_POINTER (b->drafts->len));
  return b->drafts->len - 1;
}

/* 1-based index in the layout of the page numbered `number`, 0 when it is not in it: links go
 * only to pages of the same file (as the painter draws them). */
static gboolean
has_page (const pb_layout_t *layout, int number)
{
  for (guint i = 0; i < layout->pages->len; i++)
    if (((pb_page_layout_t *) layout->pages->pdata[i])->number == number)
      return TRUE;
  return FALSE;
}

/* A line that is an artifact but carries a link: a Link element of its own in `group`. */
static int
link_element (builder_t *b, const group_t *group, int p, guint index, const pb_line_t *line,
              int rank)
{
  if (!group || !line->link_page || !has_page (b->layout, line->link_page))
    return PB_TAG_ARTIFACT;
  g_autofree char *key = g_strdup_printf ("link %d %u", p, index);
  int d = element (b, key, PB_TAG_LINK, group, p, rank, index);
  draft_t *draft = b->drafts->pdata[d];
  draft->alt = g_strdup (line->text);
  draft->link_page = line->link_page;
  return d;
}

/* The guide box holding a line of a guide: the one whose area holds its origin. */
static const group_t *
guide_group (builder_t *b, GHashTable *guides, const pb_page_layout_t *page,
             const pb_line_t *line)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *item = page->items->pdata[i];
      const pb_rect_t *a = &item->area;
      if (item->kind == PB_ITEM_GUIDE && line->x >= a->x && line->x <= a->x + a->w
          && line->baseline >= a->y && line->baseline <= a->y + a->h)
        return g_hash_table_lookup (guides, item);
    }
  return NULL;
}

static int
role_rank (pb_role_t role)
{
  switch (role)
    {
    case PB_ROLE_KICKER: return RANK_KICKER;
    case PB_ROLE_HEADLINE: return RANK_HEADLINE;
    case PB_ROLE_SUBTITLE: return RANK_SUBTITLE;
    case PB_ROLE_BYLINE: return RANK_BYLINE;
    case PB_ROLE_CAPTION: return RANK_CAPTION;
    case PB_ROLE_CREDIT: return RANK_CREDIT;
    default: return RANK_OTHER;
    }
}

/* The element of a line of a story: its paragraph or subhead, or the story's kicker, headline,
 * subtitle, byline, captions or credit on that page (each one element, however many lines). */
static int
story_line (builder_t *b, const group_t *g, int p, guint index, const pb_line_t *line)
{
  const pb_page_layout_t *page = b->layout->pages->pdata[p];
  if (line->role == PB_ROLE_JUMP)
    {
      gboolean from = line->link_page && line->link_page < page->number;
      return link_element (b, g, p, index, line, from ? RANK_JUMP_FROM : RANK_JUMP_TO);
    }
  if (line->block >= 0)
    {
      g_autofree char *key = g_strdup_printf ("%s block %d", line->story_id, line->block);
      pb_tag_type_t type = line->role == PB_ROLE_SUBHEAD ? PB_TAG_H : PB_TAG_P;
      return element (b, key, type, g, p, RANK_BODY, line->block);
    }
  int rank = role_rank (line->role);
  if (rank == RANK_OTHER)
    return PB_TAG_ARTIFACT;
  pb_tag_type_t type = rank <= RANK_SUBTITLE ? PB_TAG_H
                       : line->role == PB_ROLE_CAPTION ? PB_TAG_CAPTION
                                                       : PB_TAG_P;
  g_autofree char *key = g_strdup_printf ("%s %d role %d", line->story_id, p, line->role);
  return element (b, key, type, g, p, rank, index);
}

static int
line_element (builder_t *b, GHashTable *guides, int p, guint index)
{
  const pb_page_layout_t *page = b->layout->pages->pdata[p];
  const pb_line_t *line = page->lines->pdata[index];
  switch (line->role)
    {
    case PB_ROLE_GUIDE_TITLE:
    case PB_ROLE_GUIDE_ENTRY:
    case PB_ROLE_GUIDE_PAGE:
      return link_element (b, guide_group (b, guides, page, line), p, index, line, RANK_OTHER);
    case PB_ROLE_MASTHEAD_TITLE:
    case PB_ROLE_MASTHEAD_LINE:
    case PB_ROLE_FOLIO:
      return PB_TAG_ARTIFACT;
    default:
      if (!line->story_id)
        return PB_TAG_ARTIFACT;
      return story_line (b, story_group (b, line->story_id), p, index, line);
    }
}

static int
image_element (builder_t *b, int p, guint index)
{
  const pb_page_layout_t *page = b->layout->pages->pdata[p];
  const pb_image_t *image = page->images->pdata[index];
  if (!image->story_id)
    return PB_TAG_ARTIFACT;
  g_autofree char *key = g_strdup_printf ("figure %d %u", p, index);
  int d = element (b, key, PB_TAG_FIGURE, story_group (b, image->story_id), p, RANK_FIGURE,
                   index);
  draft_t *draft = b->drafts->pdata[d];
  if (image->photo && image->photo->caption)
    draft->alt = g_strdup (image->photo->caption);
  return d;
}

static gint
reading_order (gconstpointer a, gconstpointer b)
{
  const draft_t *x = *(draft_t *const *) a, *y = *(draft_t *const *) b;
  int kx[4] = { x->group->order, x->page, x->rank, x->seq };
  int ky[4] = { y->group->order, y->page, y->rank, y->seq };
  for (int i = 0; i < 4; i++)
    if (kx[i] != ky[i])
      return kx[i] < ky[i] ? -1 : 1;
  return 0;
}

static int
add_elem (pb_tags_t *tags, pb_tag_type_t type, int parent, char *alt, int link_page)
{
  pb_tag_elem_t *e = g_new0 (pb_tag_elem_t, 1);
  *e = (pb_tag_elem_t) { type, parent, alt, link_page, g_array_new (FALSE, FALSE,
                                                                     sizeof (pb_tag_mark_t)) };
  g_ptr_array_add (tags->elems, e);
  return tags->elems->len - 1;
}

/* The tree: the Document, then each group that holds anything, followed by its elements in
 * reading order. Sets each draft's final index. */
static void
build_tree (pb_tags_t *tags, builder_t *b)
{
  add_elem (tags, PB_TAG_DOCUMENT, -1, NULL, 0);
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (b->drafts->len);
  for (guint i = 0; i < b->drafts->len; i++)
    g_ptr_array_add (sorted, b->drafts->pdata[i]);
  g_ptr_array_sort (sorted, reading_order);
  for (guint i = 0; i < sorted->len; i++)
    {
      draft_t *d = sorted->pdata[i];
      group_t *g = (group_t *) d->group;
      if (g->final < 0)
        g->final = add_elem (tags, g->type, 0, NULL, 0);
      d->final = add_elem (tags, d->type, g->final, g_steal_pointer (&d->alt), d->link_page);
    }
}

/* Replaces draft indexes by tree indexes in a page's table. */
static void
to_final (GArray *table, const builder_t *b)
{
  for (guint i = 0; i < table->len; i++)
    {
      int *v = &g_array_index (table, int, i);
      if (*v != PB_TAG_ARTIFACT)
        *v = ((draft_t *) b->drafts->pdata[*v])->final;
    }
}

static void
draft_free (gpointer p)
{
  draft_t *d = p;
  g_free (d->alt);
  g_free (d);
}

static void
find_elements (pb_tags_t *tags, builder_t *b, GHashTable *guides)
{
  for (guint p = 0; p < b->layout->pages->len; p++)
    {
      const pb_page_layout_t *page = b->layout->pages->pdata[p];
      GArray *lines = g_array_sized_new (FALSE, FALSE, sizeof (int), page->lines->len);
      for (guint i = 0; i < page->lines->len; i++)
        {
          int e = line_element (b, guides, p, i);
          g_array_append_val (lines, e);
        }
      GArray *images = g_array_sized_new (FALSE, FALSE, sizeof (int), page->images->len);
      for (guint i = 0; i < page->images->len; i++)
        {
          int e = image_element (b, p, i);
          g_array_append_val (images, e);
        }
      g_ptr_array_add (tags->line_elem, lines);
      g_ptr_array_add (tags->image_elem, images);
      g_ptr_array_add (tags->marks, g_array_new (FALSE, FALSE, sizeof (int)));
    }
}

pb_tags_t *
pb_tags_new (const pb_layout_t *layout)
{
  pb_tags_t *tags = g_new0 (pb_tags_t, 1);
  tags->elems = g_ptr_array_new ();
  tags->line_elem = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  tags->image_elem = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  tags->marks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  builder_t b = { layout, g_ptr_array_new_with_free_func (g_free),
                  g_hash_table_new (g_str_hash, g_str_equal),
                  g_ptr_array_new_with_free_func (draft_free),
                  g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  g_autoptr (GHashTable) guides = g_hash_table_new (NULL, NULL);
  find_groups (&b, guides);
  find_elements (tags, &b, guides);
  build_tree (tags, &b);
  for (guint p = 0; p < layout->pages->len; p++)
    {
      to_final (tags->line_elem->pdata[p], &b);
      to_final (tags->image_elem->pdata[p], &b);
    }
  g_ptr_array_unref (b.groups);
  g_hash_table_unref (b.story_group);
  g_ptr_array_unref (b.drafts);
  g_hash_table_unref (b.by_key);
  return tags;
}

void
pb_tags_free (pb_tags_t *tags)
{
  if (!tags)
    return;
  for (guint i = 0; i < tags->elems->len; i++)
    {
      pb_tag_elem_t *e = tags->elems->pdata[i];
      g_free (e->alt);
      g_array_unref (e->marks);
      g_free (e);
    }
  g_ptr_array_unref (tags->elems);
  g_ptr_array_unref (tags->line_elem);
  g_ptr_array_unref (tags->image_elem);
  g_ptr_array_unref (tags->marks);
  g_free (tags);
}

int
pb_tags_line (const pb_tags_t *tags, guint page, guint line)
{
  return g_array_index ((GArray *) tags->line_elem->pdata[page], int, line);
}

int
pb_tags_image (const pb_tags_t *tags, guint page, guint image)
{
  return g_array_index ((GArray *) tags->image_elem->pdata[page], int, image);
}

int
pb_tags_mark (pb_tags_t *tags, guint page, int elem)
{
  GArray *marks = tags->marks->pdata[page];
  int mcid = marks->len;
  g_array_append_val (marks, elem);
  if (!pb_tags_is_artifact (tags, elem))
    {
      pb_tag_mark_t m = { page, mcid };
      g_array_append_val (((pb_tag_elem_t *) tags->elems->pdata[elem])->marks, m);
    }
  return mcid;
}

gboolean
pb_tags_is_artifact (const pb_tags_t *tags, int elem)
{
  return elem == PB_TAG_ARTIFACT
         || ((pb_tag_elem_t *) tags->elems->pdata[elem])->type == PB_TAG_LINK;
}

guint
pb_tags_count (const pb_tags_t *tags)
{
  return tags->elems->len;
}

const pb_tag_elem_t *
pb_tags_elem (const pb_tags_t *tags, guint index)
{
  return tags->elems->pdata[index];
}

const int *
pb_tags_page_marks (const pb_tags_t *tags, guint page, guint *n)
{
  GArray *marks = tags->marks->pdata[page];
  *n = marks->len;
  return (const int *) marks->data;
}

guint
pb_tags_pages (const pb_tags_t *tags)
{
  return tags->marks->len;
}
