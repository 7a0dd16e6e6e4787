/* A whole issue's sections distributed over their pages (distribute.c): in order of
 * importance, page by page, each page arranged from the stories not yet placed. */
#pragma once

#include "placement.h"

/* Stories of a section's pool a page is arranged from at most (besides those pinned to it):
 * the next ones in the pool's order not yet placed. */
#define PB_DISTRIBUTE_CANDIDATES 12

/* Plans every section's pages: each page's arrangement goes to mk->planned (taken by the
 * page when it is made), where each story lands to mk->story_pages and mk->story_items; a
 * warning for each story no page of its section holds. FALSE with `error` set. */
gboolean pb_distribute_sections (pb_makeup_t *mk, GError **error);
