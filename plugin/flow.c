/* The body flow: each story's paragraphs, shaped and broken ahead (bodies.c), go through the
 * chain of its items' column frames, page after page. Widow and orphan control, subheads kept
 * with their text, balanced last columns. */
#include "flow.h"

#include <math.h>
#include <string.h>

/* Lines a subhead keeps with it at the least: the first two of its paragraph. */
#define PB_SUBHEAD_KEEP_LINES 2
/* A paragraph of this many lines is not shortened to take an orphan's line. */
#define PB_ORPHAN_KEEP_LINES 3

/* Where a story's text has got to in its frames. */
typedef struct {
  const pb_flow_in_t *in;
  pb_bodies_t *bodies;
  pb_fonts_t *fonts;
  pb_region_t *regions;     /* the frames, balanced or as given */
  int n_regions;
  int region;               /* current frame */
  int line;                 /* next free grid line in it */
  pb_flow_out_t *out;
  /* The paragraph set last. Its lines wait in `pending` (with their parts) until the next
   * block is placed, so that the next paragraph can ask it for a line more or less: it is then
   * set again from where it started (prev_region, prev_line), and nothing placed is undone. */
  pb_para_t *prev;
  int prev_block, prev_region, prev_line;
  GPtrArray *pending;       /* of pb_line_t* */
  GArray *pending_parts;    /* of int */
} pb_flow_t;

static pb_flow_out_t *
out_new (int n_parts)
{
  pb_flow_out_t *out = g_new0 (pb_flow_out_t, 1);
  out->n_parts = n_parts;
  out->lines = g_new (GPtrArray *, MAX (n_parts, 1));
  out->reached = g_new0 (gboolean, MAX (n_parts, 1));
  for (int k = 0; k < n_parts; k++)
    out->lines[k] = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  return out;
}

