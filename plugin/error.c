/* Errors of the core: a GError domain whose errors carry where the fault is (file, line,
 * column) and, once the loader knows them, the story and page, so that a host or the report
 * gets each error as fields and not only as a sentence (diag.h). */
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *file;
  int line, col;
  char *story;
  int page;
} PbErrorPrivate;

static void
pb_error_private_init (PbErrorPrivate *priv)
{
  memset (priv, 0, sizeof *priv);
}

static void
pb_error_private_copy (const PbErrorPrivate *src, PbErrorPrivate *dest)
{
  *dest = *src;
  dest->file = g_strdup (src->file);
  dest->story = g_strdup (src->story);
}

static void
pb_error_private_clear (PbErrorPrivate *priv)
{
  g_free (priv->file);
  g_free (priv->story);
}

/* An extended domain (GLib 2.68): its quark is made once under g_once, so two jobs failing
 * for the first time on two threads do not race on it. */
G_DEFINE_EXTENDED_ERROR (PbError, pb_error)

void
pb_set_error_at (GError **error, pb_error_code_t code, pb_loc_t loc, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (!error)
    return;
  if (loc.file && loc.line > 0)
    g_set_error (error, PB_ERROR, code, "%s:%d:%d: %s", loc.file, loc.line, loc.col, msg);
  else if (loc.file)
    g_set_error (error, PB_ERROR, code, "%s: %s", loc.file, msg);
  else
    g_set_error_literal (error, PB_ERROR, code, msg);
  PbErrorPrivate *priv = *error ? pb_error_get_private (*error) : NULL;
  if (!priv || priv->file)
    return; /* an error was set before: it stays */
  priv->file = g_strdup (loc.file);
  priv->line = loc.file ? MAX (loc.line, 0) : 0;
  priv->col = loc.file ? MAX (loc.col, 0) : 0;
}

void
pb_error_set_context (GError *error, const char *story, int page)
{
  PbErrorPrivate *priv = error ? pb_error_get_private (error) : NULL;
  if (!priv)
    return;
  if (!priv->story && story)
    priv->story = g_strdup (story);
  if (!priv->page)
    priv->page = page;
}

gboolean
pb_error_before (const GError *a, const GError *b)
{
  const PbErrorPrivate *pa = pb_error_get_private (a), *pb = pb_error_get_private (b);
  if (!pa || !pb || !pa->file || !pb->file || strcmp (pa->file, pb->file) != 0)
    return FALSE;
  return pa->line < pb->line || (pa->line == pb->line && pa->col < pb->col);
}

/* The stable codes of errors, by pb_error_code_t. */
static const char *const error_codes[] = {
  [PB_ERROR_IO] = "io",
  [PB_ERROR_SYNTAX] = "syntax",
  [PB_ERROR_INVALID] = "invalid",
  [PB_ERROR_FONT] = "font",
  [PB_ERROR_GLYPH] = "glyph",
  [PB_ERROR_IMAGE] = "image",
  [PB_ERROR_LAYOUT] = "layout",
  [PB_ERROR_OUTPUT] = "output",
  [PB_ERROR_MISSING_KEY] = "missing-key",
  [PB_ERROR_WRONG_TYPE] = "wrong-type",
  [PB_ERROR_UNKNOWN_STORY] = "unknown-story",
  [PB_ERROR_DUPLICATE] = "duplicate",
  [PB_ERROR_STRICT] = "strict",
};

pb_diag_t *
pb_diag_new (const char *code, const char *message)
{
  pb_diag_t *d = g_new0 (pb_diag_t, 1);
  d->code = g_strdup (code);
  d->message = g_strdup (message);
  return d;
}

pb_diag_t *
pb_diag_from_error (const GError *error)
{
  pb_diag_t *d = g_new0 (pb_diag_t, 1);
  gboolean ours = error->domain == PB_ERROR && error->code >= 0
                  && error->code < (int) G_N_ELEMENTS (error_codes) && error_codes[error->code];
  d->code = g_strdup (ours ? error_codes[error->code] : "io");
  d->message = g_strdup (error->message);
  PbErrorPrivate *priv = error->domain == PB_ERROR ? pb_error_get_private (error) : NULL;
  if (priv)
    {
      d->file = g_strdup (priv->file);
      d->line = priv->line;
      d->col = priv->col;
      d->story = g_strdup (priv->story);
      d->page = priv->page;
    }
  return d;
}

void
pb_diag_free (gpointer p)
{
  pb_diag_t *d = p;
  if (!d)
    return;
  g_free (d->code);
  g_free (d->file);
  g_free (d->story);
  g_free (d->message);
  g_free (d);
}

void
pb_errors_take (GPtrArray *errors, GError *error, const char *story, int page)
{
  pb_error_set_context (error, story, page);
  if (errors && errors->len < PB_MAX_ERRORS)
    g_ptr_array_add (errors, error);
  else
    g_error_free (error);
}

/* The "FILE:LINE:COL: " at the start of a message, as pb_set_error_at and pb_add_warning
 * write it: the first ":L:C: " with digits. */
static void
parse_position (pb_diag_t *d, const char *text)
{
  for (const char *p = strchr (text, ':'); p; p = strchr (p + 1, ':'))
    {
      int line, col, n = 0;
      if (p > text && sscanf (p, ":%d:%d: %n", &line, &col, &n) == 2 && n > 0 && line > 0)
        {
          d->file = g_strndup (text, p - text);
          d->line = line;
          d->col = col;
          return;
        }
    }
}

/* The story ("story \"ID\"") and page ("page N") a message names, if any. */
static void
parse_context (pb_diag_t *d, const char *text)
{
  const char *s = strstr (text, "story \"");
  if (s)
    {
      s += strlen ("story \"");
      const char *end = strchr (s, '"');
      if (end)
        d->story = g_strndup (s, end - s);
    }
  for (const char *p = strstr (text, "page "); p && !d->page; p = strstr (p + 1, "page "))
    d->page = atoi (p + strlen ("page "));
}

/* Warnings the stages write as text, by what they say: the codes docs/format.md lists. */
static const struct {
  const char *needle, *code;
} warning_kinds[] = {
  { "unknown key \"", "unknown-key" },
  { "\" is overset by ", "overset" },
  { " characters overset", "overset" },
  { " ppi at its size on page ", "low-resolution" },
  { ": left out", "left-out" },
  { "does not reach its continuation", "continuation" },
  { "is placed on no page", "unplaced-story" },
  { "grid lines of columns empty", "underset" },
  { "is set in the fallback font", "fallback-glyph" },
};

pb_diag_t *
pb_diag_from_warning (const char *text)
{
  pb_diag_t *d = g_new0 (pb_diag_t, 1);
  d->message = g_strdup (text);
  for (guint i = 0; i < G_N_ELEMENTS (warning_kinds) && !d->code; i++)
    if (strstr (text, warning_kinds[i].needle))
      d->code = g_strdup (warning_kinds[i].code);
  if (!d->code)
    d->code = g_strdup ("layout");
  parse_position (d, text);
  parse_context (d, text);
  return d;
}
