#include "ledger/ledger.h"
#include "core/sha256.h"
#include "core/text.h"
#include "formats/json.h"
#include "ledger/nodes.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void sha256_raw(const void *p, size_t n, unsigned char out[32])
{
    sha256(p, n, out);
}

void sha256_hex(const void *p, size_t n, char hex[65])
{
    unsigned char h[32];
    sha256_raw(p, n, h);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

void ledger_entry_bytes(const ledger_row *r, buf *b)
{
    buf_clear(b);
    buf_puts(b, "{\"actor\":");
    js_quote(b, r->actor);
    buf_puts(b, ",\"data\":");
    buf_puts(b, r->data);
    buf_puts(b, ",\"entity\":");
    js_quote(b, r->entity);
    buf_puts(b, ",\"key\":");
    js_quote(b, r->key);
    buf_puts(b, ",\"note\":");
    if (r->note)
        js_quote(b, r->note);
    else
        buf_puts(b, "null");
    buf_puts(b, ",\"op\":");
    js_quote(b, r->op);
    buf_puts(b, ",\"prev\":");
    js_quote(b, r->prev_hash);
    buf_puts(b, ",\"seq\":");
    buf_put_int(b, r->seq);
    buf_puts(b, ",\"ts\":");
    js_quote(b, r->ts);
    buf_putc(b, '}');
}

void ledger_entry_hash(const ledger_row *r, char hex[65])
{
    buf b;
    buf_init(&b);
    ledger_entry_bytes(r, &b);
    sha256_hex(b.data, b.len, hex);
    buf_reset(&b);
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
    ledger_row r = {
        .seq = head + 1,
        .ts = c->ts ? c->ts : now,
        .actor = c->actor,
        .entity = c->entity,
        .key = c->key,
        .op = c->op,
        .data = c->data,
        .note = c->note,
        .prev_hash = prev ? prev : LEDGER_GENESIS_PREV,
    };
    ledger_entry_hash(&r, hash);
    r.hash = hash;
    rc = store_ledger_insert(s, &r, e);
    if (!rc)
        rc = ledger_tree_grow(s, r.seq, r.hash, r.prev_hash, e);
    if (!rc && seq_out)
        *seq_out = r.seq;
    arena_free(&a);
    return rc;
}

typedef struct chain_walk {
    int64_t expect_seq;
    char prev[65];
    buf bytes;
    store_ledger_fn fn;
    void *ctx;
    int64_t bad_seq;
    isms_err *e;
} chain_walk;

static int walk_entry(const ledger_row *r, void *ctx)
{
    chain_walk *w = ctx;
    char hash[65];
    w->bad_seq = r->seq;
    if (r->seq != w->expect_seq)
        return err_set(w->e, E_TAMPERED, "seq",
                       "ledger entry #%lld is missing: the next entry is #%lld (%s %s)",
                       (long long)w->expect_seq, (long long)r->seq, r->op, r->key);
    if (strcmp(r->prev_hash, w->prev))
        return err_set(w->e, E_TAMPERED, "prev_hash",
                       "ledger entry #%lld (%s %s) does not link to entry #%lld: "
                       "an entry before it was changed, removed or inserted",
                       (long long)r->seq, r->op, r->key, (long long)r->seq - 1);
    ledger_entry_bytes(r, &w->bytes);
    sha256_hex(w->bytes.data, w->bytes.len, hash);
    if (strcmp(hash, r->hash))
        return err_set(w->e, E_TAMPERED, "hash",
                       "ledger entry #%lld (%s %s at %s by %s) was altered: its content no "
                       "longer matches its hash",
                       (long long)r->seq, r->op, r->key, r->ts, r->actor);
    memcpy(w->prev, r->hash, 65);
    w->expect_seq++;
    w->bad_seq = 0;
    return w->fn ? w->fn(r, w->ctx) : 0;
}

int ledger_verify_chain(store *s, store_ledger_fn fn, void *ctx, int64_t *entries, int64_t *bad_seq,
                        isms_err *e)
{
    chain_walk w = {.expect_seq = 1, .fn = fn, .ctx = ctx, .e = e};
    memcpy(w.prev, LEDGER_GENESIS_PREV, 65);
    buf_init(&w.bytes);
    int rc = store_ledger_scan(s, NULL, walk_entry, &w, e);
    buf_reset(&w.bytes);
    if (entries)
        *entries = w.expect_seq - 1;
    if (bad_seq)
        *bad_seq = rc == E_TAMPERED ? w.bad_seq : 0;
    return rc;
}
