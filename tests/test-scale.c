/* Inputs at the limits: time near-linear in their size (positions in a 2 MiB line), memory
 * bounded by it (JSON trees, shared body files, the text and photo budgets). The bodies are
 * the 2024 government work report's review (examples/full-issue/texts), repeated. */
#include <glib/gstdio.h>
#include <string.h>

#include "elements.h"
#include "photos.h"
#include "fonts.h"
#include "image.h"
#include "jsondoc.h"
#include "layout.h"
#include "markdown.h"

/* Well under what the quadratic position lookup took on a 2 MiB line (263–435 s), and
 * HarfBuzz on 1 MB of stacked marks (35–77 s). */
#define SECONDS_FOR_2_MIB 10.0

static char *dir;
static const char *datadir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static void
write_file (const char *name, const char *text, gssize len)
{
  g_autofree char *path = tmp_path (name);
  GError *error = NULL;
  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
}

/* The paragraphs of a real text joined into one line, repeated to `bytes` (cut at a
 * character), with `sep` between the repetitions of each paragraph. */
static char *
one_line (gsize bytes, const char *sep)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "examples", "full-issue",
                                                 "texts", "gov-report-2024-review.md", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  while (out->len < bytes)
    for (guint i = 0; lines[i] && out->len < bytes; i++)
      if (*lines[i] && lines[i][0] != '#')
        {
          g_string_append (out, lines[i]);
          g_string_append (out, sep);
        }
  const char *end = out->str + MIN (bytes, out->len);
  end = g_utf8_find_prev_char (out->str, end + 1);
  g_string_truncate (out, g_utf8_find_next_char (end, NULL) - out->str);
  if (!g_utf8_validate (out->str, out->len, &end))
    g_string_truncate (out, end - out->str);
  return g_string_free (out, FALSE);
}

/* ---- positions ---- */

/* Positions from the character marks agree with counting from the line start, at every byte
 * around the marks of a line of three-byte characters and across lines. */
static void
test_positions_exact (void)
{
  GString *text = g_string_new (NULL);
  for (int i = 0; i < 3 * PB_SRC_MARK_STEP; i++)
    g_string_append (text, i % 7 == 0 ? "a" : "字");
  g_string_append (text, "\n第二行\n");
  pb_src_t src;
  pb_src_init (&src, "t.md", text->str, text->len);
  for (gsize off = 0; off <= text->len; off++)
    {
      pb_loc_t loc = pb_src_loc (&src, off);
      gsize start = 0;
      int line = 1;
      for (gsize i = 0; i < off; i++)
        if (text->str[i] == '\n')
          start = i + 1, line++;
      int col = 1;
      for (gsize i = start; i < off; i++)
        col += ((guchar) text->str[i] & 0xc0) != 0x80;
      g_assert_cmpint (loc.line, ==, line);
      g_assert_cmpint (loc.col, ==, col);
    }
  pb_src_clear (&src);
  g_string_free (text, TRUE);
}

/* A 2 MiB body on one line, broken into a fragment every few characters by entities (each
 * fragment asks for its position): parsed in well under a second, not minutes, and the last
 * character's position is right. */
static void
test_positions_long_line (void)
{
  g_autofree char *text = one_line (2 * PB_MIB - 16, "&amp;");
  gsize len = strlen (text);
  g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func (pb_block_free);
  GError *error = NULL;
  gint64 start = g_get_monotonic_time ();
  pb_loc_t at = { "issue.json", 1, 1 };
  g_assert_true (pb_markdown_parse (text, len, "long.md", at, "story", blocks, &error));
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (error);
  g_test_message ("2 MiB on one line parsed in %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, SECONDS_FOR_2_MIB);
  g_assert_cmpuint (blocks->len, ==, 1);
  const pb_block_t *b = blocks->pdata[0];
  int last = g_utf8_find_prev_char (b->text, b->text + strlen (b->text)) - b->text;
  pb_loc_t loc = pb_block_loc_at (b, last);
  g_assert_cmpint (loc.line, ==, 1);
  g_assert_cmpint (loc.col, ==, g_utf8_strlen (text, len));
}

/* ---- JSON trees ---- */

static char *
json_error (const char *text)
{
  pb_json_doc_t d;
  GError *error = NULL;
  gboolean ok = pb_json_doc_parse (&d, "t.json", text, strlen (text), NULL, &error);
  pb_json_doc_clear (&d);
  if (ok)
    return NULL;
  char *msg = g_strdup (error->message);
  g_error_free (error);
  return msg;
}

/* `n` copies of `value` in an array under "pages". */
static char *
json_array_of (const char *value, guint n)
{
  GString *s = g_string_new ("{\"pages\":[");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "", value);
  g_string_append (s, "]}");
  return g_string_free (s, FALSE);
}

