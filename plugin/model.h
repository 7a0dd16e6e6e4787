/* The issue model: what the loader reads from JSON and Markdown, immutable afterwards.
 * All lengths are in points; vertical page positions are in baseline-grid lines. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a value came from, for error messages. `file` is borrowed from the owning issue. */
typedef struct {
  const char *file;
  int line, col;
} pb_loc_t;

/* A file's identity (st_dev, st_ino): outputs are compared with the inputs by it. */
typedef struct {
  guint64 dev, ino;
} pb_file_id_t;

typedef enum {
  PB_ALIGN_JUSTIFY,
  PB_ALIGN_LEFT,
  PB_ALIGN_CENTER,
  PB_ALIGN_RIGHT
} pb_align_t;

typedef enum {
  PB_ROLE_BODY,
  PB_ROLE_DATELINE,
  PB_ROLE_SUBHEAD,
  PB_ROLE_KICKER,
  PB_ROLE_HEADLINE,
  PB_ROLE_SUBTITLE,
  PB_ROLE_CAPTION,
  PB_ROLE_CREDIT,
  PB_ROLE_GUIDE_TITLE,
  PB_ROLE_GUIDE_ENTRY,
  PB_ROLE_GUIDE_PAGE,
  PB_ROLE_MASTHEAD_TITLE,
  PB_ROLE_MASTHEAD_LINE,
  PB_ROLE_FOLIO,
  PB_ROLE_JUMP,          /* 下转第X版 / 上接第X版 */
  PB_ROLE_BYLINE,        /* a story's byline: 国务院总理 李强 */
  PB_ROLE_EMPHASIS,      /* *emphasis* in body text: 楷体 */
  PB_ROLE_PULLQUOTE,     /* a pull quote (> in Markdown) */
  PB_ROLE_TABLE,         /* table cells (the header row in bold) */
  PB_ROLE_BRIEF_HEAD,    /* the run-in head of a brief (简讯) */
  PB_ROLE_COUNT
} pb_role_t;

/* The roles' names in templates ("body", "guide_title" …), NULL-terminated. */
extern const char *const pb_role_names[PB_ROLE_COUNT + 1];

typedef struct {
  char *font;          /* fontconfig family */
  int weight;          /* PangoWeight value, 100..1000 */
  double size;         /* pt */
  double leading;      /* pt between baselines of a multi-line block; 0 = 1.25 × size */
  pb_align_t align;
  double indent;       /* first-line indent, pt */
  int space_before;    /* grid lines */
  int space_after;     /* grid lines */
  int lines;           /* minimum grid lines the block takes, 0 = as needed */
  guint32 color;       /* 0xRRGGBB */
  pb_loc_t font_loc;   /* where `font` is named in its template */
  double phrase_gap;   /* pt set for a space inside a line of display text (a phrase mark) */
  /* Families tried, in order, for a character `font` has no glyph for (HanaMinB for CJK
   * Extension B), then the template's private_use_font: "A,B" or NULL for none. */
  char *fallback;
} pb_style_t;

/* The shape of a display block's lines (the template's "headline_shape"). */
typedef enum {
  PB_SHAPE_FILL,       /* each line as full as it goes: body text, full-measure subheads */
  PB_SHAPE_BALANCED,   /* lines of about the same length */
  PB_SHAPE_PYRAMID,    /* each line longer than the one above it */
  PB_SHAPE_INVERTED    /* each line shorter than the one above it */
} pb_shape_t;
/* A named set of headline sizes (template "headline_styles"): the 引题, 主题 and 副题 sizes of
 * one kind of story (a lead, a secondary story, a brief), the range `fit` may take the 主题
 * from, the lines it may take and the alignment of the group. */
typedef struct {
  char *name;
  double kicker, headline, subtitle; /* pt; kicker and subtitle 0: the role style's size */
  double headline_min;   /* pt: the smallest size fit sets the 主题 at (= headline: no range) */
  int max_lines;         /* lines the 主题 may take, 0 = any */
  gboolean has_align;
  pb_align_t align;      /* of kicker, headline and subtitle, when has_align */
  int from_span;         /* the default of items this many columns wide or wider, 0 = never */
  pb_loc_t loc;          /* where the style is named in its template */
} pb_headline_style_t;

/* Where a story's byline goes: its own line under the headline group, or before the body. */
typedef enum {
  PB_BYLINE_UNDER_HEADLINE,
  PB_BYLINE_BEFORE_BODY
} pb_byline_position_t;

