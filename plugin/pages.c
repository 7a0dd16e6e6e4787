/* Pages being made: a page of the plan with nothing on it yet, its release, and what a
 * scratch page (where an element is set before it is known to fit) hands over. */
#include "pages.h"

#include "setting.h"

static void
image_free (pb_image_t *image)
{
  cairo_surface_destroy (image->surface);
  g_free (image);
}

pb_page_layout_t *
pb_page_new (const pb_page_t *plan)
{
  const pb_template_t *t = plan->tmpl;
  pb_page_layout_t *page = g_new0 (pb_page_layout_t, 1);
  page->number = plan->number;
  page->plan = plan;
  page->tmpl = t;
  page->width = t->trim_w;
  page->height = t->trim_h;
  page->grid_top = t->margin_top;
  page->type_area = (pb_rect_t) { pb_column_x (t, 0), t->margin_top, pb_columns_width (t),
                                  pb_page_grid_lines (t) * t->leading };
  page->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  page->images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_free);
  page->rules = g_ptr_array_new_with_free_func (g_free);
  page->boxes = g_ptr_array_new_with_free_func (g_free);
  page->items = g_ptr_array_new_with_free_func (g_free);
  return page;
}

void
pb_page_free (pb_page_layout_t *page)
{
  g_ptr_array_free (page->lines, TRUE);
  g_ptr_array_free (page->images, TRUE);
  g_ptr_array_free (page->rules, TRUE);
  g_ptr_array_free (page->boxes, TRUE);
  g_ptr_array_free (page->items, TRUE);
  if (page->makeup)
    g_array_unref (page->makeup->choices);
  g_free (page->makeup);
  g_free (page);
}

void
pb_move_all (GPtrArray *to, GPtrArray *from)
{
  gsize n = 0;
  gpointer *items = g_ptr_array_steal (from, &n);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add (to, items[i]);
  g_free (items);
}

void
pb_scratch_commit (pb_page_layout_t *page, pb_page_layout_t *scratch)
{
  pb_move_all (page->lines, scratch->lines);
  pb_move_all (page->images, scratch->images);
  pb_page_free (scratch);
}

int
pb_lines_chars (const GPtrArray *lines)
{
  int n = 0;
  for (guint i = 0; i < lines->len; i++)
    n += pb_count_chars (((pb_line_t *) lines->pdata[i])->text);
  return n;
}
