/* svg.c: the loss exceedance chart (see svg.h).
 *
 * Made to be read by a board member in seconds: both axes logarithmic and
 * ranged to the data (the tail, where appetite and tolerance sit, gets as
 * much room as the body), the level the appetite is judged at drawn across,
 * the amounts labelled where they cross it, the legend beside the plot, and
 * no text that runs off the picture. Text widths are estimated (there is no
 * font at hand): generously, so that an estimate errs towards room. */
#include "formats/svg.h"
#include "core/text.h"

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

void svg_amount(char *dst, size_t n, const char *currency, double v)
{
    static const struct {
        double unit;
        const char *suffix;
    } units[] = { { 1e9, "bn" }, { 1e6, "m" }, { 1e3, "k" }, { 1, "" } };
    size_t u = 0;
    while (u < 3 && fabs(v) < units[u].unit)
        u++;
    snprintf(dst, n, "%s%s%.3g%s", currency ? currency : "", currency && *currency ? " " : "",
             v / units[u].unit, units[u].suffix);
}

/* The picture: plot area, legend column beside it, text rows around. */
enum {
    W = SVG_LEC_WIDTH,
    H = SVG_LEC_HEIGHT,
    PL = 84,
    PR = W - 236,
    PT = 78,
    PB = H - 96, /* the plot area */
    LEGEND_X = PR + 24,
    LEGEND_W = W - LEGEND_X - 8,
    LABEL_RIGHT = PR + 16, /* labels on the plot may reach this far */
    FONT = 12,
};

/* Estimated width of s in pixels at font size `size`: sans-serif glyphs
 * (DejaVu Sans, the widest common one) average about 0.54 em, bold 0.6;
 * estimates round up. */
static double text_px(const char *s, int size, int bold)
{
    return (double)utf8_width(s) * size * (bold ? 0.62 : 0.56);
}

/* s cut to fit `px` pixels, with an ellipsis when cut. */
static void fit_text(buf *b, const char *s, double px, int size, int bold)
{
    if (text_px(s, size, bold) <= px) {
        svg_text(b, s);
        return;
    }
    size_t cols = (size_t)(px / (size * (bold ? 0.62 : 0.56)));
    size_t cut = utf8_prefix(s, cols > 1 ? cols - 1 : 0);
    buf tmp;
    buf_init(&tmp);
    buf_append(&tmp, s, cut);
    buf_puts(&tmp, "…");
    svg_text(b, buf_str(&tmp));
    buf_reset(&tmp);
}

typedef struct frame {
    double lx0, lx1; /* log10 of the loss range */
    double ly0;      /* log10 of the smallest probability shown; the top is 100% */
} frame;

static double px(const frame *f, double x)
{
    double lx = log10(x > 0 ? x : pow(10, f->lx0));
    return PL + (lx - f->lx0) / (f->lx1 - f->lx0) * (PR - PL);
}

static double py(const frame *f, double p)
{
    double lp = log10(p > 0 ? p : pow(10, f->ly0));
    return PB - (lp - f->ly0) / (0 - f->ly0) * (PB - PT);
}

static void widen(double v, double *lo, double *hi)
{
    if (v > 0 && isfinite(v)) {
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
}

/* Decades covering every point drawn. */
static frame frame_for(const svg_lec_chart *c)
{
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (size_t i = 0; i < c->nseries; i++)
        for (size_t k = 0; k < c->series[i].n; k++)
            if (c->series[i].y[k] > 0) {
                widen(c->series[i].x[k], &xlo, &xhi);
                widen(c->series[i].y[k], &ylo, &yhi);
            }
    for (size_t i = 0; i < c->nmarkers; i++)
        widen(c->markers[i].x, &xlo, &xhi);
    for (size_t i = 0; i < c->npoints; i++) {
        widen(c->points[i].x, &xlo, &xhi);
        widen(c->points[i].y, &ylo, &yhi);
    }
    widen(c->level, &ylo, &yhi);
    if (!isfinite(xlo)) {
        xlo = 1;
        xhi = 10;
    }
    frame f = { floor(log10(xlo)), ceil(log10(xhi)), isfinite(ylo) ? floor(log10(ylo)) : -2 };
    if (f.lx1 <= f.lx0)
        f.lx1 = f.lx0 + 1;
    if (f.ly0 < -6)
        f.ly0 = -6; /* one year in a million is as far as a board looks */
    if (f.ly0 > -1)
        f.ly0 = -1;
    return f;
}

static void text_at(buf *b, double x, double y, const char *anchor, int size, const char *color,
                    const char *s, double max_px)
{
    buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\">", x,
               y, anchor, size, color);
    fit_text(b, s, max_px, size, 0);
    buf_puts(b, "</text>\n");
}

