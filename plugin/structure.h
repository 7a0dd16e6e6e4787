/* The structure tree of a tagged PDF, written with libqpdf over the one Cairo wrote.
 *
 * Cairo 1.16 makes a structure element of every tag it is given, in the order given, and
 * cannot make one element of a paragraph continued on a later page after other stories; the
 * painter gives it one leaf per marked-content sequence (tags.h), and this writes the tree
 * that tags.h describes: elements in reading order, each holding its sequences (on other pages
 * than its first through marked-content references), Link elements holding their link
 * annotations, the parent tree and the pages' and annotations' keys into it. */
#pragma once

#include <qpdf/qpdf-c.h>
#include "tags.h"

/* Replaces the structure tree of `q` (Cairo's file of the layout `tags` was marked on) by the
 * tree of `tags`. Returns NULL, or a new message (g_free) saying why it cannot. */
char *pb_structure_write (qpdf_data q, const pb_tags_t *tags);

/* Which marked-content sequences of page `page` are artifacts: a new array of `*n` booleans by
 * MCID (g_free). */
gboolean *pb_structure_artifacts (const pb_tags_t *tags, guint page, guint *n);