/* A spot colour (专色) of a template's "spot_colors": printed on its own plate as a named
 * Separation colour space whose alternate is its CMYK; proofs and screens show that alternate,
 * as the RGB `rgb` (also what a style's or a box's colour holds when it names the spot). */
typedef struct {
  char *name;
  double cmyk[4];        /* 0..1 */
  guint32 rgb;           /* 0xRRGGBB of the alternate */
  pb_loc_t loc;
} pb_spot_t;

/* The extra space per gap between characters, in em, that a justified line may take before it
 * counts as letterspaced, when the template names none. */
#define PB_STRETCH_LIMIT_EM 0.25

typedef struct {
  char *name;
  char *path;
  double trim_w, trim_h;
  double bleed;
  double margin_top, margin_bottom;
  int columns;
  double column_width, gutter;
  double body_size;
  double leading;        /* baseline grid step */
  int masthead_lines;
  pb_style_t styles[PB_ROLE_COUNT];
  /* Grid lines in the type area: floor ((trim_h - margin_top - margin_bottom) / leading). */
  int lines;
  /* Space between Han and Latin letters or digits (0: none, the newspaper default). */
  double latin_space;
  /* The extra space between characters beyond which a body line counts as letterspaced, and
   * whether a line-end 。，、 may hang in the margin (off: the mainland newspaper style). */
  double letterspacing_limit;
  gboolean hanging_punctuation;
  /* The headline's lines (kickers, subtitles and guide entries are balanced), and whether a
   * subhead runs in at the start of the paragraph after it instead of taking lines. */
  pb_shape_t headline_shape;
  gboolean subhead_run_in;
  /* The briefs of a story of briefs parted by thin rules (template "brief_separator": "rule")
   * instead of a ● before each head. */
  gboolean brief_rules;
  /* The named headline styles, in the template's order (of pb_headline_style_t*), the one a
   * continuation head takes (NULL: the default of its item's span), and where bylines go. */
  GPtrArray *headline_styles;
  const pb_headline_style_t *jump_headline_style;
  pb_byline_position_t byline_position;
  /* Folders of fonts added to paiban's own fontconfig setup (the paper's licensed fonts),
   * resolved against the template's folder (of char*; empty for none), and the family that
   * holds the paper's made characters (造字) in the Private Use Area (NULL: none). */
  GPtrArray *font_dirs;
  char *private_use_font;
  /* Spot colours (of pb_spot_t*, in the template's order); rules between the columns of a
   * story item by default; the colour of those rules and of the rules between stacked items. */
  GPtrArray *spots;
  gboolean column_rules;
  guint32 rule_color;
  /* Moves the column block off the trim's centre (pt): 0 in a loaded template; a boxed item's
   * text is set in a copy whose narrower columns stand inside the box (pb_template_in_box). */
  double columns_offset;
} pb_template_t;

/* Inline markup over a byte range of a block's text. */
/* PB_SPAN_DOTS: emphasis dots (着重号) under each character but punctuation (_…_). */
enum { PB_SPAN_BOLD = 1 << 0, PB_SPAN_EMPH = 1 << 1, PB_SPAN_DOTS = 1 << 2 };
typedef struct {
  int start, end;        /* byte offsets into the block text */
  unsigned flags;
} pb_span_t;

typedef enum {
  PB_BLOCK_PARA,
  PB_BLOCK_SUBHEAD,
  PB_BLOCK_QUOTE,        /* a pull quote: the text of a > block quote */
  PB_BLOCK_TABLE         /* a table: `cells` hold its text */
} pb_block_kind_t;

/* How a table column's cells are aligned: from the delimiter row (:--, :-:, --:), else
 * numbers (every body cell starting with a digit or sign) to the right, text to the left. */
typedef enum {
  PB_CELL_AUTO,
  PB_CELL_LEFT,
  PB_CELL_CENTER,
  PB_CELL_RIGHT
} pb_cell_align_t;

/* Where a stretch of a block's text comes from in a Markdown file: the text from byte `start`
 * up to the next origin is the file's text from `loc` on. */
typedef struct {
  int start;
  pb_loc_t loc;
} pb_origin_t;

typedef struct {
  pb_block_kind_t kind;
  char *text;            /* UTF-8, soft breaks removed */
  GArray *spans;         /* of pb_span_t, sorted, non-overlapping */
  pb_loc_t loc;          /* where the block starts in its Markdown source */
  GArray *origins;       /* of pb_origin_t, by start; empty for a body inside the JSON */
  /* PB_BLOCK_TABLE: rows × cols cells (of pb_block_t*, PB_BLOCK_PARA, row by row, the first
   * row the header), each column's alignment; `text` is empty. */
  int rows, cols;
  GPtrArray *cells;
  pb_cell_align_t *col_align;
} pb_block_t;

