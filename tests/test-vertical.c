/* Vertical headlines (竖排标题), asserted on the layout result of tests/layout/vertical.json:
 * each glyph's place down its line, the lines from right to left in a strip at the item's
 * right, the fonts' vertical forms of the punctuation (their ink where clreq puts it), 纵中横
 * for two digits, Latin and four-digit numbers turned; and what the loader and the layout do
 * with a vertical headline that cannot be set. The texts are those of the case (see
 * tests/layout/SOURCES.md: the 2024 government work report, a State Council document). */
#include <hb.h>
#include <math.h>
#include <string.h>
#include "fonts.h"
#include "layout.h"
#include "setting.h"

static pb_fonts_t *fonts;
static pb_issue_t *issue;
static pb_layout_t *layout;
static const char *datadir;

static const double EPS = 0.01;

static const pb_page_layout_t *
page (void)
{
  g_assert_cmpuint (layout->pages->len, ==, 1);
  return layout->pages->pdata[0];
}

/* The vertical lines of `story` in `role`, in layout order (a new array of borrowed lines). */
static GPtrArray *
vertical_lines (const char *story, pb_role_t role)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < page ()->lines->len; i++)
    {
      const pb_line_t *l = page ()->lines->pdata[i];
      if (l->vertical && l->role == role && g_strcmp0 (l->story_id, story) == 0)
        g_ptr_array_add (out, (gpointer) l);
    }
  return out;
}

static const pb_placed_item_t *
item_of (const char *story)
{
  for (guint i = 0; i < page ()->items->len; i++)
    {
      const pb_placed_item_t *it = page ()->items->pdata[i];
      if (g_strcmp0 (it->story_id, story) == 0)
        return it;
    }
  g_assert_not_reached ();
}

/* The run of `line` whose text is `text`. */
static const pb_glyph_run_t *
run_of (const pb_line_t *line, const char *text)
{
  for (guint r = 0; r < line->runs->len; r++)
    {
      const pb_glyph_run_t *run = line->runs->pdata[r];
      if (run->text_len == (int) strlen (text) && memcmp (run->text, text, run->text_len) == 0)
        return run;
    }
  return NULL;
}

/* Glyph `index` of `run` and where its cluster's text starts. */
typedef struct {
  const pb_glyph_run_t *run;
  const cairo_glyph_t *glyph;
  const char *text;
} found_glyph_t;

/* The glyph whose cluster starts with `mark` in the lines of `story` in `role`. */
static found_glyph_t
find_mark (const char *story, pb_role_t role, const char *mark)
{
  g_autoptr (GPtrArray) lines = vertical_lines (story, role);
  for (guint i = 0; i < lines->len; i++)
    {
      const pb_line_t *l = lines->pdata[i];
      for (guint r = 0; r < l->runs->len; r++)
        {
          const pb_glyph_run_t *run = l->runs->pdata[r];
          int byte = 0, glyph = 0;
          for (int c = 0; c < run->n_clusters; c++)
            {
              if (strncmp (run->text + byte, mark, strlen (mark)) == 0)
                return (found_glyph_t) { run, &run->glyphs[glyph], run->text + byte };
              byte += run->clusters[c].num_bytes;
              glyph += run->clusters[c].num_glyphs;
            }
        }
    }
  g_assert_not_reached ();
}

/* The ink of a glyph of `run` drawn upright at `g`, on the page. */
static pb_rect_t
ink (const pb_glyph_run_t *run, const cairo_glyph_t *g)
{
  hb_font_t *font = pango_font_get_hb_font (run->font);
  hb_glyph_extents_t e;
  g_assert_true (hb_font_get_glyph_extents (font, g->index, &e));
  return (pb_rect_t) { g->x + e.x_bearing / (double) PANGO_SCALE,
                       g->y - e.y_bearing / (double) PANGO_SCALE, e.width / (double) PANGO_SCALE,
                       -e.height / (double) PANGO_SCALE };
}

