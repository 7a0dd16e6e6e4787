/* Photos: a JPEG is checked when loaded and decoded in full only when its pixels are asked
 * for; the file's bytes stay on the surface for the PDF; files already checked are known by
 * their bytes, never by their name. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it needs FILE and size_t */

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

/* ---- EXIF orientation ---- */

#define STORED_W 64
#define STORED_H 32
enum { RED = 0xFF0000, GREEN = 0x00FF00, BLUE = 0x0000FF };

/* An APP1 Exif segment's body holding IFD0 with the orientation tag, big- or little-endian. */
static GBytes *
exif_body (int orientation, gboolean big)
{
  guchar b[6 + 8 + 2 + 12 + 4] = { 'E', 'x', 'i', 'f', 0, 0 };
  guchar *t = b + 6;
  memcpy (t, big ? "MM\0*" : "II*\0", 4);
  guchar le[] = { 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0 };
  guchar be[] = { 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0 };
  memcpy (t + 4, big ? be : le, sizeof le);
  return g_bytes_new (b, sizeof b);
}

/* A JPEG of STORED_W × STORED_H as stored: red top-left quarter, green top-right, the bottom
 * half blue; tagged with `orientation`. */
static char *
write_oriented (int orientation, gboolean big)
{
  g_autofree char *name = g_strdup_printf ("oriented-%d.jpg", orientation);
  char *path = g_build_filename (dir, name, NULL);
  FILE *f = fopen (path, "wb");
  g_assert_nonnull (f);
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = STORED_W;
  cinfo.image_height = STORED_H;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 95, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  g_autoptr (GBytes) exif = exif_body (orientation, big);
  jpeg_write_marker (&cinfo, JPEG_APP0 + 1, g_bytes_get_data (exif, NULL),
                     g_bytes_get_size (exif));
  JSAMPLE row[STORED_W * 3];
  while (cinfo.next_scanline < STORED_H)
    {
      for (int x = 0; x < STORED_W; x++)
        {
          guint32 c = cinfo.next_scanline >= STORED_H / 2 ? BLUE : x < STORED_W / 2 ? RED : GREEN;
          row[3 * x] = c >> 16, row[3 * x + 1] = c >> 8 & 0xFF, row[3 * x + 2] = c & 0xFF;
        }
      JSAMPROW rows[1] = { row };
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  g_assert_cmpint (fclose (f), ==, 0);
  return path;
}

/* The colour nearest to pixel (x, y) of an RGB24 surface: red, green or blue. */
static guint32
primary_at (cairo_surface_t *s, int x, int y)
{
  cairo_surface_flush (s);
  const guchar *row = cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s);
  guint32 px = ((const guint32 *) row)[x];
  guint r = px >> 16 & 0xFF, g = px >> 8 & 0xFF, b = px & 0xFF;
  return r > g && r > b ? RED : g > b ? GREEN : BLUE;
}

/* Each of the eight EXIF orientations turns the photo upright when drawn as the painter draws
 * it: where the stored top-left (red) and top-right (green) quarters must land, by the TIFF
 * definitions (1 as stored, 2 mirrored, 3 half a turn, 4 flipped, 5 transposed, 6 a quarter
 * turn clockwise, 7 transversed, 8 a quarter turn anticlockwise). */
static void
test_exif_orientation (void)
{
  static const struct { int o; char red[3], green[3]; } cases[] = {
    { 1, "TL", "TR" }, { 2, "TR", "TL" }, { 3, "BR", "BL" }, { 4, "BL", "BR" },
    { 5, "TL", "BL" }, { 6, "TR", "BR" }, { 7, "BR", "TR" }, { 8, "BL", "TL" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_oriented (cases[i].o, i % 2);
      GError *error = NULL;
      cairo_surface_t *photo = pb_image_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpint (pb_image_orientation (photo), ==, cases[i].o);
      double w, h;
      pb_image_size (photo, &w, &h);
      g_assert_cmpfloat (w, ==, cases[i].o >= 5 ? STORED_H : STORED_W);
      g_assert_cmpfloat (h, ==, cases[i].o >= 5 ? STORED_W : STORED_H);
      g_assert_true (pb_image_pixels (photo, &error));
      cairo_surface_t *out = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cairo_t *cr = cairo_create (out);
      cairo_matrix_t m;
      pb_image_orientation_matrix (photo, &m);
      cairo_set_source_surface (cr, photo, 0, 0);
      cairo_pattern_set_matrix (cairo_get_source (cr), &m);
      cairo_paint (cr);
      cairo_destroy (cr);
      /* Sample a few pixels in from each corner, clear of JPEG's blur at the edges. */
      int in = 4;
      for (int c = 0; c < 2; c++)
        {
          const char *at = c ? cases[i].green : cases[i].red;
          int x = at[1] == 'L' ? in : (int) w - 1 - in, y = at[0] == 'T' ? in : (int) h - 1 - in;
          g_assert_cmphex (primary_at (out, x, y), ==, c ? GREEN : RED);
        }
      cairo_surface_destroy (out);
      cairo_surface_destroy (photo);
      g_unlink (path);
    }
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
  g_test_add_func ("/image/exif-orientation", test_exif_orientation);
  int rc = g_test_run ();
  g_autofree char *photo = g_build_filename (dir, "photo.jpg", NULL);
  g_unlink (photo);
  g_rmdir (dir);
  g_free (dir);
  return rc;
}
