/* Repositories on storage that cannot be written, is full, fails or holds
 * damage, and exports that must not destroy what is there:
 *
 * - read-only (a WORM or forensic copy, a read-only mount; on PostgreSQL a
 *   database set read-only): verify, export, list, show and log work, and a
 *   write fails with "read-only" and exit status 7;
 * - a full disk says so (exit 8), an I/O error says so (exit 8), a damaged
 *   file says so, and none of them is "not an isms repository";
 * - export writes through a temporary file renamed into place, never
 *   replaces an existing file, symbolic link or FIFO without --force, and
 *   fails on a repository that does not verify;
 * - the database's raw constraint messages become ones a user can act on.
 *
 * The SQLite storage faults need root (a read-only bind mount, a small
 * tmpfs); where mounting is not possible they are skipped, saying so. */
#include "support/testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers ---- */

static const char *mounts[8];
static int nmounts;

static void unmount_all(void)
{
    while (nmounts)
        umount2(mounts[--nmounts], MNT_DETACH);
}

/* Mounts with mount(2); 0, or skips the test (not root, no CAP_SYS_ADMIN). */
static int try_mount(const char *src, const char *dir, const char *type, unsigned long flags,
                     const char *data)
{
    if (mkdir(dir, 0755) && errno != EEXIST)
        fail_msg("mkdir %s: %s", dir, strerror(errno));
    if (mount(src, dir, type, flags, data)) {
        print_message("cannot mount %s on %s (%s): skipped\n", src, dir, strerror(errno));
        return -1;
    }
    if (!nmounts)
        atexit(unmount_all); /* before tu_tmpdir()'s removal, which was registered first */
    mounts[nmounts++] = dir;
    return 0;
}

/* `dir`, seen read-only at `at` (a bind mount, remounted read-only). */
static int read_only_view(const char *dir, const char *at)
{
    if (try_mount(dir, at, NULL, MS_BIND, NULL))
        return -1;
    if (mount(NULL, at, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL)) {
        print_message("cannot remount %s read-only (%s): skipped\n", at, strerror(errno));
        return -1;
    }
    return 0;
}

static void expect_fails(const char *repo, int status, const char *needle, const char *const argv[])
{
    tu_result r;
    tu_isms_argv(&r, repo, NULL, argv);
    if (r.status != status || !strstr(r.err, needle) || strstr(r.err, "not an isms repository"))
        fail_msg("isms %s %s: exit %d (expected %d and \"%s\"): %s", argv[0],
                 argv[1] ? argv[1] : "", r.status, status, needle, r.err);
    tu_result_free(&r);
}

static void add_person(const char *repo, const char *name)
{
    char email[64];
    snprintf(email, sizeof email, "%s@x.example", name);
    free(tu_isms_ok(repo, "person", "add", "--name", name, "--email", email));
}

static const char *new_repo(const char *file)
{
    const char *repo = tu_repo(file);
    free(tu_isms_ok(NULL, "init", repo));
    add_person(repo, "dana");
    free(tu_isms_ok(repo, "risk", "add", "--title", "Ransomware", "--owner", "PER-1",
                    "--likelihood", "3", "--impact", "4"));
    return repo;
}

/* Reading works: verify, show, list, log, export (to standard output and
 * to a file elsewhere, which imports). */
static void reading_works(const char *repo, const char *tag)
{
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    free(out);
    json_decref(tu_json_take(tu_isms_ok(repo, "--json", "verify")));
    out = tu_isms_ok(repo, "risk", "show", "RISK-1");
    assert_contains(out, "Ransomware");
    free(out);
    json_decref(tu_json_take(tu_isms_ok(repo, "--json", "person", "list")));
    free(tu_isms_ok(repo, "log"));
    json_decref(tu_json_take(tu_isms_ok(repo, "export", "-")));
    char name[64];
    snprintf(name, sizeof name, "%s.json", tag);
    const char *file = tu_path(name);
    free(tu_isms_ok(repo, "export", file));
    snprintf(name, sizeof name, "%s-copy.isms", tag);
    const char *copy = tu_repo(name);
    free(tu_isms_ok(NULL, "import", file, copy));
}

/* ---- read-only ---- */

