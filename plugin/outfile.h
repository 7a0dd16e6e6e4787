/* Output files that appear whole or not at all. The data goes to an unnamed file in the
 * target's folder (Linux O_TMPFILE), which is given its name only when it is complete and on
 * disk: a run that fails, or is killed (SIGKILL, a crash), leaves no partial file and no
 * temporary file behind, and an existing file keeps its bytes. Where the file system has no
 * unnamed files, a named temporary file beside the target (a fresh name, created exclusively,
 * so never through a link planted there) is used and removed on failure.
 *
 * Every write is checked (a full disk or a file size limit is an error, never a short file),
 * the file is flushed to disk (fsync) and its size compared with what was written before it
 * gets its name. A target that exists must be a regular file or a symbolic link (which is
 * replaced, not written through): folders, devices, FIFOs and sockets are refused. */
#pragma once

#include <glib.h>

typedef struct {
  int fd;              /* open for reading and writing */
  char *path;          /* the target */
  char *tmp;           /* the named temporary file, NULL for an unnamed one */
  guint64 written;     /* bytes written through pb_outfile_write */
  const char *what;    /* static: what failed in messages, "cannot write the PDF" */
} pb_outfile_t;

/* Opens a new temporary file for `path`. Errors (PB_ERROR_OUTPUT): "PATH: reason", with
 * PATH as given (invalid UTF-8 escaped); later errors are "PATH: what: reason". */
gboolean pb_outfile_open (pb_outfile_t *out, const char *path, const char *what,
                          GError **error);

/* A name by which the open file can be opened again (for libraries that take a file name):
 * /proc/self/fd/N for an unnamed file. Free with g_free. */
char *pb_outfile_name (const pb_outfile_t *out);

/* Appends `len` bytes, retrying short writes. Errors: "PATH: cannot write: reason" (such as
 * "No space left on device" or "File too large"). */
gboolean pb_outfile_write (pb_outfile_t *out, const void *data, gsize len, GError **error);

/* Flushes the file to disk and checks that it holds `written` bytes: "PATH: what: reason" on
 * failure (the file stays open, to be discarded). */
gboolean pb_outfile_finish (pb_outfile_t *out, GError **error);

/* Finishes the file (pb_outfile_finish), gives it its name, replacing what was there, and
 * closes it. On failure the file is discarded and the error is "PATH: what: reason". */
gboolean pb_outfile_commit (pb_outfile_t *out, GError **error);

/* Discards the file (nothing appears) and closes it. Does nothing for a closed file. */
void pb_outfile_abort (pb_outfile_t *out);

/* Outputs of one run are staged: each finished but without its name, as heap pb_outfile_t*
 * in a GPtrArray whose free function is pb_outfile_discard (abort, then free). */
void pb_outfile_discard (gpointer out);

/* Gives every staged file its name, in order, emptying `staged`; on the first failure the
 * rest are discarded. */
gboolean pb_outfile_commit_all (GPtrArray *staged, GError **error);


/* Empties the file, to be written again. */
gboolean pb_outfile_rewind (pb_outfile_t *out, GError **error);

/* Outputs never replace inputs, nor each other: fails ("PATH: why: it is not replaced") when
 * a staged file's target is now one of `inputs` (pb_file_id_t; may be NULL), or the target of
 * an earlier one (the same name in the same folder, or the same file by another name). */
gboolean pb_outfile_check_targets (const GPtrArray *staged, const GArray *inputs,
                                   GError **error);
