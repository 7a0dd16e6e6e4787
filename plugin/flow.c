/* The body flow: each story's paragraphs, shaped and broken ahead (bodies.c), go through the
 * chain of its items' column frames, page after page, in one pass. Widow and orphan control,
 * subheads kept with their text, tables and pull quotes; the levelling of the last part's
 * columns (level.c) runs this pass again with other frames and line changes. */
#include "flow.h"

#include <math.h>
#include <string.h>

#include "tables.h"

/* Lines a subhead keeps with it at the least: the first two of its paragraph. */
#define PB_SUBHEAD_KEEP_LINES 2
/* A paragraph of this many lines is not shortened to take an orphan's line. */
#define PB_ORPHAN_KEEP_LINES 3
/* A story's credit never stands alone at the top of a column: where it does not fit under the
 * body's last line, this many last lines of the body go over with it. */
#define PB_CREDIT_KEEP_LINES 2
/* The thin rules above and under a pull quote, and between briefs (pt). */
#define PB_QUOTE_RULE 0.5

/* Where a story's text has got to in its frames. */
typedef struct {
  const pb_flow_in_t *in;
  pb_bodies_t *bodies;
  pb_fonts_t *fonts;
  pb_region_t *regions;     /* the frames, levelled or as given */
  int n_regions;
  int *tops;                /* by frame: where its text starts (under a table set at its top) */
  /* By block (NULL: none): a paragraph's lines more (or fewer) than prepared; a table's frames
   * passed over, so that it starts at the top of a later run of frames that holds it, or -1:
   * set ahead of the text at the top of the first (the levelling moves tables so to end the
   * columns level). */
  const gint8 *looseness;
  gboolean dry;             /* only find where the text goes: no line is emitted, and the
                             * overset counts lines, not characters */
  int spaced;               /* subheads given the extra space of in->subhead_space so far */
  int region;               /* current frame */
  int line;                 /* next free grid line in it */
  pb_flow_out_t *out;
  /* The paragraph set last. Its lines wait in `pending` (with their parts) until the next
   * block is placed, so that the next paragraph can ask it for a line more or less: it is then
   * set again from where it started (prev_region, prev_line), and nothing placed is undone. */
  pb_body_para_t prev;
  int prev_block, prev_region, prev_line;
  GPtrArray *pending;       /* of pb_line_t* */
  GArray *pending_parts;    /* of int */
} pb_flow_t;

static pb_flow_out_t *
out_new (int n_parts, const pb_region_t *regions, int n_regions, guint n_blocks)
{
  pb_flow_out_t *out = g_new0 (pb_flow_out_t, 1);
  out->n_parts = n_parts;
  out->lines = g_new (GPtrArray *, MAX (n_parts, 1));
  out->rules = g_new (GPtrArray *, MAX (n_parts, 1));
  out->tables = g_new (GArray *, MAX (n_parts, 1));
  out->reached = g_new0 (gboolean, MAX (n_parts, 1));
  for (int k = 0; k < n_parts; k++)
    {
      out->lines[k] = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
      out->rules[k] = g_ptr_array_new_with_free_func (g_free);
      out->tables[k] = g_array_new (FALSE, FALSE, sizeof (pb_rect_t));
    }
  out->n_regions = n_regions;
  out->regions = g_new (pb_region_t, MAX (n_regions, 1));
  out->ends = g_new (int, MAX (n_regions, 1));
  for (int i = 0; i < n_regions; i++)
    {
      out->regions[i] = regions[i];
      out->ends[i] = regions[i].top;
    }
  out->block_regions = g_new (int, MAX (n_blocks, 1));
  for (guint b = 0; b < n_blocks; b++)
    out->block_regions[b] = n_regions;
  return out;
}

void
pb_flow_out_free (pb_flow_out_t *out)
{
  if (!out)
    return;
  for (int k = 0; k < out->n_parts; k++)
    {
      g_ptr_array_free (out->lines[k], TRUE);
      g_ptr_array_free (out->rules[k], TRUE);
      g_array_free (out->tables[k], TRUE);
    }
  g_free (out->lines);
  g_free (out->rules);
  g_free (out->tables);
  g_free (out->reached);
  g_free (out->regions);
  g_free (out->ends);
  g_free (out->block_regions);
  g_free (out);
}

