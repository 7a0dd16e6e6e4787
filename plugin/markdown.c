/* Markdown bodies into blocks (markdown.h). */
#include "markdown.h"

#include <stdint.h>
#include <string.h>

#include <md4c.h>

#include "source.h"

typedef struct {
  const pb_src_t *src;
  pb_loc_t inline_at;  /* line > 0: the body is inside another document; report there */
  GPtrArray *blocks;
  GString *text;
  GArray *spans;
  pb_block_kind_t kind;
  gboolean in_block;
  gssize first;        /* source offset of the block's first text, -1 before */
  int strong, emph, dots;
  gboolean seen_text;  /* any text so far, in any block */
  gsize last_end;      /* source offset just past the last text */
  gboolean after_heading;
  const char *bad;     /* the construct that is not allowed */
  gsize bad_off;
  GArray *origins;     /* of pb_origin_t, the block's text so far (body files only) */
  int quote;           /* inside a > block quote: its paragraphs are pull quotes */
  int list;            /* inside a numbered list */
  unsigned number;     /* the next list item's number */
  char delimiter;      /* of the list's numbers: . or ) */
  pb_block_t *table;   /* the table being read, NULL outside one */
  gssize row_first;    /* source offset of the current row's first text, -1 before */
} md_t;

static gsize
next_line (const pb_src_t *s, gsize off)
{
  const char *nl = off < s->len ? memchr (s->text + off, '\n', s->len - off) : NULL;
  return nl ? (gsize) (nl - s->text) + 1 : s->len;
}

static gsize
skip_blanks (const pb_src_t *s, gsize p)
{
  while (p < s->len && (s->text[p] == ' ' || s->text[p] == '\t'))
    p++;
  return p;
}

static gboolean
blank_line (const pb_src_t *s, gsize p)
{
  p = skip_blanks (s, p);
  return p >= s->len || s->text[p] == '\n' || s->text[p] == '\r';
}

static gboolean
underline_line (const pb_src_t *s, gsize p)
{
  p = skip_blanks (s, p);
  if (p >= s->len || (s->text[p] != '=' && s->text[p] != '-'))
    return FALSE;
  char c = s->text[p];
  while (p < s->len && s->text[p] == c)
    p++;
  return blank_line (s, p);
}

/* Past the > marks that start a line inside a block quote. */
static gsize
quote_marks (const md_t *m, gsize p)
{
  const pb_src_t *s = m->src;
  for (gsize q = skip_blanks (s, p); m->quote > 0 && q < s->len && s->text[q] == '>';
       q = skip_blanks (s, q + 1))
    p = q + 1;
  return p;
}

/* md4c reports blocks without positions. A rejected block is at top level right after the
 * previous one, so it starts on the first non-blank line after the previous block's last
 * text, skipping a setext heading's underline. */
static gsize
block_start (const md_t *m)
{
  const pb_src_t *s = m->src;
  gsize p = 0;
  if (m->seen_text)
    {
      gsize last_line = pb_src_line_start (s, pb_src_line_index (s, m->last_end - 1));
      p = next_line (s, m->last_end - 1);
      if (m->after_heading && s->text[skip_blanks (s, last_line)] != '#'
          && underline_line (s, p))
        p = next_line (s, p);
    }
  while (p < s->len && blank_line (s, quote_marks (m, p)))
    p = next_line (s, p);
  return skip_blanks (s, quote_marks (m, p));
}

/* Between the last text and a rejected span there is only markup: its opening character is
 * the first of [ ! ` < from there. */
