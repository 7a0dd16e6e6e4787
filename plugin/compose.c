#include "compose.h"

#include <hb.h>
#include <math.h>
#include <string.h>
#include "clreq.h"

/* A shaped glyph, in points. */
typedef struct {
  hb_codepoint_t id;
  double x_offset, y_offset, advance;
} pb_glyph_t;

/* One Pango item shaped with HarfBuzz. */
typedef struct {
  PangoFont *font;
  double size;
  pb_glyph_t *glyphs;
  int n_glyphs;
} pb_shaped_t;

/* Which side of a punctuation mark's em is blank, as the font's `halt` feature tells. */
typedef enum { PB_BLANK_NONE, PB_BLANK_RIGHT, PB_BLANK_LEFT, PB_BLANK_BOTH } pb_blank_t;

/* A cluster: the unit of breaking and spacing. */
typedef struct {
  int start, len;          /* bytes of the paragraph text */
  int shaped, glyph0, n_glyphs;
  double advance;          /* natural */
  double squeeze_max;      /* how much compression may take away */
  double squeeze_fixed;    /* taken away by adjacent-punctuation compression */
  double squeeze;          /* taken away in the final line */
  pb_blank_t blank;
  pb_cls_t cls;
  double size;
  pb_break_t break_after;
  gboolean stretch_before; /* the gap before this unit may widen in justification */
  double ink_left, ink_right; /* a dash's blank before and after its ink (side bearings) */
  double ink_shift;        /* a dash moved towards its neighbours so their inks meet */
} pb_unit_t;

typedef struct {
  int first, last;         /* units [first, last), trailing space excluded */
  double x_start;          /* indent or alignment offset */
  double gap_extra;        /* added at every stretchable gap */
  double width;            /* advance end */
  double latin_space;      /* between Han and Latin, from the measure */
} pb_para_line_t;

struct pb_para {
  char *text;
  GArray *shaped;          /* of pb_shaped_t */
  GArray *units;           /* of pb_unit_t */
  GArray *lines;           /* of pb_para_line_t */
  gboolean has_space;      /* holds a breakable space */
  /* Prefix sums over the units for the measure being broken, so a candidate line is measured
   * in constant time: advances after fixed compression, squeezable blank, Han–Latin gaps,
   * stretchable gaps (sums[k] covers units 0 … k-1). */
  double *sum_advance, *sum_room, *sum_latin;
  int *sum_gaps;
};

#define PT(v) ((v) / (double) PANGO_SCALE)

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

static gboolean
shape_items (pb_fonts_t *fonts, pb_para_t *para, GList *items, int *bad_offset)
{
  for (GList *l = items; l; l = l->next)
    {
      PangoItem *item = l->data;
      /* Pango creates the HarfBuzz font on first use and describes fonts from shared state;
       * HarfBuzz shapes with a finished font on any thread. */
      pb_fonts_lock (fonts);
      hb_font_t *font = pango_font_get_hb_font (item->analysis.font);
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
        }
    }
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

static pb_para_t *
shape_paragraph (pb_fonts_t *fonts, const char *text, const pb_style_run_t *runs, int n_runs,
                 int *bad_offset, GError **error)
{
  pb_para_t *para = para_alloc (text);
  para->shaped = g_array_new (FALSE, TRUE, sizeof (pb_shaped_t));
  g_array_set_clear_func (para->shaped, shaped_clear);
  para->units = g_array_new (FALSE, TRUE, sizeof (pb_unit_t));
  int len = strlen (text);
  if (len == 0)
    return para;
  PangoAttrList *attrs = style_attrs (runs, n_runs);
  pb_fonts_lock (fonts);
  GList *items = pango_itemize (pb_fonts_context (fonts), text, 0, len, attrs, NULL);
  pb_fonts_unlock (fonts);
  pango_attr_list_unref (attrs);
  int bad = -1;
  gboolean ok = shape_items (fonts, para, items, &bad);
  g_list_free_full (items, (GDestroyNotify) pango_item_free);
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
    g_string_append_printf (key, "%d-%d:%s:%d:%.3f|", runs[i].start, runs[i].end,
                            runs[i].style->font, runs[i].style->weight, runs[i].style->size);
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
  g_free (para->sum_advance);
  g_free (para->sum_room);
  g_free (para->sum_latin);
  g_free (para->sum_gaps);
  g_free (para->text);
  g_free (para);
}

