/* Copyfitting's search (copyfit.c) and the fillers' choice (fillers.c), on made-up stories
 * whose trial is a formula: what each change does to the text room is known, so the order,
 * the bounds and the acceptance rule can be asserted exactly. */
#include <glib.h>
#include "copyfit.h"
#include "fillers.h"
#include "makeup.h"
#include "model.h"

/* A story `short_by` column-lines short of its item (negative: over it by that many), in an
 * item `span` columns wide with a photo over `photo_span` columns. A trial
 * fills exactly when its changes take away just that room. Its headlines take
 * `headline[steps + PB_COPYFIT_HEADLINE_STEPS]` grid lines more with the 主题 `steps` size steps
 * larger (PB_COPYFIT_NO_STEP: out of the style's range); `asked` marks the steps measured. */
typedef struct {
  int short_by;
  int span, photo_span;
  int trials;
  int headline[2 * PB_COPYFIT_HEADLINE_STEPS + 1];
  gboolean asked[2 * PB_COPYFIT_HEADLINE_STEPS + 1];
} fake_story_t;

static fake_story_t
fake (int short_by, int span, int photo_span)
{
  return (fake_story_t) { .short_by = short_by, .span = span, .photo_span = photo_span };
}

static gboolean
fake_heading_delta (void *data, int steps, int *delta, GError **error)
{
  fake_story_t *s = data;
  s->asked[steps + PB_COPYFIT_HEADLINE_STEPS] = TRUE;
  *delta = s->headline[steps + PB_COPYFIT_HEADLINE_STEPS];
  return TRUE;
}

static gboolean
fake_trial (void *data, const pb_copyfit_t *fit, int *empty, int *overset, GError **error)
{
  fake_story_t *s = data;
  s->trials++;
  int headline = s->headline[fit->headline_steps + PB_COPYFIT_HEADLINE_STEPS];
  g_assert_cmpint (headline, !=, PB_COPYFIT_NO_STEP);
  int taken = fit->photo_lines * s->photo_span + (fit->heading_lines + headline) * s->span
              + fit->subhead_lines;
  int left = s->short_by - taken;
  *empty = MAX (0, left);
  *overset = MAX (0, -left);
  return TRUE;
}

static pb_copyfit_t
fit_for (fake_story_t *s, int photo_lines, int photo_grow, int subheads)
{
  pb_copyfit_room_t room = { s->span, s->photo_span, photo_lines, photo_grow, subheads,
                             fake_heading_delta };
  pb_copyfit_t fit;
  g_assert_true (pb_copyfit (&room, fake_trial, s, &fit, NULL));
  return fit;
}

static void
check_fit (pb_copyfit_t fit, int photo, int heading, int subheads)
{
  g_assert_cmpint (fit.photo_lines, ==, photo);
  g_assert_cmpint (fit.heading_lines, ==, heading);
  g_assert_cmpint (fit.subhead_lines, ==, subheads);
}

/* The headline of a fake story: `lines[k]` grid lines more at k + 1 steps larger and the
 * same smaller, up to `steps` steps either way (beyond: out of the style's range). */
static void
headline_steps (fake_story_t *s, const int *lines, int steps)
{
  for (int k = 1; k <= PB_COPYFIT_HEADLINE_STEPS; k++)
    {
      s->headline[PB_COPYFIT_HEADLINE_STEPS + k] = k <= steps ? lines[k - 1] : PB_COPYFIT_NO_STEP;
      s->headline[PB_COPYFIT_HEADLINE_STEPS - k] = k <= steps ? -lines[k - 1]
                                                              : PB_COPYFIT_NO_STEP;
    }
}

/* The photo first, then space under the headlines, then above subheads; only what fills. */
static void
test_copyfit_order (void)
{
  /* 6 column-lines short, 4 columns, a photo over 2: the photo 3 lines taller. */
  fake_story_t s = fake (6, 4, 2);
  check_fit (fit_for (&s, 12, 10, 5), 3, 0, 0);
  /* The photo may grow by 1 line only (its resolution): a line more for it and one under the
   * headlines (2 + 4). */
  s = fake (6, 4, 2);
  check_fit (fit_for (&s, 12, 1, 5), 1, 1, 0);
  /* Without a photo: a line under the headlines and two subheads. */
  s = fake (6, 4, 0);
  check_fit (fit_for (&s, 0, 0, 5), 0, 1, 2);
  /* Already full: one trial, no change, no headline measured. */
  s = fake (0, 4, 2);
  check_fit (fit_for (&s, 12, 10, 5), 0, 0, 0);
  g_assert_cmpint (s.trials, ==, 1);
  for (int k = 0; k < 2 * PB_COPYFIT_HEADLINE_STEPS + 1; k++)
    g_assert_false (s.asked[k]);
}

