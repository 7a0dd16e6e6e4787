/* Page makeup: the public verb pb_layout_issue and its phases. Each page gets its masthead or
 * folio, its items (those given without coordinates placed first), the elements its items show
 * by themselves (elements.c), and frames for the stories' bodies; then each story flows through
 * its frames across pages (flow.c), and jump lines join the pages it continues on. */
#include "layout.h"

#include <math.h>
#include <string.h>
#include "bodies.h"
#include "copyfit.h"
#include "fillers.h"
#include "elements.h"
#include "flow.h"
#include "frames.h"
#include "fonts.h"
#include "vertical.h"

/* The hairline that parts a story from what stands above it. */
#define PB_ITEM_RULE_WIDTH 0.5
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
/* Column widths of a story's parts may differ by this much (pt) and count as the same. */
#define PB_SAME_WIDTH 0.01

/* One item of a story on one page; a story placed on several pages continues through them. */
typedef struct {
  pb_page_layout_t *page;
  int grid_offset;
  const pb_item_t *item;
  pb_placed_item_t *placed;
  int jump_in_line;         /* grid line of 上接第X版, -1 when none */
  int jump_out_column, jump_out_line; /* where 下转第X版 goes, -1 when none */
  pb_page_layout_t *head;   /* its continuation head (回头标题), set on a scratch page until
                             * the text is known to reach it; NULL when none */
  gboolean reached;         /* text flowed into it */
} pb_part_t;

/* The frames a story's body flows through, across its items and pages, in order. */
typedef struct {
  const pb_story_t *story;
  GPtrArray *parts;         /* of pb_part_t* */
  GArray *regions;          /* of pb_region_t */
  int subhead_space;        /* subheads given a line more of space (copyfitting) */
} pb_chain_t;

/* What the phases share while an issue is laid out; passed to each, kept by none. */
typedef struct {
  const pb_issue_t *issue;
  pb_fonts_t *fonts;
  pb_styles_t *styles;      /* derived styles (bold body …) */
  pb_bodies_t *bodies;      /* body paragraphs set ahead */
  GHashTable *story_pages;  /* story id → the page number it starts on */
  GHashTable *story_items;  /* story id → how many items made here carry it */
  GPtrArray *warnings;      /* the layout's */
  GHashTable *chains;       /* story id → pb_chain_t* */
  GPtrArray *chain_order;   /* of pb_chain_t*, by first appearance */
  GPtrArray *owned_items;   /* of pb_item_t*: auto-placed items with their positions */
  GHashTable *images;       /* photo file → decoded cairo_surface_t* */
  GPtrArray *fillers;       /* of pb_story_t*: the pool's fillers not yet placed, in order */
} pb_makeup_t;

/* ---- pages ---- */

static void
image_free (pb_image_t *image)
{
  cairo_surface_destroy (image->surface);
  g_free (image);
}

static pb_page_layout_t *
page_new (const pb_page_t *plan)
{
  const pb_template_t *t = plan->tmpl;
  pb_page_layout_t *page = g_new0 (pb_page_layout_t, 1);
  page->number = plan->number;
  page->plan = plan;
  page->tmpl = t;
  page->width = t->trim_w;
  page->height = t->trim_h;
  page->grid_top = t->margin_top;
  page->type_area = (pb_rect_t) { pb_column_x (t, 0), t->margin_top, pb_columns_width (t),
                                  pb_page_grid_lines (t) * t->leading };
  page->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  page->images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_free);
  page->rules = g_ptr_array_new_with_free_func (g_free);
  page->boxes = g_ptr_array_new_with_free_func (g_free);
  page->items = g_ptr_array_new_with_free_func (g_free);
  return page;
}

static void
page_free (pb_page_layout_t *page)
{
  g_ptr_array_free (page->lines, TRUE);
  g_ptr_array_free (page->images, TRUE);
  g_ptr_array_free (page->rules, TRUE);
  g_ptr_array_free (page->boxes, TRUE);
  g_ptr_array_free (page->items, TRUE);
  if (page->makeup)
    g_array_unref (page->makeup->choices);
  g_free (page->makeup);
  g_free (page);
}

