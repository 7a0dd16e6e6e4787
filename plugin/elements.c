/* The elements a page shows by itself: masthead, folio, headlines, a story's box, guide. */
#include "elements.h"

#include "units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "colors.h"
#include "fonts.h"
#include "heads.h"
#include "image.h"
#include "units.h"
#include "source.h"

/* The masthead: the paper's name takes this share of the type area's width from the left; the
 * date and the issue's lines are set flush right in the rest. */
#define PB_MASTHEAD_TITLE_SHARE 0.6
/* Step between the masthead's small lines when their style gives no leading, × their size. */
#define PB_MASTHEAD_LINE_STEP 1.5
/* The rules under the masthead: a heavy one over a hairline, about the middle of its last
 * grid line (offsets in pt from that middle). */
#define PB_MASTHEAD_RULE_WIDTH 2.0
#define PB_MASTHEAD_RULE_RISE 1.5
#define PB_MASTHEAD_HAIRLINE_WIDTH 0.5
#define PB_MASTHEAD_HAIRLINE_DROP 1.0
/* Luma weights (Rec. 601, × 1000): the darkness of a logo without transparency. */
#define PB_LUMA_R 299
#define PB_LUMA_G 587
#define PB_LUMA_B 114
#define PB_LUMA_SUM 1000
/* The rule under the folio. */
#define PB_FOLIO_RULE_WIDTH 0.75
/* Space between a stacked story's rule and its first headline line, × that line's size. */
#define PB_RULE_CLEARANCE 0.2
/* Space between the kicker, headline and subtitle, × the size of the one below. */
#define PB_HEADING_GAP 0.35
/* fit tries the 主题 sizes of a headline style's range this far apart (pt), from the largest
 * down; a size this close to the smallest counts as it. */
#define PB_FIT_STEP 1.0
#define PB_FIT_SIZE_SLACK 1e-6
/* The guide box: inner margin (× the body size), title lines, the rule under the title. */
#define PB_GUIDE_PAD 0.5
#define PB_GUIDE_TITLE_LINES 2
#define PB_GUIDE_RULE_WIDTH 0.5
#define PB_GUIDE_RULE_RISE 0.5
/* How far (pt) a line's em box may reach past the space it must fit: rounding only. */
#define PB_FIT_SLACK 0.01

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

/* Moves the lines of `scratch` (an array that frees nothing) whose em box ends at `bottom` or
 * above into `into`; frees the others. Returns the characters of the lines left out. */
static int
keep_lines_above (GPtrArray *into, GPtrArray *scratch, double bottom)
{
  int left_out = 0;
  for (guint i = 0; i < scratch->len; i++)
    {
      pb_line_t *line = scratch->pdata[i];
      if (line->baseline + PB_EM_DESCENT * line->size <= bottom + PB_FIT_SLACK)
        g_ptr_array_add (into, line);
      else
        {
          left_out += pb_count_chars (line->text);
          pb_line_free (line);
        }
    }
  g_ptr_array_set_size (scratch, 0);
  return left_out;
}

/* A text of the page's own (masthead, folio) in `style`, aligned `align`, its lines emitted into
 * `into`. */
static gboolean
set_text (const pb_page_ctx_t *pc, GPtrArray *into, const char *text, const pb_style_t *style,
          pb_align_t align, double x, double baseline, double width, pb_role_t role,
          GError **error)
{
  pb_style_t s = *style;
  s.align = align;
  pb_loc_t loc = { pc->issue->path, 0, 0 };
  pb_para_t *p = pb_shape_text (pc->fonts, text, NULL, 0, &s, loc, error);
  if (!p)
    return FALSE;
  pb_set_display (into, pc->grid.tmpl, p, &s, x, baseline, width, role, NULL);
  pb_para_free (p);
  return TRUE;
}

static void
add_rule (pb_page_layout_t *page, double x0, double y, double x1, double width)
{
  pb_rule_t *rule = g_new (pb_rule_t, 1);
  *rule = (pb_rule_t) { x0, y, x1, y, width, 0 };
  g_ptr_array_add (page->rules, rule);
}