/* The template lines are set for: the current frame's, or the last one's once past it. */
static const pb_template_t *
flow_tmpl (const pb_flow_t *f)
{
  if (f->n_regions == 0)
    return f->in->grids[0].tmpl;
  int r = MIN (f->region, f->n_regions - 1);
  return f->in->grids[f->regions[r].part].tmpl;
}

static const pb_grid_t *
flow_grid (const pb_flow_t *f)
{
  return &f->in->grids[f->regions[f->region].part];
}

static void
flow_enter (pb_flow_t *f)
{
  f->out->reached[f->regions[f->region].part] = TRUE;
}

static gboolean
flow_next_region (pb_flow_t *f)
{
  if (f->region + 1 >= f->n_regions)
    {
      f->region = f->n_regions;
      return FALSE;
    }
  f->region++;
  f->line = f->tops[f->region];
  flow_enter (f);
  return TRUE;
}

static int
flow_room (const pb_flow_t *f)
{
  if (f->region >= f->n_regions)
    return 0;
  return f->regions[f->region].bottom - f->line;
}

/* The pending paragraph's lines go to their parts; it can no longer change. */
static void
flow_commit (pb_flow_t *f)
{
  for (guint i = 0; i < f->pending->len; i++)
    g_ptr_array_add (f->out->lines[g_array_index (f->pending_parts, int, i)],
                     f->pending->pdata[i]);
  g_ptr_array_set_size (f->pending, 0);
  g_array_set_size (f->pending_parts, 0);
  pb_bodies_release (f->bodies, &f->prev);
}

/* The pending paragraph's lines are dropped, to be set again. */
static void
flow_discard (pb_flow_t *f)
{
  for (guint i = 0; i < f->pending->len; i++)
    pb_line_free (f->pending->pdata[i]);
  g_ptr_array_set_size (f->pending, 0);
  g_array_set_size (f->pending_parts, 0);
}

/* The grid line under the last thing set in the current frame. */
static void
flow_mark_end (pb_flow_t *f)
{
  if (f->region < f->n_regions)
    f->out->ends[f->region] = f->line;
}

/* Characters of lines `from` … `n` − 1 of `para`: text that found no frame. */
static int
para_chars_from (pb_para_t *para, int from, int n)
{
  int chars = 0;
  pb_line_t *tmp = pb_line_new ();
  for (int k = from; k < n; k++)
    {
      pb_para_emit_line (para, k, 0, 0, tmp);
      chars += pb_count_chars (tmp->text);
      g_ptr_array_set_size (tmp->runs, 0);
      g_clear_pointer (&tmp->text, g_free);
    }
  pb_line_free (tmp);
  return chars;
}

/* Sets lines `from` … `to` − 1 of `para` in `role` into the frames from the current line on,
 * as the pending lines. */
static void
flow_line_range (pb_flow_t *f, pb_para_t *para, int from, int to, int block_index,
                 pb_role_t role)
{
  for (int i = from; i < to; i++)
    {
      if (flow_room (f) <= 0 && !flow_next_region (f))
        {
          f->out->overset_chars += f->dry ? to - i : para_chars_from (para, i, to);
          return;
        }
      const pb_region_t *r = &f->regions[f->region];
      f->line++;
      flow_mark_end (f);
      if (f->dry)
        continue;
      const pb_grid_t *grid = flow_grid (f);
      const pb_template_t *t = grid->tmpl;
      pb_line_t *line = pb_emit_line (f->pending, t, para, i, pb_column_x (t, r->column),
                                      pb_grid_body_baseline (grid, f->line - 1),
                                      t->column_width, role, f->in->story->id);
      line->block = block_index;
      line->column = r->column;
      g_array_append_val (f->pending_parts, r->part);
    }
}

/* Sets `n` lines of body paragraph `para` into the frames from the current line on, as the
 * pending lines. */
static void
flow_lines (pb_flow_t *f, pb_para_t *para, int n, int block_index)
{
  flow_line_range (f, para, 0, n, block_index, PB_ROLE_BODY);
}

/* Sets the pending paragraph again with `lines` lines, from where it started, when the result
 * still ends in the current frame (a paragraph begun in an earlier frame keeps the lines it has
 * there and changes the current frame's share only). */