/* Appends what `from` holds to `to`; `from` is left empty. */
static void
move_all (GPtrArray *to, GPtrArray *from)
{
  gsize n = 0;
  gpointer *items = g_ptr_array_steal (from, &n);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (to, items[i]);
  g_free (items);
}

/* The lines and photos set into a scratch page go to the page. */
static void
scratch_commit (pb_page_layout_t *page, pb_page_layout_t *scratch)
{
  move_all (page->lines, scratch->lines);
  move_all (page->images, scratch->images);
  page_free (scratch);
}

/* Characters on the lines: what a left-out element counts as overset. */
static int
lines_chars (const GPtrArray *lines)
{
  int n = 0;
  for (guint i = 0; i < lines->len; i++)
    n += pb_count_chars (((pb_line_t *) lines->pdata[i])->text);
  return n;
}

/* ---- story items ---- */

static void
part_free (pb_part_t *part)
{
  if (part->head)
    page_free (part->head);
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
      *overset += lines_chars (scratch->lines);
      item_warning (pc, item, story, what, last - item->top);
      page_free (scratch);
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
  scratch_commit (pc->page, scratch);
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
  scratch.page = page_new (pc->page->plan);
  int heading = continued ? pb_place_jump_heading (&scratch, story, item, x, width, FALSE,
                                                   overset, error)
                          : pb_place_heading (&scratch, story, item, x, width, FALSE, overset,
                                              error);
  if (heading < 0)
    {
      page_free (scratch.page);
      return -1;
    }
  *head = fits_item (pc, scratch.page, item, story, item->top + heading - 1,
                     continued ? "its continuation head needs" : "its headlines need", overset);
  return *head ? heading : 0;
}

/* The story's photo `index` with its caption at grid line `top` (the item's photo group in
 * place of its first photo, when the item sets them as one), on the page `pc` names. Returns
 * the grid lines taken, or -1. */
static int
set_photo (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
           const pb_item_t *item, int index, int first, int span, int top, int frame_lines,
           GError **error)
{
  if (index == 0 && item->photo_group != PB_GROUP_NONE)
    return pb_place_photo_group (pc, images, story, item->photo_group, first, span, top,
                                 frame_lines, error);
  return pb_place_photo (pc, images, story, story->photos->pdata[index], first, span, top,
                         frame_lines, error);
}

/* The story's photo `index` and its caption at grid line `top`, kept when they fit the item.
 * Returns the grid lines taken (0 when left out), or -1. */
static int
place_story_photo (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                   const pb_item_t *item, int index, int first, int span, int top,
                   int frame_lines, int *overset, GError **error)
{
  pb_page_ctx_t scratch = *pc;
  scratch.page = page_new (pc->page->plan);
  int lines = set_photo (&scratch, images, story, item, index, first, span, top, frame_lines,
                         error);
  if (lines < 0)
    {
      page_free (scratch.page);
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
  if (fabs (head->page->tmpl->column_width - pc->grid.tmpl->column_width) <= PB_SAME_WIDTH)
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, item->loc,
                   "story \"%s\" continues on page %d in columns of another width than on "
                   "page %d", chain->story->id, pc->page->number, head->page->number);
  return FALSE;
}


/* Whether the story's next part, on `page`, continues it from another page: it then opens with
 * a continuation head. */
static gboolean
continues_from_another_page (const pb_chain_t *chain, const pb_page_layout_t *page)
{
  const pb_part_t *last = chain->parts->len ? chain->parts->pdata[chain->parts->len - 1] : NULL;
  return last && last->page != page;
}

