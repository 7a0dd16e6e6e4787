#include "paint.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <cairo-pdf.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#include "colors.h"
#include "config.h"
#include "fonts.h"
#include "image.h"
#include "inspect.h"
#include "ornament.h"
#include "outfile.h"
#include "source.h"
#include "tags.h"

/* A layout of no pages still makes a PDF of one blank page: A4, in points. */
#define EMPTY_PAGE_W 595
#define EMPTY_PAGE_H 842

/* A run whose glyphs are turned 90° clockwise (Latin in a vertical line): drawn in a frame
 * turned about its first glyph's origin, where the glyphs' positions are measured along x. */
static void
show_turned (cairo_t *cr, const pb_glyph_run_t *run, cairo_glyph_t *glyphs)
{
  double ox = glyphs[0].x, oy = glyphs[0].y;
  for (int i = 0; i < run->n_glyphs; i++)
    {
      double dx = glyphs[i].x - ox, dy = glyphs[i].y - oy;
      glyphs[i].x = dy;
      glyphs[i].y = -dx;
    }
  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_rotate (cr, M_PI / 2);
  cairo_show_text_glyphs (cr, run->text, run->text_len, glyphs, run->n_glyphs, run->clusters,
                          run->n_clusters, 0);
  cairo_restore (cr);
}

static void
paint_line (cairo_t *cr, const pb_line_t *line, pb_embed_t *fonts)
{
  for (guint i = 0; i < line->runs->len; i++)
    {
      const pb_glyph_run_t *run = line->runs->pdata[i];
      if (run->n_glyphs == 0)
        continue;
      cairo_set_scaled_font (cr, pb_embed_font (fonts, run->font));
      cairo_glyph_t *glyphs = g_new (cairo_glyph_t, run->n_glyphs);
      pb_embed_glyphs (fonts, run->font, run->glyphs, run->n_glyphs, glyphs);
      /* With the text clusters, copy and search in the PDF give back the input characters. */
      if (run->rotated)
        show_turned (cr, run, glyphs);
      else
        cairo_show_text_glyphs (cr, run->text, run->text_len, glyphs, run->n_glyphs,
                                run->clusters, run->n_clusters, 0);
      g_free (glyphs);
    }
  /* Emphasis dots in the line's colour (the caller's source). */
  for (guint i = 0; line->dots && i < line->dots->len; i++)
    {
      const pb_dot_t *d = &g_array_index (line->dots, pb_dot_t, i);
      cairo_new_sub_path (cr);
      cairo_arc (cr, d->x, d->y, d->r, 0, 2 * G_PI);
    }
  if (line->dots && line->dots->len)
    cairo_fill (cr);
}

/* The marked-content sequence open while a PDF page is drawn (see tags.h). */
typedef struct {
  pb_tags_t *tags;
  guint page;               /* index of the page drawn */
  gboolean open;
  int elem;                 /* the open sequence's element, or PB_TAG_ARTIFACT */
  const char *name;         /* its Cairo tag */
} marking_t;

/* How a page is drawn: for print (photos run into the bleed) or as a proof (the overlay). */
typedef struct {
  double bleed;             /* > 0: the print PDF */
  pb_inspection_t *proof;   /* what the overlay marks; NULL: no overlay */
  PangoContext *labels;     /* proof labels; NULL without an overlay or when the layout has no
                             * fonts */
  marking_t *mark;          /* NULL: nothing is marked (PNG proofs, pb_paint_page) */
} paint_mode_t;

/* ---- marked content (tagged PDF) ---- */

static void
mark_end (cairo_t *cr, const paint_mode_t *mode)
{
  marking_t *m = mode->mark;
  if (m && m->open)
    cairo_tag_end (cr, m->name);
  if (m)
    m->open = FALSE;
}

/* What is drawn next belongs to `elem` (an element of the tags, or PB_TAG_ARTIFACT), and is a
 * link when `link` (Cairo's link attributes) is not NULL: a new marked-content sequence unless
 * the open one is the same element's. A link is a sequence of its own, the leaf Cairo writes
 * the link annotation for; the post-process turns the artifacts' sequences into /Artifact
 * ones. */
