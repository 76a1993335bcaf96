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
    const char *name;        /* folder under src/ */
    const char *may_include; /* space-separated folders (a folder also covers its subfolders) */
    int jansson;             /* may include <jansson.h> */
} layer;

/* Every folder of src/ that holds code, bottom up. The domain's five jobs
 * each have a folder: the generic engine, the registers (fields, rules,
 * validation), the workflows that make several changes at once, the
 * ledger's integrity (verify, the tree, checkpoints, signing keys), and
 * the views every front end shows alike (derived values, list filters,
 * the dashboard). */
static const layer layers[] = {
    { "core", "", 0 },
    { "risk", "core", 0 },
    { "store", "core", 0 },
    { "formats", "core", 1 },
    { "ledger", "core store formats", 0 },
    { "domain/engine", "core store ledger formats risk domain/registers", 0 },
    { "domain/registers", "core store ledger formats risk domain/engine domain/workflows", 0 },
    { "domain/workflows", "core store ledger formats risk domain/engine domain/registers", 0 },
    { "domain/integrity", "core store ledger formats domain/engine domain/registers", 0 },
    { "domain/views",
      "core store ledger formats risk domain/engine domain/registers "
      "domain/workflows domain/integrity",
      0 },
    { "backup", "core store ledger formats domain", 1 },
    { "mhd", "", 0 }, /* libmicrohttpd loaded on first use, for web */
    { "web", "core store ledger formats risk domain", 1 },
    { "cli", "core store ledger formats risk domain backup web", 1 },
};
enum { NLAYERS = sizeof layers / sizeof *layers };

/* Folders that hold no C: data compiled into the binary. */
static const char *const data_folders[] = { "store/migrations", "cli/demo", NULL };

static const char *const db_headers[] = { "<sqlite3.h>", "<libpq-fe.h>", NULL };
static const char *const sql_words[] = { "\"SELECT ",     "\"INSERT INTO",  "\"UPDATE ",
                                         "\"DELETE FROM", "\"CREATE TABLE", NULL };

static int allowed(const layer *l, const char *target)
{
    char list[256];
    snprintf(list, sizeof list, "%s %s", l->name, l->may_include);
    size_t tn = strlen(target);
    for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
        size_t n = strlen(tok);
        if (!strcmp(tok, target) || (tn > n && !strncmp(tok, target, n) && target[n] == '/'))
            return 1;
    }
    return 0;
}

static int check_line(const layer *l, const char *path, int lineno, const char *line)
{
    int bad = 0;
    const char *inc = strstr(line, "#include \"");
    if (inc) {
        char target[128] = { 0 };
        sscanf(inc + 10, "%127[^\"]", target);
        char *slash = strrchr(target, '/');
        if (slash)
            *slash = 0;
        if (slash && !allowed(l, target)) {
            fprintf(stderr, "%s:%d: layer %s may not include %s: %s", path, lineno, l->name, target,
                    line);
            bad = 1;
        }
    }
    for (int k = 0; db_headers[k]; k++)
        if (strstr(line, "#include") && strstr(line, db_headers[k]) && strcmp(l->name, "store")) {
            fprintf(stderr, "%s:%d: only src/store talks to the database: %s", path, lineno, line);
            bad = 1;
        }
    if (strstr(line, "#include") && strstr(line, "<jansson.h>") && !l->jansson) {
        fprintf(stderr, "%s:%d: layer %s may not use jansson (use formats/jsonw.h): %s", path,
                lineno, l->name, line);
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

static const layer *layer_of(const char *rel)
{
    for (int i = 0; i < NLAYERS; i++)
        if (!strcmp(layers[i].name, rel))
            return &layers[i];
    return NULL;
}

static int is_data_folder(const char *rel)
{
    for (int i = 0; data_folders[i]; i++)
        if (!strcmp(data_folders[i], rel))
            return 1;
    return 0;
}

static int is_source(const char *name)
{
    size_t n = strlen(name);
    return n >= 3 && (!strcmp(name + n - 2, ".c") || !strcmp(name + n - 2, ".h"));
}

/* A folder that only groups layers (src/domain). */
static int holds_layers(const char *rel)
{
    size_t n = strlen(rel);
    for (int i = 0; i < NLAYERS; i++)
        if (!strncmp(layers[i].name, rel, n) && layers[i].name[n] == '/')
            return 1;
    return 0;
}

/* Checks every file of folder src/<rel> and recurses into its subfolders;
 * a folder that is neither a known layer nor a known data folder fails. */
static int check_folder(const char *rel, int *files)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/src%s%s", ISMS_SOURCE_DIR, *rel ? "/" : "", rel);
    DIR *d = opendir(dir);
    if (!d)
        return 1;
    const layer *l = layer_of(rel);
    int bad = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char path[1400], sub[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", de->d_name);
        if (de->d_type == DT_DIR) {
            bad |= check_folder(sub, files);
        } else if (is_source(de->d_name) && *rel) {
            if (!l) {
                fprintf(stderr, "%s: folder src/%s is not a layer tests/arch knows\n", path, rel);
                bad = 1;
                continue;
            }
            bad |= check_file(l, path);
            (*files)++;
        }
    }
    closedir(d);
    if (*rel && !l && !is_data_folder(rel) && !holds_layers(rel)) {
        fprintf(stderr, "%s: folder src/%s is not a layer tests/arch knows\n", dir, rel);
        bad = 1;
    }
    return bad;
}

static void every_layer_keeps_to_its_place(void **state)
{
    (void)state;
    int files = 0;
    assert_false(check_folder("", &files));
    assert_true(files > 50);
}

static void every_folder_is_known(void **state)
{
    (void)state;
    /* Each declared layer exists, and each folder of src/ is declared. */
    for (int i = 0; i < NLAYERS; i++) {
        char dir[1024];
        snprintf(dir, sizeof dir, "%s/src/%s", ISMS_SOURCE_DIR, layers[i].name);
        DIR *d = opendir(dir);
        assert_non_null(d);
        closedir(d);
    }
    assert_null(layer_of("domain/misc"));
    assert_false(holds_layers("domain/misc"));
    assert_true(holds_layers("domain"));
    assert_true(is_data_folder("store/migrations"));
}

static void the_checker_catches_a_violation(void **state)
{
    (void)state;
    /* A checker that cannot fail proves nothing. */
    const layer *core = layer_of("core"), *engine = layer_of("domain/engine"),
                *integrity = layer_of("domain/integrity"), *cli = layer_of("cli");
    assert_true(check_line(core, "core/x.c", 1, "#include \"domain/engine/dom.h\"\n"));
    assert_true(
        check_line(engine, "domain/engine/x.c", 1, "    db_prep(s, \"SELECT 1\", &st, e);\n"));
    assert_true(check_line(engine, "domain/engine/x.c", 1, "#include <jansson.h>\n"));
    assert_true(check_line(integrity, "domain/integrity/x.c", 1,
                           "#include \"domain/workflows/quantify.h\"\n"));
    assert_true(check_line(cli, "cli/x.c", 1, "#include <sqlite3.h>\n"));
    assert_false(check_line(cli, "cli/x.c", 1, "#include \"domain/engine/dom.h\"\n"));
    assert_false(check_line(cli, "cli/x.c", 1, "#include \"domain/integrity/verify.h\"\n"));
}

TU_MAIN(NULL, NULL, cmocka_unit_test(every_layer_keeps_to_its_place),
        cmocka_unit_test(every_folder_is_known), cmocka_unit_test(the_checker_catches_a_violation))
