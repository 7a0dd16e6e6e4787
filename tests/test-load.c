/* Tests of the issue/template loader and the length parser (plugin/issue.c, template.c,
 * markdown.c, units.c; the JSON layer alone is tested by test-jsondoc.c).
 * Fixtures live in tests/data/load; they use their own template (tmpl.json) so that these
 * tests do not depend on layouts/. */
#include "markdown.h"
#include "model.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "load", name, NULL);
}

static char *
data_dir (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "load", NULL);
}

static const char *
datadir (void)
{
  return g_getenv ("PAIBAN_DATADIR");
}

static pb_issue_t *
load (const char *name, GError **error)
{
  g_autofree char *path = data_path (name);
  return pb_issue_load_file (path, datadir (), error);
}

/* ---- Lengths ---- */

static void
assert_length (const char *text, double em, double expected)
{
  double pt = -1;
  if (!pb_parse_length (text, em, &pt))
    g_error ("pb_parse_length (\"%s\") failed", text);
  g_assert_cmpfloat_with_epsilon (pt, expected, 1e-9);
}

static void
test_parse_length (void)
{
  assert_length ("12pt", 9, 12);
  assert_length ("12", 9, 12);
  assert_length ("10.5pt", 9, 10.5);
  assert_length ("3mm", 9, 3 * 72 / 25.4);
  assert_length ("1.2cm", 9, 1.2 * 72 / 2.54);
  assert_length ("0.5in", 9, 36);
  assert_length (".5in", 9, 36);
  assert_length ("2字", 9, 18);
  assert_length ("1.5em", 9, 13.5);
  assert_length ("-3pt", 9, -3); /* the sign is the caller's business */
  assert_length ("0", 9, 0);
  assert_length ("小五", 9, 9);
  assert_length ("初号", 0, 42);

  static const char *const bad[] = {
    "", "pt", "12 pt", " 12pt", "12pt ", "12mmx", "12furlongs", "12PT", "1e3mm", "12.",
    "+3pt", "--3pt", "3..5mm", "１２pt", "12号", "NaNpt", "infpt", "0x10pt", "小五 ",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      double pt = 123;
      if (pb_parse_length (bad[i], 9, &pt))
        g_error ("pb_parse_length accepted \"%s\"", bad[i]);
      g_assert_cmpfloat (pt, ==, 123);
    }
  g_assert_false (pb_parse_length (NULL, 9, NULL));
  /* Without a body size the relative units are refused. */
  g_assert_false (pb_parse_length ("2字", 0, NULL));
  g_assert_false (pb_parse_length ("2em", -1, NULL));
}

