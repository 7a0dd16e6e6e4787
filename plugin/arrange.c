/* A page's pool arranged (arrange.h): variants, the search, items, explanations. */
#include "arrange.h"
#include "photos.h"

#include <math.h>
#include "copyfit.h"
#include "elements.h"
#include "fillers.h"
#include "pages.h"
#include "pools.h"

/* Partial arrangements the makeup search keeps at each story. */
#define PB_MAKEUP_BEAM 2000
/* Fillers the search may take besides the pool's stories: the next ones not yet placed, at
 * most as wide as fillers are set. */
#define PB_MAKEUP_FILLERS 8
#define PB_MAKEUP_FILLER_SPAN 3
/* Photo heights tried at a span: every grid line, at most this many (spread). */
#define PB_MAKEUP_PHOTO_STEPS 8
/* A photo's frame is at least this share of its aspect's height (the picture's top and foot
 * cropped) and at most this many times it (its sides cropped by a third). */
#define PB_MAKEUP_PHOTO_LEAST 0.75
#define PB_MAKEUP_PHOTO_MOST 1.5
/* Grid lines a variant may have under its headlines more than the style sets (as copyfitting
 * adds them), each measured. */
#define PB_MAKEUP_HEADING_SPACE 1
/* Items placed automatically are at least this many grid lines high. */
#define PB_MIN_ITEM_LINES 3

/* A pool story's variants: all those measured, and those the search may use. */
typedef struct {
  GArray *all;              /* of pb_makeup_variant_t */
  GArray *search;           /* of pb_makeup_variant_t: those that fit the page */
  GArray *index;            /* of int: each search variant's place in `all` */
  GArray *same;             /* of int: variants of `all` left out of the search for one as
                             * wide and tall that costs less */
  int pinned;               /* the index in `all` its override placed, -1: none */
} story_variants_t;

static void
variants_clear (story_variants_t *sv)
{
  g_array_unref (sv->all);
  g_array_unref (sv->search);
  g_array_unref (sv->index);
  g_array_unref (sv->same);
}

static void
choice_clear (gpointer p)
{
  pb_makeup_choice_t *c = p;
  g_clear_pointer (&c->variants, g_array_unref);
}

void
pb_page_makeup_free (pb_page_makeup_t *made)
{
  if (!made)
    return;
  g_array_unref (made->choices);
  g_free (made);
}

void
pb_take_filler (pb_makeup_t *mk, const char *story_id, int number)
{
  for (guint k = 0; k < mk->fillers->len; k++)
    {
      const pb_story_t *story = mk->fillers->pdata[k];
      if (g_str_equal (story->id, story_id))
        {
          g_ptr_array_remove_index (mk->fillers, k);
          g_hash_table_insert (mk->story_items, story->id, GINT_TO_POINTER (1));
          g_hash_table_insert (mk->story_pages, story->id, GINT_TO_POINTER (number));
          return;
        }
    }
}

/* One shape of the story measured by setting it under `heading` grid lines of headlines, or
 * found where it was measured before (the same story, template, type area, span, photo and
 * headlines' depth). FALSE with `error` set. */
static gboolean
measure (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story, int span,
         int photo_lines, int heading, pb_makeup_variant_t *out, GError **error)
{
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (pc->page->plan);
  g_autofree char *key = g_strdup_printf ("%s|%p|%d|%d|%d|%d", story->id, pc->grid.tmpl, avail,
                                          span, photo_lines, heading);
  const pb_makeup_variant_t *known = g_hash_table_lookup (mk->variants, key);
  if (known)
    {
      *out = *known;
      return TRUE;
    }
  pb_story_shape_t shape = { 0 };
  int height = pb_story_lines_under (mk, pc, story, span, photo_lines, heading, &shape, error);
  if (height < 0)
    return FALSE;
  *out = (pb_makeup_variant_t) { .span = span,
                                 .photo_lines = story->photos->len ? photo_lines : -1,
                                 .height = height, .ragged = shape.ragged,
                                 .text_top = shape.photo_end };
  /* No text under the photo: what stands under the story stands under the photo. */
  if (shape.photo_bare)
    out->photo_foot_span = pb_auto_photo_span (span);
  g_hash_table_insert (mk->variants, g_steal_pointer (&key), g_memdup2 (out, sizeof *out));
  return TRUE;
}

