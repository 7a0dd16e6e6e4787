/* paiban — Chinese newspaper page makeup: the plugin interface.
 *
 * The shared object exports exactly one symbol, paiban_plugin_v1(), which returns a table of
 * functions. A pipeline host dlopen()s the plugin, looks that symbol up and works only through
 * the table; the paiban command-line program does the same.
 *
 *   void *so = dlopen ("libpaiban.so.0", RTLD_NOW | RTLD_LOCAL);
 *   paiban_plugin_v1_func_t entry = (paiban_plugin_v1_func_t) dlsym (so, PAIBAN_PLUGIN_SYMBOL);
 *   const paiban_plugin_v1_t *pb = entry ();
 *   if (pb->abi_version != PAIBAN_ABI_VERSION) ...            // refuse an unknown table
 *   paiban_job_t *job = pb->job_create ();
 *   if (pb->job_load_file (job, "issue.json") != PAIBAN_STATUS_SUCCESS
 *       || pb->job_layout (job) != PAIBAN_STATUS_SUCCESS
 *       || pb->job_write_pdf (job, "out.pdf") != PAIBAN_STATUS_SUCCESS)
 *     fprintf (stderr, "%s\n", pb->job_error_message (job));
 *   pb->job_destroy (job);
 *
 * Contract
 * - Ownership: a job is created by job_create and freed by job_destroy; every string the
 *   plugin returns is owned by the job and valid until the next call on that job or its
 *   destruction. Strings passed in are copied.
 * - Errors: every function returns a paiban_status_t. A failed call records its message
 *   ("FILE:LINE:COLUMN: what is wrong" when the fault is in an input file) in the job; the
 *   status sticks to the job (as in cairo): later calls return it without doing anything.
 *   The plugin never aborts or exits the host process on bad input.
 * - Threads: a job is used by one thread at a time; separate jobs may run on separate threads.
 * - Output files are written to a temporary file and renamed: a failed call never leaves a
 *   partial file or damages an existing one.
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
  PAIBAN_STATUS_OVERSET,       /* strict mode: text did not fit */
  PAIBAN_STATUS_USAGE          /* the calls were made in the wrong order or with bad arguments */
} paiban_status_t;

typedef struct {
  uint32_t abi_version;               /* PAIBAN_ABI_VERSION */
  uint32_t size;                      /* sizeof (paiban_plugin_v1_t) */
  const char *name;                   /* "paiban" */
  const char *version;                /* e.g. "0.1.0" */
  const char *const *input_types;     /* NULL-terminated media types */
  const char *const *output_types;    /* NULL-terminated media types */

  paiban_job_t *(*job_create) (void);
  void (*job_destroy) (paiban_job_t *job);
  /* Options: "datadir" (folder with layouts/ and fonts/), "strict" ("1": overset is an error),
   * "source-date-epoch" (seconds; the PDF dates). */
  paiban_status_t (*job_set_option) (paiban_job_t *job, const char *key, const char *value);
  paiban_status_t (*job_load_file) (paiban_job_t *job, const char *path);
  /* `name` is used in messages; relative paths in the issue resolve against `base_dir`. */
  paiban_status_t (*job_load_buffer) (paiban_job_t *job, const char *data, size_t length,
                                      const char *name, const char *base_dir);
  paiban_status_t (*job_layout) (paiban_job_t *job);
  paiban_status_t (*job_write_pdf) (paiban_job_t *job, const char *path);
  paiban_status_t (*job_write_png) (paiban_job_t *job, const char *dir, double dpi);
  /* The JSON report of the job: pages, stories, overset, warnings, timings. */
  const char *(*job_report) (paiban_job_t *job);
  paiban_status_t (*job_status) (paiban_job_t *job);
  const char *(*job_error_message) (paiban_job_t *job);
  int (*job_page_count) (paiban_job_t *job);
  int (*job_warning_count) (paiban_job_t *job);
  const char *(*job_warning) (paiban_job_t *job, int index);
} paiban_plugin_v1_t;

typedef const paiban_plugin_v1_t *(*paiban_plugin_v1_func_t) (void);

const paiban_plugin_v1_t *paiban_plugin_v1 (void);

#ifdef __cplusplus
}
#endif

#endif /* PAIBAN_H */