static void
test_size_names (void)
{
  static const struct {
    const char *name;
    double pt;
  } sizes[] = {
    { "初号", 42 }, { "小初", 36 }, { "一号", 26 }, { "小一", 24 }, { "二号", 22 },
    { "小二", 18 }, { "三号", 16 }, { "小三", 15 }, { "四号", 14 }, { "小四", 12 },
    { "五号", 10.5 }, { "小五", 9 }, { "六号", 7.5 }, { "小六", 6.5 }, { "七号", 5.5 },
    { "八号", 5 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      double pt = 0;
      g_assert_true (pb_size_from_name (sizes[i].name, &pt));
      g_assert_cmpfloat (pt, ==, sizes[i].pt);
    }
  g_assert_false (pb_size_from_name ("九号", NULL));
  g_assert_false (pb_size_from_name ("小五号", NULL));
  g_assert_false (pb_size_from_name ("", NULL));
  g_assert_false (pb_size_from_name (NULL, NULL));
}

/* ---- The good issue ---- */

#define MM (72 / 25.4)

static void
check_template (const pb_template_t *t)
{
  g_assert_cmpstr (t->name, ==, "test-tabloid");
  g_assert_cmpfloat_with_epsilon (t->trim_w, 275 * MM, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->trim_h, 390 * MM, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->bleed, 3 * MM, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->margin_top, 15 * MM, 1e-9);
  g_assert_cmpfloat_with_epsilon (t->margin_bottom, 12 * MM, 1e-9);
  g_assert_cmpint (t->columns, ==, 6);
  g_assert_cmpfloat (t->body_size, ==, 9);
  g_assert_cmpfloat (t->column_width, ==, 108);  /* 12字 × 小五 */
  g_assert_cmpfloat (t->gutter, ==, 13.5);       /* 1.5字 */
  g_assert_cmpfloat (t->leading, ==, 15);
  g_assert_cmpint (t->masthead_lines, ==, 12);
  g_assert_cmpint (t->lines, ==, 68);            /* floor (363mm / 15pt) */
  g_assert_cmpfloat (t->letterspacing_limit, ==, 2.25); /* ¼字 by default */
  g_assert_false (t->hanging_punctuation);

  const pb_style_t *body = &t->styles[PB_ROLE_BODY];
  g_assert_cmpstr (body->font, ==, "Noto Serif CJK SC");
  g_assert_cmpint (body->weight, ==, 400);
  g_assert_cmpfloat (body->size, ==, 9);
  g_assert_cmpfloat (body->indent, ==, 18);
  g_assert_cmpint (body->align, ==, PB_ALIGN_JUSTIFY);

  const pb_style_t *head = &t->styles[PB_ROLE_HEADLINE];
  g_assert_cmpstr (head->font, ==, "Noto Sans CJK SC");
  g_assert_cmpint (head->weight, ==, 700);
  g_assert_cmpfloat (head->size, ==, 22);
  g_assert_cmpfloat_with_epsilon (head->leading, 12 * MM, 1e-9);
  g_assert_cmpint (head->align, ==, PB_ALIGN_LEFT);
  g_assert_cmpfloat (head->indent, ==, 0);
  g_assert_cmpint (head->lines, ==, 4);
  g_assert_cmpint (head->space_after, ==, 1);
  g_assert_cmpint (head->space_before, ==, 0);

  /* Partial roles inherit font/weight/size from body, but not indent; caption justifies. */
  const pb_style_t *caption = &t->styles[PB_ROLE_CAPTION];
  g_assert_cmpstr (caption->font, ==, "Noto Sans CJK SC");
  g_assert_cmpfloat (caption->size, ==, 8);
  g_assert_cmpint (caption->weight, ==, 400);
  g_assert_cmpint (caption->align, ==, PB_ALIGN_JUSTIFY);
  g_assert_cmpfloat (caption->indent, ==, 0);
  const pb_style_t *kicker = &t->styles[PB_ROLE_KICKER];
  g_assert_cmpstr (kicker->font, ==, "Noto Serif CJK SC");
  g_assert_cmpint (kicker->weight, ==, 500);
  g_assert_cmpfloat (kicker->size, ==, 9);
  g_assert_cmpint (kicker->align, ==, PB_ALIGN_CENTER);

  /* Roles left out entirely inherit from body, with the non-body defaults. */
  for (int r = 0; r < PB_ROLE_COUNT; r++)
    {
      const pb_style_t *st = &t->styles[r];
      if (r == PB_ROLE_BODY || r == PB_ROLE_HEADLINE || r == PB_ROLE_CAPTION
          || r == PB_ROLE_KICKER)
        continue;
      /* Emphasis takes the captions' font (the 楷体 role) unless it names its own. */
      if (r == PB_ROLE_EMPHASIS)
        g_assert_cmpstr (st->font, ==, caption->font);
      else
      g_assert_cmpstr (st->font, ==, body->font);
      g_assert_cmpint (st->weight, ==, body->weight);
      g_assert_cmpfloat (st->size, ==, body->size);
      g_assert_cmpfloat (st->indent, ==, 0);
      g_assert_cmpint (st->align, ==, PB_ALIGN_LEFT);
      g_assert_cmpint (st->lines, ==, 0);
    }
}

static void
test_template (void)
{
  g_autofree char *path = data_path ("tmpl.json");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  pb_template_t *t = pb_template_load_file (path, warnings, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_assert_cmpstr (t->path, ==, path);
  g_assert_cmpuint (warnings->len, ==, 0);
  check_template (t);
  pb_template_free (t);
}

/* Unknown keys in a template loaded on its own come back to the caller, not on stderr. */
static void
test_template_warnings (void)
{
  g_autofree char *src = data_path ("tmpl.json");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "{\n"));
  g_autofree char *bad = g_strconcat ("{\n  \"colour\": \"red\",\n", text + 2, NULL);
  g_autofree char *dir = g_dir_make_tmp ("paiban-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tmpl.json", NULL);
  g_assert_true (g_file_set_contents (path, bad, -1, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  pb_template_t *t = pb_template_load_file (path, warnings, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_autofree char *expected = g_strdup_printf ("%s:2:3: unknown key \"colour\" in template",
                                               path);
  g_assert_cmpstr (warnings->pdata[0], ==, expected);
  pb_template_free (t);
  /* Without an array, the warning is dropped and the template still loads. */
  t = pb_template_load_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t);
  pb_template_free (t);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The composition options: the letterspacing limit in 字 and hanging punctuation. */
static void
test_template_composition (void)
{
  g_autofree char *src = data_path ("tmpl.json");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  g_autofree char *set = g_strconcat ("{\n  \"letterspacing_limit\": \"0.2字\",\n"
                                      "  \"hanging_punctuation\": true,\n", text + 2, NULL);
  g_autofree char *dir = g_dir_make_tmp ("paiban-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tmpl.json", NULL);
  g_assert_true (g_file_set_contents (path, set, -1, NULL));
  g_autoptr (GError) error = NULL;
  pb_template_t *t = pb_template_load_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (t->letterspacing_limit, 1.8, 1e-9);
  g_assert_true (t->hanging_punctuation);
  pb_template_free (t);
  /* A limit of nothing is refused. */
  g_autofree char *zero = g_strconcat ("{\n  \"letterspacing_limit\": 0,\n", text + 2, NULL);
  g_assert_true (g_file_set_contents (path, zero, -1, NULL));
  t = pb_template_load_file (path, NULL, &error);
  g_assert_null (t);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "letterspacing_limit"));
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static const pb_block_t *
block (const pb_story_t *s, guint i)
{
  g_assert_cmpuint (i, <, s->blocks->len);
  return s->blocks->pdata[i];
}

static void
assert_span (const pb_block_t *b, guint i, int start, int end, unsigned flags)
{
  g_assert_cmpuint (i, <, b->spans->len);
  const pb_span_t *sp = &g_array_index (b->spans, pb_span_t, i);
  g_assert_cmpint (sp->start, ==, start);
  g_assert_cmpint (sp->end, ==, end);
  g_assert_cmpuint (sp->flags, ==, flags);
}

static void
assert_loc (pb_loc_t loc, const char *file, int line, int col)
{
  g_autofree char *path = data_path (file);
  g_assert_cmpstr (loc.file, ==, path);
  g_assert_cmpint (loc.line, ==, line);
  g_assert_cmpint (loc.col, ==, col);
}

static void
check_lead (const pb_issue_t *issue)
{
  const pb_story_t *s = g_hash_table_lookup (issue->story_by_id, "lead");
  g_assert_nonnull (s);
  g_assert_true (s == issue->stories->pdata[0]);
  g_assert_cmpstr (s->kicker, ==, "引题");
  g_assert_cmpstr (s->headline, ==, "主题");
  g_assert_null (s->subtitle); /* "" counts as absent */
  g_assert_cmpstr (s->dateline, ==, "本报讯");
  g_assert_cmpstr (s->author, ==, "张三");
  assert_loc (s->loc, "good.json", 9, 5);

  g_assert_cmpuint (s->photos->len, ==, 1);
  const pb_photo_t *ph = s->photos->pdata[0];
  g_autofree char *photo = data_path ("photo.png");
  g_assert_cmpstr (ph->file, ==, photo);
  g_assert_cmpstr (ph->caption, ==, "图片说明");
  g_assert_cmpstr (ph->credit, ==, "记者摄");
  assert_loc (ph->loc, "good.json", 11, 29);

  g_assert_cmpuint (s->blocks->len, ==, 4);
  /* The soft break after "，" is dropped; "　" (U+3000) inside the text stays. */
  const pb_block_t *b = block (s, 0);
  g_assert_cmpint (b->kind, ==, PB_BLOCK_PARA);
  g_assert_cmpstr (b->text, ==, "本报讯　粗体和斜体，软换行之后。");
  g_assert_cmpuint (b->spans->len, ==, 2);
  assert_span (b, 0, 12, 18, PB_SPAN_BOLD);
  assert_span (b, 1, 21, 27, PB_SPAN_EMPH);
  assert_loc (b->loc, "lead.md", 1, 1);
  /* Each character's own place in the file, past markup and line breaks. */
  assert_loc (pb_block_loc_at (b, 0), "lead.md", 1, 1);
  assert_loc (pb_block_loc_at (b, 12), "lead.md", 1, 7);
  assert_loc (pb_block_loc_at (b, 18), "lead.md", 1, 11);
  assert_loc (pb_block_loc_at (b, 30), "lead.md", 2, 1);
  assert_loc (pb_block_loc_at (b, 33), "lead.md", 2, 2);

  b = block (s, 1);
  g_assert_cmpint (b->kind, ==, PB_BLOCK_SUBHEAD);
  g_assert_cmpstr (b->text, ==, "小标题");
  g_assert_cmpuint (b->spans->len, ==, 0);
  assert_loc (b->loc, "lead.md", 4, 1);

  /* ***x*** is bold and emphasis at once; the hard break goes too. */
  b = block (s, 2);
  g_assert_cmpstr (b->text, ==, "第二段 粗斜 结尾硬换行。");
  g_assert_cmpuint (b->spans->len, ==, 1);
  assert_span (b, 0, 10, 16, PB_SPAN_BOLD | PB_SPAN_EMPH);

  /* Leading 全角 spaces are trimmed and the span moves with the text. */
  b = block (s, 3);
  g_assert_cmpstr (b->text, ==, "开头加粗");
  assert_span (b, 0, 0, 6, PB_SPAN_BOLD);
  assert_loc (b->loc, "lead.md", 9, 1);
  assert_loc (pb_block_loc_at (b, 0), "lead.md", 9, 5);
  assert_loc (pb_block_loc_at (b, 6), "lead.md", 9, 9);
}

static void
check_inline_bodies (const pb_issue_t *issue)
{
  const pb_story_t *s = issue->stories->pdata[1];
  g_assert_cmpstr (s->id, ==, "second");
  g_assert_null (s->kicker);
  g_assert_cmpuint (s->photos->len, ==, 0);
  g_assert_cmpuint (s->blocks->len, ==, 3);
  g_assert_cmpstr (block (s, 0)->text, ==, "第一段第二行");
  g_assert_cmpint (block (s, 1)->kind, ==, PB_BLOCK_SUBHEAD);
  g_assert_cmpstr (block (s, 1)->text, ==, "小标题");
  g_assert_cmpstr (block (s, 2)->text, ==, "强调结束&");
  assert_span (block (s, 2), 0, 0, 6, PB_SPAN_EMPH);
  /* Inline bodies point at the JSON string, for every character. */
  assert_loc (block (s, 0)->loc, "good.json", 13, 15);
  assert_loc (pb_block_loc_at (block (s, 0), 6), "good.json", 13, 15);

  s = issue->stories->pdata[2];
  g_assert_cmpstr (s->id, ==, "far_away-1");
  g_assert_cmpstr (block (s, 0)->text, ==, "别处。");
}

static void
check_pages (const pb_issue_t *issue)
{
  g_assert_cmpuint (issue->pages->len, ==, 2);
  const pb_page_t *p = issue->pages->pdata[0];
  g_assert_cmpint (p->number, ==, 1);
  g_assert_cmpstr (p->section, ==, "要闻");
  g_assert_true (p->masthead);
  g_assert_false (p->elsewhere);
  g_assert_true (p->tmpl == issue->templates->pdata[0]);
  assert_loc (p->loc, "good.json", 17, 5);

  g_assert_cmpuint (p->credits->len, ==, 2);
  const pb_credit_t *c = p->credits->pdata[0];
  g_assert_cmpstr (c->key, ==, "责任编辑");
  g_assert_cmpstr (c->value, ==, "张三");
  c = p->credits->pdata[1];
  g_assert_cmpstr (c->key, ==, "校对");

  g_assert_cmpuint (p->items->len, ==, 3);
  const pb_item_t *it = p->items->pdata[0];
  g_assert_cmpint (it->kind, ==, PB_ITEM_STORY);
  g_assert_cmpstr (it->story_id, ==, "lead");
  g_assert_cmpint (it->column, ==, 0); /* 1-based in JSON */
  g_assert_cmpint (it->span, ==, 4);
  g_assert_cmpint (it->top, ==, 0);
  g_assert_cmpint (it->height, ==, 40);
  g_assert_cmpint (it->photo_span, ==, 2);
  g_assert_true (it->photo_right);
  assert_loc (it->loc, "good.json", 20, 9);

  it = p->items->pdata[1];
  g_assert_cmpint (it->column, ==, 4);
  g_assert_cmpint (it->photo_span, ==, 0);
  g_assert_false (it->photo_right);

  it = p->items->pdata[2];
  g_assert_cmpint (it->kind, ==, PB_ITEM_GUIDE);
  g_assert_null (it->story_id);
  g_assert_cmpstr (it->guide_title, ==, "导读");
  g_assert_cmpuint (it->guide_entries->len, ==, 1);
  const pb_guide_entry_t *e = it->guide_entries->pdata[0];
  g_assert_cmpstr (e->story_id, ==, "far_away-1");
  g_assert_cmpstr (e->title, ==, "别版\n稿件");
  assert_loc (e->loc, "good.json", 23, 35);

  p = issue->pages->pdata[1];
  g_assert_cmpint (p->number, ==, 2);
  g_assert_true (p->elsewhere);
  /* Named again by this page, the template is still loaded once. */
  g_assert_true (p->tmpl == issue->templates->pdata[0]);
  g_assert_cmpuint (p->items->len, ==, 0);
  g_assert_cmpuint (p->story_ids->len, ==, 1);
  g_assert_cmpstr (p->story_ids->pdata[0], ==, "far_away-1");
}

static void
test_good (void)
{
  g_autoptr (GError) error = NULL;
  pb_issue_t *issue = load ("good.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (issue);
  g_autofree char *path = data_path ("good.json");
  g_autofree char *dir = data_dir ();
  g_assert_cmpstr (issue->path, ==, path);
  g_assert_cmpstr (issue->dir, ==, dir);
  g_assert_cmpstr (issue->paper, ==, "测试报");
  g_assert_cmpstr (issue->paper_en, ==, "TEST NEWS");
  g_assert_cmpstr (issue->date, ==, "2024-02-19");
  g_assert_cmpuint (issue->masthead_lines->len, ==, 2);
  g_assert_cmpstr (issue->masthead_lines->pdata[1], ==, "第 1234 期");
  g_assert_cmpuint (issue->warnings->len, ==, 0);
  g_assert_cmpuint (issue->templates->len, ==, 1);
  check_template (issue->templates->pdata[0]);
  g_assert_cmpuint (issue->stories->len, ==, 3);
  check_lead (issue);
  check_inline_bodies (issue);
  check_pages (issue);
  pb_issue_free (issue);
}

static void
test_unknown_key_warning (void)
{
  g_autoptr (GError) error = NULL;
  pb_issue_t *issue = load ("warn-unknown-key.json", &error);
  g_assert_no_error (error);
  /* The story is on no page (an item list without it): a warning too. */
  g_assert_cmpuint (issue->warnings->len, ==, 2);
  g_autofree char *path = data_path ("warn-unknown-key.json");
  g_autofree char *expected = g_strdup_printf ("%s:6:36: unknown key \"colour\" in story", path);
  g_assert_cmpstr (issue->warnings->pdata[0], ==, expected);
  g_autofree char *unplaced = g_strdup_printf (
    "%s:6:5: story \"a\" is placed on no page: no item names it (a story that may stay out "
    "is marked \"filler\": true)", path);
  g_assert_cmpstr (issue->warnings->pdata[1], ==, unplaced);
  pb_issue_free (issue);
}

/* The head of a minimal issue given as data (line 1); tests append line 2 on. */
#define HEAD "{\"paper\": \"报\", \"date\": \"2024-02-19\", \"template\": \"tmpl.json\",\n"

static void
test_photo_warning (void)
{
  static const char json[] =
    HEAD "\"stories\": [{\"id\": \"a\", \"headline\": \"h\", \"body\": \"x\"}],\n"
    "\"pages\": [{\"number\": 1, \"items\": [{\"story\": \"a\", \"photo\": {\"span\": 1}, "
    "\"column\": 1, \"span\": 1, \"top\": 0, \"height\": 1}]}]}";
  g_autofree char *dir = data_dir ();
  g_autoptr (GError) error = NULL;
  pb_issue_t *issue = pb_issue_load_data (json, strlen (json), NULL, dir, datadir (), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (issue->path, ==, "<data>");
  g_assert_cmpuint (issue->warnings->len, ==, 1);
  g_assert_cmpstr (issue->warnings->pdata[0], ==,
                   "<data>:3:59: page 1, item 1: story \"a\" has no photos; \"photo\" is ignored");
  pb_issue_free (issue);
}

/* ---- Bad inputs ---- */

/* tmpl.json with `keys` (JSON members and a comma) added at its top, loaded from a temporary
 * folder: the template, or NULL with `error` set. */
static pb_template_t *
load_template_with (const char *keys, GError **error)
{
  g_autofree char *src = data_path ("tmpl.json");
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  g_autofree char *set = g_strconcat ("{\n", keys, "\n", text + 2, NULL);
  g_autofree char *dir = g_dir_make_tmp ("paiban-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "tmpl.json", NULL);
  g_assert_true (g_file_set_contents (path, set, -1, NULL));
  pb_template_t *t = pb_template_load_file (path, NULL, error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  return t;
}

static void
template_fails (const char *keys, int line, int col, const char *what)
{
  g_autoptr (GError) error = NULL;
  pb_template_t *t = load_template_with (keys, &error);
  g_assert_null (t);
  g_assert_nonnull (error);
  g_autofree char *at = g_strdup_printf ("tmpl.json:%d:%d: ", line, col);
  if (!strstr (error->message, at) || !strstr (error->message, what))
    g_error ("message \"%s\" lacks \"%s\" or \"%s\"", error->message, at, what);
}

/* Headline styles: their sizes (those left out from the role styles), range, lines, alignment
 * and span, in the template's order; the continuation heads' style and the byline's place. */
static void
test_template_headline_styles (void)
{
  g_autoptr (GError) error = NULL;
  pb_template_t *t = load_template_with (
    "  \"headline_styles\": {\n"
    "    \"lead\": { \"kicker\": \"小二\", \"headline\": \"40pt\", \"headline_min\": 30, "
    "\"max_lines\": 2, \"from_span\": 4 },\n"
    "    \"brief\": { \"headline\": \"三号\", \"subtitle\": \"五号\", \"align\": \"left\", "
    "\"from_span\": 1 } },\n"
    "  \"jump_headline_style\": \"brief\",\n"
    "  \"byline_position\": \"before_body\",", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->headline_styles->len, ==, 2);
  const pb_headline_style_t *lead = t->headline_styles->pdata[0];
  const pb_headline_style_t *brief = t->headline_styles->pdata[1];
  g_assert_cmpstr (lead->name, ==, "lead");
  g_assert_cmpfloat (lead->kicker, ==, 18);
  g_assert_cmpfloat (lead->headline, ==, 40);
  g_assert_cmpfloat (lead->headline_min, ==, 30);
  g_assert_cmpfloat (lead->subtitle, ==, 0);      /* the subtitle style's */
  g_assert_cmpint (lead->max_lines, ==, 2);
  g_assert_false (lead->has_align);
  g_assert_cmpint (lead->from_span, ==, 4);
  g_assert_cmpint (lead->loc.line, ==, 3);
  g_assert_cmpstr (brief->name, ==, "brief");
  g_assert_cmpfloat (brief->headline, ==, 16);
  g_assert_cmpfloat (brief->headline_min, ==, 16); /* no range */
  g_assert_cmpfloat (brief->subtitle, ==, 10.5);
  g_assert_cmpint (brief->max_lines, ==, 0);
  g_assert_true (brief->has_align);
  g_assert_cmpint (brief->align, ==, PB_ALIGN_LEFT);
  g_assert_true (t->jump_headline_style == brief);
  g_assert_cmpint (t->byline_position, ==, PB_BYLINE_BEFORE_BODY);
  pb_template_free (t);

  /* Without them: no styles, bylines under the headline group. */
  t = load_template_with ("", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->headline_styles->len, ==, 0);
  g_assert_null (t->jump_headline_style);
  g_assert_cmpint (t->byline_position, ==, PB_BYLINE_UNDER_HEADLINE);
  pb_template_free (t);

  template_fails ("  \"headline_styles\": { \"a\": { \"headline\": 20, \"headline_min\": 24 } },",
                  2, 63, "\"headline_min\" (24pt) must not be larger than \"headline\" (20pt)");
  template_fails ("  \"headline_styles\": { \"a\": { \"from_span\": 2 }, "
                  "\"b\": { \"from_span\": 2 } },", 2, 69,
                  "headline styles \"a\" and \"b\" both have \"from_span\" 2");
  template_fails ("  \"headline_styles\": { \"a\": { \"from_span\": 7 } },", 2, 44,
                  "\"from_span\" must be an integer from 0 to 6");
  template_fails ("  \"headline_styles\": { \"a\": { \"max_lines\": 0.5 } },", 2, 44,
                  "\"max_lines\" must be an integer from 0 to 20");
  template_fails ("  \"headline_styles\": { \"a\": 40 },", 2, 29, "must be an object");
  template_fails ("  \"jump_headline_style\": \"continued\",", 2, 26,
                  "no headline style \"continued\"");
  template_fails ("  \"byline_position\": \"above\",", 2, 22,
                  "\"byline_position\" must be \"under_headline\" or \"before_body\"");
}

static void
assert_error (const GError *error, int code, const char *prefix, const char *const *words)
{
  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, prefix))
    g_error ("message \"%s\" does not start with \"%s\"", error->message, prefix);
  g_assert_error (error, PB_ERROR, code);
  for (; words && *words; words++)
    if (!strstr (error->message, *words))
      g_error ("message \"%s\" lacks \"%s\"", error->message, *words);
}

typedef struct {
  const char *issue;
  int code;
  const char *file; /* the file the message names, NULL: the issue */
  int line, col;
  const char *words[4]; /* NULL-terminated */
} bad_case_t;

static const bad_case_t bad_cases[] = {
  { "bad-syntax.json", PB_ERROR_SYNTAX, NULL, 3, 22, { "Parse error", "expected" } },
  { "bad-type.json", PB_ERROR_WRONG_TYPE, NULL, 2, 12, { "\"paper\" must be a string" } },
  { "bad-missing-key.json", PB_ERROR_MISSING_KEY, NULL, 6, 5,
    { "story \"a\"", "missing required key \"headline\"" } },
  { "bad-dup-story.json", PB_ERROR_DUPLICATE, NULL, 8, 31,
    { "duplicate story id \"a\"", "line 6, column 5" } },
  { "bad-item-story.json", PB_ERROR_UNKNOWN_STORY, NULL, 9, 18,
    { "page 1, item 2", "no story \"nope\"" } },
  { "bad-guide-story.json", PB_ERROR_UNKNOWN_STORY, NULL, 10, 22,
    { "guide entry 2", "no story \"ghost\"" } },
  { "bad-elsewhere-story.json", PB_ERROR_UNKNOWN_STORY, NULL, 8, 57,
    { "page 2", "no story \"missing\"" } },
  { "bad-guide-unplaced.json", PB_ERROR_INVALID, NULL, 8, 58,
    { "story \"a\"", "on no page" } },
  { "bad-body-both.json", PB_ERROR_INVALID, NULL, 7, 20, { "\"body\" or \"body_file\"" } },
  { "bad-body-missing.json", PB_ERROR_IO, NULL, 6, 49, { "no-such-file.md", "not found" } },
  { "bad-dotdot.json", PB_ERROR_INVALID, NULL, 6, 49, { "\"body_file\"", "\"..\"" } },
  { "bad-absolute.json", PB_ERROR_INVALID, NULL, 7, 29,
    { "photo 1", "absolute path", "/etc/hostname" } },
  { "bad-utf8.json", PB_ERROR_SYNTAX, NULL, 2, 15, { "invalid UTF-8", "0xff" } },
  { "bad-utf8-md.json", PB_ERROR_SYNTAX, "bad-utf8.md", 3, 9, { "invalid UTF-8" } },
  { "bad-list.json", PB_ERROR_INVALID, "bad-list.md", 4, 3,
    { "story \"a\"", "a bulleted list" } },
  { "bad-link-inline.json", PB_ERROR_INVALID, NULL, 7, 15,
    { "a link", "Markdown line 3, column 9" } },
  { "bad-overlap.json", PB_ERROR_INVALID, NULL, 12, 7,
    { "page 1, item 2 overlaps item 1", "column 3, grid line 10" } },
  { "bad-column.json", PB_ERROR_INVALID, NULL, 8, 33,
    { "\"column\" must be an integer from 1 to 6" } },
  { "bad-span.json", PB_ERROR_INVALID, NULL, 8, 44,
    { "\"span\" must be an integer from 1 to 2" } },
  { "bad-height.json", PB_ERROR_INVALID, NULL, 8, 68,
    { "\"height\" must be an integer from 1 to 6" } },
  { "bad-length.json", PB_ERROR_INVALID, "bad-length-tmpl.json", 3, 12,
    { "\"bleed\"", "\"12furlongs\" is not a length" } },
  { "bad-template.json", PB_ERROR_INVALID, NULL, 8, 32,
    { "page 2", "unknown template \"no-such-template\"" } },
  { "bad-no-pages.json", PB_ERROR_INVALID, NULL, 6, 12, { "\"pages\" must not be empty" } },
  { "bad-dup-page.json", PB_ERROR_DUPLICATE, NULL, 9, 30,
    { "duplicate page number 1", "line 7, column 17" } },
};

static void
test_bad (gconstpointer data)
{
  const bad_case_t *c = data;
  g_autoptr (GError) error = NULL;
  pb_issue_t *issue = load (c->issue, &error);
  g_assert_null (issue);
  g_autofree char *file = data_path (c->file ? c->file : c->issue);
  g_autofree char *prefix = g_strdup_printf ("%s:%d:%d: ", file, c->line, c->col);
  assert_error (error, c->code, prefix, c->words);
}

/* ---- Bad inputs given as data ---- */


static void
load_data_fails (const char *json, int code, int line, int col, const char *w1, const char *w2)
{
  g_autofree char *dir = data_dir ();
  g_autoptr (GError) error = NULL;
  pb_issue_t *issue = pb_issue_load_data (json, strlen (json), "mem.json", dir, datadir (),
                                          &error);
  g_assert_null (issue);
  g_autofree char *prefix = g_strdup_printf ("mem.json:%d:%d: ", line, col);
  const char *words[] = { w1, w2, NULL };
  assert_error (error, code, prefix, words);
}

/* One story "a" with the given inline body, placed on page 1. */
static void
body_fails (const char *body, int md_line, int md_col, const char *what)
{
  g_autofree char *json = g_strdup_printf (
    HEAD "\"stories\": [{\"id\": \"a\", \"headline\": \"h\", \"body\": \"%s\"}],\n"
    "\"pages\": [{\"number\": 1, \"items\": []}]}", body);
  g_autofree char *at = g_strdup_printf ("(Markdown line %d, column %d)", md_line, md_col);
  load_data_fails (json, PB_ERROR_INVALID, 2, 50, what, at);
}

static void
test_markdown_positions (void)
{
  body_fails ("段落。\\n\\n---\\n", 3, 1, "a thematic break");
  body_fails ("段落。\\n\\n```\\ncode\\n```", 3, 1, "a fenced code block");
  body_fails ("段落。\\n\\n    缩进四格", 3, 5, "a code block");
  body_fails ("> 引文\\n>\\n> - 列表", 3, 3, "a bulleted list");
  body_fails ("1. 一\\n\\n   > 引文", 3, 4, "a block quote (>) inside another block");
  body_fails ("| 指标 | 2023年 |\\n|---|---:|\\n| 增长 | 5.2% | 多 |", 3, 1,
              "a table row with more cells than its header");
  body_fails ("段落。\\n\\n| 指标 | 2023年 |\\n|---|---:|\\n| 增长 |", 5, 1,
              "a table row with fewer cells than its header");
  body_fails ("| 指标 | 2023年 |\\n|---|\\n| 增长 | 5.2% |", 1, 1,
              "a table header with more cells than its delimiter row");
  body_fails ("段落。\\n| 指标 | 2023年 |\\n|---|---:|", 2, 1,
              "a table with no blank line above it");
  body_fails ("段落。\\n\\n| 指标 | 2023年 |\\n| 增长 | 5.2% |", 4, 1,
              "a table without its delimiter row");
  body_fails ("标题\\n===\\n* 列表", 3, 1, "a bulleted list");
  body_fails ("段落\\n<div>\\nx\\n</div>", 2, 1, "an HTML block");
  body_fails ("文字<b>粗</b>", 1, 3, "raw HTML");
  body_fails ("**粗**与![图](x.png)", 1, 7, "an image");
  body_fails ("代码`x = 1`", 1, 3, "inline code");
  body_fails ("<http://example.com>", 1, 1, "a link");
  body_fails ("段落。\\r\\n\\r\\n- 列表", 3, 1, "a bulleted list");
}

/* Tables, pull quotes, numbered paragraphs and emphasis dots become blocks and spans (texts
 * from the 2024 Government Work Report, examples/desk/TEXT-ELEMENTS.md). */
static void
test_markdown_elements (void)
{
  const char *md = "> 实现今年预期目标并非易事\n\n"
                   "| 指标 | 2023年 |\n|:--|---:|\n| 国内生产总值增长 | 5.2% |\n"
                   "| 粮食产量 | 1.39万亿斤 |\n\n"
                   "1. 经济总体回升向好。\n2) 不是同一列表\n\n"
                   "兼顾了需要和可能。_经济增长预期目标为5%左右_，*实现今年预期目标并非易事*。\n";
  GPtrArray *blocks = g_ptr_array_new_with_free_func (pb_block_free);
  g_autoptr (GError) error = NULL;
  g_assert_true (pb_markdown_parse (md, strlen (md), "e.md", (pb_loc_t) { 0 }, "story", blocks,
                                    &error));
  g_assert_no_error (error);
  g_assert_cmpuint (blocks->len, ==, 5);
  const pb_block_t *quote = blocks->pdata[0], *table = blocks->pdata[1];
  g_assert_cmpint (quote->kind, ==, PB_BLOCK_QUOTE);
  g_assert_cmpstr (quote->text, ==, "实现今年预期目标并非易事");
  g_assert_cmpint (table->kind, ==, PB_BLOCK_TABLE);
  g_assert_cmpint (table->rows, ==, 3);
  g_assert_cmpint (table->cols, ==, 2);
  g_assert_cmpint (table->loc.line, ==, 3);
  g_assert_cmpint (table->col_align[0], ==, PB_CELL_LEFT);
  g_assert_cmpint (table->col_align[1], ==, PB_CELL_RIGHT);
  g_assert_cmpstr (((pb_block_t *) table->cells->pdata[5])->text, ==, "1.39万亿斤");
  g_assert_cmpint (((pb_block_t *) table->cells->pdata[5])->loc.line, ==, 6);
  g_assert_cmpstr (((pb_block_t *) blocks->pdata[2])->text, ==, "1.经济总体回升向好。");
  g_assert_cmpstr (((pb_block_t *) blocks->pdata[3])->text, ==, "2)不是同一列表");
  const pb_block_t *para = blocks->pdata[4];
  g_assert_cmpuint (para->spans->len, ==, 2);
  const pb_span_t *dots = &g_array_index (para->spans, pb_span_t, 0);
  g_assert_cmpuint (dots->flags, ==, PB_SPAN_DOTS);
  g_assert_cmpint (dots->start, ==, strlen ("兼顾了需要和可能。"));
  g_assert_cmpuint (g_array_index (para->spans, pb_span_t, 1).flags, ==, PB_SPAN_EMPH);
  g_ptr_array_unref (blocks);
}

static void
test_json_strictness (void)
{
  g_autoptr (GString) deep = g_string_new ("{\"paper\": ");
  for (int i = 0; i < 100; i++)
    g_string_append_c (deep, '[');
  /* The 65th bracket (the '{' and 64 '[' from column 11) breaks the limit; json-glib would
   * overflow its stack on deep input, so this must fail before json-glib runs. */
  load_data_fails (deep->str, PB_ERROR_INVALID, 1, 74, "nesting deeper than 64", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1, \"items\": []}]}\n{}",
                   PB_ERROR_SYNTAX, 3, 1, "after the top-level value", NULL);
  load_data_fails (HEAD "\"paper\": \"again\", \"stories\": [], \"pages\": []}", PB_ERROR_DUPLICATE,
                   2, 1, "duplicate key \"paper\"", NULL);
  load_data_fails (HEAD "/* comment */ \"stories\": [], \"pages\": []}", PB_ERROR_SYNTAX, 2, 1,
                   "unexpected character", NULL);
  load_data_fails (HEAD "'stories': [], \"pages\": []}", PB_ERROR_SYNTAX, 2, 1,
                   "unexpected character", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 01, \"items\": []}]}",
                   PB_ERROR_SYNTAX, 2, 37, "malformed number", NULL);
  /* json-glib wraps this to -1; read from the text it is out of range. */
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 99999999999999999999, "
                   "\"items\": []}]}", PB_ERROR_INVALID, 2, 37, "from 1 to 9999", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1.5, \"items\": []}]}",
                   PB_ERROR_INVALID, 2, 37, "must be an integer", NULL);
  load_data_fails ("", PB_ERROR_SYNTAX, 1, 1, "no JSON value", NULL);
  load_data_fails ("[1, 2]", PB_ERROR_INVALID, 1, 1, "the issue must be an object", NULL);
  load_data_fails ("{\"paper\": \"x\n\"}", PB_ERROR_SYNTAX, 1, 13, "control character", NULL);
}

static void
test_other_errors (void)
{
  load_data_fails ("{\"paper\": \"报\", \"date\": \"2024-02-30\", \"template\": \"tmpl.json\", "
                   "\"stories\": [], \"pages\": []}", PB_ERROR_INVALID, 1, 24,
                   "\"2024-02-30\" is not a day of the calendar: month 02 of 2024 has 29 days",
                   NULL);
  load_data_fails (HEAD "\"stories\": [{\"id\": \"a b\", \"headline\": \"h\", \"body\": \"x\"}], "
                   "\"pages\": []}", PB_ERROR_INVALID, 2, 20, "invalid id \"a b\"", NULL);
  load_data_fails (HEAD "\"stories\": [{\"id\": \"a\", \"headline\": \"h\"}], \"pages\": []}",
                   PB_ERROR_INVALID, 2, 13, "missing \"body\" or \"body_file\"", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1}]}", PB_ERROR_MISSING_KEY, 2,
                   26, "missing required key \"items\"", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1, \"elsewhere\": true}]}",
                   PB_ERROR_MISSING_KEY, 2, 26, "missing required key \"stories\"", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1, \"items\": [{\"column\": 1, "
                   "\"span\": 1, \"top\": 0, \"height\": 1}]}]}", PB_ERROR_INVALID, 2, 50,
                   "missing \"story\" or \"guide\"", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1, \"masthead\": \"yes\", "
                   "\"items\": []}]}", PB_ERROR_WRONG_TYPE, 2, 52, "must be true or false", NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1, \"template\": "
                   "\"../tmpl.json\", \"items\": []}]}", PB_ERROR_INVALID, 2, 52, "\"..\"",
                   NULL);
  load_data_fails (HEAD "\"stories\": [], \"pages\": [{\"number\": 1, \"template\": "
                   "\"a/../x\", \"items\": []}]}", PB_ERROR_INVALID, 2, 52, "unknown template",
                   NULL);
}

