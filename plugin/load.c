/* The issue loader: issue and template JSON (json-glib) and Markdown bodies (md4c) into
 * the model of model.h. Every complaint names file:line:col of the value at fault.
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
#include "config.h"
#include "model.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <md4c.h>

#define MiB (1024 * 1024)
#define MAX_INPUT_BYTES (16 * MiB)
#define MAX_BODY_BYTES (2 * MiB)
#define MAX_PAGES 500
#define MAX_ITEMS 2000
#define MAX_STORIES 10000
#define MAX_DEPTH 64
#define MAX_PAGE_NUMBER 9999
#define MAX_LENGTH_PT 14400.0 /* 200 in, the largest PDF page */
#define MAX_COLUMNS 20
#define MIN_TYPE_PT 1.0

/* ---- Source text and positions ---- */

typedef struct {
  const char *file;
  const char *text;
  gsize len;
  GArray *lines; /* guint32 byte offsets of the line starts */
} src_t;

static void
src_init (src_t *s, const char *file, const char *text, gsize len)
{
  s->file = file;
  s->text = text;
  s->len = len;
  s->lines = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 start = 0;
  g_array_append_val (s->lines, start);
  for (gsize i = 0; i < len; i++)
    if (text[i] == '\n')
      {
        start = i + 1;
        g_array_append_val (s->lines, start);
      }
}

static void
src_clear (src_t *s)
{
  g_clear_pointer (&s->lines, g_array_unref);
}

static gsize
line_start (const src_t *s, guint index)
{
  return g_array_index (s->lines, guint32, index);
}

static guint
line_index (const src_t *s, gsize off)
{
  guint lo = 0, hi = s->lines->len;
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;
      if (line_start (s, mid) <= off)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static pb_loc_t
src_loc (const src_t *s, gsize off)
{
  if (off > s->len)
    off = s->len;
  guint li = line_index (s, off);
  pb_loc_t loc = { s->file, (int) li + 1, 1 };
  for (gsize i = line_start (s, li); i < off; i++)
    if (((guchar) s->text[i] & 0xc0) != 0x80)
      loc.col++;
  return loc;
}

static pb_loc_t
file_loc (const char *file)
{
  return (pb_loc_t) { file, 0, 0 };
}

static void
strip_bom (const char **text, gsize *len)
{
  if (*len >= 3 && memcmp (*text, "\xef\xbb\xbf", 3) == 0)
    {
      *text += 3;
      *len -= 3;
    }
}

static gboolean
check_utf8 (const src_t *s, GError **error)
{
  const char *end;
  if (g_utf8_validate (s->text, s->len, &end))
    return TRUE;
  pb_loc_t at = src_loc (s, end - s->text);
  if (*end == '\0')
    pb_set_error_at (error, PB_ERROR_SYNTAX, at, "NUL byte in the text");
  else
    pb_set_error_at (error, PB_ERROR_SYNTAX, at, "invalid UTF-8 (byte 0x%02x)", (guchar) *end);
  return FALSE;
}

static void add_warning (GPtrArray *warnings, pb_loc_t loc, const char *fmt, ...)
  G_GNUC_PRINTF (3, 4);

static void
add_warning (GPtrArray *warnings, pb_loc_t loc, const char *fmt, ...)
{
  if (!warnings)
    return;
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  if (loc.line > 0)
    g_ptr_array_add (warnings, g_strdup_printf ("%s:%d:%d: %s", loc.file, loc.line, loc.col, msg));
  else
    g_ptr_array_add (warnings, g_strdup_printf ("%s: %s", loc.file, msg));
}

/* ---- Files ---- */

/* Reads a whole regular file, refusing it up front when larger than `limit`. Errors point at
 * `at` (the JSON value naming the file) and start with `what` when given. */
static gboolean
read_file (const char *path, gsize limit, pb_loc_t at, const char *what,
           char **out, gsize *out_len, GError **error)
{
  g_autofree char *prefix = what ? g_strdup_printf ("%s: ", what) : g_strdup ("");
  /* O_NONBLOCK: a FIFO given as the issue must not hang us; fstat then refuses it. */
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int e = errno;
      pb_set_error_at (error, PB_ERROR_IO, at, "%scannot open \"%s\": %s", prefix, path,
                       g_strerror (e));
      return FALSE;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      pb_set_error_at (error, PB_ERROR_IO, at, "%s\"%s\" is not a regular file", prefix, path);
      return FALSE;
    }
  if ((guint64) st.st_size > limit)
    {
      close (fd);
      pb_set_error_at (error, PB_ERROR_INVALID, at, "%s\"%s\" is larger than %" G_GSIZE_FORMAT
                       " MiB", prefix, path, limit / MiB);
      return FALSE;
    }
  gsize cap = st.st_size, n = 0;
  char *buf = g_malloc (cap + 1);
  while (n < cap)
    {
      ssize_t r = read (fd, buf + n, cap - n);
      if (r < 0 && errno == EINTR)
        continue;
      if (r < 0)
        {
          int e = errno;
          close (fd);
          g_free (buf);
          pb_set_error_at (error, PB_ERROR_IO, at, "%scannot read \"%s\": %s", prefix, path,
                           g_strerror (e));
          return FALSE;
        }
      if (r == 0)
        break;
      n += r;
    }
  close (fd);
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  return TRUE;
}

static char *
join_path (const char *dir, const char *rel)
{
  if (!dir || !*dir || strcmp (dir, ".") == 0)
    return g_strdup (rel);
  return g_build_filename (dir, rel, NULL);
}

static gboolean
has_dotdot (const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (strcmp (parts[i], "..") == 0)
      return TRUE;
  return FALSE;
}

static gboolean
path_inside (const char *dir, const char *path)
{
  gsize n = strlen (dir);
  if (n == 1 && dir[0] == '/')
    return TRUE;
  return strncmp (dir, path, n) == 0 && path[n] == '/';
}

/* ---- JSON documents ---- */

typedef struct {
  guint32 start, end;
} span_t;

typedef struct {
  src_t src;
  JsonParser *parser;
  GHashTable *ends;    /* JsonNode* -> 1 + byte offset of the last character consumed */
  GArray *spans;       /* span_t of every value, in the order the values end */
  GHashTable *members; /* "object/name" pairs seen, to find duplicate keys */
  JsonNode *dup_node;
  char *dup_name;
  GPtrArray *warnings; /* borrowed; NULL drops warnings */
} jdoc_t;

static void
jdoc_clear (jdoc_t *d)
{
  src_clear (&d->src);
  g_clear_object (&d->parser);
  g_clear_pointer (&d->ends, g_hash_table_unref);
  g_clear_pointer (&d->members, g_hash_table_unref);
  g_clear_pointer (&d->spans, g_array_unref);
  g_clear_pointer (&d->dup_name, g_free);
}

static void
note_end (jdoc_t *d, JsonNode *node)
{
  guint line = json_parser_get_current_line (d->parser);
  guint pos = json_parser_get_current_pos (d->parser);
  if (!node || line == 0 || line > d->src.lines->len)
    return;
  gsize off = line_start (&d->src, line - 1) + (pos > 0 ? pos - 1 : 0);
  g_hash_table_insert (d->ends, node, GSIZE_TO_POINTER (MIN (off, d->src.len) + 1));
}

static void
on_object_member (JsonParser *parser, JsonObject *object, const char *name, gpointer data)
{
  jdoc_t *d = data;
  JsonNode *node = json_object_get_member (object, name);
  note_end (d, node);
  /* json-glib keeps the last of duplicate keys silently; we refuse them. */
  if (!g_hash_table_add (d->members, g_strdup_printf ("%p/%s", (void *) object, name))
      && !d->dup_node)
    {
      d->dup_node = node;
      d->dup_name = g_strdup (name);
    }
}

static void
on_array_element (JsonParser *parser, JsonArray *array, int index, gpointer data)
{
  note_end (data, json_array_get_element (array, index));
}

typedef struct {
  const src_t *s;
  GArray *spans;
  GArray *stack; /* guint32 offsets of the open brackets */
  gsize pos;
  gboolean hard; /* the failure makes handing the text to json-glib unsafe */
} lexer_t;

static gboolean
lex_fail (lexer_t *lx, gsize at, GError **error, const char *msg)
{
  pb_set_error_at (error, PB_ERROR_SYNTAX, src_loc (lx->s, at), "%s", msg);
  return FALSE;
}

static gboolean
is_delim (char c)
{
  return c == '\0' || strchr (" \t\r\n,:]}", c) != NULL;
}

/* The 4 hex digits after "\u" at `p`; -1 when they are not there. */
static int
hex4_at (const src_t *s, gsize p)
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
  const src_t *s = lx->s;
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

static gboolean
lex_value (lexer_t *lx, gboolean *value_done, GError **error)
{
  const src_t *s = lx->s;
  char c = s->text[lx->pos];
  guint32 start = lx->pos;
  gboolean ok;
  *value_done = FALSE;
  switch (c)
    {
    case '{':
    case '[':
      if (lx->stack->len >= MAX_DEPTH)
        {
          lx->hard = TRUE;
          pb_set_error_at (error, PB_ERROR_INVALID, src_loc (s, lx->pos),
                           "nesting deeper than %d levels", MAX_DEPTH);
          return FALSE;
        }
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
        ok = lex_fail (lx, lx->pos, error, "unexpected character");
    }
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
          if (++depth > MAX_DEPTH)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  return TRUE;
}

