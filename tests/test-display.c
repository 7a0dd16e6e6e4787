/* Display text (plugin/words.h, pb_display_* in plugin/setting.h): word boundaries, the exact
 * lines of headlines at every span, the shapes, forced breaks and phrase gaps.
 *
 * The headlines are the cases quoted in issue 13 of this project, where each was seen broken
 * inside a word (四川地区生产总|值…, 湖南研发投入强|度…, 把握“稳|中求进…, 两部门约谈提|醒…,
 * 人民币对美元中间价报|6.8109 …), the title of the 2018 opinions of the CPC Central Committee
 * and the State Council on rural revitalisation (as excerpted in examples/full-issue), and two
 * names (a city agency, a subdistrict) from the same issue; headlines only, of no paper. The
 * other texts are official documents' headings, as in examples/full-issue/texts/SOURCES.md. */
#include <math.h>
#include <string.h>
#include "fonts.h"
#include "setting.h"
#include "words.h"

static pb_fonts_t *fonts;
static pb_template_t *tabloid;

/* A desk's headline sizes by span (pt), 1 to 6 columns of the tabloid template. */
static const double span_sizes[] = { 0, 18, 24, 30, 36, 42, 48 };

/* `text` in the headline style at `size`, broken at `width` in `shape`: its lines joined with
 * " | " (a new string), their widths (pt) in `widths` when given. */
static char *
display_lines (const char *text, pb_role_t role, double size, double width, pb_shape_t shape,
               double *widths)
{
  GError *error = NULL;
  pb_style_t s = tabloid->styles[role];
  s.phrase_gap *= size / s.size;
  s.size = size;
  pb_loc_t loc = { "test", 1, 1 };
  pb_display_t *d = pb_display_new (fonts, text, &s, loc, &error);
  g_assert_no_error (error);
  pb_measure_t m = pb_display_measure (tabloid, &s, role, width);
  m.shape = shape;
  int n = pb_display_break (d, &m);
  g_assert_cmpint (n, ==, pb_display_n_lines (d));
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  pb_display_emit (lines, tabloid, d, &s, 0, 0, width, role, NULL);
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < lines->len; i++)
    {
      const pb_line_t *line = lines->pdata[i];
      g_string_append_printf (out, "%s%s", i ? " | " : "", line->text);
      if (widths)
        widths[i] = line->width;
    }
  g_ptr_array_free (lines, TRUE);
  pb_display_free (d);
  return g_string_free (out, FALSE);
}

/* The boundaries of `text` marked in it: ':' weak, '.' between one-character words, '|' good. */
static char *
marked (const char *text)
{
  GError *error = NULL;
  GArray *bounds = pb_word_boundaries (text, &error);
  g_assert_no_error (error);
  GString *out = g_string_new (NULL);
  int at = 0;
  for (guint i = 0; i < bounds->len; i++)
    {
      const pb_boundary_t *b = &g_array_index (bounds, pb_boundary_t, i);
      g_assert_cmpint (b->kind, !=, PB_BOUND_INSIDE);
      g_string_append_len (out, text + at, b->offset - at);
      g_string_append_c (out, b->kind == PB_BOUND_GOOD   ? '|'
                              : b->kind == PB_BOUND_WEAK ? ':'
                                                         : '.');
      at = b->offset;
    }
  g_string_append (out, text + at);
  g_array_unref (bounds);
  return g_string_free (out, FALSE);
}

/* ICU's words, graded: never between a number and its unit (67665|亿元), after a measure word
 * after a number (41个|基点), after a prefix (非|理性) or before a suffix (人民|币, 中间|价). */