static void
mark_begin (cairo_t *cr, const paint_mode_t *mode, int elem, const char *link)
{
  marking_t *m = mode->mark;
  if (!m)
    {
      if (link)
        cairo_tag_begin (cr, CAIRO_TAG_LINK, link);
      return;
    }
  if (m->open && m->elem == elem && !link && strcmp (m->name, CAIRO_TAG_LINK) != 0)
    return;
  mark_end (cr, mode);
  pb_tags_mark (m->tags, m->page, elem);
  const pb_tag_elem_t *e = elem == PB_TAG_ARTIFACT ? NULL : pb_tags_elem (m->tags, elem);
  /* Cairo takes only standard structure types: artifacts are a Span until the post-process. */
  m->name = link ? CAIRO_TAG_LINK : e ? pb_tag_names[e->type] : "Span";
  m->elem = elem;
  m->open = TRUE;
  cairo_tag_begin (cr, m->name, link);
}

/* After a link: without marking, its tag ends here; with it, at the next sequence. */
static void
link_end (cairo_t *cr, const paint_mode_t *mode)
{
  if (!mode->mark)
    cairo_tag_end (cr, CAIRO_TAG_LINK);
}

static void
set_color (cairo_t *cr, guint32 rgb)
{
  cairo_set_source_rgb (cr, (rgb >> 16 & 0xFF) / 255.0, (rgb >> 8 & 0xFF) / 255.0,
                        (rgb & 0xFF) / 255.0);
}

/* A new surface showing what `surface` shows, with its JPEG data (kept by a reference to it). */
static cairo_surface_t *
surface_copy (cairo_surface_t *surface)
{
  cairo_surface_t *copy = cairo_image_surface_create (
      cairo_image_surface_get_format (surface), cairo_image_surface_get_width (surface),
      cairo_image_surface_get_height (surface));
  cairo_t *cr = cairo_create (copy);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint (cr);
  cairo_destroy (cr);
  const unsigned char *data;
  unsigned long len;
  cairo_surface_get_mime_data (surface, CAIRO_MIME_TYPE_JPEG, &data, &len);
  if (data)
    cairo_surface_set_mime_data (copy, CAIRO_MIME_TYPE_JPEG, data, len,
                                 (cairo_destroy_func_t) cairo_surface_destroy,
                                 cairo_surface_reference (surface));
  return copy;
}

/* The surface to draw `image` from: its own, or a copy when an image drawn before it on the
 * page has the same (a photo shown twice): Cairo's PDF writer names one surface drawn twice on
 * a page twice in the page's resources, which damages the file. Returns a reference. */
static cairo_surface_t *
page_surface (const pb_page_layout_t *page, const pb_image_t *image)
{
  for (guint i = 0; i < page->images->len && page->images->pdata[i] != image; i++)
    if (((const pb_image_t *) page->images->pdata[i])->surface == image->surface)
      return surface_copy (image->surface);
  return cairo_surface_reference (image->surface);
}

static void
paint_image (cairo_t *cr, const pb_page_layout_t *page, const pb_image_t *image,
             const paint_mode_t *mode)
{
  pb_rect_t f, s;
  pb_image_placement (image, page, mode->bleed, &f, &s);
  if (s.w <= 0 || s.h <= 0)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, f.x, f.y, f.w, f.h);
  cairo_clip (cr);
  cairo_translate (cr, f.x, f.y);
  cairo_scale (cr, f.w / s.w, f.h / s.h);
  /* The pattern maps the upright crop's pixels to the surface's as stored (EXIF orientation). */
  cairo_matrix_t m;
  pb_image_orientation_matrix (image->surface, &m);
  cairo_matrix_translate (&m, s.x, s.y);
  if (image->mask)
    {
      /* A one-colour logo: its colour through the image's coverage. */
      set_color (cr, image->color);
      cairo_pattern_t *mask = cairo_pattern_create_for_surface (image->surface);
      cairo_pattern_set_matrix (mask, &m);
      cairo_pattern_set_filter (mask, CAIRO_FILTER_GOOD);
      cairo_mask (cr, mask);
      cairo_pattern_destroy (mask);
      cairo_restore (cr);
      return;
    }
  cairo_surface_t *surface = page_surface (page, image);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_matrix (cairo_get_source (cr), &m);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_surface_destroy (surface);
  cairo_restore (cr);
}


