/* Body paragraphs shaped and broken ahead of the page makeup. */
#include "bodies.h"

#include <string.h>
#include "clreq.h"
#include "parallel.h"

/* The costs of setting a paragraph this many lines longer or shorter are kept once asked:
 * levelling and copyfitting ask them in every trial. */
#define PB_LOOSER_KEPT 3

/* What pb_bodies_looser_cost found for a number of lines more or less. */
typedef enum { PB_LOOSER_UNKNOWN, PB_LOOSER_CAN, PB_LOOSER_CANNOT } pb_looser_t;

/* One paragraph's text and style runs, and the result of setting them. */
typedef struct {
  pb_fonts_t *fonts;
  const pb_block_t *block;
  const pb_block_t *run_in; /* the subhead run in before it, or NULL */
  char *text;               /* the run-in subhead, the dateline, then the block's text */
  int run_in_len;           /* bytes of the subhead with the space after it */
  int dateline_len;
  GArray *runs;             /* of pb_style_run_t */
  pb_measure_t measure;
  pb_para_t *para;          /* NULL once taken */
  gboolean set;             /* shaped and broken without error: `n` holds, taken or not */
  int n;
  GError *error;
  int bad_offset;           /* in `text`, of a character no font has */
  int run_in_shift;         /* bytes before the run-in subhead's text (a brief's mark) */
  /* By lines more + PB_LOOSER_KEPT: whether the paragraph can be set so, and the cost. */
  pb_looser_t looser[2 * PB_LOOSER_KEPT + 1];
  double looser_cost[2 * PB_LOOSER_KEPT + 1];
} pb_prep_t;

struct pb_bodies {
  pb_fonts_t *fonts;
  pb_styles_t *styles;
  GHashTable *stories;      /* story id → GPtrArray of pb_prep_t*, by block (NULL: subhead) */
  GPtrArray *box_templates; /* of pb_template_t*: the measures of boxed items' text */
  GHashTable *kept;         /* key → pb_kept_t*: what the flow keeps (pb_bodies_keep) */
};

typedef struct {
  gpointer data;
  GDestroyNotify free_data;
} pb_kept_t;

static void
kept_free (pb_kept_t *k)
{
  k->free_data (k->data);
  g_free (k);
}

/* Paragraphs a worker thread takes at the least (pb_parallel_for): fewer are not worth one. */
#define PB_PREP_BATCH 16
/* Between a run-in subhead and its paragraph, unless the subhead ends in a stop (。：？！). */
#define PB_RUN_IN_SPACE "\u3000"
/* Before the run-in head of each brief (简讯) of a story of briefs. */
/* Grid lines a pull quote is guessed to take when its style names none. */
#define PB_QUOTE_LINES_GUESS 3
#define PB_BRIEF_MARK "\u25cf"

pb_measure_t
pb_body_measure (const pb_template_t *t)
{
  return (pb_measure_t) { t->column_width, t->styles[PB_ROLE_BODY].indent, PB_ALIGN_JUSTIFY,
                          t->body_size, t->latin_space, t->letterspacing_limit / t->body_size,
                          t->hanging_punctuation, PB_SHAPE_FILL };
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
  bodies->box_templates = g_ptr_array_new_with_free_func (g_free);
  bodies->kept = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) kept_free);
  return bodies;
}

pb_styles_t *
pb_bodies_styles (pb_bodies_t *bodies)
{
  return bodies->styles;
}

void
pb_bodies_free (pb_bodies_t *bodies)
{
  if (!bodies)
    return;
  g_hash_table_destroy (bodies->stories);
  g_ptr_array_free (bodies->box_templates, TRUE);
  g_hash_table_destroy (bodies->kept);
  g_free (bodies);
}

gpointer
pb_bodies_kept (const pb_bodies_t *bodies, const char *key)
{
  const pb_kept_t *k = g_hash_table_lookup (bodies->kept, key);
  return k ? k->data : NULL;
}

void
pb_bodies_keep (pb_bodies_t *bodies, const char *key, gpointer data, GDestroyNotify free_data)
{
  pb_kept_t *k = g_new (pb_kept_t, 1);
  *k = (pb_kept_t) { data, free_data };
  g_hash_table_replace (bodies->kept, g_strdup (key), k);
}

