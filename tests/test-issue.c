/* A whole issue: a story continued from page 1 to page 3 with jump lines, a guide box whose
 * numbers come from where stories land, an overset story, a folio on inside pages. The issue is
 * written to a temporary folder at run time. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include "fonts.h"
#include "layout.h"

static pb_fonts_t *fonts;
static char *dir;

/* Numbered paragraphs, so order can be checked: 〔1〕…〔n〕. */
static char *
long_body (int paragraphs)
{
  GString *s = g_string_new (NULL);
  for (int i = 1; i <= paragraphs; i++)
    g_string_append_printf (s, "〔%d〕会议指出，广东作为经济大省、制造业大省，拥有丰厚的科技创新资源和"
                            "雄厚的科技创新实力，在依靠产业科技实现高质量发展上肩负重要使命和重大"
                            "责任，要勇做创新驱动排头兵，向着产业科技高峰全力攀登。\n\n", i);
  return g_string_free (s, FALSE);
}

static const char issue_json[] =
  "{\n"
  "  \"paper\": \"测试报\", \"date\": \"2024-02-19\", \"template\": \"tabloid\",\n"
  "  \"stories\": [\n"
  "    { \"id\": \"long\", \"headline\": \"长篇报道跨版续排\", \"body_file\": \"long.md\" },\n"
  "    { \"id\": \"side\", \"headline\": \"第二版的稿件\", \"body\": \"短稿正文。\" },\n"
  "    { \"id\": \"over\", \"headline\": \"超长稿件\", \"body_file\": \"over.md\" },\n"
  "    { \"id\": \"far\", \"headline\": \"他版稿件\", \"body\": \"正文。\" },\n"
  "    { \"id\": \"a4\", \"headline\": \"短稿\", \"body\": \"第四版左侧的短稿，自动排在版面左上。\" },\n"
  "    { \"id\": \"b4\", \"headline\": \"较长的稿件\", \"body_file\": \"over.md\" },\n"
  "    { \"id\": \"c4\", \"headline\": \"通栏稿件\", \"body\": \"通栏稿件排在两篇稿件之下。\" },\n"
  "    { \"id\": \"bal\", \"headline\": \"分栏平衡\", \"body_file\": \"over.md\" },\n"
  "    { \"id\": \"tiny\", \"headline\": \"一条放不进两行高稿件区域的很长的主标题\",\n"
  "      \"body\": \"正文第一句。正文第二句。\" }\n"
  "  ],\n"
  "  \"pages\": [\n"
  "    { \"number\": 1, \"masthead\": true, \"items\": [\n"
  "      { \"story\": \"long\", \"column\": 1, \"span\": 4, \"top\": 0, \"height\": 20 },\n"
  "      { \"guide\": { \"entries\": [\n"
  "          { \"story\": \"side\", \"title\": \"第二版的稿件\" },\n"
  "          { \"story\": \"over\", \"title\": \"超长稿件\" },\n"
  "          { \"story\": \"far\", \"title\": \"他版稿件\" } ] },\n"
  "        \"column\": 5, \"span\": 2, \"top\": 0, \"height\": 16 } ] },\n"
  "    { \"number\": 2, \"section\": \"要闻\", \"credits\": { \"责任编辑\": \"甲\" }, \"items\": [\n"
  "      { \"story\": \"side\", \"column\": 1, \"span\": 6, \"top\": 0, \"height\": 10 },\n"
  "      { \"story\": \"bal\", \"column\": 1, \"span\": 3, \"top\": 12, \"height\": 50 } ] },\n"
  "    { \"number\": 3, \"section\": \"综合\", \"items\": [\n"
  "      { \"story\": \"long\", \"column\": 1, \"span\": 3, \"top\": 0, \"height\": 64 },\n"
  "      { \"story\": \"over\", \"column\": 4, \"span\": 3, \"top\": 0, \"height\": 8 } ] },\n"
  "    { \"number\": 4, \"items\": [\n"
  "      { \"story\": \"a4\", \"span\": 3 }, { \"story\": \"b4\", \"span\": 3 },\n"
  "      { \"story\": \"c4\", \"height\": 6 } ] },\n"
  "    { \"number\": 5, \"items\": [\n"
  "      { \"story\": \"tiny\", \"column\": 1, \"span\": 1, \"top\": 0, \"height\": 2 } ] },\n"
  "    { \"number\": 7, \"elsewhere\": true, \"stories\": [\"far\"] }\n"
  "  ]\n"
  "}\n";

