#include "formats/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void svg_text(buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\'': buf_puts(b, "&#39;"); break;
        default: buf_putc(b, *s); break;
        }
    }
}

enum { W = 720, H = 420, LEFT = 70, RIGHT = 20, TOP = 40, BOTTOM = 60 };

typedef struct frame {
    double lx0, lx1;   /* log10 of the x range */
} frame;

static double px(const frame *f, double x)
{
    double lx = log10(x > 0 ? x : pow(10, f->lx0));
    return LEFT + (lx - f->lx0) / (f->lx1 - f->lx0) * (W - LEFT - RIGHT);
}

static double py(double p) { return TOP + (1.0 - p) * (H - TOP - BOTTOM); }

/* Decades covering every positive x of the series and markers. */
static frame frame_for(const svg_series *s, size_t ns, const svg_marker *m, size_t nm)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < ns; i++)
        for (size_t k = 0; k < s[i].n; k++)
            if (s[i].x[k] > 0 && isfinite(s[i].x[k])) {
                lo = fmin(lo, s[i].x[k]);
                hi = fmax(hi, s[i].x[k]);
            }
    for (size_t i = 0; i < nm; i++)
        if (m[i].x > 0 && isfinite(m[i].x)) {
            lo = fmin(lo, m[i].x);
            hi = fmax(hi, m[i].x);
        }
    if (!isfinite(lo)) {
        lo = 1;
        hi = 10;
    }
    frame f = {floor(log10(lo)), ceil(log10(hi))};
    if (f.lx1 <= f.lx0)
        f.lx1 = f.lx0 + 1;
    return f;
}

static void axis_label(char *dst, size_t n, double v)
{
    if (v >= 1e9)
        snprintf(dst, n, "%gbn", v / 1e9);
    else if (v >= 1e6)
        snprintf(dst, n, "%gm", v / 1e6);
    else if (v >= 1e3)
        snprintf(dst, n, "%gk", v / 1e3);
    else
        snprintf(dst, n, "%g", v);
}

static void axes(buf *b, const frame *f, const char *currency)
{
    buf_printf(b, "<g stroke=\"#999\" stroke-width=\"1\">\n");
    for (int k = 0; k <= 4; k++) {
        double y = py(k / 4.0);
        buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>\n", LEFT, y,
                   W - RIGHT, y);
        buf_printf(b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" stroke=\"none\" fill=\"#333\">%d%%</text>\n",
                   LEFT - 6, y + 4, k * 25);
    }
    for (double d = f->lx0; d <= f->lx1 + 1e-9; d += 1) {
        char label[32];
        double x = px(f, pow(10, d));
        axis_label(label, sizeof label, pow(10, d));
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e5e5e5\"/>\n", x, TOP, x,
                   H - BOTTOM);
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" stroke=\"none\" fill=\"#333\">%s</text>\n",
                   x, H - BOTTOM + 18, label);
    }
    buf_printf(b, "</g>\n<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">annual loss (", (W + LEFT) / 2,
               H - 18);
    svg_text(b, currency);
    buf_printf(b, ", log scale)</text>\n<text transform=\"translate(16,%d) rotate(-90)\" "
                  "text-anchor=\"middle\" fill=\"#333\">probability of exceeding</text>\n", (H + TOP - BOTTOM) / 2);
}

void svg_lec(buf *out, const char *title, const char *currency, const svg_series *series,
             size_t nseries, const svg_marker *markers, size_t nmarkers)
{
    frame f = frame_for(series, nseries, markers, nmarkers);
    buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                    "height=\"%d\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\">\n<title>",
               W, H, W, H);
    svg_text(out, title);
    buf_puts(out, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    buf_printf(out, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">", LEFT);
    svg_text(out, title);
    buf_puts(out, "</text>\n");
    axes(out, &f, currency);
    for (size_t i = 0; i < nmarkers; i++) {
        double x = px(&f, markers[i].x);
        buf_printf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#b00\" "
                        "stroke-dasharray=\"5,4\"/>\n<text x=\"%.1f\" y=\"%d\" fill=\"#b00\">",
                   x, TOP, x, H - BOTTOM, x + 4, TOP + 14 + 14 * (int)i);
        svg_text(out, markers[i].name);
        buf_puts(out, "</text>\n");
    }
    for (size_t i = 0; i < nseries; i++) {
        buf_printf(out, "<polyline fill=\"none\" stroke-width=\"2\" stroke=\"");
        svg_text(out, series[i].color);
        buf_puts(out, "\" points=\"");
        for (size_t k = 0; k < series[i].n; k++)
            if (series[i].x[k] > 0 && isfinite(series[i].x[k]))
                buf_printf(out, "%.1f,%.1f ", px(&f, series[i].x[k]), py(series[i].y[k]));
        buf_puts(out, "\"/>\n");
        buf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"", W - RIGHT - 150,
                   TOP + 8 + 16 * (int)i);
        svg_text(out, series[i].color);
        buf_printf(out, "\"/><text x=\"%d\" y=\"%d\" fill=\"#222\">", W - RIGHT - 132, TOP + 13 + 16 * (int)i);
        svg_text(out, series[i].name);
        buf_puts(out, "</text>\n");
    }
    buf_puts(out, "</svg>\n");
}
