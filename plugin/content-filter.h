/* Rewrites the solid colours of a PDF content stream for print: Cairo sets every colour as
 * DeviceRGB (`r g b rg` / `RG`); marks a tagged PDF's artifacts. This is the only C++ in
 * paiban: qpdf's content-stream tokenizer has no C API. */
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
  int gray;      /* neutral colours rewritten as DeviceGray (black text: `0 g`) */
  int cmyk;      /* other colours rewritten as DeviceCMYK */
  int marked;    /* marked-content sequences with an MCID met */
  int spot;      /* colours rewritten as a tint of a spot colour */
} pb_filter_counts_t;

/* An RGB colour that stands for a tint of a spot colour (a named Separation colour space in
 * the page's resources as `space`, a name with its slash: "/PBSpot0"). */
typedef struct {
  double rgb[3];
  const char *space;
  double tint;
} pb_filter_spot_t;

/* RGB colours this close (each component) to a spot's stand for it: Cairo writes colours
 * rounded to a few decimals; 8-bit colours lie 1/255 apart. */
#define PB_FILTER_SPOT_MATCH 1e-3

/* What pb_filter_content_with changes. */
typedef struct {
  int colours;            /* the RGB colours, as pb_filter_content does */
  /* Sequences `/Tag << /MCID n >> BDC` whose artifacts[n] is set become `/Artifact BMC` (a
   * tagged PDF's artifacts: Cairo 1.16 can write none); n_artifacts = 0: none. */
  const int *artifacts;
  size_t n_artifacts;
  /* With `colours`, an RGB colour of `spots` becomes `/SPACE cs TINT scn` (`CS` / `SCN` for
   * strokes): printed on the spot colour's plate. */
  const pb_filter_spot_t *spots;
  size_t n_spots;
} pb_filter_options_t;

/* Returns a new buffer (free with free()) holding `data` with every `r g b rg` / `RG`
 * replaced: neutral colours (r = g = b) by `r g` / `r G` (DeviceGray: black is K only), other
 * colours by `c m y k k` / `K` from the simple formula k = 1 - max (r, g, b),
 * c = (1 - r - k) / (1 - k), and so on. Everything else (text, images, inline images, spacing)
 * is copied byte for byte. Counts the rewrites in `counts` when it is not NULL. Returns NULL
 * with `*error` set (free with free()) when the stream cannot be tokenized. */
char *pb_filter_content (const char *data, size_t len, size_t *out_len,
                         pb_filter_counts_t *counts, char **error);
/* The same, changing what `options` says. */
char *pb_filter_content_with (const char *data, size_t len, size_t *out_len,
                              const pb_filter_options_t *options, pb_filter_counts_t *counts,
                              char **error);
/* pb_filter_content with the spot colours `spots`. */
char *pb_filter_content_spots (const char *data, size_t len, size_t *out_len,
                               const pb_filter_spot_t *spots, size_t n_spots,
                               pb_filter_counts_t *counts, char **error);

#ifdef __cplusplus
}
#endif
