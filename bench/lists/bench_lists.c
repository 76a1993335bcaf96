/* bench_lists REPO KIND: one list request's store side, as the list pages
 * and GET /api/v1/risks run it (web_list_run: the total, then the page of
 * 50), uncached, for callgrind to count alone (its collection is on only
 * around the request: run under --collect-atstart=no). KIND:
 *   default        the first page, by key
 *   sorted         sort=-title, first page
 *   sorted-deep    sort=-title, the page after the middle record (a cursor)
 *   level-deep     sort=-likelihood (five values, a fifth of the risks
 *                  each), the page after the middle record
 *   sorted-owner   sort=owner (a reference), first page
 *   unindexed      sort=lef (no index: a field that is no list column)
 *   search         q=4711 (a word few records start with)
 *   search-common  q=supplier (a word every risk of bench_scale holds)
 *   search-prefix  q=suppl (the start of that word, itself no word)
 *   search-sorted  q=supplier&sort=-title (the same by another order; on a
 *                  repository where the last titles hold it seldom, the
 *                  20,000 rows tested before the index takes over)
 *   search-none    q=zzz (a word no record starts with: an empty page)
 *   search-key     q=RISK-5 (a key typed as shown: "risk", every risk's,
 *                  and "5", which starts the words of 111,111 at 1M)
 *   search-keyword q=risk (every risk's key: the register's whole list)
 *   search-filter  q=supplier&likelihood=3 (a fifth of the risks: the
 *                  count's words tested on the filter's rows where those
 *                  are 10,000 or fewer, else through the index)
 *   search-people  the people searched for "supplier" (a word of every
 *                  risk and of no person: the words of one register)
 *   review-date    sort=review_date (0035's index; the dashboard's link)
 *   filter         treatment=mitigate (an enum filter every risk passes), first page
 *   filter-sorted  likelihood=3&sort=impact (a fifth of the risks, by another column)
 *   filter-owner   owner=PER-2 (a reference every risk of bench_scale holds)
 *   filter-level   residual_likelihood=3 (a level; not assessed, the inherent one counts)
 *   set            objectives=OBJ-1 (a set's member: 8 % of bench_scale's risks), first page
 *   set-deep       the same, the page after the middle record (a cursor)
 *   set-sorted     the same, sort=-title
 *   retired        retired=only (the retired risks: a few among all), first page
 *   retired-sorted the same, sort=-title
 *   retired-search the same, q=supplier (a word every risk holds)
 *   state-NAME     ?state=NAME, a state of states.h (overdue, untreated,
 *                  unaccepted, no-objective, outside-appetite); with
 *                  "@FIELD", sorted by it (state-overdue@review_date: the
 *                  dashboard's link)
 * With a third argument "cold" the request is the first (it counts the
 * total); else the second, the total kept (what a list page pays while the
 * repository does not change). Prints the page's first key and the total. bench/lists/run.sh runs it. */
