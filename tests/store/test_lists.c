/* The list pages' store side (0013_lists.sql, issue 17): a sorted page is
 * read from an index and continued from a cursor, a text search looks the
 * query's words up in the word table. Whatever the path, the answer must
 * be what a plain computation over every record says:
 *   - every page of every sortable list column of the risks, both ways,
 *     followed by its cursors (after the last, before the first), is the
 *     full sort done here (bytes, nulls last, ties by id);
 *   - a search is the reference filter here (each query word starts a
 *     word of the key or a text field, case and accents aside) over titles
 *     with accents, capitals and punctuation;
 *   - the records are written at the schema before 0013 (the upgrade
 *     fills the words), then added to, updated and retired after it (the
 *     writes keep them);
 *   - only the key and the short list texts are searched (a risk's
 *     description and treatment plan, a requirement's statement are not),
 *     the built-in catalogue (written many records to a statement) too;
 *   - the columns people sort by get an index, the others do not. */
#include "support/testutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "store/store.h"
#include "store/store_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *repo;

/* Titles for the search: accents, capitals, punctuation, a shared word. */
static const char *const titles[] = {
    "Café-Crème outage", "CAFÉ supplier: failure", "naïve Über-admin", "déjà vu, again",
    "e-mail (phishing)", "Supplier failure",       "Payroll fraud",    "über payroll",
    "Crème brûlée",      "x.example lookalike",    "Outage of DNS",    "Ransomware",
};
enum { NTITLES = sizeof titles / sizeof *titles };

static void add_risk(int k, const char *title)
{
    char l[4], i[4];
    snprintf(l, sizeof l, "%d", 1 + k % 3); /* ties */
    snprintf(i, sizeof i, "%d", 1 + (k * 7) % 4);
    const char *argv[20] = {
        "risk",         "add", "--title",  title, "--owner", k % 2 ? "PER-1" : "PER-2",
        "--likelihood", l,     "--impact", i
    };
    int n = 10;
    if (k % 3 == 0) { /* residual set on some, null on the others */
        argv[n++] = "--residual-likelihood";
        argv[n++] = "1";
    }
    if (k % 4 == 1) {
        argv[n++] = "--treatment";
        argv[n++] = k % 8 == 1 ? "mitigate" : "accept";
    }
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    if (r.status)
        fail_msg("risk add %s: %s", title, r.err);
    tu_result_free(&r);
}

static int setup(void **state)
{
    (void)state;
    repo = tu_repo("lists.isms");
    /* the schema before 0013: the upgrades must fill the words */
    char v[16];
    snprintf(v, sizeof v, "%d", store_migration_version("0013_") - 1);
    setenv("ISMS_MIGRATE_UNTIL", v, 1);
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@x.example", "--role",
                    "risk-owner"));
    free(tu_isms_ok(repo, "person", "add", "--name", "Omar", "--email", "omar@x.example", "--role",
                    "risk-owner"));
    for (int k = 0; k < NTITLES / 3; k++)
        add_risk(k, titles[k]);
    /* then the schema before 0033, whose words have no register's tag:
     * the upgrade to it must write them all again, tagged */
    snprintf(v, sizeof v, "%d", store_migration_version("0033_") - 1);
    setenv("ISMS_MIGRATE_UNTIL", v, 1);
    for (int k = NTITLES / 3; k < 2 * NTITLES / 3; k++)
        add_risk(k, titles[k]);
    unsetenv("ISMS_MIGRATE_UNTIL");
    /* after the upgrade: the writes keep the words */
    for (int k = 2 * NTITLES / 3; k < NTITLES; k++)
        add_risk(k, titles[k]);
    /* a long text's words are not searched: only the key and the title */
    free(tu_isms_ok(repo, "risk", "add", "--title", "Quagga", "--description", "zebra stripes",
                    "--treatment-plan", "outage drill", "--owner", "PER-1", "--likelihood", "2",
                    "--impact", "2"));
    free(tu_isms_ok(repo, "risk", "update", "RISK-6", "--title", "Vendor failure, renamed"));
    free(tu_isms_ok(repo, "risk", "retire", "RISK-12"));
    return 0;
}

/* ---- the records as a plain scan reads them ---- */

typedef struct row {
    int64_t id;
    char key[32], title[200];
    const value *v; /* the field sorted by, copied */
    value val;
    char text[200];
    int retired;
} row;

typedef struct rows {
    row r[64];
    int n, field;
} rows;

static int take(const record *rec, void *ctx)
{
    rows *rs = ctx;
    assert_true(rs->n < 64);
    row *r = &rs->r[rs->n++];
    r->id = rec->id;
    snprintf(r->key, sizeof r->key, "%s", rec->key);
    for (int i = 0; i < rec->reg->nfields; i++)
        if (!strcmp(rec->reg->fields[i].name, "title"))
            snprintf(r->title, sizeof r->title, "%s", rec->v[i].s);
    r->retired = rec->retired_at != NULL;
    if (rs->field >= 0) {
        r->val = rec->v[rs->field];
        if (r->val.s) {
            snprintf(r->text, sizeof r->text, "%s", r->val.s);
            r->val.s = r->text;
        }
    }
    return 0;
}

static dom *open_dom(void)
{
    dom *d;
    isms_err e = { 0 };
    if (dom_open(repo, &d, &e))
        fail_msg("open: %s", e.msg);
    return d;
}

static void read_all(dom *d, int field, int retired, rows *out)
{
    memset(out, 0, sizeof *out);
    out->field = field;
    store_query q = { .include_retired = retired };
    isms_err e = { 0 };
    if (store_scan(dom_store(d), &reg_risk, &q, take, out, &e))
        fail_msg("scan: %s", e.msg);
}

/* ---- sorting ---- */

static int sort_field, sort_desc;

/* nulls last either way; the value (text by bytes), then the id, in the
 * direction asked */
static int by_field(const void *x, const void *y)
{
    const row *a = x, *b = y;
    const fielddef *f = &reg_risk.fields[sort_field];
    int number = f->type == FT_INT || f->type == FT_MONEY || f->type == FT_BOOL ||
                 f->type == FT_REF; /* a reference by the id it names */
    int an = a->val.null, bn = b->val.null;
    if (an != bn)
        return an - bn; /* not turned round: nulls last both ways */
    int c = 0;
    if (!an && !number)
        c = strcmp(a->val.s, b->val.s);
    else if (!an)
        c = (a->val.i > b->val.i) - (a->val.i < b->val.i);
    if (!c)
        c = (a->id > b->id) - (a->id < b->id);
    return sort_desc ? -c : c;
}

