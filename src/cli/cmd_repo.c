/* cmd_repo.c: the repository as a whole: init, verify, log, export,
 * import, version. */
#include "cli/cli_internal.h"
#include "cli/longjob.h"
#include "cli/cmd_ledger.h"
#include "backup/backup.h"
#include "core/buf.h"
#include "core/text.h"
#include "domain/integrity/verify.h"
#include "formats/json.h"
#include "ledger/ledger.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cmd_version(cli *c, isms_err *e)
{
    (void)e;
    fprintf(c->out, "isms %s (schema %d)\n", ISMS_VERSION, store_schema_latest());
    return 0;
}

int cmd_init(cli *c, isms_err *e)
{
    const char *target = c->nargs == 1 ? c->args[0] : c->repo;
    if (c->nargs > 1 || !target)
        return err_set(e, E_USAGE, "FILE", "usage: isms init FILE | postgres://...");
    dom *d;
    int rc = cli_no_as(c, e);
    if (!rc)
        rc = dom_create(target, NULL, 0, &d, e);
    if (rc)
        return rc;
    /* A connection string may hold a password: show it without. */
    char *name = store_label(target);
    int version = 0;
    rc = store_schema_version(dom_store(d), &version, e);
    if (!rc && c->json)
        fprintf(c->out, "{\"repository\": \"%s\", \"schema\": %d}\n", name, version);
    else if (!rc)
        fprintf(c->out,
                "created %s (schema %d). Next: export ISMS_REPO=%s; isms org set --name ...\n",
                name, version, name);
    free(name);
    dom_close(d);
    return rc;
}

/* ---- verify ---- */

/* The pieces of text between separators, as JSON strings: the lines of a
 * report ("\n"), the fields an entry changed (", "). */
static json_t *pieces_json(const char *p, const char *sep)
{
    json_t *pieces = json_array();
    size_t len = strlen(sep);
    while (*p) {
        const char *at = strstr(p, sep);
        size_t n = at ? (size_t)(at - p) : strlen(p);
        json_array_append_new(pieces, json_stringn(p, n));
        p += n + (at ? len : 0);
    }
    return pieces;
}

static void verify_json(cli *c, const verify_report *rep, int ok)
{
    json_t *o = json_pack("{s:b, s:s, s:I, s:I, s:I, s:i, s:o, s:s, s:o}", "ok", ok, "mode",
                          rep->full ? "full" : "incremental", "checked_after",
                          (json_int_t)rep->from_seq, "entries", (json_int_t)rep->entries, "records",
                          (json_int_t)rep->records, "problem_count", rep->problems, "problems",
                          pieces_json(buf_str(&rep->details), "\n"), "head", rep->head_hash,
                          "checkpoints", pieces_json(buf_str(&rep->notes), "\n"));
    /* SQLite's own structural checks: run now (--store), or when last */
    store_check_record last;
    if (!dom_store_check_last(c->d, &last, NULL) && !last.none)
        json_object_set_new(o, "store_check",
                            json_pack("{s:b, s:s?, s:b}", "ran_now", rep->store_checked, "last_at",
                                      last.at[0] ? last.at : NULL, "last_ok", last.ok));
    js_write(c->out, o, 1);
    json_decref(o);
}

int cmd_verify(cli *c, isms_err *e)
{
    int rc = cli_start(c, 0, "no arguments", e);
    if (rc)
        return rc;
    verify_report rep;
    verify_report_init(&rep);
    ckpt_inputs given;
    rc = cli_checkpoint_inputs(c, &given, e);
    if (rc) {
        verify_report_reset(&rep);
        return rc;
    }
    rep.checkpoints = &given;
    rep.incremental = !cli_opt_given(c, "full");
    rep.store_check = cli_opt_given(c, "store");
    rc = dom_verify_recorded(c->d, &rep, e);
    if (c->json && (!rc || rc == E_TAMPERED)) {
        verify_json(c, &rep, !rc);
    } else if (!rc && rep.full) {
        fprintf(c->out,
                "ok: %lld ledger entries chain correctly and %lld records match them\n"
                "head: %s\n",
                (long long)rep.entries, (long long)rep.records, rep.head_hash);
    } else if (!rc) {
        fprintf(c->out,
                "ok: %lld ledger entries chain correctly (incremental: the %lld after entry #%lld "
                "checked now, and the %lld records they touched match them; isms verify --full "
                "checks everything)\nhead: %s\n",
                (long long)rep.entries, (long long)rep.checked, (long long)rep.from_seq,
                (long long)rep.records, rep.head_hash);
    } else if (rc == E_TAMPERED) {
        fprintf(c->out, "FAILED: %d problem%s found\n%s", rep.problems,
                rep.problems == 1 ? "" : "s", buf_str(&rep.details));
    }
    if (!c->json && (!rc || rc == E_TAMPERED))
        fputs(buf_str(&rep.notes), c->out);
    verify_report_reset(&rep);
    return rc;
}