static gboolean
lex_json (jdoc_t *d, gboolean *safe, GError **error)
{
  lexer_t lx = { &d->src, d->spans, g_array_new (FALSE, FALSE, sizeof (guint32)), 0, FALSE };
  gboolean root_done = FALSE, ok = TRUE;
  while (ok && lx.pos < d->src.len)
    {
      char c = d->src.text[lx.pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        lx.pos++;
      else if (root_done)
        ok = lex_fail (&lx, lx.pos, error, "unexpected text after the top-level value");
      else
        ok = lex_value (&lx, &root_done, error);
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
set_parser_error (const jdoc_t *d, const GError *gerr, GError **error)
{
  g_autofree char *clean = utf8_or_ellipsis (gerr->message);
  const char *m = clean, *prefix = "<data>:";
  unsigned line = 0, col = 0;
  int n = 0;
  if (g_str_has_prefix (m, prefix)
      && sscanf (m + strlen (prefix), "%u:%u: %n", &line, &col, &n) == 2 && n > 0
      && line >= 1 && line <= d->src.lines->len)
    {
      gsize off = line_start (&d->src, line - 1) + (col > 0 ? col - 1 : 0);
      pb_set_error_at (error, PB_ERROR_SYNTAX, src_loc (&d->src, off), "%s",
                       m + strlen (prefix) + n);
    }
  else
    pb_set_error_at (error, PB_ERROR_SYNTAX, file_loc (d->src.file), "%s", m);
}

static const span_t *
span_ending_by (const jdoc_t *d, gsize end)
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
node_span (const jdoc_t *d, JsonNode *node)
{
  gpointer end;
  if (node && g_hash_table_lookup_extended (d->ends, node, NULL, &end))
    return span_ending_by (d, GPOINTER_TO_SIZE (end));
  if (node && d->parser && node == json_parser_get_root (d->parser) && d->spans->len)
    return &g_array_index (d->spans, span_t, d->spans->len - 1);
  return NULL;
}

static pb_loc_t
node_loc (const jdoc_t *d, JsonNode *node)
{
  const span_t *sp = node_span (d, node);
  return sp ? src_loc (&d->src, sp->start) : file_loc (d->src.file);
}

static pb_loc_t
key_loc (const jdoc_t *d, JsonNode *value)
{
  const span_t *sp = node_span (d, value);
  const span_t *key = sp ? span_ending_by (d, sp->start) : NULL;
  return key ? src_loc (&d->src, key->start) : node_loc (d, value);
}

static gboolean
jdoc_parse (jdoc_t *d, const char *file, const char *text, gsize len, GPtrArray *warnings,
            GError **error)
{
  memset (d, 0, sizeof *d);
  strip_bom (&text, &len);
  src_init (&d->src, file, text, len);
  d->warnings = warnings;
  d->ends = g_hash_table_new (NULL, NULL);
  d->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  d->spans = g_array_new (FALSE, FALSE, sizeof (span_t));
  if (len > MAX_INPUT_BYTES)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, file_loc (file), "larger than %d MiB",
                       MAX_INPUT_BYTES / MiB);
      return FALSE;
    }
  if (!check_utf8 (&d->src, error))
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
  g_autoptr (GError) parse_error = NULL;
  if (!json_parser_load_from_data (d->parser, text, len, &parse_error))
    {
      set_parser_error (d, parse_error, error);
      return FALSE;
    }
  if (lex_error)
    {
      g_propagate_error (error, g_steal_pointer (&lex_error));
      return FALSE;
    }
  if (d->dup_node)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, key_loc (d, d->dup_node),
                       "duplicate key \"%s\"", d->dup_name);
      return FALSE;
    }
  return TRUE;
}

/* ---- Typed access to JSON objects ---- */

typedef struct {
  jdoc_t *d;
  JsonNode *node;
  JsonObject *obj;
  const char *what; /* names the object in messages: story "lead" */
} obj_t;

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

/* `keys` lists the known keys (NULL: any key); others get a warning naming `kind`. */
static gboolean
open_object (jdoc_t *d, JsonNode *node, const char *what, const char *kind,
             const char *const *keys, obj_t *o, GError **error)
{
  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (d, node), "%s must be an object%s%s",
                       what, node ? ", not " : "", node ? json_kind (node) : "");
      return FALSE;
    }
  *o = (obj_t) { d, node, json_node_get_object (node), what };
  if (!keys)
    return TRUE;
  GList *names = json_object_get_members (o->obj);
  for (GList *l = names; l; l = l->next)
    if (!in_list (keys, l->data))
      add_warning (d->warnings, key_loc (d, json_object_get_member (o->obj, l->data)),
                   "unknown key \"%s\" in %s", (const char *) l->data, kind);
  g_list_free (names);
  return TRUE;
}

/* JSON null counts as absent. */
static JsonNode *
member (const obj_t *o, const char *key)
{
  JsonNode *n = json_object_get_member (o->obj, key);
  return n && !JSON_NODE_HOLDS_NULL (n) ? n : NULL;
}

static gboolean
missing (const obj_t *o, const char *key, GError **error)
{
  JsonNode *null = json_object_get_member (o->obj, key);
  if (null)
    pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, null),
                     "%s: \"%s\" must not be null", o->what, key);
  else
    pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, o->node),
                     "%s: missing required key \"%s\"", o->what, key);
  return FALSE;
}

static gboolean
wrong_type (const obj_t *o, const char *key, JsonNode *n, const char *expected, GError **error)
{
  pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n), "%s: \"%s\" must be %s, not %s",
                   o->what, key, expected, json_kind (n));
  return FALSE;
}

static gboolean
is_string (JsonNode *n)
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

/* Optional strings that are empty come back as NULL; required ones must not be blank. */
static gboolean
get_string (const obj_t *o, const char *key, gboolean required, char **out, GError **error)
{
  JsonNode *n = member (o, key);
  *out = NULL;
  if (!n)
    return required ? missing (o, key, error) : TRUE;
  if (!is_string (n))
    return wrong_type (o, key, n, "a string", error);
  const char *s = json_node_get_string (n);
  if (is_blank (s))
    {
      if (!required)
        return TRUE;
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                       "%s: \"%s\" must not be empty", o->what, key);
      return FALSE;
    }
  *out = g_strdup (s);
  return TRUE;
}

/* Numbers are read from the source text: json-glib wraps integers beyond 64 bits. */
static gboolean
node_number (const jdoc_t *d, JsonNode *n, double *out)
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

static gboolean
get_int (const obj_t *o, const char *key, gboolean required, int min, int max, int def,
         const char *hint, int *out, GError **error)
{
  JsonNode *n = member (o, key);
  double v;
  *out = def;
  if (!n)
    return required ? missing (o, key, error) : TRUE;
  if (!node_number (o->d, n, &v))
    return wrong_type (o, key, n, "an integer", error);
  if (v == floor (v) && v >= min && v <= max)
    {
      *out = (int) v;
      return TRUE;
    }
  g_autofree char *range = max == G_MAXINT ? g_strdup_printf ("≥ %d", min)
                                           : g_strdup_printf ("from %d to %d", min, max);
  pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                   "%s: \"%s\" must be an integer %s%s%s%s", o->what, key, range,
                   hint ? " (" : "", hint ? hint : "", hint ? ")" : "");
  return FALSE;
}

static gboolean
get_bool (const obj_t *o, const char *key, gboolean def, gboolean *out, GError **error)
{
  JsonNode *n = member (o, key);
  *out = def;
  if (!n)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return wrong_type (o, key, n, "true or false", error);
  *out = json_node_get_boolean (n);
  return TRUE;
}

/* LEN_TYPE: a type size, at least MIN_TYPE_PT. Smaller sizes are no type, and they make
 * the grid (leading ≥ body size) or a headline's line count overflow an int. */
typedef enum { LEN_NONNEG, LEN_POSITIVE, LEN_TYPE } len_range_t;

static gboolean
length_error (const obj_t *o, const char *key, JsonNode *n, const char *msg, GError **error)
{
  pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n), "%s: \"%s\" %s", o->what, key,
                   msg);
  return FALSE;
}

/* `em` is the template's body size; em ≤ 0 where 字/em cannot be used (body_size). */
static gboolean
get_length (const obj_t *o, const char *key, gboolean required, double em, len_range_t range,
            double def, double *out, GError **error)
{
  JsonNode *n = member (o, key);
  double v;
  *out = def;
  if (!n)
    return required ? missing (o, key, error) : TRUE;
  if (is_string (n))
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
  else if (!node_number (o->d, n, &v))
    return wrong_type (o, key, n, "a length (a number or a string)", error);
  if (!isfinite (v) || fabs (v) > MAX_LENGTH_PT)
    return length_error (o, key, n, "is too large (the limit is 200in)", error);
  if (range == LEN_TYPE && !(v >= MIN_TYPE_PT))
    return length_error (o, key, n, "must be at least 1pt", error);
  if (range == LEN_POSITIVE && !(v > 0))
    return length_error (o, key, n, "must be greater than zero", error);
  if (range == LEN_NONNEG && v < 0)
    return length_error (o, key, n, "must not be negative", error);
  *out = v;
  return TRUE;
}

static gboolean
get_array (const obj_t *o, const char *key, gboolean required, JsonNode **out, GError **error)
{
  JsonNode *n = member (o, key);
  *out = NULL;
  if (!n)
    return required ? missing (o, key, error) : TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (n))
    return wrong_type (o, key, n, "an array", error);
  *out = n;
  return TRUE;
}

static gboolean
get_object (const obj_t *o, const char *key, gboolean required, const char *kind,
            const char *const *keys, obj_t *out, GError **error)
{
  JsonNode *n = member (o, key);
  out->node = NULL;
  if (!n)
    return required ? missing (o, key, error) : TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return wrong_type (o, key, n, "an object", error);
  return open_object (o->d, n, o->what, kind, keys, out, error);
}

static JsonNode *
element (JsonNode *array, guint i)
{
  return json_array_get_element (json_node_get_array (array), i);
}

static guint
length_of (JsonNode *array)
{
  return json_array_get_length (json_node_get_array (array));
}

/* ---- Freeing ---- */

static void
block_free (gpointer p)
{
  pb_block_t *b = p;
  g_free (b->text);
  if (b->spans)
    g_array_unref (b->spans);
  if (b->origins)
    g_array_unref (b->origins);
  g_free (b);
}

static void
photo_free (gpointer p)
{
  pb_photo_t *ph = p;
  g_free (ph->file);
  g_free (ph->caption);
  g_free (ph->credit);
  g_free (ph);
}

