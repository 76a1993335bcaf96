/* The architecture, checked: each folder of src/ includes only the layers
 * below it, SQL lives only in src/store, the database client libraries only
 * in src/store, jansson only in the format and front-end layers. A new
 * file that breaks the shape fails here, naming the line. */
#include "support/testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct layer {
    const char *name;
    const char *may_include;   /* space-separated layers (itself always allowed) */
    int jansson;               /* may include <jansson.h> */
} layer;

static const layer layers[] = {
    {"core", "", 0},
    {"risk", "core", 0},
    {"store", "core", 0},
    {"io", "core", 1},
    {"ledger", "core store io", 0},
    {"domain", "core store ledger io risk", 0},
    {"backup", "core store ledger io domain", 1},
    {"cli", "core store ledger io risk domain backup", 1},
};

static const char *const db_headers[] = {"<sqlite3.h>", "<libpq-fe.h>", NULL};
static const char *const sql_words[] = {"\"SELECT ", "\"INSERT INTO", "\"UPDATE ", "\"DELETE FROM",
                                        "\"CREATE TABLE", NULL};

static int allowed(const layer *l, const char *target)
{
    if (!strcmp(l->name, target))
        return 1;
    char list[128];
    snprintf(list, sizeof list, " %s ", l->may_include);
    char probe[64];
    snprintf(probe, sizeof probe, " %s ", target);
    return strstr(list, probe) != NULL;
}

static int check_line(const layer *l, const char *path, int lineno, const char *line)
{
    int bad = 0;
    const char *inc = strstr(line, "#include \"");
    if (inc) {
        char target[64] = {0};
        sscanf(inc + 10, "%63[^/\"]", target);
        if (strchr(inc + 10, '/') && !allowed(l, target)) {
            fprintf(stderr, "%s:%d: layer %s may not include %s: %s", path, lineno, l->name, target, line);
            bad = 1;
        }
    }
    for (int k = 0; db_headers[k]; k++)
        if (strstr(line, "#include") && strstr(line, db_headers[k]) && strcmp(l->name, "store")) {
            fprintf(stderr, "%s:%d: only src/store talks to the database: %s", path, lineno, line);
            bad = 1;
        }
    if (strstr(line, "#include") && strstr(line, "<jansson.h>") && !l->jansson) {
        fprintf(stderr, "%s:%d: layer %s may not use jansson (use io/jsonw.h): %s", path, lineno, l->name, line);
        bad = 1;
    }
    for (int k = 0; sql_words[k] && strcmp(l->name, "store"); k++)
        if (strstr(line, sql_words[k])) {
            fprintf(stderr, "%s:%d: SQL outside src/store: %s", path, lineno, line);
            bad = 1;
        }
    return bad;
}

static int check_file(const layer *l, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 1;
    char line[4096];
    int lineno = 0, bad = 0;
    while (fgets(line, sizeof line, f))
        bad |= check_line(l, path, ++lineno, line);
    fclose(f);
    return bad;
}

static void every_layer_keeps_to_its_place(void **state)
{
    (void)state;
    int bad = 0, files = 0;
    for (size_t i = 0; i < sizeof layers / sizeof *layers; i++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/src/%s", ISMS_SOURCE_DIR, layers[i].name);
        DIR *d = opendir(dir);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d))) {
            size_t n = strlen(de->d_name);
            if (n < 3 || (strcmp(de->d_name + n - 2, ".c") && strcmp(de->d_name + n - 2, ".h")))
                continue;
            char path[1024];
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            bad |= check_file(&layers[i], path);
            files++;
        }
        closedir(d);
    }
    assert_true(files > 50);
    assert_false(bad);
}

static void the_checker_catches_a_violation(void **state)
{
    (void)state;
    /* A checker that cannot fail proves nothing. */
    assert_true(check_line(&layers[0], "core/x.c", 1, "#include \"domain/dom.h\"\n"));
    assert_true(check_line(&layers[5], "domain/x.c", 1, "    db_prep(s, \"SELECT 1\", &st, e);\n"));
    assert_true(check_line(&layers[5], "domain/x.c", 1, "#include <jansson.h>\n"));
    assert_true(check_line(&layers[7], "cli/x.c", 1, "#include <sqlite3.h>\n"));
    assert_false(check_line(&layers[7], "cli/x.c", 1, "#include \"domain/dom.h\"\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_layer_keeps_to_its_place),
        cmocka_unit_test(the_checker_catches_a_violation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
