/* The plugin entry point and the job object behind it: load → layout → inspect → paint, and
 * the report of it all. */
#include <dlfcn.h>
#include <paiban/paiban.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include "config.h"
#include "diag.h"
#include "dump.h"
#include "fallback.h"
#include "fonts.h"
#include "inspect.h"
#include "layout.h"
#include "model.h"
#include "outfile.h"
#include "source.h"
#include "paint.h"
#include "prepress.h"
#include "report.h"

/* What --fail-on may turn from a warning or a figure of the report into an error. */
typedef enum {
  CHECK_UNKNOWN_KEYS = 1 << 0,
  CHECK_UNPLACED = 1 << 1,
  CHECK_OVERSET = 1 << 2,
  CHECK_UNDERSET = 1 << 3,
  CHECK_LOW_RESOLUTION = 1 << 4,
  CHECK_FALLBACK = 1 << 5,
  CHECK_LONE_LINES = 1 << 6
} check_t;

/* The checks' names in "fail-on" and the code of the warnings each fails on (NULL: it is
 * counted in the layout). */
static const struct {
  const char *name, *warning_code;
  check_t check;
} checks[] = {
  { "unknown-keys", "unknown-key", CHECK_UNKNOWN_KEYS },
  { "unplaced-stories", "unplaced-story", CHECK_UNPLACED },
  { "overset", NULL, CHECK_OVERSET },
  { "underset", "underset", CHECK_UNDERSET },
  { "low-resolution", "low-resolution", CHECK_LOW_RESOLUTION },
  { "fallback-glyphs", "fallback-glyph", CHECK_FALLBACK },
  { "lone-lines", NULL, CHECK_LONE_LINES },
};

/* Option "strict": what a nightly build must not let through. Fallback glyphs (a rare
 * character in a name) and lone lines (a matter of taste on a busy night) are asked for by
 * name. */
#define STRICT_CHECKS (CHECK_UNKNOWN_KEYS | CHECK_UNPLACED | CHECK_OVERSET | CHECK_UNDERSET \
                       | CHECK_LOW_RESOLUTION)

struct paiban_job {
  paiban_status_t status;
  char *error;
  GPtrArray *errors;        /* of pb_diag_t*: every error, the first is `error` */
  char *datadir;
  unsigned fail_on;         /* of check_t: options "strict" and "fail-on" */
  int strict_underset;      /* option "strict-underset": most empty grid lines a page may
                             * have, -1 (default): no limit */
  gint64 epoch;
  gboolean epoch_set;
  pb_issue_t *issue;
  pb_fonts_t *fonts;
  gboolean system_fonts;    /* option "system-fonts": the system's installed fonts too */
  GArray *fallbacks;        /* of pb_fallback_t: characters set in a fallback font */
  GPtrArray *font_files;    /* of pb_font_file_t*: the faces the styles name */
  pb_layout_t *layout;
  pb_inspection_t *inspection; /* of `layout`, made with it */
  char *report;
  pb_timings_t timings;
  gboolean proof;           /* option "proof": PDFs and PNGs written next are proofs */
  char *output_profile;     /* option "output-profile": NULL for the configured one */
  GPtrArray *notes;         /* warnings of the job itself (photo resolution), of char* */
  gboolean printed;         /* a print PDF was written: `stats` holds its figures */
  pb_prepress_stats_t stats;
  char *dump;               /* the last job_layout_dump */
  gboolean stage;           /* option "stage": written files wait for job_commit */
  GPtrArray *staged;        /* of pb_outfile_t*: finished outputs without their names */
  pb_outfile_t *report_file; /* job_write_report's, filled when it is named */
  GArray *inputs;           /* pb_file_id_t of every file read or tried, kept when loading fails */
};

#define PB_EXPORT __attribute__ ((visibility ("default")))

static gboolean
has_layouts (const char *datadir)
{
  g_autofree char *layouts = g_build_filename (datadir, "layouts", NULL);
  return g_file_test (layouts, G_FILE_TEST_IS_DIR);
}

/* The real folder of the file this code was loaded from: the plugin, or a program the core
 * is linked into. */
static char *
own_dir (void)
{
  Dl_info info;
  if (!dladdr ((const void *) paiban_plugin_v1, &info) || !info.dli_fname)
    return NULL;
  g_autofree char *real = realpath (info.dli_fname, NULL);
  return real ? g_path_get_dirname (real) : NULL;
}

