/* svg.h: charts drawn by isms, as SVG text.
 *
 * Every string that reaches the document goes through svg_text(), which
 * escapes it for XML: titles and labels come from users' records. */
#ifndef ISMS_IO_SVG_H
#define ISMS_IO_SVG_H

#include "core/buf.h"

#include <stddef.h>

/* Appends s, escaped for XML text and attribute values. */
void svg_text(buf *b, const char *s);

typedef struct svg_series {
    const char *name;
    const double *x, *y;   /* points, x ascending */
    size_t n;
    const char *color;     /* CSS colour, from isms's own palette */
} svg_series;

typedef struct svg_marker {
    const char *name;
    double x;              /* a vertical line at this loss */
} svg_marker;

/* A loss exceedance chart: x = annual loss (logarithmic), y = probability
 * that the loss exceeds x (0..1). `currency` labels the x axis. */
void svg_lec(buf *out, const char *title, const char *currency, const svg_series *series,
             size_t nseries, const svg_marker *markers, size_t nmarkers);

#endif
