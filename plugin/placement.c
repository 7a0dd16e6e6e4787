/* Automatic placement: the items a page gives without coordinates, measured by setting their
 * stories (an exact height, not an estimate) and placed at the highest free rectangle; a page's
 * pool arranged by the makeup search; fillers in what the items leave at the page's foot. */
#include "placement.h"
#include "photos.h"

#include <math.h>
#include "copyfit.h"
#include "fillers.h"
#include "fonts.h"
#include "frames.h"
#include "heads.h"
#include "level.h"
#include "makeup.h"
#include "pages.h"
#include "vertical.h"

/* Items placed automatically are at least this many grid lines high. */
#define PB_MIN_ITEM_LINES 3
/* Without a set height, a photo is assumed in the 3:2 of most news photos (height : width),
 * with two caption lines and a blank line under it. */
#define PB_ASSUMED_PHOTO_H 2
#define PB_ASSUMED_PHOTO_W 3
#define PB_ASSUMED_CAPTION_LINES 3
/* A photo placed by the layout is as wide as its story up to this many columns. */
#define PB_AUTO_PHOTO_FULL 3
/* Fillers are set at most this many columns wide. */
#define PB_FILLER_MAX_SPAN 3

int
pb_set_photo (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
              const pb_item_t *item, int index, int first, int span, int top, int frame_lines,
              GError **error)
{
  if (index == 0 && item->photo_group != PB_GROUP_NONE)
    return pb_place_photo_group (pc, images, story, item->photo_group, first, span, top,
                                 frame_lines, error);
  return pb_place_photo (pc, images, story, story->photos->pdata[index], first, span, top,
                         frame_lines, error);
}

pb_grid_t
pb_part_grid (const pb_part_t *part)
{
  pb_grid_t grid = pb_grid_of (part->page, part->grid_offset);
  grid.tmpl = part->tmpl;
  return grid;
}

gboolean
pb_continues_from_another_page (const pb_chain_t *chain, const pb_page_layout_t *page)
{
  const pb_part_t *last = chain->parts->len ? chain->parts->pdata[chain->parts->len - 1] : NULL;
  return last && last->page != page;
}

/* ---- automatic placement ---- */

/* Grid lines the body of `story` takes at template `t`, from the paragraphs set ahead where
 * they were set for its measure (subheads at their minimum, its byline and credit a line
 * each), or -1 with `error` set. */
static int
body_lines_needed (const pb_makeup_t *mk, const pb_story_t *story, const pb_template_t *t,
                   GError **error)
{
  int body = pb_bodies_own_lines (story, t);
  pb_measure_t m = pb_body_measure (t);
  for (guint i = 0; i < story->blocks->len; i++)
    {
      const pb_block_t *block = story->blocks->pdata[i];
      if (block->kind == PB_BLOCK_SUBHEAD)
        {
          if (!pb_bodies_runs_in (story, i, t)) /* a run-in subhead takes no line */
            body += MAX (2, t->styles[PB_ROLE_SUBHEAD].lines);
          continue;
        }
      int n = pb_bodies_block_lines (mk->bodies, story, i, t, &m, error);
      if (n < 0)
        return -1;
      body += n;
    }
  return body;
}

/* The automatic item of a whole story is measured at most this many times with its inset
 * photos placed in the middle of its text: each place depends on the height found before. */
#define PB_INSET_MEASURES 4

/* The shape of the text of `out` in its `span` columns ending at grid line `depth`, under
 * `heading` lines of headlines and the first photo (`pp`, `photo_lines` with its caption): the
 * column-lines its columns end short of `depth` (under each column's deepest end), and whether
 * a column under the photo holds no text. */
static void
text_shape (const pb_flow_out_t *out, int span, int depth, int heading, int photo_lines,
            const pb_photo_plan_t *pp, pb_story_shape_t *shape)
{
  *shape = (pb_story_shape_t) { heading + photo_lines, 0, FALSE, 0 };
  for (int c = 0; c < span; c++)
    {
      int end = -1;
      gboolean empty = TRUE;
      for (int i = 0; i < out->n_regions; i++)
        if (out->regions[i].column == c)
          {
            end = MAX (end, MAX (out->ends[i], out->regions[i].top));
            empty &= out->ends[i] <= out->regions[i].top;
          }
      shape->ragged += end < 0 ? 0 : depth - end;
      gboolean under_photo = c >= pp->first && c < pp->first + pp->span;
      shape->photo_bare |= photo_lines > 0 && under_photo && empty;
    }
}