/* The 主题's size after the photo and before the space under the headlines: 8 short in 4
 * columns without a photo, a step larger adds a grid line, three steps two. */
static void
test_copyfit_headline_steps (void)
{
  fake_story_t s = fake (8, 4, 0);
  headline_steps (&s, (const int[]) { 1, 1, 2, 2, 3 }, 5);
  pb_copyfit_t fit = fit_for (&s, 0, 0, 0);
  /* A step and a line under the headlines (cost 2 + 3) before three steps (cost 6). */
  g_assert_cmpint (fit.headline_steps, ==, 1);
  check_fit (fit, 0, 1, 0);
  /* Measured towards the need only (never smaller), and no further than a change that
   * overshoots it by more than a column: step 5 (12 lines) is beyond 8 + 4 + 1. */
  for (int k = 1; k <= PB_COPYFIT_HEADLINE_STEPS; k++)
    g_assert_false (s.asked[PB_COPYFIT_HEADLINE_STEPS - k]);
  g_assert_true (s.asked[PB_COPYFIT_HEADLINE_STEPS + 4]);
  g_assert_true (s.asked[PB_COPYFIT_HEADLINE_STEPS + 5]);

  /* A photo that can take it goes first: 8 short, a photo over 4 columns 2 lines taller. */
  s = fake (8, 4, 4);
  headline_steps (&s, (const int[]) { 1, 1, 2, 2, 3 }, 5);
  fit = fit_for (&s, 12, 2, 0);
  g_assert_cmpint (fit.headline_steps, ==, 0);
  check_fit (fit, 2, 0, 0);

  /* Bounds: the style's range allows one step larger, which adds no line. Step 2 is asked,
   * found out of range, and nothing beyond it; a line under the headlines would leave every
   * column a line short, which is not accepted: nothing changes. */
  s = fake (8, 4, 0);
  headline_steps (&s, (const int[]) { 0 }, 1);
  fit = fit_for (&s, 0, 0, 0);
  g_assert_cmpint (fit.headline_steps, ==, 0);
  check_fit (fit, 0, 0, 0);
  g_assert_true (s.asked[PB_COPYFIT_HEADLINE_STEPS + 2]);
  g_assert_false (s.asked[PB_COPYFIT_HEADLINE_STEPS + 3]);

  /* Overset: a step smaller gives a grid line back; the photo, when there is one, first. */
  s = fake (-4, 4, 0);
  headline_steps (&s, (const int[]) { 1, 1, 2, 2, 3 }, 5);
  fit = fit_for (&s, 0, 0, 0);
  g_assert_cmpint (fit.headline_steps, ==, -1);
  check_fit (fit, 0, 0, 0);
  for (int k = 1; k <= PB_COPYFIT_HEADLINE_STEPS; k++)
    g_assert_false (s.asked[PB_COPYFIT_HEADLINE_STEPS + k]);
}

/* Overset: the photo shorter, never below three quarters of its height. */
static void
test_copyfit_overset (void)
{
  fake_story_t s = fake (-4, 4, 2);      /* 4 column-lines over */
  check_fit (fit_for (&s, 12, 0, 5), -2, 0, 0);
  /* A photo of 4 lines may lose 1: the overset only shrinks, and that is kept. */
  s = fake (-6, 4, 2);
  check_fit (fit_for (&s, 4, 0, 0), -1, 0, 0);
}

