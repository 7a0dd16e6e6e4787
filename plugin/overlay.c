/* The proof overlay: what editors see over a proof page (overlay.h). */
#include "overlay.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>
#include "fonts.h"
#include "parallel.h"
#include "units.h"

struct pb_overlay {
  const pb_layout_t *layout; /* borrowed */
  pb_inspection_t *proof;    /* what the overlay marks */
  PangoContext *labels;      /* NULL when the layout has no fonts */
};

/* Labels are set in the layout's own font map (the job's fontconfig set) and drawn as
 * outlines: no font to embed, the same on PNG and PDF. */
static PangoContext *
label_context (const pb_layout_t *layout)
{
  for (guint p = 0; p < layout->pages->len; p++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[p];
      for (guint l = 0; l < page->lines->len; l++)
        {
          const pb_line_t *line = page->lines->pdata[l];
          if (line->runs->len == 0)
            continue;
          const pb_glyph_run_t *run = line->runs->pdata[0];
          PangoContext *ctx = pango_font_map_create_context (pango_font_get_font_map (run->font));
          pango_cairo_context_set_resolution (ctx, PB_PT_PER_INCH); /* 1 unit = 1 pt */
          return ctx;
        }
    }
  return NULL;
}

/* The overlay's colours (RGB): light guides under the page, outlines over it, problems in
 * red. */
static const double proof_baseline_blue[3] = { 0.62, 0.85, 1.0 };
static const double proof_column_pink[3] = { 1.0, 0.66, 0.85 };
static const double proof_item_green[3] = { 0.15, 0.62, 0.3 };
static const double proof_photo_orange[3] = { 0.95, 0.55, 0.1 };
static const double proof_red[3] = { 0.86, 0.0, 0.1 };
/* Lone lines are highlighted in translucent pink (RGBA): their text stays readable. */
static const double proof_lone_pink[4] = { 1.0, 0.1, 0.5, 0.25 };
/* Empty grid cells are hatched in light red (RGBA). */
static const double proof_hatch_red[4] = { 0.86, 0.0, 0.1, 0.35 };
/* Letterspaced lines in translucent yellow. */
static const double proof_loose_yellow[4] = { 1.0, 0.8, 0.0, 0.3 };

/* The overlay's line widths (pt): guides, outlines with their dash, label borders, the frame of
 * a photo below PB_MIN_PPI (drawn inside the frame). */
#define PROOF_GUIDE_WIDTH 0.3
#define PROOF_OUTLINE_WIDTH 0.6
static const double proof_outline_dash[] = { 3, 2 };
#define PROOF_LABEL_BORDER 0.5
#define PROOF_LOW_PHOTO_WIDTH 2

/* Labels: bold, 6 pt, on a white ground reaching PROOF_LABEL_PAD beyond the text on each side;
 * set PROOF_LABEL_INSET inside a photo frame, or PROOF_LABEL_DROP em below a line's baseline. */
#define PROOF_LABEL_SIZE 6
#define PROOF_LABEL_PAD 1
#define PROOF_LABEL_INSET 3
#define PROOF_LABEL_DROP 0.2

/* The hatching of empty cells: lines at 45° PROOF_HATCH_STEP apart (measured along x). */
#define PROOF_HATCH_STEP 4
#define PROOF_HATCH_WIDTH 0.4

/* The overset bar: PROOF_BAR_GAP after the story's last line, PROOF_BAR_WIDTH wide, one em
 * high; its label starts right after it. */
#define PROOF_BAR_GAP 0.5
/* The underset label: its top this far above the item's foot, at its right edge. */
#define PROOF_UNDERSET_RAISE 10
#define PROOF_BAR_WIDTH 2.5

static void
set_rgb (cairo_t *cr, const double rgb[3])
{
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
}

