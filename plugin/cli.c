/* paiban: the command-line host. It knows only the public header and loads the plugin through
 * its entry point, as any pipeline host would. */
#include <dlfcn.h>
#include <glib.h>
#include <math.h>
#include <paiban/paiban.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static const char usage[] =
  "usage: paiban render ISSUE.json -o OUT.pdf [--png DIR] [--dpi N] [--proof] [--proof-pdf P.pdf]\n"
  "                     [--output-profile ICC] [--report R.json] [--strict]\n"
  "                     [--fail-on LIST] [--strict-underset N] [--system-fonts]\n"
  "       paiban check ISSUE.json [--report R.json] [--strict] [--fail-on LIST]\n"
  "                    [--strict-underset N] [--system-fonts]\n"
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
  "  --strict            fail on unknown keys, stories placed on no page, overset,\n"
  "                      underset and photos below 200 ppi (--fail-on of these five)\n"
  "  --fail-on LIST      fail on exactly these (comma-separated): unknown-keys,\n"
  "                      unplaced-stories, overset, underset, low-resolution,\n"
  "                      fallback-glyphs, lone-lines; all; none (the default)\n"
  "  --strict-underset N a page with more than N empty grid lines of columns (underset or\n"
  "                      empty area, as in the report) is an error\n"
  "\n"
  "  --system-fonts      also use the fonts installed on the system (not only fonts.conf's\n"
  "                      and the template's font folders)\n"
  "\n"
  "Every error found is printed (up to 50), not only the first.\n"
  "Exit status: 0 success, 1 bad input, failed check or failed output, 2 usage error.\n"
  "Environment: PAIBAN_PLUGIN (plugin file), PAIBAN_DATADIR (layouts/ and fonts/),\n"
  "PAIBAN_THREADS (threads for shaping, 1 = none), SOURCE_DATE_EPOCH (PDF dates).\n";

typedef struct {
  const char *command, *issue, *output, *png, *report, *proof_pdf, *profile;
  const char *strict_underset; /* a number of grid lines, checked */
  const char *fail_on;         /* the checks, checked by the plugin */
  const char *dpi_text;        /* as given, checked */
  double dpi;
  gboolean strict, proof, glyphs, system_fonts;
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

/* Resolutions of PNG proofs the plugin accepts (include/paiban/paiban.h). */
#define MIN_DPI 10
#define MAX_DPI 1200

/* Options that take a value: given last, they are incomplete rather than unknown. */
static gboolean
takes_value (const char *a)
{
  static const char *const with_value[] = {
    "-o", "--output", "--png", "--report", "--dpi", "--fail-on", "--strict-underset",
    "--proof-pdf", "--output-profile", NULL
  };
  for (int i = 0; with_value[i]; i++)
    if (strcmp (a, with_value[i]) == 0)
      return TRUE;
  return FALSE;
}

/* TRUE when `s` is a number of dots per inch the plugin takes, written whole (no "150x"). */
static gboolean
parse_dpi (const char *s, double *dpi)
{
  char *end = NULL;
  double v = g_ascii_strtod (s, &end);
  if (!*s || *end || !isfinite (v) || v < MIN_DPI || v > MAX_DPI)
    return FALSE;
  *dpi = v;
  return TRUE;
}

/* TRUE when `s` is a whole number of 0 or more that fits an int. */
static gboolean
is_count (const char *s)
{
  char *end = NULL;
  gint64 v = g_ascii_strtoll (s, &end, 10);
  return *s && !*end && v >= 0 && v <= G_MAXINT;
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
        o->dpi_text = argv[++i];
      else if (strcmp (a, "--strict") == 0)
        o->strict = TRUE;
      else if (strcmp (a, "--fail-on") == 0 && has_value)
        o->fail_on = argv[++i];
      else if (strcmp (a, "--system-fonts") == 0)
        o->system_fonts = TRUE;
      else if (strcmp (a, "--strict-underset") == 0 && has_value)
        o->strict_underset = argv[++i];
      else if (strcmp (a, "--proof") == 0)
        o->proof = TRUE;
      else if (strcmp (a, "--glyphs") == 0)
        o->glyphs = TRUE;
      else if (strcmp (a, "--proof-pdf") == 0 && has_value)
        o->proof_pdf = argv[++i];
      else if (strcmp (a, "--output-profile") == 0 && has_value)
        o->profile = argv[++i];
      else if (a[0] == '-')
        return fprintf (stderr, "paiban: %s option %s\n%s", takes_value (a) ? "incomplete"
                        : "unknown", a, usage), 2;
      else if (!o->command)
        o->command = a;
      else if (!o->issue)
        o->issue = a;
      else
        return fprintf (stderr, "paiban: unexpected argument %s\n%s", a, usage), 2;
    }
  if (!o->command)
    return fprintf (stderr, "paiban: no command given (render, check or layout)\n%s", usage), 2;
  if (strcmp (o->command, "render") != 0 && strcmp (o->command, "check") != 0
      && strcmp (o->command, "layout") != 0)
    return fprintf (stderr, "paiban: unknown command \"%s\" (render, check or layout)\n%s",
                    o->command, usage), 2;
  if (!o->issue)
    return fprintf (stderr, "paiban: %s needs an issue file (ISSUE.json)\n%s", o->command,
                    usage), 2;
  if (o->strict_underset && !is_count (o->strict_underset))
    return fprintf (stderr, "paiban: --strict-underset takes a number of grid lines, not %s\n",
                    o->strict_underset), 2;
  if (o->dpi_text && !parse_dpi (o->dpi_text, &o->dpi))
    return fprintf (stderr, "paiban: --dpi takes a resolution from %d to %d, not %s\n", MIN_DPI,
                    MAX_DPI, o->dpi_text), 2;
  if (o->glyphs && strcmp (o->command, "layout") != 0)
    return fprintf (stderr, "paiban: --glyphs goes with the layout command\n"), 2;
  if (strcmp (o->command, "render") == 0 && !o->output)
    return fprintf (stderr, "paiban: render needs -o OUT.pdf\n"), 2;
  if (o->dpi_text && !o->png)
    return fprintf (stderr, "paiban: --dpi is the resolution of the PNG proofs: give --png DIR "
                            "too\n"), 2;
  if (o->proof && !o->png)
    return fprintf (stderr, "paiban: --proof draws on the PNGs: give --png DIR too (the proof "
                            "PDF is --proof-pdf FILE)\n"), 2;
  return 0;
}