/* ---- total-fit breaking ---- */

#define INFEASIBLE 1e30
#define MAX_STRETCH_EM 0.5  /* beyond this a line is only taken when nothing else fits */
/* Lengths closer than this (pt) count as equal when a line is measured. */
#define FIT_EPSILON 0.001
/* Badness: stretching by r em per gap costs STRETCH_COST·(r/STRETCH_UNIT_EM)³; pushing in
 * punctuation costs SQUEEZE_COST·(need/(SQUEEZE_UNIT_EM em))², less for the same amount, so
 * compression comes first (clreq: reduce before expand); a ragged (unjustified) line costs
 * RAGGED_COST·(white/em)². */
#define STRETCH_COST 100
#define STRETCH_UNIT_EM 0.1
#define SQUEEZE_COST 40
#define SQUEEZE_UNIT_EM 0.5
#define RAGGED_COST 10
/* Demerits added to a last line of one character (a runt) and, in a display line with spaces,
 * to a break that is not at a space. */
#define RUNT_DEMERITS 1e6
#define NOT_AT_SPACE_DEMERITS 1e5

/* What a candidate line [first, last) needs, before the choice of adjustments. */
typedef struct {
  double natural;          /* advances after fixed compression, plus indent */
  double end_squeeze;      /* the last mark's blank: free to remove */
  double mid_squeeze;      /* other marks' remaining blanks */
  int gaps;                /* stretchable gaps */
  int last_visible;        /* index after the last unit that is set (trailing space dropped) */
} pb_fit_t;

static inline const pb_unit_t *
unit_at (const pb_para_t *para, int i)
{
  return &g_array_index (para->units, pb_unit_t, i);
}

/* The fixed space clreq allows between Han and Western text, inside a line only. */
static double
latin_gap (const pb_para_t *para, int i, const pb_measure_t *m)
{
  if (m->latin_space <= 0 || i == 0)
    return 0;
  pb_cls_t a = unit_at (para, i - 1)->cls, b = unit_at (para, i)->cls;
  return (a == PB_CLS_IDEO && b == PB_CLS_ALNUM) || (a == PB_CLS_ALNUM && b == PB_CLS_IDEO)
         ? m->latin_space : 0;
}

static void
prepare_sums (pb_para_t *para, const pb_measure_t *m)
{
  int n = para->units->len;
  para->sum_advance = g_renew (double, para->sum_advance, n + 1);
  para->sum_room = g_renew (double, para->sum_room, n + 1);
  para->sum_latin = g_renew (double, para->sum_latin, n + 1);
  para->sum_gaps = g_renew (int, para->sum_gaps, n + 1);
  para->sum_advance[0] = para->sum_room[0] = para->sum_latin[0] = 0;
  para->sum_gaps[0] = 0;
  for (int i = 0; i < n; i++)
    {
      const pb_unit_t *u = unit_at (para, i);
      para->sum_advance[i + 1] = para->sum_advance[i] + u->advance - u->squeeze_fixed;
      para->sum_room[i + 1] = para->sum_room[i] + u->squeeze_max - u->squeeze_fixed;
      para->sum_latin[i + 1] = para->sum_latin[i] + latin_gap (para, i, m);
      para->sum_gaps[i + 1] = para->sum_gaps[i] + (u->stretch_before ? 1 : 0);
    }
}

