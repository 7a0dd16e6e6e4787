/* The line composer, rule by rule, on short paragraphs with hand-checked breaks. */
#include <math.h>
#include <string.h>
#include <hb.h>
#include "clreq.h"
#include "compose.h"
#include "fonts.h"

static pb_fonts_t *fonts;
static const double EM = 9.0;

static double latin_space_em = 0;
static gboolean hang = FALSE;
static double stretch_limit_em = 0;
static pb_style_t body_style = { .font = "Noto Serif CJK SC", .weight = 400, .size = 9.0,
                                 .align = PB_ALIGN_JUSTIFY, .indent = 18.0 };

typedef struct {
  int n;
  pb_line_t *lines[256];
} composed_t;

static void
composed_clear (composed_t *c)
{
  for (int i = 0; i < c->n; i++)
    pb_line_free (c->lines[i]);
  c->n = 0;
}

/* Composes `text` at `width_em` ems with the given indent (ems). */
static void
compose (const char *text, double width_em, double indent_em, composed_t *out)
{
  pb_style_run_t run = { 0, (int) strlen (text), &body_style };
  GError *error = NULL;
  pb_para_t *para = pb_para_new (fonts, text, &run, 1, NULL, &error);
  g_assert_no_error (error);
  pb_measure_t m = { width_em * EM, indent_em * EM, PB_ALIGN_JUSTIFY, EM, latin_space_em * EM,
                     stretch_limit_em, hang, PB_SHAPE_FILL };
  out->n = pb_para_break (para, &m);
  g_assert_cmpint (out->n, <=, 256);
  for (int i = 0; i < out->n; i++)
    {
      out->lines[i] = pb_line_new ();
      out->lines[i]->measure = m.width;
      pb_para_emit_line (para, i, 0, 0, out->lines[i]);
    }
  pb_para_free (para);
}

/* Composes `dateline` in bold sans, run in before `text`, as the body sets a story's first
 * paragraph. */
static void
compose_dateline (const char *dateline, const char *text, double width_em, composed_t *out)
{
  static pb_style_t bold = { .font = "Noto Sans CJK SC", .weight = 700, .size = 9.0,
                             .align = PB_ALIGN_JUSTIFY };
  g_autofree char *all = g_strconcat (dateline, text, NULL);
  int dl = strlen (dateline);
  pb_style_run_t runs[] = { { 0, dl, &bold }, { dl, (int) strlen (all), &body_style } };
  GError *error = NULL;
  pb_para_t *para = pb_para_new (fonts, all, runs, 2, NULL, &error);
  g_assert_no_error (error);
  pb_para_mark_dateline (para, 0, dl);
  pb_measure_t m = { width_em * EM, 2 * EM, PB_ALIGN_JUSTIFY, EM, 0, 0, FALSE, PB_SHAPE_FILL };
  out->n = pb_para_break (para, &m);
  for (int i = 0; i < out->n; i++)
    {
      out->lines[i] = pb_line_new ();
      out->lines[i]->measure = m.width;
      pb_para_emit_line (para, i, 0, 0, out->lines[i]);
    }
  pb_para_free (para);
}

static void
assert_lines (const composed_t *c, const char *const *expected)
{
  int n = 0;
  while (expected[n])
    n++;
  for (int i = 0; i < MIN (n, c->n); i++)
    g_assert_cmpstr (c->lines[i]->text, ==, expected[i]);
  g_assert_cmpint (c->n, ==, n);
}

/* Glyph origins of a line, in order. */
static int
glyph_xs (const pb_line_t *line, double *xs, int max)
{
  int n = 0;
  for (guint r = 0; r < line->runs->len; r++)
    {
      const pb_glyph_run_t *run = line->runs->pdata[r];
      for (int g = 0; g < run->n_glyphs && n < max; g++)
        xs[n++] = run->glyphs[g].x;
    }
  return n;
}

