/* The body flow on its own (plugin/flow.h): a story's text through frames given as a value,
 * lines returned by part. Asserted on the lines: columns, grid lines, text kept whole. */
#include <math.h>
#include <string.h>
#include "bodies.h"
#include "level.h"
#include "fonts.h"

static pb_fonts_t *fonts;
static pb_issue_t *issue;

static const pb_story_t *
story (const char *id)
{
  const pb_story_t *s = g_hash_table_lookup (issue->story_by_id, id);
  g_assert_nonnull (s);
  return s;
}

/* The body text of a story as it should come out: dateline, then each block, no spaces. */
static int
body_chars (const pb_story_t *s)
{
  int n = s->dateline ? pb_count_chars (s->dateline) : 0;
  for (guint i = 0; i < s->blocks->len; i++)
    n += pb_count_chars (((const pb_block_t *) s->blocks->pdata[i])->text);
  return n;
}

static int
out_chars (const pb_flow_out_t *out)
{
  int n = 0;
  for (int k = 0; k < out->n_parts; k++)
    for (guint i = 0; i < out->lines[k]->len; i++)
      n += pb_count_chars (((const pb_line_t *) out->lines[k]->pdata[i])->text);
  return n;
}

typedef struct {
  pb_styles_t *styles;
  pb_bodies_t *bodies;
  pb_grid_t grids[2];
} fixture_t;

static void
fixture_init (fixture_t *fx)
{
  fx->styles = pb_styles_new ();
  fx->bodies = pb_bodies_new (fonts, fx->styles);
  pb_bodies_prepare (fx->bodies, issue);
  const pb_template_t *t = issue->templates->pdata[0];
  /* Two parts on two pages: the second page's grid starts 3 lines lower. */
  fx->grids[0] = (pb_grid_t) { t, t->margin_top, 0 };
  fx->grids[1] = (pb_grid_t) { t, t->margin_top, 3 };
}

static void
fixture_clear (fixture_t *fx)
{
  pb_bodies_free (fx->bodies);
  pb_styles_free (fx->styles);
}

/* Every line of part k in its frame's column, on consecutive grid lines from the frame top. */
static void
assert_in_frames (const pb_flow_out_t *out, const pb_region_t *regions, int n_regions,
                  const pb_grid_t *grids)
{
  for (int k = 0; k < out->n_parts; k++)
    {
      const pb_template_t *t = grids[k].tmpl;
      for (guint i = 0; i < out->lines[k]->len; i++)
        {
          const pb_line_t *l = out->lines[k]->pdata[i];
          gboolean inside = FALSE;
          for (int r = 0; r < n_regions && !inside; r++)
            {
              if (regions[r].part != k || regions[r].column != l->column)
                continue;
              if (l->role == PB_ROLE_SUBHEAD)
                /* Subheads are centred in the grid lines they take, inside the frame. */
                inside = l->baseline > pb_grid_cell_top (&grids[k], regions[r].top)
                         && l->baseline < pb_grid_cell_top (&grids[k], regions[r].bottom);
              for (int g = regions[r].top; g < regions[r].bottom && !inside; g++)
                inside = fabs (l->baseline - pb_grid_body_baseline (&grids[k], g)) < 0.01;
            }
          g_assert_true (inside);
          g_assert_cmpfloat_with_epsilon (l->x, pb_column_x (t, l->column), 0.01);
          g_assert_true (l->role == PB_ROLE_BODY || l->role == PB_ROLE_SUBHEAD
                         || l->role == PB_ROLE_CREDIT || l->role == PB_ROLE_BYLINE);
        }
    }
}

/* Frames too small for the story: what does not fit is overset, counted exactly, and the
 * frames given are not changed. */
static void
test_overset_counted (void)
{
  fixture_t fx;
  fixture_init (&fx);
  const pb_story_t *s = story ("lead");
  pb_region_t regions[] = { { 0, 0, 10, 0, FALSE }, { 1, 0, 10, 0, FALSE },
                            { 2, 2, 12, 1, FALSE } };
  pb_region_t copy[G_N_ELEMENTS (regions)];
  memcpy (copy, regions, sizeof regions);
  pb_flow_in_t in = { s, regions, G_N_ELEMENTS (regions), fx.grids, 2, FALSE, 0, FALSE, 0 };
  GError *error = NULL;
  pb_flow_out_t *out = pb_flow_story (&in, fx.bodies, fonts, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);
  g_assert_cmpmem (regions, sizeof regions, copy, sizeof copy);
  g_assert_true (out->reached[0] && out->reached[1]);
  /* Full frames, but for a line widow control or a subhead may leave at a column's foot. */
  g_assert_cmpuint (out->lines[0]->len, <=, 20);
  g_assert_cmpuint (out->lines[0]->len, >=, 18);
  g_assert_cmpuint (out->lines[1]->len, <=, 10);
  g_assert_cmpuint (out->lines[1]->len, >=, 9);
  g_assert_cmpint (out->overset_chars, >, 0);
  g_assert_cmpint (out_chars (out) + out->overset_chars, ==, body_chars (s));
  assert_in_frames (out, regions, G_N_ELEMENTS (regions), fx.grids);
  pb_flow_out_free (out);
  fixture_clear (&fx);
}

