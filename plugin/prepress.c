#include "prepress.h"

#include "colors.h"

#include <cairo.h>
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "config.h"
#include "content-filter.h"
#include "source.h"
#include "image.h"
#include "structure.h"

/* ---- geometry ---- */

double
pb_print_margin (const pb_template_t *t)
{
  return PB_PRINT_MARGIN (t->bleed);
}

/* ---- ICC profiles ---- */

static guint32
be32 (const guchar *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* ICC profile layout (ICC.1): a 128-byte header — its size first, then the device class,
 * the colour space and the 'acsp' signature at these offsets — then the tag count and a table
 * of 12-byte entries (signature, offset, size). */
#define ICC_HEADER 128
#define ICC_CLASS_AT 12
#define ICC_SPACE_AT 16
#define ICC_SIGNATURE_AT 36
#define ICC_TAGS_AT (ICC_HEADER + 4)
#define ICC_TAG_ENTRY 12
/* Text tags: a v2 'desc' holds its ASCII length at 8 and the text from 12; a v4 'mluc' holds
 * its first record's length and offset at 20 and 24, in a tag of at least 28 bytes. */
#define DESC_LENGTH_AT 8
#define DESC_TEXT_AT 12
#define MLUC_LENGTH_AT 20
#define MLUC_OFFSET_AT 24
#define MLUC_MIN_SIZE 28

/* The profile's description: a v2 'desc' (ASCII) or v4 'mluc' (UTF-16, first record). */
static char *
icc_description (const guchar *d, gsize len)
{
  guint32 count = be32 (d + ICC_HEADER);
  for (guint32 i = 0; i < count && ICC_TAGS_AT + ICC_TAG_ENTRY * (gsize) (i + 1) <= len; i++)
    {
      const guchar *e = d + ICC_TAGS_AT + ICC_TAG_ENTRY * i;
      guint32 off = be32 (e + 4), size = be32 (e + 8);
      if (memcmp (e, "desc", 4) != 0 || off > len || size > len - off || size < DESC_TEXT_AT)
        continue;
      const guchar *t = d + off;
      if (memcmp (t, "desc", 4) == 0 && be32 (t + DESC_LENGTH_AT) <= size - DESC_TEXT_AT)
        return g_strndup ((const char *) t + DESC_TEXT_AT, be32 (t + DESC_LENGTH_AT));
      if (memcmp (t, "mluc", 4) == 0 && size >= MLUC_MIN_SIZE)
        {
          guint32 n = be32 (t + MLUC_LENGTH_AT), o = be32 (t + MLUC_OFFSET_AT);
          if (o <= size && n <= size - o)
            return g_convert ((const char *) t + o, n, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
        }
    }
  return NULL;
}

/* Reads an ICC profile of the colour space `space` ("CMYK", "RGB "); for the output intent
 * it must be an output (printer) profile. */
static GBytes *
read_profile (const char *path, const char *space, gboolean output, char **description,
              GError **error)
{
  char *data = NULL;
  gsize len = 0;
  if (!path || !*path)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "no %s ICC profile is configured for "
                   "print PDFs (install Debian's libgs-common, or name one with the "
                   "\"output-profile\" option)", strcmp (space, "CMYK") == 0 ? "CMYK" : "RGB");
      return NULL;
    }
  /* A regular file of bounded size, opened without blocking: never a FIFO or a device. */
  g_autofree char *shown = pb_path_display (path);
  if (!pb_read_file (path, PB_ICC_MAX_BYTES, pb_file_loc (shown), NULL, &data, &len, NULL,
                     error))
    return NULL;
  const guchar *d = (const guchar *) data;
  if (len < ICC_TAGS_AT || be32 (d) != len || memcmp (d + ICC_SIGNATURE_AT, "acsp", 4) != 0
      || memcmp (d + ICC_SPACE_AT, space, 4) != 0
      || (output && memcmp (d + ICC_CLASS_AT, "prtr", 4) != 0))
    {
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: not an ICC %s profile", shown,
                   output ? "CMYK output (printer)" : "RGB");
      g_free (data);
      return NULL;
    }
  if (description)
    {
      *description = icc_description (d, len);
      if (!*description || !g_utf8_validate (*description, -1, NULL))
        {
          g_free (*description);
          *description = g_path_get_basename (path);
        }
    }
  return g_bytes_new_take (data, len);
}

/* ---- the post-process ---- */

/* What qpdf's messages call the file it reads. */
#define CAIRO_FILE "Cairo's PDF"