static gunichar
first_char (const char *s)
{
  return g_utf8_get_char (s);
}

static gunichar
last_char (const char *s)
{
  return g_utf8_get_char (g_utf8_find_prev_char (s, s + strlen (s)));
}

static void
assert_kinsoku (const composed_t *c)
{
  for (int i = 0; i < c->n; i++)
    {
      const char *t = c->lines[i]->text;
      pb_cls_t start = pb_cls_of (first_char (t)), end = pb_cls_of (last_char (t));
      if (i > 0)
        {
          g_assert_true (start != PB_CLS_CLOSE && start != PB_CLS_STOP && start != PB_CLS_MIDDLE);
          g_assert_true (start != PB_CLS_DASH && start != PB_CLS_ELLIPSIS);
        }
      g_assert_true (end != PB_CLS_OPEN);
    }
}

static void
assert_flush (const composed_t *c)
{
  for (int i = 0; i + 1 < c->n; i++)
    g_assert_cmpfloat_with_epsilon (c->lines[i]->width, c->lines[i]->measure, 0.01);
  if (c->n > 0)
    g_assert_cmpfloat (c->lines[c->n - 1]->width, <=, c->lines[c->n - 1]->measure + 0.01);
}

/* Composes `text` and checks it line by line, every line but the last flush. */
static void
compose_expecting (const char *text, double width_em, double indent_em,
                   const char *const *expected, composed_t *out)
{
  compose (text, width_em, indent_em, out);
  assert_lines (out, expected);
  assert_flush (out);
}

static void
test_plain_han (void)
{
  composed_t c = { 0 };
  compose ("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯", 12, 2, &c);
  const char *expected[] = { "一二三四五六七八九十", "甲乙丙丁戊己庚辛壬癸子丑", "寅卯", NULL };
  assert_lines (&c, expected);
  assert_flush (&c);
  /* Han lines that fit exactly are not spaced: advances are exactly 1 em. */
  double xs[32];
  int n = glyph_xs (c.lines[1], xs, 32);
  for (int i = 1; i < n; i++)
    g_assert_cmpfloat_with_epsilon (xs[i] - xs[i - 1], EM, 0.001);
  /* The first line starts after a two-character indent. */
  n = glyph_xs (c.lines[0], xs, 32);
  g_assert_cmpfloat_with_epsilon (xs[0], 2 * EM, 0.001);
  composed_clear (&c);
}

static void
test_line_end_compression (void)
{
  /* 一二三四五， is 6 em; the comma's blank half goes at the line end so it fits in 5.5 em
   * instead of stretching 一二三四五 (the comma may not start the next line). */
  composed_t c = { 0 };
  compose ("一二三四五，六七八九十", 5.5, 0, &c);
  const char *expected[] = { "一二三四五，", "六七八九十", NULL };
  assert_lines (&c, expected);
  g_assert_cmpfloat_with_epsilon (c.lines[0]->width, 5.5 * EM, 0.01);
  double xs[8];
  int n = glyph_xs (c.lines[0], xs, 8);
  g_assert_cmpint (n, ==, 6);
  g_assert_cmpfloat_with_epsilon (xs[5], 5 * EM, 0.001);
  composed_clear (&c);
}

static void
test_adjacent_compression (void)
{
  /* 。” ，“ ）、 》，：“ — the first mark of each pair (or the opening one) loses its blank. */
  composed_t c = { 0 };
  compose ("他说：“好。”我们（大家）、《书》，再见", 40, 0, &c);
  g_assert_cmpint (c.n, ==, 1);
  const char *t = c.lines[0]->text;
  double xs[64];
  int n = glyph_xs (c.lines[0], xs, 64);
  g_assert_cmpint (n, ==, g_utf8_strlen (t, -1));
  const char *pairs[] = { "：“", "。”", "）、", "》，", NULL };
  for (int k = 0; pairs[k]; k++)
    {
      const char *at = strstr (t, pairs[k]);
      g_assert_nonnull (at);
      int i = g_utf8_pointer_to_offset (t, at);
      double advance = xs[i + 1] - xs[i];
      /* Origin to origin under 0.75 em: the pair is set in 1.5 em. */
      g_assert_cmpfloat (advance, <, 0.75 * EM);
    }
  composed_clear (&c);
}

