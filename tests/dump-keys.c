/* Prints the keys the loader knows in each kind of object (pb_issue_known_keys,
 * pb_template_known_keys) as JSON, for tests/test-schemas.py to compare with the schemas:
 * { "issue": { "story": ["id", …], … }, "template": { … } } */
#include <stdio.h>

#include <json-glib/json-glib.h>

#include "model.h"

static void
add_table (JsonBuilder *b, const char *name, const pb_known_keys_t *table)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (; table->kind; table++)
    {
      json_builder_set_member_name (b, table->kind);
      json_builder_begin_array (b);
      for (const char *const *k = table->keys; *k; k++)
        json_builder_add_string_value (b, *k);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

int
main (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  add_table (b, "issue", pb_issue_known_keys);
  add_table (b, "template", pb_template_known_keys);
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, TRUE);
  puts (text);
  return 0;
}
