/* Page makeup: places mastheads, headlines, photos, captions, body text and guide boxes on the
 * page grid. Text flows through a chain of column frames (regions) like Typst's flow: each
 * frame takes whole grid lines until it is full, then the next one continues. */
#include "layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "clreq.h"
#include "compose.h"
#include "fonts.h"
#include "image.h"
#include "parallel.h"

/* A column frame of a text chain: grid lines [top, bottom) of one page column. */
typedef struct {
  int column;
  int top, bottom;
  int part;                 /* index of the chain part (page item) it belongs to */
} pb_region_t;

/* One item of a story on one page; a story placed on several pages continues through them. */
typedef struct {
  pb_page_layout_t *page;
  int grid_offset;
  const pb_item_t *item;
  pb_placed_item_t *placed;
  int jump_in_line;         /* grid line of 上接第X版, -1 when none */
  int jump_out_column, jump_out_line; /* where 下转第X版 goes, -1 when none */
  gboolean reached;         /* text flowed into it */
} pb_part_t;

/* The frames a story's body flows through, across its items and pages, in order. */
/* A body paragraph shaped and broken before the flow, possibly on another thread. */
typedef struct {
  struct pb_ctx *ctx;
  char *text;
  GArray *runs;             /* of pb_style_run_t */
  pb_loc_t loc;
  pb_measure_t measure;
  pb_para_t *para;          /* NULL once the flow has taken it */
  int n;
  GError *error;
} pb_prep_t;

typedef struct {
  const pb_story_t *story;
  GPtrArray *parts;         /* of pb_part_t* */
  GArray *regions;          /* of pb_region_t */
} pb_chain_t;

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


/* State while laying out one page. */
typedef struct pb_ctx {
  const pb_issue_t *issue;
  pb_fonts_t *fonts;
  pb_page_layout_t *page;
  const pb_template_t *tmpl;
  int grid_offset;          /* grid lines above the items' line 0 (the masthead) */
  GPtrArray *styles;        /* derived styles (bold body …), owned */
  GHashTable *story_pages;  /* story id → page number */
  GPtrArray *warnings;
  GHashTable *chains;       /* story id → pb_chain_t* */
  GPtrArray *chain_order;   /* of pb_chain_t*, by first appearance */
  GPtrArray *owned_items;   /* of pb_item_t*: auto-placed items with their positions */
  GHashTable *images;       /* photo file → decoded cairo_surface_t* */
  GHashTable *preps;        /* story id → GPtrArray of pb_prep_t*, by block (NULL: subhead) */
} pb_ctx_t;


/* ---- geometry ---- */

static double
column_block_width (const pb_template_t *t)
{
  return t->columns * t->column_width + (t->columns - 1) * t->gutter;
}

double
pb_column_x (const pb_template_t *t, int column)
{
  return (t->trim_w - column_block_width (t)) / 2 + column * (t->column_width + t->gutter);
}

static double
span_width (const pb_template_t *t, int span)
{
  return span * t->column_width + (span - 1) * t->gutter;
}

static double
cell_top (const pb_ctx_t *ctx, int line)
{
  return ctx->page->grid_top + (ctx->grid_offset + line) * ctx->tmpl->leading;
}

double
pb_grid_baseline (const pb_template_t *t, double grid_top, int line)
{
  /* The body's em box sits in the middle of its grid cell. */
  return grid_top + line * t->leading + (t->leading - t->body_size) / 2
         + PB_EM_ASCENT * t->body_size;
}

static double
body_baseline (const pb_ctx_t *ctx, int line)
{
  return pb_grid_baseline (ctx->tmpl, ctx->page->grid_top, ctx->grid_offset + line);
}

static int
page_lines (const pb_template_t *t)
{
  return (int) floor ((t->trim_h - t->margin_top - t->margin_bottom) / t->leading + 1e-6);
}

/* ---- lines ---- */

static void glyph_run_free (pb_glyph_run_t *run);

pb_line_t *
pb_line_new (void)
{
  pb_line_t *line = g_new0 (pb_line_t, 1);
  line->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) glyph_run_free);
  line->block = -1;
  line->column = -1;
  return line;
}

static void
glyph_run_free (pb_glyph_run_t *run)
{
  g_object_unref (run->font);
  g_free (run->glyphs);
  g_free (run->clusters);
  g_free (run->text);
  g_free (run);
}

void
pb_line_free (pb_line_t *line)
{
  g_ptr_array_free (line->runs, TRUE);
  g_free (line->text);
  g_free (line);
}

static const pb_style_t *
derived_style (pb_ctx_t *ctx, const pb_style_t *base, int weight, const char *font)
{
  pb_style_t *s = g_memdup2 (base, sizeof *base);
  s->weight = weight;
  if (font)
    s->font = (char *) font; /* borrowed from the template */
  g_ptr_array_add (ctx->styles, s);
  return s;
}

/* A paragraph of one style, or with the styles given. Errors name `loc`. */
static pb_para_t *
shape (pb_ctx_t *ctx, const char *text, const pb_style_run_t *runs, int n_runs,
       const pb_style_t *style, pb_loc_t loc, GError **error)
{
  pb_style_run_t whole = { 0, (int) strlen (text), style };
  if (!runs)
    runs = &whole, n_runs = 1;
  int bad = -1;
  GError *local = NULL;
  pb_para_t *para = pb_para_new (ctx->fonts, text, runs, n_runs, &bad, &local);
  if (!para)
    {
      pb_set_error_at (error, local->code, loc, "%s", local->message);
      g_error_free (local);
    }
  return para;
}

static pb_line_t *
emit (pb_ctx_t *ctx, pb_para_t *para, int index, double x, double baseline, double measure,
      pb_role_t role, const char *story_id)
{
  pb_line_t *line = pb_line_new ();
  line->role = role;
  line->story_id = story_id;
  line->measure = measure;
  line->color = ctx->tmpl->styles[role].color;
  pb_para_emit_line (para, index, x, baseline, line);
  g_ptr_array_add (ctx->page->lines, line);
  return line;
}

/* Sets a display paragraph (headline, kicker, caption …) line by line from baseline `y` with
 * the style's leading; returns the baseline after the last line. */
static double
set_display (pb_ctx_t *ctx, pb_para_t *para, const pb_style_t *style, double x, double y,
             double width, pb_role_t role, const char *story_id)
{
  pb_measure_t m = { width, style->indent, style->align, style->size, 0 };
  int n = pb_para_break (para, &m);
  double leading = style->leading > 0 ? style->leading : 1.25 * style->size;
  for (int i = 0; i < n; i++)
    {
      emit (ctx, para, i, x, y, width, role, story_id);
      y += leading;
    }
  return y - leading;
}

static int
lines_for (const pb_ctx_t *ctx, double height)
{
  return (int) ceil (height / ctx->tmpl->leading - 1e-6);
}

/* ---- masthead and folio ---- */

