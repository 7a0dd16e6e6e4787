/* Lengths and Chinese type size names (docs/format.md, "Lengths and sizes"). */
#include "model.h"
#include "units.h"

#include <math.h>
#include <string.h>

typedef struct {
  const char *name;
  double pt;
} size_name_t;

/* The traditional 号 system as used by Chinese typesetting software. */
static const size_name_t size_names[] = {
  { "初号", 42 }, { "小初", 36 }, { "一号", 26 }, { "小一", 24 },
  { "二号", 22 }, { "小二", 18 }, { "三号", 16 }, { "小三", 15 },
  { "四号", 14 }, { "小四", 12 }, { "五号", 10.5 }, { "小五", 9 },
  { "六号", 7.5 }, { "小六", 6.5 }, { "七号", 5.5 }, { "八号", 5 },
};

gboolean
pb_size_from_name (const char *name, double *out_pt)
{
  if (!name)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (size_names); i++)
    if (strcmp (name, size_names[i].name) == 0)
      {
        if (out_pt)
          *out_pt = size_names[i].pt;
        return TRUE;
      }
  return FALSE;
}

/* Points per unit; 0 marks the em-relative units. */
typedef struct {
  const char *unit;
  double pt;
} unit_t;

static const unit_t units[] = {
  { "", 1 }, { "pt", 1 }, { "mm", PB_MM }, { "cm", PB_PT_PER_INCH / PB_CM_PER_INCH },
  { "in", PB_PT_PER_INCH },
  { "字", 0 }, { "em", 0 },
};

/* Accepts only -?DIGITS[.DIGITS] or -?.DIGITS: no exponent, no sign '+', no spaces,
 * so that typos such as "1e3mm" or "12 mm" are caught instead of half-parsed. */
static const char *
scan_number (const char *p)
{
  const char *start;
  if (*p == '-')
    p++;
  start = p;
  while (g_ascii_isdigit (*p))
    p++;
  gboolean int_digits = p > start;
  if (*p == '.')
    {
      const char *frac = ++p;
      while (g_ascii_isdigit (*p))
        p++;
      if (p == frac)
        return NULL;
    }
  else if (!int_digits)
    return NULL;
  return p;
}

/* `em` is the body size; em ≤ 0 rejects the 字/em units (used for body_size itself). */
gboolean
pb_parse_length (const char *text, double em, double *out_pt)
{
  if (!text || !*text)
    return FALSE;
  if (pb_size_from_name (text, out_pt))
    return TRUE;

  const char *unit = scan_number (text);
  if (!unit)
    return FALSE;
  g_autofree char *number = g_strndup (text, unit - text);
  double value = g_ascii_strtod (number, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    {
      if (strcmp (unit, units[i].unit) != 0)
        continue;
      double factor = units[i].pt;
      if (factor == 0)
        {
          if (!(em > 0))
            return FALSE;
          factor = em;
        }
      double pt = value * factor;
      if (!isfinite (pt))
        return FALSE;
      if (out_pt)
        *out_pt = pt == 0 ? 0 : pt; /* no "-0" */
      return TRUE;
    }
  return FALSE;
}