/* The photo heights story `e` is tried with at `span`, shortest first: every grid line from a
 * frame cropped to PB_MAKEUP_PHOTO_LEAST of its aspect's height to one PB_MAKEUP_PHOTO_MOST
 * as tall (its sides cropped) that the picture's resolution allows, within the pool's range
 * when it gives one, and 0 (no photo) when the range allows it; *natural the aspect's height.
 * {-1} for a story without photos. */
static gboolean
photo_heights (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
               const pb_pool_entry_t *e, int span, GArray *out, int *natural, GError **error)
{
  g_array_set_size (out, 0);
  *natural = 0;
  if (story->photos->len == 0)
    {
      g_array_append_val (out, (int) { -1 });
      return TRUE;
    }
  const pb_template_t *t = pc->grid.tmpl;
  const pb_photo_t *photo = story->photos->pdata[0];
  *natural = pb_photo_frame_lines (t, mk->images, photo, pb_auto_photo_span (span), 0, error);
  int tallest = *natural < 0 ? -1 : pb_photo_max_lines (t, mk->images, photo, error);
  if (tallest < 0)
    return FALSE;
  int lo = MAX (1, (int) ceil (*natural * PB_MAKEUP_PHOTO_LEAST));
  int hi = MAX (lo, MIN ((int) (*natural * PB_MAKEUP_PHOTO_MOST), MAX (*natural, tallest)));
  if (e->min_photo >= 0)
    {
      if (e->min_photo == 0)
        g_array_append_val (out, (int) { 0 });
      /* A range wholly outside the crops a picture bears is the editor's to keep. */
      int from = MAX (1, e->min_photo), to = e->max_photo;
      if (MAX (from, lo) <= MIN (to, hi))
        from = MAX (from, lo), to = MIN (to, hi);
      lo = from, hi = to;
    }
  int steps = MIN (PB_MAKEUP_PHOTO_STEPS, hi - lo + 1);
  for (int k = 0; k < steps; k++)
    g_array_append_val (out, (int) { steps == 1 ? lo : lo + (hi - lo) * k / (steps - 1) });
  return TRUE;
}

/* A way to set a story's headlines: the 主题 `steps` size steps smaller, `space` grid lines
 * more under them; `lines` the grid lines they take then, the space included. */
typedef struct {
  int steps, space, lines;
} heading_choice_t;

/* The ways the story's headlines are tried at `span`, the style's setting first: as the style
 * sets them, with a line more under them, and with `sizes` each smaller 主题 size that saves
 * a line more than a larger one (the largest such: the desk keeps the headline as big as it
 * can; a filler's headline keeps its size, the lines it leaves are shared out among the
 * fillers of its area). *unfit when the 主题 does not fit the span at its size. FALSE with
 * `error` set. */
static gboolean
heading_choices (const pb_page_ctx_t *pc, const pb_story_t *story, int span, gboolean sizes,
                 GArray *out, gboolean *unfit, GError **error)
{
  g_array_set_size (out, 0);
  int overset = 0, base = pb_story_heading_at (pc, story, span, 0, &overset, error);
  if (base < 0)
    return FALSE;
  *unfit = overset > 0;
  for (int space = 0; space <= PB_MAKEUP_HEADING_SPACE; space++)
    g_array_append_val (out, ((heading_choice_t) { 0, space, base + space }));
  int saved = 0;
  for (int k = 1; sizes && k <= PB_COPYFIT_HEADLINE_STEPS; k++)
    {
      int lines = pb_story_heading_at (pc, story, span, -k, &overset, error);
      if (lines == PB_COPYFIT_NO_STEP)
        break;
      if (lines < 0)
        return FALSE;
      if (base - lines > saved)
        {
          saved = base - lines;
          g_array_append_val (out, ((heading_choice_t) { -k, 0, lines }));
        }
    }
  return TRUE;
}

/* The variants of the rest of a story begun on an earlier page: at each span its continuation
 * head and its text flowed on from its earlier parts (measured on this page, its chain being
 * the story's own). */