/* The glyph `run`'s font gives `text` set across (no vertical forms). */
static hb_codepoint_t
glyph_across (const pb_glyph_run_t *run, const char *text)
{
  hb_buffer_t *buf = hb_buffer_create ();
  hb_buffer_add_utf8 (buf, text, -1, 0, -1);
  hb_buffer_set_direction (buf, HB_DIRECTION_LTR);
  hb_buffer_set_script (buf, HB_SCRIPT_HAN);
  hb_buffer_set_language (buf, hb_language_from_string ("zh-Hans", -1));
  hb_shape (pango_font_get_hb_font (run->font), buf, NULL, 0);
  hb_codepoint_t id = hb_buffer_get_glyph_infos (buf, NULL)[0].codepoint;
  hb_buffer_destroy (buf);
  return id;
}

/* ---- down the lines, right to left ---- */

static void
test_glyphs_down_each_line (void)
{
  const pb_role_t roles[] = { PB_ROLE_KICKER, PB_ROLE_HEADLINE, PB_ROLE_SUBTITLE };
  int lines_seen = 0;
  for (guint k = 0; k < G_N_ELEMENTS (roles); k++)
    {
      g_autoptr (GPtrArray) lines = vertical_lines ("targets", roles[k]);
      for (guint i = 0; i < lines->len; i++, lines_seen++)
        {
          const pb_line_t *l = lines->pdata[i];
          double y = -G_MAXDOUBLE;
          for (guint r = 0; r < l->runs->len; r++)
            {
              const pb_glyph_run_t *run = l->runs->pdata[r];
              gboolean side_by_side = !run->rotated && run->n_glyphs == 2
                                      && fabs (run->glyphs[0].y - run->glyphs[1].y) < EPS;
              for (int g = 0; g < run->n_glyphs; g++)
                {
                  /* Each glyph below the one before, but for 纵中横's pair on one baseline. */
                  if (side_by_side && g == 1)
                    g_assert_cmpfloat (run->glyphs[1].x, >, run->glyphs[0].x);
                  else
                    g_assert_cmpfloat (run->glyphs[g].y, >, y + EPS);
                  y = run->glyphs[g].y;
                }
            }
        }
    }
  g_assert_cmpint (lines_seen, ==, 5);
}

static void
test_lines_right_to_left (void)
{
  g_autoptr (GPtrArray) kicker = vertical_lines ("targets", PB_ROLE_KICKER);
  g_autoptr (GPtrArray) headline = vertical_lines ("targets", PB_ROLE_HEADLINE);
  g_autoptr (GPtrArray) subtitle = vertical_lines ("targets", PB_ROLE_SUBTITLE);
  g_assert_cmpuint (kicker->len, ==, 1);
  g_assert_cmpuint (headline->len, ==, 3);
  g_assert_cmpuint (subtitle->len, ==, 1);
  /* The kicker first (rightmost), then the headline's lines, then the subtitle. */
  GPtrArray *order = g_ptr_array_new ();
  g_ptr_array_extend (order, kicker, NULL, NULL);
  g_ptr_array_extend (order, headline, NULL, NULL);
  g_ptr_array_extend (order, subtitle, NULL, NULL);
  for (guint i = 1; i < order->len; i++)
    {
      const pb_line_t *a = order->pdata[i - 1], *b = order->pdata[i];
      pb_rect_t ra = pb_line_box (a), rb = pb_line_box (b);
      g_assert_cmpfloat (rb.x + rb.w, <, ra.x);
      /* Every line starts at the top of the item's first body line. */
      g_assert_cmpfloat (fabs (a->baseline - b->baseline), <, EPS);
    }
  const pb_line_t *h0 = headline->pdata[0];
  g_assert_cmpint (h0->line_no, ==, 0);
  g_assert_cmpfloat (fabs (((const pb_line_t *) headline->pdata[1])->x - (h0->x - 48)), <, EPS);
  /* The headline's text reads on from line to line. */
  GString *text = g_string_new (NULL);
  for (guint i = 0; i < headline->len; i++)
    g_string_append (text, ((const pb_line_t *) headline->pdata[i])->text);
  g_assert_cmpstr (text->str, ==, "今年是中华人民共和国成立75周年，是实现“十四五”规划目标任务的关键"
                                  "一年。");
  g_string_free (text, TRUE);
  g_ptr_array_free (order, TRUE);
}