/* The page the store gives for q, its ids appended to got. */
static int64_t page(dom *d, const store_query *q, const fielddef *by, int desc, int64_t *got,
                    int at)
{
    int64_t *ids, n;
    isms_err e = { 0 };
    if (store_ids(dom_store(d), &reg_risk, q, by, desc, &ids, &n, dom_arena(d), &e))
        fail_msg("store_ids: %s", e.msg);
    assert_non_null(ids);
    if (n)
        memcpy(got + at, ids, (size_t)n * sizeof *ids);
    else { /* an empty page as a query's ids selects nothing, not everything */
        int64_t all = -1;
        store_query none = { .include_retired = 1, .ids = ids };
        if (store_count(dom_store(d), &reg_risk, &none, &all, &e))
            fail_msg("store_count: %s", e.msg);
        assert_int_equal(all, 0);
    }
    return n;
}

static void sorted_pages_are_the_full_sort(void **state)
{
    (void)state;
    dom *d = open_dom();
    int checked = 0;
    for (int f = 0; f < reg_risk.nfields; f++) {
        const fielddef *fd = &reg_risk.fields[f];
        if (!(fd->flags & FF_LIST) || fd->type == FT_LINKS || fd->type == FT_ENUMSET)
            continue;
        checked++;
        for (sort_desc = 0; sort_desc < 2; sort_desc++) {
            rows all;
            read_all(d, f, 0, &all);
            sort_field = f;
            qsort(all.r, (size_t)all.n, sizeof *all.r, by_field);
            /* forward, three at a time, each page after the last one's end */
            int64_t got[64];
            int n = 0;
            for (int64_t k = 3; k == 3 && n <= all.n;) {
                store_query q = { .limit = 3, .after = n ? got[n - 1] : 0 };
                k = page(d, &q, fd, sort_desc, got, n);
                n += (int)k;
            }
            assert_int_equal(n, all.n);
            for (int k = 0; k < n; k++)
                if (got[k] != all.r[k].id)
                    fail_msg("sort %s%s: #%d is id %lld, want %lld", sort_desc ? "-" : "", fd->name,
                             k, (long long)got[k], (long long)all.r[k].id);
            /* backward from the end: the two before each record */
            for (int k = 1; k < n; k++) {
                store_query q = { .limit = 2, .before = all.r[k].id };
                int64_t back[2];
                int64_t m = page(d, &q, fd, sort_desc, back, 0);
                assert_int_equal(m, k < 2 ? k : 2);
                assert_true(back[m - 1] == all.r[k - 1].id);
                if (m == 2)
                    assert_true(back[0] == all.r[k - 2].id);
            }
            /* a count of records to pass, as an old cursor says */
            store_query q = { .limit = 4, .offset = 5 };
            int64_t off[4];
            int64_t m = page(d, &q, fd, sort_desc, off, 0);
            assert_int_equal(m, 4);
            for (int k = 0; k < 4; k++)
                assert_true(off[k] == all.r[5 + k].id);
        }
    }
    assert_true(checked >= 6);
    dom_close(d);
}

/* ---- searching ---- */

/* The reference: each text lower-cased and unaccented for the letters the
 * titles hold, split at anything that is no letter or digit. */
static void fold(const char *in, char *out, size_t n)
{
    static const char *const from[] = { "é", "É", "è", "È", "à", "ï", "ü", "Ü", "û", NULL };
    static const char to[] = "eeeeaiuuu";
    size_t o = 0;
    while (*in && o + 1 < n) {
        int k = 0;
        while (from[k] && strncmp(in, from[k], strlen(from[k])))
            k++;
        if (from[k]) {
            out[o++] = to[k];
            in += strlen(from[k]);
            continue;
        }
        out[o++] = isalnum((unsigned char)*in) ? (char)tolower((unsigned char)*in) : ' ';
        in++;
    }
    out[o] = 0;
}

/* Does a word of `text` start with `w`? */
static int has_word_starting(const char *text, const char *w)
{
    char t[400];
    fold(text, t, sizeof t);
    for (char *p = strtok(t, " "); p; p = strtok(NULL, " "))
        if (!strncmp(p, w, strlen(w)))
            return 1;
    return 0;
}

/* Does each word of query start a word of a or of b? */
static int texts_match(const char *a, const char *b, const char *query)
{
    char q[200];
    fold(query, q, sizeof q);
    char *save, *w = strtok_r(q, " ", &save);
    for (; w; w = strtok_r(NULL, " ", &save))
        if (!has_word_starting(a, w) && !has_word_starting(b, w))
            return 0;
    return 1;
}

static int matches(const row *r, const char *query) { return texts_match(r->key, r->title, query); }