/* The photo over the item's first `span` columns (those left of a vertical headline). */
static gboolean
plan_photo (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
            const pb_item_t *item, int span, pb_photo_plan_t *pp, GError **error)
{
  *pp = (pb_photo_plan_t) { -1, 0, 0 };
  if (story->photos->len == 0)
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
  int heading;
  pb_photo_plan_t photo;
  guint64 stacked;          /* by page column: an item starts right under this one */
} pb_fit_trial_t;

/* pb_copyfit_trial_fn: the story set dry in its item with the changes of `fit`. */
static gboolean
fit_trial (void *data, const pb_copyfit_t *fit, int *empty, int *overset, GError **error)
{
  const pb_fit_trial_t *ft = data;
  const pb_item_t *item = ft->item;
  int photo_lines = 0;
  if (ft->photo.span > 0)
    {
      pb_page_ctx_t scratch = *ft->pc;
      scratch.page = page_new (ft->pc->page->plan);
      photo_lines = set_photo (&scratch, ft->mk->images, ft->story, item, 0, ft->photo.first,
                               ft->photo.span, item->top, ft->photo.frame + fit->photo_lines,
                               error);
      page_free (scratch.page);
      if (photo_lines < 0)
        return FALSE;
    }
  int body_top = item->top + ft->heading + fit->heading_lines;
  g_autoptr (GArray) insets = g_array_new (FALSE, FALSE, sizeof (pb_inset_t));
  if (!pb_plan_insets (ft->pc, ft->mk->images, ft->story, item, item->span, body_top, &ft->photo,
                    photo_lines, insets, error))
    return FALSE;
  g_autoptr (GArray) regions = g_array_new (FALSE, FALSE, sizeof (pb_region_t));
  pb_item_regions (item, item->span, body_top, &ft->photo, photo_lines, insets, 0, regions);
  pb_flow_in_t in = { ft->story, (const pb_region_t *) regions->data, (int) regions->len,
                      &ft->pc->grid, 1, TRUE, fit->subhead_lines, TRUE };
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
  if (item->auto_height || item->headline_vertical
      || GPOINTER_TO_INT (g_hash_table_lookup (mk->story_items, story->id)) != 1)
    return TRUE;
  const pb_template_t *t = pc->grid.tmpl;
  pb_fit_trial_t ft = { mk, pc, story, item, 0, { -1, 0, 0 }, 0 };
  for (guint i = 0; i < items->len; i++)
    {
      const pb_item_t *q = items->pdata[i];
      if (q->top == item->top + item->height)
        for (int c = MAX (q->column, item->column);
             c < MIN (q->column + q->span, item->column + item->span); c++)
          ft.stacked |= G_GUINT64_CONSTANT (1) << c;
    }
  ft.heading = pb_place_heading (pc, story, item, 0, pb_span_width (t, item->span), TRUE,
                                 &(int) { 0 }, error);
  if (ft.heading < 0 || !plan_photo (mk, pc, story, item, item->span, &ft.photo, error))
    return FALSE;
  if (ft.heading >= item->height)
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
                             count_subheads (story) };
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

/* The story's photos after its first inside the text of the item's first `span` columns, each
 * kept when it fits (plan_insets); their places go to `insets`. */
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
    scratch_commit (pc->page, g_steal_pointer (head));
  return heading;
}

/* Places what a story item shows by itself (its box; headlines and photos on the story's first
 * item, copyfitted to a fixed item; the continuation head on a part that continues it from
 * another page) and adds the item's column frames to the story's chain (and the rules between
 * them); the body flows once all pages are made. */
