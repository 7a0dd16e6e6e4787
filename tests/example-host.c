/* A pipeline host as a third party would write it: it knows only the public header, dlopen()s
 * the plugin, checks the table, renders the example issue from a buffer, reads the report and
 * handles a bad input, including the sticky status. JSON is read with json-glib, as a host
 * would with any JSON library.
 * Usage: example-host PLUGIN.so SOURCE_ROOT   (TAP output) */
#include <dlfcn.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <paiban/paiban.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_tests, n_failed;

static void
check (int ok, const char *what, const char *detail)
{
  n_tests++;
  printf ("%s %d %s\n", ok ? "ok" : "not ok", n_tests, what);
  if (!ok)
    {
      n_failed++;
      if (detail && *detail)
        printf ("# %s\n", detail);
    }
}

static const paiban_plugin_v1_t *
open_plugin (const char *path, void **so)
{
  *so = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  check (*so != NULL, "dlopen the plugin", *so ? NULL : dlerror ());
  if (!*so)
    return NULL;
  paiban_plugin_v1_func_t entry = (paiban_plugin_v1_func_t) dlsym (*so, PAIBAN_PLUGIN_SYMBOL);
  check (entry != NULL, "dlsym " PAIBAN_PLUGIN_SYMBOL, NULL);
  if (!entry)
    return NULL;
  const paiban_plugin_v1_t *pb = entry ();
  check (pb && pb->abi_version == PAIBAN_ABI_VERSION, "abi_version is PAIBAN_ABI_VERSION", NULL);
  check (pb && pb->size >= sizeof (paiban_plugin_v1_t), "table size covers this header", NULL);
  return pb && pb->abi_version == PAIBAN_ABI_VERSION && pb->size >= sizeof *pb ? pb : NULL;
}

static int
lists (const char *const *types, const char *type)
{
  for (; types && *types; types++)
    if (strcmp (*types, type) == 0)
      return 1;
  return 0;
}

static void
check_table (const paiban_plugin_v1_t *pb)
{
  check (strcmp (pb->name, "paiban") == 0 && pb->version && *pb->version,
         "name is paiban, version is set", NULL);
  check (lists (pb->input_types, "application/vnd.paiban.issue+json")
           && lists (pb->output_types, "application/pdf"),
         "media types list the issue and PDF", NULL);
}

static char *
read_all (const char *path, size_t *len)
{
  gchar *data = NULL;
  gsize n = 0;
  if (!g_file_get_contents (path, &data, &n, NULL))
    return NULL;
  *len = n;
  return data;
}

static JsonObject *
parse_report (JsonParser *parser, const char *report)
{
  if (!report || !json_parser_load_from_data (parser, report, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  return JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
}

static void
check_report_ok (const paiban_plugin_v1_t *pb, paiban_job_t *job)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *r = parse_report (parser, pb->job_report (job));
  check (r != NULL, "the report is a JSON object", NULL);
  if (!r)
    return;
  const char *status = json_object_get_string_member_with_default (r, "status", "");
  check (strcmp (status, "ok") == 0, "report: status is ok", status);
  JsonArray *pages = json_object_has_member (r, "pages")
                       ? json_object_get_array_member (r, "pages") : NULL;
  check (pages && json_array_get_length (pages) == 1, "report: one page", NULL);
  check (json_object_has_member (r, "overset_chars")
           && json_object_get_int_member (r, "overset_chars") == 0,
         "report: no overset", NULL);
  check (json_object_has_member (r, "warnings") && json_object_has_member (r, "timings_s")
           && !json_object_has_member (r, "error"),
         "report: warnings and timings, no error", NULL);
}

static int
starts_pdf (const char *path)
{
  size_t len = 0;
  g_autofree char *data = read_all (path, &len);
  return data && len > 10000 && memcmp (data, "%PDF-", 5) == 0;
}

/* The example issue from memory: its relative paths (Markdown, photo) resolve against
 * base_dir, the example's folder. */
static void
render_example (const paiban_plugin_v1_t *pb, const char *root, const char *tmp)
{
  g_autofree char *dir = g_build_filename (root, "examples", "front-page", NULL);
  g_autofree char *path = g_build_filename (dir, "issue.json", NULL);
  g_autofree char *pdf = g_build_filename (tmp, "front-page.pdf", NULL);
  size_t len = 0;
  g_autofree char *data = read_all (path, &len);
  check (data != NULL, "read examples/front-page/issue.json", path);
  if (!data)
    return;
  paiban_job_t *job = pb->job_create ();
  paiban_status_t s = pb->job_load_buffer (job, data, len, "issue.json", dir);
  check (s == PAIBAN_STATUS_SUCCESS, "load the issue from a buffer", pb->job_error_message (job));
  check (pb->job_layout (job) == PAIBAN_STATUS_SUCCESS, "lay it out", pb->job_error_message (job));
  check (pb->job_page_count (job) == 1, "one page laid out", NULL);
  s = pb->job_write_pdf (job, pdf);
  check (s == PAIBAN_STATUS_SUCCESS, "write the PDF", pb->job_error_message (job));
  check (starts_pdf (pdf), "the file is a PDF of some size", pdf);
  check (strcmp (pb->job_error_message (job), "") == 0, "no error message after success", NULL);
  check_report_ok (pb, job);
  pb->job_destroy (job);
}

/* "NAME:LINE:COL: text" with LINE and COL from 1 and LINE within the input. */
static int
has_position (const char *message, const char *name, int max_line)
{
  size_t n = strlen (name);
  int line = 0, col = 0, used = 0;
  if (strncmp (message, name, n) != 0
      || sscanf (message + n, ":%d:%d: %n", &line, &col, &used) != 2 || used == 0)
    return 0;
  return line >= 1 && line <= max_line && col >= 1 && message[n + used] != '\0';
}

static void
check_report_error (const paiban_plugin_v1_t *pb, paiban_job_t *job, const char *message)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *r = parse_report (parser, pb->job_report (job));
  check (r && strcmp (json_object_get_string_member_with_default (r, "status", ""), "error") == 0
           && strcmp (json_object_get_string_member_with_default (r, "error", ""), message) == 0,
         "report of the failed job: status error, the same message", NULL);
}