static void
test_quotes_break (void)
{
  /* Pango (UAX #14 QU) forbids a break between ： and “; Chinese allows it. With 8 em the line
   * must end at ：. */
  composed_t c = { 0 };
  compose ("一二三四五他说：“今天很好。”", 8, 0, &c);
  const char *expected[] = { "一二三四五他说：", "“今天很好。”", NULL };
  assert_lines (&c, expected);
  assert_flush (&c);
  composed_clear (&c);
}

static void
test_dashes_and_ellipses (void)
{
  composed_t c = { 0 };
  const char *text = "甲乙丙丁戊己庚——辛壬癸子丑寅卯……辰巳午未申酉戌亥——甲乙丙丁……戊己。";
  for (double w = 6; w <= 14; w += 1)
    {
      compose (text, w, 0, &c);
      assert_kinsoku (&c);
      for (int i = 0; i < c.n; i++)
        {
          const char *t = c.lines[i]->text;
          /* A line never ends or starts with half of a pair. */
          g_assert_false (g_str_has_suffix (t, "—") && !g_str_has_suffix (t, "——"));
          g_assert_false (g_str_has_suffix (t, "…") && !g_str_has_suffix (t, "……"));
          g_assert_false (g_str_has_prefix (t, "—") || g_str_has_prefix (t, "…"));
        }
      assert_flush (&c);
      composed_clear (&c);
    }
  /* —— is the font's own two-em dash, one glyph of 2 em, set solid even in a stretched line. */
  compose ("甲——乙丙丁戊己庚", 9.5, 0, &c);
  g_assert_cmpint (c.n, ==, 1);
  composed_clear (&c);
  compose ("甲——乙丙丁戊己庚辛壬", 9.5, 0, &c);
  const char *expected[] = { "甲——乙丙丁戊己庚", "辛壬", NULL };
  assert_lines (&c, expected);
  double xs[16];
  int n = glyph_xs (c.lines[0], xs, 16);
  g_assert_cmpint (n, ==, 8);
  g_assert_cmpfloat (xs[2] - xs[1], >, 2 * EM);
  g_assert_cmpfloat_with_epsilon (xs[2] - xs[1] - 2 * EM, xs[3] - xs[2] - EM, 0.001);
  composed_clear (&c);
}

/* The ink extent [left, right) of the glyphs of `line` holding text `chars`, in points. */
static void
ink_of (const pb_line_t *line, const char *chars, double *left, double *right)
{
  *left = INFINITY, *right = -INFINITY;
  for (guint r = 0; r < line->runs->len; r++)
    {
      const pb_glyph_run_t *run = line->runs->pdata[r];
      hb_font_t *font = pango_font_get_hb_font (run->font);
      int g = 0, b = 0;
      for (int k = 0; k < run->n_clusters; k++)
        {
          gboolean dash = strncmp (run->text + b, chars, run->clusters[k].num_bytes) == 0
                          && g_str_has_prefix (chars, "—");
          for (int j = 0; dash && j < run->clusters[k].num_glyphs; j++)
            {
              hb_glyph_extents_t e;
              g_assert_true (hb_font_get_glyph_extents (font, run->glyphs[g + j].index, &e));
              double x = run->glyphs[g + j].x + e.x_bearing / (double) PANGO_SCALE;
              *left = MIN (*left, x);
              *right = MAX (*right, x + e.width / (double) PANGO_SCALE);
            }
          g += run->clusters[k].num_glyphs;
          b += run->clusters[k].num_bytes;
        }
    }
}

