#include "structure.h"

#include <stdio.h>
#include <string.h>

/* The link annotations' keys in the parent tree follow the pages' (one per page, its index). */

static qpdf_oh
name (qpdf_data q, const char *n)
{
  g_autofree char *s = g_strconcat ("/", n, NULL);
  return qpdf_oh_new_name (q, s);
}

/* A marked-content reference to sequence `mcid` of `page`, or the bare MCID on the element's
 * own page. */
static qpdf_oh
mark_ref (qpdf_data q, const pb_tag_mark_t *m, int own_page)
{
  if (m->page == own_page)
    return qpdf_oh_new_integer (q, m->mcid);
  qpdf_oh mcr = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, mcr, "/Type", qpdf_oh_new_name (q, "/MCR"));
  qpdf_oh_replace_key (q, mcr, "/Pg", qpdf_get_page_n (q, m->page));
  qpdf_oh_replace_key (q, mcr, "/MCID", qpdf_oh_new_integer (q, m->mcid));
  return mcr;
}

/* Every element as an indirect dictionary with its type, parent and marks (children are added
 * by the caller). */
static GArray *
make_elements (qpdf_data q, const pb_tags_t *tags, qpdf_oh root)
{
  guint n = pb_tags_count (tags);
  GArray *objs = g_array_sized_new (FALSE, FALSE, sizeof (qpdf_oh), n);
  for (guint i = 0; i < n; i++)
    {
      const pb_tag_elem_t *e = pb_tags_elem (tags, i);
      qpdf_oh d = qpdf_make_indirect_object (q, qpdf_oh_new_dictionary (q));
      qpdf_oh_replace_key (q, d, "/Type", qpdf_oh_new_name (q, "/StructElem"));
      qpdf_oh_replace_key (q, d, "/S", name (q, pb_tag_names[e->type]));
      qpdf_oh_replace_key (q, d, "/P", e->parent < 0 ? root
                                        : g_array_index (objs, qpdf_oh, e->parent));
      if (e->alt)
        qpdf_oh_replace_key (q, d, "/Alt", qpdf_oh_new_unicode_string (q, e->alt));
      qpdf_oh kids = qpdf_oh_new_array (q);
      if (e->marks->len)
        {
          int own = g_array_index (e->marks, pb_tag_mark_t, 0).page;
          qpdf_oh_replace_key (q, d, "/Pg", qpdf_get_page_n (q, own));
          for (guint k = 0; k < e->marks->len; k++)
            qpdf_oh_append_item (q, kids, mark_ref (q, &g_array_index (e->marks, pb_tag_mark_t,
                                                                        k), own));
        }
      qpdf_oh_replace_key (q, d, "/K", kids);
      if (e->parent >= 0)
        qpdf_oh_append_item (q, qpdf_oh_get_key (q, g_array_index (objs, qpdf_oh, e->parent),
                                                 "/K"), d);
      g_array_append_val (objs, d);
    }
  return objs;
}

/* The page's entry of the parent tree: the element of each sequence by MCID, null for an
 * artifact's. */
static qpdf_oh
page_parents (qpdf_data q, const pb_tags_t *tags, guint page, GArray *objs)
{
  guint n;
  const int *marks = pb_tags_page_marks (tags, page, &n);
  qpdf_oh arr = qpdf_oh_new_array (q);
  for (guint i = 0; i < n; i++)
    qpdf_oh_append_item (q, arr, pb_tags_is_artifact (tags, marks[i])
                                     ? qpdf_oh_new_null (q)
                                     : g_array_index (objs, qpdf_oh, marks[i]));
  return qpdf_make_indirect_object (q, arr);
}

/* The page number a link annotation of Cairo's goes to ("page-N", as the painter names the
 * pages' destinations), 0 when it is not one. */
static int
annot_target (qpdf_data q, qpdf_oh annot)
{
  qpdf_oh dest = qpdf_oh_get_key (q, annot, "/Dest");
  if (!qpdf_oh_is_string (q, dest))
    return 0;
  const char *s = qpdf_oh_get_utf8_value (q, dest);
  int number = 0;
  return sscanf (s, "page-%d", &number) == 1 ? number : 0;
}

/* The Link elements of page `page`, by MCID order, matched with the page's link annotations in
 * order (Cairo writes an annotation for each link that drew something, in the order drawn):
 * each pair gets an object reference and a key in the parent tree (from *key on). */
