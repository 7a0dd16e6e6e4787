/* mkphoto — draws the stand-in photo of examples/front-page (a conference
 * hall seen from the back rows: stage, red backdrop screen, head table,
 * rows of seated delegates) with cairo and writes it as a baseline JPEG.
 * No real photo is available for the example; this one is generated and
 * fully deterministic (fixed noise seed), so rebuilding gives the same file.
 *
 * Rebuild the photo (from the top of the source tree):
 *
 *   gcc -O2 -Wall -o /tmp/mkphoto tools/mkphoto.c \
 *       $(pkg-config --cflags --libs cairo libjpeg) -lm
 *   /tmp/mkphoto examples/front-page/photo.jpg
 *
 * An optional second argument also writes a PNG copy (for viewing):
 *   /tmp/mkphoto examples/front-page/photo.jpg /tmp/photo.png
 *
 * --crop X,Y,W,H writes only that rectangle of the same picture, so the
 * examples get photos of other shapes (a wide strip, an upright view) without
 * a second scene; examples/auto-makeup/SOURCES.md lists the crops it uses:
 *   /tmp/mkphoto --crop 0,230,1800,720 examples/auto-makeup/photo-wide.jpg
 *
 * Output: 1800 x 1200 px (or the crop), 3 components (RGB), baseline,
 * quality 85.
 */
#include <cairo.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h> /* after stdio.h: it needs FILE and size_t */

#define W 1800
#define H 1200
#define QUALITY 85

/* camera: eye at height EYE, looking along +z; screen = C + F * (x, EYE-y) / z */
#define F 900.0
#define CX 900.0
#define CY 430.0
#define EYE 3.6
#define CAMX 1.6  /* the camera stands a little right of the centre aisle */

static uint32_t rng_state = 0x2024021Bu;