/* Frames larger than the story: everything is set, the last part balanced (its columns end
 * within a line of each other), a part the text never reaches is said so, and a second flow
 * from the same value gives the same lines. */
static void
test_balanced_and_repeatable (void)
{
  fixture_t fx;
  fixture_init (&fx);
  const pb_story_t *s = story ("villages");
  pb_region_t regions[] = { { 0, 0, 60, 0, FALSE }, { 1, 0, 60, 0, FALSE },
                            { 2, 0, 60, 0, FALSE } };
  pb_flow_in_t in = { s, regions, G_N_ELEMENTS (regions), fx.grids, 1, FALSE, 0, FALSE, 0 };
  GError *error = NULL;
  pb_flow_out_t *a = pb_flow_story (&in, fx.bodies, fonts, &error);
  g_assert_no_error (error);
  pb_flow_out_t *b = pb_flow_story (&in, fx.bodies, fonts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->overset_chars, ==, 0);
  g_assert_cmpint (out_chars (a), ==, body_chars (s));
  assert_in_frames (a, regions, G_N_ELEMENTS (regions), fx.grids);
  /* The lowest baseline of each column: the columns end level (the last may end a line short
   * where widow control leaves no other way), far above the frames' foot. */
  double foot[3] = { 0 };
  for (guint i = 0; i < a->lines[0]->len; i++)
    {
      const pb_line_t *l = a->lines[0]->pdata[i];
      foot[l->column] = MAX (foot[l->column], l->baseline);
    }
  for (int c = 0; c < 3; c++)
    g_test_message ("column %d ends at %.2f", c, foot[c]);
  g_assert_cmpfloat (foot[2], >, 0);
  g_assert_cmpfloat_with_epsilon (foot[1], foot[0], 0.01);
  g_assert_cmpfloat (foot[2], <=, foot[0] + 0.01);
  g_assert_cmpfloat (foot[2], >=, foot[0] - fx.grids[0].tmpl->leading - 0.01);
  /* The frames as filled: cut at the level line, the columns ending on it but the last. */
  for (int i = 0; i < a->n_regions; i++)
    {
      g_assert_cmpint (a->regions[i].bottom, <, regions[i].bottom);
      g_assert_cmpint (a->ends[i], >=, a->regions[i].bottom - (i == a->n_regions - 1));
    }
  g_assert_cmpfloat (foot[0], <, pb_grid_body_baseline (&fx.grids[0], 30));
  g_assert_cmpuint (a->lines[0]->len, ==, b->lines[0]->len);
  for (guint i = 0; i < a->lines[0]->len; i++)
    {
      const pb_line_t *la = a->lines[0]->pdata[i], *lb = b->lines[0]->pdata[i];
      g_assert_cmpstr (la->text, ==, lb->text);
      g_assert_cmpfloat (la->baseline, ==, lb->baseline);
    }
  pb_flow_out_free (a);
  pb_flow_out_free (b);
  fixture_clear (&fx);
}

/* No frames at all: the whole text is overset, no part is reached. */
static void
test_no_frames (void)
{
  fixture_t fx;
  fixture_init (&fx);
  const pb_story_t *s = story ("villages");
  pb_flow_in_t in = { s, NULL, 0, fx.grids, 1, FALSE, 0, FALSE, 0 };
  GError *error = NULL;
  pb_flow_out_t *out = pb_flow_story (&in, fx.bodies, fonts, &error);
  g_assert_no_error (error);
  g_assert_false (out->reached[0]);
  g_assert_cmpuint (out->lines[0]->len, ==, 0);
  g_assert_cmpint (out->overset_chars, ==, body_chars (s));
  pb_flow_out_free (out);
  fixture_clear (&fx);
}

/* Grid lines the story's body takes in one deep frame (one frame: nothing is levelled). */
static int
lines_in_one_frame (fixture_t *fx, const pb_story_t *s)
{
  pb_region_t deep[] = { { 0, 0, 200, 0, FALSE } };
  pb_flow_in_t in = { s, deep, 1, fx->grids, 1, FALSE, 0, FALSE, 0 };
  GError *error = NULL;
  pb_flow_out_t *out = pb_flow_story (&in, fx->bodies, fonts, &error);
  g_assert_no_error (error);
  int lines = out->ends[0];
  pb_flow_out_free (out);
  return lines;
}

/* The lines of `role` in the flow's output (borrowed), through all parts, with their parts. */
static GPtrArray *
lines_of_role (const pb_flow_out_t *out, pb_role_t role, GArray *parts)
{
  GPtrArray *found = g_ptr_array_new ();
  for (int k = 0; k < out->n_parts; k++)
    for (guint i = 0; i < out->lines[k]->len; i++)
      if (((const pb_line_t *) out->lines[k]->pdata[i])->role == role)
        {
          g_ptr_array_add (found, out->lines[k]->pdata[i]);
          g_array_append_val (parts, k);
        }
  return found;
}