static void probability_label(char *dst, size_t n, double p) { snprintf(dst, n, "%g%%", 100 * p); }

static void grid(buf *b, const frame *f, const svg_lec_chart *c)
{
    double level_y = c->level > 0 ? py(f, c->level) : -100;
    buf_puts(b, "<g class=\"grid\" stroke-width=\"1\">\n");
    for (double d = f->ly0; d <= 0 + 1e-9; d += 1) {
        for (int m = 1; m < 10 && d + log10(m) <= 1e-9; m++) {
            double y = py(f, pow(10, d) * m);
            buf_printf(b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>\n", PL,
                       y, PR, y, m == 1 ? "#d0d0d0" : "#f0f0f0");
        }
        char label[32];
        probability_label(label, sizeof label, pow(10, d));
        double y = py(f, pow(10, d));
        if (fabs(y - level_y) >= FONT) /* the level's own label wins */
            text_at(b, PL - 8, y + 4, "end", FONT, "#333", label, PL - 10);
    }
    for (double d = f->lx0; d <= f->lx1 + 1e-9; d += 1) {
        for (int m = 1; m < 10 && d + log10(m) <= f->lx1 + 1e-9; m++) {
            double x = px(f, pow(10, d) * m);
            buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>\n", x,
                       PT, x, PB, m == 1 ? "#d0d0d0" : "#f0f0f0");
        }
        char label[48];
        svg_amount(label, sizeof label, NULL, pow(10, d));
        text_at(b, px(f, pow(10, d)), PB + 18, "middle", FONT, "#333", label, 60);
    }
    buf_printf(
        b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
        PL, PT, PR - PL, PB - PT);
    buf_puts(b, "</g>\n");
    char axis[64];
    snprintf(axis, sizeof axis, "annual loss (%s, log scale)", c->currency ? c->currency : "");
    text_at(b, (PL + PR) / 2.0, PB + 42, "middle", FONT, "#333", axis, PR - PL);
    buf_printf(
        b,
        "<text transform=\"translate(20,%d) rotate(-90)\" text-anchor=\"middle\" font-size=\"%d\" "
        "fill=\"#333\">probability the year's loss exceeds it (log scale)</text>\n",
        (PT + PB) / 2, FONT);
}

/* Does series i repeat an earlier one, point for point? Its index, or -1. */
static int same_as(const svg_lec_chart *c, size_t i)
{
    const svg_series *s = &c->series[i];
    for (size_t j = 0; j < i; j++) {
        const svg_series *t = &c->series[j];
        if (t->n != s->n)
            continue;
        size_t k = 0;
        while (k < s->n && t->x[k] == s->x[k] && t->y[k] == s->y[k])
            k++;
        if (k == s->n)
            return (int)j;
    }
    return -1;
}

static void curve(buf *b, const frame *f, const svg_series *s)
{
    buf_printf(
        b,
        "<polyline class=\"curve\" fill=\"none\" stroke-width=\"%.1f\" stroke-linejoin=\"round\" "
        "stroke=\"",
        s->width > 0 ? s->width : 2.5);
    svg_text(b, s->color);
    buf_puts(b, "\"");
    if (s->dash) {
        buf_puts(b, " stroke-dasharray=\"");
        svg_text(b, s->dash);
        buf_puts(b, "\"");
    }
    buf_puts(b, " points=\"");
    for (size_t k = 0; k < s->n; k++)
        if (s->x[k] > 0 && s->y[k] > 0 && isfinite(s->x[k]))
            buf_printf(b, "%.1f,%.1f ", px(f, s->x[k]), py(f, s->y[k]));
    buf_puts(b, "\"/>\n");
}

