/* pages_auth.c: signing in and out with HTML forms. The same sign-in as
 * the API's (auth.c: back-off, Argon2id, a new session id, the same
 * cookie); a failure shows the form again with the message and the user
 * as typed, never the password. */
#include "web/html.h"
#include "web/web_internal.h"

#include <string.h>

/* Where to go after signing in: a path of this site, else the start. */
static const char *next_of(const char *next)
{
    return next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && html_safe_url(next) ? next
                                                                                              : "/";
}

static void signin_form(web_req *r, const char *user, const char *next, const isms_err *failed)
{
    page_begin(r, "Sign in", NAV_NONE);
    buf *b = &r->out;
    if (failed)
        html_f(b, "<p class=\"error\" id=\"signin-error\" role=\"alert\">%s</p>", failed->msg);
    html_f(b,
           "<form class=\"record\" method=\"post\" action=\"/signin\"><input type=\"hidden\" "
           "name=\"next\" value=\"%s\"><div class=\"field\"><label for=\"user\">User key or "
           "e-mail</label><input id=\"user\" name=\"user\" type=\"text\" required "
           "autocomplete=\"username\" value=\"%s\"%r></div><div class=\"field\"><label "
           "for=\"password\">Password</label><input id=\"password\" name=\"password\" "
           "type=\"password\" required autocomplete=\"current-password\"%r></div><button "
           "type=\"submit\">Sign in</button></form>",
           next_of(next), user ? user : "", failed ? " aria-describedby=\"signin-error\"" : "",
           failed ? " aria-describedby=\"signin-error\"" : "");
    page_end(r);
}

int page_signin_form(web_req *r, isms_err *e)
{
    (void)e;
    signin_form(r, NULL, MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "next"), NULL);
    return 0;
}

int page_signin(web_req *r, isms_err *e)
{
    const char *user = web_form_get(r, "user"), *password = web_form_get(r, "password");
    const char *next = web_form_get(r, "next"), *csrf;
    int rc = !user || !*user || !password || !*password
                 ? err_set(e, E_USAGE, user && *user ? "password" : "user",
                           "give your user key or e-mail and your password")
                 : web_sign_in_as(r, user, password, &csrf, e);
    if (rc == E_DENIED || rc == E_UNAVAILABLE || rc == E_USAGE) {
        int status = !strcmp(e->field, "sign-in") ? 429 /* the back-off */
                     : rc == E_DENIED             ? 401
                                                  : err_http_status(rc);
        r->signed_in = 0;
        signin_form(r, user, next, e);
        r->status = status;
        return 0;
    }
    if (!rc)
        html_redirect(r, next_of(next));
    return rc;
}

int page_signout_form(web_req *r, isms_err *e)
{
    (void)e;
    page_begin(r, "Sign out", NAV_NONE);
    html_f(&r->out,
           "<p>Signed in as %s.</p><div class=\"actions\"><form method=\"post\" "
           "action=\"/signout\">",
           r->who.actor);
    html_csrf_field(r);
    html_f(&r->out, "<button type=\"submit\">Sign out of this browser</button></form><form "
                    "method=\"post\" action=\"/signout\">");
    html_csrf_field(r);
    html_f(&r->out,
           "<input type=\"hidden\" name=\"everywhere\" value=\"1\"><button "
           "type=\"submit\" class=\"secondary\">Sign out everywhere</button></form></div>");
    page_end(r);
    return 0;
}

int page_signout(web_req *r, isms_err *e)
{
    const char *all = web_form_get(r, "everywhere");
    int rc = web_session_end(r, all && !strcmp(all, "1"), e);
    if (!rc)
        html_redirect(r, "/signin");
    return rc;
}
