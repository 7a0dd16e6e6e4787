/* Problems found in a run as fields, for the report's "errors" and "warnings" and the host:
 * each with a stable code, the file, line and column, the story and the page where known,
 * and the message as printed. Errors come from the core's GError domain (error.c), whose
 * errors carry their position; warnings from the text the stages write. */
#pragma once

#include <glib.h>
#include "model.h"

/* The most errors one run collects (the loader goes on after an error where it can). */
#define PB_MAX_ERRORS 50

typedef struct {
  char *code;    /* stable: "missing-key", "unknown-key", "overset" … (docs/format.md) */
  char *file;    /* NULL when the problem has no file */
  int line, col; /* 0 when it has no position in the file */
  char *story;   /* NULL when it concerns no one story */
  int page;      /* 0 when it concerns no one page */
  char *message; /* as printed: "file:line:col: what is wrong" */
} pb_diag_t;

/* New entries (pb_diag_free): of a code and a message without a position, of an error, of
 * a warning's text (its code found from what it says, its position from its start). */
pb_diag_t *pb_diag_new (const char *code, const char *message);
pb_diag_t *pb_diag_from_error (const GError *error);
pb_diag_t *pb_diag_from_warning (const char *text);
void pb_diag_free (gpointer diag);

/* Gives a PB_ERROR its story and page where it has none yet (the loader knows them, the
 * place that sets the error may not). */
void pb_error_set_context (GError *error, const char *story, int page);

/* Takes `error` into `errors` (of GError*, owned) with its story and page, up to
 * PB_MAX_ERRORS; beyond that it is dropped. */
void pb_errors_take (GPtrArray *errors, GError *error, const char *story, int page);

/* Whether PB_ERROR `a` is at an earlier place in the same file than `b`. */
gboolean pb_error_before (const GError *a, const GError *b);
