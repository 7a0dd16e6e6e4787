/* Templates (template.h). */
#include "template.h"

#include "colors.h"

#include <math.h>
#include <string.h>

#include "jsondoc.h"

#define MAX_COLUMNS 20
/* The fewest grid lines an item needs: the type area must leave them under the masthead and
 * under the folio. */
#define MIN_ITEM_LINES 3
/* Grid lines of space before or after a block, and the lines a style may ask for. */
#define MAX_SPACE_LINES 100
#define MAX_STYLE_LINES 1000
/* Font weights as numbers (PangoWeight); the body's default is regular. */
#define MIN_WEIGHT 100
#define MAX_WEIGHT 1000
#define WEIGHT_REGULAR 400
/* A space inside a line of display text is set this many em of its style wide. */
#define PB_DEFAULT_PHRASE_GAP 1.0
/* Points (and grid lines) this close count as equal: lengths given in mm are rounded when
 * turned into points. */
#define ROUNDING_SLACK 1e-6
/* The most lines a headline style may let its 主题 take. */
#define MAX_HEADLINE_LINES 20

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
  [PB_ROLE_BYLINE] = "byline",
  [PB_ROLE_EMPHASIS] = "emphasis",
  [PB_ROLE_PULLQUOTE] = "pullquote",
  [PB_ROLE_TABLE] = "table",
  [PB_ROLE_BRIEF_HEAD] = "brief_head",
  [PB_ROLE_COUNT] = NULL,
};

/* The keys of each kind of object in a template, as docs/template.schema.json lists them. */
static const char *const template_keys[] = {
  "$schema", "name", "trim", "bleed", "margins", "columns", "body_size", "leading",
  "masthead_lines", "latin_space", "letterspacing_limit", "hanging_punctuation",
  "headline_shape", "subhead_layout", "styles", "headline_styles", "jump_headline_style",
  "byline_position", "fonts", "private_use_font", "spot_colors", "column_rules", "rule_color",
  "brief_separator",
  NULL
};
static const char *const trim_keys[] = { "width", "height", NULL };
static const char *const margin_keys[] = { "top", "bottom", NULL };
static const char *const column_keys[] = { "count", "width", "gutter", NULL };
static const char *const style_keys[] = {
  "font", "weight", "size", "leading", "align", "indent", "space_before", "space_after",
  "lines", "color", "phrase_gap", "fallback", NULL
};
static const char *const headline_style_keys[] = {
  "kicker", "headline", "headline_min", "subtitle", "max_lines", "align", "from_span", NULL
};

const pb_known_keys_t pb_template_known_keys[] = {
  { "template", template_keys },
  { "trim", trim_keys },
  { "margins", margin_keys },
  { "columns", column_keys },
  { "styles", pb_role_names },
  { "style", style_keys },
  { "headline style", headline_style_keys },
  { "spot colour", pb_spot_keys },
  { NULL, NULL },
};

typedef struct {
  const char *name;
  int value;
} name_value_t;

static const name_value_t weights[] = {
  { "light", 300 }, { "regular", WEIGHT_REGULAR }, { "medium", 500 },
  { "bold", 700 }, { "heavy", 800 }, { "black", 900 },
};

static const name_value_t aligns[] = {
  { "justify", PB_ALIGN_JUSTIFY }, { "left", PB_ALIGN_LEFT },
  { "center", PB_ALIGN_CENTER }, { "right", PB_ALIGN_RIGHT },
};

static const name_value_t shapes[] = {
  { "balanced", PB_SHAPE_BALANCED }, { "pyramid", PB_SHAPE_PYRAMID },
  { "inverted", PB_SHAPE_INVERTED },
};

