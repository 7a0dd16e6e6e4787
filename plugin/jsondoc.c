/* JSON documents with positions and typed access (jsondoc.h). Every complaint names the
 * file:line:col of the value at fault.
 *
 * Positions. json-glib 1.6 nodes carry none, so the loader records them while parsing: the
 * parser's "object-member" and "array-element" signals fire after the value *and the ',' that
 * follows it, if any* were consumed; json_parser_get_current_line()/_pos() then give the
 * 1-based line and the 1-based *byte* column of that last consumed character (the value's last
 * character, its closing quote or bracket, or the comma). Tested with json-glib 1.6.6. That end
 * is stored per JsonNode. A small strict lexer of our own lists the [start, end) byte span of
 * every value in the order values end; the span with the greatest end ≤ the recorded end is
 * the node's value, which gives its first character, and the span before a member's value is
 * its key. Reported columns count characters (code points) from 1, as editors do.
 *
 * The lexer also makes the input strict JSON (json-glib accepts comments, single quotes, hex
 * numbers, several top-level values …) and limits nesting before json-glib sees the text:
 * json-glib's parser recurses per level and overflows the stack on deep input. */
#include "jsondoc.h"

#include "diag.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  guint32 start, end;
} span_t;

void
pb_json_doc_clear (pb_json_doc_t *d)
{
  pb_src_clear (&d->src);
  g_clear_object (&d->parser);
  g_clear_pointer (&d->ends, g_hash_table_unref);
  g_clear_pointer (&d->members, g_hash_table_unref);
  g_clear_pointer (&d->spans, g_array_unref);
  g_clear_pointer (&d->dup_name, g_free);
}

static void
note_end (pb_json_doc_t *d, JsonNode *node)
{
  guint line = json_parser_get_current_line (d->parser);
  guint pos = json_parser_get_current_pos (d->parser);
  if (!node || line == 0 || line > d->src.lines->len)
    return;
  gsize off = pb_src_line_start (&d->src, line - 1) + (pos > 0 ? pos - 1 : 0);
  g_hash_table_insert (d->ends, node, GSIZE_TO_POINTER (MIN (off, d->src.len) + 1));
}

static void
on_object_member (JsonParser *parser, JsonObject *object, const char *name, gpointer data)
{
  pb_json_doc_t *d = data;
  JsonNode *node = json_object_get_member (object, name);
  note_end (d, node);
  /* json-glib keeps the last of duplicate keys silently; we refuse them. A duplicate replaces
   * a member, so the object then has fewer members than were read into it. */
  guint read = GPOINTER_TO_UINT (g_hash_table_lookup (d->members, object)) + 1;
  g_hash_table_insert (d->members, object, GUINT_TO_POINTER (read));
  if (json_object_get_size (object) < read && !d->dup_node)
    {
      d->dup_node = node;
      d->dup_name = g_strdup (name);
    }
}

/* A finished object's count is not needed again: only the open objects are counted. */
static void
on_object_end (JsonParser *parser, JsonObject *object, gpointer data)
{
  pb_json_doc_t *d = data;
  g_hash_table_remove (d->members, object);
}

static void
on_array_element (JsonParser *parser, JsonArray *array, int index, gpointer data)
{
  note_end (data, json_array_get_element (array, index));
}

typedef struct {
  const pb_src_t *s;
  GArray *spans;
  GArray *stack; /* guint32 offsets of the open brackets */
  gsize pos;
  guint containers; /* objects and arrays opened */
  gsize last;    /* 1 + offset of the last character outside white space; 0 before one */
  gboolean hard; /* the failure makes handing the text to json-glib unsafe */
} lexer_t;

static gboolean
lex_fail (lexer_t *lx, gsize at, GError **error, const char *msg)
{
  pb_set_error_at (error, PB_ERROR_SYNTAX, pb_src_loc (lx->s, at), "%s", msg);
  return FALSE;
}

static gboolean
is_delim (char c)
{
  return c == '\0' || strchr (" \t\r\n,:]}", c) != NULL;
}

