/* A register added as data alone: a field table and a lifecycle table,
 * here in the test and nowhere in isms, handed to isms as part of its set
 * of registers (registers_use) with tables the store makes from the field
 * table. With no other code it gets its CLI verbs (`isms permit grant`),
 * their help, and the rules: who may make each transition (exit 7 for
 * anyone else), four eyes, frozen records and what belongs to them, and
 * the ledger recording the principal. The commands run through the real
 * dispatcher in-process (cli_run), as the demo's lines do. */
#include "support/testutil.h"
#include "cli/cli_internal.h"
#include "domain/engine/lifecycle.h"
#include "domain/registers/registers.h"
#include "domain/registers/table.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- the register: work permits, granted by a role that grows with the
 * permit's level, and the conditions attached to each ---- */

static const char *const permit_levels[] = { "low", "high", NULL };
static const char *const permit_states[] = { "draft", "requested", "granted", "revoked", NULL };
static const lc_role_by granter_by_level[] = { { "low", "isms-lead" },
                                               { "high", "management-body" },
                                               { NULL, NULL } };

/* Register numbers of isms's own registers stay below these. */
enum { RN_PERMIT = 200, RN_CONDITION = 201 };

#define PERMIT_FIELDS(X)                                                                       \
    X(F_PERMIT_TITLE, TEXT("title", FF_REQUIRED | FF_LIST, "the work", 200))                   \
    X(F_PERMIT_LEVEL,                                                                          \
      ENUM("level", FF_REQUIRED | FF_LIST, permit_levels, NULL, "how dangerous the work is"))  \
    X(F_PERMIT_STATUS,                                                                         \
      ENUM("status", FF_LIST | FF_SYSTEM, permit_states, "draft", "where the permit stands"))  \
    X(F_PERMIT_GRANTED_BY, REF("granted_by", FF_LIST | FF_SYSTEM, "person", "who granted it")) \
    X(F_PERMIT_GRANTED_AT, TIME("granted_at", FF_SYSTEM, "when"))                              \
    X(F_PERMIT_OWNER, REF("owner", 0, "person", "who asked for it (and may change it)"))
FIELD_IDS(RN_PERMIT, PERMIT_FIELDS);

#define CONDITION_FIELDS(X)                                                                   \
    X(F_CONDITION_PERMIT,                                                                     \
      REF("permit", FF_REQUIRED | FF_LIST | FF_PARENT, "permit", "the permit it belongs to")) \
    X(F_CONDITION_TEXT, TEXT("text", FF_REQUIRED | FF_LIST, "the condition", 200))
FIELD_IDS(RN_CONDITION, CONDITION_FIELDS);

/* clang-format off */
static const transition permit_transitions[] = {
    { .verb = "request", .from = "draft", .to = "requested", .help = "ask for the permit" },
    { .verb = "return", .from = "requested", .to = "draft", .role = "isms-lead", .help = "send the request back" },
    { .verb = "grant", .from = "requested", .to = "granted", .role_field = F_PERMIT_LEVEL,
      .role_by = granter_by_level, .flags = LC_FREEZES | LC_FOUR_EYES,
      .stamp_by = F_PERMIT_GRANTED_BY, .stamp_at = F_PERMIT_GRANTED_AT, .help = "grant the permit" },
    { .verb = "revoke", .from = "granted", .to = "revoked", .role = "management-body", .flags = LC_FREEZES,
      .help = "revoke a granted permit" },
};
static const lifecycle permit_lifecycle = {
    .field = F_PERMIT_STATUS, .states = permit_states, .transitions = permit_transitions,
    .ntransitions = NFIELDS(permit_transitions)
};
/* clang-format on */

static const fielddef permit_fields[] = FIELD_TABLE(PERMIT_FIELDS);
static const regdef reg_permit = { REG_NAMES(RN_PERMIT, "permit", "permits", "PRM"),
                                   .label = F_PERMIT_TITLE, .summary = "work permits",
                                   REG_FIELDS(permit_fields), .lifecycle = &permit_lifecycle };

