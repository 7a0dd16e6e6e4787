#include "model.h"

/* Not G_DEFINE_QUARK: it sets its static on first use without a lock, so two jobs failing for
 * the first time on two threads would race on it. */
GQuark
pb_error_quark (void)
{
  static gsize quark;
  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("paiban-error-quark"));
  return (GQuark) quark;
}

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
