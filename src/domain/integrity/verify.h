/* verify.h: is the repository what its ledger says it is?
 *
 * The checks, in order:
 *  1. the hash chain: every entry links to the one before and its content
 *     matches its hash; on the way, the stored Merkle tree (ledger/nodes.h)
 *     is rebuilt from the entries and compared, node by node;
 *  2. the registers against the ledger: every record, rendered canonically,
 *     must equal the data of its latest ledger entry, and every record in
 *     the ledger must still be in its register (a change made behind
 *     isms's back, with the sqlite3 shell say, fails here);
 *  3. the checkpoints: every one the repository issued, and those the
 *     verifier brings (domain/checkpoints.h), against the ledger's tree;
 *  4. the store's own integrity checks (SQLite: quick_check and
 *     foreign_key_check). */
#ifndef ISMS_DOMAIN_VERIFY_H
#define ISMS_DOMAIN_VERIFY_H

#include "core/buf.h"
#include "domain/engine/dom.h"

typedef struct verify_report {
    int64_t entries;       /* ledger entries checked */
    int64_t records;       /* register records checked */
    int problems;          /* 0: intact */
    int64_t first_bad_seq; /* ledger entry where the chain breaks, or 0 */
    buf details;           /* one line per problem (at most verify_max_lines) */
    char head_hash[65];    /* the last entry's hash */
    /* in: checkpoint files and public keys the verifier brings (NULL:
     * none); set after verify_report_init */
    const struct ckpt_inputs *checkpoints;
    buf notes; /* out: what the checkpoints showed, one line each */
} verify_report;

void verify_report_init(verify_report *r);
void verify_report_reset(verify_report *r);

/* Returns 0 when intact, E_TAMPERED when not (the first problem in e),
 * another code when the check itself could not run. */
int dom_verify(dom *d, verify_report *rep, isms_err *e);

#endif