static void read_only_repository_is_readable(void **state)
{
    (void)state;
    const char *repo;
    if (tu_backend_is_pg()) {
        repo = new_repo("ro.isms");
        const char *db = strstr(repo, "@/") + 2;
        char sql[256];
        snprintf(sql, sizeof sql, "ALTER DATABASE \"%.*s\" SET default_transaction_read_only = on",
                 (int)strcspn(db, "?"), db);
        tu_sql(repo, sql);
    } else {
        const char *dir = tu_path("rw");
        mkdir(dir, 0755);
        const char *rw = tu_path("rw/ro.isms");
        free(tu_isms_ok(NULL, "init", rw));
        add_person(rw, "dana");
        free(tu_isms_ok(rw, "risk", "add", "--title", "Ransomware", "--owner", "PER-1",
                        "--likelihood", "3", "--impact", "4"));
        if (read_only_view(dir, tu_path("ro")))
            skip();
        repo = tu_path("ro/ro.isms");
    }
    /* Verify works; it cannot record its result, and says so. */
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    assert_contains(out, "the result could not be recorded");
    free(out);
    out = tu_isms_ok(repo, "summary");
    assert_contains(out, "never verified: run isms verify");
    free(out);
    reading_works(repo, "ro");
    const char *const write[] = {
        "person", "add", "--name", "Eve", "--email", "eve@x.example", NULL
    };
    expect_fails(repo, 7, "read-only", write);
    const char *const update[] = { "risk", "update", "RISK-1", "--impact", "5", NULL };
    expect_fails(repo, 7, "read-only", update);
}

/* ---- a full disk, an I/O error, damage ---- */

