/* db_pg.c: the PostgreSQL driver (libpq). A repository is a database.
 *
 * What this driver adds to the SQL the store writes:
 * - placeholders: `?` becomes $1..$n (quoted literals, quoted identifiers
 *   and comments are left alone);
 * - statements are prepared on the server once per connection, on their
 *   second use (the first runs unprepared, in one round trip), and executed
 *   with text parameters; results are read whole (a scan keeps several
 *   statements open on one connection at once, which libpq's single-row
 *   mode cannot do), except those of statements marked db_many_rows(),
 *   which inside a transaction go through a cursor, PG_FETCH rows a round
 *   trip, so that an export or a verify of a million records holds one
 *   batch, not the register;
 * - writers are serialised by a transaction-scoped advisory lock taken
 *   right after BEGIN (READ COMMITTED: every statement then sees all that
 *   earlier writers committed, so the ledger head never forks; the primary
 *   key on seq is the backstop: two appends after the same head take the
 *   same seq); readers get one snapshot
 *   (REPEATABLE READ READ ONLY), so verify and export see one moment;
 * - errors map to isms codes: unique and other constraint violations to
 *   E_CONFLICT, serialization failures and deadlocks to E_RETRY (retried
 *   here where nothing has been done yet), a lost connection to
 *   E_UNAVAILABLE, everything else to E_STORE.
 *
 * The connection string is never echoed: it may hold a password. Messages
 * name the repository by pg_label(), which leaves the password out. */
#include "store/db.h"
#include "core/buf.h"
#include "core/xalloc.h"
#include "store/pq.h" /* libpq, loaded on first use */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The advisory lock every writer holds: 'isms' in the high half, 1 for
 * "the repository's write lock" in the low half. Advisory locks are per
 * database, so repositories in other databases never wait for each other. */
#define PG_WRITE_LOCK_KEY "7598537336992825345"

/* How long a writer waits for another writer (and any lock) before giving
 * up with E_RETRY, unless the session says otherwise; the SQLite driver's
 * busy timeout is the same. */
#define PG_LOCK_TIMEOUT "30s"

/* PG_PIPELINE: commands sent ahead at most before their results are read
 * (their results are small, but a server whose replies nobody reads stops
 * reading in turn). */
enum { PG_BEGIN_TRIES = 5, PG_FETCH = 1000, PG_PIPELINE = 256 };

/* A command sent in pipeline mode whose result has not been read yet. */
typedef struct pg_sent {
    db_stmt *reader;   /* whose rows it returns (db_send); NULL: nobody reads them */
    db_stmt *prepared; /* it prepares this statement, which is unprepared again if it fails */
    const char *what;  /* the command, for messages ("query", "COMMIT", ...) */
} pg_sent;

typedef struct pg_db {
    db base; /* first, as db.c expects */
    PGconn *conn;
    char *label;           /* the repository's name in messages, no password */
    int lost;              /* the connection is gone; every call fails at once */
    char lock_timeout[32]; /* the session's, for messages */
    unsigned next_stmt;
    unsigned epoch; /* counts transactions and rollbacks: cursors end with them */
    pg_sent *sent;  /* the pipeline: commands sent, results not read, in order */
    int nsent, sent_cap;
} pg_db;

struct db_stmt {
    db_stmt_head head; /* first, as db.c expects */
    char *sql;         /* with $n placeholders */
    int nparams;
    char **params; /* text values (malloc'd), NULL for SQL NULL */
    char name[24]; /* the server-side statement's name */
    int runs;      /* executions so far */
    int prepared;  /* prepared on the server */
    PGresult *res; /* the executed statement's rows, NULL before */
    int row, nrows;
    char cursor[24]; /* the open cursor's name, "" when none */
    unsigned epoch;  /* the connection's epoch when it was opened */
    int more;        /* the cursor may hold more rows */
    int awaited;     /* sent in the pipeline, its rows not read yet */
};

static pg_db *pg_of(db *d) { return (pg_db *)d; }
static pg_db *pg_stmt_db(db_stmt *st) { return (pg_db *)st->head.conn; }

/* ---- names and messages ---- */

static void label_add(buf *b, const char *sep, const char *v)
{
    if (v && *v)
        buf_printf(b, "%s%s", sep, v);
}

/* libpq's complaints about a connection string it cannot read quote the
 * part it stumbled on, which may be the password (a bad percent-encoding
 * in it, a URI cut short): quoted parts become "...", unless they are one
 * or two characters (the "]" or "=" it looked for). */
static void drop_quoted(char *s)
{
    char *w = s;
    for (const char *p = s; *p; p++) {
        const char *end = *p == '"' ? strchr(p + 1, '"') : NULL;
        if (!end) {
            *w++ = *p;
            continue;
        }
        if (end - p - 1 <= 2) {
            memmove(w, p, (size_t)(end - p + 1));
            w += end - p + 1;
        } else {
            memcpy(w, "\"...\"", 5);
            w += 5;
        }
        p = end;
    }
    *w = 0;
}

/* Removes every occurrence of `secret` from s (belt and braces: libpq does
 * not quote a password it could read, but a password misplaced as another
 * option's value would be). Very short ones would garble the message and
 * are not looked for. */
static void redact(char *s, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < 4)
        return;
    for (char *at = strstr(s, secret); at; at = strstr(at, secret)) {
        memcpy(at, "***", 3);
        memmove(at + 3, at + n, strlen(at + n) + 1);
        at += 3;
    }
}