/* "block": a subhead takes lines of its own; "run-in": it opens the paragraph after it. */
static const name_value_t subhead_layouts[] = { { "block", FALSE }, { "run-in", TRUE } };
static const name_value_t brief_separators[] = { { "dot", FALSE }, { "rule", TRUE } };

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
get_weight (const pb_json_obj_t *o, int *weight, GError **error)
{
  JsonNode *n = pb_json_member (o, "weight");
  if (n && pb_json_is_string (n))
    {
      if (lookup_name (weights, G_N_ELEMENTS (weights), json_node_get_string (n), weight))
        return TRUE;
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                       "%s: \"weight\" must be light, regular, medium, bold, heavy, black "
                       "or a number from %d to %d", o->what, MIN_WEIGHT, MAX_WEIGHT);
      return FALSE;
    }
  return pb_json_get_int (o, "weight", FALSE, MIN_WEIGHT, MAX_WEIGHT, *weight, NULL, weight,
                          error);
}

/* A key whose value is one of the names of `table`; *out keeps its value when it is absent. */
static gboolean
get_choice (const pb_json_obj_t *o, const char *key, const name_value_t *table, gsize n_names,
            int *out, GError **error)
{
  JsonNode *n = pb_json_member (o, key);
  if (!n)
    return TRUE;
  if (pb_json_is_string (n) && lookup_name (table, n_names, json_node_get_string (n), out))
    return TRUE;
  GString *names = g_string_new (NULL);
  for (gsize i = 0; i < n_names; i++)
    g_string_append_printf (names, "%s\"%s\"", i == 0 ? "" : i + 1 < n_names ? ", " : " or ",
                            table[i].name);
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                   "%s: \"%s\" must be %s", o->what, key, names->str);
  g_string_free (names, TRUE);
  return FALSE;
}

static gboolean
get_align (const pb_json_obj_t *o, pb_align_t *align, GError **error)
{
  int v = *align;
  if (!get_choice (o, "align", aligns, G_N_ELEMENTS (aligns), &v, error))
    return FALSE;
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
      *st = (pb_style_t) { .weight = WEIGHT_REGULAR, .size = t->body_size,
                           .align = PB_ALIGN_JUSTIFY };
      return;
    }
  *st = (pb_style_t) { g_strdup (body->font), body->weight, body->size, body->leading,
                       role == PB_ROLE_CAPTION ? PB_ALIGN_JUSTIFY : PB_ALIGN_LEFT,
                       0, 0, 0, 0, body->color, body->font_loc,
                       PB_DEFAULT_PHRASE_GAP * body->size, g_strdup (body->fallback) };
  /* Emphasis is set in the 楷体 of the captions unless the template names its own font (the
   * caption style is read before it). */
  if (role == PB_ROLE_EMPHASIS)
    {
      const pb_style_t *caption = &t->styles[PB_ROLE_CAPTION];
      g_free (st->font);
      st->font = g_strdup (caption->font);
      st->font_loc = caption->font_loc;
    }
}

/* The grid lines a style may take; the folio heads every inside page as the masthead does the
 * front page, so items need room under it too. `hint` explains the folio's limit. */
static int
max_style_lines (const pb_template_t *t, pb_role_t role, char **hint)
{
  if (role != PB_ROLE_FOLIO)
    return MAX_STYLE_LINES;
  *hint = g_strdup_printf ("the type area holds %d lines and at least %d must remain under "
                           "the folio", t->lines, MIN_ITEM_LINES);
  return t->lines - MIN_ITEM_LINES;
}