static gboolean
continuation_variants (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                       int lo, int hi, int room, story_variants_t *sv, GError **error)
{
  for (int span = lo; span <= hi; span++)
    {
      int height = pb_continuation_lines_at (mk, pc, story, span, error);
      if (height < 0)
        return FALSE;
      pb_makeup_variant_t v = { .span = span, .photo_lines = -1, .height = height };
      g_array_append_val (sv->all, v);
      if (v.height > room)
        continue;
      g_array_append_val (sv->search, v);
      g_array_append_val (sv->index, (int) { sv->all->len - 1 });
    }
  return TRUE;
}

/* Whether the story of entry `e` may begin on the page `pc` and go on on the next: a story of
 * a section allowed to continue, not pinned or kept with another, on a page not the section's
 * last. */
static gboolean
may_continue_here (const pb_page_ctx_t *pc, const pb_pool_entry_t *e)
{
  const pb_section_t *s = pc->page->plan->in_section;
  return s && e->may_continue && e->pin.page < 0 && !e->keep_with
         && pc->page->plan->number < s->first_page + s->pages - 1;
}

/* The first part's variant at `span` of a story the page cannot hold whole there, its photo
 * `photo_lines` high (-1: it has none) under `heading` lines of headlines: from where it is
 * placed down to its columns' foot, at least its headlines, its photo and
 * PB_CONTINUE_TEXT_LINES of text (PB_CONTINUE_LEAST_LINES at least). Added to the search when
 * the page is that deep. */
static gboolean
first_part_variant (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                    int span, int photo_lines, int heading, int room, story_variants_t *sv,
                    GError **error)
{
  pb_makeup_variant_t whole;
  if (!measure (mk, pc, story, span, photo_lines, heading, &whole, error))
    return FALSE;
  int least = MAX (PB_CONTINUE_LEAST_LINES, whole.text_top + PB_CONTINUE_TEXT_LINES);
  if (least > room)
    return TRUE;
  pb_makeup_variant_t v = { .span = span, .photo_lines = whole.photo_lines, .height = least,
                            .text_top = whole.text_top, .to_foot = TRUE };
  g_array_append_val (sv->all, v);
  g_array_append_val (sv->search, v);
  g_array_append_val (sv->index, (int) { sv->all->len - 1 });
  return TRUE;
}

/* Every variant of the pool story `e` (a filler when `filler`) on a page `columns` wide whose
 * free columns are at most `room` lines deep: each span allowed at each photo height and each
 * way of setting its headlines, or its first part when it may go on on the next page. */
static gboolean
story_variants (pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_pool_entry_t *e,
                gboolean filler, int columns, int room, story_variants_t *sv, GError **error)
{
  const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, e->story_id);
  *sv = (story_variants_t) { g_array_new (FALSE, FALSE, sizeof (pb_makeup_variant_t)),
                             g_array_new (FALSE, FALSE, sizeof (pb_makeup_variant_t)),
                             g_array_new (FALSE, FALSE, sizeof (int)),
                             g_array_new (FALSE, FALSE, sizeof (int)), -1 };
  int lo = e->min_span > 0 ? e->min_span : 1, hi = e->max_span > 0 ? e->max_span : columns;
  if (g_hash_table_contains (mk->chains, story->id))
    return continuation_variants (mk, pc, story, lo, MIN (hi, columns), room, sv, error);
  g_autoptr (GArray) heights = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) headings = g_array_new (FALSE, FALSE, sizeof (heading_choice_t));
  for (int span = lo; span <= MIN (hi, columns); span++)
    {
      int natural = 0;
      gboolean unfit = FALSE;
      if (!photo_heights (mk, pc, story, e, span, heights, &natural, error)
          || !heading_choices (pc, story, span, !filler, headings, &unfit, error))
        return FALSE;
      for (guint k = 0; k < heights->len; k++)
        {
          int lines = g_array_index (heights, int, k), lowest = G_MAXINT;
          for (guint h = 0; h < headings->len; h++)
            {
              const heading_choice_t *hc = &g_array_index (headings, heading_choice_t, h);
              pb_makeup_variant_t v;
              if (!measure (mk, pc, story, span, lines, hc->lines, &v, error))
                return FALSE;
              v.photo_change = lines <= 0 ? 0 : abs (lines - natural);
              v.heading_space = hc->space;
              v.headline_steps = hc->steps;
              v.unfit = unfit;
              lowest = MIN (lowest, v.height);
              g_array_append_val (sv->all, v);
              if (v.height > room || v.unfit)
                continue;
              g_array_append_val (sv->search, v);
              g_array_append_val (sv->index, (int) { sv->all->len - 1 });
            }
          /* A taller photo makes the story no shorter: the heights after are too tall. */
          if (lowest > room && lines > 0)
            break;
        }
      /* Too deep for the page at this span: it may begin here and go on on the next page. */
      gboolean whole = FALSE;
      for (guint k = 0; k < sv->search->len; k++)
        whole |= g_array_index (sv->search, pb_makeup_variant_t, k).span == span;
      int photo = story->photos->len > 0 ? natural : -1;
      int heading = g_array_index (headings, heading_choice_t, 0).lines;
      if (!whole && !unfit && span >= 2 && may_continue_here (pc, e)
          && !first_part_variant (mk, pc, story, span, photo, heading, room, sv, error))
        return FALSE;
    }
  return TRUE;
}