static pb_issue_t *issue;
static pb_layout_t *layout;

static const pb_page_layout_t *
page_numbered (int number)
{
  for (guint i = 0; i < layout->pages->len; i++)
    if (((pb_page_layout_t *) layout->pages->pdata[i])->number == number)
      return layout->pages->pdata[i];
  return NULL;
}

static GPtrArray *
lines_of (const pb_page_layout_t *page, pb_role_t role, const char *story)
{
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < page->lines->len; i++)
    {
      pb_line_t *l = page->lines->pdata[i];
      if (l->role == role && (!story || g_strcmp0 (l->story_id, story) == 0))
        g_ptr_array_add (out, l);
    }
  return out;
}

static void
test_pages (void)
{
  g_assert_cmpuint (layout->pages->len, ==, 5);
  g_assert_nonnull (page_numbered (1));
  g_assert_nonnull (page_numbered (3));
  g_assert_null (page_numbered (7));
  /* Inside pages carry a folio naming the page, the section and the paper. */
  g_autoptr (GPtrArray) folio = lines_of (page_numbered (2), PB_ROLE_FOLIO, NULL);
  g_assert_cmpuint (folio->len, ==, 3);
  g_assert_cmpstr (((pb_line_t *) folio->pdata[0])->text, ==, "第02版　要闻");
  g_assert_cmpstr (((pb_line_t *) folio->pdata[1])->text, ==, "责任编辑：甲");
  g_assert_cmpstr (((pb_line_t *) folio->pdata[2])->text, ==, "测试报　2024年2月19日 星期一");
  g_autoptr (GPtrArray) none = lines_of (page_numbered (1), PB_ROLE_FOLIO, NULL);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_jump_lines (void)
{
  g_autoptr (GPtrArray) out = lines_of (page_numbered (1), PB_ROLE_JUMP, "long");
  g_autoptr (GPtrArray) in = lines_of (page_numbered (3), PB_ROLE_JUMP, "long");
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (in->len, ==, 1);
  const pb_line_t *o = out->pdata[0], *i = in->pdata[0];
  g_assert_cmpstr (o->text, ==, "（下转第3版）");
  g_assert_cmpstr (i->text, ==, "（上接第1版）");
  g_assert_cmpint (o->link_page, ==, 3);
  g_assert_cmpint (i->link_page, ==, 1);
  /* 下转 closes the last column of the part on page 1: no body line of the story below it. */
  g_autoptr (GPtrArray) body1 = lines_of (page_numbered (1), PB_ROLE_BODY, "long");
  for (guint k = 0; k < body1->len; k++)
    {
      const pb_line_t *l = body1->pdata[k];
      if (l->column == o->column)
        g_assert_cmpfloat (l->baseline, <, o->baseline);
    }
  /* 上接 opens the part on page 3: every body line of the story is below it. */
  g_autoptr (GPtrArray) body3 = lines_of (page_numbered (3), PB_ROLE_BODY, "long");
  g_assert_cmpuint (body3->len, >, 0);
  for (guint k = 0; k < body3->len; k++)
    {
      const pb_line_t *l = body3->pdata[k];
      if (l->column == i->column)
        g_assert_cmpfloat (l->baseline, >, i->baseline);
    }
}

/* The continued story's text is complete and in order over both pages. */
static void
test_continued_text (void)
{
  GString *all = g_string_new (NULL);
  int pages[] = { 1, 3 };
  for (int p = 0; p < 2; p++)
    {
      g_autoptr (GPtrArray) body = lines_of (page_numbered (pages[p]), PB_ROLE_BODY, "long");
      for (guint k = 0; k < body->len; k++)
        g_string_append (all, ((pb_line_t *) body->pdata[k])->text);
    }
  g_autofree char *want_raw = long_body (24);
  GString *want = g_string_new (NULL);
  for (const char *p = want_raw; *p; p++)
    if (*p != '\n')
      g_string_append_c (want, *p);
  g_assert_cmpuint (all->len, ==, want->len);
  g_assert_true (strcmp (all->str, want->str) == 0);
  g_string_free (all, TRUE);
  g_string_free (want, TRUE);
}

static void
test_guide_numbers (void)
{
  g_autoptr (GPtrArray) numbers = lines_of (page_numbered (1), PB_ROLE_GUIDE_PAGE, NULL);
  g_assert_cmpuint (numbers->len, ==, 3);
  const char *want[][2] = { { "side", "——02" }, { "over", "——03" }, { "far", "——07" } };
  for (int i = 0; i < 3; i++)
    {
      const pb_line_t *l = numbers->pdata[i];
      g_assert_cmpstr (l->story_id, ==, want[i][0]);
      g_assert_cmpstr (l->text, ==, want[i][1]);
    }
  /* Entries link to pages in this file. */
  g_assert_cmpint (((pb_line_t *) numbers->pdata[0])->link_page, ==, 2);
}

static int
count_chars (const char *s)
{
  int n = 0;
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      n++;
  return n;
}

static void
test_overset (void)
{
  const pb_page_layout_t *page = page_numbered (3);
  const pb_placed_item_t *over = NULL, *long_part = NULL;
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *it = page->items->pdata[i];
      if (g_strcmp0 (it->story_id, "over") == 0)
        over = it;
      if (g_strcmp0 (it->story_id, "long") == 0)
        long_part = it;
    }
  g_assert_nonnull (over);
  g_assert_cmpint (long_part->overset_chars, ==, 0);
  /* What is overset is exactly what is not on the page. */
  const pb_story_t *story = g_hash_table_lookup (issue->story_by_id, "over");
  int total = 0, placed = 0;
  for (guint b = 0; b < story->blocks->len; b++)
    total += count_chars (((pb_block_t *) story->blocks->pdata[b])->text);
  g_autoptr (GPtrArray) body = lines_of (page, PB_ROLE_BODY, "over");
  for (guint k = 0; k < body->len; k++)
    placed += count_chars (((pb_line_t *) body->pdata[k])->text);
  g_assert_cmpint (over->overset_chars, >, 0);
  g_assert_cmpint (over->overset_chars, ==, total - placed);
  gboolean warned = FALSE;
  for (guint i = 0; i < layout->warnings->len; i++)
    warned |= strstr (layout->warnings->pdata[i], "\"over\" is overset") != NULL;
  g_assert_true (warned);
}