static gboolean
reflow_prev (pb_flow_t *f, int lines)
{
  if (!f->prev.para || lines < 1 || f->region >= f->n_regions || f->prev_region > f->region)
    return FALSE;
  int earlier = 0;
  for (int r = f->prev_region; r < f->region; r++)
    earlier += f->regions[r].bottom - (r == f->prev_region ? f->prev_line : f->tops[r]);
  int start = f->prev_region == f->region ? f->prev_line : f->tops[f->region];
  if (lines <= earlier || start + lines - earlier > f->regions[f->region].bottom)
    return FALSE;
  pb_measure_t m = pb_body_measure (flow_tmpl (f));
  if (!pb_para_break_exact (f->prev.para, &m, lines, NULL))
    return FALSE;
  f->prev.rebroken = TRUE;
  flow_discard (f);
  f->region = f->prev_region;
  f->line = f->prev_line;
  flow_lines (f, f->prev.para, lines, f->prev_block);
  return TRUE;
}

/* Fills the `room` lines left at the foot of the current frame by setting the pending paragraph
 * that many lines longer, when that costs less than one loose line (a subhead that cannot
 * stand there with its text would otherwise leave them empty). */
static gboolean
fill_foot_with_prev (pb_flow_t *f, int room)
{
  if (!f->prev.para || room < 1 || room > PB_MAX_LOOSENESS || f->region + 1 >= f->n_regions)
    return FALSE;
  pb_measure_t m = pb_body_measure (flow_tmpl (f));
  int n = pb_para_n_lines (f->prev.para);
  double now = pb_para_demerits (f->prev.para), looser = 0;
  if (!pb_para_break_exact (f->prev.para, &m, n + room, &looser))
    return FALSE;
  pb_para_break_exact (f->prev.para, &m, n, NULL); /* the breaks as they were, until chosen */
  if (looser - now >= PB_LEVEL_MAX_COST)
    return FALSE;
  return reflow_prev (f, n + room);
}

/* A subhead broken at its words in a column of template `t`: one line in the subhead style's
 * alignment or, when it needs more, a full-measure block (justified, the last line flush
 * left). Returns it (pb_display_free) with its lines in *n, or NULL with `error` set. */
static pb_display_t *
subhead_lines (pb_fonts_t *fonts, const pb_block_t *block, const pb_template_t *t, int *n,
               GError **error)
{
  const pb_style_t *s = &t->styles[PB_ROLE_SUBHEAD];
  pb_display_t *para = pb_display_new_block (fonts, block, s, error);
  if (!para)
    return NULL;
  pb_measure_t m = pb_display_measure (t, s, PB_ROLE_SUBHEAD, t->column_width);
  *n = pb_display_break (para, &m);
  if (*n > 1)
    {
      m.align = PB_ALIGN_JUSTIFY;
      m.shape = PB_SHAPE_FILL;
      *n = pb_display_break (para, &m);
    }
  return para;
}

/* Grid lines a subhead of `n` lines of style `s` takes. */
static int
subhead_grid_lines (const pb_template_t *t, const pb_style_t *s, int n)
{
  double height = (n - 1) * pb_style_leading (s) + s->size;
  return MAX (s->lines, pb_lines_for (t, height + t->leading - t->body_size));
}

/* The most of a subhead's `n` lines that fit `room` grid lines. */
static int
subhead_lines_within (const pb_template_t *t, const pb_style_t *s, int n, int room)
{
  int k = n;
  while (k > 0 && subhead_grid_lines (t, s, k) > room)
    k--;
  return k;
}

/* Characters of lines `from` … `n` − 1 of display text `d`: what found no room. */
static int
display_chars_from (const pb_display_t *d, const pb_template_t *t, int from, int n)
{
  g_autoptr (GPtrArray) tmp = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  int chars = 0;
  for (int k = from; k < n; k++)
    chars += pb_count_chars (pb_display_emit_line (tmp, t, d, k, 0, 0, 0, PB_ROLE_SUBHEAD,
                                                   NULL)->text);
  return chars;
}

