/* tree.c: the ledger's tree over a repository (the view), proofs from
 * it, and judging a checkpoint against it. Issuing, verification and
 * countersigning are in checkpoints.c. */
#include "domain/integrity/tree.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "ledger/nodes.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the view ---- */

static int read_origin(dom *d, ledger_view *v, isms_err *e)
{
    char *id = NULL;
    int rc = store_meta_get(dom_store(d), "repository_id", &id, dom_arena(d), e);
    if (!rc && !id)
        rc = err_set(e, E_STORE, "repository_id", "the repository has no identity");
    if (!rc)
        snprintf(v->origin, sizeof v->origin, CKPT_ORIGIN_PREFIX "%s", id);
    return rc;
}

int ledger_view_load(dom *d, int64_t size, ledger_view *v, isms_err *e)
{
    memset(v, 0, sizeof *v);
    v->s = dom_store(d);
    int rc = store_begin(v->s, 0, e);
    if (rc)
        return rc;
    char *head;
    rc = read_origin(d, v, e);
    if (!rc)
        rc = store_ledger_head(v->s, &v->entries, &head, dom_arena(d), e);
    if (!rc && size > v->entries)
        rc = err_set(e, E_NOT_FOUND, "size", "the ledger has %lld entries, not %lld",
                     (long long)v->entries, (long long)size);
    if (!rc)
        rc = dom_keys_load(d, &v->keys, &v->nkeys, e);
    store_rollback(v->s);
    if (rc)
        ledger_view_free(v);
    return rc;
}

void ledger_view_empty(ledger_view *v, const char *origin)
{
    memset(v, 0, sizeof *v);
    snprintf(v->origin, sizeof v->origin, "%s", origin);
}

int ledger_view_pin(ledger_view *v, const char *public_key, isms_err *e)
{
    known_key k = { 0 };
    int rc = signkey_parse_verifier(public_key, &k.vk, e);
    if (rc)
        return rc;
    v->keys = xrealloc(v->keys, sizeof *v->keys * (size_t)(v->nkeys + 1));
    v->keys[v->nkeys++] = k;
    v->npinned++;
    return 0;
}

void ledger_view_free(ledger_view *v)
{
    free(v->keys);
    memset(v, 0, sizeof *v);
}

/* The tree stored beside the ledger, read through its nodes. */
typedef struct stored_tree {
    ledger_tree_reader r;
    merkle_source src;
} stored_tree;

/* The stored tree, or E_NOT_FOUND for a size the view does not have. */
static int tree_of(const ledger_view *v, int64_t size, const char *field, stored_tree *t,
                   isms_err *e)
{
    if (!v->s || size < 0 || size > v->entries)
        return err_set(e, E_NOT_FOUND, field, "the ledger has %lld entries: no tree of size %lld",
                       (long long)v->entries, (long long)size);
    ledger_tree_source(&t->r, v->s, &t->src);
    return 0;
}

int ledger_view_root(const ledger_view *v, int64_t size, merkle_hash out, isms_err *e)
{
    stored_tree t;
    int rc = tree_of(v, size, "size", &t, e);
    if (rc)
        return rc;
    return merkle_source_root(&t.src, (uint64_t)size, out, e);
}

int ledger_view_path(const ledger_view *v, int64_t size1, int64_t size2, merkle_proof *out,
                     isms_err *e)
{
    stored_tree t;
    int rc = tree_of(v, size2, "size", &t, e);
    if (rc)
        return rc;
    return merkle_source_consistency(&t.src, (uint64_t)size2, (uint64_t)size1, out, e);
}

/* ---- proofs ---- */

/* The common head of a proof of the tree of `size` entries about `at`
 * (inclusion: an entry's number; consistency: the old size), which must
 * lie in it. */
static int proof_start(const ledger_view *v, proof_kind kind, int64_t size, int64_t at,
                       ledger_proof *out, stored_tree *t, isms_err *e)
{
    const char *field = kind == PROOF_INCLUSION ? "size" : "to";
    memset(out, 0, sizeof *out);
    int rc = tree_of(v, size, field, t, e);
    if (!rc && size < 1)
        rc = err_set(e, E_NOT_FOUND, field,
                     "no tree of size %lld: a proof needs at least one "
                     "entry",
                     (long long)size);
    if (!rc && (at < 1 || at > size))
        rc =
            kind == PROOF_INCLUSION
                ? err_set(e, E_NOT_FOUND, "seq", "entry #%lld is not in the ledger of %lld entries",
                          (long long)at, (long long)size)
                : err_set(e, E_INVALID, "from", "--from %lld: it must be 1..%lld (--to)",
                          (long long)at, (long long)size);
    if (rc)
        return rc;
    out->kind = kind;
    snprintf(out->origin, sizeof out->origin, "%s", v->origin);
    out->size = size;
    return 0;
}

