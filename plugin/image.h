/* Photos: JPEG (kept as its own bytes for the PDF) and PNG, decoded to Cairo surfaces. */
#pragma once

#include <cairo.h>
#include <glib.h>

/* Largest photo accepted, checked from the header before decoding: it is decoded into a Cairo
 * image surface of 4 bytes a pixel. PNG proof pages are held to the same bounds (paint.h). */
#define PB_IMAGE_MAX_SIDE 30000
#define PB_IMAGE_MAX_PIXELS (200 * 1000 * 1000)
/* The most pixels the photos of one issue hold together, each file counted once: a PNG is
 * decoded when placed and every photo for PNG proofs, 4 bytes a pixel (1.6 GB). */
#define PB_IMAGE_ISSUE_MAX_PIXELS (400 * 1000 * 1000)
/* Largest photo file read (it is read whole). */
#define PB_IMAGE_MAX_BYTES (256 * 1024 * 1024)

/* Returns a surface; JPEG surfaces carry the file as CAIRO_MIME_TYPE_JPEG so the PDF embeds it
 * without re-encoding. The error message is "FILE: reason". */
cairo_surface_t *pb_image_load (const char *path, GError **error);
/* The same for the file's bytes, read before (`path` names it in messages), refusing before
 * decoding a photo of more than `max_pixels` (PB_IMAGE_MAX_PIXELS, or what is left of the
 * issue's PB_IMAGE_ISSUE_MAX_PIXELS); the surface keeps a reference to `bytes` for a JPEG. */
cairo_surface_t *pb_image_load_bytes (const char *path, GBytes *bytes, guint64 max_pixels,
                                      GError **error);

/* A JPEG's EXIF orientation (1–8; 1, upright, for files without one and for PNGs): the surface
 * holds the pixels as stored, the PDF the file's own bytes, so the orientation is applied where
 * the photo is placed and drawn. */
int pb_image_orientation (cairo_surface_t *surface);
/* The photo's size as it is seen, upright: the surface's, its sides swapped for orientations
 * 5 to 8 (a quarter turn). */
void pb_image_size (cairo_surface_t *surface, double *width, double *height);
/* The transformation from the upright photo's pixels to the surface's. */
void pb_image_orientation_matrix (cairo_surface_t *surface, cairo_matrix_t *upright_to_stored);

/* Makes sure the surface holds the photo's pixels. A JPEG is only checked when loaded (the PDF
 * embeds the file): its pixels are decoded on first need, for a PNG proof. */
gboolean pb_image_pixels (cairo_surface_t *surface, GError **error);