static char *pg_label(const char *target)
{
    if (pq_load(NULL))
        return xstrdup("a PostgreSQL database");
    char *errmsg = NULL;
    PQconninfoOption *opts = PQconninfoParse(target, &errmsg);
    PQfreemem(errmsg); /* may quote parts of the string: never shown */
    if (!opts)
        return xstrdup("a PostgreSQL database (unreadable connection string)");
    const char *host = NULL, *port = NULL, *user = NULL, *dbname = NULL, *options = NULL;
    const char *password = NULL;
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val)
            continue;
        if (!strcmp(o->keyword, "password"))
            password = o->val;
        else if (!strcmp(o->keyword, "host") || (!strcmp(o->keyword, "hostaddr") && !host))
            host = o->val;
        else if (!strcmp(o->keyword, "port"))
            port = o->val;
        else if (!strcmp(o->keyword, "user"))
            user = o->val;
        else if (!strcmp(o->keyword, "dbname"))
            dbname = o->val;
        else if (!strcmp(o->keyword, "options"))
            options = o->val; /* e.g. a search_path: tells repositories apart */
    }
    /* A socket directory cannot go where a host name goes in a URI. */
    int socket_dir = host && host[0] == '/';
    buf b;
    buf_init(&b);
    buf_puts(&b, "postgresql://");
    if (user && *user)
        buf_printf(&b, "%s@", user);
    label_add(&b, "", socket_dir ? NULL : host);
    label_add(&b, ":", port);
    buf_puts(&b, "/");
    label_add(&b, "", dbname);
    label_add(&b, "?host=", socket_dir ? host : NULL);
    label_add(&b, socket_dir ? "&options=" : "?options=", options);
    char *label = buf_detach(&b);
    redact(label, password); /* a password given as another option's value */
    PQconninfoFree(opts);
    return label;
}

/* libpq's messages end in a newline and may span lines; one line here. */
static void one_line(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = 0;
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
}

static int is_connection_state(const char *state)
{
    return state && (!strncmp(state, "08", 2) || !strcmp(state, "57P01") ||
                     !strcmp(state, "57P02") || !strcmp(state, "57P03"));
}

/* "Key (seq)=(5) already exists." -> db_unique_error's sentence. */
static int pg_unique_error(const PGresult *res, const char *detail, isms_err *e)
{
    const char *table = PQresultErrorField(res, PG_DIAG_TABLE_NAME);
    char columns[160] = "", value[160] = "";
    const char *open = detail ? strstr(detail, "Key (") : NULL;
    const char *mid = open ? strstr(open, ")=(") : NULL;
    if (mid) {
        snprintf(columns, sizeof columns, "%.*s", (int)(mid - open - 5), open + 5);
        const char *close = strstr(mid + 3, ") ");
        snprintf(value, sizeof value, "%.*s", close ? (int)(close - mid - 3) : 0, mid + 3);
    }
    return db_unique_error(e, table, columns, value[0] ? value : NULL);
}

/* Turns a failed command into an isms error. `what` names the command
 * ("COMMIT" matters: a connection lost then leaves the outcome unknown). */
static int pg_fail(pg_db *d, const PGresult *res, const char *what, isms_err *e)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    char msg[400];
    snprintf(msg, sizeof msg, "%s", primary ? primary : PQerrorMessage(d->conn));
    one_line(msg);
    if (d->lost || PQstatus(d->conn) == CONNECTION_BAD || is_connection_state(state)) {
        d->lost = 1;
        if (!strcmp(what, "COMMIT"))
            return err_set(e, E_UNAVAILABLE, "repository",
                           "the connection to %s was lost while committing (%s): the change may "
                           "or may not have been saved; check with `isms log` before repeating it",
                           d->label, msg);
        return err_set(e, E_UNAVAILABLE, "repository",
                       "the connection to %s was lost (%s); the transaction was rolled back and "
                       "nothing was written: run the command again once the server is back",
                       d->label, msg);
    }
    if (!state)
        return err_set(e, E_STORE, NULL, "%s: %s", what, msg);
    if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
        return err_set(e, E_RETRY, NULL,
                       "a concurrent transaction on %s conflicted with this one (%s); nothing was "
                       "written: run the command again",
                       d->label, msg);
    if (!strcmp(state, "55P03"))
        return err_set(e, E_RETRY, NULL,
                       "the repository is busy (another isms process has held the write lock, or "
                       "a table this change needs, for over %s); nothing was written: try again",
                       d->lock_timeout);
    if (!strcmp(state, "23505"))
        return pg_unique_error(res, detail, e);
    if (!strncmp(state, "23", 2))
        return err_set(e, E_CONFLICT, NULL, "the repository refused the change (%s%s%s)", msg,
                       detail ? ": " : "", detail ? detail : "");
    if (!strcmp(state, "25006"))
        return err_set(e, E_DENIED, "repository",
                       "%s is read-only (the database or the server is set read-only, or this is "
                       "a standby): it can be verified, listed, shown and exported, not changed; "
                       "nothing was saved",
                       d->label);
    if (!strcmp(state, "42P07"))
        return err_set(e, E_CONFLICT, NULL, "%s: %s (was the repository created twice at once?)",
                       what, msg);
    if (!strcmp(state, "42501"))
        return err_set(e, E_DENIED, NULL,
                       "%s: %s (the role isms connects as needs to own the database, or at "
                       "least its schema, to create and change the repository)",
                       what, msg);
    if (!strncmp(state, "53", 2))
        return err_set(e, E_IO, NULL, "%s: the server is out of resources: %s", what, msg);
    return err_set(e, E_STORE, NULL, "%s: %s (SQLSTATE %s)", what, msg, state);
}