gboolean
pb_place_folio (const pb_page_ctx_t *pc, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_style_t *s = &t->styles[PB_ROLE_FOLIO];
  if (s->lines <= 0)
    return TRUE;
  const pb_page_t *plan = pc->page->plan;
  double left = pb_column_x (t, 0), width = pb_columns_width (t);
  double base = pb_grid_baseline (t, pc->page->grid_top, 0);
  g_autofree char *page = g_strdup_printf ("第%02d版　%s", plan->number,
                                           plan->section ? plan->section : "");
  g_autofree char *date = format_date (pc->issue->date);
  g_autofree char *right = g_strdup_printf ("%s　%s", pc->issue->paper, date);
  g_autofree char *credits = format_credits (plan);
  double y = pc->page->grid_top + s->lines * t->leading - t->leading / 2;
  /* Three thirds: page and section left, credits centred, paper and date right; what would
   * run below the rule is left out. */
  g_autoptr (GPtrArray) scratch = g_ptr_array_new ();
  gboolean ok = set_text (pc, scratch, page, s, PB_ALIGN_LEFT, left, base, width / 3,
                          PB_ROLE_FOLIO, error)
                && (!credits || set_text (pc, scratch, credits, s, PB_ALIGN_CENTER,
                                          left + width / 3, base, width / 3, PB_ROLE_FOLIO,
                                          error))
                && set_text (pc, scratch, right, s, PB_ALIGN_RIGHT, left + 2 * width / 3, base,
                             width / 3, PB_ROLE_FOLIO, error);
  int left_out = keep_lines_above (pc->page->lines, scratch, y - PB_FOLIO_RULE_WIDTH / 2);
  if (left_out > 0)
    pb_add_warning (pc->warnings, plan->loc, "page %d: the folio's texts need more lines than "
                    "it has: %d characters left out",
                    plan->number, left_out);
  add_rule (pc->page, left, y, left + width, PB_FOLIO_RULE_WIDTH);
  return ok;
}

/* The right-hand block of the masthead: date, the issue's lines, the credits, the English name. */
static GPtrArray *
masthead_texts (const pb_issue_t *issue, const pb_page_t *plan)
{
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (texts, format_date (issue->date));
  for (guint i = 0; issue->masthead_lines && i < issue->masthead_lines->len; i++)
    g_ptr_array_add (texts, g_strdup (issue->masthead_lines->pdata[i]));
  char *credits = format_credits (plan);
  if (credits)
    g_ptr_array_add (texts, credits);
  if (issue->paper_en)
    g_ptr_array_add (texts, g_strdup (issue->paper_en));
  return texts;
}

/* The masthead's small lines, each text in a band of one step and its further lines' leading,
 * the bands centred in the masthead's lines but the last (the rules'). Texts from the first that
 * does not fit on are left out: their characters are added to *left_out. */
static gboolean
place_masthead_lines (const pb_page_ctx_t *pc, double x, double width, int *left_out,
                      GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_style_t *small = &t->styles[PB_ROLE_MASTHEAD_LINE];
  pb_style_t right = *small;
  right.align = PB_ALIGN_RIGHT;
  pb_loc_t loc = { pc->issue->path, 0, 0 };
  double room = (t->masthead_lines - 1) * t->leading;
  double step = small->leading > 0 ? small->leading : PB_MASTHEAD_LINE_STEP * small->size;
  GPtrArray *texts = masthead_texts (pc->issue, pc->page->plan);
  g_autoptr (GPtrArray) paras = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_para_free);
  g_autoptr (GPtrArray) scratch = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  double used = 0;
  gboolean ok = TRUE, full = FALSE;
  for (guint i = 0; ok && i < texts->len; i++)
    {
      pb_para_t *p = pb_shape_text (pc->fonts, texts->pdata[i], NULL, 0, &right, loc, error);
      if (!(ok = p != NULL))
        break;
      /* Set once aside to count its lines. */
      guint before = scratch->len;
      pb_set_display (scratch, t, p, &right, x, 0, width, PB_ROLE_MASTHEAD_LINE, NULL);
      double band = step + (scratch->len - before - 1) * pb_style_leading (&right);
      full = full || used + band > room + PB_FIT_SLACK;
      if (full)
        {
          *left_out += pb_count_chars (texts->pdata[i]);
          pb_para_free (p);
          continue;
        }
      used += band;
      g_ptr_array_add (paras, p);
    }
  double base = pc->page->grid_top + (room - used) / 2 + step / 2
                + (PB_EM_ASCENT - 0.5) * small->size;
  for (guint i = 0; ok && i < paras->len; i++)
    base = pb_set_display (pc->page->lines, t, paras->pdata[i], &right, x, base, width,
                           PB_ROLE_MASTHEAD_LINE, NULL) + step;
  g_ptr_array_free (texts, TRUE);
  return ok;
}

