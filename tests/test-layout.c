/* Page makeup of the front-page example, asserted on the layout result (no PDF involved). */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include "clreq.h"
#include "fonts.h"
#include "layout.h"

static pb_fonts_t *fonts;
static pb_issue_t *issue;
static pb_layout_t *layout;

static const double EPS = 0.01;

static const pb_page_layout_t *
front (void)
{
  g_assert_cmpuint (layout->pages->len, ==, 1);
  return layout->pages->pdata[0];
}

static void
em_box (const pb_line_t *l, pb_rect_t *r)
{
  *r = (pb_rect_t) { l->x, l->baseline - PB_EM_ASCENT * l->size, l->width, l->size };
  /* An indented or centred line starts at its first glyph. */
  if (l->runs->len > 0)
    {
      const pb_glyph_run_t *run = l->runs->pdata[0];
      double x0 = run->glyphs[0].x;
      r->w -= x0 - r->x;
      r->x = x0;
    }
}

static gboolean
intersects (const pb_rect_t *a, const pb_rect_t *b, double tolerance)
{
  return a->x + tolerance < b->x + b->w && b->x + tolerance < a->x + a->w
         && a->y + tolerance < b->y + b->h && b->y + tolerance < a->y + a->h;
}

static char *
strip_space (const char *s)
{
  GString *out = g_string_new (NULL);
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      g_string_append_unichar (out, g_utf8_get_char (p));
  return g_string_free (out, FALSE);
}

/* Text of the lines of `story` in `role`, in layout order, spaces removed. */
static char *
placed_text (const pb_page_layout_t *page, const char *story, pb_role_t role, int block)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role == role && g_strcmp0 (l->story_id, story) == 0
          && (block < 0 || l->block == block))
        g_string_append (s, l->text);
    }
  char *text = strip_space (s->str);
  g_string_free (s, TRUE);
  return text;
}

static void
test_lines_inside_columns (void)
{
  const pb_page_layout_t *page = front ();
  const pb_template_t *t = page->tmpl;
  int checked = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      g_assert_cmpfloat (l->width, <=, l->measure + EPS);
      g_assert_cmpfloat (l->x, >=, page->type_area.x - EPS);
      g_assert_cmpfloat (l->x + l->width, <=, page->type_area.x + page->type_area.w + EPS);
      g_assert_cmpfloat (l->baseline, <=, page->type_area.y + page->type_area.h);
      if (l->column < 0)
        continue;
      double cx = pb_column_x (t, l->column);
      g_assert_cmpfloat (l->x, >=, cx - EPS);
      g_assert_cmpfloat (l->x + l->width, <=, cx + t->column_width + EPS);
      checked++;
    }
  g_assert_cmpint (checked, >, 100);
}

static void
test_nothing_overlaps (void)
{
  const pb_page_layout_t *page = front ();
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (pb_rect_t));
  for (guint i = 0; i < page->lines->len; i++)
    {
      pb_rect_t r;
      em_box (page->lines->pdata[i], &r);
      g_array_append_val (boxes, r);
    }
  for (guint i = 0; i < boxes->len; i++)
    for (guint k = i + 1; k < boxes->len; k++)
      if (intersects (&g_array_index (boxes, pb_rect_t, i), &g_array_index (boxes, pb_rect_t, k), 0.3))
        g_error ("lines overlap: \"%s\" and \"%s\"",
                 ((pb_line_t *) page->lines->pdata[i])->text,
                 ((pb_line_t *) page->lines->pdata[k])->text);
  g_assert_cmpuint (page->images->len, ==, 1);
  for (guint m = 0; m < page->images->len; m++)
    {
      const pb_image_t *img = page->images->pdata[m];
      for (guint i = 0; i < boxes->len; i++)
        g_assert_false (intersects (&img->frame, &g_array_index (boxes, pb_rect_t, i), 0));
    }
  for (guint i = 0; i < page->items->len; i++)
    for (guint k = i + 1; k < page->items->len; k++)
      g_assert_false (intersects (&((pb_placed_item_t *) page->items->pdata[i])->area,
                                  &((pb_placed_item_t *) page->items->pdata[k])->area, EPS));
  g_array_free (boxes, TRUE);
}