/* Runs SQL without parameters (several statements allowed). */
static int pg_run(pg_db *d, const char *sql, const char *what, isms_err *e)
{
    if (d->lost)
        return pg_fail(d, NULL, what, e);
    PGresult *res = PQexec(d->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : pg_fail(d, res, what, e);
    PQclear(res);
    return rc;
}

/* One value from a query without parameters, malloc'd (NULL: no row or
 * NULL). Returns an isms code. */
static int pg_value(pg_db *d, const char *sql, char **out, isms_err *e)
{
    *out = NULL;
    PGresult *res = PQexec(d->conn, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        int rc = pg_fail(d, res, "query", e);
        PQclear(res);
        return rc;
    }
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        *out = xstrdup(PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

/* ---- the pipeline ----
 *
 * Every statement goes through libpq's pipeline mode: sent (prepared on
 * the server in the same message on its second run), then the pipeline is
 * synchronised and the results read in order. A statement nobody waits
 * for (a write db_run sends ahead, a SAVEPOINT) stays in the pipeline
 * until something needs a result: the next query, a savepoint's release,
 * the commit. So the dozen writes of an add and the release of its
 * savepoint cost one round trip, where each was one.
 *
 * When a command fails, the server skips the rest up to the sync: what was
 * sent after it is not run (PGRES_PIPELINE_ABORTED), the transaction is
 * failed, and the first failure is the error of whoever synchronised, a
 * query or the release that ends the savepoint the failed write ran in
 * (db.c then rolls that savepoint back). A connection lost with a COMMIT
 * in the pipeline is reported as a commit whose outcome is unknown. */

/* Notes one command sent (ok: what PQsend* returned) in the pipeline. */
static int sent_add(pg_db *d, int ok, db_stmt *reader, db_stmt *prepared, const char *what,
                    isms_err *e)
{
    if (!ok) { /* libpq could not even queue it: the connection is unusable */
        d->lost = 1;
        return pg_fail(d, NULL, what, e);
    }
    if (d->nsent == d->sent_cap) {
        d->sent_cap = d->sent_cap ? 2 * d->sent_cap : 32;
        d->sent = xrealloc(d->sent, (size_t)d->sent_cap * sizeof *d->sent);
    }
    d->sent[d->nsent++] = (pg_sent){ .reader = reader, .prepared = prepared, .what = what };
    if (reader)
        reader->awaited = 1;
    return 0;
}

static int pipe_open(pg_db *d, const char *what, isms_err *e)
{
    if (d->lost)
        return pg_fail(d, NULL, what, e);
    if (d->nsent || PQenterPipelineMode(d->conn))
        return 0;
    return pg_fail(d, NULL, what, e);
}

static int pipe_sync(pg_db *d, isms_err *e);

/* A statement prepared while its tables were small keeps the plan made
 * then: the server plans a prepared statement generically after a few
 * runs and keeps that plan, and a join planned over a dozen rows reads
 * the whole table once a transaction has grown it to thousands (an import
 * of chained assets into the demo slowed with every row: 5.5 ms a row at
 * 1,000, 18 ms at 10,000). Each time a statement's runs double past
 * REPLAN_FROM it is prepared again, under a new name, and planned for the
 * tables as they are: a million runs replan it 14 times. */
enum { REPLAN_FROM = 64 };

static int replan_due(const db_stmt *st)
{
    return st->prepared && st->runs > REPLAN_FROM && !(st->runs & (st->runs - 1));
}

/* The old statement dropped on the server (in the pipeline, before the
 * new one is prepared), and a new name. */
static int replan(pg_db *d, db_stmt *st, isms_err *e)
{
    char sql[48];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
    st->prepared = 0;
    snprintf(st->name, sizeof st->name, "isms_%u", ++d->next_stmt);
    return sent_add(d, PQsendQueryParams(d->conn, sql, 0, NULL, NULL, NULL, NULL, 0), NULL, NULL,
                    "DEALLOCATE", e);
}

/* Sends st with its parameters; rows: st's result is kept for its steps. */
static int pipe_send(pg_db *d, db_stmt *st, int rows, isms_err *e)
{
    int rc = pipe_open(d, "query", e);
    if (rc)
        return rc;
    const char *const *vals = (const char *const *)st->params;
    /* A statement's first run is parsed, run and forgotten: most
     * statements of a CLI command run once. A second run prepares it on
     * the server, in the same round trip. */
    if (st->head.transient || st->runs++ == 0)
        rc =
            sent_add(d, PQsendQueryParams(d->conn, st->sql, st->nparams, NULL, vals, NULL, NULL, 0),
                     rows ? st : NULL, NULL, "query", e);
    else {
        if (replan_due(st))
            rc = replan(d, st, e);
        if (!rc && !st->prepared) {
            rc = sent_add(d, PQsendPrepare(d->conn, st->name, st->sql, st->nparams, NULL), NULL, st,
                          "prepare", e);
            st->prepared = !rc;
        }
        if (!rc)
            rc = sent_add(d,
                          PQsendQueryPrepared(d->conn, st->name, st->nparams, vals, NULL, NULL, 0),
                          rows ? st : NULL, NULL, "query", e);
    }
    if (!rc && d->nsent >= PG_PIPELINE)
        rc = pipe_sync(d, e);
    return rc;
}

/* Sends one SQL command without parameters (SAVEPOINT, RELEASE, COMMIT). */
static int pipe_send_sql(pg_db *d, const char *sql, const char *what, isms_err *e)
{
    int rc = pipe_open(d, what, e);
    if (rc)
        return rc;
    return sent_add(d, PQsendQueryParams(d->conn, sql, 0, NULL, NULL, NULL, NULL, 0), NULL, NULL,
                    what, e);
}

/* The command whose failure a lost connection is reported as: a COMMIT
 * when the pipeline holds one (it may have been done), else the first. */
static const char *pipe_what(const pg_db *d)
{
    for (int k = 0; k < d->nsent; k++)
        if (!strcmp(d->sent[k].what, "COMMIT"))
            return "COMMIT";
    return d->nsent ? d->sent[0].what : "query";
}

/* One command's result: kept for its reader, or checked and dropped. The
 * first failure (not a command skipped after it) is the error. */
static int sent_result(pg_db *d, const pg_sent *s, PGresult *res, int rc, isms_err *e)
{
    ExecStatusType status = PQresultStatus(res);
    int ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    if (!ok && s->prepared)
        s->prepared->prepared = 0;
    if (!ok && !rc && status != PGRES_PIPELINE_ABORTED)
        rc = pg_fail(d, res, PQstatus(d->conn) == CONNECTION_BAD ? pipe_what(d) : s->what, e);
    if (s->reader) {
        s->reader->awaited = 0;
        if (ok) {
            s->reader->res = res;
            s->reader->nrows = PQntuples(res);
            s->reader->row = -1;
            return rc;
        }
    }
    PQclear(res);
    return rc;
}

/* Synchronises the pipeline and reads every result in it; the first
 * error. Leaves pipeline mode, so that libpq's synchronous calls work. */
static int pipe_sync(pg_db *d, isms_err *e)
{
    if (!d->nsent)
        return 0;
    int rc = 0, k = 0;
    if (!d->lost && PQpipelineSync(d->conn)) {
        for (; k < d->nsent; k++) {
            PGresult *res = PQgetResult(d->conn);
            if (!res)
                break;
            rc = sent_result(d, &d->sent[k], res, rc, e);
            PQclear(PQgetResult(d->conn)); /* the NULL that ends each command's results */
        }
        PGresult *res = k == d->nsent ? PQgetResult(d->conn) : NULL;
        if (PQresultStatus(res) != PGRES_PIPELINE_SYNC || !PQexitPipelineMode(d->conn))
            d->lost = 1;
        PQclear(res);
    } else
        d->lost = 1;
    if (d->lost && !rc)
        rc = pg_fail(d, NULL, pipe_what(d), e);
    for (; k < d->nsent; k++)
        if (d->sent[k].reader)
            d->sent[k].reader->awaited = 0;
    d->nsent = 0;
    return rc;
}

/* A statement reset leaves the pipeline's notes as a reader, one freed
 * (freed) as one being prepared too. */
static void pipe_forget(pg_db *d, db_stmt *st, int freed)
{
    st->awaited = 0;
    for (int k = 0; k < d->nsent; k++) {
        if (d->sent[k].reader == st)
            d->sent[k].reader = NULL;
        if (freed && d->sent[k].prepared == st)
            d->sent[k].prepared = NULL;
    }
}

/* ---- connections ---- */

static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static const char *const session_setup =
    /* UTF-8 text both ways; doubles printed with every digit they need
     * (the ledger compares values read back byte for byte); UTC for
     * anything the server formats; a bounded wait for locks unless the
     * role, the database or the connection string set one (options=
     * -clock_timeout=5s). The last statement tells which. */
    "SET client_encoding = 'UTF8'; SET extra_float_digits = 3; "
    "SET standard_conforming_strings = on; SET TIME ZONE 'UTC'; "
    "SELECT set_config('lock_timeout', '" PG_LOCK_TIMEOUT "', false) "
    "WHERE current_setting('lock_timeout') = '0'; "
    "SELECT current_setting('lock_timeout')";

/* Reads the connection string before anything else, so that libpq's
 * message about one it cannot read (which quotes it) is never shown;
 * *password gets the password it holds (malloc'd, may be NULL). */
static int parse_target(const char *target, char **password, isms_err *e)
{
    char *errmsg = NULL;
    *password = NULL;
    PQconninfoOption *opts = PQconninfoParse(target, &errmsg);
    if (!opts) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", errmsg ? errmsg : "out of memory");
        PQfreemem(errmsg);
        drop_quoted(msg);
        one_line(msg);
        return err_set(e, E_INVALID, "repository",
                       "the PostgreSQL connection string cannot be read (%s); isms does not show "
                       "it, as it may hold a password",
                       msg);
    }
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (!strcmp(o->keyword, "password") && o->val)
            *password = xstrdup(o->val);
    PQconninfoFree(opts);
    return 0;
}

static int pg_connect(const char *target, pg_db **out, isms_err *e)
{
    *out = NULL;
    int loaded = pq_load(e);
    if (loaded)
        return loaded;
    char *password;
    int prc = parse_target(target, &password, e);
    if (prc)
        return prc;
    char *label = pg_label(target);
    /* expand_dbname: `target` is a whole URI or key=value string; what it
     * says wins over the defaults before it (a server that does not answer
     * is given up after 10 s unless the string or PGCONNECT_TIMEOUT say). */
    const char *keys[4], *vals[4];
    int n = 0;
    if (!getenv("PGCONNECT_TIMEOUT")) {
        keys[n] = "connect_timeout";
        vals[n++] = "10";
    }
    keys[n] = "fallback_application_name";
    vals[n++] = "isms";
    keys[n] = "dbname";
    vals[n++] = target;
    keys[n] = vals[n] = NULL;
    PGconn *conn = PQconnectdbParams(keys, vals, 1);
    if (!conn) {
        free(label);
        free(password);
        return err_set(e, E_NOMEM, "repository", "out of memory connecting to PostgreSQL");
    }
    if (PQstatus(conn) != CONNECTION_OK) {
        char msg[400];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(conn));
        one_line(msg);
        redact(msg, password);
        free(password);
        int code = strstr(msg, "does not exist") ? E_NOT_FOUND : E_UNAVAILABLE;
        err_set(e, code, "repository", "cannot connect to %s: %s%s", label, msg,
                code == E_NOT_FOUND ? " (create the database with createdb, then run isms init)"
                                    : "");
        PQfinish(conn);
        free(label);
        return code;
    }
    free(password);
    PQsetNoticeProcessor(conn, quiet_notices, NULL);
    pg_db *d = xcalloc(1, sizeof *d);
    d->conn = conn;
    d->label = label;
    char *timeout;
    int rc = pg_value(d, session_setup, &timeout, e);
    snprintf(d->lock_timeout, sizeof d->lock_timeout, "%s", timeout ? timeout : "?");
    free(timeout);
    if (rc) {
        PQfinish(conn);
        free(label);
        free(d);
        return rc;
    }
    *out = d;
    return 0;
}

static void pg_close(db *base)
{
    pg_db *d = pg_of(base);
    PQfinish(d->conn);
    free(d->sent);
    free(d->label);
    free(d);
}

/* What the database holds in the schema isms uses (the first of the
 * search_path): whether it is an isms repository, and how many relations. */
static int pg_inspect(pg_db *d, int *is_isms, long *relations, isms_err *e)
{
    char *v;
    int rc = pg_value(d,
                      "SELECT CASE WHEN current_schema() IS NULL THEN -1 ELSE "
                      "(SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace = "
                      "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema()) "
                      "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) END",
                      &v, e);
    if (rc)
        return rc;
    *relations = v ? atol(v) : 0;
    free(v);
    if (*relations < 0)
        return err_set(e, E_STORE, "repository",
                       "%s has no schema to work in: the search_path names no existing schema",
                       d->label);
    rc = pg_value(d, "SELECT to_regclass('schema_migration') IS NOT NULL", &v, e);
    *is_isms = !rc && v && !strcmp(v, "t");
    free(v);
    return rc;
}

/* `isms init` takes an existing, empty database; it never creates
 * databases (that takes rights isms should not need) nor shares one. */
static int pg_check_empty(pg_db *d, isms_err *e)
{
    int is_isms;
    long relations;
    int rc = pg_inspect(d, &is_isms, &relations, e);
    if (rc)
        return rc;
    if (is_isms)
        return err_set(e, E_CONFLICT, "repository",
                       "%s already exists: the database holds an isms repository; isms will not "
                       "overwrite it",
                       d->label);
    if (relations)
        return err_set(e, E_CONFLICT, "repository",
                       "%s is not empty (it holds %ld tables or views that are not isms's): isms "
                       "init needs an empty database of its own (createdb NAME)",
                       d->label, relations);
    return 0;
}

static int pg_open(const char *target, int create, db **out, isms_err *e)
{
    pg_db *d;
    int rc = pg_connect(target, &d, e);
    if (rc)
        return rc;
    if (create) {
        rc = pg_check_empty(d, e);
        if (rc) {
            pg_close(&d->base);
            return rc;
        }
    }
    *out = &d->base;
    return 0;
}

static int pg_exec(db *base, const char *sql, isms_err *e)
{
    pg_db *d = pg_of(base);
    /* ROLLBACK and friends are named by their text; everything else is DDL
     * or a savepoint, named generically. */
    const char *what = !strcmp(sql, "COMMIT") || !strcmp(sql, "ROLLBACK") ? sql : "SQL";
    int rollback = !strncmp(sql, "ROLLBACK", 8);
    /* A commit or a rollback (to a savepoint too) may close open cursors. */
    if (!strncmp(sql, "COMMIT", 6) || rollback)
        d->epoch++;
    /* A savepoint waits in the pipeline for what follows it; a release or
     * a commit goes with the writes sent before it (see the pipeline). */
    if (!strncmp(sql, "SAVEPOINT ", 10))
        return pipe_send_sql(d, sql, what, e);
    if (d->nsent && (!strncmp(sql, "RELEASE ", 8) || !strcmp(sql, "COMMIT"))) {
        int rc = pipe_send_sql(d, sql, what, e);
        if (rc)
            return rc;
        return pipe_sync(d, e);
    }
    /* A transaction's end goes with what waits in the pipeline (a read's
     * BEGIN, a cursor's CLOSE); if something before it failed, the server
     * skipped it, and it is sent again on its own. */
    if (d->nsent && !strcmp(sql, "ROLLBACK")) {
        pipe_send_sql(d, sql, what, NULL);
        pipe_sync(d, NULL);
        if (d->lost || PQtransactionStatus(d->conn) == PQTRANS_IDLE)
            return d->lost ? pg_fail(d, NULL, what, e) : 0;
    }
    /* A rollback undoes what the pipeline held, whether it failed or not. */
    int rc = pipe_sync(d, rollback ? NULL : e);
    if (rc && !rollback)
        return rc;
    return pg_run(d, sql, what, e);
}

/* ---- statements ---- */

/* Skips a quoted literal or identifier starting at p (the quote), with the
 * doubled-quote escape; returns the position after it. */
static const char *skip_quoted(const char *p)
{
    char q = *p++;
    while (*p) {
        if (*p == q && p[1] == q)
            p += 2;
        else if (*p == q)
            return p + 1;
        else
            p++;
    }
    return p;
}

static const char *skip_comment(const char *p)
{
    if (p[0] == '-' && p[1] == '-') {
        while (*p && *p != '\n')
            p++;
        return p;
    }
    const char *end = strstr(p + 2, "*/");
    return end ? end + 2 : p + strlen(p);
}

/* Rewrites `?` placeholders to $1..$n; *n receives their number. */
static char *number_params(const char *sql, int *n)
{
    buf b;
    buf_init(&b);
    *n = 0;
    const char *p = sql;
    while (*p) {
        const char *from = p;
        if (*p == '\'' || *p == '"')
            p = skip_quoted(p);
        else if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*'))
            p = skip_comment(p);
        else if (*p == '?') {
            buf_printf(&b, "$%d", ++*n);
            p++;
            continue;
        } else
            p++;
        buf_append(&b, from, (size_t)(p - from));
    }
    if (!b.data)
        buf_puts(&b, "");
    return buf_detach(&b);
}

static int pg_prepare(db *base, const char *sql, db_stmt **out, isms_err *e)
{
    pg_db *d = pg_of(base);
    db_stmt *st = xcalloc(1, sizeof *st);
    st->head.conn = base;
    st->sql = number_params(sql, &st->nparams);
    st->params = st->nparams ? xcalloc((size_t)st->nparams, sizeof *st->params) : NULL;
    snprintf(st->name, sizeof st->name, "isms_%u", ++d->next_stmt);
    st->row = -1;
    (void)e; /* prepared on the server at first use: errors surface in step */
    *out = st;
    return 0;
}

static void clear_params(db_stmt *st)
{
    for (int i = 0; i < st->nparams; i++) {
        free(st->params[i]);
        st->params[i] = NULL;
    }
}

/* Closes the statement's cursor, unless the transaction (or savepoint) it
 * was opened in has ended and closed it already: closing a cursor that is
 * gone would fail, and abort the transaction. */
static void close_cursor(db_stmt *st)
{
    pg_db *d = pg_stmt_db(st);
    if (st->cursor[0] && !d->lost && d->base.in_txn && st->epoch == d->epoch) {
        char sql[40];
        /* It waits in the pipeline for what follows: the transaction's
         * end, or the next query. */
        snprintf(sql, sizeof sql, "CLOSE %s", st->cursor);
        pipe_send_sql(d, sql, "CLOSE", NULL);
    }
    st->cursor[0] = 0;
    st->more = 0;
}

static void pg_reset(db_stmt *st)
{
    if (st->awaited)
        pipe_forget(pg_stmt_db(st), st, 0);
    close_cursor(st);
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = 0;
    clear_params(st);
}

/* The server-side statement goes with the connection (cached statements
 * live as long as it); transient ones never had one. */
static void pg_finalize(db_stmt *st)
{
    pipe_forget(pg_stmt_db(st), st, 1);
    pg_reset(st);
    free(st->params);
    free(st->sql);
    free(st);
}

static void set_param(db_stmt *st, int i, char *text)
{
    if (i < 1 || i > st->nparams) {
        free(text);
        return;
    }
    free(st->params[i - 1]);
    st->params[i - 1] = text;
}

static void pg_bind_int(db_stmt *st, int i, int64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)v);
    set_param(st, i, xstrdup(s));
}

