/* The pools of automatic makeup in an issue (docs/format.md, "Automatic makeup" and
 * "Sections"): a page's or a section's pool entries with their constraints and overrides, and
 * the issue's sections. Read by the issue loader into the model. */
#pragma once

#include "jsondoc.h"
#include "model.h"

/* The keys of a pool entry object, of its pin and of a section. */
extern const char *const pb_pool_entry_keys[];
extern const char *const pb_pin_keys[];
extern const char *const pb_section_keys[];

/* A story id at `n` (the value of `key` in `o`) that the issue's stories hold: *out a new
 * string, or FALSE with an error naming the value. */
gboolean pb_read_story_ref (const pb_issue_t *issue, const pb_json_obj_t *o, const char *key,
                            JsonNode *n, char **out, GError **error);

/* The entries of the pool array `arr` (of `o`, named `what` in messages) appended to `pool`
 * (of pb_pool_entry_t*, freed with pb_pool_entry_free), checked against a template of
 * `columns` columns and `lines` grid lines. `section`: the pool is a section's (its pages'
 * numbers bound a pin's page; keep_with allowed); NULL for a page's. Stops at the first error;
 * the entries read before it stay. */
gboolean pb_read_pool (const pb_issue_t *issue, const pb_json_obj_t *o, JsonNode *arr,
                       const char *what, int columns, int lines, const pb_section_t *section,
                       GPtrArray *pool, GError **error);
void pb_pool_entry_free (gpointer entry);

/* Section `index` of the issue's "sections" at `node`: a new section (pb_section_free), its
 * first page `next_page` unless it gives one, or NULL with `error` set. */
pb_section_t *pb_read_section (const pb_issue_t *issue, pb_json_doc_t *d, JsonNode *node,
                               guint index, int next_page, int columns, int lines,
                               GError **error);
void pb_section_free (gpointer section);

/* The sections of the array `arr` (the issue's "sections", on template `t`) appended to
 * issue->sections, each numbered on from the previous one's last page unless it gives its
 * first; a section that fails (a bad key, pages that overlap another's, more than `max_pages`
 * pages in all) is left out with its error in `errors` (pb_errors_take). */
void pb_read_sections (pb_issue_t *issue, pb_json_doc_t *d, JsonNode *arr,
                       const pb_template_t *t, int max_pages, GPtrArray *errors);
/* A story of a section's pool named in another pool or by an item: an error in `errors` at
 * the second place (a section places its stories alone). */
void pb_check_section_stories (const pb_issue_t *issue, GPtrArray *errors);
/* The section whose pages include page `number`, or NULL. */
const pb_section_t *pb_section_of (const pb_issue_t *issue, int number);
