/* The issue (issue.json; docs/issue.schema.json) into the model of model.h: stories with
 * their bodies and photos, pages with their items and guide entries, and the checks across
 * them (story references, overlaps, guide entries that need a page). Templates are read by
 * template.c, bodies by markdown.c, the JSON itself by jsondoc.c. */
#include "model.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "diag.h"
#include "image.h"
#include "jsondoc.h"
#include "markdown.h"
#include "source.h"
#include "template.h"
#include "itemopts.h"
#include "loader.h"
#include "plan.h"
#include "pools.h"

/* The keys of each kind of object in an issue, as docs/issue.schema.json lists them. */
static const char *const issue_keys[] = {
  "$schema", "paper", "paper_en", "date", "masthead", "template", "stories", "pages",
  "sections", NULL
};
static const char *const masthead_keys[] = { "lines", "logo", "logo_color", NULL };
static const char *const story_keys[] = {
  "id", "kicker", "headline", "subtitle", "dateline", "body", "body_file", "photos",
  "author", "filler", "briefs", "jump_headline", "byline", "credit", "group_caption", NULL
};
static const char *const photo_keys[] = { "file", "caption", "credit", "focus", NULL };

const pb_known_keys_t pb_issue_known_keys[] = {
  { "issue", issue_keys },
  { "masthead", masthead_keys },
  { "story", story_keys },
  { "photo", photo_keys },
  { "page", pb_page_keys },
  { "item", pb_item_keys },
  { "item photo", pb_item_photo_keys },
  { "pool entry", pb_pool_entry_keys },
  { "pin", pb_pin_keys },
  { "section", pb_section_keys },
  { "item box", pb_item_box_keys },
  { "inset photo", pb_inset_photo_keys },
  { "pull quote", pb_pull_quote_keys },
  { "guide", pb_guide_keys },
  { "guide entry", pb_guide_entry_keys },
  { NULL, NULL },
};

/* ---- Freeing ---- */

static void
photo_free (gpointer p)
{
  pb_photo_t *ph = p;
  g_free (ph->file);
  g_clear_pointer (&ph->bytes, g_bytes_unref);
  g_free (ph->caption);
  g_free (ph->credit);
  g_free (ph);
}

static void
story_free (gpointer p)
{
  pb_story_t *s = p;
  g_free (s->id);
  g_free (s->kicker);
  g_free (s->headline);
  g_free (s->subtitle);
  g_free (s->dateline);
  g_free (s->author);
  g_free (s->jump_headline);
  g_free (s->group_caption);
  g_free (s->byline);
  g_free (s->credit);
  g_clear_pointer (&s->blocks, g_ptr_array_unref);
  g_clear_pointer (&s->photos, g_ptr_array_unref);
  g_free (s);
}




static void
page_free (gpointer p)
{
  pb_page_t *pg = p;
  g_free (pg->section);
  g_clear_pointer (&pg->credits, g_ptr_array_unref);
  g_clear_pointer (&pg->story_ids, g_ptr_array_unref);
  g_clear_pointer (&pg->items, g_ptr_array_unref);
  g_clear_pointer (&pg->pool, g_ptr_array_unref);
  g_free (pg);
}

void
pb_issue_free (pb_issue_t *issue)
{
  if (!issue)
    return;
  g_free (issue->path);
  g_free (issue->dir);
  g_free (issue->paper);
  g_free (issue->paper_en);
  g_free (issue->date);
  g_clear_pointer (&issue->masthead_lines, g_ptr_array_unref);
  g_clear_pointer (&issue->logo, photo_free);
  g_free (issue->logo_color);
  g_clear_pointer (&issue->story_by_id, g_hash_table_unref);
  g_clear_pointer (&issue->stories, g_ptr_array_unref);
  g_clear_pointer (&issue->pages, g_ptr_array_unref);
  g_clear_pointer (&issue->sections, g_ptr_array_unref);
  g_clear_pointer (&issue->templates, g_ptr_array_unref);
  g_clear_pointer (&issue->files, g_ptr_array_unref);
  g_clear_pointer (&issue->warnings, g_ptr_array_unref);
  g_clear_pointer (&issue->inputs, g_array_unref);
  g_free (issue);
}