static void search_is_the_reference_filter(void **state)
{
    (void)state;
    static const char *const queries[] = {
        "caf",    "CRÈME", "creme outage", "deja",   "ÜBER",   "uber pay", "e-mail",
        "mail",   "x.exa", "supp FAIL",    "fail",   "risk-3", "RISK",     "outage dns",
        "ransom", "brûl",  "naive",        "admin",  "vendor", "renamed",  "supplier",
        "zzz",    "a",     "again,",       "(phish", "Vu",     "12",       "payroll fraud",
        "zebra",  "quag",  "drill",
    };
    dom *d = open_dom();
    for (int retired = 0; retired < 2; retired++) {
        rows all;
        read_all(d, -1, retired, &all);
        for (size_t k = 0; k < sizeof queries / sizeof *queries; k++) {
            char want[400] = "", got[400] = "";
            int nwant = 0;
            for (int j = 0; j < all.n; j++)
                if (matches(&all.r[j], queries[k])) {
                    snprintf(want + strlen(want), sizeof want - strlen(want), "%s ", all.r[j].key);
                    nwant++;
                }
            rows found = { .field = -1 };
            store_query q = { .include_retired = retired, .text = queries[k] };
            isms_err e = { 0 };
            if (store_scan(dom_store(d), &reg_risk, &q, take, &found, &e))
                fail_msg("search %s: %s", queries[k], e.msg);
            for (int j = 0; j < found.n; j++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s ", found.r[j].key);
            if (strcmp(got, want))
                fail_msg("q=%s%s: got [%s], want [%s]", queries[k], retired ? " (retired too)" : "",
                         got, want);
            int64_t n;
            assert_int_equal(store_count(dom_store(d), &reg_risk, &q, &n, &e), 0);
            assert_int_equal(n, nwant);
        }
    }
    /* the renamed risk's old words are gone, the retired one is out */
    rows none = { .field = -1 };
    store_query q = { .text = "payroll fraud" };
    isms_err e = { 0 };
    assert_int_equal(store_scan(dom_store(d), &reg_risk, &q, take, &none, &e), 0);
    assert_int_equal(none.n, 1);
    q.text = "supplier failure";
    none.n = 0;
    assert_int_equal(store_scan(dom_store(d), &reg_risk, &q, take, &none, &e), 0);
    assert_int_equal(none.n, 1); /* RISK-2; RISK-6 is the vendor's now */
    assert_string_equal(none.r[0].key, "RISK-2");
    dom_close(d);
}

/* The word of a register's key prefix, and each that starts it, is every
 * record's where every key is of the prefix (store_next_key's): the query
 * goes without it ("RISK-3" asks for "3", "risk" for any risk). Not where
 * a key is not: the built-in threats are keyed T-IS-001 and G-0.1, and a
 * risk keyed otherwise (an import may bring any key) holds no "risk". */
static void narrowed_as(store *s, const regdef *reg, const char *text, const char *want)
{
    store_query q = { .text = text }, out;
    char *owned;
    isms_err e = { 0 };
    assert_int_equal(store_query_narrowed(s, reg, &q, &out, &owned, &e), 0);
    if (want ? !out.text || strcmp(out.text, want) : out.text != NULL)
        fail_msg("%s q=%s: narrowed to %s, want %s", reg->plural, text,
                 out.text ? out.text : "(none)", want ? want : "(none)");
    assert_true(!owned == (out.text == text)); /* kept as it is, or a new text */
    free(owned);
}

static int64_t count_of(store *s, const regdef *reg, const char *text)
{
    store_query q = { .text = text };
    int64_t n;
    isms_err e = { 0 };
    if (store_count(s, reg, &q, &n, &e))
        fail_msg("count %s q=%s: %s", reg->plural, text ? text : "", e.msg);
    return n;
}

static void a_keys_word_is_left_out_where_every_key_holds_it(void **state)
{
    (void)state;
    dom *d = open_dom();
    store *s = dom_store(d);
    isms_err e = { 0 };
    narrowed_as(s, &reg_risk, "RISK-3", "3");
    narrowed_as(s, &reg_risk, "risk", NULL);
    narrowed_as(s, &reg_risk, "R ris Supp", "supp");
    narrowed_as(s, &reg_risk, "risky", "risky"); /* longer than the prefix's word */
    narrowed_as(s, &reg_risk, "supplier", "supplier");
    narrowed_as(s, &reg_threat, "thr", "thr");
    int64_t risks = count_of(s, &reg_risk, NULL), threats = count_of(s, &reg_threat, NULL);
    assert_int_equal(count_of(s, &reg_risk, "ri"), risks);
    int64_t thr = count_of(s, &reg_threat, "thr");
    if (thr >= threats) /* the built-ins hold no such word but a few */
        fail_msg("threats q=thr: %lld of %lld", (long long)thr, (long long)threats);
    /* a risk keyed otherwise, in a transaction rolled back */
    assert_int_equal(dom_begin_as_process(d, NULL, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    narrowed_as(s, &reg_risk, "risk", NULL); /* (kept for the transaction: the insert ends it) */
    record r;
    record_init(&r, &reg_risk, dom_arena(d));
    r.key = "LEGACY-7";
    r.id = 1000000;
    r.version = 1;
    r.created_at = r.updated_at = "2026-01-01T00:00:00Z";
    r.v[field_index(&reg_risk, F_RISK_TITLE)] = (value){ .s = "Old outage" };
    r.v[field_index(&reg_risk, F_RISK_OWNER)] = (value){ .i = 1, .s = "PER-1" };
    r.v[field_index(&reg_risk, F_RISK_LIKELIHOOD)] = (value){ .i = 2 };
    r.v[field_index(&reg_risk, F_RISK_IMPACT)] = (value){ .i = 2 };
    int rc = store_insert(s, &r, &e);
    if (rc)
        fail_msg("insert: %s", e.msg);
    narrowed_as(s, &reg_risk, "risk", "risk");
    assert_int_equal(count_of(s, &reg_risk, NULL), risks + 1);
    assert_int_equal(count_of(s, &reg_risk, "ri"), risks);
    assert_int_equal(count_of(s, &reg_risk, "legacy"), 1);
    dom_txn_end(d, 1, &e); /* rolled back */
    narrowed_as(s, &reg_risk, "risk", NULL);
    dom_close(d);
}

/* The catalogue `isms init` writes (store_insert_many) is searched by its
 * key, code and title, never its statements: the same reference filter
 * over those three. */
typedef struct reqs {
    char key[32], text[400];
} reqs;

enum { MAX_REQS = 8192 };
typedef struct req_rows {
    reqs r[MAX_REQS];
    int n;
} req_rows;

static int take_req(const record *rec, void *ctx)
{
    req_rows *rs = ctx;
    assert_true(rs->n < MAX_REQS);
    reqs *r = &rs->r[rs->n++];
    snprintf(r->key, sizeof r->key, "%s", rec->key);
    snprintf(r->text, sizeof r->text, "%s %s %s", rec->key,
             record_text(rec, F_REQUIREMENT_CODE) ? record_text(rec, F_REQUIREMENT_CODE) : "",
             record_text(rec, F_REQUIREMENT_TITLE) ? record_text(rec, F_REQUIREMENT_TITLE) : "");
    return 0;
}

static int req_matches(const reqs *r, const char *query) { return texts_match(r->text, "", query); }

static void check_catalogue(int fresh, const char *const *queries, size_t nq);

static void catalogue_search_is_key_code_and_title(void **state)
{
    (void)state;
    static const char *const queries[] = { "access control", "shall", "the", "gv oc", "a 8",
                                           "informat secur", "req-1" };
    /* the catalogue the upgrade filled the words of, and one a new
     * repository wrote with its words */
    for (int fresh = 0; fresh < 2; fresh++)
        check_catalogue(fresh, queries, sizeof queries / sizeof *queries);
}

static void check_catalogue(int fresh, const char *const *queries, size_t nq)
{
    const char *at = repo;
    if (fresh) {
        at = tu_repo("catalogue.isms");
        free(tu_isms_ok(NULL, "init", at));
    }
    dom *d;
    isms_err e = { 0 };
    if (dom_open(at, &d, &e))
        fail_msg("open: %s", e.msg);
    static req_rows all; /* (3.5 MB: not on the stack) */
    all.n = 0;
    assert_int_equal(store_scan(dom_store(d), &reg_requirement, NULL, take_req, &all, &e), 0);
    assert_true(all.n > 100);
    int some = 0;
    for (size_t k = 0; k < nq; k++) {
        int64_t want = 0, n;
        for (int j = 0; j < all.n; j++)
            want += req_matches(&all.r[j], queries[k]);
        store_query q = { .text = queries[k] };
        assert_int_equal(store_count(dom_store(d), &reg_requirement, &q, &n, &e), 0);
        if (n != want)
            fail_msg("requirements q=%s: %lld found, want %lld", queries[k], (long long)n,
                     (long long)want);
        some += want > 0;
    }
    assert_true(some >= 4);
    dom_close(d);
}

/* Every word of the index stands behind its register's tag (0033), the
 * upgraded ones too: a prefix looks among its register's words alone, and
 * finds nothing bare. */
static void words_are_behind_their_registers_tag(void **state)
{
    (void)state;
    char *bare = tu_sql_value(
        repo, tu_backend_is_pg()
                  ? "SELECT COUNT(*) FROM record_word WHERE word >= 'vendor' AND word < 'vendos'"
                  : "SELECT COUNT(*) FROM record_word WHERE record_word MATCH '\"vendor\"*'");
    assert_string_equal(bare, "0");
    free(bare);
    dom *d = open_dom();
    int64_t n = -1;
    isms_err e = { 0 };
    store_query risks = { .text = "vendor" }, people = { .text = "vendor" };
    assert_int_equal(store_count(dom_store(d), &reg_risk, &risks, &n, &e), 0);
    assert_true(n >= 1);
    assert_int_equal(store_count(dom_store(d), &reg_person, &people, &n, &e), 0);
    assert_int_equal(n, 0);
    dom_close(d);
}

/* What gets an index and what is searched: the columns people sort by,
 * the short texts. */
static void indexed_and_searched_fields(void **state)
{
    (void)state;
    static const int sorted[] = { F_RISK_TITLE, F_RISK_OWNER, F_RISK_LIKELIHOOD,
                                  F_RISK_RESIDUAL_IMPACT, F_RISK_TREATMENT };
    static const int unsorted[] = { F_RISK_DESCRIPTION, F_RISK_LEF, F_RISK_REVIEW_DATE,
                                    F_RISK_OBJECTIVES };
    /* a choice people filter by but hardly sort by; who approved */
    assert_false(store_list_sorted(&reg_asset, field_def(&reg_asset, F_ASSET_TYPE)));
    assert_false(store_list_sorted(&reg_soa, field_def(&reg_soa, F_SOA_APPROVED_BY)));
    assert_true(store_list_sorted(&reg_soa, field_def(&reg_soa, F_SOA_STATUS)));
    assert_true(
        store_list_sorted(&reg_requirement, field_def(&reg_requirement, F_REQUIREMENT_FRAMEWORK)));
    for (size_t k = 0; k < sizeof sorted / sizeof *sorted; k++)
        assert_true(store_list_sorted(&reg_risk, field_def(&reg_risk, sorted[k])));
    for (size_t k = 0; k < sizeof unsorted / sizeof *unsorted; k++)
        assert_false(store_list_sorted(&reg_risk, field_def(&reg_risk, unsorted[k])));
    /* unique: its own index orders it; a singleton: no list to sort */
    assert_false(store_list_sorted(&reg_person, field_def(&reg_person, F_PERSON_EMAIL)));
    assert_false(store_list_sorted(&reg_org, field_def(&reg_org, F_ORG_NAME)));
    assert_true(store_searched(field_def(&reg_risk, F_RISK_TITLE)));
    assert_true(store_searched(field_def(&reg_person, F_PERSON_EMAIL)));
    assert_true(store_searched(field_def(&reg_requirement, F_REQUIREMENT_CODE)));
    assert_false(store_searched(field_def(&reg_risk, F_RISK_DESCRIPTION)));
    assert_false(store_searched(field_def(&reg_requirement, F_REQUIREMENT_STATEMENT)));
    assert_false(store_searched(field_def(&reg_requirement, F_REQUIREMENT_OSCAL)));
    assert_false(store_searched(field_def(&reg_mapping, F_MAPPING_RATIONALE)));
    /* one search index for every register: their codes in it differ */
    for (int i = 0; registers[i]; i++)
        for (int j = 0; j < i; j++)
            if (store_word_code(registers[i]) == store_word_code(registers[j]))
                fail_msg("%s and %s share a word code", registers[i]->name, registers[j]->name);
}

/* On PostgreSQL an added record's row, its words and its links are one
 * statement (db_driver.insert_in_one), and so are its ledger entry and the
 * tree nodes the entry completes: after a few adds on one connection (the
 * driver prepares a statement on the server at its second run) the
 * connection holds those statements and no insert of a link, word or node
 * row of its own. The records read back whole: the search finds the new
 * ones by their titles, the threats are there. */
static int one_risk(dom *d, const char *title, const char *threats, isms_err *e)
{
    record r, out;
    record_init(&r, &reg_risk, dom_arena(d));
    const struct {
        int f;
        const char *text;
    } set[] = { { F_RISK_TITLE, title },
                { F_RISK_OWNER, "PER-1" },
                { F_RISK_LIKELIHOOD, "2" },
                { F_RISK_IMPACT, "3" },
                { F_RISK_THREATS, threats } };
    int rc = 0;
    for (size_t k = 0; k < sizeof set / sizeof *set && !rc; k++)
        rc = dom_set_text(d, &r, field_index(&reg_risk, set[k].f), set[k].text, e);
    return rc ? rc : dom_add(d, &r, &out, e);
}

static int64_t prepared_like(dom *d, const char *like)
{
    db_stmt *st;
    isms_err e = { 0 };
    int got;
    int64_t n = -1;
    assert_int_equal(db_prep(dom_store(d)->db,
                             "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE ?",
                             &st, &e),
                     0);
    db_bind_text(st, 1, like);
    if (!db_step(st, &got, &e) && got)
        n = db_col_int(st, 0);
    db_done(st);
    return n;
}

static void an_add_is_one_statement(void **state)
{
    (void)state;
    if (!tu_backend_is_pg())
        skip();
    dom *d = open_dom();
    isms_err e = { 0 };
    assert_int_equal(dom_begin_as_process(d, NULL, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    /* four: two with an even ledger seq, whose entries complete nodes */
    static const char *const adds[][2] = { { "Onestatement kiosk", "T-IS-001,T-IS-002" },
                                           { "Onestatement locker", "T-IS-003" },
                                           { "Onestatement lobby", "" },
                                           { "Onestatement dock", "T-IS-004" } };
    int rc = 0;
    for (int k = 0; k < 4 && !rc; k++)
        rc = one_risk(d, adds[k][0], adds[k][1], &e);
    assert_int_equal(dom_txn_end(d, rc, &e), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(prepared_like(d, "WITH w AS (INSERT INTO record_word %, l% AS (INSERT INTO "
                                      "risk_threat % INSERT INTO risk (%"),
                     1);
    assert_int_equal(prepared_like(d, "INSERT INTO risk_threat%"), 0);
    assert_int_equal(prepared_like(d, "INSERT INTO record_word%"), 0);
    assert_int_equal(prepared_like(d, "WITH n AS (INSERT INTO ledger_node % INSERT INTO ledger (%"),
                     1);
    assert_int_equal(prepared_like(d, "INSERT INTO ledger_node%"), 0);
    store_query q = { .text = "onestatement" };
    rows found = { .field = -1 };
    assert_int_equal(store_scan(dom_store(d), &reg_risk, &q, take, &found, &e), 0);
    assert_int_equal(found.n, 4);
    dom_close(d);
    tu_result r;
    const char *argv[] = { "risk", "show", found.r[0].key, NULL };
    tu_isms_argv(&r, repo, NULL, argv);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "T-IS-002"));
    tu_result_free(&r);
}

/* SQLite's word index merges 16 segments of a level at once (0015): with
 * FTS5's 4, each batch's words were rewritten into ever larger segments and
 * adds into a file of a million risks ran at half the rate into ten
 * thousand. It merges by automerge's bounded steps, spread over the
 * commits (0019): with FTS5's crisismerge of 16, the commit that gave a
 * level its 16th segment merged all of it at once. This repository was
 * made before 0013 and upgraded. */
static void the_word_index_merges_sixteen_at_once_in_steps(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    const char *const want[][2] = { { "automerge", "16" }, { "crisismerge", "64" } };
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT v FROM record_word_config WHERE k = '%s'", want[k][0]);
        char *v = tu_sql_value(repo, sql);
        assert_non_null(v);
        assert_string_equal(v, want[k][1]);
        free(v);
    }
}

/* A figure of SQLite's word index's structure record (record_word_data
 * id 10: a 4-byte cookie, from SQLite 3.45 a 4-byte marker, then the
 * varints nLevel, nSegment and nWriteCounter): WORD_SEGMENTS, the segments
 * it has, or WORD_PAGES, the leaf pages its flushes have written (a flush
 * writes one page or more). */
enum { WORD_SEGMENTS = 1, WORD_PAGES = 2 };
static int64_t word_structure(dom *d, int which)
{
    db_stmt *st;
    isms_err e = { 0 };
    int got;
    unsigned char b[24] = { 0 };
    assert_int_equal(db_prep(dom_store(d)->db,
                             "SELECT hex(substr(block, 1, 24)) FROM record_word_data WHERE id = 10",
                             &st, &e),
                     0);
    assert_int_equal(db_step(st, &got, &e), 0);
    assert_true(got);
    const char *hex = db_col_text(st, 0);
    for (size_t k = 0; k < sizeof b && hex[2 * k]; k++)
        sscanf(hex + 2 * k, "%2hhx", &b[k]);
    db_done(st);
    size_t at = b[4] == 0xff && !b[5] && !b[6] && b[7] == 1 ? 8 : 4;
    int64_t v[3] = { 0 };
    for (int k = 0; k < 3; k++)
        for (int n = 0; at < sizeof b; n++) {
            unsigned char c = b[at++];
            v[k] = n == 8 ? v[k] << 8 | c : v[k] << 7 | (c & 0x7f);
            if (n == 8 || !(c & 0x80))
                break;
        }
    return v[which];
}

static int64_t word_pages_written(dom *d) { return word_structure(d, WORD_PAGES); }

static int found_by(dom *d, const char *text)
{
    store_query q = { .text = text };
    rows found = { .field = -1 };
    isms_err e = { 0 };
    assert_int_equal(store_scan(dom_store(d), &reg_risk, &q, take, &found, &e), 0);
    return found.n;
}

/* On SQLite a transaction's words wait for its commit and go to FTS5 as one
 * segment (store/words_wait.c): each add's savepoint used to write one,
 * and merging them was most of an add's work in a large file. Still, a
 * search inside the transaction finds its adds, and a savepoint rolled
 * back after such a search takes its own words away and only those. */
static void a_transactions_words_wait_for_its_commit(void **state)
{
    (void)state;
    dom *d = open_dom();
    isms_err e = { 0 };
    int fts = !tu_backend_is_pg();
    int64_t before = fts ? word_pages_written(d) : 0;
    assert_int_equal(dom_begin_as_process(d, NULL, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    int rc = 0;
    for (int k = 0; k < 40 && !rc; k++)
        rc = one_risk(d, "Waitword alpha", "", &e);
    assert_int_equal(rc, 0);
    assert_int_equal(found_by(d, "waitword"), 40);
    store *st = dom_store(d);
    assert_int_equal(store_begin(st, DB_WRITE, &e), 0); /* a savepoint */
    assert_int_equal(one_risk(d, "Waitword beta", "", &e), 0);
    assert_int_equal(found_by(d, "waitword"), 41); /* written inside the savepoint */
    store_rollback(st);
    assert_int_equal(found_by(d, "waitword beta"), 0);
    assert_int_equal(found_by(d, "waitword"), 40); /* the outer adds' words wait again */
    for (int k = 0; k < 5 && !rc; k++)
        rc = one_risk(d, "Waitword gamma", "", &e);
    assert_int_equal(rc, 0);
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    if (fts) /* written at the search (undone), again at the next, then at the commit */
        assert_true(word_pages_written(d) <= before + 3);
    dom_close(d);
    d = open_dom();
    assert_int_equal(found_by(d, "waitword alpha"), 40);
    assert_int_equal(found_by(d, "waitword gamma"), 5);
    assert_int_equal(found_by(d, "waitword beta"), 0);
    int64_t at = fts ? word_pages_written(d) : 0;
    assert_int_equal(dom_begin_as_process(d, NULL, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    for (int k = 0; k < 40 && !rc; k++)
        rc = one_risk(d, "Waitword delta", "", &e);
    assert_int_equal(dom_txn_end(d, rc, &e), 0);
    if (fts) /* forty savepoints, one flush */
        assert_true(word_pages_written(d) <= at + 1);
    assert_int_equal(found_by(d, "waitword delta"), 40);
    dom_close(d);
}

/* A batch's words go to FTS5 as one segment however many they are: they
 * used to go 200 rows a statement, and a statement of several rows opens
 * a statement savepoint, at which FTS5 writes what it holds: five
 * segments, and five times the merging, a batch of 1,000 adds. */
static void a_large_batch_is_one_segment(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    dom *d = open_dom();
    isms_err e = { 0 };
    int64_t before = word_structure(d, WORD_SEGMENTS);
    assert_int_equal(dom_begin_as_process(d, NULL, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    int rc = 0;
    char title[64];
    for (int k = 0; k < 450 && !rc; k++) {
        snprintf(title, sizeof title, "Onesegment n%d", k);
        rc = one_risk(d, title, "", &e);
    }
    assert_int_equal(dom_txn_end(d, rc, &e), 0);
    assert_int_equal(word_structure(d, WORD_SEGMENTS), before + 1);
    assert_int_equal(found_by(d, "onesegment n0"), 1);
    assert_int_equal(found_by(d, "onesegment n449"), 1);
    dom_close(d);
}

/* A long transaction of adds, each in its own savepoint (an import of a
 * spreadsheet), writes what waits each 5,000 documents, before its commit:
 * they all waited for it, and an import of a million rows held 130 MB of
 * words. Every word is found after the commit all the same. */
static void a_long_transactions_words_do_not_all_wait(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    dom *d = open_dom();
    isms_err e = { 0 };
    int64_t before = word_pages_written(d);
    assert_int_equal(dom_begin_as_process(d, NULL, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    int rc = 0;
    char title[64];
    for (int k = 0; k < 5010 && !rc; k++) {
        snprintf(title, sizeof title, "Longwait n%d", k);
        rc = one_risk(d, title, "", &e);
    }
    assert_int_equal(rc, 0);
    assert_true(word_pages_written(d) > before); /* written before the commit */
    assert_int_equal(dom_txn_end(d, 0, &e), 0);
    assert_int_equal(found_by(d, "longwait n0"), 1);    /* written at the 5,000th */
    assert_int_equal(found_by(d, "longwait n5009"), 1); /* at the commit */
    dom_close(d);
}

/* ---- a word most records hold ----
 *
 * A page of a common word is found by reading the list in its order and
 * testing each record on its own texts (store_words_common: 10,000 or more
 * records hold it), up to 20,000 rows, past which it goes through the
 * index as a rare word's page does. Whichever way, the page is the one the
 * reference filter and the full sort give. 31,500 risks written by one
 * statement and their words by the upgrade's fill: some 10,500 "Supplier
 * failure", 21,000 "Unrelated matter", 31 "Rare supplier" and 31
 * "Unrelated supplier" (by -title these come first, then 20,000 rows
 * without a supplier: the budget runs out with 31 of the page's records
 * found, and the index gives the page); every 101st retired. */
enum { NCOMMON = 31500 };

typedef struct big_row {
    int64_t id;
    char key[16], title[48];
    int retired, likelihood, impact;
} big_row;

typedef struct big_rows {
    big_row *r;
    int n;
} big_rows;

static int take_big(const record *rec, void *ctx)
{
    big_rows *b = ctx;
    big_row *r = &b->r[b->n++];
    r->id = rec->id;
    snprintf(r->key, sizeof r->key, "%s", rec->key);
    snprintf(r->title, sizeof r->title, "%s", rec->v[field_index(&reg_risk, F_RISK_TITLE)].s);
    r->retired = rec->retired_at != NULL;
    r->likelihood = (int)rec->v[field_index(&reg_risk, F_RISK_LIKELIHOOD)].i;
    r->impact = (int)rec->v[field_index(&reg_risk, F_RISK_IMPACT)].i;
    return 0;
}

static int big_desc;

static int by_id(const void *x, const void *y)
{
    const big_row *a = x, *b = y;
    return (a->id > b->id) - (a->id < b->id);
}

/* The filters of check_pages: none, impact 2 (10,500 risks: more than
 * the 10,000 that SQLite, which plans without statistics, reads through
 * their index before the sort), impact 2 and likelihood 3 (2,100); and
 * the members of a set (on SQLite, a page by id read from the link rows,
 * one sorted otherwise tested by a probe of each row's links): objective
 * #1 (every risk but each third's, 21,000), #2 (each thousandth's, 31),
 * #1 and impact 2, #1 and #2 (two sets: their lists). */
enum { BIG_FILTERS = 7 };
static int big_filter;
static int64_t big_objective[2]; /* the ids of OBJ-1 and OBJ-2 */

static int big_in(const big_row *r, int objective)
{
    return objective == 1 ? r->id % 3 != 0 : r->id % 1000 == 7;
}

static int big_passes(const big_row *r)
{
    switch (big_filter) {
    case 0: return 1;
    case 1: return r->impact == 2;
    case 2: return r->impact == 2 && r->likelihood == 3;
    case 3: return big_in(r, 1);
    case 4: return big_in(r, 2);
    case 5: return big_in(r, 1) && r->impact == 2;
    default: return big_in(r, 1) && big_in(r, 2);
    }
}

static int big_filters(store_filter *f)
{
    const fielddef *objectives = field_def(&reg_risk, F_RISK_OBJECTIVES);
    store_filter impact = { .field = field_def(&reg_risk, F_RISK_IMPACT), .ival = 2 };
    store_filter one = { .field = objectives, .ival = big_objective[0] };
    store_filter two = { .field = objectives, .ival = big_objective[1] };
    switch (big_filter) {
    case 0: return 0;
    case 1: f[0] = impact; return 1;
    case 2:
        f[0] = impact;
        f[1] = (store_filter){ .field = field_def(&reg_risk, F_RISK_LIKELIHOOD), .ival = 3 };
        return 2;
    case 3: f[0] = one; return 1;
    case 4: f[0] = two; return 1;
    case 5: f[0] = impact, f[1] = one; return 2;
    default: f[0] = one, f[1] = two; return 2;
    }
}

static int by_title(const void *x, const void *y)
{
    const big_row *a = x, *b = y;
    int c = strcmp(a->title, b->title);
    c = c ? c : (a->id > b->id) - (a->id < b->id);
    return big_desc ? -c : c;
}

static void write_common(const char *path)
{
    free(tu_isms_ok(NULL, "init", path));
    free(tu_isms_ok(path, "person", "add", "--name", "Dana", "--email", "dana@x.example", "--role",
                    "risk-owner"));
    free(tu_isms_ok(path, "objective", "add", "--title", "Payments", "--owner", "PER-1"));
    free(tu_isms_ok(path, "objective", "add", "--title", "Lending", "--owner", "PER-1"));
    dom *d;
    isms_err e = { 0 };
    if (dom_open(path, &d, &e))
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_begin_as_process(d, NULL, &e), 0);
    assert_int_equal(dom_txn_begin(d, &e), 0);
    store *s = dom_store(d);
    int rc =
        DB_RUN(s->db,
               "INSERT INTO risk (id, key, version, created_at, updated_at, retired_at, title, "
               "owner, likelihood, impact) "
               "WITH RECURSIVE n(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < ?) "
               "SELECT k, 'RISK-' || k, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', "
               "CASE WHEN k % 101 = 0 THEN '2026-02-01T00:00:00Z' END, "
               "CASE WHEN k % 1000 = 4 THEN 'Rare supplier outage n' || k "
               "WHEN k % 1000 = 5 THEN 'Unrelated supplier n' || k "
               "WHEN k % 3 = 0 THEN 'Supplier failure n' || k "
               "ELSE 'Unrelated matter n' || k END, 1, 1 + k % 5, 1 + k % 3 FROM n",
               &e, DB_INT(NCOMMON));
    for (int k = 0; k < 2 && !rc; k++) /* (as big_in) */
        rc = store_lookup(s, &reg_objective, k ? "OBJ-2" : "OBJ-1", &big_objective[k], NULL, &e) ||
             DB_RUN(s->db,
                    k ? "INSERT INTO risk_objective (risk, objective) SELECT id, ? FROM risk "
                        "WHERE id % 1000 = 7"
                      : "INSERT INTO risk_objective (risk, objective) SELECT id, ? FROM risk "
                        "WHERE id % 3 <> 0",
                    &e, DB_INT(big_objective[k]));
    if (!rc)
        rc = store_words_fill(s, &reg_risk, &e);
    if (rc)
        fail_msg("write: %s", e.msg);
    assert_int_equal(dom_txn_end(d, rc, &e), 0);
    /* PostgreSQL: the statistics autovacuum would gather in a minute
     * (without them, a search of two words through the index planned a
     * join of each record with the words: 14 s a page) */
    if (tu_backend_is_pg())
        assert_int_equal(DB_RUN(s->db, "ANALYZE", &e), 0);
    dom_close(d);
}

/* The page of q sorted by title (by 1: asc, -1: desc) or id (0), from
 * the reference: all (sorted already), filtered. */
static int want_page(const big_rows *all, const store_query *q, int64_t *want)
{
    int n = 0, skip = (int)q->offset, at = 0, past = !q->after && !q->before;
    int64_t cursor = q->after ? q->after : q->before;
    int from = q->before ? all->n - 1 : 0, step = q->before ? -1 : 1;
    for (int j = from; j >= 0 && j < all->n && n < q->limit; j += step) {
        const big_row *r = &all->r[j];
        if (!past) {
            past = r->id == cursor;
            continue;
        }
        if ((r->retired && !q->include_retired && !q->only_retired) ||
            (!r->retired && q->only_retired) || !big_passes(r) ||
            (q->text && !texts_match(r->key, r->title, q->text)))
            continue;
        if (at++ >= skip)
            want[n++] = r->id;
    }
    if (q->before) /* read nearest first: the page in its order */
        for (int i = 0, j = n - 1; i < j; i++, j--) {
            int64_t t = want[i];
            want[i] = want[j];
            want[j] = t;
        }
    return n;
}

/* A matching record (retired or active) near the middle of the sorted
 * list: a cursor. */
static int big_matches(const big_row *r, const char *text, int retired)
{
    return r->retired == retired && big_passes(r) && (!text || texts_match(r->key, r->title, text));
}

static int64_t middle_match(const big_rows *all, const char *text, int retired)
{
    for (int j = all->n / 2; j < all->n; j++)
        if (big_matches(&all->r[j], text, retired))
            return all->r[j].id;
    for (int j = all->n / 2; j >= 0; j--)
        if (big_matches(&all->r[j], text, retired))
            return all->r[j].id;
    return 0;
}

static int take_id(const record *rec, void *ctx)
{
    big_rows *ids = ctx;
    assert_true(ids->n < 64);
    ids->r[ids->n++].id = rec->id;
    return 0;
}

/* The page of q by id as store_scan reads it (a page's ids first, on
 * SQLite from a set filter's link rows: page_ids) is want. */
static void check_scanned(dom *d, const store_query *q, const int64_t *want, int nwant)
{
    big_row page[64];
    big_rows got = { page, 0 };
    isms_err e = { 0 };
    if (store_scan(dom_store(d), &reg_risk, q, take_id, &got, &e))
        fail_msg("store_scan q=%s: %s", q->text ? q->text : "(none)", e.msg);
    int same = got.n == nwant;
    for (int j = 0; same && j < nwant; j++)
        same = page[j].id == want[j];
    if (!same)
        fail_msg("store_scan q=%s, filter %d, offset %lld: %d records, want %d",
                 q->text ? q->text : "(none)", big_filter, (long long)q->offset, got.n, nwant);
}

static void check_pages(dom *d, big_rows *all, int by)
{
    static const char *const queries[] = { "supplier",
                                           "unrelated",
                                           "rare",
                                           "SUPPLIER fail",
                                           "supp",
                                           "unrel",
                                           "zzz",
                                           "supplier n1",
                                           "risk 4",
                                           "rare supplier",
                                           "risk-1234 matter",
                                           "matter 12",
                                           "RISK-5",
                                           "ri",
                                           "risk-12 matter",
                                           NULL };
    big_desc = by < 0;
    qsort(all->r, (size_t)all->n, sizeof *all->r, by ? by_title : by_id);
    int64_t want[64], *got, ngot;
    isms_err e = { 0 };
    store_filter f[2];
    /* how: 0 the first page, 1 past an offset, 2 after and 3 before a
     * cursor, 4 retired records too; the retired ones alone (311: few,
     * read as the list of their ids where sorted on SQLite): 5 the first
     * page, 6 past an offset, 7 after a cursor */
    for (size_t k = 0; k < sizeof queries / sizeof *queries; k++)
        for (int how = 0; how < 8; how++) {
            if (big_filter >= 3 && queries[k] && k % 3) /* (sets: a third of the words) */
                continue;
            store_query q = { .text = queries[k], .limit = 50, .filters = f };
            q.nfilters = big_filters(f);
            q.only_retired = how >= 5;
            if (how == 1 || how == 6)
                q.offset = how == 1 ? 37 : 7;
            if (how == 2 || how == 7)
                q.after = middle_match(all, queries[k], q.only_retired);
            if (how == 3)
                q.before = middle_match(all, queries[k], 0);
            q.include_retired = how == 4;
            if ((how == 2 || how == 3 || how == 7) && !q.after && !q.before)
                continue; /* no match to stand on */
            int nwant = want_page(all, &q, want);
            if (store_ids(dom_store(d), &reg_risk, &q,
                          by ? field_def(&reg_risk, F_RISK_TITLE) : NULL, by < 0, &got, &ngot,
                          dom_arena(d), &e))
                fail_msg("store_ids q=%s: %s", queries[k], e.msg);
            if (ngot != nwant || (nwant && memcmp(got, want, (size_t)nwant * sizeof *want)))
                fail_msg("q=%s by %d, filter %d, case %d: %lld records, want %d (first %lld, "
                         "want %lld)",
                         queries[k] ? queries[k] : "(none)", by, big_filter, how, (long long)ngot,
                         nwant, (long long)(ngot ? got[0] : 0), (long long)(nwant ? want[0] : 0));
            if (by == 0 && !q.after && !q.before)
                check_scanned(d, &q, want, nwant);
        }
}

static void a_common_words_page_is_the_index_page(void **state)
{
    (void)state;
    const char *path = tu_repo("common.isms");
    write_common(path);
    dom *d;
    isms_err e = { 0 };
    if (dom_open(path, &d, &e))
        fail_msg("open: %s", e.msg);
    store *s = dom_store(d);
    /* which words the store calls common: SQLite counts whole words (a
     * prefix of others is unknown to it, and its page tried on the list's
     * first rows: "unrel", two thirds of them, fills it there), PostgreSQL
     * the prefix's rows */
    int pg = tu_backend_is_pg();
    static const struct {
        const char *text;
        int sqlite, pg;
        uint64_t held_sqlite, held_pg; /* which words are common */
    } said[] = {
        { "supplier", STORE_WORDS_COMMON, STORE_WORDS_COMMON, 1, 1 },
        { "unrelated matter", STORE_WORDS_COMMON, STORE_WORDS_COMMON, 3, 3 },
        { "unrel", STORE_WORDS_UNKNOWN, STORE_WORDS_COMMON, 0, 1 },
        { "rare", STORE_WORDS_UNKNOWN, STORE_WORDS_RARE, 0, 0 },
        { "supplier rare", STORE_WORDS_UNKNOWN, STORE_WORDS_RARE, 2, 2 }, /* (words sorted) */
        { "rare risk n4", STORE_WORDS_UNKNOWN, STORE_WORDS_RARE, 4, 4 },
    };
    for (size_t k = 0; k < sizeof said / sizeof *said; k++) {
        word_list w;
        int common = -1, want = pg ? said[k].pg : said[k].sqlite;
        uint64_t held, want_held = pg ? said[k].held_pg : said[k].held_sqlite;
        assert_int_equal(store_words_of(said[k].text, &w, &e), 0);
        assert_int_equal(store_words_common(s, &reg_risk, &w, &common, &held, &e), 0);
        word_list_free(&w);
        if (common != want || held != want_held)
            fail_msg("%s: common %d, want %d; held %llx, want %llx", said[k].text, common, want,
                     (unsigned long long)held, (unsigned long long)want_held);
    }
    big_rows all = { calloc(NCOMMON, sizeof *all.r), 0 };
    assert_non_null(all.r);
    store_query every = { .include_retired = 1 };
    assert_int_equal(store_scan(s, &reg_risk, &every, take_big, &all, &e), 0);
    assert_int_equal(all.n, NCOMMON);
    for (big_filter = 0; big_filter < BIG_FILTERS; big_filter++) {
        for (int by = 0; by <= 1; by++) /* by id (the scan's order), then by title */
            check_pages(d, &all, by);
        check_pages(d, &all, -1);
    }
    /* the counts of the sets' members */
    for (big_filter = 3; big_filter < BIG_FILTERS; big_filter++) {
        store_filter f[2];
        store_query q = { .filters = f };
        q.nfilters = big_filters(f);
        int64_t n, nwant = 0;
        for (int j = 0; j < all.n; j++)
            nwant += !all.r[j].retired && big_passes(&all.r[j]);
        assert_int_equal(store_count(s, &reg_risk, &q, &n, &e), 0);
        if (n != nwant)
            fail_msg("count, filter %d: %lld, want %lld", big_filter, (long long)n,
                     (long long)nwant);
    }
    /* and the counts (SQLite: a join of the words and the records; with
     * few records besides the words, the retired ones (311), 2,100 of
     * impact 2 and likelihood 3 or objective #2's 31, the words tested on
     * those): active, retired too (1), retired only (2) */
    static const char *const counted[] = { "supplier",  "unrelated", "rare",          "supp fail",
                                           "zzz",       "risk 4",    "rare supplier", "risk-1234",
                                           "matter 12", "RISK-5",    "risk" };
    static const int count_filters[] = { 0, 1, 2, 4 };
    for (size_t c = 0; c < sizeof count_filters / sizeof *count_filters; c++)
        for (size_t k = 0; k < sizeof counted / sizeof *counted; k++)
            for (int retired = 0; retired < 3; retired++) {
                store_filter f[2];
                store_query q = { .text = counted[k],
                                  .include_retired = retired == 1,
                                  .only_retired = retired == 2,
                                  .filters = f };
                big_filter = count_filters[c];
                q.nfilters = big_filters(f);
                int64_t n, nwant = 0;
                for (int j = 0; j < all.n; j++)
                    nwant += (retired ? retired == 1 || all.r[j].retired : !all.r[j].retired) &&
                             big_passes(&all.r[j]) &&
                             texts_match(all.r[j].key, all.r[j].title, counted[k]);
                assert_int_equal(store_count(s, &reg_risk, &q, &n, &e), 0);
                if (n != nwant)
                    fail_msg("count q=%s, filter %d, retired %d: %lld, want %lld", counted[k],
                             big_filter, retired, (long long)n, (long long)nwant);
            }
    big_filter = 0;
    free(all.r);
    dom_close(d);
}

TU_MAIN(setup, NULL, cmocka_unit_test(sorted_pages_are_the_full_sort),
        cmocka_unit_test(search_is_the_reference_filter),
        cmocka_unit_test(a_keys_word_is_left_out_where_every_key_holds_it),
        cmocka_unit_test(catalogue_search_is_key_code_and_title),
        cmocka_unit_test(words_are_behind_their_registers_tag),
        cmocka_unit_test(indexed_and_searched_fields), cmocka_unit_test(an_add_is_one_statement),
        cmocka_unit_test(the_word_index_merges_sixteen_at_once_in_steps),
        cmocka_unit_test(a_transactions_words_wait_for_its_commit),
        cmocka_unit_test(a_large_batch_is_one_segment),
        cmocka_unit_test(a_long_transactions_words_do_not_all_wait),
        cmocka_unit_test(a_common_words_page_is_the_index_page))