typedef struct {
  qpdf_data q;
  const pb_prepress_t *pp;
  pb_prepress_stats_t *stats;
  qpdf_oh registration;          /* the /All separation colour space */
  qpdf_oh rgb_space;             /* [/ICCBased …] for RGB photos */
  qpdf_oh *spot_spaces;          /* by spot: its Separation colour space */
  GArray *spot_colours;          /* of pb_filter_spot_t: the RGB colours that stand for them */
  GPtrArray *spot_names;         /* of char*: "/PBSpotN", by spot */
  char *problem;                 /* the first failure of our own */
} pp_ctx_t;

static void
problem (pp_ctx_t *c, char *message)
{
  if (!c->problem)
    c->problem = message;
  else
    g_free (message);
}

/* A number for a PDF object or content stream, whatever the locale, to 4 decimals; what would
 * round to zero is written 0, never -0. */
#define NUM_FORMAT "%.4f"
#define NUM_HALF_UNIT 5e-5

static char *
num (char buf[G_ASCII_DTOSTR_BUF_SIZE], double v)
{
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, NUM_FORMAT,
                          fabs (v) < NUM_HALF_UNIT ? 0 : v);
}

static qpdf_oh
box (qpdf_data q, double x0, double y0, double x1, double y1)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE],
      d[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *s = g_strdup_printf ("[%s %s %s %s]", num (a, x0), num (b, y0), num (c, x1),
                                        num (d, y1));
  return qpdf_oh_parse (q, s);
}

static qpdf_oh
stream_with (qpdf_data q, const void *data, gsize len)
{
  qpdf_oh s = qpdf_oh_new_stream (q);
  qpdf_oh null = qpdf_oh_new_null (q);
  qpdf_oh_replace_stream_data (q, s, data, len, null, null);
  return s;
}

/* Streams made here (page content, ICC profiles) are deflated here, at a level that takes a
 * third of the time of qpdf's (zlib's default, 6) for a file 1% larger; qpdf then copies
 * them as they are. */
#define PB_DEFLATE_LEVEL 1

static void
set_deflated (qpdf_data q, qpdf_oh stream, const void *data, gsize len)
{
  uLongf size = compressBound (len);
  Bytef *buf = g_malloc (size);
  qpdf_oh null = qpdf_oh_new_null (q);
  if (compress2 (buf, &size, data, len, PB_DEFLATE_LEVEL) == Z_OK)
    qpdf_oh_replace_stream_data (q, stream, buf, size, qpdf_oh_new_name (q, "/FlateDecode"),
                                 null);
  else
    qpdf_oh_replace_stream_data (q, stream, data, len, null, null);
  g_free (buf);
}

static qpdf_oh
deflated_stream (qpdf_data q, const void *data, gsize len)
{
  qpdf_oh s = qpdf_oh_new_stream (q);
  set_deflated (q, s, data, len);
  return s;
}

/* Eight crop marks in default user space (origin at the media's bottom-left). */
static void
append_marks (GString *s, const pb_print_page_t *p)
{
  double off = MAX (PB_MARK_OFFSET, p->bleed), len = PB_MARK_LENGTH, m = p->margin;
  double xs[2] = { m, m + p->trim_w }, ys[2] = { m, m + p->trim_h };
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE],
      d[G_ASCII_DTOSTR_BUF_SIZE];
  /* An artifact of the kind "production aids extraneous to the document" (PDF 32000-1,
   * 14.8.2.2), outside the structure tree. */
  g_string_append (s, "/Artifact << /Type /Page >> BDC\n");
  g_string_append_printf (s, "q /PBAll CS 1 SCN %s w 0 J 0 j [] 0 d\n", num (a, PB_MARK_WIDTH));
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 2; k++)
      {
        double x = xs[i], y = ys[k], dx = i ? 1 : -1, dy = k ? 1 : -1;
        g_string_append_printf (s, "%s %s m %s %s l S\n", num (a, x + dx * off), num (b, y),
                                num (c, x + dx * (off + len)), num (d, y));
        g_string_append_printf (s, "%s %s m %s %s l S\n", num (a, x), num (b, y + dy * off),
                                num (c, x), num (d, y + dy * (off + len)));
      }
  g_string_append (s, "Q\nEMC\n");
}

/* A content stream rewritten by the content filter as `opt` says; NULL (with the problem noted)
 * on a bad stream. */