static gboolean
place_story (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_item_t *outer,
             const GPtrArray *items, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, outer->story_id);
  pb_chain_t *chain = chain_for (mk, story);
  gboolean first_part = chain->parts->len == 0;
  double x = pb_column_x (t, outer->column), width = pb_span_width (t, outer->span);
  /* A boxed story is set inside its box's inset; the box replaces the rule above it. */
  const pb_item_t *item = inside_box (mk, outer, error);
  if (!item || (!first_part && !check_continuation (pc, chain, item, error)))
    return FALSE;
  pb_copyfit_t fit = { 0 };
  if (first_part && !fit_story (mk, pc, story, item, items, &fit, error))
    return FALSE;
  pb_box_t *box = item != outer ? pb_place_item_box (pc, outer) : NULL;
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
                             !first_part && continues_from_another_page (chain, pc->page),
                             &head, &overset, error);
  if (heading < 0 || strip < 0)
    return FALSE;
  if (heading > 0 && first_part)
    heading += fit.heading_lines;

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
  *part = (pb_part_t) { pc->page, pc->grid.offset, item, g_new0 (pb_placed_item_t, 1), -1, -1,
                        -1, head, FALSE };
  part->placed->kind = PB_ITEM_STORY;
  part->placed->story_id = story->id;
  part->placed->area = (pb_rect_t) { x, pb_grid_cell_top (&pc->grid, outer->top), width,
                                     outer->height * t->leading };
  part->placed->overset_chars = overset;
  part->placed->fit = fit;
  part->placed->inset = box ? outer->box.inset : 0;
  g_ptr_array_add (pc->page->items, part->placed);
  g_ptr_array_add (chain->parts, part);
  chain->subhead_space = MAX (chain->subhead_space, fit.subhead_lines);
  guint from = chain->regions->len;
  pb_item_regions (item, span, body_top, &pp, photo_lines, insets, (int) chain->parts->len - 1,
                chain->regions);
  if (pb_wants_column_rules (outer, t))
    pb_add_column_rules (pc, item, span, chain->regions, from);
  return TRUE;
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

/* Grid lines an item holding the whole story needs, found by setting it: its headlines
 * (`heading` lines), its photo and caption as they will be set, and its body flowed into the
 * item's columns as deep as the page and levelled there, then a blank line under it. */
static int
whole_story_lines (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                   const pb_item_t *item, int heading, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int avail = t->lines - pb_page_head_lines (pc->page->plan);
  int photo_first = -1, photo_span = 0, photo_lines = 0;
  if (story->photos->len > 0)
    {
      pb_page_ctx_t scratch = *pc;
      scratch.page = page_new (pc->page->plan);
      photo_span = item->photo_span > 0 ? MIN (item->photo_span, item->span) : item->span;
      photo_first = item->photo_right ? item->span - photo_span : 0;
      photo_lines = set_photo (&scratch, mk->images, story, item, 0, photo_first, photo_span,
                               heading, item->photo_lines, error);
      page_free (scratch.page);
      if (photo_lines < 0)
        return -1;
    }
  g_autofree pb_region_t *regions = g_new (pb_region_t, item->span);
  for (int c = 0; c < item->span; c++)
    {
      gboolean under_photo = c >= photo_first && c < photo_first + photo_span;
      regions[c] = (pb_region_t) { c, heading + (under_photo ? photo_lines : 0),
                                   MAX (avail, heading + photo_lines + 1), 0, FALSE };
    }
  pb_grid_t grid = pc->grid;
  pb_flow_in_t in = { story, regions, item->span, &grid, 1, TRUE, 0, FALSE };
  pb_flow_out_t *out = pb_flow_story (&in, mk->bodies, mk->fonts, error);
  if (!out)
    return -1;
  int depth = heading + photo_lines;
  for (int c = 0; c < out->n_regions; c++)
    depth = MAX (depth, out->ends[c]);
  pb_flow_out_free (out);
  return depth + 1;
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
      const pb_part_t *part = chain->parts->pdata[k];
      grids[k] = pb_grid_of (part->page, part->grid_offset);
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
                      chain->subhead_space, FALSE };
  pb_flow_out_t *out = pb_flow_story (&in, mk->bodies, mk->fonts, error);
  if (!out)
    return -1;
  int depth = 0;
  for (int i = 0; i < out->n_regions; i++)
    if (out->regions[i].part == n_parts - 1)
      depth = MAX (depth, out->ends[i]);
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
      int head = continues_from_another_page (chain, pc->page)
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