/* The coverage of a one-colour logo: its alpha where it has transparency, else its darkness
 * (a black logo on white). Returns a new A8 surface. */
static cairo_surface_t *
logo_mask (cairo_surface_t *image)
{
  int w = cairo_image_surface_get_width (image), h = cairo_image_surface_get_height (image);
  cairo_surface_t *mask = cairo_image_surface_create (CAIRO_FORMAT_A8, w, h);
  cairo_surface_flush (image);
  const guint8 *src = cairo_image_surface_get_data (image);
  guint8 *dst = cairo_image_surface_get_data (mask);
  int ss = cairo_image_surface_get_stride (image), ds = cairo_image_surface_get_stride (mask);
  gboolean alpha = cairo_image_surface_get_format (image) == CAIRO_FORMAT_ARGB32;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (src + y * ss + 4 * x);
        int a = alpha ? (int) (px >> 24) : 255;
        int r = px >> 16 & 0xFF, g = px >> 8 & 0xFF, b = px & 0xFF;
        /* Rec. 601 luma of the (premultiplied) colour over white. */
        int luma = (PB_LUMA_R * r + PB_LUMA_G * g + PB_LUMA_B * b) / PB_LUMA_SUM + (255 - a);
        dst[y * ds + x] = alpha && a < 255 ? a : (guint8) (255 - MIN (luma, 255));
      }
  cairo_surface_mark_dirty (mask);
  return mask;
}

/* The masthead's logo in place of the paper's name: as high as the masthead's lines but the
 * last (the rules'), no wider than the name's share, centred in those lines; in its colour when
 * the issue gives one. */
static gboolean
place_logo (const pb_page_ctx_t *pc, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_issue_t *issue = pc->issue;
  guint32 color = 0;
  if (issue->logo_color && !pb_color_parse (issue->logo_color, t, &color))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, issue->logo_color_loc,
                       "masthead: \"logo_color\" must be \"#RRGGBB\" or a spot colour of "
                       "template \"%s\", not \"%s\"", t->name, issue->logo_color);
      return FALSE;
    }
  GError *local = NULL;
  cairo_surface_t *surface = pb_image_load_bytes (issue->logo->file, issue->logo->bytes,
                                                 PB_IMAGE_MAX_PIXELS, &local);
  if (!surface)
    {
      pb_set_error_at (error, PB_ERROR_IMAGE, issue->logo->loc, "masthead logo: %s",
                       local->message);
      g_error_free (local);
      return FALSE;
    }
  double px_w = cairo_image_surface_get_width (surface);
  double px_h = cairo_image_surface_get_height (surface);
  double box_w = pb_columns_width (t) * PB_MASTHEAD_TITLE_SHARE;
  double box_h = MAX (t->masthead_lines - 1, 1) * t->leading;
  double scale = MIN (box_w / px_w, box_h / px_h);
  pb_image_t *image = g_new0 (pb_image_t, 1);
  image->frame = (pb_rect_t) { pb_column_x (t, 0),
                               pc->page->grid_top + (box_h - px_h * scale) / 2,
                               px_w * scale, px_h * scale };
  image->photo = issue->logo;
  image->src = (pb_rect_t) { 0, 0, px_w, px_h };
  image->mask = issue->logo_color != NULL;
  image->color = color;
  image->surface = image->mask ? logo_mask (surface) : cairo_surface_reference (surface);
  cairo_surface_destroy (surface);
  g_ptr_array_add (pc->page->images, image);
  return TRUE;
}

