/* Page makeup: the public verb pb_layout_issue and its phases. Each page gets its masthead or
 * folio, its items (those given without coordinates placed first), the elements its items show
 * by themselves (elements.c), and frames for the stories' bodies; then each story flows through
 * its frames across pages (flow.c), and jump lines join the pages it continues on. */
#include "layout.h"

#include <math.h>
#include <string.h>
#include "arrange.h"
#include "bodies.h"
#include "copyfit.h"
#include "distribute.h"
#include "fillers.h"
#include "elements.h"
#include "photos.h"
#include "level.h"
#include "frames.h"
#include "heads.h"
#include "tables.h"
#include "fonts.h"
#include "pages.h"
#include "placement.h"
#include "pools.h"
#include "vertical.h"

/* The hairline that parts a story from what stands above it. */
#define PB_ITEM_RULE_WIDTH 0.5
/* Column widths of a story's parts may differ by this much (pt) and count as the same. */
#define PB_SAME_WIDTH 0.01

/* ---- story items ---- */

static void
part_free (pb_part_t *part)
{
  if (part->head)
    pb_page_free (part->head);
  g_free (part);
}

static pb_chain_t *
chain_for (pb_makeup_t *mk, const pb_story_t *story)
{
  pb_chain_t *chain = g_hash_table_lookup (mk->chains, story->id);
  if (!chain)
    {
      chain = g_new0 (pb_chain_t, 1);
      chain->story = story;
      chain->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
      chain->regions = g_array_new (FALSE, FALSE, sizeof (pb_region_t));
      g_hash_table_insert (mk->chains, story->id, chain);
      g_ptr_array_add (mk->chain_order, chain);
    }
  return chain;
}

static void
chain_free (pb_chain_t *chain)
{
  g_ptr_array_free (chain->parts, TRUE);
  g_array_free (chain->regions, TRUE);
  g_free (chain);
}

static void
add_rule_above (const pb_page_ctx_t *pc, const pb_item_t *item, double x, double width)
{
  if (item->top == 0)
    return;
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  double y = pb_grid_cell_top (&pc->grid, item->top);
  *rule = (pb_rule_t) { x, y, x + width, y, PB_ITEM_RULE_WIDTH, pc->grid.tmpl->rule_color };
  g_ptr_array_add (pc->page->rules, rule);
}

static void
item_warning (const pb_page_ctx_t *pc, const pb_item_t *item, const pb_story_t *story,
              const char *what, int lines)
{
  g_ptr_array_add (pc->warnings,
                   g_strdup_printf ("%s:%d:%d: story \"%s\": %s %d grid lines, its item on "
                                    "page %d has %d: left out", item->loc.file,
                                    item->loc.line, item->loc.col, story->id, what, lines,
                                    pc->page->number, item->height));
}

/* `scratch` when what was set on it ends by the item's foot (`last` is its last grid line):
 * nothing is drawn outside an item. Else its characters count as overset, a warning says what
 * `what` needed, it is dropped and NULL returned. */
static pb_page_layout_t *
fits_item (const pb_page_ctx_t *pc, pb_page_layout_t *scratch, const pb_item_t *item,
           const pb_story_t *story, int last, const char *what, int *overset)
{
  if (last > item->top + item->height)
    {
      *overset += pb_lines_chars (scratch->lines);
      item_warning (pc, item, story, what, last - item->top);
      pb_page_free (scratch);
      return NULL;
    }
  return scratch;
}

/* What was set on `scratch` goes to the page when it fits the item (fits_item). Returns
 * whether it was kept. */
static gboolean
keep_within_item (const pb_page_ctx_t *pc, pb_page_layout_t *scratch, const pb_item_t *item,
                  const pb_story_t *story, int last, const char *what, int *overset)
{
  if (!(scratch = fits_item (pc, scratch, item, story, last, what, overset)))
    return FALSE;
  pb_scratch_commit (pc->page, scratch);
  return TRUE;
}

/* The story's headlines (with `continued`, the continuation head of a later part) across the
 * item, set on a scratch page that *head receives when they fit the item (the blank line under
 * them may fall outside). Returns the grid lines they take (0 when left out), or -1. */
static int
place_story_heading (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
                     gboolean continued, double x, double width, pb_page_layout_t **head,
                     int *overset, GError **error)
{
  pb_page_ctx_t scratch = *pc;
  scratch.page = pb_page_new (pc->page->plan);
  int heading = continued ? pb_place_jump_heading (&scratch, story, item, x, width, FALSE,
                                                   overset, error)
                          : pb_place_heading (&scratch, story, item, x, width, FALSE, overset,
                                              error);
  if (heading < 0)
    {
      pb_page_free (scratch.page);
      return -1;
    }
  *head = fits_item (pc, scratch.page, item, story, item->top + heading - 1,
                     continued ? "its continuation head needs" : "its headlines need", overset);
  return *head ? heading : 0;
}