static gboolean
read_style_keys (const pb_json_obj_t *o, pb_template_t *t, pb_role_t role, GError **error)
{
  pb_style_t *st = &t->styles[role];
  double em = t->body_size;
  g_autofree char *lines_hint = NULL;
  int max_lines = max_style_lines (t, role, &lines_hint);
  return get_weight (o, &st->weight, error)
         && pb_json_get_length (o, "size", FALSE, em, PB_LEN_TYPE, st->size, &st->size, error)
         /* in em of the style's own size: "1em" is a headline's em, not the body's */
         && pb_json_get_length (o, "phrase_gap", FALSE, st->size, PB_LEN_NONNEG,
                                PB_DEFAULT_PHRASE_GAP * st->size, &st->phrase_gap, error)
         && pb_json_get_length (o, "leading", FALSE, em, PB_LEN_NONNEG, st->leading,
                                &st->leading, error)
         && get_align (o, &st->align, error)
         && pb_json_get_length (o, "indent", FALSE, em, PB_LEN_NONNEG, 0, &st->indent, error)
         && pb_json_get_int (o, "space_before", FALSE, 0, MAX_SPACE_LINES, 0, NULL,
                             &st->space_before, error)
         && pb_json_get_int (o, "space_after", FALSE, 0, MAX_SPACE_LINES, 0, NULL,
                             &st->space_after, error)
         && pb_json_get_int (o, "lines", FALSE, 0, max_lines, 0, lines_hint, &st->lines, error)
         && pb_color_get (o, "color", t, &st->color, error);
}

/* "fallback": ["HanaMinB", …], family names without commas (Pango reads "A,B" as a list). */
static gboolean
read_fallback (const pb_json_obj_t *o, pb_style_t *st, GError **error)
{
  JsonNode *arr;
  if (!pb_json_get_array (o, "fallback", FALSE, &arr, error))
    return FALSE;
  if (!arr)
    return TRUE;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; i < pb_json_array_length (arr); i++)
    {
      JsonNode *n = pb_json_element (arr, i);
      const char *name = pb_json_is_string (n) ? json_node_get_string (n) : NULL;
      if (!name || !*name || strchr (name, ','))
        {
          pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                           "%s: \"fallback\" must be an array of font family names", o->what);
          return FALSE;
        }
      g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_add (names, NULL);
  g_free (st->fallback);
  st->fallback = names->len > 1 ? g_strjoinv (",", (char **) names->pdata) : NULL;
  return TRUE;
}

static gboolean
read_style (pb_json_doc_t *d, pb_template_t *t, JsonNode *node, pb_role_t role, GError **error)
{
  pb_style_t *st = &t->styles[role];
  style_defaults (t, role);
  if (!node)
    return TRUE;
  g_autofree char *what = g_strdup_printf ("template \"%s\", style \"%s\"", t->name,
                                           pb_role_names[role]);
  g_autofree char *kind = g_strdup_printf ("style \"%s\"", pb_role_names[role]);
  pb_json_obj_t o;
  g_autofree char *font = NULL;
  if (!pb_json_open_object (d, node, what, kind, style_keys, &o, error)
      || !pb_json_get_string (&o, "font", role == PB_ROLE_BODY, &font, error))
    return FALSE;
  if (font)
    {
      g_free (st->font);
      st->font = g_steal_pointer (&font);
      st->font_loc = pb_json_node_loc (d, pb_json_member (&o, "font"));
    }
  return read_fallback (&o, st, error) && read_style_keys (&o, t, role, error);
}

static gboolean
read_styles (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  pb_json_obj_t o;
  if (!pb_json_get_object (root, "styles", TRUE, "styles", pb_role_names, &o, error))
    return FALSE;
  JsonNode *body = pb_json_member (&o, "body");
  if (!body)
    return pb_json_missing (&o, "body", error);
  for (int r = 0; r < PB_ROLE_COUNT; r++)
    if (!read_style (root->d, t, pb_json_member (&o, pb_role_names[r]), r, error))
      return FALSE;
  return TRUE;
}

/* The print page (trim, bleed, crop marks) is held to the limit of every length, as the trim
 * is: a bleed of 200in must not make a 600in page. */
static gboolean
check_media (const pb_json_obj_t *root, const pb_template_t *t, GError **error)
{
  double side = MAX (t->trim_w, t->trim_h) + 2 * PB_PRINT_MARGIN (t->bleed);
  if (side <= PB_MAX_LENGTH_PT)
    return TRUE;
  JsonNode *n = pb_json_member (root, "bleed");
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (root->d, n ? n : root->node),
                   "%s: \"bleed\" is too large: the print page (trim, bleed and crop marks) "
                   "would be %.1fin, more than the limit of %din", root->what,
                   side / PB_PT_PER_INCH, PB_MAX_LENGTH_IN);
  return FALSE;
}