/* ---- the proof overlay ---- */

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
label (cairo_t *cr, const paint_mode_t *mode, const pb_template_t *t, double x, double y,
       gboolean right, const char *text)
{
  if (!mode->labels)
    return;
  PangoLayout *pl = pango_layout_new (mode->labels);
  PangoFontDescription *desc = pango_font_description_new ();
  pango_font_description_set_family (desc, t->styles[PB_ROLE_FOLIO].font);
  pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  pango_font_description_set_absolute_size (desc, PROOF_LABEL_SIZE * PANGO_SCALE);
  pango_layout_set_font_description (pl, desc);
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
proof_overset (cairo_t *cr, const paint_mode_t *mode, const pb_page_layout_t *page)
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
      label (cr, mode, page->tmpl, x + (PROOF_BAR_GAP + PROOF_BAR_WIDTH),
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
proof_underset (cairo_t *cr, const paint_mode_t *mode, const pb_page_check_t *check)
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
      label (cr, mode, check->page->tmpl, a->x + a->w, a->y + a->h - PROOF_UNDERSET_RAISE,
             TRUE, text);
    }
}

static void
proof_photos (cairo_t *cr, const paint_mode_t *mode, const pb_page_check_t *check)
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
      label (cr, mode, check->page->tmpl, f->x + PROOF_LABEL_INSET, f->y + PROOF_LABEL_INSET,
             FALSE, text);
    }
}

/* A line's em band in `rgba`, labelled under its right end. */
static void
mark_line (cairo_t *cr, const paint_mode_t *mode, const pb_template_t *t, const pb_line_t *line,
           const double rgba[4], const char *text)
{
  cairo_save (cr);
  cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
  cairo_rectangle (cr, line->x, line->baseline - PB_EM_ASCENT * line->size, line->measure,
                   line->size);
  cairo_fill (cr);
  cairo_restore (cr);
  label (cr, mode, t, line->x + line->measure, line->baseline + PROOF_LABEL_DROP * line->size,
         TRUE, text);
}

static void
proof_lone_lines (cairo_t *cr, const paint_mode_t *mode, const pb_page_check_t *check)
{
  for (guint i = 0; i < check->lone_lines->len; i++)
    {
      const pb_lone_line_t *l = &g_array_index (check->lone_lines, pb_lone_line_t, i);
      mark_line (cr, mode, check->page->tmpl, l->line, proof_lone_pink,
                 l->widow ? "孤行（段末）" : "孤行（段首）");
    }
}

static void
proof_letterspaced (cairo_t *cr, const paint_mode_t *mode, const pb_page_check_t *check)
{
  const pb_template_t *t = check->page->tmpl;
  for (guint i = 0; i < check->letterspaced->len; i++)
    {
      const pb_loose_line_t *l = &g_array_index (check->letterspaced, pb_loose_line_t, i);
      g_autofree char *text = g_strdup_printf ("字距 %.2f字 > %.2f字", l->extra_em,
                                               t->letterspacing_limit / t->body_size);
      mark_line (cr, mode, t, l->line, proof_loose_yellow, text);
    }
}

/* 1-based index in the PDF of the page numbered `number`, 0 when it is not in this file. */
static int
page_index (const pb_layout_t *layout, int number)
{
  for (guint i = 0; i < layout->pages->len; i++)
    if (((pb_page_layout_t *) layout->pages->pdata[i])->number == number)
      return i + 1;
  return 0;
}

