/* checkpoints.c: what is done with checkpoints: verifying the ledger
 * against them, issuing one, checking one before a witness countersigns. */
#include "domain/integrity/tree.h"
#include "domain/engine/dom_internal.h"
#include "domain/integrity/verify.h"
#include "core/text.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the heads at many sizes ---- */

/* roots[i] = the view's tree head at sizes[i] (left alone where the ledger
 * is shorter or the size is not one): O(log entries) reads each. */
static int roots_at(const ledger_view *v, const int64_t *sizes, int n, merkle_hash *roots,
                    isms_err *e)
{
    for (int i = 0; i < n; i++) {
        if (sizes[i] < 0 || sizes[i] > v->entries)
            continue;
        int rc = ledger_view_root(v, sizes[i], roots[i], e);
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- the repository's own checkpoints ---- */

/* A row of table checkpoint: small, as a repository may hold thousands;
 * the checkpoint itself is rebuilt to judge it. */
typedef struct stored {
    char label[160];
    int64_t size;
    merkle_hash root;
    ckpt_sig sig;
    char issued_at[CKPT_TIME_MAX + 1], actor[CKPT_ACTOR_MAX + 1];
    int unreadable; /* its root or signature line is not what isms wrote */
    int keyless;    /* its signing key record is gone */
} stored;

typedef XLIST(stored) stored_list;

static int take_stored(const store_checkpoint *row, void *ctx, isms_err *e)
{
    (void)e;
    stored_list *l = ctx;
    XGROW(l->items, (size_t)l->n, l->cap, 16);
    stored *s = &l->items[l->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->label, sizeof s->label, "checkpoint #%lld (issued %s by %s)", (long long)row->id,
             row->created_at, row->actor);
    s->size = row->size;
    snprintf(s->issued_at, sizeof s->issued_at, "%s", row->created_at);
    snprintf(s->actor, sizeof s->actor, "%s", row->actor);
    s->keyless = !row->signed_by;
    s->unreadable = row->size < 1 || ckpt_hash_parse(row->root, s->root, NULL) ||
                    ckpt_sig_parse(row->signature, strlen(row->signature), &s->sig, NULL);
    return 0;
}

/* Does one of the view's keys sign c as it stands? */
static int signed_as_is(const ledger_view *v, const checkpoint *c)
{
    for (int i = 0; i < v->nkeys; i++)
        if (ckpt_sig_verify(c, &c->sigs[0], &v->keys[i].vk))
            return 1;
    return 0;
}

/* The note a row stands for. isms signs the schema the ledger is at and
 * the row's time and actor with the rest; a row of an older isms was
 * signed without them. If neither form verifies, the row was altered
 * (its time, its actor, or the schema version the ledger records), and
 * the full form is judged, so the report names the signature. */
static int rebuild(dom *d, const ledger_view *own, const stored *s, checkpoint *c, isms_err *e)
{
    memset(c, 0, sizeof *c);
    c->size = (uint64_t)s->size;
    c->nsigs = 1;
    c->sigs[0] = s->sig;
    snprintf(c->origin, sizeof c->origin, "%s", own->origin);
    memcpy(c->root, s->root, MERKLE_HASH_SIZE);
    if (signed_as_is(own, c))
        return 0;
    int version;
    int rc = ledger_schema_at(d, s->size, &version, e);
    if (!rc && version)
        rc = ckpt_put_schema(version, c, e);
    snprintf(c->issued_at, sizeof c->issued_at, "%s", s->issued_at);
    snprintf(c->issued_by, sizeof c->issued_by, "%s", s->actor);
    return rc;
}

static int judge_stored(dom *d, const ledger_view *v, stored_list *l, const merkle_hash *roots,
                        ckpt_problem_fn fn, void *ctx, buf *notes, isms_err *e)
{
    /* The repository's checkpoints answer to the repository's keys, whatever
     * keys the verifier brought for their files. */
    ledger_view own = *v;
    own.nkeys -= v->npinned;
    own.npinned = 0;
    int problems = 0;
    for (int i = 0; i < l->n; i++) {
        stored *s = &l->items[i];
        char msg[400];
        if (s->unreadable || s->keyless) {
            snprintf(msg, sizeof msg, "%s was altered: %s", s->label,
                     s->keyless ? "the signing key it names is no longer in the repository"
                                : "its size, root or signature is not what isms wrote");
            fn(ctx, "checkpoint", msg);
            problems++;
            continue;
        }
        checkpoint c;
        int rc = rebuild(d, &own, s, &c, e);
        if (rc)
            return rc;
        problems +=
            ckpt_judge(&own, &c, s->size <= v->entries ? roots[i] : NULL, s->label, fn, ctx, NULL);
    }
    if (l->n && !problems && notes)
        buf_printf(notes, "%d checkpoint%s issued by this repository agree%s with its ledger\n",
                   l->n, l->n == 1 ? "" : "s", l->n == 1 ? "s" : "");
    return 0;
}

/* A note's schema line must name the version the ledger is at at its size,
 * and the hash of the schema isms makes at that version. */
static int judge_schema(dom *d, const checkpoint *c, const char *label, ckpt_problem_fn fn,
                        void *ctx, isms_err *e)
{
    if (!c->schema_version)
        return 0;
    int version;
    int rc = ledger_schema_at(d, (int64_t)c->size, &version, e);
    if (rc)
        return rc;
    checkpoint want = { 0 };
    if (version)
        rc = ckpt_put_schema(version, &want, e);
    if (rc)
        return rc;
    char msg[400];
    if (version != c->schema_version)
        snprintf(msg, sizeof msg, "%s vouches for schema version %d; the ledger was at version %d",
                 label, c->schema_version, version);
    else if (memcmp(want.schema_hash, c->schema_hash, MERKLE_HASH_SIZE))
        snprintf(msg, sizeof msg,
                 "%s vouches for a schema at version %d that is not the one isms makes", label,
                 version);
    else
        return 0;
    fn(ctx, "checkpoint", msg);
    return 0;
}

static int judge_files(dom *d, const ledger_view *v, const ckpt_inputs *in,
                       const merkle_hash *roots, ckpt_problem_fn fn, void *ctx, buf *notes,
                       isms_err *e)
{
    for (int i = 0; in && i < in->nfiles; i++) {
        const checkpoint *c = &in->files[i].c;
        int problems = ckpt_judge(v, c, (int64_t)c->size <= v->entries ? roots[i] : NULL,
                                  in->files[i].label, fn, ctx, notes);
        if (!problems && (int64_t)c->size <= v->entries) {
            int rc = judge_schema(d, c, in->files[i].label, fn, ctx, e);
            if (rc)
                return rc;
        }
    }
    return 0;
}

int dom_verify_checkpoints(dom *d, const ckpt_inputs *in, ckpt_problem_fn fn, void *ctx, buf *notes,
                           isms_err *e)
{
    stored_list l = { 0 };
    int nfiles = in ? in->nfiles : 0;
    int rc = store_checkpoint_scan(dom_store(d), take_stored, &l, e);
    if (rc || !(l.n + nfiles)) {
        free(l.items);
        return rc; /* nothing to hold the ledger to: no need to read its tree */
    }
    ledger_view v;
    rc = ledger_view_load(d, 0, &v, e);
    for (int i = 0; !rc && in && i < in->npublic_keys; i++)
        rc = ledger_view_pin(&v, in->public_keys[i], e);
    if (rc) {
        free(l.items);
        return rc;
    }
    int n = l.n + nfiles;
    int64_t *sizes = xmalloc(sizeof *sizes * (size_t)n);
    merkle_hash *roots = xmalloc(sizeof *roots * (size_t)n);
    for (int i = 0; i < l.n; i++)
        sizes[i] = l.items[i].size;
    for (int i = 0; i < nfiles; i++)
        sizes[l.n + i] = (int64_t)in->files[i].c.size;
    rc = roots_at(&v, sizes, n, roots, e);
    if (!rc)
        rc = judge_stored(d, &v, &l, roots, fn, ctx, notes, e);
    if (!rc)
        rc = judge_files(d, &v, in, roots + l.n, fn, ctx, notes, e);
    free(sizes);
    free(roots);
    free(l.items);
    ledger_view_free(&v);
    return rc;
}

/* ---- issuing ---- */

/* The record of k among the view's keys, if it may sign checkpoints. */
static int signing_record(const ledger_view *v, const signer_key *k, const known_key **out,
                          isms_err *e)
{
    char vk[SIGNKEY_TEXT_MAX];
    signkey_format_verifier(&k->pub, vk);
    for (int i = 0; i < v->nkeys; i++) {
        const known_key *r = &v->keys[i];
        if (r->vk.id != k->pub.id || strcmp(r->vk.name, k->pub.name) ||
            memcmp(r->vk.pub, k->pub.pub, sizeof r->vk.pub))
            continue;
        if (r->witness)
            return err_set(e, E_DENIED, "key",
                           "%s (%s) is recorded as a witness key: checkpoints "
                           "are signed with a checkpoint key",
                           r->key, r->vk.name);
        if (r->retired)
            return err_set(e, E_DENIED, "key",
                           "%s (%s) was retired at ledger entry #%lld and signs "
                           "no more checkpoints",
                           r->key, r->vk.name, (long long)r->retired);
        *out = r;
        return 0;
    }
    return err_set(e, E_DENIED, "key",
                   "the key in the key file (%s) is not a signing key of this "
                   "repository: record its public half first, with isms key add --key FILE",
                   vk);
}

static int verified(dom *d, isms_err *e)
{
    verify_report rep;
    verify_report_init(&rep);
    isms_err why = { 0 };
    int rc = dom_verify(d, &rep, &why);
    verify_report_reset(&rep);
    if (rc)
        return err_set(e, rc, why.field, "%s%s",
                       rc == E_TAMPERED ? "the repository does not "
                                          "verify, and a checkpoint must not vouch for it: "
                                        : "",
                       why.msg);
    return 0;
}

static int record_checkpoint(dom *d, const checkpoint *c, const known_key *k, isms_err *e)
{
    char root[45];
    buf line;
    buf_init(&line);
    ckpt_hash_b64(c->root, root);
    ckpt_sig_line(&c->sigs[c->nsigs - 1], &line);
    store_checkpoint row = { .created_at = c->issued_at,
                             .actor = c->issued_by,
                             .size = (int64_t)c->size,
                             .root = root,
                             .signed_by = k->key,
                             .signature = buf_str(&line) };
    int rc = store_checkpoint_insert(dom_store(d), &row, e);
    buf_reset(&line);
    return rc;
}

/* What the note binds beyond the ledger: the schema (a write has just
 * checked it is the one isms made) and who issues it when. */
static int vouch(dom *d, checkpoint *c, isms_err *e)
{
    int version;
    int rc = store_schema_version(dom_store(d), &version, e);
    if (!rc)
        rc = ckpt_put_schema(version, c, e);
    if (rc)
        return rc;
    now_timestamp(c->issued_at);
    const char *actor = dom_actor(d);
    if (strlen(actor) > CKPT_ACTOR_MAX)
        return err_set(e, E_INVALID, "actor", "the actor's name is longer than a checkpoint holds");
    snprintf(c->issued_by, sizeof c->issued_by, "%s", actor);
    return 0;
}

static int issue_in_txn(dom *d, const signer_key *k, checkpoint *out, isms_err *e)
{
    int rc = verified(d, e);
    if (rc)
        return rc;
    ledger_view v;
    rc = ledger_view_load(d, 0, &v, e);
    if (rc)
        return rc;
    const known_key *rec = NULL;
    rc = signing_record(&v, k, &rec, e);
    if (!rc) {
        memset(out, 0, sizeof *out);
        snprintf(out->origin, sizeof out->origin, "%s", v.origin);
        out->size = (uint64_t)v.entries;
        rc = ledger_view_root(&v, v.entries, out->root, e);
    }
    if (!rc)
        rc = vouch(d, out, e);
    if (!rc)
        rc = ckpt_sign(out, k, e);
    if (!rc)
        rc = record_checkpoint(d, out, rec, e);
    ledger_view_free(&v);
    return rc;
}

int dom_checkpoint_issue(dom *d, const signer_key *k, checkpoint *out, isms_err *e)
{
    int rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    return dom_txn_end(d, issue_in_txn(d, k, out, e), e);
}

/* ---- before a witness countersigns ---- */

static int refuse(isms_err *e, const isms_err *why)
{
    return err_set(e, E_TAMPERED, why->field, "refusing to countersign: %s", why->msg);
}

/* prev must be one the witness signed, of the same ledger, not larger. */
static int check_previous(const checkpoint *c, const checkpoint *prev, const verifier_key *witness,
                          isms_err *e)
{
    int signed_by_witness = 0;
    for (int i = 0; i < prev->nsigs; i++)
        signed_by_witness |= ckpt_sig_verify(prev, &prev->sigs[i], witness);
    if (!signed_by_witness)
        return err_set(e, E_INVALID, "previous",
                       "the previous checkpoint carries no valid "
                       "signature by %s: give the last checkpoint you countersigned",
                       witness->name);
    if (strcmp(prev->origin, c->origin))
        return err_set(e, E_INVALID, "previous",
                       "the previous checkpoint is of the ledger %s, this "
                       "one of %s",
                       prev->origin, c->origin);
    if (prev->size > c->size)
        return err_set(e, E_TAMPERED, "size",
                       "refusing to countersign: the checkpoint (size %llu) "
                       "is older than the last one you countersigned (size %llu): the ledger was "
                       "truncated or rolled back",
                       (unsigned long long)c->size, (unsigned long long)prev->size);
    return 0;
}

static int check_extends(const checkpoint *c, const checkpoint *prev, const merkle_proof *p,
                         isms_err *e)
{
    isms_err why = { 0 };
    if (merkle_verify_consistency(prev->size, c->size, p->h, p->n, prev->root, c->root, &why))
        return err_set(e, E_TAMPERED, "root",
                       "refusing to countersign: the ledger of the "
                       "checkpoint (size %llu) does not extend the one you countersigned (size "
                       "%llu): its first %llu entries were rewritten (%s)",
                       (unsigned long long)c->size, (unsigned long long)prev->size,
                       (unsigned long long)prev->size, why.msg);
    return 0;
}

static int cosign_against(const ledger_view *v, const checkpoint *c, const checkpoint *prev,
                          const verifier_key *witness, buf *notes, isms_err *e)
{
    merkle_hash root;
    int have_root = (int64_t)c->size <= v->entries;
    int rc = have_root ? ledger_view_root(v, (int64_t)c->size, root, e) : 0;
    if (rc)
        return rc;
    isms_err why = { 0 };
    if (ckpt_judge(v, c, have_root ? root : NULL, "the checkpoint", ckpt_problem_to_err, &why,
                   notes))
        return refuse(e, &why);
    if (!prev)
        return 0;
    rc = check_previous(c, prev, witness, e);
    merkle_proof p;
    if (!rc)
        rc = ledger_view_path(v, (int64_t)prev->size, (int64_t)c->size, &p, e);
    if (rc)
        return rc;
    return check_extends(c, prev, &p, e);
}

static int pin_all(ledger_view *v, const char *const *keys, int n, isms_err *e)
{
    for (int i = 0; i < n; i++) {
        int rc = ledger_view_pin(v, keys[i], e);
        if (rc)
            return rc;
    }
    return 0;
}

int dom_cosign_check(dom *d, const checkpoint *c, const checkpoint *prev,
                     const verifier_key *witness, const char *const *public_keys, int npublic_keys,
                     buf *notes, isms_err *e)
{
    ledger_view v;
    int rc = ledger_view_load(d, 0, &v, e);
    if (rc)
        return rc;
    rc = pin_all(&v, public_keys, npublic_keys, e);
    if (!rc)
        rc = cosign_against(&v, c, prev, witness, notes, e);
    ledger_view_free(&v);
    return rc;
}

int ckpt_cosign_check_offline(const checkpoint *c, const checkpoint *prev, const ledger_proof *p,
                              const verifier_key *witness, const char *const *public_keys,
                              int npublic_keys, buf *notes, isms_err *e)
{
    if (!npublic_keys)
        return err_set(e, E_USAGE, "public-key",
                       "without the repository, give the repository's "
                       "public key (--public-key) to check the checkpoint's signature");
    if (!prev)
        return err_set(e, E_USAGE, "previous",
                       "a proof needs the previous checkpoint "
                       "(--previous) it leads from");
    if (p->kind != PROOF_CONSISTENCY || p->old_size != (int64_t)prev->size ||
        p->size != (int64_t)c->size || strcmp(p->origin, c->origin))
        return err_set(e, E_INVALID, "proof",
                       "the proof is not the consistency proof from the "
                       "previous checkpoint (size %llu) to this one (size %llu) of %s: get it with "
                       "isms ledger proof --from %llu --to %llu",
                       (unsigned long long)prev->size, (unsigned long long)c->size, c->origin,
                       (unsigned long long)prev->size, (unsigned long long)c->size);
    ledger_view v;
    ledger_view_empty(&v, c->origin);
    int rc = pin_all(&v, public_keys, npublic_keys, e);
    isms_err why = { 0 };
    if (!rc && ckpt_judge_signatures(&v, c, "the checkpoint", ckpt_problem_to_err, &why, notes))
        rc = refuse(e, &why);
    if (!rc)
        rc = check_previous(c, prev, witness, e);
    if (!rc)
        rc = check_extends(c, prev, &p->path, e);
    ledger_view_free(&v);
    return rc;
}
