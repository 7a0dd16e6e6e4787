/* Setting text on the page grid: the grid's geometry, shaping with errors that name where the
 * text comes from, and lines emitted into an array the caller names. Nothing here keeps state
 * between calls but the style store, which the caller owns and passes. Used by the elements of
 * a page (elements.c), the body flow (flow.c, bodies.c) and the page makeup (layout.c). */
#pragma once

#include "compose.h"
#include "layout.h"

/* Leading of a display style that gives none: 1.25 × its size. */
#define PB_DEFAULT_LEADING 1.25

/* A page's baseline grid as the items see it: the template, the y of the top of the page's
 * grid line 0, and the grid lines above the items' line 0 (the masthead or folio). A value;
 * nothing refers back to the page. */
typedef struct {
  const pb_template_t *tmpl;
  double top;
  int offset;
} pb_grid_t;

/* The grid of `page`, its items' line 0 `offset` lines down. */
pb_grid_t pb_grid_of (const pb_page_layout_t *page, int offset);
/* y of the top of the items' grid line `line`. */
double pb_grid_cell_top (const pb_grid_t *grid, int line);
/* Baseline of body text on the items' grid line `line`. */
double pb_grid_body_baseline (const pb_grid_t *grid, int line);

/* Width of `span` columns with the gutters between them, and of all the page's columns. */
double pb_span_width (const pb_template_t *t, int span);
double pb_columns_width (const pb_template_t *t);
/* A boxed item's text (docs/format.md, "Boxes"): its columns narrowed so that the text stands
 * at least `inset` grid lines' worth of points inside the box's sides, to whole body
 * characters, the gutters between them kept. The width of such a column over `span` columns,
 * and a template whose columns are those, centred in the box of the item at page column
 * `column`: a shallow copy of `t` (its strings and arrays borrowed; release with g_free, while
 * `t` lives). */
#define PB_BOX_WIDTH_SLACK 1e-6
double pb_box_text_width (const pb_template_t *t, int span, int inset);
pb_template_t *pb_template_in_box (const pb_template_t *t, int column, int span, int inset);
/* Whole grid lines of the type area. */
int pb_page_grid_lines (const pb_template_t *t);
/* Grid lines that `height` points take, rounded up. */
int pb_lines_for (const pb_template_t *t, double height);
/* Leading of a display style: its own, or PB_DEFAULT_LEADING × its size. */
double pb_style_leading (const pb_style_t *style);

/* Characters that print (not spaces): what overset counts. */
int pb_count_chars (const char *text);
void pb_glyph_run_free (pb_glyph_run_t *run);

/* Styles derived from the template's (bold or emphasised body text) live as long as the
 * paragraphs set in them: a store owned by the caller of pb_layout_issue's phases. */
typedef struct pb_styles pb_styles_t;
/* Returns a new, empty store; free with pb_styles_free. */
pb_styles_t *pb_styles_new (void);
void pb_styles_free (pb_styles_t *styles);
/* `base` with another weight and, when `font` is not NULL, another family (borrowed from the
 * template). The result belongs to the store. */
const pb_style_t *pb_styles_derive (pb_styles_t *styles, const pb_style_t *base, int weight,
                                    const char *font);

/* A paragraph in the style runs given (NULL: `style` throughout), shaped and not yet broken.
 * Errors name `loc`. Returns a new paragraph (pb_para_free) or NULL with `error` set. */
pb_para_t *pb_shape_text (pb_fonts_t *fonts, const char *text, const pb_style_run_t *runs,
                          int n_runs, const pb_style_t *style, pb_loc_t loc, GError **error);
/* A Markdown block in one style; a character no font has is named where it stands. */
pb_para_t *pb_shape_block (pb_fonts_t *fonts, const pb_block_t *block, const pb_style_t *style,
                           GError **error);

/* Line `index` of `para` as a new line at (x, baseline), set to `measure`, in `role`'s colour
 * of template `t`; appended to `into`, which owns it. Returns the line (borrowed). */
pb_line_t *pb_emit_line (GPtrArray *into, const pb_template_t *t, pb_para_t *para, int index,
                         double x, double baseline, double measure, pb_role_t role,
                         const char *story_id);

/* Breaks a display paragraph (headline, kicker, caption …) at `width` and emits it line by line
 * into `into` from baseline `y` with the style's leading; returns the last line's baseline. */
double pb_set_display (GPtrArray *into, const pb_template_t *t, pb_para_t *para,
                       const pb_style_t *style, double x, double y, double width,
                       pb_role_t role, const char *story_id);

/* Display text: a kicker, headline, subtitle, subhead or guide entry. Its parts, split at '\n'
 * (a forced break; spaces around it and empty parts are dropped), are broken apart, each at
 * its word boundaries (words.h), a space inside a line set as the style's phrase gap. */
typedef struct pb_display pb_display_t;

/* Returns new display text (pb_display_free), or NULL with `error` set naming `loc` (a
 * character no font has). The _block form names the character's place in the block. */
pb_display_t *pb_display_new (pb_fonts_t *fonts, const char *text, const pb_style_t *style,
                              pb_loc_t loc, GError **error);
pb_display_t *pb_display_new_block (pb_fonts_t *fonts, const pb_block_t *block,
                                    const pb_style_t *style, GError **error);
void pb_display_free (pb_display_t *d);

/* How display text in `style` for `role` is broken at `width`: in the style's alignment, its
 * lines balanced (a headline's in the template's headline_shape). */
pb_measure_t pb_display_measure (const pb_template_t *t, const pb_style_t *style,
                                 pb_role_t role, double width);
/* Breaks every part at `measure`; returns the number of lines. */
int pb_display_break (pb_display_t *d, const pb_measure_t *measure);
int pb_display_n_lines (const pb_display_t *d);

/* Line `index` of the breaks set last, as pb_emit_line does. Returns the line (borrowed). */
pb_line_t *pb_display_emit_line (GPtrArray *into, const pb_template_t *t,
                                 const pb_display_t *d, int index, double x, double baseline,
                                 double width, pb_role_t role, const char *story_id);
/* Every line of the breaks set last, from baseline `y` on with the style's leading; returns
 * the last line's baseline. */
double pb_display_emit (GPtrArray *into, const pb_template_t *t, const pb_display_t *d,
                        const pb_style_t *style, double x, double y, double width,
                        pb_role_t role, const char *story_id);
