/* The options of a story item that frame and arrange it on the page (docs/format.md): its box
 * ("box"), its column rules ("column_rules") and where its story's further photos go inside the
 * text ("inset_photos"). Read by the issue loader into the item. */
#pragma once

#include "jsondoc.h"
#include "model.h"

/* The keys of an item's box object and of an inset photo. */
extern const char *const pb_item_box_keys[];
extern const char *const pb_inset_photo_keys[];

/* Reads the three options of item `o` (a story item on a page of template `t`) into `it`,
 * whose span is known. An absent option leaves the item's default (not boxed, the template's
 * rules, photos placed by the layout). Errors name the value: an unknown box style, an inset
 * outside the item, a photo past the story's photos or the item's columns. */
gboolean pb_read_item_options (const pb_json_obj_t *o, const pb_template_t *t, int n_photos,
                               pb_item_t *it, GError **error);