/* The story's photo `index` and its caption at grid line `top`, kept when they fit the item.
 * Returns the grid lines taken (0 when left out), or -1. */
static int
place_story_photo (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                   const pb_item_t *item, int index, int first, int span, int top,
                   int frame_lines, int *overset, GError **error)
{
  pb_page_ctx_t scratch = *pc;
  scratch.page = pb_page_new (pc->page->plan);
  int lines = pb_set_photo (&scratch, images, story, item, index, first, span, top, frame_lines,
                         error);
  if (lines < 0)
    {
      pb_page_free (scratch.page);
      return -1;
    }
  return keep_within_item (pc, scratch.page, item, story, top + lines - 1,
                           "its photo and caption need", overset) ? lines : 0;
}

/* A story continued from another page must keep its column width. */
static gboolean
check_continuation (const pb_page_ctx_t *pc, const pb_chain_t *chain, const pb_item_t *item,
                    GError **error)
{
  const pb_part_t *head = chain->parts->pdata[0];
  if (fabs (head->tmpl->column_width - pc->grid.tmpl->column_width) <= PB_SAME_WIDTH)
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, item->loc,
                   "story \"%s\" continues on page %d in columns of another width than on "
                   "page %d", chain->story->id, pc->page->number, head->page->number);
  return FALSE;
}



/* The photo over the item's first `span` columns (those left of a vertical headline). */
static gboolean
plan_photo (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
            const pb_item_t *item, int span, pb_photo_plan_t *pp, GError **error)
{
  *pp = (pb_photo_plan_t) { -1, 0, 0 };
  if (story->photos->len == 0 || item->photo_off)
    return TRUE;
  pp->span = item->photo_span > 0 ? MIN (item->photo_span, span) : span;
  pp->first = item->photo_right ? item->column + span - pp->span : item->column;
  pp->frame = item->photo_group != PB_GROUP_NONE
              ? pb_photo_group_frame_lines (pc->grid.tmpl, mk->images, story, item->photo_group,
                                            pp->span, item->photo_lines, error)
              : pb_photo_frame_lines (pc->grid.tmpl, mk->images, story->photos->pdata[0],
                                      pp->span, item->photo_lines, error);
  return pp->frame > 0;
}

/* What a copyfitting trial needs: the story in its one fixed item. */
typedef struct {
  const pb_makeup_t *mk;
  const pb_page_ctx_t *pc;
  const pb_story_t *story;
  const pb_item_t *item;
  /* By headline size step + PB_COPYFIT_HEADLINE_STEPS: the grid lines the headlines take at
   * that size, set when first asked (0: not yet; PB_COPYFIT_NO_STEP: the step is not allowed). */
  int heading[2 * PB_COPYFIT_HEADLINE_STEPS + 1];
  pb_photo_plan_t photo;
  guint64 stacked;          /* by page column: an item starts right under this one */
  /* By photo change + PB_COPYFIT_PHOTO_MAX: the lines the photo and its caption take, set by
   * the first trial that asks (0: not yet), so the caption is set once, not once a trial. */
  int photo_lines[2 * PB_COPYFIT_PHOTO_MAX + 1];
} pb_fit_trial_t;

/* pb_copyfit_trial_fn: the story set dry in its item with the changes of `fit`. */
static gboolean
fit_trial (void *data, const pb_copyfit_t *fit, int *empty, int *overset, GError **error)
{
  pb_fit_trial_t *ft = data;
  const pb_item_t *item = ft->item;
  int *photo_lines = &ft->photo_lines[fit->photo_lines + PB_COPYFIT_PHOTO_MAX];
  if (ft->photo.span > 0 && *photo_lines == 0)
    {
      pb_page_ctx_t scratch = *ft->pc;
      scratch.page = pb_page_new (ft->pc->page->plan);
      *photo_lines = pb_set_photo (&scratch, ft->mk->images, ft->story, item, 0,
                                   ft->photo.first, ft->photo.span, item->top,
                                   ft->photo.frame + fit->photo_lines, error);
      pb_page_free (scratch.page);
      if (*photo_lines < 0)
        {
          *photo_lines = 0;
          return FALSE;
        }
    }
  int body_top = item->top + ft->heading[fit->headline_steps + PB_COPYFIT_HEADLINE_STEPS]
                 + fit->heading_lines + item->heading_space;
  g_autoptr (GArray) insets = g_array_new (FALSE, FALSE, sizeof (pb_inset_t));
  if (!pb_plan_insets (ft->pc, ft->mk->images, ft->story, item, item->span, body_top, &ft->photo,
                       *photo_lines, insets, error))
    return FALSE;
  g_autoptr (GArray) regions = g_array_new (FALSE, FALSE, sizeof (pb_region_t));
  pb_item_regions (item, item->span, body_top, &ft->photo, *photo_lines, insets, 0, regions);
  pb_flow_in_t in = { ft->story, (const pb_region_t *) regions->data, (int) regions->len,
                      &ft->pc->grid, 1, TRUE, fit->subhead_lines, TRUE,
                      pb_lifted_quotes (item) };
  pb_flow_out_t *out = pb_flow_story (&in, ft->mk->bodies, ft->mk->fonts, error);
  if (!out)
    return FALSE;
  int bottom = item->top + item->height;
  *empty = 0;
  for (int i = 0; i < out->n_regions; i++)
    {
      /* The blank line under an item stacked on another is their spacing, not empty. */
      int space = ft->stacked >> out->regions[i].column & 1 ? PB_ITEM_SPACE_LINES : 0;
      *empty += MAX (0, bottom - space - MAX (out->ends[i], out->regions[i].top));
    }
  *overset = out->overset_chars;
  pb_flow_out_free (out);
  return TRUE;
}

