/* A story's photos on a page: each in a frame of whole grid lines with its caption under it,
 * or several as a group (组图). */
#pragma once

#include "elements.h"

/* The photo at grid line `top` over `span` columns from `column` (`fixed_lines` high, or from
 * its aspect when 0), cropped to fill its frame about its focal point, and its caption under
 * it. `images` caches decoded files (file → cairo_surface_t*) across pages. Returns the grid
 * lines taken, including a blank line under the caption, or -1 with `error` set. */
int pb_place_photo (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                    const pb_photo_t *photo, int column, int span, int top, int fixed_lines,
                    GError **error);

/* The story's photos as a group (组图) at grid line `top` over `span` columns from `column`:
 * in rows of cells that share the width a gutter apart (all in one row, or about the square
 * root of their number in each row of a grid), a row's frames `fixed_lines` high (0: from its
 * first photo's aspect), each photo's caption under it, a blank line under each row, then the
 * story's group_caption across the group. Returns the grid lines taken, including a blank
 * line under the group caption, or -1 with `error` set. */
int pb_place_photo_group (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                          pb_photo_group_t group, int column, int span, int top,
                          int fixed_lines, GError **error);

/* Grid lines of the frames of a group's first row (`fixed_lines`, or from the first photo's
 * aspect at the cells' width); -1 with `error` set. */
int pb_photo_group_frame_lines (const pb_template_t *t, GHashTable *images,
                                const pb_story_t *story, pb_photo_group_t group, int span,
                                int fixed_lines, GError **error);

/* Grid lines the photo takes with its caption and the blank line under them, as pb_place_photo
 * sets it, without adding it to the page; -1 with `error` set. */
int pb_photo_taken (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                    const pb_photo_t *photo, int column, int span, int fixed_lines,
                    GError **error);

/* Grid lines of the photo's frame over `span` columns: `fixed_lines`, or from the image's
 * aspect when 0 (decoded into `images` as pb_place_photo does); -1 with `error` set. */
int pb_photo_frame_lines (const pb_template_t *t, GHashTable *images, const pb_photo_t *photo,
                          int span, int fixed_lines, GError **error);

/* The tallest frame, in grid lines, at which the photo keeps PB_MIN_PPI; -1 with `error`
 * set. */
int pb_photo_max_lines (const pb_template_t *t, GHashTable *images, const pb_photo_t *photo,
                        GError **error);

/* The part of an image of px_w × px_h pixels that fills a w × h frame at the same aspect: as
 * large as the image allows, about the photo's focal point (the centre without one) as far as
 * the image reaches. */
pb_rect_t pb_photo_crop (const pb_photo_t *photo, double px_w, double px_h, double w, double h);
