/* The line composer: shapes a paragraph once (Pango itemization, HarfBuzz shaping), compresses
 * punctuation, chooses all the paragraph's breaks together (total fit) under clreq's rules, and
 * justifies by editing glyph positions. Pango's own breaking and justification are not used
 * (see docs/composition.md). */
#pragma once

#include "fonts.h"
#include "layout.h"
#include "model.h"
#include "words.h"

typedef struct pb_para pb_para_t;

/* A byte range of the paragraph's text set in one style. */
typedef struct {
  int start, end;
  const pb_style_t *style;
} pb_style_run_t;

/* How to break: the measure, the first-line indent, the alignment, the em for ratios, the
 * fixed space between Han and Latin (0 for none), the letterspacing limit (em per gap; 0 for
 * PB_STRETCH_LIMIT_EM: a number is split from its unit only where keeping them together would
 * stretch a line beyond it), whether a line-end 。，、 may hang in the margin, and the shape of
 * the lines: PB_SHAPE_FILL fills each line (the last one costs nothing short); the display
 * shapes (ragged text) choose the lines together against the longest one, the last one too,
 * in as many lines as filling them would take. */
typedef struct {
  double width;
  double indent;
  pb_align_t align;
  double em;
  double latin_space;
  double stretch_limit;
  gboolean hang;
  pb_shape_t shape;
} pb_measure_t;

/* Whether two measures break a paragraph alike (every field equal). */
gboolean pb_same_measure (const pb_measure_t *a, const pb_measure_t *b);

/* `runs` must cover `text` without gaps, in order. On a character without a glyph fails with
 * PB_ERROR_GLYPH; *bad_offset then holds its byte offset. A font that cannot be loaded fails
 * with PB_ERROR_FONT (*bad_offset untouched). */
pb_para_t *pb_para_new (pb_fonts_t *fonts, const char *text, const pb_style_run_t *runs,
                        int n_runs, int *bad_offset, GError **error);
void pb_para_free (pb_para_t *para);

/* Marks bytes [start, end) of the paragraph as a run-in dateline (电头): breaks inside it are
 * taken reluctantly (as between the parts of a date) except at its word boundaries: its space,
 * before its date, after 讯 电 ：, and on either side of 记者 通讯员 报道. */
void pb_para_mark_dateline (pb_para_t *para, int start, int end);

/* Marks bytes [start, end) of the paragraph for emphasis dots (着重号): each character but
 * punctuation and spaces gets a dot centred under it when the line is emitted. */
void pb_para_mark_dots (pb_para_t *para, int start, int end);

/* Display text: restricts the paragraph's breaks to the word boundaries `bounds` (n of them,
 * in order; words.h), which grade how good a break there is. A break anywhere else, or
 * between a number and its unit, is taken only where no line could be made without it; a
 * last line of one word costs as much as a last line of one character. */
void pb_para_restrict_breaks (pb_para_t *para, const pb_boundary_t *bounds, int n);
/* Body text opening with a run-in head (a bold brief head, a run-in subhead): a break after
 * any unit ending inside bytes (0, `end`) that is not one of the word boundaries `bounds`
 * (n of them, in order; words.h) is discouraged, as a break inside a number is. */
void pb_para_discourage_inside_words (pb_para_t *para, int end, const pb_boundary_t *bounds,
                                      int n);
/* Display text: every space between words (a phrase mark) is set `gap` points wide. */
void pb_para_set_phrase_gap (pb_para_t *para, double gap);

/* Breaks the paragraph; returns the number of lines. Can be called again with another measure. */
int pb_para_break (pb_para_t *para, const pb_measure_t *measure);

/* Breaks into exactly `lines` lines when that can be done without an overfull or overlong line
 * and without a last line of one character (for widow and orphan control and for ending
 * columns level); otherwise returns FALSE and keeps the previous breaks.
 * `demerits`, when given, receives the cost of the result. */
gboolean pb_para_break_exact (pb_para_t *para, const pb_measure_t *measure, int lines,
                              double *demerits);

int pb_para_n_lines (const pb_para_t *para);
/* The total demerits of the breaks set last (pb_para_break or a successful break_exact). */
double pb_para_demerits (const pb_para_t *para);

/* Fills `line` (runs, text, width) for line `index`, its origin at (x, baseline). */
void pb_para_emit_line (const pb_para_t *para, int index, double x, double baseline,
                        pb_line_t *line);
