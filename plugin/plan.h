/* The page plan of an issue (its "pages"): pages, their items and guide boxes, read into the
 * model by the loader (loader.h). */
#pragma once

#include "loader.h"

/* The keys of a page and of its items, guide boxes and guide entries (docs/issue.schema.json). */
extern const char *const pb_page_keys[];
extern const char *const pb_item_keys[];
extern const char *const pb_item_photo_keys[];
extern const char *const pb_guide_keys[];
extern const char *const pb_guide_entry_keys[];

/* Free a page's item and a credit (GDestroyNotify). */
void pb_plan_item_free (gpointer p);
void pb_plan_credit_free (gpointer p);

/* A pool's stories land on a page: guide entries may name them. */
void pb_plan_mark_pool_placed (pb_loader_t *l, const GPtrArray *pool);

/* Reads page `index` of the "pages" into the issue; FALSE with `error` set. */
gboolean pb_plan_read_page (pb_loader_t *l, JsonNode *node, guint index, GError **error);
