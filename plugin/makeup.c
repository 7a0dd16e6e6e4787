/* Automatic page makeup: a beam search over the stories in order of importance. A partial
 * arrangement is the skyline of what is placed (the grid line each column is filled to) and
 * the places so far; each story goes, in each of its variants, on a flat stretch of the skyline,
 * or is left out. The score weighs, as a makeup editor does: the page filled (hard), the most
 * important stories high and wide, no two headlines side by side at the same height (bumping
 * heads), photos spread, photos at their own aspect; and as rules: no headline right under
 * another story's photo, the lead on top and no story wider than it. */
#include "makeup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Weights of the score's parts, per grid line or per case. A line left empty in a column
 * costs more than any placement preference; a story left out costs its lines and more. */
#define PB_MK_EMPTY 100.0
#define PB_MK_LEFT_OUT 400.0
#define PB_MK_IMPORTANCE_LOW 20.0      /* × importance × top / depth */
#define PB_MK_IMPORTANCE_NARROW 10.0   /* × importance × columns not taken / columns */
#define PB_MK_IMPORTANCE_RIGHT 10.0    /* × importance × columns left of it / columns */
/* A story as wide as the lead: the lead should read as the widest (a rule forbids wider). */
#define PB_MK_LEAD_TIE 150.0
#define PB_MK_BUMPING 300.0
#define PB_MK_PHOTOS 60.0
/* Places a variant takes on a skyline, about (beam_for's estimate of the children). */
#define PB_MAKEUP_PLACES_A_VARIANT 4
/* The estimate of a second pass on a page the first left short (pb_makeup_arrange). */
#define PB_MAKEUP_WIDER_PLACES 1
#define PB_MK_PHOTO_CHANGE 2.0         /* a grid line of photo away from its aspect, or one
                                        * added under the headlines */
#define PB_MK_PHOTO_OUT 250.0          /* a story printed without its photo */
#define PB_MK_CONTINUED 200.0          /* a story begun here and continued on another page */
#define PB_MK_HEADLINE_STEP 3.0        /* a size step of the 主题 (copyfitting's order: the
                                        * photo first, then the 主题's size) */

typedef struct {
  int skyline[PB_MAKEUP_MAX_COLUMNS];
  int skipped;                /* grid lines left above gaps no story could take */
  pb_makeup_place_t *places;  /* by story, of the search's n */
  pb_makeup_score_t score;
} state_t;

typedef struct {
  const pb_makeup_story_t *stories;
  int n, columns;
  const pb_makeup_room_t *room;
  const int *rank;          /* by place in the search: the story's place in the pool */
  int n_main;               /* stories that are not optional (fillers) */
  int lead;                 /* where the pool's first story (the lead) is in the search */
  int *largest;             /* largest_areas () */
  int *shortest;            /* shortest_heights () */
  int evaluated;
  int budget;               /* arrangements this pass may score */
  int places;               /* beam_for's estimate of the places a variant takes */
} search_t;

/* The weight of story i's placement: the lead's counts most, the last stories' hardly. */
static double
importance (const search_t *s, int i)
{
  if (s->stories[i].optional)
    return 0;
  double w = (double) (s->n_main - s->rank[i]) / s->n_main;
  return w * w;
}

static const pb_makeup_variant_t *
variant_of (const search_t *s, int k, const pb_makeup_place_t *q)
{
  return &s->stories[k].variants[q->variant];
}

static gboolean
side_by_side (const pb_makeup_place_t *p, const pb_makeup_place_t *q)
{
  return q->span > 0 && (q->column + q->span == p->column || p->column + p->span == q->column);
}

/* Whether stories at p and q share a grid line (stand beside each other, or overlap). */
static gboolean
beside (const pb_makeup_place_t *p, const pb_makeup_place_t *q)
{
  return p->top < q->top + q->height && q->top < p->top + p->height;
}

/* Stories beside the one placed at `p` that start on the same line. */
static int
bumps (const state_t *st, int i, const pb_makeup_place_t *p)
{
  int count = 0;
  for (int k = 0; k < i; k++)
    count += side_by_side (p, &st->places[k]) && st->places[k].top == p->top;
  return count;
}

/* Stories whose photo reaches their foot right above the headline of the one at `p`. */
static int
under_photos (const search_t *s, const state_t *st, int i, const pb_makeup_place_t *p)
{
  int count = 0;
  for (int k = 0; k < i; k++)
    {
      const pb_makeup_place_t *q = &st->places[k];
      if (q->span == 0 || q->top + q->height != p->top)
        continue;
      const pb_makeup_variant_t *v = variant_of (s, k, q);
      int first = q->column + v->photo_first, end = first + v->photo_foot_span;
      count += v->photo_foot_span > 0 && first < p->column + p->span && p->column < end;
    }
  return count;
}