/* 16 MiB of "{}," would be a json-glib tree of 1.7 GB: the lexer refuses more objects and
 * values than a document may hold before json-glib builds anything. */
static void
test_json_limits (void)
{
  g_autofree char *objects = json_array_of ("{}", PB_JSON_MAX_CONTAINERS);
  g_autofree char *msg = json_error (objects);
  g_assert_cmpstr (msg, ==, "t.json:1:750005: more than 250000 objects and arrays in one file");
  g_autofree char *fewer = json_array_of ("{}", PB_JSON_MAX_CONTAINERS - 2);
  g_assert_null (json_error (fewer));
  g_autofree char *zeros = json_array_of ("0", PB_JSON_MAX_VALUES);
  g_free (msg);
  msg = json_error (zeros);
  g_assert_cmpstr (msg, ==, "t.json:1:4000009: more than 2000000 values (keys counted) in one "
                   "file");
}

/* Duplicate keys are found by counting the members of the objects still open. */
static void
test_json_duplicates (void)
{
  g_assert_null (json_error ("{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}, \"x\": [{\"x\": 2}]}"));
  g_autofree char *inner = json_error ("{\"a\": {\"x\": 1, \"y\": {\"x\": 0}, \"x\": 2}}");
  g_assert_cmpstr (inner, ==, "t.json:1:31: duplicate key \"x\"");
  g_autofree char *outer = json_error ("{\"a\": {\"x\": 1}, \"b\": 2, \"a\": 3}");
  g_assert_cmpstr (outer, ==, "t.json:1:25: duplicate key \"a\"");
}

/* ---- issues ---- */

static pb_issue_t *
load_issue (const char *json, GError **error)
{
  write_file ("issue.json", json, -1);
  g_autofree char *path = tmp_path ("issue.json");
  return pb_issue_load_file (path, datadir, error);
}

static char *
issue_json (const char *stories, const char *pages)
{
  return g_strdup_printf ("{ \"paper\": \"测试报\", \"date\": \"2024-02-19\", "
                          "\"template\": \"tabloid\",\n \"stories\": [%s],\n \"pages\": [%s] }",
                          stories, pages);
}

/* 2000 stories share one body file of 2 MiB: it is read and parsed once (4.3 GB before). */
static void
test_shared_body (void)
{
  g_autofree char *body = one_line (2 * PB_MIB - 16, "\n\n");
  write_file ("shared.md", body, -1);
  GString *stories = g_string_new (NULL);
  for (int i = 0; i < 2000; i++)
    g_string_append_printf (stories, "%s{\"id\": \"s%d\", \"headline\": \"标题\", "
                            "\"body_file\": \"shared.md\"}", i ? ",\n" : "", i);
  g_autofree char *json = issue_json (stories->str, "{\"number\": 1, \"items\": "
                                      "[{\"story\": \"s0\"}]}");
  g_string_free (stories, TRUE);
  GError *error = NULL;
  pb_issue_t *issue = load_issue (json, &error);
  g_assert_no_error (error);
  const pb_story_t *first = issue->stories->pdata[0], *last = issue->stories->pdata[1999];
  g_assert_true (first->blocks == last->blocks);
  g_assert_cmpuint (first->blocks->len, >, 100);
  pb_issue_free (issue);
}