/* The item with its 主题 `steps` size steps from the planned size (heads.c), copied into
 * `copy`; FALSE when the template's bounds do not allow the step. */
static gboolean
item_at_step (const pb_template_t *t, const pb_item_t *item, int steps, pb_item_t *copy)
{
  *copy = *item;
  if (steps == 0)
    return TRUE;
  copy->headline_size = pb_heading_step_size (t, item, steps, PB_COPYFIT_HEADLINE_STEP);
  return copy->headline_size > 0;
}

/* The grid lines the story's headlines take on the item with the 主题 `steps` size steps from
 * the planned size, measured once (dry); PB_COPYFIT_NO_STEP when the step is out of bounds or
 * sets the 主题 over its style's lines. */
static gboolean
heading_at_step (pb_fit_trial_t *ft, int steps, int *lines, GError **error)
{
  int *at = &ft->heading[steps + PB_COPYFIT_HEADLINE_STEPS];
  if (*at == 0)
    {
      const pb_template_t *t = ft->pc->grid.tmpl;
      pb_item_t item;
      int overset = 0;
      if (!item_at_step (t, ft->item, steps, &item))
        *at = PB_COPYFIT_NO_STEP;
      else if ((*at = pb_place_heading (ft->pc, ft->story, &item, 0,
                                        pb_span_width (t, item.span), TRUE, &overset,
                                        error)) < 0)
        return FALSE;
      else if (overset > 0 && steps != 0)
        *at = PB_COPYFIT_NO_STEP;
    }
  *lines = *at;
  return TRUE;
}

/* pb_copyfit_room_t.heading_delta: the headlines' change in grid lines at a size step. */
static gboolean
heading_delta (void *data, int steps, int *delta, GError **error)
{
  pb_fit_trial_t *ft = data;
  int base = 0, lines = 0;
  if (!heading_at_step (ft, 0, &base, error) || !heading_at_step (ft, steps, &lines, error))
    return FALSE;
  *delta = lines == PB_COPYFIT_NO_STEP ? lines : lines - base;
  return TRUE;
}

static int
count_subheads (const pb_story_t *story)
{
  int n = 0;
  for (guint i = 0; i < story->blocks->len; i++)
    n += ((const pb_block_t *) story->blocks->pdata[i])->kind == PB_BLOCK_SUBHEAD;
  return n;
}

/* Copyfits a story set whole in an item whose height the plan fixed (copyfit.c): the changes
 * in *fit. */
static gboolean
fit_story (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
           const pb_item_t *item, const GPtrArray *items, pb_copyfit_t *fit, GError **error)
{
  *fit = (pb_copyfit_t) { 0 };
  /* A vertical headline's strip is as high as the item: nothing to fit there. */
  if (item->headline_vertical
      || GPOINTER_TO_INT (g_hash_table_lookup (mk->story_items, story->id)) != 1)
    return TRUE;
  const pb_template_t *t = pc->grid.tmpl;
  pb_fit_trial_t ft = { mk, pc, story, item, { 0 }, { -1, 0, 0 }, 0, { 0 } };
  /* An automatic item is as deep as its text set with a stair, and a blank line: its columns
   * are fitted to end level on the stair's deepest line, the blank line kept as spacing. */
  if (item->auto_height)
    ft.stacked = ~G_GUINT64_CONSTANT (0);
  for (guint i = 0; i < items->len; i++)
    {
      const pb_item_t *q = items->pdata[i];
      if (q->top == item->top + item->height)
        for (int c = MAX (q->column, item->column);
             c < MIN (q->column + q->span, item->column + item->span); c++)
          ft.stacked |= G_GUINT64_CONSTANT (1) << c;
    }
  int heading = 0;
  if (!heading_at_step (&ft, 0, &heading, error)
      || !plan_photo (mk, pc, story, item, item->span, &ft.photo, error))
    return FALSE;
  if (heading + item->heading_space >= item->height)
    return TRUE;
  int grow = 0;
  if (ft.photo.span > 0)
    {
      int tallest = pb_photo_max_lines (t, mk->images, story->photos->pdata[0], error);
      if (tallest < 0)
        return FALSE;
      grow = MAX (0, tallest - ft.photo.frame);
    }
  pb_copyfit_room_t room = { item->span, ft.photo.span, ft.photo.frame, grow,
                             count_subheads (story), heading_delta };
  return pb_copyfit (&room, fit_trial, &ft, fit, error);
}