static int entry_hash(const ledger_view *v, int64_t seq, merkle_hash out, isms_err *e)
{
    char hex[65];
    size_t n = 0;
    int rc = store_ledger_hash(v->s, seq, hex, e);
    if (!rc &&
        (sodium_hex2bin(out, MERKLE_HASH_SIZE, hex, 64, NULL, &n, NULL) || n != MERKLE_HASH_SIZE))
        rc = err_set(e, E_TAMPERED, "ledger",
                     "ledger entry #%lld has no valid hash: run isms "
                     "verify",
                     (long long)seq);
    return rc;
}

int ledger_view_inclusion(const ledger_view *v, int64_t seq, int64_t size, ledger_proof *out,
                          isms_err *e)
{
    stored_tree t;
    int rc = proof_start(v, PROOF_INCLUSION, size, seq, out, &t, e);
    if (!rc)
        rc = entry_hash(v, seq, out->entry, e);
    if (rc)
        return rc;
    out->seq = seq;
    /* The root follows from the path: no second walk up the tree. */
    merkle_hash leaf;
    merkle_leaf_hash(out->entry, leaf);
    rc = merkle_source_inclusion(&t.src, (uint64_t)size, (uint64_t)seq - 1, &out->path, e);
    if (rc)
        return rc;
    return merkle_inclusion_root((uint64_t)seq - 1, (uint64_t)size, leaf, out->path.h, out->path.n,
                                 out->root, e);
}

int ledger_prove_inclusion(dom *d, int64_t seq, int64_t size, ledger_proof *out, isms_err *e)
{
    ledger_view v;
    int rc = ledger_view_load(d, size, &v, e);
    if (rc)
        return rc;
    rc = ledger_view_inclusion(&v, seq, size ? size : v.entries, out, e);
    ledger_view_free(&v);
    return rc;
}

int ledger_view_consistency(const ledger_view *v, int64_t old_size, int64_t size, ledger_proof *out,
                            isms_err *e)
{
    stored_tree t;
    int rc = proof_start(v, PROOF_CONSISTENCY, size, old_size, out, &t, e);
    if (rc)
        return rc;
    out->old_size = old_size;
    rc = merkle_source_consistency(&t.src, (uint64_t)size, (uint64_t)old_size, &out->path, e);
    if (rc || old_size == size) {
        if (!rc)
            rc = merkle_source_root(&t.src, (uint64_t)size, out->root, e);
        memcpy(out->old_root, out->root, MERKLE_HASH_SIZE);
        return rc;
    }
    /* The roots follow from the path, but for an old tree that is a
     * perfect subtree: the path leaves its head out (one node). */
    merkle_hash perfect = { 0 };
    if ((old_size & (old_size - 1)) == 0)
        rc = merkle_source_root(&t.src, (uint64_t)old_size, perfect, e);
    return rc ? rc
              : merkle_consistency_roots((uint64_t)old_size, (uint64_t)size, out->path.h,
                                         out->path.n, perfect, out->old_root, out->root, e);
}

/* ---- judging a checkpoint ---- */

void ckpt_problem_to_err(void *ctx, const char *field, const char *msg)
{
    err_set(ctx, E_TAMPERED, field, "%s", msg);
}

typedef struct judge {
    const ledger_view *v;
    const checkpoint *c;
    const char *label;
    ckpt_problem_fn fn;
    void *ctx;
    int problems;
} judge;