/* An item's headline sizes: a style its page's template has, a scale in range, not both a
 * scale and a size. */
static void
test_item_headline_errors (void)
{
#define ITEM_OF_A HEAD "\"stories\": [{\"id\": \"a\", \"headline\": \"h\", \"body\": \"x\"}], " \
  "\"pages\": [{\"number\": 1, \"items\": [{\"story\": \"a\", "
  load_data_fails (ITEM_OF_A "\"headline_style\": \"lead\"}]}]}", PB_ERROR_INVALID, 2, 124,
                   "template \"test-tabloid\" has no headline style \"lead\"", NULL);
  load_data_fails (ITEM_OF_A "\"headline_scale\": 5}]}]}", PB_ERROR_INVALID, 2, 124,
                   "\"headline_scale\" must be a number from 0.25 to 4", NULL);
  load_data_fails (ITEM_OF_A "\"headline_scale\": \"big\"}]}]}", PB_ERROR_WRONG_TYPE, 2, 124,
                   "\"headline_scale\"", "a number");
  load_data_fails (ITEM_OF_A "\"headline_size\": 30, \"headline_scale\": 0.5}]}]}",
                   PB_ERROR_INVALID, 2, 145, "give \"headline_scale\" or \"headline_size\"",
                   NULL);
#undef ITEM_OF_A
}

