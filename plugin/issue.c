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
#include "pools.h"

#define MAX_BODY_BYTES (2 * PB_MIB)
/* The text an issue's bodies hold together, read and set: each body file counts once however
 * many stories share it, each story placed on a page made here counts its body again (it is
 * shaped and broken for each story, about 60 bytes of memory for a byte of text). */
#define MAX_TEXT_BYTES (8 * PB_MIB)
#define MAX_PAGES 500
#define MAX_ITEMS 2000
#define MAX_STORIES 10000
#define MAX_PAGE_NUMBER 9999
/* The smallest photo frame, in grid lines. */
#define MIN_PHOTO_LINES 3
/* The range of an item's headline_scale: a quarter to four times the style's sizes. */
#define MIN_HEADLINE_SCALE 0.25
#define MAX_HEADLINE_SCALE 4.0
#define DEFAULT_GUIDE_TITLE "导读"

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
static const char *const page_keys[] = {
  "number", "section", "template", "masthead", "credits", "elsewhere", "stories", "items",
  "pool",
  NULL
};
static const char *const item_keys[] = {
  "story", "guide", "photo", "column", "span", "top", "height", "headline_size",
  "headline_vertical", "headline_style", "headline_scale", "box", "column_rules",
  "inset_photos", "pull_quotes", NULL
};
static const char *const item_photo_keys[] = { "span", "side", "lines", "group", NULL };
static const char *const guide_keys[] = { "title", "entries", NULL };
static const char *const guide_entry_keys[] = { "story", "title", NULL };

const pb_known_keys_t pb_issue_known_keys[] = {
  { "issue", issue_keys },
  { "masthead", masthead_keys },
  { "story", story_keys },
  { "photo", photo_keys },
  { "page", page_keys },
  { "item", item_keys },
  { "item photo", item_photo_keys },
  { "pool entry", pb_pool_entry_keys },
  { "pin", pb_pin_keys },
  { "section", pb_section_keys },
  { "item box", pb_item_box_keys },
  { "inset photo", pb_inset_photo_keys },
  { "pull quote", pb_pull_quote_keys },
  { "guide", guide_keys },
  { "guide entry", guide_entry_keys },
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
guide_entry_free (gpointer p)
{
  pb_guide_entry_t *e = p;
  g_free (e->story_id);
  g_free (e->title);
  g_free (e);
}

static void
item_free (gpointer p)
{
  pb_item_t *it = p;
  g_free (it->story_id);
  g_free (it->guide_title);
  g_clear_pointer (&it->guide_entries, g_ptr_array_unref);
  g_clear_pointer (&it->inset_photos, g_array_unref);
  g_clear_pointer (&it->pull_quotes, g_array_unref);
  g_free (it);
}

static void
credit_free (gpointer p)
{
  pb_credit_t *c = p;
  g_free (c->key);
  g_free (c->value);
  g_free (c);
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

/* ---- Files named in the issue ---- */

static char *
join_path (const char *dir, const char *rel)
{
  if (!dir || !*dir || strcmp (dir, ".") == 0)
    return g_strdup (rel);
  return g_build_filename (dir, rel, NULL);
}

static gboolean
has_dotdot (const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (strcmp (parts[i], "..") == 0)
      return TRUE;
  return FALSE;
}

/* ---- The issue ---- */

typedef struct {
  char *what;
  char *story_id;
  pb_loc_t at;
} guide_ref_t;

static void
guide_ref_free (gpointer p)
{
  guide_ref_t *r = p;
  g_free (r->what);
  g_free (r->story_id);
  g_free (r);
}

typedef struct {
  pb_issue_t *issue;
  pb_json_doc_t *d;
  const char *datadir;
  const char *base_dir;    /* the issue's folder as given (issue->dir is it for messages) */
  int dirfd;               /* the issue's folder, opened when first needed; -1 before */
  GHashTable *templates;   /* path → pb_template_t*, borrowed */
  GHashTable *page_first;  /* page number → its first JsonNode, borrowed */
  GHashTable *placed;      /* story id → TRUE, for guide entries */
  GPtrArray *guide_refs;   /* guide_ref_t*, checked once all pages are read */
  const pb_template_t *tmpl; /* the issue's default */
  GHashTable *bodies;      /* body file path → its blocks (a GPtrArray reference) */
  GHashTable *set;         /* story id → TRUE: placed on a page made here, its text counted */
  gsize text_read, text_set; /* bytes of body text, against MAX_TEXT_BYTES */
  GPtrArray *errors;       /* of GError*: every error found, in the order found */
  const char *story;       /* the id of the story being read, NULL outside one */
  int page;                /* the number of the page being read, 0 outside one */
} loader_t;

/* Records the error of a step that failed (with the story and page being read), so that
 * loading goes on with the next step; returns `ok`. */
static gboolean
step (loader_t *l, gboolean ok, GError **e)
{
  if (!ok && *e)
    pb_errors_take (l->errors, g_steal_pointer (e), l->story, l->page);
  g_clear_error (e);
  return ok;
}

static const char *
intern_file (pb_issue_t *issue, const char *path)
{
  char *copy = g_strdup (path);
  g_ptr_array_add (issue->files, copy);
  return copy;
}

static gboolean
path_error (const pb_json_obj_t *o, JsonNode *n, pb_error_code_t code, GError **error,
            const char *fmt, const char *key, const char *value)
{
  g_autofree char *msg = g_strdup_printf (fmt, key, value);
  pb_set_error_at (error, code, pb_json_node_loc (o->d, n), "%s: %s", o->what, msg);
  return FALSE;
}

/* A file named in an issue: a relative path without "..", shown as the issue's folder joined
 * with it (*path, g_free). */
static gboolean
check_rel (loader_t *l, const pb_json_obj_t *o, const char *key, JsonNode *n, char **path,
           GError **error)
{
  const char *rel = json_node_get_string (n);
  if (!*rel)
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\" must not be empty%s", key, "");
  if (g_path_is_absolute (rel))
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\" must be a path relative to the "
                       "issue's folder, not the absolute path \"%s\"", key, rel);
  if (has_dotdot (rel))
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\" must not contain \"..\": \"%s\" "
                       "would leave the issue's folder", key, rel);
  *path = join_path (l->issue->dir, rel);
  return TRUE;
}

