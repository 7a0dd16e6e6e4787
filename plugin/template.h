/* Templates (the files of layouts/; docs/template.schema.json) into pb_template_t: page
 * geometry, the baseline grid and the styles of the text roles. */
#pragma once

#include <glib.h>
#include "model.h"
#include "units.h"

/* Crop marks (ISO 12647-2 practice): 5 mm long, 0.25 pt (prepress.h), registration colour,
 * starting 3 mm from the trim and never inside the bleed; blank media beyond them. The media
 * of a print page is the trim with PB_PRINT_MARGIN on every side: the template's limits apply
 * to it too. */
#define PB_MARK_LENGTH (5 * PB_MM)
#define PB_MARK_OFFSET (3 * PB_MM)
#define PB_MARK_SLUG (2 * PB_MM)
#define PB_PRINT_MARGIN(bleed) (MAX (PB_MARK_OFFSET, (bleed)) + PB_MARK_LENGTH + PB_MARK_SLUG)

/* Loads the template file `path`, like pb_template_load_file, for a document that names it:
 * errors about the file itself point at `at` (the value naming it) and start with `what` when
 * given. Returns a new template (pb_template_free) or NULL with `error` set. */
pb_template_t *pb_template_load_at (const char *path, pb_loc_t at, const char *what,
                                    GPtrArray *warnings, GError **error);
/* The same for the file's text, already read (`text` ends in NUL; `path` names it). */
pb_template_t *pb_template_load_data (const char *path, const char *text, gsize len,
                                      GPtrArray *warnings, GError **error);

/* The headline style `name` of template `t` (borrowed from it), or NULL when it has none of
 * that name. */
const pb_headline_style_t *pb_template_headline_style (const pb_template_t *t,
                                                       const char *name);