static int
count_glyphs (const pb_line_t *line)
{
  int n = 0;
  for (guint r = 0; r < line->runs->len; r++)
    n += ((pb_glyph_run_t *) line->runs->pdata[r])->n_glyphs;
  return n;
}

static void
test_dash_whole (void)
{
  /* ——, ——— and the guide's leader are each one glyph of their full width, the text kept. */
  composed_t c = { 0 };
  compose ("甲——乙", 20, 0, &c);
  g_assert_cmpstr (c.lines[0]->text, ==, "甲——乙");
  g_assert_cmpint (count_glyphs (c.lines[0]), ==, 3);
  double xs[8];
  glyph_xs (c.lines[0], xs, 8);
  g_assert_cmpfloat_with_epsilon (xs[2] - xs[1], 2 * EM, 0.001);
  const pb_glyph_run_t *run = c.lines[0]->runs->pdata[0];
  g_assert_cmpint (run->clusters[1].num_bytes, ==, strlen ("——"));
  g_assert_cmpint (run->clusters[1].num_glyphs, ==, 1);
  double left, right;
  ink_of (c.lines[0], "——", &left, &right);
  /* One stroke over nearly the whole 2 em, not two strokes with a gap. */
  g_assert_cmpfloat (right - left, >, 1.8 * EM);
  composed_clear (&c);
  compose ("——04", 20, 0, &c);
  g_assert_cmpstr (c.lines[0]->text, ==, "——04");
  g_assert_cmpint (count_glyphs (c.lines[0]), ==, 3);
  composed_clear (&c);
  compose ("甲———乙", 20, 0, &c);
  g_assert_cmpint (count_glyphs (c.lines[0]), ==, 3);
  composed_clear (&c);
}

static void
test_dash_joined (void)
{
  /* Where the font has no dash of the run's length (—― mixes two characters, ———— is a
   * three-em dash and a single one), the glyphs move together until their inks meet. */
  const char *runs[] = { "—―", "————", NULL };
  for (int k = 0; runs[k]; k++)
    {
      composed_t c = { 0 };
      g_autofree char *text = g_strconcat ("甲", runs[k], "乙", NULL);
      compose (text, 20, 0, &c);
      g_assert_cmpstr (c.lines[0]->text, ==, text);
      g_assert_cmpint (count_glyphs (c.lines[0]), ==, 4);
      const pb_glyph_run_t *run = c.lines[0]->runs->pdata[0];
      hb_font_t *font = pango_font_get_hb_font (run->font);
      double right_prev = -INFINITY;
      for (int g = 1; g <= 2; g++)
        {
          hb_glyph_extents_t e;
          g_assert_true (hb_font_get_glyph_extents (font, run->glyphs[g].index, &e));
          double left = run->glyphs[g].x + e.x_bearing / (double) PANGO_SCALE;
          if (g == 2)
            g_assert_cmpfloat (left - right_prev, <=, 0.001);
          right_prev = left + e.width / (double) PANGO_SCALE;
        }
      /* The characters after the run stay where they were: the run keeps its advance. */
      double xs[8];
      glyph_xs (c.lines[0], xs, 8);
      g_assert_cmpfloat_with_epsilon (xs[3], (1 + g_utf8_strlen (runs[k], -1)) * EM, 0.001);
      composed_clear (&c);
    }
}

