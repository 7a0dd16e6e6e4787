/* Fillers (补白): what is left at the foot of a page after its items are placed, filled with
 * the pool's filler stories (briefs, notices) chosen to fit. The choice only: the page makeup
 * (layout.c) measures the stories by setting them and places what is chosen. */
#pragma once

#include <glib.h>

/* A free rectangle of a page's grid: page columns [column, column + span), grid lines
 * [top, top + height) counted under the masthead or folio. */
typedef struct {
  int column, span;
  int top, height;
} pb_free_area_t;

/* The free areas at the foot of a page `columns` wide and `lines` deep whose items are `items`
 * (pb_item_t*, every position set): for each run of neighbouring columns that are free from the
 * same grid line to the foot, one area, when it is at least `min_lines` high. Returns a new
 * array of pb_free_area_t, left to right (g_array_unref). */
GArray *pb_free_areas (const GPtrArray *items, int columns, int lines, int min_lines);

/* A filler measured at an area's span: set as tall as its text, the grid lines it takes (the
 * blank line under it included; 0 or less: it cannot be used) and the column-lines its
 * columns leave empty at their foot. */
typedef struct {
  int lines;
  int empty;
} pb_filler_size_t;

/* A filler chosen: its index and the grid lines it is given. */
typedef struct {
  int index;
  int lines;
} pb_fill_choice_t;

/* Of `n` candidates measured as `sizes`, the set that fills the most of `height` lines without
 * going over; among sets that fill alike, the one whose columns leave the fewest column-lines
 * empty, then the one that takes the earliest candidates (the plan's order of preference). A
 * filler whose text fills its columns exactly may be given a line more (copyfitting sets it
 * under its headlines). Returns a new array of pb_fill_choice_t, by increasing index; empty
 * when none fits. */
GArray *pb_fill_choose (const pb_filler_size_t *sizes, int n, int height);