/* Stories of 1.9 MiB: five sharing one body file are read once, and four of them may be set;
 * set, the fifth takes the text past the budget of 8 MiB. Five different files are more than
 * an issue's bodies may hold even when only one is placed. */
static void
test_text_budget (void)
{
  g_autofree char *body = one_line (19 * PB_MIB / 10, "\n\n");
  GString *shared = g_string_new (NULL), *own = g_string_new (NULL);
  GString *four = g_string_new (NULL), *five = g_string_new (NULL);
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("b%d.md", i);
      write_file (name, body, -1);
      g_string_append_printf (shared, "%s{\"id\": \"s%d\", \"headline\": \"标题\", "
                              "\"body_file\": \"b0.md\"}", i ? "," : "", i);
      g_string_append_printf (own, "%s{\"id\": \"s%d\", \"headline\": \"标题\", "
                              "\"body_file\": \"%s\"}", i ? "," : "", i, name);
      g_autofree char *item = g_strdup_printf ("%s{\"story\": \"s%d\", \"column\": %d, "
                                               "\"span\": 1, \"top\": 0, \"height\": 10}",
                                               i ? "," : "", i, i + 1);
      if (i < 4)
        g_string_append (four, item);
      g_string_append (five, item);
    }
  g_autofree char *pages4 = g_strdup_printf ("{\"number\": 1, \"items\": [%s]}", four->str);
  g_autofree char *pages5 = g_strdup_printf ("{\"number\": 1, \"items\": [%s]}", five->str);
  g_autofree char *ok = issue_json (shared->str, pages4);
  GError *error = NULL;
  pb_issue_t *issue = load_issue (ok, &error);
  g_assert_no_error (error);
  pb_issue_free (issue);
  g_autofree char *set = issue_json (shared->str, pages5);
  g_assert_null (load_issue (set, &error));
  g_assert_error (error, PB_ERROR, PB_ERROR_INVALID);
  g_assert_true (strstr (error->message, "page 1, item 5: the bodies of the stories placed on "
                         "the pages hold more than 8 MiB of text together"));
  g_clear_error (&error);
  g_autofree char *read = issue_json (own->str, "{\"number\": 1, \"items\": "
                                      "[{\"story\": \"s0\"}]}");
  g_assert_null (load_issue (read, &error));
  g_assert_true (strstr (error->message, "story \"s4\": the bodies of the issue's stories hold "
                         "more than 8 MiB of text together"));
  g_clear_error (&error);
  g_string_free (shared, TRUE);
  g_string_free (own, TRUE);
  g_string_free (four, TRUE);
  g_string_free (five, TRUE);
}

/* Lays out `json`; returns the error's message, NULL when it lays out. */
static char *
layout_error (const char *json)
{
  GError *error = NULL;
  pb_issue_t *issue = load_issue (json, &error);
  g_assert_no_error (error);
  pb_fonts_t *fonts = pb_fonts_new (datadir, &error);
  g_assert_no_error (error);
  pb_layout_t *layout = pb_layout_issue (issue, fonts, &error);
  pb_layout_free (layout);
  pb_fonts_unref (fonts);
  pb_issue_free (issue);
  char *msg = error ? g_strdup (error->message) : NULL;
  g_clear_error (&error);
  return msg;
}

/* A body of `n` characters each with `marks` combining acute accents stacked on it. */
static void
write_stacked (const char *name, int n, int marks)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < n; i++)
    {
      g_string_append (s, "中");
      for (int k = 0; k < marks; k++)
        g_string_append_unichar (s, 0x301);
    }
  write_file (name, s->str, s->len);
  g_string_free (s, TRUE);
}

/* 1 MB of stacked combining marks took HarfBuzz 35–77 s: beyond Unicode's stream-safe 30 marks
 * on a character the text is refused where the 31st stands; 1 MB of stacks of 30 is set in
 * seconds. */
