/* Fuzz target: a whole render. When an input is loaded, it is laid out and written as PDF
 * and PNG proofs (10 dpi) into the private folder. Fonts are loaded once.
 *
 * Two kinds of input: one that starts with '{' or white space is issue JSON, as for
 * fuzz-issue; most of its mutations fail in the loader. Any other input is read as a list of
 * choices from which an issue is built that the loader accepts far more often: templates,
 * stories, pages, items with their grid positions, photos, guide boxes, continuations,
 * automatic placement, pools and sections for automatic makeup, fillers. That mode is what
 * takes the fuzzer deep into the layout. */
#include "fuzz.h"

#include <string.h>

static const fz_env_t *env;

/* Geometry of the templates the generator uses, read at start-up. */
typedef struct {
  const char *name;  /* as the issue names it */
  int columns, lines, masthead_lines, folio_lines;
} fz_tmpl_t;

static fz_tmpl_t templates[] = {
  { .name = "tmpl.json" }, { .name = "tabloid" }, { .name = "broadsheet" },
};

static const char *const headlines[] = {
  "主题", "广东积极建立城市房地产融资协调机制", "A Latin headline, 2024", "“引号”与（括号）——破折号……",
  "很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题很长的标题",
};

static const char *const paragraphs[] = {
  "正文。",
  "记者从有关部门获悉，全省**重点项目**建设进展顺利，*一季度*完成投资超过计划。",
  "### 小标题",
  "数字 2024 年 3 月，英文 Guangdong Construction News，混排 ABC123 测试。",
  "“引号”（括号）《书名号》，逗号。顿号、分号；冒号：问号？叹号！省略号……破折号——结束。",
  "#",
  "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
};

typedef struct {
  const uint8_t *p;
  size_t n;
} fz_bytes_t;

/* The next choice in [0, range); 0 once the input is used up. */
static int
take (fz_bytes_t *b, int range)
{
  if (range <= 1 || b->n == 0)
    return 0;
  int v = *b->p;
  b->p++, b->n--;
  return v % range;
}

static void
load_geometry (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      fz_tmpl_t *t = &templates[i];
      g_autofree char *path = g_str_has_suffix (t->name, ".json")
        ? g_build_filename (env->dir, t->name, NULL)
        : g_strdup_printf ("%s/layouts/%s.json", env->datadir, t->name);
      GError *error = NULL;
      pb_template_t *tmpl = pb_template_load_file (path, NULL, &error);
      if (!tmpl)
        fz_fail (__FILE__, __LINE__, "template", "%s", error->message);
      *t = (fz_tmpl_t) { t->name, tmpl->columns, tmpl->lines, tmpl->masthead_lines,
                         tmpl->styles[PB_ROLE_FOLIO].lines };
      pb_template_free (tmpl);
    }
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  env = fz_setup (TRUE);
  load_geometry ();
  return 0;
}

static void
gen_body (fz_bytes_t *b, GString *j)
{
  int kind = take (b, 4);
  if (kind == 0)
    {
      g_string_append (j, ", \"body_file\": \"lead.md\"");
      return;
    }
  /* Paragraphs from the pool, many of them for kind 3: text to overset and continue. */
  int n = 1 + take (b, kind == 3 ? 60 : 6);
  g_string_append (j, ", \"body\": \"");
  for (int i = 0; i < n; i++)
    g_string_append_printf (j, "%s%s", i ? "\\n\\n" : "",
                            paragraphs[take (b, G_N_ELEMENTS (paragraphs))]);
  g_string_append_c (j, '"');
}

