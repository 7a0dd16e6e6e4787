#include "dump.h"

#include <string.h>

/* Each level of nesting (page > its contents > a line's runs > their glyphs) indents by this. */
#define DUMP_INDENT "  "

/* What a dump is written with: the output and the fonts already described. */
typedef struct {
  GString *out;
  unsigned flags;
  GHashTable *fonts;        /* PangoFont* → its description in the dump, owned */
} dump_t;

static void
indent (dump_t *d, int depth)
{
  for (int i = 0; i < depth; i++)
    g_string_append (d->out, DUMP_INDENT);
}

/* A length with two decimals, the same in every locale; -0.00 is written 0.00 so that a value
 * that rounds to zero from below does not differ from one that rounds from above. */
static const char *
format_number (char buf[G_ASCII_DTOSTR_BUF_SIZE], double v)
{
  g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.2f", v);
  return strcmp (buf, "-0.00") == 0 ? "0.00" : buf;
}

static void
append_number (GString *out, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (out, format_number (buf, v));
}

/* " V" for each value. */
static void
append_numbers (GString *out, const double *v, int n)
{
  for (int i = 0; i < n; i++)
    {
      g_string_append_c (out, ' ');
      append_number (out, v[i]);
    }
}

/* " X Y W H" */
static void
append_rect (GString *out, const pb_rect_t *r)
{
  const double v[] = { r->x, r->y, r->w, r->h };
  append_numbers (out, v, G_N_ELEMENTS (v));
}

/* " KEY=X,Y,W,H" */
static void
append_rect_field (GString *out, const char *key, const pb_rect_t *r)
{
  const double v[] = { r->x, r->y, r->w, r->h };
  g_string_append_printf (out, " %s=", key);
  for (int i = 0; i < 4; i++)
    {
      if (i)
        g_string_append_c (out, ',');
      append_number (out, v[i]);
    }
}

/* A character that would break the dump's line or hide in it is written as an escape. */
static gboolean
needs_escape (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
}

/* "\"TEXT\"": the text in double quotes on one line; \" \\ \n \t \r, other control and
 * line-separating characters as \uXXXX, bytes that are not UTF-8 as \xHH. */
static void
append_quoted (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s ? s : ""; *p;)
    {
      gunichar c = g_utf8_get_char_validated (p, -1);
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02X", (guchar) *p++);
          continue;
        }
      const char *next = g_utf8_next_char (p);
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (c == '\n')
        g_string_append (out, "\\n");
      else if (c == '\t')
        g_string_append (out, "\\t");
      else if (c == '\r')
        g_string_append (out, "\\r");
      else if (needs_escape (c))
        g_string_append_printf (out, "\\u%04X", c);
      else
        g_string_append_len (out, p, next - p);
      p = next;
    }
  g_string_append_c (out, '"');
}

static const char *
or_dash (const char *s)
{
  return s ? s : "-";
}

/* " KEY=N", or " KEY=-" for a negative N (none). */
static void
append_index_field (GString *out, const char *key, int n)
{
  if (n >= 0)
    g_string_append_printf (out, " %s=%d", key, n);
  else
    g_string_append_printf (out, " %s=-", key);
}

/* " font=\"FAMILY\" weight=N size=PT", with " style=italic" or " style=oblique" before the
 * size when the font is slanted: from Pango's description of the font, which names no file. */
static const char *
font_fields (dump_t *d, PangoFont *font)
{
  const char *known = g_hash_table_lookup (d->fonts, font);
  if (known)
    return known;
  PangoFontDescription *desc = pango_font_describe_with_absolute_size (font);
  PangoStyle style = pango_font_description_get_style (desc);
  GString *s = g_string_new (" font=");
  append_quoted (s, pango_font_description_get_family (desc));
  g_string_append_printf (s, " weight=%d", (int) pango_font_description_get_weight (desc));
  if (style == PANGO_STYLE_ITALIC)
    g_string_append (s, " style=italic");
  else if (style == PANGO_STYLE_OBLIQUE)
    g_string_append (s, " style=oblique");
  g_string_append (s, " size=");
  append_number (s, pango_font_description_get_size (desc) / (double) PANGO_SCALE);
  pango_font_description_free (desc);
  char *fields = g_string_free (s, FALSE);
  g_hash_table_insert (d->fonts, font, fields);
  return fields;
}

/* "glyphs GID=CLUSTER@X[,Y] …": the glyph id, the character index in the run's text where its
 * cluster starts, and its position from the line's origin (Y only when off the baseline). */
