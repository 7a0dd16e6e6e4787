/* Prepress pieces on their own: the colour rewriting of content streams, photo placement
 * (focal point, bleed), and output files that appear whole or not at all. The whole print PDF
 * is checked in test-prepress.sh. */
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "content-filter.h"
#include "outfile.h"
#include "prepress.h"
#include "square-crop.h"

static char *
filter (const char *in, pb_filter_counts_t *counts)
{
  size_t len = 0;
  char *why = NULL;
  char *out = pb_filter_content (in, strlen (in), &len, counts, &why);
  g_assert_null (why);
  g_assert_nonnull (out);
  g_assert_cmpuint (strlen (out), ==, len);
  return out;
}

static void
test_filter_black (void)
{
  pb_filter_counts_t n = { 0 };
  char *out = filter ("q 0 0 0 rg BT /f 1 Tf <0001> Tj ET 0 0 0 RG 2 w 0 0 m 9 0 l S Q", &n);
  g_assert_cmpstr (out, ==, "q 0 g BT /f 1 Tf <0001> Tj ET 0 G 2 w 0 0 m 9 0 l S Q");
  g_assert_cmpint (n.gray, ==, 2);
  g_assert_cmpint (n.cmyk, ==, 0);
  free (out);
}

static void
test_filter_colours (void)
{
  pb_filter_counts_t n = { 0 };
  /* Cairo's masthead red #C8102E and a grey; spacing and line ends are kept. */
  char *out = filter ("0.784314 0.0627451 0.180392 rg\nBT ET\n0.5 0.5 0.5 RG\n1 1 1 rg", &n);
  g_assert_cmpstr (out, ==, "0 0.92 0.77 0.2157 k\nBT ET\n0.5 G\n1 g");
  g_assert_cmpint (n.gray, ==, 2);
  g_assert_cmpint (n.cmyk, ==, 1);
  free (out);
}

/* Only real operators change: not the same bytes inside strings, names, comments or inline
 * image data, and not an operator with the wrong operands. */
static void
test_filter_untouched (void)
{
  static const char *const same[] = {
    "BT (0 0 0 rg) Tj ET",
    "% 0 0 0 rg\n",
    "/Name 0 0 rg",
    "[0 0 0] 0 d 0 0 0 0 rg",
    "BI /W 4 /H 1 /BPC 8 /CS /G ID 0 0 0 rg\nEI Q",
  };
  for (guint i = 0; i < G_N_ELEMENTS (same); i++)
    {
      pb_filter_counts_t n = { 0 };
      char *out = filter (same[i], &n);
      g_assert_cmpstr (out, ==, same[i]);
      g_assert_cmpint (n.gray + n.cmyk, ==, 0);
      free (out);
    }
}

static void
test_filter_bad (void)
{
  size_t len = 0;
  char *why = NULL;
  char *out = pb_filter_content ("0 0 0 rg <zz> Tj", 16, &len, NULL, &why);
  g_assert_null (out);
  g_assert_nonnull (why);
  free (why);
}

/* A tagged PDF's artifacts: the sequences marked so become /Artifact ones, the others and
 * everything else are copied as they are, every sequence with an MCID is counted. */
static void
test_filter_artifacts (void)
{
  const char *in = "/Span << /MCID 0 >> BDC\n0 0 0 rg 1 2 m 3 4 l S\nEMC\n"
                   "/P << /MCID 1 >> BDC\nBT <0001> Tj ET\nEMC\n"
                   "/Link <</MCID 2>> BDC 1 0 0 RG EMC /OC /L1 BDC EMC";
  const gboolean artifacts[] = { TRUE, FALSE, TRUE };
  pb_filter_options_t opt = { 0, artifacts, G_N_ELEMENTS (artifacts), NULL, 0 };
  pb_filter_counts_t counts = { 0 };
  size_t len = 0;
  char *why = NULL;
  char *out = pb_filter_content_with (in, strlen (in), &len, &opt, &counts, &why);
  g_assert_nonnull (out);
  g_assert_cmpstr (out, ==, "/Artifact BMC\n0 0 0 rg 1 2 m 3 4 l S\nEMC\n"
                            "/P << /MCID 1 >> BDC\nBT <0001> Tj ET\nEMC\n"
                            "/Artifact BMC 1 0 0 RG EMC /OC /L1 BDC EMC");
  g_assert_cmpint (counts.marked, ==, 3);
  g_assert_cmpint (counts.gray + counts.cmyk, ==, 0);
  free (out);
}