/* "2024年2月19日 星期一" */
static char *
format_date (const char *iso)
{
  static const char *const weekdays[] = { "", "一", "二", "三", "四", "五", "六", "日" };
  int y, m, d;
  if (sscanf (iso, "%d-%d-%d", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return g_strdup (iso);
  GDate *date = g_date_new_dmy (d, m, y);
  char *text = g_strdup_printf ("%d年%d月%d日 星期%s", y, m, d,
                                weekdays[g_date_get_weekday (date)]);
  g_date_free (date);
  return text;
}

/* "责任编辑：张三　校对：王五", or NULL when the page names nobody. */
static char *
format_credits (const pb_page_t *plan)
{
  if (!plan->credits || plan->credits->len == 0)
    return NULL;
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < plan->credits->len; i++)
    {
      const pb_credit_t *c = plan->credits->pdata[i];
      g_string_append_printf (s, "%s%s：%s", i ? "　" : "", c->key, c->value);
    }
  return g_string_free (s, FALSE);
}

static gboolean
set_text (pb_ctx_t *ctx, const char *text, const pb_style_t *style, pb_align_t align, double x,
          double baseline, double width, pb_role_t role, GError **error)
{
  pb_style_t s = *style;
  s.align = align;
  pb_loc_t loc = { ctx->issue->path, 0, 0 };
  pb_para_t *p = shape (ctx, text, NULL, 0, &s, loc, error);
  if (!p)
    return FALSE;
  set_display (ctx, p, &s, x, baseline, width, role, NULL);
  pb_para_free (p);
  return TRUE;
}

/* The folio of an inside page: page and section on the left, the credits in the middle, paper
 * and date on the right, a rule under them. */
static gboolean
place_folio (pb_ctx_t *ctx, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  const pb_style_t *s = &t->styles[PB_ROLE_FOLIO];
  if (s->lines <= 0)
    return TRUE;
  const pb_page_t *plan = ctx->page->plan;
  double left = pb_column_x (t, 0), width = column_block_width (t);
  double base = pb_grid_baseline (t, ctx->page->grid_top, 0);
  g_autofree char *page = g_strdup_printf ("第%02d版　%s", plan->number,
                                           plan->section ? plan->section : "");
  g_autofree char *date = format_date (ctx->issue->date);
  g_autofree char *right = g_strdup_printf ("%s　%s", ctx->issue->paper, date);
  g_autofree char *credits = format_credits (plan);
  if (!set_text (ctx, page, s, PB_ALIGN_LEFT, left, base, width / 3, PB_ROLE_FOLIO, error)
      || (credits && !set_text (ctx, credits, s, PB_ALIGN_CENTER, left + width / 3, base,
                                width / 3, PB_ROLE_FOLIO, error))
      || !set_text (ctx, right, s, PB_ALIGN_RIGHT, left + 2 * width / 3, base, width / 3,
                    PB_ROLE_FOLIO, error))
    return FALSE;
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  double y = ctx->page->grid_top + s->lines * t->leading - t->leading / 2;
  *rule = (pb_rule_t) { left, y, left + width, y, 0.75 };
  g_ptr_array_add (ctx->page->rules, rule);
  return TRUE;
}

static gboolean
place_masthead (pb_ctx_t *ctx, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  const pb_issue_t *issue = ctx->issue;
  const pb_style_t *title = &t->styles[PB_ROLE_MASTHEAD_TITLE];
  const pb_style_t *small = &t->styles[PB_ROLE_MASTHEAD_LINE];
  double left = pb_column_x (t, 0), width = column_block_width (t);
  double top = ctx->page->grid_top, height = t->masthead_lines * t->leading;
  pb_loc_t loc = { issue->path, 0, 0 };

  pb_para_t *name = shape (ctx, issue->paper, NULL, 0, title, loc, error);
  if (!name)
    return FALSE;
  double title_base = top + (height - t->leading - title->size) / 2 + PB_EM_ASCENT * title->size;
  set_display (ctx, name, title, left, title_base, width * 0.6, PB_ROLE_MASTHEAD_TITLE, NULL);
  pb_para_free (name);

  /* The right-hand block: date, then the issue's own lines, set flush right. */
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (texts, format_date (issue->date));
  for (guint i = 0; issue->masthead_lines && i < issue->masthead_lines->len; i++)
    g_ptr_array_add (texts, g_strdup (issue->masthead_lines->pdata[i]));
  char *credits = format_credits (ctx->page->plan);
  if (credits)
    g_ptr_array_add (texts, credits);
  if (issue->paper_en)
    g_ptr_array_add (texts, g_strdup (issue->paper_en));
  double step = small->leading > 0 ? small->leading : 1.5 * small->size;
  double base = top + (height - t->leading - step * texts->len) / 2 + step / 2
                + (PB_EM_ASCENT - 0.5) * small->size;
  pb_style_t right = *small;
  right.align = PB_ALIGN_RIGHT;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < texts->len; i++, base += step)
    {
      pb_para_t *p = shape (ctx, texts->pdata[i], NULL, 0, &right, loc, error);
      if (!(ok = p != NULL))
        break;
      set_display (ctx, p, &right, left + width * 0.6, base, width * 0.4, PB_ROLE_MASTHEAD_LINE,
                   NULL);
      pb_para_free (p);
    }
  g_ptr_array_free (texts, TRUE);

  /* A heavy rule over a hairline closes the masthead, in the last grid line. */
  double rule_y = top + height - t->leading / 2;
  pb_rule_t *thick = g_new (pb_rule_t, 1);
  *thick = (pb_rule_t) { left, rule_y - 1.5, left + width, rule_y - 1.5, 2.0 };
  pb_rule_t *thin = g_new (pb_rule_t, 1);
  *thin = (pb_rule_t) { left, rule_y + 1.0, left + width, rule_y + 1.0, 0.5 };
  g_ptr_array_add (ctx->page->rules, thick);
  g_ptr_array_add (ctx->page->rules, thin);
  return ok;
}

/* ---- headline block ---- */

/* Sets kicker, headline and subtitle across the item (only measures them when `dry`); returns
 * the grid lines they take, including one blank line under them. */
static int
place_heading (pb_ctx_t *ctx, const pb_story_t *story, const pb_item_t *item, double x,
               double width, gboolean dry, gboolean *ok, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  struct { const char *text; pb_role_t role; } parts[] = {
    { story->kicker, PB_ROLE_KICKER },
    { story->headline, PB_ROLE_HEADLINE },
    { story->subtitle, PB_ROLE_SUBTITLE },
  };
  pb_para_t *paras[3] = { NULL };
  int lines = 0;
  const pb_style_t *styles[3] = { &t->styles[PB_ROLE_KICKER], &t->styles[PB_ROLE_HEADLINE],
                                  &t->styles[PB_ROLE_SUBTITLE] };
  pb_style_t headline = t->styles[PB_ROLE_HEADLINE];
  if (item->headline_size > 0)
    {
      /* The page plan sets this story's headline size (主题字号); leading follows it. */
      headline.leading *= item->headline_size / headline.size;
      headline.size = item->headline_size;
      styles[1] = &headline;
    }
  double height = 0;
  for (int i = 0; i < 3; i++)
    {
      if (!parts[i].text || !*parts[i].text)
        continue;
      const pb_style_t *s = styles[i];
      paras[i] = shape (ctx, parts[i].text, NULL, 0, s, story->loc, error);
      if (!paras[i])
        {
          *ok = FALSE;
          goto out;
        }
      pb_measure_t m = { width, 0, s->align, s->size, 0 };
      int n = pb_para_break (paras[i], &m);
      double leading = s->leading > 0 ? s->leading : 1.25 * s->size;
      if (height > 0)
        height += 0.35 * s->size;
      height += (n - 1) * leading + s->size;
    }
  lines = lines_for (ctx, height) + 1;
  /* Centre the block in its lines, leaving the blank line below. */
  double y = cell_top (ctx, item->top) + ((lines - 1) * t->leading - height) / 2;
  gboolean first = TRUE;
  for (int i = 0; i < 3 && !dry; i++)
    {
      if (!paras[i])
        continue;
      const pb_style_t *s = styles[i];
      if (!first)
        y += 0.35 * s->size;
      first = FALSE;
      double last = set_display (ctx, paras[i], s, x, y + PB_EM_ASCENT * s->size, width,
                                 parts[i].role, story->id);
      y = last + PB_EM_DESCENT * s->size;
    }
  *ok = TRUE;
out:
  for (int i = 0; i < 3; i++)
    pb_para_free (paras[i]);
  return lines;
}

