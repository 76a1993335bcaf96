/* cmd_key.c: `isms key generate` and `isms key add` (the noun `key` is the
 * signing_key register; list, show, update and retire are its generic
 * verbs). Private keys never enter the repository: generate writes one to
 * a 0600 file, add records the public half. */
#include "cli/cli_internal.h"
#include "domain/integrity/tree.h"
#include "domain/registers/signing_keys.h"
#include "formats/json.h"

#include <stdlib.h>
#include <string.h>

/* The default key name: the repository's origin when there is one (as
 * C2SP checkpoints name the log's key after the log), else "isms". */
static int default_key_name(cli *c, const char **name, isms_err *e)
{
    *name = "isms";
    const char *repo = c->repo ? c->repo : getenv("ISMS_REPO");
    if (!repo || !*repo)
        return 0;
    ledger_view v;
    int rc = cli_open(c, e);
    if (!rc)
        rc = ledger_view_load(c->d, 1, &v, e);
    if (!rc) {
        *name = arena_strdup(c->a, v.origin);
        ledger_view_free(&v);
    }
    return rc;
}

int cmd_key_generate(cli *c, isms_err *e)
{
    const char *out, *name = cli_opt_value(c, "name");
    int rc = cli_need_args(c, 0, "no arguments (--out FILE)", e);
    rc = cli_opt_required(c, rc, "out",
                          "isms key generate needs --out FILE: where to write the "
                          "private key (outside the repository)",
                          &out, e);
    if (!rc && !name)
        rc = default_key_name(c, &name, e);
    if (rc)
        return rc;
    signer_key k;
    char public_key[SIGNKEY_TEXT_MAX];
    rc = signkey_generate(name, &k, e);
    if (!rc)
        rc = signkey_write_file(out, &k, e);
    signkey_format_verifier(&k.pub, public_key);
    signkey_wipe(&k);
    if (rc)
        return rc;
    if (c->json) {
        json_t *o = json_pack("{s:s, s:s}", "private_key_file", out, "public_key", public_key);
        js_write(c->out, o, 1);
        json_decref(o);
    } else {
        fprintf(c->out, "%s\n", public_key);
    }
    fprintf(stderr,
            "isms: wrote the private key to %s (mode 0600); keep it outside the repository.\n"
            "      Its public key is above; record it with: isms key add --key %s\n",
            out, out);
    return 0;
}

/* The public key to record: the public half of --key FILE, or --pubkey. */
static int key_to_add(cli *c, verifier_key *out, isms_err *e)
{
    const char *file = cli_opt_value(c, "key"), *text = cli_opt_value(c, "pubkey");
    if (!file == !text)
        return err_set(e, E_USAGE, "key",
                       "give either --key FILE (a private key file) or --pubkey "
                       "KEY (a public key)");
    if (text)
        return signkey_parse_verifier(text, out, e);
    signer_key k;
    int rc = signkey_read_file(file, &k, e);
    if (!rc)
        *out = k.pub;
    signkey_wipe(&k);
    return rc;
}

int cmd_key_add(cli *c, isms_err *e)
{
    verifier_key k;
    int rc = cli_need_args(c, 0, "no arguments (--key FILE or --pubkey KEY)", e);
    if (!rc)
        rc = key_to_add(c, &k, e);
    if (!rc)
        rc = cli_open(c, e);
    record out;
    if (!rc)
        rc = dom_key_add(c->d, &k, cli_opt_given(c, "witness") ? "witness" : "checkpoint",
                         cli_opt_value(c, "holder"), &out, e);
    if (rc)
        return rc;
    if (c->json)
        render_record_json(c, &out);
    else
        fprintf(c->out, "added %s  %s (%s)\n", out.key, record_text(&out, F_SIGNING_KEY_NAME),
                record_text(&out, F_SIGNING_KEY_PURPOSE));
    return 0;
}
