/* paiban: the command-line host. It knows only the public header and loads the plugin through
 * its entry point, as any pipeline host would. */
#include <dlfcn.h>
#include <glib.h>
#include <paiban/paiban.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
  "usage: paiban render ISSUE.json -o OUT.pdf [--png DIR] [--dpi N] [--proof] [--proof-pdf P.pdf]\n"
  "                     [--output-profile ICC] [--report R.json] [--strict]\n"
  "       paiban check ISSUE.json [--report R.json] [--strict]\n"
  "       paiban layout ISSUE.json [-o OUT.txt] [--glyphs]\n"
  "       paiban --help | --version\n"
  "\n"
  "render  lays the issue out and writes the print PDF (and proofs, a JSON report)\n"
  "check   loads and lays the issue out, reports problems, writes nothing but the report\n"
  "layout  lays the issue out and prints the layout as text, one line per page, item,\n"
  "        photo, rule, box, line and glyph run: a change of layout shows as a diff\n"
  "\n"
  "  -o, --output FILE   the print PDF (PDF/X-4: bleed, crop marks, TrimBox, K-only black);\n"
  "                      with layout, the text (default: standard output); written to a\n"
  "                      temporary file, then renamed\n"
  "  --glyphs            layout: every glyph's id and position too\n"
  "  --png DIR           also write DIR/page-NN.png\n"
  "  --dpi N             resolution of the PNG proofs (default 150)\n"
  "  --proof             draw the proof overlay on the PNGs: grid, frames, problems\n"
  "  --proof-pdf FILE    also write a proof PDF with the overlay (never on the print PDF)\n"
  "  --output-profile ICC\n"
  "                      the CMYK ICC profile of the print PDF's output intent\n"
  "  --report FILE       write the JSON report (pages, stories, overset, warnings, timings)\n"
  "  --strict            overset text is an error\n"
  "\n"
  "Exit status: 0 success, 1 bad input or failed output, 2 usage error.\n"
  "Environment: PAIBAN_PLUGIN (plugin file), PAIBAN_DATADIR (layouts/ and fonts/),\n"
  "PAIBAN_THREADS (threads for shaping, 1 = none), SOURCE_DATE_EPOCH (PDF dates).\n";

typedef struct {
  const char *command, *issue, *output, *png, *report, *proof_pdf, *profile;
  double dpi;
  gboolean strict, proof, glyphs;
} options_t;

/* $PAIBAN_PLUGIN, else the plugin next to this program (the build tree), else the loader's
 * search: an installed program's rpath ($ORIGIN/../lib/…, set in plugin/meson.build),
 * LD_LIBRARY_PATH, the ld.so cache. */
static void *
open_plugin (char **tried)
{
  const char *env = g_getenv ("PAIBAN_PLUGIN");
  if (env && *env)
    {
      *tried = g_strdup (env);
      return dlopen (env, RTLD_NOW | RTLD_LOCAL);
    }
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe ? g_path_get_dirname (exe) : g_strdup (".");
  g_autofree char *beside = g_build_filename (dir, "libpaiban.so.0", NULL);
  void *so = dlopen (beside, RTLD_NOW | RTLD_LOCAL);
  if (!so)
    so = dlopen ("libpaiban.so.0", RTLD_NOW | RTLD_LOCAL);
  if (!so)
    *tried = g_strdup_printf ("%s, libpaiban.so.0: %s", beside, dlerror ());
  return so;
}

static int
parse_args (int argc, char **argv, options_t *o)
{
  o->dpi = 150;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      gboolean has_value = i + 1 < argc;
      if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0)
        return fputs (usage, stdout), -1;
      if (strcmp (a, "--version") == 0)
        return -2;
      if ((strcmp (a, "-o") == 0 || strcmp (a, "--output") == 0) && has_value)
        o->output = argv[++i];
      else if (strcmp (a, "--png") == 0 && has_value)
        o->png = argv[++i];
      else if (strcmp (a, "--report") == 0 && has_value)
        o->report = argv[++i];
      else if (strcmp (a, "--dpi") == 0 && has_value)
        o->dpi = g_ascii_strtod (argv[++i], NULL);
      else if (strcmp (a, "--strict") == 0)
        o->strict = TRUE;
      else if (strcmp (a, "--proof") == 0)
        o->proof = TRUE;
      else if (strcmp (a, "--glyphs") == 0)
        o->glyphs = TRUE;
      else if (strcmp (a, "--proof-pdf") == 0 && has_value)
        o->proof_pdf = argv[++i];
      else if (strcmp (a, "--output-profile") == 0 && has_value)
        o->profile = argv[++i];
      else if (a[0] == '-')
        return fprintf (stderr, "paiban: unknown or incomplete option %s\n%s", a, usage), 2;
      else if (!o->command)
        o->command = a;
      else if (!o->issue)
        o->issue = a;
      else
        return fprintf (stderr, "paiban: unexpected argument %s\n%s", a, usage), 2;
    }
  if (!o->command || !o->issue
      || (strcmp (o->command, "render") != 0 && strcmp (o->command, "check") != 0
          && strcmp (o->command, "layout") != 0))
    return fputs (usage, stderr), 2;
  if (o->glyphs && strcmp (o->command, "layout") != 0)
    return fprintf (stderr, "paiban: --glyphs goes with the layout command\n"), 2;
  if (strcmp (o->command, "render") == 0 && !o->output)
    return fprintf (stderr, "paiban: render needs -o OUT.pdf\n"), 2;
  if (o->proof && !o->png)
    return fprintf (stderr, "paiban: --proof draws on the PNGs: give --png DIR too (the proof "
                            "PDF is --proof-pdf FILE)\n"), 2;
  return 0;
}

