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
#include "config.h"

static void
paint_line (cairo_t *cr, const pb_line_t *line, pb_embed_t *fonts)
{
  for (guint i = 0; i < line->runs->len; i++)
    {
      const pb_glyph_run_t *run = line->runs->pdata[i];
      cairo_set_scaled_font (cr, pb_embed_font (fonts, run->font));
      cairo_glyph_t *glyphs = g_new (cairo_glyph_t, run->n_glyphs);
      pb_embed_glyphs (fonts, run->font, run->glyphs, run->n_glyphs, glyphs);
      /* With the text clusters, copy and search in the PDF give back the input characters. */
      cairo_show_text_glyphs (cr, run->text, run->text_len, glyphs, run->n_glyphs,
                              run->clusters, run->n_clusters, 0);
      g_free (glyphs);
    }
}

static void
paint_image (cairo_t *cr, const pb_image_t *image)
{
  const pb_rect_t *f = &image->frame, *s = &image->src;
  cairo_save (cr);
  cairo_rectangle (cr, f->x, f->y, f->w, f->h);
  cairo_clip (cr);
  cairo_translate (cr, f->x, f->y);
  cairo_scale (cr, f->w / s->w, f->h / s->h);
  cairo_set_source_surface (cr, image->surface, -s->x, -s->y);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
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

void
pb_paint_page (cairo_t *cr, const pb_layout_t *layout, const pb_page_layout_t *page,
               pb_embed_t *fonts)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint i = 0; i < page->images->len; i++)
    paint_image (cr, page->images->pdata[i]);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  for (guint i = 0; i < page->rules->len; i++)
    {
      const pb_rule_t *r = page->rules->pdata[i];
      cairo_set_line_width (cr, r->width);
      cairo_move_to (cr, r->x0, r->y0);
      cairo_line_to (cr, r->x1, r->y1);
      cairo_stroke (cr);
    }
  cairo_set_line_width (cr, 0.75);
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const pb_rect_t *b = page->boxes->pdata[i];
      cairo_rectangle (cr, b->x, b->y, b->w, b->h);
      cairo_stroke (cr);
    }
  for (guint i = 0; i < page->lines->len; i++)
    {
      const pb_line_t *line = page->lines->pdata[i];
      cairo_set_source_rgb (cr, (line->color >> 16 & 0xFF) / 255.0,
                            (line->color >> 8 & 0xFF) / 255.0, (line->color & 0xFF) / 255.0);
      /* Links name the page's destination: cairo 1.16 drops the target of a "page=N" link
       * to a later page, named destinations resolve at the end. */
      gboolean target = line->link_page && page_index (layout, line->link_page) > 0;
      if (target)
        {
          g_autofree char *attrs = g_strdup_printf ("dest='page-%d'", line->link_page);
          cairo_tag_begin (cr, CAIRO_TAG_LINK, attrs);
        }
      paint_line (cr, line, fonts);
      if (target)
        cairo_tag_end (cr, CAIRO_TAG_LINK);
    }
  cairo_restore (cr);
}

static cairo_status_t
write_file (void *closure, const unsigned char *data, unsigned int length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                     : CAIRO_STATUS_WRITE_ERROR;
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

static void
add_navigation (cairo_surface_t *surface, const pb_layout_t *layout,
                const pb_page_layout_t *page, int page_index)
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
      g_autofree char *at = g_strdup_printf ("page=%d pos=[%.1f %.1f]", page_index + 1, line->x,
                                             line->baseline - line->size);
      const pb_story_t *story = g_hash_table_lookup (layout->issue->story_by_id, line->story_id);
      cairo_pdf_surface_add_outline (surface, parent, story ? story->headline : line->text, at, 0);
    }
}

gboolean
pb_paint_pdf (const pb_layout_t *layout, const pb_pdf_info_t *info, const char *path,
              GError **error)
{
  pb_embed_t *fonts = pb_embed_new (layout, error);
  if (!fonts)
    return FALSE;
  g_autofree char *tmp = g_strdup_printf ("%s.XXXXXX", path);
  int fd = g_mkstemp_full (tmp, O_WRONLY, 0644);
  if (fd < 0)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s", path, g_strerror (errno));
      pb_embed_free (fonts);
      return FALSE;
    }
  FILE *out = fdopen (fd, "wb");
  const pb_page_layout_t *first = layout->pages->len ? layout->pages->pdata[0] : NULL;
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (
      write_file, out, first ? first->width : 595, first ? first->height : 842);
  cairo_pdf_surface_restrict_to_version (surface, CAIRO_PDF_VERSION_1_5);
  set_metadata (surface, info);
  cairo_t *cr = cairo_create (surface);
  /* A document structure element around everything: without one, cairo 1.16 writes link
   * annotations that point at a structure tree it never writes (a damaged file). */
  guint n = layout->pages->len;
  if (n > 0)
    cairo_tag_begin (cr, "Document", NULL);
  for (guint i = 0; i < n; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      const pb_page_layout_t *prev = i > 0 ? layout->pages->pdata[i - 1] : page;
      /* Only on a change of size: cairo 1.16 damages tagged files on a redundant call. */
      if (page->width != prev->width || page->height != prev->height)
        cairo_pdf_surface_set_size (surface, page->width, page->height);
      add_navigation (surface, layout, page, i);
      g_autofree char *dest = g_strdup_printf ("name='page-%d' x=0 y=0 internal", page->number);
      cairo_tag_begin (cr, CAIRO_TAG_DEST, dest);
      cairo_tag_end (cr, CAIRO_TAG_DEST);
      pb_paint_page (cr, layout, page, fonts);
      if (i + 1 == n)
        cairo_tag_end (cr, "Document");
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_status_t status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  pb_embed_free (fonts);
  gboolean ok = status == CAIRO_STATUS_SUCCESS;
  /* The rename makes the new file appear whole or not at all; no fsync, which costs more than
   * the whole layout of a page. */
  ok = (fflush (out) == 0) && ok;
  ok = (fclose (out) == 0) && ok;
  if (ok && g_rename (tmp, path) != 0)
    ok = FALSE;
  if (!ok)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: cannot write the PDF: %s", path,
                   status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status)
                                                  : g_strerror (errno));
      g_unlink (tmp);
    }
  return ok;
}

gboolean
pb_paint_png (const pb_layout_t *layout, const char *dir, double dpi, GError **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: %s", dir, g_strerror (errno));
      return FALSE;
    }
  pb_embed_t *fonts = pb_embed_new (layout, error);
  if (!fonts)
    return FALSE;
  double scale = dpi / 72.0;
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      cairo_surface_t *surface = cairo_image_surface_create (
          CAIRO_FORMAT_RGB24, (int) ceil (page->width * scale), (int) ceil (page->height * scale));
      cairo_t *cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, scale, scale);
      pb_paint_page (cr, layout, page, fonts);
      cairo_destroy (cr);
      g_autofree char *name = g_strdup_printf ("page-%02d.png", page->number);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *tmp = g_strconcat (path, ".tmp", NULL);
      cairo_status_t status = cairo_surface_write_to_png (surface, tmp);
      cairo_surface_destroy (surface);
      if (status != CAIRO_STATUS_SUCCESS || g_rename (tmp, path) != 0)
        {
          g_unlink (tmp);
          pb_embed_free (fonts);
          g_set_error (error, PB_ERROR, PB_ERROR_OUTPUT, "%s: cannot write: %s", path,
                       status != CAIRO_STATUS_SUCCESS ? cairo_status_to_string (status)
                                                      : g_strerror (errno));
          return FALSE;
        }
    }
  pb_embed_free (fonts);
  return TRUE;
}
