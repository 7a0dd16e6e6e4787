/* The body flow: each story's paragraphs, shaped and broken ahead (on all processors), go
 * through the chain of its items' column frames, page after page, like Typst's regions: a frame
 * takes whole grid lines until it is full, then the next continues. Widow and orphan control,
 * subheads kept with their text, balanced last columns, jump lines between pages. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "layout-private.h"
#include "parallel.h"

/* Where a story's text has got to in its chain of frames. */
typedef struct {
  pb_ctx_t *ctx;
  const pb_story_t *story;
  pb_chain_t *chain;
  pb_region_t *regions;
  int n_regions;
  int region;               /* current frame */
  int line;                 /* next free grid line in it */
  int overset_chars;
  /* The paragraph set last, kept so that the next one can ask it for a line more or less. */
  pb_para_t *prev;
  int prev_block, prev_region, prev_line;
  guint prev_first;         /* index of its first line in the page's lines */
} pb_flow_t;

void
pb_prep_free (pb_prep_t *prep)
{
  if (!prep)
    return;
  g_free (prep->text);
  g_array_free (prep->runs, TRUE);
  pb_para_free (prep->para);
  g_clear_error (&prep->error);
  g_free (prep);
}

pb_measure_t
pb_body_measure (const pb_template_t *t)
{
  return (pb_measure_t) { t->column_width, t->styles[PB_ROLE_BODY].indent, PB_ALIGN_JUSTIFY,
                          t->body_size, t->latin_space };
}

/* Makes the current frame's page the one lines go to. */
static void
flow_enter (pb_flow_t *f)
{
  pb_part_t *part = f->chain->parts->pdata[f->regions[f->region].part];
  f->ctx->page = part->page;
  f->ctx->tmpl = part->page->tmpl;
  f->ctx->grid_offset = part->grid_offset;
  part->reached = TRUE;
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

/* The style runs of a body paragraph: the dateline run in, then bold and emphasis spans. */
static GArray *
body_runs (pb_ctx_t *ctx, const pb_block_t *block, int dateline_len)
{
  const pb_template_t *t = ctx->tmpl;
  const pb_style_t *body = &t->styles[PB_ROLE_BODY];
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (pb_style_run_t));
  int pos = 0, len = strlen (block->text) + dateline_len;
  if (dateline_len > 0)
    {
      pb_style_run_t r = { 0, dateline_len, &t->styles[PB_ROLE_DATELINE] };
      g_array_append_val (runs, r);
      pos = dateline_len;
    }
  for (guint i = 0; block->spans && i < block->spans->len; i++)
    {
      const pb_span_t *span = &g_array_index (block->spans, pb_span_t, i);
      int start = span->start + dateline_len, end = span->end + dateline_len;
      if (start > pos)
        {
          pb_style_run_t r = { pos, start, body };
          g_array_append_val (runs, r);
        }
      const pb_style_t *s = span->flags & PB_SPAN_BOLD
                            ? pb_derived_style (ctx, body, 700, NULL)
                            : pb_derived_style (ctx, body, body->weight, t->styles[PB_ROLE_CAPTION].font);
      pb_style_run_t r = { start, end, s };
      g_array_append_val (runs, r);
      pos = end;
    }
  if (pos < len)
    {
      pb_style_run_t r = { pos, len, body };
      g_array_append_val (runs, r);
    }
  return runs;
}

static void
flow_lines (pb_flow_t *f, pb_para_t *para, int n, int block_index, pb_role_t role)
{
  const pb_template_t *t = f->ctx->tmpl;
  for (int i = 0; i < n; i++)
    {
      if (flow_room (f) <= 0 && !flow_next_region (f))
        {
          /* Count what is left of this paragraph from line i on. */
          pb_line_t tmp = { 0 };
          tmp.runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_glyph_run_free);
          for (int k = i; k < n; k++)
            {
              pb_para_emit_line (para, k, 0, 0, &tmp);
              f->overset_chars += pb_count_chars (tmp.text);
              g_ptr_array_set_size (tmp.runs, 0);
            }
          g_ptr_array_free (tmp.runs, TRUE);
          g_free (tmp.text);
          return;
        }
      const pb_region_t *r = &f->regions[f->region];
      pb_line_t *line = pb_emit_line (f->ctx, para, i, pb_column_x (t, r->column),
                              pb_body_baseline (f->ctx, f->line), t->column_width, role,
                              f->story->id);
      line->block = block_index;
      line->column = r->column;
      f->line++;
    }
}