static int
photos_beside (const search_t *s, const state_t *st, int i, const pb_makeup_place_t *p)
{
  int count = 0;
  for (int k = 0; variant_of (s, i, p)->photo_lines > 0 && k < i; k++)
    {
      const pb_makeup_place_t *q = &st->places[k];
      count += side_by_side (p, q) && variant_of (s, k, q)->photo_lines > 0
               && beside (p, q);
    }
  return count;
}

double
pb_makeup_variant_cost (const pb_makeup_variant_t *v)
{
  return PB_MK_EMPTY * v->ragged + PB_MK_PHOTO_CHANGE * (v->photo_change + v->heading_space)
         + PB_MK_HEADLINE_STEP * abs (v->headline_steps)
         + (v->photo_lines == 0 ? PB_MK_PHOTO_OUT : 0) + (v->to_foot ? PB_MK_CONTINUED : 0);
}

static void
score_total (pb_makeup_score_t *sc)
{
  sc->total = PB_MK_EMPTY * sc->empty + PB_MK_LEFT_OUT * sc->left_out + sc->importance
              + PB_MK_LEAD_TIE * sc->lead_ties + PB_MK_BUMPING * sc->bumping
              + PB_MK_PHOTOS * sc->photos + sc->changes;
}

void
pb_makeup_room_init (pb_makeup_room_t *room, int columns, int from, int depth)
{
  room->columns = MIN (columns, PB_MAKEUP_MAX_COLUMNS);
  for (int c = 0; c < PB_MAKEUP_MAX_COLUMNS; c++)
    room->from[c] = from, room->depth[c] = depth, room->gap_top[c] = room->gap_bottom[c] = -1;
}

int
pb_makeup_room_limit (const pb_makeup_room_t *room, int c, int line)
{
  return room->gap_top[c] >= 0 && line <= room->gap_top[c] ? room->gap_top[c]
                                                            : room->depth[c];
}

/* The free run of column c under the skyline (down to its gap or its depth), and the run
 * under its gap when the skyline is above it. */
static int
run_under (const search_t *s, const int *skyline, int c, int *below)
{
  const pb_makeup_room_t *r = s->room;
  gboolean above = r->gap_top[c] >= 0 && skyline[c] <= r->gap_top[c];
  *below = above ? MAX (0, r->depth[c] - r->gap_bottom[c]) : 0;
  return MAX (0, pb_makeup_room_limit (r, c, skyline[c]) - skyline[c]);
}

/* Grid lines of columns still free under the skyline (above and under gaps). */
static int
free_lines (const search_t *s, const int *skyline)
{
  int free = 0;
  for (int c = 0; c < s->columns; c++)
    {
      int below = 0;
      free += run_under (s, skyline, c, &below) + below;
    }
  return free;
}

/* Where a column's skyline reaches its gap, it goes on under it; where the run left above the
 * gap is shorter than any story to come (`shortest` lines), those lines are skipped (empty)
 * and it goes on under the gap too. */
static void
pass_gaps (const search_t *s, state_t *st, int shortest)
{
  const pb_makeup_room_t *r = s->room;
  for (int c = 0; c < s->columns; c++)
    if (r->gap_top[c] >= 0 && st->skyline[c] <= r->gap_top[c]
        && r->gap_top[c] - st->skyline[c] < MAX (shortest, 1))
      {
        st->skipped += r->gap_top[c] - st->skyline[c];
        st->skyline[c] = r->gap_bottom[c];
      }
}

/* largest[i]: the grid lines of columns stories i … n − 1 take at their largest. */
static int *
largest_areas (const search_t *s)
{
  int *largest = g_new0 (int, s->n + 1), deepest = 0;
  for (int c = 0; c < s->columns; c++)
    deepest = MAX (deepest, s->room->depth[c] - s->room->from[c]);
  for (int i = s->n - 1; i >= 0; i--)
    {
      int most = 0;
      for (int v = 0; v < s->stories[i].n_variants; v++)
        {
          const pb_makeup_variant_t *x = &s->stories[i].variants[v];
          /* A first part reaches its columns' foot: as deep as the page at most. */
          most = MAX (most, (x->to_foot ? deepest : x->height) * x->span);
        }
      largest[i] = largest[i + 1] + most;
    }
  return largest;
}

/* shortest[i]: the fewest grid lines any variant of stories i … n − 1 is tall (G_MAXINT past
 * the last). */