static char *
filtered (pp_ctx_t *c, const unsigned char *data, size_t len, const pb_filter_options_t *opt,
          size_t *out_len, int *marked)
{
  char *why = NULL;
  pb_filter_counts_t counts = { 0 };
  /* The spot colours go with the print's colours (the proof keeps its RGB). */
  pb_filter_options_t spotted = *opt;
  spotted.spots = (const pb_filter_spot_t *) c->spot_colours->data;
  spotted.n_spots = c->spot_colours->len;
  char *out = pb_filter_content_with ((const char *) data, len, out_len, &spotted, &counts,
                                      &why);
  if (!out)
    {
      problem (c, g_strdup_printf ("a content stream cannot be read: %s", why));
      free (why);
      return NULL;
    }
  c->stats->gray_colours += counts.gray;
  c->stats->cmyk_colours += counts.cmyk;
  c->stats->spot_colours += counts.spot;
  if (marked)
    *marked = counts.marked;
  return out;
}

/* Page `index`'s content with its colours rewritten for print when `colours`, and its
 * artifacts' marked-content sequences made /Artifact ones when the file is tagged; NULL (with
 * the problem noted) on a failure. */
static char *
page_content (pp_ctx_t *c, qpdf_oh page, int index, gboolean colours, size_t *out_len)
{
  unsigned char *data = NULL;
  size_t len = 0;
  if (qpdf_oh_get_page_content_data (c->q, page, &data, &len) & QPDF_ERRORS)
    return NULL;
  guint n = 0;
  g_autofree gboolean *artifacts = c->pp->tags ? pb_structure_artifacts (c->pp->tags, index, &n)
                                               : NULL;
  pb_filter_options_t opt = { colours, artifacts, n, NULL, 0 };
  int marked = 0;
  char *body = filtered (c, data, len, &opt, out_len, &marked);
  free (data);
  if (body && c->pp->tags && (guint) marked != n)
    {
      problem (c, g_strdup_printf ("page %d holds %d marked-content sequences, %u were drawn",
                                   index + 1, marked, n));
      free (body);
      return NULL;
    }
  return body;
}

static qpdf_oh
dict_key (qpdf_data q, qpdf_oh dict, const char *key)
{
  qpdf_oh v = qpdf_oh_get_key (q, dict, key);
  if (!qpdf_oh_is_dictionary (q, v))
    {
      v = qpdf_oh_new_dictionary (q);
      qpdf_oh_replace_key (q, dict, key, v);
    }
  return v;
}

/* The spot colours' Separation spaces in a resource dictionary, for the filtered content. */
static void
add_spot_spaces (pp_ctx_t *c, qpdf_oh res)
{
  if (c->pp->n_spots == 0)
    return;
  qpdf_oh spaces = dict_key (c->q, res, "/ColorSpace");
  for (int i = 0; i < c->pp->n_spots; i++)
    qpdf_oh_replace_key (c->q, spaces, c->spot_names->pdata[i], c->spot_spaces[i]);
}

static void
fix_page (pp_ctx_t *c, int index)
{
  qpdf_data q = c->q;
  const pb_print_page_t *p = &c->pp->pages[index];
  qpdf_oh page = qpdf_get_page_n (q, index);
  double m = p->margin, b = p->bleed;
  qpdf_oh_replace_key (q, page, "/MediaBox", box (q, 0, 0, p->trim_w + 2 * m, p->trim_h + 2 * m));
  qpdf_oh_replace_key (q, page, "/BleedBox",
                       box (q, m - b, m - b, m + p->trim_w + b, m + p->trim_h + b));
  qpdf_oh_replace_key (q, page, "/TrimBox", box (q, m, m, m + p->trim_w, m + p->trim_h));
  /* Cairo puts an RGB transparency group on every page, painted or not: a print file blends
   * in the output intent's colour space. */
  qpdf_oh_remove_key (q, page, "/Group");
  qpdf_oh res = dict_key (q, page, "/Resources");
  qpdf_oh_replace_key (q, dict_key (q, res, "/ColorSpace"), "/PBAll", c->registration);
  add_spot_spaces (c, res);

  size_t flen = 0;
  char *body = page_content (c, page, index, TRUE, &flen);
  if (!body)
    return;
  /* Cairo's content in its own graphics state, then the marks in default user space. */
  GString *s = g_string_sized_new (flen + 1024);
  g_string_append (s, "q\n");
  g_string_append_len (s, body, flen);
  g_string_append (s, "\nQ\n");
  free (body);
  append_marks (s, p);
  qpdf_oh_replace_key (q, page, "/Contents", deflated_stream (q, s->str, s->len));
  g_string_free (s, TRUE);
}

static gboolean
has_name (qpdf_data q, qpdf_oh oh, const char *name)
{
  return qpdf_oh_is_or_has_name (q, oh, name);
}

/* A JPEG file starts with a 2-byte marker (start of image); the markers that follow are 0xFF
 * then a code — start of scan, end of image, APP14 — each with a 2-byte length (counting
 * itself) and its data. An APP14 "Adobe" segment is at least 12 bytes long. */
