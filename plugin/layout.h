/* The layout result: pages of positioned lines, images, rules and frames, in points from the
 * top-left corner of the trimmed page. Tests read it directly; the painter only draws it. */
#pragma once

#include <cairo.h>
#include <pango/pango.h>
#include "copyfit.h"
#include "makeup.h"
#include "model.h"

typedef struct pb_fonts pb_fonts_t;

/* Photos below this effective resolution at their placed size get a warning (inspect.c), and
 * copyfitting never enlarges a photo below it. */
#define PB_MIN_PPI 200.0
/* The blank grid line that parts a story from the item stacked under it: spacing, not
 * underset (inspect.c), and what copyfitting leaves there. */
#define PB_ITEM_SPACE_LINES 1

/* Glyphs of one font on a line, at absolute page positions, with their text clusters. */
typedef struct {
  PangoFont *font;                 /* a reference */
  cairo_glyph_t *glyphs;
  int n_glyphs;
  cairo_text_cluster_t *clusters;
  int n_clusters;
  char *text;
  int text_len;
  /* Each glyph drawn turned 90° clockwise about its origin: Latin letters and longer numbers
   * in a vertical line. */
  gboolean rotated;
} pb_glyph_run_t;

/* An emphasis dot (着重号): a filled circle of radius r centred at (x, y). */
typedef struct {
  double x, y, r;
} pb_dot_t;

typedef struct {
  pb_role_t role;
  const char *story_id;            /* NULL for masthead, folio, guide title */
  int block;                       /* index of the body block, -1 outside the body */
  int line_no;                     /* line within its paragraph */
  gboolean para_end;               /* the paragraph's last line */
  int column;                      /* page column of the frame it sits in, -1 when spanning */
  double x, baseline;              /* origin of the line */
  double measure;                  /* the width it was set to */
  double width;                    /* advance width actually set, from x */
  double letterspacing;            /* added at each gap between characters to justify it (pt) */
  double size;                     /* largest font size on the line */
  guint32 color;                   /* 0xRRGGBB, from the role's style */
  int link_page;                   /* page number the line links to (guide, jumps), 0 none */
  /* Set top to bottom (a vertical headline): x is its centre line, baseline the top of its
   * measure, and measure and width run down the page. */
  gboolean vertical;
  char *text;
  GPtrArray *runs;                 /* of pb_glyph_run_t* */
  GArray *dots;                    /* of pb_dot_t, under characters marked; NULL when none */
} pb_line_t;

typedef struct {
  double x, y, w, h;
} pb_rect_t;

typedef struct {
  pb_rect_t frame;                 /* where the photo is placed */
  const pb_photo_t *photo;         /* borrowed from the issue */
  cairo_surface_t *surface;        /* decoded, with the file's MIME data attached */
  pb_rect_t src;                   /* the part of the image shown (pixels): crop to fill */
  const char *story_id;
  /* A one-colour image (a logo in its colour): `surface` is an A8 mask painted in `color`. */
  gboolean mask;
  guint32 color;
} pb_image_t;

typedef struct {
  double x0, y0, x1, y1, width;
  guint32 color;                   /* 0xRRGGBB */
} pb_rule_t;

/* The line width of a box's (thin) rules: the guide box's frame, a boxed story's. */
#define PB_BOX_RULE_WIDTH 0.75

/* What a frame on the page holds. */
typedef enum { PB_FRAME_ITEM, PB_FRAME_QUOTE } pb_frame_kind_t;

/* A frame on the page: the guide box's, a boxed story's (pb_item_box_t) or a pull quote's. It
 * starts with its rectangle: where only that matters, the page's boxes read as pb_rect_t*. */
typedef struct {
  pb_rect_t rect;                  /* the frame's path (the middle of its rule) */
  pb_box_style_t style;
  guint32 color;                   /* of the frame and the bar */
  double tint;                     /* 0..1 of `color` filling the frame, 0: none */
  pb_rect_t bar;                   /* the reversed headlines' bar; w 0 when none */
  int inset;                       /* grid lines inside the frame above and below the story
                                    * (0 for the guide box and a pull quote's) */
  pb_frame_kind_t kind;
} pb_box_t;

/* The region an item occupies and the frames its text flowed through. */
typedef struct {
  pb_item_kind_t kind;
  const char *story_id;
  pb_rect_t area;
  int overset_chars;               /* characters that did not fit */
  pb_copyfit_t fit;                    /* what copyfitting changed (all 0: nothing) */
  int inset;                       /* grid lines a box keeps free inside its top and foot */
} pb_placed_item_t;