static int *
shortest_heights (const search_t *s)
{
  int *shortest = g_new0 (int, s->n + 1);
  shortest[s->n] = G_MAXINT;
  for (int i = s->n - 1; i >= 0; i--)
    {
      shortest[i] = shortest[i + 1];
      for (int v = 0; v < s->stories[i].n_variants; v++)
        shortest[i] = MIN (shortest[i], s->stories[i].variants[v].height);
    }
  return shortest;
}

/* Grid lines of columns no story to come can take: a column's free run shorter than the
 * shortest of their variants (a story needs that many lines in each of its columns). */
static int
dead_lines (const search_t *s, const int *skyline, int shortest)
{
  int dead = 0;
  for (int c = 0; c < s->columns; c++)
    {
      int below = 0, left = run_under (s, skyline, c, &below);
      dead += (left > 0 && left < shortest ? left : 0)
              + (below > 0 && below < shortest ? below : 0);
    }
  return dead;
}

static state_t
state_copy (const search_t *s, const state_t *from)
{
  state_t st = *from;
  st.places = g_memdup2 (from->places, sizeof (pb_makeup_place_t) * MAX (s->n, 1));
  return st;
}

/* Stories beside the lead as wide as it, counted when the later of the two is placed (the
 * lead as wide as the page ties with none; one under it as wide does not compete). */
static int
lead_ties (const search_t *s, const state_t *st, int i)
{
  const pb_makeup_place_t *lead = &st->places[s->lead], *p = &st->places[i];
  if (s->stories[i].optional || lead->span == 0 || lead->span == s->columns || i < s->lead)
    return 0;
  if (i != s->lead)
    return p->span == lead->span && beside (p, lead);
  int ties = 0;
  for (int k = 0; k < i; k++)
    ties += !s->stories[k].optional && st->places[k].span == lead->span
            && beside (&st->places[k], lead);
  return ties;
}

/* The lead (the pool's first story) starts on the first free line of its columns, and no story
 * is wider than it: a rule, not a preference, as a makeup editor keeps it. */
static gboolean
lead_rule (const search_t *s, const state_t *st, int i, int span, int top, int c)
{
  if (i == s->lead)
    {
      for (int k = 0; k < i; k++)
        if (st->places[k].span > span)
          return FALSE;
      return top == s->room->from[c];
    }
  const pb_makeup_place_t *lead = &st->places[s->lead];
  return s->lead > i || lead->span == 0 || span <= lead->span;
}

/* The child of `st` with story i in variant v at column c, when the skyline is flat there and
 * the story fits under it and obeys its constraints. */
static void
place_child (search_t *s, const state_t *st, int i, int v, int c, GArray *into)
{
  const pb_makeup_story_t *story = &s->stories[i];
  const pb_makeup_variant_t *var = &story->variants[v];
  int top = st->skyline[c], room = G_MAXINT;
  for (int k = c; k < c + var->span; k++)
    {
      if (st->skyline[k] != top)
        return;
      room = MIN (room, pb_makeup_room_limit (s->room, k, top));
    }
  if (top + var->height > room || (story->on_top && top > s->room->from[c])
      || !lead_rule (s, st, i, var->span, top, c))
    return;
  pb_makeup_place_t p = { c, var->span, top, var->to_foot ? room - top : var->height, v };
  /* A headline right under another story's photo reads as its caption: never. */
  if (under_photos (s, st, i, &p) > 0)
    return;
  state_t child = state_copy (s, st);
  child.places[i] = p;
  for (int k = c; k < c + var->span; k++)
    child.skyline[k] = top + p.height;
  pass_gaps (s, &child, s->shortest[i + 1]);
  double w = importance (s, i);
  child.score.importance += w * (PB_MK_IMPORTANCE_LOW * (top - s->room->from[c])
                                   / s->room->depth[c]
                                 + PB_MK_IMPORTANCE_NARROW * (s->columns - var->span)
                                   / s->columns
                                 + PB_MK_IMPORTANCE_RIGHT * c / s->columns);
  child.score.lead_ties += lead_ties (s, &child, i);
  child.score.bumping += bumps (&child, i, &p);
  child.score.photos += photos_beside (s, &child, i, &p);
  child.score.photo_change += var->photo_change;
  child.score.heading_space += var->heading_space;
  child.score.headline_steps += abs (var->headline_steps);
  child.score.ragged += var->ragged;
  child.score.changes += pb_makeup_variant_cost (var);
  g_array_append_val (into, child);
}

/* Whether a story `span` columns wide at column c stands against the left or the right edge of
 * the stretch it sits on (or of the page): one placed inside a wider stretch would leave
 * a gap on both sides, which no arrangement of whole rectangles fills better. */