/* A credit where the body's last line ends its column (the villages report, its first frame
 * exactly as deep as the text, the second on another part): it does not start the next column
 * alone but follows the body's last line there, which came over with it (or the last paragraph
 * was set shorter to make room in the first); nothing is lost. */
static void
test_credit_kept_with_body (void)
{
  fixture_t fx;
  fixture_init (&fx);
  pb_story_t s = *story ("villages");
  int lines = lines_in_one_frame (&fx, &s);
  s.credit = "（记者刘丽莎）";
  pb_region_t regions[] = { { 0, 0, lines, 0, FALSE }, { 1, 0, 60, 1, FALSE } };
  pb_flow_in_t in = { &s, regions, G_N_ELEMENTS (regions), fx.grids, 2, FALSE, 0, FALSE, 0 };
  GError *error = NULL;
  pb_flow_out_t *out = pb_flow_story (&in, fx.bodies, fonts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->overset_chars, ==, 0);
  g_assert_cmpint (out_chars (out), ==, body_chars (&s) + pb_count_chars (s.credit));
  g_autoptr (GArray) parts = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GPtrArray) credits = lines_of_role (out, PB_ROLE_CREDIT, parts);
  g_assert_cmpuint (credits->len, ==, 1);
  const pb_line_t *credit = credits->pdata[0];
  int k = g_array_index (parts, int, 0);
  g_assert_cmpstr (credit->text, ==, s.credit);
  /* Right under the last body line of its column, which is in the same part. */
  const pb_line_t *above = NULL;
  for (guint i = 0; i < out->lines[k]->len; i++)
    {
      const pb_line_t *l = out->lines[k]->pdata[i];
      if (l->role == PB_ROLE_BODY && l->column == credit->column
          && (!above || l->baseline > above->baseline))
        above = l;
    }
  g_assert_nonnull (above);
  g_assert_true (above->para_end);
  g_assert_cmpint (above->block, ==, (int) s.blocks->len - 1);
  g_assert_cmpfloat_with_epsilon (credit->baseline - above->baseline, fx.grids[k].tmpl->leading,
                                  0.01);
  g_test_message ("credit in part %d, column %d", k, credit->column);
  assert_in_frames (out, regions, G_N_ELEMENTS (regions), fx.grids);
  pb_flow_out_free (out);
  fixture_clear (&fx);
}

/* A byline the template puts before the body: a line of its own at the top of the first
 * frame, the body under it; with the byline under the headlines, the flow sets none. */
static void
test_byline_before_body (void)
{
  fixture_t fx;
  fixture_init (&fx);
  pb_story_t s = *story ("villages");
  s.byline = "记者 刘丽莎";
  pb_template_t t = *fx.grids[0].tmpl;
  t.byline_position = PB_BYLINE_BEFORE_BODY;
  pb_grid_t grids[] = { { &t, t.margin_top, 0 } };
  pb_region_t regions[] = { { 0, 4, 200, 0, FALSE } };
  pb_flow_in_t in = { &s, regions, 1, grids, 1, FALSE, 0, FALSE, 0 };
  GError *error = NULL;
  pb_flow_out_t *out = pb_flow_story (&in, fx.bodies, fonts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->overset_chars, ==, 0);
  const pb_line_t *first = out->lines[0]->pdata[0], *second = out->lines[0]->pdata[1];
  g_assert_cmpint (first->role, ==, PB_ROLE_BYLINE);
  g_assert_cmpstr (first->text, ==, "记者 刘丽莎");
  g_assert_cmpfloat_with_epsilon (first->baseline, pb_grid_body_baseline (&grids[0], 4), 0.01);
  g_assert_cmpint (second->role, ==, PB_ROLE_BODY);
  g_assert_cmpint (second->block, ==, 0);
  g_assert_cmpfloat_with_epsilon (second->baseline, pb_grid_body_baseline (&grids[0], 5), 0.01);
  pb_flow_out_free (out);
  t.byline_position = PB_BYLINE_UNDER_HEADLINE;
  out = pb_flow_story (&in, fx.bodies, fonts, &error);
  g_assert_no_error (error);
  g_assert_cmpint (((const pb_line_t *) out->lines[0]->pdata[0])->role, ==, PB_ROLE_BODY);
  pb_flow_out_free (out);
  fixture_clear (&fx);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  const char *datadir = g_getenv ("PAIBAN_DATADIR");
  g_autofree char *path = g_build_filename (datadir, "examples", "front-page", "issue.json", NULL);
  GError *error = NULL;
  issue = pb_issue_load_file (path, datadir, &error);
  g_assert_no_error (error);
  fonts = pb_fonts_new (datadir, &error);
  g_assert_no_error (error);
  g_test_add_func ("/flow/overset-counted", test_overset_counted);
  g_test_add_func ("/flow/balanced-and-repeatable", test_balanced_and_repeatable);
  g_test_add_func ("/flow/no-frames", test_no_frames);
  g_test_add_func ("/flow/credit-kept-with-body", test_credit_kept_with_body);
  g_test_add_func ("/flow/byline-before-body", test_byline_before_body);
  int rc = g_test_run ();
  pb_fonts_unref (fonts);
  pb_issue_free (issue);
  return rc;
}
