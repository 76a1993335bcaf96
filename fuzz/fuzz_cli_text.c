/* fuzz_cli_text: the values users type for record fields (CLI flags, form
 * fields), through the one door every front end uses: dom_set_text() on a
 * field of a register (dom_parse_filter() for fields only the workflow
 * sets). That is money at the organisation's exponent, whole numbers,
 * booleans, dates, timestamps, enum values, keys of references and links
 * (dom_key), enum sets, distributions and free text.
 *
 * Input: "<register>.<field>=<value>", e.g. "risk.lef=pert(1,2,6)" or
 * "objective.value_at_stake=1,000.50"; "key=<value>" normalises a key as
 * typed on the command line (isms risk show risk-1). A name that names no
 * field still picks one (by its bytes), so no input is wasted.
 *
 * Beyond not crashing, what was accepted must be what a reader of the
 * record gets back: an amount formats and parses back to the same minor
 * units; a date is a day of the calendar (moving it by zero days gives it
 * back); a number is within the field's bounds; a key is normalised once
 * and for all; set members are trimmed, distinct and valid; a distribution
 * is stored in its canonical text (a fixpoint of parse and format). */
#include "core/text.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "risk/dist.h"

#include <stdint.h>
#include "domain/registers/validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dom *repository(void)
{
    static dom *d;
    if (!d) {
        isms_err e = { 0 };
        if (dom_create(":memory:", &(principal){ .actor = "fuzz" }, DOM_CREATE_BARE, &d, &e)) {
            fprintf(stderr, "fuzz_cli_text: %s\n", e.msg);
            abort();
        }
    }
    return d;
}

static void need(int ok)
{
    if (!ok)
        abort();
}

/* The field "<register>.<field>" names, or one chosen by the name's bytes. */
static void pick_field(const char *name, const regdef **reg, int *fi)
{
    const char *dot = strchr(name, '.');
    if (dot) {
        char rname[64];
        size_t n = (size_t)(dot - name);
        if (n < sizeof rname) {
            memcpy(rname, name, n);
            rname[n] = 0;
            *reg = register_find(rname);
            *fi = *reg ? regdef_field(*reg, dot + 1) : -1;
            if (*reg && *fi >= 0)
                return;
        }
    }
    unsigned h = 0, total = 0;
    for (const char *p = name; *p; p++)
        h = h * 31 + (unsigned char)*p;
    for (int r = 0; registers[r]; r++)
        total += (unsigned)registers[r]->nfields;
    h %= total;
    for (int r = 0; registers[r]; r++) {
        if (h < (unsigned)registers[r]->nfields) {
            *reg = registers[r];
            *fi = (int)h;
            return;
        }
        h -= (unsigned)registers[r]->nfields;
    }
}

/* A key as typed: normalised once and for all, differing only in case. */
static void check_key(dom *d, const char *typed, const char *k)
{
    need(strlen(k) == strlen(typed) && !strcasecmp(k, typed));
    need(!strcmp(dom_key(d, k), k));
}

static void check_money(dom *d, record *r, int fi, int64_t minor)
{
    need(minor >= 0);
    char text[64];
    format_money(text, sizeof text, minor, dom_currency_exponent(d));
    record again;
    record_init(&again, r->reg, dom_arena(d));
    need(dom_parse_filter(d, &again, fi, text, NULL) == 0 && again.v[fi].i == minor);
}

static void check_date(const char *s)
{
    char same[11], next[11];
    date_add_days(same, s, 0);
    need(!strcmp(same, s));
    date_add_days(next, s, 1);
    need(date_diff_days(s, next) == 1);
}

static void check_set(dom *d, const fielddef *f, const value *v)
{
    for (int k = 0; k < v->n; k++) {
        const char *m = v->keys[k];
        need(*m && m[0] != ' ' && m[strlen(m) - 1] != ' ' && !strchr(m, ','));
        for (int j = 0; j < k; j++)
            need(strcmp(v->keys[j], m) != 0);
        if (f->type == FT_ENUMSET)
            need(choice_index(f->choices, m) >= 0);
        else
            need(!strcmp(dom_key(d, m), m));
    }
}

static void check_dist(const char *canonical)
{
    dist x = { 0 };
    need(dist_parse(canonical, &x, "fuzz", NULL) == 0);
    buf b;
    buf_init(&b);
    dist_format(&x, &b);
    need(!strcmp(buf_str(&b), canonical));
    buf_reset(&b);
    dist_reset(&x);
}

/* What the field holds after `text` was accepted. */
static void check_value(dom *d, record *r, int fi, const char *text)
{
    const fielddef *f = &r->reg->fields[fi];
    const value *v = &r->v[fi];
    if (f->type == FT_LINKS || f->type == FT_ENUMSET) {
        check_set(d, f, v);
        return;
    }
    if (v->null) {
        need(!*text);
        return;
    }
    switch (f->type) {
    case FT_TEXT:
        need(!strcasecmp(v->s, text) && ((f->flags & FF_FOLD) || !strcmp(v->s, text)));
        break;
    case FT_INT: {
        char back[32];
        int64_t again;
        need(v->i >= f->min && v->i <= f->max);
        snprintf(back, sizeof back, "%lld", (long long)v->i);
        need(parse_int64("n", back, f->min, f->max, &again, NULL) == 0 && again == v->i);
        break;
    }
    case FT_MONEY: check_money(d, r, fi, v->i); break;
    case FT_BOOL: need(v->i == 0 || v->i == 1); break;
    case FT_DATE: check_date(v->s); break;
    case FT_TIME: {
        char day[11];
        memcpy(day, v->s, 10);
        day[10] = 0;
        need(strlen(v->s) == 20 && parse_date("d", day, NULL) == 0);
        check_date(day);
        break;
    }
    case FT_ENUM: need(choice_index(f->choices, v->s) >= 0); break;
    case FT_REF: check_key(d, text, v->s); break;
    case FT_DIST: check_dist(v->s); break;
    default: break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dom *d = repository();
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = 0;
    char *eq = strchr(s, '=');
    const char *name = s, *text = eq ? eq + 1 : s;
    if (eq)
        *eq = 0;
    if (eq && !strcmp(name, "key")) {
        check_key(d, text, dom_key(d, text));
    } else {
        const regdef *reg = NULL;
        int fi = 0;
        pick_field(name, &reg, &fi);
        record r;
        record_init(&r, reg, dom_arena(d));
        /* Parsed, then validated, as every value from a person is. */
        int rc = (reg->fields[fi].flags & FF_SYSTEM) ? dom_parse_filter(d, &r, fi, text, NULL)
                                                     : dom_set_text(d, &r, fi, text, NULL);
        if (rc == 0)
            rc = dom_validate_value(d, reg, fi, &r.v[fi], 0, NULL);
        if (rc == 0)
            check_value(d, &r, fi, text);
    }
    arena_reset(dom_arena(d));
    free(s);
    return 0;
}