static const char *const marker_colors[] = { "#b03a2e", "#6e2c00", "#7d3c98" };

/* ---- labels placed where they cover the least ----
 *
 * A label beside a point on the chart (an amount where its line crosses
 * the level, a curve's loss at the level) may go above or below, left or
 * right of it. Each place is scored by how much of the curves it would
 * hide, whether it overlaps a label already placed, and whether it leaves
 * the plot; the best wins, ties to the order tried. */
typedef struct box {
    double x0, y0, x1, y1;
} box;

typedef struct placer {
    const frame *f;
    const svg_lec_chart *c;
    box placed[16];
    int n;
} placer;

static int box_has(const box *b, double x, double y)
{
    return x >= b->x0 && x <= b->x1 && y >= b->y0 && y <= b->y1;
}

/* Do two labels touch? Closer than a few pixels they read as one. */
static int boxes_meet(const box *a, const box *b)
{
    enum { GAP = 12 };
    return a->x0 < b->x1 + GAP && b->x0 < a->x1 + GAP && a->y0 < b->y1 + 2 && b->y0 < a->y1 + 2;
}

/* Curve samples (every few pixels along each segment) inside b. */
static int curve_hits(const placer *p, const box *b)
{
    int hits = 0;
    for (size_t i = 0; i < p->c->nseries; i++) {
        const svg_series *s = &p->c->series[i];
        double x0 = 0, y0 = 0;
        int have = 0;
        for (size_t k = 0; k < s->n; k++) {
            if (!(s->x[k] > 0 && s->y[k] > 0 && isfinite(s->x[k])))
                continue;
            double x1 = px(p->f, s->x[k]), y1 = py(p->f, s->y[k]);
            if (have) {
                double len = hypot(x1 - x0, y1 - y0);
                int steps = (int)(len / 3) + 1;
                for (int t = 0; t <= steps; t++)
                    hits += box_has(b, x0 + (x1 - x0) * t / steps, y0 + (y1 - y0) * t / steps);
            }
            x0 = x1;
            y0 = y1;
            have = 1;
        }
    }
    return hits;
}

/* A label that straddles another amount's line reads as that amount's. */
static int crosses_other_line(const placer *p, const box *b, double own_x)
{
    int n = 0;
    for (size_t i = 0; i < p->c->nmarkers; i++) {
        double x = px(p->f, p->c->markers[i].x);
        n += fabs(x - own_x) > 0.5 && x > b->x0 && x < b->x1;
    }
    return n;
}

static double place_score(const placer *p, const box *b, double own_x)
{
    double score = curve_hits(p, b) + 500.0 * crosses_other_line(p, b, own_x);
    if (b->x0 < PL || b->x1 > LABEL_RIGHT || b->y0 < PT || b->y1 > PB)
        score += 10000;
    for (int i = 0; i < p->n; i++)
        score += boxes_meet(b, &p->placed[i]) ? 1000 : 0;
    return score;
}

/* Places `s` beside (x, y), preferring the left when `left`: above or
 * below, right by the point or a row further off, or centred over it a
 * row off; whichever place is clearest (nearer places first when equal).
 * Labels may reach a little past the plot's right edge, short of the
 * legend. */
