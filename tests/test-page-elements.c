/* The page elements of tests/layout/elements.json, logo.json and photo-group.json, asserted on
 * the layout result: a boxed story's frame, inset, tint and reversed bar; photos inside the
 * text with the text of their columns flowing above and below them; column rules in the
 * gutters; the masthead logo; photo groups in a row and a grid. */
#include <math.h>
#include <string.h>
#include "fonts.h"
#include "laid-out.h"
#include "setting.h"

static pb_fonts_t *fonts;

static const double EPS = 0.01;
/* The spot colour 报头红 of the elements template (C0 M100 Y100 K10) as it shows on screens. */
static const guint32 SPOT_RGB = 0xE60000;

/* Case `name` of tests/layout. */
static laid_t
lay_out (const char *name)
{
  g_autofree char *path = g_build_filename ("tests", "layout", name, NULL);
  return lay_out_file (fonts, path);
}

static const pb_placed_item_t *
item_of (const pb_page_layout_t *page, const char *story)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *it = page->items->pdata[i];
      if (g_strcmp0 (it->story_id, story) == 0)
        return it;
    }
  g_assert_not_reached ();
}

static gboolean
overlaps (const pb_rect_t *a, const pb_rect_t *b)
{
  return a->x + EPS < b->x + b->w && b->x + EPS < a->x + a->w && a->y + EPS < b->y + b->h
         && b->y + EPS < a->y + a->h;
}

static gboolean
is_heading (pb_role_t role)
{
  return role == PB_ROLE_KICKER || role == PB_ROLE_HEADLINE || role == PB_ROLE_SUBTITLE;
}

/* The box of story "boxed": double, in the gutters beside its two columns and through the
 * middle of its first and last grid lines, 12% of the spot colour, the headlines white on a
 * bar of it; the body inside the inset, above and below and at the sides. */
static void
test_box (void)
{
  laid_t l = lay_out ("elements.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[0];
  const pb_template_t *t = page->tmpl;
  const pb_placed_item_t *item = item_of (page, "boxed");
  g_assert_cmpint (item->inset, ==, 1);
  const pb_box_t *box = NULL;
  for (guint i = 0; i < page->boxes->len; i++)
    if (((const pb_box_t *) page->boxes->pdata[i])->inset > 0)
      box = page->boxes->pdata[i];
  g_assert_nonnull (box);
  const pb_rect_t *a = &item->area, *r = &box->rect;
  g_assert_cmpint (box->style, ==, PB_BOX_DOUBLE);
  g_assert_cmpfloat_with_epsilon (r->x, a->x - t->gutter / 2, EPS);
  g_assert_cmpfloat_with_epsilon (r->w, a->w + t->gutter, EPS);
  g_assert_cmpfloat_with_epsilon (r->y, a->y + t->leading / 2, EPS);
  g_assert_cmpfloat_with_epsilon (r->h, a->h - t->leading, EPS);
  g_assert_cmphex (box->color, ==, SPOT_RGB);
  g_assert_cmpfloat_with_epsilon (box->tint, 0.12, 1e-9);
  g_assert_cmpfloat_with_epsilon (box->bar.y, r->y, EPS);
  g_assert_cmpfloat_with_epsilon (box->bar.w, r->w, EPS);
  int headings = 0, body = 0;
  double left = G_MAXDOUBLE, right = 0;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (g_strcmp0 (line->story_id, "boxed") != 0)
        continue;
      pb_rect_t em = pb_line_box (line);
      if (is_heading (line->role))
        {
          headings++;
          g_assert_cmphex (line->color, ==, 0xFFFFFF);
          g_assert_cmpfloat (em.y, >=, box->bar.y - EPS);
          g_assert_cmpfloat (em.y + em.h, <=, box->bar.y + box->bar.h + EPS);
        }
      else if (line->role == PB_ROLE_BODY)
        {
          body++;
          /* Under the bar, and inside the inset: a line of the grid clear of the frame. */
          g_assert_cmpfloat (em.y, >=, box->bar.y + box->bar.h - EPS);
          g_assert_cmpfloat (em.y, >=, a->y + item->inset * t->leading - EPS);
          g_assert_cmpfloat (em.y + em.h, <=, a->y + a->h - item->inset * t->leading + EPS);
          /* Its sides narrow the text: the lines a grid line's width of points inside them, in
           * columns of whole characters (11 of the template's 12), centred in the box. */
          g_assert_cmpfloat (em.x, >=, r->x + item->inset * t->leading - EPS);
          g_assert_cmpfloat (em.x + em.w, <=, r->x + r->w - item->inset * t->leading + EPS);
          g_assert_cmpfloat_with_epsilon (line->measure, 11 * t->body_size, EPS);
          left = MIN (left, line->x);
          right = MAX (right, line->x + line->measure);
        }
    }
  g_assert_cmpint (headings, ==, 3);
  g_assert_cmpint (body, >, 20);
  g_assert_cmpfloat_with_epsilon (left - r->x, r->x + r->w - right, EPS);
  g_assert_cmpfloat_with_epsilon (right - left, 2 * 11 * t->body_size + t->gutter, EPS);
  laid_clear (&l);
}

