/* A whole issue's sections distributed over their pages (distribute.c): in order of
 * importance, page by page as the pages are made, each arranged from the stories of its section
 * not yet placed. */
#pragma once

#include "placement.h"

/* Stories of a section's pool a page is arranged from at most (besides those pinned to it):
 * the next ones in the pool's order not yet placed. */
#define PB_DISTRIBUTE_CANDIDATES 12

/* The page `pc` of a section (its fixed `items` placed) arranged from the stories of its
 * section not yet placed: the arrangement goes to mk->planned (taken by pb_make_up_pool), where
 * each story lands to mk->story_pages and mk->story_items; on the section's last page a
 * warning for each story none of its pages held. FALSE with `error` set. */
gboolean pb_plan_section_page (pb_makeup_t *mk, const pb_page_ctx_t *pc,
                               const GPtrArray *items, GError **error);