/* A body file is parsed and counted against the text budget once, however many stories share
 * it: they share its blocks (each naming of it is still opened beneath the issue folder). */
static gboolean
read_body_file (pb_loader_t *l, const pb_json_obj_t *o, JsonNode *n, pb_loc_t at, pb_story_t *s,
                GError **error)
{
  g_autofree char *path = NULL, *buf = NULL;
  gsize len;
  if (!pb_load_read_input (l, o, "body_file", n, INPUT_BODY, &path, &buf, &len, error))
    return FALSE;
  GPtrArray *shared = g_hash_table_lookup (l->bodies, path);
  if (shared)
    {
      g_ptr_array_unref (s->blocks);
      s->blocks = g_ptr_array_ref (shared);
      return TRUE;
    }
  if (!pb_load_text_budget (&l->text_read, len, at, o->what, "of the issue's stories", error)
      || !pb_markdown_parse (buf, len, pb_load_intern_file (l->issue, path), at, o->what, s->blocks,
                             error))
    return FALSE;
  g_hash_table_insert (l->bodies, g_steal_pointer (&path), g_ptr_array_ref (s->blocks));
  return TRUE;
}

static gboolean
read_body (pb_loader_t *l, const pb_json_obj_t *o, pb_story_t *s, GError **error)
{
  JsonNode *body = pb_json_member (o, "body"), *file = pb_json_member (o, "body_file");
  if (body && file)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, file),
                       "%s: give either \"body\" or \"body_file\", not both", o->what);
      return FALSE;
    }
  if (!body && !file)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, o->node),
                       "%s: missing \"body\" or \"body_file\"", o->what);
      return FALSE;
    }
  JsonNode *n = body ? body : file;
  const char *key = body ? "body" : "body_file";
  if (!pb_json_is_string (n))
    return pb_json_wrong_type (o, key, n, "a string", error);
  pb_loc_t at = pb_json_node_loc (o->d, n);
  if (body)
    {
      const char *text = json_node_get_string (n);
      if (strlen (text) > MAX_BODY_BYTES)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: \"body\" is longer than %d MiB",
                           o->what, MAX_BODY_BYTES / PB_MIB);
          return FALSE;
        }
      return pb_load_text_budget (&l->text_read, strlen (text), at, o->what,
                                  "of the issue's stories", error)
             && pb_markdown_parse (text, strlen (text), NULL, at, o->what, s->blocks, error);
    }
  return read_body_file (l, o, n, at, s, error);
}


/* "focus": [x, y], the point of the photo a crop keeps in view, as fractions of its width and
 * height from the top-left corner. */
static gboolean
get_focus (const pb_json_obj_t *o, pb_photo_t *ph, GError **error)
{
  JsonNode *arr;
  if (!pb_json_get_array (o, "focus", FALSE, &arr, error))
    return FALSE;
  if (!arr)
    return TRUE;
  double v[2];
  gboolean ok = pb_json_array_length (arr) == 2;
  for (guint i = 0; ok && i < 2; i++)
    ok = pb_json_number (o->d, pb_json_element (arr, i), &v[i]) && v[i] >= 0 && v[i] <= 1;
  if (!ok)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, arr),
                       "%s: \"focus\" must be [x, y], two numbers from 0 to 1 (fractions of "
                       "the photo's width and height)", o->what);
      return FALSE;
    }
  ph->has_focus = TRUE;
  ph->focus_x = v[0];
  ph->focus_y = v[1];
  return TRUE;
}

