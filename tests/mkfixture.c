/* mkfixture — writes the photos of the prepress tests into a folder, so that no binary test
 * data is kept in the repository:
 *
 *   cmyk.jpg    1200 × 800, an Adobe CMYK JPEG as Photoshop writes it (APP14 marker, inverted
 *               values): left half pure red (C0 M100 Y100 K0), right half pure cyan
 *   lowres.jpg  240 × 160 RGB: placed over several columns it is far below 200 ppi
 *   wide.jpg    3600 × 800 RGB in three bands, red | green | blue: a crop shows which part
 *               the focal point chose
 *   alpha.png   1200 × 800 RGBA: an opaque orange disc on a transparent ground
 *
 * Usage: mkfixture DIR
 */
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it needs FILE and size_t */

typedef void (*pixel_fn) (int x, int y, int w, int h, unsigned char *out);

static int
write_jpeg (const char *dir, const char *name, int w, int h, int comps, pixel_fn pixel)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen (path, "wb");
  if (!f)
    {
      perror (path);
      return 1;
    }
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = w;
  cinfo.image_height = h;
  cinfo.input_components = comps;
  cinfo.in_color_space = comps == 4 ? JCS_CMYK : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  /* Plain CMYK, not YCCK: libjpeg then writes the Adobe APP14 marker with transform 0. */
  if (comps == 4)
    jpeg_set_colorspace (&cinfo, JCS_CMYK);
  jpeg_set_quality (&cinfo, 90, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  unsigned char *row = malloc ((size_t) w * comps);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      for (int x = 0; x < w; x++)
        pixel (x, cinfo.next_scanline, w, h, row + (size_t) x * comps);
      JSAMPROW rows[1] = { row };
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  free (row);
  return fclose (f) != 0;
}

/* Adobe's convention: 255 is no ink. */
static void
cmyk_pixel (int x, int y, int w, int h, unsigned char *out)
{
  (void) y, (void) h;
  static const unsigned char red[4] = { 0, 255, 255, 0 }, cyan[4] = { 255, 0, 0, 0 };
  const unsigned char *c = x < w / 2 ? red : cyan;
  for (int i = 0; i < 4; i++)
    out[i] = 255 - c[i];
}

static void
lowres_pixel (int x, int y, int w, int h, unsigned char *out)
{
  out[0] = 40 + 180 * x / w;
  out[1] = 90;
  out[2] = 40 + 180 * y / h;
}

static void
bands_pixel (int x, int y, int w, int h, unsigned char *out)
{
  (void) y, (void) h;
  int band = 3 * x / w;
  out[0] = band == 0 ? 220 : 20;
  out[1] = band == 1 ? 200 : 20;
  out[2] = band == 2 ? 220 : 20;
}

static int
write_png (const char *dir)
{
  char path[4096];
  snprintf (path, sizeof path, "%s/alpha.png", dir);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 800);
  cairo_t *cr = cairo_create (s);
  cairo_set_source_rgb (cr, 0.95, 0.5, 0.1);
  cairo_arc (cr, 600, 400, 360, 0, 6.2831853);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_status_t st = cairo_surface_write_to_png (s, path);
  cairo_surface_destroy (s);
  if (st != CAIRO_STATUS_SUCCESS)
    fprintf (stderr, "%s: %s\n", path, cairo_status_to_string (st));
  return st != CAIRO_STATUS_SUCCESS;
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: mkfixture DIR\n");
      return 2;
    }
  const char *dir = argv[1];
  int bad = write_jpeg (dir, "cmyk.jpg", 1200, 800, 4, cmyk_pixel);
  bad |= write_jpeg (dir, "lowres.jpg", 240, 160, 3, lowres_pixel);
  bad |= write_jpeg (dir, "wide.jpg", 3600, 800, 3, bands_pixel);
  bad |= write_png (dir);
  return bad;
}
