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

/* A way to fill a number of lines exactly: the choices, and the column-lines they leave
 * empty. */
typedef struct {
  GArray *chosen;           /* of pb_fill_choice_t; NULL: the lines cannot be filled */
  int empty;
} pb_reach_t;

GArray *
pb_fill_choose (const pb_filler_size_t *sizes, int n, int height)
{
  /* reach[h]: the candidates that fill h lines exactly with the fewest empty column-lines,
   * found first in candidate order among equals (so the earliest candidates win). Each
   * candidate is one more item of a 0/1 knapsack with one or two sizes: going down from the
   * top, reach[at - lines] still holds the sets made without it. */
  pb_reach_t *reach = g_new0 (pb_reach_t, height + 1);
  reach[0].chosen = g_array_new (FALSE, FALSE, sizeof (pb_fill_choice_t));
  for (int i = 0; i < n; i++)
    {
      const pb_filler_size_t *sz = &sizes[i];
      int options = sz->empty == 0 ? 2 : 1;
      for (int at = height; at >= 1; at--)
        for (int o = 0; o < options; o++)
          {
            int lines = sz->lines + o;
            if (sz->lines <= 0 || lines > at || !reach[at - lines].chosen)
              continue;
            int empty = reach[at - lines].empty + sz->empty;
            if (reach[at].chosen && empty >= reach[at].empty)
              continue;
            if (reach[at].chosen)
              g_array_unref (reach[at].chosen);
            reach[at].chosen = g_array_copy (reach[at - lines].chosen);
            reach[at].empty = empty;
            pb_fill_choice_t c = { i, lines };
            g_array_append_val (reach[at].chosen, c);
          }
    }
  int best = height;
  while (!reach[best].chosen)
    best--;
  GArray *chosen = g_array_ref (reach[best].chosen);
  for (int h = 0; h <= height; h++)
    if (reach[h].chosen)
      g_array_unref (reach[h].chosen);
  g_free (reach);
  return chosen;
}
