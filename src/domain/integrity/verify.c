#include "domain/integrity/verify.h"
#include "domain/integrity/tree.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/strmap.h"
#include "formats/json.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VERIFY_MAX_LINES = 50 };

/* What the ledger says a record should be: its latest entry. */
typedef struct expected {
    int64_t seq;
    const char *entity;
    unsigned char digest[32];
    int seen;
} expected;

typedef struct verify_ctx {
    dom *d;
    strmap latest;
    verify_report *rep;
    ledger_tree_check *tree; /* the stored Merkle tree against the entries */
    isms_err *e;             /* why a check could not run */
    isms_err first;
    char genesis_id[64];
    char genesis_created[32];
    int ledger_schema; /* the schema version the ledger's init and migrate entries end at */
} verify_ctx;

void verify_report_init(verify_report *r)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->details);
    buf_init(&r->notes);
}

void verify_report_reset(verify_report *r)
{
    buf_reset(&r->details);
    buf_reset(&r->notes);
}

static void problem(verify_ctx *v, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(verify_ctx *v, const char *field, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (v->rep->problems < VERIFY_MAX_LINES)
        buf_printf(&v->rep->details, "%s\n", line);
    v->rep->problems++;
    err_set(&v->first, E_TAMPERED, field, "%s", line);
}

static void tree_problem(void *ctx, const char *msg) { problem(ctx, "ledger_node", "%s", msg); }

static int remember_entry(const ledger_row *r, void *ctx)
{
    verify_ctx *v = ctx;
    memcpy(v->rep->head_hash, r->hash, 65);
    int rc = ledger_tree_check_add(v->tree, r->seq, r->hash, v->e);
    if (rc)
        return rc;
    if (!strcmp(r->entity, "repository")) {
        if (!strcmp(r->op, "init")) {
            const char *id = strstr(r->data, "\"repository_id\":\"");
            if (id)
                snprintf(v->genesis_id, sizeof v->genesis_id, "%.32s", id + 17);
            const char *at = strstr(r->data, "\"created_at\":\"");
            if (at)
                snprintf(v->genesis_created, sizeof v->genesis_created, "%.20s", at + 14);
        }
        int version = ledger_entry_schema(r);
        if (version)
            v->ledger_schema = version;
        return 0;
    }
    void **slot = strmap_slot_for(&v->latest, r->key);
    expected *x = *slot;
    if (!x) {
        x = arena_alloc(strmap_arena(&v->latest), sizeof *x);
        x->entity = arena_strdup(strmap_arena(&v->latest), r->entity);
        *slot = x;
    }
    x->seq = r->seq;
    sha256_raw(r->data, strlen(r->data), x->digest);
    return 0;
}

static void explain_mismatch(verify_ctx *v, const record *r, const char *canon, int64_t seq)
{
    arena a;
    arena_init(&a);
    ledger_row row;
    buf fields;
    buf_init(&fields);
    if (store_ledger_get(dom_store(v->d), seq, &row, &a, NULL) == 0)
        js_diff_members(row.data, canon, &fields, NULL);
    problem(v, r->key,
            "%s (%s) was changed outside isms: it differs from its ledger entry #%lld in %s",
            r->key, r->reg->name, (long long)seq, fields.len ? buf_str(&fields) : "its content");
    buf_reset(&fields);
    arena_free(&a);
}

static int check_record(const record *r, void *ctx)
{
    verify_ctx *v = ctx;
    v->rep->records++;
    expected *x = strmap_get(&v->latest, r->key);
    if (!x || strcmp(x->entity, r->reg->name)) {
        problem(v, r->key,
                "%s (%s) is in the register but not in the ledger: it was added "
                "outside isms",
                r->key, r->reg->name);
        return 0;
    }
    x->seen = 1;
    char *canon = record_canonical(r);
    unsigned char digest[32];
    sha256_raw(canon, strlen(canon), digest);
    if (memcmp(digest, x->digest, 32))
        explain_mismatch(v, r, canon, x->seq);
    free(canon);
    return 0;
}

static void check_missing(verify_ctx *v)
{
    for (size_t i = 0; i < v->latest.cap; i++) {
        const expected *x = v->latest.slots[i].value;
        if (v->latest.slots[i].key && !x->seen && register_find(x->entity))
            problem(v, v->latest.slots[i].key,
                    "%s (%s) is in the ledger (entry #%lld) but missing from its register: it "
                    "was deleted outside isms",
                    v->latest.slots[i].key, x->entity, (long long)x->seq);
    }
}

static int check_identity(verify_ctx *v, isms_err *e)
{
    arena a;
    arena_init(&a);
    char *id = NULL;
    int rc = store_meta_get(dom_store(v->d), "repository_id", &id, &a, e);
    if (!rc && (!id || strcmp(id, v->genesis_id)))
        problem(v, "repository_id",
                "the repository's identity (%s) is not the one its ledger "
                "was started with (%s)",
                id ? id : "none", v->genesis_id);
    /* The rest of the unsigned metadata, against what the ledger recorded. */
    char *created = NULL;
    if (!rc)
        rc = store_meta_get(dom_store(v->d), "created_at", &created, &a, e);
    if (!rc && v->genesis_created[0] && (!created || strcmp(created, v->genesis_created)))
        problem(v, "created_at",
                "the repository's creation time (%s) is not the one its ledger "
                "was started with (%s)",
                created ? created : "none", v->genesis_created);
    int version = 0;
    if (!rc)
        rc = store_schema_version(dom_store(v->d), &version, e);
    if (!rc && v->ledger_schema && version != v->ledger_schema)
        problem(v, "schema_migration",
                "the schema version the repository records (%d) is not the "
                "one its ledger ends at (%d)",
                version, v->ledger_schema);
    arena_free(&a);
    return rc;
}

static void checkpoint_problem(void *ctx, const char *field, const char *msg)
{
    problem(ctx, field, "%s", msg);
}

/* The database's own integrity check: what it finds is a problem. */
static int check_store(verify_ctx *v, isms_err *e)
{
    buf problems;
    buf_init(&problems);
    int rc = store_integrity(dom_store(v->d), &problems, e);
    if (!rc && problems.len)
        problem(v, "store", "the database's own integrity check failed: %s", buf_str(&problems));
    buf_reset(&problems);
    const char *diff = NULL;
    if (!rc)
        rc = store_schema_check(dom_store(v->d), &diff, e);
    if (!rc && diff)
        problem(v, "schema",
                "the schema differs from the one isms's migrations make: %s; a trigger, "
                "rule or index planted there can rewrite or hide what is written",
                diff);
    return rc;
}

static int run_checks(verify_ctx *v, isms_err *e)
{
    v->e = e;
    store_integrity_begin(dom_store(v->d)); /* beside the checks below */
    int rc = ledger_verify_chain(dom_store(v->d), remember_entry, v, &v->rep->entries,
                                 &v->rep->first_bad_seq, e);
    if (rc == E_TAMPERED) {
        /* A broken chain makes every later comparison meaningless. */
        problem(v, e->field, "%s", e->msg);
        return 0;
    }
    if (rc)
        return rc;
    rc = ledger_tree_check_end(v->tree, e);
    if (!rc)
        rc = check_identity(v, e);
    if (rc)
        return rc;
    store_query all = { .include_retired = 1 };
    for (int i = 0; registers[i] && !rc; i++)
        rc = store_scan(dom_store(v->d), registers[i], &all, check_record, v, e);
    if (!rc)
        check_missing(v);
    if (!rc)
        rc = dom_verify_checkpoints(v->d, v->rep->checkpoints, checkpoint_problem, v,
                                    &v->rep->notes, e);
    if (!rc)
        rc = check_store(v, e);
    return rc;
}

int dom_verify(dom *d, verify_report *rep, isms_err *e)
{
    verify_ctx v = { .d = d, .rep = rep };
    v.tree = ledger_tree_check_new(dom_store(d), tree_problem, &v);
    strmap_init(&v.latest);
    int rc = store_begin(dom_store(d), 0, e);
    if (!rc) {
        isms_err chain = { 0 };
        rc = run_checks(&v, &chain);
        store_rollback(dom_store(d));
        if (rc)
            err_set(e, chain.code, chain.field, "%s", chain.msg);
    }
    strmap_reset(&v.latest);
    ledger_tree_check_free(v.tree);
    if (!rc && rep->problems)
        rc = err_set(e, E_TAMPERED, v.first.field, "%s", v.first.msg);
    return rc;
}
