/* The options of a story item that frame and arrange it on the page (docs/format.md): its box
 * ("box"), its column rules ("column_rules"), where its story's further photos go inside the
 * text ("inset_photos") and which pull quotes go there too ("pull_quotes"). Read by the issue
 * loader into the item. */
#pragma once

#include "jsondoc.h"
#include "model.h"

/* The keys of an item's box object and of an inset photo. */
extern const char *const pb_item_box_keys[];
extern const char *const pb_inset_photo_keys[];
extern const char *const pb_pull_quote_keys[];

/* Reads the options of item `o` (an item of `story` on a page of template `t`) into `it`,
 * whose span is known. An absent option leaves the item's default (not boxed, the template's
 * rules, photos placed by the layout, pull quotes in the flow). Errors name the value: an
 * unknown box style, an inset outside the item, a photo or pull quote past the story's or the
 * item's columns. */
gboolean pb_read_item_options (const pb_json_obj_t *o, const pb_template_t *t,
                               const pb_story_t *story, pb_item_t *it, GError **error);