static const pb_placed_item_t *
placed (const pb_page_layout_t *page, const char *story)
{
  for (guint i = 0; i < page->items->len; i++)
    if (g_strcmp0 (((pb_placed_item_t *) page->items->pdata[i])->story_id, story) == 0)
      return page->items->pdata[i];
  return NULL;
}

/* An item too small for its headline: the headline is left out (overset, with a warning), and
 * nothing of the story is drawn outside the item. */
static void
test_headline_too_big (void)
{
  const pb_page_layout_t *page = page_numbered (5);
  const pb_placed_item_t *item = placed (page, "tiny");
  g_assert_nonnull (item);
  g_autoptr (GPtrArray) heads = lines_of (page, PB_ROLE_HEADLINE, "tiny");
  g_assert_cmpuint (heads->len, ==, 0);
  int placed_chars = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (g_strcmp0 (l->story_id, "tiny") != 0)
        continue;
      g_assert_cmpfloat (l->baseline - l->size, >=, item->area.y - 0.01);
      g_assert_cmpfloat (l->baseline, <=, item->area.y + item->area.h + 0.01);
      placed_chars += count_chars (l->text);
    }
  const pb_story_t *story = g_hash_table_lookup (issue->story_by_id, "tiny");
  int body = count_chars (((pb_block_t *) story->blocks->pdata[0])->text);
  g_assert_cmpint (item->overset_chars, ==, count_chars (story->headline) + body - placed_chars);
  gboolean warned = FALSE;
  for (guint i = 0; i < layout->warnings->len; i++)
    warned |= strstr (layout->warnings->pdata[i], "story \"tiny\": its headlines need") != NULL;
  g_assert_true (warned);
}

