/* Reading an item's box, column rules and inset photos (itemopts.h). */
#include "itemopts.h"

#include <string.h>
#include "colors.h"
#include "setting.h"

/* Inner margin of a box, in grid lines above and below the story, when the issue gives none;
 * and the most it may take. */
#define PB_BOX_DEFAULT_INSET 1
#define PB_BOX_MAX_INSET 4
#define PB_TINT_PERCENT 100.0
/* The lowest boxed item: a line of story between the inset lines. */
#define PB_BOX_MIN_HEIGHT 3
/* The fewest body characters a line inside a box holds (its sides narrow the text). */
#define PB_BOX_MIN_CHARS 4

const char *const pb_box_style_names[] = {
  [PB_BOX_NONE] = "none",
  [PB_BOX_SINGLE] = "single",
  [PB_BOX_DOUBLE] = "double",
  [PB_BOX_THICK_THIN] = "thick-thin",
  [PB_BOX_DOTS] = "dots",
  [PB_BOX_WAVE] = "wave",
  [PB_BOX_DIAMONDS] = "diamonds",
  NULL
};

const char *const pb_item_box_keys[] = { "style", "inset", "color", "tint", "bar", NULL };
const char *const pb_inset_photo_keys[] = { "column", "line", "span", "lines", NULL };
const char *const pb_pull_quote_keys[] = { "column", "line", "span", "box", NULL };

static gboolean
box_style (const pb_json_obj_t *o, JsonNode *n, const char *name, pb_box_style_t *out,
           GError **error)
{
  for (int i = PB_BOX_SINGLE; pb_box_style_names[i]; i++)
    if (strcmp (name, pb_box_style_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_autofree char *names = g_strjoinv ("\", \"", (char **) pb_box_style_names + PB_BOX_SINGLE);
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n),
                   "%s: no box style \"%s\" (the styles: \"%s\")", o->what, name, names);
  return FALSE;
}

/* Whether the box's sides, its inset inside them, leave its columns PB_BOX_MIN_CHARS body
 * characters. */
static gboolean
box_leaves_text (const pb_json_obj_t *o, const pb_template_t *t, const pb_item_t *it,
                 GError **error)
{
  double width = pb_box_text_width (t, it->span, it->box.inset);
  if (width >= PB_BOX_MIN_CHARS * t->body_size)
    return TRUE;
  JsonNode *n = pb_json_member (o, "inset");
  pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, n ? n : o->node),
                   "%s: an inset of %d grid lines inside the box's sides leaves its columns "
                   "%d characters a line (at least %d)", o->what, it->box.inset,
                   MAX (0, (int) (width / t->body_size)), PB_BOX_MIN_CHARS);
  return FALSE;
}

/* "box": a style name, or an object with the style and the rest. */
static gboolean
read_box (const pb_json_obj_t *item, const pb_template_t *t, pb_item_t *it, GError **error)
{
  JsonNode *n = pb_json_member (item, "box");
  if (!n)
    return TRUE;
  pb_item_box_t *box = &it->box;
  *box = (pb_item_box_t) { PB_BOX_SINGLE, PB_BOX_DEFAULT_INSET, 0, 0, FALSE };
  if (it->height > 0 && it->height < PB_BOX_MIN_HEIGHT)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (item->d, n),
                       "%s: a box needs an item of %d grid lines or more (its inset above and "
                       "below the story)", item->what, PB_BOX_MIN_HEIGHT);
      return FALSE;
    }
  if (pb_json_is_string (n))
    return box_style (item, n, json_node_get_string (n), &box->style, error);
  g_autofree char *what = g_strdup_printf ("%s, box", item->what);
  g_autofree char *style = NULL;
  pb_json_obj_t o;
  double tint = 0;
  int max_inset = it->height > 0 ? MIN (PB_BOX_MAX_INSET, (it->height - 1) / 2)
                                  : PB_BOX_MAX_INSET;
  g_autofree char *hint = g_strdup_printf ("at most %d, leaving the story a line", max_inset);
  if (!JSON_NODE_HOLDS_OBJECT (n))
    return pb_json_wrong_type (item, "box", n, "a box style or an object", error);
  if (!pb_json_open_object (item->d, n, what, "item box", pb_item_box_keys, &o, error)
      || !pb_json_get_string (&o, "style", FALSE, &style, error)
      || (style && !box_style (&o, pb_json_member (&o, "style"), style, &box->style, error))
      || !pb_json_get_int (&o, "inset", FALSE, 1, max_inset, PB_BOX_DEFAULT_INSET, hint,
                           &box->inset, error)
      || !pb_color_get (&o, "color", t, &box->color, error)
      || !pb_json_get_bool (&o, "bar", FALSE, &box->bar, error))
    return FALSE;
  JsonNode *tn = pb_json_member (&o, "tint");
  if (tn && (!pb_json_number (o.d, tn, &tint) || tint < 0 || tint > PB_TINT_PERCENT))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, tn),
                       "%s: \"tint\" must be a number from 0 to 100 (percent of the box's "
                       "colour)", what);
      return FALSE;
    }
  box->tint = tint / PB_TINT_PERCENT;
  return box_leaves_text (&o, t, it, error);
}

