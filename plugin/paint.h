/* The painter: draws a finished layout with Cairo. It decides nothing about positions.
 *
 * Two kinds of PDF come out of it:
 * - the print PDF: every page on media holding the bleed and crop marks around the trim,
 *   photos that touch the trim run into the bleed, then the prepress post-process
 *   (prepress.h: page boxes, PDF/X-4 output intent and metadata, K-only black);
 * - the proof PDF (and PNG proofs): the trimmed page with the proof overlay for editors —
 *   the baseline grid and column edges, frame outlines, and problems marked in red: overset
 *   text, photos below PB_MIN_PPI, lone lines, empty grid cells hatched with each item's
 *   underset (found by inspect.h). */
#pragma once

#include <cairo.h>
#include "embed.h"
#include "image.h"
#include "layout.h"
#include "prepress.h"

typedef struct {
  const char *title;        /* PDF title */
  const char *author;
  gint64 epoch;             /* creation date, seconds since 1970 (SOURCE_DATE_EPOCH) */
} pb_pdf_info_t;

/* How to write a PDF; all zero is the print PDF with the profiles configured at build. */
typedef struct {
  gboolean proof;           /* write the proof PDF instead of the print PDF */
  const char *cmyk_profile; /* output intent ICC profile; NULL: the one configured at build */
  const char *rgb_profile;  /* profile of RGB photos; NULL: the one configured at build */
  pb_prepress_stats_t *stats; /* filled in for a print PDF when not NULL */
} pb_pdf_options_t;

/* Draws one page at the origin of `cr` (1 unit = 1 pt, origin at the trim's top-left). Lines
 * that refer to another page of `layout` become links to it (PDF only). */
void pb_paint_page (cairo_t *cr, const pb_layout_t *layout, const pb_page_layout_t *page,
                    pb_embed_t *fonts);

/* Writes all pages to `path` through a temporary file renamed on success: a failed run leaves
 * an existing file untouched and no temporary file. */
gboolean pb_paint_pdf (const pb_layout_t *layout, const pb_pdf_info_t *info, const char *path,
                       GError **error);
/* The same with options (NULL: the print PDF). */
gboolean pb_paint_pdf_with (const pb_layout_t *layout, const pb_pdf_info_t *info,
                            const pb_pdf_options_t *options, const char *path, GError **error);
/* The same, but the finished file (on disk, checked, still without its name) is added to
 * `staged`, an array of pb_outfile_t* freed with pb_outfile_discard, for the caller to commit
 * with the other outputs of a run (pb_outfile_commit_all) or discard. */
gboolean pb_paint_pdf_stage (const pb_layout_t *layout, const pb_pdf_info_t *info,
                             const pb_pdf_options_t *options, const char *path,
                             GPtrArray *staged, GError **error);

/* Largest PNG proof page. A page is drawn into one Cairo image surface, 4 bytes a pixel in
 * memory, as a photo is decoded into one: the same bounds keep both to the same memory. */
#define PB_PNG_MAX_SIDE PB_IMAGE_MAX_SIDE
#define PB_PNG_MAX_PIXELS PB_IMAGE_MAX_PIXELS
/* Resolutions a job accepts for PNG proofs (include/paiban/paiban.h). */
#define PB_PNG_MIN_DPI 10
#define PB_PNG_MAX_DPI 1200

/* Writes DIR/page-NN.png for each page at `dpi`; refuses pages larger than the limits above
 * before writing anything. */
gboolean pb_paint_png (const pb_layout_t *layout, const char *dir, double dpi, GError **error);
/* The same, with the proof overlay when `proof` is TRUE. */
gboolean pb_paint_png_proof (const pb_layout_t *layout, const char *dir, double dpi,
                             gboolean proof, GError **error);
/* The same, each page's file staged as pb_paint_pdf_stage does (DIR is created now). */
gboolean pb_paint_png_stage (const pb_layout_t *layout, const char *dir, double dpi,
                             gboolean proof, GPtrArray *staged, GError **error);