typedef enum {
  INPUT_BODY,
  INPUT_TEMPLATE,
  INPUT_PHOTO
} input_kind_t;

/* The most bytes read of each kind of file. */
static gsize
input_limit (input_kind_t kind)
{
  return kind == INPUT_PHOTO ? PB_IMAGE_MAX_BYTES
         : kind == INPUT_TEMPLATE ? PB_JSON_MAX_BYTES : MAX_BODY_BYTES;
}

static gboolean
too_large (const pb_json_obj_t *o, JsonNode *n, input_kind_t kind, const char *path,
           guint64 size, GError **error)
{
  pb_loc_t at = pb_json_node_loc (o->d, n);
  gsize limit = input_limit (kind);
  if (kind == INPUT_PHOTO)
    pb_set_error_at (error, PB_ERROR_IMAGE, at, "%s: file of %" G_GUINT64_FORMAT " MiB is "
                     "refused (at most %" G_GSIZE_FORMAT " MiB)", path, size / PB_MIB,
                     limit / PB_MIB);
  else
    pb_set_error_at (error, PB_ERROR_INVALID, at, "%s%s: \"%s\" is larger than %" G_GSIZE_FORMAT
                     " MiB", o->what, kind == INPUT_TEMPLATE ? ": template" : "", path,
                     limit / PB_MIB);
  return FALSE;
}

