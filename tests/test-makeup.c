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
 * fills exactly when its changes take away just that room. */
typedef struct {
  int short_by;
  int span, photo_span;
  int trials;
} fake_story_t;

static gboolean
fake_trial (void *data, const pb_copyfit_t *fit, int *empty, int *overset, GError **error)
{
  fake_story_t *s = data;
  s->trials++;
  int taken = fit->photo_lines * s->photo_span + fit->heading_lines * s->span
              + fit->subhead_lines;
  int left = s->short_by - taken;
  *empty = MAX (0, left);
  *overset = MAX (0, -left);
  return TRUE;
}

static pb_copyfit_t
fit_for (fake_story_t *s, int photo_lines, int photo_grow, int subheads)
{
  pb_copyfit_room_t room = { s->span, s->photo_span, photo_lines, photo_grow, subheads };
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

/* The photo first, then space under the headlines, then above subheads; only what fills. */
static void
test_copyfit_order (void)
{
  /* 6 column-lines short, 4 columns, a photo over 2: the photo 3 lines taller. */
  fake_story_t s = { 6, 4, 2, 0 };
  check_fit (fit_for (&s, 12, 10, 5), 3, 0, 0);
  /* The photo may grow by 1 line only (its resolution): a line more for it and one under the
   * headlines (2 + 4). */
  s = (fake_story_t) { 6, 4, 2, 0 };
  check_fit (fit_for (&s, 12, 1, 5), 1, 1, 0);
  /* Without a photo: a line under the headlines and two subheads. */
  s = (fake_story_t) { 6, 4, 0, 0 };
  check_fit (fit_for (&s, 0, 0, 5), 0, 1, 2);
  /* Already full: one trial, no change. */
  s = (fake_story_t) { 0, 4, 2, 0 };
  check_fit (fit_for (&s, 12, 10, 5), 0, 0, 0);
  g_assert_cmpint (s.trials, ==, 1);
}

/* Overset: the photo shorter, never below three quarters of its height. */
static void
test_copyfit_overset (void)
{
  fake_story_t s = { -4, 4, 2, 0 };      /* 4 column-lines over */
  check_fit (fit_for (&s, 12, 0, 5), -2, 0, 0);
  /* A photo of 4 lines may lose 1: the overset only shrinks, and that is kept. */
  s = (fake_story_t) { -6, 4, 2, 0 };
  check_fit (fit_for (&s, 4, 0, 0), -1, 0, 0);
}

/* Changes that only make a hole smaller are not made; a short last column is accepted. */
static void
test_copyfit_accept (void)
{
  /* 40 short in 4 columns: nothing comes near (at most 2 × 4 + 2): no change. */
  fake_story_t s = { 40, 4, 0, 0 };
  check_fit (fit_for (&s, 0, 0, 2), 0, 0, 0);
  /* 7 short without a photo and with no subhead: a line under the headlines leaves 3 (< 4
   * columns: the last columns a line short), so it is made. */
  s = (fake_story_t) { 7, 4, 0, 0 };
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

static GArray *
choose (const int *heights, int n, int height)
{
  return pb_fill_choose (heights, n, height);
}

static void
check_chosen (GArray *chosen, const int *want, guint n)
{
  g_assert_cmpuint (chosen->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (g_array_index (chosen, int, i), ==, want[i]);
  g_array_unref (chosen);
}

/* The knapsack: the most lines filled, the earliest fillers among equal fills. */
static void
test_fill_choose (void)
{
  const int h[] = { 12, 9, 7, 5, 0, 20 };
  /* 21: 12 + 9 exactly. */
  check_chosen (choose (h, 6, 21), (const int[]) { 0, 1 }, 2);
  /* 20: only the last fills it exactly. */
  check_chosen (choose (h, 6, 20), (const int[]) { 5 }, 1);
  /* 14: 9 + 5; 12 + … falls short. */
  check_chosen (choose (h, 6, 14), (const int[]) { 1, 3 }, 2);
  /* 13: nothing fills it; 12 alone is the most under it (9 + … 5 = 14 is over). */
  check_chosen (choose (h, 6, 13), (const int[]) { 0 }, 1);
  /* 4: nothing fits. */
  check_chosen (choose (h, 6, 4), NULL, 0);
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
    v[span - lo] = (pb_makeup_variant_t) { span, -1, (area + span - 1) / span, 0, 0, 0, 0, 0, FALSE };
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
  const int from[6] = { 0 }, depth[6] = { 60, 60, 60, 60, 60, 60 };
  pb_makeup_story_t stories[3];
  stories[0] = story_of_area (6 * 20, 6, 6);        /* the lead: across, 20 lines */
  stories[1] = story_of_area (4 * 40, 4, 4);        /* 4 columns × 40 */
  stories[2] = story_of_area (2 * 40, 2, 2);        /* 2 columns × 40 */
  pb_makeup_place_t places[3];
  pb_makeup_score_t sc = pb_makeup_arrange (stories, 3, 6, from, depth, FALSE, 16, places, NULL);
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
  const int from[4] = { 0 }, depth[4] = { 30, 30, 30, 30 };
  pb_makeup_story_t stories[3];
  stories[0] = story_of_area (4 * 31, 4, 4);        /* 31 lines: taller than the page */
  stories[1] = story_of_area (4 * 10, 4, 4);
  stories[2] = story_of_area (4 * 20, 4, 4);
  stories[2].on_top = TRUE;
  pb_makeup_place_t places[3];
  pb_makeup_score_t sc = pb_makeup_arrange (stories, 3, 4, from, depth, FALSE, 16, places, NULL);
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
  const int from[6] = { 0, 0, 0, 0, 20, 20 }, depth[6] = { 40, 40, 40, 40, 40, 40 };
  pb_makeup_story_t stories[2];
  stories[0] = story_of_area (4 * 40, 4, 4);
  stories[1] = story_of_area (2 * 20, 2, 2);
  pb_makeup_place_t places[2];
  pb_makeup_score_t sc = pb_makeup_arrange (stories, 2, 6, from, depth, FALSE, 16, places, NULL);
  check_place (&places[0], 0, 4, 0, 40);
  check_place (&places[1], 4, 2, 20, 20);
  g_assert_cmpfloat (sc.empty, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  made_variants = g_ptr_array_new_with_free_func (g_free);
  g_test_add_func ("/copyfit/order", test_copyfit_order);
  g_test_add_func ("/copyfit/overset", test_copyfit_overset);
  g_test_add_func ("/copyfit/accept", test_copyfit_accept);
  g_test_add_func ("/fillers/free-areas", test_free_areas);
  g_test_add_func ("/fillers/choose", test_fill_choose);
  g_test_add_func ("/makeup/tiles", test_makeup_tiles);
  g_test_add_func ("/makeup/left-out-and-top", test_makeup_left_out_and_top);
  g_test_add_func ("/makeup/fixed-room", test_makeup_fixed_room);
  int status = g_test_run ();
  g_ptr_array_free (made_variants, TRUE);
  return status;
}
