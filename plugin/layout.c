/* Page makeup: places mastheads, folios, headlines, photos, captions and guide boxes on the
 * page grid, places items given without coordinates, and registers each story item's column
 * frames for the body flow (flow.c). */
#include "layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "clreq.h"
#include "compose.h"
#include "fonts.h"
#include "image.h"
#include "layout-private.h"

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

double
pb_cell_top (const pb_ctx_t *ctx, int line)
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

double
pb_body_baseline (const pb_ctx_t *ctx, int line)
{
  return pb_grid_baseline (ctx->tmpl, ctx->page->grid_top, ctx->grid_offset + line);
}

static int
page_lines (const pb_template_t *t)
{
  return (int) floor ((t->trim_h - t->margin_top - t->margin_bottom) / t->leading + 1e-6);
}

/* ---- lines ---- */


pb_line_t *
pb_line_new (void)
{
  pb_line_t *line = g_new0 (pb_line_t, 1);
  line->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_glyph_run_free);
  line->block = -1;
  line->column = -1;
  return line;
}

void
pb_glyph_run_free (pb_glyph_run_t *run)
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

const pb_style_t *
pb_derived_style (pb_ctx_t *ctx, const pb_style_t *base, int weight, const char *font)
{
  pb_style_t *s = g_memdup2 (base, sizeof *base);
  s->weight = weight;
  if (font)
    s->font = (char *) font; /* borrowed from the template */
  g_ptr_array_add (ctx->styles, s);
  return s;
}

/* Errors name `loc`, or the character's own place in `block` when there is one. */
static pb_para_t *
shape_at (pb_ctx_t *ctx, const char *text, const pb_style_run_t *runs, int n_runs,
          const pb_style_t *style, const pb_block_t *block, pb_loc_t loc, GError **error)
{
  pb_style_run_t whole = { 0, (int) strlen (text), style };
  if (!runs)
    runs = &whole, n_runs = 1;
  int bad = -1;
  GError *local = NULL;
  pb_para_t *para = pb_para_new (ctx->fonts, text, runs, n_runs, &bad, &local);
  if (!para)
    {
      if (block && bad >= 0)
        loc = pb_block_loc_at (block, bad);
      pb_set_error_at (error, local->code, loc, "%s", local->message);
      g_error_free (local);
    }
  return para;
}

/* A paragraph of one style, or with the styles given. Errors name `loc`. */
pb_para_t *
pb_shape_text (pb_ctx_t *ctx, const char *text, const pb_style_run_t *runs, int n_runs,
       const pb_style_t *style, pb_loc_t loc, GError **error)
{
  return shape_at (ctx, text, runs, n_runs, style, NULL, loc, error);
}

pb_para_t *
pb_shape_block (pb_ctx_t *ctx, const pb_block_t *block, const pb_style_t *style, GError **error)
{
  return shape_at (ctx, block->text, NULL, 0, style, block, block->loc, error);
}

pb_line_t *
pb_emit_line (pb_ctx_t *ctx, pb_para_t *para, int index, double x, double baseline, double measure,
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
      pb_emit_line (ctx, para, i, x, y, width, role, story_id);
      y += leading;
    }
  return y - leading;
}

int
pb_lines_for (const pb_ctx_t *ctx, double height)
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
  pb_para_t *p = pb_shape_text (ctx, text, NULL, 0, &s, loc, error);
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

  pb_para_t *name = pb_shape_text (ctx, issue->paper, NULL, 0, title, loc, error);
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
      pb_para_t *p = pb_shape_text (ctx, texts->pdata[i], NULL, 0, &right, loc, error);
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
      paras[i] = pb_shape_text (ctx, parts[i].text, NULL, 0, s, story->loc, error);
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
  lines = pb_lines_for (ctx, height) + 1;
  /* Centre the block in its lines, leaving the blank line below. */
  double y = pb_cell_top (ctx, item->top) + ((lines - 1) * t->leading - height) / 2;
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
  image->frame = (pb_rect_t) { x, pb_cell_top (ctx, top), w, h };
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
      pb_para_t *para = pb_shape_text (ctx, text->str, runs[0].end > 0 ? runs : runs + 1,
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
          double base = pb_body_baseline (ctx, top + lines + i);
          pb_line_t *line = pb_emit_line (ctx, para, i, x, base, w, PB_ROLE_CAPTION, story->id);
          line->column = span == 1 ? column : -1;
        }
      pb_para_free (para);
    }
  g_string_free (text, TRUE);
  *ok = TRUE;
  return lines + caption_lines + 1;
}