static void
test_numbers_whole (void)
{
  composed_t c = { 0 };
  const char *text = "全省安排重点建设项目1508个、年度计划投资1万亿元，增长10.5%，建设5G基站2023年完成。";
  for (double w = 6; w <= 14; w += 0.5)
    {
      compose (text, w, 2, &c);
      for (int i = 0; i + 1 < c.n; i++)
        {
          gunichar a = last_char (c.lines[i]->text), b = first_char (c.lines[i + 1]->text);
          gboolean a_num = g_unichar_isalnum (a) && a < 0x2E80;
          gboolean b_num = (g_unichar_isalnum (b) && b < 0x2E80) || b == '%' || b == '.';
          /* Never inside a number or word. */
          g_assert_false (a_num && b_num);
          /* A number keeps its unit (年, 个) unless the column is so narrow that the line would
           * be loose: from 9 em on there is always a better break. */
          if (w >= 9)
            g_assert_false (a_num && g_unichar_iswide (b));
        }
      assert_kinsoku (&c);
      assert_flush (&c);
      composed_clear (&c);
    }
}

/* From the 2024 Government Work Report (examples/full-issue/texts/gov-report-2024-review.md,
 * see SOURCES.md there): a number and its unit at a column's end. */
static const char *const gdp_2024 =
  "——经济总体回升向好。国内生产总值超过126万亿元，增长5.2%，增速居世界主要经济体前列。"
  "城镇新增就业1244万人，城镇调查失业率平均为5.2%。居民消费价格上涨0.2%。国际收支基本平衡。";

static void
test_number_unit (void)
{
  /* 126 stays with 万亿元: the line before takes 0.22 em between characters, within the
   * letterspacing limit (¼ em). */
  composed_t c = { 0 };
  const char *whole[] = { "——经济总体回升向", "好。国内生产总值超过", "126万亿元，增长5.2%，增",
                          "速居世界主要经济体前列。", "城镇新增就业1244万人，城",
                          "镇调查失业率平均为5.2%。", "居民消费价格上涨0.2%。国", "际收支基本平衡。",
                          NULL };
  compose_expecting (gdp_2024, 12, 2, whole, &c);
  /* Each line tells how much it was letterspaced: 1 em over the 7 gaps after ——. */
  g_assert_cmpfloat_with_epsilon (c.lines[0]->letterspacing, EM / 7, 0.001);
  g_assert_cmpfloat (c.lines[1]->letterspacing, <, 0.25 * EM);
  g_assert_cmpfloat (c.lines[1]->letterspacing, >, 0.2 * EM);
  g_assert_cmpfloat (c.lines[3]->letterspacing, ==, 0);
  composed_clear (&c);
  /* A penalty, not a ban: with a limit of 0.1 em that line would be letterspaced, and the
   * number leaves its unit instead. */
  stretch_limit_em = 0.1;
  compose (gdp_2024, 12, 2, &c);
  g_assert_cmpstr (c.lines[1]->text, ==, "好。国内生产总值超过126");
  g_assert_cmpstr (c.lines[2]->text, ==, "万亿元，增长5.2%，增速居");
  composed_clear (&c);
  stretch_limit_em = 0;
}

static void
test_hanging (void)
{
  /* Off (the default): 好。 does not fit the first line, which stretches around ——. With the
   * template's hanging_punctuation the 。 hangs past the measure in its half-em form and the
   * first line is set solid. */
  composed_t c = { 0 };
  hang = TRUE;
  compose (gdp_2024, 12, 2, &c);
  const char *hung[] = { "——经济总体回升向好。", "国内生产总值超过126万亿", "元，增长5.2%，增速居世界",
                         "主要经济体前列。城镇新增", "就业1244万人，城镇调查失",
                         "业率平均为5.2%。居民消费", "价格上涨0.2%。国际收支基", "本平衡。", NULL };
  assert_lines (&c, hung);
  g_assert_cmpfloat_with_epsilon (c.lines[0]->width, 12.5 * EM, 0.01);
  double xs[16];
  int n = glyph_xs (c.lines[0], xs, 16);
  g_assert_cmpint (n, ==, 10);
  /* Solid: the mark starts at the measure, every character 1 em after the one before. */
  g_assert_cmpfloat_with_epsilon (xs[n - 1], 12 * EM, 0.001);
  g_assert_cmpfloat_with_epsilon (xs[n - 2] - xs[n - 3], EM, 0.001);
  for (int i = 1; i < c.n - 1; i++)
    g_assert_cmpfloat_with_epsilon (c.lines[i]->width, 12 * EM, 0.01);
  composed_clear (&c);
  hang = FALSE;
}

