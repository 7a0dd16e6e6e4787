/* The issue's loader: the files an issue names, each opened once beneath the issue's folder
 * and read within its limit, templates read once, the budget of body text, the errors of
 * its steps collected. */
#include "loader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "image.h"
#include "source.h"
#include "template.h"

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

void
pb_load_guide_ref_free (gpointer p)
{
  pb_guide_ref_t *r = p;
  g_free (r->what);
  g_free (r->story_id);
  g_free (r);
}

/* Records the error of a step that failed (with the story and page being read), so that
 * loading goes on with the next step; returns `ok`. */
gboolean
pb_load_step (pb_loader_t *l, gboolean ok, GError **e)
{
  if (!ok && *e)
    pb_errors_take (l->errors, g_steal_pointer (e), l->story, l->page);
  g_clear_error (e);
  return ok;
}

const char *
pb_load_intern_file (pb_issue_t *issue, const char *path)
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
check_rel (pb_loader_t *l, const pb_json_obj_t *o, const char *key, JsonNode *n, char **path,
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
gboolean
pb_load_read_input (pb_loader_t *l, const pb_json_obj_t *o, const char *key, JsonNode *n,
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

gboolean
pb_load_valid_id (const char *s)
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
template_path (pb_loader_t *l, const pb_json_obj_t *o, JsonNode *n, char **path, gboolean *in_issue,
               GError **error)
{
  const char *value = json_node_get_string (n);
  *in_issue = g_str_has_suffix (value, ".json");
  if (*in_issue)
    return check_rel (l, o, "template", n, path, error);
  if (!pb_load_valid_id (value))
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
load_template (pb_loader_t *l, const pb_json_obj_t *o, JsonNode *n, const char *path,
               gboolean in_issue, GError **error)
{
  g_autofree char *what = g_strdup_printf ("%s: template", o->what);
  g_autofree char *buf = NULL, *shown = NULL;
  gsize len;
  pb_file_id_t id = { 0 };
  gboolean read = in_issue ? pb_load_read_input (l, o, "template", n, INPUT_TEMPLATE, &shown, &buf,
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
gboolean
pb_load_get_template (pb_loader_t *l, const pb_json_obj_t *o, gboolean required,
                      const pb_template_t **out, GError **error)
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

gboolean
pb_load_text_budget (gsize *used, gsize more, pb_loc_t at, const char *what, const char *which,
                     GError **error)
{
  *used += more;
  if (*used <= MAX_TEXT_BYTES)
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: the bodies %s hold more than %d MiB of "
                   "text together", what, which, MAX_TEXT_BYTES / PB_MIB);
  return FALSE;
}

/* A story placed on a page made here is set from its own copy of its body's text. */
gboolean
pb_load_count_set_text (pb_loader_t *l, const pb_json_obj_t *o, const pb_story_t *s, GError **error)
{
  if (!g_hash_table_add (l->set, s->id))
    return TRUE;
  gsize bytes = 0;
  for (guint i = 0; i < s->blocks->len; i++)
    bytes += strlen (((const pb_block_t *) s->blocks->pdata[i])->text);
  return pb_load_text_budget (&l->text_set, bytes, pb_json_node_loc (o->d, o->node), o->what,
                              "of the stories placed on the pages", error);
}

/* Display text breaks its line at each '\n'; an empty line adds none, which its editor may
 * not expect: a warning at the value. */
gboolean
pb_load_warn_empty_line (pb_loader_t *l, const pb_json_obj_t *o, const char *key, const char *text)
{
  if (text && strstr (text, "\n\n"))
    pb_add_warning (l->issue->warnings, pb_json_node_loc (o->d, pb_json_member (o, key)),
                    "%s: \"%s\" holds an empty line (\\n\\n), set as one line break", o->what,
                    key);
  return TRUE;
}