/* Every character of every story body is placed exactly once, in order, and nothing is overset. */
static void
test_text_fidelity (void)
{
  const pb_page_layout_t *page = front ();
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *item = page->items->pdata[i];
      if (item->kind != PB_ITEM_STORY)
        continue;
      g_assert_cmpint (item->overset_chars, ==, 0);
      const pb_story_t *story = g_hash_table_lookup (issue->story_by_id, item->story_id);
      gboolean first = TRUE;
      for (guint b = 0; b < story->blocks->len; b++)
        {
          const pb_block_t *block = story->blocks->pdata[b];
          g_autofree char *want_raw = g_strconcat (block->kind == PB_BLOCK_PARA && first && story->dateline
                                                   ? story->dateline : "", block->text, NULL);
          g_autofree char *want = strip_space (want_raw);
          pb_role_t role = block->kind == PB_BLOCK_PARA ? PB_ROLE_BODY : PB_ROLE_SUBHEAD;
          g_autofree char *got = placed_text (page, story->id, role, b);
          g_assert_cmpstr (got, ==, want);
          if (block->kind == PB_BLOCK_PARA)
            first = FALSE;
        }
      g_autofree char *headline = placed_text (page, story->id, PB_ROLE_HEADLINE, -1);
      g_autofree char *want_headline = strip_space (story->headline);
      g_assert_cmpstr (headline, ==, want_headline);
      if (story->kicker)
        {
          g_autofree char *kicker = placed_text (page, story->id, PB_ROLE_KICKER, -1);
          g_autofree char *want_kicker = strip_space (story->kicker);
          g_assert_cmpstr (kicker, ==, want_kicker);
        }
      for (guint p = 0; p < story->photos->len; p++)
        {
          const pb_photo_t *photo = story->photos->pdata[p];
          g_autofree char *cap = placed_text (page, story->id, PB_ROLE_CAPTION, -1);
          g_autofree char *want = g_strdup_printf ("%s（%s）", photo->caption, photo->credit);
          g_assert_cmpstr (cap, ==, want);
        }
    }
}

static void
test_body_on_grid_and_flush (void)
{
  const pb_page_layout_t *page = front ();
  const pb_template_t *t = page->tmpl;
  int n = 0, flush = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role != PB_ROLE_BODY && l->role != PB_ROLE_CAPTION)
        continue;
      double k = (l->baseline - pb_grid_baseline (t, page->grid_top, 0)) / t->leading;
      g_assert_cmpfloat (fabs (k - round (k)), <, 1e-6);
      if (l->para_end || l->role != PB_ROLE_BODY)
        continue;
      n++;
      if (fabs (l->width - l->measure) < 0.01)
        flush++;
    }
  g_assert_cmpint (n, >, 100);
  g_assert_cmpint (flush, ==, n);
}

/* No paragraph leaves its last line alone at the top of a column (widow) or its first line alone
 * at the bottom (orphan). */
static void
test_no_lone_lines (void)
{
  const pb_page_layout_t *page = front ();
  const pb_line_t *prev = NULL;
  int breaks = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role != PB_ROLE_BODY)
        continue;
      gboolean same_para = prev && prev->block == l->block && g_strcmp0 (prev->story_id, l->story_id) == 0;
      if (same_para && prev->column != l->column)
        {
          breaks++;
          g_assert_cmpint (prev->line_no, >, 0);  /* orphan */
          g_assert_false (l->para_end);           /* widow */
        }
      prev = l;
    }
  g_assert_cmpint (breaks, >, 3);
}

static void
test_kinsoku (void)
{
  const pb_page_layout_t *page = front ();
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      const char *t = l->text;
      pb_cls_t end = pb_cls_of (g_utf8_get_char (g_utf8_find_prev_char (t, t + strlen (t))));
      g_assert_true (end != PB_CLS_OPEN);
      if (l->line_no == 0)
        continue;
      pb_cls_t start = pb_cls_of (g_utf8_get_char (t));
      g_assert_true (start != PB_CLS_CLOSE && start != PB_CLS_STOP && start != PB_CLS_MIDDLE);
    }
}

static void
test_guide_box (void)
{
  const pb_page_layout_t *page = front ();
  const char *want[] = { "finance", "——04", "registry", "——05", "baiyun", "——08" };
  int found = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role != PB_ROLE_GUIDE_PAGE)
        continue;
      g_assert_cmpint (found, <, 3);
      g_assert_cmpstr (l->story_id, ==, want[2 * found]);
      g_assert_cmpstr (l->text, ==, want[2 * found + 1]);
      found++;
    }
  g_assert_cmpint (found, ==, 3);
  g_assert_cmpuint (page->boxes->len, ==, 1);
  /* Entries sit inside the ruled box. */
  const pb_rect_t *box = page->boxes->pdata[0];
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role < PB_ROLE_GUIDE_TITLE || l->role > PB_ROLE_GUIDE_PAGE)
        continue;
      pb_rect_t r;
      em_box (l, &r);
      g_assert_cmpfloat (r.x, >, box->x);
      g_assert_cmpfloat (r.x + r.w, <, box->x + box->w);
      g_assert_cmpfloat (r.y, >, box->y);
      g_assert_cmpfloat (r.y + r.h, <, box->y + box->h);
    }
}