static void
add_run (GArray *runs, int start, int end, const pb_style_t *style)
{
  pb_style_run_t r = { start, end, style };
  if (end > start)
    g_array_append_val (runs, r);
}

/* The style of a span with `flags` in text of style `base`: bold in its own font at bold
 * weight, emphasis in the template's emphasis style (楷体) at its size; dots change no style. */
const pb_style_t *
pb_bodies_span_style (pb_styles_t *styles, const pb_template_t *t, const pb_style_t *base,
                      unsigned flags)
{
  if (flags & PB_SPAN_BOLD)
    return pb_styles_derive (styles, base, 700, NULL);
  if (flags & PB_SPAN_EMPH)
    return pb_styles_derive (styles, base, t->styles[PB_ROLE_EMPHASIS].weight,
                             t->styles[PB_ROLE_EMPHASIS].font);
  return base;
}

/* The style runs of a body paragraph: the subhead (in `run_in_role`) and the dateline run in,
 * then bold and emphasis spans. */
static GArray *
body_runs (pb_styles_t *styles, const pb_template_t *t, const pb_block_t *block,
           pb_role_t run_in_role, int run_in_len, int dateline_len)
{
  const pb_style_t *body = &t->styles[PB_ROLE_BODY];
  GArray *runs = g_array_new (FALSE, FALSE, sizeof (pb_style_run_t));
  int prefix = run_in_len + dateline_len;
  int pos = prefix, len = strlen (block->text) + prefix;
  add_run (runs, 0, run_in_len, &t->styles[run_in_role]);
  add_run (runs, run_in_len, prefix, &t->styles[PB_ROLE_DATELINE]);
  for (guint i = 0; block->spans && i < block->spans->len; i++)
    {
      const pb_span_t *span = &g_array_index (block->spans, pb_span_t, i);
      int start = span->start + prefix, end = span->end + prefix;
      if (start > pos)
        {
          pb_style_run_t r = { pos, start, body };
          g_array_append_val (runs, r);
        }
      pb_style_run_t r = { start, end, pb_bodies_span_style (styles, t, body, span->flags) };
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

gboolean
pb_bodies_runs_in (const pb_story_t *story, guint index, const pb_template_t *t)
{
  const pb_block_t *block = story->blocks->pdata[index];
  return (t->subhead_run_in || story->briefs) && block->kind == PB_BLOCK_SUBHEAD
         && index + 1 < story->blocks->len
         && ((const pb_block_t *) story->blocks->pdata[index + 1])->kind == PB_BLOCK_PARA;
}

/* The run-in subhead's text with the space that parts it from the paragraph, a brief's with
 * its mark before it. */
static char *
run_in_text (const pb_block_t *subhead, gboolean brief)
{
  const char *end = subhead->text + strlen (subhead->text);
  gboolean stop = end > subhead->text
                  && pb_cls_of (g_utf8_get_char (g_utf8_prev_char (end))) == PB_CLS_STOP;
  return g_strconcat (brief ? PB_BRIEF_MARK : "", subhead->text,
                      stop ? "" : PB_RUN_IN_SPACE, NULL);
}

/* Whether the briefs of `story` open with PB_BRIEF_MARK (not when template `t` parts them with
 * rules). */
static gboolean
brief_mark (const pb_story_t *story, const pb_template_t *t)
{
  return story->briefs && !t->brief_rules;
}

/* The byte offset in a paragraph's text of `offset` in its run-in subhead's. */
static int
run_in_offset (const pb_story_t *story, const pb_template_t *t)
{
  return brief_mark (story, t) ? (int) strlen (PB_BRIEF_MARK) : 0;
}

/* The text and style runs of body block `index` of `story`: the subhead before it run in when
 * template `t` says so, the dateline when given. */
static pb_prep_t *
prep_new (const pb_bodies_t *bodies, const pb_template_t *t, const pb_story_t *story,
          guint index, const char *dateline)
{
  pb_prep_t *prep = g_new0 (pb_prep_t, 1);
  const pb_block_t *block = story->blocks->pdata[index];
  prep->fonts = bodies->fonts;
  if (index > 0 && pb_bodies_runs_in (story, index - 1, t))
    prep->run_in = story->blocks->pdata[index - 1];
  g_autofree char *run_in = prep->run_in ? run_in_text (prep->run_in, brief_mark (story, t))
                                          : g_strdup ("");
  int dl = dateline ? strlen (dateline) : 0;
  prep->text = g_strconcat (run_in, dateline ? dateline : "", block->text, NULL);
  prep->run_in_len = strlen (run_in);
  prep->run_in_shift = prep->run_in ? run_in_offset (story, t) : 0;
  prep->runs = body_runs (bodies->styles, t, block,
                          story->briefs ? PB_ROLE_BRIEF_HEAD : PB_ROLE_SUBHEAD,
                          prep->run_in_len, dl);
  prep->block = block;
  prep->dateline_len = dl;
  prep->bad_offset = -1;
  prep->measure = pb_body_measure (t);
  return prep;
}

void
pb_bodies_mark_dots (pb_para_t *para, const pb_block_t *block, int at)
{
  for (guint i = 0; block->spans && i < block->spans->len; i++)
    {
      const pb_span_t *span = &g_array_index (block->spans, pb_span_t, i);
      if (span->flags & PB_SPAN_DOTS)
        pb_para_mark_dots (para, span->start + at, span->end + at);
    }
}

/* A run-in head is read as a heading: its lines break between its words where they can. Its
 * boundaries come from the same word breaker as the headlines'; where that fails (ICU's data
 * missing) the headlines have failed the layout already, and the head breaks as body text. */
static void
keep_head_words (pb_prep_t *prep)
{
  if (prep->run_in_len == 0)
    return;
  g_autofree char *head = g_strndup (prep->text, prep->run_in_len);
  g_autoptr (GArray) bounds = pb_word_boundaries (head, NULL);
  if (bounds)
    pb_para_discourage_inside_words (prep->para, prep->run_in_len,
                                     (const pb_boundary_t *) bounds->data, (int) bounds->len);
}

static void
prep_run (pb_prep_t *prep)
{
  prep->para = pb_para_new (prep->fonts, prep->text, (pb_style_run_t *) prep->runs->data,
                            prep->runs->len, &prep->bad_offset, &prep->error);
  if (prep->para)
    {
      pb_para_mark_dateline (prep->para, prep->run_in_len,
                             prep->run_in_len + prep->dateline_len);
      pb_bodies_mark_dots (prep->para, prep->block, prep->run_in_len + prep->dateline_len);
      keep_head_words (prep);
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
          prep = prep_new (bodies, t, story, b, first ? story->dateline : NULL);
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
          const pb_template_t *t = plan->tmpl;
          if (item->box.style != PB_BOX_NONE)
            {
              /* A boxed item's text is set at the narrower measure inside its box. */
              t = pb_template_in_box (t, item->column, item->span, item->box.inset);
              g_ptr_array_add (bodies->box_templates, (gpointer) t);
            }
          g_hash_table_insert (bodies->stories, story->id, story_preps (bodies, t, story, all));
        }
      for (guint k = 0; !plan->elsewhere && k < plan->pool->len; k++)
        {
          const pb_pool_entry_t *e = plan->pool->pdata[k];
          if (g_hash_table_contains (bodies->stories, e->story_id))
            continue;
          const pb_story_t *story = g_hash_table_lookup (issue->story_by_id, e->story_id);
          g_hash_table_insert (bodies->stories, story->id,
                               story_preps (bodies, plan->tmpl, story, all));
        }
    }
  /* Fillers land wherever pages have room: set them for the first page made here. */
  const pb_template_t *first = NULL;
  for (guint i = 0; !first && i < issue->pages->len; i++)
    if (!((const pb_page_t *) issue->pages->pdata[i])->elsewhere)
      first = ((const pb_page_t *) issue->pages->pdata[i])->tmpl;
  for (guint i = 0; first && i < issue->stories->len; i++)
    {
      const pb_story_t *story = issue->stories->pdata[i];
      if (story->filler && !g_hash_table_contains (bodies->stories, story->id))
        g_hash_table_insert (bodies->stories, story->id,
                             story_preps (bodies, first, story, all));
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

/* Grid lines a pull quote or a table is guessed to take: the flow sets them where they go. */
static int
display_block_lines (const pb_block_t *block, const pb_template_t *t)
{
  const pb_style_t *quote = &t->styles[PB_ROLE_PULLQUOTE];
  if (block->kind == PB_BLOCK_QUOTE)
    return MAX (quote->lines, PB_QUOTE_LINES_GUESS) + quote->space_before + quote->space_after;
  return block->rows + 1; /* a row a line and the blank line under the table */
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
      if (pb_bodies_runs_in (story, b, t))
        continue;
      const pb_block_t *block = story->blocks->pdata[b];
      if (block->kind == PB_BLOCK_SUBHEAD)
        lines += MAX (sub->lines, 2) + sub->space_before + sub->space_after;
      else if (block->kind != PB_BLOCK_PARA)
        lines += display_block_lines (block, t);
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
  if (block->kind == PB_BLOCK_QUOTE || block->kind == PB_BLOCK_TABLE)
    return display_block_lines (block, t);
  pb_para_t *para = pb_shape_text (bodies->fonts, block->text, NULL, 0,
                                   &t->styles[PB_ROLE_BODY], block->loc, error);
  if (!para)
    return -1;
  int n = pb_para_break (para, m);
  pb_para_free (para);
  return n;
}

/* Where the character no font has stands in its Markdown file: in the run-in subhead, the
 * paragraph (the dateline's characters are named at the paragraph's start). */
static pb_loc_t
prep_error_loc (const pb_prep_t *prep)
{
  if (prep->bad_offset >= 0 && prep->bad_offset < prep->run_in_len)
    return pb_block_loc_at (prep->run_in, MAX (0, prep->bad_offset - prep->run_in_shift));
  int at = prep->bad_offset - prep->run_in_len - prep->dateline_len;
  return at >= 0 ? pb_block_loc_at (prep->block, at) : prep->block->loc;
}

gboolean
pb_bodies_take (pb_bodies_t *bodies, const pb_story_t *story, guint index, const char *dateline,
                const pb_template_t *t, pb_body_para_t *out, GError **error)
{
  pb_measure_t m = pb_body_measure (t);
  pb_prep_t *prep = prep_of (bodies, story, index);
  *out = (pb_body_para_t) { 0 };
  gboolean run_in = index > 0 && pb_bodies_runs_in (story, index - 1, t);
  if (prep && prep->set && pb_same_measure (&prep->measure, &m)
      && (prep->run_in != NULL) == run_in)
    {
      *out = (pb_body_para_t) { prep->para, prep->n, prep->measure, FALSE, FALSE };
      return TRUE;
    }
  pb_prep_t *own = prep_new (bodies, t, story, index, dateline);
  prep_run (own);
  if (own->para)
    *out = (pb_body_para_t) { g_steal_pointer (&own->para), own->n, own->measure, TRUE, FALSE };
  else
    pb_set_error_at (error, own->error->code, prep_error_loc (own), "%s", own->error->message);
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
  gboolean kept = ABS (more) <= PB_LOOSER_KEPT;
  pb_looser_t *known = kept ? &prep->looser[more + PB_LOOSER_KEPT] : NULL;
  if (known && *known != PB_LOOSER_UNKNOWN)
    {
      *cost = prep->looser_cost[more + PB_LOOSER_KEPT];
      return *known == PB_LOOSER_CAN;
    }
  /* The prepared breaks are the best of any number of lines: their demerits are the least
   * for prep->n lines. */
  double now = pb_para_demerits (prep->para), looser = 0;
  gboolean ok = pb_para_break_exact (prep->para, &m, prep->n + more, &looser);
  if (ok)
    pb_para_break (prep->para, &prep->measure);
  *cost = looser - now;
  if (known)
    {
      *known = ok ? PB_LOOSER_CAN : PB_LOOSER_CANNOT;
      prep->looser_cost[more + PB_LOOSER_KEPT] = *cost;
    }
  return ok;
}
