/* The page plan: each page of an issue's "pages" with its items (stories, guide boxes, their
 * photos, headline and box options), its pool and credits, checked against the stories and
 * each other (overlaps, page numbers). */
#include "plan.h"

#include <string.h>

#include "itemopts.h"
#include "pools.h"
#include "template.h"

const char *const pb_page_keys[] = {
  "number", "section", "template", "masthead", "credits", "elsewhere", "stories", "items",
  "pool",
  NULL
};
const char *const pb_item_keys[] = {
  "story", "guide", "photo", "column", "span", "top", "height", "headline_size",
  "headline_vertical", "headline_style", "headline_scale", "box", "column_rules",
  "inset_photos", "pull_quotes", NULL
};
const char *const pb_item_photo_keys[] = { "span", "side", "lines", "group", NULL };
const char *const pb_guide_keys[] = { "title", "entries", NULL };
const char *const pb_guide_entry_keys[] = { "story", "title", NULL };

static void
guide_entry_free (gpointer p)
{
  pb_guide_entry_t *e = p;
  g_free (e->story_id);
  g_free (e->title);
  g_free (e);
}

void
pb_plan_item_free (gpointer p)
{
  pb_item_t *it = p;
  g_free (it->story_id);
  g_free (it->guide_title);
  g_clear_pointer (&it->guide_entries, g_ptr_array_unref);
  g_clear_pointer (&it->inset_photos, g_array_unref);
  g_clear_pointer (&it->pull_quotes, g_array_unref);
  g_free (it);
}

void
pb_plan_credit_free (gpointer p)
{
  pb_credit_t *c = p;
  g_free (c->key);
  g_free (c->value);
  g_free (c);
}

static gboolean
story_ref (pb_loader_t *l, const pb_json_obj_t *o, const char *key, JsonNode *n, char **out,
           GError **error)
{
  return pb_read_story_ref (l->issue, o, key, n, out, error);
}

static gboolean
read_item_photo (const pb_json_obj_t *item, pb_item_t *it, GError **error)
{
  pb_json_obj_t o;
  g_autofree char *side = NULL;
  if (!pb_json_get_object (item, "photo", FALSE, "item photo", pb_item_photo_keys, &o, error))
    return FALSE;
  if (!o.node)
    return TRUE;
  int max_lines = it->height > 0 ? it->height : G_MAXINT;
  if (!pb_json_get_int (&o, "span", FALSE, 1, it->span, 0, "at most the item's span",
                        &it->photo_span, error)
      || !pb_json_get_string (&o, "side", FALSE, &side, error)
      || !pb_json_get_int (&o, "lines", FALSE, MIN_PHOTO_LINES, max_lines, 0,
                           "at most the item's height", &it->photo_lines, error))
    return FALSE;
  if (side && strcmp (side, "left") != 0 && strcmp (side, "right") != 0)
    {
      JsonNode *n = pb_json_member (&o, "side");
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, n),
                       "%s: photo \"side\" must be \"left\" or \"right\"", o.what);
      return FALSE;
    }
  it->photo_right = side && strcmp (side, "right") == 0;
  return TRUE;
}

/* "headline_vertical": true (the strip as wide as its lines need) or a count of columns; the
 * body needs a column beside it. */
static gboolean
read_headline_vertical (const pb_json_obj_t *o, pb_item_t *it, GError **error)
{
  JsonNode *n = pb_json_member (o, "headline_vertical");
  gboolean is_bool = n && JSON_NODE_HOLDS_VALUE (n)
                     && json_node_get_value_type (n) == G_TYPE_BOOLEAN;
  if (!n || (is_bool && !json_node_get_boolean (n)))
    return TRUE;
  if (!is_bool && !pb_json_number (o->d, n, &(double) { 0 }))
    return pb_json_wrong_type (o, "headline_vertical", n, "true, false or a number of columns",
                               error);
  if (it->span < 2)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                       "%s: a vertical headline needs an item of 2 columns or more (one for "
                       "the body)", o->what);
      return FALSE;
    }
  it->headline_vertical = PB_VERTICAL_AUTO;
  if (is_bool)
    return TRUE;
  g_autofree char *hint = g_strdup_printf ("fewer than the item's %d, leaving the body a "
                                           "column", it->span);
  return pb_json_get_int (o, "headline_vertical", FALSE, 1, it->span - 1, 0, hint,
                          &it->headline_vertical, error);
}