/* The 4 hex digits after "\u" at `p`; -1 when they are not there. */
static int
hex4_at (const pb_src_t *s, gsize p)
{
  if (p + 4 > s->len)
    return -1;
  int v = 0;
  for (int i = 0; i < 4; i++)
    {
      if (!g_ascii_isxdigit (s->text[p + i]))
        return -1;
      v = v * 16 + g_ascii_xdigit_value (s->text[p + i]);
    }
  return v;
}

/* "\uXXXX" at *p. json-glib turns a lone UTF-16 surrogate into bytes that are not UTF-8,
 * and "\u0000" into a NUL that silently ends the string: both are refused here. */
static gboolean
lex_unicode_escape (lexer_t *lx, gsize *p, GError **error)
{
  const pb_src_t *s = lx->s;
  int v = hex4_at (s, *p + 2);
  if (v == 0)
    return lex_fail (lx, *p, error, "\\u0000 (a NUL character) is not allowed in a string");
  if (v >= 0xdc00 && v <= 0xdfff)
    return lex_fail (lx, *p, error, "lone low surrogate in a \\u escape: a UTF-16 pair "
                     "starts with \\uD800 to \\uDBFF");
  if (v >= 0xd800 && v <= 0xdbff)
    {
      int low = *p + 7 < s->len && s->text[*p + 6] == '\\' && s->text[*p + 7] == 'u'
                  ? hex4_at (s, *p + 8) : -1;
      if (low < 0xdc00 || low > 0xdfff)
        return lex_fail (lx, *p, error, "lone high surrogate in a \\u escape: a UTF-16 pair "
                         "needs its second half, \\uDC00 to \\uDFFF");
      *p += 12;
      return TRUE;
    }
  *p += 6;
  return TRUE;
}

static gboolean
lex_string (lexer_t *lx, GError **error)
{
  const char *t = lx->s->text;
  gsize p = lx->pos + 1, len = lx->s->len;
  for (;;)
    {
      if (p >= len)
        return lex_fail (lx, lx->pos, error, "unterminated string");
      guchar c = t[p];
      if (c == '"')
        break;
      if (c < 0x20)
        return lex_fail (lx, p, error,
                         "control character in a string (write a line break as \\n)");
      if (c != '\\')
        {
          p++;
          continue;
        }
      char e = p + 1 < len ? t[p + 1] : '\0';
      if (e && strchr ("\"\\/bfnrt", e))
        p += 2;
      else if (e == 'u' && p + 5 < len && g_ascii_isxdigit (t[p + 2])
               && g_ascii_isxdigit (t[p + 3]) && g_ascii_isxdigit (t[p + 4])
               && g_ascii_isxdigit (t[p + 5]))
        {
          if (!lex_unicode_escape (lx, &p, error))
            return FALSE;
        }
      else
        return lex_fail (lx, p, error, "invalid escape sequence in a string");
    }
  lx->pos = p + 1;
  return TRUE;
}

static gsize
skip_digits (const char *t, gsize p, gsize len)
{
  while (p < len && g_ascii_isdigit (t[p]))
    p++;
  return p;
}

static gboolean
lex_number (lexer_t *lx, GError **error)
{
  const char *t = lx->s->text;
  gsize p = lx->pos, len = lx->s->len;
  if (t[p] == '-')
    p++;
  if (p < len && t[p] == '0')
    p++;
  else if (p < len && g_ascii_isdigit (t[p]))
    p = skip_digits (t, p, len);
  else
    return lex_fail (lx, lx->pos, error, "malformed number");
  if (p < len && t[p] == '.')
    {
      if (p + 1 >= len || !g_ascii_isdigit (t[p + 1]))
        return lex_fail (lx, lx->pos, error, "malformed number");
      p = skip_digits (t, p + 1, len);
    }
  if (p < len && (t[p] == 'e' || t[p] == 'E'))
    {
      p++;
      if (p < len && (t[p] == '+' || t[p] == '-'))
        p++;
      if (p >= len || !g_ascii_isdigit (t[p]))
        return lex_fail (lx, lx->pos, error, "malformed number");
      p = skip_digits (t, p, len);
    }
  if (p < len && !is_delim (t[p]))
    return lex_fail (lx, lx->pos, error, "malformed number");
  lx->pos = p;
  return TRUE;
}