static void pg_bind_double(db_stmt *st, int i, double v)
{
    char s[40];
    snprintf(s, sizeof s, "%.17g", v); /* enough digits to round-trip */
    set_param(st, i, xstrdup(s));
}

static void pg_bind_text(db_stmt *st, int i, const char *s) { set_param(st, i, xstrdup(s)); }
static void pg_bind_null(db_stmt *st, int i) { set_param(st, i, NULL); }

/* The next batch of the statement's cursor. */
static int fetch(db_stmt *st, isms_err *e)
{
    pg_db *d = pg_stmt_db(st);
    char sql[48];
    snprintf(sql, sizeof sql, "FETCH %d FROM %s", PG_FETCH, st->cursor);
    PQclear(st->res);
    st->res = NULL;
    int rc = pipe_sync(d, e); /* writes sent between two batches */
    if (rc)
        return rc;
    st->res = PQexec(d->conn, sql);
    st->row = -1;
    st->nrows = 0;
    if (PQresultStatus(st->res) != PGRES_TUPLES_OK) {
        rc = pg_fail(d, st->res, "query", e);
        PQclear(st->res);
        st->res = NULL;
        return rc;
    }
    st->nrows = PQntuples(st->res);
    st->more = st->nrows == PG_FETCH;
    return 0;
}