/* Gaps before units first+1 … end-1 come from the sums from first+1 to end. */
static void
measure_line (const pb_para_t *para, int first, int last, const pb_measure_t *m, pb_fit_t *fit)
{
  int end = last;
  if (end - 1 > first && unit_at (para, end - 1)->cls == PB_CLS_SPACE)
    end--;
  fit->last_visible = end;
  fit->natural = (first == 0 ? m->indent : 0) + para->sum_advance[end] - para->sum_advance[first]
                 + para->sum_latin[end] - para->sum_latin[first + 1];
  fit->mid_squeeze = para->sum_room[end] - para->sum_room[first];
  fit->end_squeeze = 0;
  const pb_unit_t *u = unit_at (para, end - 1);
  if (u->blank == PB_BLANK_RIGHT || u->blank == PB_BLANK_BOTH)
    {
      double room = u->squeeze_max - u->squeeze_fixed;
      fit->mid_squeeze -= room;
      fit->end_squeeze = u->blank == PB_BLANK_RIGHT ? room : room / 2;
    }
  fit->gaps = para->sum_gaps[end] - para->sum_gaps[first + 1];
}

static double
cube (double x)
{
  return x * x * x;
}

/* The stretch per gap (em) beyond which a line counts as letterspaced. */
static double
stretch_limit (const pb_measure_t *m)
{
  return m->stretch_limit > 0 ? m->stretch_limit : PB_STRETCH_LIMIT_EM;
}

/* Demerits of a break the rules discourage (126|万亿元, 6|月12日): those of a line stretched
 * to the letterspacing limit. So a number leaves its unit only where keeping them together
 * would stretch some line beyond the limit: a penalty, not a ban. */
static double
discouraged_demerits (const pb_measure_t *m)
{
  double bad = STRETCH_COST * cube (stretch_limit (m) / STRETCH_UNIT_EM);
  return (1 + bad) * (1 + bad);
}

/* Badness of a line (the constants above). */
static double
line_badness (const pb_fit_t *fit, const pb_measure_t *m, gboolean last_line)
{
  double diff = m->width - fit->natural;
  double em = m->em;
  if (diff < 0)
    {
      double need = -diff - fit->end_squeeze;
      if (need <= FIT_EPSILON)
        return 0;
      if (need > fit->mid_squeeze + FIT_EPSILON)
        return INFEASIBLE;
      return SQUEEZE_COST * (need / (SQUEEZE_UNIT_EM * em)) * (need / (SQUEEZE_UNIT_EM * em));
    }
  if (m->align != PB_ALIGN_JUSTIFY)
    return last_line && m->align == PB_ALIGN_LEFT ? 0 : (diff / em) * (diff / em) * RAGGED_COST;
  if (last_line || diff < FIT_EPSILON)
    return 0;
  if (fit->gaps == 0)
    return INFEASIBLE;
  double r = diff / fit->gaps / em;
  if (r > MAX_STRETCH_EM)
    return INFEASIBLE;
  return STRETCH_COST * cube (r / STRETCH_UNIT_EM);
}

/* Units that print as characters on a line (not spaces, not punctuation). */
static int
count_letters (const pb_para_t *para, int first, int last)
{
  int n = 0;
  for (int i = first; i < last; i++)
    {
      pb_cls_t c = unit_at (para, i)->cls;
      if (c != PB_CLS_SPACE && !pb_cls_is_punct (c))
        n++;
    }
  return n;
}

static double
line_demerits (const pb_para_t *para, int first, int last, const pb_measure_t *m,
               double *badness_out)
{
  gboolean last_line = last == (int) para->units->len;
  pb_fit_t fit;
  measure_line (para, first, last, m, &fit);
  double bad = line_badness (&fit, m, last_line);
  *badness_out = bad;
  if (bad >= INFEASIBLE)
    return INFEASIBLE;
  double d = (1 + bad) * (1 + bad);
  /* A paragraph ending in one character (with its punctuation) is a runt. */
  if (last_line && first > 0 && count_letters (para, first, last) <= 1)
    d += RUNT_DEMERITS;
  pb_break_t brk = unit_at (para, last - 1)->break_after;
  if (!last_line && brk == PB_BREAK_DISCOURAGED)
    d += discouraged_demerits (m);
  else if (!last_line && brk == PB_BREAK_RELUCTANT)
    d += discouraged_demerits (m) / 2;
  /* In a headline a space separates phrases (大力推进产业 加快发展科技): break there, not inside
   * a phrase, when the headline has spaces at all. */
  if (!last_line && m->align != PB_ALIGN_JUSTIFY && para->has_space
      && unit_at (para, last - 1)->cls != PB_CLS_SPACE)
    d += NOT_AT_SPACE_DEMERITS;
  return d;
}

