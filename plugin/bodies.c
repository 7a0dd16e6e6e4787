/* Body paragraphs shaped and broken ahead of the page makeup. */
#include "bodies.h"

#include <string.h>
#include "parallel.h"

/* One paragraph's text and style runs, and the result of setting them. */
typedef struct {
  pb_fonts_t *fonts;
  const pb_block_t *block;
  char *text;               /* the dateline, then the block's text */
  int dateline_len;
  GArray *runs;             /* of pb_style_run_t */
  pb_measure_t measure;
  pb_para_t *para;          /* NULL once taken */
  gboolean set;             /* shaped and broken without error: `n` holds, taken or not */
  int n;
  GError *error;
  int bad_offset;           /* in `text`, of a character no font has */
} pb_prep_t;

struct pb_bodies {
  pb_fonts_t *fonts;
  pb_styles_t *styles;
  GHashTable *stories;      /* story id → GPtrArray of pb_prep_t*, by block (NULL: subhead) */
};

/* Paragraphs a worker thread takes at the least (pb_parallel_for): fewer are not worth one. */
#define PB_PREP_BATCH 16

pb_measure_t
pb_body_measure (const pb_template_t *t)
{
  return (pb_measure_t) { t->column_width, t->styles[PB_ROLE_BODY].indent, PB_ALIGN_JUSTIFY,
                          t->body_size, t->latin_space, t->letterspacing_limit / t->body_size,
                          t->hanging_punctuation };
}

static void
prep_free (pb_prep_t *prep)
{
  if (!prep)
    return;
  g_free (prep->text);
  g_array_free (prep->runs, TRUE);
  pb_para_free (prep->para);
  g_clear_error (&prep->error);
  g_free (prep);
}

pb_bodies_t *
pb_bodies_new (pb_fonts_t *fonts, pb_styles_t *styles)
{
  pb_bodies_t *bodies = g_new0 (pb_bodies_t, 1);
  bodies->fonts = fonts;
  bodies->styles = styles;
  bodies->stories = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) g_ptr_array_unref);
  return bodies;
}

void
pb_bodies_free (pb_bodies_t *bodies)
{
  if (!bodies)
    return;
  g_hash_table_destroy (bodies->stories);
  g_free (bodies);
}

/* The style runs of a body paragraph: the dateline run in, then bold and emphasis spans. */
static GArray *
body_runs (pb_styles_t *styles, const pb_template_t *t, const pb_block_t *block,
           int dateline_len)
{
  const pb_style_t *body = &t->styles[PB_ROLE_BODY];
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (pb_style_run_t));
  int pos = 0, len = strlen (block->text) + dateline_len;
  if (dateline_len > 0)
    {
      pb_style_run_t r = { 0, dateline_len, &t->styles[PB_ROLE_DATELINE] };
      g_array_append_val (runs, r);
      pos = dateline_len;
    }
  for (guint i = 0; block->spans && i < block->spans->len; i++)
    {
      const pb_span_t *span = &g_array_index (block->spans, pb_span_t, i);
      int start = span->start + dateline_len, end = span->end + dateline_len;
      if (start > pos)
        {
          pb_style_run_t r = { pos, start, body };
          g_array_append_val (runs, r);
        }
      const pb_style_t *s = span->flags & PB_SPAN_BOLD
                            ? pb_styles_derive (styles, body, 700, NULL)
                            : pb_styles_derive (styles, body, body->weight,
                                                t->styles[PB_ROLE_CAPTION].font);
      pb_style_run_t r = { start, end, s };
      g_array_append_val (runs, r);
      pos = end;
    }
  if (pos < len)
    {
      pb_style_run_t r = { pos, len, body };
      g_array_append_val (runs, r);
    }
  return runs;
}

/* The text and style runs of a body paragraph, the dateline run in before the first. */
static pb_prep_t *
prep_new (const pb_bodies_t *bodies, const pb_template_t *t, const pb_block_t *block,
          const char *dateline)
{
  pb_prep_t *prep = g_new0 (pb_prep_t, 1);
  prep->fonts = bodies->fonts;
  int dl = dateline ? strlen (dateline) : 0;
  prep->text = g_strconcat (dateline ? dateline : "", block->text, NULL);
  prep->runs = body_runs (bodies->styles, t, block, dl);
  prep->block = block;
  prep->dateline_len = dl;
  prep->bad_offset = -1;
  prep->measure = pb_body_measure (t);
  return prep;
}

static void
prep_run (pb_prep_t *prep)
{
  prep->para = pb_para_new (prep->fonts, prep->text, (pb_style_run_t *) prep->runs->data,
                            prep->runs->len, &prep->bad_offset, &prep->error);
  if (prep->para)
    {
      pb_para_mark_dateline (prep->para, 0, prep->dateline_len);
      prep->n = pb_para_break (prep->para, &prep->measure);
      prep->set = TRUE;
    }
}

static void
prep_one (int i, gpointer data)
{
  GPtrArray *preps = data;
  prep_run (preps->pdata[i]);
}

/* The paragraphs of one story, by block; subheads get NULL. */
static GPtrArray *
story_preps (const pb_bodies_t *bodies, const pb_template_t *t, const pb_story_t *story,
             GPtrArray *all)
{
  GPtrArray *preps = g_ptr_array_new_with_free_func ((GDestroyNotify) prep_free);
  gboolean first = TRUE;
  for (guint b = 0; b < story->blocks->len; b++)
    {
      const pb_block_t *block = story->blocks->pdata[b];
      pb_prep_t *prep = NULL;
      if (block->kind == PB_BLOCK_PARA)
        {
          prep = prep_new (bodies, t, block, first ? story->dateline : NULL);
          g_ptr_array_add (all, prep);
          first = FALSE;
        }
      g_ptr_array_add (preps, prep);
    }
  return preps;
}