gboolean
pb_place_masthead (const pb_page_ctx_t *pc, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_issue_t *issue = pc->issue;
  const pb_style_t *title = &t->styles[PB_ROLE_MASTHEAD_TITLE];
  double left = pb_column_x (t, 0), width = pb_columns_width (t);
  double top = pc->page->grid_top, height = t->masthead_lines * t->leading;
  pb_loc_t loc = { issue->path, 0, 0 };

  if (issue->logo && !place_logo (pc, error))
    return FALSE;
  pb_para_t *name = issue->logo ? NULL : pb_shape_text (pc->fonts, issue->paper, NULL, 0, title,
                                                        loc, error);
  if (!issue->logo && !name)
    return FALSE;
  /* The name's em box centred in the masthead's lines but the last (the rules'). */
  double title_base = top + (height - t->leading - title->size) / 2 + PB_EM_ASCENT * title->size;
  g_autoptr (GPtrArray) scratch = g_ptr_array_new ();
  if (name)
    pb_set_display (scratch, t, name, title, left, title_base, width * PB_MASTHEAD_TITLE_SHARE,
                    PB_ROLE_MASTHEAD_TITLE, NULL);
  pb_para_free (name);
  int left_out = keep_lines_above (pc->page->lines, scratch, top + height - t->leading);
  gboolean ok = place_masthead_lines (pc, left + width * PB_MASTHEAD_TITLE_SHARE,
                                      width * (1 - PB_MASTHEAD_TITLE_SHARE), &left_out, error);
  if (left_out > 0)
    pb_add_warning (pc->warnings, pc->page->plan->loc, "page %d: the masthead has no room for "
                    "%d of its characters: left out", pc->page->plan->number, left_out);

  double rule_y = top + height - t->leading / 2;
  add_rule (pc->page, left, rule_y - PB_MASTHEAD_RULE_RISE, left + width,
            PB_MASTHEAD_RULE_WIDTH);
  add_rule (pc->page, left, rule_y + PB_MASTHEAD_HAIRLINE_DROP, left + width,
            PB_MASTHEAD_HAIRLINE_WIDTH);
  return ok;
}

/* ---- headline block ---- */

/* The parts of a heading: kicker, headline, subtitle and a byline under them. */
#define PB_HEADING_PARTS 4

typedef struct {
  const char *text;
  pb_role_t role;
  pb_style_t style;
  pb_display_t *para;
  int lines;                /* lines it is set in: the headline's at most its maximum */
  int all_lines;            /* lines it takes */
  int overset;              /* characters of the headline's lines beyond its maximum */
} heading_part_t;

/* A heading being set: what it shows, at which sizes, where. */
typedef struct {
  const pb_page_ctx_t *pc;
  const pb_story_t *story;
  const pb_item_t *item;
  gboolean continued;       /* the continuation head of a later part */
  double x, width;
  gboolean dry;
  pb_heading_sizes_t sizes;
  heading_part_t parts[PB_HEADING_PARTS];
  int n_parts;
} heading_t;

/* The part broken as display text (at its words, balanced) and set at (x, baseline y) into a
 * new array of lines (of pb_line_t*, owned), also when only counted. */
static GPtrArray *
display_set (const heading_t *hd, const heading_part_t *part, double y)
{
  const pb_template_t *t = hd->pc->grid.tmpl;
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  pb_measure_t m = pb_display_measure (t, &part->style, part->role, hd->width);
  pb_display_break (part->para, &m);
  pb_display_emit (lines, t, part->para, &part->style, hd->x, y, hd->width, part->role,
                   hd->story->id);
  return lines;
}

