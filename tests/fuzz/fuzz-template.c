/* Fuzz target: the template loader. The input is written to fuzz.json and loaded with
 * pb_template_load_file; when it loads, a small fixed issue is laid out on it, so that odd
 * geometry and styles reach the layout too. */
#include "fuzz.h"

static const fz_env_t *env;

static const char issue_json[] =
  "{ \"paper\": \"测试报\", \"date\": \"2024-02-19\", \"template\": \"fuzz.json\",\n"
  "  \"stories\": [ { \"id\": \"a\", \"kicker\": \"引题\", \"headline\": \"主题\",\n"
  "                   \"dateline\": \"本报讯\", \"body_file\": \"lead.md\",\n"
  "                   \"photos\": [ { \"file\": \"photo.png\", \"caption\": \"说明\" } ] },\n"
  "                 { \"id\": \"b\", \"headline\": \"导读稿\", \"body\": \"正文。\" } ],\n"
  "  \"pages\": [ { \"number\": 1, \"masthead\": true, \"credits\": { \"校对\": \"王五\" },\n"
  "    \"items\": [ { \"story\": \"a\", \"column\": 1, \"span\": 1, \"top\": 0, \"height\": 3,\n"
  "                   \"photo\": { \"span\": 1 } } ] },\n"
  "    { \"number\": 2, \"items\": [\n"
  "      { \"guide\": { \"entries\": [ { \"story\": \"b\", \"title\": \"导\\n读\" } ] },\n"
  "        \"column\": 1, \"span\": 1, \"top\": 0, \"height\": 3 } ] },\n"
  "    { \"number\": 3, \"elsewhere\": true, \"stories\": [ \"b\" ] } ] }\n";

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  env = fz_setup (TRUE);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *path = fz_write ("fuzz.json", data, size);
  GError *error = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  pb_template_t *t = pb_template_load_file (path, warnings, &error);
  fz_check_error (t != NULL, &error, "pb_template_load_file");
  for (guint i = 0; i < warnings->len; i++)
    fz_check (g_str_has_prefix (warnings->pdata[i], path)
              && g_utf8_validate (warnings->pdata[i], -1, NULL),
              "warning \"%s\" does not name the template file", (char *) warnings->pdata[i]);
  if (!t)
    return 0;
  fz_check (t->lines >= 3 && t->columns >= 1 && t->leading >= t->body_size,
            "template with %d lines, %d columns, leading %g", t->lines, t->columns, t->leading);
  pb_template_free (t);
  /* The fixed issue may not fit the template (items need 3 lines, a masthead): an error
   * then, which is fine as long as it is one. */
  pb_issue_t *issue = pb_issue_load_data (issue_json, sizeof issue_json - 1, "issue.json",
                                          env->dir, env->datadir, &error);
  fz_check_error (issue != NULL, &error, "pb_issue_load_data");
  if (!issue)
    return 0;
  fz_check_issue (issue);
  fz_layout_and_paint (issue, FALSE);
  pb_issue_free (issue);
  return 0;
}
