#include "inspect.h"

#include <math.h>
#include <string.h>
#include "fonts.h"
#include "prepress.h"

double
pb_image_ppi (const pb_image_t *image)
{
  const pb_rect_t *f = &image->frame, *s = &image->src;
  if (f->w <= 0 || f->h <= 0)
    return 0;
  return PB_PT_PER_INCH * MIN (s->w / f->w, s->h / f->h);
}

/* ---- lone lines ---- */

/* The body lines of one story in one column: the baselines of its first and last line. */
typedef struct {
  const char *story;
  int column;
  double top, bottom;
} pb_extent_t;

static guint
extent_hash (gconstpointer p)
{
  const pb_extent_t *e = p;
  return (e->story ? g_str_hash (e->story) : 0) * 31 + (guint) e->column;
}

static gboolean
extent_equal (gconstpointer a, gconstpointer b)
{
  const pb_extent_t *x = a, *y = b;
  return x->column == y->column && g_strcmp0 (x->story, y->story) == 0;
}

static gboolean
is_body (const pb_line_t *line)
{
  return line->role == PB_ROLE_BODY && line->block >= 0 && line->column >= 0;
}

/* The extent of each story's body in each column of `page`; keys and values are the same
 * extents. */
static GHashTable *
body_extents (const pb_page_layout_t *page)
{
  GHashTable *extent = g_hash_table_new_full (extent_hash, extent_equal, NULL, g_free);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (!is_body (line))
        continue;
      pb_extent_t key = { line->story_id, line->column, 0, 0 };
      pb_extent_t *e = g_hash_table_lookup (extent, &key);
      if (!e)
        {
          e = g_new (pb_extent_t, 1);
          *e = (pb_extent_t) { line->story_id, line->column, line->baseline, line->baseline };
          g_hash_table_add (extent, e);
        }
      else
        {
          e->top = MIN (e->top, line->baseline);
          e->bottom = MAX (e->bottom, line->baseline);
        }
    }
  return extent;
}

GArray *
pb_lone_lines (const pb_page_layout_t *page)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pb_lone_line_t));
  GHashTable *extent = body_extents (page);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (!is_body (line))
        continue;
      pb_extent_t key = { line->story_id, line->column, 0, 0 };
      const pb_extent_t *e = g_hash_table_lookup (extent, &key);
      gboolean first = line->baseline == e->top, last = line->baseline == e->bottom;
      if (first && last)
        continue; /* a column of one line is not a break */
      pb_lone_line_t lone = { line, FALSE };
      if (line->para_end && line->line_no > 0 && first)
        lone.widow = TRUE;
      else if (line->line_no == 0 && !line->para_end && last)
        lone.widow = FALSE;
      else
        continue;
      g_array_append_val (found, lone);
    }
  g_hash_table_destroy (extent);
  return found;
}

/* ---- empty grid lines ---- */

/* Overlaps of at most this (pt) cover no cell: an em box touching a grid line, a frame's edge
 * on a column edge. */
#define COVER_EPSILON 0.5

pb_rect_t
pb_cell_rect (const pb_page_layout_t *page, int column, int line, int columns, int lines)
{
  const pb_template_t *t = page->tmpl;
  double x0 = pb_column_x (t, column);
  double x1 = pb_column_x (t, column + columns - 1) + t->column_width;
  return (pb_rect_t) { x0, page->grid_top + line * t->leading, x1 - x0, lines * t->leading };
}

static gboolean
overlaps (double a0, double a1, double b0, double b1)
{
  return MIN (a1, b1) - MAX (a0, b0) > COVER_EPSILON;
}

/* The cell of `cells` (map->cells or map->ruled) at `column`, `line`. */
static guint8 *
cell_of (guint8 *cells, const pb_cell_map_t *map, int column, int line)
{
  return &cells[line * map->columns + column];
}

static guint8 *
cell_at (const pb_cell_map_t *map, int column, int line)
{
  return cell_of (map->cells, map, column, line);
}