/* Whether the search sees variants a and b alike: as wide, as tall, a photo or none, the
 * photo's foot bare over as many columns. */
static gboolean
alike (const pb_makeup_variant_t *a, const pb_makeup_variant_t *b)
{
  return a->span == b->span && a->height == b->height
         && (a->photo_lines > 0) == (b->photo_lines > 0) && a->photo_first == b->photo_first
         && a->photo_foot_span == b->photo_foot_span;
}

/* Keeps of each set of alike variants in the search the one that costs least (the first of
 * equals), the others moved to sv->same: the search needs one of them. */
static void
drop_alike (story_variants_t *sv)
{
  for (guint j = sv->search->len; j-- > 0;)
    {
      const pb_makeup_variant_t *v = &g_array_index (sv->search, pb_makeup_variant_t, j);
      double cost = pb_makeup_variant_cost (v);
      for (guint k = 0; k < sv->search->len; k++)
        {
          const pb_makeup_variant_t *w = &g_array_index (sv->search, pb_makeup_variant_t, k);
          double other = pb_makeup_variant_cost (w);
          if (k != j && alike (v, w) && (other < cost || (other == cost && k < j)))
            {
              g_array_append_val (sv->same, g_array_index (sv->index, int, j));
              g_array_remove_index (sv->search, j);
              g_array_remove_index (sv->index, j);
              break;
            }
        }
    }
}

/* Where the page's fixed items leave the pool room: in each column, from under those that
 * start on its first free line down to a line past the type area's foot (a story's height
 * holds the blank line under it, which at the foot falls outside); the highest item below
 * that is the column's gap when lines stay free under it (stories go above and under it), the
 * next one below ends the room at its top. */
static void
pool_room (const GPtrArray *items, int columns, int avail, pb_makeup_room_t *room)
{
  pb_makeup_room_init (room, columns, 0, avail + PB_ITEM_SPACE_LINES);
  /* Twice: an item may start where another that starts on the first line ends. */
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < items->len; i++)
      {
        const pb_item_t *it = items->pdata[i];
        for (int c = it->column; c < MIN (room->columns, it->column + it->span); c++)
          if (it->top <= room->from[c])
            room->from[c] = MAX (room->from[c], it->top + it->height);
      }
  for (int c = 0; c < room->columns; c++)
    {
      for (guint i = 0; i < items->len; i++)
        {
          const pb_item_t *it = items->pdata[i];
          if (c < it->column || c >= it->column + it->span || it->top <= room->from[c])
            continue;
          if (room->gap_top[c] < 0 || it->top < room->gap_top[c])
            {
              /* The gap found before is below this one: it ends the room. */
              if (room->gap_top[c] >= 0)
                room->depth[c] = MIN (room->depth[c], room->gap_top[c]);
              room->gap_top[c] = it->top;
              room->gap_bottom[c] = it->top + it->height;
            }
          else
            room->depth[c] = MIN (room->depth[c], it->top);
        }
      if (room->gap_top[c] >= 0 && room->gap_bottom[c] >= room->depth[c])
        {
          room->depth[c] = room->gap_top[c];
          room->gap_top[c] = room->gap_bottom[c] = -1;
        }
    }
}

/* A story pinned to a line: its widest variant that fits there (the least photo change among
 * equals) goes where the pin says, as a fixed item would; the rest arrange around it. */