/* Limits: built in memory; the arrays are checked before their entries are read. */
static void
test_limits (void)
{
  g_autoptr (GString) s = g_string_new (HEAD "\"stories\": [");
  for (int i = 0; i <= 10000; i++)
    g_string_append (s, i ? ",{}" : "{}");
  g_string_append (s, "], \"pages\": []}");
  load_data_fails (s->str, PB_ERROR_INVALID, 2, 12, "too many stories", "10000");

  g_string_assign (s, HEAD "\"stories\": [], \"pages\": [");
  for (int i = 0; i <= 500; i++)
    g_string_append (s, i ? ",{}" : "{}");
  g_string_append (s, "]}");
  load_data_fails (s->str, PB_ERROR_INVALID, 2, 25, "too many pages", "500");

  g_string_assign (s, HEAD "\"stories\": [], \"pages\": [{\"number\": 1, \"items\": [");
  for (int i = 0; i <= 2000; i++)
    g_string_append (s, i ? ",{}" : "{}");
  g_string_append (s, "]}]}");
  load_data_fails (s->str, PB_ERROR_INVALID, 2, 49, "too many items", "2000");

  g_string_assign (s, HEAD "\"stories\": [{\"id\": \"a\", \"headline\": \"h\", \"body\": \"");
  for (int i = 0; i <= 2 * 1024 * 1024; i++)
    g_string_append_c (s, 'x');
  g_string_append (s, "\"}], \"pages\": []}");
  load_data_fails (s->str, PB_ERROR_INVALID, 2, 50, "longer than 2 MiB", NULL);

  gsize big = 16 * 1024 * 1024 + 1;
  g_autofree char *huge = g_malloc (big);
  memset (huge, ' ', big);
  g_autoptr (GError) error = NULL;
  g_assert_null (pb_issue_load_data (huge, big, "mem.json", ".", datadir (), &error));
  g_assert_error (error, PB_ERROR, PB_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "mem.json: larger than 16 MiB"));
}

