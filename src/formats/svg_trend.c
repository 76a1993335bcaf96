/* svg_trend.c: a metric's measurements over time (see svg.h).
 *
 * Read at a glance: the values oldest to newest, left to right, each
 * point coloured by its state and labelled with its value; the target and
 * the threshold drawn across and named at the right, where the eye ends;
 * the dates under the points (the first and the last always, the others
 * while they fit). */
#include "formats/svg.h"

#include <math.h>
#include <stdio.h>

enum {
    TW = SVG_TREND_WIDTH,
    TH = SVG_TREND_HEIGHT,
    TL = 56,       /* plot area: left, right, top, bottom */
    TR = TW - 176, /* room for the lines' names at the right */
    TT = 58,
    TB = TH - 42,
    TFONT = 12,
};

typedef struct span {
    double lo, hi, step; /* the axis: from lo to hi by step, each a round number */
} span;

/* A round step giving three to six intervals over `width`: 1, 2 or 5
 * times a power of ten. */
static double round_step(double width)
{
    double unit = pow(10, floor(log10(width / 4)));
    static const double factors[] = { 1, 2, 5, 10 };
    for (size_t k = 0; k < 4; k++)
        if (width / (unit * factors[k]) <= 6)
            return unit * factors[k];
    return unit * 10;
}

/* The values' range, the target and threshold in it, with a little room;
 * the caller's floor and ceiling (a percent's 0 and 100) hold. */
static span range_of(const svg_trend_chart *c)
{
    span s = { c->target, c->target, 1 };
    if (c->has_threshold) {
        s.lo = fmin(s.lo, c->threshold);
        s.hi = fmax(s.hi, c->threshold);
    }
    for (size_t k = 0; k < c->n; k++)
        if (c->points[k].known) {
            s.lo = fmin(s.lo, c->points[k].y);
            s.hi = fmax(s.hi, c->points[k].y);
        }
    double pad = s.hi > s.lo ? (s.hi - s.lo) * 0.12 : fmax(1, fabs(s.hi) * 0.12);
    s.lo -= pad;
    s.hi += pad;
    if (!isnan(c->floor) && s.lo < c->floor)
        s.lo = c->floor;
    if (!isnan(c->ceiling) && s.hi > c->ceiling)
        s.hi = c->ceiling;
    s.step = fmax(round_step(s.hi - s.lo), c->min_step);
    s.lo = floor(s.lo / s.step) * s.step;
    s.hi = ceil(s.hi / s.step) * s.step;
    return s;
}

static double x_of(const svg_trend_chart *c, size_t k)
{
    return c->n < 2 ? (TL + TR) / 2.0 : TL + 20 + (TR - TL - 40) * (double)k / (double)(c->n - 1);
}

static double y_of(span s, double v) { return TB - (TB - TT) * (v - s.lo) / (s.hi - s.lo); }

static void text_at(buf *b, double x, double y, const char *anchor, int size, const char *color,
                    const char *s)
{
    buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">", x,
               y, anchor, size, color);
    svg_text(b, s);
    buf_puts(b, "</text>\n");
}

/* A line across the plot at v, named at its right end. */
static void level(buf *b, span s, double v, const char *color, const char *name)
{
    double y = y_of(s, v);
    buf_printf(b,
               "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"1.5\" stroke-dasharray=\"6,4\"/>\n",
               TL, y, TR, y, color);
    text_at(b, TR + 8, y + 4, "start", TFONT, color, name);
}

static void points(buf *b, const svg_trend_chart *c, span s)
{
    buf_puts(b, "<polyline fill=\"none\" stroke=\"#1f3a5f\" stroke-width=\"2\" points=\"");
    for (size_t k = 0; k < c->n; k++)
        if (c->points[k].known)
            buf_printf(b, "%.1f,%.1f ", x_of(c, k), y_of(s, c->points[k].y));
    buf_puts(b, "\"/>\n");
    /* dates: the first and the last, and between them while 70 px apart */
    double last_x = -1e9;
    for (size_t k = 0; k < c->n; k++) {
        const svg_trend_point *p = &c->points[k];
        double x = x_of(c, k);
        if (p->known) {
            double y = y_of(s, p->y);
            buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", x, y,
                       p->color);
            text_at(b, x, y - 10, "middle", TFONT - 1, "#222", p->value_text);
        } else {
            buf_printf(b, "<circle cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"#fff\" stroke=\"#888\"/>\n",
                       x, TB - 8);
        }
        if (k == 0 || k + 1 == c->n || (x - last_x >= 70 && x_of(c, c->n - 1) - x >= 70)) {
            text_at(b, x, TB + 18, "middle", TFONT - 1, "#555", p->label);
            last_x = x;
        }
    }
}

void svg_trend(buf *out, const svg_trend_chart *c)
{
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" role=\"img\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n",
               TW, TH, TW, TH);
    buf_puts(out, "<title>");
    svg_text(out, c->title);
    buf_puts(out, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    text_at(out, 16, 22, "start", 15, "#111", c->title);
    if (c->subtitle)
        text_at(out, 16, 40, "start", TFONT, "#555", c->subtitle);
    buf_printf(out,
               "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
               "stroke=\"#ccc\"/>\n",
               TL, TT, TR - TL, TB - TT);
    span s = range_of(c);
    for (double v = s.lo; v <= s.hi + s.step / 2; v += s.step) { /* the grid, labelled */
        char tick[32];
        double y = y_of(s, v);
        svg_amount(tick, sizeof tick, NULL, fabs(v) < s.step / 2 ? 0 : v); /* "800k" */
        buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>\n", TL,
                   y, TR, y);
        text_at(out, TL - 6, y + 4, "end", TFONT - 1, "#555", tick);
    }
    level(out, s, c->target, "#1e7b34", c->target_text);
    if (c->has_threshold && c->threshold != c->target)
        level(out, s, c->threshold, "#b9770e", c->threshold_text);
    if (c->n)
        points(out, c, s);
    else
        text_at(out, (TL + TR) / 2.0, (TT + TB) / 2.0, "middle", TFONT, "#555", "not measured yet");
    if (c->footer)
        text_at(out, 16, TH - 8, "start", TFONT - 1, "#555", c->footer);
    buf_puts(out, "</svg>\n");
}
