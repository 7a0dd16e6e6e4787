#include "clreq.h"

gboolean
pb_char_in (gunichar c, const char *set)
{
  for (const char *p = set; *p; p = g_utf8_next_char (p))
    if (g_utf8_get_char (p) == c)
      return TRUE;
  return FALSE;
}

pb_cls_t
pb_cls_of (gunichar c)
{
  /* Most characters of a Chinese page are unified ideographs or ASCII letters and digits. */
  if (c >= 0x4E00 && c <= 0x9FFF)
    return PB_CLS_IDEO;
  if (c < 0x80 && g_ascii_isalnum (c))
    return PB_CLS_ALNUM;
  if (pb_char_in (c, "（《“‘「『【〔〈〖［｛([{"))
    return PB_CLS_OPEN;
  if (pb_char_in (c, "）》”’」』】〕〉〗］｝)]}"))
    return PB_CLS_CLOSE;
  if (pb_char_in (c, "。，、；：？！．｡､!?;:"))
    return PB_CLS_STOP;
  if (pb_char_in (c, "·・‧"))
    return PB_CLS_MIDDLE;
  if (pb_char_in (c, "—―⸺"))
    return PB_CLS_DASH;
  if (pb_char_in (c, "…⋯‥"))
    return PB_CLS_ELLIPSIS;
  if (pb_char_in (c, ".,%‰℃°'’/-+×～~％"))
    return PB_CLS_NUMPUNCT;
  if (c == ' ' || c == 0x00A0 || c == 0x3000 || c == '\t')
    return PB_CLS_SPACE;
  if (g_unichar_isalnum (c) && !g_unichar_iswide (c) && c < 0x2E80)
    return PB_CLS_ALNUM;
  if (g_unichar_iswide (c) || g_unichar_type (c) == G_UNICODE_OTHER_LETTER)
    return PB_CLS_IDEO;
  return PB_CLS_OTHER;
}

gboolean
pb_cls_is_punct (pb_cls_t c)
{
  return c == PB_CLS_OPEN || c == PB_CLS_CLOSE || c == PB_CLS_STOP || c == PB_CLS_MIDDLE;
}

pb_break_t
pb_cls_break_between (pb_cls_t before, pb_cls_t after)
{
  /* clreq "basic" prohibition set, plus unbreakable ——, …… and alphanumeric runs. */
  if (before == PB_CLS_OPEN)
    return PB_BREAK_NEVER;
  if (after == PB_CLS_CLOSE || after == PB_CLS_STOP || after == PB_CLS_MIDDLE)
    return PB_BREAK_NEVER;
  if (after == PB_CLS_SPACE)
    return PB_BREAK_NEVER;        /* break after the space, which then hangs */
  if (before == PB_CLS_DASH && after == PB_CLS_DASH)
    return PB_BREAK_NEVER;
  if (before == PB_CLS_ELLIPSIS && after == PB_CLS_ELLIPSIS)
    return PB_BREAK_NEVER;
  if (after == PB_CLS_ELLIPSIS || after == PB_CLS_DASH)
    return before == PB_CLS_SPACE ? PB_BREAK_ALLOWED : PB_BREAK_NEVER; /* GB "strict" */
  gboolean before_num = before == PB_CLS_ALNUM || before == PB_CLS_NUMPUNCT;
  gboolean after_num = after == PB_CLS_ALNUM || after == PB_CLS_NUMPUNCT;
  if (before_num && after_num)
    return PB_BREAK_NEVER;
  /* A number keeps its unit or measure word (2023年, 1508个, 5G网络) unless that would leave a
   * loose line. */
  if (before_num && after == PB_CLS_IDEO)
    return PB_BREAK_DISCOURAGED;
  return PB_BREAK_ALLOWED;
}

/* Signs that belong to the number before them and never start a line: 5%, 3‰, 25℃, 元/股,
 * 1,000 and 3.5 after a unit, 3～5. (+ − × may start one.) */
#define PB_NO_LINE_START_SIGNS "%‰℃°％/.,～~'"

/* The date units that join two numbers: 2019年10月14日. */
#define PB_DATE_UNITS "年月"
/* Multipliers that stay part of a number (126万亿元, 1244万人; right after its figures, or 亿
 * after 万), and the units and measure words that follow them. */
#define PB_MULTIPLIERS "十百千万亿"
#define PB_UNITS_AFTER_MULTIPLIER "元人个名家户吨股辆座所套件项次倍岁亩年"

static gboolean
is_digit (gunichar c)
{
  return c < 0x80 && g_ascii_isdigit (c);
}

pb_break_t
pb_break_between (gunichar prev, gunichar before, gunichar after)
{
  pb_break_t b = pb_cls_break_between (pb_cls_of (before), pb_cls_of (after));
  if (pb_char_in (after, PB_NO_LINE_START_SIGNS) || before == '/')
    return PB_BREAK_NEVER;
  /* Between the parts of a date (6月|12日, 2019年|10月): better than a number from its unit,
   * worse than any ordinary break. */
  if (b == PB_BREAK_ALLOWED && is_digit (prev) && pb_char_in (before, PB_DATE_UNITS)
      && is_digit (after))
    return PB_BREAK_RELUCTANT;
  /* A number with its multiplier keeps its unit (20万亿|元, 126万|亿元), reluctantly: when
   * the group must break, better there than between the figures and 万. */
  gboolean multiplied = pb_char_in (before, PB_MULTIPLIERS)
                        && (is_digit (prev) || (prev == 0x4E07 && before == 0x4EBF)); /* 万亿 */
  if (b == PB_BREAK_ALLOWED && multiplied
      && (pb_char_in (after, PB_UNITS_AFTER_MULTIPLIER) || pb_char_in (after, PB_MULTIPLIERS)))
    return PB_BREAK_RELUCTANT;
  return b;
}
