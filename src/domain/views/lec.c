/* lec.c: a risk's loss exceedance chart (see lec.h). */
#include "domain/views/lec.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

/* The verdict a board reads first: where the current residual stands at
 * the appetite's confidence, against the appetite. */
static void lec_verdict(dom *d, const risk_quant *q, svg_lec_chart *ch)
{
    const quant_threshold *t = &q->threshold;
    char loss[64], appetite[64];
    svg_amount(loss, sizeof loss, dom_currency(d), q->current.stats.var);
    if (!t->set) {
        ch->subtitle = arena_printf(
            dom_arena(d), "No approved appetite to judge against; current residual P95 %s", loss);
        return;
    }
    svg_amount(appetite, sizeof appetite, dom_currency(d), t->appetite);
    ch->subtitle =
        arena_printf(dom_arena(d), "Current residual: %s: P%d loss %s %s appetite %s (%s)",
                     q->outside_appetite ? "OUTSIDE APPETITE" : "within appetite", t->confidence,
                     loss, q->outside_appetite ? "above the" : "within the", appetite, t->source);
    ch->subtitle_color = q->outside_appetite ? "#b03a2e" : "#1e7b34";
}

/* The appetite's line (the loss exceeded 1 year in N) and the amounts on it. */
static void lec_threshold(dom *d, const risk_quant *q, dom_lec *l)
{
    const quant_threshold *t = &q->threshold;
    svg_lec_chart *ch = &l->chart;
    if (!t->set)
        return;
    arena *a = dom_arena(d);
    double level = 1.0 - t->confidence / 100.0;
    ch->level = level;
    ch->level_tick = arena_printf(a, "%g%%", 100 * level);
    ch->level_name = arena_printf(a, "P%d (1 year in %.0f)", t->confidence, 1.0 / level);
    l->marks[ch->nmarkers++] =
        (svg_marker){ arena_printf(a, "appetite (%s)", t->source), t->appetite };
    if (t->tolerance > 0)
        l->marks[ch->nmarkers++] = (svg_marker){ "tolerance", t->tolerance };
    ch->markers = l->marks;
    if (q->current.stats.var > 0) {
        char loss[64];
        svg_amount(loss, sizeof loss, dom_currency(d), q->current.stats.var);
        l->point = (svg_point){ arena_printf(a, "current P%d %s", t->confidence, loss),
                                q->current.stats.var, level, "#1f5fa8" };
        ch->points = &l->point;
        ch->npoints = 1;
    }
}

void dom_risk_lec(dom *d, const risk_quant *q, dom_lec *l)
{
    memset(l, 0, sizeof *l);
    const quant_scenario *sc[3] = { &q->inherent, &q->current, &q->target };
    for (int s = 0; s < 3; s++)
        for (int k = 0; k < QUANT_LEC_POINTS; k++) {
            l->x[s][k] = sc[s]->lec[k].loss;
            l->y[s][k] = sc[s]->lec[k].p_exceed;
        }
    /* Equal curves stay apart: a wide pale line under a solid one under a
     * dashed one. */
    static const svg_series looks[3] = {
        { "inherent", "without controls", NULL, NULL, 0, "#b8b8b8", NULL, 6 },
        { "current residual", "controls in place", NULL, NULL, 0, "#1f5fa8", NULL, 2.5 },
        { "target residual", "with the planned ones too", NULL, NULL, 0, "#2a8a3e", "8,5", 2.5 },
    };
    for (int s = 0; s < 3; s++) {
        l->series[s] = looks[s];
        l->series[s].x = l->x[s];
        l->series[s].y = l->y[s];
        l->series[s].n = QUANT_LEC_POINTS;
    }
    char today[11], years[32];
    if (q->ran_at && strlen(q->ran_at) >= 10)
        snprintf(today, sizeof today, "%.10s", q->ran_at); /* the day it ran */
    else
        now_date(today);
    format_money(years, sizeof years, (int64_t)q->iterations, 0);
    arena *a = dom_arena(d);
    l->chart = (svg_lec_chart){
        .title = arena_printf(a, "%s %s: loss exceedance", q->key, q->title),
        .footer =
            arena_printf(a, "%s%s · %s · %s simulated years · seed %llu · %s",
                         q->analysis ? "analysis " : "not saved", q->analysis ? q->analysis : "",
                         today, years, (unsigned long long)q->seed, q->engine),
        .currency = dom_currency(d),
        .series = l->series,
        .nseries = 3,
    };
    lec_verdict(d, q, &l->chart);
    lec_threshold(d, q, l);
}
