/* Automatic page makeup: a beam search over the stories in order of importance. A partial
 * arrangement is the skyline of what is placed (the grid line each column is filled to) and
 * the places so far; each story goes on a flat stretch of the skyline at each span it may take,
 * or is left out. The score weighs, as a makeup editor does: the page filled (hard), the most
 * important stories high and wide, no two headlines side by side at the same height (bumping
 * heads), photos spread. */
#include "makeup.h"

#include <string.h>

/* Weights of the score's parts, per grid line or per case. A line left empty in a column
 * costs more than any placement preference; a story left out costs its lines and more. */
#define PB_MK_EMPTY 100.0
#define PB_MK_LEFT_OUT 400.0
#define PB_MK_IMPORTANCE_LOW 20.0      /* × importance × top / depth */
#define PB_MK_IMPORTANCE_NARROW 10.0   /* × importance × columns not taken / columns */
#define PB_MK_BUMPING 300.0
#define PB_MK_PHOTOS 60.0

typedef struct {
  int skyline[PB_MAKEUP_MAX_COLUMNS];
  pb_makeup_place_t *places;  /* by story, of the search's n */
  pb_makeup_score_t score;
} state_t;

typedef struct {
  const pb_makeup_story_t *stories;
  int n, columns;
  const int *from, *depth;
  const int *rank;          /* by place in the search: the story's place in the pool */
  int *largest;             /* largest_areas () */
  gboolean fillers;         /* fillers may take what the stories leave */
  int evaluated;
} search_t;

/* The weight of story i's placement: the lead's counts most, the last stories' hardly. */
static double
importance (const search_t *s, int i)
{
  double w = (double) (s->n - s->rank[i]) / s->n;
  return w * w;
}

/* Whether a story placed at `p` has another story beside it starting on the same line. */
static int
bumps (const search_t *s, const state_t *st, int i, const pb_makeup_place_t *p)
{
  int count = 0;
  for (int k = 0; k < i; k++)
    {
      const pb_makeup_place_t *q = &st->places[k];
      gboolean beside = q->span > 0 && (q->column + q->span == p->column
                                        || p->column + p->span == q->column);
      count += beside && q->top == p->top;
    }
  return count;
}

static int
photos_beside (const search_t *s, const state_t *st, int i, const pb_makeup_place_t *p)
{
  int count = 0;
  for (int k = 0; s->stories[i].photo && k < i; k++)
    {
      const pb_makeup_place_t *q = &st->places[k];
      gboolean beside = q->span > 0 && (q->column + q->span == p->column
                                        || p->column + p->span == q->column);
      count += beside && s->stories[k].photo && q->top < p->top + p->height
               && p->top < q->top + q->height;
    }
  return count;
}

static void
score_total (pb_makeup_score_t *sc)
{
  sc->total = PB_MK_EMPTY * sc->empty + PB_MK_LEFT_OUT * sc->left_out + sc->importance
              + PB_MK_BUMPING * sc->bumping + PB_MK_PHOTOS * sc->photos;
}

/* The empty lines under the skyline: those a filler cannot take count whole. */
static double
empty_lines (const search_t *s, const int *skyline)
{
  double empty = 0;
  for (int c = 0; c < s->columns; c++)
    {
      int left = s->depth[c] - skyline[c];
      /* A filler may take a longer run (fillers are placed after); a short one stays empty. */
      empty += left < PB_MAKEUP_FILLABLE || !s->fillers ? left : left / 2.0;
    }
  return empty;
}

/* Grid lines of columns still free under the skyline. */
static int
free_lines (const search_t *s, const int *skyline)
{
  int free = 0;
  for (int c = 0; c < s->columns; c++)
    free += MAX (0, s->depth[c] - skyline[c]);
  return free;
}

/* largest[i]: the grid lines of columns stories i … n − 1 take at their largest. */
static int *
largest_areas (const search_t *s)
{
  int *largest = g_new0 (int, s->n + 1);
  for (int i = s->n - 1; i >= 0; i--)
    {
      int most = 0;
      for (int span = 1; span <= s->columns; span++)
        most = MAX (most, s->stories[i].heights[span] * span);
      largest[i] = largest[i + 1] + most;
    }
  return largest;
}

static state_t
state_copy (const search_t *s, const state_t *from)
{
  state_t st = *from;
  st.places = g_memdup2 (from->places, sizeof (pb_makeup_place_t) * MAX (s->n, 1));
  return st;
}

/* Children of `st` for story i: each span it may take on each flat stretch, and leaving it
 * out. */