/* Declares the statement's cursor and fetches its first batch in one
 * round trip, with whatever the pipeline holds before them (the BEGIN of
 * a read, writes sent ahead): the first failure among them is the error. */
static int open_cursor(db_stmt *st, isms_err *e)
{
    pg_db *d = pg_stmt_db(st);
    snprintf(st->cursor, sizeof st->cursor, "isms_c%u", ++d->next_stmt);
    st->epoch = d->epoch;
    char *sql = xmalloc(strlen(st->sql) + 64), first[48];
    sprintf(sql, "DECLARE %s NO SCROLL CURSOR FOR %s", st->cursor, st->sql);
    snprintf(first, sizeof first, "FETCH %d FROM %s", PG_FETCH, st->cursor);
    int rc = pipe_open(d, "query", e);
    if (!rc)
        rc = sent_add(d,
                      PQsendQueryParams(d->conn, sql, st->nparams, NULL,
                                        (const char *const *)st->params, NULL, NULL, 0),
                      NULL, NULL, "query", e);
    free(sql);
    if (!rc)
        rc = sent_add(d, PQsendQueryParams(d->conn, first, 0, NULL, NULL, NULL, NULL, 0), st, NULL,
                      "query", e);
    if (!rc)
        rc = pipe_sync(d, e);
    if (!rc && !st->res)
        rc = err_set(e, E_INTERNAL, NULL, "query: the server's answer went missing");
    if (rc) {
        st->cursor[0] = 0;
        return rc;
    }
    st->more = st->nrows == PG_FETCH;
    return 0;
}

