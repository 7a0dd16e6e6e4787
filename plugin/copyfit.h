/* Copyfitting: making a story fill its fixed item exactly, in the order a makeup editor reaches
 * for — the photo's height in whole grid lines, the 主题's size in steps within its headline
 * style's range, whole grid lines of space under the headlines, whole grid lines of space
 * above subheads — while the flow's levelling sets paragraphs a line
 * or more longer or shorter within the body's spacing limits (the tracking of whole
 * paragraphs). The grid is never touched. The search knows the order and the bounds; the
 * caller sets the story for each trial. */
#pragma once

#include <glib.h>

/* The photo changes by at most this many grid lines. */
#define PB_COPYFIT_PHOTO_MAX 4
/* The 主题 changes size by steps of this many points (the next size a desk would pick), at most
 * this many steps either way, never outside its headline style's range. */
#define PB_COPYFIT_HEADLINE_STEP 2
#define PB_COPYFIT_HEADLINE_STEPS 5
/* A headline size step the template's bounds do not allow, or at which the 主题 needs more
 * lines than its style allows. */
#define PB_COPYFIT_NO_STEP G_MININT

/* The changes of one trial, each in whole grid lines (0: as planned). */
typedef struct {
  int photo_lines;          /* added to the photo frame's height (negative: taken off) */
  int heading_lines;        /* added under the headlines */
  int subhead_lines;        /* this many subheads get one grid line more above them */
  int headline_steps;       /* the 主题 this many PB_COPYFIT_HEADLINE_STEP larger (negative:
                             * smaller) than planned */
} pb_copyfit_t;

/* What can change, and what one line of each change is worth in column-lines. */
typedef struct {
  int span;                 /* columns under the headlines */
  int photo_span;           /* columns under the photo, 0 without one */
  int photo_lines;          /* the photo frame's planned height */
  int photo_grow;           /* grid lines it may grow and keep its resolution */
  int subheads;             /* subheads that are not first in their column (an estimate) */
  /* Sets *delta to the grid lines the headlines take more (negative: fewer) than planned with
   * the 主题 `steps` size steps larger (negative: smaller), or to PB_COPYFIT_NO_STEP; FALSE
   * with `error` set on a failure. NULL: the size stays. Only asked when the plan's setting
   * does not fill the item, for the steps towards the need, nearest first. */
  gboolean (*heading_delta) (void *data, int steps, int *delta, GError **error);
} pb_copyfit_room_t;

/* Sets the story with `fit` (dry) and tells the empty column-lines it leaves at the foot of its
 * item and the column-lines that do not fit; FALSE with `error` set on a failure. */
typedef gboolean (*pb_copyfit_trial_fn) (void *data, const pb_copyfit_t *fit, int *empty, int *overset,
                                     GError **error);

/* Finds the changes, cheapest first (the photo, then the 主题's size, then headline space,
 * then subhead space), that leave no empty line and no overset; failing that, those that
 * leave the fewest (overset first). A combination is tried only when the text room it changes
 * comes within a column's lines of the need: the flow's levelling takes up the rest. *fit is
 * all zeros when nothing helps. FALSE with `error` set when a trial or a heading measure fails;
 * `data` goes to both. */
gboolean pb_copyfit (const pb_copyfit_room_t *room, pb_copyfit_trial_fn trial, void *data, pb_copyfit_t *fit,
                     GError **error);

/* Whether `fit` changes anything. */
gboolean pb_copyfit_changed (const pb_copyfit_t *fit);
