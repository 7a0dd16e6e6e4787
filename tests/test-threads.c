/* Two jobs on two threads of one process render the example issue at the same time and give
 * the same bytes as serial runs. The threads go first, released together by a barrier, so that
 * first-use initialisation (fontconfig, Pango, cairo, GLib types, the error domain) also runs
 * concurrently: each thread starts with a failing load, then renders.
 * The plugin is loaded through its entry point, as a host does.
 * Usage: test-threads PLUGIN.so SOURCE_ROOT [ISSUE.json]   (TAP output; default: the example)
 *
 * Under ThreadSanitizer (GLib, fontconfig, Pango, cairo, HarfBuzz and glibc are not
 * instrumented, so their own futex locks and atomics are invisible to it and it would report
 * their internals; the option below keeps the checks on every access of our code):
 *   meson setup build-tsan -Db_sanitize=thread -Db_lundef=false && meson compile -C build-tsan
 *   G_SLICE=always-malloc TSAN_OPTIONS=ignore_noninstrumented_modules=1 \
 *     build-tsan/tests/test-threads build-tsan/plugin/libpaiban.so.0 . */
#include <dlfcn.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <paiban/paiban.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define N_THREADS 2
#define ROUNDS 2 /* renders per thread: the second overlaps with warm caches */

typedef struct {
  const paiban_plugin_v1_t *pb;
  pthread_barrier_t *start;
  const char *issue;
  char *pdf[ROUNDS];
  char *error;     /* first failure, or NULL */
  char *bad_error; /* the message of the failing load */
} job_args_t;

static const char bad_issue[] = "{\n  \"paper\": \"x\",\n  \"date\": 2024\n";

static int n_tests, n_failed;

static void
check (int ok, const char *what, const char *detail)
{
  n_tests++;
  printf ("%s %d %s\n", ok ? "ok" : "not ok", n_tests, what);
  if (!ok)
    {
      n_failed++;
      if (detail && *detail)
        printf ("# %s\n", detail);
    }
}

/* One job from creation to PDF; NULL on success, else the message (to free). */
static char *
render (const paiban_plugin_v1_t *pb, const char *issue, const char *pdf)
{
  paiban_job_t *job = pb->job_create ();
  if (pb->job_load_file (job, issue) == PAIBAN_STATUS_SUCCESS
      && pb->job_layout (job) == PAIBAN_STATUS_SUCCESS)
    pb->job_write_pdf (job, pdf);
  char *error = pb->job_status (job) ? g_strdup (pb->job_error_message (job)) : NULL;
  pb->job_destroy (job);
  return error;
}

/* A load that fails; returns the message (to free). */
static char *
fail (const paiban_plugin_v1_t *pb)
{
  paiban_job_t *job = pb->job_create ();
  pb->job_load_buffer (job, bad_issue, strlen (bad_issue), "bad.json", ".");
  char *message = g_strdup_printf ("%d %s", pb->job_status (job), pb->job_error_message (job));
  pb->job_destroy (job);
  return message;
}

static void *
thread_main (void *data)
{
  job_args_t *a = data;
  pthread_barrier_wait (a->start);
  a->bad_error = fail (a->pb);
  for (int r = 0; r < ROUNDS && !a->error; r++)
    a->error = render (a->pb, a->issue, a->pdf[r]);
  return NULL;
}

static gboolean
same_bytes (const char *a, const char *b)
{
  g_autofree char *da = NULL, *db = NULL;
  gsize la = 0, lb = 0;
  return g_file_get_contents (a, &da, &la, NULL) && g_file_get_contents (b, &db, &lb, NULL)
         && la > 0 && la == lb && memcmp (da, db, la) == 0;
}

static const paiban_plugin_v1_t *
load_plugin (const char *path)
{
  void *so = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  paiban_plugin_v1_func_t entry = so ? (paiban_plugin_v1_func_t) dlsym (so, PAIBAN_PLUGIN_SYMBOL)
                                     : NULL;
  const paiban_plugin_v1_t *pb = entry ? entry () : NULL;
  gboolean ok = pb && pb->abi_version == PAIBAN_ABI_VERSION && pb->size >= sizeof *pb;
  check (ok, "load the plugin", so ? NULL : dlerror ());
  return ok ? pb : NULL;
}

static void
run (const paiban_plugin_v1_t *pb, const char *issue, const char *tmp)
{
  pthread_barrier_t start;
  pthread_barrier_init (&start, NULL, N_THREADS);
  job_args_t args[N_THREADS];
  pthread_t threads[N_THREADS];
  for (int t = 0; t < N_THREADS; t++)
    {
      args[t] = (job_args_t) { pb, &start, issue, { NULL }, NULL, NULL };
      for (int r = 0; r < ROUNDS; r++)
        args[t].pdf[r] = g_strdup_printf ("%s/thread%d-%d.pdf", tmp, t, r);
      pthread_create (&threads[t], NULL, thread_main, &args[t]);
    }
  for (int t = 0; t < N_THREADS; t++)
    pthread_join (threads[t], NULL);
  pthread_barrier_destroy (&start);

  /* Then the same, one after the other. */
  char *serial[N_THREADS];
  for (int t = 0; t < N_THREADS; t++)
    {
      serial[t] = g_strdup_printf ("%s/serial%d.pdf", tmp, t);
      g_autofree char *error = render (pb, issue, serial[t]);
      check (!error, "serial run succeeds", error);
    }
  check (same_bytes (serial[0], serial[1]), "two serial runs give the same bytes", NULL);
  g_autofree char *bad_serial = fail (pb);
  check (g_str_has_prefix (bad_serial, "1 bad.json:"), "serial failing load: invalid input",
         bad_serial);

  for (int t = 0; t < N_THREADS; t++)
    {
      check (strcmp (args[t].bad_error, bad_serial) == 0,
             "concurrent failing load: the serial message", args[t].bad_error);
      g_free (args[t].bad_error);
      check (!args[t].error, "concurrent job succeeds", args[t].error);
      for (int r = 0; r < ROUNDS; r++)
        {
          g_autofree char *what = g_strdup_printf ("thread %d, render %d: same bytes as serial",
                                                   t, r + 1);
          check (same_bytes (args[t].pdf[r], serial[0]), what, args[t].pdf[r]);
          g_remove (args[t].pdf[r]);
          g_free (args[t].pdf[r]);
        }
      g_free (args[t].error);
    }
  for (int t = 0; t < N_THREADS; t++)
    {
      g_remove (serial[t]);
      g_free (serial[t]);
    }
}

int
main (int argc, char **argv)
{
  if (argc != 3 && argc != 4)
    {
      fprintf (stderr, "usage: test-threads PLUGIN.so SOURCE_ROOT [ISSUE.json]\n");
      return 2;
    }
  g_autofree char *issue = argc == 4 ? g_strdup (argv[3])
                                     : g_build_filename (argv[2], "examples", "front-page",
                                                         "issue.json", NULL);
  g_autofree char *tmp = g_dir_make_tmp ("paiban-threads-XXXXXX", NULL);
  const paiban_plugin_v1_t *pb = load_plugin (argv[1]);
  if (pb && tmp)
    run (pb, issue, tmp);
  if (tmp)
    g_rmdir (tmp);
  printf ("1..%d\n", n_tests);
  return n_failed ? 1 : 0;
}