static gboolean
read_photo (pb_loader_t *l, const pb_json_obj_t *story, JsonNode *node, guint index, pb_story_t *s,
            GError **error)
{
  g_autofree char *what = g_strdup_printf ("%s, photo %u", story->what, index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (story->d, node, what, "photo", photo_keys, &o, error))
    return FALSE;
  pb_photo_t *ph = g_new0 (pb_photo_t, 1);
  g_ptr_array_add (s->photos, ph);
  JsonNode *file = pb_json_member (&o, "file");
  if (!file)
    return pb_json_missing (&o, "file", error);
  if (!pb_json_is_string (file))
    return pb_json_wrong_type (&o, "file", file, "a string", error);
  ph->loc = pb_json_node_loc (o.d, file);
  g_autofree char *data = NULL;
  gsize len;
  if (!pb_load_read_input (l, &o, "file", file, INPUT_PHOTO, &ph->file, &data, &len, error))
    return FALSE;
  ph->bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  if (!pb_json_get_string (&o, "caption", FALSE, &ph->caption, error)
      || !pb_json_get_string (&o, "credit", FALSE, &ph->credit, error)
      || !get_focus (&o, ph, error))
    return FALSE;
  if (!ph->caption)
    ph->caption = g_strdup ("");
  return TRUE;
}

static gboolean
read_photos (pb_loader_t *l, const pb_json_obj_t *o, pb_story_t *s, GError **error)
{
  JsonNode *arr;
  if (!pb_json_get_array (o, "photos", FALSE, &arr, error))
    return FALSE;
  for (guint i = 0; arr && i < pb_json_array_length (arr); i++)
    if (!read_photo (l, o, pb_json_element (arr, i), i, s, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_story_id (pb_loader_t *l, const pb_json_obj_t *o, pb_story_t *s, GError **error)
{
  JsonNode *n = pb_json_member (o, "id");
  if (!n)
    return pb_json_missing (o, "id", error);
  if (!pb_json_is_string (n))
    return pb_json_wrong_type (o, "id", n, "a string", error);
  const char *id = json_node_get_string (n);
  if (!pb_load_valid_id (id))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                       "%s: invalid id \"%s\": use only A-Z, a-z, 0-9, \"_\" and \"-\"",
                       o->what, id);
      return FALSE;
    }
  const pb_story_t *first = g_hash_table_lookup (l->issue->story_by_id, id);
  if (first)
    {
      pb_set_error_at (error, PB_ERROR_DUPLICATE, pb_json_node_loc (o->d, n),
                       "%s: duplicate story id \"%s\" (the first is at line %d, column %d)",
                       o->what, id, first->loc.line, first->loc.col);
      return FALSE;
    }
  s->id = g_strdup (id);
  g_hash_table_insert (l->issue->story_by_id, s->id, s);
  return TRUE;
}


static gboolean
read_story (pb_loader_t *l, JsonNode *node, guint index, GError **error)
{
  g_autofree char *what = g_strdup_printf ("story %u", index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (l->d, node, what, "story", story_keys, &o, error))
    return FALSE;
  pb_story_t *s = g_new0 (pb_story_t, 1);
  s->blocks = g_ptr_array_new_with_free_func (pb_block_free);
  s->photos = g_ptr_array_new_with_free_func (photo_free);
  s->loc = pb_json_node_loc (l->d, node);
  g_ptr_array_add (l->issue->stories, s);
  if (!read_story_id (l, &o, s, error))
    return FALSE;
  g_free (what);
  what = g_strdup_printf ("story \"%s\"", s->id);
  o.what = what;
  l->story = s->id;
  s->headline_loc = pb_json_node_loc (l->d, pb_json_member (&o, "headline"));
  /* Each key on its own: a story with a mistake in two keys reports both. */
  GError *e = NULL;
  pb_load_step (l, pb_json_get_string (&o, "kicker", FALSE, &s->kicker, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "headline", TRUE, &s->headline, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "subtitle", FALSE, &s->subtitle, &e), &e);
  pb_load_warn_empty_line (l, &o, "kicker", s->kicker);
  pb_load_warn_empty_line (l, &o, "headline", s->headline);
  pb_load_warn_empty_line (l, &o, "subtitle", s->subtitle);
  pb_load_step (l, pb_json_get_string (&o, "dateline", FALSE, &s->dateline, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "author", FALSE, &s->author, &e), &e);
  pb_load_step (l, pb_json_get_bool (&o, "filler", FALSE, &s->filler, &e), &e);
  pb_load_step (l, pb_json_get_bool (&o, "briefs", FALSE, &s->briefs, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "jump_headline", FALSE, &s->jump_headline, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "byline", FALSE, &s->byline, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "credit", FALSE, &s->credit, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "group_caption", FALSE, &s->group_caption, &e), &e);
  pb_load_step (l, read_body (l, &o, s, &e), &e);
  pb_load_step (l, read_photos (l, &o, s, &e), &e);
  return TRUE;
}

/* A date written YYYY-MM-DD that may still be no day of the calendar (2026-02-30). */
static gboolean
check_calendar (const pb_json_obj_t *o, const char *s, GError **error)
{
  int y = atoi (s), m = atoi (s + 5), d = atoi (s + 8);
  if (g_date_valid_dmy (d, m, y))
    return TRUE;
  pb_loc_t at = pb_json_node_loc (o->d, pb_json_member (o, "date"));
  if (!g_date_valid_month (m) || !g_date_valid_year (y))
    pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: \"date\" \"%s\" is not a day of the "
                     "calendar (months are 01 to 12, years from 0001)", o->what, s);
  else
    pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: \"date\" \"%s\" is not a day of the "
                     "calendar: month %02d of %d has %d days", o->what, s, m, y,
                     g_date_get_days_in_month (m, y));
  return FALSE;
}