/* Changes that only make a hole smaller are not made; a short last column is accepted. */
static void
test_copyfit_accept (void)
{
  /* 40 short in 4 columns: nothing comes near (at most 2 × 4 + 2): no change, and no trial
   * beyond the plan's own (none could reach the need). */
  fake_story_t s = fake (40, 4, 0);
  check_fit (fit_for (&s, 0, 0, 2), 0, 0, 0);
  g_assert_cmpint (s.trials, ==, 1);
  /* 7 short without a photo and with no subhead: a line under the headlines leaves 3 (< 4
   * columns: the last columns a line short), so it is made. */
  s = fake (7, 4, 0);
  check_fit (fit_for (&s, 0, 0, 0), 0, 1, 0);
}

static pb_item_t *
item_at (int column, int span, int top, int height)
{
  pb_item_t *it = g_new0 (pb_item_t, 1);
  *it = (pb_item_t) { .kind = PB_ITEM_STORY, .column = column, .span = span, .top = top,
                      .height = height };
  return it;
}

static void
check_area (GArray *areas, guint i, int column, int span, int top, int height)
{
  const pb_free_area_t *a = &g_array_index (areas, pb_free_area_t, i);
  g_assert_cmpint (a->column, ==, column);
  g_assert_cmpint (a->span, ==, span);
  g_assert_cmpint (a->top, ==, top);
  g_assert_cmpint (a->height, ==, height);
}

/* Free areas at a page's foot: columns free from the same line grouped, short ones dropped. */
static void
test_free_areas (void)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (items, item_at (0, 6, 0, 30));   /* across the page */
  g_ptr_array_add (items, item_at (0, 2, 30, 10));  /* columns 1–2 to line 40 */
  g_ptr_array_add (items, item_at (4, 2, 30, 34));  /* columns 5–6 to line 64 of 66 */
  g_autoptr (GArray) areas = pb_free_areas (items, 6, 66, 3);
  g_assert_cmpuint (areas->len, ==, 2);
  check_area (areas, 0, 0, 2, 40, 26);
  check_area (areas, 1, 2, 2, 30, 36);
  /* Columns 5–6 have 2 lines left: under the least, not an area. */
}

/* The fillers of `heights` (each leaving `empty[i]` column-lines empty; NULL: none) chosen
 * for `height` lines. */
static GArray *
choose (const int *heights, const int *empty, int n, int height)
{
  pb_filler_size_t sizes[16];
  g_assert_cmpint (n, <=, 16);
  for (int i = 0; i < n; i++)
    sizes[i] = (pb_filler_size_t) { heights[i], empty ? empty[i] : 1 };
  return pb_fill_choose (sizes, n, height);
}

/* The chosen fillers are `want` (indexes), each given `lines` (NULL: as measured). */
static void
check_chosen (GArray *chosen, const int *want, const int *lines, const int *heights, guint n)
{
  g_assert_cmpuint (chosen->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const pb_fill_choice_t *c = &g_array_index (chosen, pb_fill_choice_t, i);
      g_assert_cmpint (c->index, ==, want[i]);
      g_assert_cmpint (c->lines, ==, lines ? lines[i] : heights[want[i]]);
    }
  g_array_unref (chosen);
}

/* The knapsack: the most lines filled, the earliest fillers among equal fills. */
static void
test_fill_choose (void)
{
  const int h[] = { 12, 9, 7, 5, 0, 20 };
  /* 21: 12 + 9 exactly. */
  check_chosen (choose (h, NULL, 6, 21), (const int[]) { 0, 1 }, NULL, h, 2);
  /* 20: only the last fills it exactly. */
  check_chosen (choose (h, NULL, 6, 20), (const int[]) { 5 }, NULL, h, 1);
  /* 14: 9 + 5; 12 + … falls short. */
  check_chosen (choose (h, NULL, 6, 14), (const int[]) { 1, 3 }, NULL, h, 2);
  /* 13: nothing fills it; 12 alone is the most under it (9 + … 5 = 14 is over). */
  check_chosen (choose (h, NULL, 6, 13), (const int[]) { 0 }, NULL, h, 1);
  /* 4: nothing fits. */
  check_chosen (choose (h, NULL, 6, 4), NULL, NULL, h, 0);
}

/* Fillers whose text fills their columns exactly go before those that leave them short, and
 * may take a line more (under their headlines). */