/* Where the character at byte `offset` of the block's text stands in its Markdown file: its own
 * line and column where known, else the block's start. */
pb_loc_t pb_block_loc_at (const pb_block_t *block, int offset);

typedef struct {
  char *file;            /* resolved path */
  GBytes *bytes;         /* the file as read when the issue was loaded */
  char *caption;
  char *credit;          /* NULL when none */
  pb_loc_t loc;
  /* The focal point kept in view when the photo is cropped, as fractions (0..1) of its width
   * and height from the top-left corner; without one (has_focus FALSE) the centre. */
  gboolean has_focus;
  double focus_x, focus_y;
} pb_photo_t;

typedef struct {
  char *id;
  char *kicker, *headline, *subtitle, *dateline, *author; /* NULL when absent */
  char *jump_headline;   /* the continuation head (回头标题); NULL: the headline */
  char *byline;          /* 国务院总理 李强: its own line; NULL when absent */
  char *credit;          /* （记者王优玲、于佳欣）: after the body's last line; NULL when absent */
  char *group_caption;   /* the caption under its photos set as a group; NULL when absent */
  pb_loc_t headline_loc; /* where the headline's value stands */
  GPtrArray *blocks;     /* of pb_block_t* */
  GPtrArray *photos;     /* of pb_photo_t* */
  gboolean filler;       /* may fill what is left at a page's foot (fillers.c) */
  gboolean briefs;       /* 简讯: each subhead runs in, bold, at the start of its text, the
                          * items parted by ● */
  pb_loc_t loc;
} pb_story_t;

typedef struct {
  char *story_id;
  char *title;           /* may hold '\n' */
  pb_loc_t loc;
} pb_guide_entry_t;

typedef enum {
  PB_ITEM_STORY,
  PB_ITEM_GUIDE
} pb_item_kind_t;

/* The frame of a boxed item (加框): plain, double, a thick rule outside a thin one, or one of
 * the 花边 patterns (dots, a wave, a chain of diamonds) drawn as vector paths. */
typedef enum {
  PB_BOX_NONE,
  PB_BOX_SINGLE,
  PB_BOX_DOUBLE,
  PB_BOX_THICK_THIN,
  PB_BOX_DOTS,
  PB_BOX_WAVE,
  PB_BOX_DIAMONDS
} pb_box_style_t;

/* The box names in issues ("single" …), by pb_box_style_t, NULL-terminated. */
extern const char *const pb_box_style_names[];

/* An item's box: its frame, the grid lines kept free inside it above and below the story
 * (`inset`; at the sides the frame stands in the gutters), a tint under it (底纹), and the
 * headlines reversed out of a bar of the frame's colour (反白). */
typedef struct {
  pb_box_style_t style;
  int inset;
  guint32 color;
  double tint;           /* 0..1 of `color` under the box; 0: none */
  gboolean bar;
} pb_item_box_t;

/* A photo of the story set inside the text (图文互斥): at page column `column` (of the
 * item's), grid line `line` of the item, over `span` columns, `lines` high (0: from its
 * aspect); the columns' lines flow above and below it. */
typedef struct {
  int column, line, span, lines;
  gboolean placed;       /* given in the issue; otherwise the layout picks the place */
} pb_inset_photo_t;

/* A pull quote of the story set inside the text (like an inset photo) across `span` columns:
 * at the item's column `column` and grid line `line` when `placed`, else where the layout
 * picks; between two thin rules, or framed in a box of style `box` (not PB_BOX_NONE). */
typedef struct {
  int column, line, span;
  gboolean placed;
  pb_box_style_t box;
} pb_pull_quote_t;

/* The story's photos set together under its headlines (组图), each with its caption, the
 * group's caption under them: side by side in one row, or in a grid of rows. */
typedef enum { PB_GROUP_NONE, PB_GROUP_ROW, PB_GROUP_GRID } pb_photo_group_t;

/* An item's column rules (栏线): as its template says, drawn or not. */
typedef enum { PB_RULES_TEMPLATE, PB_RULES_ON, PB_RULES_OFF } pb_rules_t;

