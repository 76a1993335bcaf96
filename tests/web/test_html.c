/* test_html.c: the HTML pages, through the real server and a browser's
 * ways: signing in with the form (a session cookie), lists with filters,
 * sort, pages and CSV, a record's page with its links both ways and its
 * history, the forms (a refusal keeps what was typed and writes nothing),
 * CSRF, stale versions, escaping of hostile text in HTML, attributes and
 * CSV, and refusals as pages. */
#include "support/testutil.h"
#include "support/webfix.h"
#include "domain/views/links.h"
#include "web/html.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD "html-test-password-1"
#define CONTROL_OWNER "sofia.rossi@nordhafen.example" /* control-owner, owns no risk */
#define XSS_TITLE "<script>alert(1)</script>\"><img src=x onerror=alert(1)>"

typedef struct session {
    char cookie[128]; /* "isms_session=..." */
    char csrf[128];
} session;

static session lead, control_owner, board;

/* GET as the session (NULL: nobody); the answer is the caller's. */
static void get(tu_http *r, const session *s, const char *path)
{
    char h[256] = "";
    if (s)
        snprintf(h, sizeof h, "Cookie: %s\r\n", s->cookie);
    tu_http_send(r, wf_port(), "GET", path, h, NULL, 0);
}

/* A form posted as the session, `form` urlencoded as given. */
static void post(tu_http *r, const session *s, const char *path, const char *form)
{
    char h[512] = "Content-Type: application/x-www-form-urlencoded\r\n";
    if (s)
        snprintf(h + strlen(h), sizeof h - strlen(h), "Cookie: %s\r\n", s->cookie);
    tu_http_send(r, wf_port(), "POST", path, h, form, strlen(form));
}

/* Posts a form that must be taken (303); the Location it leads to (free). */
static char *post_ok(const session *s, const char *path, const char *form)
{
    tu_http r;
    post(&r, s, path, form);
    if (r.status != 303)
        fail_msg("POST %s: %d %s", path, r.status, r.body);
    char *loc = tu_http_header(&r, "Location");
    tu_http_free(&r);
    return loc;
}

/* The value of the first csrf field of a page. */
static void csrf_of(const char *html, char *out, size_t n)
{
    const char *at = strstr(html, "name=\"csrf\" value=\"");
    assert_non_null(at);
    at += strlen("name=\"csrf\" value=\"");
    snprintf(out, n, "%.*s", (int)strcspn(at, "\""), at);
}

static void sign_in(const char *who, session *s)
{
    char form[256];
    snprintf(form, sizeof form, "user=%s&password=%s&next=%%2Fmy", who, "html-test-password-1");
    tu_http r;
    post(&r, NULL, "/signin", form);
    assert_int_equal(r.status, 303);
    char *loc = tu_http_header(&r, "Location"), *set = tu_http_header(&r, "Set-Cookie");
    assert_string_equal(loc, "/my");
    assert_non_null(set);
    assert_contains(set, "HttpOnly");
    snprintf(s->cookie, sizeof s->cookie, "%.*s", (int)strcspn(set, ";"), set);
    free(loc);
    free(set);
    tu_http_free(&r);
    get(&r, s, "/my");
    assert_int_equal(r.status, 200);
    csrf_of(r.body, s->csrf, sizeof s->csrf);
    tu_http_free(&r);
}

static int setup(void **state)
{
    (void)state;
    wf_start("html.isms");
    wf_user(WF_LEAD, PASSWORD);
    wf_user(CONTROL_OWNER, PASSWORD);
    wf_user(WF_BOARD, PASSWORD);
    sign_in(WF_LEAD, &lead);
    sign_in(CONTROL_OWNER, &control_owner);
    sign_in(WF_BOARD, &board);
    return 0;
}

/* GET that must answer 200 with HTML; the body is the caller's (free). */
static char *page(const session *s, const char *path)
{
    tu_http r;
    get(&r, s, path);
    if (r.status != 200)
        fail_msg("GET %s: %d %s", path, r.status, r.body);
    char *type = tu_http_header(&r, "Content-Type");
    char *csp = tu_http_header(&r, "Content-Security-Policy");
    assert_contains(type, "text/html");
    assert_contains(csp, "default-src 'self'");
    assert_contains(r.body, "<!doctype html>");
    assert_contains(r.body, "<main id=\"main\"");
    free(type);
    free(csp);
    char *body = r.body;
    r.body = NULL;
    tu_http_free(&r);
    return body;
}

/* GET that must be refused with `status`, the page naming `needle`. */
static void refused(const session *s, const char *path, int status, const char *needle)
{
    tu_http r;
    get(&r, s, path);
    if (r.status != status)
        fail_msg("GET %s: %d, expected %d", path, r.status, status);
    assert_contains(r.body, needle);
    tu_http_free(&r);
}

/* A field of a record, through the API as the lead. */
static json_t *api_record(const char *path)
{
    tu_http r;
    wf_req(&r, WF_LEAD, "GET", path, NULL, NULL);
    assert_int_equal(r.status, 200);
    json_t *j = wf_json(&r);
    tu_http_free(&r);
    return j;
}

static long long version_of(const char *path)
{
    json_t *j = api_record(path);
    long long v = (long long)json_integer_value(json_object_get(j, "version"));
    json_decref(j);
    return v;
}

/* ---- the tests ---- */

static void escaping_in_text_attributes_and_urls(void **state)
{
    (void)state;
    static const struct {
        void (*write)(buf *b, const char *s);
        const char *in, *out;
    } cases[] = {
        { html_text, XSS_TITLE,
          "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" },
        { html_url_part, "a b/c?d=&e\"", "a%20b%2Fc%3Fd%3D%26e%22" },
        { html_href, "javascript:alert(1)", " href=\"#\"" },
        { html_href, "/risks?q=\"x\"", " href=\"/risks?q=&quot;x&quot;\"" },
    };
    buf b;
    buf_init(&b);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        buf_clear(&b);
        cases[k].write(&b, cases[k].in);
        assert_string_equal(buf_str(&b), cases[k].out);
    }
    assert_false(html_safe_url("JavaScript:alert(1)"));
    assert_false(html_safe_url("data:text/html,x"));
    assert_false(html_safe_url("//evil.example/"));
    assert_true(html_safe_url("https://acme.example/x"));
    buf_clear(&b);
    html_f(&b, "<a href=\"/%u\">%s</a> %d%%", "a/b", "<b>", 5);
    assert_string_equal(buf_str(&b), "<a href=\"/a%2Fb\">&lt;b&gt;</a> 5%");
    buf_reset(&b);
}