static void full_disk_is_named(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip(); /* the server's disk is the server's business */
    const char *dir = tu_path("small");
    /* A new repository holds 2.8 MB, most of it the built-in frameworks. */
    if (try_mount("tmpfs", dir, "tmpfs", 0, "size=8m"))
        skip();
    const char *repo = tu_path("small/full.isms");
    free(tu_isms_ok(NULL, "init", repo));
    add_person(repo, "dana");
    /* Fill the disk. */
    const char *filler = tu_path("small/filler");
    int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    static char block[65536];
    while (write(fd, block, sizeof block) > 0)
        ;
    while (write(fd, block, 512) > 0)
        ;
    close(fd);
    const char *const write_cmd[] = { "person",  "add",           "--name", "Eve",
                                      "--email", "eve@x.example", NULL };
    expect_fails(repo, 8, "full", write_cmd);
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", (const char *)NULL);
    if (r.status && (r.status != 8 || !strstr(r.err, "full")))
        fail_msg("verify on a full disk: exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    unlink(filler);
    add_person(repo, "eve");
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    free(out);
}

static void io_error_is_named(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip();
    const char *repo = new_repo("eio.isms");
    /* Every read beyond the first page fails, as on a failing disk. */
    tu_preload(ISMS_EIO_PRELOAD);
    setenv("ISMS_FAULT_EIO", "/eio.isms:4096", 1);
    const char *const cmds[][7] = { { "verify", NULL },
                                    { "risk", "list", NULL },
                                    { "export", "-", NULL },
                                    { "person", "add", "--name", "Eve", "--email", "eve@x.example",
                                      NULL } };
    for (int i = 0; i < 4; i++)
        expect_fails(repo, 8, "input/output error", cmds[i]);
    tu_preload_end();
    unsetenv("ISMS_FAULT_EIO");
    char *out = tu_isms_ok(repo, "verify");
    assert_contains(out, "ok:");
    free(out);
}

/* Overwrites `n` bytes of `path` at `at` with 0x5a. */
static void scribble(const char *path, off_t at, size_t n)
{
    int fd = open(path, O_WRONLY);
    assert_true(fd >= 0);
    char junk[8192];
    memset(junk, 0x5a, sizeof junk);
    assert_int_equal(pwrite(fd, junk, n, at), (ssize_t)n);
    close(fd);
}

/* Files in dir, but SQLite's write-ahead log and its index, which stay
 * beside a repository between commands (db_sqlite.c keep_log). */
static int count_entries(const char *dir)
{
    const char *const argv[] = { "sh", "-c", "ls -A \"$0\" | grep -cv -e '-wal$' -e '-shm$'", dir,
                                 NULL };
    tu_result r;
    tu_run(&r, NULL, argv);
    int n = atoi(r.out);
    tu_result_free(&r);
    return n;
}

/* A damaged file is named as damaged; export fails and leaves nothing. */
static void damaged_repository_is_not_exported(void **state)
{
    (void)state;
    if (tu_backend_is_pg())
        skip(); /* PostgreSQL's pages are the server's; tampering is tests/ledger/test_tamper.c */
    const char *dir = tu_path("damaged");
    mkdir(dir, 0755);
    const char *repo = tu_path("damaged/d.isms");
    free(tu_isms_ok(NULL, "init", repo));
    add_person(repo, "dana");
    /* The header of the ledger's last page: its rows are lost. */
    char *page = tu_sql_value(repo, "SELECT pageno FROM dbstat WHERE name = 'ledger' "
                                    "ORDER BY pageno DESC LIMIT 1");
    char *size = tu_sql_value(repo, "PRAGMA page_size");
    int before = count_entries(dir);
    scribble(repo, (off_t)(atol(page) - 1) * atol(size), 16);
    free(page);
    free(size);
    tu_result r;
    tu_isms(&r, repo, NULL, "verify", (const char *)NULL);
    assert_int_not_equal(r.status, 0);
    assert_not_contains(r.err, "not an isms repository");
    tu_result_free(&r);
    const char *out = tu_path("damaged/backup.json");
    tu_isms(&r, repo, NULL, "export", out, (const char *)NULL);
    assert_int_not_equal(r.status, 0);
    tu_result_free(&r);
    assert_int_equal(access(out, F_OK), -1);
    assert_int_equal(count_entries(dir), before);
    /* A file that is no database at all. */
    const char *text = tu_path("damaged/notes.txt");
    tu_write_file(text, "meeting notes, not a repository\n");
    const char *const list[] = { "risk", "list", NULL };
    tu_isms_argv(&r, text, NULL, list);
    assert_int_equal(r.status, 9);
    assert_contains(r.err, "not a SQLite database");
    tu_result_free(&r);
}

/* ---- export ---- */

static void export_never_overwrites(void **state)
{
    (void)state;
    const char *repo = new_repo("exp.isms");
    const char *dir = tu_path("exports");
    mkdir(dir, 0755);
    char file[512], link[512], target[512], fifo[512], dangling[512];
    snprintf(file, sizeof file, "%s/old.json", dir);
    snprintf(target, sizeof target, "%s/target.txt", dir);
    snprintf(link, sizeof link, "%s/link.json", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo.json", dir);
    snprintf(dangling, sizeof dangling, "%s/dangling.json", dir);
    tu_write_file(file, "keep me");
    tu_write_file(target, "keep me too");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(symlink("/nonexistent/isms-target", dangling), 0);
    const char *const paths[] = { file, link, fifo, dangling };
    int entries = count_entries(dir);
    for (int i = 0; i < 4; i++) {
        const char *const argv[] = { "export", paths[i], NULL };
        expect_fails(repo, 5, "--force", argv);
    }
    char *kept = tu_read_file(file, NULL);
    assert_string_equal(kept, "keep me");
    free(kept);
    kept = tu_read_file(target, NULL);
    assert_string_equal(kept, "keep me too");
    free(kept);
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(count_entries(dir), entries); /* no temporary file left */
    /* --force replaces the file, and the link itself (not what it points to). */
    free(tu_isms_ok(repo, "export", "--force", file));
    free(tu_isms_ok(repo, "export", "--force", link));
    json_decref(tu_json_take(tu_read_file(file, NULL)));
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    kept = tu_read_file(target, NULL);
    assert_string_equal(kept, "keep me too");
    free(kept);
    assert_int_equal(count_entries(dir), entries);
    /* A new name just works. */
    char fresh[512];
    snprintf(fresh, sizeof fresh, "%s/new.json", dir);
    free(tu_isms_ok(repo, "export", fresh));
    json_decref(tu_json_take(tu_read_file(fresh, NULL)));
}

/* ---- messages ---- */

static void constraint_messages_say_what_to_do(void **state)
{
    (void)state;
    const char *repo = new_repo("dup.isms");
    add_person(repo, "eve");
    json_t *doc = tu_json_take(tu_isms_ok(repo, "export", "-"));
    /* A ledger entry twice; two people with one key. */
    const char *const where[] = { "/ledger/1", "/registers/people/1" };
    for (int i = 0; i < 2; i++) {
        json_t *copy = json_deep_copy(doc);
        if (i == 0) {
            json_t *ledger = json_object_get(copy, "ledger");
            json_array_set(ledger, 1, json_array_get(ledger, 0));
        } else {
            json_t *people = json_object_get(json_object_get(copy, "registers"), "people");
            json_object_set(json_array_get(people, 1), "key",
                            json_object_get(json_array_get(people, 0), "key"));
        }
        char name[64];
        snprintf(name, sizeof name, "dup%d.json", i);
        const char *file = tu_path(name);
        char *text = json_dumps(copy, 0);
        tu_write_file(file, text);
        free(text);
        json_decref(copy);
        snprintf(name, sizeof name, "dup%d.isms", i);
        const char *target = tu_repo(name);
        tu_result r;
        tu_isms(&r, NULL, NULL, "import", file, target, (const char *)NULL);
        if (r.status != 5 || !strstr(r.err, where[i]) || !strstr(r.err, "already") ||
            strstr(r.err, "constraint") || strstr(r.err, "duplicate key"))
            fail_msg("case %d: exit %d: %s", i, r.status, r.err);
        tu_result_free(&r);
        assert_false(tu_repo_exists(target));
    }
    json_decref(doc);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(read_only_repository_is_readable),
        cmocka_unit_test(full_disk_is_named), cmocka_unit_test(io_error_is_named),
        cmocka_unit_test(damaged_repository_is_not_exported),
        cmocka_unit_test(export_never_overwrites),
        cmocka_unit_test(constraint_messages_say_what_to_do))