typedef struct {
  pb_item_kind_t kind;
  int column;            /* 0-based */
  int span;
  int top, height;       /* grid lines */
  /* story items */
  char *story_id;
  int photo_span;        /* 0 = the item's span */
  gboolean photo_right;
  int photo_lines;       /* grid lines of the photo frame, 0 = from the photo's aspect */
  gboolean photo_off;    /* set by automatic makeup: the story without its photos */
  int heading_space;     /* set by automatic makeup: grid lines more under the headlines */
  /* The headline group's sizes: a named style of the template (NULL: the default of the
   * item's span), scaled by headline_scale (0: not scaled) or so that the 主题 is
   * headline_size pt (0: the style's). */
  const pb_headline_style_t *headline_style;
  double headline_scale;
  double headline_size;
  /* The headlines set vertically (竖排) in whole columns at the item's right: 0 not, a count
   * of columns, or PB_VERTICAL_AUTO (as few columns as their lines need). */
  int headline_vertical;
  gboolean auto_place;   /* no column/top given: the layout places it (height 0: as needed) */
  gboolean auto_height;  /* set by the layout on the copy of an item sized to its text */
  pb_item_box_t box;     /* style PB_BOX_NONE: not boxed */
  pb_rules_t column_rules;
  pb_photo_group_t photo_group;
  /* Where the story's photos after the first go (of pb_inset_photo_t, one a photo, the
   * second photo first); NULL: each inside the text where the layout picks. */
  GArray *inset_photos;
  /* The story's first pull quotes (of pb_pull_quote_t, one a quote, in order) set inside the
   * text; NULL: all in the flow, a column wide. */
  GArray *pull_quotes;
  /* guide items */
  char *guide_title;
  GPtrArray *guide_entries; /* of pb_guide_entry_t* */
  pb_loc_t loc;
} pb_item_t;

/* headline_vertical: true in the issue, the strip's columns found by setting the lines. */
#define PB_VERTICAL_AUTO (-1)

typedef struct {
  char *key, *value;
} pb_credit_t;

/* An override of automatic makeup: what the editor fixed of a story's shape and place, each
 * field -1 when not pinned. `column` is 0-based; `page` a page number of the section. */
typedef struct {
  int page, column, top, span, photo_lines;
} pb_pin_t;

/* A story of a pool, placed by automatic makeup (makeup.c): the spans it may take (0: any),
 * whether it must start on the first free line, the range of its photo frame in grid lines
 * (-1: the default around its aspect; 0 allows it without photos), the story it must share a
 * page with (a section's pool; NULL: none) and its override. */
typedef struct {
  char *story_id;
  int min_span, max_span;
  gboolean on_top;
  int min_photo, max_photo;
  char *keep_with;
  gboolean may_continue;  /* a section's story may start at a page's foot and go on */
  pb_pin_t pin;
  pb_loc_t loc;
} pb_pool_entry_t;

/* A section of the paper (版组): its pages first_page … first_page + pages − 1 share one pool,
 * distributed over them by automatic makeup (distribute.c). */
typedef struct {
  char *name;
  int first_page, pages;
  GPtrArray *pool;       /* of pb_pool_entry_t*, in order of importance */
  pb_loc_t loc;
} pb_section_t;

typedef struct {
  int number;
  char *section;
  const pb_template_t *tmpl; /* owned by the issue */
  gboolean masthead;
  gboolean elsewhere;
  GPtrArray *credits;    /* of pb_credit_t* */
  GPtrArray *story_ids;  /* of char*, for pages made up elsewhere */
  GPtrArray *items;      /* of pb_item_t* */
  GPtrArray *pool;       /* of pb_pool_entry_t*, in order of importance: placed by makeup */
  const pb_section_t *in_section; /* the section whose pool fills it, NULL: none */
  pb_loc_t loc;
} pb_page_t;

typedef struct {
  char *path;            /* the issue file as given */
  char *dir;             /* its folder */
  char *paper, *paper_en, *date;
  GPtrArray *masthead_lines; /* of char* */
  /* The masthead's logo (报头): an image printed in place of the paper's name, its file read
   * at load like a photo's (caption unused); NULL: the name in type. Its colour (a spot colour
   * of the front page's template or "#RRGGBB", NULL: the image's own) makes it a one-colour
   * logo: the image's coverage (alpha, else darkness) in that colour. */
  pb_photo_t *logo;
  char *logo_color;
  pb_loc_t logo_color_loc;
  GPtrArray *stories;    /* of pb_story_t* */
  GHashTable *story_by_id;   /* borrowed pointers */
  GPtrArray *pages;      /* of pb_page_t*, by number when the issue has sections */
  GPtrArray *sections;   /* of pb_section_t* */
  GPtrArray *templates;  /* of pb_template_t*, owned */
  GPtrArray *files;      /* of char*: every file name a pb_loc_t points at */
  GPtrArray *warnings;   /* of char*: "file:line:col: message" */
  GArray *inputs;        /* of pb_file_id_t: every file read (issue, templates, bodies,
                          * photos), which outputs must not replace */
} pb_issue_t;