/* How deep the story's text goes in the columns of `at` (an item at column 0 and line 0, as
 * deep as the page) under `heading` lines and its first photo (`pp`, `photo_lines`), its
 * further photos set inside the text as in an item `height` lines high (0: none); the grid
 * line under its last line, or -1; *shape (may be NULL) its shape (text_shape). */
static int
text_depth (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
            const pb_item_t *at, int heading, const pb_photo_plan_t *pp, int photo_lines,
            int height, pb_story_shape_t *shape, GError **error)
{
  g_autoptr (GArray) insets = g_array_new (FALSE, FALSE, sizeof (pb_inset_t));
  pb_item_t planned = *at;
  planned.height = height;
  if (height > 0 && !pb_plan_insets (pc, mk->images, story, &planned, at->span, heading, pp,
                                     photo_lines, insets, error))
    return -1;
  g_autoptr (GArray) regions = g_array_new (FALSE, FALSE, sizeof (pb_region_t));
  pb_item_regions (at, at->span, heading, pp, photo_lines, insets, 0, regions);
  pb_grid_t grid = pc->grid;
  pb_flow_in_t in = { story, (const pb_region_t *) regions->data, (int) regions->len, &grid, 1,
                      TRUE, 0, FALSE, pb_lifted_quotes (at) };
  pb_flow_out_t *out = pb_flow_story (&in, mk->bodies, mk->fonts, error);
  if (!out)
    return -1;
  int depth = heading + photo_lines;
  for (int i = 0; i < out->n_regions; i++)
    depth = MAX (depth, out->ends[i]);
  /* Text the item as deep as the page cannot hold: the story is deeper than the page, not as
   * deep (which a story that fills the page's last line is). */
  if (out->overset_chars > 0)
    depth = MAX (depth, at->height + 1);
  /* An inset photo under the text's end still takes its lines. */
  for (guint i = 0; i < insets->len; i++)
    {
      const pb_inset_t *p = &g_array_index (insets, pb_inset_t, i);
      if (p->taken > 0)
        depth = MAX (depth, p->top + p->taken - 1);
    }
  if (shape)
    text_shape (out, at->span, depth, heading, photo_lines, pp, shape);
  pb_flow_out_free (out);
  return depth;
}

/* Grid lines an item holding the whole story needs, found by setting it: its headlines
 * (`heading` lines), its photo and caption (or its photos as a group) as they will be set, its
 * further photos inside the text, and its body flowed into the item's columns as deep as the
 * page and levelled there, then a blank line under it; *shape (may be NULL) the rest of its
 * shape (pb_story_shape_t). */
static int
whole_story_lines (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                   const pb_item_t *item, int heading, pb_story_shape_t *shape,
                   GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int avail = t->lines - pb_page_head_lines (pc->page->plan);
  pb_photo_plan_t pp = { -1, 0, 0 };
  int photo_lines = 0;
  if (story->photos->len > 0 && !item->photo_off)
    {
      pb_page_ctx_t scratch = *pc;
      scratch.page = pb_page_new (pc->page->plan);
      pp.span = item->photo_span > 0 ? MIN (item->photo_span, item->span) : item->span;
      pp.first = item->photo_right ? item->span - pp.span : 0;
      photo_lines = pb_set_photo (&scratch, mk->images, story, item, 0, pp.first, pp.span,
                                  heading, item->photo_lines, error);
      pb_page_free (scratch.page);
      if (photo_lines < 0)
        return -1;
    }
  pb_item_t at = *item;
  at.column = 0;
  at.top = 0;
  at.height = MAX (avail, heading + photo_lines + 1);
  pb_story_shape_t found;
  int depth = text_depth (mk, pc, story, &at, heading, &pp, photo_lines, 0, &found, error);
  gboolean insets = story->photos->len > 1 && item->photo_group == PB_GROUP_NONE
                    && !item->photo_off;
  /* The photos inside the text go in the middle of it: placed in an item as high as the text
   * was found, they move the text down, and the item is measured again. */
  for (int k = 0; insets && depth >= 0 && k < PB_INSET_MEASURES; k++)
    {
      pb_story_shape_t deeper_found;
      int deeper = text_depth (mk, pc, story, &at, heading, &pp, photo_lines,
                               MIN (depth + 1, avail), &deeper_found, error);
      if (deeper <= depth)
        {
          depth = deeper < 0 ? -1 : depth;
          break;
        }
      depth = deeper;
      found = deeper_found;
    }
  if (shape && depth >= 0)
    *shape = found;
  return depth < 0 ? -1 : depth + 1;
}