static void
paint_lines (cairo_t *cr, const pb_layout_t *layout, const pb_page_layout_t *page,
             pb_embed_t *fonts, const paint_mode_t *mode)
{
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      cairo_set_source_rgb (cr, (line->color >> 16 & 0xFF) / 255.0,
                            (line->color >> 8 & 0xFF) / 255.0, (line->color & 0xFF) / 255.0);
      /* Links name the page's destination: cairo 1.16 drops the target of a "page=N" link
       * to a later page, named destinations resolve at the end. */
      gboolean target = line->link_page && page_index (layout, line->link_page) > 0;
      g_autofree char *attrs = target ? g_strdup_printf ("dest='page-%d'", line->link_page)
                                      : NULL;
      int elem = mode->mark ? pb_tags_line (mode->mark->tags, mode->mark->page, i)
                            : PB_TAG_ARTIFACT;
      mark_begin (cr, mode, elem, attrs);
      paint_line (cr, line, fonts);
      if (target)
        link_end (cr, mode);
    }
}

static void
paint_content (cairo_t *cr, const pb_layout_t *layout, const pb_page_layout_t *page,
               pb_embed_t *fonts, const paint_mode_t *mode)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < page->images->len; i++)
    {
      if (mode->mark)
        mark_begin (cr, mode, pb_tags_image (mode->mark->tags, mode->mark->page, i), NULL);
      paint_image (cr, page, page->images->pdata[i], mode);
    }
  mark_begin (cr, mode, PB_TAG_ARTIFACT, NULL);
  pb_paint_rules_and_boxes (cr, page);
  paint_lines (cr, layout, page, fonts, mode);
  cairo_restore (cr);
}

/* The proof overlay for `layout` (its findings and its labels' font map) when `proof`. */
static void
mode_init (paint_mode_t *mode, const pb_layout_t *layout, gboolean proof)
{
  *mode = (paint_mode_t) { 0 };
  if (!proof)
    return;
  mode->proof = pb_inspect (layout);
  mode->labels = label_context (layout);
}

static void
mode_clear (paint_mode_t *mode)
{
  pb_inspection_free (mode->proof);
  if (mode->labels)
    g_object_unref (mode->labels);
}

/* Page `index` of `layout`, with the overlay when the mode has one. */
static void
paint_page_with (cairo_t *cr, const pb_layout_t *layout, guint index, pb_embed_t *fonts,
                 const paint_mode_t *mode)
{
  const pb_page_layout_t *page = layout->pages->pdata[index];
  const pb_page_check_t *check = NULL;
  if (mode->proof)
    {
      check = &g_array_index (mode->proof->pages, pb_page_check_t, index);
      mark_begin (cr, mode, PB_TAG_ARTIFACT, NULL);
      proof_grid (cr, page);
    }
  paint_content (cr, layout, page, fonts, mode);
  if (check)
    {
      mark_begin (cr, mode, PB_TAG_ARTIFACT, NULL);
      proof_underset (cr, mode, check);
      proof_frames (cr, page);
      proof_lone_lines (cr, mode, check);
      proof_letterspaced (cr, mode, check);
      proof_photos (cr, mode, check);
      proof_overset (cr, mode, page);
    }
}

void
pb_paint_page (cairo_t *cr, const pb_layout_t *layout, const pb_page_layout_t *page,
               pb_embed_t *fonts)
{
  paint_mode_t mode = { 0 };
  paint_content (cr, layout, page, fonts, &mode);
}

/* Cairo's output: a buffered stream on the temporary file, and a digest of the bytes (the
 * print file's XMP document id). */
#define SINK_BUFFER (64 * 1024)
typedef struct {
  pb_outfile_t *out;
  GChecksum *sum;           /* NULL: no digest */
  GByteArray *buf;
  GError *error;            /* the first write error */
} sink_t;

static void
sink_flush (sink_t *sink)
{
  if (!sink->error && sink->buf->len)
    pb_outfile_write (sink->out, sink->buf->data, sink->buf->len, &sink->error);
  g_byte_array_set_size (sink->buf, 0);
}

