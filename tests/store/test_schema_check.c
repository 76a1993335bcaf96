/* Before its first write a connection checks that the repository's schema
 * is isms's own (a planted trigger would rewrite every later write under an
 * honest name). A repository isms made is known by its text alone, the
 * one the build recorded (scripts/gen-schema.c), without running the
 * migrations again; anything else is rebuilt and compared, and what
 * differs is named. */
#include "support/testutil.h"
#include "domain/engine/dom.h"
#include "domain/registers/registers.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char isms_schema_made[];    /* schema_made.c, generated */
extern const char isms_schema_listing[]; /* the same, as the full comparison lists it */

/* The texts the build recorded are what the migrations make now: a stale
 * one would send every write to the slow comparison, or (the listing)
 * hold every PostgreSQL repository to the wrong schema. */
static void the_recorded_text_is_what_the_migrations_make(void **state)
{
    (void)state;
    isms_err e = { 0 };
    char *text;
    assert_int_equal(store_schema_made_text(registers, &text, &e), 0);
    assert_string_equal(text, isms_schema_made);
    assert_contains(text, "5:table 4:risk 4:risk ");
    assert_contains(text, "risk_title_sort"); /* 0013's @LISTS, from the register tables */
    free(text);
    assert_int_equal(store_schema_expected_text(store_schema_latest(), &text, &e), 0);
    assert_string_equal(text, isms_schema_listing);
    assert_contains(text, "column metric.last_status\n");
    assert_contains(text, "index measurement_metric on measurement\n");
    free(text);
}

/* Opens `repo` and runs the check a write runs; *rebuilt: did it rebuild
 * the expected schema? The findings, or NULL, are returned (caller frees). */
static char *check(const char *repo, int *rebuilt)
{
    isms_err e = { 0 };
    dom *d;
    assert_int_equal(dom_open(repo, &d, &e), 0);
    long before = store_schema_rebuilds();
    const char *diff;
    assert_int_equal(store_schema_check(dom_store(d), &diff, &e), 0);
    *rebuilt = (int)(store_schema_rebuilds() - before);
    char *out = diff ? strdup(diff) : NULL;
    dom_close(d);
    return out;
}

static void a_repository_isms_made_is_known_and_a_planted_trigger_is_not(void **state)
{
    (void)state;
    int pg = tu_backend_is_pg(), rebuilt;
    const char *repo = tu_repo("schema-check.isms");
    free(tu_isms_ok(NULL, "init", repo));
    free(tu_isms_ok(repo, "person", "add", "--name", "Dana", "--email", "dana@acme.example"));
    char *diff = check(repo, &rebuilt);
    assert_null(diff);
    assert_int_equal(rebuilt, pg); /* PostgreSQL's catalogue is always compared */

    if (pg) {
        tu_sql(repo, "CREATE FUNCTION evil() RETURNS trigger LANGUAGE plpgsql AS "
                     "'BEGIN NEW.likelihood := 1; RETURN NEW; END'");
        tu_sql(repo, "CREATE TRIGGER evil BEFORE UPDATE ON risk FOR EACH ROW "
                     "EXECUTE FUNCTION evil()");
    } else {
        tu_sql(repo, "CREATE TRIGGER evil AFTER UPDATE ON risk BEGIN "
                     "UPDATE risk SET likelihood = 1 WHERE key = new.key; END");
    }
    diff = check(repo, &rebuilt);
    assert_int_equal(rebuilt, 1);
    assert_non_null(diff);
    assert_contains(diff, "unexpected trigger evil on risk");
    free(diff);
    /* The write itself is refused with the same words. */
    free(tu_isms_err(repo, 10, "unexpected trigger evil on risk", "person", "add", "--name", "Eve",
                     "--email", "eve@acme.example"));

    tu_sql(repo, pg ? "DROP TRIGGER evil ON risk" : "DROP TRIGGER evil");
    diff = check(repo, &rebuilt);
    assert_null(diff);
    assert_int_equal(rebuilt, pg); /* the text is isms's again */
}

/* How many indexes of `table` have `column` first. */
static int indexes_led_by(const char *repo, const char *table, const char *column)
{
    char sql[600];
    if (tu_backend_is_pg())
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid "
                 "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0] "
                 "WHERE t.relname = '%s' AND a.attname = '%s'",
                 table, column);
    else
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pragma_index_list('%s') il, pragma_index_info(il.name) ii "
                 "WHERE ii.seqno = 0 AND ii.name = '%s'",
                 table, column);
    char *n = tu_sql_value(repo, sql);
    int count = atoi(n);
    free(n);
    return count;
}

/* A record's page lists what names it, and a list filters by a reference:
 * both read the records that name one by an index, never the register
 * whole (0040: the approvals and a decision's review and analysis had
 * none). Each reference leads an index of its table, each link table an
 * index the other way round. */
static void every_reference_leads_an_index(void **state)
{
    (void)state;
    const char *repo = tu_repo("references.isms");
    free(tu_isms_ok(NULL, "init", repo));
    int checked = 0;
    for (int r = 0; registers[r]; r++)
        for (int i = 0; i < registers[r]->nfields; i++) {
            const fielddef *f = &registers[r]->fields[i];
            if (f->type != FT_REF && f->type != FT_LINKS)
                continue;
            const char *table = f->type == FT_REF ? registers[r]->name : f->link_table;
            const char *column = f->type == FT_REF ? f->name : f->link_dst;
            if (!indexes_led_by(repo, table, column))
                fail_msg("%s.%s: no index has it first", table, column);
            checked++;
        }
    assert_true(checked > 40);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(the_recorded_text_is_what_the_migrations_make),
        cmocka_unit_test(a_repository_isms_made_is_known_and_a_planted_trigger_is_not),
        cmocka_unit_test(every_reference_leads_an_index))
