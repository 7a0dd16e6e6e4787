/* An issue loaded and laid out, for the tests that assert on a whole layout. */
#pragma once

#include "layout.h"

typedef struct {
  pb_issue_t *issue;
  pb_layout_t *layout;
} laid_t;

/* The issue at `path` (from the data folder, PAIBAN_DATADIR) laid out with `fonts`; any error
 * fails the test. Release with laid_clear. */
static inline laid_t
lay_out_file (pb_fonts_t *fonts, const char *path)
{
  const char *datadir = g_getenv ("PAIBAN_DATADIR");
  g_autofree char *file = g_build_filename (datadir, path, NULL);
  GError *error = NULL;
  laid_t l = { pb_issue_load_file (file, datadir, &error), NULL };
  g_assert_no_error (error);
  l.layout = pb_layout_issue (l.issue, fonts, &error);
  g_assert_no_error (error);
  return l;
}

static inline void
laid_clear (laid_t *l)
{
  pb_layout_free (l->layout);
  pb_issue_free (l->issue);
}