/* ---- photo and caption ---- */

/* Places the photo at grid line `top` over `span` columns from `column`, with its caption;
 * returns the grid lines taken, including a blank line under the caption. */
static int
place_photo (pb_ctx_t *ctx, const pb_story_t *story, const pb_photo_t *photo, int column,
             int span, int top, int fixed_lines, gboolean *ok, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  *ok = FALSE;
  GError *local = NULL;
  /* A photo used on several pages is read and decoded once. */
  cairo_surface_t *surface = g_hash_table_lookup (ctx->images, photo->file);
  if (surface)
    cairo_surface_reference (surface);
  else if ((surface = pb_image_load (photo->file, &local)))
    g_hash_table_insert (ctx->images, photo->file, cairo_surface_reference (surface));
  if (!surface)
    {
      pb_set_error_at (error, PB_ERROR_IMAGE, photo->loc, "%s", local->message);
      g_error_free (local);
      return 0;
    }
  double px_w = cairo_image_surface_get_width (surface);
  double px_h = cairo_image_surface_get_height (surface);
  double x = pb_column_x (t, column), w = span_width (t, span);
  int lines = fixed_lines > 0 ? fixed_lines
                              : MAX (3, (int) lround (w * px_h / px_w / t->leading));
  double h = lines * t->leading;

  pb_image_t *image = g_new0 (pb_image_t, 1);
  image->frame = (pb_rect_t) { x, cell_top (ctx, top), w, h };
  image->photo = photo;
  image->surface = surface;
  image->story_id = story->id;
  /* Fill the frame, keeping the aspect: crop the centre of the longer side. */
  double scale = MAX (w / px_w, h / px_h);
  double src_w = w / scale, src_h = h / scale;
  image->src = (pb_rect_t) { (px_w - src_w) / 2, (px_h - src_h) / 2, src_w, src_h };
  g_ptr_array_add (ctx->page->images, image);

  /* Caption: text in the caption style, the credit after it in brackets, on the grid. */
  const pb_style_t *cap = &t->styles[PB_ROLE_CAPTION];
  const pb_style_t *credit = &t->styles[PB_ROLE_CREDIT];
  GString *text = g_string_new (photo->caption ? photo->caption : "");
  pb_style_run_t runs[2] = { { 0, (int) text->len, cap }, { 0, 0, credit } };
  int n_runs = 1;
  if (photo->credit && *photo->credit)
    {
      runs[1].start = text->len;
      g_string_append_printf (text, "（%s）", photo->credit);
      runs[1].end = text->len;
      n_runs = 2;
    }
  int caption_lines = 0;
  if (text->len > 0)
    {
      pb_para_t *para = shape (ctx, text->str, runs[0].end > 0 ? runs : runs + 1,
                               runs[0].end > 0 ? n_runs : 1, cap, photo->loc, error);
      if (!para)
        {
          g_string_free (text, TRUE);
          return 0;
        }
      pb_measure_t m = { w, cap->indent, cap->align, cap->size, t->latin_space };
      caption_lines = pb_para_break (para, &m);
      for (int i = 0; i < caption_lines; i++)
        {
          double base = body_baseline (ctx, top + lines + i);
          pb_line_t *line = emit (ctx, para, i, x, base, w, PB_ROLE_CAPTION, story->id);
          line->column = span == 1 ? column : -1;
        }
      pb_para_free (para);
    }
  g_string_free (text, TRUE);
  *ok = TRUE;
  return lines + caption_lines + 1;
}

/* ---- body flow ---- */

static pb_measure_t
body_measure (const pb_template_t *t)
{
  return (pb_measure_t) { t->column_width, t->styles[PB_ROLE_BODY].indent, PB_ALIGN_JUSTIFY,
                          t->body_size, t->latin_space };
}

typedef struct {
  pb_ctx_t *ctx;
  const pb_story_t *story;
  pb_chain_t *chain;
  pb_region_t *regions;
  int n_regions;
  int region;               /* current frame */
  int line;                 /* next free grid line in it */
  int overset_chars;
  /* The paragraph set last, kept so that the next one can ask it for a line more or less. */
  pb_para_t *prev;
  int prev_block, prev_region, prev_line;
  guint prev_first;         /* index of its first line in the page's lines */
} pb_flow_t;

/* Makes the current frame's page the one lines go to. */
static void
flow_enter (pb_flow_t *f)
{
  pb_part_t *part = f->chain->parts->pdata[f->regions[f->region].part];
  f->ctx->page = part->page;
  f->ctx->tmpl = part->page->tmpl;
  f->ctx->grid_offset = part->grid_offset;
  part->reached = TRUE;
}

static gboolean
flow_next_region (pb_flow_t *f)
{
  if (f->region + 1 >= f->n_regions)
    {
      f->region = f->n_regions;
      return FALSE;
    }
  f->region++;
  f->line = f->regions[f->region].top;
  flow_enter (f);
  return TRUE;
}

static int
flow_room (const pb_flow_t *f)
{
  if (f->region >= f->n_regions)
    return 0;
  return f->regions[f->region].bottom - f->line;
}

static int
count_chars (const char *text)
{
  int n = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      n++;
  return n;
}