/* Written to a temporary file beside `path` and renamed. */
static gboolean
write_text (const char *path, const char *text)
{
  GError *error = NULL;
  if (!g_file_set_contents (path, text, -1, &error))
    {
      fprintf (stderr, "paiban: %s\n", error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

/* The layout dump to -o, else to standard output. */
static gboolean
write_dump (const paiban_plugin_v1_t *pb, paiban_job_t *job, const options_t *o)
{
  const char *dump = pb->job_layout_dump (job, o->glyphs ? PAIBAN_DUMP_GLYPHS : 0);
  if (!dump)
    return TRUE; /* the job holds the error */
  if (o->output)
    return write_text (o->output, dump);
  if (fputs (dump, stdout) == EOF || fflush (stdout) != 0)
    {
      fprintf (stderr, "paiban: cannot write the layout to standard output\n");
      return FALSE;
    }
  return TRUE;
}

/* The proofs first, the print PDF last: when anything fails, the print PDF (the file that goes
 * to the plate) is left as it was. Each file is replaced whole or not at all. */
static void
write_outputs (const paiban_plugin_v1_t *pb, paiban_job_t *job, const options_t *o)
{
  if (o->profile)
    pb->job_set_option (job, "output-profile", o->profile);
  if (o->png)
    {
      pb->job_set_option (job, "proof", o->proof ? "1" : "0");
      if (pb->job_write_png (job, o->png, o->dpi) != PAIBAN_STATUS_SUCCESS)
        return;
    }
  if (o->proof_pdf)
    {
      fprintf (stderr, "paiban: writing the proof to %s\n", o->proof_pdf);
      pb->job_set_option (job, "proof", "1");
      if (pb->job_write_pdf (job, o->proof_pdf) != PAIBAN_STATUS_SUCCESS)
        return;
    }
  fprintf (stderr, "paiban: writing %d page(s) to %s\n", pb->job_page_count (job), o->output);
  pb->job_set_option (job, "proof", "0");
  pb->job_write_pdf (job, o->output);
}

static int
run (const paiban_plugin_v1_t *pb, const options_t *o)
{
  paiban_job_t *job = pb->job_create ();
  gboolean render = strcmp (o->command, "render") == 0;
  gboolean dump = strcmp (o->command, "layout") == 0;
  if (o->strict)
    pb->job_set_option (job, "strict", "1");
  fprintf (stderr, "paiban: loading %s\n", o->issue);
  if (pb->job_load_file (job, o->issue) == PAIBAN_STATUS_SUCCESS)
    {
      fprintf (stderr, "paiban: laying out\n");
      pb->job_layout (job);
    }
  if (render && pb->job_status (job) == PAIBAN_STATUS_SUCCESS)
    write_outputs (pb, job, o);
  gboolean written = TRUE;
  if (dump && pb->job_status (job) == PAIBAN_STATUS_SUCCESS)
    written = write_dump (pb, job, o);
  for (int i = 0; i < pb->job_warning_count (job); i++)
    fprintf (stderr, "paiban: warning: %s\n", pb->job_warning (job, i));
  gboolean ok = pb->job_status (job) == PAIBAN_STATUS_SUCCESS;
  if (!ok)
    fprintf (stderr, "paiban: error: %s\n", pb->job_error_message (job));
  ok = ok && written;
  if (o->report && !write_text (o->report, pb->job_report (job)))
    ok = FALSE;
  pb->job_destroy (job);
  return ok ? 0 : 1;
}

int
main (int argc, char **argv)
{
  options_t o = { 0 };
  int rc = parse_args (argc, argv, &o);
  if (rc == -1)
    return 0;
  if (rc > 0)
    return rc;
  g_autofree char *tried = NULL;
  void *so = open_plugin (&tried);
  paiban_plugin_v1_func_t entry = so ? (paiban_plugin_v1_func_t) dlsym (so, PAIBAN_PLUGIN_SYMBOL)
                                     : NULL;
  const paiban_plugin_v1_t *pb = entry ? entry () : NULL;
  if (!pb || pb->abi_version != PAIBAN_ABI_VERSION || pb->size < sizeof (paiban_plugin_v1_t))
    {
      fprintf (stderr, "paiban: cannot load the plugin (%s)\n", tried ? tried : "bad entry point");
      return 1;
    }
  if (rc == -2)
    {
      printf ("paiban %s (plugin ABI %u)\n", pb->version, pb->abi_version);
      return 0;
    }
  return run (pb, &o);
}