static void
story_free (gpointer p)
{
  pb_story_t *s = p;
  g_free (s->id);
  g_free (s->kicker);
  g_free (s->headline);
  g_free (s->subtitle);
  g_free (s->dateline);
  g_free (s->author);
  g_clear_pointer (&s->blocks, g_ptr_array_unref);
  g_clear_pointer (&s->photos, g_ptr_array_unref);
  g_free (s);
}

static void
guide_entry_free (gpointer p)
{
  pb_guide_entry_t *e = p;
  g_free (e->story_id);
  g_free (e->title);
  g_free (e);
}

static void
item_free (gpointer p)
{
  pb_item_t *it = p;
  g_free (it->story_id);
  g_free (it->guide_title);
  g_clear_pointer (&it->guide_entries, g_ptr_array_unref);
  g_free (it);
}

static void
credit_free (gpointer p)
{
  pb_credit_t *c = p;
  g_free (c->key);
  g_free (c->value);
  g_free (c);
}

static void
page_free (gpointer p)
{
  pb_page_t *pg = p;
  g_free (pg->section);
  g_clear_pointer (&pg->credits, g_ptr_array_unref);
  g_clear_pointer (&pg->story_ids, g_ptr_array_unref);
  g_clear_pointer (&pg->items, g_ptr_array_unref);
  g_free (pg);
}

void
pb_template_free (pb_template_t *tmpl)
{
  if (!tmpl)
    return;
  g_free (tmpl->name);
  g_free (tmpl->path);
  for (int r = 0; r < PB_ROLE_COUNT; r++)
    g_free (tmpl->styles[r].font);
  g_free (tmpl);
}

void
pb_issue_free (pb_issue_t *issue)
{
  if (!issue)
    return;
  g_free (issue->path);
  g_free (issue->dir);
  g_free (issue->paper);
  g_free (issue->paper_en);
  g_free (issue->date);
  g_clear_pointer (&issue->masthead_lines, g_ptr_array_unref);
  g_clear_pointer (&issue->story_by_id, g_hash_table_unref);
  g_clear_pointer (&issue->stories, g_ptr_array_unref);
  g_clear_pointer (&issue->pages, g_ptr_array_unref);
  g_clear_pointer (&issue->templates, g_ptr_array_unref);
  g_clear_pointer (&issue->files, g_ptr_array_unref);
  g_clear_pointer (&issue->warnings, g_ptr_array_unref);
  g_free (issue);
}

/* ---- Templates ---- */

int
pb_page_head_lines (const pb_page_t *page)
{
  const pb_template_t *t = page->tmpl;
  return page->masthead ? t->masthead_lines : t->styles[PB_ROLE_FOLIO].lines;
}

const char *const pb_role_names[PB_ROLE_COUNT + 1] = {
  [PB_ROLE_BODY] = "body",
  [PB_ROLE_DATELINE] = "dateline",
  [PB_ROLE_SUBHEAD] = "subhead",
  [PB_ROLE_KICKER] = "kicker",
  [PB_ROLE_HEADLINE] = "headline",
  [PB_ROLE_SUBTITLE] = "subtitle",
  [PB_ROLE_CAPTION] = "caption",
  [PB_ROLE_CREDIT] = "credit",
  [PB_ROLE_GUIDE_TITLE] = "guide_title",
  [PB_ROLE_GUIDE_ENTRY] = "guide_entry",
  [PB_ROLE_GUIDE_PAGE] = "guide_page",
  [PB_ROLE_MASTHEAD_TITLE] = "masthead_title",
  [PB_ROLE_MASTHEAD_LINE] = "masthead_line",
  [PB_ROLE_FOLIO] = "folio",
  [PB_ROLE_JUMP] = "jump",
  [PB_ROLE_COUNT] = NULL,
};

static const char *const style_keys[] = {
  "font", "weight", "size", "leading", "align", "indent", "space_before", "space_after",
  "lines", "color", NULL
};

/* "#RRGGBB" */
static gboolean
get_color (const obj_t *o, guint32 *out, GError **error)
{
  g_autofree char *s = NULL;
  if (!get_string (o, "color", FALSE, &s, error))
    return FALSE;
  if (!s)
    return TRUE;
  char *end = NULL;
  guint64 v = g_ascii_strtoull (s + 1, &end, 16);
  if (s[0] != '#' || strlen (s) != 7 || *end)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, member (o, "color")),
                       "%s: \"color\" must be \"#RRGGBB\", not \"%s\"", o->what, s);
      return FALSE;
    }
  *out = (guint32) v;
  return TRUE;
}

typedef struct {
  const char *name;
  int value;
} name_value_t;

static const name_value_t weights[] = {
  { "light", 300 }, { "regular", 400 }, { "medium", 500 },
  { "bold", 700 }, { "heavy", 800 }, { "black", 900 },
};

static const name_value_t aligns[] = {
  { "justify", PB_ALIGN_JUSTIFY }, { "left", PB_ALIGN_LEFT },
  { "center", PB_ALIGN_CENTER }, { "right", PB_ALIGN_RIGHT },
};

static gboolean
lookup_name (const name_value_t *table, gsize n, const char *name, int *out)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (table[i].name, name) == 0)
      {
        *out = table[i].value;
        return TRUE;
      }
  return FALSE;
}

static gboolean
get_weight (const obj_t *o, int *weight, GError **error)
{
  JsonNode *n = member (o, "weight");
  if (n && is_string (n))
    {
      if (lookup_name (weights, G_N_ELEMENTS (weights), json_node_get_string (n), weight))
        return TRUE;
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                       "%s: \"weight\" must be light, regular, medium, bold, heavy, black "
                       "or a number from 100 to 1000", o->what);
      return FALSE;
    }
  return get_int (o, "weight", FALSE, 100, 1000, *weight, NULL, weight, error);
}

static gboolean
get_align (const obj_t *o, pb_align_t *align, GError **error)
{
  JsonNode *n = member (o, "align");
  int v;
  if (!n)
    return TRUE;
  if (!is_string (n) || !lookup_name (aligns, G_N_ELEMENTS (aligns),
                                      json_node_get_string (n), &v))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                       "%s: \"align\" must be \"justify\", \"left\", \"center\" or \"right\"",
                       o->what);
      return FALSE;
    }
  *align = v;
  return TRUE;
}

/* Roles other than body start from body's font, weight, size and leading; their layout keys
 * (indent, align, spacing, lines) do not inherit: a headline indented like the body text
 * would be a surprise. */
static void
style_defaults (pb_template_t *t, pb_role_t role)
{
  pb_style_t *st = &t->styles[role];
  const pb_style_t *body = &t->styles[PB_ROLE_BODY];
  if (role == PB_ROLE_BODY)
    {
      *st = (pb_style_t) { .weight = 400, .size = t->body_size, .align = PB_ALIGN_JUSTIFY };
      return;
    }
  *st = (pb_style_t) { g_strdup (body->font), body->weight, body->size, body->leading,
                       role == PB_ROLE_CAPTION ? PB_ALIGN_JUSTIFY : PB_ALIGN_LEFT,
                       0, 0, 0, 0, body->color, body->font_loc };
}

static gboolean
read_style (jdoc_t *d, pb_template_t *t, JsonNode *node, pb_role_t role, GError **error)
{
  pb_style_t *st = &t->styles[role];
  style_defaults (t, role);
  if (!node)
    return TRUE;
  g_autofree char *what = g_strdup_printf ("template \"%s\", style \"%s\"", t->name,
                                           pb_role_names[role]);
  g_autofree char *kind = g_strdup_printf ("style \"%s\"", pb_role_names[role]);
  /* The folio heads every inside page as the masthead does the front page: items need
   * room under it too. */
  g_autofree char *folio_hint = g_strdup_printf ("the type area holds %d lines and at least 3 "
                                                 "must remain under the folio", t->lines);
  obj_t o;
  g_autofree char *font = NULL;
  if (!open_object (d, node, what, kind, style_keys, &o, error)
      || !get_string (&o, "font", role == PB_ROLE_BODY, &font, error))
    return FALSE;
  if (font)
    {
      g_free (st->font);
      st->font = g_steal_pointer (&font);
      st->font_loc = node_loc (d, member (&o, "font"));
    }
  return get_weight (&o, &st->weight, error)
         && get_length (&o, "size", FALSE, t->body_size, LEN_TYPE, st->size, &st->size,
                        error)
         && get_length (&o, "leading", FALSE, t->body_size, LEN_NONNEG, st->leading,
                        &st->leading, error)
         && get_align (&o, &st->align, error)
         && get_length (&o, "indent", FALSE, t->body_size, LEN_NONNEG, 0, &st->indent, error)
         && get_int (&o, "space_before", FALSE, 0, 100, 0, NULL, &st->space_before, error)
         && get_int (&o, "space_after", FALSE, 0, 100, 0, NULL, &st->space_after, error)
         && get_int (&o, "lines", FALSE, 0, role == PB_ROLE_FOLIO ? t->lines - 3 : 1000, 0,
                     role == PB_ROLE_FOLIO ? folio_hint : NULL, &st->lines, error)
         && get_color (&o, &st->color, error);
}

