/* The paragraph as the composer sees it, shared by its two halves: shaping into units
 * (shape.c) and breaking and justifying them (compose.c). Private to those two files. */
#pragma once

#include <hb.h>
#include "clreq.h"
#include "compose.h"

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

/* A candidate line from some unit to before unit `last`, and its demerits. */
typedef struct {
  int last;
  double demerits;
} pb_cand_t;

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
  pb_bound_t bound;        /* display text: the word boundary after this unit */
  gboolean stretch_before; /* the gap before this unit may widen in justification */
  double ink_left, ink_right; /* a dash's blank before and after its ink (side bearings) */
  double ink_shift;        /* a dash moved towards its neighbours so their inks meet */
  gboolean solid;          /* the second half of —— or …… (or a fused ——): no gap inside */
} pb_unit_t;

typedef struct {
  int first, last;         /* units [first, last), trailing space excluded */
  double x_start;          /* indent or alignment offset */
  double gap_extra;        /* added at every stretchable gap */
  double width;            /* advance end */
  double latin_space;      /* between Han and Latin, from the measure */
  gboolean hang;           /* the last mark hangs past the measure: no gap before it */
} pb_para_line_t;

struct pb_para {
  char *text;
  GArray *shaped;          /* of pb_shaped_t */
  GArray *units;           /* of pb_unit_t */
  GArray *lines;           /* of pb_para_line_t */
  gboolean has_space;      /* holds a breakable space */
  gboolean words;          /* display text: breaks graded by `bound` (pb_para_restrict_breaks) */
  double demerits;         /* of the breaks set last */
  /* Breaks found before, for `exact_measure`: line count (0: the best of any) → pb_exact_t*
   * (compose.c). Widow control and levelling ask the same questions again and again. */
  GHashTable *exact;
  pb_measure_t exact_measure;
  /* The candidate lines of a filled paragraph at `exact_measure` (compose.c), for breaks into
   * a count of lines: a break into L lines weighs the lines from a unit once for each count of
   * lines before it, so each start's lines are measured once and kept. By first unit:
   * `cands_at[i]` is the index in `cands` of the first pb_cand_t from unit i, -1 until
   * measured; `cands_end[i]` is one after its last. NULL when none are kept. */
  GArray *cands;
  int *cands_at, *cands_end;
  /* Prefix sums over the units for the measure being broken, so a candidate line is measured
   * in constant time: advances after fixed compression, squeezable blank, Han–Latin gaps,
   * stretchable gaps (sums[k] covers units 0 … k-1). */
  double *sum_advance, *sum_room, *sum_latin;
  int *sum_gaps, *sum_solid;
  /* Byte ranges (pairs of ints) of the text marked for emphasis dots; NULL when none. */
  GArray *dots;
};

#define PT(v) ((v) / (double) PANGO_SCALE)

/* Forgets the breaks found and the candidate lines kept (for another measure, or when the
 * units changed). */
static inline void
pb_para_forget_breaks (pb_para_t *para)
{
  g_clear_pointer (&para->exact, g_hash_table_destroy);
  if (para->cands)
    g_array_free (para->cands, TRUE);
  para->cands = NULL;
  g_clear_pointer (&para->cands_at, g_free);
  g_clear_pointer (&para->cands_end, g_free);
}
