/* Worker threads: a thread that cannot be created leaves the work to those there are. */
#include <glib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include "parallel.h"

#define ITEMS 1000
/* The user nobody (Debian): its processes count against its own limit, not root's. */
#define NOBODY 65534

static void
mark (int i, gpointer data)
{
  gint *done = data;
  g_atomic_int_inc (&done[i]);
}

static gpointer
probe_thread (gpointer data)
{
  return data;
}

/* In a child process: no thread can be created (the process limit is the processes the user
 * has), and every item is still done, once. Root ignores the limit, so root's child becomes
 * nobody first. Exits 0 when so, 2 when the limit cannot be set up. */
static void
run_limited (void)
{
  if (getuid () == 0 && (setgid (NOBODY) != 0 || setuid (NOBODY) != 0))
    _exit (2);
  struct rlimit none = { 0, 0 };
  if (setrlimit (RLIMIT_NPROC, &none) != 0)
    _exit (2);
  GThread *probe = g_thread_try_new ("probe", probe_thread, NULL, NULL);
  if (probe)
    _exit (2); /* the limit does not hold here (a capability): nothing to test */
  g_setenv ("PAIBAN_THREADS", "4", TRUE);
  gint *done = g_new0 (gint, ITEMS);
  pb_parallel_for (ITEMS, 1, mark, done);
  for (int i = 0; i < ITEMS; i++)
    if (done[i] != 1)
      _exit (1);
  _exit (0);
}

static void
test_no_threads (void)
{
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    run_limited ();
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 2)
    {
      g_test_skip ("a process limit cannot be set here");
      return;
    }
  /* Before: GLib-ERROR "creating thread 'paiban-worker'", the child killed by SIGTRAP. */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
}

static void
test_all_threads (void)
{
  g_setenv ("PAIBAN_THREADS", "4", TRUE);
  gint *done = g_new0 (gint, ITEMS);
  pb_parallel_for (ITEMS, 1, mark, done);
  for (int i = 0; i < ITEMS; i++)
    g_assert_cmpint (done[i], ==, 1);
  g_free (done);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parallel/all-threads", test_all_threads);
  g_test_add_func ("/parallel/no-thread-to-be-had", test_no_threads);
  return g_test_run ();
}
