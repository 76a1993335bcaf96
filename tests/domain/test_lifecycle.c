/* Lifecycle tables, checked: the built-in registers' (scope, appetite),
 * and the tables of registers still to come, written here first to show
 * the table can say what they need: a management review (draft -> signed,
 * freezing its decisions), a document (draft -> in review -> approved ->
 * published -> retired, the approver's role chosen by the document's
 * level) and an audit finding (open -> corrected -> verified effective ->
 * closed). A table that makes no sense fails lifecycle_check, naming why. */
#include "support/testutil.h"
#include "domain/engine/lifecycle.h"
#include "domain/registers/registers.h"

#include <string.h>

/* The field ids the registers to come would have (their number above the
 * field's index, core/record.h); the tables name fields by id. */
enum { RN_SIGNOFF = 210, RN_DOCUMENT, RN_FINDING, RN_THING };
enum { F_SIGNOFF_STATUS = FIELD_ID(RN_SIGNOFF, 0), F_SIGNOFF_SIGNED_BY, F_SIGNOFF_SIGNED_AT };
enum {
    F_DOCUMENT_SERIES = FIELD_ID(RN_DOCUMENT, 0),
    F_DOCUMENT_LEVEL,
    F_DOCUMENT_STATUS,
    F_DOCUMENT_APPROVED_BY,
    F_DOCUMENT_APPROVED_AT,
    F_DOCUMENT_PUBLISHED_AT
};
enum {
    F_FINDING_STATUS = FIELD_ID(RN_FINDING, 0),
    F_FINDING_CORRECTED_BY,
    F_FINDING_CORRECTED_AT,
    F_FINDING_VERIFIED_BY,
    F_FINDING_VERIFIED_AT,
    F_FINDING_CLOSED_AT
};
/* the register of tables_agree_with_their_register, in its table's order */
enum {
    F_THING_LEVEL = FIELD_ID(RN_THING, 0),
    F_THING_STATUS,
    F_THING_APPROVED_BY,
    F_THING_APPROVED_AT,
    F_THING_NOTE
};

/* ---- a management review (ISO/IEC 27001 Cl. 9.3) ----
 * Its decisions would be records of their own register, each with
 *   {.name = "review", .type = FT_REF, .flags = FF_REQUIRED | FF_PARENT, .target = "review"}
 * so that signing the review freezes them with it. */
/* clang-format off */
static const char *const review_states[] = { "draft", "signed", NULL };
static const transition review_transitions[] = {
    { .verb = "sign", .from = "draft", .to = "signed", .role = "management-body", .flags = LC_FREEZES,
      .stamp_by = F_SIGNOFF_SIGNED_BY, .stamp_at = F_SIGNOFF_SIGNED_AT,
      .help = "sign the minutes: the review and its decisions can no longer change" },
};
static const lifecycle review_lifecycle = {
    .field = F_SIGNOFF_STATUS, .states = review_states, .transitions = review_transitions, .ntransitions = 1
};
/* clang-format on */

/* ---- a document: policy, standard or procedure (ISO/IEC 27001 Cl. 7.5) ---- */
/* clang-format off */
static const char *const document_states[] = { "draft", "in-review", "approved", "published", "retired", NULL };
static const lc_role_by approver_by_level[] = {
    { "policy", "management-body" }, { "standard", "isms-lead" }, { "procedure", "control-owner" }, { NULL, NULL }
};
static const transition document_transitions[] = {
    { .verb = "submit", .from = "draft", .to = "in-review", .help = "submit the draft for review" },
    { .verb = "return", .from = "in-review", .to = "draft", .role_field = F_DOCUMENT_LEVEL,
      .role_by = approver_by_level, .help = "send it back to its author with the review's comments" },
    { .verb = "approve", .from = "in-review", .to = "approved", .role_field = F_DOCUMENT_LEVEL,
      .role_by = approver_by_level, .flags = LC_FREEZES | LC_FOUR_EYES,
      .stamp_by = F_DOCUMENT_APPROVED_BY, .stamp_at = F_DOCUMENT_APPROVED_AT,
      .help = "approve it: a policy by the management body, a standard by the ISMS lead, a procedure "
              "by a control owner; never by its author" },
    { .verb = "publish", .from = "approved", .to = "published", .role = "isms-lead",
      .flags = LC_FREEZES | LC_SUPERSEDES, .stamp_at = F_DOCUMENT_PUBLISHED_AT,
      .help = "publish it; the version of the same document published before it is retired" },
    { .verb = "withdraw", .from = "published", .to = "retired", .role = "isms-lead", .flags = LC_FREEZES,
      .help = "withdraw it from use" },
};
static const lifecycle document_lifecycle = {
    .field = F_DOCUMENT_STATUS, .states = document_states, .transitions = document_transitions,
    .ntransitions = 5, .group = F_DOCUMENT_SERIES, .superseded = "retired"
};
/* clang-format on */