static gboolean
read_styles (const obj_t *root, pb_template_t *t, GError **error)
{
  obj_t o;
  if (!get_object (root, "styles", TRUE, "styles", pb_role_names, &o, error))
    return FALSE;
  JsonNode *body = member (&o, "body");
  if (!body)
    return missing (&o, "body", error);
  for (int r = 0; r < PB_ROLE_COUNT; r++)
    if (!read_style (root->d, t, member (&o, pb_role_names[r]), r, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_trim_and_margins (const obj_t *root, pb_template_t *t, GError **error)
{
  static const char *const trim_keys[] = { "width", "height", NULL };
  static const char *const margin_keys[] = { "top", "bottom", NULL };
  double em = t->body_size;
  obj_t trim, margins;
  return get_object (root, "trim", TRUE, "trim", trim_keys, &trim, error)
         && get_length (&trim, "width", TRUE, em, LEN_POSITIVE, 0, &t->trim_w, error)
         && get_length (&trim, "height", TRUE, em, LEN_POSITIVE, 0, &t->trim_h, error)
         && get_length (root, "bleed", FALSE, em, LEN_NONNEG, 0, &t->bleed, error)
         && get_object (root, "margins", TRUE, "margins", margin_keys, &margins, error)
         && get_length (&margins, "top", TRUE, em, LEN_NONNEG, 0, &t->margin_top, error)
         && get_length (&margins, "bottom", TRUE, em, LEN_NONNEG, 0, &t->margin_bottom, error);
}

static gboolean
read_columns (const obj_t *root, pb_template_t *t, GError **error)
{
  static const char *const column_keys[] = { "count", "width", "gutter", NULL };
  double em = t->body_size;
  obj_t o;
  if (!get_object (root, "columns", TRUE, "columns", column_keys, &o, error)
      || !get_int (&o, "count", TRUE, 1, MAX_COLUMNS, 1, NULL, &t->columns, error)
      || !get_length (&o, "width", TRUE, em, LEN_POSITIVE, 0, &t->column_width, error)
      || !get_length (&o, "gutter", FALSE, em, LEN_NONNEG, 0, &t->gutter, error))
    return FALSE;
  double block = t->columns * t->column_width + (t->columns - 1) * t->gutter;
  if (block > t->trim_w + 1e-6)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o.d, o.node),
                       "%s: the column block is %.1fmm wide, wider than the trim (%.1fmm)",
                       o.what, block * 25.4 / 72, t->trim_w * 25.4 / 72);
      return FALSE;
    }
  return TRUE;
}

/* The type area in grid lines; the tolerance absorbs mm → pt rounding. */
static gboolean
read_grid (const obj_t *root, pb_template_t *t, GError **error)
{
  if (!get_length (root, "leading", TRUE, t->body_size, LEN_POSITIVE, 0, &t->leading, error))
    return FALSE;
  if (t->leading < t->body_size)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (root->d, member (root, "leading")),
                       "%s: \"leading\" (%gpt) must be at least the body size (%gpt)",
                       root->what, t->leading, t->body_size);
      return FALSE;
    }
  double area = t->trim_h - t->margin_top - t->margin_bottom;
  t->lines = area > 0 ? (int) floor (area / t->leading + 1e-6) : 0;
  if (t->lines < 3)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (root->d, member (root, "margins")),
                       "%s: the margins leave room for %d grid lines; at least 3 are needed",
                       root->what, MAX (t->lines, 0));
      return FALSE;
    }
  g_autofree char *hint = g_strdup_printf ("the type area holds %d lines and at least 3 must "
                                           "remain under the masthead", t->lines);
  return get_int (root, "masthead_lines", FALSE, 0, t->lines - 3, 0, hint, &t->masthead_lines,
                  error);
}

static char *
default_template_name (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - 5] = '\0';
  return g_steal_pointer (&base);
}

static gboolean
read_template (jdoc_t *d, pb_template_t *t, GError **error)
{
  static const char *const keys[] = {
    "$schema", "name", "trim", "bleed", "margins", "columns", "body_size", "leading",
    "masthead_lines", "latin_space", "styles", NULL
  };
  obj_t o;
  if (!open_object (d, json_parser_get_root (d->parser), "template", "template", keys, &o,
                    error)
      || !get_string (&o, "name", FALSE, &t->name, error))
    return FALSE;
  if (!t->name)
    t->name = default_template_name (t->path);
  g_autofree char *what = g_strdup_printf ("template \"%s\"", t->name);
  o.what = what;
  return get_length (&o, "body_size", TRUE, 0, LEN_TYPE, 0, &t->body_size, error)
         && read_trim_and_margins (&o, t, error)
         && read_columns (&o, t, error)
         && read_grid (&o, t, error)
         && get_length (&o, "latin_space", FALSE, t->body_size, LEN_NONNEG, 0, &t->latin_space,
                        error)
         && read_styles (&o, t, error);
}

static pb_template_t *
template_load (const char *path, pb_loc_t at, const char *what, GPtrArray *warnings,
               GError **error)
{
  g_autofree char *buf = NULL;
  gsize len;
  if (!read_file (path, MAX_INPUT_BYTES, at, what, &buf, &len, error))
    return NULL;
  jdoc_t d;
  pb_template_t *t = g_new0 (pb_template_t, 1);
  t->path = g_strdup (path);
  if (!jdoc_parse (&d, t->path, buf, len, warnings, error) || !read_template (&d, t, error))
    g_clear_pointer (&t, pb_template_free);
  jdoc_clear (&d);
  return t;
}

pb_template_t *
pb_template_load_file (const char *path, GError **error)
{
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  pb_template_t *t = template_load (path, file_loc (path), NULL, warnings, error);
  /* No warnings list in pb_template_t: tell the developer loading a template directly. */
  for (guint i = 0; i < warnings->len; i++)
    g_message ("%s", (const char *) warnings->pdata[i]);
  return t;
}

/* ---- Markdown bodies ---- */

typedef struct {
  const src_t *src;
  pb_loc_t inline_at;  /* line > 0: the body is a JSON string; report there */
  GPtrArray *blocks;
  GString *text;
  GArray *spans;
  pb_block_kind_t kind;
  gboolean in_block;
  gssize first;        /* source offset of the block's first text, -1 before */
  int strong, emph;
  gboolean seen_text;  /* any text so far, in any block */
  gsize last_end;      /* source offset just past the last text */
  gboolean after_heading;
  const char *bad;     /* the construct that is not allowed */
  gsize bad_off;
  GArray *origins;     /* of pb_origin_t, the block's text so far (body files only) */
} md_t;

static gsize
next_line (const src_t *s, gsize off)
{
  const char *nl = off < s->len ? memchr (s->text + off, '\n', s->len - off) : NULL;
  return nl ? (gsize) (nl - s->text) + 1 : s->len;
}

static gsize
skip_blanks (const src_t *s, gsize p)
{
  while (p < s->len && (s->text[p] == ' ' || s->text[p] == '\t'))
    p++;
  return p;
}

static gboolean
blank_line (const src_t *s, gsize p)
{
  p = skip_blanks (s, p);
  return p >= s->len || s->text[p] == '\n' || s->text[p] == '\r';
}

static gboolean
underline_line (const src_t *s, gsize p)
{
  p = skip_blanks (s, p);
  if (p >= s->len || (s->text[p] != '=' && s->text[p] != '-'))
    return FALSE;
  char c = s->text[p];
  while (p < s->len && s->text[p] == c)
    p++;
  return blank_line (s, p);
}

/* md4c reports blocks without positions. A rejected block is at top level right after the
 * previous one, so it starts on the first non-blank line after the previous block's last
 * text, skipping a setext heading's underline. */
static gsize
block_start (const md_t *m)
{
  const src_t *s = m->src;
  gsize p = 0;
  if (m->seen_text)
    {
      gsize last_line = line_start (s, line_index (s, m->last_end - 1));
      p = next_line (s, m->last_end - 1);
      if (m->after_heading && s->text[skip_blanks (s, last_line)] != '#'
          && underline_line (s, p))
        p = next_line (s, p);
    }
  while (p < s->len && blank_line (s, p))
    p = next_line (s, p);
  return skip_blanks (s, p);
}

/* Between the last text and a rejected span there is only markup: its opening character is
 * the first of [ ! ` < from there. */
static gsize
span_start (const md_t *m)
{
  const src_t *s = m->src;
  gsize from = m->first >= 0 ? m->last_end : block_start (m);
  for (gsize p = from; p < s->len; p++)
    if (s->text[p] && strchr ("[!`<", s->text[p]))
      return p;
  return from;
}

static int
md_reject (md_t *m, const char *what, gsize off)
{
  m->bad = what;
  m->bad_off = off;
  return 1;
}

static const char *
block_name (MD_BLOCKTYPE type, const void *detail)
{
  switch (type)
    {
    case MD_BLOCK_QUOTE:
      return "a block quote (>)";
    case MD_BLOCK_UL:
    case MD_BLOCK_LI:
      return "a list";
    case MD_BLOCK_OL:
      return "a numbered list";
    case MD_BLOCK_HR:
      return "a thematic break (---)";
    case MD_BLOCK_CODE:
      return ((const MD_BLOCK_CODE_DETAIL *) detail)->fence_char
               ? "a fenced code block"
               : "a code block (a line indented by 4 spaces or more)";
    case MD_BLOCK_HTML:
      return "an HTML block";
    default:
      return "a table";
    }
}

static const char *
span_name (MD_SPANTYPE type)
{
  switch (type)
    {
    case MD_SPAN_A:
      return "a link";
    case MD_SPAN_IMG:
      return "an image";
    case MD_SPAN_CODE:
      return "inline code (`…`)";
    default:
      return "this inline markup";
    }
}

static pb_loc_t
block_loc (const md_t *m)
{
  if (m->inline_at.line > 0)
    return m->inline_at;
  if (m->first < 0)
    return file_loc (m->src->file);
  gsize start = line_start (m->src, line_index (m->src, m->first));
  return src_loc (m->src, skip_blanks (m->src, start));
}

static gsize
skip_space_fwd (const char *t, gsize i, gsize n)
{
  while (i < n && g_unichar_isspace (g_utf8_get_char (t + i)))
    i = g_utf8_next_char (t + i) - t;
  return i;
}