void
pb_bodies_prepare (pb_bodies_t *bodies, const pb_issue_t *issue)
{
  GPtrArray *all = g_ptr_array_new ();
  for (guint i = 0; i < issue->pages->len; i++)
    {
      const pb_page_t *plan = issue->pages->pdata[i];
      for (guint k = 0; !plan->elsewhere && k < plan->items->len; k++)
        {
          const pb_item_t *item = plan->items->pdata[k];
          if (item->kind != PB_ITEM_STORY || g_hash_table_contains (bodies->stories,
                                                                    item->story_id))
            continue;
          const pb_story_t *story = g_hash_table_lookup (issue->story_by_id, item->story_id);
          g_hash_table_insert (bodies->stories, story->id,
                               story_preps (bodies, plan->tmpl, story, all));
        }
    }
  pb_parallel_for (all->len, PB_PREP_BATCH, prep_one, all);
  g_ptr_array_free (all, TRUE);
}

static pb_prep_t *
prep_of (const pb_bodies_t *bodies, const pb_story_t *story, guint index)
{
  GPtrArray *preps = g_hash_table_lookup (bodies->stories, story->id);
  return preps ? preps->pdata[index] : NULL;
}

int
pb_bodies_own_lines (const pb_story_t *story, const pb_template_t *t)
{
  return (story->byline && t->byline_position == PB_BYLINE_BEFORE_BODY)
         + (story->credit != NULL);
}

int
pb_bodies_story_lines (const pb_bodies_t *bodies, const pb_story_t *story,
                       const pb_template_t *t)
{
  const pb_style_t *sub = &t->styles[PB_ROLE_SUBHEAD];
  int lines = pb_bodies_own_lines (story, t);
  for (guint b = 0; b < story->blocks->len; b++)
    {
      const pb_prep_t *prep = prep_of (bodies, story, b);
      if (((pb_block_t *) story->blocks->pdata[b])->kind == PB_BLOCK_SUBHEAD)
        lines += MAX (sub->lines, 2) + sub->space_before + sub->space_after;
      else if (!prep || !prep->set)
        return -1;
      else
        lines += prep->n;
    }
  return lines;
}

int
pb_bodies_block_lines (const pb_bodies_t *bodies, const pb_story_t *story, guint index,
                       const pb_template_t *t, const pb_measure_t *m, GError **error)
{
  const pb_prep_t *prep = prep_of (bodies, story, index);
  if (prep && prep->set && pb_same_measure (&prep->measure, m))
    return prep->n;
  const pb_block_t *block = story->blocks->pdata[index];
  pb_para_t *para = pb_shape_text (bodies->fonts, block->text, NULL, 0,
                                   &t->styles[PB_ROLE_BODY], block->loc, error);
  if (!para)
    return -1;
  int n = pb_para_break (para, m);
  pb_para_free (para);
  return n;
}

gboolean
pb_bodies_take (pb_bodies_t *bodies, const pb_story_t *story, guint index, const char *dateline,
                const pb_template_t *t, pb_body_para_t *out, GError **error)
{
  const pb_block_t *block = story->blocks->pdata[index];
  pb_measure_t m = pb_body_measure (t);
  pb_prep_t *prep = prep_of (bodies, story, index);
  *out = (pb_body_para_t) { 0 };
  if (prep && prep->set && pb_same_measure (&prep->measure, &m))
    {
      *out = (pb_body_para_t) { prep->para, prep->n, prep->measure, FALSE, FALSE };
      return TRUE;
    }
  pb_prep_t *own = prep_new (bodies, t, block, dateline);
  prep_run (own);
  if (own->para)
    *out = (pb_body_para_t) { g_steal_pointer (&own->para), own->n, own->measure, TRUE, FALSE };
  else
    {
      /* A character no font has is named where it stands in its Markdown file. */
      int at = own->bad_offset - own->dateline_len;
      pb_loc_t loc = at >= 0 ? pb_block_loc_at (block, at) : block->loc;
      pb_set_error_at (error, own->error->code, loc, "%s", own->error->message);
    }
  prep_free (own);
  return out->para != NULL;
}

void
pb_bodies_release (pb_bodies_t *bodies, pb_body_para_t *p)
{
  if (!p->para)
    return;
  if (p->owned)
    pb_para_free (p->para);
  else if (p->rebroken)
    pb_para_break (p->para, &p->measure); /* deterministic: the prepared breaks come back */
  *p = (pb_body_para_t) { 0 };
}

gboolean
pb_bodies_looser_cost (pb_bodies_t *bodies, const pb_story_t *story, guint index,
                       const pb_template_t *t, int more, double *cost)
{
  pb_prep_t *prep = prep_of (bodies, story, index);
  pb_measure_t m = pb_body_measure (t);
  if (!prep || !prep->set || !pb_same_measure (&prep->measure, &m))
    return FALSE;
  /* The prepared breaks are the best of any number of lines: their demerits are the least
   * for prep->n lines. */
  double now = pb_para_demerits (prep->para), looser = 0;
  gboolean ok = pb_para_break_exact (prep->para, &m, prep->n + more, &looser);
  if (ok)
    pb_para_break (prep->para, &prep->measure);
  *cost = looser - now;
  return ok;
}
