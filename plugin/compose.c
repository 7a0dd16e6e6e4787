#include "paragraph.h"

#include <math.h>
#include <string.h>

/* ---- total-fit breaking ---- */

#define INFEASIBLE 1e30
#define MAX_STRETCH_EM 0.5  /* beyond this a line is only taken when nothing else fits */
/* Lengths closer than this (pt) count as equal when a line is measured. */
#define FIT_EPSILON 0.001
/* Display lines are balanced up to this many lines, over at most this many candidate lengths
 * of the longest line (each costs a search of the breaks). */
#define PB_BALANCE_MAX_LINES 8
#define PB_BALANCE_MAX_WIDTHS 512
/* Badness: stretching by r em per gap costs STRETCH_COST·(r/STRETCH_UNIT_EM)³; pushing in
 * punctuation costs SQUEEZE_COST·(need/(SQUEEZE_UNIT_EM em))², less for the same amount, so
 * compression comes first (clreq: reduce before expand); a ragged (unjustified) line costs
 * RAGGED_COST·(white/em)². */
#define STRETCH_COST 100
#define STRETCH_UNIT_EM 0.1
#define SQUEEZE_COST 40
#define SQUEEZE_UNIT_EM 0.5
#define RAGGED_COST 10
/* Demerits added to a last line of one character (a runt). */
#define RUNT_DEMERITS 1e6
/* A stretched line holding a solid —— or …… looks uneven, the pair tight among wider gaps:
 * its badness counts this many times over. */
#define SOLID_STRETCH_FACTOR 2
/* A mark that hangs past the measure costs as much as this much stretch (em per gap), so a
 * line that fits as well without hanging keeps its mark inside. */
#define HANG_COST_EM 0.05
/* Ragged text with spaces (a headline's phrase marks): demerits of a break that is not at a
 * space, more than unbalanced lines cost, so a line breaks elsewhere only where no break at
 * a space fits. */
#define NOT_AT_SPACE_DEMERITS 1e7
/* Display text (pb_para_restrict_breaks): demerits of a break beside a one-character word
 * (about those of a line 4 em short), between two of them (6 em short), and inside a word or
 * between a number and its unit: taken only where no line can be made otherwise. */
#define WEAK_BOUND_DEMERITS 3e4
#define RUN_BOUND_DEMERITS 1.5e5
#define INSIDE_WORD_DEMERITS 1e9
/* Pyramid and inverted display shapes: a line aims this many em shorter than its neighbour
 * on the longer side. */
#define SHAPE_STEP_EM 2.0

/* What a candidate line [first, last) needs, before the choice of adjustments. */
typedef struct {
  double natural;          /* advances after fixed compression, plus indent */
  double end_squeeze;      /* the last mark's blank: free to remove */
  double mid_squeeze;      /* other marks' remaining blanks */
  int gaps;                /* stretchable gaps */
  int last_visible;        /* index after the last unit that is set (trailing space dropped) */
  double hang;             /* what of the line's last mark may hang past the measure, or 0 */
  int hang_gaps;           /* stretchable gaps when it hangs (not the one before the mark) */
  gboolean solid;          /* holds a solid —— or …… */
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
  para->sum_solid = g_renew (int, para->sum_solid, n + 1);
  para->sum_advance[0] = para->sum_room[0] = para->sum_latin[0] = 0;
  para->sum_gaps[0] = para->sum_solid[0] = 0;
  for (int i = 0; i < n; i++)
    {
      const pb_unit_t *u = unit_at (para, i);
      para->sum_advance[i + 1] = para->sum_advance[i] + u->advance - u->squeeze_fixed;
      para->sum_room[i + 1] = para->sum_room[i] + u->squeeze_max - u->squeeze_fixed;
      para->sum_latin[i + 1] = para->sum_latin[i] + latin_gap (para, i, m);
      para->sum_gaps[i + 1] = para->sum_gaps[i] + (u->stretch_before ? 1 : 0);
      para->sum_solid[i + 1] = para->sum_solid[i] + (u->solid ? 1 : 0);
    }
}

