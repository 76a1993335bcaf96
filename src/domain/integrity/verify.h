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
 *  4. the schema against the one isms's migrations make;
 *  5. the store's own checks: SQLite's quick_check and foreign_key_check
 *     read every page of the file, so only when asked (rep->store_check,
 *     `isms verify --store`), their last run and result recorded
 *     (dom_store_check_last); PostgreSQL's few catalogue queries with
 *     every full verification. */
#ifndef ISMS_DOMAIN_VERIFY_H
#define ISMS_DOMAIN_VERIFY_H

#include "core/buf.h"
#include "domain/engine/dom.h"

typedef struct verify_report {
    int64_t entries;       /* ledger entries that chain (all up to the head) */
    int64_t records;       /* register records checked */
    int problems;          /* 0: intact */
    int64_t first_bad_seq; /* ledger entry where the chain breaks, or 0 */
    buf details;           /* one line per problem (at most verify_max_lines) */
    char head_hash[65];    /* the last entry's hash */
    /* in: checkpoint files and public keys the verifier brings (NULL:
     * none); set after verify_report_init */
    const struct ckpt_inputs *checkpoints;
    buf notes; /* out: what the checkpoints showed, one line each */
    /* in: continue from the last recorded successful verification when
     * its head still matches (dom_verify_recorded only) */
    int incremental;
    /* out: 1 when everything was checked; else the entries after
     * from_seq were (see docs/LEDGER.md for what that leaves out) */
    int full;
    int64_t from_seq;
    int64_t head_seq; /* the last entry's seq */
    int64_t checked;  /* entries checked now (entries - from_seq) */
    /* in: also run the store's own structural checks (SQLite); out:
     * store_checked 1 when they ran */
    int store_check;
    int store_checked;
    int store_failed; /* out: and found a problem */
} verify_report;

/* What a verification reported, as recorded in the repository's unsigned
 * metadata (meta "last_verification"): not a ledger entry, so anyone who
 * can edit the database can edit it; a fresh answer needs isms verify. */
typedef struct verify_record {
    int present; /* 0: never verified (or not recorded) */
    char at[24]; /* UTC, 2026-12-02T10:00:00Z */
    int full;
    int64_t seq;   /* verified up to this entry */
    char hash[65]; /* its hash */
    int64_t entries, records;
    int problems;    /* 0: ok */
    char first[600]; /* the first problem */
    int64_t ms;      /* how long it took */
} verify_record;

void verify_report_init(verify_report *r);
void verify_report_reset(verify_report *r);

/* Returns 0 when intact, E_TAMPERED when not (the first problem in e),
 * another code when the check itself could not run. */
int dom_verify(dom *d, verify_report *rep, isms_err *e);

/* dom_verify, incremental when rep->incremental asks and the last
 * recorded verification succeeded up to an entry that is still in the
 * ledger with the same hash (else full, with the reason in rep->notes),
 * and the result recorded (a read-only repository: a note says it was
 * not). */
int dom_verify_recorded(dom *d, verify_report *rep, isms_err *e);

/* The last recorded verification (out->present 0 when none); a few rows
 * read, whatever the repository's size. */
int dom_verify_last(dom *d, verify_record *out, isms_err *e);

/* When the store's own structural checks last ran (at "" when never, or
 * not recorded) and whether they passed; none is 1 where they are cheap
 * and run with every full verification (PostgreSQL's catalogue checks). */
typedef struct store_check_record {
    char at[24];
    int ok;
    int none;
} store_check_record;
int dom_store_check_last(dom *d, store_check_record *out, isms_err *e);

/* The ledger's last entry: its seq (0 when empty) and hash ("" then). */
int dom_ledger_head(dom *d, int64_t *seq, char hash[65], isms_err *e);

#endif