static void
gen_story (fz_bytes_t *b, GString *j, int index, gboolean filler)
{
  g_string_append_printf (j, "%s{ \"id\": \"s%d\", \"headline\": \"%s\"%s", index ? ", " : "",
                          index, headlines[take (b, G_N_ELEMENTS (headlines))],
                          filler ? ", \"filler\": true" : "");
  if (take (b, 2))
    g_string_append (j, ", \"kicker\": \"引题文字\"");
  if (take (b, 3) == 0)
    g_string_append (j, ", \"subtitle\": \"副题文字\"");
  if (take (b, 2))
    g_string_append (j, ", \"dateline\": \"本报讯 记者报道：\"");
  gen_body (b, j);
  int photo = take (b, 3);
  if (photo)
    {
      g_string_append_printf (j, ", \"photos\": [ { \"file\": \"%s\", \"caption\": \"图片说明\"%s }",
                              photo == 1 ? "photo.jpg" : "photo.png",
                              take (b, 2) ? ", \"credit\": \"记者摄\"" : "");
      /* Photos after the first: inside the text or in a group (the page elements). */
      for (int k = take (b, 4); k > 0; k--)
        g_string_append_printf (j, ", { \"file\": \"%s\", \"caption\": \"说明\" }",
                                take (b, 2) ? "photo.jpg" : "photo.png");
      g_string_append (j, " ]");
      if (take (b, 2))
        g_string_append (j, ", \"group_caption\": \"组图说明\"");
    }
  g_string_append (j, " }");
}

/* A grid position inside the page, or none (automatic placement). */
static void
gen_place (fz_bytes_t *b, GString *j, const fz_tmpl_t *t, int avail, int *span)
{
  if (take (b, 4) == 0)
    {
      *span = 1 + take (b, t->columns);
      g_string_append_printf (j, ", \"span\": %d", *span);
      if (take (b, 2))
        g_string_append_printf (j, ", \"height\": %d", 1 + take (b, MAX (avail, 1)));
      return;
    }
  int column = 1 + take (b, t->columns);
  *span = 1 + take (b, t->columns - column + 1);
  int top = take (b, MAX (avail, 1));
  int height = 1 + take (b, MAX (avail - top, 1));
  g_string_append_printf (j, ", \"column\": %d, \"span\": %d, \"top\": %d, \"height\": %d",
                          column, *span, top, height);
}

/* The page elements of a story item: a box, column rules, a photo inside the text, a group. */
static void
gen_elements (fz_bytes_t *b, GString *j, int span)
{
  static const char *const boxes[] = { "single", "double", "thick-thin", "dots", "wave",
                                       "diamonds" };
  int box = take (b, 2 * G_N_ELEMENTS (boxes));
  if (box > 0 && box <= (int) G_N_ELEMENTS (boxes))
    g_string_append_printf (j, ", \"box\": { \"style\": \"%s\", \"inset\": %d, \"tint\": %d, "
                            "\"bar\": %s, \"color\": \"#C00000\" }", boxes[box - 1],
                            1 + take (b, 2), take (b, 30), take (b, 2) ? "true" : "false");
  if (take (b, 3) == 1)
    g_string_append_printf (j, ", \"column_rules\": %s", take (b, 2) ? "true" : "false");
  int inset = take (b, 4);
  if (inset == 1)
    g_string_append_printf (j, ", \"inset_photos\": [ { \"column\": %d, \"line\": %d, "
                            "\"span\": %d } ]", 1 + take (b, span), take (b, 40),
                            1 + take (b, span));
  else if (inset == 2)
    g_string_append_printf (j, ", \"photo\": { \"group\": \"%s\" }",
                            take (b, 2) ? "row" : "grid");
}