#define EMERGENCY 1e12   /* demerits of a line taken only because nothing else fits */

typedef void (*pb_relax_fn) (void *state, int first, int last, double demerits);

/* Offers every line [first, j) worth considering: the feasible ones or, when there are none,
 * the longest legal line (or a cut where the text overflows) at emergency cost. */
static void
scan_lines (const pb_para_t *para, const pb_measure_t *m, int first, pb_relax_fn relax,
            void *state)
{
  int n = para->units->len;
  gboolean any = FALSE;
  int fallback_break = -1, fallback_any = first + 1;
  double w = first == 0 ? m->indent : 0;
  for (int j = first + 1; j <= n; j++)
    {
      const pb_unit_t *u = unit_at (para, j - 1);
      w += u->advance - u->squeeze_max + (j - 1 > first ? latin_gap (para, j - 1, m) : 0);
      /* a trailing space does not count against the measure */
      gboolean fits = w - (u->cls == PB_CLS_SPACE ? u->advance - u->squeeze_max : 0)
                      <= m->width + FIT_EPSILON;
      if (!fits && j > first + 1)
        break;
      fallback_any = j;
      if (j < n && u->break_after == PB_BREAK_NEVER)
        continue;
      fallback_break = j;
      double bad;
      double d = line_demerits (para, first, j, m, &bad);
      if (d >= INFEASIBLE)
        continue;
      any = TRUE;
      relax (state, first, j, d);
    }
  if (!any)
    relax (state, first, fallback_break > first ? fallback_break : fallback_any,
           fallback_break > first ? EMERGENCY : 1000 * EMERGENCY);
}

/* Shortest path over break positions: best[j] is the least total demerits to break before j. */
typedef struct {
  double *best;
  int *prev;
} pb_free_fit_t;

static void
relax_free (void *state, int first, int last, double d)
{
  pb_free_fit_t *s = state;
  if (s->best[first] + d < s->best[last])
    {
      s->best[last] = s->best[first] + d;
      s->prev[last] = first;
    }
}

/* The same with the number of lines as a second coordinate, for a given line count. */
typedef struct {
  int n, layer;
  double *best;            /* (lines + 1) × (n + 1) */
  int *prev;
} pb_exact_fit_t;

static void
relax_exact (void *state, int first, int last, double d)
{
  pb_exact_fit_t *s = state;
  double *from = &s->best[s->layer * (s->n + 1) + first];
  double *to = &s->best[(s->layer + 1) * (s->n + 1) + last];
  if (*from + d < *to)
    {
      *to = *from + d;
      s->prev[(s->layer + 1) * (s->n + 1) + last] = first;
    }
}

/* Fills `ends` with the line ends of the best breaks; with `lines` > 0, of exactly that many
 * lines. Returns the total demerits (INFINITY when that many lines cannot be made). */
static double
find_breaks (pb_para_t *para, const pb_measure_t *m, int lines, GArray *ends)
{
  int n = para->units->len;
  prepare_sums (para, m);
  int layers = lines > 0 ? lines + 1 : 1;
  double *best = g_new (double, (gsize) layers * (n + 1));
  int *prev = g_new0 (int, (gsize) layers * (n + 1));
  for (int i = 0; i < layers * (n + 1); i++)
    best[i] = INFINITY;
  best[0] = 0;
  double total;
  if (lines <= 0)
    {
      pb_free_fit_t s = { best, prev };
      for (int i = 0; i < n; i++)
        if (!isinf (best[i]))
          scan_lines (para, m, i, relax_free, &s);
      total = best[n];
      for (int j = n; j > 0; j = prev[j])
        g_array_prepend_val (ends, j);
    }
  else
    {
      pb_exact_fit_t s = { n, 0, best, prev };
      for (s.layer = 0; s.layer < lines; s.layer++)
        for (int i = 0; i < n; i++)
          if (!isinf (best[s.layer * (n + 1) + i]))
            scan_lines (para, m, i, relax_exact, &s);
      total = best[lines * (n + 1) + n];
      if (!isinf (total))
        for (int l = lines, j = n; l > 0; j = prev[l * (n + 1) + j], l--)
          g_array_prepend_val (ends, j);
    }
  g_free (best);
  g_free (prev);
  return total;
}

