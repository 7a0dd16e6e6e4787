/* The painter: draws a finished layout with Cairo. It decides nothing about positions. */
#pragma once

#include <cairo.h>
#include "embed.h"
#include "layout.h"

typedef struct {
  const char *title;        /* PDF title */
  const char *author;
  gint64 epoch;             /* creation date, seconds since 1970 (SOURCE_DATE_EPOCH) */
} pb_pdf_info_t;

/* Draws one page at the origin of `cr` (1 unit = 1 pt). Lines that refer to another page of
 * `layout` become links to it (PDF only). */
void pb_paint_page (cairo_t *cr, const pb_layout_t *layout, const pb_page_layout_t *page,
                    pb_embed_t *fonts);

/* Writes all pages to `path` through a temporary file renamed on success: a failed run leaves
 * an existing file untouched. */
gboolean pb_paint_pdf (const pb_layout_t *layout, const pb_pdf_info_t *info, const char *path,
                       GError **error);

/* Writes DIR/page-NN.png for each page at `dpi`. */
gboolean pb_paint_png (const pb_layout_t *layout, const char *dir, double dpi, GError **error);
