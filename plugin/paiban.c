/* The plugin entry point and the job object behind it: load → layout → paint. */
#include <dlfcn.h>
#include <json-glib/json-glib.h>
#include <paiban/paiban.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "fonts.h"
#include "layout.h"
#include "model.h"
#include "paint.h"

struct paiban_job {
  paiban_status_t status;
  char *error;
  char *datadir;
  gboolean strict;
  gint64 epoch;
  gboolean epoch_set;
  pb_issue_t *issue;
  pb_fonts_t *fonts;
  pb_layout_t *layout;
  char *report;
  double load_seconds, layout_seconds, write_seconds;
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

/* Looked up relative to the plugin first, so that a DESTDIR-staged or moved installation
 * reads its own data, and a build-tree plugin reads the working tree rather than a stale
 * installed copy. The configured install path is the last resort. */
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

static paiban_status_t
fail (paiban_job_t *job, paiban_status_t status, char *message)
{
  g_free (job->error);
  job->error = message;
  job->status = status;
  return status;
}

static paiban_status_t
fail_with (paiban_job_t *job, GError *error)
{
  paiban_status_t s = status_of (error);
  fail (job, s, g_strdup (error->message));
  g_error_free (error);
  return s;
}

static paiban_job_t *
job_create (void)
{
  paiban_job_t *job = g_new0 (paiban_job_t, 1);
  job->datadir = default_datadir ();
  return job;
}

static void
job_destroy (paiban_job_t *job)
{
  if (!job)
    return;
  pb_layout_free (job->layout);
  pb_fonts_unref (job->fonts);
  if (job->issue)
    pb_issue_free (job->issue);
  g_free (job->datadir);
  g_free (job->error);
  g_free (job->report);
  g_free (job);
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
    job->strict = strcmp (value, "0") != 0;
  else if (strcmp (key, "source-date-epoch") == 0)
    {
      char *end = NULL;
      gint64 v = g_ascii_strtoll (value, &end, 10);
      if (!*value || *end || v < 0)
        return fail (job, PAIBAN_STATUS_USAGE,
                     g_strdup_printf ("source-date-epoch: \"%s\" is not a number of seconds", value));
      job->epoch = v;
      job->epoch_set = TRUE;
    }
  else
    return fail (job, PAIBAN_STATUS_USAGE, g_strdup_printf ("unknown option \"%s\"", key));
  return PAIBAN_STATUS_SUCCESS;
}

static paiban_status_t
loaded (paiban_job_t *job, pb_issue_t *issue, GError *error, gint64 start)
{
  if (!issue)
    return fail_with (job, error);
  /* The layout borrows from the issue it was made of. */
  g_clear_pointer (&job->layout, pb_layout_free);
  if (job->issue)
    pb_issue_free (job->issue);
  job->issue = issue;
  job->load_seconds = (g_get_monotonic_time () - start) / 1e6;
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
  pb_issue_t *issue = pb_issue_load_file (path, job->datadir, &error);
  return loaded (job, issue, error, start);
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
  pb_issue_t *issue = pb_issue_load_data (data, length, name ? name : "<buffer>",
                                          base_dir ? base_dir : ".", job->datadir, &error);
  return loaded (job, issue, error, start);
}

static int
total_overset (const pb_layout_t *layout)
{
  int n = 0;
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      for (guint k = 0; k < page->items->len; k++)
        n += ((pb_placed_item_t *) page->items->pdata[k])->overset_chars;
    }
  return n;
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
  if (!job->fonts && !(job->fonts = pb_fonts_new (job->datadir, &error)))
    return fail_with (job, error);
  pb_layout_free (job->layout);
  job->layout = pb_layout_issue (job->issue, job->fonts, &error);
  if (!job->layout)
    return fail_with (job, error);
  job->layout_seconds = (g_get_monotonic_time () - start) / 1e6;
  int overset = total_overset (job->layout);
  if (job->strict && overset > 0)
    return fail (job, PAIBAN_STATUS_OVERSET,
                 g_strdup_printf ("%d characters are overset (strict mode)", overset));
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
  pb_pdf_info_t info = { title, job->issue->paper, job->epoch };
  if (!job->epoch_set)
    {
      /* Without SOURCE_DATE_EPOCH the issue date stands for the creation date, so output
       * depends on the inputs alone. */
      const char *env = g_getenv ("SOURCE_DATE_EPOCH");
      g_autoptr (GDateTime) dt = NULL;
      int y, m, d;
      if (env && *env)
        info.epoch = g_ascii_strtoll (env, NULL, 10);
      else if (sscanf (job->issue->date, "%d-%d-%d", &y, &m, &d) == 3
               && (dt = g_date_time_new_utc (y, m, d, 0, 0, 0)))
        info.epoch = g_date_time_to_unix (dt);
    }
  GError *error = NULL;
  if (!pb_paint_pdf (job->layout, &info, path, &error))
    return fail_with (job, error);
  job->write_seconds = (g_get_monotonic_time () - start) / 1e6;
  return PAIBAN_STATUS_SUCCESS;
}