static gsize
span_start (const md_t *m)
{
  const pb_src_t *s = m->src;
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
      return "a block quote (>) inside another block";
    case MD_BLOCK_UL:
    case MD_BLOCK_LI:
      return "a bulleted list";
    case MD_BLOCK_OL:
      return "a numbered list inside a list or quote";
    case MD_BLOCK_H:
      return "a heading inside a list, quote or table";
    case MD_BLOCK_HR:
      return "a thematic break (---)";
    case MD_BLOCK_CODE:
      return ((const MD_BLOCK_CODE_DETAIL *) detail)->fence_char
               ? "a fenced code block"
               : "a code block (a line indented by 4 spaces or more)";
    case MD_BLOCK_HTML:
      return "an HTML block";
    default:
      return "a table inside a list or quote";
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
    return pb_file_loc (m->src->file);
  gsize start = pb_src_line_start (m->src, pb_src_line_index (m->src, m->first));
  return pb_src_loc (m->src, skip_blanks (m->src, start));
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

/* The block read so far, its text trimmed (Unicode spaces too: 全角 indents are the
 * template's business) and the spans moved along; NULL when it is empty ("#" alone) unless
 * `keep_empty` (a table cell). */
static pb_block_t *
md_take_block (md_t *m, gboolean keep_empty)
{
  const char *t = m->text->str;
  gsize lead = skip_space_fwd (t, 0, m->text->len);
  gsize tail = skip_space_back (t, lead, m->text->len);
  if (tail == lead && !keep_empty)
    return NULL;
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
  return b;
}

static void
md_finish_block (md_t *m)
{
  pb_block_t *b = md_take_block (m, FALSE);
  if (b)
    g_ptr_array_add (m->blocks, b);
}

/* A block of text starts: a paragraph, heading, pull quote, list item or table cell. */
static void
md_begin_text (md_t *m, pb_block_kind_t kind)
{
  m->in_block = TRUE;
  m->kind = kind;
  m->first = -1;
  m->strong = m->emph = m->dots = 0;
  g_string_truncate (m->text, 0);
  g_array_set_size (m->spans, 0);
  g_array_set_size (m->origins, 0);
}

/* ---- tables ---- */

static pb_cell_align_t
cell_align (MD_ALIGN a)
{
  switch (a)
    {
    case MD_ALIGN_LEFT:
      return PB_CELL_LEFT;
    case MD_ALIGN_CENTER:
      return PB_CELL_CENTER;
    case MD_ALIGN_RIGHT:
      return PB_CELL_RIGHT;
    default:
      return PB_CELL_AUTO;
    }
}

static void
table_begin (md_t *m, const MD_BLOCK_TABLE_DETAIL *detail)
{
  pb_block_t *b = g_new0 (pb_block_t, 1);
  b->kind = PB_BLOCK_TABLE;
  b->text = g_strdup ("");
  b->spans = g_array_new (FALSE, FALSE, sizeof (pb_span_t));
  b->origins = g_array_new (FALSE, FALSE, sizeof (pb_origin_t));
  b->loc = m->inline_at.line > 0 ? m->inline_at : pb_src_loc (m->src, block_start (m));
  b->cols = detail->col_count;
  b->cells = g_ptr_array_new_with_free_func (pb_block_free);
  b->col_align = g_new0 (pb_cell_align_t, MAX (b->cols, 1));
  m->table = b;
}

/* Cells of the table row on the source line at `off`: its | not escaped by \, those at its
 * ends not parting cells. */
static int
row_cells (const pb_src_t *s, gsize off)
{
  gsize p = skip_blanks (s, pb_src_line_start (s, pb_src_line_index (s, off)));
  gsize end = next_line (s, p);
  while (end > p && strchr (" \t\r\n", s->text[end - 1]))
    end--;
  int pipes = 0;
  for (gsize i = p; i < end; i++)
    if (s->text[i] == '\\')
      i++;
    else if (s->text[i] == '|')
      pipes++;
  gboolean lead = p < end && s->text[p] == '|';
  gboolean trail = end > p + 1 && s->text[end - 1] == '|' && s->text[end - 2] != '\\';
  return pipes + 1 - lead - trail;
}

/* md4c pads a short row and drops what a long one has beyond the header: both are refused.
 * Its column count is the delimiter row's: a header of another count is named as such. md4c
 * goes on after a refusal here, so the first one found stays. */
static int
table_row_end (md_t *m)
{
  if (m->bad)
    return 1;
  if (m->row_first < 0)
    return 0;
  int n = row_cells (m->src, m->row_first);
  if (n == m->table->cols)
    return 0;
  gboolean header = m->table->cells->len <= (guint) m->table->cols;
  if (header)
    m->bad = n < m->table->cols ? "a table header with fewer cells than its delimiter row (|---|)"
                                : "a table header with more cells than its delimiter row (|---|)";
  else
    m->bad = n < m->table->cols ? "a table row with fewer cells than its header"
                                : "a table row with more cells than its header";
  m->bad_off = skip_blanks (m->src, pb_src_line_start (m->src,
                                                       pb_src_line_index (m->src,
                                                                          m->row_first)));
  return 1;
}

/* Whether the source line at `off` is a table's delimiter row: only | - : and blanks, with a
 * - and a |. */
static gboolean
delimiter_row (const pb_src_t *s, gsize off)
{
  gsize end = next_line (s, off);
  gboolean dash = FALSE, pipe = FALSE;
  for (gsize i = off; i < end; i++)
    {
      char c = s->text[i];
      if (!strchr ("|-: \t\r\n", c))
        return FALSE;
      dash = dash || c == '-';
      pipe = pipe || c == '|';
    }
  return dash && pipe;
}

/* Whether the source line at `off` (past its blanks) is a table row: between pipes. */
static gboolean
pipe_row (const pb_src_t *s, gsize off)
{
  gsize end = next_line (s, off);
  while (end > off && strchr (" \t\r\n", s->text[end - 1]))
    end--;
  return end > off + 1 && s->text[off] == '|' && s->text[end - 1] == '|';
}

/* A paragraph that is a pipe table md4c did not take for one: a delimiter row under a row of
 * another number of cells, or rows between pipes with no delimiter row. Refused at the line
 * that makes it so, like a ragged row, rather than set with its pipes as text. */
static int
table_as_paragraph (md_t *m)
{
  const pb_src_t *s = m->src;
  if (m->first < 0 || m->quote > 0 || m->list > 0)
    return 0;
  int first = pb_src_line_index (s, m->first), last = pb_src_line_index (s, m->last_end - 1);
  for (int i = first; i <= last; i++)
    {
      gsize at = skip_blanks (s, pb_src_line_start (s, i));
      gsize above = skip_blanks (s, pb_src_line_start (s, MAX (i - 1, first)));
      if (i > first && delimiter_row (s, at)
          && memchr (s->text + above, '|', next_line (s, above) - above) != NULL)
        {
          int cells = row_cells (s, at), header = row_cells (s, above);
          if (cells == header)
            return md_reject (m, "a table with no blank line above it (a table's header "
                                 "cannot go on a paragraph)", above);
          return md_reject (m, cells > header
                                 ? "a table delimiter row (|---|) with more cells than its header"
                                 : "a table delimiter row (|---|) with fewer cells than its header",
                            at);
        }
      if (i > first && pipe_row (s, at) && pipe_row (s, above))
        return md_reject (m, "a table without its delimiter row (|---|---| under the header)",
                          at);
    }
  return 0;
}

static void
table_cell_end (md_t *m)
{
  g_ptr_array_add (m->table->cells, md_take_block (m, TRUE));
  m->in_block = FALSE;
}

static void
table_end (md_t *m)
{
  pb_block_t *b = g_steal_pointer (&m->table);
  b->rows = b->cols > 0 ? b->cells->len / b->cols : 0;
  g_ptr_array_add (m->blocks, b);
}

/* ---- blocks ---- */

/* The number of a list item, kept as its paragraph's first text: 1. or 1) as typed. */
static void
list_item_begin (md_t *m)
{
  md_begin_text (m, PB_BLOCK_PARA);
  g_string_append_printf (m->text, "%u%c", m->number++, m->delimiter);
}

static int
enter_nested (md_t *m, MD_BLOCKTYPE type, void *detail)
{
  gboolean nested = m->quote > 0 || m->list > 0 || m->table;
  if (type == MD_BLOCK_QUOTE && !nested)
    m->quote++;
  else if (type == MD_BLOCK_OL && !nested)
    {
      const MD_BLOCK_OL_DETAIL *ol = detail;
      m->list++;
      m->number = ol->start;
      m->delimiter = ol->mark_delimiter;
    }
  else if (type == MD_BLOCK_TABLE && !nested)
    table_begin (m, detail);
  else
    return md_reject (m, block_name (type, detail), block_start (m));
  return 0;
}

static int
md_enter_block (MD_BLOCKTYPE type, void *detail, void *data)
{
  md_t *m = data;
  switch (type)
    {
    case MD_BLOCK_DOC:
    case MD_BLOCK_THEAD:
    case MD_BLOCK_TBODY:
      return 0;
    case MD_BLOCK_TR:
      m->row_first = -1;
      return 0;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      if (m->table->cells->len < (guint) m->table->cols)
        m->table->col_align[m->table->cells->len]
          = cell_align (((const MD_BLOCK_TD_DETAIL *) detail)->align);
      md_begin_text (m, PB_BLOCK_PARA);
      return 0;
    case MD_BLOCK_LI:
      list_item_begin (m);
      return 0;
    case MD_BLOCK_P:
      /* A list item's first paragraph goes on after its number; a further one stands alone. */
      if (m->list > 0 && m->in_block && m->first < 0)
        return 0;
      if (m->list > 0 && m->in_block)
        md_finish_block (m);
      md_begin_text (m, m->quote > 0 ? PB_BLOCK_QUOTE : PB_BLOCK_PARA);
      return 0;
    case MD_BLOCK_H:
      if (m->quote > 0 || m->list > 0)
        return md_reject (m, block_name (type, detail), block_start (m));
      md_begin_text (m, PB_BLOCK_SUBHEAD);
      return 0;
    default:
      return enter_nested (m, type, detail);
    }
}

static int
md_leave_block (MD_BLOCKTYPE type, void *detail, void *data)
{
  md_t *m = data;
  switch (type)
    {
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
      table_cell_end (m);
      return 0;
    case MD_BLOCK_TR:
      return table_row_end (m);
    case MD_BLOCK_TABLE:
      table_end (m);
      return 0;
    case MD_BLOCK_QUOTE:
      m->quote--;
      return 0;
    case MD_BLOCK_OL:
      m->list--;
      return 0;
    case MD_BLOCK_P:
      if (table_as_paragraph (m))
        return 1;
      /* fall through */
    case MD_BLOCK_H:
    case MD_BLOCK_LI:
      if (m->in_block)
        md_finish_block (m);
      m->in_block = FALSE;
      m->after_heading = type == MD_BLOCK_H;
      return 0;
    default:
      return 0;
    }
}

static int
md_enter_span (MD_SPANTYPE type, void *detail, void *data)
{
  md_t *m = data;
  if (type == MD_SPAN_STRONG)
    m->strong++;
  else if (type == MD_SPAN_EM)
    m->emph++;
  else if (type == MD_SPAN_U)
    m->dots++;
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
  else if (type == MD_SPAN_U && m->dots > 0)
    m->dots--;
  return 0;
}

/* Adjacent runs with the same markup merge, so spans stay sorted and disjoint; nested
 * bold-in-emphasis becomes its own span with both flags. */
static void
md_append (md_t *m, const char *s, gsize n)
{
  int start = m->text->len;
  g_string_append_len (m->text, s, n);
  /* A tab inside a paragraph is white space like a space (fonts have no glyph for it). */
  for (gsize i = start; i < m->text->len; i++)
    if (m->text->str[i] == '\t')
      m->text->str[i] = ' ';
  unsigned flags = (m->strong ? PB_SPAN_BOLD : 0) | (m->emph ? PB_SPAN_EMPH : 0)
                   | (m->dots ? PB_SPAN_DOTS : 0);
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
  pb_origin_t o = { (int) m->text->len, pb_src_loc (m->src, off) };
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
      if (m->table && m->row_first < 0)
        m->row_first = off;
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
  static const char allowed[] = "only paragraphs, # headings, > pull quotes, tables, numbered "
                                "paragraphs (1. …), **bold**, *楷体* and _emphasis dots_ are";
  pb_loc_t at = pb_src_loc (m->src, m->bad_off);
  if (m->inline_at.line > 0)
    pb_set_error_at (error, PB_ERROR_INVALID, m->inline_at,
                     "%s: %s is not allowed in a body (Markdown line %d, column %d); %s",
                     what, m->bad, at.line, at.col, allowed);
  else
    pb_set_error_at (error, PB_ERROR_INVALID, at, "%s: %s is not allowed in a body; %s", what,
                     m->bad, allowed);
}

gboolean
pb_markdown_parse (const char *text, gsize len, const char *file, pb_loc_t inline_at,
                   const char *what, GPtrArray *blocks, GError **error)
{
  pb_src_t src;
  pb_strip_bom (&text, &len);
  pb_src_init_cr (&src, file ? file : inline_at.file, text, len);
  if (file && !pb_src_check_utf8 (&src, error))
    {
      pb_src_clear (&src);
      return FALSE;
    }
  md_t m = { .src = &src, .blocks = blocks, .first = -1, .row_first = -1 };
  if (!file)
    m.inline_at = inline_at;
  m.text = g_string_new (NULL);
  m.spans = g_array_new (FALSE, FALSE, sizeof (pb_span_t));
  m.origins = g_array_new (FALSE, FALSE, sizeof (pb_origin_t));
  /* Raw HTML stays enabled so that md4c reports it and we can refuse it; with
   * MD_FLAG_NOHTML it would be printed as text. */
  MD_PARSER parser = {
    .abi_version = 0,
    .flags = MD_DIALECT_COMMONMARK | MD_FLAG_TABLES | MD_FLAG_UNDERLINE,
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
    pb_set_error_at (error, PB_ERROR_INVALID, file ? pb_file_loc (file) : inline_at,
                     "%s: the Markdown parser failed", what);
  if (m.table)
    pb_block_free (m.table);
  g_string_free (m.text, TRUE);
  g_array_unref (m.spans);
  g_array_unref (m.origins);
  pb_src_clear (&src);
  return ok;
}

void
pb_block_free (gpointer block)
{
  pb_block_t *b = block;
  g_free (b->text);
  if (b->spans)
    g_array_unref (b->spans);
  if (b->origins)
    g_array_unref (b->origins);
  if (b->cells)
    g_ptr_array_unref (b->cells);
  g_free (b->col_align);
  g_free (b);
}

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
