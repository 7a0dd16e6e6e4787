/* The font set: fontconfig restricted to fonts/fonts.conf, a Pango font map and a context set
 * up for PDF (72 dpi, unrounded glyph positions, no metric hinting). */
#pragma once

#include <hb.h>
#include <pango/pango.h>
#include "model.h"

typedef struct pb_fonts pb_fonts_t;

/* A font set for `datadir`: an idle one a finished job left behind (warm), or a new one. The
 * last unref hands it back for reuse; a few are kept per process. Fails with PB_ERROR_FONT
 * when the configuration cannot be loaded or the threads Pango starts cannot. */
pb_fonts_t *pb_fonts_new (const char *datadir, GError **error);
/* The same with the font folders `dirs` (of char*, NULL for none: the templates' "fonts")
 * added, and with `system` the fonts installed on the system too. */
pb_fonts_t *pb_fonts_new_for (const char *datadir, const GPtrArray *dirs, gboolean system,
                              GError **error);
pb_fonts_t *pb_fonts_ref (pb_fonts_t *fonts);
void pb_fonts_unref (pb_fonts_t *fonts);

PangoContext *pb_fonts_context (pb_fonts_t *fonts);

/* pango_itemize in the set's context, under its lock (a list of PangoItem, free with
 * pango_item_free). When few threads may start (a process or memory limit), it returns when
 * the threads Pango started for fonts it met first have ended. */
GList *pb_fonts_itemize (pb_fonts_t *fonts, const char *text, int start, int len,
                         PangoAttrList *attrs);

/* Loads the font sets Pango makes for `desc` (merged into the context's own description) in
 * `context`, for the languages it gives the scripts of `text` (`len` bytes, -1: to its end),
 * and returns when the threads Pango started for them have ended: Pango starts two for a font
 * set it meets first, so several new ones in one call could need more than there is room for
 * (a process limit). */
void pb_fonts_load_awaited (PangoContext *context, const PangoFontDescription *desc,
                            const char *text, int len);

/* Serialises Pango calls and the cache when several threads shape with one set. */
void pb_fonts_lock (pb_fonts_t *fonts);
void pb_fonts_unlock (pb_fonts_t *fonts);

/* A cache of shaped text that lives as long as the font set (its values hold the set's fonts).
 * Insert takes the key and the value; the cache may drop entries at any insert. */
gconstpointer pb_fonts_cache_lookup (pb_fonts_t *fonts, const char *key);
void pb_fonts_cache_insert (pb_fonts_t *fonts, char *key, gpointer value, GDestroyNotify destroy);

/* The HarfBuzz font of a font Pango chose (owned by `font`), made on first use under the
 * set's lock. Fails with PB_ERROR_FONT, naming the font's file, when Pango found no font or the
 * file could not be opened or read into memory (an address-space limit, a damaged or
 * unreadable file): HarfBuzz then gives an empty face, whose every glyph would be missing. */
hb_font_t *pb_fonts_hb_font (pb_fonts_t *fonts, PangoFont *font, GError **error);

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
