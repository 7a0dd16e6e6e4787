/* Automatic page makeup (拼版): the stories of a page's pool, in order of importance, arranged
 * into rectangles of whole columns and grid lines that fill the page. The search only: each
 * story comes with its exact height at every span it may take (the page makeup in layout.c
 * measures them by setting the story), so no text is shaped here. */
#pragma once

#include <glib.h>

/* The columns a page may have (template.c allows as many). */
#define PB_MAKEUP_MAX_COLUMNS 20
/* Fewer empty grid lines than this at a column's foot cannot take a filler. */
#define PB_MAKEUP_FILLABLE 6

/* A story of the pool as the search sees it. */
typedef struct {
  int heights[PB_MAKEUP_MAX_COLUMNS + 1]; /* grid lines at each span; 0: not at that span */
  gboolean on_top;          /* must start on the page's first line */
  gboolean photo;           /* shows a photo (photos are spread over the page) */
} pb_makeup_story_t;

/* Where a story went: its rectangle; span 0 when it was left out. */
typedef struct {
  int column, span, top, height;
} pb_makeup_place_t;

/* The score of an arrangement (lower is better) and its parts, for the report. */
typedef struct {
  double total;
  double empty;             /* grid lines of columns left under the stories */
  double left_out;          /* grid lines of the stories that found no place */
  double importance;        /* important stories low or narrow */
  double bumping;           /* headlines side by side at the same height */
  double photos;            /* photos side by side */
  int evaluated;            /* arrangements (partial and whole) the search scored */
  int left_out_stories;
} pb_makeup_score_t;

/* Arranges `n` stories on a page `columns` wide whose column c is free from grid line from[c]
 * to depth[c]: each story on a flat stretch of what is placed before it (so every story is a
 * rectangle and nothing overhangs), a beam of `beam` partial arrangements kept at each story.
 * With `fillers`, long runs of empty lines at a column's foot count half (fillers may take
 * them).
 * Deterministic. `places` receives a place per story (span 0: left out, when the page cannot
 * hold it); returns the score. */
pb_makeup_score_t pb_makeup_arrange (const pb_makeup_story_t *stories, int n, int columns,
                                     const int *from, const int *depth, gboolean fillers,
                                     int beam, pb_makeup_place_t *places);