/* A truncated issue: the load fails with a positioned message, and the failure sticks. */
static void
handle_error (const paiban_plugin_v1_t *pb, const char *tmp)
{
  static const char bad[] = "{\n  \"paper\": \"x\",\n  \"date\": 2024\n";
  g_autofree char *pdf = g_build_filename (tmp, "never.pdf", NULL);
  paiban_job_t *job = pb->job_create ();
  paiban_status_t s = pb->job_load_buffer (job, bad, strlen (bad), "bad.json", tmp);
  check (s == PAIBAN_STATUS_INVALID_INPUT, "malformed buffer: PAIBAN_STATUS_INVALID_INPUT", NULL);
  g_autofree char *message = g_strdup (pb->job_error_message (job));
  check (has_position (message, "bad.json", 4), "message is bad.json:LINE:COL: text", message);
  check (pb->job_status (job) == s, "job_status gives the failure", NULL);
  check (pb->job_layout (job) == s, "sticky: job_layout returns the same status", NULL);
  check (pb->job_write_pdf (job, pdf) == s && !g_file_test (pdf, G_FILE_TEST_EXISTS),
         "sticky: job_write_pdf returns it and writes nothing", NULL);
  check (pb->job_set_option (job, "strict", "1") == s, "sticky: job_set_option returns it", NULL);
  check (strcmp (pb->job_error_message (job), message) == 0, "sticky: the first message stays",
         pb->job_error_message (job));
  check_report_error (pb, job, message);
  pb->job_destroy (job);
}

/* An issue with two mistakes: both are errors of the one load, the first is the message. */
static void
handle_errors (const paiban_plugin_v1_t *pb, const char *tmp)
{
  static const char bad[] = "{\n  \"paper\": 1,\n  \"date\": \"2024-02-19\",\n"
                            "  \"template\": \"tabloid\", \"stories\": [],\n"
                            "  \"pages\": [ { \"number\": \"1\", \"items\": [] } ] }\n";
  paiban_job_t *job = pb->job_create ();
  pb->job_load_buffer (job, bad, strlen (bad), "two.json", tmp);
  check (pb->job_error_count (job) == 2, "two mistakes: job_error_count is 2",
         pb->job_error_message (job));
  check (pb->job_error (job, 0) && strcmp (pb->job_error (job, 0), pb->job_error_message (job)) == 0
           && has_position (pb->job_error (job, 1), "two.json", 5),
         "job_error 0 is the message, job_error 1 the second at its place", pb->job_error (job, 1));
  check (pb->job_error (job, 2) == NULL && pb->job_error (job, -1) == NULL,
         "job_error outside the range is NULL", NULL);
  pb->job_destroy (job);
}

/* Calls in the wrong order are usage errors, not crashes. */
static void
handle_misuse (const paiban_plugin_v1_t *pb, const char *root, const char *tmp)
{
  g_autofree char *issue = g_build_filename (root, "examples", "front-page", "issue.json", NULL);
  g_autofree char *pdf = g_build_filename (tmp, "stale.pdf", NULL);
  paiban_job_t *job = pb->job_create ();
  check (pb->job_write_pdf (job, pdf) == PAIBAN_STATUS_USAGE, "write before layout: usage", NULL);
  pb->job_destroy (job);

  /* Loading again discards the layout made of the previous issue. */
  job = pb->job_create ();
  paiban_status_t s = pb->job_load_file (job, issue);
  if (s == PAIBAN_STATUS_SUCCESS)
    s = pb->job_layout (job);
  check (s == PAIBAN_STATUS_SUCCESS && pb->job_page_count (job) == 1, "load and lay out by path",
         pb->job_error_message (job));
  s = pb->job_load_file (job, issue);
  check (s == PAIBAN_STATUS_SUCCESS && pb->job_page_count (job) == 0,
         "a second load discards the layout", pb->job_error_message (job));
  check (pb->job_write_pdf (job, pdf) == PAIBAN_STATUS_USAGE, "then writing is a usage error",
         NULL);
  pb->job_destroy (job);

  job = pb->job_create ();
  pb->job_load_file (job, issue);
  check (pb->job_set_option (job, "datadir", tmp) == PAIBAN_STATUS_USAGE,
         "datadir after loading: usage", NULL);
  pb->job_destroy (job);

  check (pb->job_status (NULL) == PAIBAN_STATUS_USAGE && pb->job_layout (NULL) == PAIBAN_STATUS_USAGE
           && pb->job_report (NULL) == NULL && pb->job_page_count (NULL) == 0,
         "a NULL job is a usage error", NULL);
  pb->job_destroy (NULL);
}

