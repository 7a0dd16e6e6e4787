/* Running independent pieces of work on all processors. */
#pragma once

#include <glib.h>

/* Threads to use: PAIBAN_THREADS when set (1 turns parallel work off), else one per processor,
 * at most 16. */
int pb_threads (void);

/* Calls fn (i, data) for every i in [0, n), spread over up to pb_threads () threads (the
 * caller's included; fewer when no more can be created, down to the caller's alone); returns
 * when all are done. fn must be safe to run concurrently. */
void pb_parallel_for (int n, int min_per_thread, void (*fn) (int i, gpointer data),
                      gpointer data);
