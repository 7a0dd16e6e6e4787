#include "paint.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <cairo-pdf.h>
#include <fcntl.h>
#include <math.h>
#include <unistd.h>
#include "colors.h"
#include "config.h"
#include "image.h"
#include "ornament.h"
#include "outfile.h"
#include "overlay.h"
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
  pb_overlay_t *overlay;    /* the proof's; NULL: none */
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

/* The proof overlay for `layout` when `proof`; fails as pb_overlay_new. */
static gboolean
mode_init (paint_mode_t *mode, const pb_layout_t *layout, gboolean proof, GError **error)
{
  *mode = (paint_mode_t) { 0 };
  if (proof)
    mode->overlay = pb_overlay_new (layout, error);
  return !proof || mode->overlay;
}

static void
mode_clear (paint_mode_t *mode)
{
  pb_overlay_free (mode->overlay);
}

/* Page `index` of `layout`, with the overlay when the mode has one. */
static void
paint_page_with (cairo_t *cr, const pb_layout_t *layout, guint index, pb_embed_t *fonts,
                 const paint_mode_t *mode)
{
  const pb_page_layout_t *page = layout->pages->pdata[index];
  if (mode->overlay)
    {
      mark_begin (cr, mode, PB_TAG_ARTIFACT, NULL);
      pb_overlay_under (cr, mode->overlay, index);
    }
  paint_content (cr, layout, page, fonts, mode);
  if (mode->overlay)
    {
      mark_begin (cr, mode, PB_TAG_ARTIFACT, NULL);
      pb_overlay_over (cr, mode->overlay, index);
    }
}

void
pb_paint_page (cairo_t *cr, const pb_layout_t *layout, const pb_page_layout_t *page,
               pb_embed_t *fonts)
{
  paint_mode_t mode = { 0 };
  paint_content (cr, layout, page, fonts, &mode);
}

/* Cairo's output: its bytes in memory, which the post-process reads (a file would be written
 * only to be read back), and their digest (the print file's XMP document id; NULL: none). */
typedef struct {
  guchar *data;
  gsize len, size;
  GChecksum *sum;
} sink_t;

#define SINK_INITIAL (256 * 1024)

/* Out of memory is Cairo's error, CAIRO_STATUS_NO_MEMORY, never an abort. */
static cairo_status_t
write_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  sink_t *sink = closure;
  if (length > sink->size - sink->len)
    {
      gsize size = MAX (SINK_INITIAL, sink->size);
      while (size < sink->len + length && size <= G_MAXSIZE / 2)
        size *= 2;
      guchar *grown = size >= sink->len + length ? g_try_realloc (sink->data, size) : NULL;
      if (!grown)
        return CAIRO_STATUS_NO_MEMORY;
      sink->data = grown;
      sink->size = size;
    }
  memcpy (sink->data + sink->len, data, length);
  sink->len += length;
  if (sink->sum)
    g_checksum_update (sink->sum, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Cairo's bytes, or NULL with "PATH: WHAT: Cairo's reason" on its failure. */
static GBytes *
sink_close (sink_t *sink, cairo_status_t status, const char *path, const char *what,
            GError **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return g_bytes_new_take (g_steal_pointer (&sink->data), sink->len);
  g_free (sink->data);
  g_autofree char *shown = pb_path_display (path);
  g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s: %s", shown, what,
               cairo_status_to_string (status));
  return NULL;
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
           sink_t *sink, pb_embed_t *fonts, pb_tags_t *tags, paint_mode_t *mode)
{
  gboolean print = !opt->proof;
  const pb_page_layout_t *first = layout->pages->len ? layout->pages->pdata[0] : NULL;
  double m0 = first ? page_margin (first, print) : 0;
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (
      write_bytes, sink, first ? first->width + 2 * m0 : EMPTY_PAGE_W,
      first ? first->height + 2 * m0 : EMPTY_PAGE_H);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  set_metadata (surface, info);
  cairo_t *cr = cairo_create (surface);
  marking_t marking = { tags, 0, FALSE, PB_TAG_ARTIFACT, NULL };
  mode->mark = tags ? &marking : NULL;
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
      mode->bleed = print ? page->tmpl->bleed : 0;
      marking.page = i;
      cairo_save (cr);
      /* The layout is in trim coordinates. */
      cairo_translate (cr, m, m);
      paint_page_with (cr, layout, i, fonts, mode);
      if (!page->lines->len && !page->images->len && !page->rules->len && !page->boxes->len)
        {
          /* cairo 1.16 aborts in finish when a tagged page draws nothing: paper white. */
          mark_begin (cr, mode, PB_TAG_ARTIFACT, NULL);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_rectangle (cr, 0, 0, page->width, page->height);
          cairo_fill (cr);
        }
      mark_end (cr, mode);
      cairo_restore (cr);
      if (i + 1 == n)
        cairo_tag_end (cr, "Document");
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_status_t status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  mode->mark = NULL; /* `marking` ends here */
  return status;
}

