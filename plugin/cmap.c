#include "cmap.h"

#include <glib.h>
#include <string.h>

/* The cmap table (OpenType 'cmap'): a header of version and record count, then 8-byte encoding
 * records (platform, encoding, offset of the subtable from the table's start). A format 12
 * subtable: format, reserved, length, language, group count (16 bytes), then 12-byte groups
 * (first and last code point, glyph of the first). */
#define CMAP_HEADER 4
#define CMAP_RECORD 8
#define F12_HEADER 16
#define F12_LANGUAGE_AT 8
#define F12_COUNT_AT 12
#define F12_GROUP 12
#define UNICODE_LAST 0x10FFFF
/* Where HarfBuzz reads a font's mapping from: the Windows symbol subtable first, else the
 * Windows UCS-4 one (hb-ot-cmap-table.hh, find_best_subtable). */
#define PLATFORM_WINDOWS 3
#define ENCODING_SYMBOL 0
#define ENCODING_UCS4 10

static guint32
get32 (const guchar *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static guint
get16 (const guchar *p)
{
  return (guint) p[0] << 8 | p[1];
}

static void
put32 (guchar *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static void
put16 (guchar *p, guint v)
{
  p[0] = v >> 8;
  p[1] = v;
}

/* The offset of the one format 12 subtable the records name, which the Windows UCS-4 records
 * all name and no symbol record precedes; 0 when the table is not so (or damaged). */
static guint32
format12_at (const guchar *d, gsize len)
{
  if (len < CMAP_HEADER)
    return 0;
  guint n = get16 (d + 2);
  if (CMAP_HEADER + CMAP_RECORD * (gsize) n > len)
    return 0;
  guint32 found = 0;
  gboolean ucs4 = FALSE;
  for (guint i = 0; i < n; i++)
    {
      const guchar *r = d + CMAP_HEADER + CMAP_RECORD * i;
      guint platform = get16 (r), encoding = get16 (r + 2);
      guint32 at = get32 (r + 4);
      if (at > len - 2 || (platform == PLATFORM_WINDOWS && encoding == ENCODING_SYMBOL))
        return 0;
      gboolean f12 = get16 (d + at) == 12;
      if (f12 && found && at != found)
        return 0;
      if (f12)
        found = at;
      if (platform == PLATFORM_WINDOWS && encoding == ENCODING_UCS4 && !(ucs4 = f12))
        return 0;
    }
  if (!ucs4 || len < F12_HEADER || found > len - F12_HEADER
      || get32 (d + found + F12_COUNT_AT) > (len - found - F12_HEADER) / F12_GROUP)
    return 0;
  return found;
}

/* The (code point, glyph) pairs of the format 12 subtable at `d` whose glyph is in `glyphs`
 * (sorted, `n`), as HarfBuzz reads the subtable (CmapSubtableLongSegmented::collect_mapping):
 * groups out of order skipped, a group from glyph 0 begun one later, a code point given twice
 * (the last of one group, the first of the next) mapped by the later. FALSE for a group whose
 * glyphs pass 2^32, which HarfBuzz wraps. */
static gboolean
kept_pairs (const guchar *d, const guint32 *glyphs, guint n, GArray *pairs)
{
  guint32 groups = get32 (d + F12_COUNT_AT), last_end = 0;
  for (guint32 i = 0; i < groups; i++)
    {
      const guchar *g = d + F12_HEADER + (gsize) F12_GROUP * i;
      guint32 start = get32 (g), end = MIN (get32 (g + 4), UNICODE_LAST), gid = get32 (g + 8);
      if (start > end || start < last_end)
        continue;
      last_end = end;
      if (gid == 0)
        {
          start++;
          gid++;
        }
      if ((guint64) gid + (end - start) >= G_MAXUINT32)
        return FALSE;
      if (start > end)
        continue;
      guint npairs = pairs->len / 2;
      if (npairs && g_array_index (pairs, guint32, 2 * npairs - 2) == start)
        g_array_set_size (pairs, 2 * npairs - 2);
      guint lo = 0, hi = n;
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;
          if (glyphs[mid] < gid)
            lo = mid + 1;
          else
            hi = mid;
        }
      for (guint k = lo; k < n && glyphs[k] <= gid + (end - start); k++)
        {
          guint32 pair[2] = { start + (glyphs[k] - gid), glyphs[k] };
          g_array_append_vals (pairs, pair, 2);
        }
    }
  return TRUE;
}

/* A format 12 subtable of `pairs` (code point, glyph; ascending) in the language `language`,
 * written at `out`; its size when `out` is NULL. */
static gsize
write_format12 (guchar *out, const GArray *pairs, guint32 language)
{
  const guint32 *p = (const guint32 *) (gpointer) pairs->data;
  guint n = pairs->len / 2, groups = 0;
  guchar *g = out ? out + F12_HEADER - F12_GROUP : NULL;
  for (guint i = 0; i < n; i++)
    {
      gboolean follows = i > 0 && p[2 * i] == p[2 * i - 2] + 1 && p[2 * i + 1] == p[2 * i - 1] + 1;
      if (!follows)
        {
          groups++;
          if (out)
            {
              g += F12_GROUP;
              put32 (g, p[2 * i]);
              put32 (g + 8, p[2 * i + 1]);
            }
        }
      if (out)
        put32 (g + 4, p[2 * i]);
    }
  gsize size = F12_HEADER + (gsize) F12_GROUP * groups;
  if (out)
    {
      put16 (out, 12);
      put16 (out + 2, 0);
      put32 (out + 4, size);
      put32 (out + F12_LANGUAGE_AT, language);
      put32 (out + F12_COUNT_AT, groups);
    }
  return size;
}

/* The font's cmap with the narrowed format 12 subtable appended and its records pointing
 * there; NULL when this does not apply. */
static hb_blob_t *
narrowed_cmap (hb_face_t *face, const hb_set_t *glyphs)
{
  hb_blob_t *blob = hb_face_reference_table (face, HB_TAG ('c', 'm', 'a', 'p'));
  unsigned len;
  const guchar *d = (const guchar *) hb_blob_get_data (blob, &len);
  guint32 f12 = len < G_MAXINT32 ? format12_at (d, len) : 0;
  guint n = hb_set_get_population (glyphs);
  guint32 *sorted = g_new (guint32, MAX (n, 1));
  hb_codepoint_t gid = HB_SET_VALUE_INVALID;
  for (guint k = 0; hb_set_next (glyphs, &gid); k++)
    sorted[k] = gid;
  GArray *pairs = g_array_new (FALSE, FALSE, sizeof (guint32));
  hb_blob_t *narrowed = NULL;
  if (f12 && kept_pairs (d + f12, sorted, n, pairs))
    {
      gsize at = (len + 3) & ~(gsize) 3;
      gsize size = at + write_format12 (NULL, pairs, 0);
      guchar *out = size <= G_MAXUINT32 ? g_malloc0 (size) : NULL;
      if (out)
        {
          memcpy (out, d, len);
          write_format12 (out + at, pairs, get32 (d + f12 + F12_LANGUAGE_AT));
          for (guint i = 0; i < get16 (d + 2); i++)
            {
              guchar *r = out + CMAP_HEADER + CMAP_RECORD * i;
              if (get32 (r + 4) == f12)
                put32 (r + 4, at);
            }
          narrowed = hb_blob_create ((const char *) out, size, HB_MEMORY_MODE_READONLY, out,
                                     g_free);
        }
    }
  g_array_free (pairs, TRUE);
  g_free (sorted);
  hb_blob_destroy (blob);
  return narrowed;
}

typedef struct {
  hb_face_t *face;
  hb_blob_t *cmap;
} source_t;

static hb_blob_t *
source_table (G_GNUC_UNUSED hb_face_t *self, hb_tag_t tag, void *data)
{
  source_t *s = data;
  return tag == HB_TAG ('c', 'm', 'a', 'p') ? hb_blob_reference (s->cmap)
                                            : hb_face_reference_table (s->face, tag);
}

static void
source_free (void *data)
{
  source_t *s = data;
  hb_face_destroy (s->face);
  hb_blob_destroy (s->cmap);
  g_free (s);
}

hb_face_t *
pb_cmap_subset_source (hb_face_t *face, const hb_set_t *glyphs)
{
  hb_blob_t *cmap = narrowed_cmap (face, glyphs);
  if (!cmap)
    return hb_face_reference (face);
  source_t *s = g_new (source_t, 1);
  *s = (source_t) { hb_face_reference (face), cmap };
  hb_face_t *source = hb_face_create_for_tables (source_table, s, source_free);
  hb_face_set_upem (source, hb_face_get_upem (face));
  hb_face_set_glyph_count (source, hb_face_get_glyph_count (face));
  return source;
}