static void
expand (search_t *s, const state_t *st, int i, GArray *into)
{
  const pb_makeup_story_t *story = &s->stories[i];
  for (int span = s->columns; span >= 1; span--)
    {
      int h = story->heights[span];
      if (h <= 0)
        continue;
      for (int c = 0; c + span <= s->columns; c++)
        {
          int top = st->skyline[c], room = s->depth[c];
          gboolean flat = TRUE;
          for (int k = c; k < c + span && flat; k++)
            flat = st->skyline[k] == top, room = MIN (room, s->depth[k]);
          if (!flat || top + h > room || (story->on_top && top > s->from[c]))
            continue;
          state_t child = state_copy (s, st);
          pb_makeup_place_t p = { c, span, top, h };
          child.places[i] = p;
          for (int k = c; k < c + span; k++)
            child.skyline[k] = top + h;
          double w = importance (s, i);
          child.score.importance += w * (PB_MK_IMPORTANCE_LOW * (top - s->from[c]) / s->depth[c]
                                         + PB_MK_IMPORTANCE_NARROW * (s->columns - span)
                                           / s->columns);
          child.score.bumping += bumps (s, &child, i, &p);
          child.score.photos += photos_beside (s, &child, i, &p);
          g_array_append_val (into, child);
        }
    }
  state_t out = state_copy (s, st);
  out.places[i] = (pb_makeup_place_t) { 0, 0, 0, 0 };
  int least = G_MAXINT;
  for (int span = 1; span <= s->columns; span++)
    if (story->heights[span] > 0)
      least = MIN (least, story->heights[span] * span);
  /* Leaving out an important story costs more than leaving out a brief. */
  out.score.left_out += least == G_MAXINT ? 0 : least * (1 + 4 * importance (s, i));
  out.score.left_out_stories++;
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

/* The search's order: the stories that must be on top first, then the others, each in the
 * pool's order. Returns the pool's index of each (g_free). */
static int *
search_order (const pb_makeup_story_t *stories, int n)
{
  int *rank = g_new (int, MAX (n, 1)), k = 0;
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < n; i++)
      if (stories[i].on_top == (pass == 0))
        rank[k++] = i;
  return rank;
}

pb_makeup_score_t
pb_makeup_arrange (const pb_makeup_story_t *pool, int n, int columns, const int *from,
                   const int *depth, gboolean fillers, int beam, pb_makeup_place_t *places)
{
  g_autofree int *rank = search_order (pool, n);
  g_autofree pb_makeup_story_t *stories = g_new (pb_makeup_story_t, MAX (n, 1));
  for (int i = 0; i < n; i++)
    stories[i] = pool[rank[i]];
  search_t s = { stories, n, MIN (columns, PB_MAKEUP_MAX_COLUMNS), from, depth, rank, NULL,
                 fillers, 0 };
  s.largest = largest_areas (&s);
  GArray *states = g_array_new (FALSE, TRUE, sizeof (state_t));
  state_t first = { .places = g_new0 (pb_makeup_place_t, MAX (n, 1)) };
  for (int c = 0; c < s.columns; c++)
    first.skyline[c] = from[c];
  g_array_append_val (states, first);
  for (int i = 0; i < n; i++)
    {
      GArray *next = g_array_new (FALSE, TRUE, sizeof (state_t));
      for (guint k = 0; k < states->len; k++)
        expand (&s, &g_array_index (states, state_t, k), i, next);
      free_states (states, 0);
      g_array_free (states, TRUE);
      for (guint k = 0; k < next->len; k++)
        {
          state_t *st = &g_array_index (next, state_t, k);
          /* A partial arrangement is judged by the empty lines the stories to come cannot
           * fill even at their largest; the last by its empty lines. */
          st->score.empty = i + 1 == n ? empty_lines (&s, st->skyline)
                                       : MAX (0, free_lines (&s, st->skyline) - s.largest[i + 1]);
          score_total (&st->score);
        }
      s.evaluated += next->len;
      g_array_sort (next, by_score);
      free_states (next, MIN ((guint) beam, next->len));
      g_array_set_size (next, MIN ((guint) beam, next->len));
      states = next;
    }
  state_t *best = &g_array_index (states, state_t, 0);
  for (int i = 0; i < n; i++)
    places[rank[i]] = best->places[i];
  pb_makeup_score_t score = best->score;
  score.evaluated = s.evaluated;
  free_states (states, 0);
  g_array_free (states, TRUE);
  g_free (s.largest);
  return score;
}
