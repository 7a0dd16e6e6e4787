/* Queries on a finished layout: what the report and the proof overlay tell editors about it —
 * lone lines, letterspaced lines, the effective resolution of photos, overset text, where each
 * story landed.
 * They read the layout and never change it. */
#pragma once

#include <glib.h>
#include "layout.h"

/* Photos below this effective resolution at their placed size get a warning. */
#define PB_MIN_PPI 200.0

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
} pb_story_check_t;

/* Everything above for a whole layout, found in one pass over its pages. */
typedef struct {
  const pb_layout_t *layout;     /* borrowed: free the inspection before the layout */
  GArray *pages;                 /* of pb_page_check_t, one for each of layout->pages */
  GArray *stories;               /* of pb_story_check_t, in the order they first appear */
  int overset_chars;             /* over all items */
} pb_inspection_t;

/* A new inspection of `layout`; release it with pb_inspection_free. */
pb_inspection_t *pb_inspect (const pb_layout_t *layout);
void pb_inspection_free (pb_inspection_t *inspection);
