/* test_authz.c: who may do what, generated from the route table: every
 * route, as every role (the ISMS lead, the management body, an owner, the
 * internal auditor, a reader) and as nobody, on a record the owner owns
 * and on someone else's, asserted allowed (any answer but 401 and 403) or
 * denied (401 for nobody, 403 for the others). The rules below are the
 * issue's: the ISMS lead edits everything, owners only what they own, the
 * auditor and the reader read, the management body approves. A route of a
 * kind without a rule here fails the test. */
#include "core/buf.h"
#include "domain/registers/registers.h"
#include "support/testutil.h"
#include "support/webfix.h"
#include "web/web_internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum persona { ANON, LEAD, BOARD, OWNER, AUDITOR, READER, NPERSONAS } persona;
static const char *const who[] = { NULL, WF_LEAD, WF_BOARD, WF_OWNER, WF_AUDITOR, WF_READER };
static const char *const persona_names[] = { "nobody", "isms-lead", "management-body",
                                             "owner",  "auditor",   "reader" };
#define OWNER_KEY "PER-4"
#define OTHER_KEY "PER-3"

/* Per register: the record the owner owns and someone else's (the same
 * record for registers without owners), made fresh for the test. */
typedef struct targets {
    const regdef *reg;
    char own[32], other[32];
} targets;
static targets regs[64];
static int nregs;
static int serial;

static json_t *get_json(const char *path)
{
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", path, NULL, NULL);
    if (r.status != 200)
        fail_msg("GET %s: %d %s", path, r.status, r.body);
    json_t *j = wf_json(&r);
    tu_http_free(&r);
    return j;
}

static int has_owner(const regdef *reg)
{
    int f = regdef_field(reg, "owner");
    return f >= 0 && reg->fields[f].type == FT_REF;
}

/* A body that adds a copy of `tmpl`: its fields but those isms sets, a
 * unique e-mail, the owner given; a risk small enough for its owner to
 * accept. */
static char *copy_body(const regdef *reg, json_t *tmpl, const char *owner)
{
    json_t *b = json_object();
    for (int i = 0; i < reg->nfields; i++) {
        const fielddef *f = &reg->fields[i];
        json_t *v = json_object_get(tmpl, f->name);
        if ((f->flags & FF_SYSTEM) || !v || json_is_null(v))
            continue;
        if (f->flags & FF_UNIQUE) {
            char unique[300];
            snprintf(unique, sizeof unique, "authz%d.%s", ++serial, json_string_value(v));
            json_object_set_new(b, f->name, json_string(unique));
            continue;
        }
        json_object_set(b, f->name, v);
    }
    if (owner)
        json_object_set_new(b, "owner", json_string(owner));
    if (reg == &reg_risk) {
        static const char *const levels[] = { "likelihood", "impact", "residual_likelihood",
                                              "residual_impact" };
        for (size_t k = 0; k < 4; k++)
            json_object_set_new(b, levels[k], json_integer(1));
        json_object_del(b, "loss_model");
    }
    if (reg == &reg_incident) { /* a new incident is open: not yet contained nor resolved */
        json_object_del(b, "contained_at");
        json_object_del(b, "resolved_at");
    }
    char *s = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    return s;
}

/* Adds a copy of reg's first record as the lead; its key into `key`.
 * Returns the HTTP status (201: made). */
static int add_copy(const regdef *reg, json_t *tmpl, const char *owner, char *key, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/%s", reg->plural);
    char *body = copy_body(reg, tmpl, owner);
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", path, body, NULL);
    free(body);
    int status = r.status;
    if (status == 201) {
        json_t *j = wf_json(&r);
        snprintf(key, n, "%s", json_string_value(json_object_get(j, "key")));
        json_decref(j);
    } else if (getenv("ISMS_TEST_WEB_LOG")) {
        fprintf(stderr, "copy of %s: %d %s\n", reg->name, r.status, r.body);
    }
    tu_http_free(&r);
    return status;
}