/* Grid lines a continuation item needs, found by flowing the story dry through the frames of
 * its earlier items and this item's columns under its continuation head (`head` lines) as deep
 * as the page, with the jump lines they will take: as deep as the text reaches in this item,
 * levelled, and a blank line under it. */
static int
continuation_lines (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_chain_t *chain,
                    const pb_item_t *item, int head, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int avail = t->lines - pb_page_head_lines (pc->page->plan);
  int n_parts = chain->parts->len + 1;
  g_autoptr (GArray) regions = g_array_copy (chain->regions);
  for (int c = 0; c < item->span; c++)
    {
      pb_region_t r = { c, head, avail, n_parts - 1, FALSE };
      g_array_append_val (regions, r);
    }
  g_autofree pb_grid_t *grids = g_new (pb_grid_t, n_parts);
  for (int k = 0; k + 1 < n_parts; k++)
    {
      grids[k] = pb_part_grid (chain->parts->pdata[k]);
    }
  grids[n_parts - 1] = pc->grid;
  g_autofree const pb_page_layout_t **pages = g_new (const pb_page_layout_t *, n_parts);
  for (int k = 0; k + 1 < n_parts; k++)
    pages[k] = ((const pb_part_t *) chain->parts->pdata[k])->page;
  pages[n_parts - 1] = pc->page;
  pb_region_t *r = (pb_region_t *) regions->data;
  for (guint i = 0; i + 1 < regions->len; i++)
    if (r[i].part != r[i + 1].part && pages[r[i].part] != pages[r[i + 1].part])
      r[i].bottom--, r[i + 1].top++; /* 下转 and 上接 lines, as reserve_jump_lines sets them */
  pb_flow_in_t in = { chain->story, r, (int) regions->len, grids, n_parts, TRUE,
                      chain->subhead_space, FALSE, chain->lifted_quotes };
  pb_flow_out_t *out = pb_flow_story (&in, mk->bodies, mk->fonts, error);
  if (!out)
    return -1;
  int depth = 0;
  for (int i = 0; i < out->n_regions; i++)
    if (out->regions[i].part == n_parts - 1)
      depth = MAX (depth, out->ends[i]);
  /* A rest this page cannot hold is deeper than the page, not as deep (text_depth). */
  if (out->overset_chars > 0)
    depth = MAX (depth, avail + 1);
  pb_flow_out_free (out);
  return depth + 1;
}

static int lines_under_heading (const pb_makeup_t *mk, const pb_page_ctx_t *pc,
                                const pb_story_t *story, const pb_item_t *item,
                                gboolean first_part, int heading, GError **error);

/* Grid lines an item with a vertical headline needs: its body and photo in the columns left of
 * the strip, and as many as the strip needs for the headlines' lines; for a strip of as many
 * columns as its lines need, the width that makes the item lowest. */
static int
vertical_story_lines (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                      const pb_item_t *item, GError **error)
{
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (pc->page->plan);
  gboolean given = item->headline_vertical > 0;
  int best = G_MAXINT;
  for (int c = given ? item->headline_vertical : 1;
       c <= (given ? item->headline_vertical : item->span - 1); c++)
    {
      pb_item_t body = *item;
      body.span = item->span - c;
      body.headline_vertical = 0;
      int lines = lines_under_heading (mk, pc, story, &body, TRUE, 0, error);
      int strip = lines < 0 ? -1 : pb_vertical_heading_lines (pc, story, item, c, avail, error);
      if (strip < 0)
        return -1;
      best = MIN (best, MAX (lines, strip));
    }
  return MIN (best, avail);
}

/* Grid lines a story item needs at its span: its headlines, its photo and caption, and its
 * body set at the column width, plus a line of slack per column for widow control. */