/* cairo 1.16 does not pass a stream's write error on to the surface: the sink keeps it. */
static cairo_status_t
write_file (void *closure, const unsigned char *data, unsigned int length)
{
  sink_t *sink = closure;
  if (sink->sum)
    g_checksum_update (sink->sum, data, length);
  g_byte_array_append (sink->buf, data, length);
  if (sink->buf->len >= SINK_BUFFER)
    sink_flush (sink);
  return sink->error ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* The rest of the buffer written; the first failure, a write's or else Cairo's `status`. */
static gboolean
sink_close (sink_t *sink, cairo_status_t status, GError **error)
{
  sink_flush (sink);
  g_byte_array_unref (sink->buf);
  if (sink->error)
    {
      g_propagate_error (error, sink->error);
      return FALSE;
    }
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_autofree char *shown = pb_path_display (sink->out->path);
  g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s: %s", shown, sink->out->what,
               cairo_status_to_string (status));
  return FALSE;
}

static void
set_metadata (cairo_surface_t *surface, const pb_pdf_info_t *info)
{
  if (info->title)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, info->title);
  if (info->author)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, info->author);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "paiban " PAIBAN_VERSION);
  GDateTime *dt = g_date_time_new_from_unix_utc (info->epoch);
  if (dt)
    {
      g_autofree char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, iso);
      g_date_time_unref (dt);
    }
}

/* Page label, a bookmark for the page and one for each headline on it; `margin` is where the
 * trim starts on the media. */
static void
add_navigation (cairo_surface_t *surface, const pb_layout_t *layout,
                const pb_page_layout_t *page, int page_index, double margin)
{
  g_autofree char *label = g_strdup_printf ("%d", page->number);
  cairo_pdf_surface_set_page_label (surface, label);
  g_autofree char *link = g_strdup_printf ("page=%d pos=[0 0]", page_index + 1);
  g_autofree char *name = g_strdup_printf ("第%d版%s%s", page->number,
                                           page->plan->section ? " " : "",
                                           page->plan->section ? page->plan->section : "");
  int parent = cairo_pdf_surface_add_outline (surface, CAIRO_PDF_OUTLINE_ROOT, name, link,
                                              CAIRO_PDF_OUTLINE_FLAG_OPEN);
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      if (line->role != PB_ROLE_HEADLINE || line->line_no != 0)
        continue;
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *at = g_strdup_printf (
          "page=%d pos=[%s %s]", page_index + 1,
          g_ascii_formatd (x, sizeof x, "%.1f", line->x + margin),
          g_ascii_formatd (y, sizeof y, "%.1f",
                           (line->vertical ? line->baseline : line->baseline - line->size)
                           + margin));
      const pb_story_t *story = g_hash_table_lookup (layout->issue->story_by_id, line->story_id);
      cairo_pdf_surface_add_outline (surface, parent, story ? story->headline : line->text, at, 0);
    }
}

/* Distance from the media edge to the trim: the bleed and mark area of a print page. */
static double
page_margin (const pb_page_layout_t *page, gboolean print)
{
  return print ? pb_print_margin (page->tmpl) : 0;
}

/* Draws every page into a Cairo PDF on `sink`: the print layout (trim inside media with room
 * for the bleed and marks) or the proof. */