static gboolean
read_date (const pb_json_obj_t *o, char **out, GError **error)
{
  if (!pb_json_get_string (o, "date", TRUE, out, error))
    return FALSE;
  const char *s = *out;
  gboolean ok = strlen (s) == 10 && s[4] == '-' && s[7] == '-';
  for (int i = 0; ok && i < 10; i++)
    ok = i == 4 || i == 7 || g_ascii_isdigit (s[i]);
  if (ok)
    return check_calendar (o, s, error);
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, pb_json_member (o, "date")),
                   "%s: \"date\" must be a date written YYYY-MM-DD, not \"%s\"", o->what, s);
  return FALSE;
}

/* The masthead's logo: an image file beneath the issue's folder, read now and decoded once to
 * refuse what is not a PNG or JPEG before any work. */
static gboolean
read_logo (pb_loader_t *l, const pb_json_obj_t *o, pb_issue_t *issue, GError **error)
{
  JsonNode *file = pb_json_member (o, "logo");
  if (!file)
    return TRUE;
  if (!pb_json_is_string (file))
    return pb_json_wrong_type (o, "logo", file, "an image file name", error);
  pb_photo_t *logo = issue->logo = g_new0 (pb_photo_t, 1);
  logo->loc = pb_json_node_loc (o->d, file);
  g_autofree char *data = NULL;
  gsize len;
  if (!pb_load_read_input (l, o, "logo", file, INPUT_PHOTO, &logo->file, &data, &len, error))
    return FALSE;
  logo->bytes = g_bytes_new_take (g_steal_pointer (&data), len);
  GError *local = NULL;
  cairo_surface_t *surface = pb_image_load_bytes (logo->file, logo->bytes, PB_IMAGE_MAX_PIXELS,
                                                 &local);
  if (!surface)
    {
      pb_set_error_at (error, PB_ERROR_IMAGE, logo->loc, "masthead logo: %s", local->message);
      g_error_free (local);
      return FALSE;
    }
  cairo_surface_destroy (surface);
  JsonNode *color = pb_json_member (o, "logo_color");
  if (color)
    issue->logo_color_loc = pb_json_node_loc (o->d, color);
  return pb_json_get_string (o, "logo_color", FALSE, &issue->logo_color, error);
}

