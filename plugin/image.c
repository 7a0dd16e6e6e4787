#include "image.h"

#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <glib/gstdio.h>
#include <jpeglib.h>
#include "model.h"

/* A mebibyte, for file sizes in messages. */
#define MIB (1024 * 1024)
/* A JPEG is checked at 1/CHECK_SCALE of its size (libjpeg's smallest IDCT scaling). */
#define CHECK_SCALE 8

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

/* libjpeg only warns about damaged data (a truncated file is "Premature end of JPEG file")
 * and fills the gap with grey. The PDF embeds the file's own bytes, so the printer would
 * meet the same damage: a warning fails the photo like an error. Trace messages (level ≥ 0)
 * are ignored. */
static void
jpeg_warn (j_common_ptr cinfo, int level)
{
  if (level >= 0)
    return;
  jpeg_fail (cinfo);
}

static gboolean
size_ok (const char *path, guint64 w, guint64 h, guint64 max_pixels, GError **error)
{
  if (w > 0 && h > 0 && w <= PB_IMAGE_MAX_SIDE && h <= PB_IMAGE_MAX_SIDE
      && w * h <= PB_IMAGE_MAX_PIXELS && w * h > max_pixels)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE,
                   "%s: image of %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT " pixels is "
                   "refused: the issue's photos would hold more than %d pixels together",
                   path, w, h, PB_IMAGE_ISSUE_MAX_PIXELS);
      return FALSE;
    }
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

/* Decodes every scanline of the JPEG `data` (owned by the caller) and sets *width, *height.
 * Into `into` (RGB24, of the image's size) when given; else at an eighth of the size into a
 * scratch row, which still reads all the entropy-coded data, and so finds a damaged or
 * truncated file, in a fraction of the time and memory. */