/* The strip at the item's right holds every vertical line; the body stays left of it. */
static void
test_strip_and_body_columns (void)
{
  const pb_template_t *t = page ()->tmpl;
  const char *stories[] = { "targets", "aircraft" };
  const int strips[] = { 2, 1 };   /* found from the lines; given in the issue */
  for (guint s = 0; s < G_N_ELEMENTS (stories); s++)
    {
      const pb_placed_item_t *it = item_of (stories[s]);
      int first = (int) lround ((it->area.x - pb_column_x (t, 0)) / (t->column_width + t->gutter));
      int span = (int) lround ((it->area.w + t->gutter) / (t->column_width + t->gutter));
      double strip_x = pb_column_x (t, first + span - strips[s]);
      int vertical = 0;
      for (guint i = 0; i < page ()->lines->len; i++)
        {
          const pb_line_t *l = page ()->lines->pdata[i];
          if (g_strcmp0 (l->story_id, stories[s]) != 0)
            continue;
          pb_rect_t r = pb_line_box (l);
          if (l->vertical)
            {
              vertical++;
              g_assert_cmpfloat (r.x, >=, strip_x - EPS);
              g_assert_cmpfloat (r.x + r.w, <=, it->area.x + it->area.w + EPS);
              g_assert_cmpfloat (r.y, >=, it->area.y - EPS);
              g_assert_cmpfloat (l->baseline + l->width, <=, it->area.y + it->area.h + EPS);
            }
          else
            g_assert_cmpfloat (r.x + l->measure, <=, strip_x - t->gutter + EPS);
        }
      g_assert_cmpint (vertical, >, 0);
      g_assert_cmpint (it->overset_chars, ==, 0);
    }
}

/* ---- vertical forms ---- */

/* ，。 take the fonts' vertical forms, their ink in the top right of the cell. */
static void
test_comma_and_stop_top_right (void)
{
  const char *marks[] = { "，", "。" };
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      found_glyph_t f = find_mark ("targets", PB_ROLE_HEADLINE, marks[i]);
      g_assert_cmpuint (f.glyph->index, !=, glyph_across (f.run, marks[i]));
      double size = 40;
      double centre_x = f.glyph->x + size / 2;            /* the cell's middle, across */
      double cell_top = f.glyph->y - PB_EM_ASCENT * size;
      pb_rect_t r = ink (f.run, f.glyph);
      g_assert_cmpfloat (r.x, >, centre_x);
      g_assert_cmpfloat (r.y + r.h, <, cell_top + size / 2);
      g_assert_cmpfloat (r.y, >, cell_top);
    }
}

