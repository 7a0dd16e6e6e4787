/* The sizes of a story's headline group on an item (heads.h). */
#include "heads.h"

const pb_headline_style_t *
pb_heading_style_of (const pb_template_t *t, const pb_item_t *item, gboolean continuation)
{
  if (item->headline_style)
    return item->headline_style;
  if (continuation && t->jump_headline_style)
    return t->jump_headline_style;
  const pb_headline_style_t *best = NULL;
  for (guint i = 0; t->headline_styles && i < t->headline_styles->len; i++)
    {
      const pb_headline_style_t *hs = t->headline_styles->pdata[i];
      if (hs->from_span > 0 && hs->from_span <= item->span
          && (!best || hs->from_span > best->from_span))
        best = hs;
    }
  return best;
}

/* Sizes within this much (pt) of a bound are within it: rounding only. */
#define PB_SIZE_SLACK 1e-6

double
pb_heading_step_size (const pb_template_t *t, const pb_item_t *item, int steps, double step)
{
  const pb_headline_style_t *hs = pb_heading_style_of (t, item, FALSE);
  if (!hs)
    return 0;
  double scale = item->headline_scale > 0 ? item->headline_scale : 1;
  double top = hs->headline * scale, least = hs->headline_min * scale;
  double planned = item->headline_size > 0 ? item->headline_size : top;
  double size = planned + steps * step;
  if (size < MIN (least, planned) - PB_SIZE_SLACK || size > MAX (top, planned) + PB_SIZE_SLACK)
    return 0;
  return size;
}

pb_style_t
pb_style_at_size (const pb_style_t *role, double size)
{
  pb_style_t s = *role;
  s.leading *= size / role->size;
  s.size = size;
  return s;
}

void
pb_heading_set_size (pb_heading_sizes_t *h, double size)
{
  h->headline = pb_style_at_size (&h->headline, size);
  if (h->kicker.size > size)
    h->kicker = pb_style_at_size (&h->kicker, size);
  if (h->subtitle.size > size)
    h->subtitle = pb_style_at_size (&h->subtitle, size);
}

/* The style's size of a role, or the role style's own when the style gives none (0). */
static pb_style_t
sized (const pb_template_t *t, pb_role_t role, double size, double scale,
       const pb_headline_style_t *hs)
{
  const pb_style_t *r = &t->styles[role];
  pb_style_t s = pb_style_at_size (r, (size > 0 ? size : r->size) * scale);
  if (hs && hs->has_align)
    s.align = hs->align;
  return s;
}

pb_heading_sizes_t
pb_heading_sizes (const pb_template_t *t, const pb_item_t *item, gboolean continuation)
{
  const pb_headline_style_t *hs = pb_heading_style_of (t, item, continuation);
  double headline = hs ? hs->headline : t->styles[PB_ROLE_HEADLINE].size;
  double least = hs ? hs->headline_min : headline;
  double scale = 1;
  if (item->headline_size > 0)
    {
      /* The plan gives the 主题's size: the group follows it, and fit has nothing to choose. */
      scale = item->headline_size / headline;
      least = headline;
    }
  else if (item->headline_scale > 0)
    scale = item->headline_scale;
  pb_heading_sizes_t h = { .style = hs };
  h.kicker = sized (t, PB_ROLE_KICKER, hs ? hs->kicker : 0, scale, hs);
  h.headline = sized (t, PB_ROLE_HEADLINE, headline, scale, hs);
  h.subtitle = sized (t, PB_ROLE_SUBTITLE, hs ? hs->subtitle : 0, scale, hs);
  h.headline_min = least * scale;
  h.max_lines = hs ? hs->max_lines : 0;
  pb_heading_set_size (&h, h.headline.size);
  return h;
}
