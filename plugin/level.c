/* The levelling of a story's last part: where its text leaves room in the chain's last item,
 * the columns end on one grid line (or a line apart, the short ones last) — by cutting the
 * frames, setting paragraphs a line or more longer or shorter within the body's limits, and
 * moving tables — each choice tried with a dry pass of the flow (flow.c). */
#include "level.h"

#include <string.h>

/* Levelling tries sets of candidates starting at each of this many cheapest. */
#define PB_LEVEL_TRIES 3
/* A text over its frames by at most this many lines is set tighter to fit them. */
#define PB_MAX_TIGHTEN 12
/* The levelling moves a story's first this many tables, each at most this many runs of frames
 * on from where the flow puts it. */
#define PB_TABLE_MOVES 2
#define PB_TABLE_MAX_SKIP 4

/* The frames of the story's last part, when its text leaves room there to end level. */
typedef struct {
  int first;                /* its first frame */
  int rest;                 /* grid lines of text left for it (an estimate) */
  int lowest, highest;      /* the highest top and the lowest bottom of its frames */
  gint8 *tables;            /* by block: the frames each table passes over (NULL: none), as
                             * pb_flow_t's looseness; owned */
} pb_last_part_t;

static gboolean
last_part_of (const pb_flow_in_t *in, pb_bodies_t *bodies, pb_fonts_t *fonts,
              pb_last_part_t *lp)
{
  /* Without paragraphs set ahead (total -1) the dry flow below finds the rest. */
  int total = pb_bodies_story_lines (bodies, in->story, in->grids[0].tmpl);
  lp->tables = NULL;
  if (in->n_regions == 0)
    return FALSE;
  const pb_region_t *r = in->regions;
  int last = in->n_parts - 1, before = 0, capacity = 0;
  lp->first = -1;
  for (int i = 0; i < in->n_regions; i++)
    {
      int h = MAX (0, r[i].bottom - r[i].top);
      if (r[i].part != last)
        before += h;
      else
        {
          capacity += h;
          if (lp->first < 0)
            lp->first = i;
        }
    }
  lp->rest = total - before;
  if (lp->first < 0 || in->n_regions - lp->first < 2)
    return FALSE;
  if (lp->rest <= 0 || lp->rest > capacity)
    {
      /* The estimate says the text ends elsewhere; where it really goes decides. */
      pb_flow_out_t *out = pb_flow_run (in, (pb_region_t *) in->regions, NULL, TRUE, bodies,
                                        fonts, NULL);
      lp->rest = 0;
      for (int i = lp->first; out && out->overset_chars == 0 && i < in->n_regions; i++)
        lp->rest += MAX (0, out->ends[i] - r[i].top);
      pb_flow_out_free (out);
      if (lp->rest <= 0)
        return FALSE;
    }
  lp->lowest = r[lp->first].top;
  lp->highest = r[lp->first].bottom;
  for (int i = lp->first; i < in->n_regions; i++)
    {
      lp->lowest = MIN (lp->lowest, r[i].top);
      lp->highest = MAX (lp->highest, r[i].bottom);
    }
  return TRUE;
}

/* The last part's frames cut at grid line `bottom`. */
static void
cut_last_part (const pb_flow_in_t *in, const pb_last_part_t *lp, int bottom,
               pb_region_t *regions)
{
  for (int i = lp->first; i < in->n_regions; i++)
    {
      regions[i] = in->regions[i];
      regions[i].bottom = MIN (in->regions[i].bottom, bottom);
      regions[i].balanced = TRUE;
    }
}

static int
room_above (const pb_flow_in_t *in, const pb_last_part_t *lp, int bottom)
{
  int room = 0;
  for (int i = lp->first; i < in->n_regions; i++)
    room += MAX (0, MIN (in->regions[i].bottom, bottom) - in->regions[i].top);
  return room;
}

