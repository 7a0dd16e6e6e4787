/* Colours: "#RRGGBB" and spot colours (colors.h). */
#include "colors.h"

#include <math.h>
#include <string.h>

#define PB_CMYK_PERCENT 100.0
#define PB_RGB_MAX 255.0

const char *const pb_spot_keys[] = { "cmyk", NULL };

void
pb_spot_free (gpointer p)
{
  pb_spot_t *spot = p;
  g_free (spot->name);
  g_free (spot);
}

guint32
pb_cmyk_to_rgb (const double cmyk[4])
{
  guint32 rgb = 0;
  for (int i = 0; i < 3; i++)
    {
      int v = (int) lround (PB_RGB_MAX * (1 - cmyk[i]) * (1 - cmyk[3]));
      rgb = rgb << 8 | (guint32) CLAMP (v, 0, 255);
    }
  return rgb;
}

void
pb_tint_rgb (guint32 rgb, double tint, double out[3])
{
  for (int i = 0; i < 3; i++)
    {
      double c = (rgb >> (16 - 8 * i) & 0xFF) / PB_RGB_MAX;
      out[i] = 1 - tint * (1 - c);
    }
}

static const pb_spot_t *
spot_named (const pb_template_t *t, const char *name)
{
  for (guint i = 0; t && t->spots && i < t->spots->len; i++)
    {
      const pb_spot_t *spot = t->spots->pdata[i];
      if (strcmp (spot->name, name) == 0)
        return spot;
    }
  return NULL;
}

/* The alternate: four numbers from 0 to 100. */
static gboolean
read_cmyk (const pb_json_obj_t *o, pb_spot_t *spot, GError **error)
{
  JsonNode *arr = NULL;
  if (!pb_json_get_array (o, "cmyk", FALSE, &arr, error))
    return FALSE;
  if (!arr)
    {
      pb_set_error_at (error, PB_ERROR_INVALID, spot->loc,
                       "%s: a spot colour needs its CMYK alternate (\"cmyk\": [C, M, Y, K] in "
                       "percent) for proofs and presses without its plate", o->what);
      return FALSE;
    }
  guint n = pb_json_array_length (arr);
  for (guint i = 0; i < 4; i++)
    {
      JsonNode *v = i < n ? pb_json_element (arr, i) : NULL;
      double d;
      if (n != 4 || !pb_json_number (o->d, v, &d) || d < 0 || d > PB_CMYK_PERCENT)
        {
          pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, v ? v : arr),
                           "%s: \"cmyk\" must be four numbers from 0 to 100 (C, M, Y, K in "
                           "percent)", o->what);
          return FALSE;
        }
      spot->cmyk[i] = d / PB_CMYK_PERCENT;
    }
  return TRUE;
}

static gboolean
read_spot (const pb_json_obj_t *o, const char *name, gpointer data, GError **error)
{
  pb_template_t *t = data;
  JsonNode *node = pb_json_member (o, name);
  g_autofree char *what = g_strdup_printf ("template \"%s\", spot colour \"%s\"", t->name,
                                           name);
  pb_json_obj_t so;
  if (!pb_json_open_object (o->d, node, what, "spot colour", pb_spot_keys, &so, error))
    return FALSE;
  pb_spot_t *spot = g_new0 (pb_spot_t, 1);
  spot->name = g_strdup (name);
  spot->loc = pb_json_key_loc (o->d, node);
  g_ptr_array_add (t->spots, spot);
  if (!read_cmyk (&so, spot, error))
    return FALSE;
  spot->rgb = pb_cmyk_to_rgb (spot->cmyk);
  for (guint i = 0; i + 1 < t->spots->len; i++)
    if (((const pb_spot_t *) t->spots->pdata[i])->rgb == spot->rgb)
      {
        pb_set_error_at (error, PB_ERROR_INVALID, spot->loc,
                         "%s: its alternate shows as spot colour \"%s\" does; give it another",
                         what, ((const pb_spot_t *) t->spots->pdata[i])->name);
        return FALSE;
      }
  return TRUE;
}

gboolean
pb_spots_read (const pb_json_obj_t *root, pb_template_t *t, GError **error)
{
  t->spots = g_ptr_array_new_with_free_func (pb_spot_free);
  return pb_json_each_member (root, "spot_colors", "spot_colors", read_spot, t, error);
}

gboolean
pb_color_parse (const char *s, const pb_template_t *t, guint32 *out)
{
  const pb_spot_t *spot = spot_named (t, s);
  if (spot)
    {
      *out = spot->rgb;
      return TRUE;
    }
  char *end = NULL;
  guint64 v = g_ascii_strtoull (s + 1, &end, 16);
  if (s[0] != '#' || strlen (s) != 7 || *end)
    return FALSE;
  *out = (guint32) v;
  return TRUE;
}

gboolean
pb_color_get (const pb_json_obj_t *o, const char *key, const pb_template_t *t, guint32 *out,
              GError **error)
{
  g_autofree char *s = NULL;
  if (!pb_json_get_string (o, key, FALSE, &s, error))
    return FALSE;
  if (!s)
    return TRUE;
  if (!pb_color_parse (s, t, out))
    {
      pb_set_error_at (error, PB_ERROR_INVALID, pb_json_node_loc (o->d, pb_json_member (o, key)),
                       "%s: \"%s\" must be \"#RRGGBB\" or a spot colour of template \"%s\", "
                       "not \"%s\"", o->what, key, t && t->name ? t->name : "", s);
      return FALSE;
    }
  return TRUE;
}