#include "bench/support/util.h"
#include "domain/registers/registers.h"
#include "domain/views/states.h"
#include "web/web_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_lists REPO KIND\n");
        return 2;
    }
    isms_err e = { 0 };
    dom *d;
    if (dom_open(argv[1], &d, &e))
        bench_die("open", &e);
    if (dom_begin(d, NULL, &e))
        bench_die("begin", &e);
    web_req r = { .d = d };
    web_list l = { .reg = &reg_risk };
    const char *k = argv[2];
    char cursor[64];
    int64_t n = 0;
    if (!strcmp(k, "sorted-deep") || !strcmp(k, "level-deep") || !strcmp(k, "set-deep")) {
        isms_err ce = { 0 };
        store_count(dom_store(d), &reg_risk, NULL, &n, &ce);
        snprintf(cursor, sizeof cursor, "%lda%ld", (long)(n / 2), (long)(n / 2));
        l.cursor = cursor;
    }
    if (!strncmp(k, "sorted", 6))
        l.sort = !strcmp(k, "sorted-owner") ? "owner" : "-title";
    if (!strcmp(k, "level-deep"))
        l.sort = "-likelihood";
    if (!strcmp(k, "unindexed"))
        l.sort = "lef";
    if (!strcmp(k, "search"))
        l.q = "4711";
    if (!strcmp(k, "search-common") || !strcmp(k, "search-people") || !strcmp(k, "search-sorted"))
        l.q = "supplier";
    if (!strcmp(k, "search-sorted"))
        l.sort = "-title";
    if (!strcmp(k, "search-prefix"))
        l.q = "suppl";
    if (!strcmp(k, "search-people"))
        l.reg = &reg_person;
    if (!strcmp(k, "search-none"))
        l.q = "zzz";
    if (!strcmp(k, "search-key"))
        l.q = "RISK-5";
    if (!strcmp(k, "search-keyword"))
        l.q = "risk";
    if (!strcmp(k, "review-date"))
        l.sort = "review_date";
    if (!strcmp(k, "search-filter")) {
        l.q = "supplier";
        l.filters[0] = (dom_filter_arg){ web_field(&reg_risk, "likelihood"), "3" };
        l.nfilters = 1;
    }
    if (!strcmp(k, "filter-sorted")) {
        l.filters[0] = (dom_filter_arg){ web_field(&reg_risk, "likelihood"), "3" };
        l.nfilters = 1;
        l.sort = "impact";
    }
    if (!strcmp(k, "filter-owner")) {
        l.filters[0] = (dom_filter_arg){ web_field(&reg_risk, "owner"), "PER-2" };
        l.nfilters = 1;
    }
    if (!strncmp(k, "set", 3)) {
        l.filters[0] = (dom_filter_arg){ web_field(&reg_risk, "objectives"), "OBJ-1" };
        l.nfilters = 1;
        l.sort = !strcmp(k, "set-sorted") ? "-title" : NULL;
    }
    if (!strcmp(k, "filter-level")) {
        l.filters[0] = (dom_filter_arg){ web_field(&reg_risk, "residual_likelihood"), "3" };
        l.nfilters = 1;
    }
    if (!strncmp(k, "retired", 7)) {
        l.retired = "only";
        l.sort = !strcmp(k, "retired-sorted") ? "-title" : NULL;
        l.q = !strcmp(k, "retired-search") ? "supplier" : NULL;
    }
    if (!strcmp(k, "filter")) {
        l.filters[0] = (dom_filter_arg){ web_field(&reg_risk, "treatment"), "mitigate" };
        l.nfilters = 1;
    }
    if (!strncmp(k, "state-", 6)) {
        int ns;
        const dom_state *st = dom_states(&reg_risk, &ns);
        const char *by = strchr(k, '@');
        size_t len = by ? (size_t)(by - k - 6) : strlen(k + 6);
        for (int j = 0; j < ns; j++)
            if (strlen(st[j].name) == len && !strncmp(st[j].name, k + 6, len))
                l.states[l.nstates++] = j;
        l.sort = by ? by + 1 : l.sort;
        if (!l.nstates) {
            fprintf(stderr, "bench_lists: no state %s\n", k + 6);
            return 2;
        }
    }
    /* the total is kept while the repository stays as it is (dom_cached):
     * a second request pays the page alone; "cold" counts the first */
    int cold = argc > 3 && !strcmp(argv[3], "cold");
    web_list again = l;
    int rc = cold ? 0 : web_list_run(&r, &l, &e);
    l = again;
    CALLGRIND_TOGGLE_COLLECT;
    if (!rc)
        rc = web_list_run(&r, &l, &e);
    CALLGRIND_TOGGLE_COLLECT;
    if (rc)
        bench_die("list", &e);
    printf("%s: %lld of %lld, first %s\n", k, (long long)l.n, (long long)l.total,
           l.n ? l.items[0].key : "-");
    dom_end(d);
    dom_close(d);
    return 0;
}
