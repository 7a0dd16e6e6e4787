/* JSON documents with positions: strict JSON (a lexer of our own in front of json-glib), the
 * file:line:col of every value and key, and typed getters whose errors name both. Generic:
 * callers name their objects in messages (`what`, `kind`) and list the keys they know. */
#pragma once

#include <json-glib/json-glib.h>
#include "source.h"
#include "units.h"

/* The largest JSON text read. */
#define PB_JSON_MAX_BYTES (16 * PB_MIB)
/* The deepest nesting of arrays and objects: json-glib's parser recurses per level and would
 * overflow the stack on deep input. */
#define PB_JSON_MAX_DEPTH 64
/* The most values (keys counted) and objects and arrays in one JSON text: json-glib spends
 * about 100 bytes on a value and 300 on an object, so 16 MiB of "{}," would cost 1.7 GB. The
 * limits hold a document's tree to about 300 MB and leave room for 500 pages of 30 items. */
#define PB_JSON_MAX_VALUES 2000000
#define PB_JSON_MAX_CONTAINERS 250000
/* The largest length, in points (200 in, the largest PDF page). */
#define PB_MAX_LENGTH_IN 200
#define PB_MAX_LENGTH_PT (PB_MAX_LENGTH_IN * PB_PT_PER_INCH)
/* The smallest type size: smaller sizes are no type, and they make the grid (leading ≥ body
 * size) or a headline's line count overflow an int. */
#define PB_MIN_TYPE_PT 1.0

/* A parsed document. Its fields are the parser's business; `src` gives the text. */
typedef struct {
  pb_src_t src;
  JsonParser *parser;
  GHashTable *ends;    /* JsonNode* -> 1 + byte offset of the last character consumed */
  GArray *spans;       /* of the private span_t of every value, in the order the values end */
  GHashTable *members; /* JsonObject* being parsed → members read so far, to find duplicates */
  JsonNode *dup_node;
  char *dup_name;
  GPtrArray *warnings; /* borrowed; NULL drops warnings */
} pb_json_doc_t;

/* FALSE with an error when `len` bytes are more than a JSON text may have. */
gboolean pb_json_size_ok (const char *file, gsize len, GError **error);

/* Parses `text` (NUL-terminated at `len`, borrowed until pb_json_doc_clear) as a JSON text of
 * `file` (borrowed). Refuses what json-glib would take but JSON is not (comments, single
 * quotes, several values …), invalid UTF-8, nesting beyond PB_JSON_MAX_DEPTH, more values or
 * containers than PB_JSON_MAX_VALUES and PB_JSON_MAX_CONTAINERS, and duplicate keys. Unknown keys found later by pb_json_open_object go to `warnings` (see
 * pb_add_warning). Call pb_json_doc_clear afterwards, whether parsing succeeded or not. */
gboolean pb_json_doc_parse (pb_json_doc_t *d, const char *file, const char *text, gsize len,
                            GPtrArray *warnings, GError **error);
void pb_json_doc_clear (pb_json_doc_t *d);
JsonNode *pb_json_doc_root (const pb_json_doc_t *d);

/* Where a node's value starts; where the key of an object member's value starts. The file
 * alone for a node of another document. */
pb_loc_t pb_json_node_loc (const pb_json_doc_t *d, JsonNode *node);
pb_loc_t pb_json_key_loc (const pb_json_doc_t *d, JsonNode *value);

/* An object being read. `what` names it at the start of messages (page 2, item 1). */
typedef struct {
  pb_json_doc_t *d;
  JsonNode *node;
  JsonObject *obj;
  const char *what;
} pb_json_obj_t;

/* Opens `node` as an object. `keys` lists the known keys, NULL-terminated (NULL: any key);
 * others get a warning "unknown key … in `kind`". */
gboolean pb_json_open_object (pb_json_doc_t *d, JsonNode *node, const char *what,
                              const char *kind, const char *const *keys, pb_json_obj_t *o,
                              GError **error);

/* The member `key`; NULL when absent or JSON null (null counts as absent). */
JsonNode *pb_json_member (const pb_json_obj_t *o, const char *key);
gboolean pb_json_is_string (JsonNode *n);

/* Set the error for a required key that is absent or null, or for a value of the wrong type
 * (`expected`: "a string"); return FALSE. */
gboolean pb_json_missing (const pb_json_obj_t *o, const char *key, GError **error);
gboolean pb_json_wrong_type (const pb_json_obj_t *o, const char *key, JsonNode *n,
                             const char *expected, GError **error);

/* A number as written in the source (json-glib wraps integers beyond 64 bits); FALSE when `n`
 * is not a number. */
gboolean pb_json_number (const pb_json_doc_t *d, JsonNode *n, double *out);

/* The getters: FALSE with an error at the value (or at the object when a required key is
 * missing). An absent optional key leaves the default. */

/* Optional strings that are empty or blank come back as NULL; required ones must not be
 * blank. *out is a new string. */
gboolean pb_json_get_string (const pb_json_obj_t *o, const char *key, gboolean required,
                             char **out, GError **error);
/* An integer from `min` to `max` (G_MAXINT: no upper limit); `hint` explains the range. */
gboolean pb_json_get_int (const pb_json_obj_t *o, const char *key, gboolean required, int min,
                          int max, int def, const char *hint, int *out, GError **error);
gboolean pb_json_get_bool (const pb_json_obj_t *o, const char *key, gboolean def,
                           gboolean *out, GError **error);

/* PB_LEN_TYPE: a type size, at least PB_MIN_TYPE_PT. */
typedef enum { PB_LEN_NONNEG, PB_LEN_POSITIVE, PB_LEN_TYPE } pb_len_range_t;

/* A length in points: a number, or a string pb_parse_length reads. `em` is the body size; em ≤
 * 0 where 字/em cannot be used (the body size itself). At most PB_MAX_LENGTH_PT. */
gboolean pb_json_get_length (const pb_json_obj_t *o, const char *key, gboolean required,
                             double em, pb_len_range_t range, double def, double *out,
                             GError **error);

/* An array (*out borrowed from the document), or an object opened as pb_json_open_object does
 * (out->node NULL when an optional one is absent). */
gboolean pb_json_get_array (const pb_json_obj_t *o, const char *key, gboolean required,
                            JsonNode **out, GError **error);
gboolean pb_json_get_object (const pb_json_obj_t *o, const char *key, gboolean required,
                             const char *kind, const char *const *keys, pb_json_obj_t *out,
                             GError **error);

/* Calls `each` on every member of the optional object `key` (its members' names free, the
 * object opened as `kind`), in the order of the document, until one returns FALSE. */
typedef gboolean (*pb_json_member_fn) (const pb_json_obj_t *o, const char *name, gpointer data,
                                       GError **error);
gboolean pb_json_each_member (const pb_json_obj_t *o, const char *key, const char *kind,
                              pb_json_member_fn each, gpointer data, GError **error);

/* Element `i` of an array node, and the array's length. */
JsonNode *pb_json_element (JsonNode *array, guint i);
guint pb_json_array_length (JsonNode *array);