static uint32_t
rng (void)
{
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

static double
frand (void) /* [0, 1) */
{
  return (rng () >> 8) / 16777216.0;
}

static double
gauss (void) /* roughly normal, sd ~1 */
{
  return (frand () + frand () + frand () + frand () - 2.0) * 1.7;
}

static double sx (double x, double z) { return CX + F * (x - CAMX) / z; }
static double sy (double y, double z) { return CY + F * (EYE - y) / z; }

static void
quad (cairo_t *cr, double x0, double y0, double x1, double y1, double z)
{
  /* an upright rectangle in world space at depth z */
  cairo_rectangle (cr, sx (x0, z), sy (y1, z), sx (x1, z) - sx (x0, z),
                   sy (y0, z) - sy (y1, z));
}

static void
rrect (cairo_t *cr, double x, double y, double w, double h, double r)
{
  if (r > w / 2) r = w / 2;
  if (r > h / 2) r = h / 2;
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - r, y + r, r, -M_PI / 2, 0);
  cairo_arc (cr, x + w - r, y + h - r, r, 0, M_PI / 2);
  cairo_arc (cr, x + r, y + h - r, r, M_PI / 2, M_PI);
  cairo_arc (cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
  cairo_close_path (cr);
}

static void
floor_poly (cairo_t *cr, double x0, double x1, double z0, double z1, double y)
{
  cairo_move_to (cr, sx (x0, z0), sy (y, z0));
  cairo_line_to (cr, sx (x1, z0), sy (y, z0));
  cairo_line_to (cr, sx (x1, z1), sy (y, z1));
  cairo_line_to (cr, sx (x0, z1), sy (y, z1));
  cairo_close_path (cr);
}

#define ZBACK 23.0   /* back wall */
#define ZSTAGE 18.5  /* front edge of the stage */
#define XW 13.0      /* half width of the hall */
#define YC 8.5       /* ceiling height */

static void
draw_room (cairo_t *cr)
{
  cairo_pattern_t *p;

  /* everything starts dark: ceiling */
  p = cairo_pattern_create_linear (0, 0, 0, H);
  cairo_pattern_add_color_stop_rgb (p, 0.0, 0.08, 0.09, 0.12);
  cairo_pattern_add_color_stop_rgb (p, 0.4, 0.16, 0.16, 0.19);
  cairo_pattern_add_color_stop_rgb (p, 1.0, 0.10, 0.08, 0.08);
  cairo_set_source (cr, p);
  cairo_paint (cr);
  cairo_pattern_destroy (p);

  /* ceiling coffers: lines converging on the vanishing point */
  cairo_set_line_width (cr, 2.0);
  cairo_set_source_rgba (cr, 0.30, 0.30, 0.33, 0.35);
  for (double x = -XW; x <= XW + 0.01; x += 2.6)
    {
      cairo_move_to (cr, sx (x, 1.2), sy (YC, 1.2));
      cairo_line_to (cr, sx (x, ZBACK), sy (YC, ZBACK));
    }
  for (double z = 2.0; z < ZBACK; z *= 1.22)
    {
      cairo_move_to (cr, sx (-XW, z), sy (YC, z));
      cairo_line_to (cr, sx (XW, z), sy (YC, z));
    }
  cairo_stroke (cr);

  /* side walls: warm wood panels */
  for (int side = -1; side <= 1; side += 2)
    {
      double x = side * XW;
      cairo_move_to (cr, sx (x, 1.0), sy (YC, 1.0));
      cairo_line_to (cr, sx (x, ZBACK), sy (YC, ZBACK));
      cairo_line_to (cr, sx (x, ZBACK), sy (0, ZBACK));
      cairo_line_to (cr, sx (x, 1.0), sy (0, 1.0));
      cairo_close_path (cr);
      p = cairo_pattern_create_linear (side < 0 ? 0 : W, 0, sx (x, ZBACK), 0);
      cairo_pattern_add_color_stop_rgb (p, 0.0, 0.17, 0.12, 0.09);
      cairo_pattern_add_color_stop_rgb (p, 1.0, 0.36, 0.27, 0.20);
      cairo_set_source (cr, p);
      cairo_fill (cr);
      cairo_pattern_destroy (p);
      /* panel joints */
      cairo_set_line_width (cr, 1.5);
      cairo_set_source_rgba (cr, 0.08, 0.05, 0.04, 0.5);
      for (double z = 3.0; z < ZBACK; z += 1.6)
        {
          cairo_move_to (cr, sx (x, z), sy (YC - 0.6, z));
          cairo_line_to (cr, sx (x, z), sy (0, z));
        }
      cairo_stroke (cr);
      /* wall lamps */
      for (double z = 5.0; z < ZBACK; z += 4.0)
        {
          double px = sx (x, z), py = sy (4.2, z), r = F * 0.9 / z;
          cairo_pattern_t *g = cairo_pattern_create_radial (px, py, 0, px, py, r);
          cairo_pattern_add_color_stop_rgba (g, 0.0, 1.0, 0.88, 0.62, 0.55);
          cairo_pattern_add_color_stop_rgba (g, 1.0, 1.0, 0.80, 0.50, 0.0);
          cairo_set_source (cr, g);
          cairo_arc (cr, px, py, r, 0, 2 * M_PI);
          cairo_fill (cr);
          cairo_pattern_destroy (g);
        }
    }

  /* back wall */
  quad (cr, -XW, 0, XW, YC, ZBACK);
  cairo_set_source_rgb (cr, 0.20, 0.21, 0.25);
  cairo_fill (cr);

  /* red drapes at both sides of the stage */
  for (int side = -1; side <= 1; side += 2)
    {
      double xa = side < 0 ? -XW : 9.0, xb = side < 0 ? -9.0 : XW;
      for (double x = xa; x < xb - 0.01; x += 0.35)
        {
          quad (cr, x, 0, x + 0.35, YC, ZBACK - 0.1);
          p = cairo_pattern_create_linear (sx (x, ZBACK), 0, sx (x + 0.35, ZBACK), 0);
          cairo_pattern_add_color_stop_rgb (p, 0.0, 0.30, 0.07, 0.07);
          cairo_pattern_add_color_stop_rgb (p, 0.5, 0.47, 0.12, 0.10);
          cairo_pattern_add_color_stop_rgb (p, 1.0, 0.28, 0.06, 0.06);
          cairo_set_source (cr, p);
          cairo_fill (cr);
          cairo_pattern_destroy (p);
        }
    }

  /* the big screen: red backdrop with a title in pale gold */
  quad (cr, -8.2, 2.6, 8.2, 7.9, ZBACK - 0.05);
  cairo_set_source_rgb (cr, 0.10, 0.10, 0.11);
  cairo_fill (cr);
  quad (cr, -8.0, 2.75, 8.0, 7.75, ZBACK - 0.05);
  p = cairo_pattern_create_linear (0, sy (7.75, ZBACK), 0, sy (2.75, ZBACK));
  cairo_pattern_add_color_stop_rgb (p, 0.0, 0.55, 0.13, 0.11);
  cairo_pattern_add_color_stop_rgb (p, 0.6, 0.66, 0.20, 0.14);
  cairo_pattern_add_color_stop_rgb (p, 1.0, 0.72, 0.34, 0.18);
  cairo_set_source (cr, p);
  cairo_fill (cr);
  cairo_pattern_destroy (p);
  /* light rays on the backdrop */
  cairo_save (cr);
  quad (cr, -8.0, 2.75, 8.0, 7.75, ZBACK - 0.05);
  cairo_clip (cr);
  for (int i = 0; i < 14; i++)
    {
      double a = -M_PI / 2 + (i - 6.5) * 0.16;
      double ox = sx (0, ZBACK), oy = sy (2.0, ZBACK);
      cairo_move_to (cr, ox, oy);
      cairo_line_to (cr, ox + 900 * cos (a - 0.04), oy + 900 * sin (a - 0.04));
      cairo_line_to (cr, ox + 900 * cos (a + 0.04), oy + 900 * sin (a + 0.04));
      cairo_close_path (cr);
      cairo_set_source_rgba (cr, 1.0, 0.75, 0.45, 0.07);
      cairo_fill (cr);
    }
  cairo_restore (cr);
  /* title "characters": two lines of square blocks */
  {
    int n1 = 14, n2 = 9;
    double cw = 0.62, gap = 0.14;
    for (int line = 0; line < 2; line++)
      {
        int n = line ? n2 : n1;
        double ch = line ? 0.48 : cw, y0 = line ? 4.35 : 5.55;
        double w = n * ch + (n - 1) * gap * (line ? 0.8 : 1.0);
        double x = -w / 2;
        for (int i = 0; i < n; i++)
          {
            double bx = sx (x, ZBACK - 0.06), by = sy (y0 + ch, ZBACK - 0.06);
            double bw = F * ch / ZBACK, bh = bw;
            /* a character is a few strokes */
            cairo_set_source_rgba (cr, 0.98, 0.88, 0.62, 0.95);
            int strokes = 3 + (int) (frand () * 4);
            for (int s = 0; s < strokes; s++)
              {
                if (frand () < 0.5)
                  cairo_rectangle (cr, bx + frand () * bw * 0.2,
                                   by + frand () * bh * 0.85,
                                   bw * (0.5 + frand () * 0.5), bh * 0.12);
                else
                  cairo_rectangle (cr, bx + frand () * bw * 0.85,
                                   by + frand () * bh * 0.2,
                                   bw * 0.12, bh * (0.5 + frand () * 0.5));
              }
            cairo_fill (cr);
            x += ch + gap * (line ? 0.8 : 1.0);
          }
      }
    /* a thin gold rule between the lines */
    quad (cr, -5.2, 5.1, 5.2, 5.16, ZBACK - 0.06);
    cairo_set_source_rgba (cr, 0.95, 0.80, 0.50, 0.8);
    cairo_fill (cr);
  }

  /* two side screens, blue */
  for (int side = -1; side <= 1; side += 2)
    {
      double x0 = side < 0 ? -12.4 : 9.4;
      quad (cr, x0, 4.0, x0 + 3.0, 6.2, ZBACK - 0.2);
      cairo_set_source_rgb (cr, 0.07, 0.07, 0.08);
      cairo_fill (cr);
      quad (cr, x0 + 0.1, 4.1, x0 + 2.9, 6.1, ZBACK - 0.2);
      p = cairo_pattern_create_linear (0, sy (6.1, ZBACK), 0, sy (4.1, ZBACK));
      cairo_pattern_add_color_stop_rgb (p, 0.0, 0.22, 0.36, 0.52);
      cairo_pattern_add_color_stop_rgb (p, 1.0, 0.38, 0.52, 0.62);
      cairo_set_source (cr, p);
      cairo_fill (cr);
      cairo_pattern_destroy (p);
      /* a speaker's figure on the side screen */
      double mx = sx (x0 + 1.5, ZBACK), my = sy (5.35, ZBACK);
      cairo_set_source_rgb (cr, 0.78, 0.62, 0.52);
      cairo_arc (cr, mx, my, 7, 0, 2 * M_PI);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.10, 0.11, 0.15);
      cairo_arc (cr, mx, my + 26, 20, M_PI, 2 * M_PI);
      cairo_fill (cr);
    }

  /* stage: platform 1 m high from ZSTAGE to the wall */
  floor_poly (cr, -XW, XW, ZSTAGE, ZBACK, 1.0);
  cairo_set_source_rgb (cr, 0.30, 0.23, 0.20);
  cairo_fill (cr);
  quad (cr, -XW, 0, XW, 1.0, ZSTAGE);
  cairo_set_source_rgb (cr, 0.16, 0.10, 0.09);
  cairo_fill (cr);

  /* hall floor (carpet) from the camera to the stage */
  floor_poly (cr, -XW, XW, 1.0, ZSTAGE, 0.0);
  p = cairo_pattern_create_linear (0, sy (0, ZSTAGE), 0, H);
  cairo_pattern_add_color_stop_rgb (p, 0.0, 0.28, 0.14, 0.12);
  cairo_pattern_add_color_stop_rgb (p, 1.0, 0.16, 0.08, 0.07);
  cairo_set_source (cr, p);
  cairo_fill (cr);
  cairo_pattern_destroy (p);
}