/* Covers the cells `r` overlaps: in page column `column` only when it is 0 or more. */
static void
cover (pb_cell_map_t *map, const pb_page_layout_t *page, const pb_rect_t *r, int column)
{
  for (int c = 0; c < map->columns; c++)
    {
      pb_rect_t col = pb_cell_rect (page, c, 0, 1, map->lines);
      if (column >= 0 ? c != column : !overlaps (r->x, r->x + r->w, col.x, col.x + col.w))
        continue;
      for (int l = 0; l < map->lines; l++)
        {
          double y = col.y + l * page->tmpl->leading;
          if (overlaps (r->y, r->y + r->h, y, y + page->tmpl->leading))
            *cell_at (map, c, l) = PB_CELL_COVERED;
        }
    }
}

/* Marks the cells a horizontal rule runs along the top edge of: those under the grid line
 * nearest to it, in the columns it crosses. */
static void
rule_cells (pb_cell_map_t *map, const pb_page_layout_t *page, const pb_rule_t *rule)
{
  if (rule->y0 != rule->y1)
    return;
  int line = (int) lround ((rule->y0 - page->grid_top) / page->tmpl->leading);
  if (line <= 0 || line >= map->lines)
    return;
  for (int c = 0; c < map->columns; c++)
    {
      pb_rect_t col = pb_cell_rect (page, c, 0, 1, 1);
      if (overlaps (MIN (rule->x0, rule->x1), MAX (rule->x0, rule->x1), col.x, col.x + col.w))
        *cell_of (map->ruled, map, c, line) = 1;
    }
}

/* The grid of `page` with what its lines and photos cover and its head band; nothing else
 * told apart yet (uncovered cells are PB_CELL_EMPTY). */
static pb_cell_map_t
cover_page (const pb_page_layout_t *page)
{
  const pb_template_t *t = page->tmpl;
  pb_cell_map_t map = { 0, 0, NULL, NULL };
  if (!t || t->columns <= 0 || t->lines <= 0 || t->leading <= 0)
    return map;
  map.columns = t->columns;
  map.lines = t->lines;
  map.cells = g_new (guint8, map.columns * map.lines);
  memset (map.cells, PB_CELL_EMPTY, map.columns * map.lines);
  map.ruled = g_new0 (guint8, map.columns * map.lines);
  int head = page->plan ? MIN (pb_page_head_lines (page->plan), map.lines) : 0;
  memset (map.cells, PB_CELL_HEAD, head * map.columns);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      pb_rect_t em = pb_line_box (line);
      cover (&map, page, &em, line->column);
    }
  for (guint i = 0; i < page->images->len; i++)
    cover (&map, page, &((const pb_image_t *) page->images->pdata[i])->frame, -1);
  for (guint i = 0; i < page->rules->len; i++)
    rule_cells (&map, page, page->rules->pdata[i]);
  return map;
}

static gboolean
uncovered (guint8 cell)
{
  return cell != PB_CELL_COVERED && cell != PB_CELL_HEAD;
}

/* The cells of `map` whose centre lies in `area`: first and count along one axis, where cell
 * i spans [origin + i * step, origin + (i + 1) * step]. */
static void
cells_in (double origin, double step, int n, double from, double size, int *first, int *count)
{
  *first = 0;
  *count = 0;
  for (int i = 0; i < n; i++)
    {
      double mid = origin + (i + 0.5) * step;
      if (mid < from || mid > from + size)
        continue;
      if (*count == 0)
        *first = i;
      ++*count;
    }
}

/* The underset of one column of an item: each run of uncovered cells that reaches its foot or
 * is `hole` lines long is underset, a shorter one its spacing, and so are the last `space`
 * lines at its foot. Returns the run at the foot. */
