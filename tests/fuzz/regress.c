/* Replays fuzz inputs without libFuzzer, for the normal test suite: each argument is a file
 * or a folder of files (taken in name order); each file goes once through the target's
 * LLVMFuzzerTestOneInput. Prints TAP. A crash, a sanitizer report or a broken invariant
 * (fuzz.h) ends the process and fails the test. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
collect (const char *path, GPtrArray *files)
{
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_ptr_array_add (files, g_strdup (path));
      return;
    }
  GDir *dir = g_dir_open (path, 0, NULL);
  guint first = files->len;
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    if (name[0] != '.')
      g_ptr_array_add (files, g_build_filename (path, name, NULL));
  if (dir)
    g_dir_close (dir);
  /* Name order, so that runs are reproducible; a GPtrArray sorts pointers to elements. */
  qsort (files->pdata + first, files->len - first, sizeof (gpointer), cmp_paths);
}

int
main (int argc, char **argv)
{
  LLVMFuzzerInitialize (&argc, &argv);
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  for (int i = 1; i < argc; i++)
    {
      guint before = files->len;
      collect (argv[i], files);
      if (files->len == before)
        printf ("# %s: no files\n", argv[i]);
    }
  int n = 0;
  for (guint i = 0; i < files->len; i++)
    {
      const char *path = files->pdata[i];
      g_autofree char *data = NULL;
      gsize len;
      GError *error = NULL;
      n++;
      if (!g_file_get_contents (path, &data, &len, &error))
        {
          printf ("not ok %d %s: %s\n", n, path, error->message);
          g_error_free (error);
          continue;
        }
      /* A copy of exactly `len` bytes: ASan then catches reads past the input's end. */
      uint8_t *copy = g_malloc (len ? len : 1);
      memcpy (copy, data, len);
      fflush (stdout);
      int rc = LLVMFuzzerTestOneInput (copy, len);
      g_free (copy);
      printf ("%s %d %s\n", rc == 0 ? "ok" : "not ok", n, path);
    }
  printf ("1..%d\n", n);
  return n > 0 ? 0 : 1;
}