/* ---- log ---- */

typedef struct log_ctx {
    cli *c;
    int json;
    int64_t count, first; /* entries shown, the first's seq */
    buf line;             /* one entry's text, written whole */
    isms_err *e;
} log_ctx;

static void log_header(log_ctx *l)
{
    if (l->json)
        fputs("[\n", l->c->out);
    else
        fprintf(l->c->out, "%-7s %-20s  %-18s %-9s %-10s %s\n", "seq", "time (UTC)", "actor", "op",
                "key", "changed");
}

static void log_json(log_ctx *l, const ledger_row *r, const char *changed)
{
    json_t *data = json_loads(r->data, 0, NULL);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s?, s:s}", "seq",
                          (json_int_t)r->seq, "ts", r->ts, "actor", r->actor, "entity", r->entity,
                          "key", r->key, "op", r->op, "changed", pieces_json(changed, ", "), "data",
                          data ? data : json_null(), "note", r->note, "hash", r->hash);
    if (l->count)
        buf_puts(&l->line, ",\n");
    js_append(&l->line, o);
    json_decref(o);
}

/* Each entry as it is read: the changed fields are named against the
 * key's entry before it, which the store reads beside the row. */
static int log_entry(const ledger_row *r, void *ctx)
{
    log_ctx *l = ctx;
    int rc = ledger_entry_readable(r, l->e);
    if (rc)
        return rc;
    if (!l->count) {
        log_header(l);
        l->first = r->seq;
    }
    buf changed;
    buf_init(&changed);
    if (r->prev_data)
        js_diff_members(r->prev_data, r->data, &changed, "version,updated_at");
    buf_clear(&l->line);
    if (l->json)
        log_json(l, r, buf_str(&changed));
    else
        buf_printf(&l->line, "#%-6lld %s  %-18s %-9s %-10s %s%s%s%s\n", (long long)r->seq, r->ts,
                   r->actor, r->op, r->key, buf_str(&changed), r->note ? "  \"" : "",
                   r->note ? r->note : "", r->note ? "\"" : "");
    fwrite(l->line.data, 1, l->line.len, l->c->out);
    buf_reset(&changed);
    l->count++;
    return 0;
}

/* --limit N and --before SEQ (an entry's number, "#2684" as the log
 * shows it, or "2684"). */
static int log_page(cli *c, int64_t *limit, int64_t *before, isms_err *e)
{
    const char *lim = cli_opt_value(c, "limit"), *bef = cli_opt_value(c, "before");
    int rc = lim ? parse_int64("limit", lim, 1, INT64_MAX, limit, e) : 0;
    if (!rc && bef)
        rc = parse_int64("before", bef + (*bef == '#'), 1, INT64_MAX, before, e);
    return rc;
}

/* The log streams: its cost and memory are those of the entries shown,
 * the last --limit of them read from the end (or from before the entry
 * --before names), not the ledger's length. A page cut short names the
 * page before it. */
int cmd_log(cli *c, isms_err *e)
{
    if (c->nargs > 1)
        return err_set(e, E_USAGE, "KEY", "usage: isms log [KEY] [--limit N] [--before SEQ]");
    int64_t limit = 0, before = 0;
    int older = 0;
    int rc = log_page(c, &limit, &before, e);
    if (!rc)
        rc = cli_open(c, e);
    if (rc)
        return rc;
    log_ctx l = { .c = c, .json = c->json, .e = e };
    buf_init(&l.line);
    const char *key = c->nargs ? c->args[0] : NULL;
    rc = dom_log(c->d, key, limit, before, &older, log_entry, &l, e);
    buf_reset(&l.line);
    if (!rc && key && !l.count)
        return before
                   ? err_set(e, E_NOT_FOUND, "KEY", "the ledger has no entries for %s before #%lld",
                             dom_key(c->d, key), (long long)before)
                   : err_set(e, E_NOT_FOUND, "KEY", "the ledger has no entries for %s",
                             dom_key(c->d, key));
    if (!l.count && !rc)
        log_header(&l);
    if (l.json && !rc)
        fputs(l.count ? "\n]\n" : "]\n", c->out);
    else if (!rc && older && l.count)
        fprintf(c->out, "(older: --before %lld)\n", (long long)l.first);
    return rc;
}

