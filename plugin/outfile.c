#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>
#include "model.h"

gboolean
pb_outfile_open (pb_outfile_t *out, const char *path, GError **error)
{
  out->path = g_strdup (path);
  out->tmp = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  out->fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
  /* File systems without unnamed files say so with one of these; others (no folder, no
   * permission) are the caller's problem and reported as they are. */
  if (out->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    {
      out->tmp = g_strdup_printf ("%s.XXXXXX", path);
      out->fd = g_mkstemp_full (out->tmp, O_RDWR | O_CLOEXEC, 0644);
    }
  if (out->fd < 0)
    {
      int e = errno;
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s", path, g_strerror (e));
      g_clear_pointer (&out->tmp, g_free);
      g_clear_pointer (&out->path, g_free);
      return FALSE;
    }
  return TRUE;
}

char *
pb_outfile_name (const pb_outfile_t *out)
{
  return out->tmp ? g_strdup (out->tmp) : g_strdup_printf ("/proc/self/fd/%d", out->fd);
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

gboolean
pb_outfile_commit (pb_outfile_t *out, const char *what, GError **error)
{
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
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s: %s", out->path, what,
                   g_strerror (e));
      g_clear_pointer (&out->tmp, g_free); /* already removed */
      close_out (out);
      return FALSE;
    }
  g_free (name);
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
