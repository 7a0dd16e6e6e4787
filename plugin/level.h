/* The levelling of a story's last part over the one-pass body flow (flow.h). */
#pragma once

#include "flow.h"

/* Flows the story's body. When the text leaves room in the chain's last part, that part's
 * columns are levelled: their frames end on the lowest grid line that holds the rest of the
 * text, and where the last column would still end short, the paragraphs that cost least are set
 * a line longer (within the body's stretch limits) to fill it. Otherwise the text flows into the
 * frames as given. Returns a new result (pb_flow_out_free), or NULL with `error` set when a
 * paragraph cannot be shaped. */
pb_flow_out_t *pb_flow_story (const pb_flow_in_t *in, pb_bodies_t *bodies, pb_fonts_t *fonts,
                              GError **error);
