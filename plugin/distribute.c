/* Distributing a section's pool over its pages (distribute.h). */
#include "distribute.h"

#include "arrange.h"
#include "pages.h"
#include "setting.h"

/* Whether entry `e` may go on page `number`: not pinned elsewhere, and the story it is kept
 * with (if any) on this page or among `candidates`. */
static gboolean
may_go (const pb_makeup_t *mk, const pb_pool_entry_t *e, int number,
        const GPtrArray *candidates)
{
  if (e->pin.page > 0 && e->pin.page != number)
    return FALSE;
  if (!e->keep_with)
    return TRUE;
  if (GPOINTER_TO_INT (g_hash_table_lookup (mk->story_pages, e->keep_with)) == number)
    return TRUE;
  for (guint i = 0; i < candidates->len; i++)
    if (g_str_equal (((const pb_pool_entry_t *) candidates->pdata[i])->story_id, e->keep_with))
      return TRUE;
  return FALSE;
}

/* The stories page `number` is arranged from: those pinned to it, then the next ones not yet
 * placed, in the pool's order, at most PB_DISTRIBUTE_CANDIDATES of them. */
static GPtrArray *
candidates_for (const pb_makeup_t *mk, const GPtrArray *left, int number)
{
  GPtrArray *candidates = g_ptr_array_new ();
  for (guint i = 0; i < left->len; i++)
    {
      const pb_pool_entry_t *e = left->pdata[i];
      if (e->pin.page == number)
        g_ptr_array_add (candidates, (gpointer) e);
    }
  int free_ones = 0;
  for (guint i = 0; i < left->len && free_ones < PB_DISTRIBUTE_CANDIDATES; i++)
    {
      const pb_pool_entry_t *e = left->pdata[i];
      if (e->pin.page < 0 && may_go (mk, e, number, candidates))
        g_ptr_array_add (candidates, (gpointer) e), free_ones++;
    }
  return candidates;
}

/* A story kept with another that the arrangement did not put on the page: removed from the
 * candidates (the page is arranged again without it). Returns whether one was. */
static gboolean
drop_stray (const pb_page_makeup_t *made, GPtrArray *candidates)
{
  for (guint k = 0; k < made->choices->len; k++)
    {
      const pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, k);
      if (c->place.span == 0 || !c->entry->keep_with)
        continue;
      gboolean with = FALSE;
      for (guint j = 0; j < made->choices->len; j++)
        {
          const pb_makeup_choice_t *d = &g_array_index (made->choices, pb_makeup_choice_t, j);
          with |= d->place.span > 0 && g_str_equal (d->story_id, c->entry->keep_with);
        }
      if (!with)
        {
          g_ptr_array_remove (candidates, (gpointer) c->entry);
          return TRUE;
        }
    }
  return FALSE;
}

/* The page `pc` of a section arranged from the stories `left` of it; those it places leave
 * `left`. */
static gboolean
plan_page (pb_makeup_t *mk, const pb_page_ctx_t *pc, const GPtrArray *items, GPtrArray *left,
           GError **error)
{
  const pb_page_t *plan = pc->page->plan;
  g_autoptr (GPtrArray) candidates = candidates_for (mk, left, plan->number);
  pb_page_makeup_t *made = NULL;
  while ((made = pb_arrange_pool (mk, pc, items, candidates, error))
         && drop_stray (made, candidates))
    g_clear_pointer (&made, pb_page_makeup_free);
  if (!made)
    return FALSE;
  for (guint k = 0; k < made->choices->len; k++)
    {
      const pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, k);
      if (c->place.span == 0)
        continue;
      if (c->filler)
        pb_take_filler (mk, c->story_id, plan->number);
      g_hash_table_insert (mk->story_pages, c->entry->story_id, GINT_TO_POINTER (plan->number));
      g_hash_table_insert (mk->story_items, c->entry->story_id, GINT_TO_POINTER (1));
      g_ptr_array_remove (left, (gpointer) c->entry);
    }
  g_hash_table_insert (mk->planned, GINT_TO_POINTER (plan->number), made);
  return TRUE;
}

/* What no page of the section could hold. */
static void
warn_left (pb_makeup_t *mk, const pb_section_t *s, const GPtrArray *left)
{
  for (guint i = 0; i < left->len; i++)
    {
      const pb_pool_entry_t *e = left->pdata[i];
      g_ptr_array_add (mk->warnings,
                       g_strdup_printf ("%s:%d:%d: section \"%s\": story \"%s\" is placed on no "
                                        "page: pages %d to %d cannot hold it with the section's "
                                        "more important stories", e->loc.file, e->loc.line,
                                        e->loc.col, s->name, e->story_id, s->first_page,
                                        s->first_page + s->pages - 1));
    }
}

gboolean
pb_plan_section_page (pb_makeup_t *mk, const pb_page_ctx_t *pc, const GPtrArray *items,
                      GError **error)
{
  const pb_page_t *plan = pc->page->plan;
  const pb_section_t *s = plan->in_section;
  GPtrArray *left = g_hash_table_lookup (mk->section_left, s);
  if (!left)
    {
      /* Borrowed entries (a copy of the pool would free them with their free function). */
      left = g_ptr_array_sized_new (s->pool->len);
      for (guint k = 0; k < s->pool->len; k++)
        g_ptr_array_add (left, s->pool->pdata[k]);
      g_hash_table_insert (mk->section_left, (gpointer) s, left);
    }
  if (!plan_page (mk, pc, items, left, error))
    return FALSE;
  if (plan->number == s->first_page + s->pages - 1)
    warn_left (mk, s, left);
  return TRUE;
}