static void report(judge *j, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void report(judge *j, const char *field, const char *fmt, ...)
{
    char msg[1024];
    TEXT_FORMAT_ARGS(msg, fmt);
    j->problems++;
    if (j->fn)
        j->fn(j->ctx, field, msg);
}

/* The known key that made signature s: a key the verifier gave wins over
 * the repository's record of the same key. */
static const known_key *key_of(const ledger_view *v, const ckpt_sig *s)
{
    const known_key *found = NULL;
    for (int i = 0; i < v->nkeys; i++)
        if (ckpt_sig_by(s, &v->keys[i].vk) && (!found || !v->keys[i].key[0]))
            found = &v->keys[i];
    return found;
}

static void describe_key(const known_key *k, int64_t size, buf *out)
{
    if (!k->key[0]) {
        buf_puts(out, " (your key)");
        return;
    }
    buf_printf(out, " (%s%s)", k->witness ? "witness " : "", k->key);
    if (!k->witness && !known_key_valid_at(k, size)) {
        buf_printf(out, ", but that key was not valid at size %lld: recorded at entry #%lld",
                   (long long)size, (long long)k->added);
        if (k->retired)
            buf_printf(out, ", retired at entry #%lld", (long long)k->retired);
    }
}

/* Does a verified signature by k make c valid? */
static int trusted_for(const ledger_view *v, const known_key *k, int64_t size)
{
    if (v->npinned)
        return !k->key[0];
    return !k->witness && known_key_valid_at(k, size);
}

static void judge_signature(judge *j, const ckpt_sig *s, buf *list, int *trusted)
{
    const known_key *k = key_of(j->v, s);
    int64_t size = (int64_t)j->c->size;
    buf_puts(list, list->len ? "; " : "");
    buf_puts(list, s->name);
    if (!k) {
        buf_puts(list, " (unknown key, not checked)");
        return;
    }
    if (!ckpt_sig_verify(j->c, s, &k->vk)) {
        buf_printf(list, "%s%s: DOES NOT VERIFY", k->key[0] ? " " : "", k->key);
        report(j, "signature",
               "the signature of %s%s%s on %s does not verify: the checkpoint was "
               "altered after it was signed",
               s->name, k->key[0] ? " " : "", k->key, j->label);
        return;
    }
    describe_key(k, size, list);
    buf_puts(list, ": verified");
    *trusted |= trusted_for(j->v, k, size);
}

int ckpt_judge_signatures(const ledger_view *v, const checkpoint *c, const char *label,
                          ckpt_problem_fn fn, void *ctx, buf *notes)
{
    judge j = { .v = v, .c = c, .label = label, .fn = fn, .ctx = ctx };
    buf list;
    buf_init(&list);
    int trusted = 0;
    for (int i = 0; i < c->nsigs; i++)
        judge_signature(&j, &c->sigs[i], &list, &trusted);
    if (!trusted)
        report(&j, "signature", "no signature on %s verifies with %s (signatures: %s)", label,
               v->npinned ? "a public key you gave"
                          : "a checkpoint key of this repository valid at its size",
               buf_str(&list));
    if (notes)
        buf_printf(notes, "%s: signatures: %s\n", label, buf_str(&list));
    buf_reset(&list);
    return j.problems;
}

/* The ledger has the checkpoint's size, and at that size its root. */
static void judge_ledger(judge *j, const unsigned char *root_at_size)
{
    unsigned long long size = (unsigned long long)j->c->size;
    if ((int64_t)size > j->v->entries) {
        char gone[64];
        if ((int64_t)size == j->v->entries + 1)
            snprintf(gone, sizeof gone, "entry #%llu was", size);
        else
            snprintf(gone, sizeof gone, "entries #%lld to #%llu were", (long long)j->v->entries + 1,
                     size);
        report(j, "size",
               "the ledger has %lld entries, fewer than the %llu %s covers: %s removed "
               "(the tail cut off, or an older backup restored)",
               (long long)j->v->entries, size, j->label, gone);
    } else if (!root_at_size || memcmp(root_at_size, j->c->root, MERKLE_HASH_SIZE)) {
        report(j, "root",
               "the ledger's first %llu entries no longer have the root %s signs: "
               "history up to entry #%llu was rewritten after it was issued",
               size, j->label, size);
    }
}

int ckpt_judge(const ledger_view *v, const checkpoint *c, const unsigned char *root_at_size,
               const char *label, ckpt_problem_fn fn, void *ctx, buf *notes)
{
    judge j = { .v = v, .c = c, .label = label, .fn = fn, .ctx = ctx };
    if (strcmp(c->origin, v->origin)) {
        report(&j, "origin", "%s is for the ledger %s, not this one (%s)", label, c->origin,
               v->origin);
        return j.problems;
    }
    /* Signatures first: what an altered or unvouched checkpoint says about
     * the ledger is not worth comparing. */
    buf sigs;
    buf_init(&sigs);
    int unsigned_ = ckpt_judge_signatures(v, c, label, fn, ctx, &sigs);
    if (!unsigned_)
        judge_ledger(&j, root_at_size);
    if (notes && !unsigned_ && !j.problems)
        buf_printf(notes, "%s: size %llu; the ledger (%lld entries) %s it\n", label,
                   (unsigned long long)c->size, (long long)v->entries,
                   (int64_t)c->size == v->entries ? "equals" : "extends");
    if (notes)
        buf_puts(notes, buf_str(&sigs));
    buf_reset(&sigs);
    return j.problems + unsigned_;
}

/* ---- the schema a checkpoint vouches for ---- */

int ledger_entry_schema(const ledger_row *r)
{
    if (strcmp(r->entity, "repository"))
        return 0;
    const char *at = strstr(r->data, !strcmp(r->op, "init") ? "\"schema\":" : "\"to\":");
    return at ? atoi(strchr(at, ':') + 1) : 0;
}

typedef struct schema_scan {
    int64_t size;
    int version;
} schema_scan;

static int take_schema(const ledger_row *r, void *ctx)
{
    schema_scan *s = ctx;
    int version = ledger_entry_schema(r);
    if (r->seq <= s->size && version)
        s->version = version;
    return 0;
}

int ledger_schema_at(dom *d, int64_t size, int *version, isms_err *e)
{
    schema_scan s = { .size = size };
    int rc = store_ledger_scan(dom_store(d), "REPOSITORY", take_schema, &s, e);
    *version = s.version;
    return rc;
}

int ckpt_put_schema(int version, checkpoint *c, isms_err *e)
{
    char *text;
    int rc = store_schema_expected_text(version, &text, e);
    if (rc)
        return rc;
    sha256(text, strlen(text), c->schema_hash);
    c->schema_version = version;
    free(text);
    return 0;
}