static void
gen_item (fz_bytes_t *b, GString *j, const fz_tmpl_t *t, int avail, int stories, int index)
{
  int span = 1;
  g_string_append_printf (j, "%s{ ", index ? ", " : "");
  if (take (b, 5) == 0)
    {
      int entries = 1 + take (b, 3);
      g_string_append (j, "\"guide\": { \"entries\": [");
      for (int e = 0; e < entries; e++)
        g_string_append_printf (j, "%s{ \"story\": \"s%d\", \"title\": \"导读\\n条目\" }",
                                e ? ", " : "", take (b, stories));
      g_string_append (j, "] }");
      gen_place (b, j, t, avail, &span);
    }
  else
    {
      g_string_append_printf (j, "\"story\": \"s%d\"", take (b, stories));
      gen_place (b, j, t, avail, &span);
      if (take (b, 3) == 0)
        g_string_append_printf (j, ", \"photo\": { \"span\": %d, \"side\": \"%s\" }",
                                1 + take (b, span), take (b, 2) ? "left" : "right");
      if (take (b, 4) == 0)
        g_string_append_printf (j, ", \"headline_size\": %d", 8 + take (b, 60));
      gen_elements (b, j, span);
    }
  g_string_append (j, " }");
}

/* The stories of the issue: those items and guide boxes name (s0 … items − 1), those the
 * pools or sections arrange (the next `pooled`), the fillers (the last `fillers`). */
typedef struct {
  int items, pooled, fillers;
} fz_cast_t;

/* A range [lo, hi] within 0 … most, or a single value. */
static void
gen_range (fz_bytes_t *b, GString *j, const char *key, int least, int most)
{
  int lo = least + take (b, most - least + 1), hi = lo + take (b, most - lo + 1);
  if (take (b, 2))
    g_string_append_printf (j, ", \"%s\": [%d, %d]", key, lo, hi);
  else
    g_string_append_printf (j, ", \"%s\": %d", key, lo);
}

/* A pool of the stories s`first` … s`first + n − 1`, each a story id or an entry with the keys
 * automatic makeup reads; in a section, `continue` and `keep_with` too, and a pin's page
 * among `pages` from `first_page`. */
static void
gen_pool (fz_bytes_t *b, GString *j, const fz_tmpl_t *t, int avail, int first, int n,
          int first_page, int pages)
{
  g_string_append (j, ", \"pool\": [");
  for (int i = 0; i < n; i++)
    {
      const char *sep = i ? ", " : "";
      if (take (b, 3) == 0)
        {
          g_string_append_printf (j, "%s\"s%d\"", sep, first + i);
          continue;
        }
      g_string_append_printf (j, "%s{ \"story\": \"s%d\"", sep, first + i);
      if (take (b, 3) == 0)
        gen_range (b, j, "spans", 1, t->columns);
      if (take (b, 4) == 0)
        g_string_append (j, ", \"top\": true");
      if (take (b, 3) == 0)
        gen_range (b, j, "photo_lines", 0, MIN (avail, 40));
      if (pages > 0 && take (b, 3) == 0)
        g_string_append (j, ", \"continue\": true");
      if (pages > 0 && i > 0 && take (b, 5) == 0)
        g_string_append_printf (j, ", \"keep_with\": \"s%d\"", first + take (b, i));
      if (take (b, 5) == 0)
        {
          g_string_append (j, ", \"pin\": { \"span\": ");
          int span = 1 + take (b, t->columns);
          g_string_append_printf (j, "%d", span);
          if (take (b, 2))
            g_string_append_printf (j, ", \"column\": %d", 1 + take (b, t->columns - span + 1));
          if (take (b, 2))
            g_string_append_printf (j, ", \"top\": %d", take (b, MAX (avail, 1)));
          if (pages > 0 && take (b, 2))
            g_string_append_printf (j, ", \"page\": %d", first_page + take (b, pages));
          g_string_append (j, " }");
        }
      g_string_append (j, " }");
    }
  g_string_append (j, "]");
}

