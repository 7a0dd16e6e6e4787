/* Setting text on the page grid: geometry, shaping, lines into an explicit array. */
#include "setting.h"

#include <math.h>
#include <string.h>
#include "fonts.h"

/* ---- geometry ---- */

double
pb_columns_width (const pb_template_t *t)
{
  return t->columns * t->column_width + (t->columns - 1) * t->gutter;
}

double
pb_span_width (const pb_template_t *t, int span)
{
  return span * t->column_width + (span - 1) * t->gutter;
}

double
pb_column_x (const pb_template_t *t, int column)
{
  return (t->trim_w - pb_columns_width (t)) / 2 + t->columns_offset
         + column * (t->column_width + t->gutter);
}

double
pb_box_text_width (const pb_template_t *t, int span, int inset)
{
  /* The box's sides stand in the middle of the gutters beside the item's columns. */
  double inner = span * (t->column_width + t->gutter) - 2 * inset * t->leading;
  double column = (inner - (span - 1) * t->gutter) / span;
  return floor (column / t->body_size + PB_BOX_WIDTH_SLACK) * t->body_size;
}

pb_template_t *
pb_template_in_box (const pb_template_t *t, int column, int span, int inset)
{
  pb_template_t *in = g_memdup2 (t, sizeof *t);
  double box_left = pb_column_x (t, column) - t->gutter / 2;
  double box_width = span * (t->column_width + t->gutter);
  in->column_width = pb_box_text_width (t, span, inset);
  /* The narrower columns keep the gutters between them and stand in the middle of the box. */
  double text_left = box_left + (box_width - pb_span_width (in, span)) / 2;
  in->columns_offset = 0;
  in->columns_offset = text_left - pb_column_x (in, column);
  return in;
}

double
pb_grid_baseline (const pb_template_t *t, double grid_top, int line)
{
  /* The body's em box sits in the middle of its grid cell. */
  return grid_top + line * t->leading + (t->leading - t->body_size) / 2
         + PB_EM_ASCENT * t->body_size;
}

int
pb_page_grid_lines (const pb_template_t *t)
{
  /* The epsilon keeps a type area of exactly N lines from rounding down to N − 1. */
  return (int) floor ((t->trim_h - t->margin_top - t->margin_bottom) / t->leading + 1e-6);
}

int
pb_lines_for (const pb_template_t *t, double height)
{
  return (int) ceil (height / t->leading - 1e-6);
}

pb_grid_t
pb_grid_of (const pb_page_layout_t *page, int offset)
{
  return (pb_grid_t) { page->tmpl, page->grid_top, offset };
}

double
pb_grid_cell_top (const pb_grid_t *grid, int line)
{
  return grid->top + (grid->offset + line) * grid->tmpl->leading;
}

double
pb_grid_body_baseline (const pb_grid_t *grid, int line)
{
  return pb_grid_baseline (grid->tmpl, grid->top, grid->offset + line);
}

double
pb_style_leading (const pb_style_t *style)
{
  return style->leading > 0 ? style->leading : PB_DEFAULT_LEADING * style->size;
}

/* ---- the line object ---- */

pb_line_t *
pb_line_new (void)
{
  pb_line_t *line = g_new0 (pb_line_t, 1);
  line->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_glyph_run_free);
  line->block = -1;
  line->column = -1;
  return line;
}

pb_rect_t
pb_line_box (const pb_line_t *line)
{
  double length = MAX (line->measure, line->width);
  if (line->vertical)
    return (pb_rect_t) { line->x - line->size / 2, line->baseline, line->size, length };
  return (pb_rect_t) { line->x, line->baseline - PB_EM_ASCENT * line->size, length,
                       line->size };
}

void
pb_glyph_run_free (pb_glyph_run_t *run)
{
  g_object_unref (run->font);
  g_free (run->glyphs);
  g_free (run->clusters);
  g_free (run->text);
  g_free (run);
}

void
pb_line_free (pb_line_t *line)
{
  g_ptr_array_free (line->runs, TRUE);
  if (line->dots)
    g_array_free (line->dots, TRUE);
  g_free (line->text);
  g_free (line);
}