static char *
link_annots (qpdf_data q, const pb_tags_t *tags, guint page, GArray *objs, qpdf_oh nums,
             int *key)
{
  guint n;
  const int *marks = pb_tags_page_marks (tags, page, &n);
  qpdf_oh pg = qpdf_get_page_n (q, page);
  qpdf_oh annots = qpdf_oh_get_key (q, pg, "/Annots");
  int count = qpdf_oh_is_array (q, annots) ? qpdf_oh_get_array_n_items (q, annots) : 0;
  guint next = 0;
  for (int a = 0; a < count; a++)
    {
      qpdf_oh annot = qpdf_oh_get_array_item (q, annots, a);
      if (!qpdf_oh_is_name_and_equals (q, qpdf_oh_get_key (q, annot, "/Subtype"), "/Link"))
        continue;
      int target = annot_target (q, annot);
      const pb_tag_elem_t *e = NULL;
      for (; next < n && !e; next++)
        if (marks[next] >= 0 && pb_tags_elem (tags, marks[next])->type == PB_TAG_LINK
            && pb_tags_elem (tags, marks[next])->link_page == target)
          e = pb_tags_elem (tags, marks[next]);
      if (!e)
        return g_strdup_printf ("page %u: a link to page %d has no line that links there",
                                page + 1, target);
      qpdf_oh elem = g_array_index (objs, qpdf_oh, marks[next - 1]);
      qpdf_oh objr = qpdf_oh_new_dictionary (q);
      qpdf_oh_replace_key (q, objr, "/Type", qpdf_oh_new_name (q, "/OBJR"));
      qpdf_oh_replace_key (q, objr, "/Pg", pg);
      qpdf_oh_replace_key (q, objr, "/Obj", annot);
      qpdf_oh_append_item (q, qpdf_oh_get_key (q, elem, "/K"), objr);
      qpdf_oh_replace_key (q, annot, "/StructParent", qpdf_oh_new_integer (q, *key));
      qpdf_oh_append_item (q, nums, qpdf_oh_new_integer (q, (*key)++));
      qpdf_oh_append_item (q, nums, elem);
    }
  return NULL;
}

char *
pb_structure_write (qpdf_data q, const pb_tags_t *tags)
{
  guint pages = pb_tags_pages (tags);
  if ((int) pages != qpdf_get_num_pages (q) || pb_tags_count (tags) == 0)
    return g_strdup_printf ("the structure has %u pages, the file %d", pages,
                            qpdf_get_num_pages (q));
  qpdf_oh root = qpdf_make_indirect_object (q, qpdf_oh_new_dictionary (q));
  qpdf_oh_replace_key (q, root, "/Type", qpdf_oh_new_name (q, "/StructTreeRoot"));
  g_autoptr (GArray) objs = make_elements (q, tags, root);
  qpdf_oh_replace_key (q, root, "/K", g_array_index (objs, qpdf_oh, 0));
  qpdf_oh nums = qpdf_oh_new_array (q);
  for (guint p = 0; p < pages; p++)
    {
      qpdf_oh page = qpdf_get_page_n (q, p);
      qpdf_oh_replace_key (q, page, "/StructParents", qpdf_oh_new_integer (q, p));
      /* Tab through the links in the order of the structure. */
      qpdf_oh_replace_key (q, page, "/Tabs", qpdf_oh_new_name (q, "/S"));
      qpdf_oh_append_item (q, nums, qpdf_oh_new_integer (q, p));
      qpdf_oh_append_item (q, nums, page_parents (q, tags, p, objs));
    }
  int key = pages;
  for (guint p = 0; p < pages; p++)
    {
      char *why = link_annots (q, tags, p, objs, nums, &key);
      if (why)
        return why;
    }
  qpdf_oh tree = qpdf_oh_new_dictionary (q);
  qpdf_oh_replace_key (q, tree, "/Nums", nums);
  qpdf_oh_replace_key (q, root, "/ParentTree", qpdf_make_indirect_object (q, tree));
  qpdf_oh_replace_key (q, root, "/ParentTreeNextKey", qpdf_oh_new_integer (q, key));
  qpdf_oh catalog = qpdf_get_root (q);
  qpdf_oh_replace_key (q, catalog, "/StructTreeRoot", root);
  qpdf_oh_replace_key (q, catalog, "/MarkInfo", qpdf_oh_parse (q, "<< /Marked true >>"));
  return NULL;
}

gboolean *
pb_structure_artifacts (const pb_tags_t *tags, guint page, guint *n)
{
  const int *marks = pb_tags_page_marks (tags, page, n);
  gboolean *flags = g_new (gboolean, MAX (*n, 1));
  for (guint i = 0; i < *n; i++)
    flags[i] = pb_tags_is_artifact (tags, marks[i]);
  return flags;
}