static void
pin_in_place (const pb_pool_entry_t *e, story_variants_t *sv, int columns, int avail,
              pb_makeup_choice_t *choice, GPtrArray *fixed, GPtrArray *owned)
{
  int column = MAX (0, e->pin.column), best = -1;
  for (guint k = 0; k < sv->all->len; k++)
    {
      const pb_makeup_variant_t *v = &g_array_index (sv->all, pb_makeup_variant_t, k);
      const pb_makeup_variant_t *b = best < 0 ? NULL
                                              : &g_array_index (sv->all, pb_makeup_variant_t, best);
      gboolean fits = column + v->span <= columns && !v->unfit
                      && e->pin.top + v->height <= avail + PB_ITEM_SPACE_LINES;
      if (fits && (!b || v->span > b->span
                   || (v->span == b->span && v->photo_change < b->photo_change)))
        best = k;
    }
  if (best < 0)
    return;
  const pb_makeup_variant_t *v = &g_array_index (sv->all, pb_makeup_variant_t, best);
  sv->pinned = best;
  choice->pinned = TRUE;
  choice->place = (pb_makeup_place_t) { column, v->span, e->pin.top, v->height, best };
  pb_item_t *it = g_new0 (pb_item_t, 1);
  *it = (pb_item_t) { .kind = PB_ITEM_STORY, .column = column, .span = v->span,
                      .top = e->pin.top, .height = MIN (v->height, avail - e->pin.top) };
  g_ptr_array_add (owned, it);
  g_ptr_array_add (fixed, it);
}

/* The smallest area a story takes, for the messages: its variant of the fewest column-lines. */
static void
least_shape (const story_variants_t *sv, pb_makeup_choice_t *c)
{
  c->least_area = G_MAXINT;
  for (guint k = 0; k < sv->all->len; k++)
    {
      const pb_makeup_variant_t *v = &g_array_index (sv->all, pb_makeup_variant_t, k);
      if (v->height * v->span < c->least_area)
        c->least_area = v->height * v->span, c->least_span = v->span, c->least_lines = v->height;
    }
}

/* Each variant's fate: chosen, too tall, or how much more the best arrangement with it
 * scored (or that none kept used it). */
static void
explain (const story_variants_t *sv, const pb_makeup_best_t *best, double chosen_total,
         pb_makeup_choice_t *c)
{
  c->variants = g_array_new (FALSE, FALSE, sizeof (pb_variant_report_t));
  for (guint k = 0; k < sv->all->len; k++)
    {
      const pb_makeup_variant_t *v = &g_array_index (sv->all, pb_makeup_variant_t, k);
      pb_variant_report_t r = { *v, sv->pinned >= 0 ? PB_VARIANT_UNUSED
                                    : v->unfit     ? PB_VARIANT_HEADLINE
                                                   : PB_VARIANT_TOO_TALL, 0 };
      g_array_append_val (c->variants, r);
    }
  for (guint s = 0; sv->pinned < 0 && s < sv->same->len; s++)
    g_array_index (c->variants, pb_variant_report_t, g_array_index (sv->same, int, s)).fate
      = PB_VARIANT_SAME;
  for (guint s = 0; sv->pinned < 0 && s < sv->index->len; s++)
    {
      pb_variant_report_t *r = &g_array_index (c->variants, pb_variant_report_t,
                                               g_array_index (sv->index, int, s));
      r->fate = isinf (best[s]) ? PB_VARIANT_PRUNED : PB_VARIANT_SCORE;
      r->score_difference = isinf (best[s]) ? 0 : best[s] - chosen_total;
    }
  int chosen = c->place.span == 0 ? -1
               : c->pinned ? c->place.variant
                           : g_array_index (sv->index, int, c->place.variant);
  if (chosen >= 0)
    {
      g_array_index (c->variants, pb_variant_report_t, chosen).fate = PB_VARIANT_CHOSEN;
      c->place.variant = chosen;
      c->photo_lines = g_array_index (sv->all, pb_makeup_variant_t, chosen).photo_lines;
      c->heading_space = g_array_index (sv->all, pb_makeup_variant_t, chosen).heading_space;
      c->headline_steps = g_array_index (sv->all, pb_makeup_variant_t, chosen).headline_steps;
      c->continued = g_array_index (sv->all, pb_makeup_variant_t, chosen).to_foot;
    }
}

/* The pool's entries and, after them, the next fillers as entries of the same kind (owned by
 * the makeup): a new array of borrowed entries. */