static int
fill_column (pb_cell_map_t *map, int column, int top, int lines, int hole, int space,
             int *underset)
{
  int foot = 0;
  for (int l = top; l < top + lines;)
    {
      if (!uncovered (*cell_at (map, column, l)))
        {
          l++;
          continue;
        }
      int end = l;
      while (end < top + lines && uncovered (*cell_at (map, column, end)))
        end++;
      gboolean at_foot = end == top + lines;
      gboolean counted = at_foot || end - l >= hole;
      for (int k = l; k < end; k++)
        {
          gboolean spacing = !counted || (at_foot && k >= end - space);
          *cell_at (map, column, k) = spacing ? PB_CELL_SPACING : PB_CELL_UNDERSET;
          *underset += !spacing;
        }
      if (at_foot)
        foot = end - l;
      l = end;
    }
  return foot;
}

/* Whether an item of the page starts on grid line `line` of page column `column`: the item
 * above it is stacked on it. */
static gboolean
item_starts_at (const pb_cell_map_t *map, const pb_page_layout_t *page, int column, int line)
{
  const pb_template_t *t = page->tmpl;
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_rect_t *a = &((const pb_placed_item_t *) page->items->pdata[i])->area;
      int c0, nc, l0, nl;
      cells_in (pb_column_x (t, 0), t->column_width + t->gutter, map->columns, a->x, a->w, &c0,
                &nc);
      cells_in (page->grid_top, t->leading, map->lines, a->y, a->h, &l0, &nl);
      if (nl > 0 && l0 == line && column >= c0 && column < c0 + nc)
        return TRUE;
    }
  return FALSE;
}

static pb_item_fill_t
fill_item (pb_cell_map_t *map, const pb_page_layout_t *page, const pb_placed_item_t *item)
{
  pb_item_fill_t fill = { item, 0, 0, 0, 0, 0, g_array_new (FALSE, TRUE, sizeof (int)) };
  if (!map->cells)
    return fill;
  const pb_template_t *t = page->tmpl;
  const pb_rect_t *a = &item->area;
  cells_in (pb_column_x (t, 0), t->column_width + t->gutter, map->columns, a->x, a->w,
            &fill.column, &fill.columns);
  cells_in (page->grid_top, t->leading, map->lines, a->y, a->h, &fill.top, &fill.lines);
  /* A guide box spreads its entries over its height: the space between them and the line
   * inside its frame's foot are its own. */
  gboolean guide = item->kind == PB_ITEM_GUIDE;
  int hole = guide ? G_MAXINT : PB_HOLE_LINES;
  for (int c = fill.column; c < fill.column + fill.columns; c++)
    {
      /* A box's inset lines at its top and foot are its own spacing; its story is measured
       * inside them. */
      int inset = MIN (item->inset, fill.lines / 2);
      for (int k = 0; k < inset; k++)
        {
          guint8 *top = cell_at (map, c, fill.top + k);
          guint8 *foot = cell_at (map, c, fill.top + fill.lines - 1 - k);
          *top = uncovered (*top) ? PB_CELL_SPACING : *top;
          *foot = uncovered (*foot) ? PB_CELL_SPACING : *foot;
        }
      gboolean stacked = guide || (!inset && item_starts_at (map, page, c, fill.top + fill.lines));
      int foot = fill_column (map, c, fill.top + inset, fill.lines - 2 * inset, hole,
                              stacked ? PB_ITEM_SPACE_LINES : 0, &fill.underset_lines);
      g_array_append_val (fill.foot_lines, foot);
    }
  return fill;
}

gboolean
pb_cell_counted (guint8 cell)
{
  return cell == PB_CELL_UNDERSET || cell == PB_CELL_EMPTY;
}

/* A run of counted cells in one column: lines [top, end). */
typedef struct {
  int column, top, end;
  int group;                     /* index of the first run of its hole */
} empty_run_t;