/* Why a variant of a pool story was or was not taken. */
typedef enum {
  PB_VARIANT_CHOSEN,
  PB_VARIANT_TOO_TALL,             /* taller than its columns are free */
  PB_VARIANT_HEADLINE,             /* its headlines do not fit the span */
  PB_VARIANT_SCORE,                /* the best arrangement with it scored more */
  PB_VARIANT_PRUNED,               /* no arrangement kept to the end used it */
  PB_VARIANT_UNUSED,               /* the story was pinned to a place in another shape */
  PB_VARIANT_SAME                  /* as wide and tall as one that changes the story less */
} pb_variant_fate_t;

typedef struct {
  pb_makeup_variant_t shape;
  pb_variant_fate_t fate;
  double score_difference;         /* PB_VARIANT_SCORE: above the chosen arrangement's */
} pb_variant_report_t;

/* A story automatic makeup placed (or left out: place.span 0), the grid lines its item was
 * made taller to reach the foot (then copyfitted), and each of its variants. */
typedef struct {
  const char *story_id;
  const pb_pool_entry_t *entry;
  pb_makeup_place_t place;
  int extended;
  int photo_lines;                 /* of the variant placed: -1 the story has no photo */
  int heading_space;               /* of the variant placed: lines copyfitting adds */
  int headline_steps;              /* of the variant placed: 主题 size steps (copyfitting's) */
  gboolean too_tall;               /* left out: taller than the page at every variant */
  gboolean pinned;                 /* placed where its override put it */
  gboolean filler;                 /* a filler the search took to fill the page */
  gboolean continued;              /* its first part, fixed at the page's foot: it goes on
                                    * on the next page of its section */
  gboolean continuation;           /* the part of a story begun on an earlier page */
  int least_area, least_span, least_lines; /* its smallest variant, for the messages */
  GArray *variants;                /* of pb_variant_report_t */
} pb_makeup_choice_t;

/* What automatic makeup did on a page: the score of the arrangement it chose and its parts, and
 * each story of the pool, in the pool's order. */
typedef struct {
  pb_makeup_score_t score;
  GArray *choices;                 /* of pb_makeup_choice_t (their variants freed with them) */
  pb_makeup_room_t room;           /* the room the pool had */
} pb_page_makeup_t;

typedef struct {
  int number;
  const pb_page_t *plan;
  const pb_template_t *tmpl;
  double width, height;            /* trim */
  pb_rect_t type_area;
  double grid_top;                 /* y of the top of grid line 0 */
  GPtrArray *lines;                /* of pb_line_t* */
  GPtrArray *images;               /* of pb_image_t* */
  GPtrArray *rules;                /* of pb_rule_t* */
  GPtrArray *boxes;                /* of pb_box_t*: frames (guide box, boxed stories) */
  GPtrArray *items;                /* of pb_placed_item_t* */
  pb_page_makeup_t *makeup;        /* NULL on a page without a pool */
} pb_page_layout_t;

typedef struct {
  const pb_issue_t *issue;         /* borrowed */
  GPtrArray *pages;                /* of pb_page_layout_t* */
  GPtrArray *warnings;             /* of char* */
  pb_fonts_t *fonts;               /* a reference: the set the lines' fonts come from */
} pb_layout_t;

/* Lays out every page of `issue` that is not made up elsewhere, with the fonts of `fonts`.
 * Returns a new layout that borrows `issue` (which must outlive it) and holds a reference to
 * `fonts`; release it with pb_layout_free. On failure returns NULL with `error` set (the first
 * error met; nothing is left half made). */
pb_layout_t *pb_layout_issue (const pb_issue_t *issue, pb_fonts_t *fonts, GError **error);
/* Frees the layout and drops its reference to the font set; NULL is allowed. */
void pb_layout_free (pb_layout_t *layout);

/* The grid's geometry (setting.c). x of the left edge of page column `column` (0-based). */
double pb_column_x (const pb_template_t *tmpl, int column);
/* Baseline of body text on grid line `line` of a page whose grid starts at grid_top. */
double pb_grid_baseline (const pb_template_t *tmpl, double grid_top, int line);

/* The em box a line covers: from x along the measure (or the width, when longer), PB_EM_ASCENT
 * of its size above the baseline to PB_EM_DESCENT below; a vertical line's runs down from its
 * baseline, half its size either side of its centre line (setting.c). */
pb_rect_t pb_line_box (const pb_line_t *line);

/* A new, empty line (no runs, block and column -1); free with pb_line_free (setting.c). */
pb_line_t *pb_line_new (void);
void pb_line_free (pb_line_t *line);
