/* A metric's chart (formats/svg.h, svg_trend): an axis of whole numbers
 * for whole-number measures, a percent's axis within 0 to 100, the
 * target and threshold named, a point with no value drawn hollow and
 * left off the line, and every text from a record escaped. */
#include "support/testutil.h"
#include "formats/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *draw(const svg_trend_chart *c)
{
    buf b;
    buf_init(&b);
    svg_trend(&b, c);
    return buf_detach(&b);
}

static void whole_numbers_on_a_count_axis(void **state)
{
    (void)state;
    const svg_trend_point p[] = { { "2026-12-05", 0, 1, "#1e7b34", "0" } };
    svg_trend_chart c = { .title = "Reports late",
                          .points = p,
                          .n = 1,
                          .target_text = "target 0",
                          .floor = 0,
                          .ceiling = NAN,
                          .min_step = 1 };
    char *svg = draw(&c);
    assert_contains(svg, ">target 0</text>");
    assert_contains(svg, ">1</text>");
    assert_null(strstr(svg, ">0.2</text>"));
    assert_null(strstr(svg, ">0.5</text>"));
    free(svg);
    c.min_step = 0; /* without the floor of one, the axis would split a report */
    svg = draw(&c);
    assert_contains(svg, ">0.2</text>");
    free(svg);
}

static void a_percent_stays_within_its_range(void **state)
{
    (void)state;
    const svg_trend_point p[] = { { "2026-09-05", 30, 1, "#b03a2e", "30%" },
                                  { "2026-10-05", 0, 0, "#888", "-" },
                                  { "2026-12-05", 97, 1, "#1e7b34", "97%" } };
    svg_trend_chart c = { .title = "Controls <assessed> & tested",
                          .points = p,
                          .n = 3,
                          .target = 90,
                          .has_threshold = 1,
                          .threshold = 60,
                          .target_text = "target 90%",
                          .threshold_text = "threshold 60%",
                          .floor = 0,
                          .ceiling = 100,
                          .min_step = 1 };
    char *svg = draw(&c);
    assert_contains(svg, ">Controls &lt;assessed&gt; &amp; tested</text>");
    assert_contains(svg, ">threshold 60%</text>");
    assert_contains(svg, ">100</text>");
    assert_null(strstr(svg, ">120</text>"));
    assert_contains(svg, "fill=\"#fff\" stroke=\"#888\""); /* the one not measured */
    /* the line joins the two measured points only */
    const char *line = strstr(svg, "<polyline");
    assert_non_null(line);
    const char *points = strstr(line, "points=\"");
    int commas = 0;
    for (const char *q = points; *q && *q != '/'; q++)
        commas += *q == ',';
    assert_int_equal(commas, 2);
    free(svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(whole_numbers_on_a_count_axis),
        cmocka_unit_test(a_percent_stays_within_its_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