static int pg_execute(db_stmt *st, isms_err *e)
{
    pg_db *d = pg_stmt_db(st);
    if (st->head.many && d->base.in_txn)
        return open_cursor(st, e);
    int rc = st->awaited ? 0 : pipe_send(d, st, 1, e);
    if (!rc)
        rc = pipe_sync(d, e);
    if (!rc && !st->res) /* cannot be: a result that is not an error is kept */
        rc = err_set(e, E_INTERNAL, NULL, "query: the server's answer went missing");
    return rc;
}

/* db_send, and db_run's writes sent ahead (rows 0). A statement of many
 * rows inside a transaction is not sent: it reads through a cursor. */
static int pg_send(db_stmt *st, int rows, isms_err *e)
{
    if (st->res || st->awaited || (st->head.many && pg_stmt_db(st)->base.in_txn))
        return 0;
    return pipe_send(pg_stmt_db(st), st, rows, e);
}

static int pg_step(db_stmt *st, int *row, isms_err *e)
{
    *row = 0;
    if (!st->res) {
        int rc = pg_execute(st, e);
        if (rc)
            return rc;
    }
    if (st->row < st->nrows)
        st->row++;
    if (st->row == st->nrows && st->more) {
        int rc = fetch(st, e);
        if (rc)
            return rc;
        st->row = 0;
    }
    *row = st->row < st->nrows;
    return 0;
}