static cairo_status_t
cairo_pdf (const pb_layout_t *layout, const pb_pdf_info_t *info, const pb_pdf_options_t *opt,
           sink_t *sink, pb_embed_t *fonts, pb_tags_t *tags)
{
  gboolean print = !opt->proof;
  paint_mode_t mode;
  mode_init (&mode, layout, opt->proof);
  const pb_page_layout_t *first = layout->pages->len ? layout->pages->pdata[0] : NULL;
  double m0 = first ? page_margin (first, print) : 0;
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (
      write_file, sink, first ? first->width + 2 * m0 : EMPTY_PAGE_W,
      first ? first->height + 2 * m0 : EMPTY_PAGE_H);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  set_metadata (surface, info);
  cairo_t *cr = cairo_create (surface);
  marking_t marking = { tags, 0, FALSE, PB_TAG_ARTIFACT, NULL };
  mode.mark = tags ? &marking : NULL;
  /* A document structure element around everything: Cairo writes the structure tree (which
   * the post-process rewrites in reading order) only under one. */
  guint n = layout->pages->len;
  if (n > 0)
    cairo_tag_begin (cr, "Document", NULL);
  for (guint i = 0; i < n; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      const pb_page_layout_t *prev = i > 0 ? layout->pages->pdata[i - 1] : page;
      double m = page_margin (page, print), pm = page_margin (prev, print);
      /* Only on a change of size: cairo 1.16 damages tagged files on a redundant call. */
      if (page->width + 2 * m != prev->width + 2 * pm || page->height + 2 * m != prev->height + 2 * pm)
        cairo_pdf_surface_set_size (surface, page->width + 2 * m, page->height + 2 * m);
      add_navigation (surface, layout, page, i, m);
      char xy[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (xy, sizeof xy, "%.4f", m);
      g_autofree char *dest = g_strdup_printf ("name='page-%d' x=%s y=%s", page->number,
                                               xy, xy);
      cairo_tag_begin (cr, CAIRO_TAG_DEST, dest);
      cairo_tag_end (cr, CAIRO_TAG_DEST);
      mode.bleed = print ? page->tmpl->bleed : 0;
      marking.page = i;
      cairo_save (cr);
      /* The layout is in trim coordinates. */
      cairo_translate (cr, m, m);
      paint_page_with (cr, layout, i, fonts, &mode);
      if (!page->lines->len && !page->images->len && !page->rules->len && !page->boxes->len)
        {
          /* cairo 1.16 aborts in finish when a tagged page draws nothing: paper white. */
          mark_begin (cr, &mode, PB_TAG_ARTIFACT, NULL);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_rectangle (cr, 0, 0, page->width, page->height);
          cairo_fill (cr);
        }
      mark_end (cr, &mode);
      cairo_restore (cr);
      if (i + 1 == n)
        cairo_tag_end (cr, "Document");
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_status_t status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  mode_clear (&mode);
  return status;
}

/* Cairo's PDF into `out` (an open temporary file); sets `digest` to its SHA-256. */
static gboolean
write_cairo (const pb_layout_t *layout, const pb_pdf_info_t *info, const pb_pdf_options_t *opt,
             pb_tags_t *tags, pb_outfile_t *out, char **digest, GError **error)
{
  pb_embed_t *fonts = pb_embed_new (layout, error);
  if (!fonts)
    return FALSE;
  sink_t sink = { out, g_checksum_new (G_CHECKSUM_SHA256), g_byte_array_sized_new (SINK_BUFFER),
                  NULL };
  cairo_status_t status = cairo_pdf (layout, info, opt, &sink, fonts, tags);
  pb_embed_free (fonts);
  gboolean ok = sink_close (&sink, status, error);
  if (ok)
    *digest = g_strdup (g_checksum_get_string (sink.sum));
  g_checksum_free (sink.sum);
  return ok;
}

static void
print_pages (const pb_layout_t *layout, GArray *pages)
{
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      pb_print_page_t p = { page->width, page->height, page->tmpl->bleed,
                            pb_print_margin (page->tmpl) };
      g_array_append_val (pages, p);
    }
}

static void
add_tint (GArray *tints, double tint)
{
  for (guint i = 0; i < tints->len; i++)
    if (g_array_index (tints, double, i) == tint)
      return;
  g_array_append_val (tints, tint);
}

/* The spot colours of the layout's templates, each solid and in the tints its boxes show. */
static GArray *
print_spots (const pb_layout_t *layout)
{
  GArray *spots = g_array_new (FALSE, FALSE, sizeof (pb_prepress_spot_t));
  for (guint i = 0; layout->issue && i < layout->issue->templates->len; i++)
    {
      const pb_template_t *t = layout->issue->templates->pdata[i];
      for (guint k = 0; t->spots && k < t->spots->len; k++)
        {
          const pb_spot_t *s = t->spots->pdata[k];
          pb_prepress_spot_t p = { s->name, { s->cmyk[0], s->cmyk[1], s->cmyk[2], s->cmyk[3] },
                                   s->rgb, g_array_new (FALSE, FALSE, sizeof (double)) };
          add_tint (p.tints, 1.0);
          for (guint n = 0; n < layout->pages->len; n++)
            {
              const pb_page_layout_t *page = layout->pages->pdata[n];
              for (guint b = 0; page->tmpl == t && b < page->boxes->len; b++)
                {
                  const pb_box_t *box = page->boxes->pdata[b];
                  if (box->tint > 0 && box->color == s->rgb)
                    add_tint (p.tints, box->tint);
                }
            }
          g_array_append_val (spots, p);
        }
    }
  return spots;
}

static void
spots_free (GArray *spots)
{
  for (guint i = 0; i < spots->len; i++)
    g_array_free (g_array_index (spots, pb_prepress_spot_t, i).tints, TRUE);
  g_array_free (spots, TRUE);
}

/* Cairo's file is post-processed into a second temporary file, which alone is staged: the print
 * file, or the proof with only its structure rewritten. */
static gboolean
post_process (const pb_layout_t *layout, const pb_pdf_info_t *info, const pb_pdf_options_t *opt,
              const pb_tags_t *tags, pb_outfile_t *raw, const char *digest, GPtrArray *staged,
              GError **error)
{
  pb_outfile_t *final = g_new (pb_outfile_t, 1);
  if (!pb_outfile_open (final, raw->path, "cannot write the PDF", error))
    {
      g_free (final);
      return FALSE;
    }
  g_autoptr (GArray) pages = g_array_new (FALSE, FALSE, sizeof (pb_print_page_t));
  print_pages (layout, pages);
  GArray *spots = print_spots (layout);
  pb_prepress_t pp = { info->title, info->author, info->epoch,
                       opt->cmyk_profile ? opt->cmyk_profile : PAIBAN_CMYK_PROFILE,
                       opt->rgb_profile ? opt->rgb_profile : PAIBAN_RGB_PROFILE,
                       digest, (const pb_print_page_t *) pages->data, pages->len, tags,
                       (const pb_prepress_spot_t *) spots->data, spots->len };
  g_autofree char *in = pb_outfile_name (raw);
  gint64 start = g_get_monotonic_time ();
  gboolean ok = opt->proof ? pb_prepress_proof (in, final, tags, error)
                           : pb_prepress_pdf (in, final, &pp, opt->stats, error);
  ok = ok && pb_outfile_finish (final, error);
  spots_free (spots);
  if (!ok)
    {
      pb_outfile_discard (final);
      return FALSE;
    }
  if (opt->stats && !opt->proof)
    opt->stats->seconds = (g_get_monotonic_time () - start) / 1e6;
  g_ptr_array_add (staged, final);
  return TRUE;
}

gboolean
pb_paint_pdf_stage (const pb_layout_t *layout, const pb_pdf_info_t *info,
                    const pb_pdf_options_t *options, const char *path, GPtrArray *staged,
                    GError **error)
{
  static const pb_pdf_options_t print = { 0 };
  const pb_pdf_options_t *opt = options ? options : &print;
  pb_outfile_t *raw = g_new (pb_outfile_t, 1);
  if (!pb_outfile_open (raw, path, "cannot write the PDF", error))
    {
      g_free (raw);
      return FALSE;
    }
  g_autofree char *digest = NULL;
  /* An issue made wholly elsewhere: Cairo's one blank page has nothing to tag. */
  pb_tags_t *tags = layout->pages->len ? pb_tags_new (layout) : NULL;
  gboolean ok = write_cairo (layout, info, opt, tags, raw, &digest, error)
                && post_process (layout, info, opt, tags, raw, digest, staged, error);
  pb_tags_free (tags);
  pb_outfile_discard (raw);
  return ok;
}

gboolean
pb_paint_pdf_with (const pb_layout_t *layout, const pb_pdf_info_t *info,
                   const pb_pdf_options_t *options, const char *path, GError **error)
{
  g_autoptr (GPtrArray) staged = g_ptr_array_new_with_free_func (pb_outfile_discard);
  return pb_paint_pdf_stage (layout, info, options, path, staged, error)
         && pb_outfile_commit_all (staged, error);
}

gboolean
pb_paint_pdf (const pb_layout_t *layout, const pb_pdf_info_t *info, const char *path,
              GError **error)
{
  return pb_paint_pdf_with (layout, info, NULL, path, error);
}

/* Every page is checked before any is drawn: a proof is not left half replaced. */
static gboolean
png_sizes_ok (const pb_layout_t *layout, const char *dir, double dpi, GError **error)
{
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      double w = ceil (page->width * dpi / PB_PT_PER_INCH);
      double h = ceil (page->height * dpi / PB_PT_PER_INCH);
      if (w > PB_PNG_MAX_SIDE || h > PB_PNG_MAX_SIDE || w * h > PB_PNG_MAX_PIXELS)
        {
          g_autofree char *shown = pb_path_display (dir);
          g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT,
                       "%s: page %d at %g dpi would be %.0f × %.0f pixels, more than a PNG proof "
                       "may have (%d per side, %d pixels): lower the resolution",
                       shown, page->number, dpi, w, h, PB_PNG_MAX_SIDE, PB_PNG_MAX_PIXELS);
          return FALSE;
        }
    }
  return TRUE;
}

