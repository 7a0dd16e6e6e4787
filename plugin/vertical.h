/* Vertical headlines (竖排标题): a story's kicker, headline and subtitle set top to bottom, in
 * lines read from right to left, in a strip of whole columns at the right of its item (where
 * vertical text starts), as high as the item; the body takes the columns left of it. */
#pragma once

#include "elements.h"

/* Sets the headlines of `story` vertically in the strip at the right of `item` (its
 * `headline_vertical` columns, or as few as the lines need). The lines go to the page when
 * they fit the strip and leave the body a column; else nothing is set, a warning says what
 * they needed and their characters are added to *overset. Returns the columns the strip
 * takes (0 when left out), or -1 with `error` set. */
int pb_place_vertical_heading (const pb_page_ctx_t *pc, const pb_story_t *story,
                               const pb_item_t *item, int *overset, GError **error);

/* The fewest grid lines, from 1 to `max_lines`, at which an item like `item` holds its
 * story's vertical headlines in a strip of `columns` columns (max_lines + 1 when none does);
 * or -1 with `error` set. For an item the layout places. */
int pb_vertical_heading_lines (const pb_page_ctx_t *pc, const pb_story_t *story,
                               const pb_item_t *item, int columns, int max_lines,
                               GError **error);