static gboolean
flow_subhead (pb_flow_t *f, const pb_block_t *block, int index, GError **error)
{
  const pb_template_t *t = flow_tmpl (f);
  const pb_style_t *s = &t->styles[PB_ROLE_SUBHEAD];
  int n;
  pb_display_t *para = subhead_lines (f->fonts, block, t, &n, error);
  if (!para)
    return FALSE;
  double leading = pb_style_leading (s);
  double height = (n - 1) * leading + s->size;
  int least = pb_lines_for (t, height + t->leading - t->body_size);
  int lines = subhead_grid_lines (t, s, n);
  gboolean at_top = f->region < f->n_regions && f->line == f->tops[f->region];
  int before = at_top ? 0 : s->space_before;
  if (!at_top && f->spaced < f->in->subhead_space)
    before++, f->spaced++;
  /* At a frame's foot the whole grid lines of space above and around the subhead give way
   * first (down to the lines its text needs); where the subhead and its first lines still do
   * not fit, the paragraph above fills the foot if it can. */
  int room = flow_room (f);
  if (room < before + lines + PB_SUBHEAD_KEEP_LINES)
    {
      before = MAX (0, MIN (before, room - lines - PB_SUBHEAD_KEEP_LINES));
      if (room < lines + PB_SUBHEAD_KEEP_LINES && room >= least + PB_SUBHEAD_KEEP_LINES)
        lines = room - PB_SUBHEAD_KEEP_LINES;
      else if (room < lines + PB_SUBHEAD_KEEP_LINES)
        fill_foot_with_prev (f, room);
    }
  flow_commit (f);
  if (flow_room (f) < before + lines + PB_SUBHEAD_KEEP_LINES)
    {
      if (!flow_next_region (f))
        {
          f->out->overset_chars += f->dry ? lines : pb_count_chars (block->text);
          pb_display_free (para);
          return TRUE;
        }
      before = 0;
    }
  f->line += before;
  int shown = n;
  if (lines > flow_room (f))
    {
      /* Taller than its frame: the lines that fit are set, the rest is overset. */
      shown = subhead_lines_within (t, s, n, flow_room (f));
      f->out->overset_chars += f->dry ? n - shown : display_chars_from (para, t, shown, n);
      lines = flow_room (f);
      height = shown > 0 ? (shown - 1) * leading + s->size : 0;
    }
  const pb_region_t *r = &f->regions[f->region];
  const pb_grid_t *grid = flow_grid (f);
  double top = pb_grid_cell_top (grid, f->line) + (lines * t->leading - height) / 2;
  double base = top + PB_EM_ASCENT * s->size;
  for (int i = 0; i < shown && !f->dry; i++, base += leading)
    {
      pb_line_t *line = pb_display_emit_line (f->out->lines[r->part], grid->tmpl, para, i,
                                              pb_column_x (grid->tmpl, r->column), base,
                                              grid->tmpl->column_width, PB_ROLE_SUBHEAD,
                                              f->in->story->id);
      line->block = index;
      line->column = r->column;
    }
  f->line += lines;
  flow_mark_end (f);
  f->line += s->space_after;
  pb_display_free (para);
  return TRUE;
}

/* ---- pull quotes and tables ---- */

/* The widest run of the chain's frames side by side: of one part, in adjacent columns, with
 * the same top. */
static int
widest_run (const pb_flow_in_t *in)
{
  int best = 0, run = 0;
  for (int i = 0; i < in->n_regions; i++)
    {
      const pb_region_t *r = &in->regions[i], *p = i > 0 ? r - 1 : NULL;
      gboolean next = p && p->part == r->part && p->column + 1 == r->column && p->top == r->top;
      run = next ? run + 1 : 1;
      best = MAX (best, run);
    }
  return best;
}

/* Whether frames r … r + span − 1 lie side by side from the same free top with `lines` of
 * room under it. */
static gboolean
frames_hold (const pb_flow_t *f, int r, int span, int lines)
{
  if (r + span > f->n_regions)
    return FALSE;
  for (int k = r; k < r + span; k++)
    {
      const pb_region_t *a = &f->regions[k], *first = &f->regions[r];
      if (a->part != first->part || a->column != first->column + (k - r)
          || f->tops[k] != f->tops[r] || a->bottom - f->tops[k] < lines)
        return FALSE;
    }
  return TRUE;
}

/* The frame a table of `span` columns and `lines` lines starts at the top of: the first from
 * the current frame (when nothing is set in it yet) or the next on that holds it, past `skip`
 * such frames; -1 when none is left. */
