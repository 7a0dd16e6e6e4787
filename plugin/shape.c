/* Shaping a paragraph into units: Pango itemization, HarfBuzz shaping with and without the
 * fonts' halt data, adjacent-punctuation compression, dashes joined, break opportunities, and
 * the cache of shaped paragraphs. */
#include "paragraph.h"

#include <math.h>
#include <string.h>

/* ---- shaping ---- */

static void
add_feature (GArray *features, const char *tag, unsigned value, unsigned start, unsigned end)
{
  hb_feature_t f = { hb_tag_from_string (tag, -1), value, start, end };
  g_array_append_val (features, f);
}

/* Full-width forms for dashes and interpuncts: Chinese —— is 2 em, · is 1 em. With `fwid` the
 * fonts' ccmp fuses a run of dashes into their own two- or three-em dash, one continuous stroke
 * (Noto's single full-width dash leaves 0.14 em of blank between two of them); the cluster keeps
 * the text ——, which the PDF carries with the glyph, so it is copied out as ——. */
static void
collect_fwid_features (const char *text, int start, int end, GArray *features)
{
  for (const char *p = text + start; p < text + end; p = g_utf8_next_char (p))
    {
      pb_cls_t cls = pb_cls_of (g_utf8_get_char (p));
      if (cls == PB_CLS_DASH || cls == PB_CLS_MIDDLE)
        add_feature (features, "fwid", 1, p - text, g_utf8_next_char (p) - text);
    }
}

static hb_buffer_t *
shape_item (const char *text, PangoItem *item, hb_font_t *font, GArray *features)
{
  hb_buffer_t *buf = hb_buffer_create ();
  hb_buffer_add_utf8 (buf, text, -1, item->offset, item->length);
  hb_buffer_set_direction (buf, HB_DIRECTION_LTR);
  hb_buffer_set_language (buf, hb_language_from_string ("zh-Hans", -1));
  hb_buffer_guess_segment_properties (buf);
  hb_shape (font, buf, (hb_feature_t *) features->data, features->len);
  return buf;
}

static double
style_size_of (const PangoItem *item)
{
  PangoFontDescription *desc = pango_font_describe_with_absolute_size (item->analysis.font);
  double size = PT (pango_font_description_get_size (desc));
  pango_font_description_free (desc);
  return size;
}

static pb_blank_t
blank_side (double advance, double halt_advance, double halt_offset)
{
  double cut = advance - halt_advance;
  if (cut < 0.01)
    return PB_BLANK_NONE;
  if (fabs (halt_offset) < 0.01)
    return PB_BLANK_RIGHT;
  if (fabs (halt_offset + cut) < 0.01)
    return PB_BLANK_LEFT;
  return PB_BLANK_BOTH;
}

/* The blank on either side of a dash's ink, from the glyph outlines of the font. */
static void
dash_bearings (hb_font_t *font, const pb_shaped_t *shaped, pb_unit_t *u)
{
  const pb_glyph_t *first = &shaped->glyphs[u->glyph0];
  const pb_glyph_t *last = &shaped->glyphs[u->glyph0 + u->n_glyphs - 1];
  hb_glyph_extents_t a, b;
  if (!hb_font_get_glyph_extents (font, first->id, &a)
      || !hb_font_get_glyph_extents (font, last->id, &b) || a.width <= 0 || b.width <= 0)
    return;
  u->ink_left = first->x_offset + PT (a.x_bearing);
  double before_last = u->advance - last->advance;
  u->ink_right = u->advance - (before_last + last->x_offset + PT (b.x_bearing + b.width));
}

/* Appends the units of one shaped item. `halt` is the same item shaped with halt=1 (GPOS only,
 * so the glyphs are the same), or NULL when it has no punctuation. */
