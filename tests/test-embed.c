/* Font subsets for embedding: HarfBuzz's subsetter reading a face whose cmap is narrowed to the
 * kept glyphs' code points (plugin/cmap.c) makes the same font, byte for byte, as reading the
 * face itself. The glyphs: those of the characters of the review part of the 2024 Government
 * Work Report (examples/full-issue/texts/gov-report-2024-review.md; its source in SOURCES.md
 * there), with the .notdef glyph and glyphs no code point maps to, and sets drawn at random. */
#include <glib.h>
#include <fontconfig/fontconfig.h>
#include <stdlib.h>
#include <hb-subset.h>
#include "cmap.h"
#include "embed.h"

/* Random sets: this many glyphs each, drawn with fixed seeds. */
#define RANDOM_GLYPHS 300
#define RANDOM_SETS 3
/* Glyphs taken every this many ids: most of a CJK font's are reached by no code point. */
#define EVERY_NTH 997

static hb_blob_t *
subset (hb_face_t *face, const hb_set_t *glyphs)
{
  hb_subset_input_t *input = pb_embed_subset_input (glyphs);
  g_assert_nonnull (input);
  hb_face_t *out = hb_subset_or_fail (face, input);
  hb_subset_input_destroy (input);
  g_assert_nonnull (out);
  hb_blob_t *blob = hb_face_reference_blob (out);
  hb_face_destroy (out);
  return blob;
}

/* The file of the face fontconfig gives for `family` at `weight` (fontconfig's scale), or
 * NULL; its index in `index`. */
static char *
font_file (const char *family, int weight, int *index)
{
  FcPattern *p = FcPatternCreate ();
  FcPatternAddString (p, FC_FAMILY, (const FcChar8 *) family);
  FcPatternAddInteger (p, FC_WEIGHT, weight);
  FcConfigSubstitute (NULL, p, FcMatchPattern);
  FcDefaultSubstitute (p);
  FcResult result;
  FcPattern *match = FcFontMatch (NULL, p, &result);
  FcPatternDestroy (p);
  FcChar8 *file = NULL, *found = NULL;
  char *path = NULL;
  if (match && FcPatternGetString (match, FC_FAMILY, 0, &found) == FcResultMatch
      && g_strcmp0 ((const char *) found, family) == 0
      && FcPatternGetString (match, FC_FILE, 0, &file) == FcResultMatch
      && FcPatternGetInteger (match, FC_INDEX, 0, index) == FcResultMatch)
    path = g_strdup ((const char *) file);
  if (match)
    FcPatternDestroy (match);
  return path;
}

static void
assert_same_subsets (hb_face_t *face, const hb_set_t *glyphs)
{
  hb_face_t *source = pb_cmap_subset_source (face, glyphs);
  /* The fonts tested have a Windows UCS-4 format 12 subtable: the narrowed face is used. */
  g_assert_true (source != face);
  hb_blob_t *cmap = hb_face_reference_table (source, HB_TAG ('c', 'm', 'a', 'p'));
  hb_blob_t *own = hb_face_reference_table (face, HB_TAG ('c', 'm', 'a', 'p'));
  g_assert_cmpuint (hb_blob_get_length (cmap), >, hb_blob_get_length (own));
  hb_blob_t *a = subset (face, glyphs), *b = subset (source, glyphs);
  unsigned la, lb;
  const char *da = hb_blob_get_data (a, &la), *db = hb_blob_get_data (b, &lb);
  g_assert_cmpuint (la, >, 0);
  g_assert_cmpmem (da, la, db, lb);
  hb_blob_destroy (a);
  hb_blob_destroy (b);
  hb_blob_destroy (cmap);
  hb_blob_destroy (own);
  hb_face_destroy (source);
}

static void
test_face (gconstpointer data)
{
  const char *const *font = data;
  int index = 0;
  g_autofree char *file = font_file (font[0], atoi (font[1]), &index);
  if (!file)
    {
      g_test_skip ("the font is not installed");
      return;
    }
  hb_blob_t *blob = hb_blob_create_from_file_or_fail (file);
  g_assert_nonnull (blob);
  hb_face_t *face = hb_face_create (blob, index);
  hb_font_t *hb = hb_font_create (face);
  unsigned count = hb_face_get_glyph_count (face);

  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "examples", "full-issue",
                                                 "texts", "gov-report-2024-review.md", NULL);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  hb_set_t *glyphs = hb_set_create ();
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      hb_codepoint_t g;
      if (hb_font_get_nominal_glyph (hb, g_utf8_get_char (p), &g))
        hb_set_add (glyphs, g);
    }
  g_assert_cmpuint (hb_set_get_population (glyphs), >, 10);
  hb_set_add (glyphs, 0);
  for (unsigned g = EVERY_NTH; g < count; g += EVERY_NTH)
    hb_set_add (glyphs, g);
  assert_same_subsets (face, glyphs);

  for (int seed = 1; seed <= RANDOM_SETS; seed++)
    {
      GRand *rand = g_rand_new_with_seed (seed);
      hb_set_clear (glyphs);
      for (int i = 0; i < RANDOM_GLYPHS; i++)
        hb_set_add (glyphs, g_rand_int_range (rand, 0, count));
      g_rand_free (rand);
      assert_same_subsets (face, glyphs);
    }
  hb_set_destroy (glyphs);
  hb_font_destroy (hb);
  hb_face_destroy (face);
  hb_blob_destroy (blob);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The faces of the bundled templates (CFF and TrueType), and a Latin one. */
  static const char *const fonts[][2] = {
    { "Noto Serif CJK SC", "80" },  { "Noto Sans CJK SC", "80" },
    { "Noto Sans CJK SC", "210" },  { "LXGW WenKai", "80" },
    { "LXGW WenKai", "200" },       { "DejaVu Sans", "80" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (fonts); i++)
    {
      g_autofree char *name = g_strdup_printf ("/embed/same-subset/%s/%s", fonts[i][0],
                                               fonts[i][1]);
      g_test_add_data_func (name, fonts[i], test_face);
    }
  return g_test_run ();
}