static gboolean
lex_word (lexer_t *lx, GError **error)
{
  static const char *const words[] = { "true", "false", "null" };
  const char *t = lx->s->text + lx->pos;
  gsize rest = lx->s->len - lx->pos;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      gsize n = strlen (words[i]);
      if (rest >= n && memcmp (t, words[i], n) == 0 && (rest == n || is_delim (t[n])))
        {
          lx->pos += n;
          return TRUE;
        }
    }
  return lex_fail (lx, lx->pos, error, "unexpected word (JSON knows true, false and null)");
}

static gboolean
lex_close (lexer_t *lx, char c, guint32 *open, GError **error)
{
  if (lx->stack->len == 0)
    return lex_fail (lx, lx->pos, error, c == '}' ? "unexpected '}'" : "unexpected ']'");
  *open = g_array_index (lx->stack, guint32, lx->stack->len - 1);
  char o = lx->s->text[*open];
  if ((c == '}') != (o == '{'))
    return lex_fail (lx, lx->pos, error, c == '}' ? "'}' closes a '['" : "']' closes a '{'");
  g_array_set_size (lx->stack, lx->stack->len - 1);
  lx->pos++;
  return TRUE;
}

/* A text beyond a size limit is not handed to json-glib at all: its tree is the cost. */
static gboolean
lex_too_many (lexer_t *lx, gsize at, GError **error, const char *what, guint limit)
{
  lx->hard = TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, pb_src_loc (lx->s, at),
                   "more than %u %s in one file", limit, what);
  return FALSE;
}

/* Quotation marks an editor's keyboard or word processor types in place of '"'. */
static gboolean
is_typographic_quote (gunichar c)
{
  return c == 0x201c || c == 0x201d || c == 0x2018 || c == 0x2019 || c == 0x300c
         || c == 0x300d || c == 0xff02;
}

/* A character that starts no JSON value, named as the editor sees it, never as a byte. */
static gboolean
lex_unexpected (lexer_t *lx, GError **error)
{
  const char *at = lx->s->text + lx->pos;
  gunichar c = g_utf8_get_char (at);
  char ch[8] = { 0 };
  g_unichar_to_utf8 (c, ch);
  g_autofree char *msg = NULL;
  if (is_typographic_quote (c))
    msg = g_strdup_printf ("unexpected character %s (U+%04X), a typographic quotation mark: "
                           "JSON strings are written between straight double quotes (\")",
                           ch, c);
  else if (c == '\'')
    msg = g_strdup ("unexpected character ' (a single quote): JSON strings are written "
                    "between double quotes (\")");
  else if (c < 0x80 && g_ascii_isprint (c))
    msg = g_strdup_printf ("unexpected character '%s'", ch);
  else
    msg = g_strdup_printf ("unexpected character %s (U+%04X)", ch, c);
  return lex_fail (lx, lx->pos, error, msg);
}

static gboolean
lex_value (lexer_t *lx, gboolean *value_done, GError **error)
{
  const pb_src_t *s = lx->s;
  char c = s->text[lx->pos];
  guint32 start = lx->pos;
  gboolean ok;
  *value_done = FALSE;
  switch (c)
    {
    case '{':
    case '[':
      if (lx->stack->len >= PB_JSON_MAX_DEPTH)
        {
          lx->hard = TRUE;
          pb_set_error_at (error, PB_ERROR_INVALID, pb_src_loc (s, lx->pos),
                           "nesting deeper than %d levels", PB_JSON_MAX_DEPTH);
          return FALSE;
        }
      if (++lx->containers > PB_JSON_MAX_CONTAINERS)
        return lex_too_many (lx, start, error, "objects and arrays", PB_JSON_MAX_CONTAINERS);
      g_array_append_val (lx->stack, start);
      lx->pos++;
      return TRUE;
    case ':':
    case ',':
      if (lx->stack->len == 0)
        return lex_fail (lx, lx->pos, error, "unexpected punctuation outside an object or array");
      lx->pos++;
      return TRUE;
    case '}':
    case ']':
      if (lx->last && s->text[lx->last - 1] == ',')
        return lex_fail (lx, lx->last - 1, error, c == ']'
                         ? "trailing comma: JSON allows no ',' after the last element of an "
                           "array"
                         : "trailing comma: JSON allows no ',' after the last member of an "
                           "object");
      ok = lex_close (lx, c, &start, error);
      break;
    case '"':
      ok = lex_string (lx, error);
      break;
    case 't':
    case 'f':
    case 'n':
      ok = lex_word (lx, error);
      break;
    default:
      if (c == '-' || g_ascii_isdigit (c))
        ok = lex_number (lx, error);
      else
        ok = lex_unexpected (lx, error);
    }
  if (ok && lx->spans->len >= PB_JSON_MAX_VALUES)
    return lex_too_many (lx, start, error, "values (keys counted)", PB_JSON_MAX_VALUES);
  if (ok)
    {
      span_t sp = { start, (guint32) lx->pos };
      g_array_append_val (lx->spans, sp);
      *value_done = lx->stack->len == 0;
    }
  return ok;
}