/* ---- items ---- */

static void
add_rule_above (pb_ctx_t *ctx, const pb_item_t *item, double x, double width)
{
  if (item->top == 0)
    return;
  /* A hairline parts this story from what stands above it. */
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  double y = pb_cell_top (ctx, item->top);
  *rule = (pb_rule_t) { x, y, x + width, y, 0.5 };
  g_ptr_array_add (ctx->page->rules, rule);
}

/* Overset counts the characters that print, not spaces. */
int
pb_count_chars (const char *text)
{
  int n = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      n++;
  return n;
}

/* Characters on the lines from `from` on. */
static int
lines_chars (GPtrArray *lines, guint from)
{
  int n = 0;
  for (guint i = from; i < lines->len; i++)
    n += pb_count_chars (((pb_line_t *) lines->pdata[i])->text);
  return n;
}

static void
item_warning (pb_ctx_t *ctx, const pb_item_t *item, const pb_story_t *story, const char *what,
              int lines)
{
  g_ptr_array_add (ctx->warnings,
                   g_strdup_printf ("%s:%d:%d: story \"%s\": %s %d grid lines, its item on "
                                    "page %d has %d: left out", item->loc.file,
                                    item->loc.line, item->loc.col, story->id, what, lines,
                                    ctx->page->number, item->height));
}

/* Places what a story item shows by itself (headlines and photo on the story's first item) and
 * adds the item's column frames to the story's chain; the body flows once all pages are made. */