static GPtrArray *
with_fillers (pb_makeup_t *mk, const GPtrArray *entries)
{
  GPtrArray *all = g_ptr_array_new ();
  for (guint k = 0; k < entries->len; k++)
    g_ptr_array_add (all, entries->pdata[k]);
  for (guint k = 0; k < MIN (mk->fillers->len, PB_MAKEUP_FILLERS); k++)
    {
      const pb_story_t *story = mk->fillers->pdata[k];
      pb_pool_entry_t *e = g_new0 (pb_pool_entry_t, 1);
      *e = (pb_pool_entry_t) { .story_id = g_strdup (story->id), .min_span = 1,
                               .max_span = PB_MAKEUP_FILLER_SPAN, .min_photo = -1,
                               .max_photo = -1, .pin = { -1, -1, -1, -1, -1 },
                               .loc = story->loc };
      g_ptr_array_add (mk->filler_entries, e);
      g_ptr_array_add (all, e);
    }
  return all;
}

/* The search over the stories not pinned to a place, with what they see of each other. */
static void
search (story_variants_t *sv, const GPtrArray *entries, pb_page_makeup_t *made)
{
  int n = entries->len, m = 0;
  g_autofree pb_makeup_story_t *stories = g_new0 (pb_makeup_story_t, MAX (n, 1));
  g_autofree int *which = g_new0 (int, MAX (n, 1));
  g_autofree pb_makeup_best_t **best = g_new0 (pb_makeup_best_t *, MAX (n, 1));
  for (int k = 0; k < n; k++)
    {
      const pb_pool_entry_t *e = entries->pdata[k];
      if (sv[k].pinned >= 0)
        continue;
      stories[m] = (pb_makeup_story_t) { (const pb_makeup_variant_t *) sv[k].search->data,
                                         sv[k].search->len, e->on_top, e->pin.column,
                                         g_array_index (made->choices, pb_makeup_choice_t,
                                                        k).filler };
      best[m] = g_new0 (pb_makeup_best_t, MAX (sv[k].search->len, 1));
      which[m++] = k;
    }
  g_autofree pb_makeup_place_t *places = g_new0 (pb_makeup_place_t, MAX (m, 1));
  made->score = pb_makeup_arrange (stories, m, &made->room, PB_MAKEUP_BEAM, places, best);
  if (made->score.beam_cut >= 0)
    made->score.beam_cut = which[made->score.beam_cut];
  for (int j = 0; j < m; j++)
    {
      pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, which[j]);
      c->place = places[j];
      explain (&sv[which[j]], best[j], made->score.total, c);
      g_free (best[j]);
    }
}

pb_page_makeup_t *
pb_arrange_pool (pb_makeup_t *mk, const pb_page_ctx_t *pc, const GPtrArray *items,
                 const GPtrArray *pool, GError **error)
{
  g_autoptr (GPtrArray) entries = with_fillers (mk, pool);
  const pb_template_t *t = pc->grid.tmpl;
  int n = entries->len, avail = t->lines - pb_page_head_lines (pc->page->plan);
  pb_page_makeup_t *made = g_new0 (pb_page_makeup_t, 1);
  made->room.columns = MIN (t->columns, PB_MAKEUP_MAX_COLUMNS);
  made->choices = g_array_sized_new (FALSE, TRUE, sizeof (pb_makeup_choice_t), n);
  g_array_set_clear_func (made->choices, choice_clear);
  g_array_set_size (made->choices, n);
  g_autoptr (GPtrArray) fixed = g_ptr_array_copy ((GPtrArray *) items, NULL, NULL);
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  story_variants_t *sv = g_new0 (story_variants_t, MAX (n, 1));
  gboolean ok = TRUE;
  for (int k = 0; k < n && ok; k++)
    {
      const pb_pool_entry_t *e = entries->pdata[k];
      pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, k);
      const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, e->story_id);
      *c = (pb_makeup_choice_t) { .story_id = story->id, .entry = e, .photo_lines = -1,
                                  .filler = (guint) k >= pool->len,
                                  .continuation = g_hash_table_contains (mk->chains,
                                                                         story->id) };
      ok = story_variants (mk, pc, e, c->filler, made->room.columns, avail + PB_ITEM_SPACE_LINES,
                           &sv[k], error);
      if (ok && e->pin.top >= 0)
        pin_in_place (e, &sv[k], made->room.columns, avail, c, fixed, owned);
      if (ok)
        least_shape (&sv[k], c);
    }
  if (ok)
    {
      pool_room (fixed, made->room.columns, avail, &made->room);
      int room = 0;
      for (int c = 0; c < made->room.columns; c++)
        room = MAX (room, made->room.depth[c] - made->room.from[c]);
      for (int k = 0; k < n; k++)
        {
          /* The variants taller than any column is free are not searched. */
          story_variants_t *s = &sv[k];
          for (guint j = s->search->len; j-- > 0;)
            if (g_array_index (s->search, pb_makeup_variant_t, j).height > room)
              g_array_remove_index (s->search, j), g_array_remove_index (s->index, j);
          drop_alike (s);
          pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, k);
          c->too_tall = s->pinned < 0 && s->search->len == 0;
        }
      /* The fillers are in the search (with_fillers), at their exact heights. */
      search (sv, entries, made);
      for (int k = 0; k < n; k++)
        if (sv[k].pinned >= 0)
          explain (&sv[k], NULL, made->score.total,
                   &g_array_index (made->choices, pb_makeup_choice_t, k));
    }
  for (int k = 0; k < n; k++)
    if (sv[k].all)
      variants_clear (&sv[k]);
  g_free (sv);
  if (!ok)
    g_clear_pointer (&made, pb_page_makeup_free);
  return made;
}

