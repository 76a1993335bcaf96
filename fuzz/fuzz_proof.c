/* fuzz_proof: the inclusion and consistency proofs `isms ledger check`
 * reads (ledger/proof.h), and their check against their own roots.
 *
 * A proof that reads must format to a text that reads to the same proof,
 * formatted identically. A proof that checks must stop checking when any
 * of the hashes it vouches for changes: the root, the entry (inclusion)
 * or the older root (consistency). Sizes and indexes come from the text
 * and can be anything up to INT64_MAX, which the Merkle code must refuse,
 * not trust. */
#include "ledger/proof.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void need(int ok)
{
    if (!ok)
        abort();
}

/* A proof that checks does not check once byte 0 of `h` changes. */
static void must_break(ledger_proof *p, unsigned char *h)
{
    h[0] ^= 0x80;
    need(proof_check(p, NULL) != 0);
    h[0] ^= 0x80;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ledger_proof p, again; /* 2 kB of hashes each: off the stack */
    if (proof_parse((const char *)data, size, &p, NULL))
        return 0;
    buf a, b;
    buf_init(&a);
    buf_init(&b);
    proof_format(&p, &a);
    need(proof_parse(a.data, a.len, &again, NULL) == 0);
    need(!memcmp(&p, &again, sizeof p));
    proof_format(&again, &b);
    need(a.len == b.len && !memcmp(a.data, b.data, a.len));
    buf_reset(&a);
    buf_reset(&b);
    if (proof_check(&p, NULL) == 0) {
        must_break(&p, p.root);
        if (p.kind == PROOF_INCLUSION)
            must_break(&p, p.entry);
        else
            must_break(&p, p.old_root);
    }
    return 0;
}