/* 。，、 may hang at a line end (clreq 悬挂) when the template allows it. */
static gboolean
can_hang (const pb_para_t *para, const pb_unit_t *u)
{
  gunichar c = g_utf8_get_char (para->text + u->start);
  return u->len == g_unichar_to_utf8 (c, NULL) && (c == 0x3002 || c == 0xFF0C || c == 0x3001);
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
  fit->solid = para->sum_solid[end] > para->sum_solid[first];
  fit->hang = 0;
  fit->hang_gaps = fit->gaps;
  if (m->hang && end - 1 > first && can_hang (para, u))
    {
      /* The mark, in its half-em form, goes past the measure. */
      fit->hang = u->advance - u->squeeze_fixed - fit->end_squeeze;
      fit->hang_gaps -= u->stretch_before ? 1 : 0;
    }
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

static double
stretch_badness (double diff, int gaps, const pb_measure_t *m)
{
  if (gaps == 0)
    return INFEASIBLE;
  double r = diff / gaps / m->em;
  if (r > MAX_STRETCH_EM)
    return INFEASIBLE;
  return STRETCH_COST * cube (r / STRETCH_UNIT_EM);
}

/* Badness of the line with its last mark hanging past the measure, INFEASIBLE when it cannot
 * hang or the rest does not fit. */
static double
hang_badness (const pb_fit_t *fit, const pb_measure_t *m, gboolean last_line)
{
  if (fit->hang <= 0 || m->align != PB_ALIGN_JUSTIFY || last_line)
    return INFEASIBLE;
  double diff = m->width - (fit->natural - fit->end_squeeze - fit->hang);
  if (diff < -FIT_EPSILON)
    return INFEASIBLE;
  return STRETCH_COST * cube (HANG_COST_EM / STRETCH_UNIT_EM)
         + (diff < FIT_EPSILON ? 0 : stretch_badness (diff, fit->hang_gaps, m));
}

/* Badness of a line (the constants above), its last mark set inside the measure. A display
 * line (m->shape not PB_SHAPE_FILL) costs by how far it falls short of `target` or passes it. */
static double
inside_badness (const pb_fit_t *fit, const pb_measure_t *m, double target, gboolean last_line)
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
  if (m->shape != PB_SHAPE_FILL)
    return ((target - fit->natural) / em) * ((target - fit->natural) / em) * RAGGED_COST;
  if (m->align != PB_ALIGN_JUSTIFY)
    return last_line && m->align == PB_ALIGN_LEFT ? 0 : (diff / em) * (diff / em) * RAGGED_COST;
  if (last_line || diff < FIT_EPSILON)
    return 0;
  double bad = stretch_badness (diff, fit->gaps, m);
  return fit->solid && bad < INFEASIBLE ? bad * SOLID_STRETCH_FACTOR : bad;
}