/* The layout dump to -o, else to standard output. */
static gboolean
write_dump (const paiban_plugin_v1_t *pb, paiban_job_t *job, const options_t *o)
{
  unsigned flags = o->glyphs ? PAIBAN_DUMP_GLYPHS : 0;
  if (o->output)
    return pb->job_write_layout_dump (job, o->output, flags) == PAIBAN_STATUS_SUCCESS;
  const char *dump = pb->job_layout_dump (job, flags);
  if (!dump)
    return TRUE; /* the job holds the error */
  if (fputs (dump, stdout) == EOF || fflush (stdout) != 0)
    {
      fprintf (stderr, "paiban: cannot write the layout to standard output\n");
      return FALSE;
    }
  return TRUE;
}

/* A path in a progress line: valid UTF-8 whatever the file name. */
static void
say (const char *what, const char *path)
{
  g_autofree char *shown = g_utf8_make_valid (path, -1);
  fprintf (stderr, "paiban: %s%s\n", what, shown);
}

/* The proofs first, the print PDF last, all staged: job_commit names them together. */
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
      say ("writing the proof to ", o->proof_pdf);
      pb->job_set_option (job, "proof", "1");
      if (pb->job_write_pdf (job, o->proof_pdf) != PAIBAN_STATUS_SUCCESS)
        return;
    }
  g_autofree char *pages = g_strdup_printf ("writing %d page(s) to ", pb->job_page_count (job));
  say (pages, o->output);
  pb->job_set_option (job, "proof", "0");
  pb->job_write_pdf (job, o->output);
}

/* Every output (report, proofs, PNGs, the print PDF or the layout) is staged and named only
 * when all are written: a run that fails anywhere replaces nothing, and a report whose
 * folder is missing fails before any work. */
static int
run (const paiban_plugin_v1_t *pb, const options_t *o)
{
  paiban_job_t *job = pb->job_create ();
  gboolean render = strcmp (o->command, "render") == 0;
  gboolean dump = strcmp (o->command, "layout") == 0;
  pb->job_set_option (job, "stage", "1");
  if (o->strict)
    pb->job_set_option (job, "strict", "1");
  if (o->fail_on)
    pb->job_set_option (job, "fail-on", o->fail_on);
  if (o->system_fonts)
    pb->job_set_option (job, "system-fonts", "1");
  if (o->strict_underset)
    pb->job_set_option (job, "strict-underset", o->strict_underset);
  if (o->report)
    pb->job_write_report (job, o->report);
  if (pb->job_status (job) == PAIBAN_STATUS_SUCCESS)
    say ("loading ", o->issue);
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
  pb->job_commit (job);
  for (int i = 0; i < pb->job_warning_count (job); i++)
    fprintf (stderr, "paiban: warning: %s\n", pb->job_warning (job, i));
  gboolean ok = pb->job_status (job) == PAIBAN_STATUS_SUCCESS;
  for (int i = 0; i < pb->job_error_count (job); i++)
    fprintf (stderr, "paiban: error: %s\n", pb->job_error (job, i));
  if (!ok && pb->job_error_count (job) == 0)
    fprintf (stderr, "paiban: error: %s\n", pb->job_error_message (job));
  pb->job_destroy (job);
  return ok && written ? 0 : 1;
}

/* The job runs on a thread of its own with a stack of this size, and threads started after
 * (the plugin's workers, fontconfig's) get at least as much: a small `ulimit -s` (64 KiB) is
 * the stack of the main thread and, through glibc, the default of every thread. */
#define STACK_BYTES (8 * 1024 * 1024)

typedef struct {
  const paiban_plugin_v1_t *pb;
  const options_t *o;
  int rc;
} job_thread_t;

static void *
run_thread (void *data)
{
  job_thread_t *t = data;
  t->rc = run (t->pb, t->o);
  return NULL;
}

static int
run_with_stack (const paiban_plugin_v1_t *pb, const options_t *o)
{
  job_thread_t t = { pb, o, 1 };
  pthread_attr_t attr;
  pthread_t thread;
  pthread_attr_init (&attr);
  pthread_attr_setstacksize (&attr, STACK_BYTES);
  pthread_setattr_default_np (&attr);
  gboolean started = pthread_create (&thread, &attr, run_thread, &t) == 0;
  pthread_attr_destroy (&attr);
  if (!started)
    return run (pb, o); /* no thread to be had: the stack we have */
  pthread_join (thread, NULL);
  return t.rc;
}

/* Process-wide settings a program may make and a plugin must not: a file size limit
 * (`ulimit -f`) gives a write error with a message instead of killing the process (SIGXFSZ);
 * the staged PNGs hold a descriptor each until they are named, so the soft limit of open
 * files is raised to the hard one. */
static void
prepare_process (void)
{
  signal (SIGXFSZ, SIG_IGN);
  struct rlimit files;
  if (getrlimit (RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max)
    {
      files.rlim_cur = files.rlim_max;
      setrlimit (RLIMIT_NOFILE, &files);
    }
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
  prepare_process ();
  return run_with_stack (pb, &o);
}
