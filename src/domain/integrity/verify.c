#include "domain/integrity/verify.h"
#include "domain/integrity/tree.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/asset_needs.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/sha256.h"
#include "core/strmap.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "formats/json.h"
#include "ledger/ledger.h"
#include "ledger/nodes.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdint.h>
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
    isms_err first;          /* the problem the failure is named by */
    int first_is_tally;      /* ... a kept figure's, until another is found */
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
    /* The first found names the failure (err_set keeps it), the later
     * ones often follow from it; a kept figure that differs always follows
     * from something else (a record or entry changed or removed), so it
     * names the failure only alone. */
    int tally = !strcmp(field, "tally");
    if (v->first_is_tally && !tally)
        err_clear(&v->first);
    if (!v->first.code)
        v->first_is_tally = tally;
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

/* The map of every key's latest entry (the records checked one by one). */
static int remember_latest(const ledger_row *r, void *ctx)
{
    verify_ctx *v = ctx;
    if (!strcmp(r->entity, "repository"))
        return 0;
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

static int note_entry(verify_ctx *v, const ledger_row *r);

static int remember_entry(const ledger_row *r, void *ctx)
{
    int rc = note_entry(ctx, r);
    if (rc)
        return rc;
    return remember_latest(r, ctx);
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

/* The database's own structural checks (SQLite: quick_check and
 * foreign_key_check; asked for with rep->store_check, as they read every
 * page of the file: a fifth of a full verification's CPU at a million
 * records): what they find is a problem. */
static int check_store(verify_ctx *v, isms_err *e)
{
    buf problems;
    buf_init(&problems);
    int rc = store_integrity(dom_store(v->d), &problems, e);
    if (!rc && problems.len) {
        problem(v, "store", "the database's own integrity check failed: %s", buf_str(&problems));
        v->rep->store_failed = 1;
    }
    buf_reset(&problems);
    if (!rc)
        v->rep->store_checked = 1;
    return rc;
}

/* After a chain walk: a broken chain is a problem (it makes every later
 * comparison meaningless: *broken), then the stored tree's end. */
static int chain_result(verify_ctx *v, int rc, int *broken, isms_err *e)
{
    v->rep->entries = v->rep->head_seq;
    v->rep->checked = v->rep->head_seq - v->rep->from_seq;
    if (rc == E_TAMPERED) {
        problem(v, e->field, "%s", e->msg);
        *broken = 1;
        return 0;
    }
    if (rc)
        return rc;
    return ledger_tree_check_end(v->tree, e);
}

/* Incremental: the chain after the resume point, and the stored Merkle
 * nodes its entries complete; the keys it touches are remembered. */
static int check_chain(verify_ctx *v, int *broken, isms_err *e)
{
    int64_t after = v->resume->seq;
    memcpy(v->rep->head_hash, v->resume->hash, 65);
    v->rep->from_seq = after;
    int rc = ledger_tree_check_resume(v->tree, after, e);
    if (!rc)
        rc = ledger_verify_chain_after(dom_store(v->d), after, v->resume->hash, remember_entry, v,
                                       &v->rep->head_seq, &v->rep->first_bad_seq, e);
    return chain_result(v, rc, broken, e);
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

/* What each risk keeps of its links against the links (`wrong_of`
 * counts the risks where they differ), said as "N <one|many> differs from
 * <links>": a value changed behind isms's back would hide a risk from a
 * state's list (or show one that is not in it). */
typedef int (*kept_wrong_fn)(store *s, int64_t *n, isms_err *e);

static int check_kept(verify_ctx *v, kept_wrong_fn wrong_of, const char *one, const char *many,
                      const char *links, isms_err *e)
{
    int64_t wrong;
    int rc = wrong_of(dom_store(v->d), &wrong, e);
    if (!rc && wrong)
        problem(v, "tally", "%lld %s differs from %s: it or a link was changed outside isms",
                (long long)wrong, wrong == 1 ? one : many, links);
    return rc;
}

/* Each risk's count of the controls in place that treat it (0028), which
 * the untreated are read by. */
static int check_in_place(verify_ctx *v, isms_err *e)
{
    return check_kept(
        v, store_risks_in_place_wrong, "risk's count of the controls in place that treat it",
        "risks' count of the controls in place that treat them", "the controls' links", e);
}

/* Each risk's mark of having no objective (0036), which that state's
 * lists are read by. */
static int check_no_objective(verify_ctx *v, isms_err *e)
{
    return check_kept(v, store_risks_no_objective_wrong,
                      "risk's mark of being tied to no objective",
                      "risks' mark of being tied to no objective", "the objective links", e);
}

/* What each asset keeps of the needs it inherits (0031) against the whole
 * dependency graph worked out again: a need changed behind isms's back
 * would understate what an asset must be protected to. */
static int check_asset_needs(verify_ctx *v, isms_err *e)
{
    int64_t wrong, raised;
    int rc = dom_asset_needs_check(v->d, &wrong, &raised, e);
    if (!rc && wrong)
        problem(v, "tally",
                "%lld asset%s inherited protection needs differ from what the assets depending "
                "on %s pass on: a kept need or a dependency was changed outside isms",
                (long long)wrong, wrong == 1 ? "'s" : "s'", wrong == 1 ? "it" : "them");
    return rc;
}

/* The dashboard's kept figures against the count of the records. The
 * count may come from the reader's snapshot (record_pass), which a write
 * committed between the two connections' begins can set apart from this
 * one's: a difference is counted again here before it is called one. */
static int check_tallies(verify_ctx *v, const tallies *counted, isms_err *e)
{
    if (!store_keeps_tallies(dom_store(v->d)))
        return 0;
    tallies kept, here, all;
    tallies_init(&kept);
    tallies_init(&here);
    tallies_init(&all);
    /* Those that follow from links are counted here: a record alone does
     * not say what it counts for. */
    tallies_add(&all, counted);
    int rc =
        store_keeps_link_tallies(dom_store(v->d)) ? tallies_links_recount(v->d, &all, 0, e) : 0;
    if (!rc)
        rc = tallies_kept_recount(v->d, &all, e);
    if (!rc)
        rc = tallies_read(v->d, NULL, &kept, e);
    /* inside a write, as its commit will leave them: those that follow
     * from others move then (tallies_commit_moves) */
    if (!rc && store_in_write_txn(dom_store(v->d)))
        rc = tallies_commit_moves(dom_store(v->d), &kept, e);
    if (!rc && tallies_compare(&all, &kept, tally_differs, NULL)) {
        rc = dom_tallies_recount(v->d, &here, e);
        if (!rc)
            tallies_compare(&here, &kept, tally_problem, v);
    }
    if (!rc && store_keeps_in_place(dom_store(v->d)))
        rc = check_in_place(v, e);
    if (!rc && store_keeps_no_objective(dom_store(v->d)))
        rc = check_no_objective(v, e);
    if (!rc && store_keeps_asset_needs(dom_store(v->d)))
        rc = check_asset_needs(v, e);
    tallies_reset(&all);
    tallies_reset(&here);
    tallies_reset(&kept);
    return rc;
}

/* ---- a full verification: the records beside the chain ----
 *
 * A full verification reads the ledger (main thread) and every register (a
 * thread with a connection of its own, store_open_reader, started before
 * the chain walk) at once; the registers are cut into id ranges that the
 * main thread, its chain walked, reads too, through the verifying
 * connection (see record_pass). Neither side keeps a map of keys. Each side adds up,
 * modulo 2^256, a keyed digest of (register, canonical bytes): the records
 * side one per record, the ledger side one per register entry that is the
 * latest entry of its key. Equal sums and counts mean the two multisets
 * are the same: every record equals the data of the latest entry of its
 * key (the data holds the key), and every such entry has its record. The
 * digest is SHA-256 under a key drawn at random for each run (salt), so
 * nobody editing the database can aim at a sum (an unkeyed sum of digests
 * could be forged, Wagner's generalised birthday attack).
 *
 * Which entry is a key's latest comes from the ledger's index by key
 * (store_ledger_keys: each key's entries together, one bit per entry
 * kept), read before the walk. The index is not the rows, so it is held
 * to them: it must come in order (a key's entries together), and the
 * keyed digests of (key, seq) over the index and over the rows the chain
 * walk reads must add up alike.
 *
 * Any difference, or a reader that could not run, and the records are
 * checked again one by one through the verifying connection (check_record
 * against a map of every key's latest entry, check_missing), as verify
 * always did: that names every problem with the same words, and a write
 * committed between the two connections' snapshots is never reported as
 * tampering; in the quiet case both snapshots are the same state and the
 * sums agree whichever connection read which range. */

enum { SALT = 32 };

/* A sum of digests, modulo 2^256, and how many were added. */
typedef struct dsum {
    uint64_t w[4];
    int64_t n;
} dsum;

static void dsum_add(dsum *s, const unsigned char d[32])
{
    unsigned carry = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t x;
        memcpy(&x, d + 8 * i, 8);
        uint64_t t = s->w[i] + x;
        unsigned c1 = t < x;
        s->w[i] = t + carry;
        carry = c1 | (s->w[i] < t);
    }
    s->n++;
}

static int dsum_equal(const dsum *a, const dsum *b)
{
    return a->n == b->n && !memcmp(a->w, b->w, sizeof a->w);
}

/* The keyed digest of (tag, bytes): SHA-256 over one block, the salt and
 * the tag (a register's name) padded with zeros, then the bytes. */
static void keyed_add(dsum *s, const unsigned char salt[SALT], const char *tag, const char *bytes,
                      size_t n)
{
    unsigned char block[64] = { 0 };
    memcpy(block, salt, SALT);
    size_t t = strlen(tag);
    memcpy(block + SALT, tag, t < 63 - SALT ? t : 63 - SALT);
    unsigned char d[32];
    sha256_after_block(block, bytes, n, d);
    dsum_add(s, d);
}

/* The keyed digest of (key, seq): SipHash (128 bits) under its own key;
 * only its sums are compared, with the same key, within one run. */
static void key_seq_add(dsum *s, buf *scratch, const unsigned char k[SALT], const char *key,
                        int64_t seq)
{
    buf_clear(scratch);
    buf_append(scratch, &seq, sizeof seq);
    buf_puts(scratch, key ? key : "");
    unsigned char d[32] = { 0 };
    crypto_shorthash_siphashx24(d, (const unsigned char *)scratch->data, scratch->len, k);
    dsum_add(s, d);
}

/* The records' side: every register cut into id ranges, taken one at a
 * time from a shared queue by the reader thread (its own connection, its
 * snapshot begun before the chain walk) and, once the chain is walked, by
 * the main thread through the verifying connection too: neither side idles
 * while the other still has records to read. A register gets RANGES ranges
 * at most, of MIN_RANGE ids at least (a small one is one range); the first
 * range starts at id 0 and the last has no end, so a record is in exactly
 * one whatever the snapshot that reads it. */
enum { RANGES = 32, MIN_RANGE = 4096 };

typedef struct id_range {
    const regdef *reg;
    int64_t after, upto; /* store_query.id_after, id_upto */
} id_range;

typedef struct range_queue {
    id_range *r;
    int n;
    atomic_int next; /* the first range nobody took yet */
} range_queue;

/* One worker on the records: its connection, its sums and figures. */
typedef struct record_pass {
    store *st; /* the reader's own connection, or the verifying one */
    range_queue *q;
    const unsigned char *salt;
    buf canon; /* a record's canonical bytes, the buffer reused */
    dsum sum;  /* of (register, canonical bytes) */
    tallies counted;
    pthread_t thread;
    int started;
    isms_err e;
    int rc;
} record_pass;

static int digest_record(const record *r, void *ctx)
{
    record_pass *p = ctx;
    record_canonical_buf(r, &p->canon);
    keyed_add(&p->sum, p->salt, r->reg->name, p->canon.data, p->canon.len);
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

/* The fewest ids a range spans: MIN_RANGE, or ISMS_VERIFY_RANGE_IDS (a
 * test aid: a register of a few records spans several ranges). */
static int64_t min_range(void)
{
    const char *set = getenv("ISMS_VERIFY_RANGE_IDS");
    long long n = set ? atoll(set) : 0;
    return n > 0 ? n : MIN_RANGE;
}

/* Cuts every register into ranges by its largest id, read through `st`. */
static int ranges_plan(store *st, range_queue *q, isms_err *e)
{
    int64_t least = min_range();
    int nreg = 0;
    while (registers[nreg])
        nreg++;
    q->r = xcalloc((size_t)nreg * RANGES, sizeof *q->r);
    for (int i = 0; i < nreg; i++) {
        int64_t max = 0;
        int rc = store_max_id(st, registers[i], &max, e);
        if (rc)
            return rc;
        int64_t k = max / least < 1 ? 1 : max / least > RANGES ? RANGES : max / least;
        int64_t step = (max + k - 1) / k;
        for (int64_t j = 0; j < k; j++)
            q->r[q->n++] = (id_range){ registers[i], j * step, j == k - 1 ? 0 : (j + 1) * step };
    }
    return 0;
}

/* No more ranges are handed out (the chain failed: the records are moot). */
static void ranges_stop(range_queue *q) { atomic_store(&q->next, q->n); }

/* Reads ranges from the queue until none is left or one fails. */
static void take_ranges(record_pass *p)
{
    for (;;) {
        int i = atomic_fetch_add(&p->q->next, 1);
        if (i >= p->q->n)
            return;
        const id_range *r = &p->q->r[i];
        store_query q = { .include_retired = 1, .id_after = r->after, .id_upto = r->upto };
        p->rc = store_scan(p->st, r->reg, &q, digest_record, p, &p->e);
        if (p->rc) {
            ranges_stop(p->q);
            return;
        }
    }
}

static void *record_thread(void *arg)
{
    record_pass *p = arg;
    take_ranges(p);
    store_rollback(p->st);
    return NULL;
}

static void pass_init(record_pass *p, range_queue *q, const unsigned char *salt)
{
    memset(p, 0, sizeof *p);
    p->q = q;
    p->salt = salt;
    buf_init(&p->canon);
    tallies_init(&p->counted);
}

static void pass_reset(record_pass *p, const store *verifying)
{
    if (p->st != verifying)
        store_close(p->st);
    buf_reset(&p->canon);
    tallies_reset(&p->counted);
}

/* Adds b's sum to a's, modulo 2^256. */
static void dsum_merge(dsum *a, const dsum *b)
{
    unsigned carry = 0;
    for (int i = 0; i < 4; i++) {
        uint64_t t = a->w[i] + b->w[i];
        unsigned c1 = t < b->w[i];
        a->w[i] = t + carry;
        carry = c1 | (a->w[i] < t);
    }
    a->n += b->n;
}

/* What worker `from` read, added to `into`'s: the first failure kept. */
static void pass_merge(record_pass *into, const record_pass *from)
{
    dsum_merge(&into->sum, &from->sum);
    tallies_add(&into->counted, &from->counted);
    if (!into->rc && from->rc) {
        into->rc = from->rc;
        into->e = from->e;
    }
}

/* Opens the reader on a connection of its own, its snapshot begun now,
 * cuts the registers into ranges there and starts its thread on them; 0
 * when it cannot be opened (an in-memory repository) or could not see
 * what is verified (an import verifies its new repository inside its own
 * write transaction: another connection sees none of it, so the sums
 * would differ and every record be read again one by one against a map
 * of every key, 160 MB at 1M records): the main thread then takes every
 * range after the chain. */
static int pass_begin(verify_ctx *v, record_pass *p)
{
    if (store_in_write_txn(dom_store(v->d)))
        return 0;
    int rc = store_open_reader(dom_store(v->d), &p->st, &p->e);
    if (!rc)
        rc = store_begin(p->st, 0, &p->e);
    if (rc) {
        store_close(p->st);
        p->st = NULL;
        return 0;
    }
    p->rc = ranges_plan(p->st, p->q, &p->e);
    if (!p->rc)
        p->started = !pthread_create(&p->thread, NULL, record_thread, p);
    return 1;
}

/* The ledger's side. */
typedef struct chain_pass {
    verify_ctx *v;
    const unsigned char *salt; /* of the (register, data) digests */
    unsigned char kseq[SALT];  /* salt of the (key, seq) digests */
    unsigned char *latest;     /* a bit per seq: the latest entry of its key */
    int64_t size;              /* seqs 1..size have a bit */
    int beyond;                /* the index named a seq past size */
    buf prev_key;              /* store_ledger_keys: the group being read */
    int in_group;
    int64_t prev_seq;
    dsum index, rows; /* (key, seq) over the index and over the rows */
    dsum data;        /* (register, data) of the latest entries */
    buf scratch;
} chain_pass;

static void mark_latest(chain_pass *c, int64_t seq)
{
    if (seq >= 1 && seq <= c->size)
        c->latest[(seq - 1) / 8] |= (unsigned char)(1u << ((seq - 1) % 8));
    else if (seq)
        c->beyond = 1;
}

static int is_latest(const chain_pass *c, int64_t seq)
{
    return seq >= 1 && seq <= c->size && (c->latest[(seq - 1) / 8] >> ((seq - 1) % 8) & 1);
}

static int index_entry(int64_t seq, const char *key, void *ctx)
{
    chain_pass *c = ctx;
    key = key ? key : "";
    key_seq_add(&c->index, &c->scratch, c->kseq, key, seq);
    int order = c->in_group ? strcmp(buf_str(&c->prev_key), key) : -1;
    if (order > 0 || (!order && seq <= c->prev_seq))
        c->beyond = 1; /* not in order: an index that is not its table's */
    if (order) {
        if (c->in_group)
            mark_latest(c, c->prev_seq);
        buf_clear(&c->prev_key);
        buf_puts(&c->prev_key, key);
        c->in_group = 1;
    }
    c->prev_seq = seq;
    return 0;
}

static int read_latest(chain_pass *c, isms_err *e)
{
    int rc = store_ledger_keys(dom_store(c->v->d), index_entry, c, e);
    if (!rc && c->in_group)
        mark_latest(c, c->prev_seq);
    buf_reset(&c->prev_key);
    return rc;
}

/* What every entry tells the checks, incremental or full. */
static int note_entry(verify_ctx *v, const ledger_row *r)
{
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
    }
    return 0;
}

static int sum_entry(const ledger_row *r, void *ctx)
{
    chain_pass *c = ctx;
    int rc = note_entry(c->v, r);
    if (rc)
        return rc;
    key_seq_add(&c->rows, &c->scratch, c->kseq, r->key, r->seq);
    if (is_latest(c, r->seq) && strcmp(r->entity, "repository") && register_find(r->entity))
        keyed_add(&c->data, c->salt, r->entity, r->data, strlen(r->data));
    return 0;
}

/* The chain, walked once, summing as it goes (full). */
static int check_chain_summed(verify_ctx *v, chain_pass *c, int *broken, isms_err *e)
{
    arena a;
    arena_init(&a);
    char *head = NULL;
    int rc = store_ledger_head(dom_store(v->d), &c->size, &head, &a, e);
    arena_free(&a);
    if (!rc) {
        c->latest = xcalloc((size_t)(c->size / 8 + 1), 1);
        rc = read_latest(c, e);
    }
    if (rc)
        return rc;
    rc = ledger_verify_chain_after(dom_store(v->d), 0, LEDGER_GENESIS_PREV, sum_entry, c,
                                   &v->rep->head_seq, &v->rep->first_bad_seq, e);
    return chain_result(v, rc, broken, e);
}

/* The records, one by one through the verifying connection, against a map
 * of every key's latest entry (read again: the chain was verified in this
 * transaction), counted for the dashboard as they go by. */
static int check_records_one_by_one(verify_ctx *v, isms_err *e)
{
    int rc = store_ledger_scan_after(dom_store(v->d), 0, remember_latest, v, e);
    if (!rc)
        rc = scan_records(dom_store(v->d), check_and_count, v, e);
    if (!rc)
        check_missing(v);
    return rc;
}

/* The records' sum against the ledger's, then the identity, the records
 * one by one when the sums differ, and the dashboard's figures. */
static int compare_records(verify_ctx *v, chain_pass *c, record_pass *p, isms_err *e)
{
    int quick =
        !p->rc && !c->beyond && dsum_equal(&c->index, &c->rows) && dsum_equal(&c->data, &p->sum);
    int rc = check_identity(v, e);
    tallies_init(&v->counted);
    if (!rc && quick) {
        v->rep->records = p->sum.n;
        tallies_add(&v->counted, &p->counted);
    } else if (!rc) {
        rc = check_records_one_by_one(v, e);
        if (!rc && !v->rep->problems)
            buf_printf(&v->rep->notes,
                       "note: the records' sum differed from the ledger's (a change committed "
                       "while verifying?); read again one by one, they match\n");
    }
    if (!rc)
        rc = check_tallies(v, &v->counted, e);
    tallies_reset(&v->counted);
    return rc;
}

/* The main thread's share of the records, once the chain is walked:
 * the ranges the reader has not taken, through the verifying connection
 * (every range when there is no reader). */
static void records_after_chain(verify_ctx *v, record_pass *mine, int reading)
{
    mine->st = dom_store(v->d);
    if (!reading)
        mine->rc = ranges_plan(mine->st, mine->q, &mine->e);
    if (!mine->rc)
        take_ranges(mine);
}

/* Full: the chain and the records at once (see above). */
static int check_full(verify_ctx *v, int *broken, isms_err *e)
{
    unsigned char salt[SALT];
    randombytes_buf(salt, sizeof salt);
    range_queue q = { 0 };
    record_pass p, mine;
    pass_init(&p, &q, salt);
    pass_init(&mine, &q, salt);
    chain_pass c = { .v = v, .salt = salt };
    randombytes_buf(c.kseq, sizeof c.kseq);
    buf_init(&c.scratch);
    buf_init(&c.prev_key);
    int reading = pass_begin(v, &p);
    int rc = check_chain_summed(v, &c, broken, e);
    if (!rc && !*broken)
        records_after_chain(v, &mine, reading);
    else
        ranges_stop(&q);
    if (p.started)
        pthread_join(p.thread, NULL);
    pass_merge(&p, &mine);
    if (!rc && !*broken)
        rc = compare_records(v, &c, &p, e);
    pass_reset(&mine, dom_store(v->d));
    pass_reset(&p, dom_store(v->d));
    free(q.r);
    free(c.latest);
    buf_reset(&c.scratch);
    return rc;
}

static int run_checks(verify_ctx *v, isms_err *e)
{
    v->e = e;
    /* The store's own checks: when asked, or with every full verification
     * where they are cheap (PostgreSQL's catalogue queries). */
    int store_check =
        v->rep->store_check || (!v->resume && !store_integrity_reads_all(dom_store(v->d)));
    if (store_check)
        store_integrity_begin(dom_store(v->d)); /* beside the checks below */
    int broken = 0;
    int rc = v->resume ? check_chain(v, &broken, e) : check_full(v, &broken, e);
    if (!rc && !broken && v->resume)
        rc = check_recent(v, e);
    if (rc || broken)
        return rc;
    rc =
        dom_verify_checkpoints(v->d, v->rep->checkpoints, checkpoint_problem, v, &v->rep->notes, e);
    if (!rc)
        rc = check_schema(v, e);
    if (!rc && store_check)
        rc = check_store(v, e);
    return rc;
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
#define LAST_STORE_CHECK "last_store_check"

int dom_store_check_last(dom *d, store_check_record *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    out->none = !store_integrity_reads_all(dom_store(d));
    if (out->none)
        return 0;
    arena a;
    arena_init(&a);
    char *text = NULL, result[16] = "";
    int rc = store_meta_get(dom_store(d), LAST_STORE_CHECK, &text, &a, e);
    if (!rc && text && sscanf(text, "%23s %15s", out->at, result) == 2)
        out->ok = !strcmp(result, "ok");
    else
        out->at[0] = 0;
    arena_free(&a);
    return rc;
}

/* Says what a verification that did not run the store's structural checks
 * left out, and when they last ran. */
static void store_check_note(dom *d, const verify_report *rep, buf *notes)
{
    store_check_record last;
    if (rep->store_checked) {
        if (rep->store_check && !rep->store_failed) /* asked for: say so */
            buf_printf(notes, "store: the database's own structural checks ran now and "
                              "passed\n");
        return;
    }
    if (dom_store_check_last(d, &last, NULL) || last.none)
        return;
    if (last.at[0])
        buf_printf(notes,
                   "note: SQLite's own structural checks (quick_check, foreign_key_check) were "
                   "not run now; they last ran %s and %s; isms verify --store runs them\n",
                   last.at, last.ok ? "passed" : "FAILED");
    else
        buf_printf(notes, "note: SQLite's own structural checks (quick_check, foreign_key_check) "
                          "were not run now and never have been; isms verify --store runs them\n");
}

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
    if (!rc && rep->store_checked) {
        /* failed when a problem was the store's own (problem() field "store") */
        buf_clear(&text);
        buf_printf(&text, "%s %s", at, rep->store_failed ? "failed" : "ok");
        rc = store_meta_set(dom_store(d), LAST_STORE_CHECK, buf_str(&text), &e);
    }
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
    if (!rc || rc == E_TAMPERED) {
        record_result(d, rep, &why, ms, &rep->notes);
        store_check_note(d, rep, &rep->notes);
    }
    if (rc)
        err_set(e, why.code, why.field, "%s", why.msg);
    return rc;
}