/* After a lexical error: whether json-glib may still parse the text (to give its own
 * message) without recursing too deep. Counts every bracket, in strings or not. */
static gboolean
lex_rest_shallow (const lexer_t *lx)
{
  gsize depth = lx->stack->len;
  for (gsize i = lx->pos; i < lx->s->len; i++)
    {
      char c = lx->s->text[i];
      if (c == '[' || c == '{')
        {
          if (++depth > PB_JSON_MAX_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean
lex_json (pb_json_doc_t *d, gboolean *safe, GError **error)
{
  lexer_t lx = { &d->src, d->spans, g_array_new (FALSE, FALSE, sizeof (guint32)), 0, 0, 0,
                 FALSE };
  gboolean root_done = FALSE, ok = TRUE;
  while (ok && lx.pos < d->src.len)
    {
      char c = d->src.text[lx.pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        lx.pos++;
      else if (root_done)
        ok = lex_fail (&lx, lx.pos, error, "unexpected text after the top-level value");
      else
        {
          gsize at = lx.pos;
          ok = lex_value (&lx, &root_done, error);
          lx.last = at + 1;
        }
    }
  if (ok && lx.stack->len > 0)
    ok = lex_fail (&lx, g_array_index (lx.stack, guint32, lx.stack->len - 1), error,
                   "unclosed bracket");
  else if (ok && !root_done)
    ok = lex_fail (&lx, 0, error, "no JSON value in the file");
  *safe = ok || (!lx.hard && lex_rest_shallow (&lx));
  g_array_unref (lx.stack);
  return ok;
}

/* json-glib quotes the offending token cut at a byte count, which can split a character:
 * messages must stay UTF-8, so each invalid sequence becomes "…". */
static char *
utf8_or_ellipsis (const char *s)
{
  GString *out = g_string_new (NULL);
  const char *end;
  while (!g_utf8_validate (s, -1, &end))
    {
      g_string_append_len (out, s, end - s);
      g_string_append (out, "…");
      s = end + 1;
      while (((guchar) *s & 0xc0) == 0x80)
        s++;
    }
  g_string_append (out, s);
  return g_string_free (out, FALSE);
}

/* json-glib says "<data>:LINE:BYTECOL: Parse error: …"; make it FILE:LINE:COL: like ours. */
static void
set_parser_error (const pb_json_doc_t *d, const GError *gerr, GError **error)
{
  g_autofree char *clean = utf8_or_ellipsis (gerr->message);
  const char *m = clean, *prefix = "<data>:";
  unsigned line = 0, col = 0;
  int n = 0;
  if (g_str_has_prefix (m, prefix)
      && sscanf (m + strlen (prefix), "%u:%u: %n", &line, &col, &n) == 2 && n > 0
      && line >= 1 && line <= d->src.lines->len)
    {
      gsize off = pb_src_line_start (&d->src, line - 1) + (col > 0 ? col - 1 : 0);
      pb_set_error_at (error, PB_ERROR_SYNTAX, pb_src_loc (&d->src, off), "%s",
                       m + strlen (prefix) + n);
    }
  else
    pb_set_error_at (error, PB_ERROR_SYNTAX, pb_file_loc (d->src.file), "%s", m);
}

static const span_t *
span_ending_by (const pb_json_doc_t *d, gsize end)
{
  guint lo = 0, hi = d->spans->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (d->spans, span_t, mid).end <= end)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo ? &g_array_index (d->spans, span_t, lo - 1) : NULL;
}

static const span_t *
node_span (const pb_json_doc_t *d, JsonNode *node)
{
  gpointer end;
  if (node && g_hash_table_lookup_extended (d->ends, node, NULL, &end))
    return span_ending_by (d, GPOINTER_TO_SIZE (end));
  if (node && d->parser && node == json_parser_get_root (d->parser) && d->spans->len)
    return &g_array_index (d->spans, span_t, d->spans->len - 1);
  return NULL;
}

pb_loc_t
pb_json_node_loc (const pb_json_doc_t *d, JsonNode *node)
{
  const span_t *sp = node_span (d, node);
  return sp ? pb_src_loc (&d->src, sp->start) : pb_file_loc (d->src.file);
}

pb_loc_t
pb_json_key_loc (const pb_json_doc_t *d, JsonNode *value)
{
  const span_t *sp = node_span (d, value);
  const span_t *key = sp ? span_ending_by (d, sp->start) : NULL;
  return key ? pb_src_loc (&d->src, key->start) : pb_json_node_loc (d, value);
}

gboolean
pb_json_size_ok (const char *file, gsize len, GError **error)
{
  if (len <= PB_JSON_MAX_BYTES)
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, pb_file_loc (file), "larger than %d MiB",
                   PB_JSON_MAX_BYTES / PB_MIB);
  return FALSE;
}

gboolean
pb_json_doc_parse (pb_json_doc_t *d, const char *file, const char *text, gsize len,
                   GPtrArray *warnings, GError **error)
{
  memset (d, 0, sizeof *d);
  pb_strip_bom (&text, &len);
  pb_src_init (&d->src, file, text, len);
  d->warnings = warnings;
  d->ends = g_hash_table_new (NULL, NULL);
  d->members = g_hash_table_new (NULL, NULL);
  d->spans = g_array_new (FALSE, FALSE, sizeof (span_t));
  if (!pb_json_size_ok (file, len, error) || !pb_src_check_utf8 (&d->src, error))
    return FALSE;

  g_autoptr (GError) lex_error = NULL;
  gboolean safe;
  if (!lex_json (d, &safe, &lex_error) && !safe)
    {
      g_propagate_error (error, g_steal_pointer (&lex_error));
      return FALSE;
    }
  d->parser = json_parser_new ();
  g_signal_connect (d->parser, "object-member", G_CALLBACK (on_object_member), d);
  g_signal_connect (d->parser, "array-element", G_CALLBACK (on_array_element), d);
  g_signal_connect (d->parser, "object-end", G_CALLBACK (on_object_end), d);
  g_autoptr (GError) parse_error = NULL;
  if (!json_parser_load_from_data (d->parser, text, len, &parse_error))
    {
      /* Of the two, the error nearer the start; at the same place ours, which names the
       * character and says what JSON wants. */
      g_autoptr (GError) parser_error = NULL;
      set_parser_error (d, parse_error, &parser_error);
      if (lex_error && !pb_error_before (parser_error, lex_error))
        g_propagate_error (error, g_steal_pointer (&lex_error));
      else
        g_propagate_error (error, g_steal_pointer (&parser_error));
      return FALSE;
    }
  if (lex_error)
    {
      g_propagate_error (error, g_steal_pointer (&lex_error));
      return FALSE;
    }
  if (d->dup_node)
    {
      pb_set_error_at (error, PB_ERROR_DUPLICATE, pb_json_key_loc (d, d->dup_node),
                       "duplicate key \"%s\"", d->dup_name);
      return FALSE;
    }
  return TRUE;
}

JsonNode *
pb_json_doc_root (const pb_json_doc_t *d)
{
  return json_parser_get_root (d->parser);
}

/* ---- Typed access to JSON objects ---- */

static const char *
json_kind (JsonNode *n)
{
  switch (JSON_NODE_TYPE (n))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
    default:
      break;
    }
  GType t = json_node_get_value_type (n);
  if (t == G_TYPE_STRING)
    return "a string";
  if (t == G_TYPE_BOOLEAN)
    return "a boolean";
  return "a number";
}

static gboolean
in_list (const char *const *list, const char *s)
{
  for (; *list; list++)
    if (strcmp (*list, s) == 0)
      return TRUE;
  return FALSE;
}

gboolean
pb_json_open_object (pb_json_doc_t *d, JsonNode *node, const char *what, const char *kind,
                     const char *const *keys, pb_json_obj_t *o, GError **error)
{
  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (d, node),
                       "%s must be an object%s%s", what, node ? ", not " : "",
                       node ? json_kind (node) : "");
      return FALSE;
    }
  *o = (pb_json_obj_t) { d, node, json_node_get_object (node), what };
  if (!keys)
    return TRUE;
  GList *names = json_object_get_members (o->obj);
  for (GList *l = names; l; l = l->next)
    if (!in_list (keys, l->data))
      pb_add_warning (d->warnings, pb_json_key_loc (d, json_object_get_member (o->obj, l->data)),
                      "unknown key \"%s\" in %s", (const char *) l->data, kind);
  g_list_free (names);
  return TRUE;
}