/* Why the file could not be opened, in the words of the issue's author. */
static gboolean
open_error (const pb_json_obj_t *o, JsonNode *n, const char *key, const char *path, int e,
            GError **error)
{
  if (e == ENOENT || e == ENOTDIR)
    return path_error (o, n, PB_ERROR_IO, error, "\"%s\": file \"%s\" not found", key, path);
  if (e == EXDEV)
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\": \"%s\" leads outside the "
                       "issue's folder (through a symbolic link)", key,
                       json_node_get_string (n));
  g_autofree char *why = g_strdup_printf ("\"%s\": cannot open \"%s\": %s", key, path,
                                          g_strerror (e));
  return path_error (o, n, PB_ERROR_IO, error, "%s%s", why, "");
}

/* Files named in an issue must stay inside its folder, also through symbolic links: issues
 * come from many hands and must not pull in arbitrary files of the machine. Each is opened
 * once, relative to the folder's descriptor and never through a link that leads out of it
 * (pb_open_beneath), and read whole there: later stages use these bytes, so a file swapped
 * for a link after the check is never read. Sets *path (shown in messages) and *data, *len
 * (NUL-terminated, g_free). */
static gboolean
read_input (loader_t *l, const pb_json_obj_t *o, const char *key, JsonNode *n,
            input_kind_t kind, char **path, char **data, gsize *len, GError **error)
{
  g_autofree char *shown = NULL;
  if (!check_rel (l, o, key, n, &shown, error))
    return FALSE;
  if (l->dirfd < 0)
    l->dirfd = open (l->base_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int fd = l->dirfd < 0 ? -1 : pb_open_beneath (l->dirfd, json_node_get_string (n));
  if (fd < 0)
    return open_error (o, n, key, shown, errno, error);
  struct stat st;
  gboolean ok = FALSE;
  gboolean known = fstat (fd, &st) == 0;
  /* Tried is enough: no output may replace it, even when reading it fails. */
  if (known)
    g_array_append_val (l->issue->inputs, ((pb_file_id_t) { st.st_dev, st.st_ino }));
  if (!known || !S_ISREG (st.st_mode))
    path_error (o, n, PB_ERROR_IO, error, "\"%s\": \"%s\" is not a regular file", key, shown);
  else if ((guint64) st.st_size > input_limit (kind))
    too_large (o, n, kind, shown, st.st_size, error);
  else if (!(ok = pb_read_fd (fd, st.st_size, data, len)))
    {
      g_autofree char *why = g_strdup_printf ("\"%s\": cannot read \"%s\": %s", key, shown,
                                              g_strerror (errno));
      path_error (o, n, PB_ERROR_IO, error, "%s%s", why, "");
    }
  if (ok)
    *path = g_steal_pointer (&shown);
  close (fd);
  return ok;
}

static gboolean
valid_id (const char *s)
{
  if (!*s)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

/* A name is looked up in DATADIR/layouts; a value ending in .json is a file of the issue. */
static gboolean
template_path (loader_t *l, const pb_json_obj_t *o, JsonNode *n, char **path, gboolean *in_issue,
               GError **error)
{
  const char *value = json_node_get_string (n);
  *in_issue = g_str_has_suffix (value, ".json");
  if (*in_issue)
    return check_rel (l, o, "template", n, path, error);
  if (!valid_id (value))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                       "%s: unknown template \"%s\": give a name from layouts/ or a path "
                       "ending in .json", o->what, value);
      return FALSE;
    }
  g_autofree char *base = g_strconcat (value, ".json", NULL);
  *path = g_build_filename (l->datadir, "layouts", base, NULL);
  if (g_file_test (*path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                   "%s: unknown template \"%s\" (there is no %s)", o->what, value, *path);
  return FALSE;
}

/* Reads and loads the template `path` names (from the issue's folder when `in_issue`). */
static pb_template_t *
load_template (loader_t *l, const pb_json_obj_t *o, JsonNode *n, const char *path,
               gboolean in_issue, GError **error)
{
  g_autofree char *what = g_strdup_printf ("%s: template", o->what);
  g_autofree char *buf = NULL, *shown = NULL;
  gsize len;
  pb_file_id_t id = { 0 };
  gboolean read = in_issue ? read_input (l, o, "template", n, INPUT_TEMPLATE, &shown, &buf,
                                         &len, error)
                           : pb_read_file (path, PB_JSON_MAX_BYTES, pb_json_node_loc (o->d, n),
                                           what, &buf, &len, &id, error);
  if (id.ino)
    g_array_append_val (l->issue->inputs, id);
  if (!read)
    return NULL;
  return pb_template_load_data (path, buf, len, l->issue->warnings, error);
}

/* Each distinct template file is loaded once; pages borrow it from the issue. */
static gboolean
get_template (loader_t *l, const pb_json_obj_t *o, gboolean required, const pb_template_t **out,
              GError **error)
{
  JsonNode *n = pb_json_member (o, "template");
  g_autofree char *path = NULL;
  gboolean in_issue;
  *out = l->tmpl;
  if (!n)
    return required ? pb_json_missing (o, "template", error) : TRUE;
  if (!pb_json_is_string (n))
    return pb_json_wrong_type (o, "template", n, "a string", error);
  if (!template_path (l, o, n, &path, &in_issue, error))
    return FALSE;
  pb_template_t *t = g_hash_table_lookup (l->templates, path);
  if (!t)
    {
      t = load_template (l, o, n, path, in_issue, error);
      if (!t)
        return FALSE;
      g_ptr_array_add (l->issue->templates, t);
      g_hash_table_insert (l->templates, t->path, t);
    }
  *out = t;
  return TRUE;
}

static gboolean
text_budget (gsize *used, gsize more, pb_loc_t at, const char *what, const char *which,
             GError **error)
{
  *used += more;
  if (*used <= MAX_TEXT_BYTES)
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: the bodies %s hold more than %d MiB of "
                   "text together", what, which, MAX_TEXT_BYTES / PB_MIB);
  return FALSE;
}