static gboolean
append_units (pb_para_t *para, int shaped_index, PangoItem *item, hb_font_t *font,
              hb_buffer_t *buf, hb_buffer_t *halt, int *bad_offset)
{
  pb_shaped_t *shaped = &g_array_index (para->shaped, pb_shaped_t, shaped_index);
  unsigned n;
  hb_glyph_info_t *info = hb_buffer_get_glyph_infos (buf, &n);
  hb_glyph_position_t *pos = hb_buffer_get_glyph_positions (buf, NULL);
  hb_glyph_position_t *hpos = NULL;
  if (halt && hb_buffer_get_length (halt) == n)
    hpos = hb_buffer_get_glyph_positions (halt, NULL);

  shaped->glyphs = g_new (pb_glyph_t, n);
  shaped->n_glyphs = n;
  for (unsigned i = 0; i < n; i++)
    {
      if (info[i].codepoint == 0)
        {
          *bad_offset = info[i].cluster;
          return FALSE;
        }
      shaped->glyphs[i] = (pb_glyph_t) { info[i].codepoint, PT (pos[i].x_offset),
                                         PT (pos[i].y_offset), PT (pos[i].x_advance) };
    }

  for (unsigned i = 0; i < n;)
    {
      unsigned j = i + 1;
      while (j < n && info[j].cluster == info[i].cluster)
        j++;
      pb_unit_t u = { 0 };
      u.start = info[i].cluster;
      u.len = (j < n ? (int) info[j].cluster : item->offset + item->length) - u.start;
      u.shaped = shaped_index;
      u.glyph0 = i;
      u.n_glyphs = j - i;
      u.size = shaped->size;
      u.cls = pb_cls_of (g_utf8_get_char (para->text + u.start));
      double halt_adv = 0;
      for (unsigned k = i; k < j; k++)
        {
          u.advance += PT (pos[k].x_advance);
          if (hpos)
            halt_adv += PT (hpos[k].x_advance);
        }
      if (hpos && pb_cls_is_punct (u.cls))
        {
          u.blank = blank_side (u.advance, halt_adv, PT (hpos[i].x_offset - pos[i].x_offset));
          if (u.blank != PB_BLANK_NONE)
            u.squeeze_max = u.advance - halt_adv;
        }
      if (u.cls == PB_CLS_DASH)
        dash_bearings (font, shaped, &u);
      g_array_append_val (para->units, u);
      i = j;
    }
  return TRUE;
}

static gboolean
has_punct (const char *text, int start, int end)
{
  for (const char *p = text + start; p < text + end; p = g_utf8_next_char (p))
    if (pb_cls_is_punct (pb_cls_of (g_utf8_get_char (p))))
      return TRUE;
  return FALSE;
}

/* Fails with the font's error (PB_ERROR_FONT) or on a character without a glyph (*bad_offset
 * set, `error` untouched). */