static void
draw_head_table (cairo_t *cr)
{
  double z = 20.8, ytop = 1.0 + 0.78;
  /* people behind the table */
  for (int i = 0; i < 17; i++)
    {
      double x = -8.0 + i * 1.0;
      double hx = sx (x, z + 0.4), hy = sy (ytop + 0.55, z + 0.4);
      double r = F * 0.11 / (z + 0.4);
      /* suit */
      double g = 0.08 + 0.05 * frand ();
      cairo_set_source_rgb (cr, g, g, g + 0.04);
      rrect (cr, hx - r * 2.2, hy + r * 0.9, r * 4.4, r * 5, r * 1.5);
      cairo_fill (cr);
      /* white shirt */
      cairo_set_source_rgb (cr, 0.85, 0.85, 0.84);
      cairo_move_to (cr, hx - r * 0.6, hy + r * 1.0);
      cairo_line_to (cr, hx + r * 0.6, hy + r * 1.0);
      cairo_line_to (cr, hx, hy + r * 2.6);
      cairo_close_path (cr);
      cairo_fill (cr);
      /* face and hair */
      cairo_set_source_rgb (cr, 0.80, 0.62, 0.50);
      cairo_save (cr);
      cairo_translate (cr, hx, hy);
      cairo_scale (cr, 1.0, 1.2);
      cairo_arc (cr, 0, 0, r, 0, 2 * M_PI);
      cairo_restore (cr);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.07, 0.06, 0.06);
      cairo_arc (cr, hx, hy - r * 0.25, r * 1.02, M_PI * 1.05, M_PI * 1.95);
      cairo_fill (cr);
    }
  /* the table with a white cloth and a blue skirt */
  quad (cr, -9.0, 1.0, 9.0, ytop, z);
  cairo_set_source_rgb (cr, 0.18, 0.25, 0.40);
  cairo_fill (cr);
  quad (cr, -9.0, ytop - 0.12, 9.0, ytop, z);
  cairo_set_source_rgb (cr, 0.86, 0.86, 0.84);
  cairo_fill (cr);
  /* name cards, microphones */
  for (int i = 0; i < 17; i++)
    {
      double x = -8.0 + i * 1.0;
      quad (cr, x - 0.22, ytop, x + 0.22, ytop + 0.16, z - 0.05);
      cairo_set_source_rgb (cr, 0.95, 0.95, 0.93);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.05);
      cairo_set_line_width (cr, 1.2);
      cairo_move_to (cr, sx (x + 0.3, z), sy (ytop, z));
      cairo_line_to (cr, sx (x + 0.18, z), sy (ytop + 0.42, z));
      cairo_stroke (cr);
    }
  /* lectern at the right */
  quad (cr, 10.0, 1.0, 11.0, 2.25, 19.6);
  cairo_set_source_rgb (cr, 0.36, 0.24, 0.16);
  cairo_fill (cr);
  /* flowers along the stage front */
  for (double x = -12.5; x < 12.5; x += 0.09)
    {
      double z2 = ZSTAGE + 0.3 + frand () * 0.4;
      double y = 1.0 + frand () * 0.45;
      double r = F * (0.05 + frand () * 0.05) / z2;
      double t = frand ();
      if (t < 0.55)
        cairo_set_source_rgb (cr, 0.12 + 0.1 * frand (), 0.30 + 0.15 * frand (), 0.12);
      else if (t < 0.8)
        cairo_set_source_rgb (cr, 0.85, 0.70 + 0.2 * frand (), 0.25);
      else
        cairo_set_source_rgb (cr, 0.80, 0.25, 0.25);
      cairo_arc (cr, sx (x, z2), sy (y, z2), r, 0, 2 * M_PI);
      cairo_fill (cr);
    }
}

