#include "image.h"

#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <jpeglib.h>
#include "model.h"

typedef struct {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} pb_jpeg_error_t;

static void
jpeg_fail (j_common_ptr cinfo)
{
  pb_jpeg_error_t *err = (pb_jpeg_error_t *) cinfo->err;
  err->mgr.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
jpeg_quiet (j_common_ptr cinfo, int level)
{
  (void) cinfo;
  (void) level;
}

static gboolean
size_ok (const char *path, guint64 w, guint64 h, GError **error)
{
  if (w == 0 || h == 0 || w > PB_IMAGE_MAX_SIDE || h > PB_IMAGE_MAX_SIDE
      || w * h > PB_IMAGE_MAX_PIXELS)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE,
                   "%s: image of %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT
                   " pixels is refused (at most %d per side, %d pixels)",
                   path, w, h, PB_IMAGE_MAX_SIDE, PB_IMAGE_MAX_PIXELS);
      return FALSE;
    }
  return TRUE;
}

/* Decodes into a fresh RGB24 surface; `data` stays owned by the caller. */
static cairo_surface_t *
decode_jpeg (const char *path, const guchar *data, gsize len, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  pb_jpeg_error_t err;
  cairo_surface_t *volatile surface = NULL;
  cinfo.err = jpeg_std_error (&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_quiet;
  if (setjmp (err.jump))
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: corrupt JPEG: %s", path, err.message);
      jpeg_destroy_decompress (&cinfo);
      if (surface)
        cairo_surface_destroy (surface);
      return NULL;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, len);
  jpeg_read_header (&cinfo, TRUE);
  if (!size_ok (path, cinfo.image_width, cinfo.image_height, error))
    {
      jpeg_destroy_decompress (&cinfo);
      return NULL;
    }
  /* libjpeg converts YCbCr, grey and (Adobe) CMYK to RGB for the preview surface only; the PDF
   * gets the original bytes. */
  cinfo.out_color_space = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK
                          ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress (&cinfo);
  int w = cinfo.output_width, h = cinfo.output_height, comps = cinfo.output_components;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  unsigned char *pixels = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  JSAMPLE *row = g_malloc ((gsize) w * comps);
  while (cinfo.output_scanline < (unsigned) h)
    {
      int y = cinfo.output_scanline;
      jpeg_read_scanlines (&cinfo, &row, 1);
      guint32 *out = (guint32 *) (pixels + (gsize) y * stride);
      for (int x = 0; x < w; x++)
        {
          JSAMPLE *p = row + (gsize) x * comps;
          guint r, g, b;
          if (comps == 4) /* Adobe CMYK JPEGs store inverted values */
            r = p[0] * p[3] / 255, g = p[1] * p[3] / 255, b = p[2] * p[3] / 255;
          else
            r = p[0], g = p[1], b = p[2];
          out[x] = 0xFF000000u | (r << 16) | (g << 8) | b;
        }
    }
  g_free (row);
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  cairo_surface_mark_dirty (surface);
  return surface;
}

static cairo_surface_t *
load_jpeg (const char *path, guchar *data, gsize len, GError **error)
{
  cairo_surface_t *surface = decode_jpeg (path, data, len, error);
  if (!surface)
    {
      g_free (data);
      return NULL;
    }
  cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG, data, len, g_free, data);
  return surface;
}

typedef struct {
  const guchar *data;
  gsize len, pos;
} pb_reader_t;

static cairo_status_t
read_mem (void *closure, unsigned char *out, unsigned int n)
{
  pb_reader_t *r = closure;
  if (r->len - r->pos < n)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (out, r->data + r->pos, n);
  r->pos += n;
  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *
load_png (const char *path, guchar *data, gsize len, GError **error)
{
  /* IHDR holds the size at bytes 16..23: refuse absurd images before decoding. */
  if (len < 24)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: truncated PNG", path);
      g_free (data);
      return NULL;
    }
  guint64 w = GUINT32_FROM_BE (*(guint32 *) (data + 16));
  guint64 h = GUINT32_FROM_BE (*(guint32 *) (data + 20));
  if (!size_ok (path, w, h, error))
    {
      g_free (data);
      return NULL;
    }
  pb_reader_t reader = { data, len, 0 };
  cairo_surface_t *surface = cairo_image_surface_create_from_png_stream (read_mem, &reader);
  g_free (data);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: corrupt PNG: %s", path,
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

cairo_surface_t *
pb_image_load (const char *path, GError **error)
{
  guchar *data = NULL;
  gsize len = 0;
  GError *io = NULL;
  if (!g_file_get_contents (path, (char **) &data, &len, &io))
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: %s", path, io->message);
      g_error_free (io);
      return NULL;
    }
  static const guchar png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return load_jpeg (path, data, len, error);
  if (len >= 8 && memcmp (data, png_magic, 8) == 0)
    return load_png (path, data, len, error);
  g_free (data);
  g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: not a JPEG or PNG file", path);
  return NULL;
}
