/* The plugin entry point and the job object behind it: load → layout → paint. */
#include <dlfcn.h>
#include <json-glib/json-glib.h>
#include <paiban/paiban.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "dump.h"
#include "fonts.h"
#include "layout.h"
#include "model.h"
#include "paint.h"
#include "prepress.h"

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
  gboolean proof;           /* option "proof": PDFs and PNGs written next are proofs */
  char *output_profile;     /* option "output-profile": NULL for the configured one */
  GPtrArray *notes;         /* warnings of the job itself (photo resolution), of char* */
  gboolean printed;         /* a print PDF was written: `stats` holds its figures */
  pb_prepress_stats_t stats;
  double prepress_seconds, png_seconds, proof_seconds;
  char *dump;               /* the last job_layout_dump */
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
  job->notes = g_ptr_array_new_with_free_func (g_free);
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
  g_free (job->dump);
  g_free (job->output_profile);
  g_free (job->stats.profile_name);
  g_ptr_array_free (job->notes, TRUE);
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
  else if (strcmp (key, "proof") == 0)
    job->proof = strcmp (value, "0") != 0;
  else if (strcmp (key, "output-profile") == 0)
    {
      if (!*value)
        return fail (job, PAIBAN_STATUS_USAGE, g_strdup ("output-profile: no file given"));
      g_free (job->output_profile);
      job->output_profile = g_strdup (value);
    }
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
  g_ptr_array_set_size (job->notes, 0);
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

/* A warning for each photo placed below the resolution print needs, at its place in the issue. */
static void
note_photos (paiban_job_t *job)
{
  for (guint i = 0; i < job->layout->pages->len; i++)
    {
      const pb_page_layout_t *page = job->layout->pages->pdata[i];
      for (guint k = 0; k < page->images->len; k++)
        {
          const pb_image_t *image = page->images->pdata[k];
          double ppi = pb_image_ppi (image);
          if (ppi >= PB_MIN_PPI || !image->photo)
            continue;
          const pb_loc_t *loc = &image->photo->loc;
          g_autofree char *name = g_path_get_basename (image->photo->file);
          g_ptr_array_add (job->notes, g_strdup_printf (
              "%s:%d:%d: story \"%s\": photo %s is %.0f ppi at its size on page %d "
              "(%.0f × %.0f mm); print needs at least %.0f ppi", loc->file, loc->line, loc->col,
              image->story_id ? image->story_id : "", name, ppi, page->number,
              image->frame.w / PB_MM, image->frame.h / PB_MM, PB_MIN_PPI));
        }
    }
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
  g_ptr_array_set_size (job->notes, 0);
  job->layout = pb_layout_issue (job->issue, job->fonts, &error);
  if (!job->layout)
    return fail_with (job, error);
  note_photos (job);
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
  pb_prepress_stats_t stats = { 0 };
  pb_pdf_options_t options = { job->proof, job->output_profile, NULL, &stats };
  GError *error = NULL;
  if (!pb_paint_pdf_with (job->layout, &info, &options, path, &error))
    {
      g_free (stats.profile_name); /* the post-process may have run before the rename failed */
      return fail_with (job, error);
    }
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  if (job->proof)
    job->proof_seconds = seconds;
  else
    {
      job->write_seconds = seconds;
      job->prepress_seconds = stats.seconds;
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
  if (!job->layout || !dir || dpi < 10 || dpi > 1200)
    return fail (job, PAIBAN_STATUS_USAGE,
                 g_strdup ("lay the issue out first; the resolution must be 10–1200 dpi"));
  gint64 start = g_get_monotonic_time ();
  GError *error = NULL;
  if (!pb_paint_png_proof (job->layout, dir, dpi, job->proof, &error))
    return fail_with (job, error);
  job->png_seconds = (g_get_monotonic_time () - start) / 1e6;
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

static void
add_member_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, v);
}

static void
add_member_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_member_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

/* Numbers rounded to 0.01: the report is for reading. */
static double
round2 (double v)
{
  return round (v * 100) / 100;
}