/* The style runs of a body paragraph: the dateline run in, then bold and emphasis spans. */
static GArray *
body_runs (pb_ctx_t *ctx, const pb_block_t *block, int dateline_len)
{
  const pb_template_t *t = ctx->tmpl;
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
                            ? derived_style (ctx, body, 700, NULL)
                            : derived_style (ctx, body, body->weight, t->styles[PB_ROLE_CAPTION].font);
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

static void
flow_lines (pb_flow_t *f, pb_para_t *para, int n, int block_index, pb_role_t role)
{
  const pb_template_t *t = f->ctx->tmpl;
  for (int i = 0; i < n; i++)
    {
      if (flow_room (f) <= 0 && !flow_next_region (f))
        {
          /* Count what is left of this paragraph from line i on. */
          pb_line_t tmp = { 0 };
          tmp.runs = g_ptr_array_new_with_free_func ((GDestroyNotify) glyph_run_free);
          for (int k = i; k < n; k++)
            {
              pb_para_emit_line (para, k, 0, 0, &tmp);
              f->overset_chars += count_chars (tmp.text);
              g_ptr_array_set_size (tmp.runs, 0);
            }
          g_ptr_array_free (tmp.runs, TRUE);
          g_free (tmp.text);
          return;
        }
      const pb_region_t *r = &f->regions[f->region];
      pb_line_t *line = emit (f->ctx, para, i, pb_column_x (t, r->column),
                              body_baseline (f->ctx, f->line), t->column_width, role,
                              f->story->id);
      line->block = block_index;
      line->column = r->column;
      f->line++;
    }
}

static void
flow_forget_prev (pb_flow_t *f)
{
  pb_para_free (f->prev);
  f->prev = NULL;
}

static gboolean
flow_subhead (pb_flow_t *f, const pb_block_t *block, int index, GError **error)
{
  const pb_template_t *t = f->ctx->tmpl;
  const pb_style_t *s = &t->styles[PB_ROLE_SUBHEAD];
  flow_forget_prev (f);
  pb_para_t *para = shape (f->ctx, block->text, NULL, 0, s, block->loc, error);
  if (!para)
    return FALSE;
  pb_measure_t m = { t->column_width, s->indent, s->align, s->size, 0 };
  int n = pb_para_break (para, &m);
  double leading = s->leading > 0 ? s->leading : 1.25 * s->size;
  double height = (n - 1) * leading + s->size;
  int lines = MAX (s->lines, lines_for (f->ctx, height + t->leading - t->body_size));
  gboolean at_top = f->region < f->n_regions && f->line == f->regions[f->region].top;
  int before = at_top ? 0 : s->space_before;
  /* Keep the subhead with two lines of its paragraph. */
  if (flow_room (f) < before + lines + 2)
    {
      if (!flow_next_region (f))
        {
          f->overset_chars += count_chars (block->text);
          pb_para_free (para);
          return TRUE;
        }
      before = 0;
    }
  f->line += before;
  const pb_region_t *r = &f->regions[f->region];
  double top = cell_top (f->ctx, f->line) + (lines * t->leading - height) / 2;
  double base = top + PB_EM_ASCENT * s->size;
  for (int i = 0; i < n; i++, base += leading)
    {
      pb_line_t *line = emit (f->ctx, para, i, pb_column_x (t, r->column), base,
                              t->column_width, PB_ROLE_SUBHEAD, f->story->id);
      line->block = index;
      line->column = r->column;
    }
  f->line += lines + s->space_after;
  pb_para_free (para);
  return TRUE;
}

/* Re-sets the previous paragraph with `lines` lines when it sits wholly in the current frame
 * and the result still ends in it. */
static gboolean
reflow_prev (pb_flow_t *f, int lines)
{
  const pb_template_t *t = f->ctx->tmpl;
  if (!f->prev || f->prev_region != f->region || lines < 1)
    return FALSE;
  if (f->prev_line + lines > f->regions[f->region].bottom)
    return FALSE;
  pb_measure_t m = body_measure (t);
  if (!pb_para_break_exact (f->prev, &m, lines, NULL))
    return FALSE;
  g_ptr_array_remove_range (f->ctx->page->lines, f->prev_first,
                            f->ctx->page->lines->len - f->prev_first);
  f->line = f->prev_line;
  flow_lines (f, f->prev, lines, f->prev_block, PB_ROLE_BODY);
  return TRUE;
}

/* Chooses how many lines the paragraph takes so that no column starts with its last line alone
 * (widow) or ends with its first line alone (orphan), where re-breaking can avoid it. */
static int
avoid_lone_lines (pb_flow_t *f, pb_para_t *para, int n, const pb_measure_t *m)
{
  if (flow_room (f) <= 0)
    flow_next_region (f);
  int room = flow_room (f);
  if (n < 2 || room >= n || f->region + 1 >= f->n_regions)
    return n;
  int prev_n = f->prev ? pb_para_n_lines (f->prev) : 0;
  if (room == 1)
    {
      /* Orphan: let the paragraph before take the line, or give one up. */
      if (reflow_prev (f, prev_n + 1))
        return n;
      if (n != 3 && reflow_prev (f, prev_n - 1))
        return n;
      return n;
    }
  if (n - room == 1)
    {
      /* Widow: one line more (two go over) or one line less (all stay), whichever is better. */
      double more = INFINITY, less = INFINITY;
      gboolean can_more = pb_para_break_exact (para, m, n + 1, &more);
      gboolean can_less = n - 1 >= 2 && pb_para_break_exact (para, m, n - 1, &less);
      if (can_less && (!can_more || less <= more))
        return pb_para_break_exact (para, m, n - 1, NULL) ? n - 1 : n;
      if (can_more)
        return pb_para_break_exact (para, m, n + 1, NULL) ? n + 1 : n;
      /* Or push this paragraph down a line by giving the previous one a line more. */
      if (room - 1 >= 2 && reflow_prev (f, prev_n + 1))
        return pb_para_break (para, m);
    }
  return n;
}

/* The text and style runs of a body paragraph, the dateline run in before the first. */
static pb_prep_t *
prep_new (pb_ctx_t *ctx, const pb_block_t *block, const char *dateline)
{
  pb_prep_t *prep = g_new0 (pb_prep_t, 1);
  prep->ctx = ctx;
  int dl = dateline ? strlen (dateline) : 0;
  prep->text = g_strconcat (dateline ? dateline : "", block->text, NULL);
  prep->runs = body_runs (ctx, block, dl);
  prep->loc = block->loc;
  prep->measure = body_measure (ctx->tmpl);
  return prep;
}

static void
prep_run (pb_ctx_t *ctx, pb_prep_t *prep)
{
  prep->para = pb_para_new (ctx->fonts, prep->text, (pb_style_run_t *) prep->runs->data,
                            prep->runs->len, NULL, &prep->error);
  if (prep->para)
    prep->n = pb_para_break (prep->para, &prep->measure);
}

static gboolean
same_measure (const pb_measure_t *a, const pb_measure_t *b)
{
  return a->width == b->width && a->indent == b->indent && a->align == b->align
         && a->em == b->em && a->latin_space == b->latin_space;
}

/* The paragraph, shaped and broken: from the pass ahead of the flow when it was set for this
 * measure, else now. */
static pb_para_t *
take_paragraph (pb_flow_t *f, const pb_block_t *block, int index, const char *dateline,
                int *n, GError **error)
{
  pb_measure_t m = body_measure (f->ctx->tmpl);
  GPtrArray *preps = g_hash_table_lookup (f->ctx->preps, f->story->id);
  pb_prep_t *own = NULL, *prep = preps ? preps->pdata[index] : NULL;
  if (!prep || !same_measure (&prep->measure, &m) || (!prep->para && !prep->error))
    {
      prep = own = prep_new (f->ctx, block, dateline);
      prep_run (f->ctx, prep);
    }
  pb_para_t *para = g_steal_pointer (&prep->para);
  *n = prep->n;
  if (!para)
    pb_set_error_at (error, prep->error->code, prep->loc, "%s", prep->error->message);
  prep_free (own);
  return para;
}

static gboolean
flow_paragraph (pb_flow_t *f, const pb_block_t *block, int index, const char *dateline,
                GError **error)
{
  const pb_template_t *t = f->ctx->tmpl;
  int n = 0;
  pb_para_t *para = take_paragraph (f, block, index, dateline, &n, error);
  if (!para)
    return FALSE;
  pb_measure_t m = body_measure (t);
  n = avoid_lone_lines (f, para, n, &m);
  if (flow_room (f) <= 0)
    flow_next_region (f);
  int region = f->region, line = f->line;
  guint first = f->ctx->page->lines->len;
  flow_lines (f, para, n, index, PB_ROLE_BODY);
  flow_forget_prev (f);
  f->prev = para;
  f->prev_block = index;
  f->prev_region = region;
  f->prev_line = line;
  f->prev_first = first;
  return TRUE;
}

static gboolean
flow_story (pb_flow_t *f, GError **error)
{
  const pb_story_t *story = f->story;
  gboolean first_para = TRUE;
  for (guint i = 0; i < story->blocks->len; i++)
    {
      const pb_block_t *block = story->blocks->pdata[i];
      gboolean ok;
      if (block->kind == PB_BLOCK_SUBHEAD)
        ok = flow_subhead (f, block, i, error);
      else
        {
          ok = flow_paragraph (f, block, i, first_para ? story->dateline : NULL, error);
          first_para = FALSE;
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* ---- items ---- */

static void
add_rule_above (pb_ctx_t *ctx, const pb_item_t *item, double x, double width)
{
  if (item->top == 0)
    return;
  /* A hairline parts this story from what stands above it. */
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  double y = cell_top (ctx, item->top);
  *rule = (pb_rule_t) { x, y, x + width, y, 0.5 };
  g_ptr_array_add (ctx->page->rules, rule);
}

static pb_chain_t *
chain_for (pb_ctx_t *ctx, const pb_story_t *story)
{
  pb_chain_t *chain = g_hash_table_lookup (ctx->chains, story->id);
  if (!chain)
    {
      chain = g_new0 (pb_chain_t, 1);
      chain->story = story;
      chain->parts = g_ptr_array_new_with_free_func (g_free);
      chain->regions = g_array_new (FALSE, FALSE, sizeof (pb_region_t));
      g_hash_table_insert (ctx->chains, story->id, chain);
      g_ptr_array_add (ctx->chain_order, chain);
    }
  return chain;
}

static void
chain_free (pb_chain_t *chain)
{
  g_ptr_array_free (chain->parts, TRUE);
  g_array_free (chain->regions, TRUE);
  g_free (chain);
}

/* Places what a story item shows by itself (headlines and photo on the story's first item) and
 * adds the item's column frames to the story's chain; the body flows once all pages are made. */
static gboolean
place_story (pb_ctx_t *ctx, const pb_item_t *item, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  const pb_story_t *story = g_hash_table_lookup (ctx->issue->story_by_id, item->story_id);
  pb_chain_t *chain = chain_for (ctx, story);
  gboolean first_part = chain->parts->len == 0;
  double x = pb_column_x (t, item->column), width = span_width (t, item->span);
  if (!first_part)
    {
      const pb_part_t *head = chain->parts->pdata[0];
      if (fabs (head->page->tmpl->column_width - t->column_width) > 0.01)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, item->loc,
                           "story \"%s\" continues on page %d in columns of another width "
                           "than on page %d", story->id, ctx->page->number, head->page->number);
          return FALSE;
        }
    }
  add_rule_above (ctx, item, x, width);
  gboolean ok = TRUE;
  int heading = first_part ? place_heading (ctx, story, item, x, width, FALSE, &ok, error) : 0;
  if (!ok)
    return FALSE;

  int body_top = item->top + heading, bottom = item->top + item->height;
  int photo_first = -1, photo_span = 0, photo_lines = 0;
  if (first_part && story->photos->len > 0)
    {
      photo_span = item->photo_span > 0 ? MIN (item->photo_span, item->span) : item->span;
      photo_first = item->photo_right ? item->column + item->span - photo_span : item->column;
      photo_lines = place_photo (ctx, story, story->photos->pdata[0], photo_first, photo_span,
                                 body_top, item->photo_lines, &ok, error);
      if (!ok)
        return FALSE;
    }

  pb_part_t *part = g_new0 (pb_part_t, 1);
  *part = (pb_part_t) { ctx->page, ctx->grid_offset, item, g_new0 (pb_placed_item_t, 1), -1, -1,
                        -1, FALSE };
  part->placed->kind = PB_ITEM_STORY;
  part->placed->story_id = story->id;
  part->placed->area = (pb_rect_t) { x, cell_top (ctx, item->top), width,
                                     item->height * t->leading };
  g_ptr_array_add (ctx->page->items, part->placed);
  g_ptr_array_add (chain->parts, part);
  for (int c = item->column; c < item->column + item->span; c++)
    {
      gboolean under_photo = photo_first >= 0 && c >= photo_first && c < photo_first + photo_span;
      pb_region_t r = { c, body_top + (under_photo ? photo_lines : 0), bottom,
                        (int) chain->parts->len - 1 };
      if (r.top < r.bottom)
        g_array_append_val (chain->regions, r);
    }
  return TRUE;
}

/* ---- shaping ahead of the flow ---- */

static void
prep_one (int i, gpointer data)
{
  GPtrArray *preps = data;
  pb_prep_t *prep = preps->pdata[i];
  prep_run (prep->ctx, prep);
}

/* Shapes and breaks every body paragraph of every story placed on these pages, on all
 * processors, before anything is placed: that is most of the layout's work, and a paragraph's
 * lines do not depend on where it lands (placement and the flow use these results; only the
 * few paragraphs moved for widow control are broken again). The results do not depend on the
 * number of threads. Each story is set for the template of the first page it is on. */
static void
prepare_stories (pb_ctx_t *ctx)
{
  GPtrArray *all = g_ptr_array_new ();
  for (guint i = 0; i < ctx->issue->pages->len; i++)
    {
      const pb_page_t *plan = ctx->issue->pages->pdata[i];
      for (guint k = 0; !plan->elsewhere && k < plan->items->len; k++)
        {
          const pb_item_t *item = plan->items->pdata[k];
          if (item->kind != PB_ITEM_STORY || g_hash_table_contains (ctx->preps, item->story_id))
            continue;
          const pb_story_t *story = g_hash_table_lookup (ctx->issue->story_by_id, item->story_id);
          ctx->tmpl = plan->tmpl;
          GPtrArray *preps = g_ptr_array_new_with_free_func ((GDestroyNotify) prep_free);
          gboolean first = TRUE;
          for (guint b = 0; b < story->blocks->len; b++)
            {
              const pb_block_t *block = story->blocks->pdata[b];
              pb_prep_t *prep = NULL;
              if (block->kind == PB_BLOCK_PARA)
                {
                  prep = prep_new (ctx, block, first ? story->dateline : NULL);
                  g_ptr_array_add (all, prep);
                  first = FALSE;
                }
              g_ptr_array_add (preps, prep);
            }
          g_hash_table_insert (ctx->preps, story->id, preps);
        }
    }
  pb_parallel_for (all->len, 16, prep_one, all);
  g_ptr_array_free (all, TRUE);
}

/* Where a story leaves one page for another, the last line of the part it leaves takes
 * 下转第X版 and the first line of the part it enters takes 上接第X版. */
static void
reserve_jump_lines (pb_chain_t *chain)
{
  pb_region_t *regions = (pb_region_t *) chain->regions->data;
  for (guint i = 0; i + 1 < chain->regions->len; i++)
    {
      pb_region_t *from = &regions[i], *to = &regions[i + 1];
      pb_part_t *a = chain->parts->pdata[from->part], *b = chain->parts->pdata[to->part];
      if (from->part == to->part || a->page == b->page)
        continue;
      a->jump_out_column = from->column;
      a->jump_out_line = --from->bottom;
      b->jump_in_line = to->top++;
    }
}

static void
place_jump_line (pb_ctx_t *ctx, const pb_story_t *story, pb_part_t *part, int column, int line,
                 const char *fmt, int number, pb_align_t align)
{
  ctx->page = part->page;
  ctx->tmpl = part->page->tmpl;
  ctx->grid_offset = part->grid_offset;
  const pb_template_t *t = ctx->tmpl;
  pb_style_t style = t->styles[PB_ROLE_JUMP];
  style.align = align;
  g_autofree char *text = g_strdup_printf (fmt, number);
  pb_para_t *para = shape (ctx, text, NULL, 0, &style, story->loc, NULL);
  if (!para)
    return;
  pb_measure_t m = { t->column_width, 0, align, style.size, 0 };
  pb_para_break (para, &m);
  pb_line_t *l = emit (ctx, para, 0, pb_column_x (t, column), body_baseline (ctx, line),
                       t->column_width, PB_ROLE_JUMP, story->id);
  l->column = column;
  l->link_page = number;
  pb_para_free (para);
}

static void
finish_chain (pb_ctx_t *ctx, pb_chain_t *chain, int overset)
{
  const pb_story_t *story = chain->story;
  for (guint k = 1; k < chain->parts->len; k++)
    {
      pb_part_t *a = chain->parts->pdata[k - 1], *b = chain->parts->pdata[k];
      if (!b->reached)
        {
          g_ptr_array_add (ctx->warnings,
                           g_strdup_printf ("%s:%d:%d: story \"%s\" does not reach its "
                                            "continuation on page %d", b->item->loc.file,
                                            b->item->loc.line, b->item->loc.col, story->id,
                                            b->page->number));
          continue;
        }
      if (a->jump_out_line >= 0)
        place_jump_line (ctx, story, a, a->jump_out_column, a->jump_out_line, "（下转第%d版）",
                         b->page->number, PB_ALIGN_RIGHT);
      if (b->jump_in_line >= 0)
        {
          const pb_region_t *first = NULL;
          for (guint i = 0; i < chain->regions->len && !first; i++)
            if (g_array_index (chain->regions, pb_region_t, i).part == (int) k)
              first = &g_array_index (chain->regions, pb_region_t, i);
          place_jump_line (ctx, story, b, first->column, b->jump_in_line, "（上接第%d版）",
                           a->page->number, PB_ALIGN_LEFT);
        }
    }
  pb_part_t *last = chain->parts->pdata[chain->parts->len - 1];
  last->placed->overset_chars = overset;
  if (overset > 0)
    g_ptr_array_add (ctx->warnings,
                     g_strdup_printf ("%s:%d:%d: story \"%s\" is overset by %d characters on "
                                      "page %d", last->item->loc.file, last->item->loc.line,
                                      last->item->loc.col, story->id, overset,
                                      last->page->number));
}

/* Grid lines the story's body takes, from the paragraphs set ahead (an estimate: widow
 * control may move a line or two). */
static int
story_lines (pb_ctx_t *ctx, const pb_story_t *story, const pb_template_t *t)
{
  GPtrArray *preps = g_hash_table_lookup (ctx->preps, story->id);
  const pb_style_t *sub = &t->styles[PB_ROLE_SUBHEAD];
  int lines = 0;
  for (guint b = 0; b < story->blocks->len; b++)
    {
      const pb_prep_t *prep = preps ? preps->pdata[b] : NULL;
      if (((pb_block_t *) story->blocks->pdata[b])->kind == PB_BLOCK_SUBHEAD)
        lines += MAX (sub->lines, 2) + sub->space_before + sub->space_after;
      else if (!prep || !prep->para)
        return -1;
      else
        lines += prep->n;
    }
  return lines;
}

/* Shortens the frames of the story's last item so that its columns end together (a balanced
 * block of text, as page makeup does by hand) when its text leaves room there. Returns whether
 * it changed anything. */
static gboolean
balance_last_part (pb_ctx_t *ctx, pb_chain_t *chain)
{
  pb_part_t *head = chain->parts->pdata[0];
  int total = story_lines (ctx, chain->story, head->page->tmpl);
  if (total < 0)
    return FALSE;
  int last = chain->parts->len - 1, first_region = -1, before = 0, capacity = 0;
  pb_region_t *r = (pb_region_t *) chain->regions->data;
  for (guint i = 0; i < chain->regions->len; i++)
    {
      int h = MAX (0, r[i].bottom - r[i].top);
      if (r[i].part != last)
        before += h;
      else
        {
          capacity += h;
          if (first_region < 0)
            first_region = i;
        }
    }
  int n = chain->regions->len - first_region, rest = total - before;
  /* A line of slack per column for widow control. */
  if (first_region < 0 || n < 2 || rest <= 0 || rest + n > capacity)
    return FALSE;
  int lowest = r[first_region].top;
  for (int i = first_region; i < (int) chain->regions->len; i++)
    lowest = MIN (lowest, r[i].top);
  for (int bottom = lowest + 1;; bottom++)
    {
      int room = 0;
      for (int i = first_region; i < (int) chain->regions->len; i++)
        room += MAX (0, MIN (r[i].bottom, bottom) - r[i].top);
      if (room >= rest + n)
        {
          for (int i = first_region; i < (int) chain->regions->len; i++)
            r[i].bottom = MIN (r[i].bottom, bottom);
          return TRUE;
        }
    }
}

static gboolean
run_flow (pb_ctx_t *ctx, pb_chain_t *chain, int *overset, GError **error)
{
  pb_flow_t flow = { 0 };
  flow.ctx = ctx;
  flow.story = chain->story;
  flow.chain = chain;
  flow.regions = (pb_region_t *) chain->regions->data;
  flow.n_regions = chain->regions->len;
  if (flow.n_regions > 0)
    {
      flow.line = flow.regions[0].top;
      flow_enter (&flow);
    }
  gboolean ok = flow_story (&flow, error);
  flow_forget_prev (&flow);
  *overset = flow.overset_chars;
  return ok;
}

static gboolean
flow_chain (pb_ctx_t *ctx, pb_chain_t *chain, GError **error)
{
  reserve_jump_lines (chain);
  /* Remember the frames and what the pages held, to flow again unbalanced if the estimate
   * was short. */
  GArray *frames = g_array_copy (chain->regions);
  guint *held = g_new (guint, chain->parts->len);
  for (guint k = 0; k < chain->parts->len; k++)
    held[k] = ((pb_part_t *) chain->parts->pdata[k])->page->lines->len;
  gboolean balanced = balance_last_part (ctx, chain);
  int overset = 0;
  gboolean ok = run_flow (ctx, chain, &overset, error);
  if (ok && balanced && overset > 0)
    {
      for (guint k = 0; k < chain->parts->len; k++)
        {
          pb_part_t *part = chain->parts->pdata[k];
          g_ptr_array_set_size (part->page->lines, held[k]);
          part->reached = FALSE;
        }
      g_array_set_size (chain->regions, 0);
      g_array_append_vals (chain->regions, frames->data, frames->len);
      ok = run_flow (ctx, chain, &overset, error);
    }
  g_array_free (frames, TRUE);
  g_free (held);
  if (ok)
    finish_chain (ctx, chain, overset);
  return ok;
}

static gboolean
place_guide (pb_ctx_t *ctx, const pb_item_t *item, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  const pb_style_t *title_s = &t->styles[PB_ROLE_GUIDE_TITLE];
  const pb_style_t *entry_s = &t->styles[PB_ROLE_GUIDE_ENTRY];
  const pb_style_t *page_s = &t->styles[PB_ROLE_GUIDE_PAGE];
  double x = pb_column_x (t, item->column), width = span_width (t, item->span);
  double pad = 0.5 * t->body_size, inner = width - 2 * pad;
  int line = item->top;

  /* The box: a frame around the item, a rule under the title. */
  pb_rect_t *box = g_new (pb_rect_t, 1);
  *box = (pb_rect_t) { x, cell_top (ctx, item->top), width, item->height * t->leading };
  g_ptr_array_add (ctx->page->boxes, box);

  const char *title = item->guide_title ? item->guide_title : "导读";
  pb_para_t *p = shape (ctx, title, NULL, 0, title_s, item->loc, error);
  if (!p)
    return FALSE;
  double base = cell_top (ctx, line) + (2 * t->leading - title_s->size) / 2
                + PB_EM_ASCENT * title_s->size;
  set_display (ctx, p, title_s, x + pad, base, inner, PB_ROLE_GUIDE_TITLE, NULL);
  pb_para_free (p);
  line += 2;
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  double ry = cell_top (ctx, line) - 0.5;
  *rule = (pb_rule_t) { x + pad, ry, x + width - pad, ry, 0.5 };
  g_ptr_array_add (ctx->page->rules, rule);

  for (guint i = 0; i < item->guide_entries->len; i++)
    {
      const pb_guide_entry_t *e = item->guide_entries->pdata[i];
      gpointer number = g_hash_table_lookup (ctx->story_pages, e->story_id);
      if (!number)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, e->loc,
                           "guide entry: story \"%s\" is not placed on any page", e->story_id);
          return FALSE;
        }
      g_auto (GStrv) parts = g_strsplit (e->title, "\n", -1);
      for (int k = 0; parts[k]; k++)
        {
          if (!*parts[k])
            continue;
          pb_para_t *tp = shape (ctx, parts[k], NULL, 0, entry_s, e->loc, error);
          if (!tp)
            return FALSE;
          pb_measure_t m = { inner, 0, PB_ALIGN_LEFT, entry_s->size, 0 };
          int n = pb_para_break (tp, &m);
          for (int j = 0; j < n; j++)
            emit (ctx, tp, j, x + pad, body_baseline (ctx, line++), inner, PB_ROLE_GUIDE_ENTRY,
                  e->story_id)->link_page = GPOINTER_TO_INT (number);
          pb_para_free (tp);
        }
      g_autofree char *leader = g_strdup_printf ("——%02d", GPOINTER_TO_INT (number));
      pb_style_t right = *page_s;
      right.align = PB_ALIGN_RIGHT;
      pb_para_t *lp = shape (ctx, leader, NULL, 0, &right, e->loc, error);
      if (!lp)
        return FALSE;
      pb_measure_t m = { inner, 0, PB_ALIGN_RIGHT, page_s->size, 0 };
      pb_para_break (lp, &m);
      emit (ctx, lp, 0, x + pad, body_baseline (ctx, line++), inner, PB_ROLE_GUIDE_PAGE,
            e->story_id)->link_page = GPOINTER_TO_INT (number);
      pb_para_free (lp);
    }
  if (line > item->top + item->height)
    g_ptr_array_add (ctx->warnings,
                     g_strdup_printf ("%s:%d:%d: guide box needs %d lines, has %d",
                                      item->loc.file, item->loc.line, item->loc.col,
                                      line - item->top, item->height));
  pb_placed_item_t *placed = g_new0 (pb_placed_item_t, 1);
  placed->kind = PB_ITEM_GUIDE;
  placed->area = *box;
  g_ptr_array_add (ctx->page->items, placed);
  return TRUE;
}

