/* The queries on a finished layout (inspect.h) and the JSON report made from them, on a
 * layout made up here: photo resolution, lone lines, where each story landed, overset text,
 * empty grid lines and holes, and the report's every member, in order, against
 * tests/data/inspect/report.json. */
#include <string.h>
#include "config.h"
#include "inspect.h"
#include "report.h"
#include "square-crop.h"

static void
test_ppi (void)
{
  pb_photo_t photo = { 0 };
  pb_image_t *image = square_crop (&photo, 0, 0);
  /* 500 pixels over 100 pt = 1.39 in: 360 ppi. */
  g_assert_cmpfloat_with_epsilon (pb_image_ppi (image), 360, 1e-9);
  image->frame.w = image->frame.h = 250;
  g_assert_cmpfloat (pb_image_ppi (image), <, PB_MIN_PPI);
  /* A frame of no size has no resolution. */
  image->frame.w = 0;
  g_assert_cmpfloat (pb_image_ppi (image), ==, 0);
  square_crop_free (image);
}

/* The made-up grid: GRID_COLUMNS columns of COLUMN_W pt and GUTTER pt between them, centred
 * on a page TRIM_W wide (the first at x = 10), GRID_LINES lines of LEADING pt from GRID_TOP,
 * body text of BODY_SIZE pt. */
#define TRIM_W 430
#define GRID_COLUMNS 4
#define COLUMN_W 95
#define GUTTER 10
#define GRID_TOP 20
#define GRID_LINES 100
#define LEADING 10
#define BODY_SIZE 8
/* Baseline below the top of its grid line: the em box (7.04 pt above it, 0.96 below) inside. */
#define BASELINE_DROP 8

/* A body line of `story` in `column`, grid line `row`, line `no` of paragraph `block`. */
static pb_line_t *
add_line (GPtrArray *lines, const char *story, int column, int row, int block, int no,
          gboolean end)
{
  pb_line_t *l = pb_line_new ();
  l->role = PB_ROLE_BODY;
  l->story_id = story;
  l->column = column;
  l->block = block;
  l->line_no = no;
  l->para_end = end;
  l->x = (TRIM_W - GRID_COLUMNS * COLUMN_W - (GRID_COLUMNS - 1) * GUTTER) / 2
         + column * (COLUMN_W + GUTTER);
  l->measure = COLUMN_W;
  l->size = BODY_SIZE;
  l->baseline = GRID_TOP + LEADING * row + BASELINE_DROP;
  g_ptr_array_add (lines, l);
  return l;
}

/* Column 0: a paragraph of 3 lines, then the first line of the next (an orphan). Column 1:
 * its second and third line, then its last line alone at the top of column 2 (a widow), and a
 * paragraph of two lines. Lines 3 and 6 are lone. */
static void
add_lone_lines (GPtrArray *lines, const char *story)
{
  add_line (lines, story, 0, 0, 0, 0, FALSE);
  add_line (lines, story, 0, 1, 0, 1, FALSE);
  add_line (lines, story, 0, 2, 0, 2, TRUE);
  add_line (lines, story, 0, 3, 1, 0, FALSE)->text = g_strdup ("孤行");
  add_line (lines, story, 1, 0, 1, 1, FALSE);
  add_line (lines, story, 1, 1, 1, 2, FALSE);
  add_line (lines, story, 2, 0, 1, 3, TRUE);
  add_line (lines, story, 2, 1, 2, 0, FALSE);
  add_line (lines, story, 2, 2, 2, 1, TRUE);
}

static void
test_lone_lines (void)
{
  pb_page_layout_t page = { 0 };
  page.lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  add_lone_lines (page.lines, "s");
  /* A one-line column is no break; a line outside the body is none of its business. */
  add_line (page.lines, "s", 3, 0, 3, 0, FALSE);
  add_line (page.lines, "s", 4, 5, 3, 1, TRUE)->block = -1;
  g_autoptr (GArray) lone = pb_lone_lines (&page);
  g_assert_cmpuint (lone->len, ==, 2);
  const pb_lone_line_t *a = &g_array_index (lone, pb_lone_line_t, 0);
  const pb_lone_line_t *b = &g_array_index (lone, pb_lone_line_t, 1);
  g_assert_false (a->widow);
  g_assert_true (a->line == page.lines->pdata[3]);
  g_assert_true (b->widow);
  g_assert_true (b->line == page.lines->pdata[6]);
  g_ptr_array_free (page.lines, TRUE);
}

