#include "parallel.h"

#include <stdlib.h>

#define MAX_THREADS 16

typedef struct {
  void (*fn) (int i, gpointer data);
  gpointer data;
  int n;
  gint next;
} pb_work_t;

int
pb_threads (void)
{
  const char *env = g_getenv ("PAIBAN_THREADS");
  int n = env && *env ? atoi (env) : (int) g_get_num_processors ();
  return CLAMP (n, 1, MAX_THREADS);
}

static gpointer
worker (gpointer data)
{
  pb_work_t *w = data;
  for (int i; (i = g_atomic_int_add (&w->next, 1)) < w->n;)
    w->fn (i, w->data);
  return NULL;
}

void
pb_parallel_for (int n, int min_per_thread, void (*fn) (int i, gpointer data), gpointer data)
{
  pb_work_t w = { fn, data, n, 0 };
  /* Starting a thread costs more than a small piece of work. */
  int threads = MIN (pb_threads (), n / MAX (1, min_per_thread));
  GThread *helpers[MAX_THREADS];
  int started = 1;
  /* A thread that cannot be had (a process or memory limit) is not an error: the work is
   * shared by those there are, the caller's at least. */
  while (started < threads
         && (helpers[started] = g_thread_try_new ("paiban-worker", worker, &w, NULL)))
    started++;
  worker (&w);
  for (int t = 1; t < started; t++)
    g_thread_join (helpers[t]);
}