static gboolean
shape_items (pb_fonts_t *fonts, pb_para_t *para, GList *items, int *bad_offset,
             GError **error)
{
  for (GList *l = items; l; l = l->next)
    {
      PangoItem *item = l->data;
      /* Pango creates the HarfBuzz font on first use and describes fonts from shared state;
       * HarfBuzz shapes with a finished font on any thread. */
      hb_font_t *font = pb_fonts_hb_font (fonts, item->analysis.font, error);
      if (!font)
        return FALSE;
      pb_fonts_lock (fonts);
      double size = style_size_of (item);
      pb_fonts_unlock (fonts);
      GArray *features = g_array_new (FALSE, FALSE, sizeof (hb_feature_t));
      collect_fwid_features (para->text, item->offset, item->offset + item->length, features);
      hb_buffer_t *buf = shape_item (para->text, item, font, features);
      hb_buffer_t *halt = NULL;
      if (has_punct (para->text, item->offset, item->offset + item->length))
        {
          add_feature (features, "halt", 1, 0, (unsigned) -1);
          halt = shape_item (para->text, item, font, features);
        }
      pb_shaped_t shaped = { g_object_ref (item->analysis.font), size, NULL, 0 };
      g_array_append_val (para->shaped, shaped);
      gboolean ok = append_units (para, para->shaped->len - 1, item, font, buf, halt,
                                  bad_offset);
      hb_buffer_destroy (buf);
      if (halt)
        hb_buffer_destroy (halt);
      g_array_free (features, TRUE);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static PangoAttrList *
style_attrs (const pb_style_run_t *runs, int n_runs)
{
  PangoAttrList *attrs = pango_attr_list_new ();
  for (int i = 0; i < n_runs; i++)
    {
      PangoFontDescription *desc = pb_style_font_description (runs[i].style);
      PangoAttribute *attr = pango_attr_font_desc_new (desc);
      pango_font_description_free (desc);
      attr->start_index = runs[i].start;
      attr->end_index = runs[i].end;
      pango_attr_list_insert (attrs, attr);
    }
  return attrs;
}

/* ---- compression and break opportunities ---- */

/* 标点挤压: of two adjacent marks, the blank between them goes (GB/T 15834, clreq). */
static void
compress_adjacent (GArray *units)
{
  for (guint i = 0; i + 1 < units->len; i++)
    {
      pb_unit_t *a = &g_array_index (units, pb_unit_t, i);
      pb_unit_t *b = a + 1;
      if (a->squeeze_max <= 0 || b->squeeze_max <= 0)
        continue;
      if (a->blank == PB_BLANK_RIGHT && a->squeeze_fixed == 0)
        a->squeeze_fixed = a->squeeze_max;
      else if (b->blank == PB_BLANK_LEFT)
        b->squeeze_fixed = b->squeeze_max;
    }
}

/* Blank between two dashes' inks (em) that reads as a gap. */
#define DASH_GAP_EM 0.02

/* Where the font has no dash of the run's length (———— is a three-em dash and a single one in
 * Noto; —― mixes two characters), the dashes of a run are moved together until their inks
 * meet, each run keeping its centre: one stroke, a little shorter than the run's advance. */
static void
join_dashes (GArray *units)
{
  for (guint i = 0; i < units->len;)
    {
      guint j = i;
      while (j < units->len && g_array_index (units, pb_unit_t, j).cls == PB_CLS_DASH)
        j++;
      if (j == i)
        {
          i++;
          continue;
        }
      double closed = 0, total = 0;
      for (guint k = i + 1; k < j; k++)
        {
          const pb_unit_t *a = &g_array_index (units, pb_unit_t, k - 1), *b = a + 1;
          double gap = a->ink_right + b->ink_left;
          if (gap > DASH_GAP_EM * b->size)
            total += gap;
        }
      for (guint k = i; k < j; k++)
        {
          pb_unit_t *u = &g_array_index (units, pb_unit_t, k);
          if (k > i)
            {
              double gap = (u - 1)->ink_right + u->ink_left;
              if (gap > DASH_GAP_EM * u->size)
                closed += gap;
            }
          u->ink_shift = total / 2 - closed;
        }
      i = j;
    }
}

/* The character before `at` in `text`, 0 at the start. */
static gunichar
char_before (const char *text, const char *at)
{
  return at > text ? g_utf8_get_char (g_utf8_prev_char (at)) : 0;
}

static void
mark_breaks (GArray *units, const char *text)
{
  for (guint i = 0; i < units->len; i++)
    {
      pb_unit_t *u = &g_array_index (units, pb_unit_t, i);
      pb_unit_t *next = i + 1 < units->len ? u + 1 : NULL;
      const char *end = text + u->start + u->len;
      const char *last = g_utf8_prev_char (end);
      u->break_after = next ? pb_break_between (char_before (text, last), g_utf8_get_char (last),
                                                g_utf8_get_char (end))
                            : PB_BREAK_NEVER;
      /* Latin words and numbers are not letter-spaced; —— and …… stay solid. */
      if (next)
        {
          gboolean same_word = (u->cls == PB_CLS_ALNUM || u->cls == PB_CLS_NUMPUNCT)
                               && (next->cls == PB_CLS_ALNUM || next->cls == PB_CLS_NUMPUNCT);
          gboolean same_mark = (u->cls == PB_CLS_DASH || u->cls == PB_CLS_ELLIPSIS)
                               && next->cls == u->cls;
          next->stretch_before = !same_word && !same_mark;
          next->solid = same_mark;
        }
      if ((u->cls == PB_CLS_DASH || u->cls == PB_CLS_ELLIPSIS)
          && g_utf8_next_char (text + u->start) < end)
        u->solid = TRUE;
    }
}

/* Where a dateline (电头) may break: after its space, before its date, after 讯 电 and the
 * colon that end it, and on either side of 记者 通讯员 报道, which stand around a name. */
#define DATELINE_BREAK_AFTER "讯电：:"
static const char *const dateline_words[] = { "记者", "通讯员", "报道", NULL };

static gboolean
dateline_boundary (const char *text, const pb_unit_t *u)
{
  const char *end = text + u->start + u->len;
  gunichar last = g_utf8_get_char (g_utf8_prev_char (end));
  gunichar first = g_utf8_get_char (end);
  if (u->cls == PB_CLS_SPACE || (first < 0x80 && g_ascii_isdigit (first)))
    return TRUE;
  for (const char *p = DATELINE_BREAK_AFTER; *p; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) == last)
      return TRUE;
  for (int k = 0; dateline_words[k]; k++)
    {
      size_t n = strlen (dateline_words[k]);
      if ((end - text >= (ptrdiff_t) n && memcmp (end - n, dateline_words[k], n) == 0)
          || strncmp (end, dateline_words[k], n) == 0)
        return TRUE;
    }
  return FALSE;
}

void
pb_para_mark_dateline (pb_para_t *para, int start, int end)
{
  for (guint i = 0; i + 1 < para->units->len; i++)
    {
      pb_unit_t *u = &g_array_index (para->units, pb_unit_t, i);
      if (u->start < start || u->start + u->len >= end)
        continue;
      if (u->break_after == PB_BREAK_ALLOWED && !dateline_boundary (para->text, u))
        u->break_after = PB_BREAK_RELUCTANT;
    }
}

void
pb_para_mark_dots (pb_para_t *para, int start, int end)
{
  if (!para->dots)
    para->dots = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_append_val (para->dots, start);
  g_array_append_val (para->dots, end);
}

static void
shaped_clear (gpointer data)
{
  pb_shaped_t *s = data;
  g_object_unref (s->font);
  g_free (s->glyphs);
}

static pb_para_t *
para_alloc (const char *text)
{
  pb_para_t *para = g_new0 (pb_para_t, 1);
  para->text = g_strdup (text);
  para->lines = g_array_new (FALSE, TRUE, sizeof (pb_para_line_t));
  return para;
}

/* A paragraph to break, sharing the glyphs of an already shaped one. */
static pb_para_t *
para_clone (const pb_para_t *shaped)
{
  pb_para_t *para = para_alloc (shaped->text);
  para->shaped = g_array_ref (shaped->shaped);
  para->units = g_array_sized_new (FALSE, FALSE, sizeof (pb_unit_t), shaped->units->len);
  g_array_append_vals (para->units, shaped->units->data, shaped->units->len);
  para->has_space = shaped->has_space;
  return para;
}

/* The most combining marks on one character: Unicode's stream-safe text (UAX #15) has no more
 * than 30 in a row. HarfBuzz positions a mark against those before it, so a stack of many
 * thousands took minutes to shape. */
#define PB_MAX_STACKED_MARKS 30

/* The byte offset of the first mark beyond PB_MAX_STACKED_MARKS in a row; -1 when none. */
static int
overstacked_mark (const char *text)
{
  int run = 0;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      run = g_unichar_ismark (g_utf8_get_char (p)) ? run + 1 : 0;
      if (run > PB_MAX_STACKED_MARKS)
        return p - text;
    }
  return -1;
}