/* ---- headline styles ---- */

static void
headline_style_free (gpointer p)
{
  pb_headline_style_t *hs = p;
  g_free (hs->name);
  g_free (hs);
}

const pb_headline_style_t *
pb_template_headline_style (const pb_template_t *t, const char *name)
{
  for (guint i = 0; t->headline_styles && i < t->headline_styles->len; i++)
    {
      const pb_headline_style_t *hs = t->headline_styles->pdata[i];
      if (strcmp (hs->name, name) == 0)
        return hs;
    }
  return NULL;
}

/* The sizes of one headline style; those it leaves out are the role styles'. */
static gboolean
read_headline_sizes (const pb_json_obj_t *o, const pb_template_t *t, pb_headline_style_t *hs,
                     GError **error)
{
  double em = t->body_size;
  if (!pb_json_get_length (o, "kicker", FALSE, em, PB_LEN_TYPE, 0, &hs->kicker, error)
      || !pb_json_get_length (o, "headline", FALSE, em, PB_LEN_TYPE,
                              t->styles[PB_ROLE_HEADLINE].size, &hs->headline, error)
      || !pb_json_get_length (o, "headline_min", FALSE, em, PB_LEN_TYPE, hs->headline,
                              &hs->headline_min, error)
      || !pb_json_get_length (o, "subtitle", FALSE, em, PB_LEN_TYPE, 0, &hs->subtitle, error))
    return FALSE;
  if (hs->headline_min > hs->headline + ROUNDING_SLACK)
    {
      pb_set_error_at (error, PB_ERROR_INVALID,
                       pb_json_node_loc (o->d, pb_json_member (o, "headline_min")),
                       "%s: \"headline_min\" (%gpt) must not be larger than \"headline\" "
                       "(%gpt)", o->what, hs->headline_min, hs->headline);
      return FALSE;
    }
  return TRUE;
}

/* A second style that is the default of the same span would leave the choice to the order
 * of the keys. */