/* The item inside its box's inset: a copy the makeup owns, or the item itself when it is not
 * boxed; NULL with `error` set when the inset leaves the story no line. */
static const pb_item_t *
inside_box (pb_makeup_t *mk, const pb_item_t *item, GError **error)
{
  if (item->box.style == PB_BOX_NONE)
    return item;
  if (item->height - 2 * item->box.inset < 1)
    {
      pb_set_error_at (error, PB_ERROR_LAYOUT, item->loc,
                       "story \"%s\": its box's inset of %d lines leaves no line of its %d",
                       item->story_id, item->box.inset, item->height);
      return NULL;
    }
  pb_item_t *inner = g_memdup2 (item, sizeof *item);
  inner->top += item->box.inset;
  inner->height -= 2 * item->box.inset;
  g_ptr_array_add (mk->owned_items, inner);
  return inner;
}

/* The item with its 主题 at the size copyfitting chose: a copy the makeup owns. */
static const pb_item_t *
at_fitted_size (pb_makeup_t *mk, const pb_template_t *t, const pb_item_t *item, int steps)
{
  pb_item_t *copy = g_new (pb_item_t, 1);
  item_at_step (t, item, steps, copy);
  g_ptr_array_add (mk->owned_items, copy);
  return copy;
}

/* A pull quote set inside the text (pb_place_quote); one that does not fit there is left out
 * with a warning, its characters overset. */
static gboolean
place_quote (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
             const pb_inset_t *in, int *overset, GError **error)
{
  if (in->taken > 0)
    return pb_place_quote (pc, story, item, in, error);
  if (in->block >= 0)
    *overset += pb_count_chars (((const pb_block_t *) story->blocks->pdata[in->block])->text);
  g_ptr_array_add (pc->warnings,
                   g_strdup_printf ("%s:%d:%d: story \"%s\": its pull quote %d does not fit "
                                    "inside the text of its item on page %d: left out",
                                    item->loc.file, item->loc.line, item->loc.col, story->id,
                                    in->quote + 1, pc->page->number));
  return TRUE;
}

/* The story's photos after its first and the pull quotes the item lifts out of the flow,
 * inside the text of the item's first `span` columns, each kept when it fits (plan_insets);
 * their places go to `insets`. */
static gboolean
place_insets (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
              const pb_item_t *item, int span, int body_top, const pb_photo_plan_t *pp,
              int photo_lines, GArray *insets, int *overset, GError **error)
{
  if (!pb_plan_insets (pc, mk->images, story, item, span, body_top, pp, photo_lines, insets, error))
    return FALSE;
  for (guint i = 0; i < insets->len; i++)
    {
      pb_inset_t *in = &g_array_index (insets, pb_inset_t, i);
      if (in->photo < 0)
        {
          if (!place_quote (pc, story, item, in, overset, error))
            return FALSE;
          continue;
        }
      if (in->taken == 0)
        {
          g_ptr_array_add (pc->warnings,
                           g_strdup_printf ("%s:%d:%d: story \"%s\": its photo %d does not fit "
                                            "inside the text of its item on page %d: left out",
                                            item->loc.file, item->loc.line, item->loc.col,
                                            story->id, in->photo + 1, pc->page->number));
          continue;
        }
      int lines = place_story_photo (pc, mk->images, story, item, in->photo, in->column,
                                     in->span, in->top, in->frame, overset, error);
      if (lines < 0)
        return FALSE;
      in->taken = lines;
    }
  return TRUE;
}

/* The headlines of the item's part (set on the page, or kept in *head for a continuation),
 * with the box's bar behind them when the item's box reverses them; returns their grid
 * lines, or -1. */
static int
story_heading (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
               pb_box_t *box, gboolean first_part, gboolean continued, pb_page_layout_t **head,
               int *overset, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  double x = pb_column_x (t, item->column), width = pb_span_width (t, item->span);
  if (!first_part && !continued)
    return 0;
  int heading = place_story_heading (pc, story, item, continued, x, width, head, overset,
                                     error);
  if (heading > 0 && box && item->box.bar)
    pb_reverse_heading (pc, box, item, heading, (*head)->lines);
  if (first_part && *head)
    pb_scratch_commit (pc->page, g_steal_pointer (head));
  return heading;
}

