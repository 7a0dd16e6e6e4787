#include "model.h"

G_DEFINE_QUARK (paiban-error-quark, pb_error)

void
pb_set_error_at (GError **error, pb_error_code_t code, pb_loc_t loc, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (loc.file && loc.line > 0)
    g_set_error (error, PB_ERROR, code, "%s:%d:%d: %s", loc.file, loc.line, loc.col, msg);
  else if (loc.file)
    g_set_error (error, PB_ERROR, code, "%s: %s", loc.file, msg);
  else
    g_set_error_literal (error, PB_ERROR, code, msg);
}
