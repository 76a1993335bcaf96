/* proof.h: Merkle proofs of the ledger as text, for evidence packs and
 * auditors (`isms ledger proof`). Line-based, like checkpoints:
 *
 *   isms inclusion proof                  isms consistency proof
 *   origin isms/<repository id>           origin isms/<repository id>
 *   entry <seq> <entry hash, hex>         old <size> <root, base64>
 *   size <size> <root, base64>            new <size> <root, base64>
 *   <proof hash, base64>                  <proof hash, base64>
 *   ...                                   ...
 *
 * An inclusion proof says ledger entry #seq (whose hash is given) is leaf
 * seq - 1 of the tree of `size` entries with that root; a consistency
 * proof says the tree of `old` entries is a prefix of the tree of `new`
 * entries. The roots are what the repository says; a proof is worth
 * something when they equal the roots of checkpoints signed by keys you
 * trust (`isms ledger check PROOF --checkpoint FILE`). */
#ifndef ISMS_LEDGER_PROOF_H
#define ISMS_LEDGER_PROOF_H

#include "core/buf.h"
#include "core/err.h"
#include "ledger/note.h"
#include "ledger/merkle.h"

#include <stdint.h>

typedef enum proof_kind { PROOF_INCLUSION, PROOF_CONSISTENCY } proof_kind;

typedef struct ledger_proof {
    proof_kind kind;
    char origin[CKPT_ORIGIN_MAX + 1];
    int64_t seq;       /* inclusion: the entry */
    merkle_hash entry; /* inclusion: its hash */
    int64_t old_size;  /* consistency: the older tree */
    merkle_hash old_root;
    int64_t size; /* the tree proved against (the newer one) */
    merkle_hash root;
    merkle_proof path;
} ledger_proof;

void proof_format(const ledger_proof *p, buf *out);
int proof_parse(const char *text, size_t len, ledger_proof *out, isms_err *e);
/* Checks the proof against its own roots: 0, or E_TAMPERED / E_INVALID
 * (merkle.h) with a message naming the entry or the sizes. */
int proof_check(const ledger_proof *p, isms_err *e);

#endif
