/* The JSON report of a job (application/vnd.paiban.report+json): the pages and their items,
 * with their empty grid lines and holes, each article with where it landed, its overset
 * characters, lone lines and underset grid lines, the photos with their resolution, what the
 * print PDF holds, the warnings and the timings. It is made from an inspection of the layout
 * and the job's own figures, both passed in. */
#pragma once

#include <glib.h>
#include "inspect.h"
#include "diag.h"
#include "fallback.h"
#include "prepress.h"

/* Seconds each step of the job took (0 for a step not taken). */
typedef struct {
  double load, layout, write, prepress, png, proof_pdf;
} pb_timings_t;

/* What the report says about the job beyond its layout. */
typedef struct {
  gboolean failed;                  /* "status": "error" rather than "ok" */
  const char *error;                /* the job's error message; NULL for none */
  const GPtrArray *errors;          /* of pb_diag_t*: every error, the first is `error` */
  const GPtrArray *warnings;        /* of pb_diag_t*, in the job's order */
  const pb_prepress_stats_t *print; /* the last print PDF's figures; NULL: none written */
  pb_timings_t timings;
  const GArray *fallbacks;          /* of pb_fallback_t; NULL before a layout */
  const GPtrArray *font_files;      /* of pb_font_file_t*; NULL before a layout */
} pb_job_figures_t;

/* The report as indented JSON, a new string (g_free). `inspection` is of the job's layout, NULL
 * when there is none. */
char *pb_report_json (const pb_inspection_t *inspection, const pb_job_figures_t *job);