static gsize
skip_space_back (const char *t, gsize lead, gsize i)
{
  while (i > lead)
    {
      const char *prev = g_utf8_find_prev_char (t, t + i);
      if (!prev || !g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      i = prev - t;
    }
  return i;
}

/* Trims the block's text (Unicode spaces too: 全角 indents are the template's business) and
 * moves the spans along. Empty blocks ("#" alone) are dropped. */
static void
md_finish_block (md_t *m)
{
  const char *t = m->text->str;
  gsize lead = skip_space_fwd (t, 0, m->text->len);
  gsize tail = skip_space_back (t, lead, m->text->len);
  if (tail == lead)
    return;
  pb_block_t *b = g_new0 (pb_block_t, 1);
  b->kind = m->kind;
  b->text = g_strndup (t + lead, tail - lead);
  b->spans = g_array_new (FALSE, FALSE, sizeof (pb_span_t));
  b->loc = block_loc (m);
  b->origins = g_array_new (FALSE, FALSE, sizeof (pb_origin_t));
  for (guint i = 0; i < m->origins->len; i++)
    {
      pb_origin_t o = g_array_index (m->origins, pb_origin_t, i);
      gsize next = i + 1 < m->origins->len
                     ? (gsize) g_array_index (m->origins, pb_origin_t, i + 1).start
                     : m->text->len;
      if (next <= lead || (gsize) o.start >= tail)
        continue;
      /* A stretch that begins in the trimmed space begins at the text. */
      if ((gsize) o.start < lead)
        {
          o.loc.col += g_utf8_strlen (t + o.start, lead - o.start);
          o.start = lead;
        }
      o.start -= lead;
      g_array_append_val (b->origins, o);
    }
  for (guint i = 0; i < m->spans->len; i++)
    {
      pb_span_t sp = g_array_index (m->spans, pb_span_t, i);
      sp.start = CLAMP (sp.start - (int) lead, 0, (int) (tail - lead));
      sp.end = CLAMP (sp.end - (int) lead, 0, (int) (tail - lead));
      if (sp.end > sp.start)
        g_array_append_val (b->spans, sp);
    }
  g_ptr_array_add (m->blocks, b);
}

static int
md_enter_block (MD_BLOCKTYPE type, void *detail, void *data)
{
  md_t *m = data;
  if (type == MD_BLOCK_DOC)
    return 0;
  if (type != MD_BLOCK_P && type != MD_BLOCK_H)
    return md_reject (m, block_name (type, detail), block_start (m));
  m->in_block = TRUE;
  m->kind = type == MD_BLOCK_H ? PB_BLOCK_SUBHEAD : PB_BLOCK_PARA;
  m->first = -1;
  m->strong = m->emph = 0;
  g_string_truncate (m->text, 0);
  g_array_set_size (m->spans, 0);
  g_array_set_size (m->origins, 0);
  return 0;
}

static int
md_leave_block (MD_BLOCKTYPE type, void *detail, void *data)
{
  md_t *m = data;
  if (type != MD_BLOCK_P && type != MD_BLOCK_H)
    return 0;
  md_finish_block (m);
  m->in_block = FALSE;
  m->after_heading = type == MD_BLOCK_H;
  return 0;
}

static int
md_enter_span (MD_SPANTYPE type, void *detail, void *data)
{
  md_t *m = data;
  if (type == MD_SPAN_STRONG)
    m->strong++;
  else if (type == MD_SPAN_EM)
    m->emph++;
  else
    return md_reject (m, span_name (type), span_start (m));
  return 0;
}

static int
md_leave_span (MD_SPANTYPE type, void *detail, void *data)
{
  md_t *m = data;
  if (type == MD_SPAN_STRONG && m->strong > 0)
    m->strong--;
  else if (type == MD_SPAN_EM && m->emph > 0)
    m->emph--;
  return 0;
}

/* Adjacent runs with the same markup merge, so spans stay sorted and disjoint; nested
 * bold-in-emphasis becomes its own span with both flags. */
static void
md_append (md_t *m, const char *s, gsize n)
{
  int start = m->text->len;
  g_string_append_len (m->text, s, n);
  unsigned flags = (m->strong ? PB_SPAN_BOLD : 0) | (m->emph ? PB_SPAN_EMPH : 0);
  if (!flags || n == 0)
    return;
  pb_span_t *last = m->spans->len
                      ? &g_array_index (m->spans, pb_span_t, m->spans->len - 1) : NULL;
  if (last && last->flags == flags && last->end == start)
    last->end = m->text->len;
  else
    {
      pb_span_t sp = { start, (int) m->text->len, flags };
      g_array_append_val (m->spans, sp);
    }
}

static const struct {
  const char *name;
  gunichar c;
} entities[] = {
  { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
  { "nbsp", 0xa0 }, { "copy", 0xa9 }, { "reg", 0xae }, { "deg", 0xb0 }, { "middot", 0xb7 },
  { "times", 0xd7 }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
  { "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d }, { "hellip", 0x2026 },
};

/* md4c hands entities over as written ("&amp;", "&#20013;"); unknown names stay literal. */
static void
md_append_entity (md_t *m, const char *e, gsize n)
{
  gunichar c = 0;
  if (n >= 4 && e[1] == '#')
    {
      gboolean hex = e[2] == 'x' || e[2] == 'X';
      g_autofree char *digits = g_strndup (e + (hex ? 3 : 2), n - (hex ? 4 : 3));
      guint64 v = g_ascii_strtoull (digits, NULL, hex ? 16 : 10);
      c = v > 0 && v <= 0x10ffff && g_unichar_validate (v) ? (gunichar) v : 0xfffd;
    }
  else if (n >= 3)
    for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
      if (strlen (entities[i].name) == n - 2 && memcmp (entities[i].name, e + 1, n - 2) == 0)
        c = entities[i].c;
  if (!c)
    {
      md_append (m, e, n);
      return;
    }
  char buf[6];
  md_append (m, buf, g_unichar_to_utf8 (c, buf));
}

/* The text appended next comes from source offset `off` (of a body file). */
static void
md_origin (md_t *m, gboolean in_src, gsize off)
{
  if (!in_src || m->inline_at.line > 0)
    return;
  pb_origin_t o = { (int) m->text->len, src_loc (m->src, off) };
  g_array_append_val (m->origins, o);
}

static int
md_text (MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *data)
{
  md_t *m = data;
  uintptr_t base = (uintptr_t) m->src->text, p = (uintptr_t) text;
  gboolean in_src = p >= base && p + size <= base + m->src->len;
  gsize off = in_src ? p - base : 0;
  switch (type)
    {
    case MD_TEXT_SOFTBR: /* Chinese has no spaces between words: the break just goes */
    case MD_TEXT_BR:
      return 0;
    case MD_TEXT_CODE:
      return md_reject (m, "inline code (`…`)", in_src ? off : span_start (m));
    case MD_TEXT_HTML:
      return md_reject (m, "raw HTML", in_src ? off : span_start (m));
    case MD_TEXT_LATEXMATH:
      return md_reject (m, "math", in_src ? off : span_start (m));
    case MD_TEXT_NULLCHAR:
      md_origin (m, in_src, off);
      md_append (m, "\xef\xbf\xbd", 3);
      break;
    case MD_TEXT_ENTITY:
      md_origin (m, in_src, off);
      md_append_entity (m, text, size);
      break;
    default:
      md_origin (m, in_src, off);
      md_append (m, text, size);
    }
  if (in_src && size > 0)
    {
      if (m->first < 0)
        m->first = off;
      m->last_end = off + size;
      m->seen_text = TRUE;
    }
  return 0;
}

static void
md_error (const md_t *m, const char *what, GError **error)
{
  static const char allowed[] = "only paragraphs, # headings, **bold** and *emphasis* are";
  pb_loc_t at = src_loc (m->src, m->bad_off);
  if (m->inline_at.line > 0)
    pb_set_error_at (error, PB_ERROR_INVALID, m->inline_at,
                     "%s: %s is not allowed in a body (Markdown line %d, column %d); %s",
                     what, m->bad, at.line, at.col, allowed);
  else
    pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: %s is not allowed in a body; %s", what,
                     m->bad, allowed);
}

/* `file` is the .md file, or NULL for a body given inline at `inline_at` in the JSON. */
static gboolean
parse_markdown (const char *text, gsize len, const char *file, pb_loc_t inline_at,
                const char *what, GPtrArray *blocks, GError **error)
{
  src_t src;
  strip_bom (&text, &len);
  src_init (&src, file ? file : inline_at.file, text, len);
  if (file && !check_utf8 (&src, error))
    {
      src_clear (&src);
      return FALSE;
    }
  md_t m = { .src = &src, .blocks = blocks, .first = -1 };
  if (!file)
    m.inline_at = inline_at;
  m.text = g_string_new (NULL);
  m.spans = g_array_new (FALSE, FALSE, sizeof (pb_span_t));
  m.origins = g_array_new (FALSE, FALSE, sizeof (pb_origin_t));
  /* Raw HTML stays enabled so that md4c reports it and we can refuse it; with
   * MD_FLAG_NOHTML it would be printed as text. */
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_DIALECT_COMMONMARK,
    .enter_block = md_enter_block,
    .leave_block = md_leave_block,
    .enter_span = md_enter_span,
    .leave_span = md_leave_span,
    .text = md_text,
  };
  int rc = md_parse (text, len, &parser, &m);
  gboolean ok = !m.bad && rc == 0;
  if (m.bad)
    md_error (&m, what, error);
  else if (rc != 0)
    pb_set_error_at (error, PB_ERROR_INVALID, file ? file_loc (file) : inline_at,
                     "%s: the Markdown parser failed", what);
  g_string_free (m.text, TRUE);
  g_array_unref (m.spans);
  g_array_unref (m.origins);
  src_clear (&src);
  return ok;
}

/* ---- The issue ---- */

typedef struct {
  char *what;
  char *story_id;
  pb_loc_t at;
} guide_ref_t;

static void
guide_ref_free (gpointer p)
{
  guide_ref_t *r = p;
  g_free (r->what);
  g_free (r->story_id);
  g_free (r);
}

typedef struct {
  pb_issue_t *issue;
  jdoc_t *d;
  const char *datadir;
  char *real_dir;          /* the issue folder, canonical; made when first needed */
  GHashTable *templates;   /* path → pb_template_t*, borrowed */
  GHashTable *page_first;  /* page number → its first JsonNode, borrowed */
  GHashTable *placed;      /* story id → TRUE, for guide entries */
  GPtrArray *guide_refs;   /* guide_ref_t*, checked once all pages are read */
  const pb_template_t *tmpl; /* the issue's default */
} loader_t;

static const char *
intern_file (pb_issue_t *issue, const char *path)
{
  char *copy = g_strdup (path);
  g_ptr_array_add (issue->files, copy);
  return copy;
}

static gboolean
path_error (const obj_t *o, JsonNode *n, pb_error_code_t code, GError **error,
            const char *fmt, const char *key, const char *value)
{
  g_autofree char *msg = g_strdup_printf (fmt, key, value);
  pb_set_error_at (error, code, node_loc (o->d, n), "%s: %s", o->what, msg);
  return FALSE;
}

/* Files named in an issue must stay inside its folder, also through symbolic links: issues
 * come from many hands and must not pull in arbitrary files of the machine. */
static gboolean
resolve_file (loader_t *l, const obj_t *o, const char *key, JsonNode *n, char **out,
              GError **error)
{
  const char *rel = json_node_get_string (n);
  if (!*rel)
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\" must not be empty%s", key, "");
  if (g_path_is_absolute (rel))
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\" must be a path relative to the "
                       "issue's folder, not the absolute path \"%s\"", key, rel);
  if (has_dotdot (rel))
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\" must not contain \"..\": \"%s\" "
                       "would leave the issue's folder", key, rel);
  g_autofree char *path = join_path (l->issue->dir, rel);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return path_error (o, n, PB_ERROR_IO, error, "\"%s\": file \"%s\" not found", key, path);
  if (!l->real_dir)
    l->real_dir = realpath (l->issue->dir, NULL);
  g_autofree char *real = realpath (path, NULL);
  /* The folder itself ("." or "sub/..") is inside; it fails as not a regular file below. */
  if (!l->real_dir || !real
      || (strcmp (real, l->real_dir) != 0 && !path_inside (l->real_dir, real)))
    return path_error (o, n, PB_ERROR_INVALID, error, "\"%s\": \"%s\" leads outside the "
                       "issue's folder (through a symbolic link)", key, rel);
  if (!g_file_test (real, G_FILE_TEST_IS_REGULAR))
    return path_error (o, n, PB_ERROR_IO, error, "\"%s\": \"%s\" is not a regular file", key,
                       path);
  if (g_access (real, R_OK) != 0)
    return path_error (o, n, PB_ERROR_IO, error, "\"%s\": cannot read \"%s\"", key, path);
  *out = g_steal_pointer (&path);
  return TRUE;
}

