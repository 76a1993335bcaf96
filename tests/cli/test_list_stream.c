/* Plain lists stream (issue 16, point 7): `risk list` holds its first
 * rows to set the column widths, prints them, then prints every later row
 * as it is read. A list within the sample prints as it always did; a
 * longer one starts exactly as its first page does, keeps its columns
 * aligned, cuts a later title too wide for its column, and shows a later
 * key or figure whole. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "core/text.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More than the rows a table holds for its widths (render.c). */
enum { SAMPLE = 1000, RISKS = SAMPLE + 50, CONTROLS = SAMPLE + 5 };
#define LONG_TITLE "A title far longer than any among the first thousand risks"

static const char *repo;

static void add_all(dom *d)
{
    isms_err e = { 0 };
    arena *a = dom_arena(d);
    if (dom_txn_begin(d, &e))
        fail_msg("begin: %s", e.msg);
    tu_add(d, tu_make(d, &reg_person, "name=Omar", "email=omar@x.example",
                      "roles=risk-owner,control-owner", NULL));
    for (int i = 1; i <= RISKS; i++) {
        const char *title =
            i == SAMPLE + 20 ? "title=" LONG_TITLE : arena_printf(a, "title=Risk %d", i);
        tu_add(d, tu_make(d, &reg_risk, title, "owner=PER-1", "likelihood=2", "impact=3", NULL));
    }
    for (int j = 1; j <= CONTROLS; j++)
        tu_add(d, tu_make(d, &reg_control,
                          arena_printf(a, "title=Control %d of the payment systems", j),
                          "owner=PER-1", j == SAMPLE + 3 ? "cost=1250000" : "cost=250", NULL));
    if (dom_txn_end(d, 0, &e))
        fail_msg("commit: %s", e.msg);
}

static int setup(void **state)
{
    (void)state;
    isms_err e = { 0 };
    dom *d;
    repo = tu_repo("liststream.isms"); /* kept: the CLI runs on it */
    if (dom_create(repo, &(principal){ .actor = "list-test" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    add_all(d);
    dom_close(d);
    return 0;
}

/* Where `word` starts on `line`, in columns. */
static size_t column_at(const char *line, const char *word)
{
    const char *p = strstr(line, word);
    if (!p)
        fail_msg("no \"%s\" in: %s", word, line);
    char *prefix = strndup(line, (size_t)(p - line));
    size_t w = utf8_width(prefix);
    free(prefix);
    return w;
}

/* The n-th line of text (0-based), malloc'd. */
static char *line_of(const char *text, int n)
{
    for (int k = 0; k < n && text; k++) {
        text = strchr(text, '\n');
        text = text ? text + 1 : NULL;
    }
    if (!text)
        fail_msg("no line %d", n);
    return strndup(text, strcspn(text, "\n"));
}

static void risk_list_streams_aligned(void **state)
{
    (void)state;
    char *all = tu_isms_ok(repo, "risk", "list");
    char *page = tu_isms_ok(repo, "risk", "list", "--limit", "1000");
    /* the first page prints as the page alone does: the same widths; it
     * names where the next starts */
    static const char tail[] = "(1000 risks)\n(more: --after RISK-1000)\n";
    size_t head = strlen(page) - strlen(tail);
    assert_string_equal(page + head, tail);
    assert_memory_equal(all, page, head);
    assert_contains(all, "\n(1050 risks)\n");
    char *header = line_of(all, 0);
    size_t title_col = column_at(header, "title"), owner_col = column_at(header, "owner");
    int rows = 0, cut = 0;
    for (int n = 1; n <= RISKS; n++) {
        char *line = line_of(all, n);
        if (strncmp(line, "RISK-", 5))
            fail_msg("line %d is not a risk: %s", n, line);
        /* nothing ran into the owner: it starts where its header does */
        if (column_at(line, "PER-1 Omar") != owner_col)
            fail_msg("misaligned row %d: %s", n, line);
        if (n == SAMPLE + 20) {
            /* cut to the column the first thousand set, with an ellipsis */
            const char *end = strstr(line, "  PER-1");
            char *cell = strndup(line + title_col, (size_t)(end - line) - title_col);
            assert_true(!strncmp(cell, "A title", 7));
            assert_contains(cell, "…");
            assert_true(utf8_width(cell) == owner_col - 2 - title_col);
            assert_true(utf8_width("Risk 1000") <= owner_col - 2 - title_col);
            free(cell);
            cut++;
        }
        rows++;
        free(line);
    }
    assert_int_equal(rows, RISKS);
    assert_int_equal(cut, 1);
    free(header);
    free(page);
    free(all);
}

static void late_figures_show_whole(void **state)
{
    (void)state;
    char *all = tu_isms_ok(repo, "control", "list");
    assert_contains(all, "\n(1005 controls)\n");
    /* the figure, wider than any in the first thousand, whole; the column
     * widened from its row on: the rows after end where it ends */
    char *big = line_of(all, SAMPLE + 3), *after = line_of(all, SAMPLE + 4),
         *before = line_of(all, SAMPLE);
    assert_contains(big, "EUR 1,250,000.00");
    assert_int_equal(utf8_width(after), utf8_width(big));
    assert_true(utf8_width(before) < utf8_width(big));
    assert_int_equal(column_at(before, "EUR 250.00") + strlen("EUR 250.00"), utf8_width(before));
    free(big);
    free(after);
    free(before);
    free(all);
    /* on a terminal of 80 columns (a pseudo-terminal, where script(1) is
     * at hand) every line fits it, the widened figure's too: the titles
     * give way again */
    if (!tu_have_script() || tu_backend_is_pg())
        return;
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "stty cols 80; ISMS_REPO='%s' '%s' control list", repo, ISMS_BIN);
    assert_int_equal(tu_terminal_lines(cmd, "EUR 1,250,000.00"), CONTROLS + 2);
}

TU_MAIN(setup, NULL, cmocka_unit_test(risk_list_streams_aligned),
        cmocka_unit_test(late_figures_show_whole))
