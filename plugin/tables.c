/* Tables inside a story (tables.h). */
#include "tables.h"

#include <string.h>
#include "bodies.h"

/* Space between two columns' text, in em of the table style. */
#define PB_TABLE_GAP_EM 1.0
/* A column narrower than this many em is not made: the table is too wide for its columns. */
#define PB_TABLE_MIN_COLUMN_EM 2.0
/* The rules of a 三线表: thick at the top and the foot, thin under the header (pt). */
#define PB_TABLE_THICK_RULE 1.0
#define PB_TABLE_THIN_RULE 0.5
/* The blank grid line under a table, before the text goes on. */
#define PB_TABLE_SPACE_LINES 1
/* Wider than any column: a cell's natural width is the one line it is set in at this. */
#define PB_TABLE_UNBOUNDED 1e6

struct pb_table {
  const pb_template_t *tmpl;
  int rows, cols, span;
  pb_para_t **cells;        /* rows × cols */
  int *cell_lines;          /* rows × cols */
  double *col_x, *col_w;    /* from the table's left edge */
  pb_align_t *align;        /* by column */
  /* Numbers aligned on their decimal points: by cell, the x of its point (or of the end of
   * its integer part) in its one line, -1 when the cell is not so aligned; by column, the
   * widest integer part and the widest rest (point, decimals, unit) of its numbers. */
  double *point_x;
  double *int_w, *rest_w;
  int *row_lines;           /* grid lines of each row */
  int lines;
  int chars;
};

void
pb_table_free (pb_table_t *table)
{
  if (!table)
    return;
  for (int i = 0; i < table->rows * table->cols; i++)
    pb_para_free (table->cells[i]);
  g_free (table->cells);
  g_free (table->cell_lines);
  g_free (table->col_x);
  g_free (table->col_w);
  g_free (table->align);
  g_free (table->point_x);
  g_free (table->int_w);
  g_free (table->rest_w);
  g_free (table->row_lines);
  g_free (table);
}

int
pb_table_span (const pb_table_t *table)
{
  return table->span;
}

int
pb_table_lines (const pb_table_t *table)
{
  return table->lines;
}

int
pb_table_chars (const pb_table_t *table)
{
  return table->chars;
}

/* A sign before a number: ASCII, the minus sign, full-width. */
static gboolean
is_sign (gunichar c)
{
  return c == '+' || c == '-' || c == 0x2212 || c == 0xFF0B || c == 0xFF0D;
}

/* A decimal digit as tables print them: ASCII or full-width. */
static gboolean
is_digit (gunichar c)
{
  return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* The bytes of a cell's integer part: a sign, then digits with thousands separators (`,`
 * between digits), up to its decimal point (`.` or the full-width `．` before a digit) or the
 * end of its digits, where the unit begins (`67665亿元`, `2.62%`, `-0.3`). 0 when the cell
 * does not start with a number. *point says whether a decimal point follows. */
