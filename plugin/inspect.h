/* Queries on a finished layout: what the report and the proof overlay tell editors about it —
 * lone lines, letterspaced lines, the effective resolution of photos, overset text, empty grid
 * lines (underset and holes), where each story landed. They read the layout and never change
 * it. */
#pragma once

#include <glib.h>
#include "layout.h"

/* Effective resolution (pixels per inch) of a placed photo, the lower of its two axes. */
double pb_image_ppi (const pb_image_t *image);

typedef struct {
  const pb_line_t *line;
  gboolean widow;                /* TRUE: a last line at the top of a column; FALSE: orphan */
} pb_lone_line_t;

/* Body lines standing alone at a column break: a paragraph's last line first in its column
 * (widow) or its first line last in its column (orphan), in the page's line order. A new
 * array of pb_lone_line_t (g_array_unref). */
GArray *pb_lone_lines (const pb_page_layout_t *page);

/* The line comes first, as in pb_lone_line_t: the report lists both kinds alike. */
typedef struct {
  const pb_line_t *line;
  double extra_em;               /* its letterspacing, in em of the body */
} pb_loose_line_t;

/* Body lines justified with more space between characters than the template's
 * letterspacing_limit (where the best breaks of their paragraph still leave them loose), in
 * the page's line order. A new array of pb_loose_line_t (g_array_unref). */
GArray *pb_letterspaced_lines (const pb_page_layout_t *page);

/* ---- empty grid lines ----
 *
 * A page's grid is a map of cells, one per page column and grid line of the type area. A cell
 * is covered when a line's em box (spanning lines: over the columns under its measure) or a
 * photo frame overlaps it. An uncovered cell inside an item's area is underset when its run of
 * uncovered cells in that column reaches the item's foot or is PB_HOLE_LINES long; shorter runs
 * between the item's contents are its spacing (around headlines, subheads, photos), and so are
 * the last PB_ITEM_SPACE_LINES at the foot of an item in a column where another item starts
 * right under it (the space between stacked stories) or of a guide box (inside its frame). A
 * guide box spreads its entries over its height: the runs between them are spacing whatever
 * their length. Outside every item, each uncovered cell under the masthead or folio is
 * empty. */

/* The least height, in grid lines, of an empty run inside an item and of a hole. */
#define PB_HOLE_LINES 3

typedef enum {
  PB_CELL_COVERED,
  PB_CELL_HEAD,                  /* the masthead or folio band: not counted */
  PB_CELL_SPACING,               /* uncovered between an item's contents */
  PB_CELL_UNDERSET,              /* uncovered in an item, counted */
  PB_CELL_EMPTY                  /* uncovered outside every item */
} pb_cell_t;

/* TRUE for a cell counted as empty: underset or empty. */
gboolean pb_cell_counted (guint8 cell);

/* An item's empty grid lines. */
typedef struct {
  const pb_placed_item_t *item;
  int column, columns;           /* page columns of its area: the first (0-based), how many */
  int top, lines;                /* grid lines of its area: the first (of the page), how many */
  int underset_lines;            /* its cells that are underset */
  GArray *foot_lines;            /* of int, one for each of its columns: underset at its foot */
} pb_item_fill_t;

/* An empty area of a page: the runs of at least PB_HOLE_LINES empty or underset cells in one
 * column, joined with those of a neighbouring column they share PB_HOLE_LINES lines with. A
 * rule across a column ends a run: the areas above and below it are apart. */
typedef struct {
  int column, span;              /* first page column (0-based), columns it reaches over */
  int top, lines;                /* first grid line of the page, its longest run */
  int column_lines;              /* cells in all */
  pb_rect_t area;                /* the rectangle around it, in points */
} pb_hole_t;

/* The cells of a page, row by row. */
typedef struct {
  int columns, lines;
  guint8 *cells;                 /* of pb_cell_t, cells[line * columns + column] */
  guint8 *ruled;                 /* the same cells: 1 where a rule runs along its top edge */
} pb_cell_map_t;

/* A photo on a page and its effective resolution. */
typedef struct {
  const pb_image_t *image;
  double ppi;
  gboolean low;                  /* below PB_MIN_PPI */
} pb_photo_check_t;

/* One page of the layout. */
typedef struct {
  const pb_page_layout_t *page;
  GArray *lone_lines;            /* of pb_lone_line_t, as pb_lone_lines gives them */
  GArray *letterspaced;          /* of pb_loose_line_t, as pb_letterspaced_lines gives them */
  GArray *photos;                /* of pb_photo_check_t, one for each of page->images */
  pb_cell_map_t map;             /* its grid (none without columns or leading) */
  GArray *fills;                 /* of pb_item_fill_t, one for each of page->items */
  int empty_column_lines;        /* cells empty or underset */
  GArray *holes;                 /* of pb_hole_t, by top line, then column */
} pb_page_check_t;

/* An item of a story and the page it is on. */
typedef struct {
  const pb_page_layout_t *page;
  const pb_placed_item_t *item;
} pb_placement_t;

/* A story on the pages. */
typedef struct {
  const char *id;                /* borrowed from the layout */
  GArray *placements;            /* of pb_placement_t, in page and item order */
  int overset_chars;             /* over all its items */
  int underset_lines;            /* over all its items */
} pb_story_check_t;

/* Everything above for a whole layout, found in one pass over its pages. */
typedef struct {
  const pb_layout_t *layout;     /* borrowed: free the inspection before the layout */
  GArray *pages;                 /* of pb_page_check_t, one for each of layout->pages */
  GArray *stories;               /* of pb_story_check_t, in the order they first appear */
  int overset_chars;             /* over all items */
  int underset_lines;            /* over all items */
} pb_inspection_t;

/* The rectangle of `columns` × `lines` cells of `page` from page column `column` and grid line
 * `line` (both 0-based), in points. */
pb_rect_t pb_cell_rect (const pb_page_layout_t *page, int column, int line, int columns,
                        int lines);

/* A new inspection of `layout`; release it with pb_inspection_free. */
pb_inspection_t *pb_inspect (const pb_layout_t *layout);
void pb_inspection_free (pb_inspection_t *inspection);
