#include "embed.h"
#include "cmap.h"
#include "fonts.h"
#include "parallel.h"

#include <stdlib.h>
#include <cairo-ft.h>
#include <hb-subset.h>
#include <pango/pangocairo.h>
#include <ft2build.h>
#include FT_FREETYPE_H

/* A subset face: the subset font data, the Cairo face reading it, and the glyph ids of the
 * original font mapped to the subset's. */
typedef struct {
  hb_blob_t *data;
  FT_Face ft;
  cairo_font_face_t *face;
  hb_map_t *old_to_new;
} pb_subset_t;

struct pb_embed {
  GHashTable *glyphs;      /* hb_face_t* → GHashTable set of glyph ids (GUINT_TO_POINTER (id + 1)) */
  GHashTable *subsets;     /* hb_face_t* → pb_subset_t* */
  GHashTable *fonts;       /* PangoFont* → cairo_scaled_font_t* */
};

/* One FreeType library for the process: Cairo may keep faces in its caches after a job ends,
 * and a face must not outlive its library. */
static FT_Library
ft_library (void)
{
  static gsize once = 0;
  static FT_Library library;
  if (g_once_init_enter (&once))
    {
      FT_Init_FreeType (&library);
      g_once_init_leave (&once, 1);
    }
  return library;
}

static cairo_user_data_key_t subset_key;

static void
subset_release (void *data)
{
  pb_subset_t *s = data;
  FT_Done_Face (s->ft);
  hb_blob_destroy (s->data);
  hb_map_destroy (s->old_to_new);
  g_free (s);
}

static hb_face_t *
face_of (PangoFont *font)
{
  return hb_font_get_face (pango_font_get_hb_font (font));
}

static void
collect_glyphs (pb_embed_t *embed, const pb_layout_t *layout)
{
  for (guint p = 0; p < layout->pages->len; p++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[p];
      for (guint l = 0; l < page->lines->len; l++)
        {
          const pb_line_t *line = page->lines->pdata[l];
          for (guint r = 0; r < line->runs->len; r++)
            {
              const pb_glyph_run_t *run = line->runs->pdata[r];
              hb_face_t *face = face_of (run->font);
              GHashTable *set = g_hash_table_lookup (embed->glyphs, face);
              if (!set)
                {
                  set = g_hash_table_new (NULL, NULL);
                  g_hash_table_insert (embed->glyphs, face, set);
                }
              for (int g = 0; g < run->n_glyphs; g++)
                g_hash_table_add (set, GUINT_TO_POINTER (run->glyphs[g].index + 1));
            }
        }
    }
}

/* One face to subset: its glyphs, and the subsetter's result. */
typedef struct {
  hb_face_t *face;
  GHashTable *set;
  char *key;
  pb_subset_t *subset;     /* a reference: from the cache, or made from `font` and `map` */
  hb_face_t *font;
  hb_map_t *map;
} pb_subset_job_t;

hb_subset_input_t *
pb_embed_subset_input (const hb_set_t *glyphs)
{
  hb_subset_input_t *input = hb_subset_input_create_or_fail ();
  if (!input)
    return NULL;
  hb_set_union (hb_subset_input_glyph_set (input), glyphs);
  /* A PDF needs outlines and metrics only: dropping the layout and vertical tables spares the
   * subsetter their glyph closure, the costliest part for a CJK font. Glyph ids are renumbered
   * (keeping them would write an empty charstring for each of 65 000 glyphs). */
  hb_subset_input_set_flags (input, HB_SUBSET_FLAGS_NO_HINTING);
  hb_set_t *drop = hb_subset_input_set (input, HB_SUBSET_SETS_DROP_TABLE_TAG);
  static const char *const unneeded[] = { "GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH",
                                          "vhea", "vmtx", "VORG", "DSIG", "morx", "kern" };
  for (guint i = 0; i < G_N_ELEMENTS (unneeded); i++)
    hb_set_add (drop, hb_tag_from_string (unneeded[i], -1));
  return input;
}

