/* nodes.h: the ledger's Merkle tree as the repository keeps it.
 *
 * Every entry appended completes the perfect subtrees whose last leaf it
 * is (one on average; none for an odd seq); their heads are stored in the
 * same transaction (store_tree_put). With them the tree head of any size
 * and any proof are O(log n) reads, where building them from the entries
 * is a pass over the whole ledger (merkle.h). The stored nodes are only as
 * good as their check: `isms verify` rebuilds every one from the entries
 * (ledger_tree_check) and reports a node that differs, is missing, or
 * covers entries the ledger no longer has. */
#ifndef ISMS_LEDGER_NODES_H
#define ISMS_LEDGER_NODES_H

#include "ledger/merkle.h"
#include "store/store.h"

/* Inserts entry r (hashed) with the nodes it completes (its prev_hash is
 * the left leaf of a level-1 node), computed first (their left siblings
 * are older nodes) so that both go in store_ledger_insert_nodes: one
 * statement on PostgreSQL. Called by ledger_append inside its
 * transaction. */
int ledger_insert_grown(store *s, const ledger_row *r, isms_err *e);
/* The nodes of n entries appended together (ledger_append_many, the
 * entries already inserted): computed in memory, stored many to a
 * statement. */
int ledger_tree_grow_many(store *s, const ledger_row *rows, int n, isms_err *e);

/* Stores the nodes of the whole ledger when none are stored: a ledger
 * written before the schema kept them (an upgrade), or copied in entry by
 * entry (an import). Does nothing when the tree has any node. */
int ledger_tree_fill(store *s, isms_err *e);

/* The stored tree as a source of subtree heads (merkle.h): it reads the
 * nodes a head or a proof needs in a query or two (the prefetch), through
 * `s`, which must stay open while the source is used; `r` holds what was
 * read. */
typedef struct ledger_tree_reader {
    store *s;
    int n;
    merkle_node_ref ref[MERKLE_MAX_NODES];
    merkle_hash head[MERKLE_MAX_NODES];
} ledger_tree_reader;

void ledger_tree_source(ledger_tree_reader *r, store *s, merkle_source *out);

/* ---- checking the stored nodes against the entries ---- */

/* A problem found: a sentence naming the node and what is wrong. */
typedef void (*ledger_tree_problem_fn)(void *ctx, const char *msg);

typedef struct ledger_tree_check ledger_tree_check;

/* Fed every entry hash in seq order (ledger_tree_check_add), rebuilds the
 * tree and compares the nodes the entries complete with the stored ones,
 * a few thousand entries at a time; ledger_tree_check_end compares the
 * rest and looks for stored nodes past the last entry. Problems go to fn;
 * an error return means the check itself could not run. */
ledger_tree_check *ledger_tree_check_new(store *s, ledger_tree_problem_fn fn, void *ctx);
/* Starts the check after entry #size, taking the stored nodes that cover
 * entries 1..size as verified (an incremental verify): only the nodes the
 * later entries complete are compared. */
int ledger_tree_check_resume(ledger_tree_check *c, int64_t size, isms_err *e);
int ledger_tree_check_add(ledger_tree_check *c, int64_t seq, const char *hash, isms_err *e);
int ledger_tree_check_end(ledger_tree_check *c, isms_err *e);
void ledger_tree_check_free(ledger_tree_check *c);

#endif