/* Story "photos": its three photos placed, the second where the item's inset_photos puts it
 * (columns 1–2, line 34, 6 lines), the third inside the text by the layout; no body line
 * crosses a photo, a grid line stays free above each inset, and the text of the columns they
 * cover goes on under them. */
static void
test_inset_photos (void)
{
  laid_t l = lay_out ("elements.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[0];
  const pb_template_t *t = page->tmpl;
  const pb_placed_item_t *item = item_of (page, "photos");
  const pb_story_t *story = g_hash_table_lookup (l.issue->story_by_id, "photos");
  g_assert_cmpuint (page->images->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_true (((const pb_image_t *) page->images->pdata[i])->photo
                   == story->photos->pdata[i]);
  const pb_image_t *given = page->images->pdata[1];
  g_assert_cmpfloat_with_epsilon (given->frame.x, pb_column_x (t, 0), EPS);
  g_assert_cmpfloat_with_epsilon (given->frame.w, 2 * t->column_width + t->gutter, EPS);
  g_assert_cmpfloat_with_epsilon (given->frame.y, item->area.y + 34 * t->leading, EPS);
  g_assert_cmpfloat_with_epsilon (given->frame.h, 6 * t->leading, EPS);
  for (guint k = 1; k < 3; k++)
    {
      const pb_rect_t *f = &((const pb_image_t *) page->images->pdata[k])->frame;
      double above = 0, below = G_MAXDOUBLE;
      for (guint i = 0; i < page->lines->len; i++)
        {
          const pb_line_t *line = page->lines->pdata[i];
          if (line->role != PB_ROLE_BODY)
            continue;
          pb_rect_t em = pb_line_box (line);
          g_assert_false (overlaps (&em, f));
          if (em.x + EPS < f->x || em.x + EPS > f->x + f->w)
            continue;
          if (em.y < f->y)
            above = MAX (above, em.y + em.h);
          else
            below = MIN (below, em.y);
        }
      g_assert_cmpfloat (above, <=, f->y - t->leading + EPS);
      g_assert_cmpfloat (below, <, item->area.y + item->area.h);
    }
  laid_clear (&l);
}

/* Column rules: the template's default in the photos item (not in the boxed item, which turns
 * them off), each down the middle of a gutter in the spot colour, crossing no photo and no
 * line. */
static void
test_column_rules (void)
{
  laid_t l = lay_out ("elements.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[0];
  const pb_template_t *t = page->tmpl;
  const pb_rect_t *photos = &item_of (page, "photos")->area;
  const pb_rect_t *boxed = &item_of (page, "boxed")->area;
  int n = 0;
  for (guint i = 0; i < page->rules->len; i++)
    {
      const pb_rule_t *rule = page->rules->pdata[i];
      if (rule->x0 != rule->x1)
        continue;
      n++;
      g_assert_cmphex (rule->color, ==, SPOT_RGB);
      g_assert_cmpfloat (rule->x0, >, photos->x);
      g_assert_cmpfloat (rule->x0, <, photos->x + photos->w);
      g_assert_false (rule->x0 > boxed->x - t->gutter && rule->x0 < boxed->x + boxed->w);
      double in_column = fmod (rule->x0 - pb_column_x (t, 0), t->column_width + t->gutter);
      g_assert_cmpfloat_with_epsilon (in_column, t->column_width + t->gutter / 2, EPS);
      pb_rect_t r = { rule->x0 - rule->width / 2, rule->y0, rule->width, rule->y1 - rule->y0 };
      for (guint k = 0; k < page->images->len; k++)
        g_assert_false (overlaps (&r, &((const pb_image_t *) page->images->pdata[k])->frame));
      for (guint k = 0; k < page->lines->len; k++)
        {
          pb_rect_t em = pb_line_box (page->lines->pdata[k]);
          g_assert_false (overlaps (&r, &em));
        }
    }
  g_assert_cmpint (n, >=, 3);
  laid_clear (&l);
}

/* The masthead logo: in the spot colour through its coverage, as high as the masthead's lines
 * but the last at most, at the type area's left, in place of the paper's name. */
static void
test_logo (void)
{
  laid_t l = lay_out ("logo.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[0];
  const pb_template_t *t = page->tmpl;
  const pb_image_t *logo = page->images->pdata[0];
  g_assert_true (logo->photo == l.issue->logo);
  g_assert_true (logo->mask);
  g_assert_cmpint (cairo_image_surface_get_format (logo->surface), ==, CAIRO_FORMAT_A8);
  g_assert_cmphex (logo->color, ==, SPOT_RGB);
  g_assert_cmpfloat_with_epsilon (logo->frame.x, page->type_area.x, EPS);
  g_assert_cmpfloat (logo->frame.y, >=, page->grid_top - EPS);
  g_assert_cmpfloat (logo->frame.y + logo->frame.h, <=,
                     page->grid_top + (t->masthead_lines - 1) * t->leading + EPS);
  g_assert_cmpfloat (logo->frame.w, <=, page->type_area.w * 0.6 + EPS);
  /* The frame keeps the image's aspect. */
  double aspect = (double) cairo_image_surface_get_width (logo->surface)
                  / cairo_image_surface_get_height (logo->surface);
  g_assert_cmpfloat_with_epsilon (logo->frame.w / logo->frame.h, aspect, 1e-6);
  for (guint i = 0; i < page->lines->len; i++)
    g_assert_cmpint (((const pb_line_t *) page->lines->pdata[i])->role, !=,
                     PB_ROLE_MASTHEAD_TITLE);
  laid_clear (&l);
}

/* The photo groups of photo-group.json: a row of three over the item's four columns, a grid of
 * two by two over two; the cells share the width a gutter apart, a row's frames level, each
 * caption under its photo, the group caption right under them all across the group. */
static void
test_photo_group (void)
{
  laid_t l = lay_out ("photo-group.json");
  const pb_page_layout_t *page = l.layout->pages->pdata[0];
  const pb_template_t *t = page->tmpl;
  struct { const char *story; int per_row, n; } groups[] = { { "row", 3, 3 }, { "grid", 2, 4 } };
  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      const pb_placed_item_t *item = item_of (page, groups[g].story);
      double w = (item->area.w - (groups[g].per_row - 1) * t->gutter) / groups[g].per_row;
      const pb_image_t *cells[4];
      int n = 0;
      for (guint i = 0; i < page->images->len; i++)
        if (g_strcmp0 (((const pb_image_t *) page->images->pdata[i])->story_id,
                       groups[g].story) == 0)
          cells[n++] = page->images->pdata[i];
      g_assert_cmpint (n, ==, groups[g].n);
      double last_caption = 0, group_caption = 0;
      for (int k = 0; k < n; k++)
        {
          const pb_rect_t *f = &cells[k]->frame;
          int row = k / groups[g].per_row, col = k % groups[g].per_row;
          g_assert_cmpfloat_with_epsilon (f->w, w, EPS);
          g_assert_cmpfloat_with_epsilon (f->x, item->area.x + col * (w + t->gutter), EPS);
          g_assert_cmpfloat_with_epsilon (f->y, cells[row * groups[g].per_row]->frame.y, EPS);
          if (row > 0)
            g_assert_cmpfloat (f->y, >, cells[0]->frame.y + cells[0]->frame.h + t->leading);
        }
      for (guint i = 0; i < page->lines->len; i++)
        {
          const pb_line_t *line = page->lines->pdata[i];
          if (line->role != PB_ROLE_CAPTION || g_strcmp0 (line->story_id, groups[g].story))
            continue;
          if (g_str_has_prefix (line->text, "测试用组图"))
            {
              group_caption = line->baseline;
              g_assert_cmpfloat_with_epsilon (line->measure, item->area.w, EPS);
              continue;
            }
          /* Under its own photo, as wide. */
          int k = 0;
          while (k < n && fabs (cells[k]->frame.x - line->x) > EPS)
            k++;
          g_assert_cmpint (k, <, n);
          g_assert_cmpfloat_with_epsilon (line->measure, w, EPS);
          last_caption = MAX (last_caption, line->baseline);
        }
      /* The group's caption on the grid line under the last row's captions. */
      g_assert_cmpfloat_with_epsilon (group_caption, last_caption + t->leading, EPS);
    }
  laid_clear (&l);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  fonts = pb_fonts_new (g_getenv ("PAIBAN_DATADIR"), &error);
  g_assert_no_error (error);
  g_test_add_func ("/elements/box", test_box);
  g_test_add_func ("/elements/inset-photos", test_inset_photos);
  g_test_add_func ("/elements/column-rules", test_column_rules);
  g_test_add_func ("/elements/logo", test_logo);
  g_test_add_func ("/elements/photo-group", test_photo_group);
  int rc = g_test_run ();
  pb_fonts_unref (fonts);
  return rc;
}
