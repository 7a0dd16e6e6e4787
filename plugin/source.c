/* Source texts: positions and file reading (source.h). */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gstdio.h>

static void
src_index (pb_src_t *s, const char *file, const char *text, gsize len, gboolean lone_cr)
{
  s->file = file;
  s->text = text;
  s->len = len;
  s->lines = g_array_new (FALSE, FALSE, sizeof (guint32));
  s->marks = g_array_sized_new (FALSE, FALSE, sizeof (guint32), len / PB_SRC_MARK_STEP + 1);
  guint32 start = 0, chars = 0;
  g_array_append_val (s->lines, start);
  for (gsize i = 0; i < len; i++)
    {
      if (i % PB_SRC_MARK_STEP == 0)
        g_array_append_val (s->marks, chars);
      chars += ((guchar) text[i] & 0xc0) != 0x80;
      if (text[i] == '\n'
          || (lone_cr && text[i] == '\r' && (i + 1 == len || text[i + 1] != '\n')))
        {
          start = i + 1;
          g_array_append_val (s->lines, start);
        }
    }
  if (len % PB_SRC_MARK_STEP == 0)
    g_array_append_val (s->marks, chars);
}

void
pb_src_init (pb_src_t *s, const char *file, const char *text, gsize len)
{
  src_index (s, file, text, len, FALSE);
}

void
pb_src_init_cr (pb_src_t *s, const char *file, const char *text, gsize len)
{
  src_index (s, file, text, len, TRUE);
}

void
pb_src_clear (pb_src_t *s)
{
  g_clear_pointer (&s->lines, g_array_unref);
  g_clear_pointer (&s->marks, g_array_unref);
}

gsize
pb_src_line_start (const pb_src_t *s, guint index)
{
  return g_array_index (s->lines, guint32, index);
}