/* ---- a made-up layout ---- */

typedef struct {
  pb_issue_t issue;
  pb_template_t tmpl;
  pb_story_t story_a, story_b;
  pb_photo_t photo;
  pb_layout_t layout;
} fixture_t;

static void
page_free (pb_page_layout_t *page)
{
  g_ptr_array_free (page->lines, TRUE);
  g_ptr_array_free (page->images, TRUE);
  g_ptr_array_free (page->rules, TRUE);
  g_ptr_array_free (page->items, TRUE);
  g_free (page);
}

static pb_page_layout_t *
add_page (fixture_t *f, int number)
{
  pb_page_layout_t *page = g_new0 (pb_page_layout_t, 1);
  page->number = number;
  page->tmpl = &f->tmpl;
  page->grid_top = GRID_TOP;
  page->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  page->images = g_ptr_array_new_with_free_func ((GDestroyNotify) square_crop_free);
  page->rules = g_ptr_array_new_with_free_func (g_free);
  page->items = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (f->layout.pages, page);
  return page;
}

static void
add_item (pb_page_layout_t *page, pb_item_kind_t kind, const char *story, double y, int overset)
{
  pb_placed_item_t *item = g_new0 (pb_placed_item_t, 1);
  *item = (pb_placed_item_t) { kind, story, { 10, y, 200.5, 150.25 }, overset, { 0, 0, 0, 0 }, 0 };
  g_ptr_array_add (page->items, item);
}

/* Body lines of `story` in `column` on grid lines `from` to `to` (inclusive). */
static void
add_column (GPtrArray *lines, const char *story, int column, int from, int to)
{
  for (int row = from; row <= to; row++)
    add_line (lines, story, column, row, 0, row - from, row == to);
}

/* Lines of no story (as a folio's) in `column`, grid lines `from` to `to` but for `gap`
 * lines from `gap_at`. */
static void
fill_column (GPtrArray *lines, int column, int from, int to, int gap_at, int gap)
{
  for (int row = from; row <= to; row++)
    if (row < gap_at || row >= gap_at + gap)
      add_line (lines, NULL, column, row, -1, 0, TRUE)->role = PB_ROLE_FOLIO;
}

/* Items take page columns 1 and 2, grid lines 15 from GRID_TOP + 10 * (y - GRID_TOP).
 * Page 1: story "a" (2 characters overset) filled by a photo below PB_MIN_PPI that reaches
 * into the guide below it, which stays empty for its last 5 lines, then a rule; story "b" (1)
 * with a photo above PB_MIN_PPI in its first column and 12 lines in its second (its foot
 * short by 5 and 3 lines); columns 3 and 4 filled by lines of no story, but for 2 lines of
 * column 3 and 5 of column 4. The page under the items is empty. Page 3: the rest
 * of "b" (3 more) with two lone lines in its first 4 grid lines, and more of "a": its first
 * column full with a gap of 2 lines, its second with a gap of 4 and 2 lines empty at its
 * foot. */
