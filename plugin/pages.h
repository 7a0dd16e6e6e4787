/* Pages being made (pages.c): shared by the page makeup (layout.c) and the automatic placement
 * (placement.c), which set elements on scratch pages before they know they fit. */
#pragma once

#include "layout.h"

/* A page of `plan` with nothing on it: its trim, type area and grid from the plan's template.
 * Returns a new page; free with pb_page_free. */
pb_page_layout_t *pb_page_new (const pb_page_t *plan);
void pb_page_free (pb_page_layout_t *page);
/* Appends what `from` holds to `to`; `from` is left empty. */
void pb_move_all (GPtrArray *to, GPtrArray *from);
/* The lines and photos set on `scratch` go to `page`; `scratch` is freed. */
void pb_scratch_commit (pb_page_layout_t *page, pb_page_layout_t *scratch);
/* Characters on the lines (of pb_line_t*): what a left-out element counts as overset. */
int pb_lines_chars (const GPtrArray *lines);