/* The headline group's sizes: a style of the page's template by name, a scale, or the 主题's
 * size; a scale and a size together would contradict each other. */
static gboolean
read_item_headline (const pb_json_obj_t *o, const pb_page_t *p, pb_item_t *it, GError **error)
{
  g_autofree char *name = NULL;
  JsonNode *scale = pb_json_member (o, "headline_scale");
  JsonNode *size = pb_json_member (o, "headline_size");
  if (!pb_json_get_string (o, "headline_style", FALSE, &name, error)
      || !pb_json_get_length (o, "headline_size", FALSE, p->tmpl->body_size, PB_LEN_TYPE, 0,
                              &it->headline_size, error))
    return FALSE;
  if (name && !(it->headline_style = pb_template_headline_style (p->tmpl, name)))
    {
      pb_set_error_at (error, PB_ERROR_INVALID,
                       pb_json_node_loc (o->d, pb_json_member (o, "headline_style")),
                       "%s: template \"%s\" has no headline style \"%s\"", o->what,
                       p->tmpl->name, name);
      return FALSE;
    }
  if (scale && size)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, scale),
                       "%s: give \"headline_scale\" or \"headline_size\", not both", o->what);
      return FALSE;
    }
  if (!scale)
    return TRUE;
  if (!pb_json_number (o->d, scale, &it->headline_scale))
    return pb_json_wrong_type (o, "headline_scale", scale, "a number", error);
  if (it->headline_scale >= MIN_HEADLINE_SCALE && it->headline_scale <= MAX_HEADLINE_SCALE)
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, scale),
                   "%s: \"headline_scale\" must be a number from %g to %g", o->what,
                   MIN_HEADLINE_SCALE, MAX_HEADLINE_SCALE);
  return FALSE;
}

static gboolean
read_guide_entry (pb_loader_t *l, const pb_json_obj_t *guide, JsonNode *node, guint index,
                  pb_item_t *it, GError **error)
{
  g_autofree char *what = g_strdup_printf ("%s, guide entry %u", guide->what, index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (guide->d, node, what, "guide entry", pb_guide_entry_keys, &o, error))
    return FALSE;
  pb_guide_entry_t *e = g_new0 (pb_guide_entry_t, 1);
  e->loc = pb_json_node_loc (o.d, node);
  g_ptr_array_add (it->guide_entries, e);
  JsonNode *story = pb_json_member (&o, "story");
  if (!story_ref (l, &o, "story", story, &e->story_id, error)
      || !pb_json_get_string (&o, "title", TRUE, &e->title, error)
      || !pb_load_warn_empty_line (l, &o, "title", e->title))
    return FALSE;
  pb_guide_ref_t *r = g_new0 (pb_guide_ref_t, 1);
  *r = (pb_guide_ref_t) { g_strdup (what), g_strdup (e->story_id), pb_json_node_loc (o.d, story) };
  g_ptr_array_add (l->guide_refs, r);
  return TRUE;
}

static gboolean
read_guide (pb_loader_t *l, const pb_json_obj_t *item, pb_item_t *it, GError **error)
{
  pb_json_obj_t o;
  JsonNode *entries;
  JsonNode *photo = pb_json_member (item, "photo");
  if (photo)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (item->d, photo),
                       "%s: \"photo\" is only for story items", item->what);
      return FALSE;
    }
  it->kind = PB_ITEM_GUIDE;
  it->guide_entries = g_ptr_array_new_with_free_func (guide_entry_free);
  if (!pb_json_get_object (item, "guide", TRUE, "guide", pb_guide_keys, &o, error)
      || !pb_json_get_string (&o, "title", FALSE, &it->guide_title, error)
      || !pb_json_get_array (&o, "entries", TRUE, &entries, error))
    return FALSE;
  if (!it->guide_title)
    it->guide_title = g_strdup (DEFAULT_GUIDE_TITLE);
  if (pb_json_array_length (entries) == 0)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, entries),
                       "%s: \"entries\" must hold at least one entry", o.what);
      return FALSE;
    }
  for (guint i = 0; i < pb_json_array_length (entries); i++)
    if (!read_guide_entry (l, &o, pb_json_element (entries, i), i, it, error))
      return FALSE;
  return TRUE;
}