/* Places what a story item shows by itself (its box; headlines and photos on the story's first
 * item, copyfitted to a fixed item; the continuation head on a part that continues it from
 * another page) and adds the item's column frames to the story's chain (and the rules between
 * them); the body flows once all pages are made. */
/* The page as a boxed item's text sees it: the page's grid in a template whose columns stand
 * inside the box (pb_template_in_box), owned by the makeup. */
static pb_page_ctx_t
inside_box_ctx (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_item_t *outer)
{
  pb_page_ctx_t in = *pc;
  pb_template_t *t = pb_template_in_box (pc->grid.tmpl, outer->column, outer->span,
                                         outer->box.inset);
  g_ptr_array_add (mk->box_templates, t);
  in.grid.tmpl = t;
  return in;
}

static gboolean
place_story (pb_makeup_t *mk, const pb_page_ctx_t *page_pc, const pb_item_t *outer,
             const GPtrArray *items, GError **error)
{
  const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, outer->story_id);
  pb_chain_t *chain = chain_for (mk, story);
  gboolean first_part = chain->parts->len == 0;
  /* A boxed story is set inside its box's inset, in narrower columns; the box replaces the
   * rule above it. */
  gboolean in_box = outer->box.style != PB_BOX_NONE;
  const pb_item_t *item = inside_box (mk, outer, error);
  if (!item)
    return FALSE;
  pb_page_ctx_t boxed = in_box ? inside_box_ctx (mk, page_pc, outer) : *page_pc;
  const pb_page_ctx_t *pc = &boxed;
  const pb_template_t *t = pc->grid.tmpl;
  double x = pb_column_x (t, item->column), width = pb_span_width (t, item->span);
  if (!first_part && !check_continuation (pc, chain, item, error))
    return FALSE;
  pb_copyfit_t fit = { 0 };
  if (first_part && !fit_story (mk, pc, story, item, items, &fit, error))
    return FALSE;
  if (fit.headline_steps != 0)
    item = at_fitted_size (mk, t, item, fit.headline_steps);
  pb_box_t *box = in_box ? pb_place_item_box (page_pc, outer) : NULL;
  if (!box)
    add_rule_above (pc, item, x, width);
  int overset = 0, heading = 0, strip = 0;
  pb_page_layout_t *head = NULL;
  /* The first part's headlines go to the page now; a continuation head once the text is known
   * to reach its part. */
  if (first_part && item->headline_vertical)
    strip = pb_place_vertical_heading (pc, story, item, &overset, error);
  else
    heading = story_heading (pc, story, item, box, first_part,
                             !first_part && pb_continues_from_another_page (chain, pc->page),
                             &head, &overset, error);
  if (heading < 0 || strip < 0)
    return FALSE;
  if (heading > 0 && first_part)
    heading += fit.heading_lines + item->heading_space;

  /* The body and photos take the columns left of a vertical headline's strip. */
  int span = item->span - strip;
  int body_top = item->top + heading, photo_lines = 0;
  pb_photo_plan_t pp = { -1, 0, 0 };
  if (first_part && !plan_photo (mk, pc, story, item, span, &pp, error))
    return FALSE;
  if (pp.span > 0)
    {
      photo_lines = place_story_photo (pc, mk->images, story, item, 0, pp.first, pp.span,
                                       body_top, pp.frame + fit.photo_lines, &overset, error);
      if (photo_lines < 0)
        return FALSE;
      if (photo_lines == 0)
        pp.span = 0;
    }
  g_autoptr (GArray) insets = g_array_new (FALSE, FALSE, sizeof (pb_inset_t));
  if (first_part && !place_insets (mk, pc, story, item, span, body_top, &pp, photo_lines, insets,
                                   &overset, error))
    return FALSE;

  pb_part_t *part = g_new0 (pb_part_t, 1);
  *part = (pb_part_t) { pc->page, pc->grid.offset, t, item, g_new0 (pb_placed_item_t, 1), -1,
                        -1, -1, head, FALSE };
  part->placed->kind = PB_ITEM_STORY;
  part->placed->story_id = story->id;
  part->placed->area = (pb_rect_t) { pb_column_x (page_pc->grid.tmpl, outer->column),
                                     pb_grid_cell_top (&pc->grid, outer->top),
                                     pb_span_width (page_pc->grid.tmpl, outer->span),
                                     outer->height * t->leading };
  part->placed->overset_chars = overset;
  part->placed->fit = fit;
  part->placed->inset = box ? outer->box.inset : 0;
  g_ptr_array_add (pc->page->items, part->placed);
  g_ptr_array_add (chain->parts, part);
  chain->subhead_space = MAX (chain->subhead_space, fit.subhead_lines);
  if (first_part)
    chain->lifted_quotes = pb_lifted_quotes (item);
  guint from = chain->regions->len;
  pb_item_regions (item, span, body_top, &pp, photo_lines, insets, (int) chain->parts->len - 1,
                chain->regions);
  if (pb_wants_column_rules (outer, t))
    pb_add_column_rules (pc, item, span, chain->regions, from);
  return TRUE;
}