JsonNode *
pb_json_member (const pb_json_obj_t *o, const char *key)
{
  JsonNode *n = json_object_get_member (o->obj, key);
  return n && !JSON_NODE_HOLDS_NULL (n) ? n : NULL;
}

gboolean
pb_json_missing (const pb_json_obj_t *o, const char *key, GError **error)
{
  JsonNode *null = json_object_get_member (o->obj, key);
  if (null)
    pb_set_error_at (error, PB_ERROR_MISSING_KEY, pb_json_node_loc (o->d, null),
                     "%s: \"%s\" must not be null", o->what, key);
  else
    pb_set_error_at (error, PB_ERROR_MISSING_KEY, pb_json_node_loc (o->d, o->node),
                     "%s: missing required key \"%s\"", o->what, key);
  return FALSE;
}

gboolean
pb_json_wrong_type (const pb_json_obj_t *o, const char *key, JsonNode *n, const char *expected,
                    GError **error)
{
  pb_set_error_at (error, PB_ERROR_WRONG_TYPE, pb_json_node_loc (o->d, n),
                   "%s: \"%s\" must be %s, not %s", o->what, key, expected, json_kind (n));
  return FALSE;
}

gboolean
pb_json_is_string (JsonNode *n)
{
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING;
}

static gboolean
is_blank (const char *s)
{
  for (; *s; s = g_utf8_next_char (s))
    if (!g_unichar_isspace (g_utf8_get_char (s)))
      return FALSE;
  return TRUE;
}

