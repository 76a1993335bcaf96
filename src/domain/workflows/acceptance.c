/* acceptance.c: accepting a risk, by someone with the authority its size
 * requires.
 *
 * Authority grows with the risk: its owner may accept a small one, the
 * ISMS lead a larger one, only the management body a large one or one
 * outside the approved appetite (NIS2 Art. 20, DORA Art. 6(8): the
 * management body decides on risk tolerance). The size is the latest
 * quantified P95 annual loss (an analysis record) when there is one, set
 * against the organisation's limits; otherwise the residual band on the
 * matrix. Acceptances expire and bring the risk back for review. */
#include "domain/engine/dom_internal.h"
#include "domain/workflows/quantify.h"
#include "domain/registers/registers.h"
#include "core/text.h"

#include <stdlib.h>
#include <string.h>

enum { AUTH_NONE, AUTH_OWNER, AUTH_LEAD, AUTH_BODY };

static const char *const authority_names[] = { "nobody", "the risk's owner", "the ISMS lead",
                                               "the management body" };

enum { MAX_ACCEPT_DAYS = 3 * 366 };

/* Beyond their own risks (small ones), these roles accept others':
 * authority_of() below. */
const char *const acceptance_roles[] = { "management-body", "isms-lead", NULL };

/* What authority the risk needs, and a sentence saying why. */
static int required_authority(dom *d, const record *risk, int *level, const char **basis,
                              isms_err *e)
{
    arena *a = dom_arena(d);
    record analysis;
    int quantified;
    int rc = dom_risk_analysis(d, risk->key, &analysis, &quantified, e);
    if (rc)
        return rc;
    record org;
    int has_org = dom_get(d, &reg_org, "ORG", &org, NULL) == 0;
    const value *owner_limit = has_org ? record_cval(&org, F_ORG_OWNER_ACCEPT_LIMIT) : NULL;
    const value *lead_limit = has_org ? record_cval(&org, F_ORG_LEAD_ACCEPT_LIMIT) : NULL;
    if (quantified && owner_limit && lead_limit && !owner_limit->null && !lead_limit->null) {
        int64_t p95 = record_int(&analysis, F_ANALYSIS_P95_LOSS);
        int outside = (int)record_int(&analysis, F_ANALYSIS_OUTSIDE_APPETITE);
        *level = outside                 ? AUTH_BODY
                 : p95 <= owner_limit->i ? AUTH_OWNER
                 : p95 <= lead_limit->i  ? AUTH_LEAD
                                         : AUTH_BODY;
        *basis = arena_printf(a, "P95 annual loss %s (%s)%s", dom_money_text(d, p95, " "),
                              analysis.key, outside ? ", outside appetite" : "");
        return 0;
    }
    int n = dom_matrix_size(d), score = risk_residual_score(risk);
    const char *band = risk_band(score, n);
    *level = !strcmp(band, "low") ? AUTH_OWNER : !strcmp(band, "medium") ? AUTH_LEAD : AUTH_BODY;
    *basis = arena_printf(a, "residual %d of %d (%s)%s", score, n * n, band,
                          quantified ? "; quantified, but no acceptance limits are set"
                                     : ", not quantified");
    return 0;
}

static int authority_of(const principal *who, const record *risk)
{
    if (principal_has_role(who, acceptance_roles[0]))
        return AUTH_BODY;
    if (principal_has_role(who, acceptance_roles[1]))
        return AUTH_LEAD;
    return record_cval(risk, F_RISK_OWNER)->i == who->person ? AUTH_OWNER : AUTH_NONE;
}

int dom_risk_accept_need(dom *d, const char *risk_key, dom_accept_need *out, isms_err *e)
{
    record risk;
    int needed;
    memset(out, 0, sizeof *out);
    int rc = dom_get(d, &reg_risk, risk_key, &risk, e);
    if (!rc)
        rc = required_authority(d, &risk, &needed, &out->basis, e);
    if (rc)
        return rc;
    int held = authority_of(dom_who(d), &risk);
    out->needed = authority_names[needed];
    out->holding = authority_names[held];
    out->may = held >= needed && held > AUTH_NONE;
    return 0;
}