static gboolean
valid_id (const char *s)
{
  if (!*s)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum (*s) && *s != '_' && *s != '-')
      return FALSE;
  return TRUE;
}

/* A name is looked up in DATADIR/layouts; a value ending in .json is a file of the issue. */
static gboolean
template_path (loader_t *l, const obj_t *o, JsonNode *n, char **path, GError **error)
{
  const char *value = json_node_get_string (n);
  if (g_str_has_suffix (value, ".json"))
    return resolve_file (l, o, "template", n, path, error);
  if (!valid_id (value))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n), "%s: unknown template "
                       "\"%s\": give a name from layouts/ or a path ending in .json", o->what,
                       value);
      return FALSE;
    }
  g_autofree char *base = g_strconcat (value, ".json", NULL);
  *path = g_build_filename (l->datadir, "layouts", base, NULL);
  if (g_file_test (*path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                   "%s: unknown template \"%s\" (there is no %s)", o->what, value, *path);
  return FALSE;
}

/* Each distinct template file is loaded once; pages borrow it from the issue. */
static gboolean
get_template (loader_t *l, const obj_t *o, gboolean required, const pb_template_t **out,
              GError **error)
{
  JsonNode *n = member (o, "template");
  g_autofree char *path = NULL;
  *out = l->tmpl;
  if (!n)
    return required ? missing (o, "template", error) : TRUE;
  if (!is_string (n))
    return wrong_type (o, "template", n, "a string", error);
  if (!template_path (l, o, n, &path, error))
    return FALSE;
  pb_template_t *t = g_hash_table_lookup (l->templates, path);
  if (!t)
    {
      g_autofree char *what = g_strdup_printf ("%s: template", o->what);
      t = template_load (path, node_loc (o->d, n), what, l->issue->warnings, error);
      if (!t)
        return FALSE;
      g_ptr_array_add (l->issue->templates, t);
      g_hash_table_insert (l->templates, t->path, t);
    }
  *out = t;
  return TRUE;
}

static gboolean
read_body (loader_t *l, const obj_t *o, pb_story_t *s, GError **error)
{
  JsonNode *body = member (o, "body"), *file = member (o, "body_file");
  if (body && file)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, file),
                       "%s: give either \"body\" or \"body_file\", not both", o->what);
      return FALSE;
    }
  if (!body && !file)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, o->node),
                       "%s: missing \"body\" or \"body_file\"", o->what);
      return FALSE;
    }
  JsonNode *n = body ? body : file;
  const char *key = body ? "body" : "body_file";
  if (!is_string (n))
    return wrong_type (o, key, n, "a string", error);
  pb_loc_t at = node_loc (o->d, n);
  if (body)
    {
      const char *text = json_node_get_string (n);
      if (strlen (text) > MAX_BODY_BYTES)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: \"body\" is longer than %d MiB",
                           o->what, MAX_BODY_BYTES / MiB);
          return FALSE;
        }
      return parse_markdown (text, strlen (text), NULL, at, o->what, s->blocks, error);
    }
  g_autofree char *path = NULL, *buf = NULL;
  gsize len;
  return resolve_file (l, o, "body_file", n, &path, error)
         && read_file (path, MAX_BODY_BYTES, at, o->what, &buf, &len, error)
         && parse_markdown (buf, len, intern_file (l->issue, path), at, o->what, s->blocks,
                            error);
}

/* "focus": [x, y], the point of the photo a crop keeps in view, as fractions of its width and
 * height from the top-left corner. */
static gboolean
get_focus (const obj_t *o, pb_photo_t *ph, GError **error)
{
  JsonNode *arr;
  if (!get_array (o, "focus", FALSE, &arr, error))
    return FALSE;
  if (!arr)
    return TRUE;
  double v[2];
  gboolean ok = length_of (arr) == 2;
  for (guint i = 0; ok && i < 2; i++)
    ok = node_number (o->d, element (arr, i), &v[i]) && v[i] >= 0 && v[i] <= 1;
  if (!ok)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, arr),
                       "%s: \"focus\" must be [x, y], two numbers from 0 to 1 (fractions of "
                       "the photo's width and height)", o->what);
      return FALSE;
    }
  ph->has_focus = TRUE;
  ph->focus_x = v[0];
  ph->focus_y = v[1];
  return TRUE;
}

static gboolean
read_photo (loader_t *l, const obj_t *story, JsonNode *node, guint index, pb_story_t *s,
            GError **error)
{
  static const char *const keys[] = { "file", "caption", "credit", "focus", NULL };
  g_autofree char *what = g_strdup_printf ("%s, photo %u", story->what, index + 1);
  obj_t o;
  if (!open_object (story->d, node, what, "photo", keys, &o, error))
    return FALSE;
  pb_photo_t *ph = g_new0 (pb_photo_t, 1);
  g_ptr_array_add (s->photos, ph);
  JsonNode *file = member (&o, "file");
  if (!file)
    return missing (&o, "file", error);
  if (!is_string (file))
    return wrong_type (&o, "file", file, "a string", error);
  ph->loc = node_loc (o.d, file);
  if (!resolve_file (l, &o, "file", file, &ph->file, error)
      || !get_string (&o, "caption", FALSE, &ph->caption, error)
      || !get_string (&o, "credit", FALSE, &ph->credit, error)
      || !get_focus (&o, ph, error))
    return FALSE;
  if (!ph->caption)
    ph->caption = g_strdup ("");
  return TRUE;
}

static gboolean
read_photos (loader_t *l, const obj_t *o, pb_story_t *s, GError **error)
{
  JsonNode *arr;
  if (!get_array (o, "photos", FALSE, &arr, error))
    return FALSE;
  for (guint i = 0; arr && i < length_of (arr); i++)
    if (!read_photo (l, o, element (arr, i), i, s, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_story_id (loader_t *l, const obj_t *o, pb_story_t *s, GError **error)
{
  JsonNode *n = member (o, "id");
  if (!n)
    return missing (o, "id", error);
  if (!is_string (n))
    return wrong_type (o, "id", n, "a string", error);
  const char *id = json_node_get_string (n);
  if (!valid_id (id))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                       "%s: invalid id \"%s\": use only A-Z, a-z, 0-9, \"_\" and \"-\"",
                       o->what, id);
      return FALSE;
    }
  const pb_story_t *first = g_hash_table_lookup (l->issue->story_by_id, id);
  if (first)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                       "%s: duplicate story id \"%s\" (the first is at line %d, column %d)",
                       o->what, id, first->loc.line, first->loc.col);
      return FALSE;
    }
  s->id = g_strdup (id);
  g_hash_table_insert (l->issue->story_by_id, s->id, s);
  return TRUE;
}

static gboolean
read_story (loader_t *l, JsonNode *node, guint index, GError **error)
{
  static const char *const keys[] = {
    "id", "kicker", "headline", "subtitle", "dateline", "body", "body_file", "photos",
    "author", NULL
  };
  g_autofree char *what = g_strdup_printf ("story %u", index + 1);
  obj_t o;
  if (!open_object (l->d, node, what, "story", keys, &o, error))
    return FALSE;
  pb_story_t *s = g_new0 (pb_story_t, 1);
  s->blocks = g_ptr_array_new_with_free_func (block_free);
  s->photos = g_ptr_array_new_with_free_func (photo_free);
  s->loc = node_loc (l->d, node);
  g_ptr_array_add (l->issue->stories, s);
  if (!read_story_id (l, &o, s, error))
    return FALSE;
  g_free (what);
  what = g_strdup_printf ("story \"%s\"", s->id);
  o.what = what;
  return get_string (&o, "kicker", FALSE, &s->kicker, error)
         && get_string (&o, "headline", TRUE, &s->headline, error)
         && get_string (&o, "subtitle", FALSE, &s->subtitle, error)
         && get_string (&o, "dateline", FALSE, &s->dateline, error)
         && get_string (&o, "author", FALSE, &s->author, error)
         && read_body (l, &o, s, error)
         && read_photos (l, &o, s, error);
}

