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

/* An amount as a chart labels it: "EUR 1.65m", three significant digits. */
void svg_amount(char *dst, size_t n, const char *currency, double v);

typedef struct svg_series {
    const char *name;
    const char *note;    /* a grey line under the name in the legend; NULL: none */
    const double *x, *y; /* points, x ascending */
    size_t n;
    const char *color; /* CSS colour, from isms's own palette */
    const char *dash;  /* stroke-dasharray ("7,4"), NULL for a solid line */
    double width;      /* stroke width; 0: 2.5 */
} svg_series;

/* A vertical line at an amount (appetite, tolerance), its amount labelled
 * where it crosses the level line (or at the top without one). */
typedef struct svg_marker {
    const char *name; /* "appetite" */
    double x;
} svg_marker;

/* A point worth a label: a curve's loss at the level ("current residual
 * P95 EUR 1.65m"). */
typedef struct svg_point {
    const char *label;
    double x, y;
    const char *color;
} svg_point;

/* A loss exceedance chart: x = annual loss, y = the probability that the
 * loss exceeds x, both on logarithmic axes ranged to the data (losses by
 * decades; probabilities from the smallest one drawn up to 100%). The
 * legend sits beside the plot, never on it; curves equal to an earlier one
 * say so in the legend and keep their own dash, so that both stay visible;
 * long titles are shortened to fit. */
typedef struct svg_lec_chart {
    const char *title;
    const char *subtitle;       /* the verdict in a line; NULL: none */
    const char *subtitle_color; /* NULL: dark grey */
    const char *footer;         /* where the figures come from (analysis, date, seed) */
    const char *currency;       /* labels the x axis and the amounts */
    const svg_series *series;
    size_t nseries;
    const svg_marker *markers;
    size_t nmarkers;
    double level;           /* a horizontal line at this probability; 0: none */
    const char *level_name; /* its legend entry ("P95: exceeded 1 year in 20") */
    const char *level_tick; /* its label on the probability axis ("5%") */
    const svg_point *points;
    size_t npoints;
} svg_lec_chart;

void svg_lec(buf *out, const svg_lec_chart *chart);

/* The chart's size in pixels (the SVG's viewBox). */
enum { SVG_LEC_WIDTH = 900, SVG_LEC_HEIGHT = 520 };

/* One measurement of a metric: its date, its value (known 0: nothing was
 * measured), the colour of its state and the value as people read it. */
typedef struct svg_trend_point {
    const char *label; /* "2026-12-05" */
    double y;
    int known;
    const char *color;
    const char *value_text; /* "46%" */
} svg_trend_point;

/* A metric's measurements, oldest first, against its target and
 * threshold, each drawn across and named (svg_trend.c). */
typedef struct svg_trend_chart {
    const char *title, *subtitle, *footer;
    const svg_trend_point *points;
    size_t n;
    double target;
    int has_threshold;
    double threshold;
    const char *target_text, *threshold_text; /* "target 90%" */
    double floor, ceiling; /* the range's bounds (a percent's 0 and 100); NAN: none */
    double min_step;       /* the axis's smallest step (1: whole numbers); 0: any */
} svg_trend_chart;

void svg_trend(buf *out, const svg_trend_chart *c);
enum { SVG_TREND_WIDTH = 720, SVG_TREND_HEIGHT = 260 };

#endif
