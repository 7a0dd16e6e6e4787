/* The frames of a story item's text on its page (frames.h): the columns under its headlines and
 * photo, split around the photos set inside the text, and the rules between its columns. */
#include "frames.h"

#include <string.h>
#include "elements.h"
#include "photos.h"

/* The column rules' width, and the thin rules over and under a pull quote set inside the
 * text. */
#define PB_COLUMN_RULE_WIDTH 0.5
#define PB_QUOTE_RULE_WIDTH 0.5
/* A boxed pull quote takes this many grid lines more than its text, for the frame's room. */
#define PB_QUOTE_BOX_LINES 1
/* A boxed pull quote's text stands this many body ems inside the box's sides. */
#define PB_QUOTE_BOX_MARGIN_EM 1

/* Where the text of page column `c` of the item starts: under the headlines, and under the
 * photo and its caption in the photo's columns. */
static int
text_top (int c, int body_top, const pb_photo_plan_t *pp, int photo_lines)
{
  gboolean under_photo = pp->span > 0 && c >= pp->first && c < pp->first + pp->span;
  return body_top + (under_photo ? photo_lines : 0);
}

/* The frames of the item's first `span` columns: under the headlines, and under the photo and
 * its caption in the photo's columns, down to the item's foot; a column an inset photo covers
 * has a frame above it and one under it. */
void
pb_item_regions (const pb_item_t *item, int span, int body_top, const pb_photo_plan_t *pp,
                 int photo_lines, const GArray *insets, int part, GArray *into)
{
  int bottom = item->top + item->height;
  for (int c = item->column; c < item->column + span; c++)
    {
      int top = text_top (c, body_top, pp, photo_lines);
      /* Insets are planned top to bottom within a column (pb_plan_insets). */
      for (guint i = 0; insets && i < insets->len; i++)
        {
          const pb_inset_t *in = &g_array_index (insets, pb_inset_t, i);
          if (in->taken == 0 || c < in->column || c >= in->column + in->span)
            continue;
          pb_region_t r = { c, top, MIN (bottom, MAX (top, in->top - PB_INSET_SPACE)), part,
                            FALSE };
          if (r.top < r.bottom)
            g_array_append_val (into, r);
          top = MAX (top, in->top + in->taken);
        }
      pb_region_t r = { c, top, bottom, part, FALSE };
      if (r.top < r.bottom)
        g_array_append_val (into, r);
    }
}

/* Where the issue puts inset photo `k` (of the story's photos after the first), or, when it
 * gives no place, one column at the right of the item's first `span` columns from the right
 * (one a column, in turn), in the middle of the text under the headlines and photo. */
static void
inset_place (const pb_item_t *item, int span, int k, int text_from, int taken, int *column,
             int *pspan, int *top)
{
  const pb_inset_photo_t *given = item->inset_photos && k < (int) item->inset_photos->len
                                  ? &g_array_index (item->inset_photos, pb_inset_photo_t, k)
                                  : NULL;
  if (given)
    {
      *column = item->column + given->column;
      *pspan = MIN (given->span, span - given->column);
      *top = item->top + given->line;
      return;
    }
  *column = item->column + span - 1 - k % span;
  *pspan = 1;
  int bottom = item->top + item->height;
  *top = text_from + MAX (PB_INSET_SPACE, (bottom - text_from - taken) / 2);
}

/* Where the text starts in columns [column, column + span) of the item: under the headlines,
 * the first photo in its columns and the insets of `out` planned before there. */
static int
text_from (int column, int span, int body_top, const pb_photo_plan_t *pp, int photo_lines,
           const GArray *out)
{
  int from = body_top;
  for (int c = column; c < column + span; c++)
    from = MAX (from, text_top (c, body_top, pp, photo_lines));
  for (guint j = 0; j < out->len; j++)
    {
      const pb_inset_t *o = &g_array_index (out, pb_inset_t, j);
      if (o->taken > 0 && column < o->column + o->span && o->column < column + span)
        from = MAX (from, o->top + o->taken);
    }
  return from;
}

int
pb_lifted_quotes (const pb_item_t *item)
{
  return item->pull_quotes ? (int) item->pull_quotes->len : 0;
}

/* The pull quote's text broken at its words and balanced at the measure of `span` columns
 * (less the box's margins when boxed); its lines in *n, its width in *measure and the grid
 * lines it takes between its rules or inside its box in *lines. NULL with `error` set. */
