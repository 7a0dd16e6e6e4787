/* Fuzz target: the narrowed cmap the font subsetter reads (plugin/cmap.c), which parses a
 * font's cmap table itself: a font named by a template's fonts folder is input too. The input's
 * first bytes choose the glyphs kept, the rest is the face's cmap table. The narrowed face's
 * mapping must agree with the face's own: each code point it maps goes to the same glyph, and
 * that glyph is one of those kept. */
#include "fuzz.h"

#include <hb.h>

#include "cmap.h"

/* Glyphs kept: one per 2 input bytes, at most this many. */
#define FZ_GLYPHS 32

typedef struct {
  hb_blob_t *cmap;
} fz_tables_t;

static hb_blob_t *
table (G_GNUC_UNUSED hb_face_t *face, hb_tag_t tag, void *data)
{
  const fz_tables_t *t = data;
  return tag == HB_TAG ('c', 'm', 'a', 'p') ? hb_blob_reference (t->cmap) : hb_blob_get_empty ();
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fz_setup (FALSE);
  return 0;
}

/* Each code point the narrowed face maps goes where the face maps it, to a glyph kept. */
static void
check_agrees (hb_face_t *face, hb_face_t *narrowed, const hb_set_t *glyphs)
{
  hb_font_t *font = hb_font_create (face), *narrow = hb_font_create (narrowed);
  hb_set_t *unicodes = hb_set_create ();
  hb_face_collect_unicodes (narrowed, unicodes);
  hb_codepoint_t u = HB_SET_VALUE_INVALID;
  while (hb_set_next (unicodes, &u))
    {
      hb_codepoint_t g = 0, own = 0;
      if (!hb_font_get_nominal_glyph (narrow, u, &g))
        continue;
      fz_check (hb_font_get_nominal_glyph (font, u, &own) && own == g,
                "U+%04X: glyph %u narrowed, %u in the face", u, g, own);
      fz_check (hb_set_has (glyphs, g), "U+%04X: glyph %u is not one kept", u, g);
    }
  hb_set_destroy (unicodes);
  hb_font_destroy (narrow);
  hb_font_destroy (font);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  hb_set_t *glyphs = hb_set_create ();
  size_t at = 0;
  for (int k = 0; k < FZ_GLYPHS && at + 2 <= size && data[at] != 0xff; k++, at += 2)
    hb_set_add (glyphs, (hb_codepoint_t) data[at] << 8 | data[at + 1]);
  fz_tables_t t = { hb_blob_create ((const char *) data + at, size - at,
                                    HB_MEMORY_MODE_READONLY, NULL, NULL) };
  hb_face_t *face = hb_face_create_for_tables (table, &t, NULL);
  hb_face_t *narrowed = pb_cmap_subset_source (face, glyphs);
  fz_check (narrowed != NULL, "no face");
  if (narrowed != face)
    check_agrees (face, narrowed, glyphs);
  hb_face_destroy (narrowed);
  hb_face_destroy (face);
  hb_blob_destroy (t.cmap);
  hb_set_destroy (glyphs);
  return 0;
}
