/* Fuzz target: Markdown bodies. The first byte chooses how the rest arrives: even, as the
 * file body.md of a story (raw bytes, invalid UTF-8 included); odd, as the story's inline
 * "body" string in the issue JSON (the rest escaped; skipped unless valid UTF-8). The story
 * is then laid out in a two-column frame, so its text reaches the line composer too. */
#include "fuzz.h"

#include <string.h>

static const fz_env_t *env;

static const char head[] =
  "{ \"paper\": \"测试报\", \"date\": \"2024-02-19\", \"template\": \"tmpl.json\",\n"
  "  \"stories\": [ { \"id\": \"a\", \"headline\": \"主题\", \"dateline\": \"本报讯\", ";
static const char tail[] =
  " } ],\n"
  "  \"pages\": [ { \"number\": 1, \"items\": [\n"
  "    { \"story\": \"a\", \"column\": 1, \"span\": 2, \"top\": 0, \"height\": 30 } ] } ] }\n";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  env = fz_setup (TRUE);
  return 0;
}

/* JSON string escaping: quote, backslash and control characters. */
static void
append_json_string (GString *out, const char *s, size_t n)
{
  g_string_append_c (out, '"');
  for (size_t i = 0; i < n; i++)
    {
      guchar c = s[i];
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, c);
    }
  g_string_append_c (out, '"');
}

static char *
issue_text (const uint8_t *data, size_t size, gboolean inline_body)
{
  GString *json = g_string_new (head);
  if (inline_body)
    {
      g_string_append (json, "\"body\": ");
      append_json_string (json, (const char *) data, size);
    }
  else
    g_string_append (json, "\"body_file\": \"body.md\"");
  g_string_append (json, tail);
  return g_string_free (json, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  gboolean inline_body = data[0] & 1;
  data++, size--;
  if (inline_body && !g_utf8_validate ((const char *) data, size, NULL))
    return 0;
  if (!inline_body)
    g_free (fz_write ("body.md", data, size));
  g_autofree char *json = issue_text (data, size, inline_body);
  GError *error = NULL;
  pb_issue_t *issue = pb_issue_load_data (json, strlen (json), "issue.json", env->dir,
                                          env->datadir, &error);
  fz_check_error (issue != NULL, &error, "pb_issue_load_data");
  if (!issue)
    return 0;
  fz_check_issue (issue);
  fz_layout_and_paint (issue, FALSE);
  pb_issue_free (issue);
  return 0;
}
