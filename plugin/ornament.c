/* Drawing a page's rules and boxes (ornament.h). */
#include "ornament.h"

#include <math.h>
#include "colors.h"

/* The boxes' frames (pb_box_t): the distance between the two rules of a double or thick-thin
 * frame, the thick one's width; the 花边 patterns' dot radius and step, the wave's height and
 * length, the diamonds' half size and step. All stay within half a gutter of the path. */
#define BOX_DOUBLE_GAP 2.5
#define BOX_THICK_WIDTH 2.0
#define BOX_DOT_RADIUS 0.9
#define BOX_DOT_STEP 3.6
#define BOX_WAVE_HEIGHT 1.5
#define BOX_WAVE_LENGTH 6.0
#define BOX_DIAMOND_HALF 1.6
#define BOX_DIAMOND_STEP 4.8

static void
set_color (cairo_t *cr, guint32 rgb)
{
  double c[3];
  pb_tint_rgb (rgb, 1, c);
  cairo_set_source_rgb (cr, c[0], c[1], c[2]);
}

static void
paint_rule (cairo_t *cr, const pb_rule_t *r)
{
  set_color (cr, r->color);
  cairo_set_line_width (cr, r->width);
  cairo_move_to (cr, r->x0, r->y0);
  cairo_line_to (cr, r->x1, r->y1);
  cairo_stroke (cr);
}

static void
stroke_rect (cairo_t *cr, const pb_rect_t *r, double grow, double width)
{
  cairo_set_line_width (cr, width);
  cairo_rectangle (cr, r->x - grow, r->y - grow, r->w + 2 * grow, r->h + 2 * grow);
  cairo_stroke (cr);
}

/* The point `d` along the rectangle's path, clockwise from its top-left corner, and the
 * direction out of the box there (nx, ny). */
static void
along (const pb_rect_t *r, double d, double *x, double *y, double *nx, double *ny)
{
  double p = 2 * (r->w + r->h);
  d = fmod (d, p);
  if (d < r->w)
    *x = r->x + d, *y = r->y, *nx = 0, *ny = -1;
  else if ((d -= r->w) < r->h)
    *x = r->x + r->w, *y = r->y + d, *nx = 1, *ny = 0;
  else if ((d -= r->h) < r->w)
    *x = r->x + r->w - d, *y = r->y + r->h, *nx = 0, *ny = 1;
  else
    *x = r->x, *y = r->y + r->h - (d - r->w), *nx = -1, *ny = 0;
}

/* A 花边: marks every `step` along the path (a whole number of them, evenly spread). */
static void
pattern_marks (cairo_t *cr, const pb_rect_t *r, pb_box_style_t style, double step)
{
  double p = 2 * (r->w + r->h);
  int n = MAX (4, (int) lround (p / step));
  for (int i = 0; i < n; i++)
    {
      double x, y, nx, ny;
      along (r, p * i / n, &x, &y, &nx, &ny);
      if (style == PB_BOX_DOTS)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, BOX_DOT_RADIUS, 0, 2 * M_PI);
        }
      else
        {
          double h = BOX_DIAMOND_HALF;
          cairo_move_to (cr, x - h, y);
          cairo_line_to (cr, x, y - h);
          cairo_line_to (cr, x + h, y);
          cairo_line_to (cr, x, y + h);
          cairo_close_path (cr);
        }
    }
  cairo_fill (cr);
}

/* A 花边 wave: the path with a sine of BOX_WAVE_HEIGHT across it. */
static void
pattern_wave (cairo_t *cr, const pb_rect_t *r)
{
  double p = 2 * (r->w + r->h);
  int waves = MAX (4, (int) lround (p / BOX_WAVE_LENGTH));
  int steps = waves * 8;
  for (int i = 0; i <= steps; i++)
    {
      double x, y, nx, ny, d = p * i / steps;
      along (r, d, &x, &y, &nx, &ny);
      double off = BOX_WAVE_HEIGHT * sin (2 * M_PI * waves * d / p);
      if (i == 0)
        cairo_move_to (cr, x + nx * off, y + ny * off);
      else
        cairo_line_to (cr, x + nx * off, y + ny * off);
    }
  cairo_close_path (cr);
  cairo_set_line_width (cr, PB_BOX_RULE_WIDTH);
  cairo_stroke (cr);
}

static void
paint_frame (cairo_t *cr, const pb_box_t *b)
{
  const pb_rect_t *r = &b->rect;
  set_color (cr, b->color);
  switch (b->style)
    {
    case PB_BOX_DOUBLE:
      stroke_rect (cr, r, BOX_DOUBLE_GAP / 2, PB_BOX_RULE_WIDTH);
      stroke_rect (cr, r, -BOX_DOUBLE_GAP / 2, PB_BOX_RULE_WIDTH);
      break;
    case PB_BOX_THICK_THIN:
      stroke_rect (cr, r, BOX_DOUBLE_GAP / 2, BOX_THICK_WIDTH);
      stroke_rect (cr, r, -BOX_DOUBLE_GAP / 2, PB_BOX_RULE_WIDTH);
      break;
    case PB_BOX_DOTS:
      pattern_marks (cr, r, b->style, BOX_DOT_STEP);
      break;
    case PB_BOX_DIAMONDS:
      pattern_marks (cr, r, b->style, BOX_DIAMOND_STEP);
      break;
    case PB_BOX_WAVE:
      pattern_wave (cr, r);
      break;
    default:
      stroke_rect (cr, r, 0, PB_BOX_RULE_WIDTH);
      break;
    }
}

/* A box: the tint filling it and the bar behind reversed headlines under the text, then the
 * frame. */
static void
paint_box_ground (cairo_t *cr, const pb_box_t *b)
{
  if (b->tint > 0)
    {
      double rgb[3];
      pb_tint_rgb (b->color, b->tint, rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_rectangle (cr, b->rect.x, b->rect.y, b->rect.w, b->rect.h);
      cairo_fill (cr);
    }
  if (b->bar.w > 0)
    {
      set_color (cr, b->color);
      cairo_rectangle (cr, b->bar.x, b->bar.y, b->bar.w, b->bar.h);
      cairo_fill (cr);
    }
}

void
pb_paint_rules_and_boxes (cairo_t *cr, const pb_page_layout_t *page)
{
  cairo_save (cr);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  for (guint i = 0; i < page->boxes->len; i++)
    paint_box_ground (cr, page->boxes->pdata[i]);
  for (guint i = 0; i < page->rules->len; i++)
    paint_rule (cr, page->rules->pdata[i]);
  for (guint i = 0; i < page->boxes->len; i++)
    paint_frame (cr, page->boxes->pdata[i]);
  cairo_restore (cr);
}
