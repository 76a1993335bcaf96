/* Keys, checkpoints and proofs as text (src/ledger/signkey.c,
 * checkpoint.c, proof.c): byte for byte what the reference signed-note
 * implementation (golang.org/x/mod/sumdb/note) writes, round trips, and
 * every alteration refused. */
#include "support/testutil.h"
#include "ledger/note.h"
#include "ledger/proof.h"
#include "ledger/signkey.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The example of golang.org/x/mod/sumdb/note's documentation. */
#define GO_SIGNER "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define GO_VERIFIER "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_TEXT                                                  \
    "If you think cryptography is the answer to your problem,\n" \
    "then you don't know what your problem is.\n"
#define GO_SIG_LINE              \
    "\xe2\x80\x94 PeterNeumann " \
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="

static void same_bytes_as_the_reference_note(void **state)
{
    (void)state;
    signer_key k;
    char text[SIGNKEY_TEXT_MAX];
    assert_int_equal(signkey_parse_signer(GO_SIGNER, &k, NULL), 0);
    signkey_format_signer(&k, text);
    assert_string_equal(text, GO_SIGNER);
    signkey_format_verifier(&k.pub, text);
    assert_string_equal(text, GO_VERIFIER);
    assert_int_equal(k.pub.id, 0xc74f20a3u);

    /* Ed25519 is deterministic: the same key signs the same text alike. */
    ckpt_sig s = { .id = k.pub.id, .len = SIGNKEY_SIG_SIZE };
    snprintf(s.name, sizeof s.name, "%s", k.pub.name);
    signkey_sign(&k, GO_TEXT, strlen(GO_TEXT), s.sig);
    buf line;
    buf_init(&line);
    ckpt_sig_line(&s, &line);
    assert_string_equal(buf_str(&line), GO_SIG_LINE);
    buf_reset(&line);

    ckpt_sig parsed;
    verifier_key v;
    assert_int_equal(ckpt_sig_parse(GO_SIG_LINE, strlen(GO_SIG_LINE), &parsed, NULL), 0);
    assert_int_equal(signkey_parse_verifier(GO_VERIFIER, &v, NULL), 0);
    assert_true(ckpt_sig_by(&parsed, &v));
    assert_true(signkey_verify(&v, GO_TEXT, strlen(GO_TEXT), parsed.sig));
    assert_false(signkey_verify(&v, GO_TEXT, strlen(GO_TEXT) - 1, parsed.sig));
    signkey_wipe(&k);
}