static gboolean
read_masthead (pb_loader_t *l, const pb_json_obj_t *root, pb_issue_t *issue, GError **error)
{
  pb_json_obj_t o;
  JsonNode *lines;
  if (!pb_json_get_object (root, "masthead", FALSE, "masthead", masthead_keys, &o, error))
    return FALSE;
  if (!o.node)
    return TRUE;
  o.what = "masthead";
  if (!pb_json_get_array (&o, "lines", FALSE, &lines, error)
      || !read_logo (l, &o, issue, error))
    return FALSE;
  for (guint i = 0; lines && i < pb_json_array_length (lines); i++)
    {
      JsonNode *n = pb_json_element (lines, i);
      if (!pb_json_is_string (n))
        return pb_json_wrong_type (&o, "lines", n, "an array of strings", error);
      g_ptr_array_add (issue->masthead_lines, g_strdup (json_node_get_string (n)));
    }
  return TRUE;
}

static gboolean
read_array_of (pb_loader_t *l, const pb_json_obj_t *o, const char *key, guint min, guint max,
               gboolean (*read) (pb_loader_t *, JsonNode *, guint, GError **), GError **error)
{
  JsonNode *arr;
  if (!pb_json_get_array (o, key, TRUE, &arr, error))
    return FALSE;
  guint n = pb_json_array_length (arr);
  if (n < min)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, arr),
                       "%s: \"%s\" must not be empty", o->what, key);
      return FALSE;
    }
  if (n > max)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, arr),
                       "%s: too many %s (%u; the limit is %u)", o->what, key, n, max);
      return FALSE;
    }
  /* An element that fails does not stop the next: each is read on its own. */
  for (guint i = 0; i < n; i++)
    {
      GError *e = NULL;
      pb_load_step (l, read (l, pb_json_element (arr, i), i, &e), &e);
      l->story = NULL;
      l->page = 0;
    }
  return TRUE;
}

/* The issue's sections (pools.c); each that fails is an error of its own. */
static gboolean
read_sections (pb_loader_t *l, const pb_json_obj_t *o, GError **error)
{
  JsonNode *arr = NULL;
  if (!pb_json_get_array (o, "sections", FALSE, &arr, error))
    return FALSE;
  if (arr)
    pb_read_sections (l->issue, l->d, arr, l->tmpl, MAX_PAGES, l->errors);
  for (guint i = 0; i < l->issue->sections->len; i++)
    pb_plan_mark_pool_placed (l, ((const pb_section_t *) l->issue->sections->pdata[i])->pool);
  return TRUE;
}

static int
by_page_number (gconstpointer a, gconstpointer b)
{
  const pb_page_t *x = *(pb_page_t *const *) a, *y = *(pb_page_t *const *) b;
  return (x->number > y->number) - (x->number < y->number);
}

/* The pages of the sections that "pages" does not give, made with the section's name and the
 * issue's template; then the pages in the order of their numbers. */
static void
add_section_pages (pb_loader_t *l)
{
  pb_issue_t *issue = l->issue;
  for (guint i = 0; i < issue->sections->len; i++)
    {
      const pb_section_t *s = issue->sections->pdata[i];
      for (int n = s->first_page; n < s->first_page + s->pages; n++)
        {
          if (g_hash_table_contains (l->page_first, GINT_TO_POINTER (n)))
            continue;
          pb_page_t *p = g_new0 (pb_page_t, 1);
          *p = (pb_page_t) { .number = n, .section = g_strdup (s->name), .tmpl = l->tmpl,
                             .in_section = s, .loc = s->loc };
          p->credits = g_ptr_array_new_with_free_func (pb_plan_credit_free);
          p->story_ids = g_ptr_array_new_with_free_func (g_free);
          p->items = g_ptr_array_new_with_free_func (pb_plan_item_free);
          p->pool = g_ptr_array_new_with_free_func (pb_pool_entry_free);
          g_ptr_array_add (issue->pages, p);
        }
    }
  if (issue->sections->len > 0)
    g_ptr_array_sort (issue->pages, by_page_number);
}