/* Brackets and quotes turned along the line (wider than high), —— one stroke down two cells. */
static void
test_brackets_quotes_dash_turned (void)
{
  struct { const char *story, *mark; pb_role_t role; } turned[] = {
    { "targets", "（", PB_ROLE_KICKER }, { "targets", "）", PB_ROLE_KICKER },
    { "targets", "“", PB_ROLE_HEADLINE }, { "targets", "”", PB_ROLE_HEADLINE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (turned); i++)
    {
      found_glyph_t f = find_mark (turned[i].story, turned[i].role, turned[i].mark);
      g_assert_cmpuint (f.glyph->index, !=, glyph_across (f.run, turned[i].mark));
      g_assert_false (f.run->rotated);
      pb_rect_t r = ink (f.run, f.glyph);
      g_assert_cmpfloat (r.w, >, r.h);
    }
  found_glyph_t dash = find_mark ("targets", PB_ROLE_SUBTITLE, "——");
  pb_rect_t r = ink (dash.run, dash.glyph);
  double size = 14;
  g_assert_cmpfloat (r.h, >, 1.8 * size);
  g_assert_cmpfloat (r.w, <, 0.2 * size);
}

/* ---- numbers and Latin ---- */

/* 75: upright, side by side in one cell, about the line's centre. */
static void
test_two_digits_upright (void)
{
  g_autoptr (GPtrArray) headline = vertical_lines ("targets", PB_ROLE_HEADLINE);
  /* 75周年 is one word: the line breaks before it, not inside it. */
  const pb_line_t *l = headline->pdata[1];
  g_assert_true (g_str_has_prefix (l->text, "75周年"));
  const pb_glyph_run_t *run = run_of (l, "75");
  g_assert_nonnull (run);
  g_assert_false (run->rotated);
  g_assert_cmpint (run->n_glyphs, ==, 2);
  g_assert_cmpfloat (fabs (run->glyphs[0].y - run->glyphs[1].y), <, EPS);
  double width = run->glyphs[1].x - run->glyphs[0].x;
  /* Two half-width figures: one cell, centred on the line. */
  g_assert_cmpfloat (fabs (run->glyphs[0].x + width - l->x), <, EPS);
  g_assert_cmpfloat (2 * width, <=, l->size + EPS);
  /* One digit stands upright alone in its cell too (3月5日). */
  g_autoptr (GPtrArray) subtitle = vertical_lines ("targets", PB_ROLE_SUBTITLE);
  const pb_glyph_run_t *three = run_of (subtitle->pdata[0], "3");
  g_assert_nonnull (three);
  g_assert_false (three->rotated);
}

/* 2024 and C919: turned 90° clockwise, their glyphs on one baseline down the line. */
static void
test_latin_and_long_numbers_turned (void)
{
  struct { const char *story, *text; pb_role_t role; } cases[] = {
    { "targets", "2024", PB_ROLE_SUBTITLE }, { "aircraft", "C919", PB_ROLE_HEADLINE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) lines = vertical_lines (cases[i].story, cases[i].role);
      const pb_line_t *l = lines->pdata[0];
      const pb_glyph_run_t *run = run_of (l, cases[i].text);
      g_assert_nonnull (run);
      g_assert_true (run->rotated);
      g_assert_cmpint (run->n_glyphs, ==, 4);
      for (int g = 1; g < run->n_glyphs; g++)
        {
          g_assert_cmpfloat (fabs (run->glyphs[g].x - run->glyphs[0].x), <, EPS);
          g_assert_cmpfloat (run->glyphs[g].y, >, run->glyphs[g - 1].y + EPS);
        }
      /* The baseline left of the centre line: the letters' em box centred on it. */
      g_assert_cmpfloat (run->glyphs[0].x, <, l->x);
      g_assert_cmpfloat (run->glyphs[0].x, >, l->x - l->size / 2);
    }
}

/* ---- what cannot be set ---- */

static pb_issue_t *
load (const char *json, GError **error)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "layout", NULL);
  return pb_issue_load_data (json, strlen (json), "vertical-test.json", dir, datadir, error);
}

#define ISSUE_HEAD                                                                          \
  "{\"paper\": \"测试报\", \"date\": \"2024-03-06\", \"template\": \"tabloid\",\n"          \
  " \"stories\": [{\"id\": \"s\", \"headline\": \"今年是中华人民共和国成立75周年\",\n"      \
  "               \"body_file\": \"vertical.md\"}],\n"                                      \
  " \"pages\": [{\"number\": 1, \"items\": [\n"

/* Loading `json` fails with an error that starts with `message`. */
static void
assert_load_error (const char *json, const char *message)
{
  GError *error = NULL;
  pb_issue_t *bad = load (json, &error);
  g_assert_null (bad);
  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, message))
    g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
}