/* The page drawn at `scale` into a new temporary file beside `path`, finished and staged. */
static gboolean
stage_png (cairo_surface_t *surface, const char *path, GPtrArray *staged, GError **error)
{
  pb_outfile_t *out = g_new (pb_outfile_t, 1);
  if (!pb_outfile_open (out, path, "cannot write the PNG", error))
    {
      g_free (out);
      return FALSE;
    }
  sink_t sink = { out, NULL, g_byte_array_sized_new (SINK_BUFFER), NULL };
  cairo_status_t status = cairo_surface_write_to_png_stream (surface, write_file, &sink);
  if (!sink_close (&sink, status, error) || !pb_outfile_finish (out, error))
    {
      pb_outfile_discard (out);
      return FALSE;
    }
  g_ptr_array_add (staged, out);
  return TRUE;
}

static gboolean
draw_png (const pb_layout_t *layout, guint i, pb_embed_t *fonts, paint_mode_t *mode,
          const char *dir, double dpi, GPtrArray *staged, GError **error)
{
  const pb_page_layout_t *page = layout->pages->pdata[i];
  for (guint k = 0; k < page->images->len; k++)
    if (!pb_image_pixels (((pb_image_t *) page->images->pdata[k])->surface, error))
      return FALSE;
  double scale = dpi / PB_PT_PER_INCH;
  cairo_surface_t *surface = cairo_image_surface_create (
      CAIRO_FORMAT_RGB24, (int) ceil (page->width * scale), (int) ceil (page->height * scale));
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  paint_page_with (cr, layout, i, fonts, mode);
  cairo_destroy (cr);
  g_autofree char *name = g_strdup_printf ("page-%02d.png", page->number);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  gboolean ok = stage_png (surface, path, staged, error);
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
pb_paint_png_stage (const pb_layout_t *layout, const char *dir, double dpi, gboolean proof,
                    GPtrArray *staged, GError **error)
{
  if (!png_sizes_ok (layout, dir, dpi, error))
    return FALSE;
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int e = errno;
      g_autofree char *shown = pb_path_display (dir);
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s", shown, g_strerror (e));
      return FALSE;
    }
  pb_embed_t *fonts = pb_embed_new (layout, error);
  if (!fonts)
    return FALSE;
  paint_mode_t mode;
  mode_init (&mode, layout, proof);
  gboolean ok = TRUE;
  for (guint i = 0; i < layout->pages->len && ok; i++)
    ok = draw_png (layout, i, fonts, &mode, dir, dpi, staged, error);
  mode_clear (&mode);
  pb_embed_free (fonts);
  return ok;
}

gboolean
pb_paint_png_proof (const pb_layout_t *layout, const char *dir, double dpi, gboolean proof,
                    GError **error)
{
  g_autoptr (GPtrArray) staged = g_ptr_array_new_with_free_func (pb_outfile_discard);
  return pb_paint_png_stage (layout, dir, dpi, proof, staged, error)
         && pb_outfile_commit_all (staged, error);
}

gboolean
pb_paint_png (const pb_layout_t *layout, const char *dir, double dpi, GError **error)
{
  return pb_paint_png_proof (layout, dir, dpi, FALSE, error);
}