/* A guide entry prints the number of the page its story lands on: it must land on one. */
static void
check_guide_refs (pb_loader_t *l)
{
  for (guint i = 0; i < l->guide_refs->len; i++)
    {
      const pb_guide_ref_t *r = l->guide_refs->pdata[i];
      if (g_hash_table_contains (l->placed, r->story_id))
        continue;
      GError *e = NULL;
      pb_set_error_at (&e, PB_ERROR_INVALID, r->at,
                       "%s: story \"%s\" is on no page, so the guide has no page number for it",
                       r->what, r->story_id);
      pb_load_step (l, FALSE, &e);
    }
}

/* A story of the pool that no item and no page made elsewhere names is left out of the
 * issue: a warning, unless it is a filler, which may stay out. */
static void
warn_unplaced (const pb_loader_t *l)
{
  for (guint i = 0; i < l->issue->stories->len; i++)
    {
      const pb_story_t *s = l->issue->stories->pdata[i];
      if (!s->filler && !g_hash_table_contains (l->placed, s->id))
        pb_add_warning (l->issue->warnings, s->loc, "story \"%s\" is placed on no page: no "
                        "item names it (a story that may stay out is marked \"filler\": true)",
                        s->id);
    }
}

/* Every step whose input does not depend on one that failed is taken, so that one run
 * reports every mistake it can; the pages need the issue's template. */
static void
read_issue (pb_loader_t *l)
{
  pb_issue_t *issue = l->issue;
  pb_json_obj_t o;
  GError *e = NULL;
  if (!pb_load_step (l, pb_json_open_object (l->d, pb_json_doc_root (l->d), "the issue", "issue",
                                             issue_keys, &o, &e), &e))
    return;
  pb_load_step (l, pb_json_get_string (&o, "paper", TRUE, &issue->paper, &e), &e);
  pb_load_step (l, pb_json_get_string (&o, "paper_en", FALSE, &issue->paper_en, &e), &e);
  pb_load_step (l, read_date (&o, &issue->date, &e), &e);
  pb_load_step (l, read_masthead (l, &o, issue, &e), &e);
  gboolean has_template = pb_load_step (l, pb_load_get_template (l, &o, TRUE, &l->tmpl, &e), &e);
  pb_load_step (l, read_array_of (l, &o, "stories", 0, MAX_STORIES, read_story, &e), &e);
  if (has_template)
    pb_load_step (l, read_sections (l, &o, &e), &e);
  /* With sections, "pages" gives only what stays fixed on some of them. */
  if (has_template && (l->issue->sections->len == 0 || pb_json_member (&o, "pages")))
    pb_load_step (l, read_array_of (l, &o, "pages", 1, MAX_PAGES, pb_plan_read_page, &e), &e);
  if (has_template)
    add_section_pages (l);
  pb_check_section_stories (l->issue, l->errors);
  check_guide_refs (l);
  if (l->errors->len == 0)
    warn_unplaced (l);
}

static pb_issue_t *
issue_new (const char *name, const char *base_dir)
{
  pb_issue_t *issue = g_new0 (pb_issue_t, 1);
  issue->path = pb_path_display (name ? name : "<data>");
  issue->dir = pb_path_display (base_dir ? base_dir : ".");
  issue->masthead_lines = g_ptr_array_new_with_free_func (g_free);
  issue->stories = g_ptr_array_new_with_free_func (story_free);
  issue->story_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  issue->pages = g_ptr_array_new_with_free_func (page_free);
  issue->sections = g_ptr_array_new_with_free_func (pb_section_free);
  issue->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_template_free);
  issue->files = g_ptr_array_new_with_free_func (g_free);
  issue->warnings = g_ptr_array_new_with_free_func (g_free);
  issue->inputs = g_array_new (FALSE, FALSE, sizeof (pb_file_id_t));
  return issue;
}