static void
test_one_column_item_refused (void)
{
  assert_load_error (ISSUE_HEAD "  {\"story\": \"s\", \"column\": 1, \"span\": 1, "
                     "\"top\": 0, \"height\": 20, \"headline_vertical\": true}]}]}",
                     "vertical-test.json:5:87: page 1, item 1: a vertical headline needs an "
                     "item of 2 columns or more (one for the body)");
  assert_load_error (ISSUE_HEAD "  {\"story\": \"s\", \"column\": 1, \"span\": 3, "
                     "\"top\": 0, \"height\": 20, \"headline_vertical\": 3}]}]}",
                     "vertical-test.json:5:87: page 1, item 1: \"headline_vertical\" must be "
                     "an integer from 1 to 2");
  assert_load_error (ISSUE_HEAD "  {\"story\": \"s\", \"column\": 1, \"span\": 3, "
                     "\"top\": 0, \"height\": 20, \"headline_vertical\": \"yes\"}]}]}",
                     "vertical-test.json:5:87: page 1, item 1: \"headline_vertical\" must be "
                     "true, false or a number of columns, not a string");
}

/* A strip too low for one 40 pt character: nothing drawn, the headline counted as overset. */
static void
test_too_short_left_out (void)
{
  GError *error = NULL;
  pb_issue_t *small = load (ISSUE_HEAD "  {\"story\": \"s\", \"column\": 1, \"span\": 3, "
                            "\"top\": 0, \"height\": 2, \"headline_vertical\": 1}]}]}",
                            &error);
  g_assert_no_error (error);
  pb_layout_t *out = pb_layout_issue (small, fonts, &error);
  g_assert_no_error (error);
  const pb_page_layout_t *p = out->pages->pdata[0];
  for (guint i = 0; i < p->lines->len; i++)
    g_assert_false (((const pb_line_t *) p->lines->pdata[i])->vertical);
  const pb_placed_item_t *it = p->items->pdata[0];
  g_assert_cmpint (it->overset_chars, >=, (int) g_utf8_strlen ("今年是中华人民共和国成立75周年", -1)
                                              - 1);
  gboolean warned = FALSE;
  for (guint i = 0; i < out->warnings->len; i++)
    warned |= strstr (out->warnings->pdata[i], "vertical-test.json:5:3: story \"s\": its "
                                                "vertical headlines need a longer line than its "
                                                "height") != NULL;
  g_assert_true (warned);
  pb_layout_free (out);
  pb_issue_free (small);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  datadir = g_getenv ("PAIBAN_DATADIR");
  g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "layout",
                                            "vertical.json", NULL);
  GError *error = NULL;
  if (!(issue = pb_issue_load_file (path, datadir, &error))
      || !(fonts = pb_fonts_new (datadir, &error))
      || !(layout = pb_layout_issue (issue, fonts, &error)))
    g_error ("%s", error->message);

  g_test_add_func ("/vertical/glyphs-down-each-line", test_glyphs_down_each_line);
  g_test_add_func ("/vertical/lines-right-to-left", test_lines_right_to_left);
  g_test_add_func ("/vertical/strip-and-body-columns", test_strip_and_body_columns);
  g_test_add_func ("/vertical/comma-and-stop-top-right", test_comma_and_stop_top_right);
  g_test_add_func ("/vertical/brackets-quotes-dash-turned", test_brackets_quotes_dash_turned);
  g_test_add_func ("/vertical/two-digits-upright", test_two_digits_upright);
  g_test_add_func ("/vertical/latin-and-long-numbers-turned",
                   test_latin_and_long_numbers_turned);
  g_test_add_func ("/vertical/one-column-item-refused", test_one_column_item_refused);
  g_test_add_func ("/vertical/too-short-left-out", test_too_short_left_out);
  int rc = g_test_run ();
  pb_layout_free (layout);
  pb_fonts_unref (fonts);
  pb_issue_free (issue);
  return rc;
}
