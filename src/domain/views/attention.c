/* attention.c: what needs attention, listed in full (see attention.h). */
#include "domain/views/attention.h"
#include "domain/views/query.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "domain/workflows/quantify.h"
#include "core/text.h"

#include <stdio.h>
#include <string.h>

const char *const att_list_names[] = { "unquantified", "outside-appetite", "matrix-disagrees",
                                       "untreated", NULL };

static const struct {
    const char *what, *why;
} lists[] = {
    [ATT_UNQUANTIFIED] = { "risks not quantified (no figures in money)",
                           "Without FAIR inputs a risk has no annual loss: it counts for nothing "
                           "in the portfolio, the objectives' certainty or a control's return. "
                           "Give each its frequency and magnitude (isms risk update), then "
                           "quantify it." },
    [ATT_OUTSIDE_APPETITE] = { "risks outside appetite by their latest analyses",
                               "The annual loss of each, as its latest analysis found it, lies "
                               "beyond the appetite the management body approved: treat it, or "
                               "take it to the body for acceptance (ISO/IEC 27001 Cl. 6.1.3)." },
    [ATT_MATRIX_DISAGREES] = { "risks whose matrix cell and figures in money lie more than one "
                               "band apart",
                               "The likelihood and impact given on the matrix say one thing, "
                               "the quantified figures another: one of the two is wrong, and "
                               "decisions rest on whichever is read. Settle them." },
    [ATT_UNTREATED] = { "risks to treat that no control in place treats",
                        "The treatment of each is neither accept nor avoid (mitigate, transfer, "
                        "or not decided yet), and no implemented or operating control treats "
                        "it: plan a control, or decide to accept or avoid it, so that the "
                        "treatment plan covers it (ISO/IEC 27001 Cl. 6.1.3, 8.3)." },
};

int att_list_parse(dom *d, const char *name, att_list *out, isms_err *e)
{
    int k = choice_index(att_list_names, name);
    *out = k >= 0 ? (att_list)k : ATT_UNQUANTIFIED;
    return k >= 0 ? 0
                  : err_set(e, E_INVALID, "list", "list %s: give %s", name,
                            choices_text(dom_arena(d), att_list_names));
}

/* The ids of the page, as the store gives them. */
typedef struct page_ids {
    int64_t *ids;
    int n, cap;
} page_ids;

static int take_id(const char *key, int64_t id, void *ctx)
{
    (void)key;
    page_ids *p = ctx;
    if (p->n < p->cap)
        p->ids[p->n++] = id;
    return 0;
}

/* One kept figure; E_CONFLICT where the schema keeps none. */
static int kept(dom *d, const char *name, int64_t *n, isms_err *e)
{
    if (!store_keeps_tallies(dom_store(d)))
        return err_set(e, E_CONFLICT, "repository",
                       "this repository's schema does not keep the dashboard's figures; open "
                       "it once with write access to upgrade it");
    return store_tally_sum(dom_store(d), &name, 1, n, e);
}

static int unquantified(dom *d, const store_page *at, dom_attention *out, page_ids *p, isms_err *e)
{
    int64_t risks, quantified;
    int rc =
        kept(d, store_keeps_accountability(dom_store(d)) ? TALLY_RECORDS_PREFIX "risk" : "risk",
             &risks, e);
    if (!rc)
        rc = kept(d, "risk.quantified", &quantified, e);
    if (rc)
        return rc;
    out->total = risks - quantified;
    if (out->total <= 0)
        return 0;
    store_query q;
    dom_unquantified_query(dom_arena(d), at->after || at->before ? 0 : at->offset, at->limit, &q);
    q.after = at->after;
    q.before = at->before;
    int64_t n;
    rc = store_ids(dom_store(d), &reg_risk, &q, NULL, 0, &p->ids, &n, dom_arena(d), e);
    p->n = (int)n;
    return rc;
}

static int untreated(dom *d, const store_page *at, dom_attention *out, page_ids *p, isms_err *e)
{
    store *st = dom_store(d);
    int64_t to_treat, treated;
    int rc = kept(d, "risk.to_treat", &to_treat, e);
    if (!rc)
        rc = store_keeps_link_tallies(st) ? kept(d, "risk.treated", &treated, e)
                                          : store_risks_treated(st, &treated, e);
    if (rc)
        return rc;
    out->total = to_treat - treated;
    return out->total > 0 ? store_risks_untreated(st, at, take_id, p, e) : 0;
}

static int flagged(dom *d, const store_page *at, dom_attention *out, page_ids *p, isms_err *e)
{
    if (!store_keeps_latest(dom_store(d)))
        return err_set(e, E_CONFLICT, "repository",
                       "this repository's schema does not keep each risk's latest analysis; "
                       "open it once with write access to upgrade it");
    return store_latest_flagged(dom_store(d), out->list == ATT_MATRIX_DISAGREES, at, take_id, p,
                                &out->total, e);
}

/* Each risk of the page, read by id. */
static int rows(dom *d, dom_attention *out, const page_ids *p, isms_err *e)
{
    int matrix = dom_matrix_size(d);
    out->rows = arena_alloc(dom_arena(d), sizeof *out->rows * (size_t)(p->n ? p->n : 1));
    for (int i = 0; i < p->n; i++) {
        record r;
        int rc = store_get_id(dom_store(d), &reg_risk, p->ids[i], &r, dom_arena(d), e);
        if (rc)
            return rc;
        out->rows[out->n++] = dom_dash_risk(&r, matrix);
    }
    dom_cursors(dom_arena(d), out->offset, p->n, out->limit, out->total, p->n ? p->ids[0] : 0,
                p->n ? p->ids[p->n - 1] : 0, &out->next, &out->prev);
    return 0;
}

static int check_page(const store_page *at, isms_err *e)
{
    const struct {
        const char *name;
        int64_t v;
    } given[] = { { "offset", at->offset }, { "after", at->after }, { "before", at->before } };
    for (size_t k = 0; k < sizeof given / sizeof *given; k++)
        if (given[k].v < 0)
            return err_set(e, E_INVALID, given[k].name, "%s %lld: give 0 or more", given[k].name,
                           (long long)given[k].v);
    if (at->limit < 0 || at->limit > ATT_PAGE_MAX)
        return err_set(e, E_INVALID, "limit", "limit %lld: give 1 to %d risks a page",
                       (long long)at->limit, ATT_PAGE_MAX);
    if (at->after && at->before)
        return err_set(e, E_INVALID, "before",
                       "before %lld: give the page after a risk or the one before another, not "
                       "both",
                       (long long)at->before);
    return 0;
}

int dom_attention_read(dom *d, att_list list, const store_page *at, dom_attention *out, isms_err *e)
{
    memset(out, 0, sizeof *out);
    if ((int)list < 0 || list >= ATT_NLISTS)
        return err_set(e, E_INVALID, "list", "list %d: no such list", (int)list);
    int rc = check_page(at, e);
    if (rc)
        return rc;
    now_timestamp(out->computed_at);
    out->list = list;
    out->what = lists[list].what;
    out->why = lists[list].why;
    out->offset = at->offset;
    out->limit = at->limit ? (int)at->limit : ATT_PAGE;
    store_page page = *at;
    page.limit = out->limit;
    page_ids p = { arena_alloc(dom_arena(d), sizeof *p.ids * (size_t)out->limit), 0, out->limit };
    rc = list == ATT_UNQUANTIFIED ? unquantified(d, &page, out, &p, e)
         : list == ATT_UNTREATED  ? untreated(d, &page, out, &p, e)
                                  : flagged(d, &page, out, &p, e);
    return rc ? rc : rows(d, out, &p, e);
}