pb_issue_t *
pb_issue_load_data (const char *data, gsize len, const char *name, const char *base_dir,
                    const char *datadir, GError **error)
{
  g_return_val_if_fail (datadir != NULL, NULL);
  return pb_issue_load_data_all (data, len, name, base_dir, datadir, NULL, NULL, error);
}

/* The first of the errors into `error`, all of them into `errors` (when given). */
static void
hand_errors (GPtrArray *found, GPtrArray *errors, GError **error)
{
  g_propagate_error (error, g_error_copy (found->pdata[0]));
  while (errors && found->len && errors->len < PB_MAX_ERRORS)
    g_ptr_array_add (errors, g_ptr_array_steal_index (found, 0));
}

pb_issue_t *
pb_issue_load_data_all (const char *data, gsize len, const char *name, const char *base_dir,
                        const char *datadir, GPtrArray *errors, GArray *inputs, GError **error)
{
  g_return_val_if_fail (datadir != NULL, NULL);
  pb_issue_t *issue = issue_new (name, base_dir);
  const char *file = pb_load_intern_file (issue, issue->path);
  /* Before the copy below. */
  if (!pb_json_size_ok (file, len, error))
    {
      pb_issue_free (issue);
      return NULL;
    }
  /* Our copy ends in NUL, whatever the caller's buffer does. */
  g_autofree char *text = g_malloc (len + 1);
  memcpy (text, data, len);
  text[len] = '\0';

  pb_json_doc_t d;
  pb_loader_t l = {
    .issue = issue,
    .d = &d,
    .datadir = datadir,
    .base_dir = base_dir ? base_dir : ".",
    .dirfd = -1,
    .templates = g_hash_table_new (g_str_hash, g_str_equal),
    .page_first = g_hash_table_new (NULL, NULL),
    .placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .guide_refs = g_ptr_array_new_with_free_func (pb_load_guide_ref_free),
    .bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref),
    .set = g_hash_table_new (g_str_hash, g_str_equal),
    .errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free),
  };
  GError *e = NULL;
  if (pb_load_step (&l, pb_json_doc_parse (&d, file, text, len, issue->warnings, &e), &e))
    read_issue (&l);
  gboolean ok = l.errors->len == 0;
  if (!ok)
    hand_errors (l.errors, errors, error);
  g_ptr_array_unref (l.errors);
  pb_json_doc_clear (&d);
  if (l.dirfd >= 0)
    close (l.dirfd);
  g_hash_table_unref (l.templates);
  g_hash_table_unref (l.page_first);
  g_hash_table_unref (l.placed);
  g_ptr_array_unref (l.guide_refs);
  g_hash_table_unref (l.bodies);
  g_hash_table_unref (l.set);
  if (inputs)
    g_array_append_vals (inputs, issue->inputs->data, issue->inputs->len);
  if (!ok)
    g_clear_pointer (&issue, pb_issue_free);
  return issue;
}

pb_issue_t *
pb_issue_load_file (const char *path, const char *datadir, GError **error)
{
  g_return_val_if_fail (datadir != NULL, NULL);
  return pb_issue_load_file_all (path, datadir, NULL, NULL, error);
}

pb_issue_t *
pb_issue_load_file_all (const char *path, const char *datadir, GPtrArray *errors,
                        GArray *inputs, GError **error)
{
  g_return_val_if_fail (datadir != NULL, NULL);
  g_autofree char *buf = NULL, *shown = pb_path_display (path);
  gsize len;
  pb_file_id_t id = { 0 };
  gboolean read = pb_read_file (path, PB_JSON_MAX_BYTES, pb_file_loc (shown), NULL, &buf, &len,
                                &id, error);
  if (inputs && id.ino)
    g_array_append_val (inputs, id);
  if (!read)
    return NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  pb_issue_t *issue = pb_issue_load_data_all (buf, len, path, dir, datadir, errors, inputs,
                                              error);
  if (issue)
    g_array_prepend_val (issue->inputs, id);
  return issue;
}

