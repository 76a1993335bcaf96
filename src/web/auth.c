/* auth.c: who asks. An API token (Authorization: Bearer), or a session
 * cookie set at sign-in (HttpOnly, SameSite=Strict, a new id at every
 * sign-in, expiring), whose state-changing requests must repeat the
 * session's CSRF token. Failed sign-ins slow down further attempts, per
 * account and per address, counted in the repository so that every
 * process serving it counts alike (dom_signin_failed); Argon2id hashing is bounded to a few at once
 * so that a flood of sign-ins cannot exhaust memory. The credentials
 * themselves are the domain's (domain/engine/access.h). */
#include "domain/engine/access.h"
#include "domain/registers/registers.h"
#include "formats/json.h"
#include "web/web_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#define COOKIE "isms_session"

enum {
    HASHES_AT_ONCE = 2, /* Argon2id runs at once (64 MiB each) */
    HASH_WAIT_S = 5,    /* longer in the queue: 503 */
    FREE_FAILURES = 3,  /* per account, before the delay starts */
    ADDR_FREE_FAILURES = 20,
};

static sem_t hashing;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init(void) { sem_init(&hashing, 0, HASHES_AT_ONCE); }

void web_auth_init(void) { pthread_once(&init_once, init); }

/* The peer's address as text ("?" when unknown). */
static void peer_of(web_req *r, char *ip, size_t n)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(ip, n, "?");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip, (socklen_t)n);
}

/* Is the request from the configured reverse proxy? */
static int via_proxy(web_req *r)
{
    char ip[INET6_ADDRSTRLEN];
    peer_of(r, ip, sizeof ip);
    return r->cfg->trusted_proxy && !strcmp(ip, r->cfg->trusted_proxy);
}

/* Who is at the other end: the peer, or behind the trusted proxy the
 * address it saw (the last of X-Forwarded-For, which it appended). */
static void address_of(web_req *r, char *dst, size_t n)
{
    char ip[INET6_ADDRSTRLEN];
    peer_of(r, ip, sizeof ip);
    const char *xff = via_proxy(r)
                          ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-For")
                          : NULL;
    if (xff) {
        const char *last = strrchr(xff, ',');
        last = last ? last + 1 : xff;
        last += strspn(last, " ");
        unsigned char bin[sizeof(struct in6_addr)];
        if (inet_pton(AF_INET, last, bin) == 1 || inet_pton(AF_INET6, last, bin) == 1)
            snprintf(ip, sizeof ip, "%s", last);
    }
    snprintf(dst, n, "a:%s", ip);
}

/* ---- who asks ---- */

static void signed_in_as(web_req *r, const principal *p)
{
    r->who = *p;
    r->signed_in = 1;
    snprintf(r->user, sizeof r->user, "%s", p->person_key);
}

int web_authenticate(web_req *r, isms_err *e)
{
    const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    principal p;
    if (auth) {
        if (strncasecmp(auth, "Bearer ", 7))
            return err_set(e, E_DENIED, "authorization",
                           "authorization: only Bearer tokens are accepted");
        int rc = dom_token_principal(r->d, auth + 7, &p, e);
        if (rc)
            return rc;
        signed_in_as(r, &p);
        return 0;
    }
    const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
    if (!sid)
        return 0;
    const char *csrf;
    isms_err quiet = { 0 };
    int rc = dom_session_principal(r->d, sid, &p, &csrf, &quiet);
    if (rc == E_DENIED) /* an old cookie: as if there were none (sign-in replaces it) */
        return 0;
    if (rc) {
        *e = quiet;
        return rc;
    }
    signed_in_as(r, &p);
    r->by_cookie = 1;
    r->csrf = csrf;
    r->sid = sid;
    return 0;
}

/* {"user":{key,email,name,roles},"csrf_token":...} */
static void session_json(web_req *r, const principal *p, const char *csrf)
{
    json_t *roles = json_array();
    for (int i = 0; role_names[i]; i++)
        if (p->roles >> i & 1u)
            json_array_append_new(roles, json_string(role_names[i]));
    json_t *doc = json_pack("{s:{s:s,s:s,s:o}}", "user", "key", p->person_key, "email", p->actor,
                            "roles", roles);
    if (csrf)
        json_object_set_new(doc, "csrf_token", json_string(csrf));
    web_send_doc(r, doc);
}