/* An item without "column" and "top" is placed by the layout (top to bottom, left to right);
 * its "span" defaults to the full width and its "height" to what its text needs. */
static gboolean
read_item_auto (const pb_json_obj_t *o, const pb_page_t *p, pb_item_t *it, GError **error)
{
  const pb_template_t *t = p->tmpl;
  int avail = t->lines - pb_page_head_lines (p);
  g_autofree char *span_hint = g_strdup_printf ("the template has %d columns", t->columns);
  g_autofree char *height_hint = g_strdup_printf ("the page has %d grid lines%s", avail,
                                                  p->masthead ? " under the masthead" : "");
  it->auto_place = TRUE;
  return pb_json_get_int (o, "span", FALSE, 1, t->columns, t->columns, span_hint, &it->span,
                          error)
         && pb_json_get_int (o, "height", FALSE, 1, avail, 0, height_hint, &it->height, error);
}

static gboolean
read_item_grid (const pb_json_obj_t *o, const pb_page_t *p, pb_item_t *it, GError **error)
{
  const pb_template_t *t = p->tmpl;
  int cols = t->columns, column;
  int avail = t->lines - pb_page_head_lines (p);
  JsonNode *col_node = pb_json_member (o, "column"), *top_node = pb_json_member (o, "top");
  if (!col_node && !top_node)
    return read_item_auto (o, p, it, error);
  if (!col_node || !top_node)
    {
      JsonNode *given = col_node ? col_node : top_node;
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, given),
                       "%s: give both \"column\" and \"top\", or neither for automatic "
                       "placement", o->what);
      return FALSE;
    }
  g_autofree char *col_hint = g_strdup_printf ("the template has %d columns", cols);
  if (!pb_json_get_int (o, "column", TRUE, 1, cols, 1, col_hint, &column, error))
    return FALSE;
  it->column = column - 1;
  g_autofree char *span_hint = g_strdup_printf ("the item starts in column %d of %d", column,
                                                cols);
  g_autofree char *top_hint = g_strdup_printf ("the page has %d grid lines%s", avail,
                                               p->masthead ? " under the masthead" : "");
  if (!pb_json_get_int (o, "span", TRUE, 1, cols - it->column, 1, span_hint, &it->span, error)
      || !pb_json_get_int (o, "top", TRUE, 0, avail - 1, 0, top_hint, &it->top, error))
    return FALSE;
  g_autofree char *height_hint = g_strdup_printf ("the item starts at line %d of the %d on "
                                                  "the page", it->top, avail);
  return pb_json_get_int (o, "height", TRUE, 1, avail - it->top, 1, height_hint, &it->height,
                          error);
}

