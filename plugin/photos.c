/* A story's photos: each in a frame on the grid, cropped about its focus, with its caption
 * and credit under it; several as a group (组图) with their captions. */
#include "photos.h"

#include <math.h>
#include <string.h>
#include "image.h"
#include "units.h"

/* A photo frame is never less than this many grid lines high. */
#define PB_PHOTO_MIN_LINES 3

static double
clamp (double v, double lo, double hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

pb_rect_t
pb_photo_crop (const pb_photo_t *photo, double px_w, double px_h, double w, double h)
{
  double scale = MAX (w / px_w, h / px_h);
  pb_rect_t s = { 0, 0, w / scale, h / scale };
  double fx = 0.5, fy = 0.5;
  if (photo->has_focus)
    fx = photo->focus_x, fy = photo->focus_y;
  s.x = clamp (fx * px_w - s.w / 2, 0, MAX (0, px_w - s.w));
  s.y = clamp (fy * px_h - s.h / 2, 0, MAX (0, px_h - s.h));
  return s;
}

/* The pixels of the photos read so far, against PB_IMAGE_ISSUE_MAX_PIXELS. */
static guint64
pixels_held (GHashTable *images)
{
  guint64 n = 0;
  GHashTableIter iter;
  gpointer surface;
  g_hash_table_iter_init (&iter, images);
  while (g_hash_table_iter_next (&iter, NULL, &surface))
    n += (guint64) cairo_image_surface_get_width (surface)
         * cairo_image_surface_get_height (surface);
  return n;
}

/* The photo's decoded surface, from the bytes read at load, decoded once however many pages
 * use it. Returns a reference. */
static cairo_surface_t *
photo_surface (GHashTable *images, const pb_photo_t *photo, GError **error)
{
  GError *local = NULL;
  cairo_surface_t *surface = g_hash_table_lookup (images, photo->file);
  if (surface)
    return cairo_surface_reference (surface);
  guint64 held = pixels_held (images);
  guint64 left = held < PB_IMAGE_ISSUE_MAX_PIXELS ? PB_IMAGE_ISSUE_MAX_PIXELS - held : 0;
  if ((surface = pb_image_load_bytes (photo->file, photo->bytes, left, &local)))
    g_hash_table_insert (images, photo->file, cairo_surface_reference (surface));
  else
    {
      pb_set_error_at (error, PB_ERROR_IMAGE, photo->loc, "%s", local->message);
      g_error_free (local);
    }
  return surface;
}

/* The caption under a photo of width `w` at (x, grid line `top`): its text in the caption
 * style, the credit after it in brackets. Returns the lines set, or -1 with `error` set. */
static int
place_caption (const pb_page_ctx_t *pc, const pb_story_t *story, const pb_photo_t *photo,
               double x, double w, int column, int span, int top, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  const pb_style_t *cap = &t->styles[PB_ROLE_CAPTION];
  const pb_style_t *credit = &t->styles[PB_ROLE_CREDIT];
  GString *text = g_string_new (photo->caption ? photo->caption : "");
  pb_style_run_t runs[2] = { { 0, (int) text->len, cap }, { 0, 0, credit } };
  int n_runs = 1;
  if (photo->credit && *photo->credit)
    {
      runs[1].start = text->len;
      g_string_append_printf (text, "（%s）", photo->credit);
      runs[1].end = text->len;
      n_runs = 2;
    }
  int caption_lines = 0;
  if (text->len > 0)
    {
      pb_para_t *para = pb_shape_text (pc->fonts, text->str,
                                       runs[0].end > 0 ? runs : runs + 1,
                                       runs[0].end > 0 ? n_runs : 1, cap, photo->loc, error);
      if (!para)
        {
          g_string_free (text, TRUE);
          return -1;
        }
      pb_measure_t m = { w, cap->indent, cap->align, cap->size, t->latin_space, 0, FALSE,
                         PB_SHAPE_FILL };
      caption_lines = pb_para_break (para, &m);
      for (int i = 0; i < caption_lines; i++)
        {
          double base = pb_grid_body_baseline (&pc->grid, top + i);
          pb_line_t *line = pb_emit_line (pc->page->lines, t, para, i, x, base, w,
                                          PB_ROLE_CAPTION, story->id);
          line->column = span == 1 ? column : -1;
        }
      pb_para_free (para);
    }
  g_string_free (text, TRUE);
  return caption_lines;
}

/* Grid lines of a photo frame `w` wide at the image's own aspect. */
static int
aspect_lines_at (const pb_template_t *t, cairo_surface_t *surface, double w)
{
  double px_w, px_h;
  pb_image_size (surface, &px_w, &px_h); /* upright, as the EXIF orientation turns it */
  return MAX (PB_PHOTO_MIN_LINES, (int) lround (w * px_h / px_w / t->leading));
}

/* Grid lines of a photo frame `span` columns wide at the image's own aspect. */
static int
aspect_lines (const pb_template_t *t, cairo_surface_t *surface, int span)
{
  return aspect_lines_at (t, surface, pb_span_width (t, span));
}

int
pb_photo_max_lines (const pb_template_t *t, GHashTable *images, const pb_photo_t *photo,
                    GError **error)
{
  cairo_surface_t *surface = photo_surface (images, photo, error);
  if (!surface)
    return -1;
  /* A frame taller than the image's aspect shows its whole height: the resolution falls with
   * the frame's height alone. */
  double px_w, px_h;
  pb_image_size (surface, &px_w, &px_h);
  cairo_surface_destroy (surface);
  return (int) floor (px_h * PB_PT_PER_INCH / PB_MIN_PPI / t->leading);
}

int
pb_photo_frame_lines (const pb_template_t *t, GHashTable *images, const pb_photo_t *photo,
                      int span, int fixed_lines, GError **error)
{
  if (fixed_lines > 0)
    return fixed_lines;
  cairo_surface_t *surface = photo_surface (images, photo, error);
  if (!surface)
    return -1;
  int lines = aspect_lines (t, surface, span);
  cairo_surface_destroy (surface);
  return lines;
}

/* The photo's frame at (x, grid line `top`), `w` wide and `fixed_lines` high (0: from its
 * aspect), cropped to fill it about its focal point, and its caption under it (its lines in
 * page column `column` when `span` is 1). Returns the frame's and caption's lines, or -1. */
static int
place_framed (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
              const pb_photo_t *photo, double x, double w, int column, int span, int top,
              int fixed_lines, GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  cairo_surface_t *surface = photo_surface (images, photo, error);
  if (!surface)
    return -1;
  double px_w, px_h;
  pb_image_size (surface, &px_w, &px_h);
  int lines = fixed_lines > 0 ? fixed_lines : aspect_lines_at (t, surface, w);
  double h = lines * t->leading;

  pb_image_t *image = g_new0 (pb_image_t, 1);
  image->frame = (pb_rect_t) { x, pb_grid_cell_top (&pc->grid, top), w, h };
  image->photo = photo;
  image->surface = surface;
  image->story_id = story->id;
  image->src = pb_photo_crop (photo, px_w, px_h, w, h);
  g_ptr_array_add (pc->page->images, image);

  int caption_lines = place_caption (pc, story, photo, x, w, column, span, top + lines, error);
  return caption_lines < 0 ? -1 : lines + caption_lines;
}

int
pb_place_photo (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                const pb_photo_t *photo, int column, int span, int top, int fixed_lines,
                GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int lines = place_framed (pc, images, story, photo, pb_column_x (t, column),
                            pb_span_width (t, span), column, span, top, fixed_lines, error);
  return lines < 0 ? -1 : lines + 1;
}

/* Photos a row of a group holds: all of them in a row, about the square root in a grid. */
static int
group_per_row (pb_photo_group_t group, int n)
{
  return group == PB_GROUP_ROW ? n : (int) ceil (sqrt (n));
}

/* The width of a group's cells over `span` columns. */
static double
group_cell_width (const pb_template_t *t, int per_row, int span)
{
  return (pb_span_width (t, span) - (per_row - 1) * t->gutter) / per_row;
}

int
pb_photo_group_frame_lines (const pb_template_t *t, GHashTable *images,
                            const pb_story_t *story, pb_photo_group_t group, int span,
                            int fixed_lines, GError **error)
{
  if (fixed_lines > 0)
    return fixed_lines;
  cairo_surface_t *s = photo_surface (images, story->photos->pdata[0], error);
  if (!s)
    return -1;
  int lines = aspect_lines_at (t, s,
                               group_cell_width (t, group_per_row (group, story->photos->len),
                                                 span));
  cairo_surface_destroy (s);
  return lines;
}

int
pb_place_photo_group (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                      pb_photo_group_t group, int column, int span, int top, int fixed_lines,
                      GError **error)
{
  const pb_template_t *t = pc->grid.tmpl;
  int n = story->photos->len, per_row = group_per_row (group, n), line = top;
  double x = pb_column_x (t, column), width = pb_span_width (t, span);
  /* The cells share the width, a gutter apart; a row's frames are as high as its first
   * photo's aspect asks at that width. */
  double w = group_cell_width (t, per_row, span);
  for (int first = 0; first < n; first += per_row)
    {
      int frame = fixed_lines;
      if (frame <= 0)
        {
          cairo_surface_t *s = photo_surface (images, story->photos->pdata[first], error);
          if (!s)
            return -1;
          frame = aspect_lines_at (t, s, w);
          cairo_surface_destroy (s);
        }
      int row = 0;
      for (int k = first; k < MIN (n, first + per_row); k++)
        {
          int lines = place_framed (pc, images, story, story->photos->pdata[k],
                                    x + (k - first) * (w + t->gutter), w, column, 0, line, frame,
                                    error);
          if (lines < 0)
            return -1;
          row = MAX (row, lines);
        }
      /* A blank line under each row; the group's caption follows the last row's captions
       * right under them, as the last line of the group's captions. */
      gboolean last = first + per_row >= n;
      line += row + (last && story->group_caption ? 0 : 1);
    }
  if (story->group_caption)
    {
      pb_photo_t caption = { .caption = story->group_caption, .loc = story->loc };
      int lines = place_caption (pc, story, &caption, x, width, column, span, line, error);
      if (lines < 0)
        return -1;
      line += lines + 1;
    }
  return line - top;
}

int
pb_photo_taken (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                const pb_photo_t *photo, int column, int span, int fixed_lines, GError **error)
{
  /* Set on a scratch page that holds only what the photo adds. */
  pb_page_layout_t scratch = *pc->page;
  scratch.lines = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_line_free);
  scratch.images = g_ptr_array_new ();
  pb_page_ctx_t sc = *pc;
  sc.page = &scratch;
  int lines = pb_place_photo (&sc, images, story, photo, column, span, 0, fixed_lines, error);
  for (guint i = 0; i < scratch.images->len; i++)
    {
      pb_image_t *image = scratch.images->pdata[i];
      cairo_surface_destroy (image->surface);
      g_free (image);
    }
  g_ptr_array_free (scratch.images, TRUE);
  g_ptr_array_free (scratch.lines, TRUE);
  return lines;
}