static gboolean
same_dir (const char *a, const char *b)
{
  g_autofree char *real = realpath (b, NULL);
  return real && strcmp (a, real) == 0;
}

/* The data folder unless the host sets "datadir": the only place that decides it (the loader
 * and the font sets take the folder they are given). Looked up relative to the plugin first,
 * so that a DESTDIR-staged or moved installation reads its own data, and a build-tree plugin
 * reads the working tree rather than a stale installed copy. The configured install path is
 * the last resort. */
static char *
default_datadir (void)
{
  const char *env = g_getenv ("PAIBAN_DATADIR");
  if (env && *env)
    return g_strdup (env);
  g_autofree char *dir = own_dir ();
  if (dir && same_dir (dir, PAIBAN_BUILD_PLUGIN_DIR) && has_layouts (PAIBAN_SOURCE_DATADIR))
    return g_strdup (PAIBAN_SOURCE_DATADIR);
  if (dir && *PAIBAN_DATADIR_FROM_LIBDIR)
    {
      g_autofree char *beside = g_build_filename (dir, PAIBAN_DATADIR_FROM_LIBDIR, NULL);
      if (has_layouts (beside))
        return g_canonicalize_filename (beside, NULL);
    }
  if (has_layouts (PAIBAN_INSTALL_DATADIR) || !has_layouts (PAIBAN_SOURCE_DATADIR))
    return g_strdup (PAIBAN_INSTALL_DATADIR);
  return g_strdup (PAIBAN_SOURCE_DATADIR);
}

/* What a state-changing call returns at once: the sticky status of a failed job, a usage error
 * for no job, or success when it may go on. */
/* A file the job reads (the issue, the output profile): no output of it may replace it. */
static void
remember_input (paiban_job_t *job, const char *path)
{
  struct stat st;
  if (stat (path, &st) == 0)
    g_array_append_val (job->inputs, ((pb_file_id_t) { st.st_dev, st.st_ino }));
}

static paiban_status_t
blocked (const paiban_job_t *job)
{
  return job ? job->status : PAIBAN_STATUS_USAGE;
}

static paiban_status_t
status_of (const GError *error)
{
  if (error->domain != PB_ERROR)
    return PAIBAN_STATUS_IO;
  switch ((pb_error_code_t) error->code)
    {
    case PB_ERROR_IO:
    case PB_ERROR_OUTPUT:
      return PAIBAN_STATUS_IO;
    case PB_ERROR_FONT:
    case PB_ERROR_GLYPH:
      return PAIBAN_STATUS_FONT;
    case PB_ERROR_IMAGE:
      return PAIBAN_STATUS_IMAGE;
    default:
      return PAIBAN_STATUS_INVALID_INPUT;
    }
}

/* Adds an error to the job's list; the first error sets the job's status and message, which
 * stay. */
static paiban_status_t
fail_diag (paiban_job_t *job, paiban_status_t status, pb_diag_t *diag)
{
  if (!job->error)
    {
      job->error = g_strdup (diag->message);
      job->status = status;
    }
  if (job->errors->len < PB_MAX_ERRORS)
    g_ptr_array_add (job->errors, diag);
  else
    pb_diag_free (diag);
  return job->status;
}

/* An error that is not the core's (a call out of order, a bad option): no file. */
static paiban_status_t
fail (paiban_job_t *job, paiban_status_t status, char *message)
{
  pb_diag_t *diag = pb_diag_new (status == PAIBAN_STATUS_USAGE ? "usage" : "io", message);
  g_free (message);
  return fail_diag (job, status, diag);
}

static paiban_status_t
fail_with (paiban_job_t *job, GError *error)
{
  fail_diag (job, status_of (error), pb_diag_from_error (error));
  g_error_free (error);
  return job->status;
}

static paiban_job_t *
job_create (void)
{
  paiban_job_t *job = g_new0 (paiban_job_t, 1);
  job->datadir = default_datadir ();
  job->strict_underset = -1;
  job->errors = g_ptr_array_new_with_free_func (pb_diag_free);
  job->notes = g_ptr_array_new_with_free_func (g_free);
  job->staged = g_ptr_array_new_with_free_func (pb_outfile_discard);
  job->inputs = g_array_new (FALSE, FALSE, sizeof (pb_file_id_t));
  return job;
}