static void pages_render_for_the_lead(void **state)
{
    (void)state;
    static const char *const pages[][2] = {
        /* a page, and what it must show */
        { "/registers", "href=\"/risks\"" },
        { "/risks", "RISK-1" },
        { "/risks/RISK-1", "Ransomware halts payments" },
        { "/risks/new", "<label for=\"in-title\">" },
        { "/risks/RISK-1/edit", "name=\"version\"" },
        { "/my", "PER-3" },
        { "/search?q=ransom", "/risks/RISK-1" },
        { "/signout", "Sign out everywhere" },
        { "/scopes", "SCOPE-2" },
        { "/people/PER-4", "Tomasz Nowak" },
    };
    for (size_t k = 0; k < sizeof pages / sizeof *pages; k++) {
        char *body = page(&lead, pages[k][0]);
        assert_contains(body, pages[k][1]);
        assert_contains(body, "class=\"skip\" href=\"#main\"");
        assert_contains(body, "/static/isms.css?v=");
        free(body);
    }
    tu_http r;
    get(&r, NULL, html_css_url());
    assert_int_equal(r.status, 200);
    char *cache = tu_http_header(&r, "Cache-Control");
    assert_contains(cache, "max-age=31536000");
    assert_contains(r.body, "@media print");
    free(cache);
    tu_http_free(&r);
}

static void nobody_is_sent_to_sign_in(void **state)
{
    (void)state;
    tu_http r;
    get(&r, NULL, "/risks/RISK-1");
    assert_int_equal(r.status, 303);
    char *loc = tu_http_header(&r, "Location");
    assert_string_equal(loc, "/signin?next=%2Frisks%2FRISK-1");
    free(loc);
    tu_http_free(&r);
    post(&r, NULL, "/risks", "title=x");
    assert_int_equal(r.status, 401);
    assert_contains(r.body, "href=\"/signin\"");
    tu_http_free(&r);
    /* a wrong password: the form again, the user kept, the password not */
    post(&r, NULL, "/signin", "user=mara.lindqvist%40nordhafen.example&password=wrong-one");
    assert_int_equal(r.status, 401);
    assert_contains(r.body, "value=\"mara.lindqvist@nordhafen.example\"");
    assert_null(strstr(r.body, "wrong-one"));
    assert_null(tu_http_header(&r, "Set-Cookie"));
    tu_http_free(&r);
    /* an offsite next is not followed */
    post(&r, NULL, "/signin",
         "user=mara.lindqvist%40nordhafen.example&password=" PASSWORD "&next=%2F%2Fevil.example");
    assert_int_equal(r.status, 303);
    loc = tu_http_header(&r, "Location");
    assert_string_equal(loc, "/");
    free(loc);
    tu_http_free(&r);
}

static void signing_out_ends_the_session(void **state)
{
    (void)state;
    session s;
    sign_in(WF_LEAD, &s);
    char form[200];
    snprintf(form, sizeof form, "csrf=%s", s.csrf);
    free(post_ok(&s, "/signout", form));
    tu_http r;
    get(&r, &s, "/my");
    assert_int_equal(r.status, 303); /* to the sign-in form again */
    tu_http_free(&r);
}

static void list_filters_sorts_pages_and_csv(void **state)
{
    (void)state;
    long long total = wf_total("/api/v1/risks?treatment=mitigate&limit=1");
    assert_true(total > 2);
    char *body = page(&lead, "/risks?treatment=mitigate&sort=-likelihood&limit=2&owner=");
    char expect[64];
    snprintf(expect, sizeof expect, "1–2 of %lld", total);
    assert_contains(body, expect);
    assert_contains(body, "<option value=\"mitigate\" selected>");
    assert_contains(body, "aria-sort=\"descending\"");
    assert_contains(body, "cursor=2");
    assert_contains(body, "format=csv");
    free(body);
    /* the CSV holds the rows shown: a header and two, sorted alike */
    tu_http r;
    get(&r, &lead, "/risks?treatment=mitigate&sort=-likelihood&limit=2&format=csv");
    assert_int_equal(r.status, 200);
    char *type = tu_http_header(&r, "Content-Type");
    assert_contains(type, "text/csv");
    free(type);
    assert_true(!strncmp(r.body, "key,title,", 10));
    int lines = 0;
    for (const char *p = r.body; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3);
    json_t *api = api_record("/api/v1/risks?treatment=mitigate&sort=-likelihood&limit=2");
    const char *first =
        json_string_value(json_object_get(json_array_get(json_object_get(api, "items"), 0), "key"));
    char row[64];
    snprintf(row, sizeof row, "\r\n%s,", first);
    assert_contains(r.body, row);
    json_decref(api);
    tu_http_free(&r);
    refused(&lead, "/risks?colour=red", 400, "colour"); /* no field: refused, as a page */
}

static void rename_per4(const char *name)
{
    char body[128];
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    tu_http r;
    wf_req(&r, WF_LEAD, "PATCH", "/api/v1/people/PER-4", body, "If-Match: *\r\n");
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
}

/* A page names each owner as the repository says now: the labels a page
 * looked up once (a read transaction keeps them) are read again by the
 * next page after a rename. */
static void a_list_names_owners_as_they_are_now(void **state)
{
    (void)state;
    char *body = page(&lead, "/risks?owner=PER-4");
    assert_contains(body, "Tomasz Nowak");
    free(body);
    rename_per4("Tomasz Nowak-Berg");
    body = page(&lead, "/risks?owner=PER-4");
    assert_contains(body, "Tomasz Nowak-Berg");
    free(body);
    rename_per4("Tomasz Nowak");
    body = page(&lead, "/risks?owner=PER-4");
    assert_not_contains(body, "Nowak-Berg");
    free(body);
}