/* Shapes the part at its style and counts its lines; those of a headline beyond `max_lines`
 * (0: any) are not set, their characters counted in `overset`. */
static gboolean
shape_part (const heading_t *hd, heading_part_t *part, int max_lines, GError **error)
{
  pb_display_free (part->para);
  part->para = pb_display_new (hd->pc->fonts, part->text, &part->style, hd->story->loc, error);
  if (!part->para)
    return FALSE;
  GPtrArray *lines = display_set (hd, part, 0);
  part->all_lines = part->lines = lines->len;
  part->overset = 0;
  if (max_lines > 0 && part->lines > max_lines)
    {
      part->lines = max_lines;
      for (guint i = max_lines; i < lines->len; i++)
        part->overset += pb_count_chars (((pb_line_t *) lines->pdata[i])->text);
    }
  g_ptr_array_free (lines, TRUE);
  return TRUE;
}

/* fit: the 主题 at the largest size of its style's range, a step at a time from the top,
 * that sets it within the style's maximum lines; at the smallest when none does. */
static gboolean
fit_headline (heading_t *hd, heading_part_t *part, GError **error)
{
  pb_heading_sizes_t *h = &hd->sizes;
  for (double size = h->headline.size;; size -= PB_FIT_STEP)
    {
      pb_heading_set_size (h, MAX (size, h->headline_min));
      part->style = h->headline;
      if (!shape_part (hd, part, h->max_lines, error))
        return FALSE;
      if (part->overset == 0 || size - PB_FIT_STEP < h->headline_min - PB_FIT_SIZE_SLACK)
        return TRUE;
    }
}

static heading_part_t *
add_part (heading_t *hd, const char *text, pb_role_t role, const pb_style_t *style)
{
  if (!text || !*text)
    return NULL;
  heading_part_t *part = &hd->parts[hd->n_parts++];
  *part = (heading_part_t) { text, role, *style, NULL, 0, 0, 0 };
  return part;
}

/* The parts of the story's heading (its continuation head alone on a later part) at the
 * sizes of the item's headline style, the headline fitted first: the others depend on its
 * size. */
static gboolean
heading_parts (heading_t *hd, GError **error)
{
  gboolean continued = hd->continued;
  const pb_story_t *story = hd->story;
  const pb_template_t *t = hd->pc->grid.tmpl;
  hd->sizes = pb_heading_sizes (t, hd->item, continued);
  const char *headline = continued && story->jump_headline ? story->jump_headline
                                                           : story->headline;
  heading_part_t *kicker = continued ? NULL : add_part (hd, story->kicker, PB_ROLE_KICKER,
                                                        &hd->sizes.kicker);
  heading_part_t *main = add_part (hd, headline, PB_ROLE_HEADLINE, &hd->sizes.headline);
  if (main && !fit_headline (hd, main, error))
    return FALSE;
  if (kicker)
    kicker->style = hd->sizes.kicker;
  if (!continued)
    {
      add_part (hd, story->subtitle, PB_ROLE_SUBTITLE, &hd->sizes.subtitle);
      if (t->byline_position == PB_BYLINE_UNDER_HEADLINE)
        add_part (hd, story->byline, PB_ROLE_BYLINE, &t->styles[PB_ROLE_BYLINE]);
    }
  for (int i = 0; i < hd->n_parts; i++)
    if (&hd->parts[i] != main && !shape_part (hd, &hd->parts[i], 0, error))
      return FALSE;
  return TRUE;
}

/* The part's lines at baseline y on the page; returns the last one's baseline. */
static double
emit_part (const heading_t *hd, const heading_part_t *part, double y)
{
  GPtrArray *lines = display_set (hd, part, y);
  double last = y;
  for (int i = 0; i < part->lines; i++)
    {
      pb_line_t *line = g_ptr_array_steal_index (lines, 0);
      last = line->baseline;
      g_ptr_array_add (hd->pc->page->lines, line);
    }
  g_ptr_array_free (lines, TRUE);
  return last;
}

