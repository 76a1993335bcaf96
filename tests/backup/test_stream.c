/* Export and import stream (issue 16): the reader takes any layout of the
 * export's shape, links to later records wait until their target is in,
 * the ledger's chain is checked where it stands in the document, a broken
 * shape is refused with its place, and a failed write is an error. */
#include "support/testutil.h"
#include "backup/backup.h"
#include "core/buf.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *source, *exported;

/* The demo with an asset depending on a later one (AST-1 on AST-14): its
 * link can only be written once AST-14 is stored. */
static int setup(void **state)
{
    (void)state;
    source = tu_repo("source.isms");
    exported = tu_path("source.json");
    free(tu_isms_ok(NULL, "demo", source));
    free(tu_isms_ok(source, "asset", "add", "--name", "Tape library", "--type", "system", "--owner",
                    "PER-2"));
    free(tu_isms_ok(source, "asset", "update", "AST-1", "--depends-on", "AST-14"));
    free(tu_isms_ok(source, "export", exported));
    return 0;
}

static json_t *load(const char *path)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        fail_msg("%s: %s", path, je.text);
    return doc;
}

/* Imports `text` and expects exit `status` with `message` on stderr, and
 * nothing left behind. */
static void refused(const char *text, int status, const char *message)
{
    const char *path = tu_path("refused.json"), *target = tu_repo("refused.isms");
    assert_int_equal(tu_write_file(path, text), 0);
    tu_result r;
    tu_isms(&r, NULL, NULL, "import", path, target, (const char *)NULL);
    if (r.status != status || !strstr(r.err, message))
        fail_msg("expected exit %d and \"%s\", got exit %d: %s", status, message, r.status, r.err);
    assert_false(tu_repo_exists(target));
    tu_result_free(&r);
}

static void refused_doc(json_t *doc, int status, const char *message)
{
    char *text = json_dumps(doc, JSON_INDENT(2));
    refused(text, status, message);
    free(text);
}

static void links_to_later_records_are_kept(void **state)
{
    (void)state;
    char *original = tu_read_file(exported, NULL);
    assert_contains(original, "\"AST-14\"");
    const char *copy = tu_repo("imported.isms"), *again = tu_path("again.json");
    free(tu_isms_ok(NULL, "import", exported, copy));
    free(tu_isms_ok(copy, "export", again));
    char *round = tu_read_file(again, NULL);
    assert_string_equal(original, round);
    free(round);
    /* The copy between repositories takes the same way. */
    const char *migrated = tu_repo("migrated.isms");
    free(tu_isms_ok(NULL, "migrate", "--from", source, "--to", migrated));
    tu_assert_export(migrated, original);
    free(original);
}

/* Any white space and any layout of the same shape reads the same. */
static void any_layout_is_read(void **state)
{
    (void)state;
    json_t *doc = load(exported);
    const char *compact = tu_path("compact.json"), *copy = tu_repo("compact.isms");
    assert_int_equal(json_dump_file(doc, compact, JSON_COMPACT), 0);
    json_decref(doc);
    free(tu_isms_ok(NULL, "import", compact, copy));
    char *original = tu_read_file(exported, NULL), *out = tu_isms_ok(copy, "export", "-");
    assert_string_equal(original, out);
    free(original);
    free(out);
}

static void a_broken_shape_is_refused_with_its_place(void **state)
{
    (void)state;
    char *text = tu_read_file(exported, NULL);
    size_t len = strlen(text);
    buf b;
    buf_init(&b);
    /* Trailing bytes, a trailing comma, a cut: the place is named. */
    buf_printf(&b, "%s x", text);
    refused(buf_str(&b), 3, "end of file expected");
    buf_clear(&b);
    assert_true(len > 8 && !strcmp(text + len - 6, "  ]\n}\n"));
    buf_printf(&b, "%.*s,\n  ]\n}\n", (int)(len - 7), text);
    refused(buf_str(&b), 3, "expected a value after ','");
    buf_clear(&b);
    buf_printf(&b, "%.*s", (int)(len * 2 / 3), text);
    refused(buf_str(&b), 3, "line ");
    buf_reset(&b);
    free(text);
}

static void members_are_those_of_an_export(void **state)
{
    (void)state;
    json_t *doc = load(exported);
    /* An unknown member. */
    json_object_set_new(doc, "extra", json_true());
    refused_doc(doc, 3, "/extra: not a member of an isms export");
    json_object_del(doc, "extra");
    /* An unknown register, and registers out of their order. */
    json_t *regs = json_object_get(doc, "registers");
    json_object_set_new(regs, "bogus", json_array());
    refused_doc(doc, 3, "/registers/bogus: no such register");
    json_object_del(regs, "bogus");
    json_t *org = json_incref(json_object_get(regs, "org"));
    json_object_del(regs, "org");
    json_object_set_new(regs, "org", org);
    refused_doc(doc, 3, "/registers/org: registers come once each, in the order");
    json_decref(doc);
    /* The header after the registers. */
    doc = load(exported);
    json_t *checkpoints = json_incref(json_object_get(doc, "checkpoints"));
    json_object_del(doc, "checkpoints");
    json_object_set_new(doc, "checkpoints", checkpoints);
    refused_doc(doc, 3, "the header comes before registers and ledger");
    /* No ledger at all. */
    json_object_del(doc, "checkpoints");
    json_object_del(doc, "ledger");
    refused_doc(doc, 3, "ledger (an array) are required");
    json_decref(doc);
}

static void a_missing_link_target_is_named(void **state)
{
    (void)state;
    json_t *doc = load(exported);
    json_t *assets = json_object_get(json_object_get(doc, "registers"), "assets");
    json_t *first = json_array_get(assets, 0);
    json_object_set_new(first, "depends_on", json_pack("[s]", "AST-99"));
    refused_doc(doc, 3, "/registers/assets/0/depends_on: there is no asset AST-99 in the export");
    json_decref(doc);
}

/* A changed ledger entry is found where it stands, before the rest is read. */
static void a_changed_entry_is_refused_at_its_place(void **state)
{
    (void)state;
    json_t *doc = load(exported);
    json_t *entry = json_array_get(json_object_get(doc, "ledger"), 5);
    json_object_set_new(entry, "actor", json_string("mallory"));
    refused_doc(doc, 10, "/ledger/5: ledger entry #6");
    json_decref(doc);
}

/* A write that fails (a full disk) fails the export. */
static void a_failed_write_is_an_error(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    dom *d;
    isms_err e = { 0 };
    assert_int_equal(dom_open(source, &d, &e), 0);
    assert_int_equal(backup_export(d, full, &e), E_IO);
    assert_contains(e.msg, "cannot write the export");
    dom_close(d);
    fclose(full);
}

TU_MAIN(setup, NULL, cmocka_unit_test(links_to_later_records_are_kept),
        cmocka_unit_test(any_layout_is_read),
        cmocka_unit_test(a_broken_shape_is_refused_with_its_place),
        cmocka_unit_test(members_are_those_of_an_export),
        cmocka_unit_test(a_missing_link_target_is_named),
        cmocka_unit_test(a_changed_entry_is_refused_at_its_place),
        cmocka_unit_test(a_failed_write_is_an_error))