static void
test_fill_choose_exact (void)
{
  const int h[] = { 8, 7, 8 };
  /* 8 lines: the first fills them but leaves 2 column-lines empty; the third fills them
   * exactly and is taken. */
  check_chosen (choose (h, (const int[]) { 2, 1, 0 }, 3, 8), (const int[]) { 2 }, NULL, h, 1);
  /* Only the second is exact: 7 lines and one more for it fill the 8. */
  check_chosen (choose (h, (const int[]) { 2, 0, 1 }, 3, 8), (const int[]) { 1 },
                (const int[]) { 8 }, h, 1);
  /* 15 lines: 8 (exact) + 7 (exact) exactly, before 8 + 7 leaving lines empty. */
  check_chosen (choose (h, (const int[]) { 2, 0, 0 }, 3, 15), (const int[]) { 1, 2 }, NULL,
                h, 2);
  /* Without an exact one the fullest wins, short columns and all. */
  check_chosen (choose (h, (const int[]) { 2, 3, 1 }, 3, 8), (const int[]) { 2 }, NULL, h, 1);
}

/* Variants of the made-up stories of one test, freed at its end. */
static GPtrArray *made_variants;

/* A story of `area` column-lines at every span from `lo` to `hi` columns, without a photo. */
static pb_makeup_story_t
story_of_area (int area, int lo, int hi)
{
  pb_makeup_variant_t *v = g_new0 (pb_makeup_variant_t, hi - lo + 1);
  g_ptr_array_add (made_variants, v);
  for (int span = lo; span <= hi; span++)
    v[span - lo] = (pb_makeup_variant_t) { .span = span, .photo_lines = -1,
                                           .height = (area + span - 1) / span };
  return (pb_makeup_story_t) { v, hi - lo + 1, FALSE, -1, FALSE };
}

static void
check_place (const pb_makeup_place_t *p, int column, int span, int top, int height)
{
  g_assert_cmpint (p->column, ==, column);
  g_assert_cmpint (p->span, ==, span);
  g_assert_cmpint (p->top, ==, top);
  g_assert_cmpint (p->height, ==, height);
}

/* Stories that can tile the page exactly are arranged so: no empty line, none left out, the
 * lead at the top and widest, and no two headlines side by side on one line. */
static void
test_makeup_tiles (void)
{
  pb_makeup_room_t room;
  pb_makeup_room_init (&room, 6, 0, 60);
  pb_makeup_story_t stories[3];
  stories[0] = story_of_area (6 * 20, 6, 6);        /* the lead: across, 20 lines */
  stories[1] = story_of_area (4 * 40, 4, 4);        /* 4 columns × 40 */
  stories[2] = story_of_area (2 * 40, 2, 2);        /* 2 columns × 40 */
  pb_makeup_place_t places[3];
  pb_makeup_score_t sc = pb_makeup_arrange (stories, 3, &room, 16, places, NULL);
  check_place (&places[0], 0, 6, 0, 20);
  g_assert_cmpint (places[1].top, ==, 20);
  g_assert_cmpint (places[2].top, ==, 20);
  g_assert_cmpint (places[1].span + places[2].span, ==, 6);
  g_assert_cmpfloat (sc.empty, ==, 0);
  g_assert_cmpint (sc.left_out_stories, ==, 0);
  /* The two under the lead stand side by side from the same line: one bump, the least here. */
  g_assert_cmpfloat (sc.bumping, ==, 1);
  g_assert_cmpint (sc.evaluated, >, 3);
}

/* A story taller than the page at every span is left out; one that must be on top is. */
static void
test_makeup_left_out_and_top (void)
{
  pb_makeup_room_t room;
  pb_makeup_room_init (&room, 4, 0, 30);
  pb_makeup_story_t stories[3];
  stories[0] = story_of_area (4 * 31, 4, 4);        /* 31 lines: taller than the page */
  stories[1] = story_of_area (4 * 10, 4, 4);
  stories[2] = story_of_area (4 * 20, 4, 4);
  stories[2].on_top = TRUE;
  pb_makeup_place_t places[3];
  pb_makeup_score_t sc = pb_makeup_arrange (stories, 3, &room, 16, places, NULL);
  g_assert_cmpint (places[0].span, ==, 0);
  g_assert_cmpint (sc.left_out_stories, ==, 1);
  /* The one that must be on top is, though it comes later in the pool. */
  check_place (&places[2], 0, 4, 0, 20);
  check_place (&places[1], 0, 4, 20, 10);
  g_assert_cmpfloat (sc.empty, ==, 0);
}