static void
draw_audience (cairo_t *cr)
{
  /* rows from the back (near the stage) to the camera */
  for (double z = 16.8; z > 2.6; z -= 1.05)
    {
      double off = fmod (z * 7.3, 0.6) * 0.3;
      for (double x = -XW + 0.6 + off; x < XW - 0.5; x += 0.58)
        {
          if (fabs (x) < 0.7)  /* centre aisle */
            continue;
          double s = F / z;
          /* a delegate (most seats are taken) */
          if (frand () < 0.88)
            {
              double px = x + gauss () * 0.03, hy = 1.22 + gauss () * 0.03;
              double hr = 0.105 * s;
              double suit = frand ();
              if (suit < 0.6)
                cairo_set_source_rgb (cr, 0.07, 0.08, 0.11);
              else if (suit < 0.8)
                cairo_set_source_rgb (cr, 0.22, 0.23, 0.26);
              else if (suit < 0.92)
                cairo_set_source_rgb (cr, 0.78, 0.78, 0.77);
              else
                cairo_set_source_rgb (cr, 0.30, 0.20, 0.16);
              /* shoulders */
              rrect (cr, sx (px - 0.23, z), sy (hy - 0.12, z), 0.46 * s,
                     0.5 * s, 0.09 * s);
              cairo_fill (cr);
              /* neck */
              cairo_set_source_rgb (cr, 0.55, 0.40, 0.32);
              cairo_rectangle (cr, sx (px - 0.045, z), sy (hy - 0.02, z),
                               0.09 * s, 0.1 * s);
              cairo_fill (cr);
              /* back of the head: dark hair, a little skin at the ears */
              cairo_save (cr);
              cairo_translate (cr, sx (px, z), sy (hy, z));
              cairo_scale (cr, 1.0, 1.18);
              cairo_set_source_rgb (cr, 0.62, 0.45, 0.36);
              cairo_arc (cr, 0, 0.15 * hr, hr * 1.02, 0, 2 * M_PI);
              cairo_fill (cr);
              double h = 0.03 + 0.06 * frand ();
              if (frand () < 0.12)  /* greying hair */
                h = 0.25 + 0.15 * frand ();
              cairo_set_source_rgb (cr, h, h * 0.92, h * 0.88);
              cairo_arc (cr, 0, -0.05 * hr, hr * 0.97, 0, 2 * M_PI);
              cairo_fill (cr);
              /* a highlight from the stage lights */
              cairo_set_source_rgba (cr, 1, 0.9, 0.8, 0.05);
              cairo_arc (cr, -0.25 * hr, -0.45 * hr, hr * 0.35, 0, 2 * M_PI);
              cairo_fill (cr);
              cairo_restore (cr);
            }
          /* seat back, seen from behind */
          double x0 = sx (x - 0.25, z), x1 = sx (x + 0.25, z);
          double y0 = sy (0.98, z), y1 = sy (0.30, z);
          cairo_pattern_t *p = cairo_pattern_create_linear (0, y0, 0, y1);
          double lit = 0.75 + 0.25 * (z / 17.0);
          cairo_pattern_add_color_stop_rgb (p, 0.0, 0.42 * lit, 0.16 * lit, 0.15 * lit);
          cairo_pattern_add_color_stop_rgb (p, 1.0, 0.22 * lit, 0.08 * lit, 0.08 * lit);
          cairo_set_source (cr, p);
          rrect (cr, x0, y0, x1 - x0, y1 - y0, (x1 - x0) * 0.22);
          cairo_fill (cr);
          cairo_pattern_destroy (p);
          /* seam on the seat back */
          cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
          cairo_set_line_width (cr, fmax (1.0, 0.01 * s));
          rrect (cr, x0 + 0.04 * s, y0 + 0.04 * s, x1 - x0 - 0.08 * s,
                 y1 - y0 - 0.08 * s, (x1 - x0) * 0.18);
          cairo_stroke (cr);
        }
    }
}