/* ---- pages ---- */

static void
image_free (pb_image_t *image)
{
  cairo_surface_destroy (image->surface);
  g_free (image);
}

static pb_page_layout_t *
page_new (const pb_page_t *plan)
{
  const pb_template_t *t = plan->tmpl;
  pb_page_layout_t *page = g_new0 (pb_page_layout_t, 1);
  page->number = plan->number;
  page->plan = plan;
  page->tmpl = t;
  page->width = t->trim_w;
  page->height = t->trim_h;
  page->grid_top = t->margin_top;
  page->type_area = (pb_rect_t) { pb_column_x (t, 0), t->margin_top, column_block_width (t),
                                  page_lines (t) * t->leading };
  page->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  page->images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_free);
  page->rules = g_ptr_array_new_with_free_func (g_free);
  page->boxes = g_ptr_array_new_with_free_func (g_free);
  page->items = g_ptr_array_new_with_free_func (g_free);
  return page;
}

static void
page_free (pb_page_layout_t *page)
{
  g_ptr_array_free (page->lines, TRUE);
  g_ptr_array_free (page->images, TRUE);
  g_ptr_array_free (page->rules, TRUE);
  g_ptr_array_free (page->boxes, TRUE);
  g_ptr_array_free (page->items, TRUE);
  g_free (page);
}

