/* Units of length. The model's lengths are in PostScript points; the input also speaks of
 * millimetres, centimetres and inches (units.c, docs/format.md "Lengths and sizes"). */
#pragma once

#define PB_PT_PER_INCH 72.0
#define PB_MM_PER_INCH 25.4
#define PB_CM_PER_INCH 2.54
/* Points per millimetre. */
#define PB_MM (PB_PT_PER_INCH / PB_MM_PER_INCH)

/* Millimetres in `pt` points, for messages. */
#define PB_PT_TO_MM(pt) ((pt) * PB_MM_PER_INCH / PB_PT_PER_INCH)
