/* Tables in the layout (plugin/tables.h, the table parts of plugin/flow.c): numbers aligned on
 * their decimal points, tables placed so that their story's columns end level, column rules
 * cut where a table crosses their gutter. The texts: tests/layout/tables.md (the National
 * Bureau of Statistics' communiqué on the 2023 economy, see tests/layout/SOURCES.md) and
 * examples/desk (the 2024 government work report). */
#include <string.h>
#include "fonts.h"
#include "inspect.h"
#include "laid-out.h"
#include "setting.h"

static pb_fonts_t *fonts;

static const double EPS = 0.01;

static laid_t
lay_out (const char *path)
{
  return lay_out_file (fonts, path);
}

/* The byte where a number's decimal point is, or where its integer part ends (its unit): past a
 * sign and digits, ASCII or full-width. */
static int
point_byte (const char *text)
{
  const char *p = text;
  gunichar c = g_utf8_get_char (p);
  if (c == '-' || c == '+' || c == 0x2212 || c == 0xFF0D)
    p = g_utf8_next_char (p);
  for (c = g_utf8_get_char (p); g_unichar_isdigit (c); c = g_utf8_get_char (p))
    p = g_utf8_next_char (p);
  return p - text;
}

/* The page x of the glyph set for byte `byte` of the line's text, its end when past it. */
static double
x_at (const pb_line_t *line, int byte)
{
  int at = 0;
  for (guint r = 0; r < line->runs->len; r++)
    {
      const pb_glyph_run_t *run = line->runs->pdata[r];
      for (int k = 0, g = 0; k < run->n_clusters; k++)
        {
          if (at >= byte)
            return run->glyphs[g].x;
          at += run->clusters[k].num_bytes;
          g += run->clusters[k].num_glyphs;
        }
    }
  return line->x + line->width;
}

/* The cells of table block `block` of story `story`: rows (by baseline) of lines sorted by x. */
static GPtrArray *
table_rows (const pb_page_layout_t *page, const char *story, int block)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < page->lines->len; i++)
    {
      pb_line_t *line = page->lines->pdata[i];
      if (line->role != PB_ROLE_TABLE || line->block != block
          || g_strcmp0 (line->story_id, story) != 0)
        continue;
      GPtrArray *row = NULL;
      for (guint r = 0; r < rows->len && !row; r++)
        {
          GPtrArray *cand = rows->pdata[r];
          if (((pb_line_t *) cand->pdata[0])->baseline == line->baseline)
            row = cand;
        }
      if (!row)
        {
          row = g_ptr_array_new ();
          g_ptr_array_add (rows, row);
        }
      guint at = 0;
      while (at < row->len && ((pb_line_t *) row->pdata[at])->x < line->x)
        at++;
      g_ptr_array_insert (row, at, line);
    }
  return rows;
}

static const pb_line_t *
cell (GPtrArray *rows, int r, int c)
{
  GPtrArray *row = rows->pdata[r];
  g_assert_cmpuint (row->len, >, (guint) c);
  return row->pdata[c];
}

/* The first table (绝对数 and 比上年增长) and the second (2023年): a column with decimals has
 * each number's point, or the end of its integer part before its unit, on one x; one without
 * has its numbers' right ends (and its header's) on one x; the header of a column with
 * decimals ends where its widest number ends. */
static void
test_decimal_points (void)
{
  laid_t l = lay_out ("tests/layout/tables.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[0];
  g_autoptr (GPtrArray) first = table_rows (page, "gdp", 1);
  g_autoptr (GPtrArray) second = table_rows (page, "gdp", 3);
  g_assert_cmpuint (first->len, ==, 5);
  g_assert_cmpuint (second->len, ==, 5);
  /* 绝对数: 1260582亿元, 89755亿元, ４８２５８９亿元 (full-width), 688238亿元, no decimals:
   * right-aligned with the header. */
  const pb_line_t *head = cell (first, 0, 1);
  for (int r = 1; r < 5; r++)
    {
      const pb_line_t *c = cell (first, r, 1);
      g_assert_cmpfloat_with_epsilon (c->x + c->width, head->x + head->width, EPS);
    }
  g_assert_cmpstr (cell (first, 3, 1)->text, ==, "４８２５８９亿元");
  /* 比上年增长 and 2023年: the points on one x, also of −0.6 and of 161615元/人 (no point: its
   * integer part ends there). */
  GPtrArray *tables[] = { first, second };
  const int cols[] = { 2, 1 };
  for (int t = 0; t < 2; t++)
    {
      double point = -1, right = 0;
      for (int r = 1; r < 5; r++)
        {
          const pb_line_t *c = cell (tables[t], r, cols[t]);
          double x = x_at (c, point_byte (c->text));
          if (point < 0)
            point = x;
          g_assert_cmpfloat_with_epsilon (x, point, EPS);
          right = MAX (right, c->x + c->width);
        }
      head = cell (tables[t], 0, cols[t]);
      g_assert_cmpfloat_with_epsilon (head->x + head->width, right, EPS);
    }
  /* Not merely right-aligned: 5.4% and 4.3个百分点 end apart. */
  const pb_line_t *a = cell (second, 1, 1), *b = cell (second, 2, 1);
  g_assert_cmpstr (a->text, ==, "5.4%");
  g_assert_cmpstr (b->text, ==, "4.3个百分点");
  g_assert_cmpstr (cell (second, 3, 1)->text, ==, "−0.6个百分点");
  g_assert_cmpfloat (b->x + b->width - (a->x + a->width), >, 10);
  laid_clear (&l);
}

/* The item of `story` on `page` and its fill (underset at the foot of each column). */
static const pb_item_fill_t *
fill_of (const pb_inspection_t *in, int page, const char *story)
{
  const pb_page_check_t *pc = &g_array_index (in->pages, pb_page_check_t, page);
  for (guint i = 0; i < pc->fills->len; i++)
    {
      const pb_item_fill_t *f = &g_array_index (pc->fills, pb_item_fill_t, i);
      if (g_strcmp0 (f->item->story_id, story) == 0)
        return f;
    }
  g_assert_not_reached ();
}

static int
table_lines_of (const pb_page_layout_t *page, const char *story)
{
  int n = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      n += line->role == PB_ROLE_TABLE && g_strcmp0 (line->story_id, story) == 0;
    }
  return n;
}