/* A headline over its style's maximum lines at the smallest size it may take. */
static void
warn_headline_overset (const heading_t *hd, const heading_part_t *part)
{
  const pb_headline_style_t *hs = hd->sizes.style;
  /* The plan's item asks for a continuation head; the story gives its headline. */
  pb_loc_t loc = hd->continued ? hd->item->loc : hd->story->headline_loc;
  g_ptr_array_add (hd->pc->warnings,
                   g_strdup_printf ("%s:%d:%d: story \"%s\": its %s needs %d lines at %gpt on "
                                    "page %d, headline style \"%s\" allows %d: %d characters "
                                    "overset", loc.file, loc.line, loc.col, hd->story->id,
                                    hd->continued ? "continuation head" : "headline",
                                    part->all_lines, part->style.size, hd->pc->page->number,
                                    hs ? hs->name : "", part->lines, part->overset));
}

/* Sets the heading's parts (measures them only when dry) and returns the grid lines they
 * take from the item's top, including one blank line under them. */
static int
heading_emit (heading_t *hd, int *overset)
{
  const pb_template_t *t = hd->pc->grid.tmpl;
  double height = 0, first_size = 0;
  for (int i = 0; i < hd->n_parts; i++)
    {
      const heading_part_t *part = &hd->parts[i];
      const pb_style_t *s = &part->style;
      if (i > 0)
        height += PB_HEADING_GAP * s->size;
      else
        first_size = s->size;
      height += (part->lines - 1) * pb_style_leading (s) + s->size;
      *overset += part->overset;
    }
  int lines = pb_lines_for (t, height) + 1;
  if (hd->dry)
    return lines;
  /* Centre the block in its lines, leaving the blank line below; under the rule that parts a
   * stacked story from what stands above it, at least PB_RULE_CLEARANCE of its first line's
   * size from the rule (taken from the blank line when the block fills its lines). */
  double margin = ((lines - 1) * t->leading - height) / 2;
  if (hd->item->top > 0)
    margin = MAX (margin, PB_RULE_CLEARANCE * first_size);
  double y = pb_grid_cell_top (&hd->pc->grid, hd->item->top) + margin;
  for (int i = 0; i < hd->n_parts; i++)
    {
      const heading_part_t *part = &hd->parts[i];
      const pb_style_t *s = &part->style;
      if (i > 0)
        y += PB_HEADING_GAP * s->size;
      y = emit_part (hd, part, y + PB_EM_ASCENT * s->size) + PB_EM_DESCENT * s->size;
      if (part->overset > 0)
        warn_headline_overset (hd, part);
    }
  return lines;
}

static int
place_heading (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
               gboolean continued, double x, double width, gboolean dry, int *overset,
               GError **error)
{
  heading_t hd = { .pc = pc, .story = story, .item = item, .continued = continued, .x = x,
                   .width = width, .dry = dry };
  int lines = heading_parts (&hd, error) ? heading_emit (&hd, overset) : -1;
  for (int i = 0; i < hd.n_parts; i++)
    pb_display_free (hd.parts[i].para);
  return lines;
}

int
pb_place_heading (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
                  double x, double width, gboolean dry, int *overset, GError **error)
{
  return place_heading (pc, story, item, FALSE, x, width, dry, overset, error);
}

int
pb_place_jump_heading (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
                       double x, double width, gboolean dry, int *overset, GError **error)
{
  return place_heading (pc, story, item, TRUE, x, width, dry, overset, error);
}

/* ---- a story's box ---- */

/* White: the headlines reversed out of a box's bar. */
#define PB_REVERSED_COLOR 0xFFFFFF