static void
test_stacked_marks (void)
{
  write_stacked ("marks.md", 1, 500000);
  g_autofree char *json = issue_json ("{\"id\": \"m\", \"headline\": \"标题\", "
                                      "\"body_file\": \"marks.md\"}",
                                      "{\"number\": 1, \"items\": [{\"story\": \"m\"}]}");
  g_autofree char *msg = layout_error (json);
  g_autofree char *want = g_strdup_printf ("%s/marks.md:1:32: more than 30 combining marks "
                                           "(U+0301 …) on one character", dir);
  g_assert_cmpstr (msg, ==, want);
  write_stacked ("marks.md", 16000, 30);
  gint64 start = g_get_monotonic_time ();
  g_autofree char *none = layout_error (json);
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_null (none);
  g_test_message ("1 MB of stacks of 30 marks laid out in %.3f s", seconds);
  g_assert_cmpfloat (seconds, <, SECONDS_FOR_2_MIB);
}

/* Photos already placed hold the issue's 400 million pixels (stand-ins: 1-bit surfaces, cheap
 * to hold); one more photo of 64 × 48 is refused before it is decoded, where the issue names
 * it. Without the budget six 14000 × 14000 PNGs took 4.5 GB. */
static void
test_pixel_budget (void)
{
  g_autoptr (GHashTable) images = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) cairo_surface_destroy);
  g_hash_table_insert (images, "a.png", cairo_image_surface_create (CAIRO_FORMAT_A1, 20000, 10000));
  g_hash_table_insert (images, "b.png", cairo_image_surface_create (CAIRO_FORMAT_A1, 20000, 10000));
  g_autofree char *file = g_test_build_filename (G_TEST_DIST, "data", "bad", "photo.jpg", NULL);
  char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (file, &data, &len, NULL));
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, len);
  pb_photo_t photo = { .file = file, .caption = "", .loc = { "issue.json", 7, 9 },
                       .bytes = bytes };
  pb_story_t story = { .id = "s" };
  /* The photo is refused before anything is placed: a column of the grid is all it needs. */
  pb_template_t tmpl = { .columns = 1, .column_width = 100, .gutter = 10, .leading = 15 };
  pb_page_ctx_t pc = { 0 };
  pc.grid.tmpl = &tmpl;
  GError *error = NULL;
  g_assert_cmpint (pb_place_photo (&pc, images, &story, &photo, 0, 1, 0, 0, &error), ==, -1);
  g_assert_error (error, PB_ERROR, PB_ERROR_IMAGE);
  g_autofree char *want = g_strdup_printf ("issue.json:7:9: %s: image of 64 × 48 pixels is "
                                           "refused: the issue's photos would hold more than "
                                           "400000000 pixels together", file);
  g_assert_cmpstr (error->message, ==, want);
  g_clear_error (&error);
  /* Within the budget it loads. */
  g_hash_table_remove (images, "b.png");
  cairo_surface_t *s = pb_image_load_bytes (file, bytes, 64 * 48, &error);
  g_assert_no_error (error);
  cairo_surface_destroy (s);
  g_assert_null (pb_image_load_bytes (file, bytes, 64 * 48 - 1, &error));
  g_assert_error (error, PB_ERROR, PB_ERROR_IMAGE);
  g_clear_error (&error);
}

/* The test's folder holds files only. */
static void
remove_dir (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  for (const char *name; d && (name = g_dir_read_name (d));)
    {
      g_autofree char *p = g_build_filename (path, name, NULL);
      g_unlink (p);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  datadir = g_getenv ("PAIBAN_DATADIR");
  GError *error = NULL;
  dir = g_dir_make_tmp ("paiban-scale-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/scale/positions-exact", test_positions_exact);
  g_test_add_func ("/scale/positions-long-line", test_positions_long_line);
  g_test_add_func ("/scale/json-limits", test_json_limits);
  g_test_add_func ("/scale/json-duplicates", test_json_duplicates);
  g_test_add_func ("/scale/shared-body", test_shared_body);
  g_test_add_func ("/scale/text-budget", test_text_budget);
  g_test_add_func ("/scale/pixel-budget", test_pixel_budget);
  g_test_add_func ("/scale/stacked-marks", test_stacked_marks);
  int rc = g_test_run ();
  remove_dir (dir);
  g_free (dir);
  return rc;
}
