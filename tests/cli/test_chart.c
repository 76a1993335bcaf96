/* The loss exceedance chart a board member reads in seconds (issue 15,
 * point 8): logarithmic probability axis, the appetite's percentile drawn
 * across with the appetite and tolerance amounts labelled where they cross
 * it, the legend beside the plot, no text outside the picture, equal curves
 * told apart, and the analysis and date it comes from. Checked on the SVG
 * text, and rendered to PNG when rsvg-convert is installed. */
#include "support/testutil.h"
#include "core/buf.h"
#include "core/text.h"
#include "formats/svg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *repo;

static int setup(void **state)
{
    (void)state;
    repo = tu_cli_repo("init", "chart.isms", TU_NOW);
    tu_cli_payments(repo);
    return 0;
}

/* ---- reading the SVG back ---- */

static double attr_num(const char *el, const char *name, double dflt)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(el, key);
    const char *end = strchr(el, '>');
    return p && p < end ? atof(p + strlen(key)) : dflt;
}

static int attr_is(const char *el, const char *name, const char *value)
{
    char key[96];
    snprintf(key, sizeof key, " %s=\"%s\"", name, value);
    const char *p = strstr(el, key);
    return p && p < strchr(el, '>');
}

/* The text of element `el` (after its '>'), entities counted as one
 * character, into dst. */
static void text_of(const char *el, char *dst, size_t n)
{
    const char *p = strchr(el, '>') + 1;
    size_t k = 0;
    while (*p && *p != '<' && k + 1 < n) {
        if (*p == '&') {
            dst[k++] = '?';
            p = strchr(p, ';') + 1;
        } else {
            dst[k++] = *p++;
        }
    }
    dst[k] = 0;
}

/* Every text lies within the picture, by the chart's own (generous)
 * estimate of glyph widths, and every element of the legend lies right
 * of the plot. */
static void assert_nothing_clipped(const char *svg)
{
    for (const char *el = strstr(svg, "<text "); el; el = strstr(el + 1, "<text ")) {
        if (strstr(el, "transform=") && strstr(el, "transform=") < strchr(el, '>'))
            continue; /* the rotated axis title: checked by eye on the PNG */
        char s[600];
        text_of(el, s, sizeof s);
        double x = attr_num(el, "x", -1), y = attr_num(el, "y", -1),
               size = attr_num(el, "font-size", 12);
        double w = (double)utf8_width(s) * size * 0.56;
        double x0 = attr_is(el, "text-anchor", "end")      ? x - w
                    : attr_is(el, "text-anchor", "middle") ? x - w / 2
                                                           : x;
        if (x0 < 0 || x0 + w > SVG_LEC_WIDTH || y - size < 0 || y > SVG_LEC_HEIGHT)
            fail_msg("text \"%s\" at %.0f,%.0f (width %.0f) leaves the %dx%d picture", s, x, y, w,
                     SVG_LEC_WIDTH, SVG_LEC_HEIGHT);
    }
    const char *legend = strstr(svg, "<g class=\"legend\">");
    assert_non_null(legend);
    const char *end = strstr(legend, "</g>");
    for (const char *el = strchr(legend + 1, '<'); el && el < end; el = strchr(el + 1, '<')) {
        double x = attr_num(el, "x", attr_num(el, "x1", 1e9));
        if (x < SVG_LEC_WIDTH - 236) /* the plot's right edge */
            fail_msg("legend element at x = %.0f is on the plot: %.60s", x, el);
    }
}

static char *lec_svg(const char *name, const char *extra)
{
    const char *path = tu_path(name);
    tu_result r;
    tu_isms(&r, repo, NULL, "risk", "lec", "RISK-1", "--svg", path, "--iterations", "20000", extra,
            (const char *)NULL);
    if (r.status)
        fail_msg("risk lec: %s", r.err);
    tu_result_free(&r);
    char *svg = tu_read_file(path, NULL);
    assert_non_null(svg);
    return svg;
}

static void chart_reads_at_a_glance(void **state)
{
    (void)state;
    char *svg = lec_svg("lec.svg", NULL);
    /* a logarithmic probability axis, ranged to the data */
    assert_contains(svg, ">100%</text>");
    assert_contains(svg, ">10%</text>");
    assert_contains(svg, ">1%</text>");
    assert_not_contains(svg, ">25%</text>");
    assert_contains(svg, "log scale");
    /* the appetite's percentile, and the amounts where they cross it */
    assert_contains(svg, "class=\"level\"");
    assert_contains(svg, ">5%</text>");
    assert_contains(svg, "P95 (1 year in 20)");
    assert_contains(svg, "class=\"label\"");
    assert_contains(svg, "appetite (APP-1) EUR 1m</text>");
    assert_contains(svg, "tolerance EUR 3m</text>");
    assert_contains(svg, "current P95 EUR ");
    /* the verdict first */
    assert_contains(svg, "Current residual: ");
    /* where the figures come from */
    assert_contains(svg, "analysis QNT-1 · 2026-06-01 · 20,000 simulated years · seed 1");
    char *list = tu_isms_ok(repo, "analysis", "show", "QNT-1");
    assert_contains(list, "RISK-1");
    /* its inputs and results are documents: named, measured, not printed */
    assert_contains(list, "characters (isms --json analysis show QNT-1 prints it)");
    assert_null(strstr(list, "{\""));
    free(list);
    /* no planned control: the target equals the current residual, and the
     * two stay apart: the legend says so, the line is dashed */
    assert_contains(svg, "same as current residual");
    assert_contains(svg, "stroke-dasharray=\"8,5\" points=");
    assert_nothing_clipped(svg);
    free(svg);

    svg = lec_svg("lec-unsaved.svg", "--no-save");
    assert_contains(svg, "not saved · 2026-06-01");
    free(svg);
}