#define JPEG_SOI_LENGTH 2
#define JPEG_SOS 0xDA
#define JPEG_EOI 0xD9
#define JPEG_APP14 0xEE
#define JPEG_ADOBE_MIN 12

/* Adobe CMYK JPEGs (an APP14 "Adobe" marker) store inverted values: PDF readers need
 * /Decode [1 0 1 0 1 0 1 0] to print them right (Cairo 1.16 does not write it). */
static gboolean
adobe_jpeg (const unsigned char *d, size_t len)
{
  size_t pos = JPEG_SOI_LENGTH;
  while (pos + 4 <= len && d[pos] == 0xFF)
    {
      unsigned marker = d[pos + 1];
      size_t seg = (size_t) d[pos + 2] << 8 | d[pos + 3];
      if (marker == JPEG_SOS || marker == JPEG_EOI)
        return FALSE;
      if (marker == JPEG_APP14 && seg >= JPEG_ADOBE_MIN && pos + 2 + seg <= len
          && memcmp (d + pos + 4, "Adobe", 5) == 0)
        return TRUE;
      pos += 2 + seg;
    }
  return FALSE;
}

static void
fix_image (pp_ctx_t *c, qpdf_oh stream, qpdf_oh dict)
{
  qpdf_data q = c->q;
  qpdf_oh cs = qpdf_oh_get_key (q, dict, "/ColorSpace");
  if (qpdf_oh_is_name_and_equals (q, cs, "/DeviceRGB"))
    {
      /* PDF/X-4 takes RGB only with a profile: the photos' own colours, converted by the RIP. */
      qpdf_oh_replace_key (q, dict, "/ColorSpace", c->rgb_space);
      c->stats->icc_images++;
    }
  else if (qpdf_oh_is_name_and_equals (q, cs, "/DeviceCMYK")
           && has_name (q, qpdf_oh_get_key (q, dict, "/Filter"), "/DCTDecode")
           && !qpdf_oh_has_key (q, dict, "/Decode"))
    {
      unsigned char *data = NULL;
      size_t len = 0;
      if (qpdf_oh_get_stream_data (q, stream, qpdf_dl_none, NULL, &data, &len) & QPDF_ERRORS)
        return;
      if (adobe_jpeg (data, len))
        {
          qpdf_oh_replace_key (q, dict, "/Decode", qpdf_oh_parse (q, "[1 0 1 0 1 0 1 0]"));
          c->stats->decode_images++;
        }
      free (data);
    }
}

static void
fix_form (pp_ctx_t *c, qpdf_oh stream)
{
  qpdf_data q = c->q;
  QPDF_BOOL decoded = QPDF_FALSE;
  unsigned char *data = NULL;
  size_t len = 0;
  if (qpdf_oh_get_stream_data (q, stream, qpdf_dl_generalized, &decoded, &data, &len)
      & QPDF_ERRORS)
    return;
  if (decoded)
    {
      size_t flen = 0;
      static const pb_filter_options_t colours = { TRUE, NULL, 0, NULL, 0 };
      char *body = filtered (c, data, len, &colours, &flen, NULL);
      if (body)
        {
          set_deflated (q, stream, body, flen);
          free (body);
        }
      add_spot_spaces (c, dict_key (q, qpdf_oh_get_dict (q, stream), "/Resources"));
    }
  else
    problem (c, g_strdup ("a form XObject's content cannot be decoded"));
  free (data);
}

/* Images and form XObjects, wherever they are used: every object of the file is looked at
 * once (Cairo writes no object streams). */
static void
fix_objects (pp_ctx_t *c)
{
  qpdf_data q = c->q;
  int size = qpdf_oh_get_int_value_as_int (q, qpdf_oh_get_key (q, qpdf_get_trailer (q), "/Size"));
  for (int id = 1; id < size; id++)
    {
      qpdf_oh o = qpdf_get_object_by_id (q, id, 0);
      if (qpdf_oh_is_stream (q, o))
        {
          qpdf_oh dict = qpdf_oh_get_dict (q, o);
          qpdf_oh sub = qpdf_oh_get_key (q, dict, "/Subtype");
          if (qpdf_oh_is_name_and_equals (q, sub, "/Image"))
            fix_image (c, o, dict);
          else if (qpdf_oh_is_name_and_equals (q, sub, "/Form"))
            fix_form (c, o);
        }
      qpdf_oh_release (q, o);
    }
}

