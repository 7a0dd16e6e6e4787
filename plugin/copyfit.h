/* Copyfitting: making a story fill its fixed item exactly, in the order a makeup editor reaches
 * for — the photo's height in whole grid lines, whole grid lines of space under the headlines,
 * whole grid lines of space above subheads — while the flow's levelling sets paragraphs a line
 * or more longer or shorter within the body's spacing limits (the tracking of whole
 * paragraphs). The grid is never touched. The search knows the order and the bounds; the
 * caller sets the story for each trial. */
#pragma once

#include <glib.h>

/* The photo changes by at most this many grid lines. */
#define PB_COPYFIT_PHOTO_MAX 4

/* The changes of one trial, each in whole grid lines (0: as planned). */
typedef struct {
  int photo_lines;          /* added to the photo frame's height (negative: taken off) */
  int heading_lines;        /* added under the headlines */
  int subhead_lines;        /* this many subheads get one grid line more above them */
} pb_copyfit_t;

/* What can change, and what one line of each change is worth in column-lines. */
typedef struct {
  int span;                 /* columns under the headlines */
  int photo_span;           /* columns under the photo, 0 without one */
  int photo_lines;          /* the photo frame's planned height */
  int photo_grow;           /* grid lines it may grow and keep its resolution */
  int subheads;             /* subheads that are not first in their column (an estimate) */
} pb_copyfit_room_t;

/* Sets the story with `fit` (dry) and tells the empty column-lines it leaves at the foot of its
 * item and the column-lines that do not fit; FALSE with `error` set on a failure. */
typedef gboolean (*pb_copyfit_trial_fn) (void *data, const pb_copyfit_t *fit, int *empty, int *overset,
                                     GError **error);

/* Finds the changes, cheapest first (the photo, then headline space, then subhead space),
 * that leave no empty line and no overset; failing that, those that leave the fewest (overset
 * first). *fit is all zeros when nothing helps. FALSE with `error` set when a trial fails. */
gboolean pb_copyfit (const pb_copyfit_room_t *room, pb_copyfit_trial_fn trial, void *data, pb_copyfit_t *fit,
                     GError **error);

/* Whether `fit` changes anything. */
gboolean pb_copyfit_changed (const pb_copyfit_t *fit);