void
pb_flow_out_free (pb_flow_out_t *out)
{
  if (!out)
    return;
  for (int k = 0; k < out->n_parts; k++)
    g_ptr_array_free (out->lines[k], TRUE);
  g_free (out->lines);
  g_free (out->reached);
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
  f->line = f->regions[f->region].top;
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
  pb_para_free (f->prev);
  f->prev = NULL;
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

/* Sets `n` lines of `para` into the frames from the current line on, as the pending lines. */
static void
flow_lines (pb_flow_t *f, pb_para_t *para, int n, int block_index)
{
  for (int i = 0; i < n; i++)
    {
      if (flow_room (f) <= 0 && !flow_next_region (f))
        {
          f->out->overset_chars += para_chars_from (para, i, n);
          return;
        }
      const pb_region_t *r = &f->regions[f->region];
      const pb_grid_t *grid = flow_grid (f);
      const pb_template_t *t = grid->tmpl;
      pb_line_t *line = pb_emit_line (f->pending, t, para, i, pb_column_x (t, r->column),
                                      pb_grid_body_baseline (grid, f->line), t->column_width,
                                      PB_ROLE_BODY, f->in->story->id);
      line->block = block_index;
      line->column = r->column;
      g_array_append_val (f->pending_parts, r->part);
      f->line++;
    }
}

static gboolean
flow_subhead (pb_flow_t *f, const pb_block_t *block, int index, GError **error)
{
  const pb_template_t *t = flow_tmpl (f);
  const pb_style_t *s = &t->styles[PB_ROLE_SUBHEAD];
  flow_commit (f);
  pb_para_t *para = pb_shape_block (f->fonts, block, s, error);
  if (!para)
    return FALSE;
  pb_measure_t m = { t->column_width, s->indent, s->align, s->size, 0, 0, FALSE };
  int n = pb_para_break (para, &m);
  double leading = pb_style_leading (s);
  double height = (n - 1) * leading + s->size;
  int lines = MAX (s->lines, pb_lines_for (t, height + t->leading - t->body_size));
  gboolean at_top = f->region < f->n_regions && f->line == f->regions[f->region].top;
  int before = at_top ? 0 : s->space_before;
  if (flow_room (f) < before + lines + PB_SUBHEAD_KEEP_LINES)
    {
      if (!flow_next_region (f))
        {
          f->out->overset_chars += pb_count_chars (block->text);
          pb_para_free (para);
          return TRUE;
        }
      before = 0;
    }
  f->line += before;
  const pb_region_t *r = &f->regions[f->region];
  const pb_grid_t *grid = flow_grid (f);
  double top = pb_grid_cell_top (grid, f->line) + (lines * t->leading - height) / 2;
  double base = top + PB_EM_ASCENT * s->size;
  for (int i = 0; i < n; i++, base += leading)
    {
      pb_line_t *line = pb_emit_line (f->out->lines[r->part], grid->tmpl, para, i,
                                      pb_column_x (grid->tmpl, r->column), base,
                                      grid->tmpl->column_width, PB_ROLE_SUBHEAD,
                                      f->in->story->id);
      line->block = index;
      line->column = r->column;
    }
  f->line += lines + s->space_after;
  pb_para_free (para);
  return TRUE;
}

/* Sets the pending paragraph again with `lines` lines, from where it started, when it sits
 * wholly in the current frame and the result still ends in it. */
static gboolean
reflow_prev (pb_flow_t *f, int lines)
{
  if (!f->prev || f->prev_region != f->region || lines < 1)
    return FALSE;
  if (f->prev_line + lines > f->regions[f->region].bottom)
    return FALSE;
  pb_measure_t m = pb_body_measure (flow_tmpl (f));
  if (!pb_para_break_exact (f->prev, &m, lines, NULL))
    return FALSE;
  flow_discard (f);
  f->line = f->prev_line;
  flow_lines (f, f->prev, lines, f->prev_block);
  return TRUE;
}

/* Chooses how many lines the paragraph takes so that no column starts with its last line alone
 * (widow) or ends with its first line alone (orphan), where re-breaking can avoid it. */
static int
avoid_lone_lines (pb_flow_t *f, pb_para_t *para, int n, const pb_measure_t *m)
{
  if (flow_room (f) <= 0)
    flow_next_region (f);
  int room = flow_room (f);
  if (n < 2 || room >= n || f->region + 1 >= f->n_regions)
    return n;
  int prev_n = f->prev ? pb_para_n_lines (f->prev) : 0;
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
      gboolean can_more = pb_para_break_exact (para, m, n + 1, &more);
      gboolean can_less = n - 1 >= 2 && pb_para_break_exact (para, m, n - 1, &less);
      if (can_less && (!can_more || less <= more))
        return pb_para_break_exact (para, m, n - 1, NULL) ? n - 1 : n;
      if (can_more)
        return pb_para_break_exact (para, m, n + 1, NULL) ? n + 1 : n;
      /* Or push this paragraph down a line by giving the previous one a line more. */
      if (room - 1 >= 2 && reflow_prev (f, prev_n + 1))
        return pb_para_break (para, m);
    }
  return n;
}

static gboolean
flow_paragraph (pb_flow_t *f, int index, const char *dateline, GError **error)
{
  const pb_template_t *t = flow_tmpl (f);
  int n = 0;
  pb_para_t *para = pb_bodies_take (f->bodies, f->in->story, index, dateline, t, &n, error);
  if (!para)
    return FALSE;
  pb_measure_t m = pb_body_measure (t);
  n = avoid_lone_lines (f, para, n, &m);
  if (flow_room (f) <= 0)
    flow_next_region (f);
  int region = f->region, line = f->line;
  flow_commit (f);
  flow_lines (f, para, n, index);
  f->prev = para;
  f->prev_block = index;
  f->prev_region = region;
  f->prev_line = line;
  return TRUE;
}