/* Badness of a line, and whether its last mark hangs to get it. */
static double
line_badness (const pb_fit_t *fit, const pb_measure_t *m, double target, gboolean last_line,
              gboolean *hang)
{
  double inside = inside_badness (fit, m, target, last_line);
  double hanging = hang_badness (fit, m, last_line);
  *hang = hanging < inside;
  return MIN (inside, hanging);
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

/* Whether units [first, last) hold a word boundary (display text): more than one word, or a
 * run of one-character words. */
static gboolean
holds_boundary (const pb_para_t *para, int first, int last)
{
  for (int i = first; i < last - 1; i++)
    if (unit_at (para, i)->bound >= PB_BOUND_RUN)
      return TRUE;
  return FALSE;
}

/* Display text: the cost of breaking after unit last − 1 by its word boundary, or of a last
 * line [first, last) of one word. */
static double
word_demerits (const pb_para_t *para, int first, int last, gboolean last_line)
{
  if (last_line)
    return first > 0 && !holds_boundary (para, first, last) ? RUNT_DEMERITS : 0;
  const pb_unit_t *u = unit_at (para, last - 1);
  if (u->break_after == PB_BREAK_DISCOURAGED || u->break_after == PB_BREAK_RELUCTANT)
    return INSIDE_WORD_DEMERITS;
  switch (u->bound)
    {
    case PB_BOUND_GOOD:
      return 0;
    case PB_BOUND_WEAK:
      return WEAK_BOUND_DEMERITS;
    case PB_BOUND_RUN:
      return RUN_BOUND_DEMERITS;
    default:
      return INSIDE_WORD_DEMERITS;
    }
}

/* Demerits of the line [first, last), its ragged length measured against `target`. */
static double
line_demerits (const pb_para_t *para, int first, int last, const pb_measure_t *m,
               double target, double *badness_out)
{
  gboolean last_line = last == (int) para->units->len;
  pb_fit_t fit;
  measure_line (para, first, last, m, &fit);
  gboolean hang;
  double bad = line_badness (&fit, m, target, last_line, &hang);
  *badness_out = bad;
  if (bad >= INFEASIBLE)
    return INFEASIBLE;
  double d = (1 + bad) * (1 + bad);
  pb_break_t brk = unit_at (para, last - 1)->break_after;
  if (para->words)
    d += word_demerits (para, first, last, last_line);
  /* A paragraph ending in one character (with its punctuation) is a runt: worse than any
   * line stretched up to the letterspacing limit, better than one beyond it. */
  else if (last_line && first > 0 && count_letters (para, first, last) <= 1)
    d += MAX (RUNT_DEMERITS, discouraged_demerits (m) + 1);
  else if (!last_line && brk == PB_BREAK_DISCOURAGED)
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
scan_lines (const pb_para_t *para, const pb_measure_t *m, int first, double target,
            pb_relax_fn relax, void *state)
{
  int n = para->units->len;
  gboolean any = FALSE;
  int fallback_break = -1, fallback_any = first + 1;
  double w = first == 0 ? m->indent : 0;
  for (int j = first + 1; j <= n; j++)
    {
      const pb_unit_t *u = unit_at (para, j - 1);
      w += u->advance - u->squeeze_max + (j - 1 > first ? latin_gap (para, j - 1, m) : 0);
      /* a trailing space does not count against the measure, nor a mark that may hang */
      gboolean hangs = m->hang && can_hang (para, u);
      gboolean fits = w - (u->cls == PB_CLS_SPACE || hangs ? u->advance - u->squeeze_max : 0)
                      <= m->width + FIT_EPSILON;
      if (!fits && j > first + 1)
        break;
      fallback_any = j;
      if (j < n && u->break_after == PB_BREAK_NEVER)
        continue;
      fallback_break = j;
      double bad;
      double d = line_demerits (para, first, j, m, target, &bad);
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

/* The length display line `index` of `lines` aims at: the measure (there the longest line),
 * less SHAPE_STEP_EM for each line between it and the longest in a pyramid or inverted one. */
static double
shape_target (const pb_measure_t *m, int index, int lines)
{
  int steps = m->shape == PB_SHAPE_PYRAMID ? lines - 1 - index
              : m->shape == PB_SHAPE_INVERTED ? index : 0;
  return m->width - steps * SHAPE_STEP_EM * m->em;
}

static void
keep_cand (void *state, int first, int last, double d)
{
  pb_cand_t c = { last, d };
  g_array_append_val ((GArray *) state, c);
}

/* Offers the lines from unit `first` as scan_lines does (at the target m->width), measured
 * the first time and kept in the paragraph: the breaks of a filled paragraph into any count of
 * lines at its exact_measure weigh the same lines, in the same order. */
static void
offer_kept_lines (pb_para_t *para, const pb_measure_t *m, int first, pb_relax_fn relax,
                  void *state)
{
  int n = para->units->len;
  if (!para->cands)
    {
      para->cands = g_array_new (FALSE, FALSE, sizeof (pb_cand_t));
      para->cands_at = g_new (int, n);
      para->cands_end = g_new (int, n);
      for (int i = 0; i < n; i++)
        para->cands_at[i] = -1;
    }
  if (para->cands_at[first] < 0)
    {
      para->cands_at[first] = para->cands->len;
      scan_lines (para, m, first, m->width, keep_cand, para->cands);
      para->cands_end[first] = para->cands->len;
    }
  for (int k = para->cands_at[first]; k < para->cands_end[first]; k++)
    {
      const pb_cand_t *c = &g_array_index (para->cands, pb_cand_t, k);
      relax (state, first, c->last, c->demerits);
    }
}

/* Fills `ends` with the line ends of the best breaks; with `lines` > 0, of exactly that many
 * lines. With `keep` (a filled paragraph at its exact_measure, `lines` > 0) the candidate
 * lines are the paragraph's kept ones. Returns the total demerits (INFINITY when that many
 * lines cannot be made). */
static double
fit_breaks (pb_para_t *para, const pb_measure_t *m, int lines, gboolean keep, GArray *ends)
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
          scan_lines (para, m, i, m->width, relax_free, &s);
      total = best[n];
      for (int j = n; j > 0; j = prev[j])
        g_array_prepend_val (ends, j);
    }
  else
    {
      pb_exact_fit_t s = { n, 0, best, prev };
      for (s.layer = 0; s.layer < lines; s.layer++)
        for (int i = 0; i < n; i++)
          {
            if (isinf (best[s.layer * (n + 1) + i]))
              continue;
            if (keep)
              offer_kept_lines (para, m, i, relax_exact, &s);
            else
              scan_lines (para, m, i, shape_target (m, s.layer, lines), relax_exact, &s);
          }
      total = best[lines * (n + 1) + n];
      if (!isinf (total))
        for (int l = lines, j = n; l > 0; j = prev[l * (n + 1) + j], l--)
          g_array_prepend_val (ends, j);
    }
  g_free (best);
  g_free (prev);
  return total;
}

/* Whether a display line may end after unit `i` at a word boundary. */
static gboolean
ends_word (const pb_para_t *para, int i)
{
  const pb_unit_t *u = unit_at (para, i);
  return u->break_after == PB_BREAK_ALLOWED && (!para->words || u->bound > PB_BOUND_INSIDE);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The lengths the longest of `lines` display lines may have: those of the lines that can be
 * made between word boundaries within the measure, at least the text's length over `lines`,
 * and the measure itself; in order, without repeats. Returns a new array of double. */
static GArray *
candidate_widths (const pb_para_t *para, const pb_measure_t *m, int lines)
{
  int n = para->units->len;
  double least = (para->sum_advance[n] - para->sum_room[n]) / lines - FIT_EPSILON;
  GArray *widths = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_val (widths, m->width);
  for (int i = 0; i < n; i++)
    {
      if (i > 0 && !ends_word (para, i - 1))
        continue;
      for (int j = i + 1; j <= n; j++)
        {
          if (j < n && !ends_word (para, j - 1))
            continue;
          pb_fit_t fit;
          measure_line (para, i, j, m, &fit);
          double w = fit.natural - fit.end_squeeze;
          if (w > m->width)
            break;
          if (w >= least)
            g_array_append_val (widths, w);
        }
    }
  g_array_sort (widths, compare_doubles);
  guint kept = 0;
  for (guint k = 0; k < widths->len; k++)
    if (kept == 0 || g_array_index (widths, double, k)
                     > g_array_index (widths, double, kept - 1) + FIT_EPSILON)
      g_array_index (widths, double, kept++) = g_array_index (widths, double, k);
  g_array_set_size (widths, kept);
  /* Beyond PB_BALANCE_MAX_WIDTHS lengths, as many spread evenly over them, the measure last. */
  if (widths->len > PB_BALANCE_MAX_WIDTHS)
    {
      for (guint k = 0; k < PB_BALANCE_MAX_WIDTHS; k++)
        g_array_index (widths, double, k)
          = g_array_index (widths, double, (guint64) k * (widths->len - 1)
                                               / (PB_BALANCE_MAX_WIDTHS - 1));
      g_array_set_size (widths, PB_BALANCE_MAX_WIDTHS);
    }
  return widths;
}

/* Display lines chosen together: as many as filling them would take, their longest line as
 * long as the best choice makes it. Each candidate length of the longest line is tried as the
 * measure, the lines costing by how far they fall short of their shape there. */
static double
display_breaks (pb_para_t *para, const pb_measure_t *m, GArray *ends)
{
  double total = fit_breaks (para, m, 0, FALSE, ends);
  int lines = ends->len;
  /* Display text of more lines than a headline takes is a block: filled, not balanced (the
   * balancing tries a measure per candidate length, too many for long text). */
  if (lines < 2 || lines > PB_BALANCE_MAX_LINES || total >= EMERGENCY)
    return total;
  GArray *widths = candidate_widths (para, m, lines);
  GArray *trial = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint k = 0; k < widths->len; k++)
    {
      pb_measure_t at = *m;
      at.width = g_array_index (widths, double, k);
      g_array_set_size (trial, 0);
      double t = fit_breaks (para, &at, lines, FALSE, trial);
      if (t < total)
        {
          total = t;
          g_array_set_size (ends, 0);
          g_array_append_vals (ends, trial->data, trial->len);
        }
    }
  g_array_free (trial, TRUE);
  g_array_free (widths, TRUE);
  return total;
}

/* The best breaks (of exactly `lines` lines when > 0) into `ends`; their total demerits. */
static double
find_breaks (pb_para_t *para, const pb_measure_t *m, int lines, GArray *ends)
{
  if (lines <= 0 && m->shape != PB_SHAPE_FILL)
    return display_breaks (para, m, ends);
  return fit_breaks (para, m, lines, lines > 0 && m->shape == PB_SHAPE_FILL, ends);
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
                          m->latin_space, FALSE };
  double diff = m->width - fit.natural;
  gboolean hang;
  line_badness (&fit, m, m->width, last_line, &hang);
  if (hang)
    {
      /* The mark in its half-em form past the measure, the rest justified to it. */
      g_array_index (para->units, pb_unit_t, fit.last_visible - 1).squeeze += fit.end_squeeze;
      double rest = m->width - (fit.natural - fit.end_squeeze - fit.hang);
      line.hang = TRUE;
      line.gap_extra = rest > FIT_EPSILON && fit.hang_gaps > 0 ? rest / fit.hang_gaps : 0;
      line.width = m->width + fit.hang;
    }
  else if (diff < 0)
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


/* A break into an exact number of lines, remembered. */
typedef struct {
  GArray *ends;            /* of int */
  double total;
} pb_exact_t;

static void
exact_free (gpointer p)
{
  pb_exact_t *e = p;
  g_array_free (e->ends, TRUE);
  g_free (e);
}

gboolean
pb_same_measure (const pb_measure_t *a, const pb_measure_t *b)
{
  return a->width == b->width && a->indent == b->indent && a->align == b->align
         && a->em == b->em && a->latin_space == b->latin_space
         && a->stretch_limit == b->stretch_limit && a->hang == b->hang
         && a->shape == b->shape;
}

/* The breaks of `para` into `lines` lines (0: the best of any number) at `measure`: found
 * before or now. */
static const pb_exact_t *
exact_breaks (pb_para_t *para, const pb_measure_t *measure, int lines)
{
  if (!para->exact || !pb_same_measure (&para->exact_measure, measure))
    {
      pb_para_forget_breaks (para);
      para->exact = g_hash_table_new_full (NULL, NULL, NULL, exact_free);
      para->exact_measure = *measure;
    }
  pb_exact_t *e = g_hash_table_lookup (para->exact, GINT_TO_POINTER (lines));
  if (!e)
    {
      e = g_new (pb_exact_t, 1);
      e->ends = g_array_new (FALSE, FALSE, sizeof (int));
      e->total = find_breaks (para, measure, lines, e->ends);
      g_hash_table_insert (para->exact, GINT_TO_POINTER (lines), e);
    }
  return e;
}

int
pb_para_break (pb_para_t *para, const pb_measure_t *measure)
{
  g_array_set_size (para->lines, 0);
  if (para->units->len == 0)
    return 0;
  /* Remembered under 0 lines: the flow sets a paragraph back to these after trying others. */
  const pb_exact_t *e = exact_breaks (para, measure, 0);
  prepare_sums (para, measure);
  set_lines (para, e->ends, measure);
  para->demerits = e->total;
  return para->lines->len;
}

/* Whether breaks at `ends` leave one character (with its punctuation) alone on the last line
 * of a paragraph of several lines. */
static gboolean
ends_in_runt (const pb_para_t *para, const GArray *ends)
{
  guint n = ends->len;
  return n >= 2 && count_letters (para, g_array_index (ends, int, n - 2),
                                  g_array_index (ends, int, n - 1)) <= 1;
}

gboolean
pb_para_break_exact (pb_para_t *para, const pb_measure_t *measure, int lines, double *demerits)
{
  if (para->units->len == 0 || lines < 1)
    return FALSE;
  const pb_exact_t *e = exact_breaks (para, measure, lines);
  gboolean ok = e->total < EMERGENCY && !ends_in_runt (para, e->ends);
  if (ok)
    {
      prepare_sums (para, measure);
      set_lines (para, e->ends, measure);
      para->demerits = e->total;
    }
  if (demerits)
    *demerits = e->total;
  return ok;
}

int
pb_para_n_lines (const pb_para_t *para)
{
  return para->lines->len;
}

double
pb_para_demerits (const pb_para_t *para)
{
  return para->demerits;
}

void
pb_para_restrict_breaks (pb_para_t *para, const pb_boundary_t *bounds, int n)
{
  para->words = TRUE;
  int k = 0;
  for (guint i = 0; i < para->units->len; i++)
    {
      pb_unit_t *u = &g_array_index (para->units, pb_unit_t, i);
      int end = u->start + u->len;
      while (k < n && bounds[k].offset < end)
        k++;
      u->bound = k < n && bounds[k].offset == end ? bounds[k].kind : PB_BOUND_INSIDE;
    }
  /* Breaks set before were chosen without the boundaries. */
  pb_para_forget_breaks (para);
}

void
pb_para_discourage_inside_words (pb_para_t *para, int end, const pb_boundary_t *bounds, int n)
{
  int k = 0;
  for (guint i = 0; i < para->units->len; i++)
    {
      pb_unit_t *u = &g_array_index (para->units, pb_unit_t, i);
      int at = u->start + u->len;
      if (at >= end)
        break;
      while (k < n && bounds[k].offset < at)
        k++;
      gboolean boundary = k < n && bounds[k].offset == at;
      if (!boundary && u->break_after == PB_BREAK_ALLOWED)
        u->break_after = PB_BREAK_DISCOURAGED;
    }
  pb_para_forget_breaks (para);
}

void
pb_para_set_phrase_gap (pb_para_t *para, double gap)
{
  for (guint i = 1; i + 1 < para->units->len; i++)
    {
      pb_unit_t *u = &g_array_index (para->units, pb_unit_t, i);
      if (u->cls == PB_CLS_SPACE)
        u->advance = gap;
    }
  pb_para_forget_breaks (para);
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

/* An emphasis dot's radius and the drop of its centre below the baseline, in em: under the
 * em box (which ends PB_EM_DESCENT below the baseline), clear of the next line's. */
#define PB_DOT_RADIUS 0.08
#define PB_DOT_DROP 0.3

static gboolean
unit_dotted (const pb_para_t *para, const pb_unit_t *u)
{
  if (!para->dots || u->cls == PB_CLS_SPACE || (u->cls != PB_CLS_IDEO && u->cls != PB_CLS_ALNUM
                                                && u->cls != PB_CLS_OTHER))
    return FALSE;
  for (guint i = 0; i + 1 < para->dots->len; i += 2)
    if (u->start >= g_array_index (para->dots, int, i)
        && u->start < g_array_index (para->dots, int, i + 1))
      return TRUE;
  return FALSE;
}

/* A dot under each glyph of unit `u` set at `pen` (a Latin word or number: one a letter). */
static void
add_dots (const pb_para_t *para, const pb_unit_t *u, double pen, double baseline,
          pb_line_t *line)
{
  const pb_shaped_t *s = &g_array_index (para->shaped, pb_shaped_t, u->shaped);
  if (!line->dots)
    line->dots = g_array_new (FALSE, FALSE, sizeof (pb_dot_t));
  for (int g = u->glyph0; g < u->glyph0 + u->n_glyphs; g++)
    {
      pb_dot_t d = { pen + s->glyphs[g].advance / 2, baseline + PB_DOT_DROP * u->size,
                     PB_DOT_RADIUS * u->size };
      g_array_append_val (line->dots, d);
      pen += s->glyphs[g].advance;
    }
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
  if (line->dots)
    g_array_set_size (line->dots, 0);
  for (int i = pl->first; i < pl->last; i++)
    {
      const pb_unit_t *u = unit_at (para, i);
      if (i > pl->first && u->stretch_before && !(pl->hang && i == pl->last - 1))
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
      if (unit_dotted (para, u))
        add_dots (para, u, pen, baseline, line);
      g_string_append_len (text, para->text + u->start, u->len);
      pen += u->advance - u->squeeze;
      line->size = MAX (line->size, u->size);
    }
  line->x = x;
  line->baseline = baseline;
  line->width = pen - x;
  line->letterspacing = pl->gap_extra;
  line->line_no = index;
  line->para_end = index == (int) para->lines->len - 1;
  g_free (line->text);
  line->text = g_string_free (text, FALSE);
}
