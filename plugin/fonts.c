#include "fonts.h"

#include <errno.h>
#include <fcntl.h>
#include <fontconfig/fontconfig.h>
#include <string.h>
#include <unistd.h>
#include "parallel.h"
#include <pango/pangocairo.h>
#include <pango/pangofc-font.h>
#include <pango/pangofc-fontmap.h>

struct pb_fonts {
  gint refcount;
  char *datadir;
  char *key;                /* datadir, font folders and system fonts: the pool's key */
  GHashTable *faces;        /* "family|weight" → face_t, under the lock */
  /* The face asked for last, again and again character after character (face_of). */
  char *last_family;
  int last_weight;
  const struct face *last_face;
  GHashTable *sorted;       /* family → FcFontSet*, fontconfig's order of the fonts for it */
  FcConfig *config;
  PangoFontMap *map;
  PangoContext *context;
  GHashTable *cache;        /* key → value, see pb_fonts_cache_insert */
  gboolean serial;          /* few threads may start: Pango's are awaited after each call */
  gboolean unloadable;      /* a face failed to load: Pango keeps its empty face, so the set
                             * is not kept for the next job */
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

/* ---- Pango's threads ----
 * Pango 1.50's font map starts threads of its own (g_thread_new: the one-time FcInit, a match
 * and a sort for each new font description) and aborts the process when one cannot start.
 * Under a limit that may stop them (pb_threads_limited), a job checks there is room for them
 * before it uses the font map; when the room is small, it also waits after each call that may
 * start some until the process has no more threads than before (GLib cannot name Pango's:
 * their names are too long for the kernel), so that they never pile up beyond the room
 * checked. */

/* How long to wait for them: they match and sort a font set, milliseconds; other jobs of the
 * process may hold threads meanwhile. */
#define PANGO_WAIT_MAX_US (2 * G_USEC_PER_SEC)
/* Room for Pango's threads piling up while the workers shape (a few at most were seen),
 * beyond the workers' own. */
#define PANGO_PILE_UP 6

/* Fails (PB_ERROR_FONT) when Pango's threads cannot start; *serial when there is room for
 * them only one description at a time. Without a tight limit nothing is tried. */
static gboolean
pango_thread_room (gboolean *serial, GError **error)
{
  *serial = FALSE;
  if (!pb_threads_limited ())
    return TRUE;
  int roomy = pb_threads () + PANGO_PILE_UP;
  GError *local = NULL;
  int room = pb_threads_room (roomy, &local);
  g_clear_error (&local);
  *serial = room < roomy;
  if (room >= PB_FONT_THREADS)
    return TRUE;
  pb_threads_room (PB_FONT_THREADS, &local);
  g_set_error (error, PB_ERROR, PB_ERROR_FONT, "the fonts cannot be set up: %s; Pango needs "
               "%d (is there a limit on processes, such as ulimit -u, or on memory?)",
               local ? local->message : "too few threads", PB_FONT_THREADS);
  g_clear_error (&local);
  return FALSE;
}

static void
load_awaited (PangoContext *context, const PangoFontDescription *desc, PangoLanguage *language)
{
  int before = pb_threads_live ();
  PangoFontset *set = pango_font_map_load_fontset (pango_context_get_font_map (context), context,
                                                   desc, language);
  pb_threads_await (before, PANGO_WAIT_MAX_US);
  g_clear_object (&set);
}

/* The languages pango_itemize gives the runs of `text` (its own compute_derived_language): the
 * context's where it includes the run's script, else the script's sample language. */
static GPtrArray *
text_languages (PangoContext *context, const char *text, int len)
{
  PangoLanguage *own = pango_context_get_language (context);
  GPtrArray *languages = g_ptr_array_new ();
  g_ptr_array_add (languages, own);
  PangoScriptIter *iter = pango_script_iter_new (text, len);
  do
    {
      PangoScript script;
      pango_script_iter_get_range (iter, NULL, NULL, &script);
      PangoLanguage *language = own;
      if (!pango_language_includes_script (own, script) && pango_script_get_sample_language (script))
        language = pango_script_get_sample_language (script);
      if (!g_ptr_array_find (languages, language, NULL))
        g_ptr_array_add (languages, language);
    }
  while (pango_script_iter_next (iter));
  pango_script_iter_free (iter);
  return languages;
}

void
pb_fonts_load_awaited (PangoContext *context, const PangoFontDescription *desc,
                       const char *text, int len)
{
  PangoFontDescription *full = pango_font_description_copy (
      pango_context_get_font_description (context));
  pango_font_description_merge (full, desc, TRUE);
  GPtrArray *languages = text_languages (context, text, len);
  for (guint i = 0; i < languages->len; i++)
    load_awaited (context, full, languages->pdata[i]);
  g_ptr_array_free (languages, TRUE);
  pango_font_description_free (full);
}

/* Loads the font sets pango_itemize would meet one at a time: itemizing a paragraph in two
 * new descriptions (or two languages: Latin letters in Chinese are "en") starts the second's
 * threads while the first's sort still runs. */
static void
load_fontsets_one_by_one (pb_fonts_t *fonts, const char *text, int len, PangoAttrList *attrs)
{
  GSList *list = pango_attr_list_get_attributes (attrs);
  for (GSList *l = list; l; l = l->next)
    {
      PangoAttribute *attr = l->data;
      if (attr->klass->type == PANGO_ATTR_FONT_DESC)
        pb_fonts_load_awaited (fonts->context, ((PangoAttrFontDesc *) attr)->desc, text, len);
    }
  g_slist_free_full (list, (GDestroyNotify) pango_attribute_destroy);
}

GList *
pb_fonts_itemize (pb_fonts_t *fonts, const char *text, int start, int len, PangoAttrList *attrs)
{
  pb_fonts_lock (fonts);
  if (fonts->serial)
    load_fontsets_one_by_one (fonts, text + start, len, attrs);
  int before = fonts->serial ? pb_threads_live () : 0;
  GList *items = pango_itemize (fonts->context, text, start, len, attrs, NULL);
  if (fonts->serial)
    pb_threads_await (before, PANGO_WAIT_MAX_US);
  pb_fonts_unlock (fonts);
  return items;
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
  gboolean serial;
  if (!pango_thread_room (&serial, error))
    return NULL;
  g_autofree char *key = fonts_key (datadir, dirs, system);
  pb_fonts_t *fonts = pool_take (key);
  if (fonts)
    {
      fonts->refcount = 1;
      fonts->serial = serial;
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
  fonts->sorted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) FcFontSetDestroy);
  fonts->config = config;
  fonts->serial = serial;
  int before = pb_threads_live ();
  fonts->map = pango_cairo_font_map_new_for_font_type (CAIRO_FONT_TYPE_FT);
  if (serial)
    pb_threads_await (before, PANGO_WAIT_MAX_US);
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
  if (!fonts || !g_atomic_int_dec_and_test (&fonts->refcount)
      || (!fonts->unloadable && pool_keep (fonts)))
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
  g_hash_table_destroy (fonts->sorted);
  g_free (fonts->last_family);
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

/* Why a font file gave HarfBuzz no glyphs: the file cannot be opened (its errno), or it
 * opens but could not be mapped or read (memory, most often under an address-space limit, or a
 * damaged file). */
static const char *
unloadable_reason (const char *file)
{
  int fd = open (file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return g_strerror (errno);
  close (fd);
  return "out of memory, or the file is damaged";
}

hb_font_t *
pb_fonts_hb_font (pb_fonts_t *fonts, PangoFont *font, GError **error)
{
  pb_fonts_lock (fonts);
  hb_font_t *hb = font ? pango_font_get_hb_font (font) : NULL;
  unsigned glyphs = hb ? hb_face_get_glyph_count (hb_font_get_face (hb)) : 0;
  FcChar8 *file = NULL;
  if (glyphs == 0 && PANGO_IS_FC_FONT (font))
    FcPatternGetString (pango_fc_font_get_pattern (PANGO_FC_FONT (font)), FC_FILE, 0, &file);
  g_autofree char *path = g_strdup ((const char *) file);
  fonts->unloadable |= glyphs == 0;
  pb_fonts_unlock (fonts);
  if (glyphs > 0)
    return hb;
  if (path)
    g_set_error (error, PB_ERROR, PB_ERROR_FONT, "cannot load the font file %s: %s", path,
                 unloadable_reason (path));
  else
    g_set_error (error, PB_ERROR, PB_ERROR_FONT, "Pango found no font to load (out of memory, or an "
                 "empty font set)");
  return NULL;
}

/* What the layout needs to know of a face: the characters it has, its file. */
typedef struct face {
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

/* The face of `family` at `weight` from fontconfig, kept under `key` (taken). */
static face_t *
new_face (pb_fonts_t *fonts, const char *family, int weight, char *key)
{
  face_t *face = g_new0 (face_t, 1);
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
  g_hash_table_insert (fonts->faces, key, face);
  return face;
}

/* The face fontconfig gives for `family` at `weight` (a PangoWeight), looked up once. Called
 * under the lock. */
static const face_t *
face_of (pb_fonts_t *fonts, const char *family, int weight)
{
  if (fonts->last_face && weight == fonts->last_weight && strcmp (family, fonts->last_family) == 0)
    return fonts->last_face;
  g_autofree char *key = g_strdup_printf ("%s|%d", family, weight);
  face_t *face = g_hash_table_lookup (fonts->faces, key);
  if (!face)
    face = new_face (fonts, family, weight, g_steal_pointer (&key));
  g_free (fonts->last_family);
  fonts->last_family = g_strdup (family);
  fonts->last_weight = weight;
  fonts->last_face = face;
  return face;
}


/* Fontconfig's order of all fonts for `family`, sorted once (empty when sorting fails). Under
 * the lock. */
static const FcFontSet *
sorted_fonts (pb_fonts_t *fonts, const char *family)
{
  FcFontSet *set = g_hash_table_lookup (fonts->sorted, family);
  if (set)
    return set;
  FcPattern *pattern = FcPatternCreate ();
  FcPatternAddString (pattern, FC_FAMILY, (const FcChar8 *) family);
  FcConfigSubstitute (fonts->config, pattern, FcMatchPattern);
  FcDefaultSubstitute (pattern);
  FcResult result;
  set = FcFontSort (fonts->config, pattern, FcFalse, NULL, &result);
  FcPatternDestroy (pattern);
  if (!set)
    set = FcFontSetCreate ();
  g_hash_table_insert (fonts->sorted, g_strdup (family), set);
  return set;
}

/* The family of the first font in fontconfig's order for `family` (the order Pango tries
 * after the families it is given) that has `c`; NULL when none has. Under the lock. */
static const char *
any_font_with (pb_fonts_t *fonts, const char *family, gunichar c)
{
  const FcFontSet *set = sorted_fonts (fonts, family);
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
