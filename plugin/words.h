/* Word boundaries of display text (headlines, subheads, guide entries), where a line may break
 * without cutting a word: ICU's dictionary-based word break iterator for Chinese, its
 * boundaries graded by how safe a break there is. Knows nothing of fonts or lines. */
#pragma once

#include <glib.h>

/* How good a place for a line break a position is; ordered from worst to best. */
typedef enum {
  PB_BOUND_INSIDE,  /* not a boundary: inside a word, a number with its unit (67665亿元,
                       41个基点), or beside punctuation the line-breaking rules hold anyway */
  PB_BOUND_RUN,     /* between two one-character words: often a name or an idiom the
                       dictionary lacks (良|渚, 稳|中|求|进) */
  PB_BOUND_WEAK,    /* beside a one-character word (委员|会, 战略|的, 总值|达) */
  PB_BOUND_GOOD     /* between words of two characters or more, after a closing mark or
                       a space, before an opening one */
} pb_bound_t;

typedef struct {
  int offset;       /* bytes into the text */
  pb_bound_t kind;
} pb_boundary_t;

/* The boundaries inside `text` (UTF-8), in order, neither at its start nor at its end, none
 * of kind PB_BOUND_INSIDE. Returns a new array of pb_boundary_t (release with
 * g_array_unref), or NULL with `error` set (PB_ERROR_LAYOUT) when ICU fails (its data
 * missing). Safe to call from several threads at once. */
GArray *pb_word_boundaries (const char *text, GError **error);
