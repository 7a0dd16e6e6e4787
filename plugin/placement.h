/* Automatic placement (placement.c): items given without coordinates placed on the page,
 * a page's pool arranged by the makeup search (makeup.c), fillers in what is left. Also the
 * state the page makeup's phases share (layout.c), which placement reads. */
#pragma once

#include "bodies.h"
#include "elements.h"
#include "flow.h"

/* One item of a story on one page; a story placed on several pages continues through them. */
typedef struct {
  pb_page_layout_t *page;
  int grid_offset;
  const pb_template_t *tmpl; /* its text's: the page's, or a boxed item's narrower columns */
  const pb_item_t *item;
  pb_placed_item_t *placed;
  int jump_in_line;         /* grid line of 上接第X版, -1 when none */
  int jump_out_column, jump_out_line; /* where 下转第X版 goes, -1 when none */
  pb_page_layout_t *head;   /* its continuation head (回头标题), set on a scratch page until
                             * the text is known to reach it; NULL when none */
  gboolean reached;         /* text flowed into it */
} pb_part_t;

/* The frames a story's body flows through, across its items and pages, in order. */
typedef struct {
  const pb_story_t *story;
  GPtrArray *parts;         /* of pb_part_t* */
  GArray *regions;          /* of pb_region_t */
  int subhead_space;        /* subheads given a line more of space (copyfitting) */
  int lifted_quotes;        /* its first pull quotes, set inside the text by its first item */
} pb_chain_t;

/* A guide box whose entries wait for the pages of all stories. */
typedef struct {
  pb_page_layout_t *page;
  const pb_item_t *item;
} pb_guide_later_t;

/* What the phases share while an issue is laid out; passed to each, kept by none. */
typedef struct {
  const pb_issue_t *issue;
  pb_fonts_t *fonts;
  pb_styles_t *styles;      /* derived styles (bold body …) */
  pb_bodies_t *bodies;      /* body paragraphs set ahead */
  GHashTable *story_pages;  /* story id → the page number it starts on */
  GHashTable *story_items;  /* story id → how many items made here carry it */
  GPtrArray *warnings;      /* the layout's */
  GHashTable *chains;       /* story id → pb_chain_t* */
  GPtrArray *chain_order;   /* of pb_chain_t*, by first appearance */
  GPtrArray *owned_items;   /* of pb_item_t*: auto-placed items with their positions */
  GPtrArray *box_templates; /* of pb_template_t*: the columns inside boxed items */
  GHashTable *images;       /* photo file → decoded cairo_surface_t* */
  GPtrArray *fillers;       /* of pb_story_t*: the pool's fillers not yet placed, in order */
  GHashTable *filler_sizes; /* "story span avail template" → pb_filler_size_t*: each filler
                             * measured once at a span on pages alike */
  GHashTable *variants;     /* "story|template|lines|span|photo" → pb_makeup_variant_t*:
                             * each shape of a pool story measured once (arrange.c) */
  GHashTable *planned;      /* page number → pb_page_makeup_t*: a section's pages as the
                             * distribution arranged them (distribute.c), taken by the page */
  GPtrArray *filler_entries; /* of pb_pool_entry_t*: fillers as the pool search takes them */
  GHashTable *section_left; /* pb_section_t* → GPtrArray of its entries not yet placed */
  GPtrArray *carried;       /* of pb_pool_entry_t*: stories begun at the foot of the page
                             * made last, to go on on the next (distribute.c) */
  GPtrArray *guides;        /* of pb_guide_later_t*: guide boxes placed once every page is
                             * made (an issue with sections: page numbers come late) */
} pb_makeup_t;

/* The grid a part's text is set on: its page's, in the part's template. */
pb_grid_t pb_part_grid (const pb_part_t *part);

/* Places the page's items given without coordinates, each at the highest, then leftmost, free
 * rectangle of its span, as tall as its text needs (or what is left of the page). Returns the
 * page's items with every position set (a new array of borrowed items; the copies of
 * auto-placed items go to the makeup's owned items), or NULL with `error` set. */
GPtrArray *pb_resolve_items (pb_makeup_t *mk, const pb_page_ctx_t *pc, GError **error);
/* What a story set whole shows of its shape besides its height. */
typedef struct {
  int photo_end;            /* the grid line its photo and caption end on, in the item */
  int ragged;               /* grid lines its columns end short of the longest, together */
  gboolean photo_bare;      /* a column under its photo has no text: the photo's foot is the
                             * story's there */
  int heading_overset;      /* characters of its headlines that do not fit the span */
} pb_story_shape_t;

/* Grid lines `story` takes set whole in an automatic item `span` columns wide (a filler, a
 * story of a pool), its first photo's frame `photo_lines` high (-1: at its aspect; 0: without
 * its photos), `heading_space` grid lines more under its headlines, the blank line under it
 * included; *shape (may be NULL) the rest of its shape. -1 with `error` set. */
int pb_story_lines_at (const pb_makeup_t *mk, const pb_page_ctx_t *pc, const pb_story_t *story,
                       int span, int photo_lines, int heading_space, pb_story_shape_t *shape,
                       GError **error);
/* The grid lines the headlines of `story` take in an automatic item `span` columns wide, its
 * 主题 `steps` size steps of PB_COPYFIT_HEADLINE_STEP from its headline style's size (negative:
 * smaller); *overset the characters that do not fit the span. PB_COPYFIT_NO_STEP when the
 * style's range does not allow the step or, at a step other than 0, the 主题 no longer fits its
 * lines; -1 with `error` set. */
int pb_story_heading_at (const pb_page_ctx_t *pc, const pb_story_t *story, int span, int steps,
                         int *overset, GError **error);
/* The 主题's size in points `steps` size steps from its style's at `span`; 0 when out of the
 * style's range. */
double pb_story_headline_size (const pb_page_ctx_t *pc, const pb_story_t *story, int span,
                               int steps);
/* As pb_story_lines_at, under `heading` grid lines of headlines and the space under them. */
int pb_story_lines_under (const pb_makeup_t *mk, const pb_page_ctx_t *pc,
                          const pb_story_t *story, int span, int photo_lines, int heading,
                          pb_story_shape_t *shape, GError **error);
/* Grid lines the next part of `story`, begun on an earlier page, takes in an automatic item
 * `span` columns wide on the page `pc`: its continuation head and the rest of its text flowed
 * through its earlier parts and this one, with the jump lines; -1 with `error` set. */
int pb_continuation_lines_at (const pb_makeup_t *mk, const pb_page_ctx_t *pc,
                              const pb_story_t *story, int span, GError **error);
/* The photo of a story the layout places itself: as wide as the story up to 3 columns, two
 * thirds of it beyond, the text beside it. */
int pb_auto_photo_span (int span);
/* What the page's items leave free at its foot, filled with the pool's fillers (added to
 * `items`). */
gboolean pb_add_fillers (pb_makeup_t *mk, const pb_page_ctx_t *pc, GPtrArray *items,
                         GError **error);
/* Whether the story's next part, on `page`, continues it from another page: it then opens with
 * a continuation head. */
gboolean pb_continues_from_another_page (const pb_chain_t *chain,
                                         const pb_page_layout_t *page);
/* The story's photo `index` with its caption at grid line `top` (the item's photo group in
 * place of its first photo, when the item sets them as one), on the page `pc` names. Returns
 * the grid lines taken, or -1. */
int pb_set_photo (const pb_page_ctx_t *pc, GHashTable *images, const pb_story_t *story,
                  const pb_item_t *item, int index, int first, int span, int top,
                  int frame_lines, GError **error);
