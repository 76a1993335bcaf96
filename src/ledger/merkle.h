/* merkle.h: the ledger as a Merkle tree (RFC 6962, RFC 9162 section 2.1).
 *
 * The hash chain (ledger.h) proves that no entry was changed in place; it
 * cannot prove that the ledger someone shows you today extends the one an
 * auditor saw last year, nor that one entry belongs to a ledger without
 * handing over all of it. A Merkle tree over the entries' hashes can, with
 * proofs of log size:
 *
 *   leaf i   = SHA-256(0x00 || hash of ledger entry #i+1)   (32 raw bytes)
 *   node     = SHA-256(0x01 || left || right)
 *   MTH({})  = SHA-256("")
 *   MTH(D[n]) splits D at k, the largest power of two below n.
 *
 * Everything here is pure: entry hashes in, hashes and proofs out.
 * Building the head of n entries is O(n) hashes with O(log n) memory. A
 * proof, or a head, takes O(log n) heads of perfect subtrees (a "source",
 * below): built from an array of entries in memory that is one pass over
 * the tree, O(n); read from the nodes the ledger keeps as it grows
 * (ledger/tree.h) it is O(log n) reads. Checking a proof is O(log n).
 * Leaf indexes count from 0, so ledger entry #seq is leaf seq - 1. */
#ifndef ISMS_LEDGER_MERKLE_H
#define ISMS_LEDGER_MERKLE_H

#include "core/err.h"

#include <stddef.h>
#include <stdint.h>

enum {
    MERKLE_HASH_SIZE = 32,
    /* The longest proof of a tree of at most 2^64 - 1 leaves. */
    MERKLE_MAX_PROOF = 65,
};

typedef unsigned char merkle_hash[MERKLE_HASH_SIZE];

typedef struct merkle_proof {
    size_t n;
    merkle_hash h[MERKLE_MAX_PROOF];
} merkle_proof;

void merkle_leaf_hash(const merkle_hash entry, merkle_hash out);
void merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out);

/* A perfect subtree's head, as the builder completes it: level >= 1, the
 * subtree of leaves [index * 2^level, (index + 1) * 2^level). */
typedef void (*merkle_node_fn)(void *ctx, int level, uint64_t index, const merkle_hash head);

/* A tree grown one entry at a time (a compact range): the roots of the
 * perfect subtrees that make up the leaves so far, largest first. Gives
 * the head at every size on the way, and every node as it is completed
 * (on_node, set after init; may stay NULL). */
typedef struct merkle_builder {
    uint64_t size;
    int depth;
    merkle_hash stack[64];
    merkle_node_fn on_node;
    void *ctx;
} merkle_builder;

void merkle_builder_init(merkle_builder *b);
void merkle_builder_add(merkle_builder *b, const merkle_hash entry);
/* The tree head of the entries added so far. */
void merkle_builder_root(const merkle_builder *b, merkle_hash out);

/* The tree head (root) of entries[0..n). */
void merkle_root(const merkle_hash *entries, uint64_t n, merkle_hash out);

/* Where proofs and heads get the heads of perfect subtrees: node(ctx,
 * level, index, out) gives the head of leaves [index * 2^level, (index +
 * 1) * 2^level) (level 0: the leaf hash of entry index), or an error.
 * Which nodes a head or a proof needs follows from the sizes alone, so a
 * source that reads them from a database may be told the whole list
 * first (prefetch, may be NULL: at most MERKLE_MAX_NODES), and read them
 * in one query instead of one each. */
enum { MERKLE_MAX_NODES = 3 * 64 };

typedef struct merkle_node_ref {
    int level;
    uint64_t index;
} merkle_node_ref;

typedef struct merkle_source {
    int (*node)(void *ctx, int level, uint64_t index, merkle_hash out, isms_err *e);
    int (*prefetch)(void *ctx, const merkle_node_ref *refs, int n, isms_err *e);
    void *ctx;
} merkle_source;

/* The tree head of the first n leaves, and the proofs below, from a
 * source: O(log n) nodes each. */
int merkle_source_root(const merkle_source *src, uint64_t n, merkle_hash out, isms_err *e);
int merkle_source_inclusion(const merkle_source *src, uint64_t n, uint64_t index, merkle_proof *out,
                            isms_err *e);
int merkle_source_consistency(const merkle_source *src, uint64_t n2, uint64_t n1, merkle_proof *out,
                              isms_err *e);

/* The inclusion proof of leaf `index` in the tree of entries[0..n)
 * (RFC 9162 2.1.3.1). E_INVALID when index >= n. */
int merkle_inclusion_proof(const merkle_hash *entries, uint64_t n, uint64_t index,
                           merkle_proof *out, isms_err *e);
/* The proof that the tree of size n1 is a prefix of the tree of
 * entries[0..n2) (RFC 9162 2.1.4.1). E_INVALID unless 0 < n1 <= n2; empty
 * when n1 == n2. */
int merkle_consistency_proof(const merkle_hash *entries, uint64_t n2, uint64_t n1,
                             merkle_proof *out, isms_err *e);

/* The roots a proof leads to (RFC 9162 2.1.3.2 and 2.1.4.2 up to the final
 * comparison): verification compares them with the roots it trusts, and a
 * prover gets the tree heads for the price of the proof. E_INVALID for
 * sizes or a proof length that do not fit. The consistency roots need
 * 0 < size1 < size2, and the first tree's head when size1 is a power of
 * two (the proof leaves it out: the verifier has it); else
 * perfect_root1 is not read. */
int merkle_inclusion_root(uint64_t index, uint64_t size, const merkle_hash leaf,
                          const merkle_hash *proof, size_t nproof, merkle_hash out, isms_err *e);
int merkle_consistency_roots(uint64_t size1, uint64_t size2, const merkle_hash *proof,
                             size_t nproof, const merkle_hash perfect_root1, merkle_hash root1,
                             merkle_hash root2, isms_err *e);

/* Checks that `leaf` (a leaf hash, see merkle_leaf_hash) is leaf `index` of
 * the tree of `size` leaves whose head is `root` (RFC 9162 2.1.3.2).
 * 0 when it is; E_INVALID for an index outside the tree or a proof of the
 * wrong length; E_TAMPERED when the proof leads to another root. */
int merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf,
                            const merkle_hash *proof, size_t nproof, const merkle_hash root,
                            isms_err *e);
/* Checks that the tree of size1 leaves with head root1 is a prefix of the
 * tree of size2 leaves with head root2 (RFC 9162 2.1.4.2). Equal sizes
 * need an empty proof and equal roots; size1 = 0 proves nothing and is
 * refused. 0 when consistent; E_INVALID for impossible sizes or a proof of
 * the wrong length; E_TAMPERED when the roots do not follow. */
int merkle_verify_consistency(uint64_t size1, uint64_t size2, const merkle_hash *proof,
                              size_t nproof, const merkle_hash root1, const merkle_hash root2,
                              isms_err *e);

#endif