/* A red label on a white ground; (x, y) is its top-left corner, or top-right with `right`. */
static void
label (cairo_t *cr, const pb_overlay_t *overlay, const pb_template_t *t, double x, double y,
       gboolean right, const char *text)
{
  if (!overlay->labels)
    return;
  PangoFontDescription *desc = pango_font_description_new ();
  pango_font_description_set_family (desc, t->styles[PB_ROLE_FOLIO].font);
  pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (desc, PROOF_LABEL_SIZE * PANGO_SCALE);
  /* Pango starts threads for a font it meets first, and aborts when it cannot (fonts.h): the
   * context's own description is the label's, so that the layout meets no other. */
  pango_context_set_font_description (overlay->labels, desc);
  pb_fonts_load_awaited (overlay->labels, desc, text, -1);
  PangoLayout *pl = pango_layout_new (overlay->labels);
  pango_font_description_free (desc);
  pango_layout_set_text (pl, text, -1);
  PangoRectangle ink, logical;
  pango_layout_get_extents (pl, &ink, &logical);
  double w = logical.width / (double) PANGO_SCALE, h = logical.height / (double) PANGO_SCALE;
  if (right)
    x -= w;
  cairo_save (cr);
  cairo_rectangle (cr, x - PROOF_LABEL_PAD, y, w + 2 * PROOF_LABEL_PAD, h);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  set_rgb (cr, proof_red);
  cairo_set_line_width (cr, PROOF_LABEL_BORDER);
  cairo_stroke (cr);
  cairo_move_to (cr, x, y);
  pango_cairo_layout_path (cr, pl);
  cairo_fill (cr);
  cairo_restore (cr);
  g_object_unref (pl);
}