static json_t *first_record(const regdef *reg)
{
    char path[128];
    snprintf(path, sizeof path, "/api/v1/%s?limit=1", reg->plural);
    json_t *list = get_json(path);
    json_t *first = json_incref(json_array_get(json_object_get(list, "items"), 0));
    json_decref(list);
    if (!first)
        fail_msg("the demo has no %s", reg->plural);
    return first;
}

static void prepare(const regdef *reg)
{
    targets *t = &regs[nregs++];
    t->reg = reg;
    json_t *tmpl = first_record(reg);
    snprintf(t->own, sizeof t->own, "%s", json_string_value(json_object_get(tmpl, "key")));
    memcpy(t->other, t->own, sizeof t->other);
    int creatable = !(reg->flags & (REG_SYSTEM | REG_SINGLETON)) && reg != &reg_signing_key;
    if (creatable && has_owner(reg)) {
        if (add_copy(reg, tmpl, OWNER_KEY, t->own, sizeof t->own) != 201 ||
            add_copy(reg, tmpl, OTHER_KEY, t->other, sizeof t->other) != 201)
            fail_msg("cannot copy a %s", reg->name);
    } else if (creatable) {
        /* Some records are unique by what they join (a requirement's code
         * in its framework, a mapping's pair): where a copy conflicts, the
         * demo's own record serves, as no one owns it. */
        int status = add_copy(reg, tmpl, NULL, t->own, sizeof t->own);
        if (status != 201 && status != 409)
            fail_msg("cannot copy a %s", reg->name);
        memcpy(t->other, t->own, sizeof t->other);
    }
    json_decref(tmpl);
}

static int setup(void **state)
{
    (void)state;
    wf_start("authz.isms");
    /* a signing key, so that every register has a record */
    const char *keyfile = tu_path("authz.key");
    free(tu_isms_ok(wf_repo(), "signing_key", "generate", "--out", keyfile));
    free(tu_isms_ok(wf_repo(), "signing_key", "add", "--key", keyfile));
    for (int p = 1; p < NPERSONAS; p++)
        wf_token(who[p]);
    for (int i = 0; registers[i]; i++)
        prepare(registers[i]);
    /* job 1, the lead's, for the routes of one job */
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", "/api/v1/jobs", "{\"kind\":\"control-return\",\"iterations\":1000}",
           NULL);
    if (r.status != 202)
        fail_msg("cannot start job 1: %d %s", r.status, r.body ? r.body : "");
    tu_http_free(&r);
    return 0;
}

static const targets *targets_of(const regdef *reg)
{
    for (int i = 0; i < nregs; i++)
        if (regs[i].reg == reg)
            return &regs[i];
    fail_msg("no targets for %s", reg->name);
    return NULL;
}

static int holds(persona p, const char *role)
{
    static const char *const roles[NPERSONAS][3] = {
        [LEAD] = { "isms-lead", "risk-owner" },
        [BOARD] = { "management-body" },
        [OWNER] = { "risk-owner", "asset-owner" },
        [AUDITOR] = { "internal-auditor" },
        [READER] = { "reader" },
    };
    for (int k = 0; k < 3 && roles[p][k]; k++)
        if (!strcmp(roles[p][k], role))
            return 1;
    return 0;
}

/* The rule: may persona p do route rt on the owner's record (own) or on
 * someone else's? 1 yes, 0 no, -1: a kind of route without a rule. */