int
pb_count_chars (const char *text)
{
  int n = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      n++;
  return n;
}

/* ---- styles ---- */

struct pb_styles {
  GPtrArray *owned;         /* of pb_style_t* */
};

pb_styles_t *
pb_styles_new (void)
{
  pb_styles_t *styles = g_new (pb_styles_t, 1);
  styles->owned = g_ptr_array_new_with_free_func (g_free);
  return styles;
}

void
pb_styles_free (pb_styles_t *styles)
{
  if (!styles)
    return;
  g_ptr_array_free (styles->owned, TRUE);
  g_free (styles);
}

const pb_style_t *
pb_styles_derive (pb_styles_t *styles, const pb_style_t *base, int weight, const char *font)
{
  pb_style_t *s = g_memdup2 (base, sizeof *base);
  s->weight = weight;
  if (font)
    s->font = (char *) font; /* borrowed from the template */
  g_ptr_array_add (styles->owned, s);
  return s;
}

/* ---- shaping ---- */

/* Errors name `loc`, or the character's own place in `block` when there is one (`text` from
 * byte `base` of the block's text on). */
static pb_para_t *
shape_at (pb_fonts_t *fonts, const char *text, const pb_style_run_t *runs, int n_runs,
          const pb_style_t *style, const pb_block_t *block, int base, pb_loc_t loc,
          GError **error)
{
  pb_style_run_t whole = { 0, (int) strlen (text), style };
  if (!runs)
    runs = &whole, n_runs = 1;
  int bad = -1;
  GError *local = NULL;
  pb_para_t *para = pb_para_new (fonts, text, runs, n_runs, &bad, &local);
  if (!para)
    {
      if (block && bad >= 0)
        loc = pb_block_loc_at (block, base + bad);
      pb_set_error_at (error, local->code, loc, "%s", local->message);
      g_error_free (local);
    }
  return para;
}

pb_para_t *
pb_shape_text (pb_fonts_t *fonts, const char *text, const pb_style_run_t *runs, int n_runs,
               const pb_style_t *style, pb_loc_t loc, GError **error)
{
  return shape_at (fonts, text, runs, n_runs, style, NULL, 0, loc, error);
}

pb_para_t *
pb_shape_block (pb_fonts_t *fonts, const pb_block_t *block, const pb_style_t *style,
                GError **error)
{
  return shape_at (fonts, block->text, NULL, 0, style, block, 0, block->loc, error);
}

/* ---- emitting lines ---- */

pb_line_t *
pb_emit_line (GPtrArray *into, const pb_template_t *t, pb_para_t *para, int index, double x,
              double baseline, double measure, pb_role_t role, const char *story_id)
{
  pb_line_t *line = pb_line_new ();
  line->role = role;
  line->story_id = story_id;
  line->measure = measure;
  line->color = t->styles[role].color;
  pb_para_emit_line (para, index, x, baseline, line);
  g_ptr_array_add (into, line);
  return line;
}

double
pb_set_display (GPtrArray *into, const pb_template_t *t, pb_para_t *para,
                const pb_style_t *style, double x, double y, double width, pb_role_t role,
                const char *story_id)
{
  pb_measure_t m = { width, style->indent, style->align, style->size, 0, 0, FALSE,
                     PB_SHAPE_FILL };
  int n = pb_para_break (para, &m);
  double leading = pb_style_leading (style);
  for (int i = 0; i < n; i++)
    {
      pb_emit_line (into, t, para, i, x, y, width, role, story_id);
      y += leading;
    }
  return y - leading;
}

/* ---- display text ---- */

struct pb_display {
  GPtrArray *parts;         /* of pb_para_t*: the text between forced breaks */
};

void
pb_display_free (pb_display_t *d)
{
  if (!d)
    return;
  g_ptr_array_free (d->parts, TRUE);
  g_free (d);
}