/* Takes `need` points out of the line's marks: the line-end mark first, then ，、；：and brackets,
 * then 。？！ (clreq's order of reduction). */
static void
squeeze_line (pb_para_t *para, int first, int end, double need)
{
  pb_unit_t *last = &g_array_index (para->units, pb_unit_t, end - 1);
  if (last->blank == PB_BLANK_RIGHT || last->blank == PB_BLANK_BOTH)
    {
      double room = last->squeeze_max - last->squeeze_fixed;
      if (last->blank == PB_BLANK_BOTH)
        room /= 2;
      double take = MIN (room, need);
      last->squeeze += take;
      need -= take;
    }
  for (int tier = 0; tier < 2 && need > 0.0001; tier++)
    {
      double room = 0;
      for (int i = first; i < end - 1; i++)
        {
          pb_unit_t *u = &g_array_index (para->units, pb_unit_t, i);
          gunichar c = g_utf8_get_char (para->text + u->start);
          gboolean full_stop = c == 0x3002 || c == 0xFF1F || c == 0xFF01;
          if (full_stop == (tier == 1))
            room += u->squeeze_max - u->squeeze_fixed;
        }
      if (room <= 0)
        continue;
      double frac = MIN (1.0, need / room);
      for (int i = first; i < end - 1; i++)
        {
          pb_unit_t *u = &g_array_index (para->units, pb_unit_t, i);
          gunichar c = g_utf8_get_char (para->text + u->start);
          gboolean full_stop = c == 0x3002 || c == 0xFF1F || c == 0xFF01;
          if (full_stop == (tier == 1))
            u->squeeze += frac * (u->squeeze_max - u->squeeze_fixed);
        }
      need -= frac * room;
    }
}

static void
set_line (pb_para_t *para, int first, int last, const pb_measure_t *m)
{
  gboolean last_line = last == (int) para->units->len;
  pb_fit_t fit;
  measure_line (para, first, last, m, &fit);
  for (int i = first; i < last; i++)
    g_array_index (para->units, pb_unit_t, i).squeeze = g_array_index (para->units, pb_unit_t, i).squeeze_fixed;

  pb_para_line_t line = { first, fit.last_visible, first == 0 ? m->indent : 0, 0, fit.natural,
                          m->latin_space };
  double diff = m->width - fit.natural;
  if (diff < 0)
    {
      squeeze_line (para, first, fit.last_visible, -diff);
      line.width = fit.natural;
      for (int i = first; i < fit.last_visible; i++)
        {
          const pb_unit_t *u = unit_at (para, i);
          line.width -= u->squeeze - u->squeeze_fixed;
        }
    }
  else if (m->align == PB_ALIGN_JUSTIFY && !last_line && fit.gaps > 0)
    {
      line.gap_extra = diff / fit.gaps;
      line.width = m->width;
    }
  else if (m->align == PB_ALIGN_CENTER)
    line.x_start += diff / 2;
  else if (m->align == PB_ALIGN_RIGHT)
    line.x_start += diff;
  g_array_append_val (para->lines, line);
}

static void
set_lines (pb_para_t *para, const GArray *ends, const pb_measure_t *measure)
{
  g_array_set_size (para->lines, 0);
  int first = 0;
  for (guint k = 0; k < ends->len; k++)
    {
      int last = g_array_index (ends, int, k);
      set_line (para, first, last, measure);
      first = last;
    }
}

