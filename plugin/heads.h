/* The sizes of a story's headline group on an item: the template's named headline style the
 * item picks (or the default of its span, or the continuation heads' style), scaled as the
 * item asks, with the range `fit` may take the 主题 from. Pure: it reads the template and the
 * item and shapes nothing; elements.c sets the text at these sizes. */
#pragma once

#include "model.h"

typedef struct {
  const pb_headline_style_t *style; /* NULL: the template's kicker, headline and subtitle */
  pb_style_t kicker, headline, subtitle; /* the role styles at their sizes, the leading scaled
                                          * with the size and aligned as the style says */
  double headline_min;      /* the smallest size fit may set the 主题 at (≤ headline.size) */
  int max_lines;            /* lines the 主题 may take, 0 = any */
} pb_heading_sizes_t;

/* The headline style an item takes: its own `headline_style`; for a continuation head the
 * template's `jump_headline_style`; else the style with the largest `from_span` not above the
 * item's span. NULL when none applies (the role styles are used as they are). */
const pb_headline_style_t *pb_heading_style_of (const pb_template_t *t, const pb_item_t *item,
                                                gboolean continuation);

/* The sizes of the item's headline group with the 主题 at its largest: the style's, times the
 * item's `headline_scale` (the range too), or the item's `headline_size` (no range then) with
 * kicker and subtitle scaled alike. Kicker and subtitle are never bigger than the 主题. */
pb_heading_sizes_t pb_heading_sizes (const pb_template_t *t, const pb_item_t *item,
                                     gboolean continuation);

/* The 主题's size `steps` steps of `step` pt from the one the item plans (its `headline_size`,
 * else the top of its headline style's range, scaled as the item asks), when that stays within
 * the style's range (widened to hold the planned size); 0 when it does not or when no headline
 * style applies (copyfitting has no bounds to move in then). */
double pb_heading_step_size (const pb_template_t *t, const pb_item_t *item, int steps,
                             double step);

/* Sets the 主题 of `h` at `size` (fit chose it), kicker and subtitle no bigger. */
void pb_heading_set_size (pb_heading_sizes_t *h, double size);

/* `role` at `size`: its leading, when it gives one, scaled alike. */
pb_style_t pb_style_at_size (const pb_style_t *role, double size);