static int
table_frame (const pb_flow_t *f, int span, int lines, int skip)
{
  int from = f->region < f->n_regions && f->line == f->tops[f->region] ? f->region
                                                                         : f->region + 1;
  for (int r = from; r < f->n_regions; r++)
    if (frames_hold (f, r, span, lines) && skip-- == 0)
      return r;
  return -1;
}

/* Table block `index` set for the current template, as wide as the story's widest run of
 * frames allows: made once and kept with the story's paragraphs for every trial of the flow.
 * Returns it (borrowed), or NULL with `error` set. */
static pb_table_t *
flow_table_set (pb_flow_t *f, const pb_block_t *block, int index, GError **error)
{
  const pb_template_t *t = flow_tmpl (f);
  int span = widest_run (f->in);
  g_autofree char *key = g_strdup_printf ("table %s %d %p %d", f->in->story->id, index,
                                          (const void *) t, span);
  pb_table_t *tb = pb_bodies_kept (f->bodies, key);
  if (!tb && (tb = pb_table_new (f->fonts, pb_bodies_styles (f->bodies), t, block, span, error)))
    pb_bodies_keep (f->bodies, key, tb, (GDestroyNotify) pb_table_free);
  return tb;
}

/* Whether table block `index` is set ahead of the text (the levelling's choice, a negative
 * looseness): at the top of the story's first frames that hold it, before its first line. */
static gboolean
table_ahead (const pb_flow_t *f, int index)
{
  const pb_block_t *block = f->in->story->blocks->pdata[index];
  return block->kind == PB_BLOCK_TABLE && f->looseness && f->looseness[index] < 0;
}

/* A table goes where the flow is when it takes one column and fits under the text there (a
 * blank line above it); else at the top of the next frames that hold it side by side (the
 * text goes on where it is, then under the table), or of later ones where the levelling says
 * so; where none do, it is overset. One set `ahead` goes before the text (flow_blocks). */
static gboolean
flow_table (pb_flow_t *f, const pb_block_t *block, int index, gboolean ahead, GError **error)
{
  if (table_ahead (f, index) && !ahead)
    return TRUE;
  pb_table_t *tb = flow_table_set (f, block, index, error);
  if (!tb)
    return FALSE;
  int span = pb_table_span (tb), lines = pb_table_lines (tb);
  int skip = f->looseness ? MAX (0, f->looseness[index]) : 0;
  flow_commit (f);
  int r = -1, line = 0;
  gboolean at_top = f->region < f->n_regions && f->line == f->tops[f->region];
  if (span == 1 && !at_top && skip == 0 && flow_room (f) >= lines + 1)
    r = f->region, line = f->line + 1;
  else if ((r = table_frame (f, span, lines, skip)) >= 0)
    line = f->tops[r];
  if (r < 0)
    f->out->overset_chars += f->dry ? lines : pb_table_chars (tb);
  else
    {
      const pb_region_t *reg = &f->regions[r];
      if (!f->dry)
        {
          const pb_grid_t *grid = &f->in->grids[reg->part];
          pb_rect_t area = pb_table_emit (tb, grid, reg->column, line, f->in->story->id, index,
                                          f->out->lines[reg->part], f->out->rules[reg->part]);
          g_array_append_val (f->out->tables[reg->part], area);
        }
      f->out->reached[reg->part] = TRUE;
      f->out->block_regions[index] = r;
      for (int k = r; k < r + span; k++)
        {
          f->out->ends[k] = MAX (f->out->ends[k], line + lines - 1);
          if (k != f->region)
            f->tops[k] = line + lines;
        }
      if (r == f->region)
        f->line = line + lines;
    }
  return TRUE;
}

/* A pull quote (>) in the template's pullquote style, broken at its words and balanced in a
 * column, between thin rules; at the top of the next frame where it does not fit. */
