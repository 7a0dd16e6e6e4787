/* Reading pools and sections (pools.h). */
#include "pools.h"

#include "diag.h"
#include "template.h"

/* The most pages a section may have, as the issue. */
#define PB_SECTION_MAX_PAGES 500
#define PB_PAGE_NUMBER_MAX 9999
/* The tallest photo frame a pool may ask for, in grid lines (no page is taller). */
#define PB_POOL_MAX_PHOTO_LINES 400

const char *const pb_pool_entry_keys[] = {
  "story", "spans", "top", "photo_lines", "keep_with", "continue", "pin", NULL
};
const char *const pb_pin_keys[] = { "page", "column", "top", "span", "photo_lines", NULL };
const char *const pb_section_keys[] = { "name", "pages", "first_page", "pool", NULL };

void
pb_pool_entry_free (gpointer p)
{
  pb_pool_entry_t *e = p;
  g_free (e->story_id);
  g_free (e->keep_with);
  g_free (e);
}

void
pb_section_free (gpointer p)
{
  pb_section_t *s = p;
  g_free (s->name);
  g_clear_pointer (&s->pool, g_ptr_array_unref);
  g_free (s);
}

gboolean
pb_read_story_ref (const pb_issue_t *issue, const pb_json_obj_t *o, const char *key,
                   JsonNode *n, char **out, GError **error)
{
  if (!n)
    return pb_json_missing (o, key, error);
  if (!pb_json_is_string (n))
    return pb_json_wrong_type (o, key, n, "a story id (a string)", error);
  const char *id = json_node_get_string (n);
  if (!g_hash_table_contains (issue->story_by_id, id))
    {
      pb_set_error_at (error, PB_ERROR_UNKNOWN_STORY, pb_json_node_loc (o->d, n),
                       "%s: no story \"%s\" in the pool", o->what, id);
      return FALSE;
    }
  *out = g_strdup (id);
  return TRUE;
}

/* The optional `key` of `o`: a whole number from `lo` to `hi`, or [least, most] within them.
 * Absent: *least and *most stay. */
static gboolean
read_range (const pb_json_obj_t *o, const char *key, int lo, int hi, int *least, int *most,
            GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    {
      if (!pb_json_get_int (o, key, FALSE, lo, hi, 0, NULL, least, error))
        return FALSE;
      *most = *least;
      return TRUE;
    }
  double a = 0, b = 0;
  if (pb_json_array_length (n) != 2 || !pb_json_number (o->d, pb_json_element (n, 0), &a)
      || !pb_json_number (o->d, pb_json_element (n, 1), &b) || a != (int) a || b != (int) b
      || a < lo || b < a || b > hi)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                       "%s: \"%s\" must be a number or [least, most], from %d to %d", o->what,
                       key, lo, hi);
      return FALSE;
    }
  *least = (int) a;
  *most = (int) b;
  return TRUE;
}

/* The entry's override: each key given pins that much. A pinned place must lie on the page,
 * a pinned page in the section. */
static gboolean
read_pin (const pb_json_obj_t *entry, int columns, int lines, const pb_section_t *section,
          pb_pool_entry_t *e, GError **error)
{
  pb_json_obj_t o;
  if (!pb_json_get_object (entry, "pin", FALSE, "pin", pb_pin_keys, &o, error))
    return FALSE;
  e->pin = (pb_pin_t) { -1, -1, -1, -1, -1 };
  if (!o.node)
    return TRUE;
  int column = 0;
  if (!pb_json_get_int (&o, "column", FALSE, 1, columns, 0, NULL, &column, error)
      || !pb_json_get_int (&o, "top", FALSE, 0, lines - 1, -1, NULL, &e->pin.top, error)
      || !pb_json_get_int (&o, "span", FALSE, 1, columns, -1, NULL, &e->pin.span, error)
      || !pb_json_get_int (&o, "photo_lines", FALSE, 0, PB_POOL_MAX_PHOTO_LINES, -1, NULL,
                           &e->pin.photo_lines, error))
    return FALSE;
  e->pin.column = column - 1;
  if (section
      && !pb_json_get_int (&o, "page", FALSE, section->first_page,
                           section->first_page + section->pages - 1, -1,
                           "a page of the section", &e->pin.page, error))
    return FALSE;
  JsonNode *page = pb_json_member (&o, "page");
  if (!section && page)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, page),
                       "%s: \"page\" pins a story of a section's pool, not of a page's",
                       o.what);
      return FALSE;
    }
  if (e->pin.column >= 0 && e->pin.span > 0 && e->pin.column + e->pin.span > columns)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, o.node),
                       "%s: column %d and span %d go past the page's %d columns", o.what,
                       column, e->pin.span, columns);
      return FALSE;
    }
  if (e->pin.span > 0)
    e->min_span = e->max_span = e->pin.span;
  if (e->pin.photo_lines >= 0)
    e->min_photo = e->max_photo = e->pin.photo_lines;
  return TRUE;
}