static void a_record_links_both_ways_and_shows_history(void **state)
{
    (void)state;
    char form[300];
    snprintf(form, sizeof form,
             "csrf=%s&version=%lld&treatment_plan=Backups+tested&description=Line+one%%0D%%0ALine+"
             "two&note=after+the+audit",
             lead.csrf, version_of("/api/v1/risks/RISK-1"));
    free(post_ok(&lead, "/risks/RISK-1/edit", form));
    char *body = page(&lead, "/risks/RISK-1");
    /* references by key and name: its owner, an asset */
    assert_contains(body, "<a href=\"/people/PER-4\">PER-4</a> <span class=\"label\">Tomasz "
                          "Nowak</span>");
    assert_contains(body, "<a href=\"/assets/AST-4\">AST-4</a> <span class=\"label\">Core "
                          "banking system</span>");
    assert_contains(body, "href=\"/controls/CTL-1\""); /* a control that treats it */
    /* times as people read them, the ISO value in <time> */
    json_t *j = api_record("/api/v1/risks/RISK-1");
    const char *at = json_string_value(json_object_get(j, "updated_at"));
    char when[128];
    snprintf(when, sizeof when, "<dd><time datetime=\"%s\">%.10s %.5s UTC</time></dd>", at, at,
             at + 11);
    assert_contains(body, when);
    json_decref(j);
    assert_not_contains(body, "<td>20"); /* the history's times too */
    assert_contains(body, "<h2 id=\"history\">History</h2>");
    assert_not_contains(body, "Earlier changes"); /* a few: all of them */
    assert_contains(body, "<td>demo</td><td>add</td>");
    assert_contains(body, "treatment_plan: Backups tested");
    assert_contains(body, "Line one\nLine two"); /* a textarea's CR LF kept as a line break */
    assert_contains(body, "after the audit");
    assert_contains(body, "mara.lindqvist@nordhafen.example");
    free(body);
    body = page(&lead, "/controls/CTL-1"); /* and back */
    assert_contains(body, "href=\"/risks/RISK-1\"");
    free(body);
}

/* A record's page shows the last 50 of its changes, each naming what it
 * changed, and links to those before them, and back: the cost of a page
 * however long its history. */
static void a_long_history_is_shown_a_page_at_a_time(void **state)
{
    (void)state;
    char plan[32];
    for (int k = 1; k <= 52; k++) {
        snprintf(plan, sizeof plan, "Plan-%02d", k);
        free(tu_isms_ok(wf_repo(), "asset", "update", "AST-2", "--description", plan));
    }
    char *body = page(&lead, "/assets/AST-2");
    assert_contains(body, "The last 50 changes.");
    assert_contains(body, "description: Plan-52");
    assert_contains(body, "description: Plan-03");
    assert_not_contains(body, "description: Plan-02<");
    assert_not_contains(body, "<td>add</td>");
    const char *earlier = strstr(body, "?history_before=");
    assert_non_null(earlier);
    char url[96];
    snprintf(url, sizeof url, "/assets/AST-2%.*s", (int)strcspn(earlier, "\"#"), earlier);
    free(body);
    body = page(&lead, url);
    assert_contains(body, "The first 3 changes."); /* the add, Plan-01 and 02 */
    assert_contains(body, "description: Plan-02");
    assert_contains(body, "description: Plan-01");
    assert_contains(body, "<td>add</td>"); /* back to the beginning */
    assert_not_contains(body, "Plan-03");
    assert_not_contains(body, "Earlier changes");
    assert_contains(body, "<a href=\"/assets/AST-2#history\">The latest</a>");
    free(body);
    refused(&lead, "/assets/AST-2?history_before=x", 400, "history_before");
}

static void a_refused_form_keeps_what_was_typed_and_writes_nothing(void **state)
{
    (void)state;
    long long before = wf_total("/api/v1/risks?limit=1");
    char form[300];
    snprintf(form, sizeof form, "csrf=%s&title=Kept+title&owner=PER-4&likelihood=9&impact=2",
             lead.csrf);
    tu_http r;
    post(&r, &lead, "/risks", form);
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "value=\"Kept title\"");
    assert_contains(r.body, "value=\"9\"");
    assert_contains(r.body, "<option value=\"PER-4\" selected>");
    assert_contains(r.body, "id=\"in-likelihood-error\"");
    assert_contains(r.body, "aria-describedby=\"in-likelihood-help in-likelihood-error\"");
    /* every error listed above the form, linked to its field, which has the focus */
    assert_contains(r.body, "<div class=\"error-summary\" role=\"alert\"");
    assert_contains(r.body, "<li><a href=\"#in-likelihood\">");
    assert_contains(r.body, "aria-invalid=\"true\" autofocus");
    tu_http_free(&r);
    assert_int_equal(wf_total("/api/v1/risks?limit=1"), before);
    /* every error the domain finds, not only its first: two required
     * fields left out and a reference to nobody */
    snprintf(form, sizeof form, "csrf=%s&owner=PER-999&likelihood=3", lead.csrf);
    post(&r, &lead, "/risks", form);
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "Nothing was saved: 3 fields to correct.");
    assert_contains(r.body, "<li><a href=\"#in-title\">Title</a>: title is required</li>");
    assert_contains(r.body, "<li><a href=\"#in-owner\">Owner</a>: owner: there is no person "
                            "PER-999</li>");
    assert_contains(r.body, "<li><a href=\"#in-impact\">Impact</a>: impact is required</li>");
    tu_http_free(&r);
    /* and on an edit: two references to nothing */
    snprintf(form, sizeof form, "csrf=%s&owner=PER-998&objectives=OBJ-999", lead.csrf);
    post(&r, &lead, "/risks/RISK-2/edit", form);
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "2 fields to correct");
    assert_contains(r.body, "PER-998");
    assert_contains(r.body, "OBJ-999");
    tu_http_free(&r);
    assert_int_equal(wf_total("/api/v1/risks?limit=1"), before);
    /* the API still answers with the first */
    wf_req(&r, WF_LEAD, "POST", "/api/v1/risks", "{\"owner\":\"PER-999\",\"likelihood\":3}", NULL);
    assert_int_equal(r.status, 422);
    assert_string_equal(wf_error_field(&r), "title");
    tu_http_free(&r);
    /* and a good one is made, and shown */
    snprintf(form, sizeof form, "csrf=%s&title=Made+by+form&owner=PER-4&likelihood=2&impact=2",
             lead.csrf);
    char *loc = post_ok(&lead, "/risks", form);
    assert_true(!strncmp(loc, "/risks/RISK-", 12));
    free(loc);
    assert_int_equal(wf_total("/api/v1/risks?limit=1"), before + 1);
}

