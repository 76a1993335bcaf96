/* The canonical bytes the ledger hashes, and the display form the API
 * writes, each written directly (formats/json.c), against jansson's bytes for the same record (record_canonical_jansson):
 * every register, every field type, empty and filled values, and text
 * with everything JSON escapes (quotes, backslashes, control characters),
 * what it does not (slashes, DEL, UTF-8 of 2 to 4 bytes), and text that
 * is not UTF-8 at all (the direct writer hands it to jansson). */
#include "support/testutil.h"
#include "core/arena.h"
#include "domain/registers/registers.h"
#include "formats/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first VALID_TEXTS are UTF-8. */
enum { VALID_TEXTS = 13 };
static const char *const texts[] = {
    "",
    "plain",
    "Risk 12: loss of service",
    "quote \" and backslash \\",
    "slash / stays",
    "tab\there, newline\nthere, \r\b\f",
    "\x01\x02\x1f control",
    "del \x7f",
    "caf\xc3\xa9",
    "\xe2\x82\xac euro",
    "\xf0\x9f\x94\x92 lock",
    "\xe2\x80\x94 isms/",
    "trailing \\",
    "\xc3",
    "\xc0\xaf overlong",
    "\xed\xa0\x80 surrogate",
    "\xf4\x90\x80\x80 too big",
    "\x80 lone",
};
enum { NTEXTS = sizeof texts / sizeof *texts };

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *some_text(void) { return texts[rnd(NTEXTS)]; }

static void fill(record *r, arena *a)
{
    r->id = rnd(1000) + 1;
    r->key = rnd(10) ? arena_printf(a, "%s-%u", r->reg->key_prefix, rnd(100000)) : some_text();
    r->version = (int64_t)rnd(5) - 1;
    r->created_at = rnd(4) ? "2026-01-01T00:00:00Z" : NULL;
    r->updated_at = rnd(4) ? some_text() : NULL;
    r->retired_at = rnd(3) ? NULL : "2026-02-01T00:00:00Z";
    for (int i = 0; i < r->reg->nfields; i++) {
        const fielddef *f = &r->reg->fields[i];
        value *v = &r->v[i];
        v->null = rnd(3) == 0;
        if (f->type == FT_LINKS || f->type == FT_ENUMSET) {
            v->null = 0;
            v->n = (int)rnd(4);
            v->keys = arena_alloc(a, sizeof *v->keys * 4);
            for (int k = 0; k < v->n; k++)
                v->keys[k] = rnd(4) ? arena_printf(a, "K-%u", rnd(50)) : some_text();
        } else if (f->type == FT_INT || f->type == FT_MONEY) {
            int64_t big[] = { 0, 1, -1, 42, INT64_MAX, INT64_MIN, 123456789012 };
            v->i = big[rnd(7)];
        } else if (f->type == FT_BOOL) {
            v->i = rnd(2);
        } else {
            v->s = rnd(8) ? some_text() : NULL; /* a NULL text that is not null: "" */
        }
    }
}

/* The display form written directly (the API's pages of records) is
 * jansson's too, fallback included (text that is not UTF-8). */
static void same_display_as_jansson(const record *r)
{
    buf direct, tree;
    buf_init(&direct);
    buf_init(&tree);
    buf_puts(&direct, "[");
    buf_puts(&tree, "[");
    record_json_append(&direct, r);
    json_t *o = record_json(r);
    char *dumped = json_dumps(o, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    buf_puts(&tree, dumped);
    free(dumped);
    json_decref(o);
    if (strcmp(buf_str(&direct), buf_str(&tree)))
        fail_msg("%s display: direct %s\njansson %s", r->reg->name, buf_str(&direct),
                 buf_str(&tree));
    buf_reset(&direct);
    buf_reset(&tree);
}

static void same_bytes_as_jansson(void **state)
{
    (void)state;
    arena a;
    arena_init(&a);
    int compared = 0;
    buf reused; /* record_canonical_buf's one buffer, longer and shorter records in turn */
    buf_init(&reused);
    for (int round = 0; round < 400; round++)
        for (int i = 0; registers[i]; i++) {
            record r;
            record_init(&r, registers[i], &a);
            fill(&r, &a);
            char *direct = record_canonical(&r), *tree = record_canonical_jansson(&r);
            if (strcmp(direct, tree))
                fail_msg("%s: direct %s\njansson %s", registers[i]->name, direct, tree);
            record_canonical_buf(&r, &reused);
            if (reused.len != strlen(tree) || memcmp(reused.data, tree, reused.len))
                fail_msg("%s: into a buffer %s\njansson %s", registers[i]->name, buf_str(&reused),
                         tree);
            same_display_as_jansson(&r);
            compared++;
            free(direct);
            free(tree);
            arena_reset(&a);
        }
    assert_true(compared > 1000);
    buf_reset(&reused);
    arena_free(&a);
}

static void escapes_as_jansson_does(void **state)
{
    (void)state;
    for (int i = 0; i < VALID_TEXTS; i++) {
        buf b;
        buf_init(&b);
        assert_int_equal(js_quote(&b, texts[i]), 0);
        json_t *j = json_string(texts[i]);
        char *want = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT);
        assert_string_equal(buf_str(&b), want);
        free(want);
        json_decref(j);
        buf_reset(&b);
    }
    /* Text that is not UTF-8, and no text, are refused: nothing is written. */
    for (size_t i = VALID_TEXTS; i < sizeof texts / sizeof *texts; i++) {
        buf b;
        buf_init(&b);
        buf_puts(&b, "x");
        assert_int_equal(js_quote(&b, texts[i]), E_INVALID);
        assert_string_equal(buf_str(&b), "x");
        buf_reset(&b);
    }
    buf b;
    buf_init(&b);
    assert_int_equal(js_quote(&b, NULL), E_INVALID);
    buf_reset(&b);
}