static void
draw_light (cairo_t *cr)
{
  /* ceiling downlights */
  for (double z = 2.2; z < ZBACK; z *= 1.22)
    for (double x = -XW + 1.3; x < XW; x += 2.6)
      {
        double px = sx (x, z), py = sy (YC, z), r = F * 0.16 / z;
        cairo_pattern_t *g = cairo_pattern_create_radial (px, py, 0, px, py, r * 3);
        cairo_pattern_add_color_stop_rgba (g, 0.0, 1.0, 0.97, 0.88, 0.95);
        cairo_pattern_add_color_stop_rgba (g, 0.25, 1.0, 0.90, 0.70, 0.35);
        cairo_pattern_add_color_stop_rgba (g, 1.0, 1.0, 0.85, 0.60, 0.0);
        cairo_set_source (cr, g);
        cairo_save (cr);
        cairo_translate (cr, px, py);
        cairo_scale (cr, 1.0, 0.40);
        cairo_arc (cr, 0, 0, r * 3, 0, 2 * M_PI);
        cairo_restore (cr);
        cairo_fill (cr);
        cairo_pattern_destroy (g);
      }
  /* stage spotlights: soft beams in the haze */
  for (int i = 0; i < 6; i++)
    {
      double x = -10.0 + i * 4.0, z = 12.0;
      double ax = sx (x, z), ay = sy (YC, z);
      double bx = sx (x * 0.5, 20.5), by = sy (1.6, 20.5);
      cairo_pattern_t *g = cairo_pattern_create_linear (ax, ay, bx, by);
      cairo_pattern_add_color_stop_rgba (g, 0.0, 1.0, 0.92, 0.78, 0.10);
      cairo_pattern_add_color_stop_rgba (g, 1.0, 1.0, 0.92, 0.78, 0.0);
      cairo_set_source (cr, g);
      cairo_move_to (cr, ax - 6, ay);
      cairo_line_to (cr, ax + 6, ay);
      cairo_line_to (cr, bx + 110, by);
      cairo_line_to (cr, bx - 110, by);
      cairo_close_path (cr);
      cairo_fill (cr);
      cairo_pattern_destroy (g);
    }
  /* warm glow of the stage on everything */
  {
    double px = sx (0, ZBACK), py = sy (3.5, ZBACK);
    cairo_pattern_t *g = cairo_pattern_create_radial (px, py, 50, px, py, 1100);
    cairo_pattern_add_color_stop_rgba (g, 0.0, 1.0, 0.80, 0.60, 0.12);
    cairo_pattern_add_color_stop_rgba (g, 1.0, 1.0, 0.80, 0.60, 0.0);
    cairo_set_source (cr, g);
    cairo_paint (cr);
    cairo_pattern_destroy (g);
  }
  /* vignette */
  {
    cairo_pattern_t *g = cairo_pattern_create_radial (CX, H * 0.45, H * 0.35,
                                                      CX, H * 0.45, W * 0.72);
    cairo_pattern_add_color_stop_rgba (g, 0.0, 0, 0, 0, 0.0);
    cairo_pattern_add_color_stop_rgba (g, 1.0, 0, 0, 0, 0.45);
    cairo_set_source (cr, g);
    cairo_paint (cr);
    cairo_pattern_destroy (g);
  }
}