static const fielddef condition_fields[] = FIELD_TABLE(CONDITION_FIELDS);
static const regdef reg_condition = { REG_NAMES(RN_CONDITION, "condition", "conditions", "CND"),
                                      .label = F_CONDITION_TEXT,
                                      .summary = "conditions of a permit",
                                      REG_FIELDS(condition_fields) };

/* ---- running commands ---- */

static dom *d;
static const regdef *set[64];
static char *out;    /* the last command's standard output */
static isms_err err; /* and its error */

/* Runs `isms ARGS...` in-process; returns the exit status. */
static int run(const char *first, ...)
{
    char *argv[32] = { "isms" };
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    free(out);
    size_t len;
    FILE *f = open_memstream(&out, &len);
    err_clear(&err);
    int rc = cli_run(argc, argv, d, f, &err);
    fclose(f);
    return err_exit_status(rc);
}

#define ok(...)                                   \
    do {                                          \
        if (run(__VA_ARGS__, (const char *)NULL)) \
            fail_msg("%s", err.msg);              \
    } while (0)
#define refused(status, needle, ...)                                    \
    do {                                                                \
        assert_int_equal(run(__VA_ARGS__, (const char *)NULL), status); \
        assert_contains(err.msg, needle);                               \
    } while (0)

static json_t *json_out(void)
{
    json_error_t je;
    json_t *j = json_loads(out, 0, &je);
    if (!j)
        fail_msg("not JSON: %s", out);
    return j;
}

static void expect_field(const char *key, const char *field, const char *want)
{
    ok("permit", "show", key, "--json");
    json_t *j = json_out();
    assert_string_equal(json_string_value(json_object_get(j, field)), want);
    json_decref(j);
}

static void expect_last_entry(const char *key, const char *actor, const char *op)
{
    ok("log", key, "--json");
    json_t *log = json_out();
    json_t *last = json_array_get(log, json_array_size(log) - 1);
    assert_string_equal(json_string_value(json_object_get(last, "actor")), actor);
    assert_string_equal(json_string_value(json_object_get(last, "op")), op);
    json_decref(log);
}

static int setup(void **state)
{
    (void)state;
    int n = 0;
    for (; registers[n]; n++)
        set[n] = registers[n];
    set[n++] = &reg_permit;
    set[n++] = &reg_condition;
    set[n] = NULL;
    registers_use(set);
    isms_err e = { 0 };
    if (lifecycle_check(&permit_lifecycle, &reg_permit, &e))
        fail_msg("permit: %s", e.msg);
    if (dom_create(tu_repo("permits.isms"), NULL, 0, &d, &e) || store_begin(dom_store(d), 1, &e) ||
        store_create_table(dom_store(d), &reg_permit, &e) ||
        store_create_table(dom_store(d), &reg_condition, &e) || store_commit(dom_store(d), &e))
        fail_msg("create: %s", e.msg);
    ok("person", "add", "--name", "Dana", "--email", "dana@x.example", "--role", "management-body");
    ok("person", "add", "--name", "Lea", "--email", "lea@x.example", "--role", "isms-lead");
    ok("person", "add", "--name", "Ivo", "--email", "ivo@x.example", "--role", "isms-lead");
    ok("person", "add", "--name", "Omar", "--email", "omar@x.example", "--role", "risk-owner");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dom_close(d);
    registers_use(NULL);
    free(out);
    return 0;
}

static void the_verbs_come_from_the_table(void **state)
{
    (void)state;
    ok("permit", "--help");
    assert_contains(out, "request ");
    assert_contains(out, "grant the permit");
    assert_contains(out, "return ");
    assert_contains(out, "revoke a granted permit");
    ok("permit", "grant", "--help");
    assert_contains(out, "requested -> granted");
    assert_contains(out, "low: isms-lead, high: management-body");
    assert_contains(out, "not by whoever made it");
    refused(2, "no verb", "permit", "approve", "PRM-1");
    ok("--help");
    assert_contains(out, "work permits");
}