/* From the 2022 Government Work Report (examples/full-issue/texts/gov-report-2022-review.md). */
static const char *const gdp_2022 =
  "——经济保持恢复发展。国内生产总值达到114万亿元，增长8.1%。全国财政收入突破20万亿元，"
  "增长10.7%。城镇新增就业1269万人，城镇调查失业率平均为5.1%。"
  "居民消费价格上涨0.9%。国际收支基本平衡。";

static void
test_number_multiplier (void)
{
  /* 20万亿元 stays whole (it was set 20万 | 亿元): a number with its multiplier keeps its unit
   * where the lines around it stay within the limit. */
  composed_t c = { 0 };
  const char *expected[] = { "——经济保持恢复发展。国", "内生产总值达到114万亿元，", "增长8.1%。全国财政收入突破",
                             "20万亿元，增长10.7%。城镇新", "增就业1269万人，城镇调查失业",
                             "率平均为5.1%。居民消费价格上", "涨0.9%。国际收支基本平衡。", NULL };
  compose_expecting (gdp_2022, 14, 2, expected, &c);
  composed_clear (&c);
}

static void
test_solid_stretch (void)
{
  /* At 15 em a first line stretched 0.1 em around the solid —— costs more than 0.125 em in a
   * line without it, so the first line is set solid and the second takes the stretch. */
  composed_t c = { 0 };
  const char *expected[] = { "——经济保持恢复发展。国内", "生产总值达到114万亿元，增长",
                             "8.1%。全国财政收入突破20万亿", "元，增长10.7%。城镇新增就业",
                             "1269万人，城镇调查失业率平均为", "5.1%。居民消费价格上涨0.9%。",
                             "国际收支基本平衡。", NULL };
  compose_expecting (gdp_2022, 15, 2, expected, &c);
  g_assert_cmpfloat (c.lines[0]->letterspacing, ==, 0);
  composed_clear (&c);
}

static void
test_number_signs_and_dates (void)
{
  const char *text = "记者从会上获悉，2019年10月14日起，每股收益4.7807元/股，同比增长3.5‰，利率2.5%。";
  composed_t c = { 0 };
  for (double w = 6; w <= 16; w += 0.5)
    {
      compose (text, w, 2, &c);
      for (int i = 0; i < c.n; i++)
        {
          /* Never a line starting with / % ‰ nor one ending with / (元/股 stays whole). */
          gunichar a = first_char (c.lines[i]->text), z = last_char (c.lines[i]->text);
          g_assert_true (a != '/' && a != '%' && a != 0x2030);
          g_assert_true (z != '/');
        }
      assert_kinsoku (&c);
      assert_flush (&c);
      composed_clear (&c);
    }
  /* At 14 em the date cannot stay on the first line: it breaks between its parts (年|10月),
   * not inside 10月. At 10 em it moves whole. */
  compose (text, 14, 2, &c);
  const char *at14[] = { "记者从会上获悉，2019年", "10月14日起，每股收益4.7807", "元/股，同比增长3.5‰，利率",
                         "2.5%。", NULL };
  assert_lines (&c, at14);
  composed_clear (&c);
  compose (text, 10, 2, &c);
  const char *at10[] = { "记者从会上获悉，", "2019年10月14日起，每", "股收益4.7807元/股，",
                         "同比增长3.5‰，利率", "2.5%。", NULL };
  assert_lines (&c, at10);
  composed_clear (&c);
}