/* ---- automatic placement ---- */

/* Grid lines a story item needs at `span` columns: its headlines, its photo and caption, and its
 * body set at the column width, plus a line of slack per column for widow control. */
static int
story_lines_needed (pb_ctx_t *ctx, const pb_item_t *item, gboolean first_part, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  const pb_story_t *story = g_hash_table_lookup (ctx->issue->story_by_id, item->story_id);
  if (!first_part)
    {
      /* A continuation takes what the story's earlier items cannot hold, under its 上接 line. */
      pb_chain_t *chain = g_hash_table_lookup (ctx->chains, story->id);
      int held = 0, total = story_lines (ctx, story, t);
      for (guint i = 0; i < chain->regions->len; i++)
        {
          const pb_region_t *r = &g_array_index (chain->regions, pb_region_t, i);
          held += MAX (0, r->bottom - r->top - 1);
        }
      if (total >= 0)
        return 2 + (MAX (0, total - held) + item->span - 1) / item->span + 1;
    }
  gboolean ok = TRUE;
  int heading = first_part ? place_heading (ctx, story, item, 0, span_width (t, item->span), TRUE,
                                            &ok, error)
                           : 1;
  if (!ok)
    return -1;
  int body = 0;
  pb_measure_t m = body_measure (t);
  for (guint i = 0; i < story->blocks->len; i++)
    {
      const pb_block_t *block = story->blocks->pdata[i];
      if (block->kind == PB_BLOCK_SUBHEAD)
        {
          body += MAX (2, t->styles[PB_ROLE_SUBHEAD].lines);
          continue;
        }
      GPtrArray *preps = g_hash_table_lookup (ctx->preps, story->id);
      const pb_prep_t *prep = preps ? preps->pdata[i] : NULL;
      if (prep && prep->para && same_measure (&prep->measure, &m))
        {
          body += prep->n;
          continue;
        }
      pb_para_t *para = shape (ctx, block->text, NULL, 0, &t->styles[PB_ROLE_BODY], block->loc,
                               error);
      if (!para)
        return -1;
      body += pb_para_break (para, &m);
      pb_para_free (para);
    }
  int photo = 0, photo_span = 0;
  if (first_part && story->photos->len > 0)
    {
      photo_span = item->photo_span > 0 ? MIN (item->photo_span, item->span) : item->span;
      /* Without a set height, assume the 3:2 of most news photos, plus two caption lines. */
      photo = (item->photo_lines > 0 ? item->photo_lines
                                     : (int) ceil (span_width (t, photo_span) * 2 / 3 / t->leading))
              + 3;
    }
  int per_column = (body + photo_span * photo + item->span - 1) / item->span;
  return heading + per_column + 1;
}