pb_box_t *
pb_place_item_box (const pb_page_ctx_t *pc, const pb_item_t *item)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_item_box_t *ib = &item->box;
  double x = pb_column_x (t, item->column), w = pb_span_width (t, item->span);
  /* The frame runs down the middle of the gutters beside the item, and through the middle of
   * its first and last grid lines: the inset lines keep the story clear of it. */
  double y0 = pb_grid_cell_top (&pc->grid, item->top) + t->leading / 2;
  double y1 = pb_grid_cell_top (&pc->grid, item->top + item->height) - t->leading / 2;
  pb_box_t *box = g_new0 (pb_box_t, 1);
  box->rect = (pb_rect_t) { x - t->gutter / 2, y0, w + t->gutter, y1 - y0 };
  box->style = ib->style;
  box->color = ib->color;
  box->tint = ib->tint;
  box->inset = ib->inset;
  g_ptr_array_add (pc->page->boxes, box);
  return box;
}

void
pb_reverse_heading (const pb_page_ctx_t *pc, pb_box_t *box, const pb_item_t *inner,
                    int heading, GPtrArray *lines)
{
  if (heading <= 0)
    return;
  /* The bar fills the frame from its top down to the headlines' blank line. */
  double bottom = pb_grid_cell_top (&pc->grid, inner->top + heading - 1);
  box->bar = (pb_rect_t) { box->rect.x, box->rect.y, box->rect.w, bottom - box->rect.y };
  for (guint i = 0; i < lines->len; i++)
    ((pb_line_t *) lines->pdata[i])->color = PB_REVERSED_COLOR;
}

/* ---- guide box ---- */

int
pb_guide_lines_needed (const pb_item_t *item)
{
  int lines = PB_GUIDE_TITLE_LINES;
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

/* One entry: its title's parts (split at '\n'), flush left and balanced at the box's inner
 * width from grid line `*line`, then the leader with the page number flush right; *line moves
 * past them. */
static gboolean
place_guide_entry (const pb_page_ctx_t *pc, GPtrArray *into, const pb_guide_entry_t *e,
                   int number, double x, double inner, int *line, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_style_t *page_s = &t->styles[PB_ROLE_GUIDE_PAGE];
  pb_style_t entry_s = t->styles[PB_ROLE_GUIDE_ENTRY];
  entry_s.align = PB_ALIGN_LEFT;
  pb_display_t *title = pb_display_new (pc->fonts, e->title, &entry_s, e->loc, error);
  if (!title)
    return FALSE;
  pb_measure_t m = pb_display_measure (t, &entry_s, PB_ROLE_GUIDE_ENTRY, inner);
  int n = pb_display_break (title, &m);
  for (int j = 0; j < n; j++)
    pb_display_emit_line (into, t, title, j, x, pb_grid_body_baseline (&pc->grid, (*line)++),
                          inner, PB_ROLE_GUIDE_ENTRY, e->story_id)->link_page = number;
  pb_display_free (title);
  g_autofree char *leader = g_strdup_printf ("——%02d", number);
  pb_style_t right = *page_s;
  right.align = PB_ALIGN_RIGHT;
  pb_para_t *lp = pb_shape_text (pc->fonts, leader, NULL, 0, &right, e->loc, error);
  if (!lp)
    return FALSE;
  pb_measure_t leader_m = { inner, 0, PB_ALIGN_RIGHT, page_s->size, 0, 0, FALSE,
                            PB_SHAPE_FILL };
  pb_para_break (lp, &leader_m);
  pb_emit_line (into, t, lp, 0, x, pb_grid_body_baseline (&pc->grid, (*line)++), inner,
                PB_ROLE_GUIDE_PAGE, e->story_id)->link_page = number;
  pb_para_free (lp);
  return TRUE;
}

/* The first `n` of the guide's entries from grid line *line on, into `into` (NULL: only
 * counted, and only while they end by grid line `bottom`: *n then becomes how many do); with
 * `spare` given, that many grid lines are shared out above the entries. */
static gboolean
place_guide_entries (const pb_page_ctx_t *pc, GPtrArray *into, GHashTable *story_pages,
                     const pb_item_t *item, guint *n, int bottom, double x, double inner,
                     int *line, const int *spare, GError **error)
{
  g_autoptr (GPtrArray) counted = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  guint all = *n;
  for (guint i = 0; i < all; i++)
    {
      const pb_guide_entry_t *e = item->guide_entries->pdata[i];
      gpointer number = g_hash_table_lookup (story_pages, e->story_id);
      if (!number)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, e->loc,
                           "guide entry: story \"%s\" is not placed on any page", e->story_id);
          return FALSE;
        }
      if (spare)
        *line += *spare * (i + 1) / all - *spare * i / all;
      int at = *line;
      if (!place_guide_entry (pc, into ? into : counted, e, GPOINTER_TO_INT (number), x, inner,
                              line, error))
        return FALSE;
      /* An entry that runs past the box is left out, and so are those after it. */
      if (!into && *line > bottom)
        {
          *line = at;
          *n = i;
          break;
        }
    }
  return TRUE;
}