static void
dump_glyphs (dump_t *d, const pb_line_t *line, const pb_glyph_run_t *run, int depth)
{
  indent (d, depth);
  g_string_append (d->out, "glyphs");
  int cluster = 0, in_cluster = 0, byte = 0, chars = 0;
  for (int i = 0; i < run->n_glyphs; i++)
    {
      /* The next cluster once this one's glyphs are used up (clusters run forward). */
      while (cluster < run->n_clusters && in_cluster >= run->clusters[cluster].num_glyphs)
        {
          int len = run->clusters[cluster].num_bytes;
          if (byte + len <= run->text_len)
            chars += g_utf8_strlen (run->text + byte, len);
          byte += len;
          cluster++;
          in_cluster = 0;
        }
      in_cluster++;
      const cairo_glyph_t *g = &run->glyphs[i];
      g_string_append_printf (d->out, " %lu=%d@", g->index, chars);
      append_number (d->out, g->x - line->x);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      const char *y = format_number (buf, g->y - line->baseline);
      if (strcmp (y, "0.00") != 0)
        g_string_append_printf (d->out, ",%s", y);
    }
  g_string_append_c (d->out, '\n');
}

/* "run X glyphs=N font=… [rotated=1] \"TEXT\"": X is the first glyph's, from the line's
 * origin; the text is left out when the run holds the whole line (the line has it). */
static void
dump_run (dump_t *d, const pb_line_t *line, const pb_glyph_run_t *run, int depth)
{
  indent (d, depth);
  g_string_append (d->out, "run");
  const double x = run->n_glyphs ? run->glyphs[0].x - line->x : 0;
  append_numbers (d->out, &x, 1);
  g_string_append_printf (d->out, " glyphs=%d%s%s", run->n_glyphs, font_fields (d, run->font),
                          run->rotated ? " rotated=1" : "");
  g_autofree char *text = g_strndup (run->text ? run->text : "", run->text_len);
  if (line->runs->len != 1 || g_strcmp0 (text, line->text) != 0)
    {
      g_string_append_c (d->out, ' ');
      append_quoted (d->out, text);
    }
  g_string_append_c (d->out, '\n');
  if (d->flags & PB_DUMP_GLYPHS)
    dump_glyphs (d, line, run, depth + 1);
}

/* "line ROLE X BASELINE MEASURE WIDTH story=… block=… line_no=… para_end=… column=… size=…
 * color=… link_page=… [vertical=1] \"TEXT\"", the column from 1 as in the issue. */
static void
dump_line (dump_t *d, const pb_line_t *line, int depth)
{
  indent (d, depth);
  const char *role = line->role < PB_ROLE_COUNT ? pb_role_names[line->role] : "?";
  g_string_append_printf (d->out, "line %s", role);
  const double v[] = { line->x, line->baseline, line->measure, line->width };
  append_numbers (d->out, v, G_N_ELEMENTS (v));
  g_string_append_printf (d->out, " story=%s", or_dash (line->story_id));
  append_index_field (d->out, "block", line->block);
  g_string_append_printf (d->out, " line_no=%d para_end=%d", line->line_no,
                          line->para_end ? 1 : 0);
  append_index_field (d->out, "column", line->column >= 0 ? line->column + 1 : -1);
  g_string_append (d->out, " size=");
  append_number (d->out, line->size);
  g_string_append_printf (d->out, " color=#%06X link_page=%d%s", line->color & 0xFFFFFF,
                          line->link_page, line->vertical ? " vertical=1" : "");
  g_string_append_c (d->out, ' ');
  append_quoted (d->out, line->text);
  g_string_append_c (d->out, '\n');
  for (guint i = 0; i < line->runs->len; i++)
    dump_run (d, line, line->runs->pdata[i], depth + 1);
  for (guint i = 0; line->dots && i < line->dots->len; i++)
    {
      const pb_dot_t *dot = &g_array_index (line->dots, pb_dot_t, i);
      const double v[] = { dot->x, dot->y, dot->r };
      indent (d, depth + 1);
      g_string_append (d->out, "dot");
      append_numbers (d->out, v, G_N_ELEMENTS (v));
      g_string_append_c (d->out, '\n');
    }
}

static void
dump_item (dump_t *d, const pb_placed_item_t *item, int depth)
{
  indent (d, depth);
  g_string_append_printf (d->out, "item %s", item->kind == PB_ITEM_STORY ? "story" : "guide");
  append_rect (d->out, &item->area);
  g_string_append_printf (d->out, " story=%s overset=%d", or_dash (item->story_id),
                          item->overset_chars);
  if (pb_copyfit_changed (&item->fit))
    g_string_append_printf (d->out, " copyfit=photo%+d,headline%+dpt,heading%+d,subheads%+d",
                            item->fit.photo_lines,
                            item->fit.headline_steps * PB_COPYFIT_HEADLINE_STEP,
                            item->fit.heading_lines, item->fit.subhead_lines);
  if (item->inset > 0)
    g_string_append_printf (d->out, " inset=%d", item->inset);
  g_string_append_c (d->out, '\n');
}

