/* cmd_metric.c: isms metric measure (the metrics measured from the data
 * as it stands: domain/views/metrics.h) and isms metric measures (what
 * each measure counts). */
#include "cli/cli_internal.h"
#include "domain/registers/registers.h"
#include "domain/views/metrics.h"
#include "formats/json.h"
#include "web/views_json.h"

#include <stdio.h>

static void print_measured(cli *c, const dom_measured *m)
{
    if (c->json) {
        json_t *o = measured_json(m);
        js_write(c->out, o, 1);
        json_decref(o);
        return;
    }
    static const char *const heads[] = { "metric", "measurement", "value", "status", NULL };
    ttab *t = ttab_new(c, heads, "llrl");
    for (size_t k = 0; k < m->n; k++) {
        const dom_measured_item *it = &m->items[k];
        const char *cells[] = { it->metric, it->measurement,
                                it->known ? arena_printf(c->a, "%lld", (long long)it->value) : NULL,
                                it->status };
        ttab_row(t, cells);
    }
    if (m->n)
        ttab_print(t, "");
    fprintf(c->out, "measured %zu metric%s at %s", m->n, m->n == 1 ? "" : "s", m->at);
    if (m->not_due)
        fprintf(c->out, "; %lld not yet due (--all measures them too)", (long long)m->not_due);
    if (m->not_yours)
        fprintf(c->out, "; %lld of other owners left out", (long long)m->not_yours);
    fprintf(c->out, "\n");
}

int cmd_metric_measure(cli *c, isms_err *e)
{
    int rc = cli_open(c, e);
    if (rc)
        return rc;
    dom_measured m;
    rc = dom_metrics_measure(c->d, c->args, c->nargs, cli_opt_given(c, "all"), &m, e);
    if (!rc)
        print_measured(c, &m);
    return rc;
}

int cmd_metric_measures(cli *c, isms_err *e)
{
    int rc = cli_need_args(c, 0, "no arguments", e);
    if (rc)
        return rc;
    if (c->json) {
        json_t *a = json_array();
        for (int k = 0; k < METRIC_NMEASURES; k++) {
            const metric_measure *m = &metric_measures[k];
            json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:s}", "measure", m->name,
                                               "unit", metric_unit_name(m->unit), "better",
                                               m->higher_better ? "higher" : "lower", "kind",
                                               m->kind, "measures", m->what));
        }
        js_write(c->out, a, 1);
        json_decref(a);
        return 0;
    }
    static const char *const heads[] = {
        "measure", "unit", "better", "kind", "what it counts", NULL
    };
    ttab *t = ttab_new(c, heads, "lllll");
    ttab_limit(t, 4, 90);
    for (int k = 0; k < METRIC_NMEASURES; k++) {
        const metric_measure *m = &metric_measures[k];
        const char *cells[] = { m->name, metric_unit_name(m->unit),
                                m->higher_better ? "higher" : "lower", m->kind, m->what };
        ttab_row(t, cells);
    }
    ttab_print(t, "");
    return 0;
}
