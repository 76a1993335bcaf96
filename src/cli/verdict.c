/* verdict.c: wording verdicts and certainties (see verdict.h). */
#include "cli/verdict.h"
#include "core/text.h"

#include <math.h>
#include <string.h>

const char *cli_major(cli *c, double major)
{
    if (!isfinite(major))
        return "-";
    char amount[64];
    format_money(amount, sizeof amount, (int64_t)llround(major), 0);
    return arena_printf(c->a, "%s %s", dom_currency(c->d), amount);
}

static const char *against(cli *c, const quant_threshold *t)
{
    return t->inherited
               ? arena_printf(c->a,
                              "; judged against the organisation's appetite %s (none of its own)",
                              t->source)
               : arena_printf(c->a, " (%s)", t->source);
}

const char *cli_verdict_text(cli *c, const quant_judgement *j, const quant_threshold *t)
{
    const char *measure = arena_printf(c->a, "P%d %s", t->confidence, cli_major(c, j->measure));
    switch (j->verdict) {
    case QV_NO_APPETITE: return "not judged: no appetite approved";
    case QV_NOT_QUANTIFIED:
        return arena_printf(c->a, "NOT QUANTIFIED: none of its %zu risk%s has FAIR inputs",
                            j->unquantified, j->unquantified == 1 ? "" : "s");
    case QV_WITHIN:
        return arena_printf(c->a, "within appetite: %s, %s below appetite %s%s", measure,
                            cli_major(c, j->margin), cli_major(c, t->appetite), against(c, t));
    case QV_ABOVE_APPETITE:
        if (t->tolerance <= 0)
            return arena_printf(
                c->a, "ABOVE APPETITE (no tolerance set): %s, %s above appetite %s%s", measure,
                cli_major(c, j->margin), cli_major(c, t->appetite), against(c, t));
        return arena_printf(c->a,
                            "ABOVE APPETITE, within tolerance: %s, %s above appetite %s, %s below "
                            "tolerance%s",
                            measure, cli_major(c, j->margin), cli_major(c, t->appetite),
                            cli_major(c, t->tolerance - j->measure), against(c, t));
    case QV_ABOVE_TOLERANCE:
        return arena_printf(c->a, "ABOVE TOLERANCE: %s, %s above tolerance %s; appetite %s%s",
                            measure, cli_major(c, j->margin), cli_major(c, t->tolerance),
                            cli_major(c, t->appetite), against(c, t));
    }
    return "";
}

const char *cli_certainty_text(cli *c, const quant_judgement *j, const quant_threshold *t)
{
    if (j->verdict == QV_NOT_QUANTIFIED)
        return "no certainty: none of its risks is quantified";
    if (j->certainty < 0)
        return "no certainty: no appetite approved";
    const char *within = t->tolerance > 0 ? "tolerance" : "appetite (no tolerance set)";
    if (j->unquantified)
        return arena_printf(
            c->a, "at most %.1f%% certain to stay within %s: %zu risk%s not quantified",
            100 * j->certainty, within, j->unquantified, j->unquantified == 1 ? "" : "s");
    return arena_printf(c->a, "%.1f%% certain to stay within %s", 100 * j->certainty, within);
}

static double num(json_t *o, const char *name)
{
    json_t *v = json_object_get(o, name);
    return json_is_number(v) ? json_number_value(v) : -1;
}

/* An amount of an analysis in major units, or -1 when it has none. */
static double amount(json_t *o, const char *name, double per_major)
{
    json_t *v = json_object_get(o, name);
    return json_is_number(v) ? json_number_value(v) / per_major : -1;
}

double cli_analysis_per_major(cli *c, json_t *doc)
{
    const char *money = json_string_value(json_object_get(doc, "money"));
    return money && !strcmp(money, "minor units") ? pow(10, dom_currency_exponent(c->d)) : 1;
}

void cli_judgement_of_json(json_t *o, double per_major, quant_judgement *j, quant_threshold *t)
{
    memset(j, 0, sizeof *j);
    memset(t, 0, sizeof *t);
    json_t *app = json_object_get(o, "appetite"), *v = json_object_get(o, "verdict");
    if (json_is_object(app)) {
        t->set = 1;
        t->source = json_string_value(json_object_get(app, "statement"));
        t->appetite = amount(app, "appetite", per_major);
        t->tolerance = amount(app, "tolerance", per_major);
        t->confidence = (int)num(app, "confidence");
        t->inherited = json_is_true(json_object_get(app, "organisation_wide"));
    }
    const char *name = json_string_value(json_object_get(v, "verdict"));
    for (int k = QV_NO_APPETITE; name && k <= QV_NOT_QUANTIFIED; k++)
        if (!strcmp(name, quant_verdict_name((quant_verdict)k)))
            j->verdict = (quant_verdict)k;
    j->measure = amount(v, "loss", per_major);
    j->margin = amount(v, "margin", per_major);
    j->certainty = num(v, "certainty");
    j->unquantified = (size_t)fmax(0, num(v, "risks_not_quantified"));
}
