/* Set-up and invariant checks shared by the fuzz targets: see fuzz.h. */
#include "config.h"
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "layout.h"
#include "paint.h"

static fz_env_t env;

/* Files a target may leave in the folder between inputs; anything else is a leftover. */
static const char *const fixture_files[] = {
  "tmpl.json", "lead.md", "photo.jpg", "photo.png", NULL
};
static const char *const output_files[] = {
  "fuzz.json", "body.md", "fuzz.img", "out.pdf", "png", NULL
};

void
fz_fail (const char *file, int line, const char *cond, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fprintf (stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
  vfprintf (stderr, fmt, ap);
  fputc ('\n', stderr);
  va_end (ap);
  abort ();
}

/* GLib criticals and warnings from our code or the libraries mean that some input reached a
 * path it should not (a g_return_if_fail guard, a Pango complaint): a finding, so abort.
 * Messages are dropped to keep output short. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (level, fields, n_fields, data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static const char *
source_root (void)
{
  const char *env_dir = g_getenv ("PAIBAN_DATADIR");
  return env_dir && *env_dir ? env_dir : PAIBAN_SOURCE_DATADIR;
}

/* Shared memory when we may choose: pb_paint_pdf fsyncs every file, which costs
 * milliseconds per input on a disk. */
static char *
make_dir (void)
{
  if (!g_getenv ("TMPDIR") && g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR)
      && access ("/dev/shm", W_OK) == 0)
    {
      char *dir = g_strdup ("/dev/shm/paiban-fuzz-XXXXXX");
      if (g_mkdtemp (dir))
        return dir;
      g_free (dir);
    }
  char *dir = g_dir_make_tmp ("paiban-fuzz-XXXXXX", NULL);
  if (!dir)
    fz_fail (__FILE__, __LINE__, "dir", "cannot make a temporary folder");
  return dir;
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      if (d)
        g_dir_close (d);
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
cleanup (void)
{
  if (env.dir)
    remove_tree (env.dir);
  if (env.fonts)
    pb_fonts_unref (env.fonts);
  g_clear_pointer (&env.dir, g_free);
  g_clear_pointer (&env.datadir, g_free);
}

static void
copy_fixture (void)
{
  for (guint i = 0; fixture_files[i]; i++)
    {
      g_autofree char *from = g_build_filename (env.datadir, "tests", "fuzz", "fixture",
                                                fixture_files[i], NULL);
      g_autofree char *buf = NULL;
      gsize len;
      if (!g_file_get_contents (from, &buf, &len, NULL))
        fz_fail (__FILE__, __LINE__, "fixture", "cannot read %s (set PAIBAN_DATADIR to the "
                 "source tree)", from);
      g_free (fz_write (fixture_files[i], buf, len));
    }
}

const fz_env_t *
fz_setup (gboolean fonts)
{
  if (env.dir)
    return &env;
  g_log_set_writer_func (log_writer, NULL, NULL);
  env.datadir = g_strdup (source_root ());
  env.dir = make_dir ();
  atexit (cleanup);
  copy_fixture ();
  if (fonts)
    {
      GError *error = NULL;
      env.fonts = pb_fonts_new (env.datadir, &error);
      if (!env.fonts)
        fz_fail (__FILE__, __LINE__, "fonts", "%s", error->message);
    }
  return &env;
}

char *
fz_write (const char *name, const void *data, size_t size)
{
  char *path = g_build_filename (env.dir, name, NULL);
  GError *error = NULL;
  if (!g_file_set_contents (path, data, size, &error))
    fz_fail (__FILE__, __LINE__, "write", "%s", error->message);
  return path;
}

/* PAIBAN_FUZZ_VERBOSE=1 prints each call's outcome (as TAP comments): to see how far the
 * inputs of a corpus get. */
void
fz_check_error (gboolean ok, GError **error, const char *call)
{
  static int verbose = -1;
  if (verbose < 0)
    verbose = g_getenv ("PAIBAN_FUZZ_VERBOSE") != NULL;
  if (verbose)
    printf ("# %s: %s\n", call, ok ? "ok" : *error ? (*error)->message : "(no error)");
  if (ok)
    fz_check (*error == NULL, "%s succeeded but set an error: %s", call, (*error)->message);
  else
    {
      fz_check (*error != NULL, "%s failed without an error", call);
      fz_check ((*error)->domain == PB_ERROR, "%s: error of a foreign domain: %s", call,
                (*error)->message);
      fz_check ((*error)->message && *(*error)->message, "%s: empty error message", call);
      fz_check (g_utf8_validate ((*error)->message, -1, NULL),
                "%s: error message is not UTF-8: %s", call, g_strescape ((*error)->message, NULL));
    }
  g_clear_error (error);
}

static gboolean
listed (const char *const *list, const char *name)
{
  for (; list && *list; list++)
    if (strcmp (*list, name) == 0)
      return TRUE;
  return FALSE;
}

void
fz_check_no_leftovers (const char *const *also)
{
  GDir *d = g_dir_open (env.dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    fz_check (listed (fixture_files, name) || listed (output_files, name) || listed (also, name),
              "file \"%s\" left in the output folder", name);
  if (d)
    g_dir_close (d);
  g_autofree char *png = g_build_filename (env.dir, "png", NULL);
  d = g_dir_open (png, 0, NULL);
  while (d && (name = g_dir_read_name (d)))
    fz_check (g_str_has_prefix (name, "page-") && g_str_has_suffix (name, ".png"),
              "file \"png/%s\" left in the PNG folder", name);
  if (d)
    g_dir_close (d);
}

static void
check_layout (const pb_issue_t *issue, const pb_layout_t *layout)
{
  guint made_here = 0;
  for (guint i = 0; i < issue->pages->len; i++)
    made_here += !((const pb_page_t *) issue->pages->pdata[i])->elsewhere;
  fz_check (layout->pages->len == made_here, "%u pages laid out, %u planned",
            layout->pages->len, made_here);
  for (guint i = 0; i < layout->pages->len; i++)
    {
      const pb_page_layout_t *page = layout->pages->pdata[i];
      for (guint k = 0; k < page->items->len; k++)
        {
          const pb_placed_item_t *it = page->items->pdata[k];
          fz_check (it->overset_chars >= 0, "negative overset %d", it->overset_chars);
        }
      for (guint k = 0; k < page->lines->len; k++)
        {
          const pb_line_t *line = page->lines->pdata[k];
          fz_check (!line->text || g_utf8_validate (line->text, -1, NULL),
                    "line text is not UTF-8");
        }
    }
}

/* PAIBAN_FUZZ_KEEP=DIR copies each input's outputs there as NNNN.pdf and NNNN-page-XX.png,
 * numbered in the order the inputs run: tools/output-hashes.sh compares them across a change
 * that must not alter any output byte. */
static void
keep_outputs (const char *pdf, const char *png)
{
  static int count;
  const char *keep = g_getenv ("PAIBAN_FUZZ_KEEP");
  if (!keep || !*keep)
    return;
  int n = count++;
  g_autofree char *to = g_strdup_printf ("%s/%04d.pdf", keep, n);
  g_autofree char *data = NULL;
  gsize len;
  if (g_file_get_contents (pdf, &data, &len, NULL))
    g_file_set_contents (to, data, len, NULL);
  GDir *d = g_dir_open (png, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *from = g_build_filename (png, name, NULL);
      g_autofree char *dest = g_strdup_printf ("%s/%04d-%s", keep, n, name);
      g_autofree char *bytes = NULL;
      if (g_file_get_contents (from, &bytes, &len, NULL))
        g_file_set_contents (dest, bytes, len, NULL);
    }
  if (d)
    g_dir_close (d);
}

/* Writes the PDF and low-resolution PNG proofs, then removes them so that the next input
 * cannot pick them up as photos. */
static void
paint (const pb_layout_t *layout)
{
  g_autofree char *pdf = g_build_filename (env.dir, "out.pdf", NULL);
  g_autofree char *png = g_build_filename (env.dir, "png", NULL);
  pb_pdf_info_t info = { .title = "fuzz", .author = "fuzz" };
  GError *error = NULL;
  gboolean ok = pb_paint_pdf (layout, &info, pdf, &error);
  fz_check_error (ok, &error, "pb_paint_pdf");
  fz_check (!ok || g_file_test (pdf, G_FILE_TEST_IS_REGULAR), "no PDF after success");
  ok = pb_paint_png (layout, png, 10, &error);
  fz_check_error (ok, &error, "pb_paint_png");
  fz_check_no_leftovers (NULL);
  keep_outputs (pdf, png);
  remove_tree (pdf);
  remove_tree (png);
}

void
fz_layout_and_paint (const pb_issue_t *issue, gboolean paint_too)
{
  GError *error = NULL;
  pb_layout_t *layout = pb_layout_issue (issue, env.fonts, &error);
  fz_check_error (layout != NULL, &error, "pb_layout_issue");
  if (!layout)
    return;
  check_layout (issue, layout);
  if (paint_too)
    paint (layout);
  pb_layout_free (layout);
}

static void
check_text (const char *s, const char *what)
{
  fz_check (!s || g_utf8_validate (s, -1, NULL), "%s is not UTF-8", what);
}

static void check_block (const pb_block_t *b, gboolean cell);

/* A table: rows × cols cells, each a paragraph (empty ones too). */
static void
check_table (const pb_block_t *b)
{
  fz_check (b->cols > 0 && b->rows > 0 && b->cells
              && (int) b->cells->len == b->rows * b->cols,
            "a table of %d × %d with %u cells", b->rows, b->cols, b->cells ? b->cells->len : 0);
  for (guint i = 0; i < b->cells->len; i++)
    check_block (b->cells->pdata[i], TRUE);
}

static void
check_block (const pb_block_t *b, gboolean cell)
{
  check_text (b->text, "block text");
  int len = strlen (b->text), prev_end = 0;
  if (b->kind == PB_BLOCK_TABLE)
    {
      check_table (b);
      return;
    }
  fz_check (len > 0 || cell, "empty block kept");
  for (guint i = 0; i < b->spans->len; i++)
    {
      const pb_span_t *sp = &g_array_index (b->spans, pb_span_t, i);
      fz_check (sp->start >= prev_end && sp->start < sp->end && sp->end <= len,
                "span %u [%d, %d) of a block of %d bytes (previous ends at %d)", i, sp->start,
                sp->end, len, prev_end);
      fz_check (((guchar) b->text[sp->start] & 0xc0) != 0x80
                && (sp->end == len || ((guchar) b->text[sp->end] & 0xc0) != 0x80),
                "span %u [%d, %d) cuts a character", i, sp->start, sp->end);
      fz_check (sp->flags
                  && !(sp->flags & ~(unsigned) (PB_SPAN_BOLD | PB_SPAN_EMPH | PB_SPAN_DOTS)),
                "span %u has flags %#x", i, sp->flags);
      prev_end = sp->end;
    }
}

static void
check_story (const pb_story_t *s)
{
  const char *const texts[] = { s->id, s->headline, s->kicker, s->subtitle, s->dateline,
                                s->author };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    check_text (texts[i], "story text");
  fz_check (s->headline && *s->headline, "story \"%s\" without a headline", s->id);
  for (guint i = 0; i < s->blocks->len; i++)
    check_block (s->blocks->pdata[i], FALSE);
  for (guint i = 0; i < s->photos->len; i++)
    {
      const pb_photo_t *ph = s->photos->pdata[i];
      fz_check (ph->file && ph->caption, "photo without a file or caption");
      check_text (ph->caption, "caption");
      check_text (ph->credit, "credit");
    }
}

static void
check_item (const pb_issue_t *issue, const pb_page_t *p, const pb_item_t *it)
{
  const pb_template_t *t = p->tmpl;
  int avail = t->lines - pb_page_head_lines (p);
  fz_check (avail >= 1, "page %d has %d lines for items", p->number, avail);
  if (it->auto_place) /* the layout places it; height 0 is "as its text needs" */
    fz_check (it->span >= 1 && it->span <= t->columns && it->height >= 0
              && it->height <= avail, "automatic item of span %d, height %d", it->span,
              it->height);
  else
    {
      fz_check (it->column >= 0 && it->span >= 1 && it->column + it->span <= t->columns,
                "item columns %d+%d on a %d-column page", it->column, it->span, t->columns);
      fz_check (it->top >= 0 && it->height >= 1 && it->top + it->height <= avail,
                "item lines %d+%d on a page of %d lines", it->top, it->height, avail);
    }
  if (it->kind == PB_ITEM_STORY)
    fz_check (g_hash_table_contains (issue->story_by_id, it->story_id),
              "item names unknown story \"%s\"", it->story_id);
  else
    {
      fz_check (it->guide_entries && it->guide_entries->len > 0, "guide without entries");
      check_text (it->guide_title, "guide title");
      for (guint i = 0; i < it->guide_entries->len; i++)
        check_text (((const pb_guide_entry_t *) it->guide_entries->pdata[i])->title,
                    "guide entry");
    }
}

void
fz_check_issue (const pb_issue_t *issue)
{
  fz_check (issue->pages->len > 0, "an issue without pages");
  check_text (issue->paper, "paper");
  check_text (issue->paper_en, "paper_en");
  check_text (issue->date, "date");
  for (guint i = 0; i < issue->masthead_lines->len; i++)
    check_text (issue->masthead_lines->pdata[i], "masthead line");
  for (guint i = 0; i < issue->stories->len; i++)
    check_story (issue->stories->pdata[i]);
  for (guint i = 0; i < issue->pages->len; i++)
    {
      const pb_page_t *p = issue->pages->pdata[i];
      fz_check (p->tmpl != NULL, "page %d without a template", p->number);
      fz_check (p->tmpl->lines >= 3 && p->tmpl->columns >= 1, "template with %d lines, %d "
                "columns", p->tmpl->lines, p->tmpl->columns);
      check_text (p->section, "section");
      for (guint k = 0; p->credits && k < p->credits->len; k++)
        {
          const pb_credit_t *c = p->credits->pdata[k];
          check_text (c->key, "credit key");
          check_text (c->value, "credit value");
        }
      for (guint k = 0; p->items && k < p->items->len; k++)
        check_item (issue, p, p->items->pdata[k]);
    }
  for (guint i = 0; i < issue->warnings->len; i++)
    check_text (issue->warnings->pdata[i], "warning");
}