static gboolean
flow_blocks (pb_flow_t *f, GError **error)
{
  const pb_story_t *story = f->in->story;
  gboolean first_para = TRUE;
  for (guint i = 0; i < story->blocks->len; i++)
    {
      const pb_block_t *block = story->blocks->pdata[i];
      gboolean ok;
      if (block->kind == PB_BLOCK_SUBHEAD)
        ok = flow_subhead (f, block, i, error);
      else
        {
          ok = flow_paragraph (f, i, first_para ? story->dateline : NULL, error);
          first_para = FALSE;
        }
      if (!ok)
        return FALSE;
    }
  flow_commit (f);
  return TRUE;
}

/* Shortens the frames of the story's last part so that its columns end together (a balanced
 * block of text, as page makeup does by hand) when its text leaves room there. Returns whether
 * it changed anything. */
static gboolean
balance_last_part (const pb_flow_in_t *in, const pb_bodies_t *bodies, pb_region_t *r,
                   int n_regions)
{
  int total = pb_bodies_story_lines (bodies, in->story, in->grids[0].tmpl);
  if (total < 0)
    return FALSE;
  int last = in->n_parts - 1, first_region = -1, before = 0, capacity = 0;
  for (int i = 0; i < n_regions; i++)
    {
      int h = MAX (0, r[i].bottom - r[i].top);
      if (r[i].part != last)
        before += h;
      else
        {
          capacity += h;
          if (first_region < 0)
            first_region = i;
        }
    }
  int n = n_regions - first_region, rest = total - before;
  /* A line of slack per column for widow control. */
  if (first_region < 0 || n < 2 || rest <= 0 || rest + n > capacity)
    return FALSE;
  int lowest = r[first_region].top;
  for (int i = first_region; i < n_regions; i++)
    lowest = MIN (lowest, r[i].top);
  for (int bottom = lowest + 1;; bottom++)
    {
      int room = 0;
      for (int i = first_region; i < n_regions; i++)
        room += MAX (0, MIN (r[i].bottom, bottom) - r[i].top);
      if (room >= rest + n)
        {
          for (int i = first_region; i < n_regions; i++)
            {
              r[i].bottom = MIN (r[i].bottom, bottom);
              r[i].balanced = TRUE;
            }
          return TRUE;
        }
    }
}

/* One flow of the story through `regions`. */
static pb_flow_out_t *
run_flow (const pb_flow_in_t *in, pb_region_t *regions, pb_bodies_t *bodies, pb_fonts_t *fonts,
          GError **error)
{
  pb_flow_t f = { 0 };
  f.in = in;
  f.bodies = bodies;
  f.fonts = fonts;
  f.regions = regions;
  f.n_regions = in->n_regions;
  f.out = out_new (in->n_parts);
  f.pending = g_ptr_array_new ();
  f.pending_parts = g_array_new (FALSE, FALSE, sizeof (int));
  if (f.n_regions > 0)
    {
      f.line = f.regions[0].top;
      flow_enter (&f);
    }
  gboolean ok = flow_blocks (&f, error);
  flow_discard (&f);
  pb_para_free (f.prev);
  g_ptr_array_free (f.pending, TRUE);
  g_array_free (f.pending_parts, TRUE);
  if (!ok)
    g_clear_pointer (&f.out, pb_flow_out_free);
  return f.out;
}

pb_flow_out_t *
pb_flow_story (const pb_flow_in_t *in, pb_bodies_t *bodies, pb_fonts_t *fonts, GError **error)
{
  gsize size = MAX (in->n_regions, 1) * sizeof (pb_region_t);
  pb_region_t *regions = g_malloc (size);
  if (in->n_regions > 0)
    memcpy (regions, in->regions, in->n_regions * sizeof (pb_region_t));
  gboolean balanced = balance_last_part (in, bodies, regions, in->n_regions);
  pb_flow_out_t *out = run_flow (in, regions, bodies, fonts, error);
  if (out && balanced && out->overset_chars > 0)
    {
      /* The estimate was short: flow again through the frames as they were given. */
      pb_flow_out_free (out);
      memcpy (regions, in->regions, in->n_regions * sizeof (pb_region_t));
      out = run_flow (in, regions, bodies, fonts, error);
    }
  g_free (regions);
  return out;
}
