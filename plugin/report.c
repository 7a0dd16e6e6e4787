#include "report.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include "config.h"
#include "copyfit.h"
#include "image.h"

/* Lengths and resolutions are rounded to 1/100: the report is for reading. */
#define ROUNDING 100

static double
rounded (double v)
{
  return round (v * ROUNDING) / ROUNDING;
}

static void
add_member_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, v);
}

static void
add_member_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_member_string (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v);
}

static void
add_member_string_or_null (JsonBuilder *b, const char *name, const char *v)
{
  json_builder_set_member_name (b, name);
  if (v)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

/* 0 is none: lines, columns and pages count from 1. */
static void
add_member_int_or_null (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  if (v > 0)
    json_builder_add_int_value (b, v);
  else
    json_builder_add_null_value (b);
}

/* [x, y, w, h] in points, unrounded. */
static void
add_rect (JsonBuilder *b, const char *name, const pb_rect_t *r)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  json_builder_add_double_value (b, r->x);
  json_builder_add_double_value (b, r->y);
  json_builder_add_double_value (b, r->w);
  json_builder_add_double_value (b, r->h);
  json_builder_end_array (b);
}

/* [w, h] in millimetres. */
static void
add_size_mm (JsonBuilder *b, const char *name, double w, double h)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  json_builder_add_double_value (b, rounded (w / PB_MM));
  json_builder_add_double_value (b, rounded (h / PB_MM));
  json_builder_end_array (b);
}