/* The core's errors carry their file, line and column as fields too (diag.h). */
#define PB_ERROR (pb_error_quark ())
GQuark pb_error_quark (void);
typedef enum {
  PB_ERROR_IO,
  PB_ERROR_SYNTAX,
  PB_ERROR_INVALID,
  PB_ERROR_FONT,
  PB_ERROR_GLYPH,
  PB_ERROR_IMAGE,
  PB_ERROR_LAYOUT,
  PB_ERROR_OUTPUT,
  PB_ERROR_MISSING_KEY,   /* a required key is absent or null */
  PB_ERROR_WRONG_TYPE,    /* a value of the wrong JSON type */
  PB_ERROR_UNKNOWN_STORY, /* a page, item or guide entry names a story the pool lacks */
  PB_ERROR_DUPLICATE,     /* a story id, page number or key given twice */
  PB_ERROR_STRICT         /* a check of strict mode (--fail-on) failed */
} pb_error_code_t;

/* Sets `error` to "file:line:col: message". */
void pb_set_error_at (GError **error, pb_error_code_t code, pb_loc_t loc,
                      const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* The loader (issue.c, with template.c, markdown.c and jsondoc.c under it).
 *
 * Loads an issue: a new pb_issue_t (pb_issue_free) or NULL with `error` set. `datadir` (not
 * NULL) is the folder holding layouts/, where named templates are looked up; the caller
 * decides it (the job's default is in paiban.c). Warnings go to the issue's `warnings`.
 * pb_issue_load_data reads `len` bytes of `data` as the issue `name` of folder `base_dir`
 * (NULL: "<data>" in "."). */
pb_issue_t *pb_issue_load_file (const char *path, const char *datadir, GError **error);
pb_issue_t *pb_issue_load_data (const char *data, gsize len, const char *name,
                                const char *base_dir, const char *datadir, GError **error);
/* As pb_issue_load_data, collecting every error the loader finds, not just the first, into
 * `errors` (of GError*, owned by the caller's array; up to PB_MAX_ERRORS): it goes on after
 * an error with the next key of a story, the next story, item or page, where what follows
 * does not depend on what failed. `error` gets a copy of the first. When `inputs` is given,
 * the identities (pb_file_id_t) of every file the loader opened, read whole or not, are
 * appended to it, also when loading fails: no output of the run may replace one. */
pb_issue_t *pb_issue_load_data_all (const char *data, gsize len, const char *name,
                                    const char *base_dir, const char *datadir,
                                    GPtrArray *errors, GArray *inputs, GError **error);
pb_issue_t *pb_issue_load_file_all (const char *path, const char *datadir, GPtrArray *errors,
                                    GArray *inputs, GError **error);
void pb_issue_free (pb_issue_t *issue);

/* Grid lines at the top of a page taken by the masthead (front page) or the folio (the others,
 * the folio style's `lines`); items count their `top` from below them. */
int pb_page_head_lines (const pb_page_t *page);

/* Loads a template file: a new pb_template_t (pb_template_free) or NULL with `error` set.
 * Warnings (unknown keys) are added to `warnings`, an array of char* "file:line:col: message"
 * that owns them (made with g_free as its free function); NULL drops them. */
pb_template_t *pb_template_load_file (const char *path, GPtrArray *warnings, GError **error);
void pb_template_free (pb_template_t *tmpl);

/* The keys the loader knows in each kind of object, the kind named as in the warning about an
 * unknown key ("story", "item photo" …): NULL-terminated lists, in tables that end with a NULL
 * kind. docs/issue.schema.json and docs/template.schema.json list the same keys
 * (tests/test-schemas.py checks that they agree). */
typedef struct {
  const char *kind;
  const char *const *keys;
} pb_known_keys_t;
extern const pb_known_keys_t pb_issue_known_keys[];
extern const pb_known_keys_t pb_template_known_keys[];

/* Lengths: number = pt; "12pt", "3mm", "1.2cm", "0.5in", "2字"/"2em" (× em), Chinese size
 * names. Returns FALSE on a malformed string. */
gboolean pb_parse_length (const char *text, double em, double *out_pt);
gboolean pb_size_from_name (const char *name, double *out_pt);

G_END_DECLS
