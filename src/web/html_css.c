/* html_css.c: the stylesheet, compiled into the binary. Plain CSS: the
 * layout reflows to one column on a phone, focus is always visible, and
 * printing drops the navigation and forms. Served with a long cache; its
 * URL carries a hash of the text, so a new binary's stylesheet is fetched
 * anew. */
#include "web/html.h"
#include "web/web_internal.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char css[] =
    ":root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--accent:#0b5cad;"
    "--bad:#b3261e;--ok:#1a7f37;--warn:#9a6700;--soft:#f6f8fa}\n"
    "*{box-sizing:border-box}\n"
    "html{font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;color:var(--fg);"
    "background:var(--bg)}\n"
    "body{margin:0}\n"
    "a{color:var(--accent)}\n"
    ":focus-visible{outline:3px solid #f2a900;outline-offset:2px}\n"
    "a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #f2a900;"
    "outline-offset:2px}\n"
    ".skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem;z-index:9}\n"
    ".skip:focus{left:.5rem}\n"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);"
    "white-space:nowrap}\n"
    "header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;"
    "padding:.5rem 1rem;border-bottom:1px solid var(--line);background:var(--soft)}\n"
    "header.top nav{display:flex;align-items:center;gap:1rem;flex-wrap:wrap}\n"
    "header.top ul{display:flex;gap:1rem;list-style:none;margin:0;padding:0;flex-wrap:wrap}\n"
    "header.top a[aria-current]{font-weight:700;text-decoration:none;color:var(--fg)}\n"
    ".brand{font-weight:800;text-decoration:none}\n"
    "form.search{display:flex;gap:.25rem;flex:1;min-width:16rem;max-width:28rem}\n"
    "form.search input{flex:1;min-width:0}\n"
    "form.who{display:flex;gap:.5rem;align-items:center;margin-left:auto}\n"
    "main{padding:1rem;max-width:80rem;margin:0 auto}\n"
    "footer{padding:1rem;color:var(--muted);border-top:1px solid var(--line);font-size:.875rem}\n"
    "h1{font-size:1.6rem;margin:.5rem 0 1rem}\n"
    "h2{font-size:1.2rem;margin:1.5rem 0 .5rem}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);"
    "vertical-align:top}\n"
    "th a{color:inherit}\n"
    ".scroll{overflow-x:auto}\n"
    "dl.fields{display:grid;grid-template-columns:minmax(10rem,16rem) 1fr;gap:.25rem 1rem}\n"
    "dl.fields dt{font-weight:600;color:var(--muted)}\n"
    "dl.fields dd{margin:0;white-space:pre-line;min-width:0;overflow-wrap:anywhere}\n"
    "pre.doc{white-space:pre-wrap;overflow-wrap:anywhere;max-height:24rem;overflow:auto;"
    "font-size:.8rem;background:#f6f8fa;padding:.5rem;margin:.25rem 0}\n"
    "details summary{cursor:pointer;color:var(--accent)}\n"
    "input,select,textarea,button{font:inherit;padding:.3rem .5rem;border:1px solid "
    "var(--line);border-radius:4px;background:#fff;color:inherit}\n"
    "button,.button{background:var(--accent);color:#fff;border-color:var(--accent);"
    "cursor:pointer;text-decoration:none;padding:.3rem .75rem;border-radius:4px;"
    "display:inline-block}\n"
    "button.secondary{background:#fff;color:var(--accent)}\n"
    ".actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}\n"
    ".actions form{margin:0}\n"
    "form.record .field{margin:0 0 1rem}\n"
    "form.record label{display:block;font-weight:600}\n"
    "form.record .help{display:block;color:var(--muted);font-size:.875rem}\n"
    "form.record input,form.record select,form.record textarea{width:100%;max-width:40rem}\n"
    "form.record textarea{min-height:6rem}\n"
    "form.record input[type=checkbox]{width:auto;margin:0 .4rem 0 0}\n"
    "form.job{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:1rem 0}\n"
    "form.job input{width:9rem}\n"
    "form.job .help{flex-basis:100%;color:var(--muted);font-size:.875rem}\n"
    "progress{display:block;width:100%;max-width:40rem;height:1rem;margin:0 0 1rem}\n"
    ".error{color:var(--bad);font-weight:600}\n"
    ".error-summary{border:2px solid var(--bad);padding:.5rem 1rem;margin:0 0 1rem}\n"
    ".error-summary p{font-weight:600;margin:.25rem 0}\n"
    ".field.invalid input,.field.invalid select,.field.invalid textarea{border-color:var(--bad)}\n"
    ".notice{padding:.5rem 1rem;border-left:4px solid var(--accent);background:var(--soft)}\n"
    ".filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin:0 0 1rem}\n"
    ".filters label{display:block;font-size:.875rem;color:var(--muted)}\n"
    /* a select is as wide as its longest option: never wider than the screen */
    ".filters>div{min-width:0;max-width:100%}.filters select{max-width:100%}\n"
    /* a key (first column of a list) does not break at its hyphen */
    "td:first-child>a{white-space:nowrap}\n"
    /* a chart (with its viewBox) shrinks to a narrow screen */
    "main svg{max-width:100%;height:auto}\n"
    ".pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}\n"
    ".muted{color:var(--muted)}\n"
    ".ok{color:var(--ok)}.bad{color:var(--bad);font-weight:600}\n"
    "svg.heat,figure.chart svg{max-width:100%;height:auto}figure.chart{margin:1rem 0}\n"
    ".retired{color:var(--muted);text-decoration:line-through}\n"
    "caption{text-align:left;font-weight:600;padding:.25rem 0}\n"
    ".pager a[aria-current]{font-weight:700;color:var(--fg);text-decoration:none}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".warn{color:var(--warn)}.label{color:var(--muted)}.plain{font-weight:400}\n"
    /* a wide table keeps readable columns and scrolls sideways (in .scroll) */
    "table.wide{min-width:52rem}\n"
    /* a small table of figures as wide as its cells; words kept on a line */
    "table.compact{width:auto}.nowrap{white-space:nowrap}\n"
    /* a phone: the header in two rows, the navigation on one (it scrolls
     * sideways rather than wrap), then search and sign-out; the signed-in
     * person's name only for screen readers */
    "@media (max-width:40rem){header.top{padding:.25rem .5rem;gap:.25rem .5rem}"
    "header.top nav,header.top ul{flex-wrap:nowrap;gap:.625rem;white-space:nowrap;"
    "font-size:.875rem}h1{font-size:1.3rem}"
    "header.top nav{flex:1 1 100%;overflow-x:auto}"
    "form.search{flex:1 1 0;min-width:0}form.search input{min-width:0;width:100%}"
    "form.who{margin-left:0}form.who span{position:absolute;width:1px;height:1px;"
    "overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}main{padding:.5rem}"
    "dl.fields{grid-template-columns:1fr}dl.fields dd{margin-bottom:.5rem}"
    "th,td{padding:.25rem}"
    /* a table of few short columns beside a long one (table.stack): on a
     * phone each row is a block, its cells on lines of their own, each
     * named by its data-label; the column headings a row of sort links */
    "table.stack,table.stack tbody,table.stack tr,table.stack td,table.stack th{display:block}"
    "table.stack thead tr{display:flex;flex-wrap:wrap;gap:0 .75rem}"
    "table.stack thead th{border:0;padding:.25rem 0}"
    "table.stack thead th.nosort{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0)}"
    "table.stack tbody tr{border-bottom:1px solid var(--line);padding:.35rem 0}"
    "table.stack tbody th,table.stack td{border:0;padding:.1rem 0}"
    "table.stack td[data-label]::before{content:attr(data-label) \": \";color:var(--muted)}}\n"
    "@media print{header.top,footer,.actions,.filters,.pager,form,.skip{display:none}"
    "main{max-width:none;padding:0}a{color:inherit;text-decoration:none}"
    "table{font-size:10pt}tr{break-inside:avoid}}\n";

static char url[64];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* FNV-1a of the stylesheet: its version in the URL. */
static void make_url(void)
{
    uint32_t h = 2166136261u;
    for (const char *p = css; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    snprintf(url, sizeof url, "/static/isms.css?v=%08" PRIx32, h);
}

const char *html_css_url(void)
{
    pthread_once(&once, make_url);
    return url;
}

int html_css(web_req *r, isms_err *e)
{
    (void)e;
    r->status = 200;
    r->type = "text/css; charset=utf-8";
    r->cache = "public, max-age=31536000, immutable";
    buf_clear(&r->out);
    buf_append(&r->out, css, sizeof css - 1);
    return 0;
}
