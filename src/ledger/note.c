/* checkpoint.c: the checkpoint note: writing, reading, signing. */
#include "ledger/note.h"
#include "core/text.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char em_dash[] = "\xe2\x80\x94 "; /* U+2014, then a space */

void ckpt_hash_b64(const merkle_hash root, char out[45])
{
    sodium_bin2base64(out, 45, root, MERKLE_HASH_SIZE, sodium_base64_VARIANT_ORIGINAL);
}

int ckpt_hash_parse(const char *b64, merkle_hash out, isms_err *e)
{
    size_t n = 0;
    unsigned char raw[MERKLE_HASH_SIZE + 4];
    if (base64_decode(b64, strlen(b64), raw, sizeof raw, &n) || n != MERKLE_HASH_SIZE)
        return err_set(e, E_INVALID, "root", "\"%.60s\" is not the base64 of a 32-byte hash", b64);
    memcpy(out, raw, MERKLE_HASH_SIZE);
    return 0;
}

void ckpt_body(const checkpoint *c, buf *out)
{
    char root[45];
    ckpt_hash_b64(c->root, root);
    buf_printf(out, "%s\n%llu\n%s\n", c->origin, (unsigned long long)c->size, root);
    if (c->schema_version) {
        char hash[45];
        ckpt_hash_b64(c->schema_hash, hash);
        buf_printf(out, "schema %d %s\n", c->schema_version, hash);
    }
    if (c->issued_at[0])
        buf_printf(out, "issued %s %s\n", c->issued_at, c->issued_by);
}

void ckpt_sig_line(const ckpt_sig *s, buf *out)
{
    unsigned char raw[4 + CKPT_SIG_MAX];
    char b64[sizeof raw * 4 / 3 + 8];
    raw[0] = (unsigned char)(s->id >> 24);
    raw[1] = (unsigned char)(s->id >> 16);
    raw[2] = (unsigned char)(s->id >> 8);
    raw[3] = (unsigned char)s->id;
    memcpy(raw + 4, s->sig, s->len);
    sodium_bin2base64(b64, sizeof b64, raw, 4 + s->len, sodium_base64_VARIANT_ORIGINAL);
    buf_printf(out, "%s%s %s", em_dash, s->name, b64);
}

void ckpt_format(const checkpoint *c, buf *out)
{
    ckpt_body(c, out);
    buf_putc(out, '\n');
    for (int i = 0; i < c->nsigs; i++) {
        ckpt_sig_line(&c->sigs[i], out);
        buf_putc(out, '\n');
    }
}

/* ---- reading ---- */

static int bad_line(isms_err *e, int line, const char *what)
{
    return err_set(e, E_INVALID, "checkpoint", "not an isms checkpoint: line %d: %s", line, what);
}

/* Line `line` of the body, [p, p+n), as a NUL-terminated copy in dst. */
static int take_line(const char **p, const char *end, char *dst, size_t cap, int line, isms_err *e)
{
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    if (!nl)
        return bad_line(e, line, "missing (a checkpoint has origin, size and root lines)");
    size_t n = (size_t)(nl - *p);
    if (n == 0 || n >= cap)
        return bad_line(e, line, n ? "too long" : "empty");
    memcpy(dst, *p, n);
    dst[n] = 0;
    *p = nl + 1;
    return 0;
}

static int parse_size(const char *s, uint64_t *out, isms_err *e)
{
    size_t n = strlen(s);
    if (strspn(s, "0123456789") != n || (s[0] == '0' && n > 1) || n > 19)
        return bad_line(e, 2, "the tree size must be a decimal number without leading zeros");
    unsigned long long v = strtoull(s, NULL, 10);
    if (v > (unsigned long long)INT64_MAX)
        return bad_line(e, 2, "the tree size is out of range");
    *out = v;
    return 0;
}

/* "schema <version> <hash>", exactly as ckpt_body writes it. */
static int parse_schema_line(const char *s, checkpoint *c, int line, isms_err *e)
{
    const char *v = s + strlen("schema ");
    size_t digits = strspn(v, "0123456789");
    const char *hash = v + digits + 1;
    if (!digits || digits > 9 || v[0] == '0' || v[digits] != ' ' ||
        ckpt_hash_parse(hash, c->schema_hash, NULL) || strlen(hash) != 44)
        return bad_line(e, line, "a schema line reads \"schema VERSION HASH\"");
    c->schema_version = atoi(v);
    return 0;
}

/* "issued <time> <actor>": the actor is the rest of the line. */
static int parse_issued_line(const char *s, checkpoint *c, int line, isms_err *e)
{
    const char *time = s + strlen("issued ");
    const char *sp = strchr(time, ' ');
    size_t n = sp ? (size_t)(sp - time) : 0;
    if (!n || n > CKPT_TIME_MAX || !sp[1] || strlen(sp + 1) > CKPT_ACTOR_MAX)
        return bad_line(e, line, "an issued line reads \"issued TIME ACTOR\"");
    memcpy(c->issued_at, time, n);
    c->issued_at[n] = 0;
    snprintf(c->issued_by, sizeof c->issued_by, "%s", sp + 1);
    return text_check("issued", c->issued_by, 0, CKPT_ACTOR_MAX, e);
}

/* The lines after the root: each known kind at most once, in order. */
static int parse_extensions(const char *p, const char *end, checkpoint *c, isms_err *e)
{
    char line[CKPT_ORIGIN_MAX + CKPT_ACTOR_MAX];
    for (int n = 4; p != end; n++) {
        int rc = take_line(&p, end, line, sizeof line, n, e);
        if (rc)
            return rc;
        if (!strncmp(line, "schema ", 7) && !c->schema_version && !c->issued_at[0])
            rc = parse_schema_line(line, c, n, e);
        else if (!strncmp(line, "issued ", 7) && !c->issued_at[0])
            rc = parse_issued_line(line, c, n, e);
        else
            rc = bad_line(e, n,
                          "after the root an isms checkpoint has only a schema line and an "
                          "issued line, once each");
        if (rc)
            return rc;
    }
    return 0;
}