/* Drops the layout and what was found in it. */
static void
clear_layout (paiban_job_t *job)
{
  g_clear_pointer (&job->fallbacks, g_array_unref);
  g_clear_pointer (&job->font_files, g_ptr_array_unref);
  g_clear_pointer (&job->inspection, pb_inspection_free);
  g_clear_pointer (&job->layout, pb_layout_free);
}

static void
job_destroy (paiban_job_t *job)
{
  if (!job)
    return;
  clear_layout (job);
  pb_fonts_unref (job->fonts);
  if (job->issue)
    pb_issue_free (job->issue);
  g_free (job->datadir);
  g_free (job->error);
  g_ptr_array_unref (job->errors);
  g_free (job->report);
  g_free (job->dump);
  g_free (job->output_profile);
  g_free (job->stats.profile_name);
  g_ptr_array_free (job->notes, TRUE);
  g_ptr_array_unref (job->staged); /* never named: discarded */
  g_clear_pointer (&job->report_file, pb_outfile_discard);
  g_array_unref (job->inputs);
  g_free (job);
}

/* "off", or the most empty column-lines (a number of 0 or more) a page may have. */
static paiban_status_t
set_strict_underset (paiban_job_t *job, const char *value)
{
  if (strcmp (value, "off") == 0)
    {
      job->strict_underset = -1;
      return PAIBAN_STATUS_SUCCESS;
    }
  char *end = NULL;
  gint64 v = g_ascii_strtoll (value, &end, 10);
  if (!*value || *end || v < 0 || v > G_MAXINT)
    return fail (job, PAIBAN_STATUS_USAGE,
                 g_strdup_printf ("strict-underset: \"%s\" is not a number of grid lines or "
                                  "\"off\"", value));
  job->strict_underset = (int) v;
  return PAIBAN_STATUS_SUCCESS;
}

/* A comma-separated list of the checks' names, or "all", added to those the job fails on;
 * "none" clears them. */
static paiban_status_t
set_fail_on (paiban_job_t *job, const char *value)
{
  g_auto (GStrv) names = g_strsplit (value, ",", -1);
  unsigned set = job->fail_on;
  for (guint i = 0; names[i]; i++)
    {
      const char *name = g_strstrip (names[i]);
      gboolean known = strcmp (name, "none") == 0;
      if (known)
        set = 0;
      if (strcmp (name, "all") == 0)
        known = TRUE, set = ~0u;
      for (guint k = 0; k < G_N_ELEMENTS (checks) && !known; k++)
        if (strcmp (name, checks[k].name) == 0)
          known = TRUE, set |= checks[k].check;
      if (!known)
        return fail (job, PAIBAN_STATUS_USAGE,
                     g_strdup_printf ("fail-on: unknown check \"%s\" (known: unknown-keys, "
                                      "unplaced-stories, overset, underset, low-resolution, "
                                      "fallback-glyphs, lone-lines, all, none)", name));
    }
  job->fail_on = set;
  return PAIBAN_STATUS_SUCCESS;
}

/* Seconds since 1970 as SOURCE_DATE_EPOCH gives them: digits only, up to the year 9999 (as far
 * as PDF dates go). */
#define MAX_EPOCH G_GINT64_CONSTANT (253402300799)

static gboolean
parse_epoch (const char *value, gint64 *epoch)
{
  char *end = NULL;
  gint64 v = g_ascii_strtoll (value, &end, 10);
  if (!g_ascii_isdigit (*value) || *end || v < 0 || v > MAX_EPOCH)
    return FALSE;
  *epoch = v;
  return TRUE;
}

