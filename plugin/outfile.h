/* Output files that appear whole or not at all. The data goes to an unnamed file in the
 * target's folder (Linux O_TMPFILE), which is given its name only when it is complete: a run
 * that fails, or is killed (SIGKILL, a crash), leaves no partial file and no temporary file
 * behind, and an existing file keeps its bytes. Where the file system has no unnamed files, a
 * named temporary file beside the target is used and removed on failure. */
#pragma once

#include <glib.h>

typedef struct {
  int fd;              /* open for reading and writing */
  char *path;          /* the target */
  char *tmp;           /* the named temporary file, NULL for an unnamed one */
} pb_outfile_t;

/* Opens a new temporary file for `path`. Errors: "PATH: reason" (PB_ERROR_OUTPUT). */
gboolean pb_outfile_open (pb_outfile_t *out, const char *path, GError **error);

/* A name by which the open file can be opened again (for libraries that take a file name):
 * /proc/self/fd/N for an unnamed file. Free with g_free. */
char *pb_outfile_name (const pb_outfile_t *out);

/* Gives the file its name, replacing what was there, and closes it. On failure the file is
 * discarded and the error is "PATH: what: reason" with `what` as given. */
gboolean pb_outfile_commit (pb_outfile_t *out, const char *what, GError **error);

/* Discards the file (nothing appears) and closes it. Does nothing for a closed file. */
void pb_outfile_abort (pb_outfile_t *out);
