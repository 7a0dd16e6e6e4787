/* The face HarfBuzz's subsetter reads: the font's own tables, its cmap narrowed to the code
 * points of the glyphs kept.
 *
 * Given glyph ids, HarfBuzz 6's subsetter (hb_subset_plan_create_or_fail) maps every code point
 * of the font's cmap into a hash map to find those of the glyphs it keeps: 65 000 for a CJK
 * face, about 3 ms each time, more than the subset of a page's glyphs costs. The narrowed cmap
 * holds the font's own cmap bytes whole with one subtable added, a format 12 subtable of just
 * the (code point, glyph) pairs of the kept glyphs, in place of the format 12 subtable the
 * subsetter reads its mapping from; every other subtable (format 4, whose code points filter
 * the subset's own format 4, and format 14) is the font's. The subset is then the same, byte
 * for byte (tests/test-embed.c compares them). */
#pragma once

#include <hb.h>

/* A face for subsetting `face` to `glyphs`: the narrowed one (a new face over `face`'s tables),
 * or, when its cmap is not one this applies to (no Windows UCS-4 format 12 subtable, two
 * different format 12 subtables, a symbol subtable, a damaged table), a new reference to `face`
 * itself. Release with hb_face_destroy. */
hb_face_t *pb_cmap_subset_source (hb_face_t *face, const hb_set_t *glyphs);