gboolean
pb_json_get_string (const pb_json_obj_t *o, const char *key, gboolean required, char **out,
                    GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  *out = NULL;
  if (!n)
    return required ? pb_json_missing (o, key, error) : TRUE;
  if (!pb_json_is_string (n))
    return pb_json_wrong_type (o, key, n, "a string", error);
  const char *s = json_node_get_string (n);
  if (is_blank (s))
    {
      if (!required)
        return TRUE;
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                       "%s: \"%s\" must not be empty", o->what, key);
      return FALSE;
    }
  *out = g_strdup (s);
  return TRUE;
}

gboolean
pb_json_number (const pb_json_doc_t *d, JsonNode *n, double *out)
{
  if (!JSON_NODE_HOLDS_VALUE (n))
    return FALSE;
  GType t = json_node_get_value_type (n);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return FALSE;
  const span_t *sp = node_span (d, n);
  const char *text = sp ? d->src.text + sp->start : NULL;
  if (text && (*text == '-' || g_ascii_isdigit (*text)))
    {
      g_autofree char *num = g_strndup (text, sp->end - sp->start);
      *out = g_ascii_strtod (num, NULL);
    }
  else
    *out = json_node_get_double (n);
  return TRUE;
}

gboolean
pb_json_get_int (const pb_json_obj_t *o, const char *key, gboolean required, int min, int max,
                 int def, const char *hint, int *out, GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  double v;
  *out = def;
  if (!n)
    return required ? pb_json_missing (o, key, error) : TRUE;
  if (!pb_json_number (o->d, n, &v))
    return pb_json_wrong_type (o, key, n, "an integer", error);
  if (v == floor (v) && v >= min && v <= max)
    {
      *out = (int) v;
      return TRUE;
    }
  g_autofree char *range = max == G_MAXINT ? g_strdup_printf ("≥ %d", min)
                                           : g_strdup_printf ("from %d to %d", min, max);
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                   "%s: \"%s\" must be an integer %s%s%s%s", o->what, key, range,
                   hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
  return FALSE;
}

