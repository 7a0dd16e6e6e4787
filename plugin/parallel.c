#include "parallel.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MAX_THREADS 16

typedef struct {
  void (*fn) (int i, gpointer data);
  gpointer data;
  int n;
  gint next;
  GMutex gate;   /* held while the helpers are started */
  int helpers;   /* helpers that work; those started after them only keep room and leave */
  GMutex go;     /* held until those have left */
} pb_work_t;

typedef struct {
  pb_work_t *w;
  int index;     /* 1-based: the caller is 0 */
} pb_helper_t;

int
pb_threads (void)
{
  const char *env = g_getenv ("PAIBAN_THREADS");
  int n = env && *env ? atoi (env) : (int) g_get_num_processors ();
  return CLAMP (n, 1, MAX_THREADS);
}

int
pb_threads_live (void)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  const char *at = strstr (status, "\nThreads:");
  return at ? atoi (at + strlen ("\nThreads:")) : 0;
}

#define AWAIT_STEP_US 50

void
pb_threads_await (int count, gint64 max_us)
{
  for (gint64 waited = 0; waited < max_us && pb_threads_live () > count;
       waited += AWAIT_STEP_US)
    g_usleep (AWAIT_STEP_US);
}

/* A joined thread may still count against the limit for a moment (the kernel releases it
 * after waking its joiner); other jobs of the process may start threads meanwhile, so the
 * wait for it is short. */
#define REAP_WAIT_MAX_US (G_USEC_PER_SEC / 5)

static void
work (pb_work_t *w)
{
  for (int i; (i = g_atomic_int_add (&w->next, 1)) < w->n;)
    w->fn (i, w->data);
}

static gpointer
helper (gpointer data)
{
  pb_helper_t *h = data;
  g_mutex_lock (&h->w->gate);
  gboolean works = h->index <= h->w->helpers;
  g_mutex_unlock (&h->w->gate);
  if (works)
    {
      g_mutex_lock (&h->w->go);
      g_mutex_unlock (&h->w->go);
      work (h->w);
    }
  return NULL;
}

/* Starts up to `wanted` threads running `w`'s helper, all waiting at its gate (held by the
 * caller); returns how many started. */
static int
start_gated (pb_work_t *w, GThread **threads, pb_helper_t *slots, int wanted)
{
  int started = 0;
  while (started < wanted)
    {
      slots[started] = (pb_helper_t) { w, started + 1 };
      threads[started] = g_thread_try_new ("paiban-worker", helper, &slots[started], NULL);
      if (!threads[started])
        break;
      started++;
    }
  return started;
}

gboolean
pb_threads_limited (void)
{
  struct rlimit nproc, as;
  return (getrlimit (RLIMIT_NPROC, &nproc) == 0 && nproc.rlim_cur < PB_NPROC_AMPLE)
         || (getrlimit (RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY);
}

int
pb_threads_room (int n, GError **error)
{
  pb_work_t w = { 0 };
  GThread *threads[PB_ROOM_MAX];
  pb_helper_t slots[PB_ROOM_MAX];
  n = MIN (n, PB_ROOM_MAX);
  GError *local = NULL;
  int before = pb_threads_live ();
  g_mutex_init (&w.gate);
  g_mutex_lock (&w.gate);
  int started = start_gated (&w, threads, slots, n);
  if (started < n)
    {
      /* The reason GLib gives (EAGAIN: a process or memory limit). */
      GThread *t = g_thread_try_new ("paiban-probe", helper, &slots[0], &local);
      if (t)
        g_thread_join (t);
    }
  g_mutex_unlock (&w.gate);
  for (int t = 0; t < started; t++)
    g_thread_join (threads[t]);
  g_mutex_clear (&w.gate);
  pb_threads_await (before, REAP_WAIT_MAX_US);
  if (started < n)
    g_set_error (error, PB_ERROR, PB_ERROR_IO, "only %d of %d threads could start at once (%s)",
                 started, n, local ? local->message : "no reason given");
  g_clear_error (&local);
  return started;
}

void
pb_parallel_for (int n, int min_per_thread, void (*fn) (int i, gpointer data), gpointer data)
{
  pb_work_t w = { fn, data, n, 0, { 0 }, 0, { 0 } };
  /* Starting a thread costs more than a small piece of work. */
  int threads = MIN (pb_threads (), n / MAX (1, min_per_thread));
  GThread *helpers[MAX_THREADS + PB_FONT_THREADS];
  pb_helper_t slots[MAX_THREADS + PB_FONT_THREADS];
  int started = 0;
  /* Room for Pango's threads is kept only under a limit (its check reads /proc). */
  int spare = pb_threads_limited () ? PB_FONT_THREADS : 0;
  int before = spare ? pb_threads_live () : 0;
  g_mutex_init (&w.gate);
  g_mutex_init (&w.go);
  g_mutex_lock (&w.gate);
  g_mutex_lock (&w.go);
  /* A thread that cannot be had (a process or memory limit) is not an error: the work is
   * shared by those there are, the caller's at least. Pango starts threads of its own when a
   * worker shapes in a font not used before, and aborts when it cannot: the last
   * `spare` started only show there is room for those, and leave before the work. */
  if (threads > 1)
    started = start_gated (&w, helpers, slots, threads - 1 + spare);
  w.helpers = MAX (0, started - spare);
  g_mutex_unlock (&w.gate);
  if (started > w.helpers)
    {
      for (int t = w.helpers; t < started; t++)
        g_thread_join (helpers[t]);
      pb_threads_await (before + w.helpers, REAP_WAIT_MAX_US);
    }
  g_mutex_unlock (&w.go);
  work (&w);
  for (int t = 0; t < w.helpers; t++)
    g_thread_join (helpers[t]);
  g_mutex_clear (&w.gate);
  g_mutex_clear (&w.go);
}
