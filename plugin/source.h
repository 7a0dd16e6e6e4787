/* Source texts of the loader (JSON and Markdown files, inline bodies): reading a file within a
 * size limit, and turning byte offsets into the file:line:col of messages. Columns count
 * characters (code points) from 1, as editors do. Knows nothing of JSON or Markdown. */
#pragma once

#include <glib.h>
#include "model.h"

#define PB_MIB (1024 * 1024)

/* Bytes between the character counts kept by pb_src_t: a position is found by counting at most
 * this many bytes twice, however long its line (a 2 MiB body may be one line, and a loader asks
 * for a position per fragment or value). */
#define PB_SRC_MARK_STEP 256

/* A text and where its lines start. `file` and `text` are borrowed. */
typedef struct {
  const char *file;
  const char *text;
  gsize len;
  GArray *lines; /* guint32 byte offsets of the line starts */
  GArray *marks; /* guint32: the characters before byte k × PB_SRC_MARK_STEP, for each k */
} pb_src_t;

/* Indexes the lines (ended by LF, as json-glib counts them) and the characters of `text`;
 * pb_src_clear releases the index. pb_src_init_cr also ends a line at a CR not followed by LF,
 * as Markdown does. */
void pb_src_init (pb_src_t *s, const char *file, const char *text, gsize len);
void pb_src_init_cr (pb_src_t *s, const char *file, const char *text, gsize len);
void pb_src_clear (pb_src_t *s);

/* Byte offset where line `index` (0-based) starts; the line (0-based) holding byte `off`. */
gsize pb_src_line_start (const pb_src_t *s, guint index);
guint pb_src_line_index (const pb_src_t *s, gsize off);

/* The position of byte `off` (clamped to the text). */
pb_loc_t pb_src_loc (const pb_src_t *s, gsize off);

/* The file as a whole, for errors without a line. */
pb_loc_t pb_file_loc (const char *file);

/* Skips a UTF-8 byte order mark at the start of the text. */
void pb_strip_bom (const char **text, gsize *len);

/* FALSE with a syntax error at the first invalid UTF-8 sequence or NUL byte. */
gboolean pb_src_check_utf8 (const pb_src_t *s, GError **error);

/* Adds "file:line:col: message" (or "file: message" without a line) to `warnings`, an array of
 * char* that owns them; a NULL array drops the warning. */
void pb_add_warning (GPtrArray *warnings, pb_loc_t loc, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);

/* Reads a whole regular file into a NUL-terminated buffer (*out, freed with g_free), refusing
 * it up front when larger than `limit` bytes; sets *id when `id` is not NULL and the file
 * could be opened, also when it cannot be read (an output must not replace it). Errors point at
 * `at` (the value naming the file) and start with `what` when given. */
gboolean pb_read_file (const char *path, gsize limit, pb_loc_t at, const char *what,
                       char **out, gsize *out_len, pb_file_id_t *id, GError **error);

/* Opens `rel` (a relative path without "..") inside the folder open as `dirfd` for reading,
 * without blocking (a FIFO), never leaving the folder: symbolic links are followed only while
 * they stay inside it (openat2 RESOLVE_BENEATH; on kernels without openat2 none is followed).
 * Returns the descriptor, or -1 with errno: EXDEV for a link that leads out, ELOOP, EACCES,
 * ENOENT as the kernel says. */
int pb_open_beneath (int dirfd, const char *rel);

/* Reads up to `size` bytes of `fd` into a NUL-terminated buffer (*out, g_free); FALSE with
 * errno on a read error. */
gboolean pb_read_fd (int fd, gsize size, char **out, gsize *out_len);

/* A copy of `path` that is valid UTF-8, for messages and the report: each byte that is not
 * part of a UTF-8 sequence is written as \xNN. Free with g_free. */
char *pb_path_display (const char *path);