static gboolean
decode_jpeg (const char *path, const guchar *data, gsize len, cairo_surface_t *into,
             guint64 max_pixels, int *width, int *height, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  pb_jpeg_error_t err;
  /* Volatile: a longjmp from libjpeg comes back here with whatever was allocated. */
  JSAMPLE *volatile row = NULL;
  cinfo.err = jpeg_std_error (&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_warn;
  if (setjmp (err.jump))
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: corrupt JPEG: %s", path, err.message);
      jpeg_destroy_decompress (&cinfo);
      g_free (row);
      return FALSE;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, len);
  jpeg_read_header (&cinfo, TRUE);
  if (!size_ok (path, cinfo.image_width, cinfo.image_height, max_pixels, error))
    {
      jpeg_destroy_decompress (&cinfo);
      return FALSE;
    }
  *width = cinfo.image_width;
  *height = cinfo.image_height;
  /* libjpeg converts YCbCr, grey and (Adobe) CMYK to RGB for the preview surface only; the PDF
   * gets the original bytes. */
  cinfo.out_color_space = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK
                          ? JCS_CMYK : JCS_RGB;
  if (!into)
    {
      cinfo.scale_num = 1;
      cinfo.scale_denom = CHECK_SCALE;
    }
  jpeg_start_decompress (&cinfo);
  int w = cinfo.output_width, h = cinfo.output_height, comps = cinfo.output_components;
  unsigned char *pixels = into ? cairo_image_surface_get_data (into) : NULL;
  int stride = into ? cairo_image_surface_get_stride (into) : 0;
  if (into && (w != cairo_image_surface_get_width (into)
               || h != cairo_image_surface_get_height (into)))
    pixels = NULL; /* cannot happen for a file that was read before */
  row = g_malloc ((gsize) w * comps);
  while (cinfo.output_scanline < (unsigned) h)
    {
      int y = cinfo.output_scanline;
      JSAMPLE *rows[1] = { row };
      jpeg_read_scanlines (&cinfo, rows, 1);
      if (!pixels)
        continue;
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
  row = NULL; /* jpeg_finish_decompress may still warn and jump */
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  return TRUE;
}

/* A JPEG whose pixels are not decoded yet: the PDF embeds the file itself, so only PNG proofs
 * need them (pb_image_pixels). */
typedef struct {
  char *path;
  GBytes *file;
} pb_pending_t;

static cairo_user_data_key_t pending_key;

static void
pending_free (gpointer p)
{
  pb_pending_t *pending = p;
  g_free (pending->path);
  g_bytes_unref (pending->file);
  g_free (pending);
}

static void
attach_jpeg (cairo_surface_t *surface, GBytes *file)
{
  gsize len;
  const guchar *data = g_bytes_get_data (file, &len);
  cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG, data, len,
                               (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (file));
}

/* JPEG files that passed the check, by their bytes (compared whole): a host that keeps the
 * plugin loaded renders the same photos again without reading them through libjpeg. */
#define CHECKED_MAX_BYTES (64 * MIB)
static GMutex checked_lock;
static GHashTable *checked;      /* GBytes → GUINT_TO_POINTER (width << SIDE_BITS | height) + 1 */
static gsize checked_bytes;
/* Each side of a checked photo is packed into this many bits. */
#define SIDE_BITS 16
#define SIDE_MASK ((1u << SIDE_BITS) - 1)
G_STATIC_ASSERT (PB_IMAGE_MAX_SIDE <= SIDE_MASK);

static gboolean
checked_lookup (GBytes *file, int *w, int *h)
{
  g_mutex_lock (&checked_lock);
  gpointer v = checked ? g_hash_table_lookup (checked, file) : NULL;
  g_mutex_unlock (&checked_lock);
  if (!v)
    return FALSE;
  guint64 packed = GPOINTER_TO_SIZE (v) - 1;
  *w = packed >> SIDE_BITS, *h = packed & SIDE_MASK;
  return TRUE;
}

static void
checked_add (GBytes *file, int w, int h)
{
  /* Both sides are at most PB_IMAGE_MAX_SIDE and fit SIDE_BITS bits. */
  gpointer v = GSIZE_TO_POINTER (((gsize) w << SIDE_BITS | (gsize) h) + 1);
  g_mutex_lock (&checked_lock);
  if (!checked)
    checked = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                     (GDestroyNotify) g_bytes_unref, NULL);
  if (checked_bytes + g_bytes_get_size (file) > CHECKED_MAX_BYTES)
    {
      g_hash_table_remove_all (checked);
      checked_bytes = 0;
    }
  if (g_bytes_get_size (file) <= CHECKED_MAX_BYTES
      && g_hash_table_insert (checked, g_bytes_ref (file), v))
    checked_bytes += g_bytes_get_size (file);
  g_mutex_unlock (&checked_lock);
}

/* At exit, so that leak checkers see the files freed. */
static void __attribute__ ((destructor))
checked_drain (void)
{
  g_clear_pointer (&checked, g_hash_table_destroy);
}

/* ---- EXIF orientation ----
 * A phone photo is stored as the sensor saw it and tagged with how to turn it (TIFF tag 0x0112
 * in IFD0 of the APP1 "Exif" segment). One tag of one segment: read here, bounds-checked,
 * rather than through a library the rest of paiban does not need. */

#define JPEG_MARKER_APP1 0xE1
#define JPEG_MARKER_SOS 0xDA
#define EXIF_HEADER "Exif\0\0"
#define EXIF_HEADER_LEN 6
#define TIFF_HEADER_LEN 8
#define TIFF_ENTRY_LEN 12
#define TAG_ORIENTATION 0x0112
#define TIFF_SHORT 3

static cairo_user_data_key_t orientation_key;

static guint
tiff_u16 (const guchar *p, gboolean big)
{
  return big ? (guint) p[0] << 8 | p[1] : (guint) p[1] << 8 | p[0];
}

static guint32
tiff_u32 (const guchar *p, gboolean big)
{
  return big ? (guint32) tiff_u16 (p, TRUE) << 16 | tiff_u16 (p + 2, TRUE)
             : (guint32) tiff_u16 (p + 2, FALSE) << 16 | tiff_u16 (p, FALSE);
}