/* ---- an audit finding (ISO/IEC 27001 Cl. 10.2) ---- */
/* clang-format off */
static const char *const finding_states[] = { "open", "corrected", "verified-effective", "closed", NULL };
static const transition finding_transitions[] = {
    { .verb = "correct", .from = "open", .to = "corrected", .role = "control-owner",
      .stamp_by = F_FINDING_CORRECTED_BY, .stamp_at = F_FINDING_CORRECTED_AT,
      .help = "record that the correction is made" },
    { .verb = "verify", .from = "corrected", .to = "verified-effective", .role = "internal-auditor",
      .stamp_by = F_FINDING_VERIFIED_BY, .stamp_at = F_FINDING_VERIFIED_AT,
      .help = "confirm the correction works" },
    { .verb = "reopen", .from = "corrected", .to = "open", .role = "internal-auditor",
      .help = "the correction does not work: back to open" },
    { .verb = "reopen", .from = "verified-effective", .to = "open", .role = "internal-auditor",
      .help = "the correction stopped working: back to open" },
    { .verb = "close", .from = "verified-effective", .to = "closed", .role = "isms-lead",
      .flags = LC_FREEZES, .stamp_at = F_FINDING_CLOSED_AT, .help = "close the finding" },
};
static const lifecycle finding_lifecycle = {
    .field = F_FINDING_STATUS, .states = finding_states, .transitions = finding_transitions, .ntransitions = 5
};
/* clang-format on */

static void expect_ok(const lifecycle *lc, const regdef *reg)
{
    isms_err e = { 0 };
    if (lifecycle_check(lc, reg, &e))
        fail_msg("%s: %s", reg ? reg->name : lc->states[0], e.msg);
}

static void expect_bad(const lifecycle *lc, const regdef *reg, const char *needle)
{
    isms_err e = { 0 };
    assert_int_equal(lifecycle_check(lc, reg, &e), E_INTERNAL);
    assert_contains(e.msg, needle);
}

static void builtin_lifecycles_make_sense(void **state)
{
    (void)state;
    int n = 0;
    for (int i = 0; registers[i]; i++)
        if (registers[i]->lifecycle) {
            expect_ok(registers[i]->lifecycle, registers[i]);
            n++;
        }
    assert_int_equal(n, 6); /* scope, appetite, soa, review, decision, incident */
    const transition *t = regdef_transition(&reg_scope, "approve", "draft");
    assert_non_null(t);
    assert_string_equal(t->role, "management-body");
    assert_true(t->flags & LC_SUPERSEDES);
    assert_null(regdef_transition(&reg_scope, "approve", "approved"));
    assert_true(lifecycle_frozen(reg_scope.lifecycle, "approved"));
    assert_true(lifecycle_frozen(reg_scope.lifecycle, "superseded"));
    assert_false(lifecycle_frozen(reg_scope.lifecycle, "draft"));
    assert_int_equal(reg_appetite.lifecycle->group, F_APPETITE_OBJECTIVE);
    /* final: no transition leaves it, none supersedes into it (nothing is
     * due of a record there) */
    assert_true(lifecycle_final(reg_decision.lifecycle, "carried-out"));
    assert_true(lifecycle_final(reg_incident.lifecycle, "closed"));
    assert_false(lifecycle_final(reg_incident.lifecycle, "resolved"));
    assert_false(lifecycle_final(reg_decision.lifecycle, "decided"));
    assert_false(lifecycle_final(reg_decision.lifecycle, "proposed"));
    assert_false(lifecycle_final(reg_scope.lifecycle, "approved")); /* superseded later */
    assert_true(lifecycle_final(reg_scope.lifecycle, "superseded"));
    t = regdef_transition(&reg_decision, "complete", "decided");
    assert_non_null(t);
    assert_true(t->flags & LC_BY_OWNER);
}

static void tables_of_what_comes_next_make_sense(void **state)
{
    (void)state;
    expect_ok(&review_lifecycle, NULL);
    assert_true(lifecycle_frozen(&review_lifecycle, "signed"));
    expect_ok(&document_lifecycle, NULL);
    assert_false(lifecycle_frozen(&document_lifecycle, "in-review"));
    assert_true(lifecycle_frozen(&document_lifecycle, "approved"));
    assert_true(lifecycle_frozen(&document_lifecycle, "retired"));
    expect_ok(&finding_lifecycle, NULL);
    assert_true(lifecycle_frozen(&finding_lifecycle, "closed"));
    assert_false(lifecycle_frozen(&finding_lifecycle, "verified-effective"));
    /* "reopen" leaves two states; each use finds its own. */
    const regdef finding = { .name = "finding", .lifecycle = &finding_lifecycle };
    assert_string_equal(regdef_transition(&finding, "reopen", "verified-effective")->help,
                        "the correction stopped working: back to open");
    assert_null(regdef_transition(&finding, "reopen", "open"));
}

/* Broken tables, each with the one fault the check must name. */
static const char *const two_states[] = { "draft", "approved", NULL };
static const char *const three_states[] = { "draft", "approved", "orphan", NULL };
static const char *const twice_states[] = { "draft", "approved", "draft", NULL };

