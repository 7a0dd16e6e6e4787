/* The logical structure of a laid-out issue, for a tagged PDF: what the structure tree says and
 * in which order, and which painted pieces belong where.
 *
 * The tree, in reading order: a Document; in it an Art per story, in the order the stories
 * first appear (page by page, in the order of the plan's items), and a Div where a guide box
 * stands. In an Art, page by page: H for the kicker, headline and subtitle (and the
 * continuation head on a later page), P for the byline, Figure (its Alt the photo's caption)
 * and Caption, then the body in column order: P per paragraph, H per subhead, P for the credit.
 * A paragraph broken over columns or pages is one P. Masthead, folios, rules, frames, the guide
 * box and jump lines are artifacts; the links of jump lines and guide entries are Link
 * elements that hold only their link annotation (in the story's Art, in the guide's Div).
 *
 * The painter marks every piece it draws (pb_tags_mark): each mark is one marked-content
 * sequence on its page, numbered as Cairo numbers them (MCID 0, 1, … per page). The
 * post-process (prepress.h) writes the tree from the marks and turns the artifacts' sequences
 * into /Artifact ones. Nothing here calls Cairo or qpdf. */
#pragma once

#include <glib.h>
#include "layout.h"

typedef enum {
  PB_TAG_DOCUMENT,
  PB_TAG_ART,
  PB_TAG_DIV,
  PB_TAG_H,
  PB_TAG_P,
  PB_TAG_FIGURE,
  PB_TAG_CAPTION,
  PB_TAG_LINK
} pb_tag_type_t;

/* The standard structure type names (PDF 32000-1, 14.8.4), by pb_tag_type_t. */
extern const char *const pb_tag_names[];

/* What a mark belongs to when it is no element: an artifact. */
#define PB_TAG_ARTIFACT (-1)

typedef struct {
  int page;                 /* 0-based index of the page in the layout */
  int mcid;                 /* its marked-content id on that page */
} pb_tag_mark_t;

typedef struct {
  pb_tag_type_t type;
  int parent;               /* index of the parent element; -1 for the Document */
  char *alt;                /* Figure: the caption; Link: the linked line's text; else NULL */
  int link_page;            /* Link: the page number it goes to */
  GArray *marks;            /* of pb_tag_mark_t, in reading order (as painted); none for a
                             * Link, whose line is an artifact */
} pb_tag_elem_t;

typedef struct pb_tags pb_tags_t;

/* The structure of `layout` (borrowed: it must outlive the result), with no marks yet.
 * Returns a new pb_tags_t; release it with pb_tags_free. */
pb_tags_t *pb_tags_new (const pb_layout_t *layout);
void pb_tags_free (pb_tags_t *tags);

/* The element line `line` (or image `image`) of page `page` belongs to, or PB_TAG_ARTIFACT. */
int pb_tags_line (const pb_tags_t *tags, guint page, guint line);
int pb_tags_image (const pb_tags_t *tags, guint page, guint image);

/* Records the next marked-content sequence of page `page` as belonging to `elem` (an element
 * index or PB_TAG_ARTIFACT) and returns its MCID. Pages are marked in order, each once. */
int pb_tags_mark (pb_tags_t *tags, guint page, int elem);

/* Whether a mark of `elem` is an artifact: PB_TAG_ARTIFACT or a Link's line. */
gboolean pb_tags_is_artifact (const pb_tags_t *tags, int elem);

/* The elements in tree order: every element after its parent, siblings in reading order. */
guint pb_tags_count (const pb_tags_t *tags);
const pb_tag_elem_t *pb_tags_elem (const pb_tags_t *tags, guint index);

/* The marks of page `page` by MCID: an element index or PB_TAG_ARTIFACT each; `n` is set to
 * their number. */
const int *pb_tags_page_marks (const pb_tags_t *tags, guint page, guint *n);
guint pb_tags_pages (const pb_tags_t *tags);