/* Runs HarfBuzz's subsetter; safe on any thread. */
static void
run_subsetter (int i, gpointer data)
{
  pb_subset_job_t *job = &((pb_subset_job_t *) data)[i];
  if (job->subset)
    return;
  hb_set_t *glyphs = hb_set_create ();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, job->set);
  while (g_hash_table_iter_next (&it, &key, NULL))
    hb_set_add (glyphs, GPOINTER_TO_UINT (key) - 1);
  hb_subset_input_t *input = pb_embed_subset_input (glyphs);
  hb_face_t *source = pb_cmap_subset_source (job->face, glyphs);
  hb_set_destroy (glyphs);
  hb_subset_plan_t *plan = input ? hb_subset_plan_create_or_fail (source, input) : NULL;
  hb_subset_input_destroy (input);
  hb_face_destroy (source);
  job->font = plan ? hb_subset_plan_execute_or_fail (plan) : NULL;
  if (job->font)
    job->map = hb_map_reference ((hb_map_t *) hb_subset_plan_old_to_new_glyph_mapping (plan));
  hb_subset_plan_destroy (plan);
}

/* Wraps the subset font for Cairo; FreeType wants one thread per library. */
static pb_subset_t *
wrap_subset (pb_subset_job_t *job, GError **error)
{
  if (!job->font)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_FONT, "cannot subset a font for embedding");
      return NULL;
    }
  pb_subset_t *s = g_new0 (pb_subset_t, 1);
  s->old_to_new = g_steal_pointer (&job->map);
  s->data = hb_face_reference_blob (job->font);
  unsigned len;
  const char *bytes = hb_blob_get_data (s->data, &len);
  if (FT_New_Memory_Face (ft_library (), (const FT_Byte *) bytes, len, 0, &s->ft) != 0)
    {
      hb_blob_destroy (s->data);
      hb_map_destroy (s->old_to_new);
      g_free (s);
      g_set_error (error, PB_ERROR, PB_ERROR_FONT, "cannot read a subset font");
      return NULL;
    }
  s->face = cairo_ft_font_face_create_for_ft_face (s->ft, FT_LOAD_NO_HINTING);
  cairo_font_face_set_user_data (s->face, &subset_key, s, subset_release);
  return s;
}

/* A reference to the subset is one to its face, which owns it; NULL stays NULL. */
static pb_subset_t *
subset_ref (pb_subset_t *s)
{
  if (s)
    cairo_font_face_reference (s->face);
  return s;
}

static void
subset_unref (pb_subset_t *s)
{
  /* The face owns the subset through its user data. */
  cairo_font_face_destroy (s->face);
}

static int
compare_ids (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (*(gconstpointer *) a), y = GPOINTER_TO_UINT (*(gconstpointer *) b);
  return x < y ? -1 : x > y;
}

/* "subset:FACE:id,id,…" — the same glyphs of the same face make the same subset. */
static char *
cache_key (hb_face_t *face, GHashTable *set)
{
  guint n;
  gpointer *ids = g_hash_table_get_keys_as_array (set, &n);
  qsort (ids, n, sizeof *ids, compare_ids);
  GString *key = g_string_new (NULL);
  g_string_printf (key, "subset:%p:", (void *) face);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (key, "%x,", GPOINTER_TO_UINT (ids[i]));
  g_free (ids);
  return g_string_free (key, FALSE);
}

static void
job_clear (pb_subset_job_t *job)
{
  g_free (job->key);
  if (job->subset)
    subset_unref (job->subset);
  if (job->font)
    hb_face_destroy (job->font);
  if (job->map)
    hb_map_destroy (job->map);
}

/* Each face's subset comes from the font set's cache (a warm job renders the same pages again)
 * or from the subsetter, run for all faces at once; the cache keeps new ones. The cache is
 * used under the font set's lock, as the composer does: another job on the same set may
 * insert (and so drop entries) at any time, so a subset found there is referenced before the
 * lock is let go. */