static gboolean
flow_quote (pb_flow_t *f, const pb_block_t *block, int index, GError **error)
{
  const pb_template_t *t = flow_tmpl (f);
  const pb_style_t *s = &t->styles[PB_ROLE_PULLQUOTE];
  pb_display_t *para = pb_display_new_block (f->fonts, block, s, error);
  if (!para)
    return FALSE;
  pb_measure_t m = pb_display_measure (t, s, PB_ROLE_PULLQUOTE, t->column_width);
  int n = pb_display_break (para, &m);
  double leading = pb_style_leading (s), height = (n - 1) * leading + s->size;
  int lines = MAX (s->lines, pb_lines_for (t, height + t->leading - t->body_size));
  flow_commit (f);
  gboolean at_top = f->region < f->n_regions && f->line == f->tops[f->region];
  int before = at_top ? 0 : s->space_before;
  if (flow_room (f) < before + lines && (before = 0, !flow_next_region (f)))
    {
      f->out->overset_chars += f->dry ? lines : pb_count_chars (block->text);
      pb_display_free (para);
      return TRUE;
    }
  f->line += before;
  f->out->block_regions[index] = f->region;
  const pb_region_t *r = &f->regions[f->region];
  const pb_grid_t *grid = flow_grid (f);
  double x = pb_column_x (t, r->column), top = pb_grid_cell_top (grid, f->line);
  double bottom = pb_grid_cell_top (grid, f->line + lines);
  if (!f->dry)
    {
      double base = top + (bottom - top - height) / 2 + PB_EM_ASCENT * s->size;
      pb_display_emit (f->out->lines[r->part], grid->tmpl, para, s, x, base,
                       t->column_width, PB_ROLE_PULLQUOTE, f->in->story->id);
      for (guint i = f->out->lines[r->part]->len - n; i < f->out->lines[r->part]->len; i++)
        {
          pb_line_t *line = f->out->lines[r->part]->pdata[i];
          line->block = index;
          line->column = r->column;
        }
      const double ys[] = { top, bottom };
      for (guint i = 0; i < G_N_ELEMENTS (ys); i++)
        {
          pb_rule_t *rule = g_new (pb_rule_t, 1);
          *rule = (pb_rule_t) { x, ys[i], x + t->column_width, ys[i], PB_QUOTE_RULE, 0 };
          g_ptr_array_add (f->out->rules[r->part], rule);
        }
    }
  f->line += lines;
  flow_mark_end (f);
  f->line += s->space_after;
  pb_display_free (para);
  return TRUE;
}

/* Chooses how many lines the paragraph takes so that no column starts with its last line alone
 * (widow) or ends with its first line alone (orphan), where re-breaking can avoid it. */
static int
avoid_lone_lines (pb_flow_t *f, pb_body_para_t *p, int n, const pb_measure_t *m)
{
  if (flow_room (f) <= 0)
    flow_next_region (f);
  int room = flow_room (f);
  if (n < 2 || room >= n || f->region + 1 >= f->n_regions)
    return n;
  int prev_n = f->prev.para ? pb_para_n_lines (f->prev.para) : 0;
  if (room == 1)
    {
      /* Orphan: let the paragraph before take the line, or give one up. */
      if (reflow_prev (f, prev_n + 1))
        return n;
      if (n != PB_ORPHAN_KEEP_LINES && reflow_prev (f, prev_n - 1))
        return n;
      /* In a balanced block the columns may end a line apart: start in the next one. */
      if (f->regions[f->region].balanced)
        flow_next_region (f);
      return n;
    }
  if (n - room == 1)
    {
      /* Widow: one line more (two go over) or one line less (all stay), whichever is better. */
      double more = INFINITY, less = INFINITY;
      p->rebroken = TRUE;
      gboolean can_more = pb_para_break_exact (p->para, m, n + 1, &more);
      gboolean can_less = n - 1 >= 2 && pb_para_break_exact (p->para, m, n - 1, &less);
      if (can_less && (!can_more || less <= more))
        return pb_para_break_exact (p->para, m, n - 1, NULL) ? n - 1 : n;
      if (can_more)
        return pb_para_break_exact (p->para, m, n + 1, NULL) ? n + 1 : n;
      /* Or push this paragraph down a line by giving the previous one a line more. */
      if (room - 1 >= 2 && reflow_prev (f, prev_n + 1))
        return pb_para_break (p->para, m);
    }
  return n;
}

/* Whether body block `index` opens a brief after another of a story of briefs whose template
 * parts them with rules. */
static gboolean
ruled_brief (const pb_flow_t *f, guint index)
{
  const pb_story_t *story = f->in->story;
  return story->briefs && flow_tmpl (f)->brief_rules && index >= 2
         && pb_bodies_runs_in (story, index - 1, flow_tmpl (f));
}