/* Grid lines left empty at the foot of the last part's frames. */
static int
shortfall (const pb_flow_out_t *out, const pb_last_part_t *lp)
{
  int empty = 0;
  for (int i = lp->first; i < out->n_regions; i++)
    empty += MAX (0, out->regions[i].bottom - MAX (out->ends[i], out->regions[i].top));
  return empty;
}

typedef struct {
  guint block;
  int step;                 /* +1: a line more; -1: a line less */
  double cost;
} pb_candidate_t;

static int
by_cost (gconstpointer a, gconstpointer b)
{
  const pb_candidate_t *x = a, *y = b;
  if (x->cost != y->cost)
    return x->cost < y->cost ? -1 : 1;
  return x->block < y->block ? -1 : x->block > y->block;
}

/* Whether block `b` has lines in the last part as `trial` set it: it starts there, or it
 * starts before and the next block starts there (a paragraph continued into the part: set a
 * line longer or shorter, the part before stays full and the change shows in this one). */
static gboolean
reaches_last_part (const pb_flow_in_t *in, const pb_last_part_t *lp, const pb_flow_out_t *trial,
                   guint b)
{
  guint n_blocks = in->story->blocks->len;
  int at = trial->block_regions[b];
  if (at >= in->n_regions)
    return FALSE;
  if (at >= lp->first)
    return TRUE;
  int next = b + 1 < n_blocks ? trial->block_regions[b + 1] : in->n_regions;
  return next >= lp->first
         && (b + 1 < n_blocks || trial->ends[lp->first] > in->regions[lp->first].top);
}

/* The story's paragraphs that start in its last part (as `trial` set them) and can be set
 * longer (`step` 1) or shorter (-1): a candidate for each line more or less, cheapest first by
 * what that line adds to its demerits; a paragraph at most PB_MAX_LOOSENESS lines and never
 * at PB_LEVEL_MAX_COST (no loose line) or to a one-character last line. Breaking into an
 * exact number of lines is the costly question, so a further line of a paragraph is only
 * asked for while fewer than `want` candidates are found. */
static GArray *
paragraph_candidates (const pb_flow_in_t *in, const pb_last_part_t *lp,
                      const pb_flow_out_t *trial, const gint8 *base, int step, int want,
                      pb_bodies_t *bodies)
{
  GArray *c = g_array_new (FALSE, FALSE, sizeof (pb_candidate_t));
  const pb_template_t *t = in->grids[0].tmpl;
  guint n_blocks = in->story->blocks->len;
  g_autofree double *spent = g_new0 (double, MAX (n_blocks, 1));
  g_autofree gboolean *open = g_new0 (gboolean, MAX (n_blocks, 1));
  for (guint b = 0; b < n_blocks; b++)
    open[b] = reaches_last_part (in, lp, trial, b) && !(base && base[b] != 0)
              && ((const pb_block_t *) in->story->blocks->pdata[b])->kind == PB_BLOCK_PARA;
  for (int k = 1; k <= PB_MAX_LOOSENESS && (k == 1 || (int) c->len < want); k++)
    for (guint b = 0; b < n_blocks; b++)
      {
        double cost = 0;
        if (!open[b])
          continue;
        if (!pb_bodies_looser_cost (bodies, in->story, b, t, k * step, &cost)
            || cost >= PB_LEVEL_MAX_COST)
          {
            open[b] = FALSE;
            continue;
          }
        pb_candidate_t cand = { b, step, cost - spent[b] };
        g_array_append_val (c, cand);
        spent[b] = cost;
      }
  g_array_sort (c, by_cost);
  return c;
}

/* The flow with the candidates cands[from … from + k) applied, when it leaves fewer empty
 * lines than *best_empty without overset: then its line changes replace *best. */
