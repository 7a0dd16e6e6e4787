/* The frames of a story item's text on its page: its columns under the headlines and under its
 * first photo, each split around the photos set inside the text (图文互斥), and the column
 * rules (栏线) beside them. Values in, frames (flow.h pb_region_t) out: the flow reads them. */
#pragma once

#include "elements.h"
#include "flow.h"

/* The story's photo on its first item: the columns under it and its frame's planned height. */
typedef struct {
  int first, span;          /* page columns; span 0 without a photo */
  int frame;                /* grid lines of the frame as planned */
} pb_photo_plan_t;

/* A photo of the story after its first, or a pull quote the item lifts out of the flow, set
 * inside the text of its columns (图文互斥). */
typedef struct {
  int photo;                /* index in the story's photos; -1 for a pull quote */
  int column, span;         /* page columns */
  int top;                  /* grid line of the frame's top */
  int frame;                /* grid lines of the frame (a quote's: between its rules) */
  int taken;                /* frame, caption and the blank line under them; 0: left out */
  int quote;                /* a pull quote's entry in the item's pull_quotes */
  int block;                /* a pull quote's block in the story's body */
} pb_inset_t;

/* The grid lines kept free above an inset photo. */
#define PB_INSET_SPACE 1

/* The frames of the item's first `span` columns (left of a vertical headline's strip) for
 * chain part `part`: from under the headlines (`body_top`), and under the photo and its
 * caption (`photo_lines`) in the photo's columns, down to the item's foot; a column an inset
 * photo covers has a frame above it (ending a grid line short of it) and one under it. Appended
 * to `into`. */
void pb_item_regions (const pb_item_t *item, int span, int body_top, const pb_photo_plan_t *pp,
                      int photo_lines, const GArray *insets, int part, GArray *into);

/* The places of the story's photos after its first, then of the pull quotes the item lifts
 * out of the flow, inside the text of the item's first `span` columns (into `out`, of
 * pb_inset_t, top to bottom in each column): a photo where the item's inset_photos put it,
 * else one column wide from the item's rightmost column leftwards in the middle of the text; a
 * pull quote where its entry of pull_quotes puts it, else across the middle columns in the
 * middle of the text. One that does not fit between the text's top in its columns and the
 * item's foot is left out (taken 0). `images` caches decoded photos. FALSE with `error` set
 * when a photo cannot be decoded or a caption or quote shaped. */
gboolean pb_plan_insets (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                         const pb_item_t *item, int span, int body_top, const pb_photo_plan_t *pp,
                         int photo_lines, GArray *out, GError **error);

/* Sets the pull quote `in` plans (taken > 0) on the page: its text in the template's
 * pullquote style, broken at its words and balanced across its columns, centred in its grid
 * lines between two thin rules, or 1 em inside a box of its entry's style, in the template's
 * rule colour. FALSE with `error` set when it cannot be shaped. */
gboolean pb_place_quote (const pb_page_ctx_t *pc, const pb_story_t *story,
                         const pb_item_t *item, const pb_inset_t *in, GError **error);
/* The count of the story's pull quotes the item sets inside the text, not in the flow. */
int pb_lifted_quotes (const pb_item_t *item);

/* Whether the item's columns are parted by rules: its own choice, else its template's. */
gboolean pb_wants_column_rules (const pb_item_t *item, const pb_template_t *t);
/* Rules down the middle of the gutters between the item's first `span` columns beside the
 * frames of its text (`regions` from index `from`), in the template's rule colour, added to the
 * page. */
void pb_add_column_rules (const pb_page_ctx_t *pc, const pb_item_t *item, int span,
                          const GArray *regions, guint from);