/* A story that ends a little above the foot of its columns (too little for a filler) is made
 * as tall as the columns, to be copyfitted to them; above a gap, its top is the foot. Returns
 * the lines added. */
static int
extend_to_foot (const pb_page_makeup_t *made, int k, pb_item_t *it)
{
  const pb_makeup_place_t *p = &g_array_index (made->choices, pb_makeup_choice_t, k).place;
  int bottom = p->top + p->height, foot = pb_makeup_room_limit (&made->room, p->column, p->top);
  for (int c = p->column; c < p->column + p->span; c++)
    if (pb_makeup_room_limit (&made->room, c, p->top) != foot)
      return 0;
  for (guint j = 0; j < made->choices->len; j++)
    {
      const pb_makeup_place_t *q = &g_array_index (made->choices, pb_makeup_choice_t, j).place;
      if ((int) j != k && q->span > 0 && q->top >= bottom && q->top < foot
          && q->column < p->column + p->span && p->column < q->column + q->span)
        return 0;
    }
  int extra = foot - bottom;
  if (extra <= 0 || extra >= PB_MAKEUP_FILLABLE)
    return 0;
  it->height += extra;
  it->auto_height = FALSE;
  return extra;
}

void
pb_makeup_skyline (const pb_page_makeup_t *made, int *skyline)
{
  const pb_makeup_room_t *r = &made->room;
  for (int c = 0; c < r->columns; c++)
    skyline[c] = r->from[c];
  for (guint j = 0; j < made->choices->len; j++)
    {
      const pb_makeup_place_t *q = &g_array_index (made->choices, pb_makeup_choice_t, j).place;
      for (int c = q->column; c < q->column + q->span; c++)
        skyline[c] = MAX (skyline[c], q->top + q->height);
    }
  /* What is free above a gap is no part of the run down to the foot. */
  for (int c = 0; c < r->columns; c++)
    if (r->gap_top[c] >= 0 && skyline[c] <= r->gap_top[c])
      skyline[c] = r->gap_bottom[c];
}

/* The tallest free run `span` columns wide that the arrangement leaves, in grid lines. */
static int
most_free (const pb_page_makeup_t *made, int span)
{
  int skyline[PB_MAKEUP_MAX_COLUMNS], most = 0;
  pb_makeup_skyline (made, skyline);
  for (int c = 0; c + span <= made->room.columns; c++)
    {
      int run = G_MAXINT;
      for (int k = c; k < c + span; k++)
        run = MIN (run, made->room.depth[k] - skyline[k]);
      most = MAX (most, run);
    }
  return most;
}