static void only_the_role_the_level_calls_for_grants(void **state)
{
    (void)state;
    /* a risk owner adds only what they own (principal_may_write) */
    refused(7, "only what they own", "--as", "omar@x.example", "permit", "add", "--title",
            "Hot work", "--level", "high");
    ok("--as", "omar@x.example", "permit", "add", "--title", "Hot work in the data centre",
       "--level", "high", "--owner", "omar@x.example");
    expect_last_entry("PRM-1", "omar@x.example", "add");
    refused(5, "applies only when it is requested", "--as", "dana@x.example", "permit", "grant",
            "PRM-1");
    ok("--as", "omar@x.example", "permit", "request", "PRM-1");
    assert_contains(out, "requested PRM-1");
    refused(7, "management-body", "--as", "omar@x.example", "permit", "grant", "PRM-1");
    refused(7, "management-body", "--as", "lea@x.example", "permit", "grant", "PRM-1");
    refused(7, "--as PERSON", "permit", "grant", "PRM-1");
    refused(7, "not a person", "--as", "mallory@x.example", "permit", "grant", "PRM-1");
    refused(2, "--by", "--as", "omar@x.example", "permit", "grant", "PRM-1", "--by",
            "dana@x.example");
    expect_field("PRM-1", "status", "requested");
    ok("--as", "dana@x.example", "permit", "grant", "PRM-1", "--note", "fire watch arranged");
    expect_field("PRM-1", "status", "granted");
    expect_field("PRM-1", "granted_by", "PER-1");
    expect_last_entry("PRM-1", "dana@x.example", "grant");
    ok("log", "PRM-1");
    assert_contains(out, "fire watch arranged");
    /* A low permit is the ISMS lead's to grant, not the board's. */
    ok("permit", "add", "--title", "Badge for a contractor", "--level", "low");
    ok("--as", "omar@x.example", "permit", "request", "PRM-2");
    refused(7, "isms-lead", "--as", "dana@x.example", "permit", "grant", "PRM-2");
    ok("--as", "ivo@x.example", "permit", "grant", "PRM-2");
    expect_last_entry("PRM-2", "ivo@x.example", "grant");
    refused(7, "management-body", "--as", "ivo@x.example", "permit", "revoke", "PRM-2");
    ok("--as", "dana@x.example", "permit", "revoke", "PRM-2");
    expect_field("PRM-2", "status", "revoked");
}

static void whoever_made_it_does_not_grant_it(void **state)
{
    (void)state;
    ok("--as", "lea@x.example", "permit", "add", "--title", "Server room access", "--level", "low");
    ok("--as", "lea@x.example", "permit", "request", "PRM-3");
    refused(7, "four eyes", "--as", "lea@x.example", "permit", "grant", "PRM-3");
    ok("--as", "lea@x.example", "permit", "return", "PRM-3"); /* no four eyes on this one */
    ok("--as", "lea@x.example", "permit", "request", "PRM-3");
    ok("--as", "ivo@x.example", "permit", "grant", "PRM-3");
}

static void granted_permits_and_their_conditions_are_frozen(void **state)
{
    (void)state;
    ok("permit", "add", "--title", "Crane on site", "--level", "low");
    ok("condition", "add", "--permit", "PRM-4", "--text", "Wind below 40 km/h");
    ok("condition", "update", "CND-1", "--text", "Wind below 30 km/h");
    ok("permit", "update", "PRM-4", "--title", "Mobile crane on site");
    ok("--as", "omar@x.example", "permit", "request", "PRM-4");
    ok("--as", "lea@x.example", "permit", "grant", "PRM-4");
    refused(5, "can no longer change", "permit", "update", "PRM-4", "--title", "Tower crane");
    refused(5, "PRM-4 is granted", "condition", "update", "CND-1", "--text", "Any wind");
    refused(5, "PRM-4 is granted", "condition", "retire", "CND-1");
    refused(5, "PRM-4 is granted", "condition", "add", "--permit", "PRM-4", "--text", "And rain");
    refused(2, "--status", "permit", "update", "PRM-4", "--status",
            "draft");                /* only by its verbs */
    ok("permit", "retire", "PRM-4"); /* retiring stays possible */
    ok("verify");
}

TU_MAIN(setup, teardown, cmocka_unit_test(the_verbs_come_from_the_table),
        cmocka_unit_test(only_the_role_the_level_calls_for_grants),
        cmocka_unit_test(whoever_made_it_does_not_grant_it),
        cmocka_unit_test(granted_permits_and_their_conditions_are_frozen))