static void
flow_forget_prev (pb_flow_t *f)
{
  pb_para_free (f->prev);
  f->prev = NULL;
}

static gboolean
flow_subhead (pb_flow_t *f, const pb_block_t *block, int index, GError **error)
{
  const pb_template_t *t = f->ctx->tmpl;
  const pb_style_t *s = &t->styles[PB_ROLE_SUBHEAD];
  flow_forget_prev (f);
  pb_para_t *para = pb_shape_block (f->ctx, block, s, error);
  if (!para)
    return FALSE;
  pb_measure_t m = { t->column_width, s->indent, s->align, s->size, 0 };
  int n = pb_para_break (para, &m);
  double leading = s->leading > 0 ? s->leading : 1.25 * s->size;
  double height = (n - 1) * leading + s->size;
  int lines = MAX (s->lines, pb_lines_for (f->ctx, height + t->leading - t->body_size));
  gboolean at_top = f->region < f->n_regions && f->line == f->regions[f->region].top;
  int before = at_top ? 0 : s->space_before;
  /* Keep the subhead with two lines of its paragraph. */
  if (flow_room (f) < before + lines + 2)
    {
      if (!flow_next_region (f))
        {
          f->overset_chars += pb_count_chars (block->text);
          pb_para_free (para);
          return TRUE;
        }
      before = 0;
    }
  f->line += before;
  const pb_region_t *r = &f->regions[f->region];
  double top = pb_cell_top (f->ctx, f->line) + (lines * t->leading - height) / 2;
  double base = top + PB_EM_ASCENT * s->size;
  for (int i = 0; i < n; i++, base += leading)
    {
      pb_line_t *line = pb_emit_line (f->ctx, para, i, pb_column_x (t, r->column), base,
                              t->column_width, PB_ROLE_SUBHEAD, f->story->id);
      line->block = index;
      line->column = r->column;
    }
  f->line += lines + s->space_after;
  pb_para_free (para);
  return TRUE;
}

/* Re-sets the previous paragraph with `lines` lines when it sits wholly in the current frame
 * and the result still ends in it. */