int
pb_para_break (pb_para_t *para, const pb_measure_t *measure)
{
  g_array_set_size (para->lines, 0);
  if (para->units->len == 0)
    return 0;
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (int));
  find_breaks (para, measure, 0, ends);
  set_lines (para, ends, measure);
  g_array_free (ends, TRUE);
  return para->lines->len;
}

gboolean
pb_para_break_exact (pb_para_t *para, const pb_measure_t *measure, int lines, double *demerits)
{
  if (para->units->len == 0 || lines < 1)
    return FALSE;
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (int));
  double total = find_breaks (para, measure, lines, ends);
  gboolean ok = total < EMERGENCY;
  if (ok)
    set_lines (para, ends, measure);
  if (demerits)
    *demerits = total;
  g_array_free (ends, TRUE);
  return ok;
}


int
pb_para_n_lines (const pb_para_t *para)
{
  return para->lines->len;
}



/* ---- emitting positioned glyphs ---- */

static pb_glyph_run_t *
run_new (PangoFont *font)
{
  pb_glyph_run_t *run = g_new0 (pb_glyph_run_t, 1);
  run->font = g_object_ref (font);
  return run;
}

static void
run_add_unit (pb_glyph_run_t *run, const pb_para_t *para, const pb_unit_t *u, double x,
              double baseline)
{
  const pb_shaped_t *s = &g_array_index (para->shaped, pb_shaped_t, u->shaped);
  run->glyphs = g_renew (cairo_glyph_t, run->glyphs, run->n_glyphs + u->n_glyphs);
  double shift = u->blank == PB_BLANK_LEFT ? -u->squeeze
                 : u->blank == PB_BLANK_BOTH ? -u->squeeze / 2 : 0;
  double pen = x + shift + u->ink_shift;
  for (int k = 0; k < u->n_glyphs; k++)
    {
      const pb_glyph_t *g = &s->glyphs[u->glyph0 + k];
      run->glyphs[run->n_glyphs++] = (cairo_glyph_t) { g->id, pen + g->x_offset,
                                                       baseline - g->y_offset };
      pen += g->advance;
    }
  run->clusters = g_renew (cairo_text_cluster_t, run->clusters, run->n_clusters + 1);
  run->clusters[run->n_clusters++] = (cairo_text_cluster_t) { u->len, u->n_glyphs };
  run->text = g_realloc (run->text, run->text_len + u->len + 1);
  memcpy (run->text + run->text_len, para->text + u->start, u->len);
  run->text_len += u->len;
  run->text[run->text_len] = '\0';
}

void
pb_para_emit_line (const pb_para_t *para, int index, double x, double baseline, pb_line_t *line)
{
  const pb_para_line_t *pl = &g_array_index (para->lines, pb_para_line_t, index);
  GString *text = g_string_new (NULL);
  pb_glyph_run_t *run = NULL;
  int run_shaped = -1;
  double pen = x + pl->x_start;
  pb_measure_t spacing = { .latin_space = pl->latin_space };
  line->size = 0;
  for (int i = pl->first; i < pl->last; i++)
    {
      const pb_unit_t *u = unit_at (para, i);
      if (i > pl->first && u->stretch_before)
        pen += pl->gap_extra;
      if (i > pl->first)
        pen += latin_gap (para, i, &spacing);
      if (u->shaped != run_shaped)
        {
          run = run_new (g_array_index (para->shaped, pb_shaped_t, u->shaped).font);
          g_ptr_array_add (line->runs, run);
          run_shaped = u->shaped;
        }
      run_add_unit (run, para, u, pen, baseline);
      g_string_append_len (text, para->text + u->start, u->len);
      pen += u->advance - u->squeeze;
      line->size = MAX (line->size, u->size);
    }
  line->x = x;
  line->baseline = baseline;
  line->width = pen - x;
  line->line_no = index;
  line->para_end = index == (int) para->lines->len - 1;
  g_free (line->text);
  line->text = g_string_free (text, FALSE);
}
