#include "support/domutil.h"
#include "support/testutil.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/integrity/verify.h"
#include "domain/views/links.h"
#include "store/store.h"
#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static record *make_v(dom *d, const regdef *reg, va_list ap)
{
    record *r = arena_alloc(dom_arena(d), sizeof *r);
    record_init(r, reg, dom_arena(d));
    const char *pair;
    while ((pair = va_arg(ap, const char *))) {
        const char *eq = strchr(pair, '=');
        char *name = arena_strndup(dom_arena(d), pair, (size_t)(eq - pair));
        isms_err e = { 0 };
        int f = regdef_field(reg, name);
        if (f < 0 || dom_set_text(d, r, f, eq + 1, &e))
            fail_msg("%s: %s", pair, e.msg);
    }
    return r;
}

record *tu_make(dom *d, const regdef *reg, ...)
{
    va_list ap;
    va_start(ap, reg);
    record *r = make_v(d, reg, ap);
    va_end(ap);
    return r;
}

const char *tu_add(dom *d, record *r)
{
    record out;
    isms_err e = { 0 };
    if (dom_add(d, r, &out, &e))
        fail_msg("add %s: %s", r->reg->name, e.msg);
    return out.key;
}

static int64_t records_of(dom *d, const regdef *reg)
{
    int64_t n = 0;
    isms_err e = { 0 };
    store_query all = { .include_retired = 1 };
    if (store_count(dom_store(d), reg, &all, &n, &e))
        fail_msg("count %s: %s", reg->name, e.msg);
    return n;
}

void tu_add_refused(dom *d, record *r, int code, const char *field, const char *says)
{
    record out;
    isms_err e = { 0 };
    int64_t before = records_of(d, r->reg);
    int rc = dom_add(d, r, &out, &e);
    if (rc != code || strcmp(e.field, field) || !strstr(e.msg, says))
        fail_msg("add %s: %d %s \"%s\", not %d %s \"%s\"", r->reg->name, rc, e.field, e.msg, code,
                 field, says);
    if (records_of(d, r->reg) != before)
        fail_msg("add %s: refused, but a record was written", r->reg->name);
}

void tu_due_is(dom *d, const char *who, const char *upto, const char *key, const char *date)
{
    record person;
    isms_err e = { 0 };
    dom_due due;
    if (dom_get(d, &reg_person, who, &person, &e) || dom_due_of(d, &person, upto, 10, &due, &e))
        fail_msg("due of %s: %s", who, e.msg);
    if (due.n != (key ? 1 : 0))
        fail_msg("%d due of %s, not %d", due.n, who, key ? 1 : 0);
    if (key && (strcmp(due.items[0].key, key) || strcmp(due.items[0].date, date)))
        fail_msg("due of %s: %s at %s, not %s at %s", who, due.items[0].key, due.items[0].date, key,
                 date);
}

void tu_as(dom *d, const char *who)
{
    principal p;
    isms_err e = { 0 };
    if (dom_principal(d, who, &p, &e) || dom_begin(d, &p, &e))
        fail_msg("as %s: %s", who ? who : "the process", e.msg);
}

dom *tu_create(const char *name, const char *actor)
{
    dom *d;
    isms_err e = { 0 };
    if (dom_create(tu_repo(name), &(principal){ .actor = actor }, 0, &d, &e))
        fail_msg("create %s: %s", name, e.msg);
    return d;
}

void tu_clock(void) { setenv("ISMS_NOW", "2026-11-23T12:00:00Z", 1); }

int tu_close(dom *d)
{
    dom_close(d);
    unsetenv("ISMS_NOW");
    return 0;
}

void tu_verified(dom *d)
{
    verify_report rep;
    verify_report_init(&rep);
    isms_err e = { 0 };
    assert_int_equal(dom_verify(d, &rep, &e), 0);
    if (rep.problems)
        fail_msg("verify: %s", buf_str(&rep.details));
    verify_report_reset(&rep);
}

void tu_add_people(dom *d)
{
    tu_add(d, tu_make(d, &reg_person, "name=Dana", "email=dana@x.example", "roles=management-body",
                      NULL));
    tu_add(d,
           tu_make(d, &reg_person, "name=Omar", "email=omar@x.example", "roles=risk-owner", NULL));
}

void tu_org(dom *d, ...)
{
    va_list ap;
    va_start(ap, d);
    record *org = make_v(d, &reg_org, ap);
    va_end(ap);
    record out;
    isms_err e = { 0 };
    if (dom_org_set(d, org, &out, &e))
        fail_msg("org: %s", e.msg);
}

void tu_quantify(dom *d, const char *key, quant_opts o, risk_quant *q)
{
    isms_err e = { 0 };
    if (dom_risk_quantify(d, key, &o, q, &e))
        fail_msg("quantify %s: %s", key, e.msg);
}

void tu_quantify_all(dom *d, quant_opts o, portfolio_quant *p)
{
    isms_err e = { 0 };
    if (dom_portfolio_quantify(d, &o, 1, p, &e))
        fail_msg("quantify the portfolio: %s", e.msg);
}

static void figure_differs(const char *name, int64_t kept, int64_t counted, void *ctx)
{
    fprintf(stderr, "  figure %s: kept %lld, counted %lld\n", name, (long long)kept,
            (long long)counted);
    (*(int *)ctx)++;
}

void tu_figures_as_counted(dom *d)
{
    tallies kept, counted;
    tallies_init(&kept);
    tallies_init(&counted);
    isms_err e = { 0 };
    if (tallies_read(d, NULL, &kept, &e) || dom_tallies_recount(d, &counted, &e))
        fail_msg("tallies: %s", e.msg);
    int differ = 0;
    tallies_compare(&kept, &counted, figure_differs, &differ);
    tallies_reset(&kept);
    tallies_reset(&counted);
    if (differ)
        fail_msg("%d kept figures differ from their count", differ);
}
