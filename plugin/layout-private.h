/* Shared by the page makeup (layout.c) and the body flow (flow.c); no API of its own. */
#pragma once

#include "compose.h"
#include "layout.h"

/* A column frame of a text chain: grid lines [top, bottom) of one page column. */
typedef struct {
  int column;
  int top, bottom;
  int part;                 /* index of the chain part (page item) it belongs to */
  gboolean balanced;        /* shortened to end level with its neighbours */
} pb_region_t;

/* One item of a story on one page; a story placed on several pages continues through them. */
typedef struct {
  pb_page_layout_t *page;
  int grid_offset;
  const pb_item_t *item;
  pb_placed_item_t *placed;
  int jump_in_line;         /* grid line of 上接第X版, -1 when none */
  int jump_out_column, jump_out_line; /* where 下转第X版 goes, -1 when none */
  gboolean reached;         /* text flowed into it */
} pb_part_t;

/* A body paragraph shaped and broken before the flow, possibly on another thread. */
typedef struct {
  struct pb_ctx *ctx;
  const pb_block_t *block;
  char *text;               /* the dateline, then the block's text */
  int dateline_len;
  GArray *runs;             /* of pb_style_run_t */
  pb_measure_t measure;
  pb_para_t *para;          /* NULL once the flow has taken it */
  int n;
  GError *error;
  int bad_offset;           /* in `text`, of a character no font has */
} pb_prep_t;

/* The frames a story's body flows through, across its items and pages, in order. */
typedef struct {
  const pb_story_t *story;
  GPtrArray *parts;         /* of pb_part_t* */
  GArray *regions;          /* of pb_region_t */
} pb_chain_t;



/* State while laying out an issue: the page being made and what the stories share. */
typedef struct pb_ctx {
  const pb_issue_t *issue;
  pb_fonts_t *fonts;
  pb_page_layout_t *page;
  const pb_template_t *tmpl;
  int grid_offset;          /* grid lines above the items' line 0 (the masthead) */
  GPtrArray *styles;        /* derived styles (bold body …), owned */
  GHashTable *story_pages;  /* story id → page number */
  GPtrArray *warnings;
  GHashTable *chains;       /* story id → pb_chain_t* */
  GPtrArray *chain_order;   /* of pb_chain_t*, by first appearance */
  GPtrArray *owned_items;   /* of pb_item_t*: auto-placed items with their positions */
  GHashTable *images;       /* photo file → decoded cairo_surface_t* */
  GHashTable *preps;        /* story id → GPtrArray of pb_prep_t*, by block (NULL: subhead) */
} pb_ctx_t;

/* layout.c: geometry, lines, display text */
int pb_count_chars (const char *text);
double pb_cell_top (const pb_ctx_t *ctx, int line);
double pb_body_baseline (const pb_ctx_t *ctx, int line);
int pb_lines_for (const pb_ctx_t *ctx, double height);
const pb_style_t *pb_derived_style (pb_ctx_t *ctx, const pb_style_t *base, int weight,
                                    const char *font);
pb_para_t *pb_shape_text (pb_ctx_t *ctx, const char *text, const pb_style_run_t *runs,
                          int n_runs, const pb_style_t *style, pb_loc_t loc, GError **error);
/* A Markdown block in one style; a character no font has is named where it stands. */
pb_para_t *pb_shape_block (pb_ctx_t *ctx, const pb_block_t *block, const pb_style_t *style,
                           GError **error);
pb_line_t *pb_emit_line (pb_ctx_t *ctx, pb_para_t *para, int index, double x, double baseline,
                         double measure, pb_role_t role, const char *story_id);
void pb_glyph_run_free (pb_glyph_run_t *run);

/* flow.c: the body text of stories through their chains of frames */
pb_measure_t pb_body_measure (const pb_template_t *t);
gboolean pb_same_measure (const pb_measure_t *a, const pb_measure_t *b);
pb_chain_t *pb_chain_for (pb_ctx_t *ctx, const pb_story_t *story);
void pb_chain_free (pb_chain_t *chain);
void pb_prep_free (pb_prep_t *prep);
void pb_prepare_stories (pb_ctx_t *ctx);
int pb_story_lines (pb_ctx_t *ctx, const pb_story_t *story, const pb_template_t *t);
gboolean pb_flow_chain (pb_ctx_t *ctx, pb_chain_t *chain, GError **error);