static void csrf_missing_or_stale_is_refused(void **state)
{
    (void)state;
    session old;
    sign_in(WF_LEAD, &old);
    session now;
    sign_in(WF_LEAD, &now);
    long long v = version_of("/api/v1/risks/RISK-2");
    const char *forms[] = { "title=No+token", "csrf=&title=Empty+token",
                            "csrf=0000000000000000000000000000000000000000000&title=Forged" };
    for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
        tu_http r;
        post(&r, &now, "/risks/RISK-2/edit", forms[k]);
        assert_int_equal(r.status, 403);
        assert_contains(r.body, "csrf");
        tu_http_free(&r);
    }
    /* another session's token is no good either */
    char form[300];
    snprintf(form, sizeof form, "csrf=%s&title=Other+session", old.csrf);
    tu_http r;
    post(&r, &now, "/risks/RISK-2/edit", form);
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    post(&r, &now, "/risks/RISK-2/retire", "");
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    /* the right token, from a form on another site */
    snprintf(form, sizeof form, "csrf=%s&title=From+elsewhere", now.csrf);
    char h[300];
    snprintf(h, sizeof h,
             "Content-Type: application/x-www-form-urlencoded\r\nCookie: %s\r\nSec-Fetch-Site: "
             "cross-site\r\n",
             now.cookie);
    tu_http_send(&r, wf_port(), "POST", "/risks/RISK-2/edit", h, form, strlen(form));
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    assert_int_equal(version_of("/api/v1/risks/RISK-2"), v);
    json_t *j = api_record("/api/v1/risks/RISK-2");
    assert_null(json_object_get(j, "retired_at")
                    ? json_string_value(json_object_get(j, "retired_at"))
                    : NULL);
    json_decref(j);
}

static void a_stale_version_is_refused(void **state)
{
    (void)state;
    long long v = version_of("/api/v1/risks/RISK-3");
    char form[300];
    snprintf(form, sizeof form, "csrf=%s&version=%lld&title=First+edit", lead.csrf, v);
    free(post_ok(&lead, "/risks/RISK-3/edit", form));
    tu_http r;
    snprintf(form, sizeof form, "csrf=%s&version=%lld&title=Second+edit+from+the+old+page",
             lead.csrf, v);
    post(&r, &lead, "/risks/RISK-3/edit", form);
    assert_int_equal(r.status, 409);
    assert_contains(r.body, "role=\"alert\"");
    assert_contains(r.body, "value=\"Second edit from the old page\"");
    tu_http_free(&r);
    json_t *j = api_record("/api/v1/risks/RISK-3");
    assert_string_equal(json_string_value(json_object_get(j, "title")), "First edit");
    assert_int_equal(json_integer_value(json_object_get(j, "version")), v + 1);
    json_decref(j);
}

/* Hostile text appears only escaped: in the list, the record's page, the
 * edit form's attributes, the search, and the CSV (a formula quoted). */
static void hostile_text_is_only_ever_text(void **state)
{
    (void)state;
    char form[600];
    snprintf(
        form, sizeof form,
        "csrf=%s&title=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E%%22%%3E%%3Cimg+src%%3Dx+"
        "onerror%%3Dalert(1)%%3E&description=%%3Csvg+onload%%3Dalert(1)%%3E%%3Ca+xlink%%3Ahref%%"
        "3D%%22javascript%%3Aalert(2)%%22%%3Ex%%3C%%2Fa%%3E%%3C%%2Fsvg%%3E&owner=PER-4&"
        "likelihood=1&impact=1",
        lead.csrf);
    char *loc = post_ok(&lead, "/risks", form);
    char edit[80];
    snprintf(edit, sizeof edit, "%s/edit", loc);
    const char *paths[] = { loc, edit, "/risks?sort=-key", "/search?q=alert" };
    for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
        char *body = page(&lead, paths[k]);
        assert_null(strstr(body, "<script>alert"));
        assert_null(strstr(body, "<img src=x"));
        assert_null(strstr(body, "<svg onload"));
        assert_null(strstr(body, "\"javascript:"));
        assert_contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img");
        free(body);
    }
    free(loc);
    /* CSV: a cell that would be a formula gets a leading quote */
    snprintf(form, sizeof form,
             "csrf=%s&title=%%3DHYPERLINK(%%22http%%3A%%2F%%2Fevil.example%%22)&owner=PER-4&"
             "likelihood=1&impact=1",
             lead.csrf);
    free(post_ok(&lead, "/risks", form));
    tu_http r;
    get(&r, &lead, "/risks?q=HYPERLINK&format=csv");
    assert_contains(r.body, ",\"'=HYPERLINK(\"\"http://evil.example\"\")\",");
    tu_http_free(&r);
    /* a text that is a web address is a link; javascript: stays text */
    snprintf(form, sizeof form,
             "csrf=%s&title=javascript%%3Aalert(1)&treatment_plan=https%%3A%%2F%%2Facme.example%%"
             "2Fplan%%3Fa%%3D1%%26b%%3D2&owner=PER-4&likelihood=1&impact=1",
             lead.csrf);
    loc = post_ok(&lead, "/risks", form);
    char *body = page(&lead, loc);
    assert_contains(body, "href=\"https://acme.example/plan?a=1&amp;b=2\"");
    assert_null(strstr(body, "href=\"javascript:"));
    assert_contains(body, "javascript:alert(1)</h1>");
    free(body);
    free(loc);
    get(&r, &lead, "/risks?q=alert&format=csv");
    assert_contains(r.body, "\"<script>alert(1)</script>\"\"><img src=x onerror=alert(1)>\"");
    tu_http_free(&r);
}

/* A draft scope: the lead makes it and may not approve it; the
 * management body finds it in their work, sees the button, approves. */