static int expected(const route *rt, persona p, int own)
{
    switch (rt->kind) {
    case RK_OPENAPI:
    case RK_SIGN_IN:
    case RK_STATIC:
    case RK_PAGE_SIGN_IN: return 1; /* public */
    case RK_SESSION_SHOW:
    case RK_SIGN_OUT:
    case RK_LIST:
    case RK_SHOW:
    case RK_HISTORY:
    case RK_QUANTIFY: /* (not saved: a reading) */
    case RK_VERIFY:
    case RK_PROOF:
    case RK_PORTFOLIO:
    case RK_ROI:
    case RK_PAGE_HOME:
    case RK_PAGE_REGISTERS:
    case RK_PAGE_LIST:
    case RK_PAGE_SHOW:
    case RK_PAGE_SEARCH:
    case RK_PAGE_MY:
    case RK_PAGE_ACCEPT_FORM: /* (shows who may accept; the post decides) */
    case RK_PAGE_QUANTIFY:
    case RK_PAGE_ROI:
    case RK_COVERAGE: /* coverage, drift and the SoA: readings */
    case RK_DRIFT:
    case RK_SOA_STATEMENT:
    case RK_SOA_GAP:
    case RK_PAGE_SOA_GAP:
    case RK_RESPONSIBILITIES: /* who owns what: the people register's own reading */
    case RK_PAGE_RESPONSIBILITIES:
    case RK_ATTENTION: /* the dashboard's lists: risks, as their list reads them */
    case RK_PAGE_ATTENTION:
    case RK_PAGE_COVERAGE:
    case RK_PAGE_DRIFT:
    case RK_PAGE_SOA:
    case RK_PAGE_STATEMENT:
    case RK_PAGE_SIGN_OUT: /* (by token: ends no session) */
        return p != ANON;  /* everyone signed in reads */
    case RK_PAGE_NEW:
    case RK_IMPORT:
    case RK_PAGE_IMPORT_FORM:
    case RK_PAGE_IMPORT:
        /* the form, before there is a record: anyone who may own records
         * of the register (a role that is not read-only) may fill it in;
         * whom it names as owner is asked when it is posted (an import's:
         * of each row) */
        return p == LEAD || ((p == OWNER || p == BOARD) && has_owner(rt->reg));
    case RK_CREATE:
    case RK_UPDATE:
    case RK_RETIRE:
    case RK_PAGE_CREATE:
    case RK_PAGE_EDIT:
    case RK_PAGE_UPDATE:
    case RK_PAGE_RETIRE:
        /* the lead edits everything; an owner what they own; nobody else */
        return p == LEAD || (p == OWNER && own && has_owner(rt->reg));
    case RK_METRICS_MEASURE:      /* one metric: its owner's or the lead's; those due: each */
    case RK_PAGE_METRICS_MEASURE: /* measures their own, so anyone who may own one may ask */
        if (!strstr(rt->path, "{key}"))
            return p == LEAD || p == OWNER || p == BOARD;
        return p == LEAD || (p == OWNER && own);
    case RK_REVIEW_INPUTS: /* a write to the review: its owner's, or the lead's */
    case RK_PAGE_REVIEW_INPUTS: return p == LEAD || (p == OWNER && own);
    case RK_TRANSITION:
    case RK_PAGE_TRANSITION: {
        const transition *t = rt->t;
        if (t->flags & LC_BY_OWNER) /* (a decision completed, a review held) */
            return p == LEAD || (p == OWNER && own);
        if (p == ANON || !t->role) /* (role_by tables: none among isms's own registers yet) */
            return p != ANON && !t->role_by;
        if ((t->flags & LC_FOUR_EYES) && p == LEAD) /* the lead made the draft */
            return 0;
        return holds(p, t->role);
    }
    case RK_JOBS: /* (each sees their own: none but the lead's here) */
    case RK_PAGE_JOBS: return p != ANON;
    case RK_JOB_START: /* it saves an analysis: the isms-lead's */
    case RK_PAGE_JOB_START:
    case RK_JOB: /* job 1, the lead's: its starter's and the isms-lead's */
    case RK_PAGE_JOB:
    case RK_JOB_CANCEL:
    case RK_PAGE_JOB_CANCEL: return p == LEAD;
    case RK_ACCEPT:
    case RK_PAGE_ACCEPT:
        /* small risks: their owner, or a role with authority over others' */
        return p == LEAD || p == BOARD || (p == OWNER && own);
    }
    return -1;
}

static void form_pair(buf *b, const char *name, const char *v)
{
    buf_printf(b, "%s%s=", b->len ? "&" : "", name);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        buf_printf(b, isalnum(*p) || strchr("-._~", *p) ? "%c" : "%%%02X", *p);
}

/* A JSON body as the form a browser would post: money in major units
 * (the demo's EUR: two decimals), a set's members one by one. */
