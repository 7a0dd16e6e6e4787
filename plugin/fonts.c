#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

struct pb_fonts {
  gint refcount;
  char *datadir;
  FcConfig *config;
  PangoFontMap *map;
  PangoContext *context;
  GHashTable *cache;        /* key → value, see pb_fonts_cache_insert */
  GMutex lock;
};

/* Beyond this many shaped paragraphs the cache starts afresh (about 100 MB for 128 pages). */
#define CACHE_MAX 20000

/* Idle font sets, kept for the next job: reading fontconfig's setup and opening faces costs
 * more than laying out a page, and a host that keeps the plugin loaded should pay it once.
 * A set is used by one job at a time. */
#define POOL_MAX 4
static GMutex pool_lock;
static GQueue pool = G_QUEUE_INIT;

static pb_fonts_t *
pool_take (const char *datadir)
{
  pb_fonts_t *found = NULL;
  g_mutex_lock (&pool_lock);
  for (GList *l = pool.head; l && !found; l = l->next)
    if (g_strcmp0 (((pb_fonts_t *) l->data)->datadir, datadir) == 0)
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

static FcConfig *
load_config (const char *datadir, GError **error)
{
  g_autofree char *path = g_build_filename (datadir, "fonts", "fonts.conf", NULL);
  FcConfig *config = FcConfigCreate ();
  if (!FcConfigParseAndLoad (config, (const FcChar8 *) path, FcTrue) || !FcConfigBuildFonts (config))
    {
      FcConfigDestroy (config);
      g_set_error (error, PB_ERROR, PB_ERROR_FONT, "%s: cannot load the font configuration", path);
      return NULL;
    }
  return config;
}

pb_fonts_t *
pb_fonts_new (const char *datadir, GError **error)
{
  pb_fonts_t *fonts = pool_take (datadir);
  if (fonts)
    {
      fonts->refcount = 1;
      return fonts;
    }
  FcConfig *config = load_config (datadir, error);
  if (!config)
    return NULL;

  fonts = g_new0 (pb_fonts_t, 1);
  g_mutex_init (&fonts->lock);
  fonts->refcount = 1;
  fonts->datadir = g_strdup (datadir);
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
  FcConfigDestroy (fonts->config);
  g_free (fonts->datadir);
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
  pango_font_description_set_family (desc, style->font);
  pango_font_description_set_weight (desc, (PangoWeight) style->weight);
  pango_font_description_set_absolute_size (desc, style->size * PANGO_SCALE);
  return desc;
}

gboolean
pb_fonts_check_style (pb_fonts_t *fonts, const pb_style_t *style, const char *role_name,
                      const pb_template_t *tmpl, GError **error)
{
  /* fontconfig substitutes silently; ask it for the family and compare what it found. */
  FcPattern *pattern = FcPatternCreate ();
  FcPatternAddString (pattern, FC_FAMILY, (const FcChar8 *) style->font);
  FcConfigSubstitute (fonts->config, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  FcResult result;
  FcPattern *match = FcFontMatch (fonts->config, pattern, &result);
  gboolean found = FALSE;
  FcChar8 *family = NULL;
  for (int i = 0; match && FcPatternGetString (match, FC_FAMILY, i, &family) == FcResultMatch; i++)
    if (g_ascii_strcasecmp ((const char *) family, style->font) == 0)
      found = TRUE;
  if (match)
    FcPatternDestroy (match);
  FcPatternDestroy (pattern);
  if (!found)
    {
      /* Where the template names the family; the template itself for a built-in style. */
      pb_loc_t at = style->font_loc;
      if (at.line <= 0)
        at = (pb_loc_t) { tmpl->path ? tmpl->path : tmpl->name, 0, 0 };
      pb_set_error_at (error, PB_ERROR_FONT, at,
                       "style \"%s\": font family \"%s\" is not installed "
                       "(see fonts/README.md for the Debian packages)", role_name, style->font);
    }
  return found;
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
