/* paiban — Chinese newspaper page makeup: the plugin interface.
 *
 * The shared object exports exactly one symbol, paiban_plugin_v1(), which returns a table of
 * functions. A pipeline host dlopen()s the plugin, looks that symbol up and works only through
 * the table; the paiban command-line program does the same.
 *
 *   void *so = dlopen ("libpaiban.so.0", RTLD_NOW | RTLD_LOCAL);
 *   paiban_plugin_v1_func_t entry = (paiban_plugin_v1_func_t) dlsym (so, PAIBAN_PLUGIN_SYMBOL);
 *   const paiban_plugin_v1_t *pb = entry ();
 *   if (pb->abi_version != PAIBAN_ABI_VERSION || pb->size < sizeof *pb)
 *     ...                                                      // refuse an unknown table
 *   paiban_job_t *job = pb->job_create ();
 *   if (pb->job_load_file (job, "issue.json") != PAIBAN_STATUS_SUCCESS
 *       || pb->job_layout (job) != PAIBAN_STATUS_SUCCESS
 *       || pb->job_write_pdf (job, "out.pdf") != PAIBAN_STATUS_SUCCESS)
 *     fprintf (stderr, "%s\n", pb->job_error_message (job));
 *   pb->job_destroy (job);
 *
 * Contract
 *
 * Versions
 * - The table's layout is fixed for ABI version 1. A host checks abi_version ==
 *   PAIBAN_ABI_VERSION and size >= sizeof (paiban_plugin_v1_t) as the host was compiled, and
 *   refuses the plugin otherwise. A later plugin may append members (and raise `size`); any
 *   other change gets a new entry point (paiban_plugin_v2) and a new soname.
 * - The table, `name`, `version` and the media-type lists are static: valid until the plugin
 *   is unloaded; the host does not modify or free them.
 *
 * Ownership
 * - job_create returns a new job; job_destroy frees it and everything it returned, and does
 *   nothing for NULL. Destroy every job before dlclose(). The plugin is linked with
 *   -z nodelete: dlclose() leaves it loaded, and with it Pango and json-glib, whose GObject
 *   types GLib cannot unregister; so a host may close and open it again.
 * - Strings passed in (paths, keys, values, the buffer, name, base_dir) are only read during
 *   the call: the host may free them when it returns. Text is UTF-8; paths are handed to the
 *   C library as they are, relative ones resolve against the working directory of the process.
 * - Strings returned are owned by the job; never free them. job_error_message's string lives
 *   until job_destroy; job_warning's until the next job_load_*, job_layout or job_destroy;
 *   job_report's until the next job_report or job_destroy; job_layout_dump's until the next
 *   job_layout_dump or job_destroy. Copy what must live longer.
 *
 * Order of calls
 * - job_set_option (any number; "datadir" only before loading), then job_load_file or
 *   job_load_buffer, then job_layout, then job_write_pdf / job_write_png (any number). Loading
 *   again replaces the issue and discards its layout; laying out again replaces the layout.
 *   A call out of order fails with PAIBAN_STATUS_USAGE.
 *
 * Errors
 * - job_set_option, job_load_*, job_layout and job_write_* return a paiban_status_t. A failure
 *   records a status and one message in the job: "FILE:LINE:COLUMN: what is wrong" when the
 *   fault is at a place in an input file, "FILE: what is wrong" when it is the file as a whole,
 *   else just the text. FILE is the path as given (or resolved against the folder for
 *   files it names; job_load_buffer's `name` for the buffer); LINE and COLUMN count from 1 and
 *   COLUMN counts characters, not bytes.
 * - The status is sticky (as in cairo): after a failure those five functions return the same
 *   status at once and do nothing, and the message stays the first one. A call may find
 *   several errors at once (all the mistakes of an issue file, every failed check of strict
 *   mode): job_error_count and job_error give each. To try again, destroy
 *   the job and create a new one. Reading never fails and still works on a failed job:
 *   job_status, job_error_message ("" while there is no error), job_report (then "status":
 *   "error" and "error": the message), job_page_count, job_warning_count, job_warning.
 *   job_layout_dump reads too (a failed job that has a layout, such as one overset in strict
 *   mode, still gives its dump), but a call without a layout or with an unknown flag returns
 *   NULL and is a usage error: recorded as PAIBAN_STATUS_USAGE unless the job failed before.
 * - Warnings (unknown keys, layout notes) do not fail the job; they are read with
 *   job_warning_count / job_warning and are in the report.
 * - A NULL job is a usage error: status functions return PAIBAN_STATUS_USAGE, counts 0,
 *   strings NULL (job_error_message: a fixed text), nothing is recorded.
 * - The plugin never aborts or exits the host process on bad input and prints nothing itself;
 *   only running out of memory aborts (as everywhere in GLib).
 *
 * Threads
 * - paiban_plugin_v1 and job_create may be called from any thread, at the same time.
 * - A job is not locked: calls on one job must not overlap. A job may move between threads
 *   when the host orders the calls (a mutex, a queue hand-off).
 * - Separate jobs may run at the same time on separate threads: each uses its own fontconfig
 *   configuration and Pango font map while it runs; each gives the same bytes as it would
 *   alone.
 * - Warm reuse: a destroyed job hands its font set (fontconfig setup, font map, cache of
 *   shaped paragraphs and font subsets) to a small per-process pool, under a lock, and the
 *   next job takes it; so the second render of an issue in one process is much faster. The
 *   pool is released at exit.
 * - job_layout and job_write_* start short-lived worker threads for shaping and font
 *   subsetting (PAIBAN_THREADS, default one per processor; 1 for none) and join them before
 *   returning; the output does not depend on their number. Pango runs a short thread of its
 *   own to initialise fontconfig. The plugin installs no signal handlers and changes no
 *   process-wide state (locale, environment, working directory, fontconfig's current
 *   configuration). It reads PAIBAN_DATADIR in job_create, PAIBAN_THREADS in job_layout and
 *   SOURCE_DATE_EPOCH in job_write_pdf (digits only: another value fails the call with
 *   PAIBAN_STATUS_USAGE): do not change the environment while other threads run plugin calls
 *   (a POSIX rule for getenv).
 * - A worker thread that cannot be created (a process or memory limit) is not an error: the
 *   work goes to the threads there are. Threads get the process's default stack size (glibc:
 *   `ulimit -s`); give the plugin's calls and threads at least 1 MiB (the paiban program runs
 *   the job on an 8 MiB stack and makes that the default for the threads it starts).
 *
 * Files
 * - Output files are written to a temporary file beside them, every write checked (a full
 *   disk, a file size limit), flushed to disk (fsync) and its size checked, then renamed: a
 *   failed call never leaves a partial file or damages an existing one. The temporary files
 *   are unnamed (Linux O_TMPFILE, where the file system has them), so even a killed process
 *   leaves none; elsewhere they get a fresh name, created exclusively (never through a link
 *   planted there), removed on failure. job_write_png creates `dir` if needed and writes
 *   dir/page-NN.png (NN: the page number); jobs writing into one folder at the same time all
 *   succeed (the last to finish a page wins).
 * - An output is refused ("PATH: why: it is not replaced", PAIBAN_STATUS_IO) when a folder,
 *   a device, a FIFO or a socket is in its place, when it is a file the job reads (the
 *   issue file, a template, a body, a photo or the "output-profile": compared by device and
 *   inode, so also under another name; also one opened but not read whole, and when loading
 *   stopped at an error), or, with "stage", when two outputs of the run name the same file.
 *   A symbolic link in an output's place is replaced, never written through.
 * - Files named in the issue are opened once, when it is loaded, relative to the issue's
 *   folder and never through a symbolic link that leads out of it (openat2 RESOLVE_BENEATH;
 *   on kernels before Linux 5.6, through no symbolic link at all), and read whole: photos
 *   and bodies are laid out from those bytes, so changing the files after job_load_* changes
 *   nothing.
 * - Messages and the report show paths as given, with bytes that are not UTF-8 written as
 *   \xNN, so that they are UTF-8 whatever the file names.
 * - The data folder ("datadir": layouts/ and fonts/) defaults to $PAIBAN_DATADIR, else the
 *   share/paiban folder installed beside the plugin (found relative to the plugin's own file,
 *   so a staged or moved installation works), else the configured install path; a plugin
 *   running from its build tree uses its source tree.
 */
