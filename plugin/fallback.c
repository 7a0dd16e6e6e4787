#include "fallback.h"

typedef struct {
  const pb_issue_t *issue;
  pb_fonts_t *fonts;
  GArray *found;
} scan_t;

/* The characters of `text` that `style` sets from its fallback chain; `block` gives their
 * own positions (NULL: all at `loc`). */
static void
scan_text (scan_t *sc, const pb_story_t *story, pb_role_t role, const char *text,
           const pb_block_t *block, pb_loc_t loc)
{
  const pb_template_t *t = sc->issue->templates->pdata[0];
  const pb_style_t *style = &t->styles[role];
  if (!text)
    return;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *font = c > ' ' ? pb_fonts_fallback_for (sc->fonts, style, c) : NULL;
      if (!font)
        continue;
      pb_fallback_t f = { story->id, pb_role_names[role],
                          block ? pb_block_loc_at (block, p - text) : loc, c, font,
                          style->font };
      g_array_append_val (sc->found, f);
    }
}

static void
scan_story (scan_t *sc, const pb_story_t *s)
{
  /* The headline group and the lines around the body have no position of their own but
   * the headline's or the story's. */
  scan_text (sc, s, PB_ROLE_KICKER, s->kicker, NULL, s->loc);
  scan_text (sc, s, PB_ROLE_HEADLINE, s->headline, NULL, s->headline_loc);
  scan_text (sc, s, PB_ROLE_SUBTITLE, s->subtitle, NULL, s->loc);
  scan_text (sc, s, PB_ROLE_BYLINE, s->byline, NULL, s->loc);
  scan_text (sc, s, PB_ROLE_DATELINE, s->dateline, NULL, s->loc);
  for (guint i = 0; i < s->blocks->len; i++)
    {
      const pb_block_t *b = s->blocks->pdata[i];
      scan_text (sc, s, b->kind == PB_BLOCK_SUBHEAD ? PB_ROLE_SUBHEAD : PB_ROLE_BODY, b->text,
                 b, b->loc);
    }
  scan_text (sc, s, PB_ROLE_CREDIT, s->credit, NULL, s->loc);
  for (guint i = 0; i < s->photos->len; i++)
    {
      const pb_photo_t *ph = s->photos->pdata[i];
      scan_text (sc, s, PB_ROLE_CAPTION, ph->caption, NULL, ph->loc);
    }
}

GArray *
pb_find_fallbacks (const pb_issue_t *issue, pb_fonts_t *fonts)
{
  scan_t sc = { issue, fonts, g_array_new (FALSE, FALSE, sizeof (pb_fallback_t)) };
  for (guint i = 0; issue->templates->len && i < issue->stories->len; i++)
    scan_story (&sc, issue->stories->pdata[i]);
  return sc.found;
}

char *
pb_fallback_message (const pb_fallback_t *f)
{
  char ch[8] = { 0 };
  g_unichar_to_utf8 (f->c, ch);
  return g_strdup_printf ("%s:%d:%d: story \"%s\": U+%04X “%s” (%s) is set in the fallback "
                          "font %s: %s has no glyph for it", f->loc.file, f->loc.line,
                          f->loc.col, f->story, f->c, ch, f->role, f->font, f->primary);
}

static void
font_file_free (gpointer p)
{
  pb_font_file_t *f = p;
  g_free (f->family);
  g_free (f->file);
  g_free (f);
}

static void
add_font_file (GPtrArray *files, GHashTable *seen, pb_fonts_t *fonts, const char *family,
               int weight)
{
  char *key = g_strdup_printf ("%s|%d", family, weight);
  if (!g_hash_table_add (seen, key))
    return;
  pb_font_file_t *f = g_new0 (pb_font_file_t, 1);
  *f = (pb_font_file_t) { g_strdup (family), weight, pb_fonts_file (fonts, family, weight) };
  g_ptr_array_add (files, f);
}

GPtrArray *
pb_font_files (const pb_issue_t *issue, pb_fonts_t *fonts)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (font_file_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < issue->templates->len; i++)
    {
      const pb_template_t *t = issue->templates->pdata[i];
      for (int r = 0; r < PB_ROLE_COUNT; r++)
        {
          const pb_style_t *st = &t->styles[r];
          add_font_file (files, seen, fonts, st->font, st->weight);
          g_auto (GStrv) chain = g_strsplit (st->fallback ? st->fallback : "", ",", -1);
          for (guint k = 0; chain[k]; k++)
            if (*chain[k])
              add_font_file (files, seen, fonts, chain[k], st->weight);
        }
    }
  return files;
}
