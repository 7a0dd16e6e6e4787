/* Shared set-up of the fuzz targets (tests/fuzz/README section "Fuzzing" in the top README).
 *
 * Each target defines LLVMFuzzerInitialize and LLVMFuzzerTestOneInput. Built with clang and
 * -fsanitize=fuzzer they run under libFuzzer; built with gcc and regress.c they replay the
 * files of tests/fuzz/corpus/ and tests/fuzz/regressions/ in the normal test suite.
 *
 * Every target checks invariants of the API on the way (a failed call sets an error, a
 * successful one leaves no stray files …) and aborts when one is broken: libFuzzer counts
 * that as a crash like any sanitizer report. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "fonts.h"
#include "model.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  char *dir;        /* a private temporary folder holding a copy of tests/fuzz/fixture */
  char *datadir;    /* the source tree: layouts/ and fonts/ */
  pb_fonts_t *fonts; /* NULL unless asked for */
} fz_env_t;

/* Makes the folder and, with `fonts`, loads the font set once for all inputs. */
const fz_env_t *fz_setup (gboolean fonts);

/* Writes `size` bytes to `name` in the folder; returns the full path (owned by the caller). */
char *fz_write (const char *name, const void *data, size_t size);

/* Aborts with a message when `cond` is false: an invariant of the API is broken. */
#define fz_check(cond, ...) \
  do { if (!(cond)) fz_fail (__FILE__, __LINE__, #cond, __VA_ARGS__); } while (0)
void fz_fail (const char *file, int line, const char *cond, const char *fmt, ...)
  G_GNUC_PRINTF (4, 5) G_GNUC_NORETURN;

/* A failed call must leave an error of the paiban domain with a message; a successful one
 * none. `ok` is the call's result. Frees the error. */
void fz_check_error (gboolean ok, GError **error, const char *call);

/* Every file name in the folder that is not one of the fixture's or in `also` (NULL-ended)
 * is a leftover: a temporary file that was not cleaned up. */
void fz_check_no_leftovers (const char *const *also);

/* Lays the issue out and, when `paint`, writes it as PDF and PNG into the folder; checks the
 * error contract of each step. Frees nothing of the issue. */
void fz_layout_and_paint (const pb_issue_t *issue, gboolean paint);

/* Checks the loaded model: strings valid UTF-8, Markdown spans inside their block text,
 * sorted and disjoint, item geometry on the page. */
void fz_check_issue (const pb_issue_t *issue);
