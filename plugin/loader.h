/* The issue's loader (issue.c, plan.c): what it holds while it reads an issue, the files the
 * issue names (opened once beneath its folder), templates, the text budget, and the first
 * error of each step recorded so that loading goes on. Private to the loader's modules. */
#pragma once

#include "diag.h"
#include "jsondoc.h"
#include "model.h"

#define MAX_BODY_BYTES (2 * PB_MIB)
/* The text an issue's bodies hold together, read and set: each body file counts once however
 * many stories share it, each story placed on a page made here counts its body again (it is
 * shaped and broken for each story, about 60 bytes of memory for a byte of text). */
#define MAX_TEXT_BYTES (8 * PB_MIB)
#define MAX_PAGES 500
#define MAX_ITEMS 2000
#define MAX_STORIES 10000
#define MAX_PAGE_NUMBER 9999
/* The smallest photo frame, in grid lines. */
#define MIN_PHOTO_LINES 3
/* The range of an item's headline_scale: a quarter to four times the style's sizes. */
#define MIN_HEADLINE_SCALE 0.25
#define MAX_HEADLINE_SCALE 4.0
#define DEFAULT_GUIDE_TITLE "导读"

/* A guide entry's story, checked once all pages are read (it must land on a page). */
typedef struct {
  char *what;
  char *story_id;
  pb_loc_t at;
} pb_guide_ref_t;

/* What the loader holds while it reads one issue. */
typedef struct {
  pb_issue_t *issue;
  pb_json_doc_t *d;
  const char *datadir;
  const char *base_dir;    /* the issue's folder as given (issue->dir is it for messages) */
  int dirfd;               /* the issue's folder, opened when first needed; -1 before */
  GHashTable *templates;   /* path → pb_template_t*, borrowed */
  GHashTable *page_first;  /* page number → its first JsonNode, borrowed */
  GHashTable *placed;      /* story id → TRUE, for guide entries */
  GPtrArray *guide_refs;   /* pb_guide_ref_t*, checked once all pages are read */
  const pb_template_t *tmpl; /* the issue's default */
  GHashTable *bodies;      /* body file path → its blocks (a GPtrArray reference) */
  GHashTable *set;         /* story id → TRUE: placed on a page made here, its text counted */
  gsize text_read, text_set; /* bytes of body text, against MAX_TEXT_BYTES */
  GPtrArray *errors;       /* of GError*: every error found, in the order found */
  const char *story;       /* the id of the story being read, NULL outside one */
  int page;                /* the number of the page being read, 0 outside one */
} pb_loader_t;

/* The kinds of file an issue names, each with its limit of bytes. */
typedef enum {
  INPUT_BODY,
  INPUT_TEMPLATE,
  INPUT_PHOTO
} input_kind_t;

/* Frees a pb_guide_ref_t (a GDestroyNotify). */
void pb_load_guide_ref_free (gpointer p);

/* Records the error of a step that failed (with the story and page being read), so that
 * loading goes on with the next step; returns `ok`. */
gboolean pb_load_step (pb_loader_t *l, gboolean ok, GError **e);

/* The issue's one copy of `path` (its files' names outlive the loader). */
const char *pb_load_intern_file (pb_issue_t *issue, const char *path);

/* Files named in an issue must stay inside its folder, also through symbolic links: issues
 * come from many hands and must not pull in arbitrary files of the machine. Each is opened
 * once, relative to the folder's descriptor and never through a link that leads out of it
 * (pb_open_beneath), and read whole there: later stages use these bytes, so a file swapped
 * for a link after the check is never read. Sets *path (shown in messages) and *data, *len
 * (NUL-terminated, g_free). */
gboolean pb_load_read_input (pb_loader_t *l, const pb_json_obj_t *o, const char *key,
                             JsonNode *n, input_kind_t kind, char **path, char **data,
                             gsize *len, GError **error);

/* Whether `s` is a valid id (letters, digits, _ and -: a story id, a template name). */
gboolean pb_load_valid_id (const char *s);

/* The template of `o` (its "template", or the issue's default unless `required`). Each
 * distinct template file is loaded once; pages borrow it from the issue. */
gboolean pb_load_get_template (pb_loader_t *l, const pb_json_obj_t *o, gboolean required,
                               const pb_template_t **out, GError **error);

/* Adds `more` bytes to the budget *used of MAX_TEXT_BYTES; FALSE with `error` set (at `at`,
 * naming `what` and `which`) when that goes over it. */
gboolean pb_load_text_budget (gsize *used, gsize more, pb_loc_t at, const char *what,
                              const char *which, GError **error);

/* A story placed on a page made here is set from its own copy of its body's text. */
gboolean pb_load_count_set_text (pb_loader_t *l, const pb_json_obj_t *o, const pb_story_t *s,
                                 GError **error);

/* Display text breaks its line at each '\n'; an empty line adds none, which its editor may
 * not expect: a warning at the value. */
gboolean pb_load_warn_empty_line (pb_loader_t *l, const pb_json_obj_t *o, const char *key,
                                  const char *text);