static int
story_lines_needed (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_item_t *item,
                    gboolean first_part, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, item->story_id);
  int overset = 0;
  if (!first_part)
    {
      /* Under the continuation head, when the part opens one. */
      pb_chain_t *chain = g_hash_table_lookup (mk->chains, story->id);
      int overset = 0;
      int head = pb_continues_from_another_page (chain, pc->page)
                 ? pb_place_jump_heading (pc, story, item, 0, pb_span_width (t, item->span),
                                          TRUE, &overset, error)
                 : 0;
      return head < 0 ? -1 : continuation_lines (mk, pc, chain, item, head, error);
    }
  if (item->headline_vertical)
    return vertical_story_lines (mk, pc, story, item, error);
  int heading = first_part ? pb_place_heading (pc, story, item, 0,
                                               pb_span_width (t, item->span), TRUE, &overset,
                                               error)
                           : 1;
  if (heading < 0)
    return -1;
  return lines_under_heading (mk, pc, story, item, first_part, heading, error);
}

int
pb_continuation_lines_at (const pb_makeup_t *mk, const pb_page_ctx_t *pc,
                          const pb_story_t *story, int span, GError **error)
{
  pb_item_t probe = { .kind = PB_ITEM_STORY, .span = span, .story_id = story->id,
                      .auto_place = TRUE, .auto_height = TRUE, .loc = story->loc };
  return story_lines_needed (mk, pc, &probe, FALSE, error);
}

/* Grid lines a story item needs under `heading` lines of headlines (or the 上接 line). */
static int
lines_under_heading (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                     const pb_item_t *item, gboolean first_part, int heading, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  if (first_part
      && GPOINTER_TO_INT (g_hash_table_lookup (mk->story_items, story->id)) == 1)
    return whole_story_lines (mk, pc, story, item, heading, NULL, error);
  int body = body_lines_needed (mk, story, t, error);
  if (body < 0)
    return -1;
  int photo = 0, photo_span = 0;
  if (first_part && story->photos->len > 0)
    {
      photo_span = item->photo_span > 0 ? MIN (item->photo_span, item->span) : item->span;
      photo = (item->photo_lines > 0
                 ? item->photo_lines
                 : (int) ceil (pb_span_width (t, photo_span) * PB_ASSUMED_PHOTO_H
                               / PB_ASSUMED_PHOTO_W / t->leading))
              + PB_ASSUMED_CAPTION_LINES;
    }
  int per_column = (body + photo_span * photo + item->span - 1) / item->span;
  return heading + per_column + 1;
}

/* story_lines_needed for an item whose box narrows its columns: measured in the columns inside
 * the box (the box's inset lines are the caller's). */
static int
boxed_story_lines_needed (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_item_t *item,
                          gboolean first_part, GError **error)
{
  if (item->box.style == PB_BOX_NONE)
    return story_lines_needed (mk, pc, item, first_part, error);
  pb_page_ctx_t inside = *pc;
  pb_template_t *t = pb_template_in_box (pc->grid.tmpl, item->column, item->span,
                                         item->box.inset);
  g_ptr_array_add (mk->box_templates, t);
  inside.grid.tmpl = t;
  return story_lines_needed (mk, &inside, item, first_part, error);
}

static gboolean
area_free (GPtrArray *placed, int column, int span, int top, int height)
{
  for (guint i = 0; i < placed->len; i++)
    {
      const pb_item_t *q = placed->pdata[i];
      if (column < q->column + q->span && q->column < column + span && top < q->top + q->height
          && q->top < top + height)
        return FALSE;
    }
  return TRUE;
}

/* Puts `copy` at the highest, then leftmost, free rectangle of its span among `items`, `need`
 * lines high or what is left of the page. */
static gboolean
find_place (pb_item_t *copy, GPtrArray *items, const pb_template_t *t, int avail, int need)
{
  for (int top = 0; top < avail; top++)
    for (int col = 0; col + copy->span <= t->columns; col++)
      {
        int height = MIN (need, avail - top);
        if (height >= PB_MIN_ITEM_LINES && area_free (items, col, copy->span, top, height))
          {
            copy->column = col;
            copy->top = top;
            copy->height = height;
            return TRUE;
          }
      }
  return FALSE;
}

/* Places items given without coordinates: each at the highest, then leftmost, free rectangle of
 * its span, as tall as its text needs (or what is left of the page). Returns the page's items
 * with every position set (a new array of borrowed items); the copies of auto-placed items go
 * to the makeup's owned items. */
