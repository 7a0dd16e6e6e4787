/* Automatic page makeup (拼版): the stories of a page's pool, in order of importance, arranged
 * into rectangles of whole columns and grid lines that fill the page. The search only: each
 * story comes with its variants, the shapes it may take, each with its exact height (the page
 * makeup in placement.c measures them by setting the story), so no text is shaped here. */
#pragma once

#include <glib.h>

/* The columns a page may have (template.c allows as many). */
#define PB_MAKEUP_MAX_COLUMNS 20
/* Fewer empty grid lines than this at a column's foot cannot take a filler. */
#define PB_MAKEUP_FILLABLE 6
/* Arrangements (partial and whole) the search scores at most on a page: its budget, a count
 * and not a time, so that the same input makes the same page on any machine. */
#define PB_MAKEUP_BUDGET 500000

/* A shape a story may take, with the grid lines it is tall in that shape. */
typedef struct {
  int span;
  int photo_lines;          /* its first photo's frame; 0: without photos; -1: it has none */
  int height;               /* grid lines, the blank line under it included */
  int photo_change;         /* grid lines of frame away from the photo's own aspect */
  int heading_space;        /* grid lines more under its headlines (copyfitting adds them) */
  int headline_steps;       /* its 主题 this many size steps from its style's (negative:
                             * smaller), as copyfitting steps it */
  /* Its photo reaches its foot (no text under it) over these columns of the story; 0: no. */
  int photo_first, photo_foot_span;
  int ragged;               /* grid lines its columns end short of its foot, together */
  int text_top;             /* the grid line its text starts on, under its headlines, photo
                             * and caption */
  gboolean unfit;           /* its headlines do not fit the span: never placed */
  /* The first part of a story that goes on on a later page: it runs from where it is placed
   * down to its columns' foot, `height` lines at least. */
  gboolean to_foot;
} pb_makeup_variant_t;

/* A story of the pool as the search sees it. */
typedef struct {
  const pb_makeup_variant_t *variants; /* those allowed, that fit the page's height */
  int n_variants;
  gboolean on_top;          /* must start on the first line its columns leave free */
  int pin_column;           /* its first column when the editor pinned it; -1: any */
  gboolean optional;        /* a filler: leaving it out costs nothing, nor where it goes */
} pb_makeup_story_t;

/* Where a story went: its rectangle and its variant; span 0 when it was left out. */
typedef struct {
  int column, span, top, height;
  int variant;
} pb_makeup_place_t;

/* The score of an arrangement (lower is better) and its parts, for the report. */
typedef struct {
  double total;
  double empty;             /* grid lines of columns left under the stories */
  double ragged;            /* grid lines the stories' columns end short inside them */
  double left_out;          /* grid lines of the stories that found no place */
  double importance;        /* important stories low, narrow or to the right */
  double lead_ties;         /* stories as wide as the lead */
  double bumping;           /* headlines side by side at the same height */
  double photos;            /* photos side by side */
  double photo_change;      /* photo heights away from their aspect */
  double heading_space;     /* lines added under headlines */
  double headline_steps;    /* size steps of 主题 */
  double changes;           /* what the variants' changes cost together (ragged columns,
                             * photos, headlines: pb_makeup_variant_cost) */
  int evaluated;            /* arrangements (partial and whole) the search scored */
  int beam_cut;             /* the beam was narrowed to hold the budget: from this story on */
  int left_out_stories;
} pb_makeup_score_t;

/* What a variant's own changes cost in the score (its photo cropped, its headlines changed,
 * its columns ragged): of two shapes of a story as wide and as tall, the search only needs the
 * cheaper. */
double pb_makeup_variant_cost (const pb_makeup_variant_t *v);

/* What the search found for one variant of a story: the score of the best whole arrangement
 * that used it, INFINITY when none of those kept to the end did. */
typedef double pb_makeup_best_t;

/* The room a page leaves its pool, by column: free from grid line from[c] to depth[c], but
 * for the lines gap_top[c] … gap_bottom[c] − 1 a fixed item takes inside that run (an item
 * pinned there; gap_top[c] < 0: none). */
typedef struct {
  int columns;
  int from[PB_MAKEUP_MAX_COLUMNS], depth[PB_MAKEUP_MAX_COLUMNS];
  int gap_top[PB_MAKEUP_MAX_COLUMNS], gap_bottom[PB_MAKEUP_MAX_COLUMNS];
} pb_makeup_room_t;

/* The room with no gap: every column free from `from` to `depth`. */
void pb_makeup_room_init (pb_makeup_room_t *room, int columns, int from, int depth);
/* The grid line column c is free down to from grid line `line`: the top of its gap when
 * `line` is above it, else its depth. */
int pb_makeup_room_limit (const pb_makeup_room_t *room, int c, int line);

/* Arranges `n` stories in `room`: each story on a flat stretch of what is placed before it (so
 * every story is a rectangle and nothing overhangs), above a column's gap or under it, a beam
 * of `beam` partial arrangements kept at each story, fewer when PB_MAKEUP_BUDGET requires.
 * Deterministic. `places` receives a place per story (span 0: left out); `best` (NULL: not
 * wanted) an array per story of a pb_makeup_best_t per variant. Returns the score of the
 * arrangement chosen. */
pb_makeup_score_t pb_makeup_arrange (const pb_makeup_story_t *stories, int n,
                                     const pb_makeup_room_t *room, int beam,
                                     pb_makeup_place_t *places, pb_makeup_best_t *const *best);
