/* The reason for a change (--note) is text like any other: bytes that are
 * not UTF-8, control characters and overlong notes are refused with exit
 * status 3 before anything is written, never an abort. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

static const char *repo;

static int setup(void **state)
{
    (void)state;
    repo = tu_cli_repo("init", "note.isms", NULL);
    return 0;
}

static char *ledger_size(void) { return tu_sql_value(repo, "SELECT COUNT(*) FROM ledger"); }

static void refused(const char *note, const char *why)
{
    char *before = ledger_size();
    tu_result r;
    tu_isms(&r, repo, NULL, "--note", note, "person", "add", "--name", "A", "--email",
            "a@x.example", (const char *)NULL);
    assert_int_equal(r.status, 3);
    assert_contains(r.err, "note");
    assert_contains(r.err, why);
    tu_result_free(&r);
    char *after = ledger_size();
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void a_note_is_checked_like_every_text(void **state)
{
    (void)state;
    refused("\xff", "UTF-8");
    refused("caf\xc3", "UTF-8");
    refused("two\nlines", "single line");
    refused("bell\a", "control character");
    char *long_note = malloc(5001);
    memset(long_note, 'x', 5000);
    long_note[5000] = 0;
    refused(long_note, "at most");
    free(long_note);
    /* A proper note is kept. */
    free(tu_isms_ok(repo, "--note", "new hire, ticket 42 (ré)", "person", "add", "--name", "A",
                    "--email", "a@x.example"));
    char *note = tu_sql_value(repo, "SELECT note FROM ledger WHERE key = 'PER-1'");
    assert_string_equal(note, "new hire, ticket 42 (ré)");
    free(note);
}

TU_MAIN(setup, NULL, cmocka_unit_test(a_note_is_checked_like_every_text))