static char *form_of(const regdef *reg, char *json)
{
    json_t *j = json_loads(json, 0, NULL);
    free(json);
    buf b;
    buf_init(&b);
    const char *name;
    json_t *v;
    json_object_foreach(j, name, v)
    {
        char text[64];
        int i = regdef_field(reg, name);
        if (json_is_array(v)) {
            size_t k;
            json_t *m;
            json_array_foreach(v, k, m) form_pair(&b, name, json_string_value(m));
            continue;
        }
        if (json_is_integer(v) && i >= 0 && reg->fields[i].type == FT_MONEY)
            snprintf(text, sizeof text, "%.2f", (double)json_integer_value(v) / 100);
        else if (json_is_integer(v))
            snprintf(text, sizeof text, "%lld", (long long)json_integer_value(v));
        else if (json_is_boolean(v))
            snprintf(text, sizeof text, "%s", json_is_true(v) ? "true" : "false");
        form_pair(&b, name, json_is_string(v) ? json_string_value(v) : text);
    }
    json_decref(j);
    return buf_detach(&b);
}

/* The body each kind of route is tried with: valid where it matters, so
 * that the authority decides, not validation. */
static char *body_for(const route *rt, const char *key)
{
    char path[200];
    switch (rt->kind) {
    case RK_PAGE_CREATE: {
        route api = *rt;
        api.kind = RK_CREATE;
        return form_of(rt->reg, body_for(&api, key));
    }
    case RK_CREATE: {
        snprintf(path, sizeof path, "/api/v1/%s/%s", rt->reg->plural, key);
        json_t *tmpl = get_json(path);
        char *b = copy_body(rt->reg, tmpl,
                            has_owner(rt->reg) ? json_string_value(json_object_get(tmpl, "owner"))
                                               : NULL);
        json_decref(tmpl);
        return b;
    }
    case RK_UPDATE: { /* the label as it is: changes nothing, asks all the same */
        snprintf(path, sizeof path, "/api/v1/%s/%s", rt->reg->plural, key);
        json_t *cur = get_json(path);
        const char *label = field_def(rt->reg, rt->reg->label)->name;
        json_t *b = json_pack("{s:O}", label, json_object_get(cur, label));
        char *s = json_dumps(b, JSON_COMPACT);
        json_decref(b);
        json_decref(cur);
        return s;
    }
    case RK_JOB_START: return strdup("{\"kind\":\"control-return\",\"iterations\":1000}");
    case RK_PAGE_JOB_START: return strdup("kind=control-return&iterations=1000");
    case RK_ACCEPT: return strdup("{\"rationale\":\"authorisation test\"}");
    case RK_PAGE_ACCEPT: return strdup("rationale=authorisation+test");
    case RK_SIGN_IN: return strdup("[]");
    default: return NULL;
    }
}

/* Moves record `key` from its lifecycle's first state to `state`, each
 * step by someone who may: a role's holder (the board, who did not make
 * it), else the lead; a review is held on the inputs assembled for it. */
static void bring_to(const regdef *reg, const char *key, const char *state)
{
    const lifecycle *lc = reg->lifecycle;
    const char *now = lc->states[0];
    while (strcmp(now, state)) {
        const transition *step = NULL;
        for (int k = 0; k < lc->ntransitions && !step; k++)
            if (!strcmp(lc->transitions[k].from, now))
                step = &lc->transitions[k];
        if (!step)
            fail_msg("%s: no way from %s to %s", reg->name, now, state);
        if (reg == &reg_review && !strcmp(step->verb, "hold"))
            free(tu_isms_ok(wf_repo(), "--as", WF_LEAD, "review", "inputs", key));
        free(tu_isms_ok(wf_repo(), "--as", step->role ? WF_BOARD : WF_LEAD, reg->name, step->verb,
                        key));
        now = step->to;
    }
}

/* A fresh record for transition route rt, made by the lead (owned by the
 * owner persona for `own`, where the register has owners), in the state
 * the transition starts from. */