/* The runs of at least PB_HOLE_LINES counted cells, column by column. */
static GArray *
empty_runs (const pb_cell_map_t *map)
{
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (empty_run_t));
  for (int c = 0; c < map->columns; c++)
    for (int l = 0; l < map->lines;)
      {
        int end = l;
        while (end < map->lines && pb_cell_counted (*cell_at (map, c, end))
               && (end == l || !*cell_of (map->ruled, map, c, end)))
          end++;
        if (end - l >= PB_HOLE_LINES)
          {
            empty_run_t run = { c, l, end, runs->len };
            g_array_append_val (runs, run);
          }
        l = MAX (end, l + 1);
      }
  return runs;
}

static int
group_of (GArray *runs, int i)
{
  while (g_array_index (runs, empty_run_t, i).group != i)
    i = g_array_index (runs, empty_run_t, i).group;
  return i;
}

static gint
hole_order (gconstpointer a, gconstpointer b)
{
  const pb_hole_t *x = a, *y = b;
  return x->top != y->top ? x->top - y->top : x->column - y->column;
}

/* Runs in neighbouring columns that share PB_HOLE_LINES lines make one hole, as an eye sees
 * one empty area even where its top or foot is ragged. */
static GArray *
find_holes (const pb_page_layout_t *page, const pb_cell_map_t *map)
{
  GArray *runs = empty_runs (map);
  for (guint i = 0; i < runs->len; i++)
    for (guint j = 0; j < i; j++)
      {
        empty_run_t *a = &g_array_index (runs, empty_run_t, i);
        const empty_run_t *b = &g_array_index (runs, empty_run_t, j);
        if (b->column == a->column - 1
            && MIN (a->end, b->end) - MAX (a->top, b->top) >= PB_HOLE_LINES)
          g_array_index (runs, empty_run_t, group_of (runs, i)).group = group_of (runs, j);
      }
  GArray *holes = g_array_new (FALSE, FALSE, sizeof (pb_hole_t));
  for (guint g = 0; g < runs->len; g++)
    {
      if (group_of (runs, g) != (int) g)
        continue;
      pb_hole_t hole = { .column = G_MAXINT, .top = G_MAXINT };
      int last_column = 0, end = 0;
      for (guint i = 0; i < runs->len; i++)
        {
          const empty_run_t *r = &g_array_index (runs, empty_run_t, i);
          if (group_of (runs, i) != (int) g)
            continue;
          hole.column = MIN (hole.column, r->column);
          last_column = MAX (last_column, r->column);
          hole.top = MIN (hole.top, r->top);
          end = MAX (end, r->end);
          hole.lines = MAX (hole.lines, r->end - r->top);
          hole.column_lines += r->end - r->top;
        }
      hole.span = last_column - hole.column + 1;
      hole.area = pb_cell_rect (page, hole.column, hole.top, hole.span, end - hole.top);
      g_array_append_val (holes, hole);
    }
  g_array_unref (runs);
  g_array_sort (holes, hole_order);
  return holes;
}

static void
item_fill_clear (gpointer p)
{
  g_array_unref (((pb_item_fill_t *) p)->foot_lines);
}

/* The grid of `check->page`, its items' fills, its empty cells and holes. */
static void
check_fill (pb_page_check_t *check)
{
  const pb_page_layout_t *page = check->page;
  check->map = cover_page (page);
  check->fills = g_array_sized_new (FALSE, FALSE, sizeof (pb_item_fill_t), page->items->len);
  g_array_set_clear_func (check->fills, item_fill_clear);
  for (guint i = 0; i < page->items->len; i++)
    {
      pb_item_fill_t fill = fill_item (&check->map, page, page->items->pdata[i]);
      g_array_append_val (check->fills, fill);
    }
  check->empty_column_lines = 0;
  for (int i = 0; i < check->map.columns * check->map.lines; i++)
    check->empty_column_lines += pb_cell_counted (check->map.cells[i]);
  check->holes = find_holes (page, &check->map);
}

/* ---- letterspaced lines ---- */

/* Letterspacing closer than this to the limit (em) is within it: the limit's own lines. */
#define LETTERSPACING_EPSILON_EM 0.001