static paiban_status_t
job_set_option (paiban_job_t *job, const char *key, const char *value)
{
  if (blocked (job))
    return blocked (job);
  if (!key || !value)
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("option key and value must be given"));
  if (strcmp (key, "datadir") == 0)
    {
      /* The templates and fonts of a loaded issue came from the old folder. */
      if (job->issue)
        return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("set \"datadir\" before loading"));
      g_free (job->datadir);
      job->datadir = g_strdup (value);
    }
  else if (strcmp (key, "strict") == 0)
    job->fail_on = strcmp (value, "0") != 0 ? job->fail_on | STRICT_CHECKS : 0;
  else if (strcmp (key, "fail-on") == 0)
    return set_fail_on (job, value);
  else if (strcmp (key, "strict-underset") == 0)
    return set_strict_underset (job, value);
  else if (strcmp (key, "proof") == 0)
    job->proof = strcmp (value, "0") != 0;
  else if (strcmp (key, "system-fonts") == 0)
    {
      if (job->fonts)
        return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("set \"system-fonts\" before laying "
                                                         "out"));
      job->system_fonts = strcmp (value, "0") != 0;
    }
  else if (strcmp (key, "stage") == 0)
    job->stage = strcmp (value, "0") != 0;
  else if (strcmp (key, "output-profile") == 0)
    {
      if (!*value)
        return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("output-profile: no file given"));
      g_free (job->output_profile);
      job->output_profile = g_strdup (value);
      remember_input (job, value);
    }
  else if (strcmp (key, "source-date-epoch") == 0)
    {
      if (!parse_epoch (value, &job->epoch))
        return fail (job, PAIBAN_STATUS_USAGE,
                     g_strdup_printf ("source-date-epoch: \"%s\" is not a number of seconds", value));
      job->epoch_set = TRUE;
    }
  else
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup_printf ("unknown option \"%s\"", key));
  return PAIBAN_STATUS_SUCCESS;
}

/* Seconds since `start`, a g_get_monotonic_time (). */
static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* Every error the loader found (the first is `error`), else `error` alone. */
static paiban_status_t
loaded (paiban_job_t *job, pb_issue_t *issue, GPtrArray *errors, GError *error, gint64 start)
{
  if (!issue && errors->len == 0)
    return fail_with (job, error);
  if (!issue)
    {
      g_error_free (error);
      for (guint i = 0; i < errors->len; i++)
        fail_diag (job, status_of (errors->pdata[i]), pb_diag_from_error (errors->pdata[i]));
      return job->status;
    }
  /* The layout borrows from the issue it was made of. */
  clear_layout (job);
  g_ptr_array_set_size (job->notes, 0);
  if (job->issue)
    pb_issue_free (job->issue);
  job->issue = issue;
  job->timings.load = seconds_since (start);
  return PAIBAN_STATUS_SUCCESS;
}

static paiban_status_t
job_load_file (paiban_job_t *job, const char *path)
{
  if (blocked (job))
    return blocked (job);
  if (!path)
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("no issue file given"));
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  /* Known before it is read: no output may replace the issue file, even one that fails. */
  remember_input (job, path);
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  pb_issue_t *issue = pb_issue_load_file_all (path, job->datadir, errors, job->inputs, &error);
  return loaded (job, issue, errors, error, start);
}

static paiban_status_t
job_load_buffer (paiban_job_t *job, const char *data, size_t length, const char *name,
                 const char *base_dir)
{
  if (blocked (job))
    return blocked (job);
  if (!data)
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("no issue data given"));
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
  pb_issue_t *issue = pb_issue_load_data_all (data, length, name ? name : "<buffer>",
                                              base_dir ? base_dir : ".", job->datadir, errors,
                                              job->inputs, &error);
  return loaded (job, issue, errors, error, start);
}

/* A warning for each photo placed below the resolution print needs, at its place in the issue. */
static void
note_photos (paiban_job_t *job)
{
  const pb_inspection_t *found = job->inspection;
  for (guint i = 0; i < found->pages->len; i++)
    {
      const pb_page_check_t *page = &g_array_index (found->pages, pb_page_check_t, i);
      for (guint k = 0; k < page->photos->len; k++)
        {
          const pb_photo_check_t *photo = &g_array_index (page->photos, pb_photo_check_t, k);
          const pb_image_t *image = photo->image;
          if (!photo->low || !image->photo)
            continue;
          const pb_loc_t *loc = &image->photo->loc;
          g_autofree char *name = g_path_get_basename (image->photo->file);
          g_ptr_array_add (job->notes, g_strdup_printf (
              "%s:%d:%d: story \"%s\": photo %s is %.0f ppi at its size on page %d "
              "(%.0f × %.0f mm); print needs at least %.0f ppi", loc->file, loc->line, loc->col,
              image->story_id ? image->story_id : "", name, photo->ppi, page->page->number,
              image->frame.w / PB_MM, image->frame.h / PB_MM, PB_MIN_PPI));
        }
    }
}

static int job_warning_count (paiban_job_t *job);
static const char *job_warning (paiban_job_t *job, int index);

