#include "ledger/ledger.h"
#include "core/sha256.h"
#include "core/text.h"
#include "formats/json.h"
#include "ledger/nodes.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void sha256_raw(const void *p, size_t n, unsigned char out[32]) { sha256(p, n, out); }

void sha256_hex(const void *p, size_t n, char hex[65])
{
    unsigned char h[32];
    sha256_raw(p, n, h);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

/* One member: ,"name": and the quoted text. Errors name the column. */
static int member(buf *b, const char *name, const char *text, const ledger_row *r, isms_err *e)
{
    /* Written piece by piece, not printf: verify hashes every entry. */
    if (b->len > 1)
        buf_putc(b, ',');
    buf_putc(b, '"');
    buf_puts(b, name);
    buf_puts(b, "\":");
    if (!js_quote(b, text))
        return 0;
    const char *column = strcmp(name, "prev") ? name : "prev_hash";
    return err_set(e, E_INVALID, column, "ledger entry #%lld: its %s is %s", (long long)r->seq,
                   column, text ? "not UTF-8 text" : "missing");
}

int ledger_entry_bytes(const ledger_row *r, buf *b, isms_err *e)
{
    buf_clear(b);
    buf_putc(b, '{');
    int rc = member(b, "actor", r->actor, r, e);
    if (!rc && !r->data)
        rc = err_set(e, E_INVALID, "data", "ledger entry #%lld: its data is missing",
                     (long long)r->seq);
    if (!rc) {
        buf_puts(b, ",\"data\":");
        buf_puts(b, r->data);
        rc = member(b, "entity", r->entity, r, e);
    }
    if (!rc)
        rc = member(b, "key", r->key, r, e);
    if (!rc && !r->note)
        buf_puts(b, ",\"note\":null");
    else if (!rc)
        rc = member(b, "note", r->note, r, e);
    if (!rc)
        rc = member(b, "op", r->op, r, e);
    if (!rc)
        rc = member(b, "prev", r->prev_hash, r, e);
    if (!rc) {
        buf_puts(b, ",\"seq\":");
        buf_put_int(b, r->seq);
        rc = member(b, "ts", r->ts, r, e);
    }
    buf_putc(b, '}');
    return rc;
}

int ledger_entry_hash(const ledger_row *r, char hex[65], isms_err *e)
{
    buf b;
    buf_init(&b);
    int rc = ledger_entry_bytes(r, &b, e);
    if (!rc)
        sha256_hex(b.data, b.len, hex);
    buf_reset(&b);
    return rc;
}

/* The ledger row of change c as entry `seq`, after the entry of hash
 * `prev` (NULL: the first), made `now` unless c says when; not yet hashed. */
static ledger_row row_of(const ledger_change *c, int64_t seq, const char *now, const char *prev)
{
    return (ledger_row){
        .seq = seq,
        .ts = c->ts ? c->ts : now,
        .actor = c->actor,
        .entity = c->entity,
        .key = c->key,
        .op = c->op,
        .data = c->data,
        .note = c->note,
        .prev_hash = prev ? prev : LEDGER_GENESIS_PREV,
    };
}

int ledger_append(store *s, const ledger_change *c, int64_t *seq_out, isms_err *e)
{
    arena a;
    arena_init(&a);
    int64_t head;
    char *prev;
    int rc = store_ledger_head(s, &head, &prev, &a, e);
    if (rc) {
        arena_free(&a);
        return rc;
    }
    char now[21], hash[65];
    if (!c->ts)
        now_timestamp(now);
    ledger_row r = row_of(c, head + 1, now, prev);
    rc = ledger_entry_hash(&r, hash, e);
    r.hash = hash;
    if (!rc)
        rc = ledger_insert_grown(s, &r, e);
    if (!rc && seq_out)
        *seq_out = r.seq;
    arena_free(&a);
    return rc;
}

int ledger_append_many(store *s, const ledger_change *cs, int n, isms_err *e)
{
    arena a;
    arena_init(&a);
    int64_t head;
    char *prev;
    int rc = store_ledger_head(s, &head, &prev, &a, e);
    ledger_row *rows = arena_alloc(&a, sizeof *rows * (size_t)(n ? n : 1));
    char now[21];
    now_timestamp(now);
    for (int i = 0; i < n && !rc; i++) {
        rows[i] = row_of(&cs[i], head + 1 + i, now, i ? rows[i - 1].hash : prev);
        char *hash = arena_alloc(&a, 65);
        rc = ledger_entry_hash(&rows[i], hash, e);
        rows[i].hash = hash;
    }
    if (!rc)
        rc = store_ledger_insert_many(s, rows, n, e);
    if (!rc)
        rc = ledger_tree_grow_many(s, rows, n, e);
    arena_free(&a);
    return rc;
}

void ledger_chain_init(ledger_chain *c)
{
    memset(c, 0, sizeof *c);
    c->expect_seq = 1;
    memcpy(c->prev, LEDGER_GENESIS_PREV, 65);
    buf_init(&c->bytes);
}

void ledger_chain_reset(ledger_chain *c) { buf_reset(&c->bytes); }

int ledger_chain_next(ledger_chain *c, const ledger_row *r, isms_err *e)
{
    char hash[65];
    c->bad_seq = r->seq;
    /* Messages below quote the entry's own text: it must be text first. */
    if (ledger_entry_bytes(r, &c->bytes, NULL) || !r->hash)
        return ledger_entry_readable(r, e);
    if (r->seq != c->expect_seq)
        return err_set(e, E_TAMPERED, "seq",
                       "ledger entry #%lld is missing: the next entry is #%lld (%s %s)",
                       (long long)c->expect_seq, (long long)r->seq, r->op, r->key);
    if (strcmp(r->prev_hash, c->prev))
        return err_set(e, E_TAMPERED, "prev_hash",
                       "ledger entry #%lld (%s %s) does not link to entry #%lld: "
                       "an entry before it was changed, removed or inserted",
                       (long long)r->seq, r->op, r->key, (long long)r->seq - 1);
    sha256_hex(c->bytes.data, c->bytes.len, hash);
    if (strcmp(hash, r->hash))
        return err_set(e, E_TAMPERED, "hash",
                       "ledger entry #%lld (%s %s at %s by %s) was altered: its content no "
                       "longer matches its hash",
                       (long long)r->seq, r->op, r->key, r->ts, r->actor);
    memcpy(c->prev, r->hash, 65);
    c->expect_seq++;
    c->bad_seq = 0;
    return 0;
}

int ledger_entry_readable(const ledger_row *r, isms_err *e)
{
    isms_err why = { 0 };
    buf b;
    buf_init(&b);
    if (!r->hash)
        err_set(&why, E_INVALID, "hash", "ledger entry #%lld: its hash is missing",
                (long long)r->seq);
    else
        ledger_entry_bytes(r, &b, &why);
    buf_reset(&b);
    if (!why.code)
        return 0;
    return err_set(e, E_TAMPERED, why.field, "%s: it was altered outside isms", why.msg);
}

typedef struct chain_walk {
    ledger_chain chain;
    store_ledger_fn fn;
    void *ctx;
    isms_err *e;
} chain_walk;

static int walk_entry(const ledger_row *r, void *ctx)
{
    chain_walk *w = ctx;
    int rc = ledger_chain_next(&w->chain, r, w->e);
    if (rc)
        return rc;
    return w->fn ? w->fn(r, w->ctx) : 0;
}

int ledger_verify_chain(store *s, store_ledger_fn fn, void *ctx, int64_t *entries, int64_t *bad_seq,
                        isms_err *e)
{
    return ledger_verify_chain_after(s, 0, LEDGER_GENESIS_PREV, fn, ctx, entries, bad_seq, e);
}

int ledger_verify_chain_after(store *s, int64_t after, const char *after_hash, store_ledger_fn fn,
                              void *ctx, int64_t *entries, int64_t *bad_seq, isms_err *e)
{
    chain_walk w = { .fn = fn, .ctx = ctx, .e = e };
    ledger_chain_init(&w.chain);
    w.chain.expect_seq = after + 1;
    snprintf(w.chain.prev, sizeof w.chain.prev, "%s", after_hash);
    int rc = store_ledger_scan_after(s, after, walk_entry, &w, e);
    ledger_chain_reset(&w.chain);
    if (entries)
        *entries = w.chain.expect_seq - 1;
    if (bad_seq)
        *bad_seq = rc == E_TAMPERED ? w.chain.bad_seq : 0;
    return rc;
}
