#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "model.h"
#include "source.h"

static gboolean
output_error (GError **error, const char *path, const char *what, int e)
{
  g_autofree char *shown = pb_path_display (path);
  if (what)
    g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s: %s", shown, what, g_strerror (e));
  else
    g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s", shown, g_strerror (e));
  return FALSE;
}

/* What is at `path` now may be replaced: nothing, a regular file, or a symbolic link (the
 * rename replaces the link itself, never what it points to). A folder cannot be, and a device
 * or FIFO must not be: a regular file in its place would break what uses it. */
static gboolean
replaceable (const char *path, GError **error)
{
  struct stat st;
  if (lstat (path, &st) != 0 || S_ISREG (st.st_mode) || S_ISLNK (st.st_mode))
    return TRUE; /* a missing folder fails when the temporary file is made */
  g_autofree char *shown = pb_path_display (path);
  g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s", shown,
               S_ISDIR (st.st_mode) ? "is a folder, not a file"
                                    : "is a device, FIFO or socket, not a regular file: it is "
                                      "not replaced");
  return FALSE;
}

gboolean
pb_outfile_open (pb_outfile_t *out, const char *path, const char *what, GError **error)
{
  *out = (pb_outfile_t) { -1, NULL, NULL, 0, what };
  if (!replaceable (path, error))
    return FALSE;
  out->path = g_strdup (path);
  g_autofree char *dir = g_path_get_dirname (path);
  out->fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
  /* File systems without unnamed files say so with one of these; others (no folder, no
   * permission) are the caller's problem and reported as they are. The named file is created
   * exclusively (O_EXCL): a link planted under its name makes it try another name. */
  if (out->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    {
      out->tmp = g_strdup_printf ("%s.XXXXXX", path);
      out->fd = g_mkstemp_full (out->tmp, O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0644);
    }
  if (out->fd < 0)
    {
      int e = errno;
      g_clear_pointer (&out->tmp, g_free);
      g_clear_pointer (&out->path, g_free);
      return output_error (error, path, NULL, e);
    }
  return TRUE;
}

char *
pb_outfile_name (const pb_outfile_t *out)
{
  return out->tmp ? g_strdup (out->tmp) : g_strdup_printf ("/proc/self/fd/%d", out->fd);
}

gboolean
pb_outfile_write (pb_outfile_t *out, const void *data, gsize len, GError **error)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (out->fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return output_error (error, out->path, "cannot write", n < 0 ? errno : ENOSPC);
      p += n;
      len -= n;
      out->written += n;
    }
  return TRUE;
}

gboolean
pb_outfile_finish (pb_outfile_t *out, GError **error)
{
  const char *what = out->what;
  struct stat st;
  /* The data reaches the disk before the name does: after a crash the target is the old file
   * or the new one, never an empty or partial one. */
  if (fsync (out->fd) != 0 || fstat (out->fd, &st) != 0)
    return output_error (error, out->path, what, errno);
  if ((guint64) st.st_size != out->written)
    {
      g_autofree char *shown = pb_path_display (out->path);
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s: the file holds %" G_GUINT64_FORMAT
                   " bytes of the %" G_GUINT64_FORMAT " written", shown, what,
                   (guint64) st.st_size, out->written);
      return FALSE;
    }
  return TRUE;
}

/* Links the unnamed file under a fresh name beside the target; that name exists only for the
 * moment before the rename. */
