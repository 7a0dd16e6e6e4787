/* The font set: fontconfig restricted to fonts/fonts.conf, a Pango font map and a context set
 * up for PDF (72 dpi, unrounded glyph positions, no metric hinting). */
#pragma once

#include <pango/pango.h>
#include "model.h"

typedef struct pb_fonts pb_fonts_t;

/* A font set for `datadir`: an idle one a finished job left behind (warm), or a new one. The
 * last unref hands it back for reuse; a few are kept per process. */
pb_fonts_t *pb_fonts_new (const char *datadir, GError **error);
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

/* Fails with PB_ERROR_FONT when the style's family is not in the font set. */
gboolean pb_fonts_check_style (pb_fonts_t *fonts, const pb_style_t *style, const char *role_name,
                               const pb_template_t *tmpl, GError **error);

/* Metrics of the ideographic em box, as fractions of the size: CJK fonts put it from 0.88 above
 * the baseline to 0.12 below. */
#define PB_EM_ASCENT 0.88
#define PB_EM_DESCENT 0.12