static int
guide_lines_needed (const pb_item_t *item)
{
  int lines = 2;
  for (guint i = 0; i < item->guide_entries->len; i++)
    {
      const pb_guide_entry_t *e = item->guide_entries->pdata[i];
      int parts = 1;
      for (const char *p = e->title; *p; p++)
        parts += *p == '\n';
      lines += parts + 1;
    }
  return lines + 1;
}

static gboolean
area_free (GPtrArray *placed, int column, int span, int top, int height)
{
  for (guint i = 0; i < placed->len; i++)
    {
      const pb_item_t *q = placed->pdata[i];
      if (column < q->column + q->span && q->column < column + span && top < q->top + q->height
          && q->top < top + height)
        return FALSE;
    }
  return TRUE;
}

/* Places items given without coordinates: each at the highest, then leftmost, free rectangle of
 * its span, as tall as its text needs (or what is left of the page). Returns the page's items
 * with every position set; the copies of auto-placed items go to `owned`. */
static GPtrArray *
resolve_items (pb_ctx_t *ctx, const pb_page_t *plan, GPtrArray *owned, GError **error)
{
  const pb_template_t *t = plan->tmpl;
  int avail = t->lines - pb_page_head_lines (plan);
  GPtrArray *items = g_ptr_array_new ();
  for (guint i = 0; i < plan->items->len; i++)
    {
      const pb_item_t *item = plan->items->pdata[i];
      if (!item->auto_place)
        g_ptr_array_add (items, (gpointer) item);
    }
  for (guint i = 0; i < plan->items->len; i++)
    {
      const pb_item_t *item = plan->items->pdata[i];
      if (!item->auto_place)
        continue;
      pb_item_t *copy = g_memdup2 (item, sizeof *item);
      g_ptr_array_add (owned, copy);
      int need = item->height;
      if (need <= 0)
        need = item->kind == PB_ITEM_GUIDE
               ? guide_lines_needed (item)
               : story_lines_needed (ctx, item, !g_hash_table_contains (ctx->chains,
                                                                      item->story_id), error);
      if (need < 0)
        {
          g_ptr_array_free (items, TRUE);
          return NULL;
        }
      gboolean found = FALSE;
      for (int top = 0; top < avail && !found; top++)
        for (int col = 0; col + item->span <= t->columns && !found; col++)
          {
            /* Take what is left of the page when the text needs more. */
            int height = MIN (need, avail - top);
            if (height >= 3 && area_free (items, col, item->span, top, height))
              {
                copy->column = col;
                copy->top = top;
                copy->height = height;
                found = TRUE;
              }
          }
      if (!found)
        {
          pb_set_error_at (error, PB_ERROR_LAYOUT, item->loc,
                           "page %d has no free area of %d columns for this item", plan->number,
                           item->span);
          g_ptr_array_free (items, TRUE);
          return NULL;
        }
      g_ptr_array_add (items, copy);
    }
  return items;
}