static void
add_grain (cairo_surface_t *s)
{
  cairo_surface_flush (s);
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  for (int y = 0; y < H; y++)
    {
      uint32_t *row = (uint32_t *) (data + (size_t) y * stride);
      for (int x = 0; x < W; x++)
        {
          uint32_t px = row[x];
          int r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
          double lum = gauss () * 3.2;   /* luminance grain */
          int c[3] = { r, g, b };
          for (int k = 0; k < 3; k++)
            {
              int v = (int) lround (c[k] + lum + gauss () * 1.2);
              c[k] = v < 0 ? 0 : v > 255 ? 255 : v;
            }
          row[x] = 0xff000000u | (uint32_t) c[0] << 16 | (uint32_t) c[1] << 8 | (uint32_t) c[2];
        }
    }
  cairo_surface_mark_dirty (s);
}

/* The part of the picture written out: all of it unless --crop names one. */
typedef struct
{
  int x, y, w, h;
} rect_t;

static int
write_jpeg (cairo_surface_t *s, const char *path, rect_t r)
{
  FILE *f = fopen (path, "wb");
  if (!f)
    {
      perror (path);
      return 1;
    }
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = r.w;
  cinfo.image_height = r.h;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, QUALITY, TRUE);
  cinfo.optimize_coding = TRUE;  /* still baseline (SOF0) */
  cinfo.density_unit = 1;        /* dots per inch */
  cinfo.X_density = 300;
  cinfo.Y_density = 300;
  jpeg_start_compress (&cinfo, TRUE);

  unsigned char *line = malloc ((size_t) r.w * 3);
  unsigned char *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      const uint32_t *row = (const uint32_t *) (data + (size_t) (r.y + cinfo.next_scanline) * stride)
                            + r.x;
      for (int x = 0; x < r.w; x++)
        {
          line[3 * x] = (row[x] >> 16) & 255;
          line[3 * x + 1] = (row[x] >> 8) & 255;
          line[3 * x + 2] = row[x] & 255;
        }
      JSAMPROW rp = line;
      jpeg_write_scanlines (&cinfo, &rp, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  free (line);
  if (fclose (f) != 0)
    {
      perror (path);
      return 1;
    }
  return 0;
}

