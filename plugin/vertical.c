/* Vertical headlines (竖排标题), set as clreq describes vertical Chinese: Han characters and
 * full-width punctuation upright in the fonts' vertical forms (HarfBuzz applies the fonts'
 * `vert` substitutions when it shapes top to bottom: ，。 in the top right of their cell,
 * brackets, —— and …… turned along the line); numbers of one or two digits upright side by side
 * in one cell (纵中横); Latin words and longer numbers turned 90° clockwise, their tops to the
 * right. The lines are broken where the line composer breaks them across (clreq's rules for
 * line starts and ends hold down a line as across it), at the strip's height. */
#include "vertical.h"

#include <hb.h>
#include <math.h>
#include <string.h>
#include "fonts.h"

/* Space between the kicker, headline and subtitle, × the size of the one after it: as across
 * (elements.c). */
#define PB_VERTICAL_GAP 0.35
/* Numbers of at most this many digits stand upright side by side (纵中横). */
#define PB_TCY_MAX_DIGITS 2
/* A line whose vertical forms make it longer than its measure (marks take a full em down the
 * line, where across they may be compressed) is broken again this many times at a shorter
 * measure before the headlines count as not fitting. */
#define PB_REBREAK_TRIES 4
/* Lengths closer than this (pt) count as equal. */
#define PB_VERTICAL_EPSILON 0.01

/* HarfBuzz positions from Pango's fonts are in Pango units. */
#define PB_PT(v) ((v) / (double) PANGO_SCALE)

typedef enum { SEG_UPRIGHT, SEG_TCY, SEG_ROTATED } seg_kind_t;

/* ---- classes ---- */

/* Upright down the line: Han, kana, bopomofo and the characters East Asian text sets full
 * width (its punctuation, the ambiguous-width quotes and dashes among them). */
static gboolean
is_upright (gunichar c)
{
  GUnicodeScript script = g_unichar_get_script (c);
  return g_unichar_iswide_cjk (c) || script == G_UNICODE_SCRIPT_HAN
         || script == G_UNICODE_SCRIPT_HIRAGANA || script == G_UNICODE_SCRIPT_KATAKANA
         || script == G_UNICODE_SCRIPT_BOPOMOFO;
}

/* A space is part of the Latin run it stands in, else an upright gap. */
static seg_kind_t
kind_at (const char *text, const char *p, seg_kind_t before)
{
  gunichar c = g_utf8_get_char (p);
  if (c != ' ')
    return is_upright (c) ? SEG_UPRIGHT : SEG_ROTATED;
  const char *next = g_utf8_next_char (p);
  gboolean latin_after = *next && *next != ' ' && !is_upright (g_utf8_get_char (next));
  return p > text && before == SEG_ROTATED && latin_after ? SEG_ROTATED : SEG_UPRIGHT;
}