static int
integer_part (const char *text, gboolean *point)
{
  const char *p = text;
  *point = FALSE;
  if (is_sign (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  if (!is_digit (g_utf8_get_char (p)))
    return 0;
  for (;;)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      if (is_digit (c) || (c == ',' && is_digit (g_utf8_get_char (next))))
        p = next;
      else
        {
          *point = (c == '.' || c == 0xFF0E) && is_digit (g_utf8_get_char (next));
          return p - text;
        }
    }
}

/* Whether a cell holds a number: a digit, or a sign before one, first. */
static gboolean
numeric_cell (const pb_block_t *cell)
{
  gboolean point;
  return integer_part (cell->text, &point) > 0;
}

/* Whether every body cell of column `c` is empty or holds a number (and one does). */
static gboolean
numeric_column (const pb_block_t *block, int c)
{
  gboolean numbers = block->rows > 1;
  for (int r = 1; r < block->rows; r++)
    {
      const pb_block_t *cell = block->cells->pdata[r * block->cols + c];
      numbers = numbers && (!*cell->text || numeric_cell (cell));
    }
  return numbers;
}

/* A column's alignment: as its delimiter row says, else numbers to the right. */
static pb_align_t
column_align (const pb_block_t *block, int c)
{
  switch (block->col_align[c])
    {
    case PB_CELL_LEFT:
      return PB_ALIGN_LEFT;
    case PB_CELL_CENTER:
      return PB_ALIGN_CENTER;
    case PB_CELL_RIGHT:
      return PB_ALIGN_RIGHT;
    default:
      break;
    }
  return numeric_column (block, c) ? PB_ALIGN_RIGHT : PB_ALIGN_LEFT;
}

static pb_measure_t
cell_measure (const pb_template_t *t, double width, pb_align_t align)
{
  const pb_style_t *s = &t->styles[PB_ROLE_TABLE];
  return (pb_measure_t) { width, 0, align, s->size, t->latin_space, 0, FALSE, PB_SHAPE_FILL };
}

/* The width of line `index` of `para` as set. */
static double
line_width (pb_para_t *para, int index)
{
  pb_line_t *tmp = pb_line_new ();
  pb_para_emit_line (para, index, 0, 0, tmp);
  double w = tmp->width;
  pb_line_free (tmp);
  return w;
}

/* A cell's text in the table style (bold in the header row), its spans' styles and dots. */
static pb_para_t *
cell_para (pb_fonts_t *fonts, pb_styles_t *styles, const pb_template_t *t,
           const pb_block_t *cell, gboolean header, GError **error)
{
  const pb_style_t *base = &t->styles[PB_ROLE_TABLE];
  if (header)
    base = pb_styles_derive (styles, base, 700, NULL);
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (pb_style_run_t));
  int pos = 0, len = strlen (cell->text);
  for (guint i = 0; cell->spans && i < cell->spans->len; i++)
    {
      const pb_span_t *span = &g_array_index (cell->spans, pb_span_t, i);
      pb_style_run_t plain = { pos, span->start, base };
      pb_style_run_t marked = { span->start, span->end,
                                pb_bodies_span_style (styles, t, base, span->flags) };
      if (span->start > pos)
        g_array_append_val (runs, plain);
      g_array_append_val (runs, marked);
      pos = span->end;
    }
  pb_style_run_t rest = { pos, MAX (len, pos + 1), base };
  if (pos < len || len == 0)
    g_array_append_val (runs, rest);
  /* An empty cell is set as one space: a line of no width. */
  pb_para_t *para = pb_shape_text (fonts, len ? cell->text : " ", (pb_style_run_t *) runs->data,
                                   runs->len, base, cell->loc, error);
  g_array_free (runs, TRUE);
  if (para)
    pb_bodies_mark_dots (para, cell, 0);
  return para;
}

/* The x of the character at byte `byte` of `line` (a cell's one line, set from its first
 * character at x 0); its width when the text ends there. */
static double
x_at_byte (const pb_line_t *line, int byte)
{
  int at = 0;
  for (guint r = 0; r < line->runs->len; r++)
    {
      const pb_glyph_run_t *run = line->runs->pdata[r];
      for (int k = 0, glyph = 0; k < run->n_clusters; k++)
        {
          if (at >= byte && glyph < run->n_glyphs)
            return run->glyphs[glyph].x;
          at += run->clusters[k].num_bytes;
          glyph += run->clusters[k].num_glyphs;
        }
    }
  return line->width;
}

/* Right-aligned number column `c` aligned on its decimal points when one of its numbers has
 * one: each number's point (or the end of its integer part, before its unit) found in its
 * cell set on one line. A column without decimals stays right-aligned. */
static void
find_decimal_points (pb_table_t *tb, const pb_block_t *block, int c)
{
  gboolean any = FALSE;
  for (int r = 1; r < tb->rows; r++)
    {
      int i = r * tb->cols + c;
      gboolean point;
      int len = integer_part (((const pb_block_t *) block->cells->pdata[i])->text, &point);
      if (len == 0)
        continue;
      any = any || point;
      pb_measure_t m = cell_measure (tb->tmpl, PB_TABLE_UNBOUNDED, PB_ALIGN_LEFT);
      pb_para_break (tb->cells[i], &m);
      pb_line_t *line = pb_line_new ();
      pb_para_emit_line (tb->cells[i], 0, 0, 0, line);
      tb->point_x[i] = x_at_byte (line, len);
      tb->int_w[c] = MAX (tb->int_w[c], tb->point_x[i]);
      tb->rest_w[c] = MAX (tb->rest_w[c], line->width - tb->point_x[i]);
      pb_line_free (line);
    }
  for (int r = 1; !any && r < tb->rows; r++)
    tb->point_x[r * tb->cols + c] = -1;
}