/* The story it shares a page with: earlier in the same section's pool. */
static gboolean
read_keep_with (const pb_issue_t *issue, const pb_json_obj_t *o, const pb_section_t *section,
                const GPtrArray *pool, pb_pool_entry_t *e, GError **error)
{
  JsonNode *n = pb_json_member (o, "keep_with");
  if (!n)
    return TRUE;
  if (!section)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                       "%s: \"keep_with\" is for a section's pool (a page's pool is on one "
                       "page)", o->what);
      return FALSE;
    }
  if (!pb_read_story_ref (issue, o, "keep_with", n, &e->keep_with, error))
    return FALSE;
  for (guint i = 0; i + 1 < pool->len; i++)
    if (g_str_equal (((const pb_pool_entry_t *) pool->pdata[i])->story_id, e->keep_with))
      return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                   "%s: \"keep_with\": story \"%s\" is not earlier in the pool", o->what,
                   e->keep_with);
  return FALSE;
}

static gboolean
read_entry (const pb_issue_t *issue, const pb_json_obj_t *parent, JsonNode *node,
            const char *what, int columns, int lines, const pb_section_t *section,
            GPtrArray *pool, GError **error)
{
  pb_pool_entry_t *e = g_new0 (pb_pool_entry_t, 1);
  e->loc = pb_json_node_loc (parent->d, node);
  e->min_photo = e->max_photo = -1;
  e->pin = (pb_pin_t) { -1, -1, -1, -1, -1 };
  g_ptr_array_add (pool, e);
  if (pb_json_is_string (node))
    return pb_read_story_ref (issue, parent, what, node, &e->story_id, error);
  pb_json_obj_t o;
  if (!pb_json_open_object (parent->d, node, what, "pool entry", pb_pool_entry_keys, &o, error)
      || !pb_read_story_ref (issue, &o, "story", pb_json_member (&o, "story"), &e->story_id,
                             error)
      || !pb_json_get_bool (&o, "top", FALSE, &e->on_top, error)
      || !pb_json_get_bool (&o, "continue", FALSE, &e->may_continue, error)
      || !read_range (&o, "spans", 1, columns, &e->min_span, &e->max_span, error)
      || !read_range (&o, "photo_lines", 0, PB_POOL_MAX_PHOTO_LINES, &e->min_photo,
                      &e->max_photo, error)
      || !read_keep_with (issue, &o, section, pool, e, error))
    return FALSE;
  JsonNode *cont = pb_json_member (&o, "continue");
  if (cont && !section)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, cont),
                       "%s: \"continue\" is for a section's pool (a page's pool has no next "
                       "page)", o.what);
      return FALSE;
    }
  return read_pin (&o, columns, lines, section, e, error);
}

gboolean
pb_read_pool (const pb_issue_t *issue, const pb_json_obj_t *o, JsonNode *arr, const char *what,
              int columns, int lines, const pb_section_t *section, GPtrArray *pool,
              GError **error)
{
  for (guint i = 0; i < pb_json_array_length (arr); i++)
    {
      g_autofree char *entry = g_strdup_printf ("%s, entry %u of \"pool\"", what, i + 1);
      if (!read_entry (issue, o, pb_json_element (arr, i), entry, columns, lines, section, pool,
                       error))
        return FALSE;
    }
  return TRUE;
}

pb_section_t *
pb_read_section (const pb_issue_t *issue, pb_json_doc_t *d, JsonNode *node, guint index,
                 int next_page, int columns, int lines, GError **error)
{
  g_autofree char *what = g_strdup_printf ("entry %u of \"sections\"", index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (d, node, what, "section", pb_section_keys, &o, error))
    return NULL;
  pb_section_t *s = g_new0 (pb_section_t, 1);
  s->pool = g_ptr_array_new_with_free_func (pb_pool_entry_free);
  s->loc = pb_json_node_loc (d, node);
  JsonNode *arr = NULL;
  gboolean ok = pb_json_get_string (&o, "name", TRUE, &s->name, error)
                && pb_json_get_int (&o, "pages", TRUE, 1, PB_SECTION_MAX_PAGES, 1, NULL,
                                    &s->pages, error)
                && pb_json_get_int (&o, "first_page", FALSE, 1, PB_PAGE_NUMBER_MAX,
                                    next_page, NULL, &s->first_page, error)
                && pb_json_get_array (&o, "pool", TRUE, &arr, error);
  if (ok && s->first_page + s->pages - 1 > PB_PAGE_NUMBER_MAX)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, s->loc,
                       "%s: its pages go past page %d", what, PB_PAGE_NUMBER_MAX);
      ok = FALSE;
    }
  if (ok)
    {
      g_autofree char *named = g_strdup_printf ("section \"%s\"", s->name);
      o.what = named;
      ok = pb_read_pool (issue, &o, arr, named, columns, lines, s, s->pool, error);
    }
  if (!ok)
    g_clear_pointer (&s, pb_section_free);
  return s;
}