int web_session_show(web_req *r, isms_err *e)
{
    session_json(r, &r->who, r->by_cookie ? r->csrf : NULL);
    return 0;
}

static int read_credentials(web_req *r, const char **user, const char **password, isms_err *e)
{
    static const char *const names[] = { "user", "password", NULL };
    const char *given[2];
    int rc = api_body_texts(r, names, 0, given, e);
    if (!rc && (!given[0] || !given[1]))
        rc = err_set(e, E_USAGE, given[0] ? "password" : "user", "%s: missing",
                     given[0] ? "password" : "user");
    *user = given[0];
    *password = given[1];
    return rc;
}

static int too_many(web_req *r, long seconds, isms_err *e)
{
    web_header(r, "Retry-After", "%ld", seconds);
    return err_set(e, E_DENIED, "sign-in",
                   "sign-in: too many failed attempts; try again in %ld seconds", seconds);
}

/* Hashes one password, waiting for a turn among HASHES_AT_ONCE. */
static int check_password(web_req *r, const char *user, const char *password, principal *p,
                          isms_err *e)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += HASH_WAIT_S;
    while (sem_timedwait(&hashing, &until))
        if (errno != EINTR)
            return err_set(e, E_UNAVAILABLE, NULL, "too many sign-ins at once: try again");
    int rc = dom_user_sign_in(r->d, user, password, p, e);
    sem_post(&hashing);
    return rc;
}

int web_sign_in_as(web_req *r, const char *user, const char *password, const char **csrf,
                   isms_err *e)
{
    /* One account however it is named (key or e-mail), and any name
     * that is nobody's counts as itself. */
    char account[220], address[80];
    int64_t id;
    const char *key = NULL;
    isms_err quiet = { 0 };
    if (dom_find_person(r->d, dom_key(r->d, user), &id, &key, &quiet) || !id)
        key = NULL;
    snprintf(account, sizeof account, "u:%.200s", key ? key : dom_key(r->d, user));
    address_of(r, address, sizeof address);
    const dom_backoff who[] = { { account, FREE_FAILURES }, { address, ADDR_FREE_FAILURES } };
    long wait;
    int rc = dom_signin_wait(r->d, who, 2, &wait, e);
    if (rc)
        return rc;
    if (wait)
        return too_many(r, wait, e);
    principal p;
    rc = check_password(r, user, password, &p, e);
    if (rc == E_DENIED) {
        isms_err kept = { 0 }; /* the refusal is the answer, unless counting it fails */
        int counted = dom_signin_failed(r->d, who, 2, &kept);
        if (counted)
            *e = kept;
        return counted ? counted : rc;
    }
    if (!rc)
        rc = dom_signin_succeeded(r->d, account, e);
    if (rc)
        return rc;
    /* A new session id at every sign-in; the one the browser held (if any)
     * ends, so a planted id never becomes a signed-in one. */
    const char *old = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
    if (old) {
        rc = dom_session_close(r->d, old, 0, e);
        if (rc)
            return rc;
    }
    const char *sid;
    rc = dom_session_open(r->d, &p, r->cfg->session_ttl, &sid, csrf, e);
    if (rc)
        return rc;
    /* Secure when the browser spoke TLS: to the trusted proxy in front */
    const char *proto =
        via_proxy(r) ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto")
                     : NULL;
    web_header(r, "Set-Cookie", COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", sid,
               r->cfg->session_ttl, proto && !strcmp(proto, "https") ? "; Secure" : "");
    signed_in_as(r, &p);
    r->csrf = *csrf;
    return 0;
}

int web_sign_in(web_req *r, isms_err *e)
{
    const char *user = NULL, *password = NULL, *csrf;
    int rc = read_credentials(r, &user, &password, e);
    if (!rc)
        rc = web_sign_in_as(r, user, password, &csrf, e);
    if (!rc)
        session_json(r, &r->who, csrf);
    return rc;
}

int web_session_end(web_req *r, int everywhere, isms_err *e)
{
    if (r->sid) {
        int rc = dom_session_close(r->d, r->sid, everywhere, e);
        if (rc)
            return rc;
    }
    web_header(r, "Set-Cookie", COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    return 0;
}

int web_sign_out(web_req *r, isms_err *e)
{
    const char *all = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "everywhere");
    int rc = web_session_end(r, all && !strcmp(all, "1"), e);
    if (!rc)
        web_json(r, 200, "{\"signed_out\":true}");
    return rc;
}