/* Bytes [start, end) of `text` as a part: shaped, its breaks restricted to its words. */
static pb_para_t *
display_part (pb_fonts_t *fonts, const char *text, int start, int end, const pb_style_t *style,
              const pb_block_t *block, pb_loc_t loc, GError **error)
{
  g_autofree char *part = g_strndup (text + start, end - start);
  pb_para_t *para = shape_at (fonts, part, NULL, 0, style, block, start, loc, error);
  if (!para)
    return NULL;
  GError *local = NULL;
  GArray *bounds = pb_word_boundaries (part, &local);
  if (!bounds)
    {
      pb_set_error_at (error, local->code, loc, "%s", local->message);
      g_error_free (local);
      pb_para_free (para);
      return NULL;
    }
  pb_para_restrict_breaks (para, (const pb_boundary_t *) bounds->data, bounds->len);
  pb_para_set_phrase_gap (para, style->phrase_gap);
  g_array_unref (bounds);
  return para;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static pb_display_t *
display_new (pb_fonts_t *fonts, const char *text, const pb_style_t *style,
             const pb_block_t *block, pb_loc_t loc, GError **error)
{
  pb_display_t *d = g_new0 (pb_display_t, 1);
  d->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_para_free);
  int len = strlen (text);
  for (int start = 0; start <= len;)
    {
      const char *nl = strchr (text + start, '\n');
      int stop = nl ? nl - text : len, end = stop;
      /* Spaces around a forced break are the editor's layout of the source, not phrase marks;
       * an empty part (an empty line) adds no line. */
      while (start < end && is_blank (text[start]))
        start++;
      while (end > start && is_blank (text[end - 1]))
        end--;
      if (end > start)
        {
          pb_para_t *para = display_part (fonts, text, start, end, style, block, loc, error);
          if (!para)
            {
              pb_display_free (d);
              return NULL;
            }
          g_ptr_array_add (d->parts, para);
        }
      start = stop + 1;
    }
  return d;
}

pb_display_t *
pb_display_new (pb_fonts_t *fonts, const char *text, const pb_style_t *style, pb_loc_t loc,
                GError **error)
{
  return display_new (fonts, text, style, NULL, loc, error);
}

pb_display_t *
pb_display_new_block (pb_fonts_t *fonts, const pb_block_t *block, const pb_style_t *style,
                      GError **error)
{
  return display_new (fonts, block->text, style, block, block->loc, error);
}

pb_measure_t
pb_display_measure (const pb_template_t *t, const pb_style_t *style, pb_role_t role,
                    double width)
{
  pb_shape_t shape = role == PB_ROLE_HEADLINE ? t->headline_shape : PB_SHAPE_BALANCED;
  return (pb_measure_t) { width, style->indent, style->align, style->size, 0, 0, FALSE, shape };
}

int
pb_display_break (pb_display_t *d, const pb_measure_t *measure)
{
  int n = 0;
  for (guint k = 0; k < d->parts->len; k++)
    n += pb_para_break (d->parts->pdata[k], measure);
  return n;
}

int
pb_display_n_lines (const pb_display_t *d)
{
  int n = 0;
  for (guint k = 0; k < d->parts->len; k++)
    n += pb_para_n_lines (d->parts->pdata[k]);
  return n;
}

pb_line_t *
pb_display_emit_line (GPtrArray *into, const pb_template_t *t, const pb_display_t *d,
                      int index, double x, double baseline, double width, pb_role_t role,
                      const char *story_id)
{
  guint k = 0;
  while (index >= pb_para_n_lines (d->parts->pdata[k]))
    index -= pb_para_n_lines (d->parts->pdata[k++]);
  return pb_emit_line (into, t, d->parts->pdata[k], index, x, baseline, width, role, story_id);
}

double
pb_display_emit (GPtrArray *into, const pb_template_t *t, const pb_display_t *d,
                 const pb_style_t *style, double x, double y, double width, pb_role_t role,
                 const char *story_id)
{
  int n = pb_display_n_lines (d);
  double leading = pb_style_leading (style);
  for (int i = 0; i < n; i++, y += leading)
    pb_display_emit_line (into, t, d, i, x, y, width, role, story_id);
  return y - leading;
}