/* The orientation in a TIFF structure of `len` bytes (the Exif segment after its header). */
static int
tiff_orientation (const guchar *t, gsize len)
{
  if (len < TIFF_HEADER_LEN || (memcmp (t, "II*\0", 4) != 0 && memcmp (t, "MM\0*", 4) != 0))
    return 1;
  gboolean big = t[0] == 'M';
  guint32 ifd = tiff_u32 (t + 4, big);
  if (ifd > len - 2)
    return 1;
  guint n = tiff_u16 (t + ifd, big);
  for (guint i = 0; i < n && ifd + 2 + (gsize) (i + 1) * TIFF_ENTRY_LEN <= len; i++)
    {
      const guchar *e = t + ifd + 2 + (gsize) i * TIFF_ENTRY_LEN;
      if (tiff_u16 (e, big) != TAG_ORIENTATION || tiff_u16 (e + 2, big) != TIFF_SHORT)
        continue;
      guint v = tiff_u16 (e + 8, big);
      return v >= 1 && v <= 8 ? (int) v : 1;
    }
  return 1;
}

/* The EXIF orientation of JPEG `data`: the segments before the scan are walked for APP1. */
static int
jpeg_orientation (const guchar *data, gsize len)
{
  gsize p = 2;
  while (p + 4 <= len && data[p] == 0xFF)
    {
      guint marker = data[p + 1];
      gsize seg = (gsize) data[p + 2] << 8 | data[p + 3];
      if (marker == JPEG_MARKER_SOS || seg < 2 || p + 2 + seg > len)
        break;
      const guchar *body = data + p + 4;
      if (marker == JPEG_MARKER_APP1 && seg - 2 > EXIF_HEADER_LEN
          && memcmp (body, EXIF_HEADER, EXIF_HEADER_LEN) == 0)
        return tiff_orientation (body + EXIF_HEADER_LEN, seg - 2 - EXIF_HEADER_LEN);
      p += 2 + seg;
    }
  return 1;
}

int
pb_image_orientation (cairo_surface_t *surface)
{
  gpointer v = cairo_surface_get_user_data (surface, &orientation_key);
  return v ? GPOINTER_TO_INT (v) : 1;
}

/* Orientations 5 to 8 turn the photo a quarter. */
#define PB_ORIENTATION_QUARTER_TURN 5

void
pb_image_size (cairo_surface_t *surface, double *width, double *height)
{
  double w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  gboolean turned = pb_image_orientation (surface) >= PB_ORIENTATION_QUARTER_TURN;
  *width = turned ? h : w;
  *height = turned ? w : h;
}

void
pb_image_orientation_matrix (cairo_surface_t *surface, cairo_matrix_t *m)
{
  double w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  /* Stored x and y from the upright u and v (the TIFF definitions of the eight values). */
  switch (pb_image_orientation (surface))
    {
    case 2: cairo_matrix_init (m, -1, 0, 0, 1, w, 0); break;   /* x = w − u, y = v */
    case 3: cairo_matrix_init (m, -1, 0, 0, -1, w, h); break;  /* x = w − u, y = h − v */
    case 4: cairo_matrix_init (m, 1, 0, 0, -1, 0, h); break;   /* x = u, y = h − v */
    case 5: cairo_matrix_init (m, 0, 1, 1, 0, 0, 0); break;    /* x = v, y = u */
    case 6: cairo_matrix_init (m, 0, -1, 1, 0, 0, h); break;   /* x = v, y = h − u */
    case 7: cairo_matrix_init (m, 0, -1, -1, 0, w, h); break;  /* x = w − v, y = h − u */
    case 8: cairo_matrix_init (m, 0, 1, -1, 0, w, 0); break;   /* x = w − v, y = u */
    default: cairo_matrix_init_identity (m);
    }
}