/* "2024-02-19T00:00:00+00:00" (XMP) and "D:20240219000000+00'00'" (Info): the same instant. */
static void
dates (gint64 epoch, char **xmp, char **pdf)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (epoch);
  if (!dt)
    dt = g_date_time_new_from_unix_utc (0);
  *xmp = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S+00:00");
  *pdf = g_date_time_format (dt, "D:%Y%m%d%H%M%S+00'00'");
  g_date_time_unref (dt);
}

static char *
uuid_of (const char *digest)
{
  char hex[33] = "00000000000000000000000000000000";
  if (digest)
    memcpy (hex, digest, MIN (strlen (digest), 32));
  return g_strdup_printf ("uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                          hex + 20);
}

static char *
producer (void)
{
  return g_strdup_printf ("paiban %s (cairo %s, qpdf %s)", PAIBAN_VERSION, cairo_version_string (),
                          qpdf_get_qpdf_version ());
}

/* Padding at the end of the XMP packet: lines of spaces. */
#define XMP_PADDING_LINES 8
#define XMP_PADDING_WIDTH 99

/* The XMP packet: the same title, dates, tools and PDF/X version as the Info dictionary. */
static char *
xmp_packet (const pb_prepress_t *pp, const char *date)
{
  g_autofree char *title = g_markup_escape_text (pp->title ? pp->title : "", -1);
  g_autofree char *author = g_markup_escape_text (pp->author ? pp->author : "", -1);
  g_autofree char *prod = producer ();
  g_autofree char *prod_x = g_markup_escape_text (prod, -1);
  g_autofree char *id = uuid_of (pp->digest);
  GString *s = g_string_new ("<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                             "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                             " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                             "  <rdf:Description rdf:about=\"\"\n"
                             "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                             "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                             "    xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
                             "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                             "    xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\">\n"
                             "   <dc:format>application/pdf</dc:format>\n");
  g_string_append_printf (s, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li>"
                          "</rdf:Alt></dc:title>\n", title);
  if (*author)
    g_string_append_printf (s, "   <dc:creator><rdf:Seq><rdf:li>%s</rdf:li></rdf:Seq>"
                            "</dc:creator>\n", author);
  g_string_append_printf (s, "   <xmp:CreateDate>%s</xmp:CreateDate>\n"
                          "   <xmp:ModifyDate>%s</xmp:ModifyDate>\n"
                          "   <xmp:MetadataDate>%s</xmp:MetadataDate>\n"
                          "   <xmp:CreatorTool>paiban %s</xmp:CreatorTool>\n"
                          "   <pdf:Producer>%s</pdf:Producer>\n"
                          "   <pdf:Trapped>False</pdf:Trapped>\n"
                          "   <xmpMM:DocumentID>%s</xmpMM:DocumentID>\n"
                          "   <xmpMM:InstanceID>%s</xmpMM:InstanceID>\n"
                          "   <xmpMM:VersionID>1</xmpMM:VersionID>\n"
                          "   <xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n"
                          "   <pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>\n"
                          "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n",
                          date, date, date, PAIBAN_VERSION, prod_x, id, id);
  /* Room for editors to grow the packet in place, as XMP writers leave. */
  for (int i = 0; i < XMP_PADDING_LINES; i++)
    g_string_append_printf (s, "%*s\n", XMP_PADDING_WIDTH, "");
  g_string_append (s, "<?xpacket end=\"w\"?>");
  return g_string_free (s, FALSE);
}

static void
set_info (pp_ctx_t *c, const char *pdf_date)
{
  qpdf_data q = c->q;
  g_autofree char *prod = producer ();
  g_autofree char *creator = g_strdup_printf ("paiban %s", PAIBAN_VERSION);
  qpdf_set_info_key (q, "/Producer", prod);
  qpdf_set_info_key (q, "/Creator", creator);
  qpdf_set_info_key (q, "/CreationDate", pdf_date);
  qpdf_set_info_key (q, "/ModDate", pdf_date);
  qpdf_set_info_key (q, "/GTS_PDFXVersion", "PDF/X-4");
  qpdf_oh info = qpdf_oh_get_key (q, qpdf_get_trailer (q), "/Info");
  /* Unicode strings (UTF-16 where needed), as Cairo writes them. */
  qpdf_oh_replace_key (q, info, "/Title", qpdf_oh_new_unicode_string (q, c->pp->title ? c->pp->title : ""));
  if (c->pp->author)
    qpdf_oh_replace_key (q, info, "/Author", qpdf_oh_new_unicode_string (q, c->pp->author));
  qpdf_oh_replace_key (q, info, "/Trapped", qpdf_oh_new_name (q, "/False"));
}

static void
set_catalog (pp_ctx_t *c, GBytes *cmyk, const char *description, const char *xmp_date)
{
  qpdf_data q = c->q;
  qpdf_oh root = qpdf_get_root (q);
  gsize len;
  const void *data = g_bytes_get_data (cmyk, &len);
  qpdf_oh icc = qpdf_make_indirect_object (q, deflated_stream (q, data, len));
  qpdf_oh_replace_key (q, qpdf_oh_get_dict (q, icc), "/N", qpdf_oh_new_integer (q, 4));
  qpdf_oh intent = qpdf_oh_parse (q, "<< /Type /OutputIntent /S /GTS_PDFX "
                                     "/OutputConditionIdentifier (Custom) "
                                     "/RegistryName (http://www.color.org) >>");
  qpdf_oh_replace_key (q, intent, "/OutputCondition", qpdf_oh_new_unicode_string (q, description));
  qpdf_oh_replace_key (q, intent, "/Info", qpdf_oh_new_unicode_string (q, description));
  qpdf_oh_replace_key (q, intent, "/DestOutputProfile", icc);
  qpdf_oh intents = qpdf_oh_new_array (q);
  qpdf_oh_append_item (q, intents, intent);
  qpdf_oh_replace_key (q, root, "/OutputIntents", intents);

  g_autofree char *xmp = xmp_packet (c->pp, xmp_date);
  qpdf_oh meta = qpdf_make_indirect_object (q, stream_with (q, xmp, strlen (xmp)));
  qpdf_oh md = qpdf_oh_get_dict (q, meta);
  qpdf_oh_replace_key (q, md, "/Type", qpdf_oh_new_name (q, "/Metadata"));
  qpdf_oh_replace_key (q, md, "/Subtype", qpdf_oh_new_name (q, "/XML"));
  qpdf_oh_replace_key (q, root, "/Metadata", meta);
}

/* Each spot colour: [/Separation /NAME /DeviceCMYK { 0 → none, 1 → its CMYK }], and the RGB
 * colours of its tints on the pages, which the content filter turns into it. */
static void
make_spot_spaces (pp_ctx_t *c)
{
  qpdf_data q = c->q;
  char v[4][G_ASCII_DTOSTR_BUF_SIZE];
  c->spot_spaces = g_new (qpdf_oh, MAX (c->pp->n_spots, 1));
  for (int i = 0; i < c->pp->n_spots; i++)
    {
      const pb_prepress_spot_t *spot = &c->pp->spots[i];
      g_autofree char *fn = g_strdup_printf (
          "<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [%s %s %s %s] /N 1 >>",
          num (v[0], spot->cmyk[0]), num (v[1], spot->cmyk[1]), num (v[2], spot->cmyk[2]),
          num (v[3], spot->cmyk[3]));
      g_autofree char *name = g_strconcat ("/", spot->name, NULL);
      qpdf_oh space = qpdf_oh_new_array (q);
      qpdf_oh_append_item (q, space, qpdf_oh_new_name (q, "/Separation"));
      qpdf_oh_append_item (q, space, qpdf_oh_new_name (q, name));
      qpdf_oh_append_item (q, space, qpdf_oh_new_name (q, "/DeviceCMYK"));
      qpdf_oh_append_item (q, space, qpdf_oh_parse (q, fn));
      c->spot_spaces[i] = qpdf_make_indirect_object (q, space);
      g_ptr_array_add (c->spot_names, g_strdup_printf ("/PBSpot%d", i));
      for (guint k = 0; k < spot->tints->len; k++)
        {
          pb_filter_spot_t f = { { 0 }, c->spot_names->pdata[i],
                                 g_array_index (spot->tints, double, k) };
          pb_tint_rgb (spot->rgb, f.tint, f.rgb);
          g_array_append_val (c->spot_colours, f);
        }
    }
}

/* The shared colour spaces: registration (all plates) for the marks, ICC-based RGB. */
static void
make_spaces (pp_ctx_t *c, GBytes *rgb)
{
  qpdf_data q = c->q;
  c->registration = qpdf_make_indirect_object (
      q, qpdf_oh_parse (q, "[/Separation /All /DeviceCMYK << /FunctionType 2 /Domain [0 1] "
                           "/C0 [0 0 0 0] /C1 [1 1 1 1] /N 1 >>]"));
  gsize len;
  const void *data = g_bytes_get_data (rgb, &len);
  qpdf_oh icc = qpdf_make_indirect_object (q, deflated_stream (q, data, len));
  qpdf_oh_replace_key (q, qpdf_oh_get_dict (q, icc), "/N", qpdf_oh_new_integer (q, 3));
  qpdf_oh space = qpdf_oh_new_array (q);
  qpdf_oh_append_item (q, space, qpdf_oh_new_name (q, "/ICCBased"));
  qpdf_oh_append_item (q, space, icc);
  c->rgb_space = qpdf_make_indirect_object (q, space);
  make_spot_spaces (c);
}

/* qpdf's first error or warning, or NULL: a warning on Cairo's file means damage, and the print
 * file must be clean. */
static char *
qpdf_problem (qpdf_data q)
{
  if (qpdf_has_error (q))
    return g_strdup (qpdf_get_error_message_detail (q, qpdf_get_error (q)));
  char *first = NULL;
  while (qpdf_more_warnings (q))
    {
      qpdf_error w = qpdf_next_warning (q);
      if (!first)
        first = g_strdup (qpdf_get_error_message_detail (q, w));
    }
  return first;
}

/* The structure tree in reading order, when the file is tagged. */
static void
structure (pp_ctx_t *c)
{
  if (c->pp->tags && !c->problem)
    {
      char *why = pb_structure_write (c->q, c->pp->tags);
      if (why)
        problem (c, why);
    }
}

/* The file written into qpdf's memory, at least PDF `version` (NULL: as read). */
static gboolean
write_memory (pp_ctx_t *c, const char *version)
{
  qpdf_data q = c->q;
  if (c->problem || qpdf_has_error (q) || qpdf_more_warnings (q))
    return FALSE;
  /* Into memory: qpdf 11 does not report every failed write to a file (a full disk went
   * unnoticed); the caller writes the bytes and checks each write. */
  if (qpdf_init_write_memory (q) & QPDF_ERRORS)
    return FALSE;
  /* The /ID from the content, not from the time and file name: same input, same bytes. */
  qpdf_set_deterministic_ID (q, QPDF_TRUE);
  if (version)
    qpdf_set_minimum_pdf_version (q, version);
  return !(qpdf_write (q) & QPDF_ERRORS) && !qpdf_more_warnings (q);
}

/* Cairo's file as qpdf reads it: from memory, where seeking costs nothing (a file is read
 * through stdio, which fills its buffer again on every seek). */
static gboolean
read_cairo (qpdf_data q, GBytes *in)
{
  gsize len;
  const char *data = g_bytes_get_data (in, &len);
  return !(qpdf_read_memory (q, CAIRO_FILE, data, len, NULL) & QPDF_ERRORS);
}

static gboolean
run (pp_ctx_t *c, GBytes *in, GBytes *cmyk, GBytes *rgb, const char *desc)
{
  qpdf_data q = c->q;
  if (!read_cairo (q, in))
    return FALSE;
  /* An issue made wholly elsewhere has no pages; Cairo still writes one blank page. */
  if (c->pp->n_pages > 0 && qpdf_get_num_pages (q) != c->pp->n_pages)
    {
      problem (c, g_strdup_printf ("%d pages written, %d expected", qpdf_get_num_pages (q),
                                   c->pp->n_pages));
      return FALSE;
    }
  g_autofree char *xmp_date = NULL, *pdf_date = NULL;
  dates (c->pp->epoch, &xmp_date, &pdf_date);
  make_spaces (c, rgb);
  for (int i = 0; i < c->pp->n_pages && !c->problem; i++)
    fix_page (c, i);
  fix_objects (c);
  set_info (c, pdf_date);
  set_catalog (c, cmyk, desc, xmp_date);
  structure (c);
  /* PDF/X-4 is PDF 1.6. */
  return write_memory (c, "1.6");
}

/* A qpdf run over `in` by `run_with` (given `cmyk`, `rgb` and `desc` for print), its result
 * written into `out`. */
typedef gboolean (*runner_t) (pp_ctx_t *c, GBytes *in, GBytes *cmyk, GBytes *rgb,
                              const char *desc);

static gboolean
post_process (GBytes *in, pb_outfile_t *out, const pb_prepress_t *pp,
              pb_prepress_stats_t *stats, runner_t run_with, GBytes *cmyk, GBytes *rgb,
              const char *desc, GError **error)
{
  pb_prepress_stats_t unused = { 0 };
  pp_ctx_t c = { 0 };
  c.pp = pp;
  c.spot_colours = g_array_new (FALSE, FALSE, sizeof (pb_filter_spot_t));
  c.spot_names = g_ptr_array_new_with_free_func (g_free);
  c.stats = stats ? stats : &unused;
  c.q = qpdf_init ();
  /* The plugin prints nothing: qpdf's messages are collected, not written to stderr. */
  qpdf_silence_errors (c.q);
  qpdf_set_suppress_warnings (c.q, QPDF_TRUE);
  gboolean ok = run_with (&c, in, cmyk, rgb, desc);
  if (!ok)
    {
      g_autofree char *why = c.problem ? g_strdup (c.problem) : qpdf_problem (c.q);
      g_autofree char *target = pb_path_display (out->path);
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: cannot post-process the PDF: %s",
                   target, why ? why : "unknown qpdf failure");
    }
  else
    ok = pb_outfile_write (out, qpdf_get_buffer (c.q), qpdf_get_buffer_length (c.q), error);
  qpdf_cleanup (&c.q);
  g_free (c.problem);
  g_free (c.spot_spaces);
  g_array_free (c.spot_colours, TRUE);
  g_ptr_array_free (c.spot_names, TRUE);
  return ok;
}