static int pg_col_null(db_stmt *st, int c)
{
    return !st->res || st->row >= st->nrows || c >= PQnfields(st->res) ||
           PQgetisnull(st->res, st->row, c);
}

static int64_t pg_col_int(db_stmt *st, int c)
{
    return pg_col_null(st, c) ? 0 : strtoll(PQgetvalue(st->res, st->row, c), NULL, 10);
}

static double pg_col_double(db_stmt *st, int c)
{
    return pg_col_null(st, c) ? 0 : strtod(PQgetvalue(st->res, st->row, c), NULL);
}

static const char *pg_col_text(db_stmt *st, int c)
{
    return pg_col_null(st, c) ? NULL : PQgetvalue(st->res, st->row, c);
}

/* ---- transactions ---- */

static const char *const begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED; "
                                       "SELECT pg_advisory_xact_lock(" PG_WRITE_LOCK_KEY ")";
static const char *const begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

/* A deadlock or serialization failure while taking the lock is retried
 * here: nothing has happened in the transaction yet. A lock timeout is
 * not (the wait was long already), nor anything else. */
static int retry_begin(const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    return state && (!strcmp(state, "40001") || !strcmp(state, "40P01"));
}

static int pg_txn_state(db *base)
{
    switch (PQtransactionStatus(pg_of(base)->conn)) {
    case PQTRANS_IDLE: return DB_TXN_NONE;
    case PQTRANS_INERROR: return DB_TXN_FAILED;
    default: /* open, or the connection is gone: the next statement names that itself */
        return DB_TXN_OPEN;
    }
}

static int pg_begin(db *base, int write, isms_err *e)
{
    pg_db *d = pg_of(base);
    int rc = pipe_sync(d, e); /* queries sent outside a transaction */
    if (rc)
        return rc;
    if (d->lost)
        return pg_fail(d, NULL, "BEGIN", e);
    if (!write) { /* nothing to retry: it goes with the first query */
        d->epoch++;
        return pipe_send_sql(d, begin_read, "BEGIN", e);
    }
    for (int tries = 1;; tries++) {
        d->epoch++;
        PGresult *res = PQexec(d->conn, write ? begin_write : begin_read);
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            PQclear(res);
            return 0;
        }
        int again = retry_begin(res) && tries < PG_BEGIN_TRIES;
        rc = again ? 0 : pg_fail(d, res, "BEGIN", e);
        PQclear(res);
        /* The transaction block was opened before the lock failed. */
        if (!d->lost)
            pg_run(d, "ROLLBACK", "ROLLBACK", NULL);
        if (rc)
            return rc;
    }
}