static gboolean
at_an_edge (const search_t *s, const state_t *st, int c, int span)
{
  int top = st->skyline[c], end = c + span;
  return c == 0 || st->skyline[c - 1] != top || end == s->columns || st->skyline[end] != top;
}

/* Children of `st` for story i: each variant at each edge of each flat stretch, and leaving
 * it out. */
static void
expand (search_t *s, const state_t *st, int i, GArray *into)
{
  const pb_makeup_story_t *story = &s->stories[i];
  for (int v = 0; v < story->n_variants; v++)
    for (int c = 0; c + story->variants[v].span <= s->columns; c++)
      if (story->pin_column < 0 ? at_an_edge (s, st, c, story->variants[v].span)
                                : c == story->pin_column)
        place_child (s, st, i, v, c, into);
  state_t out = state_copy (s, st);
  out.places[i] = (pb_makeup_place_t) { 0, 0, 0, 0, -1 };
  int least = G_MAXINT;
  for (int v = 0; v < story->n_variants; v++)
    least = MIN (least, story->variants[v].height * story->variants[v].span);
  /* Leaving out an important story costs more than leaving out a brief; a filler, nothing. */
  if (!story->optional)
    {
      out.score.left_out += least == G_MAXINT ? 0 : least * (1 + 4 * importance (s, i));
      out.score.left_out_stories++;
    }
  g_array_append_val (into, out);
}

static int
by_score (gconstpointer a, gconstpointer b)
{
  const state_t *x = a, *y = b;
  if (x->score.total != y->score.total)
    return x->score.total < y->score.total ? -1 : 1;
  /* Ties: the earlier skyline lower, for a deterministic order. */
  return memcmp (x->skyline, y->skyline, sizeof x->skyline);
}

static void
free_states (GArray *states, guint from)
{
  for (guint k = from; k < states->len; k++)
    g_free (g_array_index (states, state_t, k).places);
}

/* The search's order: the stories pinned to a column first, then those that must be on top,
 * then the others, each in the pool's order. Returns the pool's index of each (g_free). */
static int *
search_order (const pb_makeup_story_t *stories, int n)
{
  int *rank = g_new (int, MAX (n, 1)), k = 0;
  for (int pass = 0; pass < 3; pass++)
    for (int i = 0; i < n; i++)
      {
        int kind = stories[i].pin_column >= 0 ? 0 : stories[i].on_top ? 1 : 2;
        if (kind == pass)
          rank[k++] = i;
      }
  return rank;
}

/* The partial arrangements story i may start from: at most `beam`, and as many as the budget
 * left, shared evenly by the stories to come, allows at the children each makes. */
static guint
beam_for (const search_t *s, int i, int beam)
{
  const pb_makeup_story_t *story = &s->stories[i];
  /* A variant goes at the two edges of a stretch, and a skyline has few stretches. */
  long children = 1 + (long) s->places * story->n_variants;
  long left = MAX (0, s->budget - s->evaluated) / (s->n - i);
  return (guint) CLAMP (left / children, 1, beam);
}

/* Each variant's best whole arrangement among those kept to the end. */
static void
record_best (const search_t *s, GArray *states, pb_makeup_best_t *const *best)
{
  for (int i = 0; best && i < s->n; i++)
    for (int v = 0; v < s->stories[i].n_variants; v++)
      best[s->rank[i]][v] = INFINITY;
  for (guint k = 0; best && k < states->len; k++)
    {
      const state_t *st = &g_array_index (states, state_t, k);
      for (int i = 0; i < s->n; i++)
        {
          int v = st->places[i].variant;
          if (v >= 0)
            best[s->rank[i]][v] = MIN (best[s->rank[i]][v], st->score.total);
        }
    }
}

/* The stories' next generation: each state's children scored, the best `keep` kept. */
static GArray *
next_generation (search_t *s, GArray *states, int i, guint keep)
{
  GArray *next = g_array_new (FALSE, TRUE, sizeof (state_t));
  /* The best states first, while the budget's share for this story lasts (one at least). */
  long share = MAX (0, s->budget - s->evaluated) / (s->n - i);
  for (guint k = 0; k < MIN (keep, states->len) && (k == 0 || (long) next->len < share); k++)
    expand (s, &g_array_index (states, state_t, k), i, next);
  free_states (states, 0);
  g_array_free (states, TRUE);
  for (guint k = 0; k < next->len; k++)
    {
      state_t *st = &g_array_index (next, state_t, k);
      /* A partial arrangement is judged by the empty lines the stories to come cannot
       * fill even at their largest, or the runs too short for any of them, whichever is
       * more; the last by its empty lines. Lines skipped above gaps are empty in both. */
      int free = free_lines (s, st->skyline);
      st->score.empty = st->skipped
                        + (i + 1 == s->n ? free
                                         : MAX (MAX (0, free - s->largest[i + 1]),
                                                dead_lines (s, st->skyline, s->shortest[i + 1])));
      score_total (&st->score);
    }
  s->evaluated += next->len;
  g_array_sort (next, by_score);
  return next;
}