gboolean
pb_json_get_bool (const pb_json_obj_t *o, const char *key, gboolean def, gboolean *out,
                  GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  *out = def;
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return pb_json_wrong_type (o, key, n, "true or false", error);
  *out = json_node_get_boolean (n);
  return TRUE;
}

static gboolean
length_error (const pb_json_obj_t *o, const char *key, JsonNode *n, const char *msg,
              GError **error)
{
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n), "%s: \"%s\" %s", o->what,
                   key, msg);
  return FALSE;
}

gboolean
pb_json_get_length (const pb_json_obj_t *o, const char *key, gboolean required, double em,
                    pb_len_range_t range, double def, double *out, GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  double v;
  *out = def;
  if (!n)
    return required ? pb_json_missing (o, key, error) : TRUE;
  if (pb_json_is_string (n))
    {
      const char *s = json_node_get_string (n);
      if (!pb_parse_length (s, em, &v))
        {
          if (em <= 0 && (g_str_has_suffix (s, "字") || g_str_has_suffix (s, "em")))
            return length_error (o, key, n, "cannot be given in 字 or em", error);
          g_autofree char *msg = g_strdup_printf (
            "\"%s\" is not a length: use a number of points or a string such as \"12pt\", "
            "\"3mm\", \"1.2cm\", \"0.5in\", \"2字\", \"2em\" or a size name such as "
            "\"小五\"", s);
          return length_error (o, key, n, msg, error);
        }
    }
  else if (!pb_json_number (o->d, n, &v))
    return pb_json_wrong_type (o, key, n, "a length (a number or a string)", error);
  if (!isfinite (v) || fabs (v) > PB_MAX_LENGTH_PT)
    return length_error (o, key, n, "is too large (the limit is "
                         G_STRINGIFY (PB_MAX_LENGTH_IN) "in)", error);
  if (range == PB_LEN_TYPE && !(v >= PB_MIN_TYPE_PT))
    {
      g_autofree char *msg = g_strdup_printf ("must be at least %gpt", PB_MIN_TYPE_PT);
      return length_error (o, key, n, msg, error);
    }
  if (range == PB_LEN_POSITIVE && !(v > 0))
    return length_error (o, key, n, "must be greater than zero", error);
  if (range == PB_LEN_NONNEG && v < 0)
    return length_error (o, key, n, "must not be negative", error);
  *out = v;
  return TRUE;
}

gboolean
pb_json_get_array (const pb_json_obj_t *o, const char *key, gboolean required, JsonNode **out,
                   GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  *out = NULL;
  if (!n)
    return required ? pb_json_missing (o, key, error) : TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return pb_json_wrong_type (o, key, n, "an array", error);
  *out = n;
  return TRUE;
}

gboolean
pb_json_get_object (const pb_json_obj_t *o, const char *key, gboolean required, const char *kind,
                    const char *const *keys, pb_json_obj_t *out, GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  out->node = NULL;
  if (!n)
    return required ? pb_json_missing (o, key, error) : TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return pb_json_wrong_type (o, key, n, "an object", error);
  return pb_json_open_object (o->d, n, o->what, kind, keys, out, error);
}

gboolean
pb_json_each_member (const pb_json_obj_t *o, const char *key, const char *kind,
                     pb_json_member_fn each, gpointer data, GError **error)
{
  pb_json_obj_t members;
  if (!pb_json_get_object (o, key, FALSE, kind, NULL, &members, error))
    return FALSE;
  if (!members.node)
    return TRUE;
  GList *names = json_object_get_members (members.obj);
  gboolean ok = TRUE;
  for (GList *i = names; ok && i; i = i->next)
    ok = each (&members, i->data, data, error);
  g_list_free (names);
  return ok;
}

JsonNode *
pb_json_element (JsonNode *array, guint i)
{
  return json_array_get_element (json_node_get_array (array), i);
}

guint
pb_json_array_length (JsonNode *array)
{
  return json_array_get_length (json_node_get_array (array));
}