static void
try_changes (const pb_flow_in_t *in, pb_region_t *regions, const pb_last_part_t *lp,
             const gint8 *base, const GArray *cands, int from, int k, pb_bodies_t *bodies,
             pb_fonts_t *fonts, gint8 **best, int *best_empty)
{
  guint n_blocks = in->story->blocks->len;
  gint8 *loose = base ? g_memdup2 (base, n_blocks) : g_new0 (gint8, n_blocks);
  /* The tables' places the levelling chose come with the base, or are set here. */
  if (!base && lp->tables)
    memcpy (loose, lp->tables, n_blocks);
  for (int j = from; j < from + k; j++)
    {
      const pb_candidate_t *c = &g_array_index (cands, pb_candidate_t, j);
      loose[c->block] += c->step;
    }
  /* The paragraphs were all set in the trial before: no error can come up here. */
  pb_flow_out_t *out = pb_flow_run (in, regions, loose, TRUE, bodies, fonts, NULL);
  if (out && out->overset_chars == 0 && shortfall (out, lp) < *best_empty)
    {
      *best_empty = shortfall (out, lp);
      g_free (*best);
      *best = g_steal_pointer (&loose);
    }
  g_free (loose);
  pb_flow_out_free (out);
}

/* Changes `need` lines of the last part's paragraphs by `step` each (widow control may take
 * one back, so one more, then one fewer), the cheapest first or the next cheapest, keeping
 * in *best the choice that leaves the fewest empty lines without overset. */
static void
change_lines (const pb_flow_in_t *in, pb_region_t *regions, const pb_last_part_t *lp,
              const pb_flow_out_t *trial, const gint8 *base, int step, int need,
              pb_bodies_t *bodies, pb_fonts_t *fonts, gint8 **best, int *best_empty)
{
  const int counts[] = { need, need + 1, need - 1 };
  GArray *cands = paragraph_candidates (in, lp, trial, base, step, need + 1, bodies);
  for (guint c = 0; c < G_N_ELEMENTS (counts) && *best_empty > 0; c++)
    for (int from = 0; from < PB_LEVEL_TRIES && *best_empty > 0; from++)
      if (counts[c] > 0 && from + counts[c] <= (int) cands->len)
        try_changes (in, regions, lp, base, cands, from, counts[c], bodies, fonts, best,
                     best_empty);
  g_array_free (cands, TRUE);
}

/* The last part's frames ending on two grid lines a line apart: the first `k` at `bottom`,
 * the others a line higher. */
static void
cut_stair (const pb_flow_in_t *in, const pb_last_part_t *lp, int bottom, int k,
           pb_region_t *regions)
{
  cut_last_part (in, lp, bottom - 1, regions);
  for (int i = lp->first; i < lp->first + k && i < in->n_regions; i++)
    regions[i].bottom = MIN (in->regions[i].bottom, bottom);
}

/* Where neither longer nor shorter paragraphs end the columns level, they end a line apart
 * at most, the short ones last: the fewest frames at `bottom` that hold the text, when that
 * leaves fewer than `empty` lines empty. `regions` is cut so when TRUE is returned. */
static gboolean
stair_last_part (const pb_flow_in_t *in, const pb_last_part_t *lp, int bottom,
                 pb_region_t *regions, pb_bodies_t *bodies, pb_fonts_t *fonts, int empty)
{
  for (int k = 1; k < in->n_regions - lp->first; k++)
    {
      cut_stair (in, lp, bottom, k, regions);
      pb_flow_out_t *out = pb_flow_run (in, regions, lp->tables, TRUE, bodies, fonts, NULL);
      gboolean fits = out && out->overset_chars == 0;
      gboolean better = fits && shortfall (out, lp) < empty;
      pb_flow_out_free (out);
      if (fits)
        return better;
    }
  return FALSE;
}

/* Where the paragraphs set shorter (*tighter) to take a text in leave its last lines short,
 * other paragraphs set a line longer on top of them fill the foot (one paragraph shorter to
 * end a column well, another longer to fill the last): *tighter replaced when that leaves
 * fewer lines empty. */
static void
fill_after_tightening (const pb_flow_in_t *in, pb_region_t *regions, const pb_last_part_t *lp,
                       pb_bodies_t *bodies, pb_fonts_t *fonts, gint8 **tighter, int *empty)
{
  pb_flow_out_t *now = pb_flow_run (in, regions, *tighter, TRUE, bodies, fonts, NULL);
  gint8 *filled = NULL;
  if (now)
    change_lines (in, regions, lp, now, *tighter, 1, *empty, bodies, fonts, &filled, empty);
  pb_flow_out_free (now);
  if (filled)
    {
      g_free (*tighter);
      *tighter = filled;
    }
}

