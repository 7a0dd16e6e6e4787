/* Nothing is drawn outside its place: a 300-character subhead in a 10-line item, a guide box of
 * 40 entries in 10 lines, 40 masthead lines, 60 folio credits. What does not fit is left out
 * with a warning that names where the issue gives it (and the guide's and the story's
 * characters count as overset). The texts are cut from the 2024 government work report
 * (examples/full-issue/texts/gov-report-2024-tasks-industry-science-reform.md). */
#include <glib/gstdio.h>
#include <string.h>
#include "fonts.h"
#include "layout.h"

#define SLACK 0.01

static char *dir;
static pb_layout_t *layout;

/* The report from its paragraph (一) on, on one line, and its clauses (between ， and 。). */
static char *paragraph;
static GPtrArray *clauses;

static void
read_text (void)
{
  g_autofree char *path = g_test_build_filename (
      G_TEST_DIST, "..", "examples", "full-issue", "texts",
      "gov-report-2024-tasks-industry-science-reform.md", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  const char *start = strstr (text, "（一）");
  g_assert_nonnull (start);
  g_auto (GStrv) lines = g_strsplit (start, "\n", -1);
  paragraph = g_strjoinv ("", lines);
  clauses = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = g_regex_split_simple ("[，。；、]", paragraph, 0, 0);
  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add (clauses, g_strdup (parts[i]));
  g_assert_cmpuint (clauses->len, >, 10);
}

static const char *
clause (guint i)
{
  return clauses->pdata[i % clauses->len];
}

static char *
issue_json (void)
{
  GString *s = g_string_new ("{ \"paper\": \"测试报\", \"date\": \"2024-02-19\", "
                             "\"template\": \"tabloid\",\n \"masthead\": { \"lines\": [");
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (s, "%s\"%s\"", i ? ", " : "", clause (i));
  /* The subhead: the paragraph's first 300 characters. */
  g_autofree char *sub = g_utf8_substring (paragraph, 0, 300);
  g_string_append_printf (s, "] },\n \"stories\": [\n"
                          "  { \"id\": \"sub\", \"headline\": \"%s\", \"body\": \"## %s\\n\\n%s。\" }",
                          clause (0), sub, clause (1));
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (s, ",\n  { \"id\": \"g%u\", \"headline\": \"%s\", \"body\": \"%s。\" }",
                            i, clause (i), clause (i + 1));
  g_string_append (s, "\n ],\n \"pages\": [\n  { \"number\": 1, \"masthead\": true, \"items\": [\n"
                   "   { \"story\": \"sub\", \"column\": 1, \"span\": 2, \"top\": 0, "
                   "\"height\": 10, \"headline_size\": \"五号\" },\n   { \"guide\": { \"entries\": [");
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (s, "%s{ \"story\": \"g%u\", \"title\": \"%s\" }", i ? ", " : "", i,
                            clause (i));
  g_string_append (s, "] }, \"column\": 3, \"span\": 2, \"top\": 0, \"height\": 10 } ] },\n"
                   "  { \"number\": 2, \"credits\": {");
  for (guint i = 0; i < 60; i++)
    g_string_append_printf (s, "%s\"责任编辑%u\": \"甲\"", i ? ", " : "", i + 1);
  g_string_append (s, "}, \"items\": [ { \"story\": \"g0\", \"column\": 1, \"span\": 6, "
                   "\"top\": 0, \"height\": 10 } ] },\n"
                   "  { \"number\": 3, \"elsewhere\": true, \"stories\": [");
  for (guint i = 1; i < 40; i++)
    g_string_append_printf (s, "%s\"g%u\"", i > 1 ? ", " : "", i);
  g_string_append (s, "] }\n ]\n}\n");
  return g_string_free (s, FALSE);
}

static const pb_page_layout_t *
page_numbered (int number)
{
  for (guint i = 0; i < layout->pages->len; i++)
    if (((pb_page_layout_t *) layout->pages->pdata[i])->number == number)
      return layout->pages->pdata[i];
  g_assert_not_reached ();
}

static double
em_top (const pb_line_t *l)
{
  return l->baseline - PB_EM_ASCENT * l->size;
}

static double
em_bottom (const pb_line_t *l)
{
  return l->baseline + PB_EM_DESCENT * l->size;
}

static int
count_role (const pb_page_layout_t *page, pb_role_t role)
{
  int n = 0;
  for (guint i = 0; i < page->lines->len; i++)
    n += ((pb_line_t *) page->lines->pdata[i])->role == role;
  return n;
}

static gboolean
has_warning (const char *text)
{
  for (guint i = 0; i < layout->warnings->len; i++)
    if (strstr (layout->warnings->pdata[i], text))
      return TRUE;
  return FALSE;
}

/* The masthead's lines stay above its rules; those that fit are centred there, the first
 * (the date) kept. */
static void
test_masthead (void)
{
  const pb_page_layout_t *page = page_numbered (1);
  const pb_template_t *t = page->tmpl;
  double rules = page->grid_top + (t->masthead_lines - 1) * t->leading;
  int n = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role != PB_ROLE_MASTHEAD_LINE)
        continue;
      g_assert_cmpfloat (em_top (l), >=, page->grid_top - SLACK);
      g_assert_cmpfloat (em_bottom (l), <=, rules + SLACK);
      if (n++ == 0)
        g_assert_cmpstr (l->text, ==, "2024年2月19日 星期一");
    }
  g_assert_cmpint (n, >, 3);
  g_assert_cmpint (n, <, 40);
  g_assert_true (has_warning ("issue.json:47:3: page 1: the masthead has no room for "));
}