static void
fixture_init (fixture_t *f)
{
  memset (f, 0, sizeof *f);
  f->tmpl = (pb_template_t) { .trim_w = TRIM_W, .trim_h = 420 * PB_MM, .bleed = 3 * PB_MM,
                              .columns = GRID_COLUMNS, .column_width = COLUMN_W,
                              .gutter = GUTTER, .body_size = BODY_SIZE, .leading = LEADING,
                              .lines = GRID_LINES, .letterspacing_limit = 0.25 * BODY_SIZE };
  f->story_a = (pb_story_t) { .id = "a", .headline = "头条" };
  f->story_b = (pb_story_t) { .id = "b" };
  f->photo = (pb_photo_t) { .file = "photos/a.jpg" };
  f->issue.story_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (f->issue.story_by_id, "a", &f->story_a);
  g_hash_table_insert (f->issue.story_by_id, "b", &f->story_b);
  f->layout.issue = &f->issue;
  f->layout.pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  f->layout.warnings = g_ptr_array_new_with_free_func (g_free);

  pb_page_layout_t *one = add_page (f, 1);
  add_item (one, PB_ITEM_STORY, "a", 20, 2);
  add_item (one, PB_ITEM_GUIDE, NULL, 180, 0);
  add_item (one, PB_ITEM_STORY, "b", 340, 1);
  /* Copyfitted: its photo 2 lines lower, a line more under its headlines. */
  ((pb_placed_item_t *) one->items->pdata[2])->fit = (pb_copyfit_t) { -2, 1, 0, 1 };
  add_line (one->lines, "a", 0, 0, 0, 0, TRUE);
  pb_image_t *low = square_crop (&f->photo, 10, 20);
  low->frame.w = low->frame.h = 251; /* 143.43 ppi */
  low->story_id = "a";
  g_ptr_array_add (one->images, low);
  pb_image_t *fine = square_crop (NULL, 10, 340);
  fine->story_id = "b";
  g_ptr_array_add (one->images, fine);
  add_column (one->lines, "b", 1, 32, 43);
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  *rule = (pb_rule_t) { 10, 320, 210, 320, 0.5, 0 };
  g_ptr_array_add (one->rules, rule);
  fill_column (one->lines, 2, 26, GRID_LINES - 1, 50, 2);
  fill_column (one->lines, 3, 0, GRID_LINES - 1, 5, 5);

  pb_page_layout_t *three = add_page (f, 3);
  add_item (three, PB_ITEM_STORY, "b", 20, 3);
  add_item (three, PB_ITEM_STORY, "a", 500, 0);
  add_lone_lines (three->lines, "b");
  /* In column 4, a line letterspaced beyond the limit (0.5 em) and one just at it. */
  add_line (three->lines, "b", 4, 0, 3, 0, FALSE)->letterspacing = 0.5 * BODY_SIZE;
  pb_line_t *at_limit = add_line (three->lines, "b", 4, 1, 3, 1, FALSE);
  at_limit->letterspacing = 0.25 * BODY_SIZE;
  at_limit->text = g_strdup ("字距恰在限内");
  g_free (((pb_line_t *) three->lines->pdata[9])->text);
  ((pb_line_t *) three->lines->pdata[9])->text = g_strdup ("字距过宽");
  add_line (three->lines, "b", 4, 2, 3, 2, TRUE);
  add_column (three->lines, "a", 0, 48, 49);
  add_column (three->lines, "a", 0, 52, 62);
  add_column (three->lines, "a", 1, 48, 52);
  add_column (three->lines, "a", 1, 57, 60);
}

static void
fixture_clear (fixture_t *f)
{
  g_ptr_array_free (f->layout.pages, TRUE);
  g_ptr_array_free (f->layout.warnings, TRUE);
  g_hash_table_destroy (f->issue.story_by_id);
}

static const pb_page_layout_t *
page_at (const fixture_t *f, guint i)
{
  return f->layout.pages->pdata[i];
}

static void
check_story (const pb_inspection_t *found, guint index, const char *id, int overset,
             const pb_page_layout_t *p0, guint i0, const pb_page_layout_t *p1, guint i1)
{
  const pb_story_check_t *story = &g_array_index (found->stories, pb_story_check_t, index);
  g_assert_cmpstr (story->id, ==, id);
  g_assert_cmpint (story->overset_chars, ==, overset);
  g_assert_cmpuint (story->placements->len, ==, 2);
  const pb_placement_t *a = &g_array_index (story->placements, pb_placement_t, 0);
  const pb_placement_t *b = &g_array_index (story->placements, pb_placement_t, 1);
  g_assert_true (a->page == p0 && a->item == p0->items->pdata[i0]);
  g_assert_true (b->page == p1 && b->item == p1->items->pdata[i1]);
}