static void
gen_page (fz_bytes_t *b, GString *j, const fz_tmpl_t *t, int number, gboolean first,
          const fz_cast_t *cast, gboolean *pool_left)
{
  /* The first page always has its masthead: a first page that paints nothing aborts in
   * cairo 1.16 (tests/fuzz/pending/render/), and would end most runs here. */
  gboolean masthead = first;
  g_string_append_printf (j, "%s{ \"number\": %d, \"template\": \"%s\"%s", first ? "" : ", ",
                          number, t->name, masthead ? ", \"masthead\": true" : "");
  if (cast->items > 0 && take (b, 6) == 0)
    {
      g_string_append_printf (j, ", \"elsewhere\": true, \"stories\": [\"s%d\"] }",
                              take (b, cast->items));
      return;
    }
  int avail = t->lines - (masthead ? t->masthead_lines : t->folio_lines);
  int items = cast->items > 0 ? take (b, 6) : 0;
  g_string_append (j, ", \"items\": [");
  for (int i = 0; i < items; i++)
    gen_item (b, j, t, avail, cast->items, i);
  g_string_append (j, "]");
  /* The pooled stories go to the first page that takes a pool (a story is in one pool). */
  if (*pool_left && take (b, 2))
    {
      gen_pool (b, j, t, avail, cast->items, cast->pooled, 0, 0);
      *pool_left = FALSE;
    }
  g_string_append (j, " }");
}

static char *
gen_issue (fz_bytes_t *b)
{
  GString *j = g_string_new ("{ \"paper\": \"测试报\", \"date\": \"2024-02-19\", ");
  g_string_append (j, "\"masthead\": { \"lines\": [\"第 1 期\"] }, \"template\": \"tmpl.json\",\n"
                   "  \"stories\": [");
  /* Most issues place their stories by items only; some arrange some by a pool (of a page
   * or of a section after the pages) and have fillers. */
  fz_cast_t cast = { 1 + take (b, 4), 0, 0 };
  gboolean pools = take (b, 3) == 0, section = pools && take (b, 2);
  if (pools)
    {
      cast.items = take (b, cast.items + 1);
      cast.pooled = 1 + take (b, 8);
      cast.fillers = take (b, 4);
    }
  int stories = cast.items + cast.pooled + cast.fillers;
  for (int i = 0; i < stories; i++)
    gen_story (b, j, i, i >= cast.items + cast.pooled);
  g_string_append (j, "],\n  \"pages\": [");
  int pages = 1 + take (b, 3), number = 0;
  gboolean pool_left = pools && !section;
  for (int i = 0; i < pages; i++)
    {
      number += 1 + take (b, 3); /* increasing, so unique */
      gen_page (b, j, &templates[take (b, G_N_ELEMENTS (templates))], number, i == 0, &cast,
                &pool_left);
    }
  g_string_append (j, "]");
  if (section)
    {
      const fz_tmpl_t *t = &templates[0]; /* the issue's template: its pages give none */
      int count = 1 + take (b, 3);
      g_string_append_printf (j, ",\n  \"sections\": [ { \"name\": \"要闻\", \"pages\": %d, "
                              "\"first_page\": %d", count, number + 1);
      gen_pool (b, j, t, t->lines - t->folio_lines, cast.items, cast.pooled, number + 1, count);
      g_string_append (j, " } ]");
    }
  g_string_append (j, " }\n");
  return g_string_free (j, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *generated = NULL;
  const char *text = (const char *) data;
  gboolean json = size == 0 || (data[0] && strchr ("{ \t\r\n", data[0]));
  if (!json)
    {
      fz_bytes_t b = { data, size };
      text = generated = gen_issue (&b);
      size = strlen (generated);
      /* PAIBAN_FUZZ_DUMP=FILE keeps the issue built from the last input, to triage it. */
      const char *dump = g_getenv ("PAIBAN_FUZZ_DUMP");
      if (dump)
        g_file_set_contents (dump, generated, size, NULL);
    }
  GError *error = NULL;
  pb_issue_t *issue = pb_issue_load_data (text, size, "issue.json", env->dir, env->datadir,
                                          &error);
  fz_check_error (issue != NULL, &error, "pb_issue_load_data");
  if (!issue)
    return 0;
  fz_check_issue (issue);
  fz_layout_and_paint (issue, TRUE);
  pb_issue_free (issue);
  return 0;
}