/* A check of strict mode that failed: an error with the check's code, the job's status
 * PAIBAN_STATUS_OVERSET. */
static void
fail_check (paiban_job_t *job, const char *code, int page, char *message)
{
  pb_diag_t *diag = pb_diag_new (code, message);
  diag->page = page;
  g_free (message);
  fail_diag (job, PAIBAN_STATUS_OVERSET, diag);
}

/* Each warning of a kind the job fails on becomes an error, with the same fields. */
static void
check_warnings (paiban_job_t *job)
{
  for (int i = 0; i < job_warning_count (job); i++)
    {
      const char *text = job_warning (job, i);
      pb_diag_t *diag = pb_diag_from_warning (text);
      for (guint k = 0; k < G_N_ELEMENTS (checks) && diag; k++)
        if ((job->fail_on & checks[k].check) && checks[k].warning_code
            && strcmp (diag->code, checks[k].warning_code) == 0)
          {
            g_free (diag->message);
            diag->message = g_strdup_printf ("%s (strict mode)", text);
            fail_diag (job, PAIBAN_STATUS_OVERSET, g_steal_pointer (&diag));
          }
      pb_diag_free (diag);
    }
}

/* Underset and lone lines, page by page, where the job fails on them. */
static void
check_pages (paiban_job_t *job)
{
  GArray *pages = job->inspection->pages;
  for (guint i = 0; i < pages->len; i++)
    {
      const pb_page_check_t *check = &g_array_index (pages, pb_page_check_t, i);
      int number = check->page->number, underset = 0;
      for (guint k = 0; k < check->fills->len; k++)
        underset += g_array_index (check->fills, pb_item_fill_t, k).underset_lines;
      if ((job->fail_on & CHECK_UNDERSET) && underset > 0)
        fail_check (job, "underset", number,
                    g_strdup_printf ("page %d: %d grid lines of its items are underset "
                                     "(strict mode)", number, underset));
      if ((job->fail_on & CHECK_LONE_LINES) && check->lone_lines->len > 0)
        fail_check (job, "lone-line", number,
                    g_strdup_printf ("page %d: %u lone lines (strict mode)", number,
                                     check->lone_lines->len));
      if (job->strict_underset >= 0 && check->empty_column_lines > job->strict_underset)
        fail_check (job, "underset", number,
                    g_strdup_printf ("page %d: %d grid lines of columns are empty (strict "
                                     "underset %d)", number, check->empty_column_lines,
                                     job->strict_underset));
    }
}

/* Strict mode: every check the job fails on, all reported together. */
static paiban_status_t
check_strict (paiban_job_t *job)
{
  check_warnings (job);
  int overset = job->inspection->overset_chars;
  if ((job->fail_on & CHECK_OVERSET) && overset > 0)
    fail_check (job, "overset", 0,
                g_strdup_printf ("%d characters are overset (strict mode)", overset));
  check_pages (job);
  return job->status;
}

/* The font set of the issue: paiban's fonts, the folders its templates name and, when asked,
 * the system's. A set made for another issue's folders is given back. */
static gboolean
use_fonts (paiban_job_t *job, GError **error)
{
  g_autoptr (GPtrArray) dirs = g_ptr_array_new ();
  for (guint i = 0; i < job->issue->templates->len; i++)
    {
      const pb_template_t *t = job->issue->templates->pdata[i];
      for (guint k = 0; k < t->font_dirs->len; k++)
        g_ptr_array_add (dirs, t->font_dirs->pdata[k]);
    }
  g_clear_pointer (&job->fonts, pb_fonts_unref);
  job->fonts = pb_fonts_new_for (job->datadir, dirs, job->system_fonts, error);
  return job->fonts != NULL;
}

/* A warning for each character set in a fallback font, at its place; the faces used. */
static void
note_fallbacks (paiban_job_t *job)
{
  job->fallbacks = pb_find_fallbacks (job->issue, job->fonts);
  job->font_files = pb_font_files (job->issue, job->fonts);
  for (guint i = 0; i < job->fallbacks->len; i++)
    g_ptr_array_add (job->notes,
                     pb_fallback_message (&g_array_index (job->fallbacks, pb_fallback_t, i)));
}