static void
test_dateline (void)
{
  /* The seed page's lead (examples/front-page/lead.md, 广东建设报, 19 February 2024) with its
   * dateline: the dateline breaks after 记者 or before 报道, not inside 记者 or the name, and
   * the date 2月18日 stays whole; its line is justified like the others. */
  const char *dateline = "广东建设报讯 记者姜兴贵报道：";
  const char *text = "2月18日，农历新春第一个工作日，广东省委、省政府召开全省高质量发展大会，"
                     "聚焦产业科技话创新、谋未来，不断夯实实体经济为本、制造业当家的根基，持续推动高质量发展。";
  composed_t c = { 0 };
  compose_dateline (dateline, text, 12, &c);
  g_assert_cmpstr (c.lines[0]->text, ==, "广东建设报讯 记者");
  g_assert_cmpstr (c.lines[1]->text, ==, "姜兴贵报道：2月18日，农历");
  assert_flush (&c);
  composed_clear (&c);
  compose_dateline (dateline, text, 15, &c);
  g_assert_cmpstr (c.lines[0]->text, ==, "广东建设报讯 记者姜兴贵");
  g_assert_cmpstr (c.lines[1]->text, ==, "报道：2月18日，农历新春第一个");
  assert_flush (&c);
  composed_clear (&c);
  compose_dateline (dateline, text, 16, &c);
  g_assert_cmpstr (c.lines[0]->text, ==, "广东建设报讯 记者姜兴贵报道：");
  g_assert_cmpstr (c.lines[1]->text, ==, "2月18日，农历新春第一个工作日，");
  composed_clear (&c);
}

static void
test_even_spacing (void)
{
  /* A line that must stretch spreads the slack evenly between characters, never inside 10.5. */
  composed_t c = { 0 };
  compose ("甲乙丙10.5丁戊己庚辛壬癸子丑寅卯辰巳午未申", 9.3, 0, &c);
  g_assert_cmpint (c.n, >=, 2);
  double xs[64];
  int n = glyph_xs (c.lines[0], xs, 64);
  const char *t = c.lines[0]->text;
  double gap = -1;
  const char *p = t;
  for (int i = 0; i + 1 < n; i++, p = g_utf8_next_char (p))
    {
      gunichar a = g_utf8_get_char (p), b = g_utf8_get_char (g_utf8_next_char (p));
      if (a < 0x80 && b < 0x80)
        continue;
      double adv = xs[i + 1] - xs[i];
      double extra = adv - (a < 0x80 ? adv : EM);
      if (a < 0x80)
        continue;
      if (gap < 0)
        gap = extra;
      g_assert_cmpfloat_with_epsilon (extra, gap, 0.001);
    }
  g_assert_cmpfloat (gap, >, 0);
  g_assert_cmpfloat (gap, <, 0.25 * EM);
  composed_clear (&c);
}

static void
test_no_runt (void)
{
  /* Greedy filling leaves 。 with one character on the last line; total fit avoids it. */
  composed_t c = { 0 };
  compose ("一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地人。", 12, 2, &c);
  int last = c.n - 1;
  int letters = 0;
  for (const char *p = c.lines[last]->text; *p; p = g_utf8_next_char (p))
    if (!pb_cls_is_punct (pb_cls_of (g_utf8_get_char (p))))
      letters++;
  g_assert_cmpint (letters, >=, 2);
  assert_flush (&c);
  composed_clear (&c);
}

static void
test_torture (void)
{
  /* Dense in quotes, book titles, brackets, dashes, ellipses, numbers and Latin. */
  const char *text =
    "据《广东省“十四五”规划》（2021—2025年）显示：“全省GDP增长5.2%，"
    "R&D投入占比达3.42%……”他说——“我们要‘抓实’粤港澳大湾区（含深圳、广州）建设！”"
    "会上，《人民日报》《南方日报》等媒体记者提问：“5G、AI、IoT怎么布局？”回答是："
    "“先试点，再推广。”（完）";
  composed_t c = { 0 };
  for (double w = 8; w <= 16; w += 1)
    {
      compose (text, w, 2, &c);
      assert_kinsoku (&c);
      assert_flush (&c);
      /* Every character is set exactly once, in order. */
      GString *all = g_string_new (NULL);
      for (int i = 0; i < c.n; i++)
        g_string_append (all, c.lines[i]->text);
      g_assert_cmpstr (all->str, ==, text);
      g_string_free (all, TRUE);
      composed_clear (&c);
    }
}