static pb_display_t *
quote_text (const pb_page_ctx_t *pc, const pb_block_t *block, const pb_pull_quote_t *q,
            int span, int *n, double *measure, int *lines, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_style_t *s = &t->styles[PB_ROLE_PULLQUOTE];
  pb_display_t *text = pb_display_new_block (pc->fonts, block, s, error);
  if (!text)
    return NULL;
  *measure = pb_span_width (t, span)
             - (q->box != PB_BOX_NONE ? 2 * PB_QUOTE_BOX_MARGIN_EM * t->body_size : 0);
  pb_measure_t m = pb_display_measure (t, s, PB_ROLE_PULLQUOTE, *measure);
  *n = pb_display_break (text, &m);
  double height = (*n - 1) * pb_style_leading (s) + s->size;
  *lines = MAX (s->lines, pb_lines_for (t, height + t->leading - t->body_size))
           + (q->box != PB_BOX_NONE ? PB_QUOTE_BOX_LINES : 0);
  return text;
}

/* The block of the story's `k`-th pull quote; -1 when it has fewer. */
static int
quote_block (const pb_story_t *story, int k)
{
  for (guint b = 0; b < story->blocks->len; b++)
    if (((const pb_block_t *) story->blocks->pdata[b])->kind == PB_BLOCK_QUOTE && k-- == 0)
      return b;
  return -1;
}

/* The places of the pull quotes the item lifts out of the flow (after the photos in `out`). */
static gboolean
plan_quotes (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
             int span, int body_top, const pb_photo_plan_t *pp, int photo_lines, GArray *out,
             GError **error)
{
  int bottom = item->top + item->height;
  for (int k = 0; k < pb_lifted_quotes (item); k++)
    {
      const pb_pull_quote_t *q = &g_array_index (item->pull_quotes, pb_pull_quote_t, k);
      pb_inset_t in = { -1, 0, MIN (q->span, span - q->column), 0, 0, 0, k,
                        quote_block (story, k) };
      in.column = item->column + (q->placed ? q->column : MAX (0, (span - in.span) / 2));
      if (in.span <= 0 || in.block < 0)
        {
          /* In the columns of a vertical headline: left out. */
          g_array_append_val (out, in);
          continue;
        }
      int n;
      double measure;
      pb_display_t *text = quote_text (pc, story->blocks->pdata[in.block], q, in.span, &n,
                                       &measure, &in.frame, error);
      if (!text)
        return FALSE;
      pb_display_free (text);
      int taken = in.frame + 1; /* a blank line under it */
      int from = text_from (in.column, in.span, body_top, pp, photo_lines, out);
      in.top = q->placed ? item->top + q->line
                         : from + MAX (PB_INSET_SPACE, (bottom - from - taken) / 2);
      in.taken = in.top < from || in.top + taken > bottom ? 0 : taken;
      g_array_append_val (out, in);
    }
  return TRUE;
}

gboolean
pb_place_quote (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
                const pb_inset_t *in, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_style_t *s = &t->styles[PB_ROLE_PULLQUOTE];
  const pb_pull_quote_t *q = &g_array_index (item->pull_quotes, pb_pull_quote_t, in->quote);
  int n, lines;
  double measure;
  pb_display_t *text = quote_text (pc, story->blocks->pdata[in->block], q, in->span, &n,
                                   &measure, &lines, error);
  if (!text)
    return FALSE;
  double x = pb_column_x (t, in->column), w = pb_span_width (t, in->span);
  double top = pb_grid_cell_top (&pc->grid, in->top);
  double bottom = pb_grid_cell_top (&pc->grid, in->top + lines);
  double height = (n - 1) * pb_style_leading (s) + s->size;
  double base = top + (bottom - top - height) / 2 + PB_EM_ASCENT * s->size;
  GPtrArray *into = pc->page->lines;
  pb_display_emit (into, t, text, s, x + (w - measure) / 2, base, measure, PB_ROLE_PULLQUOTE,
                   story->id);
  for (guint i = into->len - n; i < into->len; i++)
    {
      pb_line_t *line = into->pdata[i];
      line->block = in->block;
      line->column = in->span == 1 ? in->column : -1;
    }
  pb_display_free (text);
  if (q->box != PB_BOX_NONE)
    {
      pb_box_t *box = g_new0 (pb_box_t, 1);
      box->rect = (pb_rect_t) { x, top, w, bottom - top };
      box->style = q->box;
      box->color = t->rule_color;
      box->kind = PB_FRAME_QUOTE;
      g_ptr_array_add (pc->page->boxes, box);
      return TRUE;
    }
  const double ys[] = { top, bottom };
  for (guint i = 0; i < G_N_ELEMENTS (ys); i++)
    {
      pb_rule_t *rule = g_new (pb_rule_t, 1);
      *rule = (pb_rule_t) { x, ys[i], x + w, ys[i], PB_QUOTE_RULE_WIDTH, t->rule_color };
      g_ptr_array_add (pc->page->rules, rule);
    }
  return TRUE;
}