static void
test_masthead_and_headline (void)
{
  const pb_page_layout_t *page = front ();
  const pb_line_t *title = NULL, *headline = NULL;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *l = page->lines->pdata[i];
      if (l->role == PB_ROLE_MASTHEAD_TITLE)
        title = l;
      if (l->role == PB_ROLE_HEADLINE && g_strcmp0 (l->story_id, "lead") == 0 && !headline)
        headline = l;
    }
  g_assert_nonnull (title);
  g_assert_cmpstr (title->text, ==, issue->paper);
  g_assert_nonnull (headline);
  /* The lead headline is centred over all six columns, under the masthead. */
  const pb_template_t *t = page->tmpl;
  pb_rect_t r;
  em_box (headline, &r);
  double centre = pb_column_x (t, 0) + (pb_column_x (t, 5) + t->column_width - pb_column_x (t, 0)) / 2;
  g_assert_cmpfloat (fabs (r.x + r.w / 2 - centre), <, 1.0);
  g_assert_cmpfloat (r.y, >, title->baseline);
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (from, &data, &len, NULL));
  g_assert_true (g_file_set_contents (to, data, len, NULL));
}

static guint
count_lines (const pb_layout_t *l)
{
  guint n = 0;
  for (guint i = 0; i < l->pages->len; i++)
    n += ((const pb_page_layout_t *) l->pages->pdata[i])->lines->len;
  return n;
}

/* Files named in the issue are read once, at load: swapping them for links to files outside
 * the issue's folder between loading and laying out changes nothing (before, the photo was
 * opened by name at layout and the link was followed). */
static void
test_inputs_read_at_load (void)
{
  const char *datadir = g_getenv ("PAIBAN_DATADIR");
  g_autofree char *src = g_build_filename (datadir, "examples", "front-page", NULL);
  g_autofree char *dir = g_dir_make_tmp ("paiban-inputs-XXXXXX", NULL);
  const char *names[] = { "issue.json", "lead.md", "villages.md", "photo.jpg" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *from = g_build_filename (src, names[i], NULL);
      g_autofree char *to = g_build_filename (dir, names[i], NULL);
      copy_file (from, to);
    }
  g_autofree char *path = g_build_filename (dir, "issue.json", NULL);
  GError *error = NULL;
  pb_issue_t *copy = pb_issue_load_file (path, datadir, &error);
  g_assert_no_error (error);
  /* Outside the folder: another photo (a different size) and another text. */
  g_autofree char *other_photo = g_build_filename (datadir, "tests", "data", "bad", "photo.png",
                                                   NULL);
  g_autofree char *other_text = g_build_filename (datadir, "README.md", NULL);
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_build_filename (dir, names[i], NULL);
      g_assert_cmpint (g_unlink (file), ==, 0);
      g_assert_cmpint (symlink (i == 3 ? other_photo : other_text, file), ==, 0);
    }
  pb_layout_t *again = pb_layout_issue (copy, fonts, &error);
  g_assert_no_error (error);
  const pb_page_layout_t *a = layout->pages->pdata[0], *b = again->pages->pdata[0];
  g_assert_cmpuint (b->images->len, ==, a->images->len);
  cairo_surface_t *sa = ((const pb_image_t *) a->images->pdata[0])->surface;
  cairo_surface_t *sb = ((const pb_image_t *) b->images->pdata[0])->surface;
  g_assert_cmpint (cairo_image_surface_get_width (sb), ==, cairo_image_surface_get_width (sa));
  g_assert_cmpint (cairo_image_surface_get_height (sb), ==, cairo_image_surface_get_height (sa));
  g_assert_cmpuint (count_lines (again), ==, count_lines (layout));
  pb_layout_free (again);
  pb_issue_free (copy);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *file = g_build_filename (dir, names[i], NULL);
      g_unlink (file);
    }
  g_rmdir (dir);
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
  layout = pb_layout_issue (issue, fonts, &error);
  g_assert_no_error (error);

  g_test_add_func ("/layout/lines-inside-columns", test_lines_inside_columns);
  g_test_add_func ("/layout/inputs-read-at-load", test_inputs_read_at_load);
  g_test_add_func ("/layout/nothing-overlaps", test_nothing_overlaps);
  g_test_add_func ("/layout/text-fidelity", test_text_fidelity);
  g_test_add_func ("/layout/body-on-grid-and-flush", test_body_on_grid_and_flush);
  g_test_add_func ("/layout/kinsoku", test_kinsoku);
  g_test_add_func ("/layout/no-lone-lines", test_no_lone_lines);
  g_test_add_func ("/layout/guide-box", test_guide_box);
  g_test_add_func ("/layout/masthead-and-headline", test_masthead_and_headline);
  int rc = g_test_run ();
  pb_layout_free (layout);
  pb_fonts_unref (fonts);
  pb_issue_free (issue);
  return rc;
}