static void lifecycle_verbs_are_offered_to_who_may(void **state)
{
    (void)state;
    char form[300];
    snprintf(form, sizeof form, "csrf=%s&statement=A+draft+scope+from+the+form", lead.csrf);
    char *loc = post_ok(&lead, "/scopes", form);
    char approve[80];
    snprintf(approve, sizeof approve, "%s/approve", loc);
    char *body = page(&lead, loc);
    assert_null(strstr(body, approve));
    free(body);
    body = page(&board, "/my");
    assert_contains(body, approve);
    free(body);
    body = page(&board, loc);
    assert_contains(body, approve);
    free(body);
    snprintf(form, sizeof form, "csrf=%s", lead.csrf);
    tu_http r;
    post(&r, &lead, approve, form); /* refused by the domain all the same */
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    snprintf(form, sizeof form, "csrf=%s", board.csrf);
    free(post_ok(&board, approve, form));
    char api[80];
    snprintf(api, sizeof api, "/api/v1%s", loc);
    json_t *j = api_record(api);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "approved");
    assert_string_equal(json_string_value(json_object_get(j, "approved_by")), "PER-1");
    json_decref(j);
    free(loc);
}

static void refusals_are_pages(void **state)
{
    (void)state;
    /* a control owner may not edit a risk they do not own */
    tu_http r;
    long long v = version_of("/api/v1/risks/RISK-1");
    get(&r, &control_owner, "/risks/RISK-1/edit");
    assert_int_equal(r.status, 403);
    assert_contains(r.body, "<!doctype html>");
    assert_contains(r.body, "owned by");
    tu_http_free(&r);
    char form[200];
    snprintf(form, sizeof form, "csrf=%s&title=Taken+over", control_owner.csrf);
    post(&r, &control_owner, "/risks/RISK-1/edit", form);
    assert_int_equal(r.status, 403);
    tu_http_free(&r);
    assert_int_equal(version_of("/api/v1/risks/RISK-1"), v);
    /* nor sees an edit button there */
    char *body = page(&control_owner, "/risks/RISK-1");
    assert_null(strstr(body, "/risks/RISK-1/edit"));
    free(body);
    /* an unknown key, an unknown page */
    get(&r, &lead, "/risks/RISK-99999");
    assert_int_equal(r.status, 404);
    assert_contains(r.body, "RISK-99999");
    tu_http_free(&r);
    get(&r, &lead, "/nothing/here/at/all");
    assert_int_equal(r.status, 404);
    assert_contains(r.body, "<!doctype html>");
    tu_http_free(&r);
}

/* What a request says is read whole, or refused: a %00 (which decoded
 * would end the text short of what came) reaches no record and no form
 * field; a parameter a page does not take is named, even left empty. */
static void a_request_is_read_whole_or_refused(void **state)
{
    (void)state;
    refused(&lead, "/risks/RISK-1%00x", 404, "no risk RISK-1%00X");
    refused(&lead, "/risks?owner=PER-3%00x", 404, "no person PER-3%00X");
    refused(&lead, "/risks?colour=", 400, "colour: no such field or parameter of risks");
    refused(&lead, "/risks/RISK-1/quantify?iteration=50000", 400, "iteration");
    refused(&lead, "/controls/roi?seeds=2", 400, "seeds");
    refused(&lead, "/search?query=payments", 400, "query");
    refused(&lead, "/risks/RISK-1?fields=title", 400, "fields: no such parameter");
    refused(&lead, "/?view=board", 400, "view: no such parameter");
    tu_http api;
    wf_req(&api, WF_LEAD, "GET", "/api/v1/risks/RISK-1?fields=title", NULL, NULL);
    assert_int_equal(api.status, 400);
    assert_string_equal(wf_error_field(&api), "fields");
    tu_http_free(&api);
    char *body = page(&lead, "/risks?owner=&q=");
    free(body); /* a form's fields left empty: no filter */
    long long v = version_of("/api/v1/risks/RISK-1");
    char form[200];
    snprintf(form, sizeof form, "csrf=%s&title=Cut%%00short", lead.csrf);
    tu_http r;
    post(&r, &lead, "/risks/RISK-1/edit", form);
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "title: holds a NUL byte");
    tu_http_free(&r);
    assert_int_equal(version_of("/api/v1/risks/RISK-1"), v);
}

/* ---- coverage, drift and the Statement of Applicability ---- */

/* The API's document for path, and the command line's for the same
 * question: the one computation, said alike. */
static void api_is_cli(const char *path, json_t *cli)
{
    json_t *api = api_record(path);
    if (!json_equal(api, cli)) {
        char *a = json_dumps(api, JSON_COMPACT), *c = json_dumps(cli, JSON_COMPACT);
        fail_msg("%s differs from the command line's:\n%.400s\n%.400s", path, a, c);
    }
    json_decref(api);
    json_decref(cli);
}

static void coverage_pages_and_api(void **state)
{
    (void)state;
    char *body = page(&lead, "/coverage");
    assert_contains(body, "href=\"/coverage?framework=iso27001-2022\"");
    assert_contains(body, "href=\"/soa\"");
    assert_contains(body, "aria-current=\"page\">Frameworks</a>");
    free(body);
    body = page(&lead, "/coverage?framework=iso27001-2022");
    assert_contains(body, "<h1>Coverage of iso27001-2022</h1>");
    assert_contains(body, "<th scope=\"row\">A.8</th><td>Technological controls</td>");
    assert_contains(body, "<th scope=\"row\">Total</th>");
    assert_contains(body, "href=\"/requirements/REQ-");
    assert_contains(body, "<td class=\"ok\">covered</td>");
    /* each requirement links to its controls, named */
    assert_contains(body, "<a href=\"/controls/CTL-");
    assert_contains(body, "</a> <span class=\"label\">");
    free(body);
    body = page(&lead, "/coverage?framework=iso27001-2022&gaps=1");
    assert_not_contains(body, "<td class=\"ok\">covered</td>");
    assert_contains(body, "<td class=\"bad\">not covered</td>");
    free(body);
    api_is_cli(
        "/api/v1/coverage?framework=iso27001-2022",
        tu_json_take(tu_isms_ok(wf_repo(), "coverage", "--framework", "iso27001-2022", "--json")));
    api_is_cli(
        "/api/v1/coverage?framework=nis2&gaps=1",
        tu_json_take(tu_isms_ok(wf_repo(), "coverage", "--framework", "nis2", "--gaps", "--json")));
    json_t *all = api_record("/api/v1/coverage");
    json_t *first = json_array_get(json_object_get(all, "frameworks"), 0);
    assert_non_null(json_object_get(first, "percent_covered"));
    assert_non_null(json_object_get(first, "framework"));
    json_decref(all);
    /* a mapping names its requirement as FRAMEWORK:ID beside the title */
    body = page(&lead, "/mappings?sort=target");
    assert_contains(body, "</a> <span class=\"label\">iso27001-2022:A.");
    /* too many requirements to choose from: typed, and the hint says how */
    assert_contains(body, "name=\"target\" value=\"\" placeholder=\"REQ-n or FRAMEWORK:ID\"");
    free(body);
    body = page(&lead, "/mappings?target=iso27001-2022:A.5.1");
    assert_contains(body, "value=\"iso27001-2022:A.5.1\" placeholder=\"REQ-n or FRAMEWORK:ID\"");
    free(body);
    body = page(&lead, "/mappings/MAP-1");
    assert_contains(body, "<h1>MAP-1 · CTL-");
    assert_contains(body, " onto iso27001-2022:A.");
    free(body);
    refused(&lead, "/coverage?framework=no-such-framework", 404, "no-such-framework");
    refused(&lead, "/coverage?frame=iso27001-2022", 400, "frame");
    refused(&lead, "/soa?framework=no-such-framework", 404, "no-such-framework");
}