static pb_para_t *
shape_paragraph (pb_fonts_t *fonts, const char *text, const pb_style_run_t *runs, int n_runs,
                 int *bad_offset, GError **error)
{
  int stacked = overstacked_mark (text);
  if (stacked >= 0)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_INVALID, "more than %d combining marks (U+%04X …) "
                   "on one character", PB_MAX_STACKED_MARKS, g_utf8_get_char (text + stacked));
      if (bad_offset)
        *bad_offset = stacked;
      return NULL;
    }
  pb_para_t *para = para_alloc (text);
  para->shaped = g_array_new (FALSE, TRUE, sizeof (pb_shaped_t));
  g_array_set_clear_func (para->shaped, shaped_clear);
  para->units = g_array_new (FALSE, TRUE, sizeof (pb_unit_t));
  int len = strlen (text);
  if (len == 0)
    return para;
  PangoAttrList *attrs = style_attrs (runs, n_runs);
  GList *items = pb_fonts_itemize (fonts, text, 0, len, attrs);
  pango_attr_list_unref (attrs);
  int bad = -1;
  GError *font_error = NULL;
  gboolean ok = shape_items (fonts, para, items, &bad, &font_error);
  g_list_free_full (items, (GDestroyNotify) pango_item_free);
  if (font_error)
    {
      g_propagate_error (error, font_error);
      pb_para_free (para);
      return NULL;
    }
  if (!ok)
    {
      gunichar c = g_utf8_get_char (text + bad);
      char ch[8] = { 0 };
      g_unichar_to_utf8 (c, ch);
      g_set_error (error, PB_ERROR, PB_ERROR_GLYPH, "no font has a glyph for U+%04X “%s”", c, ch);
      if (bad_offset)
        *bad_offset = bad;
      pb_para_free (para);
      return NULL;
    }
  compress_adjacent (para->units);
  join_dashes (para->units);
  mark_breaks (para->units, para->text);
  for (guint i = 0; i + 1 < para->units->len; i++)
    para->has_space |= g_array_index (para->units, pb_unit_t, i).cls == PB_CLS_SPACE;
  return para;
}