gboolean
pb_prepress_pdf (GBytes *in, pb_outfile_t *out, const pb_prepress_t *pp,
                 pb_prepress_stats_t *stats, GError **error)
{
  char *desc = NULL;
  g_autoptr (GBytes) cmyk = read_profile (pp->cmyk_profile, "CMYK", TRUE, &desc, error);
  if (!cmyk)
    return FALSE;
  g_autoptr (GBytes) rgb = read_profile (pp->rgb_profile, "RGB ", FALSE, NULL, error);
  if (!rgb)
    {
      g_free (desc);
      return FALSE;
    }
  gboolean ok = post_process (in, out, pp, stats, run, cmyk, rgb, desc, error);
  if (ok && stats)
    stats->profile_name = desc;
  else
    g_free (desc);
  return ok;
}

/* The proof: its pages' artifacts marked and its structure tree written, nothing else. */
static gboolean
run_proof (pp_ctx_t *c, GBytes *in, G_GNUC_UNUSED GBytes *cmyk, G_GNUC_UNUSED GBytes *rgb,
           G_GNUC_UNUSED const char *desc)
{
  qpdf_data q = c->q;
  if (!read_cairo (q, in))
    return FALSE;
  int n = qpdf_get_num_pages (q);
  for (int i = 0; i < n && c->pp->tags && !c->problem; i++)
    {
      qpdf_oh page = qpdf_get_page_n (q, i);
      size_t len = 0;
      char *body = page_content (c, page, i, FALSE, &len);
      if (body)
        qpdf_oh_replace_key (q, page, "/Contents", deflated_stream (q, body, len));
      free (body);
    }
  structure (c);
  return write_memory (c, NULL);
}