static void place_label(buf *b, placer *p, double x, double y, int left, const char *color,
                        const char *s)
{
    double w = text_px(s, FONT, 0), h = FONT + 2;
    box best = { 0 };
    double best_score = INFINITY;
    char best_anchor = 'l';
    for (int k = 0; k < 12; k++) {
        int row = k < 8 ? k / 4 : 1 + (k - 8) / 2, below = k % 2;
        char anchor = k >= 8 ? 'm' : ((k / 2) % 2 ? !left : left) ? 'e' : 's';
        double base = below ? y + 8 + h + 16.0 * row : y - 8 - 16.0 * row;
        double x0 = anchor == 'e' ? x - 8 - w : anchor == 's' ? x + 8 : x - w / 2;
        box bx = { x0, base - h + 2, x0 + w, base + 3 };
        double score = place_score(p, &bx, x) + 2.0 * row + (anchor == 'm' ? 3 : 0);
        if (score < best_score) {
            best_score = score;
            best = bx;
            best_anchor = anchor;
        }
    }
    if (p->n < 16)
        p->placed[p->n++] = best;
    double tx = best_anchor == 'e'   ? best.x1
                : best_anchor == 's' ? best.x0
                                     : (best.x0 + best.x1) / 2;
    buf_printf(b,
               "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
               "fill=\"%s\" "
               "stroke=\"#fff\" stroke-width=\"4\" paint-order=\"stroke\">",
               tx, best.y1 - 3,
               best_anchor == 'e'   ? "end"
               : best_anchor == 's' ? "start"
                                    : "middle",
               FONT, color);
    fit_text(b, s, LABEL_RIGHT - PL, FONT, 0);
    buf_puts(b, "</text>\n");
}

static void markers(buf *b, const frame *f, const svg_lec_chart *c)
{
    placer p = { .f = f, .c = c };
    double ly = c->level > 0 ? py(f, c->level) : PT + 24;
    for (size_t i = 0; i < c->nmarkers; i++) {
        const char *color = marker_colors[i % 3];
        double x = px(f, c->markers[i].x);
        buf_printf(
            b,
            "<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
            "stroke-width=\"1.5\" stroke-dasharray=\"%s\"/>\n",
            x, PT, x, PB, color, i ? "2,3" : "6,4");
    }
    /* dots over every line, then the labels, which must not hide them */
    for (size_t i = 0; i < c->nmarkers; i++)
        buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>\n",
                   px(f, c->markers[i].x), ly, marker_colors[i % 3]);
    for (size_t i = 0; i < c->npoints; i++)
        buf_printf(b,
                   "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"#fff\" stroke=\"%s\" "
                   "stroke-width=\"2\"/>\n",
                   px(f, c->points[i].x), py(f, c->points[i].y),
                   c->points[i].color ? c->points[i].color : "#222");
    for (size_t i = 0; i < c->nmarkers;
         i++) { /* the amounts first: they are what the chart is for */
        char amount[64], label[160];
        svg_amount(amount, sizeof amount, c->currency, c->markers[i].x);
        snprintf(label, sizeof label, "%s %s", c->markers[i].name, amount);
        /* the first prefers the left of its line, the next the right: apart */
        place_label(b, &p, px(f, c->markers[i].x), ly, i % 2 == 0, marker_colors[i % 3], label);
    }
    for (size_t i = 0; i < c->npoints; i++)
        place_label(b, &p, px(f, c->points[i].x), py(f, c->points[i].y), 1,
                    c->points[i].color ? c->points[i].color : "#222", c->points[i].label);
}

static void level_line(buf *b, const frame *f, const svg_lec_chart *c)
{
    if (!(c->level > 0))
        return;
    double y = py(f, c->level);
    buf_printf(b,
               "<line class=\"level\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#444\" "
               "stroke-width=\"1.5\" stroke-dasharray=\"1,3\" stroke-linecap=\"round\"/>\n",
               PL, y, PR, y);
    if (c->level_tick) {
        buf_printf(
            b,
            "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"%d\" font-weight=\"bold\" "
            "fill=\"#222\">",
            PL - 8, y + 4, FONT);
        fit_text(b, c->level_tick, PL - 10, FONT, 1);
        buf_puts(b, "</text>\n");
    }
}

/* Where to break `s` so that its first line fits `px`: at the last space
 * that fits (0: it fits whole, or there is no such space). */
static size_t wrap_at(const char *s, double px_avail, int size)
{
    if (text_px(s, size, 0) <= px_avail)
        return 0;
    size_t fits = utf8_prefix(s, (size_t)(px_avail / (size * 0.56))), at = 0;
    for (size_t k = 0; k < fits; k++)
        if (s[k] == ' ')
            at = k;
    return at;
}

/* One legend entry: a sample of the line, its name (wrapped onto a second
 * line when long) and up to two notes in grey. Returns the y of the next
 * entry. */