static paiban_status_t
job_layout (paiban_job_t *job)
{
  if (blocked (job))
    return blocked (job);
  if (!job->issue)
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("no issue loaded"));
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  clear_layout (job); /* before its fonts go */
  if (!use_fonts (job, &error))
    return fail_with (job, error);
  g_ptr_array_set_size (job->notes, 0);
  job->layout = pb_layout_issue (job->issue, job->fonts, &error);
  if (!job->layout)
    return fail_with (job, error);
  job->inspection = pb_inspect (job->layout);
  note_photos (job);
  note_fallbacks (job);
  job->timings.layout = seconds_since (start);
  return check_strict (job);
}

/* The PDF dates: the option, else $SOURCE_DATE_EPOCH, else the issue date (so that output
 * depends on the inputs alone). */
static paiban_status_t
pdf_epoch (paiban_job_t *job, gint64 *epoch)
{
  const char *env = g_getenv ("SOURCE_DATE_EPOCH");
  g_autoptr (GDateTime) dt = NULL;
  int y, m, d;
  *epoch = job->epoch;
  if (job->epoch_set)
    return PAIBAN_STATUS_SUCCESS;
  if (env && *env)
    {
      if (!parse_epoch (env, epoch))
        {
          g_autofree char *shown = pb_path_display (env);
          return fail (job, PAIBAN_STATUS_USAGE,
                       g_strdup_printf ("SOURCE_DATE_EPOCH: \"%s\" is not a number of seconds "
                                        "since 1970", shown));
        }
    }
  else if (sscanf (job->issue->date, "%d-%d-%d", &y, &m, &d) == 3
           && (dt = g_date_time_new_utc (y, m, d, 0, 0, 0)))
    *epoch = g_date_time_to_unix (dt);
  return PAIBAN_STATUS_SUCCESS;
}

/* Outputs never replace the files the run reads: the issue's (every file the loader opened,
 * kept in job->inputs also when loading failed) and the output profile. */
static gboolean
check_inputs (const paiban_job_t *job, const GPtrArray *files, GError **error)
{
  return pb_outfile_check_targets (files, job->issue ? job->issue->inputs : NULL, error)
         && pb_outfile_check_targets (files, job->inputs, error);
}

/* The files a write made: named now, or with option "stage" kept for job_commit. */
static paiban_status_t
deliver (paiban_job_t *job, GPtrArray *made)
{
  GError *error = NULL;
  if (job->stage)
    {
      while (made->len)
        g_ptr_array_add (job->staged, g_ptr_array_steal_index (made, 0));
      return PAIBAN_STATUS_SUCCESS;
    }
  if (!check_inputs (job, made, &error) || !pb_outfile_commit_all (made, &error))
    return fail_with (job, error);
  return PAIBAN_STATUS_SUCCESS;
}

static paiban_status_t
job_write_pdf (paiban_job_t *job, const char *path)
{
  if (blocked (job))
    return blocked (job);
  if (!job->layout || !path)
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("lay the issue out before writing it"));
  gint64 start = g_get_monotonic_time ();
  g_autofree char *title = g_strdup_printf ("%s %s", job->issue->paper, job->issue->date);
  pb_pdf_info_t info = { title, job->issue->paper, 0 };
  if (pdf_epoch (job, &info.epoch))
    return job->status;
  pb_prepress_stats_t stats = { 0 };
  pb_pdf_options_t options = { job->proof, job->output_profile, NULL, &stats };
  GError *error = NULL;
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func (pb_outfile_discard);
  if (!pb_paint_pdf_stage (job->layout, &info, &options, path, made, &error))
    {
      g_free (stats.profile_name); /* the post-process may have run before a write failed */
      return fail_with (job, error);
    }
  if (deliver (job, made))
    {
      g_free (stats.profile_name);
      return job->status;
    }
  double seconds = seconds_since (start);
  if (job->proof)
    job->timings.proof_pdf = seconds;
  else
    {
      job->timings.write = seconds;
      job->timings.prepress = stats.seconds;
      g_free (job->stats.profile_name);
      job->stats = stats;
      job->printed = TRUE;
    }
  return PAIBAN_STATUS_SUCCESS;
}