/* A body file is parsed and counted against the text budget once, however many stories share
 * it: they share its blocks (each naming of it is still opened beneath the issue folder). */
static gboolean
read_body_file (loader_t *l, const pb_json_obj_t *o, JsonNode *n, pb_loc_t at, pb_story_t *s,
                GError **error)
{
  g_autofree char *path = NULL, *buf = NULL;
  gsize len;
  if (!read_input (l, o, "body_file", n, INPUT_BODY, &path, &buf, &len, error))
    return FALSE;
  GPtrArray *shared = g_hash_table_lookup (l->bodies, path);
  if (shared)
    {
      g_ptr_array_unref (s->blocks);
      s->blocks = g_ptr_array_ref (shared);
      return TRUE;
    }
  if (!text_budget (&l->text_read, len, at, o->what, "of the issue's stories", error)
      || !pb_markdown_parse (buf, len, intern_file (l->issue, path), at, o->what, s->blocks,
                             error))
    return FALSE;
  g_hash_table_insert (l->bodies, g_steal_pointer (&path), g_ptr_array_ref (s->blocks));
  return TRUE;
}

static gboolean
read_body (loader_t *l, const pb_json_obj_t *o, pb_story_t *s, GError **error)
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
      return text_budget (&l->text_read, strlen (text), at, o->what,
                          "of the issue's stories", error)
             && pb_markdown_parse (text, strlen (text), NULL, at, o->what, s->blocks, error);
    }
  return read_body_file (l, o, n, at, s, error);
}