static int parse_body(const char *p, const char *end, checkpoint *c, isms_err *e)
{
    char line[CKPT_ORIGIN_MAX + 1];
    int rc = take_line(&p, end, c->origin, sizeof c->origin, 1, e);
    if (!rc)
        rc = text_check("origin", c->origin, 0, CKPT_ORIGIN_MAX, e);
    if (!rc)
        rc = take_line(&p, end, line, sizeof line, 2, e);
    if (!rc)
        rc = parse_size(line, &c->size, e);
    if (!rc)
        rc = take_line(&p, end, line, sizeof line, 3, e);
    if (!rc && ckpt_hash_parse(line, c->root, NULL))
        rc = bad_line(e, 3, "the root must be the base64 of a 32-byte hash");
    if (rc)
        return rc;
    return parse_extensions(p, end, c, e);
}

int ckpt_sig_parse(const char *line, size_t n, ckpt_sig *out, isms_err *e)
{
    size_t dash = sizeof em_dash - 1;
    const char *sp = n > dash ? memchr(line + dash, ' ', n - dash) : NULL;
    if (n <= dash || memcmp(line, em_dash, dash) || !sp)
        return err_set(e, E_INVALID, "checkpoint",
                       "not an isms checkpoint: a signature line must "
                       "read \"— NAME SIGNATURE\"");
    size_t name_len = (size_t)(sp - line - (ptrdiff_t)dash);
    if (name_len > SIGNKEY_NAME_MAX)
        return err_set(e, E_INVALID, "checkpoint", "a signature's key name is too long");
    memcpy(out->name, line + dash, name_len);
    out->name[name_len] = 0;
    int rc = signkey_name_check(out->name, e);
    if (rc)
        return rc;
    unsigned char raw[4 + CKPT_SIG_MAX];
    size_t len = 0;
    const char *b64 = sp + 1;
    if (base64_decode(b64, (size_t)(line + n - b64), raw, sizeof raw, &len) || len < 5)
        return err_set(e, E_INVALID, "checkpoint",
                       "the signature of %s is not base64 of a key id "
                       "and a signature",
                       out->name);
    out->id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 | (uint32_t)raw[2] << 8 | raw[3];
    out->len = len - 4;
    memcpy(out->sig, raw + 4, out->len);
    return 0;
}

static int parse_sigs(const char *p, const char *end, checkpoint *c, isms_err *e)
{
    c->nsigs = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return err_set(e, E_INVALID, "checkpoint",
                           "not an isms checkpoint: the last "
                           "signature line does not end with a newline");
        if (c->nsigs == CKPT_MAX_SIGS)
            return err_set(e, E_INVALID, "checkpoint", "more than %d signatures", CKPT_MAX_SIGS);
        int rc = ckpt_sig_parse(p, (size_t)(nl - p), &c->sigs[c->nsigs], e);
        if (rc)
            return rc;
        c->nsigs++;
        p = nl + 1;
    }
    if (!c->nsigs)
        return err_set(e, E_INVALID, "checkpoint", "the checkpoint carries no signature");
    return 0;
}

int ckpt_parse(const char *text, size_t len, checkpoint *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    if (len > CKPT_TEXT_MAX || !utf8_valid(text, len))
        return err_set(e, E_INVALID, "checkpoint", "not an isms checkpoint: %s",
                       len > CKPT_TEXT_MAX ? "too long" : "not UTF-8 text");
    /* The signatures follow the last blank line, as in every signed note. */
    const char *split = NULL;
    for (const char *p = text; p + 1 < text + len; p++)
        if (p[0] == '\n' && p[1] == '\n')
            split = p;
    if (!split)
        return err_set(e, E_INVALID, "checkpoint",
                       "not an isms checkpoint: no blank line before "
                       "the signatures");
    int rc = parse_body(text, split + 1, out, e);
    if (rc)
        return rc;
    return parse_sigs(split + 2, text + len, out, e);
}

/* ---- signing ---- */

int ckpt_sig_by(const ckpt_sig *s, const verifier_key *k)
{
    return s->id == k->id && !strcmp(s->name, k->name);
}

int ckpt_sig_verify(const checkpoint *c, const ckpt_sig *s, const verifier_key *k)
{
    if (!ckpt_sig_by(s, k) || s->len != SIGNKEY_SIG_SIZE)
        return 0;
    buf body;
    buf_init(&body);
    ckpt_body(c, &body);
    int ok = signkey_verify(k, body.data, body.len, s->sig);
    buf_reset(&body);
    return ok;
}

int ckpt_sign(checkpoint *c, const signer_key *k, isms_err *e)
{
    for (int i = 0; i < c->nsigs; i++)
        if (ckpt_sig_by(&c->sigs[i], &k->pub))
            return err_set(e, E_CONFLICT, "key", "the checkpoint is already signed by %s",
                           k->pub.name);
    if (c->nsigs == CKPT_MAX_SIGS)
        return err_set(e, E_INVALID, "checkpoint", "more than %d signatures", CKPT_MAX_SIGS);
    ckpt_sig *s = &c->sigs[c->nsigs];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", k->pub.name);
    s->id = k->pub.id;
    s->len = SIGNKEY_SIG_SIZE;
    buf body;
    buf_init(&body);
    ckpt_body(c, &body);
    signkey_sign(k, body.data, body.len, s->sig);
    buf_reset(&body);
    c->nsigs++;
    return 0;
}