static void drift_page_and_api(void **state)
{
    (void)state;
    /* a control still mapped, retired: drift */
    json_t *maps = api_record("/api/v1/mappings?limit=1");
    const char *ctl = json_string_value(
        json_object_get(json_array_get(json_object_get(maps, "items"), 0), "control"));
    assert_non_null(ctl);
    char retire[96];
    snprintf(retire, sizeof retire, "/api/v1/controls/%s/retire", ctl);
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", retire, NULL, NULL);
    assert_int_equal(r.status, 200);
    tu_http_free(&r);
    json_decref(maps);
    char *body = page(&control_owner, "/drift");
    assert_contains(body, "<h1>Drift between frameworks</h1>");
    assert_contains(body, "<td>retired-control</td>");
    json_t *cli = tu_json_take(tu_isms_ok(wf_repo(), "drift", "--json"));
    json_t *api = api_record("/api/v1/drift");
    assert_true(json_equal(json_object_get(api, "drift"), cli));
    assert_int_equal(json_integer_value(json_object_get(api, "total")), json_array_size(cli));
    assert_true(json_array_size(cli) > 0);
    for (size_t k = 0; k < json_array_size(cli); k++) { /* each control linked */
        char link[80];
        snprintf(link, sizeof link, "<a href=\"/controls/%s\">",
                 json_string_value(json_object_get(json_array_get(cli, k), "control")));
        assert_contains(body, link);
    }
    json_decref(api);
    json_decref(cli);
    free(body);
}

/* Lines of a text, CRLF or LF. */
static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void soa_statement_page_csv_and_api(void **state)
{
    (void)state;
    tu_http r;
    get(&r, &lead, "/soa?framework=iso27001-2022");
    assert_int_equal(r.status, 303);
    char *loc = tu_http_header(&r, "Location");
    tu_http_free(&r);
    assert_string_equal(loc, "/soas/SOA-1/statement");
    free(loc);
    char *body = page(&lead, "/soa");
    assert_contains(body, "href=\"/soas/SOA-1/statement\"");
    free(body);
    body = page(&lead, "/soas/SOA-1/statement");
    assert_contains(body,
                    "<strong>approved</strong>, approved by <a href=\"/people/PER-1\">PER-1</a> "
                    "<span class=\"label\">");
    assert_contains(body, "<time datetime=\"");
    assert_contains(body, "href=\"/requirements/REQ-");
    assert_contains(body, "A.8.13");
    assert_contains(body, "href=\"/soas/SOA-1/statement?format=csv\"");
    assert_contains(body, "href=\"/applicabilities/APL-");
    assert_not_contains(body, "/soas/SOA-1/approve"); /* approved already */
    free(body);
    get(&r, &lead, "/soas/SOA-1/statement?format=csv");
    assert_int_equal(r.status, 200);
    char *type = tu_http_header(&r, "Content-Type");
    assert_contains(type, "text/csv");
    free(type);
    assert_true(!strncmp(r.body,
                         "requirement,title,applicable,justification,implementation,"
                         "controls,risks\r\n",
                         72));
    char *cli = tu_isms_ok(wf_repo(), "soa", "export", "SOA-1", "--format", "csv");
    assert_int_equal(lines(r.body), lines(cli));
    assert_contains(r.body, "iso27001-2022:A.5.1,Policies for information security,");
    free(cli);
    tu_http_free(&r);
    api_is_cli("/api/v1/soas/SOA-1/statement",
               tu_json_take(tu_isms_ok(wf_repo(), "soa", "export", "SOA-1", "--json")));
    refused(&lead, "/soas/SOA-1/statement?format=xlsx", 400, "format");
    refused(&lead, "/soas/SOA-99/statement", 404, "SOA-99");
}

/* Each page [k][0] holds the text [k][1], read as the lead. */
static void pages_say(const char *const said[][2], size_t n)
{
    for (size_t k = 0; k < n; k++) {
        char *body = page(&lead, said[k][0]);
        if (!strstr(body, said[k][1]))
            fail_msg("%s does not say %s", said[k][0], said[k][1]);
        free(body);
    }
}

/* Registers added later read as people write them: "SoAs", "New SoA",
 * "OSCAL"; an empty set shows as nothing, like an empty field, and so
 * does a derived value of nothing; a sort arrow stays beside its heading. */
static void later_registers_read_as_people_write_them(void **state)
{
    (void)state;
    const char *const said[][2] = {
        { "/soas", "<h1>SoAs</h1>" },
        { "/soas", ">New SoA</a>" },
        { "/soas", "Key\u00a0▲</a>" },
        { "/soas/SOA-1", ">All SoAs</a>" },
        { "/requirements/REQ-1", ">Baselines</dt><dd><span class=\"muted\">—</span></dd>" },
        { "/requirements/REQ-1", ">OSCAL</dt>" },
        /* a value nothing is derived for reads as an empty field */
        { "/assets/AST-7",
          ">Inherited confidentiality</dt><dd><span class=\"muted\">—</span></dd>" },
    };
    pages_say(said, sizeof said / sizeof *said);
}