static void long_titles_are_shortened_not_clipped(void **state)
{
    (void)state;
    char title[301];
    memset(title, 'W', 300);
    title[300] = 0;
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--title", title));
    char *svg = lec_svg("lec-long.svg", "--no-save");
    assert_contains(svg, "WWW…</text>");
    assert_nothing_clipped(svg);
    free(svg);
    free(tu_isms_ok(repo, "risk", "update", "RISK-1", "--title", "Ransomware halts payments"));
}

/* The chart on its own: amounts at the edges of the range, close together,
 * labels kept inside the plot and apart. */
static void labels_stay_inside_and_apart(void **state)
{
    (void)state;
    double x[3] = { 1e4, 1e6, 1e8 }, y[3] = { 0.5, 0.05, 0.001 };
    svg_series s[2] = { { "current residual", NULL, x, y, 3, "#1f5fa8", NULL, 0 },
                        { "target residual", NULL, x, y, 3, "#2a8a3e", "8,5", 0 } };
    svg_marker m[2] = { { "appetite", 1.0e8 }, { "tolerance", 1.05e8 } };
    svg_point p = { "current P95 EUR 1m", 1e6, 0.05, NULL };
    svg_lec_chart ch = { .title = "T",
                         .footer = "analysis QNT-9 · 2026-01-01",
                         .currency = "EUR",
                         .series = s,
                         .nseries = 2,
                         .markers = m,
                         .nmarkers = 2,
                         .level = 0.05,
                         .level_tick = "5%",
                         .level_name = "P95",
                         .points = &p,
                         .npoints = 1 };
    buf b;
    buf_init(&b);
    svg_lec(&b, &ch);
    const char *svg = buf_str(&b);
    assert_nothing_clipped(svg);
    assert_contains(svg, "same as current residual");
    /* the two amount labels do not overlap: different sides or rows */
    const char *a = strstr(svg, "appetite EUR 100m</text>"),
               *t = strstr(svg, "tolerance EUR 105m</text>");
    assert_non_null(a);
    assert_non_null(t);
    while (strncmp(a, "<text", 5))
        a--;
    while (strncmp(t, "<text", 5))
        t--;
    assert_true(attr_num(a, "y", 0) != attr_num(t, "y", 0) ||
                attr_is(a, "text-anchor", "end") != attr_is(t, "text-anchor", "end"));
    buf_reset(&b);
}

/* Rendered, as a board member would see it. */
static void chart_renders_to_png(void **state)
{
    (void)state;
    tu_result r;
    const char *which[] = { "sh", "-c", "command -v rsvg-convert", NULL };
    tu_run(&r, NULL, which);
    int have = r.status == 0;
    tu_result_free(&r);
    if (!have) {
        fprintf(stderr, "rsvg-convert not installed: the PNG is not checked\n");
        skip();
    }
    free(lec_svg("lec-png.svg", "--no-save"));
    const char *png = tu_path("lec.png");
    const char *argv[] = { "rsvg-convert", tu_path("lec-png.svg"), "-o", png, NULL };
    tu_run(&r, NULL, argv);
    assert_int_equal(r.status, 0);
    tu_result_free(&r);
    size_t len;
    char *data = tu_read_file(png, &len);
    assert_non_null(data);
    assert_true(len > 1000);
    assert_memory_equal(data, "\x89PNG\r\n\x1a\n", 8);
    /* the PNG's size is the chart's: IHDR width and height */
    unsigned w = (unsigned)(unsigned char)data[16] << 24 | (unsigned)(unsigned char)data[17] << 16 |
                 (unsigned)(unsigned char)data[18] << 8 | (unsigned)(unsigned char)data[19];
    assert_int_equal(w, SVG_LEC_WIDTH);
    free(data);
}

TU_MAIN(setup, NULL, cmocka_unit_test(chart_reads_at_a_glance),
        cmocka_unit_test(long_titles_are_shortened_not_clipped),
        cmocka_unit_test(labels_stay_inside_and_apart), cmocka_unit_test(chart_renders_to_png))
