/* A pool arranged on a page (arrange.c): each story's variants measured by setting it (once
 * per shape), the makeup search (makeup.c) over them, the items for the stories it placed, and
 * what it chose with why, for the report. */
#pragma once

#include "placement.h"

/* A story begun at a page's foot to go on on the next page takes at least this many grid lines
 * there, and its headlines and photo leave at least PB_CONTINUE_TEXT_LINES of text under them. */
#define PB_CONTINUE_LEAST_LINES 10
#define PB_CONTINUE_TEXT_LINES 3

/* Arranges the pool `entries` (of pb_pool_entry_t*, in order of importance) in the room the
 * page's `items` leave: a new pb_page_makeup_t (pb_page_makeup_free), or NULL with `error`
 * set. Adds nothing to the page. */
pb_page_makeup_t *pb_arrange_pool (pb_makeup_t *mk, const pb_page_ctx_t *pc,
                                   const GPtrArray *items, const GPtrArray *entries,
                                   GError **error);
void pb_page_makeup_free (pb_page_makeup_t *made);
/* The grid line each column is filled to by the fixed items and the stories `made` placed. */
void pb_makeup_skyline (const pb_page_makeup_t *made, int *skyline);
/* The filler `story_id` placed on page `number`: no longer offered to other pages. */
void pb_take_filler (pb_makeup_t *mk, const char *story_id, int number);

/* The page's pool made up: its own, or what the distribution of its section planned for it
 * (mk->planned). An automatic item goes to `items` for each story placed, a warning for each
 * of a page's own pool left out; what was chosen goes to the page (pc->page->makeup). */
gboolean pb_make_up_pool (pb_makeup_t *mk, const pb_page_ctx_t *pc, GPtrArray *items,
                          GError **error);

/* After the fillers: a warning when the page's pool left grid lines of its columns free. */
void pb_check_pool_filled (const pb_makeup_t *mk, const pb_page_ctx_t *pc,
                           const GPtrArray *items);