static paiban_status_t
job_write_png (paiban_job_t *job, const char *dir, double dpi)
{
  if (blocked (job))
    return blocked (job);
  if (!job->layout || !dir)
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("lay the issue out before writing it"));
  /* Written so that NaN fails too. */
  if (!(dpi >= PB_PNG_MIN_DPI && dpi <= PB_PNG_MAX_DPI))
    return fail (job, PAIBAN_STATUS_USAGE,
                 g_strdup_printf ("the resolution of PNG proofs must be %d to %d dpi, not %g",
                                  PB_PNG_MIN_DPI, PB_PNG_MAX_DPI, dpi));
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func (pb_outfile_discard);
  if (!pb_paint_png_stage (job->layout, dir, dpi, job->proof, made, &error))
    return fail_with (job, error);
  if (deliver (job, made))
    return job->status;
  job->timings.png = seconds_since (start);
  return PAIBAN_STATUS_SUCCESS;
}

static paiban_status_t
job_status (paiban_job_t *job)
{
  return job ? job->status : PAIBAN_STATUS_USAGE;
}

static const char *
job_error_message (paiban_job_t *job)
{
  if (!job)
    return "no job given";
  return job->error ? job->error : "";
}

static int
job_error_count (paiban_job_t *job)
{
  return job ? (int) job->errors->len : 0;
}

static const char *
job_error (paiban_job_t *job, int index)
{
  if (!job || index < 0 || index >= (int) job->errors->len)
    return NULL;
  return ((const pb_diag_t *) job->errors->pdata[index])->message;
}

static int
job_page_count (paiban_job_t *job)
{
  return job && job->layout ? (int) job->layout->pages->len : 0;
}

static int
job_warning_count (paiban_job_t *job)
{
  if (!job)
    return 0;
  return (job->issue ? (int) job->issue->warnings->len : 0)
         + (job->layout ? (int) job->layout->warnings->len : 0) + (int) job->notes->len;
}

static const char *
job_warning (paiban_job_t *job, int index)
{
  if (!job || index < 0)
    return NULL;
  int n = job->issue ? (int) job->issue->warnings->len : 0;
  if (index < n)
    return job->issue->warnings->pdata[index];
  index -= n;
  int m = job->layout ? (int) job->layout->warnings->len : 0;
  if (index < m)
    return job->layout->warnings->pdata[index];
  index -= m;
  if (index < (int) job->notes->len)
    return job->notes->pdata[index];
  return NULL;
}

static const char *
job_report (paiban_job_t *job)
{
  if (!job)
    return NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (pb_diag_free);
  for (int i = 0; i < job_warning_count (job); i++)
    g_ptr_array_add (warnings, pb_diag_from_warning (job_warning (job, i)));
  pb_job_figures_t figures = { job->status != PAIBAN_STATUS_SUCCESS, job->error, job->errors,
                               warnings, job->printed ? &job->stats : NULL, job->timings,
                               job->fallbacks, job->font_files };
  g_free (job->report);
  job->report = pb_report_json (job->inspection, &figures);
  return job->report;
}

static const char *
job_layout_dump (paiban_job_t *job, unsigned flags)
{
  G_STATIC_ASSERT (PB_DUMP_GLYPHS == PAIBAN_DUMP_GLYPHS);
  if (!job)
    return NULL;
  g_clear_pointer (&job->dump, g_free);
  const char *misuse = !job->layout ? "lay the issue out before dumping its layout"
                       : (flags & ~PB_DUMP_ALL_FLAGS) ? "unknown layout dump flag" : NULL;
  if (misuse)
    {
      if (!job->status) /* the first error stays */
        fail (job, PAIBAN_STATUS_USAGE, g_strdup (misuse));
      return NULL;
    }
  job->dump = pb_layout_dump (job->layout, flags);
  return job->dump;
}

/* The first error wins: a failure of the report's own file is the job's error only when it
 * has none. */
static void
note_failure (paiban_job_t *job, GError *error)
{
  if (job->status == PAIBAN_STATUS_SUCCESS)
    fail_with (job, error);
  else
    g_error_free (error);
}

/* The report of the job as it stands, into the report's file (not named yet). */
static gboolean
fill_report (paiban_job_t *job, GError **error)
{
  const char *text = job_report (job);
  return pb_outfile_rewind (job->report_file, error)
         && pb_outfile_write (job->report_file, text, strlen (text), error)
         && pb_outfile_finish (job->report_file, error);
}

/* Names the report's file after checking its target; `filled`: it holds the report of the
 * job as it is now, else it is written first. */