/* ---- the profile gap: two profiles (or SoAs) compared ---- */

/* The text of the cell labelled `label` in the row of requirement `code`
 * on a /soa-gap page (static storage). */
static const char *gap_cell(const char *body, const char *code, const char *label)
{
    static char cell[64];
    char at[64], head[64];
    snprintf(at, sizeof at, ">%s</a> <span class=\"plain\">", code);
    const char *row = strstr(body, at);
    assert_non_null(row);
    snprintf(head, sizeof head, "data-label=\"%s\"", label);
    const char *c = strstr(row, head);
    assert_non_null(c);
    c = strchr(c, '>') + 1;
    snprintf(cell, sizeof cell, "%.*s", (int)strcspn(c, "<"), c);
    return cell;
}

/* The draft target profile's applicability record of a row: the first with
 * controls behind it (with) or without; its code in code. */
static const char *target_record(json_t *doc, int with, char code[32])
{
    size_t i;
    json_t *row;
    json_array_foreach(json_object_get(doc, "requirements"), i, row)
    {
        if (!*json_string_value(json_object_get(row, "controls")) == !with) {
            snprintf(code, 32, "%s",
                     strchr(json_string_value(json_object_get(row, "requirement")), ':') + 1);
            return json_string_value(json_object_get(row, "key"));
        }
    }
    fail_msg("no target row %s controls", with ? "with" : "without");
    return NULL;
}

static void profile_gap_page_csv_and_api(void **state)
{
    (void)state;
    /* nothing to compare yet: the form, and a refusal naming what is missing */
    char *body = page(&lead, "/soa-gap");
    assert_contains(body, "<h1>Profile gap</h1>");
    assert_contains(body, "<option value=\"iso27001-2022\"");
    free(body);
    refused(&lead, "/soa-gap?framework=csf-2.0", 404, "no current profile");
    refused(&lead, "/soa-gap?framework=csf-2.0", 404, "<select id=\"g-current\" name=\"current\">");
    free(tu_isms_ok(wf_repo(), "soa", "generate", "--framework", "csf-2.0", "--profile", "current",
                    "--tier", "2", "--level", "subcategory"));
    json_t *t =
        tu_json_take(tu_isms_ok(wf_repo(), "soa", "generate", "--framework", "csf-2.0", "--profile",
                                "target", "--tier", "3", "--level", "subcategory", "--json"));
    char target[32], with_code[32], without_code[32], path[160];
    snprintf(target, sizeof target, "%s", json_string_value(json_object_get(t, "key")));
    json_decref(t);
    json_t *doc = tu_json_take(tu_isms_ok(wf_repo(), "soa", "export", target, "--json"));
    free(tu_isms_ok(wf_repo(), "applicability", "update", target_record(doc, 1, with_code),
                    "--implementation", "implemented"));
    free(tu_isms_ok(wf_repo(), "applicability", "update", target_record(doc, 0, without_code),
                    "--implementation", "partial"));
    json_decref(doc);
    /* the API says what the command line says */
    json_t *cli =
        tu_json_take(tu_isms_ok(wf_repo(), "soa", "gap", "--framework", "csf-2.0", "--json"));
    api_is_cli("/api/v1/soa-gap?framework=csf-2.0", json_incref(cli));
    int gaps = (int)json_integer_value(json_object_get(cli, "gaps"));
    json_t *rows = json_object_get(cli, "requirements");
    assert_true(gaps >= 1);
    /* the page shows the same figures, row by row */
    body = page(&board, "/soa-gap?framework=csf-2.0");
    char figure[80];
    snprintf(figure, sizeof figure, "<strong>%d of %zu</strong>", gaps, json_array_size(rows));
    assert_contains(body, figure);
    assert_contains(body, "the tier falls short");
    assert_contains(body, "aria-sort=\"ascending\"");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *code = strchr(json_string_value(json_object_get(row, "requirement")), ':') + 1;
        const char *cur = json_string_value(json_object_get(row, "current"));
        const char *tgt = json_string_value(json_object_get(row, "target"));
        assert_string_equal(gap_cell(body, code, "Current"), cur ? cur : "none");
        assert_string_equal(gap_cell(body, code, "Target"), tgt ? tgt : "not applicable");
        assert_string_equal(gap_cell(body, code, "Gap"),
                            json_is_true(json_object_get(row, "gap")) ? "yes" : "no");
    }
    /* the controls behind a requirement, each a link */
    assert_string_equal(gap_cell(body, with_code, "Target"), "implemented");
    assert_contains(strstr(body, with_code), "<a href=\"/controls/CTL-");
    assert_string_equal(gap_cell(body, without_code, "Target"), "partial");
    free(body);
    /* sorted by gap, descending: the gaps first */
    body = page(&lead, "/soa-gap?framework=csf-2.0&sort=-gap");
    assert_contains(body, "aria-sort=\"descending\"");
    const char *first_no = strstr(body, "class=\"ok\">no<");
    const char *last_yes = body, *at;
    while ((at = strstr(last_yes + 1, "class=\"bad\">yes<")))
        last_yes = at;
    assert_true(first_no && last_yes < first_no);
    free(body);
    /* the CSV of what is shown, in its order */
    tu_http r;
    get(&r, &lead, "/soa-gap?framework=csf-2.0&sort=-gap&format=csv");
    assert_int_equal(r.status, 200);
    assert_true(!strncmp(r.body, "requirement,title,current,target,gap,controls\r\n", 47));
    assert_int_equal(lines(r.body), (int)json_array_size(rows) + 1);
    assert_contains(strchr(r.body, '\n'), ",yes,"); /* the first row is a gap */
    assert_true(strstr(strchr(r.body, '\n') + 1, "\r\n") > strstr(strchr(r.body, '\n'), ",yes,"));
    tu_http_free(&r);
    /* two picked: the current profile against itself has no gap */
    const char *current =
        json_string_value(json_object_get(json_object_get(cli, "current"), "soa"));
    snprintf(path, sizeof path, "/api/v1/soa-gap?current=%s&target=%s", current, current);
    json_t *self = api_record(path);
    assert_int_equal(json_integer_value(json_object_get(self, "gaps")), 0);
    json_decref(self);
    snprintf(path, sizeof path, "/api/v1/soa-gap?framework=csf-2.0&target=%s", target);
    api_is_cli(path, tu_json_take(tu_isms_ok(wf_repo(), "soa", "gap", "--framework", "csf-2.0",
                                             "--target", target, "--json")));
    snprintf(path, sizeof path, "/soa-gap?framework=csf-2.0&current=%s", current);
    body = page(&lead, path);
    snprintf(figure, sizeof figure, "<option value=\"%s\" selected>", current);
    assert_contains(body, figure);
    free(body);
    /* another framework's SoA, an unknown sort or format: refused, named */
    refused(&lead, "/soa-gap?framework=csf-2.0&current=SOA-1", 422, "current");
    refused(&lead, "/soa-gap?framework=csf-2.0&sort=colour", 400, "sort");
    refused(&lead, "/soa-gap?framework=csf-2.0&format=xlsx", 400, "format");
    json_decref(cli);
    /* linked from the framework pages and the dashboard */
    const char *const linked[][2] = { { "/soa", "href=\"/soa-gap\"" },
                                      { "/coverage", "href=\"/soa-gap\"" },
                                      { "/coverage?framework=csf-2.0",
                                        "href=\"/soa-gap?framework=csf-2.0\"" },
                                      { "/soas/SOA-1/statement", "href=\"/soa-gap?target=SOA-1\"" },
                                      { "/", "href=\"/soa-gap\"" } };
    pages_say(linked, sizeof linked / sizeof *linked);
}