/* A thin rule across the column in the middle of a grid line of its own, between two briefs;
 * none at the top of a frame, nor at its foot (the brief then opens the next frame). The
 * paragraph before is placed for good: the rule stands under it. */
static void
flow_brief_rule (pb_flow_t *f)
{
  flow_commit (f);
  if (f->region >= f->n_regions || f->line == f->tops[f->region])
    return;
  if (flow_room (f) < 2)
    {
      flow_next_region (f);
      return;
    }
  if (!f->dry)
    {
      const pb_region_t *r = &f->regions[f->region];
      const pb_grid_t *grid = flow_grid (f);
      const pb_template_t *t = grid->tmpl;
      double x = pb_column_x (t, r->column);
      double y = pb_grid_cell_top (grid, f->line) + t->leading / 2;
      pb_rule_t *rule = g_new (pb_rule_t, 1);
      *rule = (pb_rule_t) { x, y, x + t->column_width, y, PB_QUOTE_RULE, t->rule_color };
      g_ptr_array_add (f->out->rules[r->part], rule);
    }
  f->line++;
}

static gboolean
flow_paragraph (pb_flow_t *f, int index, const char *dateline, GError **error)
{
  if (ruled_brief (f, index))
    flow_brief_rule (f);
  const pb_template_t *t = flow_tmpl (f);
  pb_body_para_t p;
  if (!pb_bodies_take (f->bodies, f->in->story, index, dateline, t, &p, error))
    return FALSE;
  pb_measure_t m = pb_body_measure (t);
  int n = p.n;
  int more = f->looseness ? f->looseness[index] : 0;
  if (more != 0 && pb_para_break_exact (p.para, &m, n + more, NULL))
    {
      n += more;
      p.rebroken = TRUE;
    }
  n = avoid_lone_lines (f, &p, n, &m);
  if (flow_room (f) <= 0)
    flow_next_region (f);
  int region = f->region, line = f->line;
  f->out->block_regions[index] = MIN (region, f->n_regions);
  flow_commit (f);
  flow_lines (f, p.para, n, index);
  f->prev = p;
  f->prev_block = index;
  f->prev_region = region;
  f->prev_line = line;
  return TRUE;
}

/* A story's own text that is no paragraph (its byline, its credit) in `role`'s style, broken
 * at the column measure into *n lines. Returns a new paragraph (pb_para_free) or NULL with
 * `error` set. */
static pb_para_t *
shape_column_text (pb_flow_t *f, const char *text, pb_role_t role, int *n, GError **error)
{
  const pb_template_t *t = flow_tmpl (f);
  const pb_style_t *s = &t->styles[role];
  pb_para_t *para = pb_shape_text (f->fonts, text, NULL, 0, s, f->in->story->loc, error);
  if (para)
    {
      pb_measure_t m = { t->column_width, s->indent, s->align, s->size, 0, 0, FALSE,
                         PB_SHAPE_FILL };
      *n = pb_para_break (para, &m);
    }
  return para;
}

/* The pending paragraph's lines are dropped and the flow goes back to where it started, to set
 * it again: the frames it had reached end where it started. */
static void
flow_rewind (pb_flow_t *f)
{
  flow_discard (f);
  for (int r = f->prev_region + 1; r <= f->region && r < f->n_regions; r++)
    f->out->ends[r] = f->tops[r];
  f->region = f->prev_region;
  f->line = f->prev_line;
  flow_mark_end (f);
}

/* The pending paragraph set again with its last `keep` lines at the top of the next frame. */
static void
carry_last_lines (pb_flow_t *f, int keep)
{
  int n = pb_para_n_lines (f->prev.para);
  flow_rewind (f);
  flow_line_range (f, f->prev.para, 0, n - keep, f->prev_block, PB_ROLE_BODY);
  f->line = f->regions[f->region].bottom;
  flow_line_range (f, f->prev.para, n - keep, n, f->prev_block, PB_ROLE_BODY);
}

/* Makes room for the `n` lines of the credit under the body's last line, so that it never
 * starts a column alone: the last paragraph set shorter by what is missing, or else its last
 * PB_CREDIT_KEEP_LINES lines moved to the next frame with it. Where there is no next frame,
 * what does not fit is overset. */