static gboolean
check_from_span (const pb_json_obj_t *o, const pb_template_t *t, const pb_headline_style_t *hs,
                 GError **error)
{
  for (guint i = 0; hs->from_span > 0 && i < t->headline_styles->len; i++)
    {
      const pb_headline_style_t *other = t->headline_styles->pdata[i];
      if (other != hs && other->from_span == hs->from_span)
        {
          pb_set_error_at (error, PB_ERROR_INVALID,
                           pb_json_node_loc (o->d, pb_json_member (o, "from_span")),
                           "%s: headline styles \"%s\" and \"%s\" both have \"from_span\" "
                           "%d", o->what, other->name, hs->name, hs->from_span);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
read_headline_style (const pb_json_obj_t *styles, const char *name, gpointer tmpl,
                     GError **error)
{
  pb_template_t *t = tmpl;
  pb_json_doc_t *d = styles->d;
  JsonNode *node = pb_json_member (styles, name);
  g_autofree char *what = g_strdup_printf ("template \"%s\", headline style \"%s\"", t->name,
                                           name);
  g_autofree char *hint = g_strdup_printf ("the template has %d columns", t->columns);
  pb_json_obj_t o;
  if (!pb_json_open_object (d, node, what, "headline style", headline_style_keys, &o, error))
    return FALSE;
  pb_headline_style_t *hs = g_new0 (pb_headline_style_t, 1);
  hs->name = g_strdup (name);
  hs->loc = pb_json_key_loc (d, node);
  g_ptr_array_add (t->headline_styles, hs);
  hs->align = t->styles[PB_ROLE_HEADLINE].align;
  hs->has_align = pb_json_member (&o, "align") != NULL;
  return read_headline_sizes (&o, t, hs, error)
         && pb_json_get_int (&o, "max_lines", FALSE, 0, MAX_HEADLINE_LINES, 0, NULL,
                             &hs->max_lines, error)
         && get_align (&o, &hs->align, error)
         && pb_json_get_int (&o, "from_span", FALSE, 0, t->columns, 0, hint, &hs->from_span,
                             error)
         && check_from_span (&o, t, hs, error);
}

static gboolean
read_headline_styles (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  return pb_json_each_member (root, "headline_styles", "headline_styles", read_headline_style, t,
                              error);
}

/* The continuation heads' style, by name, and where bylines go. */
static gboolean
read_heading_options (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  g_autofree char *jump = NULL, *byline = NULL;
  if (!pb_json_get_string (root, "jump_headline_style", FALSE, &jump, error)
      || !pb_json_get_string (root, "byline_position", FALSE, &byline, error))
    return FALSE;
  if (jump && !(t->jump_headline_style = pb_template_headline_style (t, jump)))
    {
      pb_set_error_at (error, PB_ERROR_INVALID,
                       pb_json_node_loc (root->d, pb_json_member (root, "jump_headline_style")),
                       "%s: \"jump_headline_style\": no headline style \"%s\" in "
                       "\"headline_styles\"", root->what, jump);
      return FALSE;
    }
  if (byline && strcmp (byline, "under_headline") != 0 && strcmp (byline, "before_body") != 0)
    {
      pb_set_error_at (error, PB_ERROR_INVALID,
                       pb_json_node_loc (root->d, pb_json_member (root, "byline_position")),
                       "%s: \"byline_position\" must be \"under_headline\" or "
                       "\"before_body\"", root->what);
      return FALSE;
    }
  t->byline_position = byline && strcmp (byline, "before_body") == 0
                       ? PB_BYLINE_BEFORE_BODY : PB_BYLINE_UNDER_HEADLINE;
  return TRUE;
}

/* ---- page geometry ---- */

static gboolean
read_trim_and_margins (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  double em = t->body_size;
  pb_json_obj_t trim, margins;
  return pb_json_get_object (root, "trim", TRUE, "trim", trim_keys, &trim, error)
         && pb_json_get_length (&trim, "width", TRUE, em, PB_LEN_POSITIVE, 0, &t->trim_w, error)
         && pb_json_get_length (&trim, "height", TRUE, em, PB_LEN_POSITIVE, 0, &t->trim_h, error)
         && pb_json_get_length (root, "bleed", FALSE, em, PB_LEN_NONNEG, 0, &t->bleed, error)
         && check_media (root, t, error)
         && pb_json_get_object (root, "margins", TRUE, "margins", margin_keys, &margins, error)
         && pb_json_get_length (&margins, "top", TRUE, em, PB_LEN_NONNEG, 0, &t->margin_top,
                                error)
         && pb_json_get_length (&margins, "bottom", TRUE, em, PB_LEN_NONNEG, 0,
                                &t->margin_bottom, error);
}

static gboolean
read_columns (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  double em = t->body_size;
  pb_json_obj_t o;
  if (!pb_json_get_object (root, "columns", TRUE, "columns", column_keys, &o, error)
      || !pb_json_get_int (&o, "count", TRUE, 1, MAX_COLUMNS, 1, NULL, &t->columns, error)
      || !pb_json_get_length (&o, "width", TRUE, em, PB_LEN_POSITIVE, 0, &t->column_width, error)
      || !pb_json_get_length (&o, "gutter", FALSE, em, PB_LEN_NONNEG, 0, &t->gutter, error))
    return FALSE;
  double block = t->columns * t->column_width + (t->columns - 1) * t->gutter;
  if (block > t->trim_w + ROUNDING_SLACK)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, o.node),
                       "%s: the column block is %.1fmm wide, wider than the trim (%.1fmm)",
                       o.what, PB_PT_TO_MM (block), PB_PT_TO_MM (t->trim_w));
      return FALSE;
    }
  return TRUE;
}

