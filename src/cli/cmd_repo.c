/* cmd_repo.c: the repository as a whole: init, verify, log, export,
 * import, version. */
#include "cli/cli_internal.h"
#include "cli/longjob.h"
#include "cli/cmd_ledger.h"
#include "backup/backup.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "core/text.h"
#include "domain/integrity/verify.h"
#include "formats/json.h"

#include <stdlib.h>
#include <string.h>
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
        fprintf(c->out, "created %s (schema %d). Next: export ISMS_REPO=%s; isms org set --name ...\n",
                name, version, name);
    free(name);
    dom_close(d);
    return rc;
}

/* ---- verify ---- */

/* One JSON string per line of text. */
static json_t *lines_json(const buf *text)
{
    json_t *lines = json_array();
    const char *p = buf_str(text);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(lines, json_stringn(p, n));
        p += n + (nl ? 1 : 0);
    }
    return lines;
}

static void verify_json(cli *c, const verify_report *rep, int ok)
{
    json_t *o = json_pack("{s:b, s:I, s:I, s:i, s:o, s:s, s:o}", "ok", ok, "entries",
                          (json_int_t)rep->entries, "records", (json_int_t)rep->records,
                          "problem_count", rep->problems, "problems", lines_json(&rep->details),
                          "head", rep->head_hash, "checkpoints", lines_json(&rep->notes));
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
    rc = dom_verify(c->d, &rep, e);
    if (c->json && (!rc || rc == E_TAMPERED)) {
        verify_json(c, &rep, !rc);
    } else if (!rc) {
        fprintf(c->out, "ok: %lld ledger entries chain correctly and %lld records match them\n"
                        "head: %s\n", (long long)rep.entries, (long long)rep.records, rep.head_hash);
    } else if (rc == E_TAMPERED) {
        fprintf(c->out, "FAILED: %d problem%s found\n%s", rep.problems, rep.problems == 1 ? "" : "s",
                buf_str(&rep.details));
    }
    if (!c->json && (!rc || rc == E_TAMPERED))
        fputs(buf_str(&rep.notes), c->out);
    verify_report_reset(&rep);
    return rc;
}

/* ---- log ---- */

typedef struct log_ctx {
    cli *c;
    strmap prev;          /* key -> previous data, to name the changed fields */
    json_t *entries;      /* --json */
    buf lines;            /* text */
    int64_t count;
} log_ctx;

static int log_entry(const ledger_row *r, void *ctx)
{
    log_ctx *l = ctx;
    void **slot = strmap_slot_for(&l->prev, r->key);
    buf changed;
    buf_init(&changed);
    if (*slot && strcmp(r->op, "add"))
        js_diff_members(*slot, r->data, &changed, "version,updated_at");
    *slot = arena_strdup(strmap_arena(&l->prev), r->data);
    if (l->entries) {
        json_t *data = json_loads(r->data, 0, NULL);
        json_t *fields = json_array();
        const char *p = buf_str(&changed);
        while (*p) {
            const char *comma = strstr(p, ", ");
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            json_array_append_new(fields, json_stringn(p, n));
            p += n + (comma ? 2 : 0);
        }
        json_array_append_new(l->entries,
            json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s?, s:s}", "seq", (json_int_t)r->seq,
                      "ts", r->ts, "actor", r->actor, "entity", r->entity, "key", r->key, "op", r->op,
                      "changed", fields, "data", data ? data : json_null(), "note", r->note,
                      "hash", r->hash));
    } else {
        buf_printf(&l->lines, "#%-6lld %s  %-18s %-9s %-10s %s%s%s%s\n", (long long)r->seq, r->ts,
                   r->actor, r->op, r->key, buf_str(&changed), r->note ? "  \"" : "",
                   r->note ? r->note : "", r->note ? "\"" : "");
    }
    buf_reset(&changed);
    l->count++;
    return 0;
}

/* Prints the last `limit` lines of text (all when 0). */
static void print_tail(FILE *f, const char *text, int64_t limit, int64_t total)
{
    const char *p = text;
    for (int64_t skip = limit && total > limit ? total - limit : 0; skip > 0 && *p; skip--)
        p = strchr(p, '\n') + 1;
    fputs(p, f);
}

int cmd_log(cli *c, isms_err *e)
{
    if (c->nargs > 1)
        return err_set(e, E_USAGE, "KEY", "usage: isms log [KEY] [--limit N]");
    int64_t limit = 0;
    const char *lim = cli_opt_value(c, "limit");
    int rc = lim ? parse_int64("limit", lim, 1, INT64_MAX, &limit, e) : 0;
    if (!rc)
        rc = cli_open(c, e);
    if (rc)
        return rc;
    log_ctx l = {.c = c, .entries = c->json ? json_array() : NULL};
    strmap_init(&l.prev);
    buf_init(&l.lines);
    const char *key = c->nargs ? c->args[0] : NULL;
    rc = dom_history(c->d, key, log_entry, &l, e);
    if (!rc && key && !l.count)
        rc = err_set(e, E_NOT_FOUND, "KEY", "the ledger has no entries for %s", dom_key(c->d, key));
    if (!rc && l.entries) {
        while (limit && (int64_t)json_array_size(l.entries) > limit)
            json_array_remove(l.entries, 0);
        js_write(c->out, l.entries, 1);
    } else if (!rc) {
        fprintf(c->out, "%-7s %-20s  %-18s %-9s %-10s %s\n", "seq", "time (UTC)", "actor", "op", "key",
                "changed");
        print_tail(c->out, buf_str(&l.lines), limit, l.count);
    }
    json_decref(l.entries);
    buf_reset(&l.lines);
    strmap_reset(&l.prev);
    return rc;
}

/* ---- export / import ---- */

int cmd_export(cli *c, isms_err *e)
{
    int rc = cli_start(c, 1, "one output file (or - for standard output)", e);
    if (rc)
        return rc;
    const char *path = c->args[0];
    if (!strcmp(path, "-"))
        return backup_export(c->d, c->out, e);
    /* Written beside the target and renamed into place, so a reader never
     * sees half an export and a failed run leaves the old one intact. */
    char *tmp = arena_printf(c->a, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f)
        return err_set(e, E_IO, "FILE", "cannot create %s: %m", tmp);
    rc = backup_export(c->d, f, e);
    if ((fflush(f) || fsync(fileno(f))) && !rc)
        rc = err_set(e, E_IO, "FILE", "cannot write %s: %m", tmp);
    if (fclose(f) && !rc)
        rc = err_set(e, E_IO, "FILE", "cannot write %s: %m", tmp);
    if (!rc && rename(tmp, path))
        rc = err_set(e, E_IO, "FILE", "cannot rename %s to %s: %m", tmp, path);
    if (rc)
        unlink(tmp);
    else if (!c->json)
        fprintf(stderr, "exported to %s\n", path);
    return rc;
}

int cmd_import(cli *c, isms_err *e)
{
    int rc = cli_need_args(c, 2, "FILE.json NEW-REPOSITORY", e);
    if (!rc)
        rc = cli_no_as(c, e);
    if (rc)
        return rc;
    longjob j;
    longjob_start(&j, "importing");
    backup_watch w = {longjob_count, &j, longjob_cancel()};
    rc = longjob_end(&j, backup_import(c->args[0], c->args[1], &w, e), e);
    if (!rc) {
        char *name = store_label(c->args[1]);
        fprintf(c->out, "imported %s into %s; the ledger verifies\n", c->args[0], name);
        free(name);
    }
    return rc;
}