static gboolean
place_story (pb_ctx_t *ctx, const pb_item_t *item, GError **error)
{
  const pb_template_t *t = ctx->tmpl;
  const pb_story_t *story = g_hash_table_lookup (ctx->issue->story_by_id, item->story_id);
  pb_chain_t *chain = pb_chain_for (ctx, story);
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
  int bottom = item->top + item->height, overset = 0;
  guint n_lines = ctx->page->lines->len;
  int heading = first_part ? place_heading (ctx, story, item, x, width, FALSE, &ok, error) : 0;
  if (!ok)
    return FALSE;
  /* Nothing is drawn outside the item: headlines that do not fit are overset (the blank line
   * under them may fall outside). */
  if (item->top + heading - 1 > bottom)
    {
      overset += lines_chars (ctx->page->lines, n_lines);
      g_ptr_array_set_size (ctx->page->lines, n_lines);
      item_warning (ctx, item, story, "its headlines need", heading - 1);
      heading = 0;
    }

  int body_top = item->top + heading;
  int photo_first = -1, photo_span = 0, photo_lines = 0;
  if (first_part && story->photos->len > 0)
    {
      photo_span = item->photo_span > 0 ? MIN (item->photo_span, item->span) : item->span;
      photo_first = item->photo_right ? item->column + item->span - photo_span : item->column;
      guint n_images = ctx->page->images->len;
      n_lines = ctx->page->lines->len;
      photo_lines = place_photo (ctx, story, story->photos->pdata[0], photo_first, photo_span,
                                 body_top, item->photo_lines, &ok, error);
      if (!ok)
        return FALSE;
      if (body_top + photo_lines - 1 > bottom)
        {
          /* The photo is left out; its caption counts as overset text. */
          overset += lines_chars (ctx->page->lines, n_lines);
          g_ptr_array_set_size (ctx->page->lines, n_lines);
          g_ptr_array_set_size (ctx->page->images, n_images);
          item_warning (ctx, item, story, "its photo and caption need",
                        body_top - item->top + photo_lines - 1);
          photo_first = -1, photo_span = 0, photo_lines = 0;
        }
    }

  pb_part_t *part = g_new0 (pb_part_t, 1);
  *part = (pb_part_t) { ctx->page, ctx->grid_offset, item, g_new0 (pb_placed_item_t, 1), -1, -1,
                        -1, FALSE };
  part->placed->kind = PB_ITEM_STORY;
  part->placed->story_id = story->id;
  part->placed->area = (pb_rect_t) { x, pb_cell_top (ctx, item->top), width,
                                     item->height * t->leading };
  part->placed->overset_chars = overset;
  g_ptr_array_add (ctx->page->items, part->placed);
  g_ptr_array_add (chain->parts, part);
  for (int c = item->column; c < item->column + item->span; c++)
    {
      gboolean under_photo = photo_first >= 0 && c >= photo_first && c < photo_first + photo_span;
      pb_region_t r = { c, body_top + (under_photo ? photo_lines : 0), bottom,
                        (int) chain->parts->len - 1, FALSE };
      if (r.top < r.bottom)
        g_array_append_val (chain->regions, r);
    }
  return TRUE;
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
  *box = (pb_rect_t) { x, pb_cell_top (ctx, item->top), width, item->height * t->leading };
  g_ptr_array_add (ctx->page->boxes, box);

  const char *title = item->guide_title ? item->guide_title : "导读";
  pb_para_t *p = pb_shape_text (ctx, title, NULL, 0, title_s, item->loc, error);
  if (!p)
    return FALSE;
  double base = pb_cell_top (ctx, line) + (2 * t->leading - title_s->size) / 2
                + PB_EM_ASCENT * title_s->size;
  set_display (ctx, p, title_s, x + pad, base, inner, PB_ROLE_GUIDE_TITLE, NULL);
  pb_para_free (p);
  line += 2;
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  double ry = pb_cell_top (ctx, line) - 0.5;
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
          pb_para_t *tp = pb_shape_text (ctx, parts[k], NULL, 0, entry_s, e->loc, error);
          if (!tp)
            return FALSE;
          pb_measure_t m = { inner, 0, PB_ALIGN_LEFT, entry_s->size, 0 };
          int n = pb_para_break (tp, &m);
          for (int j = 0; j < n; j++)
            pb_emit_line (ctx, tp, j, x + pad, pb_body_baseline (ctx, line++), inner, PB_ROLE_GUIDE_ENTRY,
                  e->story_id)->link_page = GPOINTER_TO_INT (number);
          pb_para_free (tp);
        }
      g_autofree char *leader = g_strdup_printf ("——%02d", GPOINTER_TO_INT (number));
      pb_style_t right = *page_s;
      right.align = PB_ALIGN_RIGHT;
      pb_para_t *lp = pb_shape_text (ctx, leader, NULL, 0, &right, e->loc, error);
      if (!lp)
        return FALSE;
      pb_measure_t m = { inner, 0, PB_ALIGN_RIGHT, page_s->size, 0 };
      pb_para_break (lp, &m);
      pb_emit_line (ctx, lp, 0, x + pad, pb_body_baseline (ctx, line++), inner, PB_ROLE_GUIDE_PAGE,
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
      int held = 0, total = pb_story_lines (ctx, story, t);
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
  pb_measure_t m = pb_body_measure (t);
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
      if (prep && prep->para && pb_same_measure (&prep->measure, &m))
        {
          body += prep->n;
          continue;
        }
      pb_para_t *para = pb_shape_text (ctx, block->text, NULL, 0, &t->styles[PB_ROLE_BODY], block->loc,
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
                   g_ptr_array_new_with_free_func ((GDestroyNotify) pb_chain_free),
                   g_ptr_array_new_with_free_func (g_free),
                   g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) cairo_surface_destroy),
                   g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) g_ptr_array_unref) };
  gboolean ok = TRUE;
  pb_prepare_stories (&ctx);
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
    ok = pb_flow_chain (&ctx, ctx.chain_order->pdata[i], error);
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