/* Reads "X,Y,W,H" into *r; false unless it names a rectangle inside the picture. */
static int
parse_crop (const char *arg, rect_t *r)
{
  char tail;
  if (sscanf (arg, "%d,%d,%d,%d%c", &r->x, &r->y, &r->w, &r->h, &tail) != 4)
    return 0;
  return r->x >= 0 && r->y >= 0 && r->w > 0 && r->h > 0 && r->x + r->w <= W && r->y + r->h <= H;
}

int
main (int argc, char **argv)
{
  const char *prog = argv[0];
  rect_t crop = { 0, 0, W, H };
  if (argc >= 3 && strcmp (argv[1], "--crop") == 0)
    {
      if (!parse_crop (argv[2], &crop))
        {
          fprintf (stderr, "%s: --crop wants X,Y,W,H inside %dx%d\n", argv[2], W, H);
          return 2;
        }
      argc -= 2;
      argv += 2;
    }
  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: %s [--crop X,Y,W,H] OUT.jpg [COPY.png]\n", prog);
      return 2;
    }
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (s);
  draw_room (cr);
  draw_head_table (cr);
  draw_audience (cr);
  draw_light (cr);
  cairo_destroy (cr);
  add_grain (s);

  int rc = write_jpeg (s, argv[1], crop);
  if (rc == 0 && argc == 3 && cairo_surface_write_to_png (s, argv[2]) != CAIRO_STATUS_SUCCESS)
    {
      fprintf (stderr, "%s: cannot write PNG\n", argv[2]);
      rc = 1;
    }
  cairo_surface_destroy (s);
  return rc;
}