static gboolean
make_subsets (pb_embed_t *embed, pb_fonts_t *fonts, GError **error)
{
  guint n = g_hash_table_size (embed->glyphs);
  pb_subset_job_t *jobs = g_new0 (pb_subset_job_t, n);
  GHashTableIter it;
  gpointer face, set;
  g_hash_table_iter_init (&it, embed->glyphs);
  pb_fonts_lock (fonts);
  for (guint i = 0; g_hash_table_iter_next (&it, &face, &set); i++)
    {
      jobs[i] = (pb_subset_job_t) { face, set, cache_key (face, set), NULL, NULL, NULL };
      jobs[i].subset = subset_ref ((pb_subset_t *) pb_fonts_cache_lookup (fonts, jobs[i].key));
    }
  pb_fonts_unlock (fonts);
  pb_parallel_for (n, 1, run_subsetter, jobs);
  gboolean ok = TRUE;
  for (guint i = 0; i < n && ok; i++)
    {
      if (!jobs[i].subset && (ok = (jobs[i].subset = wrap_subset (&jobs[i], error)) != NULL))
        {
          pb_fonts_lock (fonts);
          pb_fonts_cache_insert (fonts, g_steal_pointer (&jobs[i].key),
                                 subset_ref (jobs[i].subset), (GDestroyNotify) subset_unref);
          pb_fonts_unlock (fonts);
        }
      if (ok)
        g_hash_table_insert (embed->subsets, jobs[i].face, g_steal_pointer (&jobs[i].subset));
    }
  for (guint i = 0; i < n; i++)
    job_clear (&jobs[i]);
  g_free (jobs);
  return ok;
}

pb_embed_t *
pb_embed_new (const pb_layout_t *layout, GError **error)
{
  pb_embed_t *embed = g_new0 (pb_embed_t, 1);
  embed->glyphs = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  embed->subsets = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) subset_unref);
  embed->fonts = g_hash_table_new_full (NULL, NULL, NULL,
                                        (GDestroyNotify) cairo_scaled_font_destroy);
  collect_glyphs (embed, layout);
  if (!make_subsets (embed, layout->fonts, error))
    {
      pb_embed_free (embed);
      return NULL;
    }
  return embed;
}

void
pb_embed_free (pb_embed_t *embed)
{
  if (!embed)
    return;
  g_hash_table_destroy (embed->fonts);
  g_hash_table_destroy (embed->subsets);
  g_hash_table_destroy (embed->glyphs);
  g_free (embed);
}

cairo_scaled_font_t *
pb_embed_font (pb_embed_t *embed, PangoFont *font)
{
  cairo_scaled_font_t *scaled = g_hash_table_lookup (embed->fonts, font);
  if (scaled)
    return scaled;
  pb_subset_t *s = g_hash_table_lookup (embed->subsets, face_of (font));
  if (!s) /* a font with no glyphs on any page */
    return pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (font));
  PangoFontDescription *desc = pango_font_describe_with_absolute_size (font);
  double size = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
  pango_font_description_free (desc);
  cairo_matrix_t font_matrix, ctm;
  cairo_matrix_init_scale (&font_matrix, size, size);
  cairo_matrix_init_identity (&ctm);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  scaled = cairo_scaled_font_create (s->face, &font_matrix, &ctm, options);
  cairo_font_options_destroy (options);
  g_hash_table_insert (embed->fonts, font, scaled);
  return scaled;
}

void
pb_embed_glyphs (pb_embed_t *embed, PangoFont *font, const cairo_glyph_t *glyphs, int n,
                 cairo_glyph_t *out)
{
  pb_subset_t *s = g_hash_table_lookup (embed->subsets, face_of (font));
  for (int i = 0; i < n; i++)
    {
      out[i] = glyphs[i];
      if (s)
        out[i].index = hb_map_get (s->old_to_new, glyphs[i].index);
    }
}
