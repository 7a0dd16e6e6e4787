/* Copyfitting a fixed item: the candidates in a makeup editor's order, each tried by setting
 * the story (the caller's trial), the first that fills the item exactly kept. */
#include "copyfit.h"

#include <stdlib.h>

/* The photo keeps at least this share of its planned height. */
#define PB_FIT_PHOTO_KEEP 0.75
/* At most this many grid lines of extra space under the headlines. */
#define PB_FIT_HEADING_MAX 1
/* What a line (a size step for the 主题) of each change costs in the order of preference: the
 * photo first, then the headline's size, then the space under it, then above subheads. */
#define PB_FIT_COST_PHOTO 1
#define PB_FIT_COST_HEADLINE 2
#define PB_FIT_COST_HEADING 3
#define PB_FIT_COST_SUBHEAD 4
/* Trials beyond the plan's own: the search stops after this many. */
#define PB_FIT_MAX_TRIALS 24

typedef struct {
  pb_copyfit_t fit;
  int cost;
  int gain;                 /* column-lines of text room taken away (negative: given) */
} pb_copyfit_cand_t;

/* A headline size step and the grid lines it adds to the headlines (negative: takes). */
typedef struct {
  int steps;
  int lines;
} pb_headline_step_t;

gboolean
pb_copyfit_changed (const pb_copyfit_t *fit)
{
  return fit->photo_lines != 0 || fit->heading_lines != 0 || fit->subhead_lines != 0
         || fit->headline_steps != 0;
}

static int
by_cost (gconstpointer a, gconstpointer b)
{
  const pb_copyfit_cand_t *x = a, *y = b;
  if (x->cost != y->cost)
    return x->cost - y->cost;
  /* Equal cost: the smaller photo change, then the smaller size step (deterministic: the sort
   * is stable on what is left, the order built). */
  if (abs (x->fit.photo_lines) != abs (y->fit.photo_lines))
    return abs (x->fit.photo_lines) - abs (y->fit.photo_lines);
  return abs (x->fit.headline_steps) - abs (y->fit.headline_steps);
}

/* The 主题's size steps worth a trial in direction `sign` (+1: larger, to take room away):
 * none, then for each further change of the headlines' grid lines the smallest step that makes
 * it (a larger step that changes as much only costs more), up to a change of `reach`
 * column-lines. Appended to `steps`; FALSE with `error` set when measuring fails. */
static gboolean
headline_steps (const pb_copyfit_room_t *room, void *data, int sign, int reach, GArray *steps,
                GError **error)
{
  pb_headline_step_t none = { 0, 0 };
  g_array_append_val (steps, none);
  int reached = 0;
  for (int k = 1; room->heading_delta && k <= PB_COPYFIT_HEADLINE_STEPS; k++)
    {
      int delta = 0;
      if (!room->heading_delta (data, sign * k, &delta, error))
        return FALSE;
      /* Out of the style's range or over its lines: the steps beyond are too. */
      if (delta == PB_COPYFIT_NO_STEP || sign * delta * room->span > reach)
        break;
      if (sign * delta <= reached)
        continue;
      reached = sign * delta;
      pb_headline_step_t step = { sign * k, delta };
      g_array_append_val (steps, step);
    }
  return TRUE;
}

/* Every combination that moves the text room towards `need` column-lines (positive: the text
 * is short and room must be taken away; negative: it oversets and room must be given), within
 * one column's worth of lines either way: the flow's levelling takes up the rest. A
 * combination further off cannot fill the item and is never tried. */
static gboolean
candidates (const pb_copyfit_room_t *room, void *data, int need, GArray *c, GError **error)
{
  int sign = need > 0 ? 1 : -1;
  int reach = abs (need) + room->span + 1;
  int photo_max = room->photo_span > 0 ? PB_COPYFIT_PHOTO_MAX : 0;
  photo_max = MIN (photo_max, sign > 0 ? room->photo_grow
                                       : (int) (room->photo_lines * (1 - PB_FIT_PHOTO_KEEP)));
  int heading_max = sign > 0 ? PB_FIT_HEADING_MAX : 0;
  int subhead_max = sign > 0 ? room->subheads : 0;
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (pb_headline_step_t));
  if (!headline_steps (room, data, sign, reach, steps, error))
    return FALSE;
  for (int p = 0; p <= photo_max; p++)
    for (guint k = 0; k < steps->len; k++)
      for (int h = 0; h <= heading_max; h++)
        for (int s = 0; s <= subhead_max; s++)
          {
            const pb_headline_step_t *step = &g_array_index (steps, pb_headline_step_t, k);
            if (p == 0 && step->steps == 0 && h == 0 && s == 0)
              continue;
            int gain = sign * (p * room->photo_span) + (step->lines + h) * room->span + s;
            if (abs (gain - need) > room->span + 1)
              continue;
            pb_copyfit_cand_t cand = { { sign * p, h, s, step->steps },
                                       p * PB_FIT_COST_PHOTO
                                         + abs (step->steps) * PB_FIT_COST_HEADLINE
                                         + h * PB_FIT_COST_HEADING + s * PB_FIT_COST_SUBHEAD,
                                       gain };
            g_array_append_val (c, cand);
          }
  g_array_sort (c, by_cost);
  return TRUE;
}

/* Whether a trial leaving `e` empty column-lines and `o` lines overset is better than the
 * best so far. Overset goes first; a text that fits leaves the fewest empty lines. */
static gboolean
better (int e, int o, int best_e, int best_o)
{
  return o < best_o || (o == best_o && e < best_e);
}

gboolean
pb_copyfit (const pb_copyfit_room_t *room, pb_copyfit_trial_fn trial, void *data,
            pb_copyfit_t *fit, GError **error)
{
  *fit = (pb_copyfit_t) { 0 };
  int empty = 0, overset = 0;
  if (!trial (data, fit, &empty, &overset, error))
    return FALSE;
  if (empty == 0 && overset == 0)
    return TRUE;
  /* Both count column-lines. */
  int need = overset > 0 ? -overset : empty;
  g_autoptr (GArray) cands = g_array_new (FALSE, FALSE, sizeof (pb_copyfit_cand_t));
  if (!candidates (room, data, need, cands, error))
    return FALSE;
  pb_copyfit_t best = { 0 };
  int best_e = empty, best_o = overset;
  for (guint i = 0; i < cands->len && i < PB_FIT_MAX_TRIALS && (best_e > 0 || best_o > 0); i++)
    {
      const pb_copyfit_cand_t *c = &g_array_index (cands, pb_copyfit_cand_t, i);
      int e = 0, o = 0;
      if (!trial (data, &c->fit, &e, &o, error))
        return FALSE;
      if (better (e, o, best_e, best_o))
        best = c->fit, best_e = e, best_o = o;
    }
  /* Changes are made to fill the item: to take an overset in, or to leave no more than a line
   * short in fewer than all its columns (the house's short last column). Changes that only
   * make a hole smaller are not worth their look. */
  if (best_o < overset || (best_o == 0 && best_e < room->span))
    *fit = best;
  return TRUE;
}