/* Under the page: baseline grid and column edges in light colours. */
static void
proof_grid (cairo_t *cr, const pb_page_layout_t *page)
{
  const pb_template_t *t = page->tmpl;
  const pb_rect_t *a = &page->type_area;
  cairo_save (cr);
  cairo_set_line_width (cr, PROOF_GUIDE_WIDTH);
  set_rgb (cr, proof_baseline_blue);
  for (int i = 0; i < t->lines; i++)
    {
      double y = pb_grid_baseline (t, page->grid_top, i);
      cairo_move_to (cr, a->x, y);
      cairo_line_to (cr, a->x + a->w, y);
    }
  cairo_stroke (cr);
  set_rgb (cr, proof_column_pink);
  for (int c = 0; c < t->columns; c++)
    {
      double x = pb_column_x (t, c);
      for (int e = 0; e < 2; e++, x += t->column_width)
        {
          cairo_move_to (cr, x, a->y);
          cairo_line_to (cr, x, a->y + a->h);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Over the page: the outline of every item (dashed green) and photo frame (orange). */
static void
proof_frames (cairo_t *cr, const pb_page_layout_t *page)
{
  cairo_save (cr);
  cairo_set_line_width (cr, PROOF_OUTLINE_WIDTH);
  cairo_set_dash (cr, proof_outline_dash, G_N_ELEMENTS (proof_outline_dash), 0);
  set_rgb (cr, proof_item_green);
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *item = page->items->pdata[i];
      cairo_rectangle (cr, item->area.x, item->area.y, item->area.w, item->area.h);
    }
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  set_rgb (cr, proof_photo_orange);
  for (guint i = 0; i < page->images->len; i++)
    {
      const pb_image_t *image = page->images->pdata[i];
      cairo_rectangle (cr, image->frame.x, image->frame.y, image->frame.w, image->frame.h);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The last line of `story`'s body on the page: where its text stops. */
static const pb_line_t *
story_end (const pb_page_layout_t *page, const char *story)
{
  const pb_line_t *last = NULL;
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (line->block >= 0 && line->story_id && story && strcmp (line->story_id, story) == 0)
        last = line;
    }
  return last;
}

/* A red bar after the story's last line and the count of characters left over. */
static void
proof_overset (cairo_t *cr, const pb_overlay_t *overlay, const pb_page_layout_t *page)
{
  for (guint i = 0; i < page->items->len; i++)
    {
      const pb_placed_item_t *item = page->items->pdata[i];
      if (item->overset_chars <= 0)
        continue;
      const pb_line_t *end = story_end (page, item->story_id);
      double x = end ? end->x + end->measure : item->area.x + item->area.w;
      double y = end ? end->baseline : item->area.y + item->area.h;
      double size = end ? end->size : page->tmpl->body_size;
      cairo_save (cr);
      set_rgb (cr, proof_red);
      cairo_rectangle (cr, x + PROOF_BAR_GAP, y - PB_EM_ASCENT * size, PROOF_BAR_WIDTH, size);
      cairo_fill (cr);
      cairo_restore (cr);
      g_autofree char *text = g_strdup_printf ("溢排 +%d字", item->overset_chars);
      label (cr, overlay, page->tmpl, x + (PROOF_BAR_GAP + PROOF_BAR_WIDTH),
             y + PROOF_LABEL_DROP * size, TRUE, text);
    }
}

/* Diagonal lines over `r`, clipped to it. */
static void
hatch (cairo_t *cr, const pb_rect_t *r)
{
  cairo_save (cr);
  cairo_rectangle (cr, r->x, r->y, r->w, r->h);
  cairo_clip (cr);
  /* Each line starts on the page's own diagonal lattice: neighbouring areas join up. */
  double from = floor ((r->x - r->y - r->h) / PROOF_HATCH_STEP) * PROOF_HATCH_STEP;
  for (double x = from; x < r->x + r->w - r->y; x += PROOF_HATCH_STEP)
    {
      cairo_move_to (cr, x + r->y, r->y);
      cairo_line_to (cr, x + r->y + r->h, r->y + r->h);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* Hatches the empty and underset cells of the page, a column's run of them at a time, and
 * labels each item's underset at its foot. */
static void
proof_underset (cairo_t *cr, const pb_overlay_t *overlay, const pb_page_check_t *check)
{
  const pb_cell_map_t *map = &check->map;
  const double *red = proof_hatch_red;
  cairo_save (cr);
  cairo_set_source_rgba (cr, red[0], red[1], red[2], red[3]);
  cairo_set_line_width (cr, PROOF_HATCH_WIDTH);
  for (int c = 0; c < map->columns; c++)
    for (int l = 0; l < map->lines;)
      {
        int end = l;
        while (end < map->lines && pb_cell_counted (map->cells[end * map->columns + c]))
          end++;
        if (end > l)
          {
            pb_rect_t r = pb_cell_rect (check->page, c, l, 1, end - l);
            hatch (cr, &r);
          }
        l = MAX (end, l + 1);
      }
  cairo_restore (cr);
  for (guint i = 0; i < check->fills->len; i++)
    {
      const pb_item_fill_t *fill = &g_array_index (check->fills, pb_item_fill_t, i);
      if (fill->underset_lines <= 0)
        continue;
      const pb_rect_t *a = &fill->item->area;
      g_autofree char *text = g_strdup_printf ("欠排 %d行", fill->underset_lines);
      label (cr, overlay, check->page->tmpl, a->x + a->w, a->y + a->h - PROOF_UNDERSET_RAISE,
             TRUE, text);
    }
}

static void
proof_photos (cairo_t *cr, const pb_overlay_t *overlay, const pb_page_check_t *check)
{
  const double w = PROOF_LOW_PHOTO_WIDTH;
  for (guint i = 0; i < check->photos->len; i++)
    {
      const pb_photo_check_t *photo = &g_array_index (check->photos, pb_photo_check_t, i);
      if (!photo->low)
        continue;
      const pb_rect_t *f = &photo->image->frame;
      cairo_save (cr);
      set_rgb (cr, proof_red);
      cairo_set_line_width (cr, w);
      cairo_rectangle (cr, f->x + w / 2, f->y + w / 2, f->w - w, f->h - w);
      cairo_stroke (cr);
      cairo_restore (cr);
      g_autofree char *text = g_strdup_printf ("低分辨率 %.0f ppi < %.0f", photo->ppi, PB_MIN_PPI);
      label (cr, overlay, check->page->tmpl, f->x + PROOF_LABEL_INSET, f->y + PROOF_LABEL_INSET,
             FALSE, text);
    }
}

/* A line's em band in `rgba`, labelled under its right end. */
static void
mark_line (cairo_t *cr, const pb_overlay_t *overlay, const pb_template_t *t, const pb_line_t *line,
           const double rgba[4], const char *text)
{
  cairo_save (cr);
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  cairo_rectangle (cr, line->x, line->baseline - PB_EM_ASCENT * line->size, line->measure,
                   line->size);
  cairo_fill (cr);
  cairo_restore (cr);
  label (cr, overlay, t, line->x + line->measure, line->baseline + PROOF_LABEL_DROP * line->size,
         TRUE, text);
}

static void
proof_lone_lines (cairo_t *cr, const pb_overlay_t *overlay, const pb_page_check_t *check)
{
  for (guint i = 0; i < check->lone_lines->len; i++)
    {
      const pb_lone_line_t *l = &g_array_index (check->lone_lines, pb_lone_line_t, i);
      mark_line (cr, overlay, check->page->tmpl, l->line, proof_lone_pink,
                 l->widow ? "孤行（段末）" : "孤行（段首）");
    }
}

static void
proof_letterspaced (cairo_t *cr, const pb_overlay_t *overlay, const pb_page_check_t *check)
{
  const pb_template_t *t = check->page->tmpl;
  for (guint i = 0; i < check->letterspaced->len; i++)
    {
      const pb_loose_line_t *l = &g_array_index (check->letterspaced, pb_loose_line_t, i);
      g_autofree char *text = g_strdup_printf ("字距 %.2f字 > %.2f字", l->extra_em,
                                               t->letterspacing_limit / t->body_size);
      mark_line (cr, overlay, t, l->line, proof_loose_yellow, text);
    }
}

/* Threads the proof labels may need at once: laying a label out, Pango measures its font with
 * a context of its own, whose font sets start threads (fonts.h) beside the label's. */
#define PROOF_LABEL_THREADS (2 * PB_FONT_THREADS)

/* Fails (PB_ERROR_FONT) when the proof's labels could not have the threads Pango starts for
 * them: Pango would abort the process. */
static gboolean
labels_room (GError **error)
{
  GError *local = NULL;
  if (pb_threads_room (PROOF_LABEL_THREADS, &local) >= PROOF_LABEL_THREADS)
    return TRUE;
  g_set_error (error, PB_ERROR, PB_ERROR_FONT, "the proof's labels cannot be set: %s, which "
               "Pango needs (is there a limit on processes, such as ulimit -u, or on memory?)",
               local->message);
  g_error_free (local);
  return FALSE;
}

pb_overlay_t *
pb_overlay_new (const pb_layout_t *layout, GError **error)
{
  if (!labels_room (error))
    return NULL;
  pb_overlay_t *overlay = g_new0 (pb_overlay_t, 1);
  overlay->layout = layout;
  overlay->proof = pb_inspect (layout);
  overlay->labels = label_context (layout);
  return overlay;
}

void
pb_overlay_free (pb_overlay_t *overlay)
{
  if (!overlay)
    return;
  pb_inspection_free (overlay->proof);
  if (overlay->labels)
    g_object_unref (overlay->labels);
  g_free (overlay);
}

void
pb_overlay_under (cairo_t *cr, const pb_overlay_t *overlay, guint index)
{
  proof_grid (cr, overlay->layout->pages->pdata[index]);
}

void
pb_overlay_over (cairo_t *cr, const pb_overlay_t *overlay, guint index)
{
  const pb_page_check_t *check = &g_array_index (overlay->proof->pages, pb_page_check_t, index);
  proof_underset (cr, overlay, check);
  proof_frames (cr, overlay->layout->pages->pdata[index]);
  proof_lone_lines (cr, overlay, check);
  proof_letterspaced (cr, overlay, check);
  proof_photos (cr, overlay, check);
  proof_overset (cr, overlay, overlay->layout->pages->pdata[index]);
}