static void
test_inspect (void)
{
  fixture_t f;
  fixture_init (&f);
  pb_inspection_t *found = pb_inspect (&f.layout);
  g_assert_true (found->layout == &f.layout);
  g_assert_cmpint (found->overset_chars, ==, 6);
  /* Stories in the order they first appear; the guide is none. */
  g_assert_cmpuint (found->stories->len, ==, 2);
  check_story (found, 0, "a", 2, page_at (&f, 0), 0, page_at (&f, 1), 1);
  check_story (found, 1, "b", 4, page_at (&f, 0), 2, page_at (&f, 1), 0);
  /* Per page: its photos with their resolution, its lone lines. */
  g_assert_cmpuint (found->pages->len, ==, 2);
  const pb_page_check_t *one = &g_array_index (found->pages, pb_page_check_t, 0);
  const pb_page_check_t *three = &g_array_index (found->pages, pb_page_check_t, 1);
  g_assert_true (one->page == page_at (&f, 0) && three->page == page_at (&f, 1));
  g_assert_cmpuint (one->photos->len, ==, 2);
  const pb_photo_check_t *low = &g_array_index (one->photos, pb_photo_check_t, 0);
  const pb_photo_check_t *fine = &g_array_index (one->photos, pb_photo_check_t, 1);
  g_assert_true (low->image == page_at (&f, 0)->images->pdata[0]);
  g_assert_cmpfloat_with_epsilon (low->ppi, 72.0 * 500 / 251, 1e-9);
  g_assert_true (low->low);
  g_assert_cmpfloat_with_epsilon (fine->ppi, 360, 1e-9);
  g_assert_false (fine->low);
  g_assert_cmpuint (three->photos->len, ==, 0);
  g_assert_cmpuint (one->lone_lines->len, ==, 0);
  g_assert_cmpuint (three->lone_lines->len, ==, 2);
  const pb_lone_line_t *orphan = &g_array_index (three->lone_lines, pb_lone_line_t, 0);
  g_assert_true (orphan->line == page_at (&f, 1)->lines->pdata[3] && !orphan->widow);
  /* Letterspaced beyond the template's limit: only the line at 0.5 em. */
  g_assert_cmpuint (one->letterspaced->len, ==, 0);
  g_assert_cmpuint (three->letterspaced->len, ==, 1);
  const pb_loose_line_t *loose = &g_array_index (three->letterspaced, pb_loose_line_t, 0);
  g_assert_true (loose->line == page_at (&f, 1)->lines->pdata[9]);
  g_assert_cmpfloat_with_epsilon (loose->extra_em, 0.5, 1e-9);
  pb_inspection_free (found);
  fixture_clear (&f);
}

static const pb_item_fill_t *
fill_at (const pb_page_check_t *page, guint i)
{
  return &g_array_index (page->fills, pb_item_fill_t, i);
}

static void
check_fill (const pb_item_fill_t *fill, int underset, int foot0, int foot1)
{
  g_assert_cmpint (fill->column, ==, 0);
  g_assert_cmpint (fill->columns, ==, 2);
  g_assert_cmpint (fill->lines, ==, 15);
  g_assert_cmpint (fill->underset_lines, ==, underset);
  g_assert_cmpuint (fill->foot_lines->len, ==, 2);
  g_assert_cmpint (g_array_index (fill->foot_lines, int, 0), ==, foot0);
  g_assert_cmpint (g_array_index (fill->foot_lines, int, 1), ==, foot1);
}

static void
check_hole (const pb_page_check_t *page, guint i, int column, int span, int top, int lines,
            int column_lines)
{
  const pb_hole_t *hole = &g_array_index (page->holes, pb_hole_t, i);
  g_assert_cmpint (hole->column, ==, column);
  g_assert_cmpint (hole->span, ==, span);
  g_assert_cmpint (hole->top, ==, top);
  g_assert_cmpint (hole->lines, ==, lines);
  g_assert_cmpint (hole->column_lines, ==, column_lines);
}