/* The shaping cache's key: the text and, per run, what shaping depends on. */
static char *
shape_key (const char *text, const pb_style_run_t *runs, int n_runs)
{
  GString *key = g_string_new (NULL);
  for (int i = 0; i < n_runs; i++)
    g_string_append_printf (key, "%d-%d:%s,%s:%d:%.3f|", runs[i].start, runs[i].end,
                            runs[i].style->font,
                            runs[i].style->fallback ? runs[i].style->fallback : "",
                            runs[i].style->weight, runs[i].style->size);
  g_string_append (key, text);
  return g_string_free (key, FALSE);
}

pb_para_t *
pb_para_new (pb_fonts_t *fonts, const char *text, const pb_style_run_t *runs, int n_runs,
             int *bad_offset, GError **error)
{
  /* Shaping is the costliest step; a host that renders the issue again (a proof after a
   * correction, the nightly run of every page) meets most paragraphs a second time. */
  char *key = shape_key (text, runs, n_runs);
  pb_fonts_lock (fonts);
  const pb_para_t *cached = pb_fonts_cache_lookup (fonts, key);
  pb_para_t *para = cached ? para_clone (cached) : NULL;
  pb_fonts_unlock (fonts);
  if (para)
    {
      g_free (key);
      return para;
    }
  pb_para_t *shaped = shape_paragraph (fonts, text, runs, n_runs, bad_offset, error);
  if (!shaped)
    {
      g_free (key);
      return NULL;
    }
  para = para_clone (shaped);
  pb_fonts_lock (fonts);
  pb_fonts_cache_insert (fonts, key, shaped, (GDestroyNotify) pb_para_free);
  pb_fonts_unlock (fonts);
  return para;
}

void
pb_para_free (pb_para_t *para)
{
  if (!para)
    return;
  g_array_unref (para->shaped);
  g_array_free (para->units, TRUE);
  g_array_free (para->lines, TRUE);
  pb_para_forget_breaks (para);
  g_free (para->sum_advance);
  g_free (para->sum_room);
  g_free (para->sum_latin);
  g_free (para->sum_gaps);
  g_free (para->sum_solid);
  if (para->dots)
    g_array_free (para->dots, TRUE);
  g_free (para->text);
  g_free (para);
}
