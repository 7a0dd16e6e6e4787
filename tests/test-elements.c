/* The elements a page shows by itself (plugin/elements.h), apart from a whole layout. */
#include "elements.h"

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
  return g_test_run ();
}