static char *
link_unnamed (const pb_outfile_t *out)
{
  g_autofree char *self = g_strdup_printf ("/proc/self/fd/%d", out->fd);
  for (int attempt = 0; attempt < 100; attempt++)
    {
      char *name = g_strdup_printf ("%s.%08x", out->path, g_random_int ());
      if (linkat (AT_FDCWD, self, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0
          || linkat (out->fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0)
        return name;
      int e = errno;
      g_free (name);
      if (e != EEXIST)
        {
          errno = e;
          return NULL;
        }
    }
  errno = EEXIST;
  return NULL;
}

static void
close_out (pb_outfile_t *out)
{
  if (out->fd >= 0)
    close (out->fd);
  out->fd = -1;
  g_clear_pointer (&out->tmp, g_free);
  g_clear_pointer (&out->path, g_free);
}

/* The new name is on disk too (best effort: the file is in place either way). */
static void
sync_folder (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

gboolean
pb_outfile_commit (pb_outfile_t *out, GError **error)
{
  const char *what = out->what;
  if (!pb_outfile_finish (out, error) || !replaceable (out->path, error))
    {
      pb_outfile_abort (out);
      return FALSE;
    }
  char *name = out->tmp ? g_strdup (out->tmp) : link_unnamed (out);
  int e = errno;
  if (name && g_rename (name, out->path) != 0)
    {
      e = errno;
      g_unlink (name);
      g_clear_pointer (&name, g_free);
    }
  if (!name)
    {
      output_error (error, out->path, what, e);
      g_clear_pointer (&out->tmp, g_free); /* already removed */
      close_out (out);
      return FALSE;
    }
  g_free (name);
  sync_folder (out->path);
  g_clear_pointer (&out->tmp, g_free); /* renamed: nothing to remove */
  close_out (out);
  return TRUE;
}

void
pb_outfile_abort (pb_outfile_t *out)
{
  if (out->fd < 0 && !out->path)
    return;
  if (out->tmp)
    g_unlink (out->tmp);
  close_out (out);
}

void
pb_outfile_discard (gpointer out)
{
  pb_outfile_abort (out);
  g_free (out);
}

gboolean
pb_outfile_commit_all (GPtrArray *staged, GError **error)
{
  gboolean ok = TRUE;
  for (guint i = 0; i < staged->len; i++)
    if (ok)
      ok = pb_outfile_commit (staged->pdata[i], error);
  g_ptr_array_set_size (staged, 0);
  return ok;
}

gboolean
pb_outfile_rewind (pb_outfile_t *out, GError **error)
{
  if (ftruncate (out->fd, 0) != 0 || lseek (out->fd, 0, SEEK_SET) != 0)
    return output_error (error, out->path, out->what, errno);
  out->written = 0;
  return TRUE;
}

/* Where a target is: its folder and name, and the file there now, if any. */
typedef struct {
  gboolean folder_known, exists;
  dev_t folder_dev, dev;
  ino_t folder_ino, ino;
  char *name;
} target_t;

static void
target_of (const char *path, target_t *t)
{
  struct stat st;
  g_autofree char *dir = g_path_get_dirname (path);
  t->name = g_path_get_basename (path);
  t->folder_known = stat (dir, &st) == 0;
  t->folder_dev = st.st_dev, t->folder_ino = st.st_ino;
  /* The file itself, not what a link points to: a link is replaced, its target untouched. */
  t->exists = lstat (path, &st) == 0 && S_ISREG (st.st_mode);
  t->dev = st.st_dev, t->ino = st.st_ino;
}

static gboolean
same_target (const target_t *a, const target_t *b)
{
  return (a->folder_known && b->folder_known && a->folder_dev == b->folder_dev
          && a->folder_ino == b->folder_ino && strcmp (a->name, b->name) == 0)
         || (a->exists && b->exists && a->dev == b->dev && a->ino == b->ino);
}

static gboolean
is_input (const target_t *t, const GArray *inputs)
{
  for (guint i = 0; t->exists && inputs && i < inputs->len; i++)
    {
      const pb_file_id_t *id = &g_array_index (inputs, pb_file_id_t, i);
      if (id->dev == (guint64) t->dev && id->ino == (guint64) t->ino)
        return TRUE;
    }
  return FALSE;
}

static gboolean
refuse_target (GError **error, const char *path, const char *why)
{
  g_autofree char *shown = pb_path_display (path);
  g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s: it is not replaced", shown, why);
  return FALSE;
}

gboolean
pb_outfile_check_targets (const GPtrArray *staged, const GArray *inputs, GError **error)
{
  target_t *t = g_new0 (target_t, staged->len);
  gboolean ok = TRUE;
  for (guint i = 0; i < staged->len && ok; i++)
    {
      const char *path = ((pb_outfile_t *) staged->pdata[i])->path;
      target_of (path, &t[i]);
      if (is_input (&t[i], inputs))
        ok = refuse_target (error, path, "is a file the run reads (the issue, a template, "
                                         "a body, a photo or the output profile)");
      for (guint k = 0; k < i && ok; k++)
        if (same_target (&t[k], &t[i]))
          ok = refuse_target (error, path, "two outputs of the run would be written there");
    }
  for (guint i = 0; i < staged->len; i++)
    g_free (t[i].name);
  g_free (t);
  return ok;
}
