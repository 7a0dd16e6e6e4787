/* Colours in templates and issues: "#RRGGBB", or the name of one of the template's spot colours
 * (专色, "spot_colors"), which stands for the RGB of its CMYK alternate until the print PDF's
 * post-process puts it on its own plate (prepress.c). */
#pragma once

#include "jsondoc.h"
#include "model.h"

/* Reads the template's optional "spot_colors" object: each member a spot colour named by its
 * key, with its alternate "cmyk": [C, M, Y, K] in percent. Fills t->spots (created here).
 * Errors: a spot without an alternate, a value out of range, two spots with one alternate. */
gboolean pb_spots_read (const pb_json_obj_t *root, pb_template_t *t, GError **error);
void pb_spot_free (gpointer spot);
/* The keys of a spot colour. */
extern const char *const pb_spot_keys[];

/* The colour `key` of `o` into *out ("#RRGGBB" or a spot colour of `t`); an absent key leaves
 * *out. */
gboolean pb_color_get (const pb_json_obj_t *o, const char *key, const pb_template_t *t,
                       guint32 *out, GError **error);

/* "#RRGGBB" or the name of a spot colour of `t` into *out; FALSE when it is neither. */
gboolean pb_color_parse (const char *s, const pb_template_t *t, guint32 *out);

/* `rgb` as a tint of `tint` (0..1) over white, components 0..1: what shows a tint of a colour
 * (a box's 底纹), and what the print PDF's post-process finds as that tint of a spot colour. */
void pb_tint_rgb (guint32 rgb, double tint, double out[3]);

/* The RGB that shows a CMYK colour (each 0..1) on screens and proofs: (1 - c)(1 - k) … */
guint32 pb_cmyk_to_rgb (const double cmyk[4]);