/* js_append writes any value as jansson's compact dump would, reals and
 * strings holding a NUL (jansson's to write) included. */
static void any_value_as_jansson_dumps_it(void **state)
{
    (void)state;
    json_t *arr = json_array();
    for (int i = 0; i < VALID_TEXTS; i++)
        json_array_append_new(arr, json_string(texts[i]));
    json_t *values[] = {
        json_pack("{s:o,s:{},s:[],s:I,s:I,s:b,s:b,s:n,s:f,s:[{s:[i,{}]}]}", "texts", arr, "empty",
                  "none", "big", (json_int_t)-9007199254740993LL, "zero", (json_int_t)0, "yes", 1,
                  "no", 0, "nothing", "real", 0.1, "deep", "a", 7),
        json_stringn("nul\0inside", 10),
        json_real(-2.5e-300),
        json_string("\u2028/\x7f"),
        json_pack("{s:s}", "k\"ey\n", "v"),
    };
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        buf b;
        buf_init(&b);
        buf_puts(&b, "x");
        js_append(&b, values[i]);
        char *want =
            json_dumps(values[i], JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
        assert_non_null(want);
        assert_string_equal(buf_str(&b) + 1, want);
        assert_int_equal(b.len, strlen(want) + 1);
        free(want);
        buf_reset(&b);
        json_decref(values[i]);
    }
}

/* A pooled parse gives the tree js_parse gives; values removed from it,
 * or added and removed, cost nothing and leak nothing (ASan), and a tree
 * larger than its pool spills to malloc and is freed whole. */
static void pooled_parse_is_a_parse(void **state)
{
    (void)state;
    js_init();
    buf big;
    buf_init(&big);
    buf_puts(&big, "{\"a\":[");
    for (int i = 0; i < 300000; i++) /* 112 bytes of values for 3 of text: spills */
        buf_puts(&big, i ? ",[]" : "[]");
    buf_puts(&big, "],\"b\":{\"c\":\"d\",\"e\":1.5}}");
    const char *docs[] = { "{\"x\":[1,\"two\",{\"y\":null}],\"b\":true}", buf_str(&big) };
    for (size_t i = 0; i < 2; i++) {
        isms_err e = { 0 };
        json_t *plain, *pooled;
        js_pool *pool;
        assert_int_equal(js_parse(docs[i], strlen(docs[i]), "t", &plain, &e), 0);
        assert_int_equal(js_parse_pooled(docs[i], strlen(docs[i]), "t", &pooled, &pool, &e), 0);
        assert_non_null(pool);
        assert_true(json_equal(plain, pooled));
        json_object_set_new(pooled, "new", json_string("malloc'd"));
        json_object_del(pooled, "new");
        json_object_del(pooled, "b");
        assert_false(json_equal(plain, pooled));
        js_pool_drop(pool, pooled);
        json_decref(plain);
    }
    isms_err e = { 0 };
    json_t *bad = NULL;
    js_pool *pool = NULL;
    assert_int_not_equal(js_parse_pooled("{\"a\":1,\"a\":2}", 13, "dup", &bad, &pool, &e), 0);
    assert_null(bad);
    assert_null(pool);
    buf_reset(&big);
}

typedef struct rows_seen {
    char line[4][200];
    int n;
} rows_seen;

static int keep_row(const char *const *v, void *ctx)
{
    rows_seen *r = ctx;
    snprintf(r->line[r->n++], sizeof r->line[0], "%s|%s|%s|%s", v[0] ? v[0] : "NULL",
             v[1] ? v[1] : "NULL", v[2] ? v[2] : "NULL", v[3] ? v[3] : "NULL");
    return r->n == 3; /* stops after the third */
}

/* js_rows: the values at dotted paths of each element, as text; missing,
 * null or a container NULL; a document that is not an object refused. */
static void rows_of_a_stored_document(void **state)
{
    (void)state;
    static const char *const paths[] = { "key", "verdict.loss", "certainty", "verdict" };
    rows_seen r = { .n = 0 };
    isms_err e = { 0 };
    assert_int_equal(
        js_rows("{\"objectives\":[{\"key\":\"OBJ-1\",\"verdict\":{\"loss\":850344936},"
                "\"certainty\":0.85302},{\"key\":null,\"verdict\":{}},{\"x\":true},{}]}",
                "objectives", paths, 4, keep_row, &r, &e),
        1);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.line[0], "OBJ-1|850344936|0.85302|NULL");
    assert_string_equal(r.line[1], "NULL|NULL|NULL|NULL");
    assert_string_equal(r.line[2], "NULL|NULL|NULL|NULL");
    r.n = 0;
    assert_int_equal(js_rows("{}", "objectives", paths, 4, keep_row, &r, &e), 0);
    assert_int_equal(r.n, 0);
    /* no array: the document is the one row */
    assert_int_equal(
        js_rows("{\"key\":\"QNT-5\",\"verdict\":{\"loss\":7}}", NULL, paths, 4, keep_row, &r, &e),
        0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.line[0], "QNT-5|7|NULL|NULL");
    assert_int_equal(js_rows("[1]", NULL, paths, 4, keep_row, &r, &e), E_INVALID);
    assert_int_equal(js_rows("[1]", "objectives", paths, 4, keep_row, &r, &e), E_INVALID);
    assert_int_equal(js_rows("{oops", "objectives", paths, 4, keep_row, &r, &e), E_INVALID);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(same_bytes_as_jansson),
        cmocka_unit_test(rows_of_a_stored_document), cmocka_unit_test(escapes_as_jansson_does),
        cmocka_unit_test(any_value_as_jansson_dumps_it), cmocka_unit_test(pooled_parse_is_a_parse))