/* The file is checked whole now (at an eighth of its size), or was by an earlier job; its
 * pixels wait for a PNG proof. */
static cairo_surface_t *
load_jpeg (const char *path, GBytes *bytes, guint64 max_pixels, GError **error)
{
  int w = 0, h = 0;
  gsize len;
  const guchar *data = g_bytes_get_data (bytes, &len);
  GBytes *file = g_bytes_ref (bytes);
  if (checked_lookup (file, &w, &h) && !size_ok (path, w, h, max_pixels, error))
    {
      g_bytes_unref (file);
      return NULL;
    }
  if (!w)
    {
      if (!decode_jpeg (path, data, len, NULL, max_pixels, &w, &h, error))
        {
          g_bytes_unref (file);
          return NULL;
        }
      checked_add (file, w, h);
    }
  /* Zeroed memory that is never touched costs no pages until the pixels are decoded. */
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: no memory for %d × %d pixels", path,
                   w, h);
      cairo_surface_destroy (surface);
      g_bytes_unref (file);
      return NULL;
    }
  pb_pending_t *pending = g_new (pb_pending_t, 1);
  *pending = (pb_pending_t) { g_strdup (path), file };
  attach_jpeg (surface, pending->file);
  cairo_surface_set_user_data (surface, &pending_key, pending, pending_free);
  int orientation = jpeg_orientation (data, len);
  if (orientation != 1)
    cairo_surface_set_user_data (surface, &orientation_key, GINT_TO_POINTER (orientation), NULL);
  return surface;
}