static gboolean
check_overlap (const pb_json_obj_t *o, const pb_page_t *p, const pb_item_t *it, GError **error)
{
  for (guint j = 0; j + 1 < p->items->len && !it->auto_place; j++)
    {
      const pb_item_t *q = p->items->pdata[j];
      if (!q->auto_place && it->column < q->column + q->span && q->column < it->column + it->span
          && it->top < q->top + q->height && q->top < it->top + it->height)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, it->loc,
                           "%s overlaps item %u (at line %d, column %d): both cover column "
                           "%d, grid line %d", o->what, j + 1, q->loc.line, q->loc.col,
                           MAX (it->column, q->column) + 1, MAX (it->top, q->top));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_item (pb_loader_t *l, pb_page_t *p, JsonNode *node, guint index, GError **error)
{
  g_autofree char *what = g_strdup_printf ("page %d, item %u", p->number, index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (l->d, node, what, "item", pb_item_keys, &o, error))
    return FALSE;
  pb_item_t *it = g_new0 (pb_item_t, 1);
  it->loc = pb_json_node_loc (l->d, node);
  g_ptr_array_add (p->items, it);
  JsonNode *story = pb_json_member (&o, "story"), *guide = pb_json_member (&o, "guide");
  if (story && guide)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, guide),
                       "%s: give either \"story\" or \"guide\", not both", what);
      return FALSE;
    }
  if (!story && !guide)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, it->loc, "%s: missing \"story\" or \"guide\"",
                       what);
      return FALSE;
    }
  if (!read_item_grid (&o, p, it, error))
    return FALSE;
  if (guide)
    return read_guide (l, &o, it, error) && check_overlap (&o, p, it, error);
  it->kind = PB_ITEM_STORY;
  if (!story_ref (l, &o, "story", story, &it->story_id, error))
    return FALSE;
  /* Placed even when the rest of its item fails: no second error for the guide's sake. */
  g_hash_table_add (l->placed, g_strdup (it->story_id));
  if (!read_item_photo (&o, it, error)
      || !read_headline_vertical (&o, it, error)
      || !read_item_headline (&o, p, it, error))
    return FALSE;
  const pb_story_t *s = g_hash_table_lookup (l->issue->story_by_id, it->story_id);
  if (!pb_read_item_options (&o, p->tmpl, s, it, error))
    return FALSE;
  JsonNode *photo = pb_json_member (&o, "photo");
  if (photo && s->photos->len == 0)
    pb_add_warning (l->issue->warnings, pb_json_node_loc (o.d, photo),
                    "%s: story \"%s\" has no photos; \"photo\" is ignored", what, s->id);
  g_hash_table_add (l->placed, g_strdup (it->story_id));
  return pb_load_count_set_text (l, &o, s, error) && check_overlap (&o, p, it, error);
}

/* A pool's stories land on a page: guide entries may name them. */
void
pb_plan_mark_pool_placed (pb_loader_t *l, const GPtrArray *pool)
{
  for (guint i = 0; i < pool->len; i++)
    {
      const pb_pool_entry_t *e = pool->pdata[i];
      if (e->story_id)
        g_hash_table_add (l->placed, g_strdup (e->story_id));
    }
}

/* The stories automatic makeup places on the page, in order of importance (pools.c). */
static gboolean
read_pool (pb_loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
{
  JsonNode *arr = NULL;
  if (!pb_json_get_array (o, "pool", FALSE, &arr, error))
    return FALSE;
  if (!arr)
    return TRUE;
  if (p->in_section)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, arr),
                       "%s: a page of section \"%s\" takes its stories from the section's "
                       "pool, not a \"pool\" of its own", o->what, p->in_section->name);
      return FALSE;
    }
  gboolean ok = pb_read_pool (l->issue, o, arr, o->what, p->tmpl->columns, p->tmpl->lines,
                              NULL, p->pool, error);
  pb_plan_mark_pool_placed (l, p->pool);
  return ok;
}

static gboolean
read_items (pb_loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
{
  JsonNode *arr = NULL;
  JsonNode *stories = pb_json_member (o, "stories");
  if (stories)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, stories),
                       "%s: \"stories\" is only for pages with \"elsewhere\": true", o->what);
      return FALSE;
    }
  if (!read_pool (l, o, p, error)
      || !pb_json_get_array (o, "items", p->pool->len == 0 && !p->in_section, &arr, error))
    return FALSE;
  guint n = arr ? pb_json_array_length (arr) : 0;
  if (n > MAX_ITEMS)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, arr),
                       "%s: too many items (%u; the limit is %d)", o->what, n, MAX_ITEMS);
      return FALSE;
    }
  /* An item that fails is left out, so that the next ones are checked against the good. */
  for (guint i = 0; i < n; i++)
    {
      GError *e = NULL;
      guint before = p->items->len;
      if (!pb_load_step (l, read_item (l, p, pb_json_element (arr, i), i, &e), &e))
        g_ptr_array_set_size (p->items, before);
    }
  return TRUE;
}