/* pb_plan_insets: a photo starts under the text's top in its columns and under the photos
 * placed before it there, so that the places in each column run top to bottom (a given place
 * above an earlier photo of its columns is left out). */
gboolean
pb_plan_insets (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                const pb_item_t *item, int span, int body_top, const pb_photo_plan_t *pp,
                int photo_lines, GArray *out, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int bottom = item->top + item->height;
  /* A group holds them all. */
  for (guint i = 1; item->photo_group == PB_GROUP_NONE && !item->photo_off
                    && i < story->photos->len; i++)
    {
      int k = i - 1, column, pspan, top;
      gboolean given = item->inset_photos && k < (int) item->inset_photos->len;
      int fixed = given ? g_array_index (item->inset_photos, pb_inset_photo_t, k).lines : 0;
      inset_place (item, span, k, body_top, 0, &column, &pspan, &top);
      if (pspan <= 0)
        {
          /* In the columns of a vertical headline: left out. */
          pb_inset_t out_of_text = { i, column, 0, top, 0, 0, 0, 0 };
          g_array_append_val (out, out_of_text);
          continue;
        }
      int frame = pb_photo_frame_lines (t, images, story->photos->pdata[i], pspan, fixed,
                                        error);
      int taken = frame < 0 ? -1
                            : pb_photo_taken (pc, images, story, story->photos->pdata[i],
                                              column, pspan, fixed, error);
      if (taken < 0)
        return FALSE;
      int from = text_from (column, pspan, body_top, pp, photo_lines, out);
      inset_place (item, span, k, from, taken, &column, &pspan, &top);
      pb_inset_t in = { i, column, pspan, top, frame, taken, 0, 0 };
      if (top < from || top + taken > bottom)
        in.taken = 0;
      g_array_append_val (out, in);
    }
  return plan_quotes (pc, story, item, span, body_top, pp, photo_lines, out, error);
}

/* Whether the item's columns are parted by rules: its own choice, else its template's. */
gboolean
pb_wants_column_rules (const pb_item_t *item, const pb_template_t *t)
{
  return item->column_rules == PB_RULES_ON
         || (item->column_rules == PB_RULES_TEMPLATE && t->column_rules);
}

/* Column rules (栏线) down the middle of the gutters between the item's first `span` columns,
 * beside the frames of its text (`regions` from index `from`): none across the headlines or a
 * photo over both columns, none in the blank line at the item's foot. */
void
pb_add_column_rules (const pb_page_ctx_t *pc, const pb_item_t *item, int span,
                     const GArray *regions, guint from)
{
  const pb_template_t *t = pc->grid.tmpl;
  int bottom = item->top + item->height;
  g_autofree gboolean *beside = g_new (gboolean, MAX (item->height, 1));
  for (int c = item->column; c + 1 < item->column + span; c++)
    {
      memset (beside, 0, sizeof (gboolean) * item->height);
      for (guint i = from; i < regions->len; i++)
        {
          const pb_region_t *r = &g_array_index (regions, pb_region_t, i);
          if (r->column == c || r->column == c + 1)
            for (int l = MAX (r->top, item->top); l < MIN (r->bottom, bottom); l++)
              beside[l - item->top] = TRUE;
        }
      double x = pb_column_x (t, c + 1) - t->gutter / 2;
      for (int l = 0; l < item->height;)
        {
          int end = l;
          while (end < item->height && beside[end])
            end++;
          if (end > l)
            {
              /* The rule stops half a line short of the item's foot: the next item's rule. */
              double y0 = pb_grid_cell_top (&pc->grid, item->top + l);
              double y1 = pb_grid_cell_top (&pc->grid, item->top + end)
                          - (end == item->height ? t->leading / 2 : 0);
              pb_rule_t *rule = g_new (pb_rule_t, 1);
              *rule = (pb_rule_t) { x, y0, x, y1, PB_COLUMN_RULE_WIDTH, t->rule_color };
              g_ptr_array_add (pc->page->rules, rule);
            }
          l = end + 1;
        }
    }
}