static double legend_entry(buf *b, double y, const char *color, const char *dash, double width,
                           const char *name, const char *note, const char *note2)
{
    buf_printf(b,
               "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"%.1f\"%s%s%s "
               "stroke-linecap=\"round\"/>\n",
               LEGEND_X, y - 4, LEGEND_X + 28, y - 4, color, width,
               dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
    double avail = LEGEND_W - 36;
    size_t cut = wrap_at(name, avail, FONT);
    if (cut) {
        buf first;
        buf_init(&first);
        buf_append(&first, name, cut);
        text_at(b, LEGEND_X + 36, y, "start", FONT, "#222", buf_str(&first), avail);
        buf_reset(&first);
        y += 15;
        name += cut + 1;
    }
    text_at(b, LEGEND_X + 36, y, "start", FONT, "#222", name, avail);
    const char *notes[2] = { note, note2 };
    for (int k = 0; k < 2; k++)
        if (notes[k]) {
            y += 15;
            text_at(b, LEGEND_X + 36, y, "start", FONT - 1, "#666", notes[k], avail);
        }
    return y + 22;
}

static void legend(buf *b, const svg_lec_chart *c)
{
    buf_puts(b, "<g class=\"legend\">\n");
    double y = PT + 10;
    for (size_t i = 0; i < c->nseries; i++) {
        const svg_series *s = &c->series[i];
        int same = same_as(c, i);
        char note[160];
        if (same >= 0) { /* named short: up to its parenthesis */
            const char *name = c->series[same].name, *paren = strstr(name, " (");
            snprintf(note, sizeof note, "same as %.*s",
                     paren ? (int)(paren - name) : (int)strlen(name), name);
        }
        y = legend_entry(b, y, s->color, s->dash, s->width > 0 ? s->width : 2.5, s->name, s->note,
                         same >= 0 ? note : NULL);
    }
    y += 6;
    for (size_t i = 0; i < c->nmarkers; i++) {
        char amount[64], label[160];
        svg_amount(amount, sizeof amount, c->currency, c->markers[i].x);
        snprintf(label, sizeof label, "%s %s", c->markers[i].name, amount);
        y = legend_entry(b, y, marker_colors[i % 3], i ? "2,3" : "6,4", 1.5, label, NULL, NULL);
    }
    if (c->level > 0 && c->level_name)
        legend_entry(b, y, "#444", "1,3", 1.5, c->level_name, NULL, NULL);
    buf_puts(b, "</g>\n");
}

void svg_lec(buf *out, const svg_lec_chart *c)
{
    frame f = frame_for(c);
    buf_printf(out,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
               "height=\"%d\" font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"%d\" "
               "role=\"img\">\n<title>",
               W, H, W, H, FONT);
    svg_text(out, c->title);
    buf_puts(out, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    buf_printf(out, "<text x=\"%d\" y=\"28\" font-size=\"16\" font-weight=\"bold\" fill=\"#111\">",
               PL);
    fit_text(out, c->title, W - PL - 12, 16, 1);
    buf_puts(out, "</text>\n");
    if (c->subtitle) {
        buf_printf(out,
                   "<text x=\"%d\" y=\"52\" font-size=\"13\" font-weight=\"bold\" fill=\"%s\">", PL,
                   c->subtitle_color ? c->subtitle_color : "#333");
        fit_text(out, c->subtitle, W - PL - 12, 13, 1);
        buf_puts(out, "</text>\n");
    }
    grid(out, &f, c);
    buf_printf(
        out,
        "<clipPath id=\"plot\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath>\n"
        "<g clip-path=\"url(#plot)\">\n",
        PL, PT - 1, PR - PL, PB - PT + 2);
    for (size_t i = 0; i < c->nseries; i++)
        curve(out, &f, &c->series[i]);
    buf_puts(out, "</g>\n");
    level_line(out, &f, c);
    markers(out, &f, c);
    legend(out, c);
    if (c->footer)
        text_at(out, 8, H - 12, "start", FONT - 1, "#555", c->footer, W - 16);
    buf_puts(out, "</svg>\n");
}
