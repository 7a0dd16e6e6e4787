/* Fonts for painting: each face the layout uses, cut down with HarfBuzz's subsetter to the
 * glyphs the pages use, as Cairo fonts. Cairo then embeds a font of a few
 * hundred glyphs instead of reading a CJK font's 16 MB CFF table for each face. */
#pragma once

#include <cairo.h>
#include <hb-subset.h>
#include "layout.h"

typedef struct pb_embed pb_embed_t;

/* Subsets every face used on the layout's pages. */
pb_embed_t *pb_embed_new (const pb_layout_t *layout, GError **error);
void pb_embed_free (pb_embed_t *embed);

/* The Cairo font to draw a run set in `font` (borrowed from `embed`). */
cairo_scaled_font_t *pb_embed_font (pb_embed_t *embed, PangoFont *font);

/* Copies `n` glyphs of `font` to `out`, their ids renumbered for the subset. */
void pb_embed_glyphs (pb_embed_t *embed, PangoFont *font, const cairo_glyph_t *glyphs, int n,
                      cairo_glyph_t *out);

/* HarfBuzz's subsetter's input for keeping `glyphs` of a face (see pb_cmap_subset_source for
 * the face it reads); NULL when out of memory. Release with hb_subset_input_destroy. */
hb_subset_input_t *pb_embed_subset_input (const hb_set_t *glyphs);
