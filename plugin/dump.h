/* The layout dump: a finished layout as text, one line per page, item, photo, rule, box, text
 * line and glyph run, so that a change of layout shows as a readable diff. It reads only the
 * layout result (layout.h) and is the same on every machine and in every run: numbers in
 * points with two decimals whatever the locale, fonts by family, weight, style and size (never
 * a file), photos and the issue by their file's name without a folder. The format is described
 * in docs/layout-dump.md. */
#pragma once

#include "layout.h"

/* Flags of pb_layout_dump. */
enum {
  PB_DUMP_GLYPHS = 1 << 0,   /* after each glyph run, every glyph's id, cluster and position */
};
#define PB_DUMP_ALL_FLAGS ((unsigned) PB_DUMP_GLYPHS)

/* The dump of `layout` as a new string; free it with g_free. Flags outside PB_DUMP_ALL_FLAGS
 * are ignored (the caller refuses them). */
char *pb_layout_dump (const pb_layout_t *layout, unsigned flags);