/* Ends the last part's columns level where the trial at `bottom` left them short: first by
 * setting paragraphs longer to fill them; failing that, by cutting the frames a line higher
 * and setting paragraphs shorter to make the text fit there. `regions` ends cut where the
 * returned line changes (by block; NULL for none) fit. */
static gint8 *
level_columns (const pb_flow_in_t *in, pb_region_t *regions, const pb_last_part_t *lp,
               const pb_flow_out_t *trial, int bottom, pb_bodies_t *bodies, pb_fonts_t *fonts)
{
  gint8 *best = NULL;
  int best_empty = shortfall (trial, lp);
  change_lines (in, regions, lp, trial, NULL, 1, best_empty, bodies, fonts, &best, &best_empty);
  if (best_empty == 0 || bottom - 1 <= lp->lowest)
    return best;
  gint8 *tighter = NULL;
  int tighter_empty = G_MAXINT;
  cut_last_part (in, lp, bottom - 1, regions);
  pb_flow_out_t *over = pb_flow_run (in, regions, lp->tables, TRUE, bodies, fonts, NULL);
  if (over)
    change_lines (in, regions, lp, over, NULL, -1, over->overset_chars, bodies, fonts, &tighter,
                  &tighter_empty);
  pb_flow_out_free (over);
  if (tighter && tighter_empty > 0)
    fill_after_tightening (in, regions, lp, bodies, fonts, &tighter, &tighter_empty);
  if (tighter && tighter_empty < best_empty)
    {
      g_free (best);
      return tighter;
    }
  g_free (tighter);
  if (stair_last_part (in, lp, bottom, regions, bodies, fonts, best_empty))
    {
      g_free (best);
      return NULL;
    }
  cut_last_part (in, lp, bottom, regions);
  return best;
}

/* The trial flow (dry) into the last part's frames cut at the lowest bottom that holds the
 * rest of the text, in *trial with `regions` cut there; *trial stays NULL when no bottom does.
 * The search starts where the estimate of the text's lines says and moves from there: up while
 * the text does not fit, down while it still does. FALSE on an error. */
static gboolean
lowest_level (const pb_flow_in_t *in, const pb_last_part_t *lp, pb_region_t *regions,
              pb_bodies_t *bodies, pb_fonts_t *fonts, pb_flow_out_t **trial, int *at,
              GError **error)
{
  int bottom = lp->lowest + 1, best = 0, step = 0;
  while (bottom < lp->highest && room_above (in, lp, bottom) < lp->rest)
    bottom++;
  for (; bottom > lp->lowest && bottom <= lp->highest; bottom += step)
    {
      cut_last_part (in, lp, bottom, regions);
      pb_flow_out_t *out = pb_flow_run (in, regions, lp->tables, TRUE, bodies, fonts, error);
      if (!out)
        return FALSE;
      gboolean fits = out->overset_chars == 0;
      if (fits)
        {
          pb_flow_out_free (*trial);
          *trial = out;
          best = bottom;
        }
      else
        pb_flow_out_free (out);
      if (step == 0)
        step = fits ? -1 : 1;
      else if (fits != (step < 0))
        break;
    }
  if (*trial)
    cut_last_part (in, lp, best, regions);
  *at = best;
  return TRUE;
}

/* Whether a trial that ends the columns at `bottom` is better than *best ending at *at: its
 * columns end higher, or as high with fewer lines empty. */
static gboolean
better_level (const pb_flow_out_t *trial, int bottom, const pb_flow_out_t *best, int at,
              const pb_last_part_t *lp)
{
  if (!trial)
    return FALSE;
  if (!best)
    return TRUE;
  return bottom < at || (bottom == at && shortfall (trial, lp) < shortfall (best, lp));
}

