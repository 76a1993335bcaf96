/* fuzz_note: the signed checkpoint notes isms reads (isms verify
 * --checkpoint, isms ledger check --checkpoint, isms checkpoint cosign) and
 * the key texts they are checked with (--pubkey, key files).
 *
 * A note that reads must be exactly the bytes isms would write for it:
 * signatures are made over the reformatted body, so a reader that let two
 * texts through for one checkpoint would let a signature vouch for a text
 * nobody signed. Its signature lines must read back to themselves; its
 * signatures are judged against two pinned keys (the ones that signed the
 * seeds), and one that verifies must stop verifying when the root changes.
 * A key text that reads must format to a text that reads to the same key;
 * a private key must sign what its public half verifies. */
#include "domain/integrity/tree.h"
#include "ledger/note.h"
#include "ledger/signkey.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The public keys of the seeds' signers (fuzz/corpus/note). */
static const char *const pinned[] = {
    "isms+4e9cd42b+AThP0fVZ0B/yifbP7cqhQM+uV5344TwJmu4+D7QWCNZ/",
    "auditor.example+b3a27fa8+ATNGr9ny+92WmpELWF6jHep0f4yOttPSNcwi0Pgq537b",
};

static void need(int ok)
{
    if (!ok)
        abort();
}

static void check_sig_lines(const checkpoint *c)
{
    for (int i = 0; i < c->nsigs; i++) {
        buf line;
        buf_init(&line);
        ckpt_sig_line(&c->sigs[i], &line);
        ckpt_sig again;
        memset(&again, 0, sizeof again);
        need(ckpt_sig_parse(line.data, line.len, &again, NULL) == 0);
        need(!memcmp(&again, &c->sigs[i], sizeof again));
        buf_reset(&line);
    }
}

static void check_signatures(checkpoint *c)
{
    ledger_view v;
    ledger_view_empty(&v, c->origin);
    for (size_t i = 0; i < sizeof pinned / sizeof *pinned; i++)
        need(ledger_view_pin(&v, pinned[i], NULL) == 0);
    isms_err why = { 0 };
    buf notes;
    buf_init(&notes);
    ckpt_judge_signatures(&v, c, "fuzz", ckpt_problem_to_err, &why, &notes);
    buf_reset(&notes);
    for (int i = 0; i < c->nsigs; i++)
        for (int k = 0; k < v.nkeys; k++)
            if (ckpt_sig_verify(c, &c->sigs[i], &v.keys[k].vk)) {
                c->root[0] ^= 1;
                need(!ckpt_sig_verify(c, &c->sigs[i], &v.keys[k].vk));
                c->root[0] ^= 1;
            }
    ledger_view_free(&v);
}

static void check_note(const uint8_t *data, size_t size)
{
    checkpoint c;
    if (ckpt_parse((const char *)data, size, &c, NULL))
        return;
    buf text;
    buf_init(&text);
    ckpt_format(&c, &text);
    need(text.len == size && !memcmp(text.data, data, size));
    buf_reset(&text);
    check_sig_lines(&c);
    check_signatures(&c);
}

static void check_keys(const char *s)
{
    verifier_key vk, vk2;
    char text[SIGNKEY_TEXT_MAX];
    if (signkey_parse_verifier(s, &vk, NULL) == 0) {
        signkey_format_verifier(&vk, text);
        need(signkey_parse_verifier(text, &vk2, NULL) == 0);
        need(!strcmp(vk.name, vk2.name) && vk.id == vk2.id &&
             !memcmp(vk.pub, vk2.pub, sizeof vk.pub));
    }
    signer_key sk, sk2;
    if (signkey_parse_signer(s, &sk, NULL) == 0) {
        signkey_format_signer(&sk, text);
        need(signkey_parse_signer(text, &sk2, NULL) == 0);
        need(!memcmp(sk.sk, sk2.sk, sizeof sk.sk) && sk.pub.id == sk2.pub.id);
        unsigned char sig[SIGNKEY_SIG_SIZE];
        signkey_sign(&sk, "fuzz", 4, sig);
        need(signkey_verify(&sk.pub, "fuzz", 4, sig) == 1);
        signkey_wipe(&sk);
        signkey_wipe(&sk2);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_note(data, size);
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    check_keys(s);
    free(s);
    return 0;
}