/* One pass of the search with `places` as beam_for's estimate and `budget` arrangements;
 * its choice in `places_out`, its variants' best in `best` (may be NULL). */
static pb_makeup_score_t
search_pass (const pb_makeup_story_t *pool, int n, const pb_makeup_room_t *room, int beam,
             int places, int budget, pb_makeup_place_t *places_out, pb_makeup_best_t *const *best)
{
  g_autofree int *rank = search_order (pool, n);
  g_autofree pb_makeup_story_t *stories = g_new (pb_makeup_story_t, MAX (n, 1));
  for (int i = 0; i < n; i++)
    stories[i] = pool[rank[i]];
  search_t s = { .stories = stories, .n = n, .columns = MIN (room->columns, PB_MAKEUP_MAX_COLUMNS),
                 .room = room, .rank = rank, .budget = budget, .places = places };
  for (int i = 0; i < n; i++)
    {
      s.n_main += !pool[i].optional;
      if (rank[i] == 0)
        s.lead = i;
    }
  s.n_main = MAX (s.n_main, 1);
  s.largest = largest_areas (&s);
  s.shortest = shortest_heights (&s);
  GArray *states = g_array_new (FALSE, TRUE, sizeof (state_t));
  state_t first = { .places = g_new0 (pb_makeup_place_t, MAX (n, 1)) };
  for (int c = 0; c < s.columns; c++)
    first.skyline[c] = room->from[c];
  pass_gaps (&s, &first, s.shortest[0]);
  g_array_append_val (states, first);
  int cut = -1;
  for (int i = 0; i < n; i++)
    {
      guint keep = beam_for (&s, i, beam);
      if (keep < (guint) beam && keep < states->len && cut < 0)
        cut = rank[i];
      states = next_generation (&s, states, i, keep);
      free_states (states, MIN ((guint) beam, states->len));
      g_array_set_size (states, MIN ((guint) beam, states->len));
    }
  record_best (&s, states, best);
  state_t *chosen = &g_array_index (states, state_t, 0);
  for (int i = 0; i < n; i++)
    places_out[rank[i]] = chosen->places[i];
  pb_makeup_score_t score = chosen->score;
  score.evaluated = s.evaluated;
  score.beam_cut = cut;
  free_states (states, 0);
  g_array_free (states, TRUE);
  g_free (s.largest);
  g_free (s.shortest);
  return score;
}

pb_makeup_score_t
pb_makeup_arrange (const pb_makeup_story_t *pool, int n, const pb_makeup_room_t *room, int beam,
                   pb_makeup_place_t *places, pb_makeup_best_t *const *best)
{
  pb_makeup_score_t score = search_pass (pool, n, room, beam, PB_MAKEUP_PLACES_A_VARIANT,
                                         PB_MAKEUP_BUDGET, places, best);
  /* A page left short with budget to spare is searched again with wider beams (a variant
   * seldom takes as many places as the first pass reckons): the better pass is kept. */
  int left = PB_MAKEUP_BUDGET - score.evaluated;
  if (score.empty == 0 || left < PB_MAKEUP_BUDGET / 2)
    return score;
  g_autofree pb_makeup_place_t *again = g_new0 (pb_makeup_place_t, MAX (n, 1));
  g_autofree pb_makeup_best_t **again_best = NULL;
  if (best)
    {
      again_best = g_new0 (pb_makeup_best_t *, MAX (n, 1));
      for (int i = 0; i < n; i++)
        again_best[i] = g_new0 (pb_makeup_best_t, MAX (pool[i].n_variants, 1));
    }
  pb_makeup_score_t wider = search_pass (pool, n, room, beam, PB_MAKEUP_WIDER_PLACES, left,
                                         again, again_best);
  gboolean better = wider.total < score.total;
  if (better)
    {
      memcpy (places, again, sizeof (pb_makeup_place_t) * n);
      for (int i = 0; best && i < n; i++)
        memcpy (best[i], again_best[i], sizeof (pb_makeup_best_t) * pool[i].n_variants);
    }
  for (int i = 0; again_best && i < n; i++)
    g_free (again_best[i]);
  int evaluated = score.evaluated + wider.evaluated;
  if (better)
    score = wider;
  score.evaluated = evaluated;
  return score;
}