/* The lowest level with the tables at `places` (by block, as pb_flow_t's looseness; taken),
 * kept in `regions`, *trial, *at and lp->tables when it is better_level than the best so far.
 * *fits says whether the text fits at all so. FALSE on an error. */
static gboolean
try_places (const pb_flow_in_t *in, pb_last_part_t *lp, gint8 *places, pb_region_t *regions,
            pb_bodies_t *bodies, pb_fonts_t *fonts, pb_flow_out_t **trial, int *at,
            gboolean *fits, GError **error)
{
  gint8 *was = lp->tables;
  g_autofree pb_region_t *alt = g_memdup2 (in->regions, sizeof (pb_region_t)
                                                          * MAX (in->n_regions, 1));
  pb_flow_out_t *out = NULL;
  int bottom = 0;
  lp->tables = places;
  gboolean ok = lowest_level (in, lp, alt, bodies, fonts, &out, &bottom, error);
  *fits = out != NULL;
  if (ok && better_level (out, bottom, *trial, *at, lp))
    {
      g_free (was);
      pb_flow_out_free (*trial);
      *trial = g_steal_pointer (&out);
      *at = bottom;
      memcpy (regions, alt, sizeof (pb_region_t) * in->n_regions);
    }
  else
    {
      g_free (places);
      lp->tables = was;
    }
  pb_flow_out_free (out);
  return ok;
}

/* The lowest level (lowest_level) with the story's tables where the flow puts them, then with
 * its first PB_TABLE_MOVES tables all set ahead of the text (-1), then with each of them ahead
 * or at the top of a later run of frames that holds it, up to PB_TABLE_MAX_SKIP runs on: a
 * table is a block of whole grid lines the text cannot flow through, so where it stands
 * decides how level the columns can end. The best is kept: `regions`, *trial, *at and
 * lp->tables (the frames each table passes over). FALSE on an error. */
static gboolean
place_tables (const pb_flow_in_t *in, pb_last_part_t *lp, pb_region_t *regions,
              pb_bodies_t *bodies, pb_fonts_t *fonts, pb_flow_out_t **trial, int *at,
              GError **error)
{
  if (!lowest_level (in, lp, regions, bodies, fonts, trial, at, error))
    return FALSE;
  guint n_blocks = in->story->blocks->len, n = 0;
  guint movable[PB_TABLE_MOVES];
  for (guint b = 0; b < n_blocks && n < PB_TABLE_MOVES; b++)
    if (((const pb_block_t *) in->story->blocks->pdata[b])->kind == PB_BLOCK_TABLE)
      movable[n++] = b;
  if (n == 0)
    return TRUE;
  gint8 *ahead = g_new0 (gint8, n_blocks);
  for (guint k = 0; k < n; k++)
    ahead[movable[k]] = -1;
  gboolean fits = TRUE;
  if (!try_places (in, lp, ahead, regions, bodies, fonts, trial, at, &fits, error))
    return FALSE;
  /* Past a run of frames where the text found no level, a table is not moved further: a
   * later run only has fewer runs after it. */
  for (guint k = 0; k < n; k++)
    for (int skip = -1; skip <= PB_TABLE_MAX_SKIP && (fits || skip <= 1);
         skip += skip == -1 ? 2 : 1)
      {
        gint8 *places = lp->tables ? g_memdup2 (lp->tables, n_blocks) : g_new0 (gint8, n_blocks);
        places[movable[k]] = skip;
        if (!try_places (in, lp, places, regions, bodies, fonts, trial, at, &fits, error))
          return FALSE;
      }
  return TRUE;
}

/* Paragraphs of the last part set shorter (the tracking of whole paragraphs, within the
 * body's limits) so that a text over its frames by at most PB_MAX_TIGHTEN lines fits them.
 * Returns the line changes by block, or NULL when the text fits or cannot be made to. */