static void
dump_image (dump_t *d, const pb_image_t *image, int depth)
{
  indent (d, depth);
  g_string_append (d->out, "photo");
  append_rect (d->out, &image->frame);
  g_string_append_printf (d->out, " story=%s", or_dash (image->story_id));
  append_rect_field (d->out, "crop", &image->src);
  g_string_append (d->out, " focus=");
  if (image->photo && image->photo->has_focus)
    {
      append_number (d->out, image->photo->focus_x);
      g_string_append_c (d->out, ',');
      append_number (d->out, image->photo->focus_y);
    }
  else
    g_string_append (d->out, "-");
  g_autofree char *name = image->photo ? g_path_get_basename (image->photo->file) : NULL;
  g_string_append (d->out, " file=");
  append_quoted (d->out, name ? name : "");
  if (image->mask)
    g_string_append_printf (d->out, " color=#%06X", image->color);
  g_string_append_c (d->out, '\n');
}

static void
dump_rule (dump_t *d, const pb_rule_t *rule, int depth)
{
  indent (d, depth);
  g_string_append (d->out, "rule");
  const double v[] = { rule->x0, rule->y0, rule->x1, rule->y1 };
  append_numbers (d->out, v, G_N_ELEMENTS (v));
  g_string_append (d->out, " width=");
  append_number (d->out, rule->width);
  if (rule->color)
    g_string_append_printf (d->out, " color=#%06X", rule->color);
  g_string_append_c (d->out, '\n');
}

/* A guide box's frame as its rectangle; a story's box and a pull quote's with its style,
 * inset, colour, tint and reversed bar. */
static void
dump_box (dump_t *d, const pb_box_t *box, int depth)
{
  indent (d, depth);
  g_string_append (d->out, "box");
  append_rect (d->out, &box->rect);
  if (box->inset > 0 || box->kind == PB_FRAME_QUOTE)
    {
      g_string_append_printf (d->out, " style=%s inset=%d color=#%06X tint=",
                              pb_box_style_names[box->style], box->inset, box->color);
      append_number (d->out, box->tint);
      if (box->bar.w > 0)
        append_rect_field (d->out, "bar", &box->bar);
    }
  g_string_append_c (d->out, '\n');
}

static void
dump_page (dump_t *d, const pb_page_layout_t *page)
{
  g_string_append_printf (d->out, "page %d", page->number);
  const double v[] = { page->width, page->height };
  append_numbers (d->out, v, G_N_ELEMENTS (v));
  append_rect_field (d->out, "type_area", &page->type_area);
  g_string_append (d->out, " grid_top=");
  append_number (d->out, page->grid_top);
  g_string_append (d->out, " template=");
  append_quoted (d->out, page->tmpl && page->tmpl->name ? page->tmpl->name : "");
  g_string_append (d->out, " section=");
  append_quoted (d->out, page->plan && page->plan->section ? page->plan->section : "");
  g_string_append_c (d->out, '\n');
  for (guint i = 0; i < page->items->len; i++)
    dump_item (d, page->items->pdata[i], 1);
  for (guint i = 0; i < page->images->len; i++)
    dump_image (d, page->images->pdata[i], 1);
  for (guint i = 0; i < page->rules->len; i++)
    dump_rule (d, page->rules->pdata[i], 1);
  for (guint i = 0; i < page->boxes->len; i++)
    dump_box (d, page->boxes->pdata[i], 1);
  for (guint i = 0; i < page->lines->len; i++)
    dump_line (d, page->lines->pdata[i], 1);
}

/* "warning \"TEXT\"": the layout's warnings, the issue file named without its folder. */
static void
dump_warnings (dump_t *d, const pb_layout_t *layout)
{
  const char *path = layout->issue ? layout->issue->path : NULL;
  g_autofree char *name = path ? g_path_get_basename (path) : NULL;
  size_t n = path ? strlen (path) : 0;
  for (guint i = 0; i < layout->warnings->len; i++)
    {
      const char *w = layout->warnings->pdata[i];
      g_autofree char *text = n && strncmp (w, path, n) == 0 && w[n] == ':'
                                ? g_strconcat (name, w + n, NULL) : g_strdup (w);
      g_string_append (d->out, "warning ");
      append_quoted (d->out, text);
      g_string_append_c (d->out, '\n');
    }
}

char *
pb_layout_dump (const pb_layout_t *layout, unsigned flags)
{
  dump_t d = { g_string_new (NULL), flags,
               g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free) };
  for (guint i = 0; i < layout->pages->len; i++)
    dump_page (&d, layout->pages->pdata[i]);
  dump_warnings (&d, layout);
  g_hash_table_destroy (d.fonts);
  return g_string_free (d.out, FALSE);
}
