/* Body paragraphs shaped and broken ahead of the page makeup, on all processors: that is most
 * of the layout's work, and a paragraph's lines do not depend on where it lands. The page
 * makeup asks them for heights (automatic placement, balancing); the flow takes them. */
#pragma once

#include "compose.h"
#include "model.h"
#include "setting.h"

typedef struct pb_bodies pb_bodies_t;

/* The body measure of template `t`: its column, the body indent, justified. */
pb_measure_t pb_body_measure (const pb_template_t *t);

/* Returns a new, empty set (pb_bodies_free). Borrows `fonts` and `styles`: the bold and
 * emphasised runs are styles derived into `styles`, which must outlive the set. */
pb_bodies_t *pb_bodies_new (pb_fonts_t *fonts, pb_styles_t *styles);
void pb_bodies_free (pb_bodies_t *bodies);
/* The style store the set derives bold and emphasised styles into (borrowed). */
pb_styles_t *pb_bodies_styles (pb_bodies_t *bodies);

/* Shapes and breaks every body paragraph of every story on the issue's pages made here, each
 * story for the template of the first page that carries it (fillers, which land where pages
 * have room, for the first page made here). The results do not depend on the
 * number of threads. Errors are kept and reported when the flow takes the paragraph. */
void pb_bodies_prepare (pb_bodies_t *bodies, const pb_issue_t *issue);

/* What the flow sets once for a block of a story and keeps for all its trials (a table, set
 * for a template and a number of columns), under `key`, a string that names the story, the
 * block and what it was set for: the data, or NULL when none is kept under it. */
gpointer pb_bodies_kept (const pb_bodies_t *bodies, const char *key);
/* Keeps `data` under `key` until the set is freed, then releases it with `free_data`. */
void pb_bodies_keep (pb_bodies_t *bodies, const char *key, gpointer data,
                     GDestroyNotify free_data);

/* The style of a span with markup `flags` (PB_SPAN_…) inside text in style `base` of
 * template `t`: a style of `styles` or `base` itself. */
const pb_style_t *pb_bodies_span_style (pb_styles_t *styles, const pb_template_t *t,
                                        const pb_style_t *base, unsigned flags);
/* Marks the emphasis dots of `block`'s spans on `para`, whose text holds the block's from byte
 * `at` on. */
void pb_bodies_mark_dots (pb_para_t *para, const pb_block_t *block, int at);

/* Whether block `index` of `story` is a subhead that runs in at the start of the paragraph
 * after it: template `t`'s subhead_layout is "run-in" or the story is of briefs, and a
 * paragraph follows it. */
gboolean pb_bodies_runs_in (const pb_story_t *story, guint index, const pb_template_t *t);

/* Grid lines the story's own lines in its columns take, a line each: its byline where the
 * template puts it before the body, its credit. An estimate: a long one may take two. */
int pb_bodies_own_lines (const pb_story_t *story, const pb_template_t *t);

/* Grid lines the story's body takes with its own lines (pb_bodies_own_lines), subheads by
 * their minimum at template `t`'s subhead style, from the paragraphs set ahead, taken by the
 * flow or not; -1 when some paragraph could not be set. An estimate: widow control may move a
 * line or two. */
int pb_bodies_story_lines (const pb_bodies_t *bodies, const pb_story_t *story,
                           const pb_template_t *t);

/* Lines of body block `index` of `story` at measure `m`: from the pass ahead when it was set
 * for that measure, else set now in the plain body style of `t`. -1 with `error` set when a
 * character has no glyph. */
int pb_bodies_block_lines (const pb_bodies_t *bodies, const pb_story_t *story, guint index,
                           const pb_template_t *t, const pb_measure_t *m, GError **error);

/* A body paragraph lent to the flow, or set for it alone. */
typedef struct {
  pb_para_t *para;
  int n;                    /* its lines as prepared */
  pb_measure_t measure;     /* the measure it was prepared for */
  gboolean owned;           /* set for the flow alone: released by freeing it */
  gboolean rebroken;        /* the flow broke it again: released by setting it back */
} pb_body_para_t;

/* The paragraph of body block `index` of `story` (the subhead before it run in when template
 * `t` says so, the dateline before the story's first paragraph when `dateline` is given),
 * shaped and broken at template `t`'s body measure: lent from the pass ahead when it was set
 * for that measure (and the same run-in subhead), else set now. The flow may break it
 * again (and must then set `rebroken`); give it back with pb_bodies_release, so that the next
 * flow of the story finds it as prepared. Returns FALSE with `error` naming the character no
 * font has where it stands in its Markdown file. */
gboolean pb_bodies_take (pb_bodies_t *bodies, const pb_story_t *story, guint index,
                         const char *dateline, const pb_template_t *t, pb_body_para_t *out,
                         GError **error);
void pb_bodies_release (pb_bodies_t *bodies, pb_body_para_t *p);

/* What setting body block `index` of `story` `more` lines longer than prepared costs in the
 * composer's demerits (the lines stay within the body's stretch limits), in *cost; FALSE when
 * it cannot be done or the paragraph was not set ahead at template `t`'s measure. */
gboolean pb_bodies_looser_cost (pb_bodies_t *bodies, const pb_story_t *story, guint index,
                                const pb_template_t *t, int more, double *cost);