static void
test_word_grades (void)
{
  static const char *const cases[][2] = {
    { "四川地区生产总值达67665亿元", "四川|地区|生产|总值:达:67665亿.元" },
    { "人民币对美元中间价报6.8109 调升41个基点", "人民币.对:美元|中间价.报:6.8109 |调升|41个基点" },
    { "两部门约谈提醒涉嫌非理性竞争汽车生产企业", "两:部门|约谈|提醒|涉嫌:非理性|竞争|汽车|生产|企业" },
    { "把握“稳中求进、提质增效”", "把握|“稳.中.求.进、|提.质.增.效”" },
    { "湖南研发投入强度提升至2.62%", "湖南|研发|投入|强度|提升:至:2.62%" },
    { "杭州市城市管理委员会", "杭州市|城市|管理|委员会" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = marked (cases[i][0]);
      g_assert_cmpstr (got, ==, cases[i][1]);
    }
}

/* Every case at spans 1 to 6 (the headline style at the desk's size for the span): breaks at
 * words only, balanced lines, a break at the typed space (6.8109 调升) wherever a line
 * holding what comes before it fits. */
static void
test_headline_spans (void)
{
  static const char *const cases[][7] = {
    { "中共中央 国务院关于实施乡村振兴战略的意见（摘登）",
      "中共中央 | 国务院关于 | 实施乡村振兴 | 战略的意见 | （摘登）",
      "中共中央 国务院 | 关于实施乡村振兴 | 战略的意见（摘登）",
      "中共中央 | 国务院关于实施乡村 | 振兴战略的意见（摘登）",
      "中共中央 国务院关于实施 | 乡村振兴战略的意见（摘登）",
      "中共中央 国务院关于实施 | 乡村振兴战略的意见（摘登）",
      "中共中央 国务院关于实施 | 乡村振兴战略的意见（摘登）" },
    { "四川地区生产总值达67665亿元",
      "四川地区 | 生产总值达 | 67665亿元",
      "四川地区生产 | 总值达67665亿元",
      "四川地区生产 | 总值达67665亿元",
      "四川地区生产 | 总值达67665亿元",
      "四川地区生产总值达67665亿元",
      "四川地区生产总值达67665亿元" },
    { "湖南研发投入强度提升至2.62%",
      "湖南研发 | 投入强度提升 | 至2.62%",
      "湖南研发投入强度 | 提升至2.62%",
      "湖南研发投入强度 | 提升至2.62%",
      "湖南研发投入强度 | 提升至2.62%",
      "湖南研发投入强度 | 提升至2.62%",
      "湖南研发投入强度提升至2.62%" },
    { "把握“稳中求进、提质增效”",
      "把握 | “稳中求进、 | 提质增效”",
      "把握“稳中求进、 | 提质增效”",
      "把握“稳中求进、提质增效”",
      "把握“稳中求进、提质增效”",
      "把握“稳中求进、提质增效”",
      "把握“稳中求进、提质增效”" },
    { "杭州市城市管理委员会",
      "杭州市城市 | 管理委员会",
      "杭州市城市 | 管理委员会",
      "杭州市城市管理委员会",
      "杭州市城市管理委员会",
      "杭州市城市管理委员会",
      "杭州市城市管理委员会" },
    { "余杭区良渚街道",
      "余杭区 | 良渚街道",
      "余杭区良渚街道",
      "余杭区良渚街道",
      "余杭区良渚街道",
      "余杭区良渚街道",
      "余杭区良渚街道" },
    { "两部门约谈提醒涉嫌非理性竞争汽车生产企业",
      "两部门 | 约谈提醒 | 涉嫌非理性 | 竞争汽车 | 生产企业",
      "两部门约谈提醒 | 涉嫌非理性竞争 | 汽车生产企业",
      "两部门约谈提醒涉嫌 | 非理性竞争汽车生产企业",
      "两部门约谈提醒涉嫌非理性 | 竞争汽车生产企业",
      "两部门约谈提醒涉嫌非理性 | 竞争汽车生产企业",
      "两部门约谈提醒涉嫌非理性 | 竞争汽车生产企业" },
    { "人民币对美元中间价报6.8109 调升41个基点",
      "人民币对美元 | 中间价报 | 6.8109 | 调升 | 41个基点",
      "人民币对美元 | 中间价报6.8109 | 调升41个基点",
      "人民币对美元中间价报 | 6.8109 调升41个基点",
      "人民币对美元中间价报 | 6.8109 调升41个基点",
      "人民币对美元中间价报6.8109 | 调升41个基点",
      "人民币对美元中间价报6.8109 | 调升41个基点" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int span = 1; span <= 6; span++)
      {
        g_autofree char *got = display_lines (cases[i][0], PB_ROLE_HEADLINE, span_sizes[span],
                                              pb_span_width (tabloid, span),
                                              PB_SHAPE_BALANCED, NULL);
        g_test_message ("span %d: %s", span, got);
        g_assert_cmpstr (got, ==, cases[i][span]);
      }
}

/* A headline of the full-issue example (the 2024 government work report's 大力推进现代化产业体系
 * 建设) in the three shapes: balanced lines within an em of each other, a pyramid widening
 * downwards, an inverted one narrowing, each broken between words. */
static void
test_shapes (void)
{
  const char *text = "大力推进现代化产业体系建设";
  double size = span_sizes[2], width = pb_span_width (tabloid, 2), w[4];
  g_autofree char *balanced = display_lines (text, PB_ROLE_HEADLINE, size, width,
                                             PB_SHAPE_BALANCED, w);
  g_assert_cmpstr (balanced, ==, "大力推进现代化 | 产业体系建设");
  g_assert_cmpfloat (fabs (w[0] - w[1]), <=, size);
  g_autofree char *pyramid = display_lines (text, PB_ROLE_HEADLINE, size, width,
                                            PB_SHAPE_PYRAMID, w);
  g_assert_cmpstr (pyramid, ==, "大力推进 | 现代化产业体系建设");
  g_assert_cmpfloat (w[0], <, w[1]);
  g_autofree char *inverted = display_lines (text, PB_ROLE_HEADLINE, size, width,
                                             PB_SHAPE_INVERTED, w);
  g_assert_cmpstr (inverted, ==, "大力推进现代化产业 | 体系建设");
  g_assert_cmpfloat (w[0], >, w[1]);
}

/* '\n' forces a break, an empty line adds none, spaces around a break are dropped; each part
 * is broken by itself. */
static void
test_forced_breaks (void)
{
  double width = pb_span_width (tabloid, 6);
  g_autofree char *two = display_lines ("提高农村\n民生保障水平", PB_ROLE_HEADLINE, 40, width,
                                        PB_SHAPE_BALANCED, NULL);
  g_assert_cmpstr (two, ==, "提高农村 | 民生保障水平");
  g_autofree char *empty = display_lines ("提高农村 \n\n 民生保障水平\n", PB_ROLE_HEADLINE, 40,
                                          width, PB_SHAPE_BALANCED, NULL);
  g_assert_cmpstr (empty, ==, "提高农村 | 民生保障水平");
  g_autofree char *parts = display_lines ("中共中央 国务院\n关于实施乡村振兴战略的意见（摘登）",
                                          PB_ROLE_HEADLINE, 30, pb_span_width (tabloid, 3),
                                          PB_SHAPE_BALANCED, NULL);
  g_assert_cmpstr (parts, ==, "中共中央 国务院 | 关于实施乡村振兴 | 战略的意见（摘登）");
}

/* A space inside a line is the style's phrase gap (1 em by default), not the font's space. */
static void
test_phrase_gap (void)
{
  double w[2];
  g_autofree char *line = display_lines ("中共中央 国务院", PB_ROLE_HEADLINE, 40,
                                         pb_span_width (tabloid, 6), PB_SHAPE_BALANCED, w);
  g_assert_cmpstr (line, ==, "中共中央 国务院");
  double unspaced[2];
  g_autofree char *tight = display_lines ("中共中央国务院", PB_ROLE_HEADLINE, 40,
                                          pb_span_width (tabloid, 6), PB_SHAPE_BALANCED,
                                          unspaced);
  /* Centred: the line's width counts its offset from the left, half the difference. */
  g_assert_cmpfloat_with_epsilon (w[0] - unspaced[0], 40 / 2.0, 0.01);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  const char *datadir = g_getenv ("PAIBAN_DATADIR");
  fonts = pb_fonts_new (datadir, &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (datadir, "layouts", "tabloid.json", NULL);
  tabloid = pb_template_load_file (path, NULL, &error);
  g_assert_no_error (error);
  g_test_add_func ("/display/word-grades", test_word_grades);
  g_test_add_func ("/display/headline-spans", test_headline_spans);
  g_test_add_func ("/display/shapes", test_shapes);
  g_test_add_func ("/display/forced-breaks", test_forced_breaks);
  g_test_add_func ("/display/phrase-gap", test_phrase_gap);
  int status = g_test_run ();
  pb_template_free (tabloid);
  pb_fonts_unref (fonts);
  return status;
}
