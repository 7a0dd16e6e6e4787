/* The elements a page shows by itself (plugin/elements.h), apart from a whole layout. */
#include "elements.h"
#include "photos.h"
#include "heads.h"
#include "template.h"

static pb_template_t *
bundled_template (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".json", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("PAIBAN_DATADIR"), "layouts", file, NULL);
  GError *error = NULL;
  pb_template_t *t = pb_template_load_file (path, NULL, &error);
  g_assert_no_error (error);
  return t;
}

static void
assert_sizes (const pb_heading_sizes_t *h, const char *style, double kicker, double headline,
              double least, double subtitle, int max_lines)
{
  g_assert_cmpstr (h->style ? h->style->name : NULL, ==, style);
  g_assert_cmpfloat_with_epsilon (h->kicker.size, kicker, 1e-9);
  g_assert_cmpfloat_with_epsilon (h->headline.size, headline, 1e-9);
  g_assert_cmpfloat_with_epsilon (h->headline_min, least, 1e-9);
  g_assert_cmpfloat_with_epsilon (h->subtitle.size, subtitle, 1e-9);
  g_assert_cmpint (h->max_lines, ==, max_lines);
}

/* The bundled tabloid's headline sizes by the item's span: a brief's in one column, a
 * secondary story's in two or three, a lead's from four; the continuation heads' style. */
static void
test_heading_sizes_per_span (void)
{
  pb_template_t *t = bundled_template ("tabloid");
  pb_item_t item = { .kind = PB_ITEM_STORY };
  const char *names[] = { "brief", "secondary", "secondary", "lead", "lead", "lead" };
  for (int span = 1; span <= 6; span++)
    {
      item.span = span;
      pb_heading_sizes_t h = pb_heading_sizes (t, &item, FALSE);
      g_assert_cmpstr (h.style->name, ==, names[span - 1]);
      if (span == 1)
        assert_sizes (&h, "brief", 10.5, 16, 12, 10.5, 3);
      else if (span <= 3)
        assert_sizes (&h, "secondary", 14, 24, 22, 12, 2);
      else
        assert_sizes (&h, "lead", 18, 40, 30, 14, 2);
      /* The fonts and weights are the role styles'; the leading the headline style gives
       * (48pt at 40pt) grows and shrinks with the size. */
      g_assert_cmpstr (h.headline.font, ==, t->styles[PB_ROLE_HEADLINE].font);
      g_assert_cmpfloat_with_epsilon (h.headline.leading, 1.2 * h.headline.size, 1e-9);
    }
  item.span = 2;
  pb_heading_sizes_t h = pb_heading_sizes (t, &item, TRUE);
  /* The kicker style's 小二 would match the 主题: no bigger. */
  assert_sizes (&h, "continued", 18, 18, 14, 14, 2);
  pb_template_free (t);
}

/* An item's own choice: a named style whatever its span, the group scaled (its fit range
 * too), or the 主题's size (no range then, kicker and subtitle scaled alike). */
static void
test_heading_sizes_per_item (void)
{
  pb_template_t *t = bundled_template ("tabloid");
  pb_item_t item = { .kind = PB_ITEM_STORY, .span = 6 };
  item.headline_style = pb_template_headline_style (t, "brief");
  pb_heading_sizes_t h = pb_heading_sizes (t, &item, FALSE);
  assert_sizes (&h, "brief", 10.5, 16, 12, 10.5, 3);
  item.headline_style = NULL;
  item.headline_scale = 0.5;
  h = pb_heading_sizes (t, &item, FALSE);
  assert_sizes (&h, "lead", 9, 20, 15, 7, 2);
  g_assert_cmpfloat_with_epsilon (h.kicker.leading, 12, 1e-9); /* the kicker's 24pt, halved */
  item.headline_scale = 0;
  item.headline_size = 30;
  h = pb_heading_sizes (t, &item, FALSE);
  assert_sizes (&h, "lead", 13.5, 30, 30, 10.5, 2);
  /* fit takes the 主题 down: kicker and subtitle follow only where they would be bigger. */
  item.headline_size = 0;
  h = pb_heading_sizes (t, &item, FALSE);
  pb_heading_set_size (&h, 16);
  assert_sizes (&h, "lead", 16, 16, 30, 14, 2);
  g_assert_cmpfloat_with_epsilon (h.headline.leading, 19.2, 1e-9);
  pb_template_free (t);
}

/* A template without headline styles: its role styles as they are, with no limit of lines. */
static void
test_heading_sizes_without_styles (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "load", "tmpl.json", NULL);
  GError *error = NULL;
  pb_template_t *t = pb_template_load_file (path, NULL, &error);
  g_assert_no_error (error);
  pb_item_t item = { .kind = PB_ITEM_STORY, .span = 1 };
  pb_heading_sizes_t h = pb_heading_sizes (t, &item, FALSE);
  assert_sizes (&h, NULL, 9, 22, 22, 9, 0);
  pb_template_free (t);
}

/* A photo of 1000 × 500 pixels in a square frame: the crop is 500 × 500 pixels, placed about
 * the focal point as far as the image reaches, the centre without one. */
static void
test_photo_crop_focus (void)
{
  pb_photo_t photo = { 0 };
  pb_rect_t s = pb_photo_crop (&photo, 1000, 500, 100, 100);
  g_assert_cmpfloat_with_epsilon (s.w, 500, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.h, 500, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.x, 250, 1e-9); /* no focus: the centre */
  g_assert_cmpfloat_with_epsilon (s.y, 0, 1e-9);
  photo.has_focus = TRUE;
  photo.focus_x = 0.1, photo.focus_y = 0.5;
  s = pb_photo_crop (&photo, 1000, 500, 100, 100);
  g_assert_cmpfloat_with_epsilon (s.x, 0, 1e-9);   /* as far left as the image goes */
  photo.focus_x = 0.6;
  s = pb_photo_crop (&photo, 1000, 500, 100, 100);
  g_assert_cmpfloat_with_epsilon (s.x, 350, 1e-9); /* centred on x = 600 */
  photo.focus_x = 0.99;
  s = pb_photo_crop (&photo, 1000, 500, 100, 100);
  g_assert_cmpfloat_with_epsilon (s.x, 500, 1e-9); /* as far right as it goes */
}

/* A frame wider than the image's aspect: the whole width, a band of the height about the focus. */
static void
test_photo_crop_wide_frame (void)
{
  pb_photo_t photo = { .has_focus = TRUE, .focus_x = 0.5, .focus_y = 0.7 };
  pb_rect_t s = pb_photo_crop (&photo, 64, 48, 229.5, 90);
  g_assert_cmpfloat_with_epsilon (s.w, 64, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.h, 64 * 90 / 229.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.x, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.y, 0.7 * 48 - s.h / 2, 1e-9);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/elements/photo-crop/focus", test_photo_crop_focus);
  g_test_add_func ("/elements/photo-crop/wide-frame", test_photo_crop_wide_frame);
  g_test_add_func ("/elements/heading-sizes/per-span", test_heading_sizes_per_span);
  g_test_add_func ("/elements/heading-sizes/per-item", test_heading_sizes_per_item);
  g_test_add_func ("/elements/heading-sizes/without-styles", test_heading_sizes_without_styles);
  return g_test_run ();
}
