#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

struct pb_fonts {
  gint refcount;
  char *datadir;
  char *key;                /* datadir, font folders and system fonts: the pool's key */
  GHashTable *faces;        /* "family|weight" → face_t, under the lock */
  FcConfig *config;
  PangoFontMap *map;
  PangoContext *context;
  GHashTable *cache;        /* key → value, see pb_fonts_cache_insert */
  GMutex lock;
};

/* Beyond this many shaped paragraphs the cache starts afresh (about 100 MB for 128 pages). */
#define CACHE_MAX 20000

static void face_free (gpointer p);

/* Idle font sets, kept for the next job: reading fontconfig's setup and opening faces costs
 * more than laying out a page, and a host that keeps the plugin loaded should pay it once.
 * A set is used by one job at a time. */
#define POOL_MAX 4
static GMutex pool_lock;
static GQueue pool = G_QUEUE_INIT;

static pb_fonts_t *
pool_take (const char *key)
{
  pb_fonts_t *found = NULL;
  g_mutex_lock (&pool_lock);
  for (GList *l = pool.head; l && !found; l = l->next)
    if (g_strcmp0 (((pb_fonts_t *) l->data)->key, key) == 0)
      {
        found = l->data;
        g_queue_delete_link (&pool, l);
      }
  g_mutex_unlock (&pool_lock);
  return found;
}

static void fonts_destroy (pb_fonts_t *fonts);

/* At exit (the plugin is never unloaded before): hand the idle sets back, so leak checkers see
 * fontconfig's and Pango's memory freed rather than held through pointers they cannot follow. */
static void __attribute__ ((destructor))
pool_drain (void)
{
  pb_fonts_t *fonts;
  while ((fonts = g_queue_pop_head (&pool)))
    fonts_destroy (fonts);
}

static gboolean
pool_keep (pb_fonts_t *fonts)
{
  g_mutex_lock (&pool_lock);
  gboolean kept = pool.length < POOL_MAX;
  if (kept)
    g_queue_push_head (&pool, fonts);
  g_mutex_unlock (&pool_lock);
  return kept;
}

/* paiban's own fonts.conf; with `system`, the system's configuration too (the fonts
 * installed for every program, as fc-list lists them); then the template's folders. */
static FcConfig *
load_config (const char *datadir, const GPtrArray *dirs, gboolean system, GError **error)
{
  g_autofree char *path = g_build_filename (datadir, "fonts", "fonts.conf", NULL);
  FcConfig *config = FcConfigCreate ();
  FcChar8 *system_conf = system ? FcConfigGetFilename (config, NULL) : NULL;
  gboolean ok = FcConfigParseAndLoad (config, (const FcChar8 *) path, FcTrue)
                && (!system_conf || FcConfigParseAndLoad (config, system_conf, FcTrue))
                && FcConfigBuildFonts (config);
  FcStrFree (system_conf);
  if (!ok)
    {
      FcConfigDestroy (config);
      g_set_error (error, PB_ERROR, PB_ERROR_FONT, "%s: cannot load the font configuration", path);
      return NULL;
    }
  for (guint i = 0; dirs && i < dirs->len; i++)
    if (!FcConfigAppFontAddDir (config, (const FcChar8 *) dirs->pdata[i]))
      {
        FcConfigDestroy (config);
        g_set_error (error, PB_ERROR, PB_ERROR_FONT, "%s: cannot read the fonts of this folder",
                     (const char *) dirs->pdata[i]);
        return NULL;
      }
  return config;
}

static char *
fonts_key (const char *datadir, const GPtrArray *dirs, gboolean system)
{
  GString *key = g_string_new (datadir);
  for (guint i = 0; dirs && i < dirs->len; i++)
    g_string_append_printf (key, "\n%s", (const char *) dirs->pdata[i]);
  if (system)
    g_string_append (key, "\nsystem");
  return g_string_free (key, FALSE);
}

pb_fonts_t *
pb_fonts_new (const char *datadir, GError **error)
{
  return pb_fonts_new_for (datadir, NULL, FALSE, error);
}

pb_fonts_t *
pb_fonts_new_for (const char *datadir, const GPtrArray *dirs, gboolean system, GError **error)
{
  g_autofree char *key = fonts_key (datadir, dirs, system);
  pb_fonts_t *fonts = pool_take (key);
  if (fonts)
    {
      fonts->refcount = 1;
      return fonts;
    }
  FcConfig *config = load_config (datadir, dirs, system, error);
  if (!config)
    return NULL;

  fonts = g_new0 (pb_fonts_t, 1);
  g_mutex_init (&fonts->lock);
  fonts->refcount = 1;
  fonts->datadir = g_strdup (datadir);
  fonts->key = g_steal_pointer (&key);
  fonts->faces = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, face_free);
  fonts->config = config;
  fonts->map = pango_cairo_font_map_new_for_font_type (CAIRO_FONT_TYPE_FT);
  pango_fc_font_map_set_config (PANGO_FC_FONT_MAP (fonts->map), config);
  fonts->context = pango_font_map_create_context (fonts->map);

  /* Glyph advances must be the fonts' design advances in points: no 96-dpi pixel snapping. */
  pango_cairo_context_set_resolution (fonts->context, 72.0);
  pango_context_set_round_glyph_positions (fonts->context, FALSE);
  cairo_font_options_t *options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (fonts->context, options);
  cairo_font_options_destroy (options);
  pango_context_set_language (fonts->context, pango_language_from_string ("zh-cn"));
  return fonts;
}

