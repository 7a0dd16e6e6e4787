/* Tests of the JSON layer on its own (plugin/jsondoc.c, plugin/source.c): positions of values
 * and keys, the strict lexer's errors, the typed getters' errors. No issue, no template. */
#include "jsondoc.h"

#include <string.h>

/* A parsed document; fails the test when `text` does not parse. */
typedef struct {
  pb_json_doc_t d;
  pb_json_obj_t root;
} doc_t;

static void
parse (doc_t *doc, const char *text)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = pb_json_doc_parse (&doc->d, "t.json", text, strlen (text), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  ok = pb_json_open_object (&doc->d, pb_json_doc_root (&doc->d), "thing", "thing", NULL,
                            &doc->root, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

/* The error message of parsing `text`. */
static char *
parse_error (const char *text)
{
  pb_json_doc_t d;
  GError *error = NULL;
  g_assert_false (pb_json_doc_parse (&d, "t.json", text, strlen (text), NULL, &error));
  pb_json_doc_clear (&d);
  g_assert_error (error, PB_ERROR, error->code);
  char *msg = g_strdup (error->message);
  g_error_free (error);
  return msg;
}

static void
assert_loc (pb_loc_t loc, int line, int col)
{
  g_assert_cmpstr (loc.file, ==, "t.json");
  g_assert_cmpint (loc.line, ==, line);
  g_assert_cmpint (loc.col, ==, col);
}

/* Columns count characters, not bytes: 标题 is six bytes and two columns. */
static const char positions_text[] =
  "{\n"
  "  \"标题\": \"中文\",\n"
  "  \"n\": [1, {\"深\": true}],\n"
  "  \"数\": -2.5e1\n"
  "}\n";

static void
test_positions (void)
{
  doc_t doc;
  parse (&doc, positions_text);
  const pb_json_doc_t *d = &doc.d;
  JsonNode *title = pb_json_member (&doc.root, "标题");
  assert_loc (pb_json_node_loc (d, title), 2, 9);
  assert_loc (pb_json_key_loc (d, title), 2, 3);

  JsonNode *n = pb_json_member (&doc.root, "n");
  assert_loc (pb_json_node_loc (d, n), 3, 8);
  assert_loc (pb_json_node_loc (d, pb_json_element (n, 0)), 3, 9);
  JsonNode *inner = pb_json_element (n, 1);
  assert_loc (pb_json_node_loc (d, inner), 3, 12);
  JsonNode *deep = json_object_get_member (json_node_get_object (inner), "深");
  assert_loc (pb_json_node_loc (d, deep), 3, 18);
  assert_loc (pb_json_key_loc (d, deep), 3, 13);

  JsonNode *num = pb_json_member (&doc.root, "数");
  assert_loc (pb_json_node_loc (d, num), 4, 8);
  double v = 0;
  g_assert_true (pb_json_number (d, num, &v));
  g_assert_cmpfloat (v, ==, -25);
  assert_loc (pb_json_node_loc (d, pb_json_doc_root (d)), 1, 1);
  pb_json_doc_clear (&doc.d);
}

/* Integers beyond 64 bits are read from the text, not wrapped by json-glib. */
static void
test_big_number (void)
{
  doc_t doc;
  parse (&doc, "{\"big\": 18446744073709551621}");
  double v = 0;
  g_assert_true (pb_json_number (&doc.d, pb_json_member (&doc.root, "big"), &v));
  g_assert_cmpfloat (v, >, 1.8e19);
  pb_json_doc_clear (&doc.d);
}

static void
assert_parse_error (const char *text, const char *expected)
{
  g_autofree char *msg = parse_error (text);
  g_assert_cmpstr (msg, ==, expected);
}

static void
test_lexer_errors (void)
{
  assert_parse_error ("{\n  \"名\": 'x'\n}", "t.json:2:8: unexpected character ' (a single "
                      "quote): JSON strings are written between double quotes (\")");
  /* What an editor's word processor types: named as the character, never as a byte. */
  assert_parse_error ("{\n  \"名\": “x”\n}", "t.json:2:8: unexpected character “ (U+201C), a "
                      "typographic quotation mark: JSON strings are written between straight "
                      "double quotes (\")");
  assert_parse_error ("{\"a\": ☃}", "t.json:1:7: unexpected character ☃ (U+2603)");
  assert_parse_error ("{\"a\": [1, 2,\n  ]}", "t.json:1:12: trailing comma: JSON allows no ',' "
                      "after the last element of an array");
  assert_parse_error ("{\"a\": 1,\n}", "t.json:1:8: trailing comma: JSON allows no ',' after "
                      "the last member of an object");
  assert_parse_error ("{\"a\": 1} {\"b\": 2}",
                      "t.json:1:10: unexpected text after the top-level value");
  assert_parse_error ("{\"a\": 0x10}", "t.json:1:7: malformed number");
  assert_parse_error ("{\"a\": \"\\u0000\"}",
                      "t.json:1:8: \\u0000 (a NUL character) is not allowed in a string");
  assert_parse_error ("{\n  \"名\": \"a\tb\"}",
                      "t.json:2:10: control character in a string (write a line break as \\n)");
  assert_parse_error ("{\"a\": 1,\n \"a\": 2}", "t.json:2:2: duplicate key \"a\"");
  assert_parse_error ("\"\xff\"", "t.json:1:2: invalid UTF-8 (byte 0xff)");
  assert_parse_error ("", "t.json:1:1: no JSON value in the file");

  g_autofree char *deep = g_strnfill (PB_JSON_MAX_DEPTH + 1, '[');
  g_autofree char *expected = g_strdup_printf ("t.json:1:%d: nesting deeper than %d levels",
                                               PB_JSON_MAX_DEPTH + 1, PB_JSON_MAX_DEPTH);
  assert_parse_error (deep, expected);
}

/* Each getter on the document below, and its message. */
static const char getters_text[] =
  "{\"s\": \"\", \"blank\": \"  \", \"i\": 7, \"f\": 1.5, \"str\": \"x\", \"nul\": null,\n"
  " \"len\": \"12 mm\", \"em\": \"2字\", \"huge\": 1e9, \"o\": [], \"b\": 1}";

/* `ok` is a getter's result, `error` what it set; its code is that of what it says. */
static void
assert_fails (gboolean ok, GError **error, const char *expected)
{
  g_assert_false (ok);
  int code = strstr (expected, "missing required key") || strstr (expected, "must not be null")
             ? PB_ERROR_MISSING_KEY
             : strstr (expected, ", not ") ? PB_ERROR_WRONG_TYPE : PB_ERROR_INVALID;
  g_assert_error (*error, PB_ERROR, code);
  g_assert_cmpstr ((*error)->message, ==, expected);
  g_clear_error (error);
}

static void
test_getter_errors (void)
{
  doc_t doc;
  parse (&doc, getters_text);
  const pb_json_obj_t *o = &doc.root;
  GError *error = NULL;
  char *s = NULL;
  int i = 0;
  double v = 0;
  gboolean b = FALSE, ok;
  JsonNode *arr = NULL;
  pb_json_obj_t sub;

  g_assert_true (pb_json_get_string (o, "s", FALSE, &s, &error));
  g_assert_null (s);
  ok = pb_json_get_string (o, "blank", TRUE, &s, &error);
  assert_fails (ok, &error, "t.json:1:20: thing: \"blank\" must not be empty");
  ok = pb_json_get_string (o, "i", TRUE, &s, &error);
  assert_fails (ok, &error, "t.json:1:31: thing: \"i\" must be a string, not a number");
  ok = pb_json_get_string (o, "absent", TRUE, &s, &error);
  assert_fails (ok, &error, "t.json:1:1: thing: missing required key \"absent\"");
  ok = pb_json_get_string (o, "nul", TRUE, &s, &error);
  assert_fails (ok, &error, "t.json:1:63: thing: \"nul\" must not be null");

  ok = pb_json_get_int (o, "i", TRUE, 1, 5, 1, "a hint", &i, &error);
  assert_fails (ok, &error, "t.json:1:31: thing: \"i\" must be an integer from 1 to 5 (a hint)");
  ok = pb_json_get_int (o, "f", TRUE, 1, G_MAXINT, 1, NULL, &i, &error);
  assert_fails (ok, &error, "t.json:1:39: thing: \"f\" must be an integer ≥ 1");
  g_assert_true (pb_json_get_int (o, "i", TRUE, 1, 10, 1, NULL, &i, &error));
  g_assert_cmpint (i, ==, 7);
  ok = pb_json_get_bool (o, "b", FALSE, &b, &error);
  assert_fails (ok, &error, "t.json:2:57: thing: \"b\" must be true or false, not a number");

  ok = pb_json_get_length (o, "len", TRUE, 9, PB_LEN_NONNEG, 0, &v, &error);
  assert_fails (ok, &error, "t.json:2:9: thing: \"len\" \"12 mm\" is not a length: use a "
                "number of points or a string such as \"12pt\", \"3mm\", \"1.2cm\", "
                "\"0.5in\", \"2字\", \"2em\" or a size name such as \"小五\"");
  ok = pb_json_get_length (o, "em", TRUE, 0, PB_LEN_TYPE, 0, &v, &error);
  assert_fails (ok, &error, "t.json:2:24: thing: \"em\" cannot be given in 字 or em");
  g_assert_true (pb_json_get_length (o, "em", TRUE, 9, PB_LEN_TYPE, 0, &v, &error));
  g_assert_cmpfloat (v, ==, 18);
  ok = pb_json_get_length (o, "huge", TRUE, 9, PB_LEN_TYPE, 0, &v, &error);
  assert_fails (ok, &error, "t.json:2:38: thing: \"huge\" is too large (the limit is 200in)");

  ok = pb_json_get_object (o, "o", TRUE, "o", NULL, &sub, &error);
  assert_fails (ok, &error, "t.json:2:48: thing: \"o\" must be an object, not an array");
  g_assert_true (pb_json_get_array (o, "o", TRUE, &arr, &error));
  g_assert_cmpuint (pb_json_array_length (arr), ==, 0);
  pb_json_doc_clear (&doc.d);
}

/* Keys not in the list are warned about at the key, naming the kind of object. */
static void
test_unknown_keys (void)
{
  static const char text[] = "{\"a\": 1,\n  \"zz\": {\"b\": 2}}";
  static const char *const keys[] = { "a", NULL };
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  pb_json_doc_t d;
  pb_json_obj_t o, sub;
  g_assert_true (pb_json_doc_parse (&d, "t.json", text, strlen (text), warnings, &error));
  g_assert_true (pb_json_open_object (&d, pb_json_doc_root (&d), "thing", "thing", keys, &o,
                                      &error));
  g_assert_true (pb_json_get_object (&o, "zz", TRUE, "inner", NULL, &sub, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_cmpstr (warnings->pdata[0], ==, "t.json:2:3: unknown key \"zz\" in thing");
  pb_json_doc_clear (&d);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/jsondoc/positions", test_positions);
  g_test_add_func ("/jsondoc/big-number", test_big_number);
  g_test_add_func ("/jsondoc/lexer-errors", test_lexer_errors);
  g_test_add_func ("/jsondoc/getter-errors", test_getter_errors);
  g_test_add_func ("/jsondoc/unknown-keys", test_unknown_keys);
  return g_test_run ();
}