static void
commit_report (paiban_job_t *job, gboolean filled)
{
  if (!job->report_file)
    return;
  GError *error = NULL;
  g_autoptr (GPtrArray) one = g_ptr_array_new ();
  g_ptr_array_add (one, job->report_file);
  if (!check_inputs (job, one, &error) || (!filled && !fill_report (job, &error))
      || !pb_outfile_commit (job->report_file, &error))
    note_failure (job, error);
  g_clear_pointer (&job->report_file, pb_outfile_discard);
}

static paiban_status_t
job_write_report (paiban_job_t *job, const char *path)
{
  if (!job)
    return PAIBAN_STATUS_USAGE;
  if (!path)
    {
      if (job->status == PAIBAN_STATUS_SUCCESS)
        fail (job, PAIBAN_STATUS_USAGE, g_strdup ("no report file given"));
      return job->status;
    }
  GError *error = NULL;
  pb_outfile_t *out = g_new (pb_outfile_t, 1);
  if (!pb_outfile_open (out, path, "cannot write the report", &error))
    {
      g_free (out);
      note_failure (job, error);
      return job->status;
    }
  g_clear_pointer (&job->report_file, pb_outfile_discard);
  job->report_file = out;
  if (!job->stage)
    commit_report (job, FALSE);
  return job->status;
}

static paiban_status_t
job_write_layout_dump (paiban_job_t *job, const char *path, unsigned flags)
{
  if (blocked (job))
    return blocked (job);
  if (!path)
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("no file given for the layout dump"));
  const char *text = job_layout_dump (job, flags);
  if (!text)
    return job->status;
  GError *error = NULL;
  g_autoptr (GPtrArray) made = g_ptr_array_new_with_free_func (pb_outfile_discard);
  pb_outfile_t *out = g_new (pb_outfile_t, 1);
  if (!pb_outfile_open (out, path, "cannot write the layout", &error))
    {
      g_free (out);
      return fail_with (job, error);
    }
  g_ptr_array_add (made, out);
  if (!pb_outfile_write (out, text, strlen (text), &error) || !pb_outfile_finish (out, &error))
    return fail_with (job, error);
  return deliver (job, made);
}

/* Everything staged is named when the job has not failed, after its targets are checked;
 * else nothing is. The report is written either way: it tells what happened. It was filled
 * before the others are named, so that a full disk cannot fail it after them. */
static paiban_status_t
job_commit (paiban_job_t *job)
{
  if (!job)
    return PAIBAN_STATUS_USAGE;
  GError *error = NULL;
  gboolean filled = FALSE;
  if (job->status == PAIBAN_STATUS_SUCCESS)
    {
      g_autoptr (GPtrArray) all = g_ptr_array_new ();
      for (guint i = 0; i < job->staged->len; i++)
        g_ptr_array_add (all, job->staged->pdata[i]);
      if (job->report_file)
        g_ptr_array_add (all, job->report_file);
      if (!check_inputs (job, all, &error))
        {
          /* The report may be the output in the wrong place: it goes too. */
          fail_with (job, error);
          g_clear_pointer (&job->report_file, pb_outfile_discard);
        }
      else if ((job->report_file && !(filled = fill_report (job, &error)))
               || !pb_outfile_commit_all (job->staged, &error))
        fail_with (job, error);
    }
  g_ptr_array_set_size (job->staged, 0); /* what is left is discarded */
  if (job->status != PAIBAN_STATUS_SUCCESS)
    {
      job->printed = FALSE;
      filled = FALSE;
    }
  commit_report (job, filled);
  return job->status;
}

static const char *const input_types[] = { "application/vnd.paiban.issue+json", NULL };
static const char *const output_types[] = { "application/pdf", "image/png",
                                            "application/vnd.paiban.report+json", NULL };

static const paiban_plugin_v1_t plugin = {
  PAIBAN_ABI_VERSION,
  sizeof (paiban_plugin_v1_t),
  "paiban",
  PAIBAN_VERSION,
  input_types,
  output_types,
  job_create,
  job_destroy,
  job_set_option,
  job_load_file,
  job_load_buffer,
  job_layout,
  job_write_pdf,
  job_write_png,
  job_report,
  job_status,
  job_error_message,
  job_page_count,
  job_warning_count,
  job_warning,
  job_layout_dump,
  job_write_report,
  job_write_layout_dump,
  job_commit,
  job_error_count,
  job_error,
};

PB_EXPORT const paiban_plugin_v1_t *
paiban_plugin_v1 (void)
{
  return &plugin;
}