/* The desk's page 3: the story with the table across its columns ends level (its columns'
 * feet were 3, 1, 4, 4 and 5 lines short when the table stood where the flow first put it),
 * the table set whole (6 rows of 3 cells), nothing overset. */
static void
test_story_with_table_ends_level (void)
{
  laid_t l = lay_out ("examples/desk/issue.json");
  pb_inspection_t *in = pb_inspect (l.layout);
  const pb_item_fill_t *f = fill_of (in, 2, "targets-table");
  g_assert_cmpint (f->columns, >=, 2);
  /* Every column's foot: the blank grid line that parts it from the items under it. */
  for (guint c = 0; c < f->foot_lines->len; c++)
    g_assert_cmpint (g_array_index (f->foot_lines, int, c), ==, PB_ITEM_SPACE_LINES);
  g_assert_cmpint (f->underset_lines, ==, 0);
  g_assert_cmpint (table_lines_of (l.layout->pages->pdata[2], "targets-table"), ==, 18);
  g_assert_cmpint (in->overset_chars, ==, 0);
  pb_inspection_free (in);
  laid_clear (&l);
}

/* Two tables in a story of four columns (tests/layout/tables.json): both set ahead of the
 * text, side by side at the top of its columns, the text under them; its columns end a line
 * apart at most, the short one last. */
static void
test_two_tables_ahead (void)
{
  laid_t l = lay_out ("tests/layout/tables.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[0];
  pb_inspection_t *in = pb_inspect (l.layout);
  g_autoptr (GPtrArray) first = table_rows (page, "gdp", 1);
  g_autoptr (GPtrArray) second = table_rows (page, "gdp", 3);
  double top = cell (first, 0, 0)->baseline;
  g_assert_cmpfloat_with_epsilon (cell (second, 0, 0)->baseline, top, EPS);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (line->role == PB_ROLE_BODY)
        g_assert_cmpfloat (line->baseline, >, top + 5 * page->tmpl->leading);
    }
  const pb_item_fill_t *f = fill_of (in, 0, "gdp");
  int last = -1;
  for (guint c = 0; c < f->foot_lines->len; c++)
    {
      int foot = g_array_index (f->foot_lines, int, c);
      g_assert_cmpint (foot, >=, last);
      last = foot;
    }
  g_assert_cmpint (last - g_array_index (f->foot_lines, int, 0), <=, 1);
  g_assert_cmpint (in->overset_chars, ==, 0);
  pb_inspection_free (in);
  laid_clear (&l);
}

/* No column rule of the desk's page 3 crosses its table: the rules between the table's columns
 * stop at its top rule and go on under its bottom rule. */
static void
test_rules_cut_at_table (void)
{
  laid_t l = lay_out ("examples/desk/issue.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[2];
  double x0 = G_MAXDOUBLE, x1 = 0, y0 = G_MAXDOUBLE, y1 = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (line->role != PB_ROLE_TABLE)
        continue;
      x0 = MIN (x0, line->x);
      x1 = MAX (x1, line->x + line->measure);
      y0 = MIN (y0, line->baseline - line->size);
      y1 = MAX (y1, line->baseline);
    }
  g_assert_cmpfloat (x1 - x0, >, page->tmpl->column_width + page->tmpl->gutter);
  int crossing = 0, beside = 0;
  for (guint i = 0; i < page->rules->len; i++)
    {
      const pb_rule_t *r = page->rules->pdata[i];
      if (r->x0 != r->x1 || r->x0 <= x0 || r->x0 >= x1)
        continue;
      beside++;
      crossing += MIN (r->y0, r->y1) < y1 && MAX (r->y0, r->y1) > y0;
    }
  g_assert_cmpint (beside, >, 0);
  g_assert_cmpint (crossing, ==, 0);
  laid_clear (&l);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  fonts = pb_fonts_new (g_getenv ("PAIBAN_DATADIR"), &error);
  g_assert_no_error (error);
  g_test_add_func ("/tables/decimal-points", test_decimal_points);
  g_test_add_func ("/tables/story-ends-level", test_story_with_table_ends_level);
  g_test_add_func ("/tables/two-tables-ahead", test_two_tables_ahead);
  g_test_add_func ("/tables/rules-cut", test_rules_cut_at_table);
  int rc = g_test_run ();
  pb_fonts_unref (fonts);
  return rc;
}
