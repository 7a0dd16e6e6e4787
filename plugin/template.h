/* Templates (the files of layouts/; docs/template.schema.json) into pb_template_t: page
 * geometry, the baseline grid and the styles of the text roles. */
#pragma once

#include <glib.h>
#include "model.h"

/* Loads the template file `path`, like pb_template_load_file, for a document that names it:
 * errors about the file itself point at `at` (the value naming it) and start with `what` when
 * given. Returns a new template (pb_template_free) or NULL with `error` set. */
pb_template_t *pb_template_load_at (const char *path, pb_loc_t at, const char *what,
                                    GPtrArray *warnings, GError **error);

/* The headline style `name` of template `t` (borrowed from it), or NULL when it has none of
 * that name. */
const pb_headline_style_t *pb_template_headline_style (const pb_template_t *t,
                                                       const char *name);