#define LC(states_, ...)                                               \
    (&(lifecycle){ .field = F_THING_STATUS,                            \
                   .states = states_,                                  \
                   .transitions = (const transition[]){ __VA_ARGS__ }, \
                   .ntransitions =                                     \
                       sizeof((const transition[]){ __VA_ARGS__ }) / sizeof(transition) })
#define T(verb_, from_, to_, ...)                                         \
    {                                                                     \
        .verb = verb_, .from = from_, .to = to_, .help = "h", __VA_ARGS__ \
    }

static void broken_tables_are_named(void **state)
{
    (void)state;
    expect_bad(LC(three_states, T("approve", "draft", "approved", .role = "management-body")), NULL,
               "orphan cannot be reached");
    expect_bad(LC(twice_states, T("approve", "draft", "approved")), NULL, "listed twice");
    expect_bad(LC(two_states, T("approve", "draft", "approved"), T("approve", "draft", "approved")),
               NULL, "leaves draft twice");
    expect_bad(LC(two_states, T("approve", "draft", "approved", .role = "king")), NULL,
               "king is not a role");
    expect_bad(LC(two_states, T("update", "draft", "approved")), NULL, "cannot be a verb");
    expect_bad(LC(two_states, T("approve", "draft", "nowhere")), NULL, "does not join two states");
    expect_bad(LC(two_states, T("approve", "draft", "approved", .flags = LC_FREEZES),
                  T("reopen", "approved", "draft")),
               NULL, "thaw");
    expect_bad(LC(two_states, T("approve", "draft", "approved", .flags = LC_SUPERSEDES)), NULL,
               "no superseded state");
    expect_bad(LC(two_states, T("approve", "draft", "approved", .role = "isms-lead",
                                .role_field = F_THING_LEVEL, .role_by = approver_by_level)),
               NULL, "not both");
    expect_bad(LC(two_states, T("approve", "draft", "approved", .role_field = F_THING_LEVEL)), NULL,
               "needs its field and its table");
}

/* With its register, the fields the table names must be there: the state
 * field a workflow-only choice of its states, stamps of the right types,
 * a role for every value of the field that chooses it. */
static const char *const levels[] = { "low", "high", NULL };
static const lc_role_by low_only[] = { { "low", "isms-lead" }, { NULL, NULL } };

static void tables_agree_with_their_register(void **state)
{
    (void)state;
    /* clang-format off */
    const fielddef fields[] = {
        { .name = "level", .type = FT_ENUM, .choices = levels },
        { .name = "status", .type = FT_ENUM, .flags = FF_SYSTEM, .choices = two_states, .deflt = "draft" },
        { .name = "approved_by", .type = FT_REF, .flags = FF_SYSTEM, .target = "person" },
        { .name = "approved_at", .type = FT_TIME, .flags = FF_SYSTEM },
        { .name = "note", .type = FT_TEXT },
    };
    /* clang-format on */
    regdef reg = { .num = RN_THING, .name = "thing", .fields = fields, .nfields = 5 };
    expect_ok(LC(two_states, T("approve", "draft", "approved", .stamp_by = F_THING_APPROVED_BY,
                               .stamp_at = F_THING_APPROVED_AT)),
              &reg);
    expect_bad(LC(two_states, T("approve", "draft", "approved", .role_field = F_THING_LEVEL,
                                .role_by = low_only)),
               &reg, "nobody may when level is high");
    expect_bad(LC(two_states, T("approve", "draft", "approved", .stamp_by = F_THING_NOTE)), &reg,
               "note");
    expect_bad(LC(two_states, T("approve", "draft", "approved", .stamp_at = F_THING_APPROVED_BY)),
               &reg, "approved_by");
    expect_bad(
        &(lifecycle){ .field = F_THING_LEVEL,
                      .states = two_states,
                      .ntransitions = 1,
                      .transitions = (const transition[]){ T("approve", "draft", "approved") } },
        &reg, "level");
    expect_bad(LC(three_states, T("approve", "draft", "approved"), T("lose", "draft", "orphan")),
               &reg, "its choices are not the lifecycle's states");
    /* only an owner may, on a register whose records have none */
    expect_bad(LC(two_states, T("approve", "draft", "approved", .flags = LC_BY_OWNER)), &reg,
               "thing records have no owner");
    /* a field it needs set first, of another register */
    expect_bad(LC(two_states, T("approve", "draft", "approved", .needs = F_RISK_TITLE)), &reg,
               "the field it needs is not one of thing's");
    expect_ok(LC(two_states, T("approve", "draft", "approved", .needs = F_THING_NOTE)), &reg);
    /* a field that must be empty first, likewise */
    expect_bad(LC(two_states, T("approve", "draft", "approved", .awaits = F_RISK_TITLE)), &reg,
               "the field it awaits is not one of thing's");
    expect_ok(LC(two_states, T("approve", "draft", "approved", .awaits = F_THING_NOTE)), &reg);
}

TU_MAIN(NULL, NULL, cmocka_unit_test(builtin_lifecycles_make_sense),
        cmocka_unit_test(tables_of_what_comes_next_make_sense),
        cmocka_unit_test(broken_tables_are_named),
        cmocka_unit_test(tables_agree_with_their_register))