/* The type area in grid lines. */
static gboolean
read_grid (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  if (!pb_json_get_length (root, "leading", TRUE, t->body_size, PB_LEN_POSITIVE, 0,
                           &t->leading, error))
    return FALSE;
  if (t->leading < t->body_size)
    {
      JsonNode *n = pb_json_member (root, "leading");
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (root->d, n),
                       "%s: \"leading\" (%gpt) must be at least the body size (%gpt)",
                       root->what, t->leading, t->body_size);
      return FALSE;
    }
  double area = t->trim_h - t->margin_top - t->margin_bottom;
  t->lines = area > 0 ? (int) floor (area / t->leading + ROUNDING_SLACK) : 0;
  if (t->lines < MIN_ITEM_LINES)
    {
      JsonNode *n = pb_json_member (root, "margins");
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (root->d, n),
                       "%s: the margins leave room for %d grid lines; at least %d are needed",
                       root->what, MAX (t->lines, 0), MIN_ITEM_LINES);
      return FALSE;
    }
  g_autofree char *hint = g_strdup_printf ("the type area holds %d lines and at least %d must "
                                           "remain under the masthead", t->lines,
                                           MIN_ITEM_LINES);
  return pb_json_get_int (root, "masthead_lines", FALSE, 0, t->lines - MIN_ITEM_LINES, 0, hint,
                          &t->masthead_lines, error);
}

/* How headlines and subheads are laid out: balanced headlines, subheads in lines of their own,
 * unless the template says otherwise. */
static gboolean
read_layout_choices (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  int shape = PB_SHAPE_BALANCED, run_in = FALSE, rules = FALSE;
  if (!get_choice (root, "headline_shape", shapes, G_N_ELEMENTS (shapes), &shape, error)
      || !get_choice (root, "subhead_layout", subhead_layouts, G_N_ELEMENTS (subhead_layouts),
                      &run_in, error)
      || !get_choice (root, "brief_separator", brief_separators,
                      G_N_ELEMENTS (brief_separators), &rules, error))
    return FALSE;
  t->headline_shape = shape;
  t->subhead_run_in = run_in;
  t->brief_rules = rules;
  return TRUE;
}

/* "fonts": folders of font files beside the template, a path relative to its folder without
 * "..": the paper's fonts travel with its templates. */
static gboolean
read_font_dirs (const pb_json_obj_t *o, pb_template_t *t, GError **error)
{
  JsonNode *arr;
  if (!pb_json_get_array (o, "fonts", FALSE, &arr, error)
      || !pb_json_get_string (o, "private_use_font", FALSE, &t->private_use_font, error))
    return FALSE;
  g_autofree char *dir = g_path_get_dirname (t->path);
  for (guint i = 0; arr && i < pb_json_array_length (arr); i++)
    {
      JsonNode *n = pb_json_element (arr, i);
      const char *rel = pb_json_is_string (n) ? json_node_get_string (n) : NULL;
      g_auto (GStrv) parts = rel ? g_strsplit (rel, "/", -1) : NULL;
      gboolean up = parts && g_strv_contains ((const char *const *) parts, "..");
      if (!rel || !*rel || g_path_is_absolute (rel) || up)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                           "%s: \"fonts\" must be an array of folders relative to the "
                           "template's folder, without \"..\"", o->what);
          return FALSE;
        }
      char *path = g_build_filename (dir, rel, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          pb_set_error_at (error, PB_ERROR_FONT, pb_json_node_loc (o->d, n),
                           "%s: font folder \"%s\" not found (there is no folder %s)", o->what,
                           rel, path);
          g_free (path);
          return FALSE;
        }
      g_ptr_array_add (t->font_dirs, path);
    }
  return TRUE;
}