static int check_expiry(record *r, isms_err *e)
{
    char today[11], latest[11];
    now_date(today);
    date_add_days(latest, today, MAX_ACCEPT_DAYS);
    const char *expires = record_text(r, F_ACCEPTANCE_EXPIRES_ON);
    if (!expires)
        return 0;
    if (strcmp(expires, today) <= 0)
        return err_set(e, E_INVALID, "expires_on", "expires_on: %s is not in the future", expires);
    if (strcmp(expires, latest) > 0)
        return err_set(e, E_INVALID, "expires_on",
                       "expires_on: %s is more than three years away; acceptances must come back "
                       "for review",
                       expires);
    return 0;
}

int rules_acceptance(dom *d, record *r, const record *old, isms_err *e)
{
    if (old) /* an acceptance is revoked (retired), never rewritten */
        return rules_is_retiring(r, old)
                   ? 0
                   : err_set(e, E_CONFLICT, "acceptance",
                             "%s cannot be changed; accept the risk again", r->key);
    /* The acceptor is whoever acts, with the authority of their roles. */
    const principal *who = dom_who(d);
    if (!who->person || record_cval(r, F_ACCEPTANCE_ACCEPTED_BY)->i != who->person)
        return err_set(e, E_DENIED, "as",
                       "a risk is accepted by the person who acts, and %s is not "
                       "one: act as a person (--as PERSON)",
                       who->actor);
    record risk;
    int rc = store_get_id(dom_store(d), &reg_risk, record_cval(r, F_ACCEPTANCE_RISK)->i, &risk,
                          dom_arena(d), e);
    if (rc)
        return rc;
    int needed;
    const char *basis;
    rc = required_authority(d, &risk, &needed, &basis, e);
    if (rc)
        return rc;
    if (authority_of(who, &risk) < needed)
        return err_set(e, E_DENIED, "as", "%s (%s) cannot accept %s: its size requires %s (%s)",
                       who->person_key, who->actor, risk.key, authority_names[needed], basis);
    value *b = record_val(r, F_ACCEPTANCE_BASIS);
    b->null = 0;
    b->given = 1;
    b->s = arena_printf(dom_arena(d), "%s; authority: %s", basis, authority_names[needed]);
    const value *expires = record_cval(r, F_ACCEPTANCE_EXPIRES_ON);
    if (expires->given && expires->null) /* given empty: not the default silently */
        return err_set(
            e, E_INVALID, "expires_on",
            "expires_on: \"\" is no date; give one, or leave it out for a year from today");
    if (expires->null) {
        char today[11], next[11];
        now_date(today);
        date_add_days(next, today, 365);
        record_set_text(r, F_ACCEPTANCE_EXPIRES_ON, next, dom_arena(d));
    }
    return check_expiry(r, e);
}

static int mutate_treatment(dom *d, record *r, const void *arg, isms_err *e)
{
    (void)arg;
    (void)e;
    record_set_text(r, F_RISK_TREATMENT, "accept", dom_arena(d));
    return 0;
}

int dom_risk_accept(dom *d, const char *risk_key, const char *rationale, const char *expires_on,
                    record *out, isms_err *e)
{
    const principal *who = dom_who(d);
    if (!who->person)
        return err_set(e, E_DENIED, "as",
                       "a risk is accepted by a person, and %s is not one: act "
                       "as the person who accepts it (--as PERSON)",
                       who->actor);
    record in, risk;
    record_init(&in, &reg_acceptance, dom_arena(d));
    int rc = dom_set_value(d, &in, field_index(&reg_acceptance, F_ACCEPTANCE_RISK), risk_key, e);
    if (!rc)
        rc =
            dom_set_value(d, &in, regdef_field(&reg_acceptance, "accepted_by"), who->person_key, e);
    if (!rc)
        rc = dom_set_value(d, &in, field_index(&reg_acceptance, F_ACCEPTANCE_RATIONALE),
                           rationale ? rationale : "", e);
    if (!rc && expires_on)
        rc = dom_set_value(d, &in, field_index(&reg_acceptance, F_ACCEPTANCE_EXPIRES_ON),
                           expires_on, e);
    if (rc)
        return rc;
    rc = dom_txn_begin(d, e);
    if (rc)
        return rc;
    rc = dom_add_in_txn(d, &in, out, e);
    if (!rc)
        rc = dom_change_in_txn(d, &reg_risk, dom_key(d, risk_key), 0, mutate_treatment, NULL,
                               "update", &risk, e);
    return dom_txn_end(d, rc, e);
}