/* ---- export / import ---- */

/* An export never replaces what is at its path (a file, a link, a FIFO,
 * anything) unless --force says to. */
static int check_target(const char *path, int force, isms_err *e)
{
    struct stat st;
    if (lstat(path, &st))
        return errno == ENOENT ? 0 : err_set(e, E_IO, "FILE", "cannot look at %s: %m", path);
    if (S_ISDIR(st.st_mode))
        return err_set(e, E_CONFLICT, "FILE", "%s is a directory: give a file name", path);
    if (force)
        return 0;
    const char *kind = S_ISLNK(st.st_mode)    ? "a symbolic link"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISREG(st.st_mode)  ? "a file"
                                              : "a special file";
    return err_set(e, E_CONFLICT, "FILE",
                   "%s already exists (%s): export does not replace it; give --force to replace "
                   "it, or another name",
                   path, kind);
}

/* A new file beside `path` (never an existing one, never through a link). */
static FILE *open_temp(const char *path, char **tmp, arena *a, isms_err *e)
{
    for (int i = 0; i < 100; i++) {
        *tmp = arena_printf(a, "%s.tmp-%ld-%d", path, (long)getpid(), i);
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            break;
        FILE *f = fdopen(fd, "wb");
        if (f)
            return f;
        close(fd);
        unlink(*tmp);
        break;
    }
    err_set(e, E_IO, "FILE", "cannot create a file beside %s: %m", path);
    return NULL;
}

/* Puts the finished `tmp` at `path`: with --force replacing what is there
 * (a link itself, not what it points to); without, only where nothing is:
 * link(2) refuses an existing name atomically, where rename(2) would not. */
static int put_in_place(const char *tmp, const char *path, int force, isms_err *e)
{
    if (!force && link(tmp, path) == 0)
        return unlink(tmp) ? err_set(e, E_IO, "FILE", "cannot remove %s: %m", tmp) : 0;
    if (!force && errno == EEXIST)
        return check_target(path, 0, e);
    /* A file system without hard links: look again, then rename. */
    if (!force && check_target(path, 0, e))
        return E_CONFLICT;
    return rename(tmp, path) ? err_set(e, E_IO, "FILE", "cannot rename %s to %s: %m", tmp, path)
                             : 0;
}

int cli_write_file(cli *c, const char *path, int force, cli_writer fn, void *ctx, isms_err *e)
{
    if (!strcmp(path, "-"))
        return fn(c->out, ctx, e);
    /* Written beside the target and put in place when complete, so a
     * reader never sees half an export and a failed run leaves nothing. */
    int rc = check_target(path, force, e);
    if (rc)
        return rc;
    char *tmp;
    FILE *f = open_temp(path, &tmp, c->a, e);
    if (!f)
        return E_IO;
    rc = fn(f, ctx, e);
    if ((fflush(f) || fsync(fileno(f))) && !rc)
        rc = err_set(e, E_IO, "FILE", "cannot write %s: %m", tmp);
    if (fclose(f) && !rc)
        rc = err_set(e, E_IO, "FILE", "cannot write %s: %m", tmp);
    if (!rc)
        rc = put_in_place(tmp, path, force, e);
    if (rc)
        unlink(tmp);
    return rc;
}

static int write_backup(FILE *f, void *ctx, isms_err *e) { return backup_export(ctx, f, e); }

int cmd_export(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one output file (or - for standard output)", e);
    if (rc)
        return rc;
    const char *path = c->args[0];
    rc = cli_write_file(c, path, cli_opt_given(c, "force"), write_backup, c->d, e);
    if (!rc && strcmp(path, "-") && !c->json)
        fprintf(stderr, "exported to %s\n", path);
    return rc;
}

int cmd_import(cli *c, isms_err *e)
{
    int rc = cli_start_as_process(c, 2, "FILE.json NEW-REPOSITORY", e);
    if (rc)
        return rc;
    longjob j;
    longjob_start(&j, "importing");
    backup_watch w = { longjob_count, &j, longjob_cancel() };
    rc = longjob_end(&j, backup_import(c->args[0], c->args[1], &w, e), e);
    if (!rc) {
        char *name = store_label(c->args[1]);
        fprintf(c->out, "imported %s into %s; the ledger verifies\n", c->args[0], name);
        free(name);
    }
    return rc;
}