/* Makes one page: its head, its items with what they show by themselves, their frames. */
static pb_page_layout_t *
make_page (pb_makeup_t *mk, const pb_page_t *plan, GError **error)
{
  pb_page_layout_t *page = pb_page_new (plan);
  pb_page_ctx_t pc = { mk->issue, mk->fonts, page, pb_grid_of (page, pb_page_head_lines (plan)),
                       mk->warnings };
  gboolean ok = plan->masthead ? pb_place_masthead (&pc, error) : pb_place_folio (&pc, error);
  GPtrArray *items = ok ? pb_resolve_items (mk, &pc, error) : NULL;
  ok = items != NULL && (!plan->in_section || pb_plan_section_page (mk, &pc, items, error))
       && pb_make_up_pool (mk, &pc, items, error) && pb_add_fillers (mk, &pc, items, error);
  if (ok)
    pb_check_pool_filled (mk, &pc, items);
  for (guint i = 0; ok && i < items->len; i++)
    {
      const pb_item_t *item = items->pdata[i];
      if (item->kind == PB_ITEM_GUIDE && mk->issue->sections->len > 0)
        {
          pb_guide_later_t *later = g_new (pb_guide_later_t, 1);
          *later = (pb_guide_later_t) { page, item };
          g_ptr_array_add (mk->guides, later);
          continue;
        }
      ok = item->kind == PB_ITEM_STORY ? place_story (mk, &pc, item, items, error)
                                       : pb_place_guide (&pc, mk->story_pages, item, error);
    }
  if (items)
    g_ptr_array_free (items, TRUE);
  if (!ok)
    g_clear_pointer (&page, pb_page_free);
  return page;
}

/* ---- stories across pages ---- */

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

static gboolean
place_jump_line (const pb_makeup_t *mk, const pb_story_t *story, const pb_part_t *part,
                 int column, int line, const char *fmt, int number, pb_align_t align,
                 GError **error)
{
  pb_grid_t grid = pb_part_grid (part);
  const pb_template_t *t = grid.tmpl;
  pb_style_t style = t->styles[PB_ROLE_JUMP];
  style.align = align;
  g_autofree char *text = g_strdup_printf (fmt, number);
  pb_para_t *para = pb_shape_text (mk->fonts, text, NULL, 0, &style, story->loc, error);
  if (!para)
    return FALSE;
  pb_measure_t m = { t->column_width, 0, align, style.size, 0, 0, FALSE, PB_SHAPE_FILL };
  pb_para_break (para, &m);
  pb_line_t *l = pb_emit_line (part->page->lines, t, para, 0, pb_column_x (t, column),
                               pb_grid_body_baseline (&grid, line), t->column_width,
                               PB_ROLE_JUMP, story->id);
  l->column = column;
  l->link_page = number;
  pb_para_free (para);
  return TRUE;
}

/* The first frame of part `k`: where its 上接 line goes. */
static const pb_region_t *
first_region_of (const pb_chain_t *chain, int k)
{
  for (guint i = 0; i < chain->regions->len; i++)
    if (g_array_index (chain->regions, pb_region_t, i).part == k)
      return &g_array_index (chain->regions, pb_region_t, i);
  return NULL;
}

/* Jump lines between the parts the text reached, a warning for those it did not, and the
 * story's overset on its last part. */
static gboolean
finish_chain (pb_makeup_t *mk, pb_chain_t *chain, int overset, GError **error)
{
  const pb_story_t *story = chain->story;
  for (guint k = 1; k < chain->parts->len; k++)
    {
      pb_part_t *a = chain->parts->pdata[k - 1], *b = chain->parts->pdata[k];
      if (b->head && b->reached)
        pb_scratch_commit (b->page, g_steal_pointer (&b->head));
      if (!b->reached)
        {
          g_ptr_array_add (mk->warnings,
                           g_strdup_printf ("%s:%d:%d: story \"%s\" does not reach its "
                                            "continuation on page %d", b->item->loc.file,
                                            b->item->loc.line, b->item->loc.col, story->id,
                                            b->page->number));
          continue;
        }
      if (a->jump_out_line >= 0
          && !place_jump_line (mk, story, a, a->jump_out_column, a->jump_out_line,
                               "（下转第%d版）", b->page->number, PB_ALIGN_RIGHT, error))
        return FALSE;
      if (b->jump_in_line >= 0
          && !place_jump_line (mk, story, b, first_region_of (chain, k)->column,
                               b->jump_in_line, "（上接第%d版）", a->page->number,
                               PB_ALIGN_LEFT, error))
        return FALSE;
    }
  pb_part_t *last = chain->parts->pdata[chain->parts->len - 1];
  /* Headlines or a caption that did not fit their item count as well. */
  last->placed->overset_chars += overset;
  overset = last->placed->overset_chars;
  if (overset > 0)
    g_ptr_array_add (mk->warnings,
                     g_strdup_printf ("%s:%d:%d: story \"%s\" is overset by %d characters on "
                                      "page %d", last->item->loc.file, last->item->loc.line,
                                      last->item->loc.col, story->id, overset,
                                      last->page->number));
  return TRUE;
}