static void altered_keys_are_refused(void **state)
{
    (void)state;
    verifier_key v;
    signer_key k;
    isms_err e = { 0 };
    /* Another id, another key byte, another name: the id no longer fits. */
    assert_int_equal(
        signkey_parse_verifier("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                               &v, &e),
        E_INVALID);
    assert_contains(e.msg, "altered");
    assert_int_equal(
        signkey_parse_verifier("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TX",
                               &v, NULL),
        E_INVALID);
    assert_int_equal(
        signkey_parse_verifier("PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                               &v, NULL),
        E_INVALID);
    assert_int_equal(signkey_parse_verifier("PeterNeumann+c74f20a3", &v, NULL), E_INVALID);
    assert_int_equal(
        signkey_parse_verifier(
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &v, NULL),
        E_INVALID);
    /* A private key is not a public key, nor the other way round. */
    assert_int_equal(signkey_parse_verifier(GO_SIGNER, &v, NULL), E_INVALID);
    assert_int_equal(signkey_parse_signer(GO_VERIFIER, &k, NULL), E_INVALID);
    assert_int_equal(
        signkey_parse_signer(
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFy", &k,
            NULL),
        E_INVALID);
    assert_int_equal(signkey_generate("has space", &k, NULL), E_INVALID);
    assert_int_equal(signkey_generate("", &k, NULL), E_INVALID);
}

static void key_files_are_private(void **state)
{
    (void)state;
    const char *path = tu_path("witness.key");
    signer_key k, back;
    isms_err e = { 0 };
    assert_int_equal(signkey_generate("auditor.example", &k, NULL), 0);
    assert_int_equal(signkey_write_file(path, &k, NULL), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(signkey_write_file(path, &k, &e), E_CONFLICT);
    assert_contains(e.msg, "never overwrites");

    assert_int_equal(signkey_read_file(path, &back, NULL), 0);
    assert_memory_equal(back.sk, k.sk, sizeof k.sk);
    assert_string_equal(back.pub.name, "auditor.example");

    static const mode_t loose[] = { 0640, 0604, 0660, 0644, 0606 };
    for (size_t i = 0; i < sizeof loose / sizeof *loose; i++) {
        err_clear(&e);
        chmod(path, loose[i]);
        assert_int_equal(signkey_read_file(path, &back, &e), E_DENIED);
        assert_contains(e.msg, "chmod 600");
    }
    chmod(path, 0600);
    assert_int_equal(tu_write_file(tu_path("garbage.key"), "PRIVATE+KEY+x+00000000+AAAA\n"), 0);
    chmod(tu_path("garbage.key"), 0600);
    err_clear(&e);
    assert_int_equal(signkey_read_file(tu_path("garbage.key"), &back, &e), E_INVALID);
    assert_contains(e.msg, "garbage.key");
    assert_int_equal(signkey_read_file(tu_path("absent.key"), &back, NULL), E_NOT_FOUND);
    signkey_wipe(&k);
    signkey_wipe(&back);
}

/* ---- checkpoints ---- */

static void make_checkpoint(checkpoint *c, signer_key *k)
{
    memset(c, 0, sizeof *c);
    snprintf(c->origin, sizeof c->origin, "isms/0123456789abcdef0123456789abcdef");
    c->size = 1234;
    crypto_hash_sha256(c->root, (const unsigned char *)"a tree", 6);
    assert_int_equal(signkey_generate(c->origin, k, NULL), 0);
    assert_int_equal(ckpt_sign(c, k, NULL), 0);
}

static void checkpoint_round_trip(void **state)
{
    (void)state;
    checkpoint c, back;
    signer_key k, w;
    make_checkpoint(&c, &k);
    assert_int_equal(signkey_generate("auditor.example", &w, NULL), 0);
    assert_int_equal(ckpt_sign(&c, &w, NULL), 0);
    assert_int_equal(ckpt_sign(&c, &w, NULL), E_CONFLICT);
    buf text;
    buf_init(&text);
    ckpt_format(&c, &text);
    assert_true(!strncmp(buf_str(&text), "isms/0123456789abcdef0123456789abcdef\n1234\n", 43));
    assert_int_equal(ckpt_parse(text.data, text.len, &back, NULL), 0);
    assert_string_equal(back.origin, c.origin);
    assert_int_equal(back.size, 1234);
    assert_memory_equal(back.root, c.root, 32);
    assert_int_equal(back.nsigs, 2);
    assert_true(ckpt_sig_verify(&back, &back.sigs[0], &k.pub));
    assert_true(ckpt_sig_verify(&back, &back.sigs[1], &w.pub));
    assert_false(ckpt_sig_verify(&back, &back.sigs[1], &k.pub));
    /* Any change to what was signed breaks every signature. */
    back.size++;
    assert_false(ckpt_sig_verify(&back, &back.sigs[0], &k.pub));
    back.size--;
    back.root[7] ^= 1;
    assert_false(ckpt_sig_verify(&back, &back.sigs[0], &k.pub));
    back.root[7] ^= 1;
    back.origin[5] = 'f';
    assert_false(ckpt_sig_verify(&back, &back.sigs[1], &w.pub));
    buf_reset(&text);
    /* The schema and issued lines are signed with the rest, and read back. */
    c.nsigs = 0;
    c.schema_version = 6;
    memset(c.schema_hash, 0xab, sizeof c.schema_hash);
    snprintf(c.issued_at, sizeof c.issued_at, "2026-12-02T10:00:00Z");
    snprintf(c.issued_by, sizeof c.issued_by, "Dana Example <dana@x.example>");
    assert_int_equal(ckpt_sign(&c, &k, NULL), 0);
    buf_init(&text);
    ckpt_format(&c, &text);
    assert_contains(buf_str(&text), "\nschema 6 q6ur");
    assert_contains(buf_str(&text),
                    "\nissued 2026-12-02T10:00:00Z Dana Example <dana@x.example>\n\n");
    assert_int_equal(ckpt_parse(text.data, text.len, &back, NULL), 0);
    assert_int_equal(back.schema_version, 6);
    assert_memory_equal(back.schema_hash, c.schema_hash, 32);
    assert_string_equal(back.issued_by, c.issued_by);
    assert_true(ckpt_sig_verify(&back, &back.sigs[0], &k.pub));
    back.issued_by[0] = 'M';
    assert_false(ckpt_sig_verify(&back, &back.sigs[0], &k.pub));
    back.issued_by[0] = 'D';
    back.schema_hash[0] ^= 1;
    assert_false(ckpt_sig_verify(&back, &back.sigs[0], &k.pub));
    buf_reset(&text);
    signkey_wipe(&k);
    signkey_wipe(&w);
}

static void refuse(const char *text, const char *why)
{
    checkpoint c;
    isms_err e = { 0 };
    if (ckpt_parse(text, strlen(text), &c, &e) != E_INVALID)
        fail_msg("accepted: %s", text);
    assert_contains(e.msg, why);
}

static void malformed_checkpoints_are_refused(void **state)
{
    (void)state;
    const char *root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    const char *sig = "\xe2\x80\x94 isms "
                      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                      "AAAAAAAAAAAAAAA=\n";
    char text[1024];
    snprintf(text, sizeof text, "isms/x\n12\n%s\n\n%s", root, sig);
    checkpoint c;
    assert_int_equal(ckpt_parse(text, strlen(text), &c, NULL), 0);
    snprintf(text, sizeof text, "isms/x\n12\n%s\n%s", root, sig);
    refuse(text, "blank line");
    snprintf(text, sizeof text, "isms/x\n012\n%s\n\n%s", root, sig);
    refuse(text, "leading zeros");
    snprintf(text, sizeof text, "isms/x\n-12\n%s\n\n%s", root, sig);
    refuse(text, "decimal");
    snprintf(text, sizeof text, "isms/x\n12\nnot-base64\n\n%s", sig);
    refuse(text, "32-byte hash");
    snprintf(text, sizeof text, "isms/x\n12\n%s\nextension\n\n%s", root, sig);
    refuse(text, "only a schema line and an issued line");
    snprintf(text, sizeof text, "isms/x\n12\n%s\nschema 6 %s\n\n%s", root, root, sig);
    assert_int_equal(ckpt_parse(text, strlen(text), &c, NULL), 0);
    assert_int_equal(c.schema_version, 6);
    snprintf(text, sizeof text, "isms/x\n12\n%s\nschema 0 %s\n\n%s", root, root, sig);
    refuse(text, "schema VERSION HASH");
    snprintf(text, sizeof text, "isms/x\n12\n%s\nschema 6 %s x\n\n%s", root, root, sig);
    refuse(text, "schema VERSION HASH");
    snprintf(text, sizeof text,
             "isms/x\n12\n%s\nissued 2026-12-02T10:00:00Z dana@x.example\n"
             "schema 6 %s\n\n%s",
             root, root, sig);
    refuse(text, "once each"); /* in order: schema first */
    snprintf(text, sizeof text, "isms/x\n12\n%s\nissued 2026-12-02T10:00:00Z\n\n%s", root, sig);
    refuse(text, "issued TIME ACTOR");
    snprintf(text, sizeof text, "isms/x\n12\n%s\nschema 6 %s\nschema 6 %s\n\n%s", root, root, root,
             sig);
    refuse(text, "once each");
    snprintf(text, sizeof text, "isms/x\n12\n%s\n\n", root);
    refuse(text, "no signature");
    snprintf(text, sizeof text, "isms/x\n12\n%s\n\n- isms AAAA\n", root);
    refuse(text, "signature line");
    snprintf(text, sizeof text, "isms/x\n12\n%s\n\n%.*s", root, (int)strlen(sig) - 1, sig);
    refuse(text, "newline");
    snprintf(text, sizeof text, "\n12\n%s\n\n%s", root, sig);
    refuse(text, "line 1");
}

/* ---- proofs ---- */

static void proofs_round_trip_and_catch_changes(void **state)
{
    (void)state;
    enum { N = 37 };
    merkle_hash d[N];
    for (int i = 0; i < N; i++)
        crypto_hash_sha256(d[i], (const unsigned char *)&i, sizeof i);
    ledger_proof p = { .kind = PROOF_INCLUSION, .seq = 20, .size = N };
    snprintf(p.origin, sizeof p.origin, "isms/abc");
    memcpy(p.entry, d[19], 32);
    merkle_root(d, N, p.root);
    assert_int_equal(merkle_inclusion_proof(d, N, 19, &p.path, NULL), 0);

    ledger_proof q = { .kind = PROOF_CONSISTENCY, .old_size = 11, .size = N };
    snprintf(q.origin, sizeof q.origin, "isms/abc");
    merkle_root(d, 11, q.old_root);
    merkle_root(d, N, q.root);
    assert_int_equal(merkle_consistency_proof(d, N, 11, &q.path, NULL), 0);

    const ledger_proof *proofs[] = { &p, &q };
    for (int i = 0; i < 2; i++) {
        ledger_proof back;
        buf text;
        buf_init(&text);
        proof_format(proofs[i], &text);
        assert_int_equal(proof_parse(text.data, text.len, &back, NULL), 0);
        assert_int_equal(proof_check(&back, NULL), 0);
        assert_int_equal((int)back.path.n, (int)proofs[i]->path.n);
        back.path.h[1][3] ^= 0x40;
        assert_int_equal(proof_check(&back, NULL), E_TAMPERED);
        back.path.h[1][3] ^= 0x40;
        back.root[0] ^= 1;
        assert_int_equal(proof_check(&back, NULL), E_TAMPERED);
        /* A hash dropped from the text: the proof no longer fits its sizes. */
        char *last = strrchr(text.data, '\n');
        *last = 0;
        last = strrchr(text.data, '\n');
        assert_int_equal(proof_parse(text.data, (size_t)(last - text.data) + 1, &back, NULL), 0);
        assert_int_not_equal(proof_check(&back, NULL), 0);
        buf_reset(&text);
    }
    ledger_proof back;
    assert_int_equal(proof_parse("isms proof\n", 11, &back, NULL), E_INVALID);
}

/* A value has one text: libsodium's base64 decoder (1.0.18) reads every
 * byte from 0x80 up as '/', so "//" could be spelled as any two-byte UTF-8
 * character and a signed checkpoint read from many texts (fuzz_note found
 * it; fuzz/corpus/note/crash-base64-high-bytes). */
static void one_text_per_value(void **state)
{
    (void)state;
    const char *sig = "\xe2\x80\x94 isms "
                      "//"
                      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                      "AAAAAAAAAAAAA=\n";
    char text[1024];
    checkpoint c;
    snprintf(text, sizeof text, "isms/x\n9\nzTl2KDNocb2nUD2q1OXBkBKtmpjGG0//UUOLCzOSVPE=\n\n%s",
             sig);
    assert_int_equal(ckpt_parse(text, strlen(text), &c, NULL), 0);
    snprintf(text, sizeof text,
             "isms/x\n9\nzTl2KDNocb2nUD2q1OXBkBKtmpjGG0\xc5\xa5UUOLCzOSVPE=\n\n%s", sig);
    refuse(text, "32-byte hash");
    snprintf(text, sizeof text,
             "isms/x\n9\nzTl2KDNocb2nUD2q1OXBkBKtmpjGG0//UUOLCzOSVPE=\n\n"
             "\xe2\x80\x94 isms \xc5\xa5%s",
             sig + strlen("\xe2\x80\x94 isms //"));
    refuse(text, "not base64");

    verifier_key v;
    assert_int_equal(
        signkey_parse_verifier(
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq\xffLDE4izWy10TW", &v, NULL),
        E_INVALID);

    ledger_proof p;
#define INCLUSION(hash)                                                  \
    "isms inclusion proof\norigin isms/x\nentry 1 "                      \
    "0000000000000000000000000000000000000000000000000000000000000000\n" \
    "size 2 zTl2KDNocb2nUD2q1OXBkBKtmpjGG0//UUOLCzOSVPE=\n" hash "\n"
    snprintf(text, sizeof text, "%s", INCLUSION("zTl2KDNocb2nUD2q1OXBkBKtmpjGG0//UUOLCzOSVPE="));
    assert_int_equal(proof_parse(text, strlen(text), &p, NULL), 0);
    snprintf(text, sizeof text, "%s",
             INCLUSION("zTl2KDNocb2nUD2q1OXBkBKtmpjGG0\xc5\xa5UUOLCzOSVPE="));
#undef INCLUSION
    assert_int_equal(proof_parse(text, strlen(text), &p, NULL), E_INVALID);
}

TU_MAIN(tu_setup_sodium, NULL, cmocka_unit_test(same_bytes_as_the_reference_note),
        cmocka_unit_test(altered_keys_are_refused), cmocka_unit_test(key_files_are_private),
        cmocka_unit_test(checkpoint_round_trip),
        cmocka_unit_test(malformed_checkpoints_are_refused),
        cmocka_unit_test(proofs_round_trip_and_catch_changes), cmocka_unit_test(one_text_per_value))