GPtrArray *
pb_resolve_items (pb_makeup_t *mk, const pb_page_ctx_t *pc, GError **error)
{
  const pb_page_t *plan = pc->page->plan;
  const pb_template_t *t = plan->tmpl;
  int avail = t->lines - pb_page_head_lines (plan);
  GPtrArray *items = g_ptr_array_new ();
  for (guint i = 0; i < plan->items->len; i++)
    {
      const pb_item_t *item = plan->items->pdata[i];
      if (!item->auto_place)
        g_ptr_array_add (items, (gpointer) item);
    }
  for (guint i = 0; i < plan->items->len; i++)
    {
      const pb_item_t *item = plan->items->pdata[i];
      if (!item->auto_place)
        continue;
      pb_item_t *copy = g_memdup2 (item, sizeof *item);
      g_ptr_array_add (mk->owned_items, copy);
      int need = item->height;
      copy->auto_height = need <= 0;
      if (need <= 0 && item->kind == PB_ITEM_GUIDE)
        need = pb_guide_lines_needed (item);
      else if (need <= 0)
        need = boxed_story_lines_needed (mk, pc, item,
                                         !g_hash_table_contains (mk->chains, item->story_id),
                                         error);
      if (need < 0)
        {
          g_ptr_array_free (items, TRUE);
          return NULL;
        }
      if (copy->auto_height && item->kind == PB_ITEM_STORY)
        need += 2 * item->box.inset; /* a box's inset lines above and below the story */
      if (!find_place (copy, items, t, avail, need))
        {
          pb_set_error_at (error, PB_ERROR_LAYOUT, item->loc,
                           "page %d has no free area of %d columns for this item", plan->number,
                           item->span);
          g_ptr_array_free (items, TRUE);
          return NULL;
        }
      g_ptr_array_add (items, copy);
    }
  return items;
}

int
pb_auto_photo_span (int span)
{
  return span <= PB_AUTO_PHOTO_FULL ? span : (2 * span + 2) / 3;
}

/* The item a story of a pool is measured in, `span` columns wide (pb_story_lines_at). */
static pb_item_t
probe_item (const pb_story_t *story, int span, int photo_lines)
{
  return (pb_item_t) { .kind = PB_ITEM_STORY, .span = span, .story_id = story->id,
                       .photo_span = pb_auto_photo_span (span),
                       .photo_lines = MAX (0, photo_lines), .photo_off = photo_lines == 0,
                       .auto_place = TRUE, .auto_height = TRUE, .loc = story->loc };
}

double
pb_story_headline_size (const pb_page_ctx_t *pc, const pb_story_t *story, int span, int steps)
{
  pb_item_t probe = probe_item (story, span, -1);
  return pb_heading_step_size (pc->grid.tmpl, &probe, steps, PB_COPYFIT_HEADLINE_STEP);
}

int
pb_story_heading_at (const pb_page_ctx_t *pc, const pb_story_t *story, int span, int steps,
                     int *overset, GError **error)
{
  pb_item_t probe = probe_item (story, span, -1);
  *overset = 0;
  if (steps != 0
      && (probe.headline_size = pb_story_headline_size (pc, story, span, steps)) <= 0)
    return PB_COPYFIT_NO_STEP;
  int heading = pb_place_heading (pc, story, &probe, 0, pb_span_width (pc->grid.tmpl, span),
                                  TRUE, overset, error);
  /* A smaller size is a choice: one at which the 主题 no longer fits is not offered. */
  return heading >= 0 && steps != 0 && *overset > 0 ? PB_COPYFIT_NO_STEP : heading;
}

int
pb_story_lines_under (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                      int span, int photo_lines, int heading, pb_story_shape_t *shape,
                      GError **error)
{
  pb_item_t probe = probe_item (story, span, photo_lines);
  return whole_story_lines (mk, pc, story, &probe, heading, shape, error);
}

int
pb_story_lines_at (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                   int span, int photo_lines, int heading_space, pb_story_shape_t *shape,
                   GError **error)
{
  int overset = 0;
  int heading = pb_story_heading_at (pc, story, span, 0, &overset, error);
  int lines = heading < 0 ? -1 : pb_story_lines_under (mk, pc, story, span, photo_lines,
                                                       heading + heading_space, shape, error);
  if (shape)
    shape->heading_overset = overset;
  return lines;
}

/* The filler measured at `span` columns on the page (pb_story_lines_at), once for each span, page
 * depth and template: the same filler is weighed for every free area of every page. FALSE with
 * `error` set when setting it fails. */