pb_fonts_t *
pb_fonts_ref (pb_fonts_t *fonts)
{
  g_atomic_int_inc (&fonts->refcount);
  return fonts;
}

void
pb_fonts_unref (pb_fonts_t *fonts)
{
  if (!fonts || !g_atomic_int_dec_and_test (&fonts->refcount) || pool_keep (fonts))
    return;
  fonts_destroy (fonts);
}

static void
fonts_destroy (pb_fonts_t *fonts)
{
  if (fonts->cache)
    g_hash_table_destroy (fonts->cache);
  g_mutex_clear (&fonts->lock);
  g_object_unref (fonts->context);
  /* Pango 1.50 keeps the reference it took on the FcConfig when the font map is finalized;
   * taking the config away from the map first makes it let go (later Pango does too). */
  pango_fc_font_map_set_config (PANGO_FC_FONT_MAP (fonts->map), NULL);
  g_object_unref (fonts->map);
  g_hash_table_destroy (fonts->faces);
  FcConfigDestroy (fonts->config);
  g_free (fonts->datadir);
  g_free (fonts->key);
  g_free (fonts);
}

PangoContext *
pb_fonts_context (pb_fonts_t *fonts)
{
  return fonts->context;
}

PangoFontDescription *
pb_style_font_description (const pb_style_t *style)
{
  PangoFontDescription *desc = pango_font_description_new ();
  g_autofree char *families = style->fallback ? g_strconcat (style->font, ",", style->fallback,
                                                             NULL)
                                              : g_strdup (style->font);
  pango_font_description_set_family (desc, families);
  pango_font_description_set_weight (desc, (PangoWeight) style->weight);
  pango_font_description_set_absolute_size (desc, style->size * PANGO_SCALE);
  return desc;
}

/* Whether fontconfig finds `family` itself in the set: it substitutes silently, so ask it for
 * the family and compare what it found. */