/* Why a story of the page's pool found no place on it. */
static char *
left_out_message (const pb_page_ctx_t *pc, const pb_page_makeup_t *made,
                  const pb_makeup_choice_t *c)
{
  const pb_loc_t *at = &c->entry->loc;
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (pc->page->plan);
  if (c->too_tall)
    return g_strdup_printf ("%s:%d:%d: page %d: story \"%s\" of the pool is placed on no page: "
                            "it is taller than the page at every span it may take (%d grid "
                            "lines at %d columns, the page has %d)", at->file, at->line,
                            at->col, pc->page->number, c->story_id, c->least_lines,
                            c->least_span, avail);
  return g_strdup_printf ("%s:%d:%d: page %d: story \"%s\" of the pool is placed on no page: "
                          "the page cannot hold it with the pool's other stories (it needs %d "
                          "grid lines at %d columns, the most free there is %d)", at->file,
                          at->line, at->col, pc->page->number, c->story_id, c->least_lines,
                          c->least_span, most_free (made, c->least_span));
}

gboolean
pb_make_up_pool (pb_makeup_t *mk, const pb_page_ctx_t *pc, GPtrArray *items, GError **error)
{
  const pb_page_t *plan = pc->page->plan;
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (plan);
  gpointer number = GINT_TO_POINTER (plan->number);
  pb_page_makeup_t *made = NULL;
  gboolean planned = g_hash_table_steal_extended (mk->planned, number, NULL, (gpointer *) &made);
  if (!planned && plan->pool->len == 0)
    return TRUE;
  if (!planned && !(made = pb_arrange_pool (mk, pc, items, plan->pool, error)))
    return FALSE;
  pc->page->makeup = made;
  for (guint k = 0; k < made->choices->len; k++)
    {
      pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, k);
      if (c->place.span == 0)
        {
          /* A section's story left out here went on to another page; a filler may stay out. */
          if (!planned && !c->filler)
            g_ptr_array_add (mk->warnings, left_out_message (pc, made, c));
          continue;
        }
      if (c->filler)
        pb_take_filler (mk, c->story_id, plan->number);
      pb_item_t *it = g_new0 (pb_item_t, 1);
      *it = (pb_item_t) { .kind = PB_ITEM_STORY, .column = c->place.column,
                          .span = c->place.span, .top = c->place.top,
                          .height = c->place.height, .story_id = c->entry->story_id,
                          .photo_span = pb_auto_photo_span (c->place.span),
                          .photo_lines = MAX (0, c->photo_lines),
                          .photo_off = c->photo_lines == 0,
                          .heading_space = c->heading_space, .auto_place = TRUE,
                          .auto_height = !c->continued, .loc = c->entry->loc };
      const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, it->story_id);
      if (c->headline_steps != 0)
        it->headline_size = pb_story_headline_size (pc, story, it->span, c->headline_steps);
      /* A line already added under its headlines is all copyfitting would add there; a first
       * part ends where the page does. */
      c->extended = c->heading_space == 0 && !c->continued ? extend_to_foot (made, k, it) : 0;
      /* At the type area's foot the blank line under the story falls outside it. */
      it->height = MIN (it->height, avail - it->top);
      g_ptr_array_add (mk->owned_items, it);
      g_ptr_array_add (items, it);
    }
  return TRUE;
}

void
pb_check_pool_filled (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const GPtrArray *items)
{
  const pb_page_makeup_t *made = pc->page->makeup;
  if (!made)
    return;
  const pb_template_t *t = pc->grid.tmpl;
  int avail = t->lines - pb_page_head_lines (pc->page->plan);
  g_autoptr (GArray) areas = pb_free_areas (items, t->columns, avail, 1);
  int empty = 0;
  for (guint a = 0; a < areas->len; a++)
    {
      const pb_free_area_t *area = &g_array_index (areas, pb_free_area_t, a);
      empty += area->span * area->height;
    }
  gboolean left_out = FALSE;
  for (guint k = 0; k < made->choices->len; k++)
    {
      const pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, k);
      left_out |= c->place.span == 0 && !c->filler;
    }
  if (empty >= PB_MIN_ITEM_LINES)
    g_ptr_array_add (mk->warnings,
                     g_strdup_printf ("%s:%d:%d: page %d: the pool leaves %d grid lines of "
                                      "columns empty (%s)", pc->page->plan->loc.file,
                                      pc->page->plan->loc.line, pc->page->plan->loc.col,
                                      pc->page->number, empty,
                                      left_out ? "the stories left out do not fit what is free"
                                               : "too little text for the page"));
}