/* Whether cell `i` of column `c` is set with its decimal point on the column's. */
static gboolean
on_point (const pb_table_t *tb, int i, int c)
{
  return tb->point_x[i] >= 0 && tb->int_w[c] + tb->rest_w[c] <= tb->col_w[c];
}

/* Each column's natural width: its widest cell set on one line. */
static void
natural_widths (pb_table_t *tb, double *w)
{
  for (int c = 0; c < tb->cols; c++)
    {
      w[c] = 0;
      for (int r = 0; r < tb->rows; r++)
        {
          pb_para_t *para = tb->cells[r * tb->cols + c];
          pb_measure_t m = cell_measure (tb->tmpl, PB_TABLE_UNBOUNDED, PB_ALIGN_LEFT);
          pb_para_break (para, &m);
          w[c] = MAX (w[c], line_width (para, 0));
        }
      w[c] = MAX (w[c], tb->int_w[c] + tb->rest_w[c]);
    }
}

/* The column widths and the span: the fewest columns that hold every cell on one line, the
 * room left shared out evenly; else `max_span` columns, each column narrowed in proportion.
 * FALSE when a column would be narrower than PB_TABLE_MIN_COLUMN_EM. */
static gboolean
choose_widths (pb_table_t *tb, int max_span, double *need)
{
  const pb_template_t *t = tb->tmpl;
  double em = t->styles[PB_ROLE_TABLE].size, gap = PB_TABLE_GAP_EM * em;
  natural_widths (tb, tb->col_w);
  *need = gap * (tb->cols - 1);
  for (int c = 0; c < tb->cols; c++)
    *need += tb->col_w[c];
  tb->span = 1;
  while (tb->span < max_span && pb_span_width (t, tb->span) < *need)
    tb->span++;
  double width = pb_span_width (t, tb->span), text = *need - gap * (tb->cols - 1);
  double room = width - gap * (tb->cols - 1);
  for (int c = 0; c < tb->cols; c++)
    {
      if (*need <= width)
        tb->col_w[c] += (width - *need) / tb->cols;
      else
        tb->col_w[c] *= room / text;
      if (tb->col_w[c] < PB_TABLE_MIN_COLUMN_EM * em)
        return FALSE;
      tb->col_x[c] = c == 0 ? 0 : tb->col_x[c - 1] + tb->col_w[c - 1] + gap;
    }
  return TRUE;
}

/* The cells broken at their columns' widths; each row takes its tallest cell's lines. */
static void
break_cells (pb_table_t *tb)
{
  tb->lines = PB_TABLE_SPACE_LINES;
  for (int r = 0; r < tb->rows; r++)
    {
      tb->row_lines[r] = 1;
      for (int c = 0; c < tb->cols; c++)
        {
          int i = r * tb->cols + c;
          pb_align_t align = on_point (tb, i, c) ? PB_ALIGN_LEFT : tb->align[c];
          pb_measure_t m = cell_measure (tb->tmpl, tb->col_w[c], align);
          tb->cell_lines[i] = pb_para_break (tb->cells[i], &m);
          tb->row_lines[r] = MAX (tb->row_lines[r], tb->cell_lines[i]);
        }
      tb->lines += tb->row_lines[r];
    }
}

pb_table_t *
pb_table_new (pb_fonts_t *fonts, pb_styles_t *styles, const pb_template_t *t,
              const pb_block_t *block, int max_span, GError **error)
{
  pb_table_t *tb = g_new0 (pb_table_t, 1);
  tb->tmpl = t;
  tb->rows = block->rows;
  tb->cols = block->cols;
  int n = tb->rows * tb->cols;
  tb->cells = g_new0 (pb_para_t *, MAX (n, 1));
  tb->cell_lines = g_new0 (int, MAX (n, 1));
  tb->col_x = g_new0 (double, MAX (tb->cols, 1));
  tb->col_w = g_new0 (double, MAX (tb->cols, 1));
  tb->align = g_new0 (pb_align_t, MAX (tb->cols, 1));
  tb->row_lines = g_new0 (int, MAX (tb->rows, 1));
  tb->point_x = g_new (double, MAX (n, 1));
  tb->int_w = g_new0 (double, MAX (tb->cols, 1));
  tb->rest_w = g_new0 (double, MAX (tb->cols, 1));
  for (int i = 0; i < n; i++)
    tb->point_x[i] = -1;
  for (int i = 0; i < n; i++)
    {
      const pb_block_t *cell = block->cells->pdata[i];
      tb->cells[i] = cell_para (fonts, styles, t, cell, i < tb->cols, error);
      if (!tb->cells[i])
        {
          pb_table_free (tb);
          return NULL;
        }
      tb->chars += pb_count_chars (cell->text);
    }
  for (int c = 0; c < tb->cols; c++)
    {
      tb->align[c] = column_align (block, c);
      if (tb->align[c] == PB_ALIGN_RIGHT && numeric_column (block, c))
        find_decimal_points (tb, block, c);
    }
  double need = 0;
  if (n == 0 || !choose_widths (tb, MAX (max_span, 1), &need))
    {
      pb_set_error_at (error, PB_ERROR_LAYOUT, block->loc,
                       "a table of %d columns needs %.0fpt on one line a cell, its story's "
                       "%d columns give %.0fpt: too narrow for columns of %.0f characters",
                       tb->cols, need, MAX (max_span, 1), pb_span_width (t, MAX (max_span, 1)),
                       PB_TABLE_MIN_COLUMN_EM);
      pb_table_free (tb);
      return NULL;
    }
  break_cells (tb);
  return tb;
}

