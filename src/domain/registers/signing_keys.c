/* signing_keys.c: the signing key register and its rules. */
#include "domain/registers/signing_keys.h"
#include "domain/engine/dom_internal.h"
#include "domain/registers/table.h"
#include "core/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const key_algorithms[] = { "ed25519", NULL };
static const char *const key_purposes[] = { "checkpoint", "witness", NULL };

REGISTER(signing_key, SIGNING_KEY, "signing_keys", "KEY", F_SIGNING_KEY_NAME,
         "public keys that sign ledger checkpoints, and auditors' keys",
         .check = rules_signing_key);

static int same_text(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

int rules_signing_key(dom *d, record *r, const record *old, isms_err *e)
{
    (void)d;
    static const int fixed[] = { F_SIGNING_KEY_NAME, F_SIGNING_KEY_PURPOSE,
                                 F_SIGNING_KEY_PUBLIC_KEY, F_SIGNING_KEY_ALGORITHM };
    if (old) {
        /* A key is what it signs with: another key is another record. */
        for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
            const char *name = field_def(&reg_signing_key, fixed[i])->name;
            if (!same_text(record_text(r, fixed[i]), record_text(old, fixed[i])))
                return err_set(e, E_INVALID, name,
                               "%s of %s cannot change: retire the key "
                               "and add the new one",
                               name, old->key);
        }
        return 0;
    }
    const char *text = record_text(r, F_SIGNING_KEY_PUBLIC_KEY),
               *name = record_text(r, F_SIGNING_KEY_NAME);
    if (!text || !name || !record_text(r, F_SIGNING_KEY_PURPOSE))
        return err_set(e, E_INVALID, "public_key",
                       "a signing key is recorded from its key file: "
                       "isms key add --key FILE (or --public-key KEY for an auditor's key)");
    verifier_key k;
    int rc = signkey_parse_verifier(text, &k, e);
    if (!rc && strcmp(k.name, name))
        rc = err_set(e, E_INVALID, "name", "name %s is not the name in the public key (%s)", name,
                     k.name);
    return rc;
}

int dom_key_add(dom *d, const verifier_key *k, const char *purpose, const char *holder, record *out,
                isms_err *e)
{
    char text[SIGNKEY_TEXT_MAX];
    signkey_format_verifier(k, text);
    record in;
    record_init(&in, &reg_signing_key, &d->a);
    int rc = dom_set_value(d, &in, field_index(&reg_signing_key, F_SIGNING_KEY_NAME), k->name, e);
    if (!rc)
        rc =
            dom_set_value(d, &in, field_index(&reg_signing_key, F_SIGNING_KEY_PURPOSE), purpose, e);
    if (!rc)
        rc =
            dom_set_value(d, &in, field_index(&reg_signing_key, F_SIGNING_KEY_PUBLIC_KEY), text, e);
    if (!rc && holder)
        rc = dom_set_text(d, &in, regdef_field(&reg_signing_key, "holder"), holder, e);
    /* name, purpose and public_key are isms's to set: added as a workflow
     * adds, not through dom_add's refusal of them. */
    if (rc)
        return rc;
    rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    return dom_txn_end(d, dom_add_in_txn(d, &in, out, e), e);
}

/* ---- keys for verification ---- */

typedef XLIST(known_key) key_list;

static int collect_key(const record *r, void *ctx)
{
    key_list *l = ctx;
    verifier_key vk;
    const char *text = record_text(r, F_SIGNING_KEY_PUBLIC_KEY);
    if (!text || signkey_parse_verifier(text, &vk, NULL))
        return 0;
    XGROW(l->items, (size_t)l->n, l->cap, 8);
    known_key *k = &l->items[l->n++];
    memset(k, 0, sizeof *k);
    k->vk = vk;
    snprintf(k->key, sizeof k->key, "%s", r->key);
    const char *purpose = record_text(r, F_SIGNING_KEY_PURPOSE);
    k->witness = purpose && !strcmp(purpose, "witness");
    return 0;
}

static int note_entry(const ledger_row *row, void *ctx)
{
    known_key *k = ctx;
    if (strcmp(row->entity, reg_signing_key.name))
        return 0;
    if (!strcmp(row->op, "add") && !k->added)
        k->added = row->seq;
    else if (!strcmp(row->op, "retire"))
        k->retired = row->seq;
    return 0;
}

int dom_keys_load(dom *d, known_key **out, int *n, isms_err *e)
{
    key_list l = { 0 };
    store_query all = { .include_retired = 1 };
    int rc = dom_list(d, &reg_signing_key, &all, collect_key, &l, e);
    for (int i = 0; !rc && i < l.n; i++)
        rc = store_ledger_scan(dom_store(d), l.items[i].key, note_entry, &l.items[i], e);
    if (rc) {
        free(l.items);
        l.items = NULL;
        l.n = 0;
    }
    *out = l.items;
    *n = l.n;
    return rc;
}

int known_key_valid_at(const known_key *k, int64_t size)
{
    if (!k->key[0])
        return 1; /* given by the verifier: trusted for every size */
    return k->added && k->added <= size && (!k->retired || k->retired > size);
}