/* Empty grid lines: an item filled by its photo, one short at its foot, gaps between contents
 * that are spacing (under PB_HOLE_LINES) or underset, the page outside the items, holes. */
static void
test_underset (void)
{
  fixture_t f;
  fixture_init (&f);
  pb_inspection_t *found = pb_inspect (&f.layout);
  const pb_page_check_t *one = &g_array_index (found->pages, pb_page_check_t, 0);
  const pb_page_check_t *three = &g_array_index (found->pages, pb_page_check_t, 1);
  g_assert_cmpuint (one->fills->len, ==, 3);
  check_fill (fill_at (one, 0), 0, 0, 0);
  g_assert_cmpint (fill_at (one, 0)->top, ==, 0);
  /* The guide: the photo above reaches its grid line 25, 26 to 30 are empty; the line inside
   * its frame's foot is its own. */
  check_fill (fill_at (one, 1), 8, 5, 5);
  g_assert_cmpint (one->map.cells[30 * GRID_COLUMNS + 0], ==, PB_CELL_SPACING);
  g_assert_cmpint (fill_at (one, 1)->top, ==, 16);
  check_fill (fill_at (one, 2), 8, 5, 3);
  check_fill (fill_at (three, 0), 24, 11, 13);
  /* Column 1: a gap of 2 lines is spacing; column 2: one of 4 is underset, then a foot of 2. */
  check_fill (fill_at (three, 1), 6, 0, 2);
  g_assert_cmpint (three->map.cells[50 * GRID_COLUMNS + 0], ==, PB_CELL_SPACING);
  g_assert_cmpint (three->map.cells[54 * GRID_COLUMNS + 1], ==, PB_CELL_UNDERSET);
  g_assert_cmpint (one->map.cells[99 * GRID_COLUMNS + 1], ==, PB_CELL_EMPTY);
  g_assert_cmpint (one->map.cells[0], ==, PB_CELL_COVERED);
  g_assert_cmpint (found->underset_lines, ==, 46);
  const pb_story_check_t *a = &g_array_index (found->stories, pb_story_check_t, 0);
  const pb_story_check_t *b = &g_array_index (found->stories, pb_story_check_t, 1);
  g_assert_cmpint (a->underset_lines, ==, 6);
  g_assert_cmpint (b->underset_lines, ==, 32);
  /* Page 1: the guide's foot stops at the rule (4 lines above it, its own line and grid line
   * 31 under it); column 3 under the photo and column 4 all down; columns 1 and 2 under "b". */
  g_assert_cmpint (one->empty_column_lines, ==, 8 + 8 + 2 + 2 * 53 + 2 + 5);
  g_assert_cmpuint (one->holes->len, ==, 3);
  check_hole (one, 0, 3, 1, 5, 5, 5);
  check_hole (one, 1, 0, 2, 26, 4, 8);
  check_hole (one, 2, 0, 2, 42, GRID_LINES - 42, 5 + 3 + 2 * 53);
  const pb_hole_t *h = &g_array_index (one->holes, pb_hole_t, 1);
  g_assert_cmpfloat (h->area.x, ==, 10);
  g_assert_cmpfloat (h->area.y, ==, GRID_TOP + 26 * LEADING);
  g_assert_cmpfloat (h->area.w, ==, 2 * COLUMN_W + GUTTER);
  g_assert_cmpfloat (h->area.h, ==, 4 * LEADING);
  /* Page 3: all but its 31 lines and the 2 lines of spacing between them. */
  g_assert_cmpint (three->empty_column_lines, ==, GRID_COLUMNS * GRID_LINES - 31 - 2);
  pb_inspection_free (found);
  fixture_clear (&f);
}

/* Stacked stories: the blank line at the foot of the story above is the space between them,
 * not underset; a longer run at its foot is underset but for that line. */