/* ---- removal ---- */

/* Drops isms's tables, in one transaction under the write lock. A
 * database that holds other tables and no isms schema is left alone. */
static int drop_schema(pg_db *d, isms_err *e)
{
    int is_isms;
    long relations;
    int rc = pg_begin(&d->base, 1, e);
    if (rc)
        return rc;
    rc = pg_inspect(d, &is_isms, &relations, e);
    if (!rc && !is_isms && relations)
        rc = err_set(e, E_CONFLICT, "repository",
                     "%s holds tables that are not an isms repository; isms leaves them alone",
                     d->label);
    char *list = NULL;
    if (!rc && is_isms)
        rc = pg_value(d,
                      "SELECT string_agg(quote_ident(c.relname), ', ') FROM pg_catalog.pg_class c "
                      "WHERE c.relkind IN ('r', 'p') AND c.relnamespace = (SELECT oid FROM "
                      "pg_catalog.pg_namespace WHERE nspname = current_schema())",
                      &list, e);
    if (!rc && list) {
        buf sql;
        buf_init(&sql);
        buf_printf(&sql, "DROP TABLE %s CASCADE", list);
        rc = pg_run(d, buf_str(&sql), "DROP TABLE", e);
        buf_reset(&sql);
    }
    free(list);
    if (!rc)
        return pg_run(d, "COMMIT", "COMMIT", e);
    pg_run(d, "ROLLBACK", "ROLLBACK", NULL);
    return rc;
}

static int pg_remove(const char *target, isms_err *e)
{
    pg_db *d;
    int rc = pg_connect(target, &d, e);
    if (rc)
        return rc;
    rc = drop_schema(d, e);
    pg_close(&d->base);
    return rc;
}

/* ---- integrity ---- */

typedef struct check_query {
    const char *sql;
    const char *before, *after; /* the problem: before, the row's text, after */
} check_query;

/* Cheap checks of what PostgreSQL does not check by itself after someone
 * alters the schema behind isms's back. */
static const check_query pg_checks[] = {
    { "SELECT conrelid::regclass::text || '.' || conname FROM pg_catalog.pg_constraint "
      "WHERE NOT convalidated AND connamespace = "
      "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())",
      "constraint ", " is not validated: rows may violate it" },
    { "SELECT i.indexrelid::regclass::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
      "ON c.oid = i.indrelid WHERE NOT i.indisvalid AND c.relnamespace = "
      "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = current_schema())",
      "index ", " is invalid" },
    /* seq only: prev_hash and hash are not unique-indexed since migration
     * 0011 (random keys made every append write two random index pages);
     * two appends after one head would take the same seq. */
    { "SELECT x.col FROM (VALUES ('seq')) AS x(col) WHERE NOT EXISTS "
      "(SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a ON a.attrelid = "
      "i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass('ledger') AND "
      "i.indisunique AND i.indnatts = 1 AND a.attname = x.col)",
      "the ledger's UNIQUE(", ") constraint is missing: concurrent writers could fork the chain" },
};

static int pg_integrity(db *base, void *out, isms_err *e)
{
    pg_db *d = pg_of(base);
    buf *problems = out;
    int rc = pipe_sync(d, e);
    if (rc)
        return rc;
    for (size_t k = 0; k < sizeof pg_checks / sizeof *pg_checks; k++) {
        PGresult *res = PQexec(d->conn, pg_checks[k].sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            rc = pg_fail(d, res, "integrity check", e);
            PQclear(res);
            return rc;
        }
        for (int r = 0; r < PQntuples(res); r++) {
            if (problems->len)
                buf_puts(problems, "; ");
            buf_printf(problems, "%s%s%s", pg_checks[k].before, PQgetvalue(res, r, 0),
                       pg_checks[k].after);
        }
        PQclear(res);
    }
    return 0;
}

const db_driver db_pg_driver = {
    .name = "postgres",
    .id_column = "BIGINT PRIMARY KEY",
    .bytes_collation = " COLLATE \"C\"",
    .sort_id = ", id",
    .word_table = "CREATE TABLE record_word (\n"
                  "    word TEXT COLLATE \"C\" NOT NULL,\n"
                  "    rid BIGINT NOT NULL,\n"
                  "    PRIMARY KEY (word, rid)\n"
                  ")",
    .word_merge = "SELECT 1",
    .word_merge_bound = "SELECT 1",
    .word_clear = "TRUNCATE record_word",
    .statistics = "ANALYZE",
    .insert_in_one = 1,
    .plans_by_statistics = 1,
    /* (datlocprovider: PostgreSQL 15 on; before it, the C library's) */
    .text_by_bytes = "SELECT (d.datcollate IN ('C', 'POSIX') AND "
                     "COALESCE(to_jsonb(d) ->> 'datlocprovider', 'c') = 'c')::int "
                     "FROM pg_database d WHERE d.datname = current_database()",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .reset = pg_reset,
    .begin = pg_begin,
    .txn_state = pg_txn_state,
    .backup = NULL, /* pg_dump is the tool for that; store.c backs up SQLite only */
    .integrity = pg_integrity,
    .send = pg_send,
    .remove = pg_remove,
    .label = pg_label,
};
