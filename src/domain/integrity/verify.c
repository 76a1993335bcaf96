#include "domain/integrity/verify.h"
#include "domain/integrity/tree.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/strmap.h"
#include "core/text.h"
#include "formats/json.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    const verify_record *resume; /* incremental: continue after this point */
    tallies counted;             /* full: the dashboard's figures, counted from the records */
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
    TEXT_FORMAT_ARGS(line, fmt);
    if (v->rep->problems < VERIFY_MAX_LINES)
        buf_printf(&v->rep->details, "%s\n", line);
    v->rep->problems++;
    err_set(&v->first, E_TAMPERED, field, "%s", line);
}

static void tree_problem(void *ctx, const char *msg) { problem(ctx, "ledger_node", "%s", msg); }

/* The identity the ledger's init entry started the repository with. */
static void remember_genesis(verify_ctx *v, const ledger_row *r)
{
    const char *id = strstr(r->data, "\"repository_id\":\"");
    if (id)
        snprintf(v->genesis_id, sizeof v->genesis_id, "%.32s", id + 17);
    const char *at = strstr(r->data, "\"created_at\":\"");
    if (at)
        snprintf(v->genesis_created, sizeof v->genesis_created, "%.20s", at + 14);
}

static int remember_entry(const ledger_row *r, void *ctx)
{
    verify_ctx *v = ctx;
    memcpy(v->rep->head_hash, r->hash, 65);
    int rc = ledger_tree_check_add(v->tree, r->seq, r->hash, v->e);
    if (rc)
        return rc;
    if (!strcmp(r->entity, "repository")) {
        if (!strcmp(r->op, "init"))
            remember_genesis(v, r);
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

/* The digest a record's latest entry holds of it (its data). */
static char *record_digest(const record *r, unsigned char digest[32])
{
    char *canon = record_canonical(r);
    sha256_raw(canon, strlen(canon), digest);
    return canon;
}

/* Its expected state when the ledger has one for register `reg`, else NULL. */
static expected *expected_of(verify_ctx *v, const char *key, const regdef *reg)
{
    expected *x = strmap_get(&v->latest, key);
    return x && !strcmp(x->entity, reg->name) ? x : NULL;
}

static int check_record(const record *r, void *ctx)
{
    verify_ctx *v = ctx;
    v->rep->records++;
    expected *x = expected_of(v, r->key, r->reg);
    if (!x) {
        problem(v, r->key,
                "%s (%s) is in the register but not in the ledger: it was added "
                "outside isms",
                r->key, r->reg->name);
        return 0;
    }
    x->seen = 1;
    unsigned char digest[32];
    char *canon = record_digest(r, digest);
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

/* The schema against the one isms's migrations make: cheap, whatever the
 * repository's size. */
static int check_schema(verify_ctx *v, isms_err *e)
{
    const char *diff = NULL;
    int rc = store_schema_check(dom_store(v->d), &diff, e);
    if (!rc && diff)
        problem(v, "schema",
                "the schema differs from the one isms's migrations make: %s; a trigger, "
                "rule or index planted there can rewrite or hide what is written",
                diff);
    return rc;
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
    if (rc)
        return rc;
    return check_schema(v, e);
}

/* The chain, from the start or after the resume point, and the stored
 * Merkle nodes its entries complete. */
static int check_chain(verify_ctx *v, int *broken, isms_err *e)
{
    store *st = dom_store(v->d);
    int64_t after = v->resume ? v->resume->seq : 0;
    int rc = 0;
    if (v->resume) {
        memcpy(v->rep->head_hash, v->resume->hash, 65);
        rc = ledger_tree_check_resume(v->tree, after, e);
    }
    if (!rc)
        rc = ledger_verify_chain_after(st, after, v->resume ? v->resume->hash : LEDGER_GENESIS_PREV,
                                       remember_entry, v, &v->rep->head_seq, &v->rep->first_bad_seq,
                                       e);
    v->rep->from_seq = after;
    v->rep->entries = v->rep->head_seq;
    v->rep->checked = v->rep->head_seq - after;
    if (rc == E_TAMPERED) {
        /* A broken chain makes every later comparison meaningless. */
        problem(v, e->field, "%s", e->msg);
        *broken = 1;
        return 0;
    }
    if (rc)
        return rc;
    return ledger_tree_check_end(v->tree, e);
}

/* Record `key` of `reg` read through the verifying connection and checked
 * against its latest entry; not there, it is not a problem here
 * (check_missing names a record the ledger has and the register lacks). */
static int recheck(verify_ctx *v, const regdef *reg, const char *key, arena *a, isms_err *e)
{
    record r;
    isms_err why = { 0 };
    int rc = store_get(dom_store(v->d), reg, key, &r, a, &why);
    if (rc == E_NOT_FOUND)
        return 0;
    if (rc)
        return err_set(e, why.code, why.field, "%s", why.msg);
    return check_record(&r, v);
}

/* The ledger's records not checked yet, read through the verifying
 * connection (check_missing names those not there): the records an
 * incremental verification's entries touched, or those a full one's reader
 * did not see. */
static int recheck_unseen(verify_ctx *v, isms_err *e)
{
    arena a;
    arena_init(&a);
    int rc = 0;
    for (size_t i = 0; i < v->latest.cap && !rc; i++) {
        const expected *x = v->latest.slots[i].value;
        const regdef *reg = v->latest.slots[i].key ? register_find(x->entity) : NULL;
        if (reg && !x->seen)
            rc = recheck(v, reg, v->latest.slots[i].key, &a, e);
        arena_reset(&a);
    }
    arena_free(&a);
    return rc;
}

/* Incremental: the records the new entries touched, against their latest
 * entry (a record touched by none is not read). */
static int check_touched(verify_ctx *v, isms_err *e)
{
    int rc = recheck_unseen(v, e);
    if (!rc)
        check_missing(v);
    return rc;
}

/* Incremental: the records the new entries touched, the identity against
 * the init entry (verified when the chain was), the checkpoints (a few
 * stored tree nodes each) and the schema; not the rest of the records
 * nor the database's own integrity check, which grow with the whole. */
static int check_recent(verify_ctx *v, isms_err *e)
{
    arena a;
    arena_init(&a);
    ledger_row first;
    int rc = v->resume->seq ? store_ledger_get(dom_store(v->d), 1, &first, &a, e) : 0;
    if (!rc && v->resume->seq && !strcmp(first.op, "init"))
        remember_genesis(v, &first);
    arena_free(&a);
    if (!rc && v->genesis_id[0])
        rc = check_identity(v, e);
    if (!rc)
        rc = check_touched(v, e);
    return rc;
}

/* Full: each record against its latest entry, and counted for the
 * dashboard's kept figures as it goes by. */
static int check_and_count(const record *r, void *ctx)
{
    verify_ctx *v = ctx;
    tallies_note(&v->counted, r, 1);
    return check_record(r, ctx);
}

static void tally_problem(const char *name, int64_t counted, int64_t kept, void *ctx)
{
    problem(ctx, "tally",
            "the dashboard's kept figure %s is %lld where the records count %lld: the figure "
            "or a record was changed outside isms",
            name, (long long)kept, (long long)counted);
}

static void tally_differs(const char *name, int64_t counted, int64_t kept, void *ctx)
{
    (void)name, (void)counted, (void)kept, (void)ctx;
}

/* The dashboard's kept figures against the count of the records. The
 * count may come from the reader's snapshot (record_pass), which a write
 * committed between the two connections' begins can set apart from this
 * one's: a difference is counted again here before it is called one. */
static int check_tallies(verify_ctx *v, const tallies *counted, isms_err *e)
{
    if (!store_keeps_tallies(dom_store(v->d)))
        return 0;
    tallies kept, here;
    tallies_init(&kept);
    tallies_init(&here);
    int rc = tallies_read(v->d, &kept, e);
    if (!rc && tallies_compare(counted, &kept, tally_differs, NULL)) {
        rc = dom_tallies_recount(v->d, &here, e);
        if (!rc)
            tallies_compare(&here, &kept, tally_problem, v);
    }
    tallies_reset(&here);
    tallies_reset(&kept);
    return rc;
}

/* ---- the records read beside the chain ----
 *
 * A full verification reads the ledger and every register: two halves of
 * about equal cost, and SQLite's own checks beside them. The records are
 * read by READERS threads, each with a connection of its own
 * (store_open_reader) and a share of every register's ids (split by
 * split_ids: reader 0 the ids up to the middle of the register's id range,
 * reader 1 those past it), started before the chain walk; each reduces a
 * record to its key, register and digest and counts the dashboard's
 * figures. When the chain is walked, their digests are compared with the
 * ledger's. A reader's snapshot may differ from the chain's (a write
 * committed between the begins), so a record that does not match is not
 * reported from the reader's copy: it is read again through the verifying
 * connection and checked there (check_record), as are the ledger's records
 * no reader saw. A repository with one connection only (or whose readers
 * cannot be opened) is checked in one pass, as before. */

enum { READERS = 2 };

typedef struct digested {
    const char *key;
    const regdef *reg;
    unsigned char digest[32];
    expected *match; /* the ledger's entry when the digests are equal (match_share) */
} digested;

typedef struct record_pass {
    store *st;            /* the reader's own connection */
    const int64_t *split; /* per register: the last id of reader 0's share */
    int share;            /* 0 or 1 */
    arena a;              /* the keys */
    buf canon;            /* a record's canonical bytes, the buffer reused */
    buf seen;             /* digested, in the order read */
    tallies counted;      /* the dashboard's figures, as the records read count them */
    pthread_t thread;
    int started;
    isms_err e;
    int rc;
    verify_ctx *v; /* the chain's expectations, only read while matched */
} record_pass;

static int digest_record(const record *r, void *ctx)
{
    record_pass *p = ctx;
    digested d = { .key = arena_strdup(&p->a, r->key), .reg = r->reg };
    record_canonical_buf(r, &p->canon);
    sha256_raw(p->canon.data, p->canon.len, d.digest);
    buf_append(&p->seen, &d, sizeof d);
    tallies_note(&p->counted, r, 1);
    return 0;
}

static int scan_records(store *st, store_record_fn fn, void *ctx, isms_err *e)
{
    store_query all = { .include_retired = 1 };
    int rc = 0;
    for (int i = 0; registers[i] && !rc; i++)
        rc = store_scan(st, registers[i], &all, fn, ctx, e);
    return rc;
}

/* The reader's share of every register: ids up to split[i], or past it. */
static int scan_share(record_pass *p)
{
    int rc = 0;
    for (int i = 0; registers[i] && !rc; i++) {
        store_query q = { .include_retired = 1 };
        if (p->share == 0 && !p->split[i])
            continue; /* reader 1 reads a register that had no records */
        if (p->share == 0)
            q.id_upto = p->split[i];
        else
            q.id_after = p->split[i];
        rc = store_scan(p->st, registers[i], &q, digest_record, p, &p->e);
    }
    return rc;
}

static void *record_thread(void *arg)
{
    record_pass *p = arg;
    p->rc = scan_share(p);
    store_rollback(p->st);
    return NULL;
}

static void pass_free(record_pass *p)
{
    if (!p)
        return;
    store_close(p->st);
    arena_free(&p->a);
    buf_reset(&p->canon);
    buf_reset(&p->seen);
    tallies_reset(&p->counted);
    free(p);
}

/* A reader's connection, its snapshot begun now; NULL when it cannot be. */
static record_pass *pass_open(verify_ctx *v, const int64_t *split, int share)
{
    record_pass *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->split = split;
    p->share = share;
    arena_init(&p->a);
    buf_init(&p->canon);
    buf_init(&p->seen);
    tallies_init(&p->counted);
    int rc = store_open_reader(dom_store(v->d), &p->st, &p->e);
    if (!rc)
        rc = store_begin(p->st, 0, &p->e);
    if (rc) {
        pass_free(p);
        return NULL;
    }
    return p;
}

/* Each register's middle id, read through the verifying connection: the
 * readers' shares, the same whatever their snapshots. */
static int64_t *split_ids(verify_ctx *v)
{
    size_t n = 0;
    while (registers[n])
        n++;
    int64_t *split = calloc(n + 1, sizeof *split);
    for (size_t i = 0; split && i < n; i++) {
        int64_t max = 0;
        if (store_max_id(dom_store(v->d), registers[i], &max, NULL)) {
            free(split);
            return NULL;
        }
        split[i] = max / 2;
    }
    return split;
}

/* Starts the readers (p[0..READERS-1]); 0 when they cannot be, and none
 * is left open. A reader whose thread cannot start reads its share here. */
static int passes_begin(verify_ctx *v, record_pass **p, int64_t **split)
{
    *split = split_ids(v);
    int ok = *split != NULL;
    for (int k = 0; k < READERS; k++)
        p[k] = ok ? pass_open(v, *split, k) : NULL;
    for (int k = 0; k < READERS; k++)
        ok = ok && p[k];
    for (int k = 0; k < READERS && !ok; k++) {
        pass_free(p[k]);
        p[k] = NULL;
    }
    for (int k = 0; k < READERS && ok; k++) {
        p[k]->started = !pthread_create(&p[k]->thread, NULL, record_thread, p[k]);
        if (!p[k]->started)
            record_thread(p[k]);
    }
    if (!ok) {
        free(*split);
        *split = NULL;
    }
    return ok;
}

/* Waits for the readers; the first failure, if one failed. */
static int passes_end(record_pass **p, isms_err *e)
{
    int rc = 0;
    for (int k = 0; k < READERS; k++) {
        if (p[k]->started)
            pthread_join(p[k]->thread, NULL);
        if (p[k]->rc && !rc)
            rc = err_set(e, p[k]->rc, p[k]->e.field, "%s", p[k]->e.msg);
    }
    return rc;
}

/* Each of a reader's digests looked up among the chain's expectations
 * (the map is only read: both readers' lists are matched at once, a
 * million lookups each that would otherwise run after the chain on one
 * core). */
static void *match_share(void *arg)
{
    record_pass *p = arg;
    digested *d = (digested *)p->seen.data;
    size_t n = p->seen.len / sizeof *d;
    for (size_t i = 0; i < n; i++) {
        expected *x = expected_of(p->v, d[i].key, d[i].reg);
        d[i].match = x && !memcmp(x->digest, d[i].digest, 32) ? x : NULL;
    }
    return NULL;
}

static void match_shares(verify_ctx *v, record_pass **p)
{
    pthread_t t[READERS];
    int started[READERS];
    for (int k = 0; k < READERS; k++) {
        p[k]->v = v;
        started[k] = !pthread_create(&t[k], NULL, match_share, p[k]);
        if (!started[k])
            match_share(p[k]);
    }
    for (int k = 0; k < READERS; k++)
        if (started[k])
            pthread_join(t[k], NULL);
}

/* The reader's matched digests: a record matched is seen; one that did
 * not match (or whose entry another copy already took) is read again and
 * checked through the verifying connection. */
static int compare_pass(verify_ctx *v, record_pass *p, isms_err *e)
{
    const digested *d = (const digested *)p->seen.data;
    size_t n = p->seen.len / sizeof *d;
    arena a;
    arena_init(&a);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        expected *x = d[i].match;
        if (x && !x->seen) {
            x->seen = 1;
            v->rep->records++;
            continue;
        }
        rc = recheck(v, d[i].reg, d[i].key, &a, e);
        arena_reset(&a);
    }
    arena_free(&a);
    return rc;
}

/* The records: the readers' digests against the ledger's (their figures
 * added up in v->counted), or, without readers, every record read and
 * counted here. */
static int check_records(verify_ctx *v, record_pass **p, isms_err *e)
{
    if (!p[0])
        return scan_records(dom_store(v->d), check_and_count, v, e);
    match_shares(v, p);
    int rc = 0;
    for (int k = 0; k < READERS && !rc; k++) {
        tallies_add(&v->counted, &p[k]->counted);
        rc = compare_pass(v, p[k], e);
    }
    if (!rc)
        rc = recheck_unseen(v, e);
    return rc;
}

static int check_all_records(verify_ctx *v, record_pass **p, isms_err *e)
{
    int rc = check_identity(v, e);
    tallies_init(&v->counted);
    if (!rc)
        rc = check_records(v, p, e);
    if (!rc)
        check_missing(v); /* a record gone is named before the figures it moved */
    if (!rc)
        rc = check_tallies(v, &v->counted, e);
    tallies_reset(&v->counted);
    return rc;
}

static int run_checks(verify_ctx *v, isms_err *e)
{
    v->e = e;
    record_pass *p[READERS] = { NULL };
    int64_t *split = NULL;
    int reading = 0;
    if (!v->resume) {
        store_integrity_begin(dom_store(v->d)); /* beside the checks below */
        reading = passes_begin(v, p, &split);
    }
    int broken = 0;
    int rc = check_chain(v, &broken, e);
    if (reading) {
        isms_err why = { 0 };
        int read = passes_end(p, &why);
        if (!rc && !broken && read)
            rc = err_set(e, read, why.field, "%s", why.msg);
    }
    if (!rc && !broken)
        rc = v->resume ? check_recent(v, e) : check_all_records(v, p, e);
    for (int k = 0; k < READERS; k++)
        pass_free(p[k]);
    free(split);
    if (rc || broken)
        return rc;
    /* The checkpoints, then the schema (resumed) or the whole store (full). */
    rc =
        dom_verify_checkpoints(v->d, v->rep->checkpoints, checkpoint_problem, v, &v->rep->notes, e);
    if (rc)
        return rc;
    return v->resume ? check_schema(v, e) : check_store(v, e);
}

static int verify_from(dom *d, verify_report *rep, const verify_record *resume, isms_err *e)
{
    verify_ctx v = { .d = d, .rep = rep, .resume = resume };
    rep->full = !resume;
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

int dom_verify(dom *d, verify_report *rep, isms_err *e) { return verify_from(d, rep, NULL, e); }

/* ---- the recorded result ---- */

#define LAST_VERIFICATION "last_verification"

int dom_verify_last(dom *d, verify_record *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    arena a;
    arena_init(&a);
    char *text = NULL;
    int rc = store_meta_get(dom_store(d), LAST_VERIFICATION, &text, &a, e);
    char mode[16] = "";
    long long seq = 0, entries = 0, records = 0, ms = 0;
    int used = 0;
    if (!rc && text &&
        sscanf(text, "%23s %15s %lld %64s %lld %lld %d %lld %n", out->at, mode, &seq, out->hash,
               &entries, &records, &out->problems, &ms, &used) == 8) {
        out->present = 1;
        out->full = !strcmp(mode, "full");
        out->seq = seq;
        out->entries = entries;
        out->records = records;
        out->ms = ms;
        snprintf(out->first, sizeof out->first, "%s", text + used);
    }
    arena_free(&a);
    return rc;
}

int dom_ledger_head(dom *d, int64_t *seq, char hash[65], isms_err *e)
{
    arena a;
    arena_init(&a);
    char *head = NULL;
    int rc = store_ledger_head(dom_store(d), seq, &head, &a, e);
    snprintf(hash, 65, "%s", !rc && head ? head : "");
    arena_free(&a);
    return rc;
}

/* May verification continue after the last one? Only from a success whose
 * head is still the ledger's entry at that seq, with the same hash. */
static int can_resume(dom *d, const verify_record *last, buf *why)
{
    if (!last->present) {
        buf_printf(why, "note: no verification recorded: checking everything\n");
        return 0;
    }
    if (last->problems) {
        buf_printf(why, "note: the last verification (%s) failed: checking everything\n", last->at);
        return 0;
    }
    arena a;
    arena_init(&a);
    ledger_row row;
    char hash[65] = "";
    int ok =
        last->seq == 0 || (store_ledger_get(dom_store(d), last->seq, &row, &a, NULL) == 0 &&
                           ledger_entry_hash(&row, hash, NULL) == 0 && !strcmp(hash, last->hash) &&
                           row.hash && !strcmp(row.hash, last->hash));
    arena_free(&a);
    if (!ok)
        buf_printf(why,
                   "note: ledger entry #%lld is no longer the one the last verification "
                   "ended at: checking everything\n",
                   (long long)last->seq);
    return ok;
}

static void record_result(dom *d, const verify_report *rep, const isms_err *why, int64_t ms,
                          buf *notes)
{
    char at[24];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    buf text;
    buf_init(&text);
    buf_printf(&text, "%s %s %lld %s %lld %lld %d %lld %s", at, rep->full ? "full" : "incremental",
               (long long)rep->head_seq, rep->head_hash[0] ? rep->head_hash : "-",
               (long long)rep->checked, (long long)rep->records, rep->problems, (long long)ms,
               rep->problems ? why->msg : "");
    isms_err e = { 0 };
    int rc = store_begin(dom_store(d), 1, &e);
    if (!rc)
        rc = store_meta_set(dom_store(d), LAST_VERIFICATION, buf_str(&text), &e);
    if (!rc)
        rc = store_commit(dom_store(d), &e);
    else
        store_rollback(dom_store(d));
    if (rc)
        buf_printf(notes, "note: the result could not be recorded (%s)\n", e.msg);
    buf_reset(&text);
}

int dom_verify_recorded(dom *d, verify_report *rep, isms_err *e)
{
    verify_record last;
    int rc = 0;
    int resume = 0;
    if (rep->incremental) {
        rc = dom_verify_last(d, &last, e);
        if (rc)
            return rc;
        resume = can_resume(d, &last, &rep->notes);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    isms_err why = { 0 };
    rc = verify_from(d, rep, resume ? &last : NULL, &why);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    int64_t ms = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    if (!rc || rc == E_TAMPERED)
        record_result(d, rep, &why, ms, &rep->notes);
    if (rc)
        err_set(e, why.code, why.field, "%s", why.msg);
    return rc;
}
