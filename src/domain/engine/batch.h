/* batch.h: group commit. A server's writes, made by many threads at once,
 * go to one writer: a thread with its own connection that runs the writes
 * waiting in its queue in one transaction, each in its own savepoint, and
 * commits them together, so that one commit (one fsync) makes a whole
 * batch durable. Nothing is acknowledged before its commit: every caller
 * waits until the batch holding its write is committed (or failed).
 *
 * - A write that fails rolls back only its savepoint and gets its own
 *   error; the others of its batch commit.
 * - A commit that fails fails every write of the batch with its error, and
 *   nothing of the batch is written.
 * - The ledger's entries are appended by the one writer, in the batch's
 *   order: one chain. Between processes (several servers on one
 *   PostgreSQL repository) the store's write lock still serialises the
 *   transactions, a batch being one.
 *
 * Durability is the store's own (SQLite's synchronous=FULL): the batch is
 * what is made durable at once, never less. */
#ifndef ISMS_DOMAIN_BATCH_H
#define ISMS_DOMAIN_BATCH_H

#include "domain/engine/dom.h"

typedef struct dom_batcher dom_batcher;

typedef struct dom_batch_config {
    int max;     /* writes in one transaction at most (0: 64) */
    int wait_us; /* after the first write of a batch, wait at most this long for
                    more (0: take what is queued; the commit before is the window) */
    /* Called inside a batch's transaction, before its commit; non-zero fails
     * the commit (the tests' fault). NULL: none. */
    int (*before_commit)(dom *d, void *ctx, isms_err *e);
    void *ctx;
} dom_batch_config;

/* Starts the writer for repository `target` (its connection is opened on
 * its first batch). c NULL: the defaults. */
int dom_batcher_start(const char *target, const dom_batch_config *c, dom_batcher **out,
                      isms_err *e);
/* Stops it after the writes queued are done. */
void dom_batcher_stop(dom_batcher *b);

/* One write: fn runs on the writer's dom, acting for the principal its
 * caller acted for (and with its confirmation), inside a savepoint of the
 * batch's transaction. The writer's arena is reset after each write: fn
 * copies what it hands back into memory of the caller's. */
typedef int (*dom_write_fn)(dom *writer, void *ctx, isms_err *e);

/* A write handed to the writer without waiting for it (a server that
 * suspends the request meanwhile): dom_write_init, dom_batch_submit; the
 * writer calls done (from its thread) once the batch holding it is
 * committed or failed, and then no longer touches it; the caller reads
 * rc, e and the warnings, and dom_write_reset frees them. */
typedef struct dom_write {
    dom_write_fn fn;
    void *ctx;
    void (*done)(struct dom_write *w); /* NULL: the caller waits (dom_batched) */
    void *done_ctx;
    /* the result, once done */
    int rc;
    isms_err e;
    char **warnings; /* the write's (dom_warnings), oldest first */
    int nwarnings;
    /* the writer's */
    principal who; /* the caller's, copied (heap strings) */
    int confirmed;
    int finished;
    struct dom_write *next;
} dom_write;

/* Copies the principal dom `caller` acts for now (and its confirmation). */
void dom_write_init(dom_write *w, dom *caller, dom_write_fn fn, void *ctx);
void dom_write_reset(dom_write *w);
/* Queues w (E_UNAVAILABLE when the writer is stopping: done is not called). */
int dom_batch_submit(dom_batcher *b, dom_write *w, isms_err *e);

/* A write, waited for: fn's result once its batch is committed, or the
 * commit's error; the write's warnings become the caller's (dom_warnings). */
int dom_batched(dom_batcher *b, dom *caller, dom_write_fn fn, void *ctx, isms_err *e);

/* How many batches were committed or failed, and how many writes they held. */
void dom_batcher_counts(dom_batcher *b, long *batches, long *writes);

#endif
