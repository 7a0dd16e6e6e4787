/* Running independent pieces of work on all processors. */
#pragma once

#include <glib.h>
#include "model.h"

/* Threads Pango's font map may run at once, and it aborts the process when one cannot start:
 * a match and a sort for every font description it meets first (its one-time fontconfig
 * setup runs alone). */
#define PB_FONT_THREADS 2

/* The most threads pb_threads_room tries. */
#define PB_ROOM_MAX 32

/* Threads to use: PAIBAN_THREADS when set (1 turns parallel work off), else one per processor,
 * at most 16. */
int pb_threads (void);

/* Whether a limit may stop threads from starting: a limit on processes (counted in threads)
 * below PB_NPROC_AMPLE, or one on address space (each thread's stack). */
#define PB_NPROC_AMPLE 4096
gboolean pb_threads_limited (void);

/* How many of `n` more threads (at most PB_ROOM_MAX) can run at once now: they are started
 * and ended here. When fewer than `n`, `error` says why (PB_ERROR_IO, the system's reason). */
int pb_threads_room (int n, GError **error);

/* Threads of the process now, as the kernel counts them for its limit on processes; 0 when
 * unknown. */
int pb_threads_live (void);

/* Waits until at most `count` threads of the process live, or `max_us` have passed. */
void pb_threads_await (int count, gint64 max_us);

/* Calls fn (i, data) for every i in [0, n), spread over up to pb_threads () threads (the
 * caller's included; fewer when no more can be created, down to the caller's alone, and only
 * as many as leave room for PB_FONT_THREADS more); returns when all are done. fn must be safe
 * to run concurrently. */
void pb_parallel_for (int n, int min_per_thread, void (*fn) (int i, gpointer data),
                      gpointer data);