static gboolean
read_elsewhere (pb_loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
{
  JsonNode *arr;
  JsonNode *items = pb_json_member (o, "items");
  if (items)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, items),
                       "%s: a page made up elsewhere has no \"items\"", o->what);
      return FALSE;
    }
  if (!pb_json_get_array (o, "stories", TRUE, &arr, error))
    return FALSE;
  for (guint i = 0; i < pb_json_array_length (arr); i++)
    {
      char *id = NULL;
      if (!story_ref (l, o, "stories", pb_json_element (arr, i), &id, error))
        return FALSE;
      g_ptr_array_add (p->story_ids, id);
      g_hash_table_add (l->placed, g_strdup (id));
    }
  return TRUE;
}

static gboolean
read_credit (const pb_json_obj_t *o, const char *name, gpointer page, GError **error)
{
  pb_page_t *p = page;
  pb_credit_t *c = g_new0 (pb_credit_t, 1);
  g_ptr_array_add (p->credits, c);
  c->key = g_strdup (name);
  return pb_json_get_string (o, name, TRUE, &c->value, error);
}

static gboolean
read_credits (const pb_json_obj_t *page, pb_page_t *p, GError **error)
{
  return pb_json_each_member (page, "credits", "credits", read_credit, p, error);
}

static gboolean
read_page_number (pb_loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
{
  if (!pb_json_get_int (o, "number", TRUE, 1, MAX_PAGE_NUMBER, 1, NULL, &p->number, error))
    return FALSE;
  JsonNode *n = pb_json_member (o, "number");
  JsonNode *first = g_hash_table_lookup (l->page_first, GINT_TO_POINTER (p->number));
  if (first)
    {
      pb_loc_t at = pb_json_node_loc (o->d, first);
      pb_set_error_at (error, PB_ERROR_DUPLICATE, pb_json_node_loc (o->d, n),
                       "%s: duplicate page number %d (also at line %d, column %d)", o->what,
                       p->number, at.line, at.col);
      return FALSE;
    }
  g_hash_table_insert (l->page_first, GINT_TO_POINTER (p->number), n);
  return TRUE;
}

gboolean
pb_plan_read_page (pb_loader_t *l, JsonNode *node, guint index, GError **error)
{
  g_autofree char *what = g_strdup_printf ("entry %u of \"pages\"", index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (l->d, node, what, "page", pb_page_keys, &o, error))
    return FALSE;
  pb_page_t *p = g_new0 (pb_page_t, 1);
  p->credits = g_ptr_array_new_with_free_func (pb_plan_credit_free);
  p->story_ids = g_ptr_array_new_with_free_func (g_free);
  p->items = g_ptr_array_new_with_free_func (pb_plan_item_free);
  p->pool = g_ptr_array_new_with_free_func (pb_pool_entry_free);
  p->loc = pb_json_node_loc (l->d, node);
  g_ptr_array_add (l->issue->pages, p);
  if (!read_page_number (l, &o, p, error))
    return FALSE;
  g_free (what);
  what = g_strdup_printf ("page %d", p->number);
  o.what = what;
  l->page = p->number;
  p->in_section = pb_section_of (l->issue, p->number);
  GError *e = NULL;
  pb_load_step (l, pb_json_get_string (&o, "section", FALSE, &p->section, &e), &e);
  if (!p->section && p->in_section)
    p->section = g_strdup (p->in_section->name);
  /* The items are measured on the page's template: without it they cannot be checked. */
  if (!pb_load_get_template (l, &o, FALSE, &p->tmpl, error))
    return FALSE;
  pb_load_step (l, pb_json_get_bool (&o, "masthead", FALSE, &p->masthead, &e), &e);
  pb_load_step (l, pb_json_get_bool (&o, "elsewhere", FALSE, &p->elsewhere, &e), &e);
  pb_load_step (l, read_credits (&o, p, &e), &e);
  if (p->elsewhere && p->in_section)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, p->loc,
                       "%s: a page of section \"%s\" is made here, not elsewhere", o.what,
                       p->in_section->name);
      return FALSE;
    }
  return p->elsewhere ? read_elsewhere (l, &o, p, error) : read_items (l, &o, p, error);
}