#ifndef PAIBAN_H
#define PAIBAN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAIBAN_ABI_VERSION 1
#define PAIBAN_PLUGIN_SYMBOL "paiban_plugin_v1"

typedef struct paiban_job paiban_job_t;

typedef enum {
  PAIBAN_STATUS_SUCCESS = 0,
  PAIBAN_STATUS_INVALID_INPUT, /* malformed or inconsistent issue, template or Markdown */
  PAIBAN_STATUS_FONT,          /* a font family is missing, or a character has no glyph */
  PAIBAN_STATUS_IMAGE,         /* a photo cannot be read or is refused */
  PAIBAN_STATUS_IO,            /* an input cannot be read or an output cannot be written */
  PAIBAN_STATUS_OVERSET,       /* strict mode: text did not fit, or a page has more empty grid
                                * lines than "strict-underset" allows */
  PAIBAN_STATUS_USAGE          /* the calls were made in the wrong order or with bad arguments */
} paiban_status_t;

/* Flags of job_layout_dump. */
#define PAIBAN_DUMP_GLYPHS 1u /* every glyph's id, cluster and position after its run */

typedef struct {
  uint32_t abi_version;               /* PAIBAN_ABI_VERSION */
  uint32_t size;                      /* sizeof (paiban_plugin_v1_t) */
  const char *name;                   /* "paiban" */
  const char *version;                /* e.g. "0.1.0" */
  const char *const *input_types;     /* NULL-terminated media types */
  const char *const *output_types;    /* NULL-terminated media types */

  paiban_job_t *(*job_create) (void);
  void (*job_destroy) (paiban_job_t *job);
  /* Options: "datadir" (folder with layouts/ and fonts/; before loading), "strict" ("1":
   * job_layout fails, PAIBAN_STATUS_OVERSET, on unknown keys, stories placed on no page
   * (fillers aside), overset text, underset items and photos below 200 ppi, "0": none of
   * them, they are warnings and counts in the report), "fail-on" (a comma-separated list of
   * those checks — unknown-keys, unplaced-stories, overset, underset, low-resolution,
   * fallback-glyphs, lone-lines — or "all" or "none": exactly these fail), "strict-underset"
   * (a number N of grid lines: a page with more than N empty column-lines — the report's
   * "empty_column_lines" — is an error at job_layout, PAIBAN_STATUS_OVERSET; "off" (default):
   * no limit), "source-date-epoch"
   * (seconds since 1970, the PDF dates; default $SOURCE_DATE_EPOCH, else the issue date),
   * "proof" ("1": the PDFs and PNGs written after it are editors' proofs with the grid, frames
   * and problems drawn, "0" (default): job_write_pdf writes the print PDF and job_write_png
   * plain pages; may be set again between writes), "output-profile" (a CMYK output ICC
   * profile file for the print PDF's output intent, a regular file of at most 16 MiB;
   * default: the one configured at build), "stage" ("1": the files that job_write_* and
   * job_write_report write are complete and on disk when they return but keep no name until
   * job_commit names them all, so that a run that fails at any step replaces nothing;
   * "0" (default): each call names its files before it returns), "system-fonts" ("1": the
   * fonts installed on the system too, besides paiban's fonts.conf and the templates' font
   * folders; before job_layout).
   * An unknown key or a bad value is a usage error. */
  paiban_status_t (*job_set_option) (paiban_job_t *job, const char *key, const char *value);
  paiban_status_t (*job_load_file) (paiban_job_t *job, const char *path);
  /* `length` bytes of issue JSON (no terminating NUL needed). `name` stands for the buffer in
   * messages (NULL: "<buffer>"); relative paths in the issue resolve against `base_dir` (NULL:
   * the working directory). */
  paiban_status_t (*job_load_buffer) (paiban_job_t *job, const char *data, size_t length,
                                      const char *name, const char *base_dir);
  paiban_status_t (*job_layout) (paiban_job_t *job);
  /* The print PDF: PDF/X-4 structure (output intent, XMP), TrimBox/BleedBox/MediaBox with
   * the template's bleed and crop marks, K-only black, JPEG photos as their own bytes. With
   * "proof" set: the proof PDF (trimmed pages with the proof overlay). */
  paiban_status_t (*job_write_pdf) (paiban_job_t *job, const char *path);
  /* One PNG proof per page at `dpi` (10 to 1200; NaN is refused); with "proof" set, with the
   * proof overlay. */
  paiban_status_t (*job_write_png) (paiban_job_t *job, const char *dir, double dpi);
  /* The JSON report of the job: "status" ("ok" or "error"), "error", "pages" with their items
   * (areas, "overset_chars", "underset_lines": empty grid lines, "column_foot_lines": per
   * column, those at its foot), "empty_column_lines" and "holes" (empty areas of at least a
   * column by 3 grid lines: "column", "span", "top", "lines", "column_lines", "area_pt"),
   * "overset_chars", "underset_lines", "articles" (each story: "placements" with page and
   * "area_pt", "overset_chars", "lone_lines", "underset_lines"), "photos" (page, story,
   * file, "frame_pt", "pixels", "ppi", "low_resolution"), "print" (after a print PDF:
   * "standard", "trim_mm", "bleed_mm", "media_mm", "output_intent", colour and image
   * fixes), "fallback_glyphs" (characters set in a font other than their style's: "story",
   * "role", "file", "line", "column", "codepoint", "char", "font"), "fonts" (the face of every
   * style: "family", "weight", "file"), "errors" and "warnings" (photos below 200 ppi among
   * them), each an object with "code", "file", "line", "column", "story", "page" (null when
   * unknown) and "message", "timings_s". Areas are in points from the trim's top-left. */
  const char *(*job_report) (paiban_job_t *job);
  paiban_status_t (*job_status) (paiban_job_t *job);
  const char *(*job_error_message) (paiban_job_t *job);
  /* Pages laid out by the last job_layout (0 before). */
  int (*job_page_count) (paiban_job_t *job);
  int (*job_warning_count) (paiban_job_t *job);
  /* Warning `index` (0 to count - 1); NULL outside that range. */
  const char *(*job_warning) (paiban_job_t *job, int index);
  /* The last layout as text, to review a change of layout as a diff: one line per page, item,
   * photo, rule, box, text line and glyph run, in points with two decimals, the same on every
   * machine and in every run (the format: docs/layout-dump.md in the source tree). `flags`: 0,
   * or PAIBAN_DUMP_GLYPHS to add each run's glyphs. NULL without a layout (see Errors). */
  const char *(*job_layout_dump) (paiban_job_t *job, unsigned flags);

  /* Appended in 0.2 (a host compiled against 0.1 sees a larger `size` and ignores them). */

  /* The JSON report (as job_report) into the file `path`. The file's target is checked at
   * once — a missing or read-only folder, a folder or device in its place fail here — but it
   * is named, with the report of the job as it ends, only by job_commit with option "stage"
   * (else before this call returns). Unlike the other writes it works on a failed job (the
   * report then records the error); its own failure becomes the job's error only when the
   * job had none. Returns the job's status. */
  paiban_status_t (*job_write_report) (paiban_job_t *job, const char *path);
  /* The layout dump (as job_layout_dump with `flags`) into the file `path`. */
  paiban_status_t (*job_write_layout_dump) (paiban_job_t *job, const char *path,
                                            unsigned flags);
  /* With option "stage": gives every file written since its name, all together, after
   * checking that none would replace an input of the issue or another output; on a failed
   * job (or a failed check) discards them instead. The report of job_write_report is named
   * in both cases. Without "stage" there is nothing to name but does no harm. Returns the
   * job's status. */
  paiban_status_t (*job_commit) (paiban_job_t *job);

  /* Appended in 0.3. */

  /* Every error of the job, the first being job_error_message's: the loader goes on after
   * an error where what follows does not depend on it (the next key of a story, the next
   * story, item or page), and strict mode reports every check that failed. At most 50 are
   * kept. job_error returns NULL outside 0 to count - 1; its strings live until
   * job_destroy. The report's "errors" holds them as fields. */
  int (*job_error_count) (paiban_job_t *job);
  const char *(*job_error) (paiban_job_t *job, int index);
} paiban_plugin_v1_t;

typedef const paiban_plugin_v1_t *(*paiban_plugin_v1_func_t) (void);

const paiban_plugin_v1_t *paiban_plugin_v1 (void);

#ifdef __cplusplus
}
#endif

#endif /* PAIBAN_H */