/* Items without coordinates go top to bottom, left to right, as tall as their text. */
static void
test_auto_placement (void)
{
  const pb_page_layout_t *page = page_numbered (4);
  const pb_template_t *t = page->tmpl;
  const pb_placed_item_t *a = placed (page, "a4"), *b = placed (page, "b4"), *c = placed (page, "c4");
  double top = page->grid_top + pb_page_head_lines (page->plan) * t->leading;
  g_assert_cmpfloat_with_epsilon (a->area.y, top, 0.01);
  g_assert_cmpfloat_with_epsilon (b->area.y, top, 0.01);
  g_assert_cmpfloat_with_epsilon (a->area.x, pb_column_x (t, 0), 0.01);
  g_assert_cmpfloat_with_epsilon (b->area.x, pb_column_x (t, 3), 0.01);
  /* The short story is shorter than the long one, and both hold all their text. */
  g_assert_cmpfloat (a->area.h, <, b->area.h);
  g_assert_cmpint (a->overset_chars, ==, 0);
  g_assert_cmpint (b->overset_chars, ==, 0);
  /* The full-width item goes under both, six lines high. */
  g_assert_cmpfloat_with_epsilon (c->area.y, top + MAX (a->area.h, b->area.h), 0.01);
  g_assert_cmpfloat_with_epsilon (c->area.h, 6 * t->leading, 0.01);
  g_assert_cmpfloat_with_epsilon (c->area.w, page->type_area.w, 0.01);
  /* Every body line of a story lies inside its area. */
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      const pb_placed_item_t *it = placed (page, l->story_id);
      if (!it)
        continue;
      g_assert_cmpfloat (l->baseline, >, it->area.y);
      g_assert_cmpfloat (l->baseline, <, it->area.y + it->area.h);
    }
}

/* A story with room to spare in its item ends its columns together (balanced), instead of
 * filling the first columns and leaving the last short or empty. */
static void
test_balanced_columns (void)
{
  const pb_page_layout_t *page = page_numbered (2);
  double bottom[3] = { 0 };
  int lines = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role != PB_ROLE_BODY || g_strcmp0 (l->story_id, "bal") != 0)
        continue;
      g_assert_cmpint (l->column, <, 3);
      bottom[l->column] = MAX (bottom[l->column], l->baseline);
      lines++;
    }
  const pb_placed_item_t *item = placed (page, "bal");
  double leading = page->tmpl->leading;
  g_assert_cmpint (item->overset_chars, ==, 0);
  /* Without balancing the first column would run to the item's bottom. */
  g_assert_cmpfloat (bottom[0], <, item->area.y + item->area.h - 10 * leading);
  /* The columns end within a line or two of each other. */
  g_assert_cmpfloat (fabs (bottom[1] - bottom[0]), <=, 2 * leading + 0.01);
  g_assert_cmpfloat (bottom[2], >, 0);
  g_assert_cmpfloat (fabs (bottom[2] - bottom[0]), <=, 2 * leading + 0.01);
  g_assert_cmpint (lines, >, 30);
}

static void
write_file (const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GError *error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  const char *datadir = g_getenv ("PAIBAN_DATADIR");
  GError *error = NULL;
  dir = g_dir_make_tmp ("paiban-issue-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *body = long_body (24), *over = long_body (6);
  write_file ("long.md", body);
  write_file ("over.md", over);
  write_file ("issue.json", issue_json);
  g_autofree char *path = g_build_filename (dir, "issue.json", NULL);
  issue = pb_issue_load_file (path, datadir, &error);
  g_assert_no_error (error);
  fonts = pb_fonts_new (datadir, &error);
  g_assert_no_error (error);
  layout = pb_layout_issue (issue, fonts, &error);
  g_assert_no_error (error);

  g_test_add_func ("/issue/pages", test_pages);
  g_test_add_func ("/issue/jump-lines", test_jump_lines);
  g_test_add_func ("/issue/continued-text", test_continued_text);
  g_test_add_func ("/issue/guide-numbers", test_guide_numbers);
  g_test_add_func ("/issue/overset", test_overset);
  g_test_add_func ("/issue/headline-too-big", test_headline_too_big);
  g_test_add_func ("/issue/auto-placement", test_auto_placement);
  g_test_add_func ("/issue/balanced-columns", test_balanced_columns);
  int rc = g_test_run ();

  pb_layout_free (layout);
  pb_issue_free (issue);
  pb_fonts_unref (fonts);
  const char *names[] = { "long.md", "over.md", "issue.json" };
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);
      g_unlink (p);
    }
  g_rmdir (dir);
  g_free (dir);
  return rc;
}
