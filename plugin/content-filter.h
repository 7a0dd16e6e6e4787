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
} pb_filter_counts_t;

/* What pb_filter_content_with changes. */
typedef struct {
  int colours;            /* the RGB colours, as pb_filter_content does */
  /* Sequences `/Tag << /MCID n >> BDC` whose artifacts[n] is set become `/Artifact BMC` (a
   * tagged PDF's artifacts: Cairo 1.16 can write none); n_artifacts = 0: none. */
  const int *artifacts;
  size_t n_artifacts;
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

#ifdef __cplusplus
}
#endif