gboolean
pb_place_guide (const pb_page_ctx_t *pc, GHashTable *story_pages, const pb_item_t *item,
                GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_style_t *title_s = &t->styles[PB_ROLE_GUIDE_TITLE];
  double x = pb_column_x (t, item->column), width = pb_span_width (t, item->span);
  double pad = PB_GUIDE_PAD * t->body_size, inner = width - 2 * pad;
  int line = item->top;

  /* The box: a frame around the item, a rule under the title. */
  pb_box_t *box = g_new0 (pb_box_t, 1);
  box->rect = (pb_rect_t) { x, pb_grid_cell_top (&pc->grid, item->top), width,
                            item->height * t->leading };
  box->style = PB_BOX_SINGLE;
  g_ptr_array_add (pc->page->boxes, box);

  pb_placed_item_t *placed = g_new0 (pb_placed_item_t, 1);
  placed->kind = PB_ITEM_GUIDE;
  placed->area = box->rect;
  g_ptr_array_add (pc->page->items, placed);
  const char *title = item->guide_title ? item->guide_title : "导读";
  pb_para_t *p = pb_shape_text (pc->fonts, title, NULL, 0, title_s, item->loc, error);
  if (!p)
    return FALSE;
  double base = pb_grid_cell_top (&pc->grid, line)
                + (PB_GUIDE_TITLE_LINES * t->leading - title_s->size) / 2
                + PB_EM_ASCENT * title_s->size;
  g_autoptr (GPtrArray) scratch = g_ptr_array_new ();
  pb_set_display (scratch, t, p, title_s, x + pad, base, inner, PB_ROLE_GUIDE_TITLE, NULL);
  pb_para_free (p);
  placed->overset_chars = keep_lines_above (pc->page->lines, scratch,
                                           box->rect.y + box->rect.h);
  line += PB_GUIDE_TITLE_LINES;
  int bottom = item->top + item->height;
  if (line <= bottom)
    {
      double ry = pb_grid_cell_top (&pc->grid, line) - PB_GUIDE_RULE_RISE;
      add_rule (pc->page, x + pad, ry, x + width - pad, PB_GUIDE_RULE_WIDTH);
    }
  /* The entries that fit the box are set once to count their lines, then spread over it: what
   * the box has to spare goes into whole grid lines above each entry. */
  guint shown = item->guide_entries->len;
  int end = line;
  if (line >= bottom)
    shown = 0;
  else if (!place_guide_entries (pc, NULL, story_pages, item, &shown, bottom, x + pad, inner,
                                 &end, NULL, error))
    return FALSE;
  int spare = MAX (0, bottom - 1 - end);
  if (!place_guide_entries (pc, pc->page->lines, story_pages, item, &shown, bottom, x + pad,
                            inner, &line, &spare, error))
    return FALSE;
  for (guint i = shown; i < item->guide_entries->len; i++)
    placed->overset_chars
      += pb_count_chars (((const pb_guide_entry_t *) item->guide_entries->pdata[i])->title);
  if (shown < item->guide_entries->len)
    pb_add_warning (pc->warnings, item->loc, "guide box: %u of its %u entries do not fit its %d "
                    "lines: left out", item->guide_entries->len - shown,
                    item->guide_entries->len, item->height);
  return TRUE;
}
