/* Prepress: what turns Cairo's PDF into a print file (the checks editors see on proofs are
 * inspect.h's).
 *
 * - Print geometry: the media around the trim holds the bleed and the crop marks.
 * - The post-process (libqpdf): TrimBox and BleedBox on every page, crop marks in registration
 *   colour, K-only black, spot colours on their own plates (Separation colour spaces), no page
 *   transparency group, PDF/X-4 output intent, Info and XMP metadata, /Decode for Adobe CMYK
 *   JPEGs, ICC-based RGB photos, a deterministic /ID, the structure tree in reading order with
 *   the artifacts marked (structure.h; the proof PDF gets only this).
 * - Photo placement for print (the bleed). */
#pragma once

#include <glib.h>
#include "layout.h"
#include "template.h"
#include "outfile.h"
#include "tags.h"
#include "units.h"

/* Crop marks: the line width (their length and place: template.h). */
#define PB_MARK_WIDTH 0.25

/* Largest ICC profile read (output intents of real printers are a few MiB at most). */
#define PB_ICC_MAX_BYTES (16 * 1024 * 1024)

/* An image frame edge this close to a trim edge extends into the bleed. */
#define PB_BLEED_SNAP 0.5

/* Distance from the trim to the media edge on each side of a print page of template `t`. */
double pb_print_margin (const pb_template_t *t);

/* One print page: the media is the trim with `margin` on every side. */
typedef struct {
  double trim_w, trim_h;
  double bleed;
  double margin;
} pb_print_page_t;

/* A spot colour as the print file holds it: a Separation colour space named `name` with its
 * CMYK alternate; the pages were painted with its alternate as `rgb` and with the tints of
 * it in `tints` (1: solid), which become tints of the spot. */
typedef struct {
  const char *name;
  double cmyk[4];
  guint32 rgb;
  GArray *tints;                 /* of double */
} pb_prepress_spot_t;

typedef struct {
  const char *title;
  const char *author;            /* may be NULL */
  gint64 epoch;                  /* the document's dates */
  const char *cmyk_profile;      /* ICC file of the output intent */
  const char *rgb_profile;       /* ICC file given to RGB photos */
  const char *digest;            /* hex digest of Cairo's file: the XMP document id */
  const pb_print_page_t *pages;
  int n_pages;
  /* The structure Cairo's file was marked with (tags.h): the structure tree is written in
   * reading order and the artifacts marked as such; NULL: the file's own is kept. */
  const pb_tags_t *tags;
  const pb_prepress_spot_t *spots;
  int n_spots;
} pb_prepress_t;

/* What the post-process changed, for the report and the tests. */
typedef struct {
  int gray_colours, cmyk_colours;   /* colour operators rewritten */
  int icc_images, decode_images;    /* RGB photos made ICC-based, CMYK JPEGs given /Decode */
  char *profile_name;               /* the output intent's description (g_free) */
  double seconds;                   /* time the post-process took */
  int spot_colours;                 /* colour operators made tints of a spot colour */
} pb_prepress_stats_t;

/* Reads the PDF `in` (the bytes Cairo wrote, pages of the sizes in `pp`) and writes the print file
 * into `out` (qpdf writes into memory; every write to the file is checked). Errors name the
 * target: "TARGET: cannot post-process the PDF: …", "TARGET: cannot write: …", or
 * "PROFILE: …" for an unusable ICC profile. */
gboolean pb_prepress_pdf (GBytes *in, pb_outfile_t *out, const pb_prepress_t *pp,
                          pb_prepress_stats_t *stats, GError **error);

/* Reads the proof PDF `in` (the bytes Cairo wrote, marked with `tags`) and writes it into `out` with the
 * structure tree in reading order and the artifacts marked, nothing else changed. Errors as
 * pb_prepress_pdf's. */
gboolean pb_prepress_proof (GBytes *in, pb_outfile_t *out, const pb_tags_t *tags,
                            GError **error);

/* Frame and source rectangle (pixels) of `image` as painted: the layout's (elements.c crops
 * about the photo's focal point); with `bleed` > 0 the frame edges that touch the trim of
 * `page` (within PB_BLEED_SNAP) move out by the bleed, showing more of the photo at the same
 * scale. */
void pb_image_placement (const pb_image_t *image, const pb_page_layout_t *page, double bleed,
                         pb_rect_t *frame, pb_rect_t *src);