static gboolean
story_ref (loader_t *l, const obj_t *o, const char *key, JsonNode *n, char **out,
           GError **error)
{
  if (!n)
    return missing (o, key, error);
  if (!is_string (n))
    return wrong_type (o, key, n, "a story id (a string)", error);
  const char *id = json_node_get_string (n);
  if (!g_hash_table_contains (l->issue->story_by_id, id))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                       "%s: no story \"%s\" in the pool", o->what, id);
      return FALSE;
    }
  *out = g_strdup (id);
  return TRUE;
}

static gboolean
read_item_photo (const obj_t *item, pb_item_t *it, GError **error)
{
  static const char *const keys[] = { "span", "side", "lines", NULL };
  obj_t o;
  g_autofree char *side = NULL;
  if (!get_object (item, "photo", FALSE, "item photo", keys, &o, error))
    return FALSE;
  if (!o.node)
    return TRUE;
  if (!get_int (&o, "span", FALSE, 1, it->span, 0, "at most the item's span", &it->photo_span,
                error)
      || !get_string (&o, "side", FALSE, &side, error)
      || !get_int (&o, "lines", FALSE, 3, it->height > 0 ? it->height : G_MAXINT, 0,
                   "at most the item's height",
                   &it->photo_lines, error))
    return FALSE;
  if (side && strcmp (side, "left") != 0 && strcmp (side, "right") != 0)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o.d, member (&o, "side")),
                       "%s: photo \"side\" must be \"left\" or \"right\"", o.what);
      return FALSE;
    }
  it->photo_right = side && strcmp (side, "right") == 0;
  return TRUE;
}

static gboolean
read_guide_entry (loader_t *l, const obj_t *guide, JsonNode *node, guint index, pb_item_t *it,
                  GError **error)
{
  static const char *const keys[] = { "story", "title", NULL };
  g_autofree char *what = g_strdup_printf ("%s, guide entry %u", guide->what, index + 1);
  obj_t o;
  if (!open_object (guide->d, node, what, "guide entry", keys, &o, error))
    return FALSE;
  pb_guide_entry_t *e = g_new0 (pb_guide_entry_t, 1);
  e->loc = node_loc (o.d, node);
  g_ptr_array_add (it->guide_entries, e);
  JsonNode *story = member (&o, "story");
  if (!story_ref (l, &o, "story", story, &e->story_id, error)
      || !get_string (&o, "title", TRUE, &e->title, error))
    return FALSE;
  guide_ref_t *r = g_new0 (guide_ref_t, 1);
  *r = (guide_ref_t) { g_strdup (what), g_strdup (e->story_id), node_loc (o.d, story) };
  g_ptr_array_add (l->guide_refs, r);
  return TRUE;
}

static gboolean
read_guide (loader_t *l, const obj_t *item, pb_item_t *it, GError **error)
{
  static const char *const keys[] = { "title", "entries", NULL };
  obj_t o;
  JsonNode *entries;
  if (member (item, "photo"))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (item->d, member (item, "photo")),
                       "%s: \"photo\" is only for story items", item->what);
      return FALSE;
    }
  it->kind = PB_ITEM_GUIDE;
  it->guide_entries = g_ptr_array_new_with_free_func (guide_entry_free);
  if (!get_object (item, "guide", TRUE, "guide", keys, &o, error)
      || !get_string (&o, "title", FALSE, &it->guide_title, error)
      || !get_array (&o, "entries", TRUE, &entries, error))
    return FALSE;
  if (!it->guide_title)
    it->guide_title = g_strdup ("导读");
  if (length_of (entries) == 0)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o.d, entries),
                       "%s: \"entries\" must hold at least one entry", o.what);
      return FALSE;
    }
  for (guint i = 0; i < length_of (entries); i++)
    if (!read_guide_entry (l, &o, element (entries, i), i, it, error))
      return FALSE;
  return TRUE;
}

/* An item without "column" and "top" is placed by the layout (top to bottom, left to right);
 * its "span" defaults to the full width and its "height" to what its text needs. */
static gboolean
read_item_auto (const obj_t *o, const pb_page_t *p, pb_item_t *it, GError **error)
{
  const pb_template_t *t = p->tmpl;
  int avail = t->lines - pb_page_head_lines (p);
  g_autofree char *span_hint = g_strdup_printf ("the template has %d columns", t->columns);
  g_autofree char *height_hint = g_strdup_printf ("the page has %d grid lines%s", avail,
                                                  p->masthead ? " under the masthead" : "");
  it->auto_place = TRUE;
  return get_int (o, "span", FALSE, 1, t->columns, t->columns, span_hint, &it->span, error)
         && get_int (o, "height", FALSE, 1, avail, 0, height_hint, &it->height, error);
}

static gboolean
read_item_grid (const obj_t *o, const pb_page_t *p, pb_item_t *it, GError **error)
{
  const pb_template_t *t = p->tmpl;
  int cols = t->columns, column;
  int avail = t->lines - pb_page_head_lines (p);
  JsonNode *col_node = member (o, "column"), *top_node = member (o, "top");
  if (!col_node && !top_node)
    return read_item_auto (o, p, it, error);
  if (!col_node || !top_node)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, col_node ? col_node : top_node),
                       "%s: give both \"column\" and \"top\", or neither for automatic "
                       "placement", o->what);
      return FALSE;
    }
  g_autofree char *col_hint = g_strdup_printf ("the template has %d columns", cols);
  if (!get_int (o, "column", TRUE, 1, cols, 1, col_hint, &column, error))
    return FALSE;
  it->column = column - 1;
  g_autofree char *span_hint = g_strdup_printf ("the item starts in column %d of %d", column,
                                                cols);
  g_autofree char *top_hint = g_strdup_printf ("the page has %d grid lines%s", avail,
                                               p->masthead ? " under the masthead" : "");
  if (!get_int (o, "span", TRUE, 1, cols - it->column, 1, span_hint, &it->span, error)
      || !get_int (o, "top", TRUE, 0, avail - 1, 0, top_hint, &it->top, error))
    return FALSE;
  g_autofree char *height_hint = g_strdup_printf ("the item starts at line %d of the %d on "
                                                  "the page", it->top, avail);
  return get_int (o, "height", TRUE, 1, avail - it->top, 1, height_hint, &it->height, error);
}

static gboolean
check_overlap (const obj_t *o, const pb_page_t *p, const pb_item_t *it, GError **error)
{
  for (guint j = 0; j + 1 < p->items->len && !it->auto_place; j++)
    {
      const pb_item_t *q = p->items->pdata[j];
      if (!q->auto_place && it->column < q->column + q->span && q->column < it->column + it->span
          && it->top < q->top + q->height && q->top < it->top + it->height)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, it->loc,
                           "%s overlaps item %u (at line %d, column %d): both cover column "
                           "%d, grid line %d", o->what, j + 1, q->loc.line, q->loc.col,
                           MAX (it->column, q->column) + 1, MAX (it->top, q->top));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_item (loader_t *l, pb_page_t *p, JsonNode *node, guint index, GError **error)
{
  static const char *const keys[] = {
    "story", "guide", "photo", "column", "span", "top", "height", "headline_size", NULL
  };
  g_autofree char *what = g_strdup_printf ("page %d, item %u", p->number, index + 1);
  obj_t o;
  if (!open_object (l->d, node, what, "item", keys, &o, error))
    return FALSE;
  pb_item_t *it = g_new0 (pb_item_t, 1);
  it->loc = node_loc (l->d, node);
  g_ptr_array_add (p->items, it);
  JsonNode *story = member (&o, "story"), *guide = member (&o, "guide");
  if (story && guide)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o.d, guide),
                       "%s: give either \"story\" or \"guide\", not both", what);
      return FALSE;
    }
  if (!story && !guide)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, it->loc, "%s: missing \"story\" or \"guide\"",
                       what);
      return FALSE;
    }
  if (!read_item_grid (&o, p, it, error))
    return FALSE;
  if (guide)
    return read_guide (l, &o, it, error) && check_overlap (&o, p, it, error);
  it->kind = PB_ITEM_STORY;
  if (!story_ref (l, &o, "story", story, &it->story_id, error)
      || !read_item_photo (&o, it, error)
      || !get_length (&o, "headline_size", FALSE, p->tmpl->body_size, LEN_TYPE, 0,
                      &it->headline_size, error))
    return FALSE;
  const pb_story_t *s = g_hash_table_lookup (l->issue->story_by_id, it->story_id);
  JsonNode *photo = member (&o, "photo");
  if (photo && s->photos->len == 0)
    add_warning (l->issue->warnings, node_loc (o.d, photo),
                 "%s: story \"%s\" has no photos; \"photo\" is ignored", what, s->id);
  g_hash_table_add (l->placed, g_strdup (it->story_id));
  return check_overlap (&o, p, it, error);
}

static gboolean
read_items (loader_t *l, const obj_t *o, pb_page_t *p, GError **error)
{
  JsonNode *arr;
  if (member (o, "stories"))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, member (o, "stories")),
                       "%s: \"stories\" is only for pages with \"elsewhere\": true", o->what);
      return FALSE;
    }
  if (!get_array (o, "items", TRUE, &arr, error))
    return FALSE;
  guint n = length_of (arr);
  if (n > MAX_ITEMS)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, arr),
                       "%s: too many items (%u; the limit is %d)", o->what, n, MAX_ITEMS);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!read_item (l, p, element (arr, i), i, error))
      return FALSE;
  return TRUE;
}

static gboolean
read_elsewhere (loader_t *l, const obj_t *o, pb_page_t *p, GError **error)
{
  JsonNode *arr;
  if (member (o, "items"))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, member (o, "items")),
                       "%s: a page made up elsewhere has no \"items\"", o->what);
      return FALSE;
    }
  if (!get_array (o, "stories", TRUE, &arr, error))
    return FALSE;
  for (guint i = 0; i < length_of (arr); i++)
    {
      char *id = NULL;
      if (!story_ref (l, o, "stories", element (arr, i), &id, error))
        return FALSE;
      g_ptr_array_add (p->story_ids, id);
      g_hash_table_add (l->placed, g_strdup (id));
    }
  return TRUE;
}