static gboolean
filler_size (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story, int span,
             pb_filler_size_t *size, GError **error)
{
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (pc->page->plan);
  g_autofree char *key = g_strdup_printf ("%s %d %d %p", story->id, span, avail,
                                          (const void *) pc->grid.tmpl);
  const pb_filler_size_t *known = g_hash_table_lookup (mk->filler_sizes, key);
  if (known)
    {
      *size = *known;
      return TRUE;
    }
  *size = (pb_filler_size_t) { 0 };
  pb_story_shape_t shape;
  if ((size->lines = pb_story_lines_at (mk, pc, story, span, -1, 0, &shape, error)) < 0)
    return FALSE;
  size->empty = shape.ragged;
  g_hash_table_insert (mk->filler_sizes, g_steal_pointer (&key), g_memdup2 (size, sizeof *size));
  return TRUE;
}

/* Fills one free area with the fillers that fill most of it, stacked in the pool's order;
 * the lines they leave are shared out among them, each copyfitted to its share. */
static gboolean
fill_area (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_free_area_t *area,
           GPtrArray *items, GError **error)
{
  int n = mk->fillers->len;
  g_autofree pb_filler_size_t *sizes = g_new0 (pb_filler_size_t, MAX (n, 1));
  for (int i = 0; i < n; i++)
    if (!filler_size (mk, pc, mk->fillers->pdata[i], area->span, &sizes[i], error))
      return FALSE;
  /* Each height holds the blank line under the filler; at the foot of the type area the last
   * one's falls outside it. */
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (pc->page->plan);
  int room = area->height + (area->top + area->height == avail);
  g_autoptr (GArray) chosen = pb_fill_choose (sizes, n, room);
  g_autoptr (GPtrArray) used = g_ptr_array_new ();
  int spare = room, top = area->top, count = chosen->len;
  for (int k = 0; k < count; k++)
    spare -= g_array_index (chosen, pb_fill_choice_t, k).lines;
  for (int k = 0; k < count; k++)
    {
      const pb_fill_choice_t *c = &g_array_index (chosen, pb_fill_choice_t, k);
      const pb_story_t *story = mk->fillers->pdata[c->index];
      /* What the fillers leave is shared out among them, each copyfitted to its share. */
      int extra = spare * (k + 1) / count - spare * k / count;
      pb_item_t *it = g_new0 (pb_item_t, 1);
      *it = (pb_item_t) { .kind = PB_ITEM_STORY, .column = area->column, .span = area->span,
                          .photo_span = pb_auto_photo_span (area->span), .top = top,
                          .story_id = story->id, .auto_place = TRUE,
                          .auto_height = extra == 0 && c->lines == sizes[c->index].lines,
                          .loc = story->loc };
      it->height = MIN (c->lines + extra, area->top + area->height - top);
      top += it->height;
      g_ptr_array_add (mk->owned_items, it);
      g_ptr_array_add (items, it);
      g_ptr_array_add (used, (gpointer) story);
      g_hash_table_insert (mk->story_items, story->id, GINT_TO_POINTER (1));
      g_hash_table_insert (mk->story_pages, story->id, GINT_TO_POINTER (pc->page->number));
    }
  for (guint k = 0; k < used->len; k++)
    g_ptr_array_remove (mk->fillers, used->pdata[k]);
  return TRUE;
}

/* What the page's items leave free at its foot, filled with the pool's fillers. */
gboolean
pb_add_fillers (pb_makeup_t *mk, const pb_page_ctx_t *pc, GPtrArray *items, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int avail = t->lines - pb_page_head_lines (pc->page->plan);
  if (mk->fillers->len == 0)
    return TRUE;
  g_autoptr (GArray) areas = pb_free_areas (items, t->columns, avail, PB_MIN_ITEM_LINES);
  for (guint a = 0; a < areas->len; a++)
    {
      /* A wide area takes fillers side by side, as briefs are set. */
      pb_free_area_t area = g_array_index (areas, pb_free_area_t, a);
      int parts = (area.span + PB_FILLER_MAX_SPAN - 1) / PB_FILLER_MAX_SPAN;
      for (int k = 0, column = area.column; k < parts; k++)
        {
          pb_free_area_t part = area;
          part.column = column;
          part.span = (area.span - (column - area.column)) / (parts - k);
          column += part.span;
          if (!fill_area (mk, pc, &part, items, error))
            return FALSE;
        }
    }
  return TRUE;
}