static gboolean
reflow_prev (pb_flow_t *f, int lines)
{
  const pb_template_t *t = f->ctx->tmpl;
  if (!f->prev || f->prev_region != f->region || lines < 1)
    return FALSE;
  if (f->prev_line + lines > f->regions[f->region].bottom)
    return FALSE;
  pb_measure_t m = pb_body_measure (t);
  if (!pb_para_break_exact (f->prev, &m, lines, NULL))
    return FALSE;
  g_ptr_array_remove_range (f->ctx->page->lines, f->prev_first,
                            f->ctx->page->lines->len - f->prev_first);
  f->line = f->prev_line;
  flow_lines (f, f->prev, lines, f->prev_block, PB_ROLE_BODY);
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
      if (n != 3 && reflow_prev (f, prev_n - 1))
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

/* The text and style runs of a body paragraph, the dateline run in before the first. */
static pb_prep_t *
prep_new (pb_ctx_t *ctx, const pb_block_t *block, const char *dateline)
{
  pb_prep_t *prep = g_new0 (pb_prep_t, 1);
  prep->ctx = ctx;
  int dl = dateline ? strlen (dateline) : 0;
  prep->text = g_strconcat (dateline ? dateline : "", block->text, NULL);
  prep->runs = body_runs (ctx, block, dl);
  prep->block = block;
  prep->dateline_len = dl;
  prep->bad_offset = -1;
  prep->measure = pb_body_measure (ctx->tmpl);
  return prep;
}

static void
prep_run (pb_ctx_t *ctx, pb_prep_t *prep)
{
  prep->para = pb_para_new (ctx->fonts, prep->text, (pb_style_run_t *) prep->runs->data,
                            prep->runs->len, &prep->bad_offset, &prep->error);
  if (prep->para)
    prep->n = pb_para_break (prep->para, &prep->measure);
}

gboolean
pb_same_measure (const pb_measure_t *a, const pb_measure_t *b)
{
  return a->width == b->width && a->indent == b->indent && a->align == b->align
         && a->em == b->em && a->latin_space == b->latin_space;
}

/* The paragraph, shaped and broken: from the pass ahead of the flow when it was set for this
 * measure, else now. */
static pb_para_t *
take_paragraph (pb_flow_t *f, const pb_block_t *block, int index, const char *dateline,
                int *n, GError **error)
{
  pb_measure_t m = pb_body_measure (f->ctx->tmpl);
  GPtrArray *preps = g_hash_table_lookup (f->ctx->preps, f->story->id);
  pb_prep_t *own = NULL, *prep = preps ? preps->pdata[index] : NULL;
  if (!prep || !pb_same_measure (&prep->measure, &m) || (!prep->para && !prep->error))
    {
      prep = own = prep_new (f->ctx, block, dateline);
      prep_run (f->ctx, prep);
    }
  pb_para_t *para = g_steal_pointer (&prep->para);
  *n = prep->n;
  if (!para)
    {
      /* A character no font has is named where it stands in its Markdown file. */
      int at = prep->bad_offset - prep->dateline_len;
      pb_loc_t loc = at >= 0 ? pb_block_loc_at (block, at) : block->loc;
      pb_set_error_at (error, prep->error->code, loc, "%s", prep->error->message);
    }
  pb_prep_free (own);
  return para;
}

static gboolean
flow_paragraph (pb_flow_t *f, const pb_block_t *block, int index, const char *dateline,
                GError **error)
{
  const pb_template_t *t = f->ctx->tmpl;
  int n = 0;
  pb_para_t *para = take_paragraph (f, block, index, dateline, &n, error);
  if (!para)
    return FALSE;
  pb_measure_t m = pb_body_measure (t);
  n = avoid_lone_lines (f, para, n, &m);
  if (flow_room (f) <= 0)
    flow_next_region (f);
  int region = f->region, line = f->line;
  guint first = f->ctx->page->lines->len;
  flow_lines (f, para, n, index, PB_ROLE_BODY);
  flow_forget_prev (f);
  f->prev = para;
  f->prev_block = index;
  f->prev_region = region;
  f->prev_line = line;
  f->prev_first = first;
  return TRUE;
}

static gboolean
flow_story (pb_flow_t *f, GError **error)
{
  const pb_story_t *story = f->story;
  gboolean first_para = TRUE;
  for (guint i = 0; i < story->blocks->len; i++)
    {
      const pb_block_t *block = story->blocks->pdata[i];
      gboolean ok;
      if (block->kind == PB_BLOCK_SUBHEAD)
        ok = flow_subhead (f, block, i, error);
      else
        {
          ok = flow_paragraph (f, block, i, first_para ? story->dateline : NULL, error);
          first_para = FALSE;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

pb_chain_t *
pb_chain_for (pb_ctx_t *ctx, const pb_story_t *story)
{
  pb_chain_t *chain = g_hash_table_lookup (ctx->chains, story->id);
  if (!chain)
    {
      chain = g_new0 (pb_chain_t, 1);
      chain->story = story;
      chain->parts = g_ptr_array_new_with_free_func (g_free);
      chain->regions = g_array_new (FALSE, FALSE, sizeof (pb_region_t));
      g_hash_table_insert (ctx->chains, story->id, chain);
      g_ptr_array_add (ctx->chain_order, chain);
    }
  return chain;
}

void
pb_chain_free (pb_chain_t *chain)
{
  g_ptr_array_free (chain->parts, TRUE);
  g_array_free (chain->regions, TRUE);
  g_free (chain);
}

static void
prep_one (int i, gpointer data)
{
  GPtrArray *preps = data;
  pb_prep_t *prep = preps->pdata[i];
  prep_run (prep->ctx, prep);
}

/* Shapes and breaks every body paragraph of every story placed on these pages, on all
 * processors, before anything is placed: that is most of the layout's work, and a paragraph's
 * lines do not depend on where it lands (placement and the flow use these results; only the
 * few paragraphs moved for widow control are broken again). The results do not depend on the
 * number of threads. Each story is set for the template of the first page it is on. */
void
pb_prepare_stories (pb_ctx_t *ctx)
{
  GPtrArray *all = g_ptr_array_new ();
  for (guint i = 0; i < ctx->issue->pages->len; i++)
    {
      const pb_page_t *plan = ctx->issue->pages->pdata[i];
      for (guint k = 0; !plan->elsewhere && k < plan->items->len; k++)
        {
          const pb_item_t *item = plan->items->pdata[k];
          if (item->kind != PB_ITEM_STORY || g_hash_table_contains (ctx->preps, item->story_id))
            continue;
          const pb_story_t *story = g_hash_table_lookup (ctx->issue->story_by_id, item->story_id);
          ctx->tmpl = plan->tmpl;
          GPtrArray *preps = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_prep_free);
          gboolean first = TRUE;
          for (guint b = 0; b < story->blocks->len; b++)
            {
              const pb_block_t *block = story->blocks->pdata[b];
              pb_prep_t *prep = NULL;
              if (block->kind == PB_BLOCK_PARA)
                {
                  prep = prep_new (ctx, block, first ? story->dateline : NULL);
                  g_ptr_array_add (all, prep);
                  first = FALSE;
                }
              g_ptr_array_add (preps, prep);
            }
          g_hash_table_insert (ctx->preps, story->id, preps);
        }
    }
  pb_parallel_for (all->len, 16, prep_one, all);
  g_ptr_array_free (all, TRUE);
}

/* Where a story leaves one page for another, the last line of the part it leaves takes
 * 下转第X版 and the first line of the part it enters takes 上接第X版. */
static void
reserve_jump_lines (pb_chain_t *chain)
{
  pb_region_t *regions = (pb_region_t *) chain->regions->data;
  for (guint i = 0; i + 1 < chain->regions->len; i++)
    {
      pb_region_t *from = &regions[i], *to = &regions[i + 1];
      pb_part_t *a = chain->parts->pdata[from->part], *b = chain->parts->pdata[to->part];
      if (from->part == to->part || a->page == b->page)
        continue;
      a->jump_out_column = from->column;
      a->jump_out_line = --from->bottom;
      b->jump_in_line = to->top++;
    }
}

static void
place_jump_line (pb_ctx_t *ctx, const pb_story_t *story, pb_part_t *part, int column, int line,
                 const char *fmt, int number, pb_align_t align)
{
  ctx->page = part->page;
  ctx->tmpl = part->page->tmpl;
  ctx->grid_offset = part->grid_offset;
  const pb_template_t *t = ctx->tmpl;
  pb_style_t style = t->styles[PB_ROLE_JUMP];
  style.align = align;
  g_autofree char *text = g_strdup_printf (fmt, number);
  pb_para_t *para = pb_shape_text (ctx, text, NULL, 0, &style, story->loc, NULL);
  if (!para)
    return;
  pb_measure_t m = { t->column_width, 0, align, style.size, 0 };
  pb_para_break (para, &m);
  pb_line_t *l = pb_emit_line (ctx, para, 0, pb_column_x (t, column), pb_body_baseline (ctx, line),
                       t->column_width, PB_ROLE_JUMP, story->id);
  l->column = column;
  l->link_page = number;
  pb_para_free (para);
}

static void
finish_chain (pb_ctx_t *ctx, pb_chain_t *chain, int overset)
{
  const pb_story_t *story = chain->story;
  for (guint k = 1; k < chain->parts->len; k++)
    {
      pb_part_t *a = chain->parts->pdata[k - 1], *b = chain->parts->pdata[k];
      if (!b->reached)
        {
          g_ptr_array_add (ctx->warnings,
                           g_strdup_printf ("%s:%d:%d: story \"%s\" does not reach its "
                                            "continuation on page %d", b->item->loc.file,
                                            b->item->loc.line, b->item->loc.col, story->id,
                                            b->page->number));
          continue;
        }
      if (a->jump_out_line >= 0)
        place_jump_line (ctx, story, a, a->jump_out_column, a->jump_out_line, "（下转第%d版）",
                         b->page->number, PB_ALIGN_RIGHT);
      if (b->jump_in_line >= 0)
        {
          const pb_region_t *first = NULL;
          for (guint i = 0; i < chain->regions->len && !first; i++)
            if (g_array_index (chain->regions, pb_region_t, i).part == (int) k)
              first = &g_array_index (chain->regions, pb_region_t, i);
          place_jump_line (ctx, story, b, first->column, b->jump_in_line, "（上接第%d版）",
                           a->page->number, PB_ALIGN_LEFT);
        }
    }
  pb_part_t *last = chain->parts->pdata[chain->parts->len - 1];
  /* Headlines or a caption that did not fit their item count as well. */
  last->placed->overset_chars += overset;
  overset = last->placed->overset_chars;
  if (overset > 0)
    g_ptr_array_add (ctx->warnings,
                     g_strdup_printf ("%s:%d:%d: story \"%s\" is overset by %d characters on "
                                      "page %d", last->item->loc.file, last->item->loc.line,
                                      last->item->loc.col, story->id, overset,
                                      last->page->number));
}

/* Grid lines the story's body takes, from the paragraphs set ahead (an estimate: widow
 * control may move a line or two). */
int
pb_story_lines (pb_ctx_t *ctx, const pb_story_t *story, const pb_template_t *t)
{
  GPtrArray *preps = g_hash_table_lookup (ctx->preps, story->id);
  const pb_style_t *sub = &t->styles[PB_ROLE_SUBHEAD];
  int lines = 0;
  for (guint b = 0; b < story->blocks->len; b++)
    {
      const pb_prep_t *prep = preps ? preps->pdata[b] : NULL;
      if (((pb_block_t *) story->blocks->pdata[b])->kind == PB_BLOCK_SUBHEAD)
        lines += MAX (sub->lines, 2) + sub->space_before + sub->space_after;
      else if (!prep || !prep->para)
        return -1;
      else
        lines += prep->n;
    }
  return lines;
}

/* Shortens the frames of the story's last item so that its columns end together (a balanced
 * block of text, as page makeup does by hand) when its text leaves room there. Returns whether
 * it changed anything. */
static gboolean
balance_last_part (pb_ctx_t *ctx, pb_chain_t *chain)
{
  pb_part_t *head = chain->parts->pdata[0];
  int total = pb_story_lines (ctx, chain->story, head->page->tmpl);
  if (total < 0)
    return FALSE;
  int last = chain->parts->len - 1, first_region = -1, before = 0, capacity = 0;
  pb_region_t *r = (pb_region_t *) chain->regions->data;
  for (guint i = 0; i < chain->regions->len; i++)
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
  int n = chain->regions->len - first_region, rest = total - before;
  /* A line of slack per column for widow control. */
  if (first_region < 0 || n < 2 || rest <= 0 || rest + n > capacity)
    return FALSE;
  int lowest = r[first_region].top;
  for (int i = first_region; i < (int) chain->regions->len; i++)
    lowest = MIN (lowest, r[i].top);
  for (int bottom = lowest + 1;; bottom++)
    {
      int room = 0;
      for (int i = first_region; i < (int) chain->regions->len; i++)
        room += MAX (0, MIN (r[i].bottom, bottom) - r[i].top);
      if (room >= rest + n)
        {
          for (int i = first_region; i < (int) chain->regions->len; i++)
            {
              r[i].bottom = MIN (r[i].bottom, bottom);
              r[i].balanced = TRUE;
            }
          return TRUE;
        }
    }
}

static gboolean
run_flow (pb_ctx_t *ctx, pb_chain_t *chain, int *overset, GError **error)
{
  pb_flow_t flow = { 0 };
  flow.ctx = ctx;
  flow.story = chain->story;
  flow.chain = chain;
  flow.regions = (pb_region_t *) chain->regions->data;
  flow.n_regions = chain->regions->len;
  if (flow.n_regions > 0)
    {
      flow.line = flow.regions[0].top;
      flow_enter (&flow);
    }
  gboolean ok = flow_story (&flow, error);
  flow_forget_prev (&flow);
  *overset = flow.overset_chars;
  return ok;
}

gboolean
pb_flow_chain (pb_ctx_t *ctx, pb_chain_t *chain, GError **error)
{
  reserve_jump_lines (chain);
  /* Remember the frames and what the pages held, to flow again unbalanced if the estimate
   * was short. */
  GArray *frames = g_array_copy (chain->regions);
  guint *held = g_new (guint, chain->parts->len);
  for (guint k = 0; k < chain->parts->len; k++)
    held[k] = ((pb_part_t *) chain->parts->pdata[k])->page->lines->len;
  gboolean balanced = balance_last_part (ctx, chain);
  int overset = 0;
  gboolean ok = run_flow (ctx, chain, &overset, error);
  if (ok && balanced && overset > 0)
    {
      for (guint k = 0; k < chain->parts->len; k++)
        {
          pb_part_t *part = chain->parts->pdata[k];
          g_ptr_array_set_size (part->page->lines, held[k]);
          part->reached = FALSE;
        }
      g_array_set_size (chain->regions, 0);
      g_array_append_vals (chain->regions, frames->data, frames->len);
      ok = run_flow (ctx, chain, &overset, error);
    }
  g_array_free (frames, TRUE);
  g_free (held);
  if (ok)
    finish_chain (ctx, chain, overset);
  return ok;
}
