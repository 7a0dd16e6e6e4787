/* Photos: a JPEG is checked when loaded and decoded in full only when its pixels are asked
 * for; the file's bytes stay on the surface for the PDF; files already checked are known by
 * their bytes, never by their name. */
#include <glib/gstdio.h>
#include <string.h>
#include "image.h"
#include "model.h"

static char *dir;

static GBytes *
read_data (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "bad", name, NULL);
  char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static char *
write_photo (GBytes *bytes)
{
  char *path = g_build_filename (dir, "photo.jpg", NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  g_assert_true (g_file_set_contents (path, data, len, NULL));
  return path;
}

static void
assert_file_attached (cairo_surface_t *surface, GBytes *file)
{
  const unsigned char *mime = NULL;
  unsigned long len = 0;
  cairo_surface_get_mime_data (surface, CAIRO_MIME_TYPE_JPEG, &mime, &len);
  g_assert_nonnull (mime);
  g_assert_cmpuint (len, ==, g_bytes_get_size (file));
  g_assert_true (memcmp (mime, g_bytes_get_data (file, NULL), len) == 0);
}

/* Pixels come on demand, and the file stays attached after they do. */
static void
test_pixels_on_demand (void)
{
  g_autoptr (GBytes) good = read_data ("photo.jpg");
  g_autofree char *path = write_photo (good);
  GError *error = NULL;
  cairo_surface_t *s = pb_image_load (path, &error);
  g_assert_no_error (error);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);
  assert_file_attached (s, good);
  g_assert_true (pb_image_pixels (s, &error));
  g_assert_no_error (error);
  assert_file_attached (s, good);
  /* The photo is not a black rectangle: some pixel has colour. (No cairo_surface_flush:
   * it would drop the MIME data, as for a surface about to be drawn on.) */
  const guint32 *px = (const guint32 *) cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s) / 4;
  gboolean lit = FALSE;
  for (int y = 0; y < h && !lit; y += 7)
    for (int x = 0; x < w && !lit; x += 7)
      lit = (px[y * stride + x] & 0xFFFFFF) != 0;
  g_assert_true (lit);
  /* A second call decodes nothing more and keeps everything. */
  g_assert_true (pb_image_pixels (s, &error));
  assert_file_attached (s, good);
  cairo_surface_destroy (s);
}

/* The same name with damaged bytes fails, however often the good file was loaded before. */
static void
test_checked_by_bytes (void)
{
  g_autoptr (GBytes) good = read_data ("photo.jpg");
  g_autoptr (GBytes) truncated = read_data ("truncated.jpg");
  g_autofree char *path = write_photo (good);
  GError *error = NULL;
  for (int i = 0; i < 2; i++)
    {
      cairo_surface_t *s = pb_image_load (path, &error);
      g_assert_no_error (error);
      cairo_surface_destroy (s);
    }
  g_free (write_photo (truncated));
  cairo_surface_t *s = pb_image_load (path, &error);
  g_assert_null (s);
  g_assert_error (error, PB_ERROR, PB_ERROR_IMAGE);
  g_assert_nonnull (strstr (error->message, "corrupt JPEG"));
  g_clear_error (&error);
  /* And the good bytes again load from what is remembered. */
  g_free (write_photo (good));
  s = pb_image_load (path, &error);
  g_assert_no_error (error);
  assert_file_attached (s, good);
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  GError *error = NULL;
  dir = g_dir_make_tmp ("paiban-image-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/image/pixels-on-demand", test_pixels_on_demand);
  g_test_add_func ("/image/checked-by-bytes", test_checked_by_bytes);
  int rc = g_test_run ();
  g_autofree char *photo = g_build_filename (dir, "photo.jpg", NULL);
  g_unlink (photo);
  g_rmdir (dir);
  g_free (dir);
  return rc;
}
