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
  /* The rest of a story begun at the foot of the page before comes first. */
  for (guint i = 0; i < mk->carried->len; i++)
    g_ptr_array_add (candidates, mk->carried->pdata[i]);
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

/* Where the arrangement leaves the page free down to its foot: the widest flat run of columns
 * (most lines of columns among equals), at least 2 columns and PB_CONTINUE_LEAST_LINES lines.
 * FALSE when there is none. */
static gboolean
free_foot (const pb_page_makeup_t *made, int avail, pb_makeup_place_t *run)
{
  int skyline[PB_MAKEUP_MAX_COLUMNS], best = 0;
  pb_makeup_skyline (made, skyline);
  for (int c = 0; c < made->room.columns; c++)
    for (int end = c + 2; end <= made->room.columns; end++)
      {
        gboolean flat = TRUE;
        for (int k = c; k < end; k++)
          flat &= skyline[k] == skyline[c] && made->room.depth[k] == avail + PB_ITEM_SPACE_LINES;
        int lines = avail - skyline[c];
        if (flat && lines >= PB_CONTINUE_LEAST_LINES && (end - c) * lines > best)
          {
            best = (end - c) * lines;
            *run = (pb_makeup_place_t) { c, end - c, skyline[c], lines, -1 };
          }
      }
  return best > 0;
}

/* The first story left that may continue, begun in what the page leaves free at its foot when
 * its headlines, photo and a few lines of text fit there and the whole story does not: a first
 * part fixed to the foot, the rest carried to the next page of the section (with the jump
 * lines the flow adds). */
static gboolean
continue_at_foot (pb_makeup_t *mk, const pb_page_ctx_t *pc, pb_page_makeup_t *made,
                  GPtrArray *left, GError **error)
{
  const pb_page_t *plan = pc->page->plan;
  const pb_section_t *s = plan->in_section;
  int avail = pc->grid.tmpl->lines - pb_page_head_lines (plan);
  const pb_pool_entry_t *e = NULL;
  for (guint i = 0; i < left->len && !e; i++)
    {
      const pb_pool_entry_t *x = left->pdata[i];
      if (x->may_continue && x->pin.page < 0 && !x->keep_with)
        e = x;
    }
  pb_makeup_place_t run;
  if (!e || plan->number == s->first_page + s->pages - 1 || !free_foot (made, avail, &run))
    return TRUE;
  const pb_story_t *story = g_hash_table_lookup (mk->issue->story_by_id, e->story_id);
  pb_story_shape_t shape = { 0 };
  int whole = pb_story_lines_at (mk, pc, story, run.span, -1, 0, &shape, error);
  if (whole < 0)
    return FALSE;
  if (whole <= run.height + PB_ITEM_SPACE_LINES || shape.heading_overset > 0
      || shape.photo_end + PB_CONTINUE_TEXT_LINES > run.height)
    return TRUE;
  pb_makeup_choice_t c = { .story_id = story->id, .entry = e, .place = run, .photo_lines = -1,
                           .continued = TRUE };
  /* It was a candidate the arrangement left out: its record becomes the first part's. */
  guint k = 0;
  while (k < made->choices->len
         && g_array_index (made->choices, pb_makeup_choice_t, k).entry != e)
    k++;
  if (k == made->choices->len)
    g_array_append_val (made->choices, c);
  else
    {
      pb_makeup_choice_t *was = &g_array_index (made->choices, pb_makeup_choice_t, k);
      c.variants = g_steal_pointer (&was->variants);
      *was = c;
    }
  g_hash_table_insert (mk->story_items, story->id, GINT_TO_POINTER (2));
  g_hash_table_insert (mk->story_pages, story->id, GINT_TO_POINTER (plan->number));
  g_ptr_array_remove (left, (gpointer) e);
  g_ptr_array_add (mk->carried, (gpointer) e);
  return TRUE;
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
  g_ptr_array_set_size (mk->carried, 0);
  if (!made)
    return FALSE;
  for (guint k = 0; k < made->choices->len; k++)
    {
      const pb_makeup_choice_t *c = &g_array_index (made->choices, pb_makeup_choice_t, k);
      /* The rest of a story begun before keeps its first page and its count of items. */
      if (c->place.span == 0 || c->continuation)
        continue;
      if (c->filler)
        pb_take_filler (mk, c->story_id, plan->number);
      g_hash_table_insert (mk->story_pages, c->entry->story_id, GINT_TO_POINTER (plan->number));
      /* A first part the arrangement ran to the page's foot: its rest goes on the next page. */
      g_hash_table_insert (mk->story_items, c->entry->story_id,
                           GINT_TO_POINTER (c->continued ? 2 : 1));
      if (c->continued)
        g_ptr_array_add (mk->carried, (gpointer) c->entry);
      g_ptr_array_remove (left, (gpointer) c->entry);
    }
  g_hash_table_insert (mk->planned, GINT_TO_POINTER (plan->number), made);
  return continue_at_foot (mk, pc, made, left, error);
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
