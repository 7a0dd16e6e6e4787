/* The elements a page shows by itself: the masthead or folio, a story's headlines, its box,
 * the guide box (导读); its photos are photos.h's. Each is set on the grid of one page and
 * added to that page's layout; the body text is the flow's (flow.c). */
#pragma once

#include "setting.h"

/* A page being made and what its elements need; filled in once per page and not changed
 * while the page is made. */
typedef struct {
  const pb_issue_t *issue;
  pb_fonts_t *fonts;
  pb_page_layout_t *page;   /* receives lines, rules, boxes, images and placed items */
  pb_grid_t grid;           /* the page's grid, line 0 under the masthead or folio */
  GPtrArray *warnings;      /* of char*: the layout's */
} pb_page_ctx_t;

/* The masthead across the top of a front page: the paper's name, the date and the issue's
 * lines beside it, a heavy rule over a hairline under it. */
gboolean pb_place_masthead (const pb_page_ctx_t *pc, GError **error);
/* The folio of an inside page: page and section, credits, paper and date, a rule under them. */
gboolean pb_place_folio (const pb_page_ctx_t *pc, GError **error);

/* Kicker, headline and subtitle (and the byline, where the template puts it under them)
 * across `width` from x at the sizes of the item's headline style (heads.h), the headline
 * fitted to the style's maximum lines (only measured when `dry`). Lines of a headline beyond
 * them at the smallest size are not set: their characters are added to *overset, with a
 * warning when not `dry`. Returns the grid lines they take from the item's top, including one
 * blank line under them, or -1 with `error` set. */
int pb_place_heading (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
                      double x, double width, gboolean dry, int *overset, GError **error);
/* The continuation head (回头标题) that opens a story's part on a later page: its
 * `jump_headline` (else its headline) alone, in the continuation heads' headline style;
 * otherwise as pb_place_heading. */
int pb_place_jump_heading (const pb_page_ctx_t *pc, const pb_story_t *story,
                           const pb_item_t *item, double x, double width, gboolean dry,
                           int *overset, GError **error);

/* The frame of a boxed story item (item->box): down the middle of the gutters beside its
 * columns and of its first and last grid lines, its tint filling it. Returns the box, added
 * to the page (borrowed). */
pb_box_t *pb_place_item_box (const pb_page_ctx_t *pc, const pb_item_t *item);
/* The headlines reversed (反白): the box's bar behind the `heading` grid lines from the top of
 * `inner` (the item inside its inset) but their blank line, and `lines` (the headlines' lines)
 * turned white. */
void pb_reverse_heading (const pb_page_ctx_t *pc, pb_box_t *box, const pb_item_t *inner,
                         int heading, GPtrArray *lines);

/* The guide box: a frame, its title over a rule, each entry with a leader to the page number
 * its story starts on (`story_pages`: story id → page number). */
gboolean pb_place_guide (const pb_page_ctx_t *pc, GHashTable *story_pages,
                         const pb_item_t *item, GError **error);

/* Grid lines a guide box needs for its entries, with no width to break them at: one line an
 * entry part, one for the page number, two for the title and one under the box. */
int pb_guide_lines_needed (const pb_item_t *item);