gboolean
pb_image_pixels (cairo_surface_t *surface, GError **error)
{
  pb_pending_t *pending = cairo_surface_get_user_data (surface, &pending_key);
  if (!pending)
    return TRUE;
  gsize len;
  const guchar *data = g_bytes_get_data (pending->file, &len);
  int w, h;
  cairo_surface_flush (surface);
  gboolean ok = decode_jpeg (pending->path, data, len, surface, PB_IMAGE_MAX_PIXELS, &w, &h,
                             error);
  /* Marking the pixels changed drops the MIME data: the file goes back on. */
  cairo_surface_mark_dirty (surface);
  attach_jpeg (surface, pending->file);
  cairo_surface_set_user_data (surface, &pending_key, NULL, NULL);
  return ok;
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

static guint32
be32 (const guchar *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* The CRC-32 of PNG chunks (ISO 3309, as in zlib), bit by bit: photos are small next to
 * the decoding that follows. */
static guint32
crc32_of (const guchar *p, gsize n)
{
  guint32 crc = 0xffffffffu;
  for (gsize i = 0; i < n; i++)
    {
      crc ^= p[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
  return crc ^ 0xffffffffu;
}

static gboolean
png_damaged (GError **error, const char *path, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static gboolean
png_damaged (GError **error, const char *path, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: corrupt PNG: %s", path, why);
  return FALSE;
}

/* PNG layout: an 8-byte signature, then chunks of a 4-byte length, a 4-byte type, the data
 * and a 4-byte CRC (of type and data); the first is IHDR, 13 bytes beginning with the width
 * and height. */
static const guchar png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
#define CHUNK_OVERHEAD 12
#define CHUNK_TYPE_AT 4
#define CHUNK_DATA_AT 8
#define IHDR_LENGTH 13
#define IHDR_WIDTH_AT (sizeof png_magic + CHUNK_DATA_AT)
#define IHDR_HEIGHT_AT (IHDR_WIDTH_AT + 4)

/* Walks the chunks before decoding: cairo 1.16 reports every libpng failure as "out of
 * memory", so truncation and damaged chunks are named here instead. IHDR must come first
 * (it holds the size, checked against the limits before any pixel is allocated), and the
 * chunks must fit the file, carry good CRCs and end with IEND after at least one IDAT. */
static gboolean
png_check (const char *path, const guchar *data, gsize len, guint64 max_pixels, GError **error)
{
  gsize pos = sizeof png_magic;
  gboolean idat = FALSE;
  for (int index = 0;; index++)
    {
      if (len - pos < CHUNK_OVERHEAD)
        return png_damaged (error, path, "the file ends at byte %" G_GSIZE_FORMAT
                            " before the IEND chunk (truncated?)", len);
      guint32 n = be32 (data + pos);
      char type[5] = { 0 };
      memcpy (type, data + pos + CHUNK_TYPE_AT, 4);
      for (int i = 0; i < 4; i++)
        if (!g_ascii_isalpha (type[i]))
          return png_damaged (error, path, "no chunk at byte %" G_GSIZE_FORMAT, pos);
      if (n > len - pos - CHUNK_OVERHEAD)
        return png_damaged (error, path, "chunk %s at byte %" G_GSIZE_FORMAT " runs past the "
                            "end of the file (truncated?)", type, pos);
      if (crc32_of (data + pos + CHUNK_TYPE_AT, n + 4) != be32 (data + pos + CHUNK_DATA_AT + n))
        return png_damaged (error, path, "chunk %s at byte %" G_GSIZE_FORMAT " has a bad "
                            "checksum", type, pos);
      if ((index == 0) != (strcmp (type, "IHDR") == 0) || (index == 0 && n != IHDR_LENGTH))
        return png_damaged (error, path, "the IHDR chunk is missing, misplaced or malformed");
      if (index == 0
          && !size_ok (path, be32 (data + IHDR_WIDTH_AT), be32 (data + IHDR_HEIGHT_AT),
                       max_pixels, error))
        return FALSE;
      idat |= strcmp (type, "IDAT") == 0;
      pos += CHUNK_OVERHEAD + (gsize) n;
      if (strcmp (type, "IEND") == 0)
        break;
    }
  if (!idat)
    return png_damaged (error, path, "no image data (IDAT chunk)");
  return TRUE;
}

static cairo_surface_t *
load_png (const char *path, const guchar *data, gsize len, guint64 max_pixels, GError **error)
{
  if (!png_check (path, data, len, max_pixels, error))
    return NULL;
  pb_reader_t reader = { data, len, 0 };
  cairo_surface_t *surface = cairo_image_surface_create_from_png_stream (read_mem, &reader);
  cairo_status_t status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      /* The chunks are sound, so libpng failed on the compressed pixels (cairo calls that
       * "out of memory" too). */
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: corrupt PNG: %s", path,
                   status == CAIRO_STATUS_NO_MEMORY
                     ? "the image data cannot be decoded (damaged, or too large for memory)"
                     : cairo_status_to_string (status));
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

cairo_surface_t *
pb_image_load_bytes (const char *path, GBytes *bytes, guint64 max_pixels, GError **error)
{
  gsize len;
  const guchar *data = g_bytes_get_data (bytes, &len);
  if (len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    return load_jpeg (path, bytes, max_pixels, error);
  if (len >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
    return load_png (path, data, len, max_pixels, error);
  g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: not a JPEG or PNG file", path);
  return NULL;
}

cairo_surface_t *
pb_image_load (const char *path, GError **error)
{
  char *data = NULL;
  gsize len = 0;
  GError *io = NULL;
  /* The whole file is read into memory: refuse giants before, not after. */
  GStatBuf st;
  if (g_stat (path, &st) == 0 && (guint64) st.st_size > PB_IMAGE_MAX_BYTES)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: file of %" G_GUINT64_FORMAT " MiB is "
                   "refused (at most %d MiB)", path, (guint64) st.st_size / MIB,
                   PB_IMAGE_MAX_BYTES / MIB);
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &len, &io))
    {
      g_set_error (error, PB_ERROR, PB_ERROR_IMAGE, "%s: %s", path, io->message);
      g_error_free (io);
      return NULL;
    }
  g_autoptr (GBytes) bytes = g_bytes_new_take (data, len);
  return pb_image_load_bytes (path, bytes, PB_IMAGE_MAX_PIXELS, error);
}
