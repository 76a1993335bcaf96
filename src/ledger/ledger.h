/* ledger.h: the hash chain over every change.
 *
 * Entry n's hash is SHA-256 over the canonical JSON of
 *   {"actor","data","entity","key","note","op","prev","seq","ts"}
 * (keys sorted, no whitespace, `data` the record's canonical JSON inlined,
 * `prev` entry n-1's hash, 64 zeros for the first). The bytes are built by
 * isms, never by the database, so both backends hash identically and an
 * export verifies wherever it is imported. */
#ifndef ISMS_LEDGER_H
#define ISMS_LEDGER_H

#include "core/buf.h"
#include "store/store.h"

#define LEDGER_GENESIS_PREV "0000000000000000000000000000000000000000000000000000000000000000"

typedef struct ledger_change {
    const char *actor, *entity, *key, *op;
    const char *data; /* canonical JSON */
    const char *note; /* may be NULL */
    const char *ts;   /* NULL: now */
} ledger_change;

/* Appends one entry after the current head, inside the caller's write
 * transaction. *seq_out (may be NULL) receives its sequence number. */
int ledger_append(store *s, const ledger_change *c, int64_t *seq_out, isms_err *e);
/* Appends n entries in order, chained in memory and written many to a
 * statement (a built-in catalogue): the same entries as n appends. */
int ledger_append_many(store *s, const ledger_change *cs, int n, isms_err *e);

/* The canonical bytes an entry's hash covers, and the hash (hex, 64 chars).
 * E_INVALID, naming the member, when one is missing or not UTF-8 text (a
 * row someone edited: such bytes have no canonical form). */
int ledger_entry_bytes(const ledger_row *r, buf *out, isms_err *e);
int ledger_entry_hash(const ledger_row *r, char hex[65], isms_err *e);
/* 0, or E_TAMPERED naming the entry and the member when a row read back
 * has a member missing or not UTF-8 text: for the commands that show or
 * copy the ledger, which must fail rather than drop or garble it. */
int ledger_entry_readable(const ledger_row *r, isms_err *e);

/* The chain checked an entry at a time, as entries stream past (an
 * import): ledger_chain_next() takes entries in order and fails with
 * E_TAMPERED, naming the entry, at the first that is missing, does not
 * link to the one before, or does not match its hash. */
typedef struct ledger_chain {
    int64_t expect_seq;
    char prev[65];
    int64_t bad_seq; /* the entry that failed, 0 while all is well */
    buf bytes;
} ledger_chain;

void ledger_chain_init(ledger_chain *c);
int ledger_chain_next(ledger_chain *c, const ledger_row *r, isms_err *e);
void ledger_chain_reset(ledger_chain *c);

/* Walks the whole chain, checking sequence numbers, links and hashes, and
 * calls fn (may be NULL) for every entry that passes. Stops at the first
 * broken entry: E_TAMPERED with a message naming it (and *bad_seq set). */
int ledger_verify_chain(store *s, store_ledger_fn fn, void *ctx, int64_t *entries, int64_t *bad_seq,
                        isms_err *e);

/* The same from entry #after on, trusting entry #after to have hash
 * `after_hash` (an incremental verify: the caller checked that entry);
 * *entries receives the last seq reached. */
int ledger_verify_chain_after(store *s, int64_t after, const char *after_hash, store_ledger_fn fn,
                              void *ctx, int64_t *entries, int64_t *bad_seq, isms_err *e);

/* SHA-256 of bytes, as 64 hex characters / 32 raw bytes. */
void sha256_hex(const void *p, size_t n, char hex[65]);
void sha256_raw(const void *p, size_t n, unsigned char out[32]);

#endif