guint
pb_src_line_index (const pb_src_t *s, gsize off)
{
  guint lo = 0, hi = s->lines->len;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (pb_src_line_start (s, mid) <= off)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

/* Characters (UTF-8 lead bytes) before byte `off`: from the mark at or before it. */
static gsize
chars_before (const pb_src_t *s, gsize off)
{
  gsize k = off / PB_SRC_MARK_STEP, n = g_array_index (s->marks, guint32, k);
  for (gsize i = k * PB_SRC_MARK_STEP; i < off; i++)
    n += ((guchar) s->text[i] & 0xc0) != 0x80;
  return n;
}

pb_loc_t
pb_src_loc (const pb_src_t *s, gsize off)
{
  if (off > s->len)
    off = s->len;
  guint li = pb_src_line_index (s, off);
  gsize col = chars_before (s, off) - chars_before (s, pb_src_line_start (s, li)) + 1;
  return (pb_loc_t) { s->file, (int) li + 1, (int) col };
}

pb_loc_t
pb_file_loc (const char *file)
{
  return (pb_loc_t) { file, 0, 0 };
}

void
pb_strip_bom (const char **text, gsize *len)
{
  if (*len >= 3 && memcmp (*text, "\xef\xbb\xbf", 3) == 0)
    {
      *text += 3;
      *len -= 3;
    }
}

gboolean
pb_src_check_utf8 (const pb_src_t *s, GError **error)
{
  const char *end;
  if (g_utf8_validate (s->text, s->len, &end))
    return TRUE;
  pb_loc_t at = pb_src_loc (s, end - s->text);
  if (*end == '\0')
    pb_set_error_at (error, PB_ERROR_SYNTAX, at, "NUL byte in the text");
  else
    pb_set_error_at (error, PB_ERROR_SYNTAX, at, "invalid UTF-8 (byte 0x%02x)", (guchar) *end);
  return FALSE;
}

void
pb_add_warning (GPtrArray *warnings, pb_loc_t loc, const char *fmt, ...)
{
  if (!warnings)
    return;
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (loc.line > 0)
    g_ptr_array_add (warnings, g_strdup_printf ("%s:%d:%d: %s", loc.file, loc.line, loc.col, msg));
  else
    g_ptr_array_add (warnings, g_strdup_printf ("%s: %s", loc.file, msg));
}

char *
pb_path_display (const char *path)
{
  GString *out = g_string_new (NULL);
  const char *p = path, *end = path + strlen (path), *bad;
  while (!g_utf8_validate (p, end - p, &bad))
    {
      g_string_append_len (out, p, bad - p);
      g_string_append_printf (out, "\\x%02x", (guchar) *bad);
      p = bad + 1;
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

/* The last resort where the kernel has no openat2 (before Linux 5.6): each folder of the path
 * opened in turn, no symbolic link followed (refused with EXDEV, as RESOLVE_BENEATH refuses
 * the links that lead out). `rel` holds no "..": the loader refuses those first. */
static int
open_walk (int dirfd, const char *rel, int flags)
{
  g_auto (GStrv) parts = g_strsplit (rel, "/", -1);
  int at = dirfd, fd = -1;
  for (int i = 0; parts[i]; i++)
    {
      gboolean last = parts[i + 1] == NULL;
      const char *part = *parts[i] ? parts[i] : ".";
      fd = openat (at, part, last ? flags | O_NOFOLLOW
                                  : O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      int e = errno;
      struct stat st;
      if (fd < 0 && (e == ELOOP || e == ENOTDIR)
          && fstatat (at, part, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
        e = EXDEV;
      if (at != dirfd)
        close (at);
      if (fd < 0)
        {
          errno = e;
          return -1;
        }
      at = fd;
    }
  return fd;
}

int
pb_open_beneath (int dirfd, const char *rel)
{
  /* O_NONBLOCK: a FIFO given as input must not hang us; fstat then refuses it. */
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
#ifdef SYS_openat2
  struct open_how how = { .flags = flags, .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
  int fd = syscall (SYS_openat2, dirfd, rel, &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS)
    return fd;
#endif
  return open_walk (dirfd, rel, flags);
}

gboolean
pb_read_fd (int fd, gsize size, char **out, gsize *out_len)
{
  gsize n = 0;
  char *buf = g_malloc (size + 1);
  while (n < size)
    {
      ssize_t r = read (fd, buf + n, size - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          g_free (buf);
          errno = e;
          return FALSE;
        }
      if (r == 0)
        break;
      n += r;
    }
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return TRUE;
}

gboolean
pb_read_file (const char *path, gsize limit, pb_loc_t at, const char *what,
              char **out, gsize *out_len, pb_file_id_t *id, GError **error)
{
  g_autofree char *prefix = what ? g_strdup_printf ("%s: ", what) : g_strdup ("");
  g_autofree char *shown = pb_path_display (path);
  /* O_NONBLOCK: a FIFO given as input must not hang us; fstat then refuses it. */
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int e = errno;
      pb_set_error_at (error, PB_ERROR_IO, at, "%scannot open \"%s\": %s", prefix, shown,
                       g_strerror (e));
      return FALSE;
    }
  struct stat st;
  gboolean ok = FALSE;
  gboolean known = fstat (fd, &st) == 0;
  if (known && id)
    *id = (pb_file_id_t) { st.st_dev, st.st_ino };
  if (!known || !S_ISREG (st.st_mode))
    pb_set_error_at (error, PB_ERROR_IO, at, "%s\"%s\" is not a regular file", prefix, shown);
  else if ((guint64) st.st_size > limit)
    pb_set_error_at (error, PB_ERROR_INVALID, at, "%s\"%s\" is larger than %" G_GSIZE_FORMAT
                     " MiB", prefix, shown, limit / PB_MIB);
  else if (!(ok = pb_read_fd (fd, st.st_size, out, out_len)))
    pb_set_error_at (error, PB_ERROR_IO, at, "%scannot read \"%s\": %s", prefix, shown,
                     g_strerror (errno));
  close (fd);
  return ok;
}