static void
test_latin_space (void)
{
  /* Off by default; with a quarter em, Han–Latin boundaries get it, Latin letters do not, and
   * a line starting with Latin has none before it. */
  composed_t c = { 0 };
  double xs[16];
  compose ("中国GDP增长", 20, 0, &c);
  glyph_xs (c.lines[0], xs, 16);
  double plain = xs[5] - xs[0];
  composed_clear (&c);
  latin_space_em = 0.25;
  compose ("中国GDP增长", 20, 0, &c);
  glyph_xs (c.lines[0], xs, 16);
  g_assert_cmpfloat_with_epsilon (xs[5] - xs[0], plain + 0.5 * EM, 0.001);
  g_assert_cmpfloat_with_epsilon (xs[2] - xs[1], 1.25 * EM, 0.001);
  composed_clear (&c);
  compose ("GDP增长", 20, 0, &c);
  glyph_xs (c.lines[0], xs, 16);
  g_assert_cmpfloat_with_epsilon (xs[0], 0, 0.001);
  composed_clear (&c);
  compose ("一二三四五六七GDP八九十甲乙丙丁戊己庚辛壬癸子丑寅卯", 8, 0, &c);
  assert_flush (&c);
  assert_kinsoku (&c);
  composed_clear (&c);
  latin_space_em = 0;
}

static void
test_missing_glyph (void)
{
  pb_style_run_t run = { 0, 9, &body_style };
  GError *error = NULL;
  int bad = -1;
  pb_para_t *para = pb_para_new (fonts, "甲乙\xee\x80\x80", &run, 1, &bad, &error);
  g_assert_null (para);
  g_assert_error (error, PB_ERROR, PB_ERROR_GLYPH);
  g_assert_nonnull (strstr (error->message, "U+E000"));
  g_assert_cmpint (bad, ==, 6);
  g_error_free (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  fonts = pb_fonts_new (g_getenv ("PAIBAN_DATADIR"), &error);
  g_assert_no_error (error);
  g_test_add_func ("/compose/plain-han", test_plain_han);
  g_test_add_func ("/compose/line-end-compression", test_line_end_compression);
  g_test_add_func ("/compose/adjacent-compression", test_adjacent_compression);
  g_test_add_func ("/compose/quotes-break", test_quotes_break);
  g_test_add_func ("/compose/dashes-and-ellipses", test_dashes_and_ellipses);
  g_test_add_func ("/compose/dash-whole", test_dash_whole);
  g_test_add_func ("/compose/dash-joined", test_dash_joined);
  g_test_add_func ("/compose/numbers-whole", test_numbers_whole);
  g_test_add_func ("/compose/number-unit", test_number_unit);
  g_test_add_func ("/compose/hanging", test_hanging);
  g_test_add_func ("/compose/solid-stretch", test_solid_stretch);
  g_test_add_func ("/compose/number-multiplier", test_number_multiplier);
  g_test_add_func ("/compose/number-signs-and-dates", test_number_signs_and_dates);
  g_test_add_func ("/compose/dateline", test_dateline);
  g_test_add_func ("/compose/even-spacing", test_even_spacing);
  g_test_add_func ("/compose/no-runt", test_no_runt);
  g_test_add_func ("/compose/torture", test_torture);
  g_test_add_func ("/compose/latin-space", test_latin_space);
  g_test_add_func ("/compose/missing-glyph", test_missing_glyph);
  int rc = g_test_run ();
  pb_fonts_unref (fonts);
  return rc;
}