/* Grid lines a story item needs under `heading` lines of headlines (or the 上接 line). */
static int
lines_under_heading (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                     const pb_item_t *item, gboolean first_part, int heading, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  if (first_part
      && GPOINTER_TO_INT (g_hash_table_lookup (mk->story_items, story->id)) == 1)
    return whole_story_lines (mk, pc, story, item, heading, error);
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
static GPtrArray *
resolve_items (pb_makeup_t *mk, const pb_page_ctx_t *pc, GError **error)
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
      if (need <= 0)
        need = item->kind == PB_ITEM_GUIDE
               ? pb_guide_lines_needed (item)
               : story_lines_needed (mk, pc, item,
                                     !g_hash_table_contains (mk->chains, item->story_id), error);
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

/* The photo of a story the layout places itself: as wide as the story up to
 * PB_AUTO_PHOTO_FULL columns, two thirds of it beyond, the text beside it. */
static int
auto_photo_span (int span)
{
  return span <= PB_AUTO_PHOTO_FULL ? span : (2 * span + 2) / 3;
}

/* Grid lines a story takes set whole in an automatic item `span` columns wide (a filler, a
 * story of a pool), or -1. */
static int
story_lines_at (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                int span, GError **error)
{
  pb_item_t probe = { .kind = PB_ITEM_STORY, .span = span, .story_id = story->id,
                      .photo_span = auto_photo_span (span), .auto_place = TRUE,
                      .auto_height = TRUE, .loc = story->loc };
  int heading = pb_place_heading (pc, story, &probe, 0, pb_span_width (pc->grid.tmpl, span),
                                  TRUE, &(int) { 0 }, error);
  return heading < 0 ? -1 : whole_story_lines (mk, pc, story, &probe, heading, error);
}

/* Fills one free area with the fillers that fill most of it, stacked in the pool's order;
 * the lines they leave are shared out among them, each copyfitted to its share. */
static gboolean
fill_area (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_free_area_t *area,
           GPtrArray *items, GError **error)
{
  int n = mk->fillers->len;
  g_autofree int *heights = g_new0 (int, MAX (n, 1));
  for (int i = 0; i < n; i++)
    if ((heights[i] = story_lines_at (mk, pc, mk->fillers->pdata[i], area->span, error)) < 0)
      return FALSE;
  /* Each height holds the blank line under the filler; at the foot of the type area the last
   * one's falls outside it. */
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (pc->page->plan);
  int room = area->height + (area->top + area->height == avail);
  g_autoptr (GArray) chosen = pb_fill_choose (heights, n, room);
  g_autoptr (GPtrArray) used = g_ptr_array_new ();
  int spare = room, top = area->top, count = chosen->len;
  for (int k = 0; k < count; k++)
    spare -= heights[g_array_index (chosen, int, k)];
  for (int k = 0; k < count; k++)
    {
      int i = g_array_index (chosen, int, k);
      const pb_story_t *story = mk->fillers->pdata[i];
      /* What the fillers leave is shared out among them, each copyfitted to its share. */
      int extra = spare * (k + 1) / count - spare * k / count;
      pb_item_t *it = g_new0 (pb_item_t, 1);
      *it = (pb_item_t) { .kind = PB_ITEM_STORY, .column = area->column, .span = area->span,
                          .photo_span = auto_photo_span (area->span), .top = top,
                          .story_id = story->id, .auto_place = TRUE,
                          .auto_height = extra == 0, .loc = story->loc };
      it->height = MIN (heights[i] + extra, area->top + area->height - top);
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
static gboolean
add_fillers (pb_makeup_t *mk, const pb_page_ctx_t *pc, GPtrArray *items, GError **error)
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

/* ---- automatic makeup ---- */

/* Partial arrangements the makeup search keeps at each story. */
#define PB_MAKEUP_BEAM 2000

/* Where the page's fixed items leave the pool room: in each column, from under those that
 * start on the first line down to the top of the next. */
static void
pool_room (const GPtrArray *items, int columns, int avail, int *from, int *depth)
{
  for (int c = 0; c < columns; c++)
    from[c] = 0, depth[c] = avail;
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < items->len; i++)
      {
        const pb_item_t *it = items->pdata[i];
        for (int c = it->column; c < MIN (columns, it->column + it->span); c++)
          if (it->top <= from[c])
            from[c] = MAX (from[c], it->top + it->height);
          else if (pass == 1)
            depth[c] = MIN (depth[c], it->top);
      }
}

/* The pool's stories as the search sees them: their exact heights at each span allowed. */
static gboolean
pool_stories (const pb_makeup_t *mk, const pb_page_ctx_t *pc, int columns,
              pb_makeup_story_t *stories, GError **error)
{
  const GPtrArray *pool = pc->page->plan->pool;
  for (guint i = 0; i < pool->len; i++)
    {
      const pb_pool_entry_t *e = pool->pdata[i];
      const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, e->story_id);
      pb_makeup_story_t *ms = &stories[i];
      *ms = (pb_makeup_story_t) { .on_top = e->on_top, .photo = story->photos->len > 0 };
      int lo = e->min_span > 0 ? e->min_span : 1, hi = e->max_span > 0 ? e->max_span : columns;
      for (int span = lo; span <= MIN (hi, columns); span++)
        if ((ms->heights[span] = story_lines_at (mk, pc, story, span, error)) < 0)
          return FALSE;
    }
  return TRUE;
}

/* A story that ends a little above the foot of its columns (too little for a filler) is made
 * as tall as the columns, to be copyfitted to them. Returns the lines added. */
static int
extend_to_foot (const pb_makeup_place_t *places, int n, int k, const int *depth,
                pb_item_t *it)
{
  const pb_makeup_place_t *p = &places[k];
  int bottom = p->top + p->height, foot = depth[p->column];
  for (int c = p->column; c < p->column + p->span; c++)
    if (depth[c] != foot)
      return 0;
  for (int j = 0; j < n; j++)
    if (j != k && places[j].span > 0 && places[j].top >= bottom
        && places[j].column < p->column + p->span && p->column < places[j].column + places[j].span)
      return 0;
  int extra = foot - bottom;
  if (extra <= 0 || extra >= PB_MAKEUP_FILLABLE)
    return 0;
  it->height += extra;
  it->auto_height = FALSE;
  return extra;
}

/* The page's pool arranged by the makeup search: an automatic item for each story placed, a
 * warning for each left out; what the search chose goes to the page for the report. */
static gboolean
make_up_pool (pb_makeup_t *mk, const pb_page_ctx_t *pc, GPtrArray *items, GError **error)
{
  const pb_page_t *plan = pc->page->plan;
  const pb_template_t *t = plan->tmpl;
  int n = plan->pool->len, columns = MIN (t->columns, PB_MAKEUP_MAX_COLUMNS);
  int avail = t->lines - pb_page_head_lines (plan);
  int from[PB_MAKEUP_MAX_COLUMNS], depth[PB_MAKEUP_MAX_COLUMNS];
  pool_room (items, columns, avail, from, depth);
  g_autofree pb_makeup_story_t *stories = g_new0 (pb_makeup_story_t, n);
  g_autofree pb_makeup_place_t *places = g_new0 (pb_makeup_place_t, n);
  if (!pool_stories (mk, pc, columns, stories, error))
    return FALSE;
  pb_page_makeup_t *made = g_new0 (pb_page_makeup_t, 1);
  made->score = pb_makeup_arrange (stories, n, columns, from, depth, mk->fillers->len > 0,
                                   PB_MAKEUP_BEAM, places);
  made->choices = g_array_new (FALSE, FALSE, sizeof (pb_makeup_choice_t));
  pc->page->makeup = made;
  for (int k = 0; k < n; k++)
    {
      const pb_pool_entry_t *e = plan->pool->pdata[k];
      pb_makeup_choice_t choice = { e->story_id, places[k], 0, TRUE };
      for (int span = 1; span <= columns; span++)
        choice.too_tall &= stories[k].heights[span] <= 0 || stories[k].heights[span] > avail;
      if (places[k].span > 0)
        {
          pb_item_t *it = g_new0 (pb_item_t, 1);
          *it = (pb_item_t) { .kind = PB_ITEM_STORY, .column = places[k].column,
                              .span = places[k].span, .top = places[k].top,
                              .height = places[k].height, .story_id = e->story_id,
                              .photo_span = auto_photo_span (places[k].span),
                              .auto_place = TRUE, .auto_height = TRUE, .loc = e->loc };
          choice.extended = extend_to_foot (places, n, k, depth, it);
          g_ptr_array_add (mk->owned_items, it);
          g_ptr_array_add (items, it);
        }
      else
        g_ptr_array_add (mk->warnings,
                         g_strdup_printf ("%s:%d:%d: page %d: story \"%s\" of the pool is left "
                                          "out: %s", e->loc.file, e->loc.line, e->loc.col,
                                          plan->number, e->story_id,
                                          choice.too_tall ? "it is taller than the page at every "
                                                            "span it may take"
                                                          : "the page cannot hold it with the "
                                                            "pool's other stories"));
      g_array_append_val (made->choices, choice);
    }
  return TRUE;
}

/* Makes one page: its head, its items with what they show by themselves, their frames. */
static pb_page_layout_t *
make_page (pb_makeup_t *mk, const pb_page_t *plan, GError **error)
{
  pb_page_layout_t *page = page_new (plan);
  pb_page_ctx_t pc = { mk->issue, mk->fonts, page, pb_grid_of (page, pb_page_head_lines (plan)),
                       mk->warnings };
  gboolean ok = plan->masthead ? pb_place_masthead (&pc, error) : pb_place_folio (&pc, error);
  GPtrArray *items = ok ? resolve_items (mk, &pc, error) : NULL;
  ok = items != NULL && (plan->pool->len == 0 || make_up_pool (mk, &pc, items, error))
       && add_fillers (mk, &pc, items, error);
  for (guint i = 0; ok && i < items->len; i++)
    {
      const pb_item_t *item = items->pdata[i];
      ok = item->kind == PB_ITEM_STORY ? place_story (mk, &pc, item, items, error)
                                       : pb_place_guide (&pc, mk->story_pages, item, error);
    }
  if (items)
    g_ptr_array_free (items, TRUE);
  if (!ok)
    g_clear_pointer (&page, page_free);
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
  pb_grid_t grid = pb_grid_of (part->page, part->grid_offset);
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
        scratch_commit (b->page, g_steal_pointer (&b->head));
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
      const pb_part_t *part = chain->parts->pdata[k];
      grids[k] = pb_grid_of (part->page, part->grid_offset);
    }
  pb_flow_in_t in = { chain->story, (const pb_region_t *) chain->regions->data,
                      (int) chain->regions->len, grids, n_parts, FALSE, chain->subhead_space,
                      TRUE };
  pb_flow_out_t *out = pb_flow_story (&in, mk->bodies, mk->fonts, error);
  if (!out)
    return FALSE;
  for (int k = 0; k < n_parts; k++)
    {
      pb_part_t *part = chain->parts->pdata[k];
      move_all (part->page->lines, out->lines[k]);
      move_all (part->page->rules, out->rules[k]);
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
  mk->images = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                      (GDestroyNotify) cairo_surface_destroy);
  mk->fillers = g_ptr_array_new ();
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
  g_hash_table_destroy (mk->images);
  g_ptr_array_free (mk->fillers, TRUE);
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
  layout->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  layout->warnings = g_ptr_array_new_with_free_func (g_free);
  pb_makeup_t mk;
  makeup_init (&mk, issue, fonts, layout->warnings);
  pb_bodies_prepare (mk.bodies, issue);
  gboolean ok = make_pages (&mk, layout, error) && flow_stories (&mk, error);
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