/* Room left by a fixed item: the pool starts under it in its columns. */
static void
test_makeup_fixed_room (void)
{
  /* A fixed item takes columns 5–6 from the top to line 20: the pool starts under it there. */
  pb_makeup_room_t room;
  pb_makeup_room_init (&room, 6, 0, 40);
  room.from[4] = room.from[5] = 20;
  pb_makeup_story_t stories[2];
  stories[0] = story_of_area (4 * 40, 4, 4);
  stories[1] = story_of_area (2 * 20, 2, 2);
  pb_makeup_place_t places[2];
  pb_makeup_score_t sc = pb_makeup_arrange (stories, 2, &room, 16, places, NULL);
  check_place (&places[0], 0, 4, 0, 40);
  check_place (&places[1], 4, 2, 20, 20);
  g_assert_cmpfloat (sc.empty, ==, 0);
}

/* A gap a pinned item takes in the middle of columns 1–3 (lines 20–29): stories go above it
 * and under it, and the page is filled; a run above the gap too short for any story is
 * counted empty and the columns go on under the gap. */
static void
test_makeup_gap (void)
{
  pb_makeup_room_t room;
  pb_makeup_room_init (&room, 6, 0, 60);
  for (int c = 0; c < 3; c++)
    room.gap_top[c] = 20, room.gap_bottom[c] = 30;
  pb_makeup_story_t stories[4];
  stories[0] = story_of_area (3 * 60, 3, 3);        /* columns 4–6, the whole depth */
  stories[1] = story_of_area (3 * 20, 3, 3);        /* above the gap */
  stories[2] = story_of_area (3 * 18, 3, 3);        /* under it, with … */
  stories[3] = story_of_area (3 * 12, 3, 3);        /* … this one: 30 lines */
  pb_makeup_place_t places[4];
  pb_makeup_score_t sc = pb_makeup_arrange (stories, 4, &room, 64, places, NULL);
  g_assert_cmpint (sc.left_out_stories, ==, 0);
  g_assert_cmpfloat (sc.empty, ==, 0);
  for (int i = 1; i < 4; i++)
    {
      const pb_makeup_place_t *p = &places[i];
      /* Never across the gap. */
      g_assert_true (p->top + p->height <= 20 || p->top >= 30 || p->column >= 3);
    }
  int under = 0;
  for (int i = 1; i < 4; i++)
    under += places[i].column < 3 && places[i].top >= 30;
  g_assert_cmpint (under, ==, 2);

  /* Above the gap only 5 lines: too few for any story; they are empty, the rest is filled. */
  for (int c = 0; c < 3; c++)
    room.gap_top[c] = 5, room.gap_bottom[c] = 30;
  pb_makeup_story_t two[2] = { story_of_area (3 * 60, 3, 3), story_of_area (3 * 30, 3, 3) };
  sc = pb_makeup_arrange (two, 2, &room, 64, places, NULL);
  check_place (&places[1], 0, 3, 30, 30);
  g_assert_cmpfloat (sc.empty, ==, 3 * 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  made_variants = g_ptr_array_new_with_free_func (g_free);
  g_test_add_func ("/copyfit/order", test_copyfit_order);
  g_test_add_func ("/copyfit/overset", test_copyfit_overset);
  g_test_add_func ("/copyfit/headline-steps", test_copyfit_headline_steps);
  g_test_add_func ("/copyfit/accept", test_copyfit_accept);
  g_test_add_func ("/fillers/free-areas", test_free_areas);
  g_test_add_func ("/fillers/choose", test_fill_choose);
  g_test_add_func ("/fillers/choose-exact", test_fill_choose_exact);
  g_test_add_func ("/makeup/tiles", test_makeup_tiles);
  g_test_add_func ("/makeup/left-out-and-top", test_makeup_left_out_and_top);
  g_test_add_func ("/makeup/fixed-room", test_makeup_fixed_room);
  g_test_add_func ("/makeup/gap", test_makeup_gap);
  int status = g_test_run ();
  g_ptr_array_free (made_variants, TRUE);
  return status;
}
