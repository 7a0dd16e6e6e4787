/* Word boundaries of display text (words.h). */
#include "words.h"

#include <unicode/ubrk.h>
#include <unicode/utext.h>
#include "clreq.h"
#include "model.h"

/* What a segment of ICU's word breaking holds, as far as breaking beside it goes. */
typedef enum {
  SEG_HAN1,     /* one Han character */
  SEG_HAN,      /* two or more */
  SEG_NUMBER,   /* figures (2.62, 67665, with % after them), or a Latin word ending in one */
  SEG_LATIN,    /* a Latin word */
  SEG_OPEN,     /* （《“ …: a line may end before it, never after it */
  SEG_CLOSE,    /* ）》” 。，、 —— …: a line may end after it, never before it */
  SEG_SPACE,
  SEG_OTHER
} seg_t;

/* Measure words that tie a number to the noun after them: 41个基点, 3项措施, 5家企业. */
#define PB_MEASURE_WORDS "个项家名位件条座辆架艘种类批支所户套台处次倍只张份场起例篇首"
/* Where the dictionary leaves a character alone that belongs to a word beside it: prefixes
 * bound to the word after them (非|理性, 副|主任), suffixes and particles to the word before
 * them (委员|会, 人民|币, 中间|价, 余杭|区, 战略|的). Only asked of one-character words. */
#define PB_PREFIXES "非反超副准亚伪泛无未第各每总"
#define PB_SUFFIXES "会币价区市省县镇乡村局厅委院部处所站署办组队团社性化者员型率式界" \
                    "品业费额量度点网线制法论学权证街路园馆港湾岛州族们的之了着过等"

static seg_t
seg_kind (const char *start, const char *end)
{
  pb_cls_t cls = pb_cls_of (g_utf8_get_char (start));
  gunichar last = g_utf8_get_char (g_utf8_prev_char (end));
  switch (cls)
    {
    case PB_CLS_SPACE:
      return SEG_SPACE;
    case PB_CLS_OPEN:
      return SEG_OPEN;
    case PB_CLS_CLOSE:
    case PB_CLS_STOP:
    case PB_CLS_MIDDLE:
    case PB_CLS_DASH:
    case PB_CLS_ELLIPSIS:
      return SEG_CLOSE;
    case PB_CLS_NUMPUNCT:
      return SEG_NUMBER;    /* the % of 2.62% */
    case PB_CLS_ALNUM:
      return last < 0x80 && g_ascii_isdigit (last) ? SEG_NUMBER : SEG_LATIN;
    case PB_CLS_IDEO:
      return g_utf8_next_char (start) == end ? SEG_HAN1 : SEG_HAN;
    default:
      return SEG_OTHER;
    }
}

static gboolean
is_han (seg_t s)
{
  return s == SEG_HAN1 || s == SEG_HAN;
}

/* The grade of the boundary between segments `a` and `b`; `before_a` is the kind of the one
 * before `a` (SEG_OTHER at the start), `a_char` the last character of `a`, `b_char` the
 * first of `b`. */
static pb_bound_t
grade (seg_t before_a, seg_t a, gunichar a_char, seg_t b, gunichar b_char)
{
  if (b == SEG_SPACE || a == SEG_OPEN || b == SEG_CLOSE)
    return PB_BOUND_INSIDE;   /* a line breaks after a space; kinsoku */
  if (a == SEG_SPACE || a == SEG_CLOSE || b == SEG_OPEN)
    return PB_BOUND_GOOD;
  if (a == SEG_NUMBER && (is_han (b) || b == SEG_NUMBER))
    return PB_BOUND_INSIDE;   /* 67665|亿元, 2024|年, 2.62|% */
  if (a == SEG_HAN1 && before_a == SEG_NUMBER && pb_char_in (a_char, PB_MEASURE_WORDS))
    return PB_BOUND_INSIDE;   /* 41个|基点 */
  if ((a == SEG_HAN1 && is_han (b) && pb_char_in (a_char, PB_PREFIXES))
      || (b == SEG_HAN1 && is_han (a) && pb_char_in (b_char, PB_SUFFIXES)))
    return PB_BOUND_INSIDE;
  if (a == SEG_HAN1 && b == SEG_HAN1)
    return PB_BOUND_RUN;
  if (a == SEG_HAN1 || b == SEG_HAN1)
    return PB_BOUND_WEAK;
  return PB_BOUND_GOOD;
}

GArray *
pb_word_boundaries (const char *text, GError **error)
{
  UErrorCode status = U_ZERO_ERROR;
  UText *ut = utext_openUTF8 (NULL, text, -1, &status);
  UBreakIterator *bi = ubrk_open (UBRK_WORD, "zh", NULL, 0, &status);
  if (U_SUCCESS (status))
    ubrk_setUText (bi, ut, &status);
  if (U_FAILURE (status))
    {
      g_set_error (error, PB_ERROR, PB_ERROR_LAYOUT, "ICU's word break iterator failed: %s",
                   u_errorName (status));
      ubrk_close (bi);
      utext_close (ut);
      return NULL;
    }
  /* With a UTF-8 UText, ICU's indexes are byte offsets into `text`. */
  GArray *bounds = g_array_new (FALSE, FALSE, sizeof (pb_boundary_t));
  seg_t before = SEG_OTHER, prev = SEG_OTHER;
  int start = ubrk_first (bi), prev_start = -1;
  for (int end = ubrk_next (bi); end != UBRK_DONE; start = end, end = ubrk_next (bi))
    {
      seg_t kind = seg_kind (text + start, text + end);
      if (prev_start >= 0)
        {
          gunichar a_char = g_utf8_get_char (g_utf8_prev_char (text + start));
          gunichar b_char = g_utf8_get_char (text + start);
          pb_boundary_t b = { start, grade (before, prev, a_char, kind, b_char) };
          if (b.kind != PB_BOUND_INSIDE)
            g_array_append_val (bounds, b);
        }
      before = prev;
      prev = kind;
      prev_start = start;
    }
  ubrk_close (bi);
  utext_close (ut);
  return bounds;
}