gboolean
pb_prepress_proof (GBytes *in, pb_outfile_t *out, const pb_tags_t *tags, GError **error)
{
  pb_prepress_t pp = { .tags = tags };
  return post_process (in, out, &pp, NULL, run_proof, NULL, NULL, NULL, error);
}

/* ---- photos ---- */

static double
clamp (double v, double lo, double hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

void
pb_image_placement (const pb_image_t *image, const pb_page_layout_t *page, double bleed,
                    pb_rect_t *frame, pb_rect_t *src)
{
  double px_w, px_h;
  pb_image_size (image->surface, &px_w, &px_h);
  pb_rect_t f = image->frame, s = image->src;
  double l = 0, t = 0, r = 0, b = 0;
  if (bleed > 0 && page)
    {
      l = fabs (f.x) <= PB_BLEED_SNAP ? bleed : 0;
      t = fabs (f.y) <= PB_BLEED_SNAP ? bleed : 0;
      r = fabs (f.x + f.w - page->width) <= PB_BLEED_SNAP ? bleed : 0;
      b = fabs (f.y + f.h - page->height) <= PB_BLEED_SNAP ? bleed : 0;
    }
  if (l + t + r + b > 0 && f.w > 0 && f.h > 0)
    {
      /* More of the photo shows in the bleed at the same scale; when the crop has no pixels
       * to spare there, the photo is enlarged just enough, about the same centre. */
      double k = s.w / f.w;
      pb_rect_t g = { f.x - l, f.y - t, f.w + l + r, f.h + t + b };
      pb_rect_t e = { s.x - l * k, s.y - t * k, g.w * k, g.h * k };
      if (e.w > px_w || e.h > px_h)
        {
          double k2 = MIN (px_w / g.w, px_h / g.h);
          double cx = e.x + e.w / 2, cy = e.y + e.h / 2;
          e = (pb_rect_t) { cx - g.w * k2 / 2, cy - g.h * k2 / 2, g.w * k2, g.h * k2 };
        }
      e.x = clamp (e.x, 0, MAX (0, px_w - e.w));
      e.y = clamp (e.y, 0, MAX (0, px_h - e.h));
      f = g;
      s = e;
    }
  *frame = f;
  *src = s;
}
