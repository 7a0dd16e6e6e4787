/* Drawing a page's rules and boxes with Cairo: each rule in its colour; each box's tint and
 * the bar behind reversed headlines under everything, its frame (single, double, thick-thin or
 * a 花边 pattern of dots, a wave or diamonds) over the rules. Positions are the layout's. */
#pragma once

#include <cairo.h>
#include "layout.h"

/* Draws the rules and boxes of `page` at the origin of `cr` (1 unit = 1 pt). */
void pb_paint_rules_and_boxes (cairo_t *cr, const pb_page_layout_t *page);