static void fresh_draft(const route *rt, int own, char *key, size_t n)
{
    const regdef *reg = rt->reg;
    json_t *tmpl = first_record(reg);
    const char *owner = has_owner(reg) ? (own ? OWNER_KEY : OTHER_KEY) : NULL;
    if (add_copy(reg, tmpl, owner, key, n) != 201)
        fail_msg("cannot make a draft %s", reg->name);
    json_decref(tmpl);
    bring_to(reg, key, rt->t->from);
}

static int failures;

/* How a refusal looks: 403 for a person; for nobody 401, or on a page a
 * browser asks for, 303 to the sign-in form. */
static int refusal(const route *rt, persona p)
{
    if (p != ANON)
        return 403;
    return !web_route_is_api(rt) && !strcmp(rt->method, "GET") ? 303 : 401;
}

static void try_route(const route *rt, persona p, int own)
{
    char key[32] = "", path[256];
    if (rt->reg) {
        const targets *t = targets_of(rt->reg);
        snprintf(key, sizeof key, "%s", own ? t->own : t->other);
        if (rt->kind == RK_TRANSITION || rt->kind == RK_PAGE_TRANSITION)
            fresh_draft(rt, own, key, sizeof key);
    } else if (strstr(rt->path, "/jobs/{key}"))
        snprintf(key, sizeof key, "1"); /* the lead's job (setup) */
    const char *at = strstr(rt->path, "{key}");
    if (at)
        snprintf(path, sizeof path, "%.*s%s%s", (int)(at - rt->path), rt->path, key, at + 5);
    else
        snprintf(path, sizeof path, "%s", rt->path);
    char *body = body_for(rt, key);
    tu_http r;
    if (!web_route_is_api(rt) && strcmp(rt->method, "GET"))
        wf_form(&r, who[p], path, body ? body : "");
    else
        wf_req(&r, who[p], rt->method, path, body, NULL);
    free(body);
    int allow = expected(rt, p, own);
    if (allow < 0)
        fail_msg("route %s %s (kind %d) has no authorisation rule", rt->method, rt->path, rt->kind);
    int ok = allow ? r.status != 401 && r.status != 403 && r.status < 500 && r.status
                   : r.status == refusal(rt, p);
    if (!ok) {
        failures++;
        fprintf(stderr, "%s %s as %s on %s record: expected %s, got %d %s\n", rt->method, path,
                persona_names[p], own ? "their own" : "another's", allow ? "allowed" : "denied",
                r.status, r.body ? r.body : "");
    }
    tu_http_free(&r);
}

static int is_retire(const route *rt)
{
    return rt->kind == RK_RETIRE || rt->kind == RK_PAGE_RETIRE;
}

static void every_route_every_role_own_and_others(void **state)
{
    (void)state;
    int n;
    const route *t = web_routes(&n);
    /* retirement last: what it retires stays retired for the routes after */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++) {
            if (is_retire(&t[i]) != pass || t[i].kind == RK_SIGN_OUT)
                continue;
            for (int own = 1; own >= 0; own--)
                for (int p = 0; p < NPERSONAS; p++)
                    try_route(&t[i], (persona)p, own);
        }
    /* signing out by token ends no session: last, as it is harmless */
    for (int i = 0; i < n; i++)
        if (t[i].kind == RK_SIGN_OUT)
            for (int p = 0; p < NPERSONAS; p++)
                try_route(&t[i], (persona)p, 1);
    assert_int_equal(failures, 0);
}

/* A route of a kind the rules do not know fails the test. */
static void a_route_without_a_rule_fails(void **state)
{
    (void)state;
    int n;
    const route *t = web_routes(&n);
    for (int i = 0; i < n; i++) /* every kind in the table has a rule */
        assert_true(expected(&t[i], LEAD, 1) >= 0);
    route unknown = t[0];
    unknown.kind = (route_kind)999;
    assert_int_equal(expected(&unknown, LEAD, 1), -1);
}

TU_MAIN(setup, wf_teardown, cmocka_unit_test(every_route_every_role_own_and_others),
        cmocka_unit_test(a_route_without_a_rule_fails))