static gboolean
read_credits (const obj_t *page, pb_page_t *p, GError **error)
{
  obj_t o;
  if (!get_object (page, "credits", FALSE, "credits", NULL, &o, error))
    return FALSE;
  if (!o.node)
    return TRUE;
  GList *names = json_object_get_members (o.obj);
  gboolean ok = TRUE;
  for (GList *i = names; ok && i; i = i->next)
    {
      pb_credit_t *c = g_new0 (pb_credit_t, 1);
      g_ptr_array_add (p->credits, c);
      c->key = g_strdup (i->data);
      ok = get_string (&o, i->data, TRUE, &c->value, error);
    }
  g_list_free (names);
  return ok;
}

static gboolean
read_page_number (loader_t *l, const obj_t *o, pb_page_t *p, GError **error)
{
  if (!get_int (o, "number", TRUE, 1, MAX_PAGE_NUMBER, 1, NULL, &p->number, error))
    return FALSE;
  JsonNode *n = member (o, "number");
  JsonNode *first = g_hash_table_lookup (l->page_first, GINT_TO_POINTER (p->number));
  if (first)
    {
      pb_loc_t at = node_loc (o->d, first);
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, n),
                       "%s: duplicate page number %d (also at line %d, column %d)", o->what,
                       p->number, at.line, at.col);
      return FALSE;
    }
  g_hash_table_insert (l->page_first, GINT_TO_POINTER (p->number), n);
  return TRUE;
}

static gboolean
read_page (loader_t *l, JsonNode *node, guint index, GError **error)
{
  static const char *const keys[] = {
    "number", "section", "template", "masthead", "credits", "elsewhere", "stories", "items",
    NULL
  };
  g_autofree char *what = g_strdup_printf ("entry %u of \"pages\"", index + 1);
  obj_t o;
  if (!open_object (l->d, node, what, "page", keys, &o, error))
    return FALSE;
  pb_page_t *p = g_new0 (pb_page_t, 1);
  p->credits = g_ptr_array_new_with_free_func (credit_free);
  p->story_ids = g_ptr_array_new_with_free_func (g_free);
  p->items = g_ptr_array_new_with_free_func (item_free);
  p->loc = node_loc (l->d, node);
  g_ptr_array_add (l->issue->pages, p);
  if (!read_page_number (l, &o, p, error))
    return FALSE;
  g_free (what);
  what = g_strdup_printf ("page %d", p->number);
  o.what = what;
  if (!get_string (&o, "section", FALSE, &p->section, error)
      || !get_template (l, &o, FALSE, &p->tmpl, error)
      || !get_bool (&o, "masthead", FALSE, &p->masthead, error)
      || !get_bool (&o, "elsewhere", FALSE, &p->elsewhere, error)
      || !read_credits (&o, p, error))
    return FALSE;
  return p->elsewhere ? read_elsewhere (l, &o, p, error) : read_items (l, &o, p, error);
}

static gboolean
read_date (const obj_t *o, char **out, GError **error)
{
  if (!get_string (o, "date", TRUE, out, error))
    return FALSE;
  const char *s = *out;
  gboolean ok = strlen (s) == 10 && s[4] == '-' && s[7] == '-';
  for (int i = 0; ok && i < 10; i++)
    ok = i == 4 || i == 7 || g_ascii_isdigit (s[i]);
  if (ok)
    ok = g_date_valid_dmy (atoi (s + 8), atoi (s + 5), atoi (s));
  if (!ok)
    pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, member (o, "date")),
                     "%s: \"date\" must be a date written YYYY-MM-DD, not \"%s\"", o->what, s);
  return ok;
}

static gboolean
read_masthead (const obj_t *root, pb_issue_t *issue, GError **error)
{
  static const char *const keys[] = { "lines", NULL };
  obj_t o;
  JsonNode *lines;
  if (!get_object (root, "masthead", FALSE, "masthead", keys, &o, error))
    return FALSE;
  if (!o.node)
    return TRUE;
  o.what = "masthead";
  if (!get_array (&o, "lines", FALSE, &lines, error))
    return FALSE;
  for (guint i = 0; lines && i < length_of (lines); i++)
    {
      JsonNode *n = element (lines, i);
      if (!is_string (n))
        return wrong_type (&o, "lines", n, "an array of strings", error);
      g_ptr_array_add (issue->masthead_lines, g_strdup (json_node_get_string (n)));
    }
  return TRUE;
}

static gboolean
read_array_of (loader_t *l, const obj_t *o, const char *key, guint min, guint max,
               gboolean (*read) (loader_t *, JsonNode *, guint, GError **), GError **error)
{
  JsonNode *arr;
  if (!get_array (o, key, TRUE, &arr, error))
    return FALSE;
  guint n = length_of (arr);
  if (n < min)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, arr),
                       "%s: \"%s\" must not be empty", o->what, key);
      return FALSE;
    }
  if (n > max)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, node_loc (o->d, arr),
                       "%s: too many %s (%u; the limit is %u)", o->what, key, n, max);
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    if (!read (l, element (arr, i), i, error))
      return FALSE;
  return TRUE;
}

/* A guide entry prints the number of the page its story lands on: it must land on one. */
static gboolean
check_guide_refs (const loader_t *l, GError **error)
{
  for (guint i = 0; i < l->guide_refs->len; i++)
    {
      const guide_ref_t *r = l->guide_refs->pdata[i];
      if (g_hash_table_contains (l->placed, r->story_id))
        continue;
      pb_set_error_at (error, PB_ERROR_INVALID, r->at,
                       "%s: story \"%s\" is on no page, so the guide has no page number for it",
                       r->what, r->story_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_issue (loader_t *l, GError **error)
{
  static const char *const keys[] = {
    "$schema", "paper", "paper_en", "date", "masthead", "template", "stories", "pages", NULL
  };
  pb_issue_t *issue = l->issue;
  obj_t o;
  return open_object (l->d, json_parser_get_root (l->d->parser), "the issue", "issue", keys,
                      &o, error)
         && get_string (&o, "paper", TRUE, &issue->paper, error)
         && get_string (&o, "paper_en", FALSE, &issue->paper_en, error)
         && read_date (&o, &issue->date, error)
         && read_masthead (&o, issue, error)
         && get_template (l, &o, TRUE, &l->tmpl, error)
         && read_array_of (l, &o, "stories", 0, MAX_STORIES, read_story, error)
         && read_array_of (l, &o, "pages", 1, MAX_PAGES, read_page, error)
         && check_guide_refs (l, error);
}

static pb_issue_t *
issue_new (const char *name, const char *base_dir)
{
  pb_issue_t *issue = g_new0 (pb_issue_t, 1);
  issue->path = g_strdup (name ? name : "<data>");
  issue->dir = g_strdup (base_dir ? base_dir : ".");
  issue->masthead_lines = g_ptr_array_new_with_free_func (g_free);
  issue->stories = g_ptr_array_new_with_free_func (story_free);
  issue->story_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  issue->pages = g_ptr_array_new_with_free_func (page_free);
  issue->templates = g_ptr_array_new_with_free_func ((GDestroyNotify) pb_template_free);
  issue->files = g_ptr_array_new_with_free_func (g_free);
  issue->warnings = g_ptr_array_new_with_free_func (g_free);
  return issue;
}

static const char *
default_datadir (const char *datadir)
{
  if (datadir)
    return datadir;
  const char *env = g_getenv ("PAIBAN_DATADIR");
  return env && *env ? env : PAIBAN_INSTALL_DATADIR;
}

pb_issue_t *
pb_issue_load_data (const char *data, gsize len, const char *name, const char *base_dir,
                    const char *datadir, GError **error)
{
  pb_issue_t *issue = issue_new (name, base_dir);
  const char *file = intern_file (issue, issue->path);
  if (len > MAX_INPUT_BYTES)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, file_loc (file), "larger than %d MiB",
                       MAX_INPUT_BYTES / MiB);
      pb_issue_free (issue);
      return NULL;
    }
  /* Our copy ends in NUL, whatever the caller's buffer does. */
  g_autofree char *text = g_malloc (len + 1);
  memcpy (text, data, len);
  text[len] = '\0';

  jdoc_t d;
  loader_t l = {
    .issue = issue,
    .d = &d,
    .datadir = default_datadir (datadir),
    .templates = g_hash_table_new (g_str_hash, g_str_equal),
    .page_first = g_hash_table_new (NULL, NULL),
    .placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL),
    .guide_refs = g_ptr_array_new_with_free_func (guide_ref_free),
  };
  gboolean ok = jdoc_parse (&d, file, text, len, issue->warnings, error)
                && read_issue (&l, error);
  jdoc_clear (&d);
  free (l.real_dir);
  g_hash_table_unref (l.templates);
  g_hash_table_unref (l.page_first);
  g_hash_table_unref (l.placed);
  g_ptr_array_unref (l.guide_refs);
  if (!ok)
    g_clear_pointer (&issue, pb_issue_free);
  return issue;
}

pb_issue_t *
pb_issue_load_file (const char *path, const char *datadir, GError **error)
{
  g_autofree char *buf = NULL;
  gsize len;
  if (!read_file (path, MAX_INPUT_BYTES, file_loc (path), NULL, &buf, &len, error))
    return NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  return pb_issue_load_data (buf, len, path, dir, datadir, error);
}

/* ---- Model helpers ---- */

pb_loc_t
pb_block_loc_at (const pb_block_t *block, int offset)
{
  const pb_origin_t *at = NULL;
  for (guint i = 0; block->origins && i < block->origins->len; i++)
    {
      const pb_origin_t *o = &g_array_index (block->origins, pb_origin_t, i);
      if (o->start > offset)
        break;
      at = o;
    }
  if (!at || offset > (int) strlen (block->text))
    return block->loc;
  pb_loc_t loc = at->loc;
  loc.col += g_utf8_strlen (block->text + at->start, offset - at->start);
  return loc;
}
