/* The proof overlay, drawn on proof pages (PDF and PNG) for editors: under the page the
 * baseline grid and column edges, over it the outline of every item and photo frame and the
 * problems inspect.h finds, in red with a label: overset text, photos below PB_MIN_PPI, lone
 * lines, letterspaced lines, empty grid cells hatched with each item's underset. Labels are
 * set in the layout's own fonts, drawn as outlines. */
#pragma once

#include <cairo.h>
#include "inspect.h"
#include "layout.h"

typedef struct pb_overlay pb_overlay_t;

/* The overlay of `layout` (borrowed: it must outlive the overlay), free with pb_overlay_free;
 * NULL with `error` set (PB_ERROR_FONT) when the threads Pango starts for the labels' fonts
 * could not (it would abort the process). */
pb_overlay_t *pb_overlay_new (const pb_layout_t *layout, GError **error);
void pb_overlay_free (pb_overlay_t *overlay);

/* What goes under page `index`'s content (1 unit = 1 pt, origin at the trim's top-left). */
void pb_overlay_under (cairo_t *cr, const pb_overlay_t *overlay, guint index);
/* What goes over it. */
void pb_overlay_over (cairo_t *cr, const pb_overlay_t *overlay, guint index);