static void
add_rule (GPtrArray *rules, double x0, double x1, double y, double width)
{
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  *rule = (pb_rule_t) { x0, y, x1, y, width, 0 };
  g_ptr_array_add (rules, rule);
}

pb_rect_t
pb_table_emit (const pb_table_t *tb, const pb_grid_t *grid, int column, int line,
               const char *story_id, int block, GPtrArray *lines, GPtrArray *rules)
{
  const pb_template_t *t = grid->tmpl;
  double x = pb_column_x (t, column), width = pb_span_width (t, tb->span);
  double top = pb_grid_cell_top (grid, line);
  add_rule (rules, x, x + width, top, PB_TABLE_THICK_RULE);
  for (int r = 0; r < tb->rows; r++)
    {
      for (int c = 0; c < tb->cols; c++)
        {
          int i = r * tb->cols + c;
          /* A number on the column's point: its point where the widest rest leaves it. */
          double dx = on_point (tb, i, c) ? tb->col_w[c] - tb->rest_w[c] - tb->point_x[i] : 0;
          for (int k = 0; k < tb->cell_lines[i]; k++)
            {
              pb_line_t *l = pb_emit_line (lines, t, tb->cells[i], k, x + tb->col_x[c] + dx,
                                           pb_grid_body_baseline (grid, line + k),
                                           tb->col_w[c] - dx, PB_ROLE_TABLE, story_id);
              l->block = block;
              l->column = tb->span == 1 ? column : -1;
            }
        }
      line += tb->row_lines[r];
      if (r == 0)
        add_rule (rules, x, x + width, pb_grid_cell_top (grid, line), PB_TABLE_THIN_RULE);
    }
  double bottom = pb_grid_cell_top (grid, line);
  add_rule (rules, x, x + width, bottom, PB_TABLE_THICK_RULE);
  return (pb_rect_t) { x, top, width, bottom - top };
}

/* Rule `r` (vertical) with the part from y0 to y1 cut out: its part above stays in `r`, the
 * part below is returned (NULL when there is none). */
static pb_rule_t *
cut_rule (pb_rule_t *r, double y0, double y1)
{
  pb_rule_t *below = NULL;
  double top = MIN (r->y0, r->y1), end = MAX (r->y0, r->y1);
  if (end > y1)
    {
      below = g_memdup2 (r, sizeof *r);
      below->y0 = y1;
      below->y1 = end;
    }
  r->y0 = top;
  r->y1 = MIN (end, y0);
  return below;
}

void
pb_tables_cut_rules (GPtrArray *rules, const GArray *areas)
{
  for (guint a = 0; a < areas->len; a++)
    {
      const pb_rect_t *t = &g_array_index (areas, pb_rect_t, a);
      for (guint i = 0; i < rules->len; i++)
        {
          pb_rule_t *r = rules->pdata[i];
          double top = MIN (r->y0, r->y1), end = MAX (r->y0, r->y1);
          if (r->x0 != r->x1 || r->x0 <= t->x || r->x0 >= t->x + t->w || end <= t->y
              || top >= t->y + t->h)
            continue;
          pb_rule_t *below = cut_rule (r, t->y, t->y + t->h);
          if (below)
            g_ptr_array_add (rules, below);
          if (r->y1 <= r->y0)
            g_ptr_array_remove_index (rules, i--);
        }
    }
}
