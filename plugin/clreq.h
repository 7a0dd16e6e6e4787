/* Character classes of Chinese composition (W3C clreq, GB/T 15834) and the break rules built on
 * them. Pango's UAX #14 breaker is not used: it forbids breaks on both sides of “ ” ‘ ’ (class
 * QU) and lets · start a line, both wrong for Chinese. */
#pragma once

#include <glib.h>

typedef enum {
  PB_CLS_IDEO,      /* Han, kana, full-width letters: breaks allowed on both sides */
  PB_CLS_OPEN,      /* （《“「 …: never at a line end */
  PB_CLS_CLOSE,     /* ）》”」: never at a line start */
  PB_CLS_STOP,      /* 。，、；：？！: never at a line start */
  PB_CLS_MIDDLE,    /* · ・ : never at a line start */
  PB_CLS_DASH,      /* — (pairs are unbreakable) */
  PB_CLS_ELLIPSIS,  /* … (pairs are unbreakable) */
  PB_CLS_ALNUM,     /* Latin letters and digits: words and numbers are never broken */
  PB_CLS_NUMPUNCT,  /* . , % ‰ ℃ and the like inside or after a number */
  PB_CLS_SPACE,     /* U+0020 and friends: a break opportunity, dropped at a line end */
  PB_CLS_OTHER
} pb_cls_t;

pb_cls_t pb_cls_of (gunichar c);

/* Whether `c` is one of the characters of the UTF-8 string `set`. */
gboolean pb_char_in (gunichar c, const char *set);

typedef enum {
  PB_BREAK_NEVER,
  PB_BREAK_DISCOURAGED,   /* only when the alternative is a line beyond the letterspacing
                             limit: 2023|年, 126|万亿元 */
  PB_BREAK_RELUCTANT,     /* half as bad: between the parts of a date (2019年|10月14日), a
                             multiplier and its unit (20万亿|元), inside a dateline's words */
  PB_BREAK_ALLOWED
} pb_break_t;

/* May a line break fall between a cluster of class `before` and one of class `after`? */
pb_break_t pb_cls_break_between (pb_cls_t before, pb_cls_t after);

/* May a line break fall between characters `before` and `after`, `prev` the one before
 * `before` (0 at the start)? The class rules above, and a number's signs and dates kept whole:
 * never before % ‰ ℃ nor on either side of / (元/股), reluctantly inside 6月12日. */
pb_break_t pb_break_between (gunichar prev, gunichar before, gunichar after);

/* Punctuation that takes part in compression (标点挤压). */
gboolean pb_cls_is_punct (pb_cls_t c);