/* A new draft: the management body finds Approve on its statement (the
 * lead does not), approves it there, and it is the one in force. */
static void soa_approved_from_its_statement(void **state)
{
    (void)state;
    char *out = tu_isms_ok(wf_repo(), "soa", "generate", "--framework", "iso27001-2022", "--level",
                           "control", "--json");
    json_t *j = tu_json_take(out);
    char key[32], path[96], approve[96];
    snprintf(key, sizeof key, "%s", json_string_value(json_object_get(j, "key")));
    json_decref(j);
    snprintf(path, sizeof path, "/soas/%s/statement", key);
    snprintf(approve, sizeof approve, "/soas/%s/approve", key);
    char *body = page(&lead, path);
    assert_contains(body, "<strong>draft</strong>");
    assert_not_contains(body, approve);
    free(body);
    body = page(&board, path);
    assert_contains(body, approve);
    free(body);
    char form[200];
    snprintf(form, sizeof form, "csrf=%s", board.csrf);
    free(post_ok(&board, approve, form));
    body = page(&lead, path);
    assert_contains(body, "<strong>approved</strong>");
    free(body);
    tu_http r;
    get(&r, &lead, "/soa?framework=iso27001-2022");
    char *loc = tu_http_header(&r, "Location");
    assert_string_equal(loc, path);
    free(loc);
    tu_http_free(&r);
}

/* A record's page shows the first DOM_BACKLINKS_SHOWN members of a large
 * set, the others behind "and N more". */
static void a_large_set_shows_its_first_members(void **state)
{
    (void)state;
    char treats[1024] = "\"treats\":[";
    for (int k = 0; k < DOM_BACKLINKS_SHOWN + 3; k++) {
        tu_http r;
        wf_req(&r, WF_LEAD, "POST", "/api/v1/risks",
               "{\"title\":\"One of many\",\"owner\":\"" WF_OWNER
               "\",\"likelihood\":1,\"impact\":1}",
               NULL);
        assert_int_equal(r.status, 201);
        json_t *made = wf_json(&r);
        size_t at = strlen(treats);
        snprintf(treats + at, sizeof treats - at, "%s\"%s\"", k ? "," : "",
                 json_string_value(json_object_get(made, "key")));
        json_decref(made);
        tu_http_free(&r);
    }
    char body[1200];
    snprintf(body, sizeof body, "{\"title\":\"Wide\",\"owner\":\"%s\",%s]}", WF_OWNER, treats);
    tu_http r;
    wf_req(&r, WF_LEAD, "POST", "/api/v1/controls", body, NULL);
    assert_int_equal(r.status, 201);
    json_t *made = wf_json(&r);
    char path[64];
    snprintf(path, sizeof path, "/controls/%s", json_string_value(json_object_get(made, "key")));
    json_decref(made);
    tu_http_free(&r);
    char *html = page(&lead, path);
    const char *more = strstr(html, "<details><summary>and 3 more</summary>");
    assert_non_null(more);
    int before = 0, after = 0;
    for (const char *p = html; (p = strstr(p, "<a href=\"/risks/RISK-")); p++)
        *(p < more ? &before : &after) += 1;
    assert_int_equal(before, DOM_BACKLINKS_SHOWN);
    assert_int_equal(after, 3);
    free(html);
}

TU_MAIN(setup, wf_teardown, cmocka_unit_test(escaping_in_text_attributes_and_urls),
        cmocka_unit_test(pages_render_for_the_lead), cmocka_unit_test(nobody_is_sent_to_sign_in),
        cmocka_unit_test(signing_out_ends_the_session),
        cmocka_unit_test(list_filters_sorts_pages_and_csv),
        cmocka_unit_test(a_list_names_owners_as_they_are_now),
        cmocka_unit_test(a_record_links_both_ways_and_shows_history),
        cmocka_unit_test(a_long_history_is_shown_a_page_at_a_time),
        cmocka_unit_test(a_refused_form_keeps_what_was_typed_and_writes_nothing),
        cmocka_unit_test(csrf_missing_or_stale_is_refused),
        cmocka_unit_test(a_stale_version_is_refused),
        cmocka_unit_test(hostile_text_is_only_ever_text),
        cmocka_unit_test(lifecycle_verbs_are_offered_to_who_may),
        cmocka_unit_test(refusals_are_pages), cmocka_unit_test(a_request_is_read_whole_or_refused),
        cmocka_unit_test(coverage_pages_and_api), cmocka_unit_test(drift_page_and_api),
        cmocka_unit_test(soa_statement_page_csv_and_api),
        cmocka_unit_test(soa_approved_from_its_statement),
        cmocka_unit_test(profile_gap_page_csv_and_api),
        cmocka_unit_test(later_registers_read_as_people_write_them),
        cmocka_unit_test(a_large_set_shows_its_first_members))