static gint8 *
tighten_to_fit (const pb_flow_in_t *in, pb_region_t *regions, pb_bodies_t *bodies,
                pb_fonts_t *fonts)
{
  pb_last_part_t lp = { -1, 0, 0, 0, NULL };
  for (int i = 0; i < in->n_regions && lp.first < 0; i++)
    if (in->regions[i].part == in->n_parts - 1)
      lp.first = i;
  if (lp.first < 0)
    return NULL;
  pb_flow_out_t *trial = pb_flow_run (in, regions, NULL, TRUE, bodies, fonts, NULL);
  gint8 *best = NULL;
  int best_empty = G_MAXINT;
  if (trial && trial->overset_chars > 0 && trial->overset_chars <= PB_MAX_TIGHTEN)
    change_lines (in, regions, &lp, trial, NULL, -1, trial->overset_chars, bodies, fonts, &best,
                  &best_empty);
  pb_flow_out_free (trial);
  return best;
}

/* The last part's frames as given, filled by setting its paragraphs longer (the tracking of
 * whole paragraphs, within the body's limits), when that leaves no line empty: `regions` is
 * then cut at the frames' own foot and the line changes (by block) are returned; else NULL and
 * `regions` as it was. */
static gint8 *
fill_frames (const pb_flow_in_t *in, const pb_last_part_t *lp, pb_region_t *regions,
             pb_bodies_t *bodies, pb_fonts_t *fonts)
{
  g_autofree pb_region_t *full = g_memdup2 (regions, sizeof (pb_region_t) * in->n_regions);
  cut_last_part (in, lp, lp->highest, full);
  pb_flow_out_t *trial = pb_flow_run (in, full, lp->tables, TRUE, bodies, fonts, NULL);
  gint8 *best = NULL;
  int best_empty = trial && trial->overset_chars == 0 ? shortfall (trial, lp) : 0;
  if (best_empty > 0)
    change_lines (in, full, lp, trial, NULL, 1, best_empty, bodies, fonts, &best, &best_empty);
  pb_flow_out_free (trial);
  if (best && best_empty == 0)
    {
      memcpy (regions, full, sizeof (pb_region_t) * in->n_regions);
      return best;
    }
  g_free (best);
  return NULL;
}

pb_flow_out_t *
pb_flow_story (const pb_flow_in_t *in, pb_bodies_t *bodies, pb_fonts_t *fonts, GError **error)
{
  pb_region_t *regions = g_new (pb_region_t, MAX (in->n_regions, 1));
  if (in->n_regions > 0)
    memcpy (regions, in->regions, in->n_regions * sizeof (pb_region_t));
  pb_last_part_t lp;
  gboolean level = last_part_of (in, bodies, fonts, &lp);
  pb_flow_out_t *trial = NULL;
  int bottom = 0;
  if (level && !place_tables (in, &lp, regions, bodies, fonts, &trial, &bottom, error))
    {
      g_free (lp.tables);
      g_free (regions);
      return NULL;
    }
  gint8 *loose = NULL;
  if (trial)
    {
      if (in->fill && bottom < lp.highest)
        loose = fill_frames (in, &lp, regions, bodies, fonts);
      if (!loose && shortfall (trial, &lp) > 0)
        loose = level_columns (in, regions, &lp, trial, bottom, bodies, fonts);
      pb_flow_out_free (trial);
    }
  else if (in->n_regions > 0)
    {
      /* The text does not end in its last part: it flows into the frames as given, with
       * paragraphs set shorter where that makes a small overset fit. */
      memcpy (regions, in->regions, in->n_regions * sizeof (pb_region_t));
      loose = tighten_to_fit (in, regions, bodies, fonts);
    }
  pb_flow_out_t *out = pb_flow_run (in, regions, loose ? loose : lp.tables, in->measure_only,
                                 bodies, fonts, error);
  for (guint b = 0; out && loose && b < in->story->blocks->len; b++)
    if (((const pb_block_t *) in->story->blocks->pdata[b])->kind == PB_BLOCK_PARA)
      out->loosened += ABS (loose[b]);
  g_free (loose);
  g_free (lp.tables);
  g_free (regions);
  return out;
}