static void
report_item (JsonBuilder *b, const pb_item_fill_t *fill)
{
  const pb_placed_item_t *item = fill->item;
  json_builder_begin_object (b);
  add_member_string (b, "kind", item->kind == PB_ITEM_STORY ? "story" : "guide");
  if (item->story_id)
    add_member_string (b, "story", item->story_id);
  add_rect (b, "area_pt", &item->area);
  add_member_int (b, "overset_chars", item->overset_chars);
  add_member_int (b, "underset_lines", fill->underset_lines);
  if (pb_copyfit_changed (&item->fit))
    {
      json_builder_set_member_name (b, "copyfit");
      json_builder_begin_object (b);
      add_member_int (b, "photo_lines", item->fit.photo_lines);
      add_member_int (b, "headline_pt", item->fit.headline_steps * PB_COPYFIT_HEADLINE_STEP);
      add_member_int (b, "heading_space_lines", item->fit.heading_lines);
      add_member_int (b, "subheads_spaced", item->fit.subhead_lines);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "column_foot_lines");
  json_builder_begin_array (b);
  for (guint c = 0; c < fill->foot_lines->len; c++)
    json_builder_add_int_value (b, g_array_index (fill->foot_lines, int, c));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* A hole as an item would be placed in it: column 1-based, top counted under the masthead or
 * folio. */
static void
report_hole (JsonBuilder *b, const pb_page_layout_t *page, const pb_hole_t *hole)
{
  int head = page->plan ? pb_page_head_lines (page->plan) : 0;
  json_builder_begin_object (b);
  add_member_int (b, "column", hole->column + 1);
  add_member_int (b, "span", hole->span);
  add_member_int (b, "top", hole->top - head);
  add_member_int (b, "lines", hole->lines);
  add_member_int (b, "column_lines", hole->column_lines);
  add_rect (b, "area_pt", &hole->area);
  json_builder_end_object (b);
}

/* Why each variant of a pool story was or was not taken (pb_variant_fate_t). */
static const char *const variant_fates[] = {
  [PB_VARIANT_CHOSEN] = "chosen",
  [PB_VARIANT_TOO_TALL] = "taller than the page",
  [PB_VARIANT_HEADLINE] = "headline does not fit",
  [PB_VARIANT_SCORE] = "score",
  [PB_VARIANT_PRUNED] = "pruned",
  [PB_VARIANT_UNUSED] = "pinned in another shape",
  [PB_VARIANT_SAME] = "as tall as a shape that changes less",
};

static void
report_variants (JsonBuilder *b, const GArray *variants)
{
  json_builder_set_member_name (b, "variants");
  json_builder_begin_array (b);
  for (guint k = 0; variants && k < variants->len; k++)
    {
      const pb_variant_report_t *r = &g_array_index (variants, pb_variant_report_t, k);
      json_builder_begin_object (b);
      add_member_int (b, "span", r->shape.span);
      if (r->shape.photo_lines >= 0)
        add_member_int (b, "photo_lines", r->shape.photo_lines);
      add_member_int (b, "heading_space_lines", r->shape.heading_space);
      if (r->shape.headline_steps != 0)
        add_member_int (b, "headline_pt", r->shape.headline_steps * PB_COPYFIT_HEADLINE_STEP);
      add_member_int (b, "lines", r->shape.height);
      add_member_int (b, "ragged_lines", r->shape.ragged);
      if (r->shape.to_foot)
        {
          json_builder_set_member_name (b, "to_foot");
          json_builder_add_boolean_value (b, TRUE);
        }
      add_member_string (b, "fate", variant_fates[r->fate]);
      if (r->fate == PB_VARIANT_SCORE)
        add_member_double (b, "score_difference", rounded (r->score_difference));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
report_choice (JsonBuilder *b, const pb_makeup_choice_t *c)
{
  json_builder_begin_object (b);
  add_member_string (b, "story", c->story_id);
  json_builder_set_member_name (b, "filler");
  json_builder_add_boolean_value (b, c->filler);
  json_builder_set_member_name (b, "continued");
  json_builder_add_boolean_value (b, c->continued);
  json_builder_set_member_name (b, "continuation");
  json_builder_add_boolean_value (b, c->continuation);
  if (c->place.span == 0 && c->filler)
    add_member_string (b, "left_out", "a filler the arrangement did not need");
  else if (c->place.span == 0)
    add_member_string (b, "left_out", c->too_tall ? "taller than the page at every span it "
                                                    "may take"
                                                  : "the page cannot hold it with the "
                                                    "pool's other stories");
  else
    {
      add_member_int (b, "column", c->place.column + 1);
      add_member_int (b, "span", c->place.span);
      add_member_int (b, "top", c->place.top);
      add_member_int (b, "lines", c->place.height + c->extended);
      add_member_int (b, "extended_lines", c->extended);
      if (c->photo_lines >= 0)
        add_member_int (b, "photo_lines", c->photo_lines);
      add_member_int (b, "heading_space_lines", c->heading_space);
      if (c->headline_steps != 0)
        add_member_int (b, "headline_pt", c->headline_steps * PB_COPYFIT_HEADLINE_STEP);
      json_builder_set_member_name (b, "pinned");
      json_builder_add_boolean_value (b, c->pinned);
    }
  report_variants (b, c->variants);
  json_builder_end_object (b);
}

/* What automatic makeup chose: each story of the pool where it went (column 1-based, top under
 * the masthead or folio, as an item's) or that it was left out, its variants and why each was
 * or was not taken, and the score's parts. */
static void
report_makeup (JsonBuilder *b, const pb_page_makeup_t *made)
{
  const pb_makeup_score_t *sc = &made->score;
  json_builder_set_member_name (b, "makeup");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "stories");
  json_builder_begin_array (b);
  for (guint i = 0; i < made->choices->len; i++)
    report_choice (b, &g_array_index (made->choices, pb_makeup_choice_t, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "score");
  json_builder_begin_object (b);
  add_member_double (b, "total", rounded (sc->total));
  add_member_double (b, "empty_column_lines", rounded (sc->empty));
  add_member_double (b, "ragged_column_lines", rounded (sc->ragged));
  add_member_double (b, "left_out_column_lines", rounded (sc->left_out));
  add_member_double (b, "importance", rounded (sc->importance));
  add_member_double (b, "lead_ties", rounded (sc->lead_ties));
  add_member_double (b, "bumping_heads", rounded (sc->bumping));
  add_member_double (b, "photos_side_by_side", rounded (sc->photos));
  add_member_double (b, "photo_change", rounded (sc->photo_change));
  add_member_double (b, "heading_space", rounded (sc->heading_space));
  add_member_double (b, "headline_steps", rounded (sc->headline_steps));
  add_member_double (b, "changes", rounded (sc->changes));
  json_builder_end_object (b);
  add_member_int (b, "arrangements_scored", sc->evaluated);
  add_member_string_or_null (b, "budget_narrowed_at",
                             sc->beam_cut < 0 ? NULL
                                              : g_array_index (made->choices, pb_makeup_choice_t,
                                                               sc->beam_cut).story_id);
  json_builder_end_object (b);
}

static void
report_pages (JsonBuilder *b, const pb_inspection_t *inspection)
{
  json_builder_set_member_name (b, "pages");
  json_builder_begin_array (b);
  for (guint i = 0; i < inspection->pages->len; i++)
    {
      const pb_page_check_t *check = &g_array_index (inspection->pages, pb_page_check_t, i);
      const pb_page_layout_t *page = check->page;
      json_builder_begin_object (b);
      add_member_int (b, "number", page->number);
      add_member_int (b, "lines", page->lines->len);
      json_builder_set_member_name (b, "items");
      json_builder_begin_array (b);
      for (guint k = 0; k < check->fills->len; k++)
        report_item (b, &g_array_index (check->fills, pb_item_fill_t, k));
      json_builder_end_array (b);
      add_member_int (b, "empty_column_lines", check->empty_column_lines);
      json_builder_set_member_name (b, "holes");
      json_builder_begin_array (b);
      for (guint k = 0; k < check->holes->len; k++)
        report_hole (b, page, &g_array_index (check->holes, pb_hole_t, k));
      json_builder_end_array (b);
      if (page->makeup)
        report_makeup (b, page->makeup);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
report_placements (JsonBuilder *b, const pb_story_check_t *story)
{
  json_builder_set_member_name (b, "placements");
  json_builder_begin_array (b);
  for (guint i = 0; i < story->placements->len; i++)
    {
      const pb_placement_t *p = &g_array_index (story->placements, pb_placement_t, i);
      json_builder_begin_object (b);
      add_member_int (b, "page", p->page->number);
      add_rect (b, "area_pt", &p->item->area);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* The lone lines and the letterspaced lines of a story are both a page's array of findings
 * whose first member is the line: a member of the article listing those of its story. */
typedef GArray *(*pb_found_lines_fn) (const pb_page_check_t *page);
typedef void (*pb_write_found_fn) (JsonBuilder *b, gconstpointer found);

static GArray *
lone_lines_of (const pb_page_check_t *page)
{
  return page->lone_lines;
}

static GArray *
letterspaced_of (const pb_page_check_t *page)
{
  return page->letterspaced;
}

static void
write_lone (JsonBuilder *b, gconstpointer found)
{
  add_member_string (b, "kind", ((const pb_lone_line_t *) found)->widow ? "widow" : "orphan");
}

static void
write_letterspaced (JsonBuilder *b, gconstpointer found)
{
  add_member_double (b, "extra_em", rounded (((const pb_loose_line_t *) found)->extra_em));
}

/* `member`: the findings of `story`, page by page, each with its page, what `write` adds,
 * its column, baseline and text. */
static void
report_found_lines (JsonBuilder *b, const pb_inspection_t *inspection, const char *story,
                    const char *member, pb_found_lines_fn of, pb_write_found_fn write)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < inspection->pages->len; i++)
    {
      const pb_page_check_t *page = &g_array_index (inspection->pages, pb_page_check_t, i);
      GArray *found = of (page);
      for (guint k = 0; k < found->len; k++)
        {
          gconstpointer f = found->data + k * g_array_get_element_size (found);
          const pb_line_t *line = *(const pb_line_t *const *) f;
          if (g_strcmp0 (line->story_id, story) != 0)
            continue;
          json_builder_begin_object (b);
          add_member_int (b, "page", page->page->number);
          write (b, f);
          add_member_int (b, "column", line->column + 1);
          add_member_double (b, "baseline_pt", rounded (line->baseline));
          add_member_string (b, "text", line->text ? line->text : "");
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
}

/* Each story on the pages, in the order it first appears: where it landed and how it fits. */
static void
report_articles (JsonBuilder *b, const pb_inspection_t *inspection)
{
  json_builder_set_member_name (b, "articles");
  json_builder_begin_array (b);
  for (guint s = 0; s < inspection->stories->len; s++)
    {
      const pb_story_check_t *check = &g_array_index (inspection->stories, pb_story_check_t, s);
      const pb_story_t *story = g_hash_table_lookup (inspection->layout->issue->story_by_id,
                                                     check->id);
      json_builder_begin_object (b);
      add_member_string (b, "story", check->id);
      add_member_string (b, "headline", story && story->headline ? story->headline : "");
      report_placements (b, check);
      add_member_int (b, "overset_chars", check->overset_chars);
      report_found_lines (b, inspection, check->id, "lone_lines", lone_lines_of, write_lone);
      add_member_int (b, "underset_lines", check->underset_lines);
      report_found_lines (b, inspection, check->id, "letterspaced_lines", letterspaced_of,
                          write_letterspaced);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
report_photo (JsonBuilder *b, const pb_page_layout_t *page, const pb_photo_check_t *photo)
{
  const pb_image_t *image = photo->image;
  json_builder_begin_object (b);
  add_member_int (b, "page", page->number);
  add_member_string (b, "story", image->story_id ? image->story_id : "");
  add_member_string (b, "file", image->photo ? image->photo->file : "");
  add_rect (b, "frame_pt", &image->frame);
  json_builder_set_member_name (b, "pixels");
  json_builder_begin_array (b);
  double px_w, px_h;
  pb_image_size (image->surface, &px_w, &px_h);
  json_builder_add_int_value (b, px_w);
  json_builder_add_int_value (b, px_h);
  json_builder_end_array (b);
  add_member_double (b, "ppi", rounded (photo->ppi));
  json_builder_set_member_name (b, "low_resolution");
  json_builder_add_boolean_value (b, photo->low);
  json_builder_end_object (b);
}

static void
report_photos (JsonBuilder *b, const pb_inspection_t *inspection)
{
  json_builder_set_member_name (b, "photos");
  json_builder_begin_array (b);
  for (guint i = 0; i < inspection->pages->len; i++)
    {
      const pb_page_check_t *page = &g_array_index (inspection->pages, pb_page_check_t, i);
      for (guint k = 0; k < page->photos->len; k++)
        report_photo (b, page->page, &g_array_index (page->photos, pb_photo_check_t, k));
    }
  json_builder_end_array (b);
}

/* What the last print PDF holds, in the first page's geometry; nothing before one is written. */
static void
report_print (JsonBuilder *b, const pb_layout_t *layout, const pb_prepress_stats_t *stats)
{
  const pb_page_layout_t *first = layout->pages->len ? layout->pages->pdata[0] : NULL;
  if (!stats || !first)
    return;
  const pb_template_t *t = first->tmpl;
  double m = pb_print_margin (t);
  json_builder_set_member_name (b, "print");
  json_builder_begin_object (b);
  add_member_string (b, "standard", "PDF/X-4");
  add_member_string (b, "output_intent", stats->profile_name ? stats->profile_name : "");
  add_size_mm (b, "trim_mm", t->trim_w, t->trim_h);
  add_member_double (b, "bleed_mm", rounded (t->bleed / PB_MM));
  add_size_mm (b, "media_mm", t->trim_w + 2 * m, t->trim_h + 2 * m);
  add_member_int (b, "gray_colours", stats->gray_colours);
  add_member_int (b, "cmyk_colours", stats->cmyk_colours);
  add_member_int (b, "icc_rgb_images", stats->icc_images);
  add_member_int (b, "cmyk_jpeg_decode", stats->decode_images);
  json_builder_end_object (b);
}

static void
report_layout (JsonBuilder *b, const pb_inspection_t *inspection, const pb_job_figures_t *job)
{
  report_pages (b, inspection);
  add_member_int (b, "overset_chars", inspection->overset_chars);
  add_member_int (b, "underset_lines", inspection->underset_lines);
  report_articles (b, inspection);
  report_photos (b, inspection);
  report_print (b, inspection->layout, job->print);
}

/* Errors and warnings as fields, so that a dashboard needs no parsing: the code, where
 * (file, line, column; null when unknown), the story and page (null when none), the message
 * as printed. */
static void
report_diags (JsonBuilder *b, const char *name, const GPtrArray *diags)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; diags && i < diags->len; i++)
    {
      const pb_diag_t *d = diags->pdata[i];
      json_builder_begin_object (b);
      add_member_string (b, "code", d->code);
      add_member_string_or_null (b, "file", d->file);
      add_member_int_or_null (b, "line", d->line);
      add_member_int_or_null (b, "column", d->col);
      add_member_string_or_null (b, "story", d->story);
      add_member_int_or_null (b, "page", d->page);
      add_member_string (b, "message", d->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* Each character set in a fallback font, where it stands; the faces the styles name, with
 * their files. */
static void
report_fonts (JsonBuilder *b, const pb_job_figures_t *job)
{
  json_builder_set_member_name (b, "fallback_glyphs");
  json_builder_begin_array (b);
  for (guint i = 0; job->fallbacks && i < job->fallbacks->len; i++)
    {
      const pb_fallback_t *f = &g_array_index (job->fallbacks, pb_fallback_t, i);
      char ch[8] = { 0 };
      g_unichar_to_utf8 (f->c, ch);
      g_autofree char *code = g_strdup_printf ("U+%04X", f->c);
      json_builder_begin_object (b);
      add_member_string (b, "story", f->story);
      add_member_string (b, "role", f->role);
      add_member_string_or_null (b, "file", f->loc.file);
      add_member_int_or_null (b, "line", f->loc.line);
      add_member_int_or_null (b, "column", f->loc.col);
      add_member_string (b, "codepoint", code);
      add_member_string (b, "char", ch);
      add_member_string (b, "font", f->font);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "fonts");
  json_builder_begin_array (b);
  for (guint i = 0; job->font_files && i < job->font_files->len; i++)
    {
      const pb_font_file_t *f = job->font_files->pdata[i];
      json_builder_begin_object (b);
      add_member_string (b, "family", f->family);
      add_member_int (b, "weight", f->weight);
      add_member_string_or_null (b, "file", f->file);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
report_timings (JsonBuilder *b, const pb_timings_t *t)
{
  json_builder_set_member_name (b, "timings_s");
  json_builder_begin_object (b);
  add_member_double (b, "load", t->load);
  add_member_double (b, "layout", t->layout);
  add_member_double (b, "write", t->write);
  add_member_double (b, "prepress", t->prepress);
  add_member_double (b, "png", t->png);
  add_member_double (b, "proof_pdf", t->proof_pdf);
  json_builder_end_object (b);
}

char *
pb_report_json (const pb_inspection_t *inspection, const pb_job_figures_t *job)
{
  JsonBuilder *b = json_builder_new ();
  json_builder_begin_object (b);
  add_member_string (b, "paiban", PAIBAN_VERSION);
  add_member_string (b, "status", job->failed ? "error" : "ok");
  if (job->error)
    add_member_string (b, "error", job->error);
  if (inspection)
    {
      report_layout (b, inspection, job);
      report_fonts (b, job);
    }
  report_diags (b, "errors", job->errors);
  report_diags (b, "warnings", job->warnings);
  report_timings (b, &job->timings);
  json_builder_end_object (b);

  JsonGenerator *gen = json_generator_new ();
  json_generator_set_pretty (gen, TRUE);
  JsonNode *root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  char *text = json_generator_to_data (gen, NULL);
  json_node_unref (root);
  g_object_unref (gen);
  g_object_unref (b);
  return text;
}