static gboolean
short_number (const char *s, int len)
{
  if (len > PB_TCY_MAX_DIGITS)
    return FALSE;
  for (int i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* ---- shaping one line ---- */

/* What shaping a vertical line needs: the font set, the style, where errors point. */
typedef struct {
  pb_fonts_t *fonts;
  const pb_template_t *tmpl;
  const pb_style_t *style;
  pb_role_t role;
  pb_loc_t loc;
} vshape_t;

static gboolean
glyph_error (const vshape_t *vs, const char *text, unsigned cluster, GError **error)
{
  gunichar c = g_utf8_get_char (text + cluster);
  char ch[8] = { 0 };
  g_unichar_to_utf8 (c, ch);
  pb_set_error_at (error, PB_ERROR_GLYPH, vs->loc, "no font has a glyph for U+%04X “%s”", c,
                   ch);
  return FALSE;
}

static double
font_size (PangoFont *font)
{
  PangoFontDescription *desc = pango_font_describe_with_absolute_size (font);
  double size = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
  pango_font_description_free (desc);
  return size;
}

/* Shapes bytes [start, start + len) of `text` in `font`: top to bottom for upright text (the
 * fonts' vertical forms and advances), else left to right; half-width figures for 纵中横. */
static hb_buffer_t *
shape_segment (hb_font_t *font, const char *text, int start, int len, seg_kind_t kind)
{
  hb_buffer_t *buf = hb_buffer_create ();
  hb_buffer_add_utf8 (buf, text, -1, start, len);
  hb_buffer_set_direction (buf, kind == SEG_UPRIGHT ? HB_DIRECTION_TTB : HB_DIRECTION_LTR);
  hb_buffer_set_language (buf, hb_language_from_string ("zh-Hans", -1));
  /* Marks of no script of their own (—— …… “”) take their vertical forms from the fonts'
   * Han lookups. */
  if (kind == SEG_UPRIGHT)
    hb_buffer_set_script (buf, HB_SCRIPT_HAN);
  hb_buffer_guess_segment_properties (buf);
  hb_feature_t hwid = { HB_TAG ('h', 'w', 'i', 'd'), 1, 0, (unsigned) -1 };
  hb_shape (font, buf, kind == SEG_TCY ? &hwid : NULL, kind == SEG_TCY ? 1 : 0);
  return buf;
}

/* The glyphs of one shaped item as a run of `line`, from its pen position *pen (pt down the
 * line from its top, moved past them); x and y measured from the top of the line's centre
 * line. */
static gboolean
add_run (const vshape_t *vs, pb_line_t *line, const char *text, PangoItem *item,
         hb_buffer_t *buf, seg_kind_t kind, double *pen, GError **error)
{
  unsigned n;
  hb_glyph_info_t *info = hb_buffer_get_glyph_infos (buf, &n);
  hb_glyph_position_t *pos = hb_buffer_get_glyph_positions (buf, NULL);
  pb_fonts_lock (vs->fonts);
  double size = font_size (item->analysis.font);
  pb_fonts_unlock (vs->fonts);
  double across = 0;
  for (unsigned i = 0; i < n; i++)
    across += PB_PT (pos[i].x_advance);
  pb_glyph_run_t *run = g_new0 (pb_glyph_run_t, 1);
  run->font = g_object_ref (item->analysis.font);
  run->rotated = kind == SEG_ROTATED;
  run->glyphs = g_new (cairo_glyph_t, n);
  run->n_glyphs = n;
  run->text = g_strndup (text + item->offset, item->length);
  run->text_len = item->length;
  g_ptr_array_add (line->runs, run);
  /* Turned text has its em box centred on the line; 纵中横 sits in one em cell. */
  double turned_base = -(PB_EM_ASCENT - PB_EM_DESCENT) / 2 * size;
  double along = kind == SEG_TCY ? -across / 2 : 0;
  for (unsigned i = 0; i < n; i++)
    {
      if (info[i].codepoint == 0)
        return glyph_error (vs, text, info[i].cluster, error);
      double xo = PB_PT (pos[i].x_offset), yo = PB_PT (pos[i].y_offset);
      cairo_glyph_t *g = &run->glyphs[i];
      g->index = info[i].codepoint;
      if (kind == SEG_UPRIGHT)
        g->x = xo, g->y = *pen - yo, *pen -= PB_PT (pos[i].y_advance);
      else if (kind == SEG_TCY)
        g->x = along + xo, g->y = *pen + PB_EM_ASCENT * size - yo, along += PB_PT (pos[i].x_advance);
      else
        g->x = turned_base + yo, g->y = *pen + xo, *pen += PB_PT (pos[i].x_advance);
      if (i + 1 < n && info[i + 1].cluster == info[i].cluster)
        continue;
      /* A cluster ends here: the glyphs since the last one carry its characters. */
      unsigned end = i + 1 < n ? info[i + 1].cluster : (unsigned) (item->offset + item->length);
      unsigned first = i;
      while (first > 0 && info[first - 1].cluster == info[i].cluster)
        first--;
      run->clusters = g_renew (cairo_text_cluster_t, run->clusters, run->n_clusters + 1);
      run->clusters[run->n_clusters++] = (cairo_text_cluster_t) { (int) (end - info[i].cluster),
                                                                  (int) (i + 1 - first) };
    }
  if (kind == SEG_TCY)
    *pen += size;
  line->size = MAX (line->size, size);
  return TRUE;
}

/* One segment of a line in the fonts Pango finds for its characters. */
static gboolean
set_segment (const vshape_t *vs, pb_line_t *line, const char *text, int start, int len,
             seg_kind_t kind, double *pen, GError **error)
{
  PangoAttrList *attrs = pango_attr_list_new ();
  PangoFontDescription *desc = pb_style_font_description (vs->style);
  pango_attr_list_insert (attrs, pango_attr_font_desc_new (desc));
  pango_font_description_free (desc);
  GList *items = pb_fonts_itemize (vs->fonts, text, start, len, attrs);
  pango_attr_list_unref (attrs);
  gboolean ok = TRUE;
  for (GList *l = items; ok && l; l = l->next)
    {
      PangoItem *item = l->data;
      /* Pango makes the HarfBuzz font on first use, from shared state (as shape.c does). */
      GError *font_error = NULL;
      hb_font_t *font = pb_fonts_hb_font (vs->fonts, item->analysis.font, &font_error);
      if (!font)
        {
          pb_set_error_at (error, font_error->code, vs->loc, "%s", font_error->message);
          g_error_free (font_error);
          ok = FALSE;
          break;
        }
      hb_buffer_t *buf = shape_segment (font, text, item->offset, item->length, kind);
      ok = add_run (vs, line, text, item, buf, kind, pen, error);
      hb_buffer_destroy (buf);
    }
  g_list_free_full (items, (GDestroyNotify) pango_item_free);
  return ok;
}

/* `text` as one vertical line at the origin: its runs, its length in `width`. Returns a new
 * line (pb_line_free) or NULL with `error` set. */
static pb_line_t *
shape_line (const vshape_t *vs, const char *text, GError **error)
{
  pb_line_t *line = pb_line_new ();
  line->vertical = TRUE;
  line->text = g_strdup (text);
  double pen = 0;
  seg_kind_t kind = SEG_UPRIGHT;
  for (const char *p = text; *p;)
    {
      const char *end = p;
      kind = kind_at (text, p, kind);
      while (*end && kind_at (text, end, kind) == kind)
        end = g_utf8_next_char (end);
      seg_kind_t k = kind == SEG_ROTATED && short_number (p, end - p) ? SEG_TCY : kind;
      if (!set_segment (vs, line, text, p - text, end - p, k, &pen, error))
        {
          pb_line_free (line);
          return NULL;
        }
      p = end;
    }
  line->width = pen;
  return line;
}

/* Moves a line and its glyphs by (dx, dy). */
static void
line_move (pb_line_t *line, double dx, double dy)
{
  line->x += dx;
  line->baseline += dy;
  for (guint r = 0; r < line->runs->len; r++)
    {
      pb_glyph_run_t *run = line->runs->pdata[r];
      for (int i = 0; i < run->n_glyphs; i++)
        run->glyphs[i].x += dx, run->glyphs[i].y += dy;
    }
}

/* ---- breaking ---- */

/* The texts of the lines `text` breaks into across at `measure`, as display text is broken
 * (its own '\n' forced, at word boundaries, balanced): a new array of strings, or NULL with
 * `error` set. */
static GPtrArray *
break_text (const vshape_t *vs, const char *text, double measure, GError **error)
{
  pb_display_t *d = pb_display_new (vs->fonts, text, vs->style, vs->loc, error);
  if (!d)
    return NULL;
  pb_style_t flush = *vs->style;
  flush.align = PB_ALIGN_LEFT;
  pb_measure_t m = pb_display_measure (vs->tmpl, &flush, vs->role, measure);
  int n = pb_display_break (d, &m);
  g_autoptr (GPtrArray) across = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < n; i++)
    {
      pb_line_t *line = pb_display_emit_line (across, vs->tmpl, d, i, 0, 0, measure, vs->role,
                                              NULL);
      g_ptr_array_add (texts, g_steal_pointer (&line->text));
    }
  pb_display_free (d);
  return texts;
}

/* The vertical lines of `text` within `measure` (a new array of lines at the origin, empty
 * when one line stays longer than the measure), or NULL with `error` set. */
static GPtrArray *
set_lines (const vshape_t *vs, const char *text, double measure, GError **error)
{
  double at = measure;
  for (int tries = 0; tries <= PB_REBREAK_TRIES && at > 0; tries++)
    {
      GPtrArray *texts = break_text (vs, text, at, error);
      if (!texts)
        return NULL;
      GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
      double longest = 0;
      for (guint i = 0; i < texts->len; i++)
        {
          pb_line_t *line = shape_line (vs, texts->pdata[i], error);
          if (!line)
            {
              g_ptr_array_free (texts, TRUE);
              g_ptr_array_free (lines, TRUE);
              return NULL;
            }
          line->line_no = i;
          line->para_end = i + 1 == texts->len;
          longest = MAX (longest, line->width);
          g_ptr_array_add (lines, line);
        }
      g_ptr_array_free (texts, TRUE);
      if (longest <= measure + PB_VERTICAL_EPSILON)
        return lines;
      g_ptr_array_free (lines, TRUE);
      at -= longest - measure;
    }
  return g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
}

/* ---- the heading ---- */

enum { PART_KICKER, PART_HEADLINE, PART_SUBTITLE, N_PARTS };

/* A story's vertical heading: its parts' lines at the origin, what they take across. */
typedef struct {
  pb_style_t styles[N_PARTS];
  GPtrArray *lines[N_PARTS];   /* NULL for a part the story lacks */
  gboolean fits;               /* every line within the measure */
  double width;                /* across all lines, pt */
  double measure;              /* down the strip, pt */
} heading_t;

static const pb_role_t part_roles[N_PARTS] = { PB_ROLE_KICKER, PB_ROLE_HEADLINE,
                                               PB_ROLE_SUBTITLE };

static void
heading_clear (heading_t *h)
{
  for (int i = 0; i < N_PARTS; i++)
    if (h->lines[i])
      g_ptr_array_free (h->lines[i], TRUE);
}

/* The space down an item of `lines` grid lines that its vertical lines take: from the top of
 * the body's em box on its first grid line to the foot of that on its last. */
static double
strip_measure (const pb_template_t *t, int lines)
{
  return lines * t->leading - (t->leading - t->body_size);
}

/* Sets the parts of `story` at the strip's height `measure`. FALSE with `error` set. */
static gboolean
heading_set (heading_t *h, const pb_page_ctx_t *pc, const pb_story_t *story,
             const pb_item_t *item, double measure, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const char *texts[N_PARTS] = { story->kicker, story->headline, story->subtitle };
  *h = (heading_t) { .fits = TRUE, .measure = measure };
  for (int i = 0; i < N_PARTS; i++)
    {
      h->styles[i] = t->styles[part_roles[i]];
      if (i == PART_HEADLINE && item->headline_size > 0)
        {
          /* The page plan sets this story's headline size (主题字号); leading follows it. */
          h->styles[i].leading *= item->headline_size / h->styles[i].size;
          h->styles[i].size = item->headline_size;
        }
      if (!texts[i] || !*texts[i])
        continue;
      vshape_t vs = { pc->fonts, pc->grid.tmpl, &h->styles[i], part_roles[i], story->loc };
      if (!(h->lines[i] = set_lines (&vs, texts[i], measure, error)))
        {
          heading_clear (h);
          return FALSE;
        }
      int n = h->lines[i]->len;
      h->fits &= n > 0;
      if (h->width > 0)
        h->width += PB_VERTICAL_GAP * h->styles[i].size;
      h->width += MAX (0, n - 1) * pb_style_leading (&h->styles[i]) + h->styles[i].size;
    }
  return TRUE;
}

/* The fewest whole columns that hold `width`. */
static int
columns_for (const pb_template_t *t, double width)
{
  int n = 1;
  while (pb_span_width (t, n) < width - PB_VERTICAL_EPSILON)
    n++;
  return n;
}

/* Whether the heading fits `item` in `columns` at its right, leaving the body a column. */
static gboolean
heading_fits (const heading_t *h, const pb_template_t *t, const pb_item_t *item, int columns)
{
  return h->fits && columns < item->span && pb_span_width (t, columns) >= h->width
                                                                          - PB_VERTICAL_EPSILON;
}

/* Moves the heading's lines into the strip of `columns` columns at the item's right, centred
 * across it, the first line rightmost, every line from the top of the item's first grid line's
 * em box (where the body's first line starts); and hands them to `into`. */
static void
heading_emit (heading_t *h, const pb_page_ctx_t *pc, const pb_story_t *story,
              const pb_item_t *item, int columns, GPtrArray *into)
{
  const pb_template_t *t = pc->grid.tmpl;
  double left = pb_column_x (t, item->column + item->span - columns);
  double right = left + (pb_span_width (t, columns) + h->width) / 2;
  double top = pb_grid_cell_top (&pc->grid, item->top) + (t->leading - t->body_size) / 2;
  gboolean first = TRUE;
  for (int i = 0; i < N_PARTS; i++)
    {
      if (!h->lines[i])
        continue;
      const pb_style_t *s = &h->styles[i];
      right -= first ? 0 : PB_VERTICAL_GAP * s->size;
      first = FALSE;
      double centre = right - s->size / 2;
      for (guint k = 0; k < h->lines[i]->len; k++, centre -= pb_style_leading (s))
        {
          pb_line_t *line = h->lines[i]->pdata[k];
          line_move (line, centre, top);
          line->measure = h->measure;
          line->role = part_roles[i];
          line->story_id = story->id;
          line->color = t->styles[part_roles[i]].color;
        }
      /* The part's left edge: its last line's centre less half its size. */
      right = centre + pb_style_leading (s) - s->size / 2;
      gsize n = 0;
      gpointer *lines = g_ptr_array_steal (h->lines[i], &n);
      for (gsize k = 0; k < n; k++)
        g_ptr_array_add (into, lines[k]);
      g_free (lines);
    }
}

static int
heading_chars (const heading_t *h)
{
  int n = 0;
  for (int i = 0; i < N_PARTS; i++)
    for (guint k = 0; h->lines[i] && k < h->lines[i]->len; k++)
      n += pb_count_chars (((pb_line_t *) h->lines[i]->pdata[k])->text);
  return n;
}

/* What did not fit: the parts' characters (all of them, when a line could not be set within
 * the measure) count as overset, with a warning. */
static void
left_out (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
          const heading_t *h, int columns, int *overset)
{
  const char *texts[] = { story->kicker, story->headline, story->subtitle };
  int chars = 0;
  for (int i = 0; i < N_PARTS; i++)
    chars += texts[i] ? pb_count_chars (texts[i]) : 0;
  *overset += h->fits ? heading_chars (h) : chars;
  g_autofree char *need = h->fits ? g_strdup_printf ("%d columns", columns)
                                  : g_strdup ("a longer line than its height");
  g_ptr_array_add (pc->warnings,
                   g_strdup_printf ("%s:%d:%d: story \"%s\": its vertical headlines need %s, "
                                    "its item on page %d has %d columns of %d grid lines: "
                                    "left out", item->loc.file, item->loc.line, item->loc.col,
                                    story->id, need, pc->page->number, item->span,
                                    item->height));
}

int
pb_place_vertical_heading (const pb_page_ctx_t *pc, const pb_story_t *story,
                           const pb_item_t *item, int *overset, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  heading_t h;
  if (!heading_set (&h, pc, story, item, strip_measure (t, item->height), error))
    return -1;
  int columns = item->headline_vertical > 0 ? item->headline_vertical
                                            : columns_for (t, h.width);
  int taken = 0;
  if (heading_fits (&h, t, item, columns))
    {
      heading_emit (&h, pc, story, item, columns, pc->page->lines);
      taken = columns;
    }
  else
    left_out (pc, story, item, &h, columns_for (t, h.width), overset);
  heading_clear (&h);
  return taken;
}

/* Whether the heading fits `columns` of an item like `item` `lines` grid lines high; -1 on an
 * error. */
static int
fits_at (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item, int columns,
         int lines, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  heading_t h;
  if (!heading_set (&h, pc, story, item, strip_measure (t, lines), error))
    return -1;
  gboolean fits = heading_fits (&h, t, item, columns);
  heading_clear (&h);
  return fits;
}

/* The grid lines the longest line of the parts the editor broke with '\n' needs, set whole
 * (0 when no part has one); -1 on an error. */
static int
chosen_lines_height (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_item_t *item,
                     GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  heading_t h;
  if (!heading_set (&h, pc, story, item, G_MAXINT / 2, error))
    return -1;
  const char *texts[N_PARTS] = { story->kicker, story->headline, story->subtitle };
  double longest = 0;
  for (int i = 0; i < N_PARTS; i++)
    for (guint k = 0; h.lines[i] && strchr (texts[i], '\n') && k < h.lines[i]->len; k++)
      longest = MAX (longest, ((const pb_line_t *) h.lines[i]->pdata[k])->width);
  heading_clear (&h);
  return longest > 0 ? pb_lines_for (t, longest + t->leading - t->body_size) : 0;
}

int
pb_vertical_heading_lines (const pb_page_ctx_t *pc, const pb_story_t *story,
                           const pb_item_t *item, int columns, int max_lines, GError **error)
{
  /* Lines the editor chose with '\n' are kept whole where the page is high enough. */
  int chosen = chosen_lines_height (pc, story, item, error);
  if (chosen < 0)
    return -1;
  /* Taller strips hold the lines in fewer columns: the fewest lines that fit, by bisection. */
  int lo = chosen <= max_lines ? MAX (1, chosen) : 1, hi = max_lines + 1;
  while (lo < hi)
    {
      int mid = (lo + hi) / 2;
      int fits = fits_at (pc, story, item, columns, mid, error);
      if (fits < 0)
        return -1;
      if (fits)
        hi = mid;
      else
        lo = mid + 1;
    }
  return lo;
}