static void
keep_credit_with_body (pb_flow_t *f, int n)
{
  int room = flow_room (f);
  if (room >= n || f->region + 1 >= f->n_regions || !f->prev.para)
    return;
  int lines = pb_para_n_lines (f->prev.para);
  int shorter = lines - (n - room);
  if (shorter >= PB_CREDIT_KEEP_LINES && reflow_prev (f, shorter))
    return;
  carry_last_lines (f, MIN (PB_CREDIT_KEEP_LINES, lines));
}

/* `text` on lines of its own from the current line on, set in `role` and placed at once; with
 * `keep_with_body` (the credit) never alone at the top of a frame. */
static gboolean
flow_own_lines (pb_flow_t *f, const char *text, pb_role_t role, gboolean keep_with_body,
                GError **error)
{
  int n = 0;
  pb_para_t *para = shape_column_text (f, text, role, &n, error);
  if (!para)
    return FALSE;
  if (keep_with_body)
    keep_credit_with_body (f, n);
  flow_commit (f);
  flow_line_range (f, para, 0, n, -1, role);
  flow_commit (f);
  pb_para_free (para);
  return TRUE;
}

static gboolean
flow_blocks (pb_flow_t *f, GError **error)
{
  const pb_story_t *story = f->in->story;
  gboolean first_para = TRUE;
  int quotes = 0;
  for (guint i = 0; i < story->blocks->len; i++)
    if (table_ahead (f, i) && !flow_table (f, story->blocks->pdata[i], i, TRUE, error))
      return FALSE;
  if (story->byline && flow_tmpl (f)->byline_position == PB_BYLINE_BEFORE_BODY
      && !flow_own_lines (f, story->byline, PB_ROLE_BYLINE, FALSE, error))
    return FALSE;
  for (guint i = 0; i < story->blocks->len; i++)
    {
      const pb_block_t *block = story->blocks->pdata[i];
      gboolean ok;
      if (pb_bodies_runs_in (story, i, flow_tmpl (f)))
        ok = TRUE;           /* set at the start of the paragraph after it */
      else if (block->kind == PB_BLOCK_SUBHEAD)
        ok = flow_subhead (f, block, i, error);
      else if (block->kind == PB_BLOCK_QUOTE)
        ok = quotes++ < f->in->lifted_quotes || flow_quote (f, block, i, error);
      else if (block->kind == PB_BLOCK_TABLE)
        ok = flow_table (f, block, i, FALSE, error);
      else
        {
          ok = flow_paragraph (f, i, first_para ? story->dateline : NULL, error);
          first_para = FALSE;
        }
      if (!ok)
        return FALSE;
    }
  if (story->credit && !flow_own_lines (f, story->credit, PB_ROLE_CREDIT, TRUE, error))
    return FALSE;
  flow_commit (f);
  return TRUE;
}

pb_flow_out_t *
pb_flow_run (const pb_flow_in_t *in, pb_region_t *regions, const gint8 *looseness, gboolean dry,
          pb_bodies_t *bodies, pb_fonts_t *fonts, GError **error)
{
  pb_flow_t f = { 0 };
  f.in = in;
  f.bodies = bodies;
  f.fonts = fonts;
  f.regions = regions;
  f.n_regions = in->n_regions;
  f.looseness = looseness;
  f.dry = dry;
  f.out = out_new (in->n_parts, regions, in->n_regions, in->story->blocks->len);
  f.pending = g_ptr_array_new ();
  f.pending_parts = g_array_new (FALSE, FALSE, sizeof (int));
  f.tops = g_new (int, MAX (f.n_regions, 1));
  for (int i = 0; i < f.n_regions; i++)
    f.tops[i] = regions[i].top;
  if (f.n_regions > 0)
    {
      f.line = f.regions[0].top;
      flow_enter (&f);
    }
  gboolean ok = flow_blocks (&f, error);
  flow_discard (&f);
  pb_bodies_release (bodies, &f.prev);
  g_ptr_array_free (f.pending, TRUE);
  g_array_free (f.pending_parts, TRUE);
  g_free (f.tops);
  if (!ok)
    g_clear_pointer (&f.out, pb_flow_out_free);
  return f.out;
}