static gboolean
layout_page (pb_ctx_t *ctx, const pb_page_t *plan, GError **error)
{
  ctx->tmpl = plan->tmpl;
  ctx->page = page_new (plan);
  ctx->grid_offset = pb_page_head_lines (plan);
  gboolean ok = plan->masthead ? place_masthead (ctx, error) : place_folio (ctx, error);
  GPtrArray *items = ok ? resolve_items (ctx, plan, ctx->owned_items, error) : NULL;
  ok = items != NULL;
  for (guint i = 0; ok && i < items->len; i++)
    {
      const pb_item_t *item = items->pdata[i];
      ok = item->kind == PB_ITEM_STORY ? place_story (ctx, item, error)
                                       : place_guide (ctx, item, error);
    }
  if (items)
    g_ptr_array_free (items, TRUE);
  if (!ok)
    {
      page_free (ctx->page);
      ctx->page = NULL;
    }
  return ok;
}

/* Where each story starts: the first page (in plan order) that carries it. */
static GHashTable *
story_pages (const pb_issue_t *issue)
{
  GHashTable *map = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < issue->pages->len; i++)
    {
      const pb_page_t *p = issue->pages->pdata[i];
      for (guint k = 0; p->items && k < p->items->len; k++)
        {
          const pb_item_t *item = p->items->pdata[k];
          if (item->kind == PB_ITEM_STORY && !g_hash_table_contains (map, item->story_id))
            g_hash_table_insert (map, item->story_id, GINT_TO_POINTER (p->number));
        }
      for (guint k = 0; p->story_ids && k < p->story_ids->len; k++)
        if (!g_hash_table_contains (map, p->story_ids->pdata[k]))
          g_hash_table_insert (map, p->story_ids->pdata[k], GINT_TO_POINTER (p->number));
    }
  return map;
}

static gboolean
check_fonts (const pb_issue_t *issue, pb_fonts_t *fonts, GError **error)
{
  for (guint i = 0; i < issue->templates->len; i++)
    {
      const pb_template_t *t = issue->templates->pdata[i];
      for (int r = 0; r < PB_ROLE_COUNT; r++)
        if (!pb_fonts_check_style (fonts, &t->styles[r], pb_role_names[r], t, error))
          return FALSE;
    }
  return TRUE;
}

pb_layout_t *
pb_layout_issue (const pb_issue_t *issue, pb_fonts_t *fonts, GError **error)
{
  if (!check_fonts (issue, fonts, error))
    return NULL;
  pb_layout_t *layout = g_new0 (pb_layout_t, 1);
  layout->fonts = pb_fonts_ref (fonts);
  layout->issue = issue;
  layout->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);
  layout->warnings = g_ptr_array_new_with_free_func (g_free);
  pb_ctx_t ctx = { issue, fonts, NULL, NULL, 0, g_ptr_array_new_with_free_func (g_free),
                   story_pages (issue), layout->warnings,
                   g_hash_table_new (g_str_hash, g_str_equal),
                   g_ptr_array_new_with_free_func ((GDestroyNotify) chain_free),
                   g_ptr_array_new_with_free_func (g_free),
                   g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) cairo_surface_destroy),
                   g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) g_ptr_array_unref) };
  gboolean ok = TRUE;
  prepare_stories (&ctx);
  /* First what each page shows by itself, then the stories flow through their frames, which
   * may run over several pages. */
  for (guint i = 0; ok && i < issue->pages->len; i++)
    {
      const pb_page_t *plan = issue->pages->pdata[i];
      if (plan->elsewhere)
        continue;
      ok = layout_page (&ctx, plan, error);
      if (ok)
        g_ptr_array_add (layout->pages, ctx.page);
    }
  for (guint i = 0; ok && i < ctx.chain_order->len; i++)
    ok = flow_chain (&ctx, ctx.chain_order->pdata[i], error);
  g_ptr_array_free (ctx.styles, TRUE);
  g_hash_table_destroy (ctx.story_pages);
  g_hash_table_destroy (ctx.chains);
  g_ptr_array_free (ctx.chain_order, TRUE);
  g_ptr_array_free (ctx.owned_items, TRUE);
  g_hash_table_destroy (ctx.images);
  g_hash_table_destroy (ctx.preps);
  if (!ok)
    {
      pb_layout_free (layout);
      return NULL;
    }
  return layout;
}

void
pb_layout_free (pb_layout_t *layout)
{
  if (!layout)
    return;
  g_ptr_array_free (layout->pages, TRUE);
  g_ptr_array_free (layout->warnings, TRUE);
  pb_fonts_unref (layout->fonts);
  g_free (layout);
}