/* ---- Files and folders ---- */

static char *
write_file (const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static const char escape_issue[] =
  "{\"paper\": \"报\", \"date\": \"2024-02-19\", \"template\": \"tmpl.json\",\n"
  "\"stories\": [{\"id\": \"in\", \"headline\": \"h\", \"body_file\": \"inside.md\"},\n"
  "  {\"id\": \"out\", \"headline\": \"h\", \"body_file\": \"escape.md\"}],\n"
  "\"pages\": [{\"number\": 1, \"items\": []}]}\n";

/* A symlink inside the issue folder that points out of it must not be followed. */
static void
test_symlink_escape (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("paiban-load-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *dir = g_build_filename (tmp, "issue", NULL);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_autofree char *tmpl_src = data_path ("tmpl.json");
  g_autofree char *tmpl_text = NULL;
  g_file_get_contents (tmpl_src, &tmpl_text, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *tmpl = write_file (dir, "tmpl.json", tmpl_text);
  g_autofree char *secret = write_file (tmp, "secret.md", "机密\n");
  g_autofree char *body = write_file (dir, "body.md", "正文\n");
  g_autofree char *inside = g_build_filename (dir, "inside.md", NULL);
  g_autofree char *escape = g_build_filename (dir, "escape.md", NULL);
  g_assert_cmpint (symlink ("body.md", inside), ==, 0);
  g_assert_cmpint (symlink ("../secret.md", escape), ==, 0);
  g_autofree char *issue_path = write_file (dir, "issue.json", escape_issue);

  pb_issue_t *issue = pb_issue_load_file (issue_path, datadir (), &error);
  g_assert_null (issue);
  g_autofree char *prefix = g_strdup_printf ("%s:3:47: ", issue_path);
  const char *words[] = { "story \"out\"", "escape.md", "outside the issue's folder", NULL };
  assert_error (error, PB_ERROR_INVALID, prefix, words);

  g_unlink (issue_path);
  g_unlink (escape);
  g_unlink (inside);
  g_unlink (body);
  g_unlink (secret);
  g_unlink (tmpl);
  g_rmdir (dir);
  g_rmdir (tmp);
}

static void
test_missing_issue (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = data_path ("no-such-issue.json");
  g_assert_null (pb_issue_load_file (path, datadir (), &error));
  g_assert_error (error, PB_ERROR, PB_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, g_strerror (ENOENT)));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/units/parse-length", test_parse_length);
  g_test_add_func ("/units/size-names", test_size_names);
  g_test_add_func ("/load/template", test_template);
  g_test_add_func ("/load/template-warnings", test_template_warnings);
  g_test_add_func ("/load/template-composition", test_template_composition);
  g_test_add_func ("/load/template-headline-styles", test_template_headline_styles);
  g_test_add_func ("/load/good", test_good);
  g_test_add_func ("/load/unknown-key-warning", test_unknown_key_warning);
  g_test_add_func ("/load/photo-warning", test_photo_warning);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/load/bad/%s", bad_cases[i].issue);
      g_test_add_data_func (name, &bad_cases[i], test_bad);
    }
  g_test_add_func ("/load/markdown-positions", test_markdown_positions);
  g_test_add_func ("/load/markdown-elements", test_markdown_elements);
  g_test_add_func ("/load/json-strictness", test_json_strictness);
  g_test_add_func ("/load/other-errors", test_other_errors);
  g_test_add_func ("/load/item-headline-errors", test_item_headline_errors);
  g_test_add_func ("/load/limits", test_limits);
  g_test_add_func ("/load/symlink-escape", test_symlink_escape);
  g_test_add_func ("/load/missing-issue", test_missing_issue);
  return g_test_run ();
}