GArray *
pb_letterspaced_lines (const pb_page_layout_t *page)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (pb_loose_line_t));
  const pb_template_t *t = page->tmpl;
  for (guint i = 0; t && t->body_size > 0 && i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      double extra = line->letterspacing / t->body_size;
      if (is_body (line)
          && extra > t->letterspacing_limit / t->body_size + LETTERSPACING_EPSILON_EM)
        {
          pb_loose_line_t loose = { line, extra };
          g_array_append_val (found, loose);
        }
    }
  return found;
}

/* ---- the whole layout ---- */

static GArray *
check_photos (const pb_page_layout_t *page)
{
  GArray *photos = g_array_sized_new (FALSE, FALSE, sizeof (pb_photo_check_t), page->images->len);
  for (guint i = 0; i < page->images->len; i++)
    {
      const pb_image_t *image = page->images->pdata[i];
      double ppi = pb_image_ppi (image);
      pb_photo_check_t check = { image, ppi, ppi < PB_MIN_PPI };
      g_array_append_val (photos, check);
    }
  return photos;
}

static void
page_check_clear (gpointer p)
{
  pb_page_check_t *check = p;
  g_array_unref (check->lone_lines);
  g_array_unref (check->letterspaced);
  g_array_unref (check->photos);
  g_array_unref (check->fills);
  g_array_unref (check->holes);
  g_free (check->map.cells);
  g_free (check->map.ruled);
}

static void
story_check_clear (gpointer p)
{
  g_array_unref (((pb_story_check_t *) p)->placements);
}

/* Adds the items of `check`'s page to their stories, a story new to the inspection at the end;
 * `index` maps story ids to their place in inspection->stories. */
static void
place_items (pb_inspection_t *inspection, GHashTable *index, const pb_page_check_t *check)
{
  const pb_page_layout_t *page = check->page;
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *item = page->items->pdata[i];
      int underset = g_array_index (check->fills, pb_item_fill_t, i).underset_lines;
      inspection->overset_chars += item->overset_chars;
      inspection->underset_lines += underset;
      if (!item->story_id)
        continue;
      gpointer at;
      if (!g_hash_table_lookup_extended (index, item->story_id, NULL, &at))
        {
          at = GUINT_TO_POINTER (inspection->stories->len);
          g_hash_table_insert (index, (gpointer) item->story_id, at);
          pb_story_check_t story = { item->story_id,
                                     g_array_new (FALSE, FALSE, sizeof (pb_placement_t)), 0,
                                     0 };
          g_array_append_val (inspection->stories, story);
        }
      pb_story_check_t *story = &g_array_index (inspection->stories, pb_story_check_t,
                                                GPOINTER_TO_UINT (at));
      pb_placement_t placement = { page, item };
      g_array_append_val (story->placements, placement);
      story->overset_chars += item->overset_chars;
      story->underset_lines += underset;
    }
}

pb_inspection_t *
pb_inspect (const pb_layout_t *layout)
{
  pb_inspection_t *inspection = g_new0 (pb_inspection_t, 1);
  inspection->layout = layout;
  inspection->pages = g_array_sized_new (FALSE, FALSE, sizeof (pb_page_check_t),
                                         layout->pages->len);
  g_array_set_clear_func (inspection->pages, page_check_clear);
  inspection->stories = g_array_new (FALSE, FALSE, sizeof (pb_story_check_t));
  g_array_set_clear_func (inspection->stories, story_check_clear);
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      pb_page_check_t check = { .page = page, .lone_lines = pb_lone_lines (page),
                                .letterspaced = pb_letterspaced_lines (page),
                                .photos = check_photos (page) };
      check_fill (&check);
      g_array_append_val (inspection->pages, check);
      place_items (inspection, index, &check);
    }
  g_hash_table_destroy (index);
  return inspection;
}

void
pb_inspection_free (pb_inspection_t *inspection)
{
  if (!inspection)
    return;
  g_array_unref (inspection->pages);
  g_array_unref (inspection->stories);
  g_free (inspection);
}