/* Flows one story's body through its chain and puts the lines on the pages of its parts. */
static gboolean
flow_chain (pb_makeup_t *mk, pb_chain_t *chain, GError **error)
{
  reserve_jump_lines (chain);
  int n_parts = chain->parts->len;
  g_autofree pb_grid_t *grids = g_new (pb_grid_t, n_parts);
  for (int k = 0; k < n_parts; k++)
    {
      grids[k] = pb_part_grid (chain->parts->pdata[k]);
    }
  pb_flow_in_t in = { chain->story, (const pb_region_t *) chain->regions->data,
                      (int) chain->regions->len, grids, n_parts, FALSE, chain->subhead_space,
                      TRUE, chain->lifted_quotes };
  pb_flow_out_t *out = pb_flow_story (&in, mk->bodies, mk->fonts, error);
  if (!out)
    return FALSE;
  for (int k = 0; k < n_parts; k++)
    {
      pb_part_t *part = chain->parts->pdata[k];
      pb_move_all (part->page->lines, out->lines[k]);
      pb_tables_cut_rules (part->page->rules, out->tables[k]);
      pb_move_all (part->page->rules, out->rules[k]);
      part->reached = out->reached[k];
    }
  int overset = out->overset_chars;
  pb_flow_out_free (out);
  return finish_chain (mk, chain, overset, error);
}

/* ---- the issue ---- */

/* Where each story starts: the first page (in plan order) that carries it. */
static GHashTable *
story_pages (const pb_issue_t *issue)
{
  GHashTable *map = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < issue->pages->len; i++)
    {
      const pb_page_t *p = issue->pages->pdata[i];
      for (guint k = 0; p->items && k < p->items->len; k++)
        {
          const pb_item_t *item = p->items->pdata[k];
          if (item->kind == PB_ITEM_STORY && !g_hash_table_contains (map, item->story_id))
            g_hash_table_insert (map, item->story_id, GINT_TO_POINTER (p->number));
        }
      for (guint k = 0; p->story_ids && k < p->story_ids->len; k++)
        if (!g_hash_table_contains (map, p->story_ids->pdata[k]))
          g_hash_table_insert (map, p->story_ids->pdata[k], GINT_TO_POINTER (p->number));
      for (guint k = 0; p->pool && k < p->pool->len; k++)
        {
          const pb_pool_entry_t *e = p->pool->pdata[k];
          if (!g_hash_table_contains (map, e->story_id))
            g_hash_table_insert (map, e->story_id, GINT_TO_POINTER (p->number));
        }
    }
  return map;
}

/* How many items of the pages made here carry each story. */
static GHashTable *
story_items (const pb_issue_t *issue)
{
  GHashTable *map = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < issue->pages->len; i++)
    {
      const pb_page_t *p = issue->pages->pdata[i];
      for (guint k = 0; !p->elsewhere && k < p->items->len; k++)
        {
          const pb_item_t *item = p->items->pdata[k];
          if (item->kind != PB_ITEM_STORY)
            continue;
          int n = GPOINTER_TO_INT (g_hash_table_lookup (map, item->story_id));
          g_hash_table_insert (map, item->story_id, GINT_TO_POINTER (n + 1));
        }
      for (guint k = 0; !p->elsewhere && k < p->pool->len; k++)
        {
          const pb_pool_entry_t *e = p->pool->pdata[k];
          int n = GPOINTER_TO_INT (g_hash_table_lookup (map, e->story_id));
          g_hash_table_insert (map, e->story_id, GINT_TO_POINTER (n + 1));
        }
    }
  return map;
}

static gboolean
check_fonts (const pb_issue_t *issue, pb_fonts_t *fonts, GError **error)
{
  for (guint i = 0; i < issue->templates->len; i++)
    {
      const pb_template_t *t = issue->templates->pdata[i];
      for (int r = 0; r < PB_ROLE_COUNT; r++)
        if (!pb_fonts_check_style (fonts, &t->styles[r], pb_role_names[r], t, error))
          return FALSE;
    }
  return TRUE;
}