static paiban_status_t
job_write_png (paiban_job_t *job, const char *dir, double dpi)
{
  if (blocked (job))
    return blocked (job);
  if (!job->layout || !dir || dpi < 10 || dpi > 1200)
    return fail (job, PAIBAN_STATUS_USAGE,
                 g_strdup ("lay the issue out first; the resolution must be 10–1200 dpi"));
  GError *error = NULL;
  if (!pb_paint_png (job->layout, dir, dpi, &error))
    return fail_with (job, error);
  return PAIBAN_STATUS_SUCCESS;
}

static void
add_rect (JsonBuilder *b, const char *name, const pb_rect_t *r)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  json_builder_add_double_value (b, r->x);
  json_builder_add_double_value (b, r->y);
  json_builder_add_double_value (b, r->w);
  json_builder_add_double_value (b, r->h);
  json_builder_end_array (b);
}

static void
report_pages (JsonBuilder *b, const pb_layout_t *layout)
{
  json_builder_set_member_name (b, "pages");
  json_builder_begin_array (b);
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "number");
      json_builder_add_int_value (b, page->number);
      json_builder_set_member_name (b, "lines");
      json_builder_add_int_value (b, page->lines->len);
      json_builder_set_member_name (b, "items");
      json_builder_begin_array (b);
      for (guint k = 0; k < page->items->len; k++)
        {
          const pb_placed_item_t *item = page->items->pdata[k];
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "kind");
          json_builder_add_string_value (b, item->kind == PB_ITEM_STORY ? "story" : "guide");
          if (item->story_id)
            {
              json_builder_set_member_name (b, "story");
              json_builder_add_string_value (b, item->story_id);
            }
          add_rect (b, "area_pt", &item->area);
          json_builder_set_member_name (b, "overset_chars");
          json_builder_add_int_value (b, item->overset_chars);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static const char *
job_report (paiban_job_t *job)
{
  if (!job)
    return NULL;
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "paiban");
  json_builder_add_string_value (b, PAIBAN_VERSION);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, job->status ? "error" : "ok");
  if (job->error)
    {
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, job->error);
    }
  if (job->layout)
    {
      report_pages (b, job->layout);
      json_builder_set_member_name (b, "overset_chars");
      json_builder_add_int_value (b, total_overset (job->layout));
    }
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (int i = 0; job->issue && i < (int) job->issue->warnings->len; i++)
    json_builder_add_string_value (b, job->issue->warnings->pdata[i]);
  for (int i = 0; job->layout && i < (int) job->layout->warnings->len; i++)
    json_builder_add_string_value (b, job->layout->warnings->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "timings_s");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "load");
  json_builder_add_double_value (b, job->load_seconds);
  json_builder_set_member_name (b, "layout");
  json_builder_add_double_value (b, job->layout_seconds);
  json_builder_set_member_name (b, "write");
  json_builder_add_double_value (b, job->write_seconds);
  json_builder_end_object (b);
  json_builder_end_object (b);

  JsonGenerator *gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  g_free (job->report);
  job->report = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return job->report;
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
         + (job->layout ? (int) job->layout->warnings->len : 0);
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
  if (job->layout && index < (int) job->layout->warnings->len)
    return job->layout->warnings->pdata[index];
  return NULL;
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
};

PB_EXPORT const paiban_plugin_v1_t *
paiban_plugin_v1 (void)
{
  return &plugin;
}