static void
test_stacked (void)
{
  fixture_t f;
  fixture_init (&f);
  g_ptr_array_set_size (f.layout.pages, 0);
  pb_page_layout_t *page = add_page (&f, 2);
  add_item (page, PB_ITEM_STORY, "b", 20, 0);   /* grid lines 0 to 14 */
  add_item (page, PB_ITEM_STORY, "a", 170, 0);  /* 15 to 29, right under it */
  add_column (page->lines, "b", 0, 0, 13);
  add_column (page->lines, "b", 1, 0, 11);
  add_column (page->lines, "a", 0, 15, 29);
  add_column (page->lines, "a", 1, 15, 28);
  pb_inspection_t *found = pb_inspect (&f.layout);
  const pb_page_check_t *two = &g_array_index (found->pages, pb_page_check_t, 0);
  const pb_item_fill_t *above = fill_at (two, 0), *below = fill_at (two, 1);
  g_assert_cmpint (above->underset_lines, ==, 2);
  g_assert_cmpint (g_array_index (above->foot_lines, int, 0), ==, 1);
  g_assert_cmpint (g_array_index (above->foot_lines, int, 1), ==, 3);
  g_assert_cmpint (two->map.cells[14 * GRID_COLUMNS + 0], ==, PB_CELL_SPACING);
  g_assert_cmpint (two->map.cells[14 * GRID_COLUMNS + 1], ==, PB_CELL_SPACING);
  g_assert_cmpint (two->map.cells[12 * GRID_COLUMNS + 1], ==, PB_CELL_UNDERSET);
  /* Nothing starts under the lower story: its foot line is underset. */
  g_assert_cmpint (below->underset_lines, ==, 1);
  g_assert_cmpint (two->map.cells[29 * GRID_COLUMNS + 1], ==, PB_CELL_UNDERSET);
  pb_inspection_free (found);
  fixture_clear (&f);
}

/* The whole report, byte for byte: member order and number formatting are what hosts read. */
static void
test_report (void)
{
  fixture_t f;
  fixture_init (&f);
  pb_inspection_t *found = pb_inspect (&f.layout);
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (pb_diag_free);
  g_ptr_array_add (warnings, pb_diag_from_warning ("issue.json:1:2: story \"lead\" is overset "
                                                   "by 12 characters on page 1"));
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (pb_diag_free);
  g_ptr_array_add (errors, pb_diag_new ("overset", "12 characters are overset (strict mode)"));
  pb_prepress_stats_t print = { 1, 2, 3, 4, "Artifex CMYK SWOP", 0.5, 0 };
  pb_job_figures_t job = { TRUE, "12 characters are overset (strict mode)", errors, warnings,
                           &print, { 0.25, 1.5, 2, 0.125, 3, 0.75 }, NULL, NULL };
  g_autofree char *report = pb_report_json (found, &job);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "inspect", "report.json",
                                                 NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) parts = g_strsplit (g_strchomp (text), "@VERSION@", -1);
  g_autofree char *expected = g_strjoinv (PAIBAN_VERSION, parts);
  g_assert_cmpstr (report, ==, expected);

  /* Without a layout: no pages, articles, photos or print; no print PDF: no "print". */
  g_autofree char *bare = pb_report_json (NULL, &job);
  g_assert_null (strstr (bare, "\"pages\""));
  g_assert_nonnull (strstr (bare, "\"warnings\""));
  job.print = NULL;
  job.failed = FALSE;
  job.error = NULL;
  job.errors = NULL;
  g_autofree char *unprinted = pb_report_json (found, &job);
  g_assert_null (strstr (unprinted, "\"print\""));
  g_assert_null (strstr (unprinted, "\"error\""));
  g_assert_nonnull (strstr (unprinted, "\"status\" : \"ok\""));
  pb_inspection_free (found);
  fixture_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inspect/ppi", test_ppi);
  g_test_add_func ("/inspect/lone-lines", test_lone_lines);
  g_test_add_func ("/inspect/layout", test_inspect);
  g_test_add_func ("/inspect/underset", test_underset);
  g_test_add_func ("/inspect/stacked", test_stacked);
  g_test_add_func ("/report/json", test_report);
  return g_test_run ();
}
