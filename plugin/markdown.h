/* Story bodies in Markdown (md4c) into the model's blocks (pb_block_t), each block knowing
 * where its text stands in the source. Only paragraphs, # headings, > pull quotes, tables
 * (md4c's extension), numbered paragraphs (an ordered list: each item a paragraph starting
 * with its number as typed), **bold**, *emphasis* and _emphasis dots_ (md4c's underline) are
 * taken; anything else, and a table row whose cells do not match its header, is refused with
 * its position. Like md4c itself, this module hands
 * its result over and knows nothing of who asked: not the issue, not JSON. */
#pragma once

#include <glib.h>
#include "model.h"

/* Appends the blocks of `text` (`len` bytes) to `blocks`, an array that frees them with
 * pb_block_free. `file` is the Markdown file the text was read from: positions point into it,
 * and its text must be UTF-8 (checked here). A NULL `file` means a body given inside another
 * document, at `inline_at`, where every message then points. `what` starts the messages
 * (story "lead"). FALSE with the error of the first construct that is not allowed. */
gboolean pb_markdown_parse (const char *text, gsize len, const char *file, pb_loc_t inline_at,
                            const char *what, GPtrArray *blocks, GError **error);

/* Frees a pb_block_t (a GDestroyNotify). */
void pb_block_free (gpointer block);
