/* Fuzz target: the photo decoder (plugin/image.c) on the input as a file: JPEG, PNG or
 * anything else. Issue inputs of the other targets can only name the fixture's photos, so
 * photo bytes get their own target. A decoded photo must be within the size limits and
 * carry, when it is a JPEG, the file's bytes for the PDF. */
#include "fuzz.h"

#include <cairo.h>
#include <string.h>

#include "image.h"

static const fz_env_t *env;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  env = fz_setup (FALSE);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fz_write ("fuzz.img", data, size);
  GError *error = NULL;
  cairo_surface_t *surface = pb_image_load (path, &error);
  fz_check_error (surface != NULL, &error, "pb_image_load");
  if (!surface)
    return 0;
  fz_check (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS, "surface in error: %s",
            cairo_status_to_string (cairo_surface_status (surface)));
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  fz_check (w > 0 && h > 0 && w <= PB_IMAGE_MAX_SIDE && h <= PB_IMAGE_MAX_SIDE
            && (gint64) w * h <= PB_IMAGE_MAX_PIXELS, "decoded %d × %d pixels", w, h);
  const unsigned char *mime;
  unsigned long mime_len;
  cairo_surface_get_mime_data (surface, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
  gboolean jpeg = size >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
  fz_check (!jpeg || (mime_len == size && memcmp (mime, data, size) == 0),
            "a JPEG surface without the file's bytes");
  /* A file that loaded decodes in full, and keeps its bytes for the PDF. */
  fz_check (pb_image_pixels (surface, &error), "pixels of a loaded image: %s",
            error ? error->message : "?");
  cairo_surface_get_mime_data (surface, CAIRO_MIME_TYPE_JPEG, &mime, &mime_len);
  fz_check (!jpeg || (mime_len == size && memcmp (mime, data, size) == 0),
            "a JPEG surface lost the file's bytes with its pixels");
  cairo_surface_destroy (surface);
  return 0;
}