/* The template's private_use_font ends every style's fallback chain. Returns TRUE. */
static gboolean
add_private_use_font (pb_template_t *t)
{
  for (int r = 0; r < PB_ROLE_COUNT && t->private_use_font; r++)
    {
      pb_style_t *st = &t->styles[r];
      char *chain = st->fallback ? g_strconcat (st->fallback, ",", t->private_use_font, NULL)
                                 : g_strdup (t->private_use_font);
      g_free (st->fallback);
      st->fallback = chain;
    }
  return TRUE;
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
read_template (pb_json_doc_t *d, pb_template_t *t, GError **error)
{
  pb_json_obj_t o;
  if (!pb_json_open_object (d, pb_json_doc_root (d), "template", "template", template_keys, &o,
                            error)
      || !pb_json_get_string (&o, "name", FALSE, &t->name, error))
    return FALSE;
  if (!t->name)
    t->name = default_template_name (t->path);
  g_autofree char *what = g_strdup_printf ("template \"%s\"", t->name);
  o.what = what;
  return pb_json_get_length (&o, "body_size", TRUE, 0, PB_LEN_TYPE, 0, &t->body_size, error)
         && read_trim_and_margins (&o, t, error)
         && read_columns (&o, t, error)
         && read_grid (&o, t, error)
         && pb_json_get_length (&o, "latin_space", FALSE, t->body_size, PB_LEN_NONNEG, 0,
                                &t->latin_space, error)
         && pb_json_get_length (&o, "letterspacing_limit", FALSE, t->body_size,
                                PB_LEN_POSITIVE, PB_STRETCH_LIMIT_EM * t->body_size,
                                &t->letterspacing_limit, error)
         && pb_json_get_bool (&o, "hanging_punctuation", FALSE, &t->hanging_punctuation, error)
         && read_layout_choices (&o, t, error)
         && pb_spots_read (&o, t, error)
         && pb_json_get_bool (&o, "column_rules", FALSE, &t->column_rules, error)
         && pb_color_get (&o, "rule_color", t, &t->rule_color, error)
         && read_styles (&o, t, error)
         && read_headline_styles (&o, t, error)
         && read_heading_options (&o, t, error)
         && read_font_dirs (&o, t, error)
         && add_private_use_font (t);
}

pb_template_t *
pb_template_load_data (const char *path, const char *text, gsize len, GPtrArray *warnings,
                       GError **error)
{
  pb_json_doc_t d;
  pb_template_t *t = g_new0 (pb_template_t, 1);
  t->path = g_strdup (path);
  t->headline_styles = g_ptr_array_new_with_free_func (headline_style_free);
  t->font_dirs = g_ptr_array_new_with_free_func (g_free);
  if (!pb_json_doc_parse (&d, t->path, text, len, warnings, error)
      || !read_template (&d, t, error))
    g_clear_pointer (&t, pb_template_free);
  pb_json_doc_clear (&d);
  return t;
}

pb_template_t *
pb_template_load_at (const char *path, pb_loc_t at, const char *what, GPtrArray *warnings,
                     GError **error)
{
  g_autofree char *buf = NULL;
  gsize len;
  if (!pb_read_file (path, PB_JSON_MAX_BYTES, at, what, &buf, &len, NULL, error))
    return NULL;
  return pb_template_load_data (path, buf, len, warnings, error);
}

pb_template_t *
pb_template_load_file (const char *path, GPtrArray *warnings, GError **error)
{
  return pb_template_load_at (path, pb_file_loc (path), NULL, warnings, error);
}

void
pb_template_free (pb_template_t *tmpl)
{
  if (!tmpl)
    return;
  g_free (tmpl->name);
  g_free (tmpl->path);
  for (int r = 0; r < PB_ROLE_COUNT; r++)
    {
      g_free (tmpl->styles[r].font);
      g_free (tmpl->styles[r].fallback);
    }
  g_clear_pointer (&tmpl->headline_styles, g_ptr_array_unref);
  g_clear_pointer (&tmpl->font_dirs, g_ptr_array_unref);
  g_free (tmpl->private_use_font);
  g_clear_pointer (&tmpl->spots, g_ptr_array_unref);
  g_free (tmpl);
}
