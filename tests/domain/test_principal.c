/* Who acts when nobody is named: the process, as its operating-system
 * account, whose name is looked up only when something needs it (a ledger
 * entry, a message), so that a command that only reads never asks NSS.
 * The program defines getpwuid itself (its definition wins over libc's for
 * the domain linked into it): the test counts the lookups and names the
 * account. */
#include "support/testutil.h"
#include "support/domutil.h"
#include "domain/registers/registers.h"

#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

static int lookups;

struct passwd *getpwuid(uid_t uid)
{
    static char name[] = "auditee";
    static struct passwd pw = { .pw_name = name };
    pw.pw_uid = uid;
    lookups++;
    return &pw;
}

static dom *d;
static const char *repo;

static int setup(void **state)
{
    (void)state;
    repo = tu_repo("principal.isms");
    isms_err e = { 0 };
    if (dom_create(repo, &(principal){ .actor = "creator" }, 0, &d, &e))
        fail_msg("create: %s", e.msg);
    tu_add_people(d);
    dom_close(d);
    d = NULL;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dom_close(d);
    return 0;
}

typedef struct last_entry {
    char actor[64], note[64];
} last_entry;

static int keep_last(const ledger_row *row, void *ctx)
{
    last_entry *l = ctx;
    snprintf(l->actor, sizeof l->actor, "%s", row->actor);
    snprintf(l->note, sizeof l->note, "%s", row->note ? row->note : "");
    return 0;
}

static last_entry entry_of(const char *key)
{
    last_entry l = { 0 };
    isms_err e = { 0 };
    if (dom_history(d, key, keep_last, &l, &e))
        fail_msg("history of %s: %s", key, e.msg);
    return l;
}

static void a_read_does_not_look_the_account_up(void **state)
{
    (void)state;
    lookups = 0;
    isms_err e = { 0 };
    if (dom_open(repo, &d, &e)) /* the tests that follow use it too */
        fail_msg("open: %s", e.msg);
    assert_int_equal(dom_begin_as_process(d, "only reading", &e), 0);
    record r;
    assert_int_equal(dom_get(d, &reg_person, "PER-1", &r, &e), 0);
    assert_string_equal(record_text(&r, F_PERSON_NAME), "Dana");
    dom_end(d);
    assert_int_equal(lookups, 0);
}

static void a_write_records_the_account_and_the_note(void **state)
{
    (void)state;
    lookups = 0;
    isms_err e = { 0 };
    assert_int_equal(dom_begin_as_process(d, "the reason", &e), 0);
    const char *key = tu_add(d, tu_make(d, &reg_person, "name=Ann", "email=ann@x.example", NULL));
    assert_int_equal(lookups, 1);
    last_entry l = entry_of(key);
    assert_string_equal(l.actor, "os:auditee");
    assert_string_equal(l.note, "the reason");
    /* looked up once per process */
    key = tu_add(d, tu_make(d, &reg_person, "name=Bob", "email=bob@x.example", NULL));
    assert_string_equal(entry_of(key).actor, "os:auditee");
    assert_int_equal(lookups, 1);
    assert_string_equal(dom_actor(d), "os:auditee");
    dom_end(d);
}

static void the_process_as_a_principal_is_named(void **state)
{
    (void)state;
    principal p;
    isms_err e = { 0 };
    assert_int_equal(dom_principal(d, NULL, &p, &e), 0);
    assert_string_equal(p.actor, "os:auditee");
    assert_int_equal(p.person, 0);
    /* a note that is not one line of text is refused, as dom_begin's is */
    assert_int_equal(dom_begin_as_process(d, "two\nlines", &e), E_INVALID);
    assert_contains(e.msg, "note");
}

TU_MAIN(setup, teardown, cmocka_unit_test(a_read_does_not_look_the_account_up),
        cmocka_unit_test(a_write_records_the_account_and_the_note),
        cmocka_unit_test(the_process_as_a_principal_is_named))
