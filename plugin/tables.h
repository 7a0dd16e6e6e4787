/* Tables inside a story (Markdown tables): the cells composed with the body composer, the
 * column widths from their content, whole grid lines a row, the three rules of the Chinese
 * newspaper table (三线表: thick above the header and under the last row, thin under the
 * header). The body flow (flow.c) decides where a table goes; this module sets it there. */
#pragma once

#include "setting.h"

typedef struct pb_table pb_table_t;

/* Sets table block `block` (PB_BLOCK_TABLE) in template `t`'s table style, as narrow as its
 * content allows: one column when it fits there, else the fewest of at most `max_span`
 * columns side by side, else `max_span` columns with its cells broken into more lines.
 * `styles` receives the bold header's style and must outlive the table. Returns a new table
 * (pb_table_free), or NULL with `error` set: a character no font has, or a table too wide
 * for `max_span` columns (named at the table's place in its Markdown file). */
pb_table_t *pb_table_new (pb_fonts_t *fonts, pb_styles_t *styles, const pb_template_t *t,
                          const pb_block_t *block, int max_span, GError **error);
void pb_table_free (pb_table_t *table);

/* The columns the table spans and the grid lines it takes (its rows, then the blank line that
 * parts it from the text under it). */
int pb_table_span (const pb_table_t *table);
int pb_table_lines (const pb_table_t *table);
/* Characters of its cells (what overset counts when it finds no place). */
int pb_table_chars (const pb_table_t *table);

/* Emits the table with its left edge at page column `column`'s and its first row on the items'
 * grid line `line` of `grid`: its cells' lines into `lines` (role table, block `block`), its
 * rules (pb_rule_t, g_free) into `rules`. Returns its area, from its top rule to its bottom
 * one. */
pb_rect_t pb_table_emit (const pb_table_t *table, const pb_grid_t *grid, int column, int line,
                         const char *story_id, int block, GPtrArray *lines, GPtrArray *rules);

/* Cuts the column rules (the vertical ones of `rules`, pb_rule_t*) where they cross a table of
 * `areas` (pb_rect_t): a table across columns is read across their gutters. */
void pb_tables_cut_rules (GPtrArray *rules, const GArray *areas);