static gboolean
read_rules (const pb_json_obj_t *o, pb_item_t *it, GError **error)
{
  if (!pb_json_member (o, "column_rules"))
    return TRUE;
  gboolean on = FALSE;
  if (!pb_json_get_bool (o, "column_rules", FALSE, &on, error))
    return FALSE;
  it->column_rules = on ? PB_RULES_ON : PB_RULES_OFF;
  return TRUE;
}

static gboolean
read_inset_photo (const pb_json_obj_t *item, JsonNode *n, guint index, pb_item_t *it,
                  GError **error)
{
  g_autofree char *what = g_strdup_printf ("%s, inset photo %u", item->what, index + 1);
  pb_json_obj_t o;
  pb_inset_photo_t p = { 0, 0, 1, 0, TRUE };
  if (!pb_json_open_object (item->d, n, what, "inset photo", pb_inset_photo_keys, &o, error))
    return FALSE;
  g_autofree char *col_hint = g_strdup_printf ("the item has %d columns", it->span);
  int column = 1;
  if (!pb_json_get_int (&o, "column", TRUE, 1, it->span, 1, col_hint, &column, error))
    return FALSE;
  p.column = column - 1;
  g_autofree char *span_hint = g_strdup_printf ("from column %d of the item's %d", column,
                                                it->span);
  int max_line = it->height > 0 ? it->height - 1 : G_MAXINT;
  if (!pb_json_get_int (&o, "span", FALSE, 1, it->span - p.column, 1, span_hint, &p.span,
                        error)
      || !pb_json_get_int (&o, "line", TRUE, 0, max_line, 0, "a grid line of the item", &p.line,
                           error)
      || !pb_json_get_int (&o, "lines", FALSE, 1, G_MAXINT, 0, NULL, &p.lines, error))
    return FALSE;
  g_array_append_val (it->inset_photos, p);
  return TRUE;
}

/* "inset_photos": one place a photo of the story after its first. */
static gboolean
read_inset_photos (const pb_json_obj_t *o, int n_photos, pb_item_t *it, GError **error)
{
  JsonNode *arr = NULL;
  if (!pb_json_get_array (o, "inset_photos", FALSE, &arr, error))
    return FALSE;
  if (!arr)
    return TRUE;
  guint n = pb_json_array_length (arr);
  if ((int) n > MAX (0, n_photos - 1))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, arr),
                       "%s: \"inset_photos\" places %u photo%s; the story has %d after its first",
                       o->what, n, n == 1 ? "" : "s", MAX (0, n_photos - 1));
      return FALSE;
    }
  it->inset_photos = g_array_new (FALSE, FALSE, sizeof (pb_inset_photo_t));
  for (guint i = 0; i < n; i++)
    if (!read_inset_photo (o, pb_json_element (arr, i), i, it, error))
      return FALSE;
  return TRUE;
}

