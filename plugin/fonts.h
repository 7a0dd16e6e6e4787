/* The font set: fontconfig restricted to fonts/fonts.conf, a Pango font map and a context set
 * up for PDF (72 dpi, unrounded glyph positions, no metric hinting). */
#pragma once

#include <pango/pango.h>
#include "model.h"

typedef struct pb_fonts pb_fonts_t;

/* A font set for `datadir`: an idle one a finished job left behind (warm), or a new one. The
 * last unref hands it back for reuse; a few are kept per process. */
pb_fonts_t *pb_fonts_new (const char *datadir, GError **error);
/* The same with the font folders `dirs` (of char*, NULL for none: the templates' "fonts")
 * added, and with `system` the fonts installed on the system too. */
pb_fonts_t *pb_fonts_new_for (const char *datadir, const GPtrArray *dirs, gboolean system,
                              GError **error);
pb_fonts_t *pb_fonts_ref (pb_fonts_t *fonts);
void pb_fonts_unref (pb_fonts_t *fonts);

PangoContext *pb_fonts_context (pb_fonts_t *fonts);

/* Serialises Pango calls and the cache when several threads shape with one set. */
void pb_fonts_lock (pb_fonts_t *fonts);
void pb_fonts_unlock (pb_fonts_t *fonts);

/* A cache of shaped text that lives as long as the font set (its values hold the set's fonts).
 * Insert takes the key and the value; the cache may drop entries at any insert. */
gconstpointer pb_fonts_cache_lookup (pb_fonts_t *fonts, const char *key);
void pb_fonts_cache_insert (pb_fonts_t *fonts, char *key, gpointer value, GDestroyNotify destroy);

/* A font description for a style (family, weight, size). Free with pango_font_description_free. */
PangoFontDescription *pb_style_font_description (const pb_style_t *style);

/* The family that sets `c` when the style's own font has no glyph for it (an interned
 * string): the first of its fallback chain that has it, else the first font of the set in
 * fontconfig's order that has it (as Pango picks). NULL: its own font has it, or none has. */
const char *pb_fonts_fallback_for (pb_fonts_t *fonts, const pb_style_t *style, gunichar c);

/* The file of the face `family` at `weight` (a PangoWeight) in the set, a new string; NULL
 * when fontconfig gives none. */
char *pb_fonts_file (pb_fonts_t *fonts, const char *family, int weight);

/* Fails with PB_ERROR_FONT when the style's family or one of its fallbacks is not in the font
 * set. */
gboolean pb_fonts_check_style (pb_fonts_t *fonts, const pb_style_t *style, const char *role_name,
                               const pb_template_t *tmpl, GError **error);

/* Metrics of the ideographic em box, as fractions of the size: CJK fonts put it from 0.88 above
 * the baseline to 0.12 below. */
#define PB_EM_ASCENT 0.88
#define PB_EM_DESCENT 0.12
