/* A placed photo for the tests of photo placement and resolution. */
#pragma once

#include "layout.h"

/* A photo of 1000 × 500 pixels in a frame of 100 × 100 pt at (x, y): the crop is 500 × 500
 * pixels, 360 ppi. Free with square_crop_free. */
static inline pb_image_t *
square_crop (const pb_photo_t *photo, double x, double y)
{
  pb_image_t *image = g_new0 (pb_image_t, 1);
  image->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1000, 500);
  image->photo = photo;
  image->frame = (pb_rect_t) { x, y, 100, 100 };
  image->src = (pb_rect_t) { 250, 0, 500, 500 };
  return image;
}

static inline void
square_crop_free (pb_image_t *image)
{
  cairo_surface_destroy (image->surface);
  g_free (image);
}