/* Cairo's PDF of the layout, for the target `path`; sets `digest` to its SHA-256. */
static GBytes *
write_cairo (const pb_layout_t *layout, const pb_pdf_info_t *info, const pb_pdf_options_t *opt,
             pb_tags_t *tags, const char *path, char **digest, GError **error)
{
  paint_mode_t mode;
  if (!mode_init (&mode, layout, opt->proof, error))
    return NULL;
  pb_embed_t *fonts = pb_embed_new (layout, error);
  if (!fonts)
    {
      mode_clear (&mode);
      return NULL;
    }
  sink_t sink = { NULL, 0, 0, g_checksum_new (G_CHECKSUM_SHA256) };
  cairo_status_t status = cairo_pdf (layout, info, opt, &sink, fonts, tags, &mode);
  pb_embed_free (fonts);
  mode_clear (&mode);
  GBytes *bytes = sink_close (&sink, status, path, "cannot write the PDF", error);
  if (bytes)
    *digest = g_strdup (g_checksum_get_string (sink.sum));
  g_checksum_free (sink.sum);
  return bytes;
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

/* Cairo's file is post-processed into the temporary file that is staged: the print file, or the
 * proof with only its structure rewritten. */
static gboolean
post_process (const pb_layout_t *layout, const pb_pdf_info_t *info, const pb_pdf_options_t *opt,
              const pb_tags_t *tags, GBytes *raw, const char *path, const char *digest,
              GPtrArray *staged, GError **error)
{
  pb_outfile_t *final = g_new (pb_outfile_t, 1);
  if (!pb_outfile_open (final, path, "cannot write the PDF", error))
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
  gint64 start = g_get_monotonic_time ();
  gboolean ok = opt->proof ? pb_prepress_proof (raw, final, tags, error)
                           : pb_prepress_pdf (raw, final, &pp, opt->stats, error);
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
  g_autofree char *digest = NULL;
  /* An issue made wholly elsewhere: Cairo's one blank page has nothing to tag. */
  pb_tags_t *tags = layout->pages->len ? pb_tags_new (layout) : NULL;
  g_autoptr (GBytes) raw = write_cairo (layout, info, opt, tags, path, &digest, error);
  gboolean ok = raw && post_process (layout, info, opt, tags, raw, path, digest, staged, error);
  pb_tags_free (tags);
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
  static const char what[] = "cannot write the PNG";
  sink_t sink = { 0 };
  g_autoptr (GBytes) png = sink_close (
      &sink, cairo_surface_write_to_png_stream (surface, write_bytes, &sink), path, what, error);
  if (!png)
    return FALSE;
  pb_outfile_t *out = g_new (pb_outfile_t, 1);
  if (!pb_outfile_open (out, path, what, error))
    {
      g_free (out);
      return FALSE;
    }
  gsize len;
  const void *data = g_bytes_get_data (png, &len);
  if (!pb_outfile_write (out, data, len, error) || !pb_outfile_finish (out, error))
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
  gboolean ok = mode_init (&mode, layout, proof, error);
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