const pb_section_t *
pb_section_of (const pb_issue_t *issue, int number)
{
  for (guint i = 0; issue->sections && i < issue->sections->len; i++)
    {
      const pb_section_t *s = issue->sections->pdata[i];
      if (number >= s->first_page && number < s->first_page + s->pages)
        return s;
    }
  return NULL;
}

/* The first section already read that has a page of `s`, or NULL. */
static const pb_section_t *
overlapping (const pb_issue_t *issue, const pb_section_t *s)
{
  const pb_section_t *other = NULL;
  for (int n = s->first_page; !other && n < s->first_page + s->pages; n++)
    other = pb_section_of (issue, n);
  return other;
}

void
pb_read_sections (pb_issue_t *issue, pb_json_doc_t *d, JsonNode *arr, const pb_template_t *t,
                  int max_pages, GPtrArray *errors)
{
  int next = 1, pages = 0;
  for (guint i = 0; i < pb_json_array_length (arr); i++)
    {
      GError *e = NULL;
      pb_section_t *s = pb_read_section (issue, d, pb_json_element (arr, i), i, next,
                                         t->columns, t->lines, &e);
      const pb_section_t *other = s ? overlapping (issue, s) : NULL;
      pages += s ? s->pages : 0;
      if (other)
        pb_set_error_at (&e, PB_ERROR_INVALID, s->loc, "section \"%s\": its pages overlap "
                         "those of section \"%s\"", s->name, other->name);
      else if (s && pages > max_pages)
        pb_set_error_at (&e, PB_ERROR_INVALID, s->loc, "section \"%s\": the sections have "
                         "more than %d pages", s->name, max_pages);
      if (e)
        {
          pb_errors_take (errors, e, NULL, 0);
          g_clear_pointer (&s, pb_section_free);
          continue;
        }
      next = s->first_page + s->pages;
      g_ptr_array_add (issue->sections, s);
    }
}

/* Records where story `id` is planned (`what`), or an error when it was planned before. */
static void
plan_once (GHashTable *planned, const char *id, const char *what, pb_loc_t at,
           GPtrArray *errors)
{
  const char *before = g_hash_table_lookup (planned, id);
  if (!before)
    {
      g_hash_table_insert (planned, (gpointer) id, (gpointer) what);
      return;
    }
  GError *e = NULL;
  pb_set_error_at (&e, PB_ERROR_DUPLICATE, at, "story \"%s\" is in %s and in %s: a section's "
                   "story is placed by its section alone", id, before, what);
  pb_errors_take (errors, e, id, 0);
}

/* Whether story `id` is in a section's pool (what pages and items do with other stories is
 * checked where they are read). */
static gboolean
in_a_section (GHashTable *planned, const char *id)
{
  const char *where = g_hash_table_lookup (planned, id);
  return where && g_str_has_prefix (where, "the pool of section");
}

void
pb_check_section_stories (const pb_issue_t *issue, GPtrArray *errors)
{
  if (issue->sections->len == 0)
    return;
  g_autoptr (GHashTable) planned = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < issue->sections->len; i++)
    {
      const pb_section_t *s = issue->sections->pdata[i];
      char *what = g_strdup_printf ("the pool of section \"%s\"", s->name);
      g_ptr_array_add (names, what);
      for (guint k = 0; k < s->pool->len; k++)
        {
          const pb_pool_entry_t *e = s->pool->pdata[k];
          plan_once (planned, e->story_id, what, e->loc, errors);
        }
    }
  for (guint i = 0; i < issue->pages->len; i++)
    {
      const pb_page_t *p = issue->pages->pdata[i];
      char *what = g_strdup_printf ("page %d", p->number);
      g_ptr_array_add (names, what);
      for (guint k = 0; k < p->pool->len; k++)
        {
          const pb_pool_entry_t *e = p->pool->pdata[k];
          if (in_a_section (planned, e->story_id))
            plan_once (planned, e->story_id, what, e->loc, errors);
        }
      for (guint k = 0; k < p->items->len; k++)
        {
          const pb_item_t *it = p->items->pdata[k];
          if (it->kind == PB_ITEM_STORY && in_a_section (planned, it->story_id))
            plan_once (planned, it->story_id, what, it->loc, errors);
        }
    }
}
