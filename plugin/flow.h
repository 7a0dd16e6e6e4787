/* The body flow: a story's paragraphs through a chain of column frames, like Typst's regions:
 * a frame takes whole grid lines until it is full, then the next continues. Widow and orphan
 * control, subheads kept with their text, the last part's columns ending level. The flow takes its
 * frames as a value and returns the lines it set; it places nothing on a page itself. */
#pragma once

#include "bodies.h"
#include "setting.h"

/* A paragraph is set at most this many lines longer or shorter to end columns level, never to
 * a one-character last line (pb_para_break_exact refuses it), and not when that costs as
 * much as one loose line (0.25 em more in every gap: the composer's demerits of
 * (1 + 100·(0.25/0.1)³)²). */
#define PB_MAX_LOOSENESS 3
#define PB_LEVEL_MAX_COST 2.44e6

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

/* One pass of the story's body through `regions` (`in`'s frames, or others: the levelling's),
 * each paragraph set `looseness[block]` lines longer (or fewer; NULL: as prepared), a table
 * passed over that many runs of frames (-1: set ahead of the text); `dry`: only where the text
 * goes, no line set. Returns a new result (pb_flow_out_free), or NULL with `error` set when a
 * paragraph cannot be shaped. */
pb_flow_out_t *pb_flow_run (const pb_flow_in_t *in, pb_region_t *regions, const gint8 *looseness,
                            gboolean dry, pb_bodies_t *bodies, pb_fonts_t *fonts,
                            GError **error);
void pb_flow_out_free (pb_flow_out_t *out);