static void
makeup_init (pb_makeup_t *mk, const pb_issue_t *issue, pb_fonts_t *fonts, GPtrArray *warnings)
{
  mk->issue = issue;
  mk->fonts = fonts;
  mk->styles = pb_styles_new ();
  mk->bodies = pb_bodies_new (fonts, mk->styles);
  mk->story_pages = story_pages (issue);
  mk->story_items = story_items (issue);
  mk->warnings = warnings;
  mk->chains = g_hash_table_new (g_str_hash, g_str_equal);
  mk->chain_order = g_ptr_array_new_with_free_func ((GDestroyNotify) chain_free);
  mk->owned_items = g_ptr_array_new_with_free_func (g_free);
  mk->box_templates = g_ptr_array_new_with_free_func (g_free);
  mk->images = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) cairo_surface_destroy);
  mk->fillers = g_ptr_array_new ();
  mk->filler_sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  mk->variants = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  mk->planned = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pb_page_makeup_free);
  mk->filler_entries = g_ptr_array_new_with_free_func (pb_pool_entry_free);
  mk->section_left = g_hash_table_new_full (NULL, NULL, NULL,
                                            (GDestroyNotify) g_ptr_array_unref);
  mk->guides = g_ptr_array_new_with_free_func (g_free);
  mk->carried = g_ptr_array_new ();
  for (guint i = 0; i < issue->stories->len; i++)
    {
      pb_story_t *story = issue->stories->pdata[i];
      if (story->filler && !g_hash_table_contains (mk->story_items, story->id))
        g_ptr_array_add (mk->fillers, story);
    }
}

static void
makeup_clear (pb_makeup_t *mk)
{
  pb_bodies_free (mk->bodies);
  pb_styles_free (mk->styles);
  g_hash_table_destroy (mk->story_pages);
  g_hash_table_destroy (mk->story_items);
  g_hash_table_destroy (mk->chains);
  g_ptr_array_free (mk->chain_order, TRUE);
  g_ptr_array_free (mk->owned_items, TRUE);
  g_ptr_array_free (mk->box_templates, TRUE);
  g_hash_table_destroy (mk->images);
  g_ptr_array_free (mk->fillers, TRUE);
  g_hash_table_destroy (mk->filler_sizes);
  g_hash_table_destroy (mk->variants);
  g_hash_table_destroy (mk->planned);
  g_ptr_array_free (mk->filler_entries, TRUE);
  g_hash_table_destroy (mk->section_left);
  g_ptr_array_free (mk->guides, TRUE);
  g_ptr_array_free (mk->carried, TRUE);
}

/* Phase: what each page shows by itself, and the frames of its stories. */
static gboolean
make_pages (pb_makeup_t *mk, pb_layout_t *layout, GError **error)
{
  for (guint i = 0; i < mk->issue->pages->len; i++)
    {
      const pb_page_t *plan = mk->issue->pages->pdata[i];
      if (plan->elsewhere)
        continue;
      pb_page_layout_t *page = make_page (mk, plan, error);
      if (!page)
        return FALSE;
      g_ptr_array_add (layout->pages, page);
    }
  return TRUE;
}

/* Phase, in an issue with sections: the guide boxes, now that every story has its page. */
static gboolean
place_guides (pb_makeup_t *mk, GError **error)
{
  for (guint i = 0; i < mk->guides->len; i++)
    {
      const pb_guide_later_t *later = mk->guides->pdata[i];
      pb_page_ctx_t pc = { mk->issue, mk->fonts, later->page,
                           pb_grid_of (later->page, pb_page_head_lines (later->page->plan)),
                           mk->warnings };
      if (!pb_place_guide (&pc, mk->story_pages, later->item, error))
        return FALSE;
    }
  return TRUE;
}

/* Phase: each story's body through its frames, which may run over several pages. */
static gboolean
flow_stories (pb_makeup_t *mk, GError **error)
{
  for (guint i = 0; i < mk->chain_order->len; i++)
    if (!flow_chain (mk, mk->chain_order->pdata[i], error))
      return FALSE;
  return TRUE;
}

pb_layout_t *
pb_layout_issue (const pb_issue_t *issue, pb_fonts_t *fonts, GError **error)
{
  if (!check_fonts (issue, fonts, error))
    return NULL;
  pb_layout_t *layout = g_new0 (pb_layout_t, 1);
  layout->fonts = pb_fonts_ref (fonts);
  layout->issue = issue;
  layout->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_page_free);
  layout->warnings = g_ptr_array_new_with_free_func (g_free);
  pb_makeup_t mk;
  makeup_init (&mk, issue, fonts, layout->warnings);
  pb_bodies_prepare (mk.bodies, issue);
  gboolean ok = make_pages (&mk, layout, error) && place_guides (&mk, error)
                && flow_stories (&mk, error);
  makeup_clear (&mk);
  if (!ok)
    g_clear_pointer (&layout, pb_layout_free);
  return layout;
}

void
pb_layout_free (pb_layout_t *layout)
{
  if (!layout)
    return;
  g_ptr_array_free (layout->pages, TRUE);
  g_ptr_array_free (layout->warnings, TRUE);
  pb_fonts_unref (layout->fonts);
  g_free (layout);
}