/* A story placed on a page made here is set from its own copy of its body's text. */
static gboolean
count_set_text (loader_t *l, const pb_json_obj_t *o, const pb_story_t *s, GError **error)
{
  if (!g_hash_table_add (l->set, s->id))
    return TRUE;
  gsize bytes = 0;
  for (guint i = 0; i < s->blocks->len; i++)
    bytes += strlen (((const pb_block_t *) s->blocks->pdata[i])->text);
  return text_budget (&l->text_set, bytes, pb_json_node_loc (o->d, o->node), o->what,
                      "of the stories placed on the pages", error);
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
read_photo (loader_t *l, const pb_json_obj_t *story, JsonNode *node, guint index, pb_story_t *s,
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
  if (!read_input (l, &o, "file", file, INPUT_PHOTO, &ph->file, &data, &len, error))
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
read_photos (loader_t *l, const pb_json_obj_t *o, pb_story_t *s, GError **error)
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
read_story_id (loader_t *l, const pb_json_obj_t *o, pb_story_t *s, GError **error)
{
  JsonNode *n = pb_json_member (o, "id");
  if (!n)
    return pb_json_missing (o, "id", error);
  if (!pb_json_is_string (n))
    return pb_json_wrong_type (o, "id", n, "a string", error);
  const char *id = json_node_get_string (n);
  if (!valid_id (id))
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

/* Display text breaks its line at each '\n'; an empty line adds none, which its editor may
 * not expect: a warning at the value. */
static gboolean
warn_empty_line (loader_t *l, const pb_json_obj_t *o, const char *key, const char *text)
{
  if (text && strstr (text, "\n\n"))
    pb_add_warning (l->issue->warnings, pb_json_node_loc (o->d, pb_json_member (o, key)),
                    "%s: \"%s\" holds an empty line (\\n\\n), set as one line break", o->what,
                    key);
  return TRUE;
}

static gboolean
read_story (loader_t *l, JsonNode *node, guint index, GError **error)
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
  step (l, pb_json_get_string (&o, "kicker", FALSE, &s->kicker, &e), &e);
  step (l, pb_json_get_string (&o, "headline", TRUE, &s->headline, &e), &e);
  step (l, pb_json_get_string (&o, "subtitle", FALSE, &s->subtitle, &e), &e);
  warn_empty_line (l, &o, "kicker", s->kicker);
  warn_empty_line (l, &o, "headline", s->headline);
  warn_empty_line (l, &o, "subtitle", s->subtitle);
  step (l, pb_json_get_string (&o, "dateline", FALSE, &s->dateline, &e), &e);
  step (l, pb_json_get_string (&o, "author", FALSE, &s->author, &e), &e);
  step (l, pb_json_get_bool (&o, "filler", FALSE, &s->filler, &e), &e);
  step (l, pb_json_get_bool (&o, "briefs", FALSE, &s->briefs, &e), &e);
  step (l, pb_json_get_string (&o, "jump_headline", FALSE, &s->jump_headline, &e), &e);
  step (l, pb_json_get_string (&o, "byline", FALSE, &s->byline, &e), &e);
  step (l, pb_json_get_string (&o, "credit", FALSE, &s->credit, &e), &e);
  step (l, pb_json_get_string (&o, "group_caption", FALSE, &s->group_caption, &e), &e);
  step (l, read_body (l, &o, s, &e), &e);
  step (l, read_photos (l, &o, s, &e), &e);
  return TRUE;
}

static gboolean
story_ref (loader_t *l, const pb_json_obj_t *o, const char *key, JsonNode *n, char **out,
           GError **error)
{
  return pb_read_story_ref (l->issue, o, key, n, out, error);
}

static gboolean
read_item_photo (const pb_json_obj_t *item, pb_item_t *it, GError **error)
{
  pb_json_obj_t o;
  g_autofree char *side = NULL;
  if (!pb_json_get_object (item, "photo", FALSE, "item photo", item_photo_keys, &o, error))
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
read_guide_entry (loader_t *l, const pb_json_obj_t *guide, JsonNode *node, guint index,
                  pb_item_t *it, GError **error)
{
  g_autofree char *what = g_strdup_printf ("%s, guide entry %u", guide->what, index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (guide->d, node, what, "guide entry", guide_entry_keys, &o, error))
    return FALSE;
  pb_guide_entry_t *e = g_new0 (pb_guide_entry_t, 1);
  e->loc = pb_json_node_loc (o.d, node);
  g_ptr_array_add (it->guide_entries, e);
  JsonNode *story = pb_json_member (&o, "story");
  if (!story_ref (l, &o, "story", story, &e->story_id, error)
      || !pb_json_get_string (&o, "title", TRUE, &e->title, error)
      || !warn_empty_line (l, &o, "title", e->title))
    return FALSE;
  guide_ref_t *r = g_new0 (guide_ref_t, 1);
  *r = (guide_ref_t) { g_strdup (what), g_strdup (e->story_id), pb_json_node_loc (o.d, story) };
  g_ptr_array_add (l->guide_refs, r);
  return TRUE;
}

static gboolean
read_guide (loader_t *l, const pb_json_obj_t *item, pb_item_t *it, GError **error)
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
  if (!pb_json_get_object (item, "guide", TRUE, "guide", guide_keys, &o, error)
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
read_item (loader_t *l, pb_page_t *p, JsonNode *node, guint index, GError **error)
{
  g_autofree char *what = g_strdup_printf ("page %d, item %u", p->number, index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (l->d, node, what, "item", item_keys, &o, error))
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
  return count_set_text (l, &o, s, error) && check_overlap (&o, p, it, error);
}

/* A pool's stories land on a page: guide entries may name them. */
static void
mark_pool_placed (loader_t *l, const GPtrArray *pool)
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
read_pool (loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
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
  mark_pool_placed (l, p->pool);
  return ok;
}

static gboolean
read_items (loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
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
      if (!step (l, read_item (l, p, pb_json_element (arr, i), i, &e), &e))
        g_ptr_array_set_size (p->items, before);
    }
  return TRUE;
}

static gboolean
read_elsewhere (loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
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
read_page_number (loader_t *l, const pb_json_obj_t *o, pb_page_t *p, GError **error)
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

static gboolean
read_page (loader_t *l, JsonNode *node, guint index, GError **error)
{
  g_autofree char *what = g_strdup_printf ("entry %u of \"pages\"", index + 1);
  pb_json_obj_t o;
  if (!pb_json_open_object (l->d, node, what, "page", page_keys, &o, error))
    return FALSE;
  pb_page_t *p = g_new0 (pb_page_t, 1);
  p->credits = g_ptr_array_new_with_free_func (credit_free);
  p->story_ids = g_ptr_array_new_with_free_func (g_free);
  p->items = g_ptr_array_new_with_free_func (item_free);
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
  step (l, pb_json_get_string (&o, "section", FALSE, &p->section, &e), &e);
  if (!p->section && p->in_section)
    p->section = g_strdup (p->in_section->name);
  /* The items are measured on the page's template: without it they cannot be checked. */
  if (!get_template (l, &o, FALSE, &p->tmpl, error))
    return FALSE;
  step (l, pb_json_get_bool (&o, "masthead", FALSE, &p->masthead, &e), &e);
  step (l, pb_json_get_bool (&o, "elsewhere", FALSE, &p->elsewhere, &e), &e);
  step (l, read_credits (&o, p, &e), &e);
  if (p->elsewhere && p->in_section)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, p->loc,
                       "%s: a page of section \"%s\" is made here, not elsewhere", o.what,
                       p->in_section->name);
      return FALSE;
    }
  return p->elsewhere ? read_elsewhere (l, &o, p, error) : read_items (l, &o, p, error);
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
read_logo (loader_t *l, const pb_json_obj_t *o, pb_issue_t *issue, GError **error)
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
  if (!read_input (l, o, "logo", file, INPUT_PHOTO, &logo->file, &data, &len, error))
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
read_masthead (loader_t *l, const pb_json_obj_t *root, pb_issue_t *issue, GError **error)
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
read_array_of (loader_t *l, const pb_json_obj_t *o, const char *key, guint min, guint max,
               gboolean (*read) (loader_t *, JsonNode *, guint, GError **), GError **error)
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
      step (l, read (l, pb_json_element (arr, i), i, &e), &e);
      l->story = NULL;
      l->page = 0;
    }
  return TRUE;
}

/* The issue's sections (pools.c); each that fails is an error of its own. */
static gboolean
read_sections (loader_t *l, const pb_json_obj_t *o, GError **error)
{
  JsonNode *arr = NULL;
  if (!pb_json_get_array (o, "sections", FALSE, &arr, error))
    return FALSE;
  if (arr)
    pb_read_sections (l->issue, l->d, arr, l->tmpl, MAX_PAGES, l->errors);
  for (guint i = 0; i < l->issue->sections->len; i++)
    mark_pool_placed (l, ((const pb_section_t *) l->issue->sections->pdata[i])->pool);
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
add_section_pages (loader_t *l)
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
          p->credits = g_ptr_array_new_with_free_func (credit_free);
          p->story_ids = g_ptr_array_new_with_free_func (g_free);
          p->items = g_ptr_array_new_with_free_func (item_free);
          p->pool = g_ptr_array_new_with_free_func (pb_pool_entry_free);
          g_ptr_array_add (issue->pages, p);
        }
    }
  if (issue->sections->len > 0)
    g_ptr_array_sort (issue->pages, by_page_number);
}