/* The guide box shows the entries that fit its 10 lines and counts the others as overset. */
static void
test_guide (void)
{
  const pb_page_layout_t *page = page_numbered (1);
  const pb_placed_item_t *guide = NULL;
  for (guint i = 0; i < page->items->len; i++)
    if (((pb_placed_item_t *) page->items->pdata[i])->kind == PB_ITEM_GUIDE)
      guide = page->items->pdata[i];
  g_assert_nonnull (guide);
  g_assert_cmpfloat (guide->area.h, ==, 10 * page->tmpl->leading);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role != PB_ROLE_GUIDE_ENTRY && l->role != PB_ROLE_GUIDE_PAGE
          && l->role != PB_ROLE_GUIDE_TITLE)
        continue;
      g_assert_cmpfloat (em_top (l), >=, guide->area.y - SLACK);
      g_assert_cmpfloat (em_bottom (l), <=, guide->area.y + guide->area.h + SLACK);
    }
  int entries = count_role (page, PB_ROLE_GUIDE_PAGE);
  g_assert_cmpint (entries, >, 1);
  g_assert_cmpint (entries, <, 40);
  g_assert_cmpint (guide->overset_chars, >, 0);
  g_autofree char *warning = g_strdup_printf ("guide box: %d of its 40 entries do not fit its "
                                              "10 lines: left out", 40 - entries);
  g_assert_true (has_warning (warning));
}

/* The subhead's lines that fit the item are set in it; the rest and the paragraph after it
 * are overset. */
static void
test_subhead (void)
{
  const pb_page_layout_t *page = page_numbered (1);
  const pb_placed_item_t *item = NULL;
  for (guint i = 0; i < page->items->len; i++)
    if (g_strcmp0 (((pb_placed_item_t *) page->items->pdata[i])->story_id, "sub") == 0)
      item = page->items->pdata[i];
  g_assert_nonnull (item);
  int n = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (g_strcmp0 (l->story_id, "sub") != 0)
        continue;
      n += l->role == PB_ROLE_SUBHEAD;
      g_assert_cmpfloat (em_top (l), >=, item->area.y - SLACK);
      g_assert_cmpfloat (em_bottom (l), <=, item->area.y + item->area.h + SLACK);
    }
  g_assert_cmpint (n, >, 2);
  g_assert_cmpint (item->overset_chars, >, 100);
  g_assert_true (has_warning ("story \"sub\" is overset by"));
}

/* The folio's credits run to more lines than the folio has: what would cross its rule is left
 * out; page and section, paper and date stay. */
static void
test_folio (void)
{
  const pb_page_layout_t *page = page_numbered (2);
  const pb_template_t *t = page->tmpl;
  double rule = page->grid_top + t->styles[PB_ROLE_FOLIO].lines * t->leading - t->leading / 2;
  int n = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role != PB_ROLE_FOLIO)
        continue;
      n++;
      g_assert_cmpfloat (em_bottom (l), <=, rule + SLACK);
    }
  g_assert_cmpint (n, ==, 3);
  g_assert_true (has_warning ("page 2: the folio's texts need more lines than it has: "));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  const char *datadir = g_getenv ("PAIBAN_DATADIR");
  GError *error = NULL;
  dir = g_dir_make_tmp ("paiban-bounds-XXXXXX", &error);
  g_assert_no_error (error);
  read_text ();
  g_autofree char *json = issue_json ();
  g_autofree char *path = g_build_filename (dir, "issue.json", NULL);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  pb_issue_t *issue = pb_issue_load_file (path, datadir, &error);
  g_assert_no_error (error);
  pb_fonts_t *fonts = pb_fonts_new (datadir, &error);
  g_assert_no_error (error);
  layout = pb_layout_issue (issue, fonts, &error);
  g_assert_no_error (error);

  g_test_add_func ("/bounds/masthead", test_masthead);
  g_test_add_func ("/bounds/guide", test_guide);
  g_test_add_func ("/bounds/subhead", test_subhead);
  g_test_add_func ("/bounds/folio", test_folio);
  int rc = g_test_run ();

  pb_layout_free (layout);
  pb_issue_free (issue);
  pb_fonts_unref (fonts);
  g_ptr_array_unref (clauses);
  g_free (paragraph);
  g_unlink (path);
  g_rmdir (dir);
  g_free (dir);
  return rc;
}
