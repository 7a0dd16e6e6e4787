/* Characters set in a fallback font: for each text of the issue, the characters its style's
 * own font has no glyph for and a font of the style's fallback chain has (a rare character
 * such as 𪚥 U+2A6A5 from HanaMinB, a made character from the template's private_use_font).
 * Each is reported with where it stands, so that a proofreader looks at it. */
#pragma once

#include "fonts.h"
#include "model.h"

typedef struct {
  const char *story;   /* borrowed from the issue */
  const char *role;    /* "headline", "body" … (pb_role_names) */
  pb_loc_t loc;        /* the character's own position where known, else its text's */
  gunichar c;
  const char *font;    /* the family that sets it (interned) */
  const char *primary; /* the style's own family (borrowed from the template) */
} pb_fallback_t;

/* Every character of the issue's stories set in a fallback font, in the issue's order, with
 * the styles of the issue's first template (the one it names). A new array of
 * pb_fallback_t (g_array_unref). */
GArray *pb_find_fallbacks (const pb_issue_t *issue, pb_fonts_t *fonts);

/* The warning for one: "FILE:LINE:COL: story "ID": U+2A6A5 “𪚥” (headline) is set in the
 * fallback font HanaMinB: Noto Serif CJK SC has no glyph for it". A new string. */
char *pb_fallback_message (const pb_fallback_t *f);

/* A face the issue's styles name, and its file (determinism: the report says which files
 * set the pages). */
typedef struct {
  char *family;
  int weight;
  char *file; /* NULL when fontconfig finds none */
} pb_font_file_t;

/* The faces of every style of the issue's templates and of their fallback chains, each once,
 * in the templates' order. A new array of pb_font_file_t* (g_ptr_array_unref frees them). */
GPtrArray *pb_font_files (const pb_issue_t *issue, pb_fonts_t *fonts);