/* A guide entry prints the number of the page its story lands on: it must land on one. */
static void
check_guide_refs (loader_t *l)
{
  for (guint i = 0; i < l->guide_refs->len; i++)
    {
      const guide_ref_t *r = l->guide_refs->pdata[i];
      if (g_hash_table_contains (l->placed, r->story_id))
        continue;
      GError *e = NULL;
      pb_set_error_at (&e, PB_ERROR_INVALID, r->at,
                       "%s: story \"%s\" is on no page, so the guide has no page number for it",
                       r->what, r->story_id);
      step (l, FALSE, &e);
    }
}

/* A story of the pool that no item and no page made elsewhere names is left out of the
 * issue: a warning, unless it is a filler, which may stay out. */
static void
warn_unplaced (const loader_t *l)
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
read_issue (loader_t *l)
{
  pb_issue_t *issue = l->issue;
  pb_json_obj_t o;
  GError *e = NULL;
  if (!step (l, pb_json_open_object (l->d, pb_json_doc_root (l->d), "the issue", "issue",
                                     issue_keys, &o, &e), &e))
    return;
  step (l, pb_json_get_string (&o, "paper", TRUE, &issue->paper, &e), &e);
  step (l, pb_json_get_string (&o, "paper_en", FALSE, &issue->paper_en, &e), &e);
  step (l, read_date (&o, &issue->date, &e), &e);
  step (l, read_masthead (l, &o, issue, &e), &e);
  gboolean has_template = step (l, get_template (l, &o, TRUE, &l->tmpl, &e), &e);
  step (l, read_array_of (l, &o, "stories", 0, MAX_STORIES, read_story, &e), &e);
  if (has_template)
    step (l, read_sections (l, &o, &e), &e);
  /* With sections, "pages" gives only what stays fixed on some of them. */
  if (has_template && (l->issue->sections->len == 0 || pb_json_member (&o, "pages")))
    step (l, read_array_of (l, &o, "pages", 1, MAX_PAGES, read_page, &e), &e);
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
  const char *file = intern_file (issue, issue->path);
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
  loader_t l = {
    .issue = issue,
    .d = &d,
    .datadir = datadir,
    .base_dir = base_dir ? base_dir : ".",
    .dirfd = -1,
    .templates = g_hash_table_new (g_str_hash, g_str_equal),
    .page_first = g_hash_table_new (NULL, NULL),
    .placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .guide_refs = g_ptr_array_new_with_free_func (guide_ref_free),
    .bodies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) g_ptr_array_unref),
    .set = g_hash_table_new (g_str_hash, g_str_equal),
    .errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free),
  };
  GError *e = NULL;
  if (step (&l, pb_json_doc_parse (&d, file, text, len, issue->warnings, &e), &e))
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