/* The dump with its glyph lines ("      glyphs …") taken out. */
static char *
without_glyphs (const char *dump)
{
  GString *out = g_string_new (NULL);
  g_auto (GStrv) lines = g_strsplit (dump, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (!g_str_has_prefix (lines[i] + strspn (lines[i], " "), "glyphs "))
      g_string_append_printf (out, "%s%s", lines[i], lines[i + 1] ? "\n" : "");
  return g_string_free (out, FALSE);
}

/* The layout dump: a usage error before the layout, then text that starts with the first page;
 * the glyphs only add lines. */
static void
dump_layout (const paiban_plugin_v1_t *pb, const char *root)
{
  g_autofree char *issue = g_build_filename (root, "examples", "front-page", "issue.json", NULL);
  paiban_job_t *job = pb->job_create ();
  pb->job_load_file (job, issue);
  check (pb->job_layout_dump (job, 0) == NULL && pb->job_status (job) == PAIBAN_STATUS_USAGE
           && *pb->job_error_message (job),
         "dump before the layout: NULL and a usage error", pb->job_error_message (job));
  pb->job_destroy (job);

  job = pb->job_create ();
  pb->job_load_file (job, issue);
  pb->job_layout (job);
  const char *text = pb->job_layout_dump (job, 0);
  check (text && g_str_has_prefix (text, "page 1 ") && !strstr (text, " glyphs "),
         "dump after the layout starts with the page line", text);
  g_autofree char *plain = g_strdup (text);
  text = pb->job_layout_dump (job, PAIBAN_DUMP_GLYPHS);
  g_autofree char *stripped = text ? without_glyphs (text) : NULL;
  check (text && strstr (text, "\n      glyphs ") && strcmp (stripped, plain) == 0,
         "PAIBAN_DUMP_GLYPHS adds the glyph lines and nothing else", NULL);
  check (pb->job_layout_dump (job, 1u << 7) == NULL && pb->job_status (job) == PAIBAN_STATUS_USAGE,
         "an unknown dump flag: NULL and a usage error", NULL);
  pb->job_destroy (job);
  check (pb->job_layout_dump (NULL, 0) == NULL, "dump of a NULL job: NULL", NULL);
}

/* Hosts that close plugins between jobs: closing and opening again must give a working table
 * (the plugin stays mapped, see the header). */
static void
reopen (void *so, const char *path, const char *root)
{
  dlclose (so);
  so = dlopen (path, RTLD_NOW | RTLD_LOCAL);
  paiban_plugin_v1_func_t entry = so ? (paiban_plugin_v1_func_t) dlsym (so, PAIBAN_PLUGIN_SYMBOL)
                                     : NULL;
  const paiban_plugin_v1_t *pb = entry ? entry () : NULL;
  g_autofree char *issue = g_build_filename (root, "examples", "front-page", "issue.json", NULL);
  paiban_job_t *job = pb ? pb->job_create () : NULL;
  int ok = job && pb->job_load_file (job, issue) == PAIBAN_STATUS_SUCCESS
           && pb->job_layout (job) == PAIBAN_STATUS_SUCCESS;
  check (ok, "after dlclose and dlopen again, a job lays the example out", NULL);
  if (pb)
    pb->job_destroy (job);
  if (so)
    dlclose (so);
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: example-host PLUGIN.so SOURCE_ROOT\n");
      return 2;
    }
  g_autofree char *tmp = g_dir_make_tmp ("paiban-host-XXXXXX", NULL);
  void *so = NULL;
  const paiban_plugin_v1_t *pb = open_plugin (argv[1], &so);
  if (pb && tmp)
    {
      check_table (pb);
      render_example (pb, argv[2], tmp);
      handle_error (pb, tmp);
      handle_errors (pb, tmp);
      handle_misuse (pb, argv[2], tmp);
      dump_layout (pb, argv[2]);
      reopen (so, argv[1], argv[2]);
    }
  else if (so)
    dlclose (so);
  if (tmp)
    {
      g_autofree char *pdf = g_build_filename (tmp, "front-page.pdf", NULL);
      g_remove (pdf);
      g_rmdir (tmp);
    }
  printf ("1..%d\n", n_tests);
  return n_failed ? 1 : 0;
}
