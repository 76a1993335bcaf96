/* A register with many fields, its link fields far down the table: a
 * scan reads every link field, however many fields come before it (the
 * scan once kept its link cursors in a fixed array of 64 and read past
 * it). Whole scans and restricted ones (a page) both. */
#include "support/testutil.h"
#include "store/store.h"

#include <stdio.h>
#include <string.h>

enum { NWIDE = 80, F_TAGS = 66, F_PEERS = 77 };

static const char *const tag_choices[] = { "a", "b", "c", NULL };
static char names[NWIDE][16];
static fielddef wide_fields[NWIDE];
static const regdef reg_wide = { .num = 250,
                                 .name = "wide",
                                 .plural = "wides",
                                 .key_prefix = "WIDE",
                                 .summary = "many fields",
                                 .fields = wide_fields,
                                 .nfields = NWIDE };
static const regdef *const wide_set[] = { &reg_wide, NULL };

static store *s;
static arena a;

static void define_fields(void)
{
    for (int i = 0; i < NWIDE; i++) {
        snprintf(names[i], sizeof names[i], "f%d", i);
        wide_fields[i] = (fielddef){ .name = names[i], .type = FT_INT, .min = 0, .max = 1000 };
    }
    wide_fields[F_TAGS] = (fielddef){ .name = "tags",
                                      .type = FT_ENUMSET,
                                      .choices = tag_choices,
                                      .link_table = "wide_tag",
                                      .link_src = "wide",
                                      .link_dst = "tag" };
    wide_fields[F_PEERS] = (fielddef){ .name = "peers",
                                       .type = FT_LINKS,
                                       .target = "wide",
                                       .link_table = "wide_peer",
                                       .link_src = "wide",
                                       .link_dst = "peer" };
}

/* WIDE-n: f<i> = n * i; tags and peers as given (peers by id). */
static void insert(int64_t n, int ntags, const char **tags, int npeers, int64_t *peers)
{
    record r;
    record_init(&r, &reg_wide, &a);
    r.id = n;
    r.key = arena_printf(&a, "WIDE-%lld", (long long)n);
    r.version = 1;
    r.created_at = r.updated_at = "2026-01-01T00:00:00Z";
    for (int i = 0; i < NWIDE; i++)
        if (wide_fields[i].type == FT_INT) {
            r.v[i].null = 0;
            r.v[i].i = n * i;
        }
    r.v[F_TAGS] = (value){ .n = ntags, .keys = tags };
    const char **keys = arena_alloc(&a, sizeof *keys * (size_t)(npeers + 1));
    for (int k = 0; k < npeers; k++)
        keys[k] = arena_printf(&a, "WIDE-%lld", (long long)peers[k]);
    r.v[F_PEERS] = (value){ .n = npeers, .keys = keys, .ids = peers };
    isms_err e = { 0 };
    if (store_insert(s, &r, &e))
        fail_msg("insert WIDE-%lld: %s", (long long)n, e.msg);
}

static int setup(void **state)
{
    (void)state;
    define_fields();
    arena_init(&a);
    store_schema schema = { .registers = wide_set };
    isms_err e = { 0 };
    if (store_open(tu_repo("wide.isms"), 1, &schema, &s, NULL, &e) || store_begin(s, 1, &e) ||
        store_create_table(s, &reg_wide, &e))
        fail_msg("setup: %s", e.msg);
    insert(1, 0, NULL, 0, NULL);
    static const char *tags2[] = { "b", "a" }, *tags3[] = { "c" };
    static int64_t peers2[] = { 1 }, peers3[] = { 1, 2 };
    insert(2, 2, tags2, 1, peers2);
    insert(3, 1, tags3, 2, peers3);
    if (store_commit(s, &e))
        fail_msg("commit: %s", e.msg);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(s);
    arena_free(&a);
    return 0;
}

/* Each record scanned as one line: "KEY f65 tags=... peers=...;". */
static int describe(const record *r, void *ctx)
{
    char *out = ctx;
    size_t len = strlen(out);
    int w = snprintf(out + len, 512 - len, "%s %lld tags=", r->key, (long long)r->v[65].i);
    for (int k = 0; k < r->v[F_TAGS].n; k++)
        w += snprintf(out + len + w, 512 - len - (size_t)w, "%s%s", k ? "," : "",
                      r->v[F_TAGS].keys[k]);
    w += snprintf(out + len + w, 512 - len - (size_t)w, " peers=");
    for (int k = 0; k < r->v[F_PEERS].n; k++)
        w += snprintf(out + len + w, 512 - len - (size_t)w, "%s%s", k ? "," : "",
                      r->v[F_PEERS].keys[k]);
    snprintf(out + len + w, 512 - len - (size_t)w, ";");
    return 0;
}

static void expect_scan(const store_query *q, const char *want)
{
    char got[512] = "";
    isms_err e = { 0 };
    if (store_begin(s, 0, &e) || store_scan(s, &reg_wide, q, describe, got, &e))
        fail_msg("scan: %s", e.msg);
    store_rollback(s);
    assert_string_equal(got, want);
}

static void whole_scan_reads_links_past_64_fields(void **state)
{
    (void)state;
    expect_scan(NULL, "WIDE-1 65 tags= peers=;"
                      "WIDE-2 130 tags=a,b peers=WIDE-1;"
                      "WIDE-3 195 tags=c peers=WIDE-1,WIDE-2;");
}

static void page_reads_links_past_64_fields(void **state)
{
    (void)state;
    store_query q = { .limit = 2, .offset = 1 };
    expect_scan(&q, "WIDE-2 130 tags=a,b peers=WIDE-1;"
                    "WIDE-3 195 tags=c peers=WIDE-1,WIDE-2;");
}

TU_MAIN(setup, teardown, cmocka_unit_test(whole_scan_reads_links_past_64_fields),
        cmocka_unit_test(page_reads_links_past_64_fields))