static void
report_lone_lines (JsonBuilder *b, const pb_layout_t *layout, const char *story)
{
  json_builder_set_member_name (b, "lone_lines");
  json_builder_begin_array (b);
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      g_autoptr (GArray) lone = pb_lone_lines (page);
      for (guint k = 0; k < lone->len; k++)
        {
          const pb_lone_line_t *l = &g_array_index (lone, pb_lone_line_t, k);
          if (g_strcmp0 (l->line->story_id, story) != 0)
            continue;
          json_builder_begin_object (b);
          add_member_int (b, "page", page->number);
          add_member_string (b, "kind", l->widow ? "widow" : "orphan");
          add_member_int (b, "column", l->line->column + 1);
          add_member_double (b, "baseline_pt", round2 (l->line->baseline));
          add_member_string (b, "text", l->line->text ? l->line->text : "");
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
}

/* Each story on the pages, in the order it first appears: where it landed and how it fits. */
static void
report_articles (JsonBuilder *b, const pb_layout_t *layout)
{
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      for (guint k = 0; k < page->items->len; k++)
        {
          const pb_placed_item_t *item = page->items->pdata[k];
          if (item->story_id && g_hash_table_add (seen, (gpointer) item->story_id))
            g_ptr_array_add (order, (gpointer) item->story_id);
        }
    }
  json_builder_set_member_name (b, "articles");
  json_builder_begin_array (b);
  for (guint s = 0; s < order->len; s++)
    {
      const char *id = order->pdata[s];
      const pb_story_t *story = g_hash_table_lookup (layout->issue->story_by_id, id);
      json_builder_begin_object (b);
      add_member_string (b, "story", id);
      add_member_string (b, "headline", story && story->headline ? story->headline : "");
      int overset = 0;
      json_builder_set_member_name (b, "placements");
      json_builder_begin_array (b);
      for (guint i = 0; i < layout->pages->len; i++)
        {
          const pb_page_layout_t *page = layout->pages->pdata[i];
          for (guint k = 0; k < page->items->len; k++)
            {
              const pb_placed_item_t *item = page->items->pdata[k];
              if (g_strcmp0 (item->story_id, id) != 0)
                continue;
              overset += item->overset_chars;
              json_builder_begin_object (b);
              add_member_int (b, "page", page->number);
              add_rect (b, "area_pt", &item->area);
              json_builder_end_object (b);
            }
        }
      json_builder_end_array (b);
      add_member_int (b, "overset_chars", overset);
      report_lone_lines (b, layout, id);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
report_photos (JsonBuilder *b, const pb_layout_t *layout)
{
  json_builder_set_member_name (b, "photos");
  json_builder_begin_array (b);
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      for (guint k = 0; k < page->images->len; k++)
        {
          const pb_image_t *image = page->images->pdata[k];
          double ppi = pb_image_ppi (image);
          json_builder_begin_object (b);
          add_member_int (b, "page", page->number);
          add_member_string (b, "story", image->story_id ? image->story_id : "");
          add_member_string (b, "file", image->photo ? image->photo->file : "");
          add_rect (b, "frame_pt", &image->frame);
          json_builder_set_member_name (b, "pixels");
          json_builder_begin_array (b);
          json_builder_add_int_value (b, cairo_image_surface_get_width (image->surface));
          json_builder_add_int_value (b, cairo_image_surface_get_height (image->surface));
          json_builder_end_array (b);
          add_member_double (b, "ppi", round2 (ppi));
          json_builder_set_member_name (b, "low_resolution");
          json_builder_add_boolean_value (b, ppi < PB_MIN_PPI);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
}

/* What the last print PDF holds (after job_write_pdf without "proof"). */
static void
report_print (JsonBuilder *b, const paiban_job_t *job)
{
  const pb_page_layout_t *first = job->layout->pages->len ? job->layout->pages->pdata[0] : NULL;
  if (!job->printed || !first)
    return;
  const pb_template_t *t = first->tmpl;
  double m = pb_print_margin (t);
  json_builder_set_member_name (b, "print");
  json_builder_begin_object (b);
  add_member_string (b, "standard", "PDF/X-4");
  add_member_string (b, "output_intent", job->stats.profile_name ? job->stats.profile_name : "");
  json_builder_set_member_name (b, "trim_mm");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, round2 (t->trim_w / PB_MM));
  json_builder_add_double_value (b, round2 (t->trim_h / PB_MM));
  json_builder_end_array (b);
  add_member_double (b, "bleed_mm", round2 (t->bleed / PB_MM));
  json_builder_set_member_name (b, "media_mm");
  json_builder_begin_array (b);
  json_builder_add_double_value (b, round2 ((t->trim_w + 2 * m) / PB_MM));
  json_builder_add_double_value (b, round2 ((t->trim_h + 2 * m) / PB_MM));
  json_builder_end_array (b);
  add_member_int (b, "gray_colours", job->stats.gray_colours);
  add_member_int (b, "cmyk_colours", job->stats.cmyk_colours);
  add_member_int (b, "icc_rgb_images", job->stats.icc_images);
  add_member_int (b, "cmyk_jpeg_decode", job->stats.decode_images);
  json_builder_end_object (b);
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
      report_articles (b, job->layout);
      report_photos (b, job->layout);
      report_print (b, job);
    }
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (int i = 0; job->issue && i < (int) job->issue->warnings->len; i++)
    json_builder_add_string_value (b, job->issue->warnings->pdata[i]);
  for (int i = 0; job->layout && i < (int) job->layout->warnings->len; i++)
    json_builder_add_string_value (b, job->layout->warnings->pdata[i]);
  for (guint i = 0; i < job->notes->len; i++)
    json_builder_add_string_value (b, job->notes->pdata[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "timings_s");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "load");
  json_builder_add_double_value (b, job->load_seconds);
  json_builder_set_member_name (b, "layout");
  json_builder_add_double_value (b, job->layout_seconds);
  json_builder_set_member_name (b, "write");
  json_builder_add_double_value (b, job->write_seconds);
  add_member_double (b, "prepress", job->prepress_seconds);
  add_member_double (b, "png", job->png_seconds);
  add_member_double (b, "proof_pdf", job->proof_seconds);
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
};

PB_EXPORT const paiban_plugin_v1_t *
paiban_plugin_v1 (void)
{
  return &plugin;
}
