/* Fillers: the free areas at a page's foot, and a knapsack over the fillers' heights. */
#include "fillers.h"

#include "model.h"

GArray *
pb_free_areas (const GPtrArray *items, int columns, int lines, int min_lines)
{
  GArray *areas = g_array_new (FALSE, FALSE, sizeof (pb_free_area_t));
  g_autofree int *free_from = g_new0 (int, MAX (columns, 1));
  for (guint i = 0; i < items->len; i++)
    {
      const pb_item_t *it = items->pdata[i];
      for (int c = MAX (0, it->column); c < MIN (columns, it->column + it->span); c++)
        free_from[c] = MAX (free_from[c], it->top + it->height);
    }
  for (int c = 0; c < columns;)
    {
      int end = c + 1;
      while (end < columns && free_from[end] == free_from[c])
        end++;
      pb_free_area_t a = { c, end - c, free_from[c], lines - free_from[c] };
      if (a.height >= min_lines)
        g_array_append_val (areas, a);
      c = end;
    }
  return areas;
}

GArray *
pb_fill_choose (const int *heights, int n, int height)
{
  /* reach[h]: the candidates that fill h lines exactly, found first in candidate order (so the
   * earliest candidates win among equal fills); NULL: h cannot be filled. */
  GArray **reach = g_new0 (GArray *, height + 1);
  reach[0] = g_array_new (FALSE, FALSE, sizeof (int));
  for (int i = 0; i < n; i++)
    {
      int h = heights[i];
      if (h <= 0 || h > height)
        continue;
      for (int at = height; at >= h; at--)
        if (!reach[at] && reach[at - h])
          {
            reach[at] = g_array_copy (reach[at - h]);
            g_array_append_val (reach[at], i);
          }
    }
  int best = height;
  while (!reach[best])
    best--;
  GArray *chosen = g_array_ref (reach[best]);
  for (int h = 0; h <= height; h++)
    if (reach[h])
      g_array_unref (reach[h]);
  g_free (reach);
  return chosen;
}