static void
test_placement_bleed (void)
{
  pb_page_layout_t page = { 0 };
  page.width = 300, page.height = 400;
  pb_photo_t photo = { 0 };
  /* Touching the left trim edge (within 0.5 pt) and the top: extended by the bleed there. */
  pb_image_t *image = square_crop (&photo, 0.4, 0);
  pb_rect_t f, s;
  pb_image_placement (image, &page, 9, &f, &s);
  g_assert_cmpfloat_with_epsilon (f.x, 0.4 - 9, 1e-9);
  g_assert_cmpfloat_with_epsilon (f.y, -9, 1e-9);
  g_assert_cmpfloat_with_epsilon (f.w, 109, 1e-9);
  g_assert_cmpfloat_with_epsilon (f.h, 109, 1e-9);
  /* The image has no pixels above the crop: it is enlarged to cover the bleed. */
  g_assert_cmpfloat (s.w / f.w, <, 5.0);
  g_assert_cmpfloat (s.y, >=, 0);
  g_assert_cmpfloat (s.y + s.h, <=, 500 + 1e-9);
  g_assert_cmpfloat_with_epsilon (s.w / f.w, s.h / f.h, 1e-9);
  /* Away from the trim, or on the proof (no bleed): unchanged. */
  image->frame.x = 20;
  image->frame.y = 20;
  pb_image_placement (image, &page, 9, &f, &s);
  g_assert_cmpfloat_with_epsilon (f.x, 20, 1e-9);
  g_assert_cmpfloat_with_epsilon (f.w, 100, 1e-9);
  image->frame.x = 0;
  pb_image_placement (image, &page, 0, &f, &s);
  g_assert_cmpfloat_with_epsilon (f.x, 0, 1e-9);
  /* The right edge, where the crop has pixels to spare: same scale, more of the photo. */
  image->frame = (pb_rect_t) { 200, 20, 100, 100 };
  pb_image_placement (image, &page, 9, &f, &s);
  g_assert_cmpfloat_with_epsilon (f.w, 109, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.x, 250, 1e-9);
  g_assert_cmpfloat_with_epsilon (s.w, 545, 1e-9);
  square_crop_free (image);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in `dir`, sorted, separated by spaces. */
static char *
listing (const char *dir)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, by_name);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
test_outfile (void)
{
  g_autofree char *dir = g_dir_make_tmp ("paiban-outfile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.pdf", NULL);
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  pb_outfile_t out;
  GError *error = NULL;
  /* Written but not committed: the old file stays and nothing else appears. */
  g_assert_true (pb_outfile_open (&out, path, "cannot write", &error));
  g_assert_true (pb_outfile_write (&out, "new", 3, &error));
  g_autofree char *before = listing (dir);
  g_assert_cmpstr (before, ==, "out.pdf");
  pb_outfile_abort (&out);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "old");
  /* Committed: replaced whole, still no other file. */
  g_assert_true (pb_outfile_open (&out, path, "cannot write", &error));
  g_assert_true (pb_outfile_write (&out, "new", 3, &error));
  g_autofree char *name = pb_outfile_name (&out);
  g_autofree char *back = NULL;
  g_assert_true (g_file_get_contents (name, &back, NULL, NULL)); /* readable by name */
  g_assert_cmpstr (back, ==, "new");
  g_assert_true (pb_outfile_commit (&out, &error));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "new");
  g_autofree char *after = listing (dir);
  g_assert_cmpstr (after, ==, "out.pdf");
  /* A missing folder is reported with the target's name. */
  g_autofree char *nodir = g_build_filename (dir, "no", "out.pdf", NULL);
  g_assert_false (pb_outfile_open (&out, nodir, "cannot write", &error));
  g_assert_true (g_str_has_prefix (error->message, nodir));
  g_assert_true (g_str_has_suffix (error->message, g_strerror (ENOENT)));
  g_clear_error (&error);
  /* Bytes written behind the writer's back (not counted) fail the check before the rename:
   * the file holds what was written, or it is not named. */
  g_assert_true (pb_outfile_open (&out, path, "cannot write", &error));
  g_assert_true (pb_outfile_write (&out, "newer", 5, &error));
  g_assert_cmpint (write (out.fd, "!", 1), ==, 1);
  g_assert_false (pb_outfile_commit (&out, &error));
  g_autofree char *unsure = g_strdup_printf ("%s: cannot write: the file holds 6 bytes of the "
                                             "5 written", path);
  g_assert_cmpstr (error->message, ==, unsure);
  g_clear_error (&error);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "new");
  /* A FIFO or a folder in the target's place is refused, not replaced. */
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_false (pb_outfile_open (&out, fifo, "cannot write", &error));
  g_autofree char *refused = g_strdup_printf ("%s: is a device, FIFO or socket, not a regular "
                                              "file: it is not replaced", fifo);
  g_assert_cmpstr (error->message, ==, refused);
  g_clear_error (&error);
  g_assert_false (pb_outfile_open (&out, dir, "cannot write", &error));
  g_assert_true (g_str_has_suffix (error->message, ": is a folder, not a file"));
  g_clear_error (&error);
  g_unlink (fifo);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filter/black", test_filter_black);
  g_test_add_func ("/filter/colours", test_filter_colours);
  g_test_add_func ("/filter/untouched", test_filter_untouched);
  g_test_add_func ("/filter/bad", test_filter_bad);
  g_test_add_func ("/filter/artifacts", test_filter_artifacts);
  g_test_add_func ("/photo/bleed", test_placement_bleed);
  g_test_add_func ("/output/outfile", test_outfile);
  return g_test_run ();
}