/* The item photo's "group": "row" or "grid" (the photo object itself is the loader's). */
static gboolean
read_group (const pb_json_obj_t *item, int n_photos, pb_item_t *it, GError **error)
{
  JsonNode *photo = pb_json_member (item, "photo");
  if (!photo || !JSON_NODE_HOLDS_OBJECT (photo))
    return TRUE;
  pb_json_obj_t o = { item->d, photo, json_node_get_object (photo), item->what };
  g_autofree char *group = NULL;
  if (!pb_json_get_string (&o, "group", FALSE, &group, error))
    return FALSE;
  if (!group)
    return TRUE;
  JsonNode *n = pb_json_member (&o, "group");
  if (strcmp (group, "row") != 0 && strcmp (group, "grid") != 0)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, n),
                       "%s: photo \"group\" must be \"row\" or \"grid\", not \"%s\"", o.what,
                       group);
      return FALSE;
    }
  if (it->inset_photos)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, n),
                       "%s: the photos are set as a group: give \"group\" or "
                       "\"inset_photos\", not both", o.what);
      return FALSE;
    }
  it->photo_group = n_photos > 1 ? (strcmp (group, "row") == 0 ? PB_GROUP_ROW : PB_GROUP_GRID)
                                 : PB_GROUP_NONE;
  return TRUE;
}

static gboolean
read_pull_quote (const pb_json_obj_t *item, JsonNode *n, guint index, pb_item_t *it,
                 GError **error)
{
  g_autofree char *what = g_strdup_printf ("%s, pull quote %u", item->what, index + 1);
  pb_json_obj_t o;
  pb_pull_quote_t q = { 0, 0, 1, FALSE, PB_BOX_NONE };
  if (!pb_json_open_object (item->d, n, what, "pull quote", pb_pull_quote_keys, &o, error))
    return FALSE;
  gboolean has_column = pb_json_member (&o, "column") != NULL;
  if (has_column != (pb_json_member (&o, "line") != NULL))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o.d, n),
                       "%s: give both \"column\" and \"line\", or neither (the layout places "
                       "it)", what);
      return FALSE;
    }
  g_autofree char *col_hint = g_strdup_printf ("the item has %d columns", it->span);
  int column = 1, max_line = it->height > 0 ? it->height - 1 : G_MAXINT;
  g_autofree char *box = NULL;
  if (!pb_json_get_int (&o, "column", FALSE, 1, it->span, 1, col_hint, &column, error)
      || !pb_json_get_int (&o, "line", FALSE, 0, max_line, 0, "a grid line of the item",
                           &q.line, error)
      || !pb_json_get_string (&o, "box", FALSE, &box, error)
      || (box && !box_style (&o, pb_json_member (&o, "box"), box, &q.box, error)))
    return FALSE;
  q.column = column - 1;
  q.placed = has_column;
  g_autofree char *span_hint = g_strdup_printf ("from column %d of the item's %d", column,
                                                it->span);
  if (!pb_json_get_int (&o, "span", FALSE, 1, it->span - q.column, 1, span_hint, &q.span,
                        error))
    return FALSE;
  g_array_append_val (it->pull_quotes, q);
  return TRUE;
}

/* "pull_quotes": how the story's first pull quotes are set inside the text, one an entry. */
static gboolean
read_pull_quotes (const pb_json_obj_t *o, const pb_story_t *story, pb_item_t *it,
                  GError **error)
{
  JsonNode *arr = NULL;
  if (!pb_json_get_array (o, "pull_quotes", FALSE, &arr, error))
    return FALSE;
  if (!arr)
    return TRUE;
  int quotes = 0;
  for (guint b = 0; b < story->blocks->len; b++)
    quotes += ((const pb_block_t *) story->blocks->pdata[b])->kind == PB_BLOCK_QUOTE;
  guint n = pb_json_array_length (arr);
  if ((int) n > quotes)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, arr),
                       "%s: \"pull_quotes\" sets %u pull quote%s; the story's body has %d (> "
                       "paragraphs)", o->what, n, n == 1 ? "" : "s", quotes);
      return FALSE;
    }
  it->pull_quotes = g_array_new (FALSE, FALSE, sizeof (pb_pull_quote_t));
  for (guint i = 0; i < n; i++)
    if (!read_pull_quote (o, pb_json_element (arr, i), i, it, error))
      return FALSE;
  return TRUE;
}

gboolean
pb_read_item_options (const pb_json_obj_t *o, const pb_template_t *t, const pb_story_t *story,
                      pb_item_t *it, GError **error)
{
  int n_photos = story->photos->len;
  return read_box (o, t, it, error) && read_rules (o, it, error)
         && read_inset_photos (o, n_photos, it, error) && read_group (o, n_photos, it, error)
         && read_pull_quotes (o, story, it, error);
}