static gboolean
has_family (pb_fonts_t *fonts, const char *family)
{
  FcPattern *pattern = FcPatternCreate ();
  FcPatternAddString (pattern, FC_FAMILY, (const FcChar8 *) family);
  FcConfigSubstitute (fonts->config, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  FcResult result;
  FcPattern *match = FcFontMatch (fonts->config, pattern, &result);
  gboolean found = FALSE;
  FcChar8 *name = NULL;
  for (int i = 0; match && FcPatternGetString (match, FC_FAMILY, i, &name) == FcResultMatch; i++)
    if (g_ascii_strcasecmp ((const char *) name, family) == 0)
      found = TRUE;
  if (match)
    FcPatternDestroy (match);
  FcPatternDestroy (pattern);
  return found;
}

gboolean
pb_fonts_check_style (pb_fonts_t *fonts, const pb_style_t *style, const char *role_name,
                      const pb_template_t *tmpl, GError **error)
{
  g_auto (GStrv) fallback = g_strsplit (style->fallback ? style->fallback : "", ",", -1);
  const char *missing = has_family (fonts, style->font) ? NULL : style->font;
  for (guint i = 0; !missing && fallback[i]; i++)
    if (*fallback[i] && !has_family (fonts, fallback[i]))
      missing = fallback[i];
  if (!missing)
    return TRUE;
  /* Where the template names the family; the template itself for a built-in style. */
  pb_loc_t at = style->font_loc;
  if (at.line <= 0 || missing != style->font)
    at = (pb_loc_t) { tmpl->path ? tmpl->path : tmpl->name, 0, 0 };
  pb_set_error_at (error, PB_ERROR_FONT, at,
                   "style \"%s\": font family \"%s\" is not among paiban's fonts (the "
                   "packages of fonts/README.md, the template's \"fonts\" folders; the "
                   "system's fonts only with --system-fonts)", role_name, missing);
  return FALSE;
}

/* What the layout needs to know of a face: the characters it has, its file. */
typedef struct {
  FcCharSet *chars;
  char *file;
} face_t;

static void
face_free (gpointer p)
{
  face_t *face = p;
  if (face->chars)
    FcCharSetDestroy (face->chars);
  g_free (face->file);
  g_free (face);
}

/* The face fontconfig gives for `family` at `weight` (a PangoWeight), looked up once. Called
 * under the lock. */
static const face_t *
face_of (pb_fonts_t *fonts, const char *family, int weight)
{
  g_autofree char *key = g_strdup_printf ("%s|%d", family, weight);
  face_t *face = g_hash_table_lookup (fonts->faces, key);
  if (face)
    return face;
  face = g_new0 (face_t, 1);
  FcPattern *pattern = FcPatternCreate ();
  FcPatternAddString (pattern, FC_FAMILY, (const FcChar8 *) family);
  FcPatternAddDouble (pattern, FC_WEIGHT, FcWeightFromOpenTypeDouble (weight));
  FcConfigSubstitute (fonts->config, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  FcResult result;
  FcPattern *match = FcFontMatch (fonts->config, pattern, &result);
  FcCharSet *chars = NULL;
  FcChar8 *file = NULL;
  if (match && FcPatternGetCharSet (match, FC_CHARSET, 0, &chars) == FcResultMatch)
    face->chars = FcCharSetCopy (chars);
  if (match && FcPatternGetString (match, FC_FILE, 0, &file) == FcResultMatch)
    face->file = g_strdup ((const char *) file);
  if (match)
    FcPatternDestroy (match);
  FcPatternDestroy (pattern);
  g_hash_table_insert (fonts->faces, g_steal_pointer (&key), face);
  return face;
}

/* The family of the first font in fontconfig's order for `family` (the order Pango tries
 * after the families it is given) that has `c`; NULL when none has. Under the lock. */
static const char *
any_font_with (pb_fonts_t *fonts, const char *family, gunichar c)
{
  FcPattern *pattern = FcPatternCreate ();
  FcPatternAddString (pattern, FC_FAMILY, (const FcChar8 *) family);
  FcConfigSubstitute (fonts->config, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  FcResult result;
  FcFontSet *set = FcFontSort (fonts->config, pattern, FcFalse, NULL, &result);
  const char *found = NULL;
  for (int i = 0; set && i < set->nfont && !found; i++)
    {
      FcCharSet *chars;
      FcChar8 *name;
      if (FcPatternGetCharSet (set->fonts[i], FC_CHARSET, 0, &chars) == FcResultMatch
          && FcCharSetHasChar (chars, c)
          && FcPatternGetString (set->fonts[i], FC_FAMILY, 0, &name) == FcResultMatch)
        found = g_intern_string ((const char *) name);
    }
  if (set)
    FcFontSetDestroy (set);
  FcPatternDestroy (pattern);
  return found;
}

const char *
pb_fonts_fallback_for (pb_fonts_t *fonts, const pb_style_t *style, gunichar c)
{
  pb_fonts_lock (fonts);
  const face_t *primary = face_of (fonts, style->font, style->weight);
  const char *found = NULL;
  if (primary->chars && !FcCharSetHasChar (primary->chars, c))
    {
      g_auto (GStrv) chain = g_strsplit (style->fallback ? style->fallback : "", ",", -1);
      for (guint i = 0; chain[i] && !found; i++)
        {
          const face_t *face = *chain[i] ? face_of (fonts, chain[i], style->weight) : NULL;
          if (face && face->chars && FcCharSetHasChar (face->chars, c))
            found = g_intern_string (chain[i]);
        }
      if (!found)
        found = any_font_with (fonts, style->font, c);
    }
  pb_fonts_unlock (fonts);
  return found;
}

char *
pb_fonts_file (pb_fonts_t *fonts, const char *family, int weight)
{
  pb_fonts_lock (fonts);
  char *file = g_strdup (face_of (fonts, family, weight)->file);
  pb_fonts_unlock (fonts);
  return file;
}

/* A cached value with its own destructor: the cache holds shaped paragraphs and subsets. */
typedef struct {
  gpointer value;
  GDestroyNotify destroy;
} pb_entry_t;

static void
entry_free (pb_entry_t *entry)
{
  entry->destroy (entry->value);
  g_free (entry);
}

gconstpointer
pb_fonts_cache_lookup (pb_fonts_t *fonts, const char *key)
{
  pb_entry_t *entry = fonts->cache ? g_hash_table_lookup (fonts->cache, key) : NULL;
  return entry ? entry->value : NULL;
}

void
pb_fonts_cache_insert (pb_fonts_t *fonts, char *key, gpointer value, GDestroyNotify destroy)
{
  if (fonts->cache && g_hash_table_size (fonts->cache) >= CACHE_MAX)
    g_hash_table_remove_all (fonts->cache);
  if (!fonts->cache)
    fonts->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) entry_free);
  pb_entry_t *entry = g_new (pb_entry_t, 1);
  *entry = (pb_entry_t) { value, destroy };
  g_hash_table_replace (fonts->cache, key, entry);
}

void
pb_fonts_lock (pb_fonts_t *fonts)
{
  g_mutex_lock (&fonts->lock);
}

void
pb_fonts_unlock (pb_fonts_t *fonts)
{
  g_mutex_unlock (&fonts->lock);
}
