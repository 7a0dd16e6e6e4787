/* The body flow: a story's paragraphs through a chain of column frames, like Typst's regions:
 * a frame takes whole grid lines until it is full, then the next continues. Widow and orphan
 * control, subheads kept with their text, the last part's columns ending level. The flow takes its
 * frames as a value and returns the lines it set; it places nothing on a page itself. */
#pragma once

#include "bodies.h"
#include "setting.h"

/* A column frame of a chain: grid lines [top, bottom) of one page column. */
typedef struct {
  int column;
  int top, bottom;
  int part;                 /* the chain part (a story item on one page) it belongs to */
  gboolean balanced;        /* shortened to end level with its neighbours */
} pb_region_t;

/* What to flow: the story, its frames in reading order, and the grid of each part. */
typedef struct {
  const pb_story_t *story;
  const pb_region_t *regions;
  int n_regions;
  const pb_grid_t *grids;   /* by part */
  int n_parts;
  gboolean measure_only;    /* find where the text goes (frames, ends, overset in lines) and
                             * set no line */
  int subhead_space;        /* this many subheads (not at a frame's top) get a grid line more
                             * of space above them (copyfitting) */
  gboolean fill;            /* the last part's frames are its item's: where the text is a little
                             * short of them, paragraphs are set longer to fill them before the
                             * columns end level higher (not when measuring how deep it goes) */
  int lifted_quotes;        /* the story's first this many pull quotes are set inside the text
                             * by its item (frames.h), not in the flow */
} pb_flow_in_t;

/* What the flow set. */
typedef struct {
  int n_parts;
  GPtrArray **lines;        /* by part: of pb_line_t*, in reading order, owned */
  GPtrArray **rules;        /* by part: of pb_rule_t* (tables, pull quotes), owned */
  GArray **tables;          /* by part: of pb_rect_t, the tables set there (from their top
                             * rule to their bottom one): no column rule crosses them */
  gboolean *reached;        /* by part: text flowed into it */
  int overset_chars;        /* characters that found no frame */
  int n_regions;
  pb_region_t *regions;     /* the frames as the text filled them (the last part levelled) */
  int *ends;                /* by frame: the grid line under the last line set in it (its top
                             * when it holds nothing) */
  int *block_regions;       /* by block: the frame its first line went to (n_regions: none) */
  int loosened;             /* lines paragraphs were set longer by, to end the columns level */
} pb_flow_out_t;

/* Flows the story's body. When the text leaves room in the chain's last part, that part's
 * columns are levelled: their frames end on the lowest grid line that holds the rest of the
 * text, and where the last column would still end short, the paragraphs that cost least are set
 * a line longer (within the body's stretch limits) to fill it. Otherwise the text flows into the
 * frames as given. Returns a new result (pb_flow_out_free), or NULL with `error` set when a
 * paragraph cannot be shaped. */
pb_flow_out_t *pb_flow_story (const pb_flow_in_t *in, pb_bodies_t *bodies, pb_fonts_t *fonts,
                              GError **error);
void pb_flow_out_free (pb_flow_out_t *out);
