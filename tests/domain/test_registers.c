/* The registers as data, checked: the order of registers[] follows the
 * references between registers, every field id is its field's index in its
 * register's table and is spelt after its name, names and flags are unique
 * within a register, and an accessor given another register's field stops
 * the program instead of reading the wrong value. No repository needed. */
#include "support/testutil.h"
#include "domain/registers/registers.h"

#include <ctype.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

typedef struct idrow {
    int id;
    const char *spelling;
} idrow;

/* Each register's ids from the list that also made its table. */
#define ID_ROW(id, def) { id, #id },
static const idrow org_ids[] = { ORG_FIELDS(ID_ROW) };
static const idrow person_ids[] = { PERSON_FIELDS(ID_ROW) };
static const idrow scope_ids[] = { SCOPE_FIELDS(ID_ROW) };
static const idrow context_ids[] = { CONTEXT_FIELDS(ID_ROW) };
static const idrow stakeholder_ids[] = { STAKEHOLDER_FIELDS(ID_ROW) };
static const idrow objective_ids[] = { OBJECTIVE_FIELDS(ID_ROW) };
static const idrow asset_ids[] = { ASSET_FIELDS(ID_ROW) };
static const idrow threat_ids[] = { THREAT_FIELDS(ID_ROW) };
static const idrow risk_ids[] = { RISK_FIELDS(ID_ROW) };
static const idrow control_ids[] = { CONTROL_FIELDS(ID_ROW) };
static const idrow appetite_ids[] = { APPETITE_FIELDS(ID_ROW) };
static const idrow acceptance_ids[] = { ACCEPTANCE_FIELDS(ID_ROW) };
static const idrow analysis_ids[] = { ANALYSIS_FIELDS(ID_ROW) };
static const idrow signing_key_ids[] = { SIGNING_KEY_FIELDS(ID_ROW) };
static const idrow framework_ids[] = { FRAMEWORK_FIELDS(ID_ROW) };
static const idrow requirement_ids[] = { REQUIREMENT_FIELDS(ID_ROW) };
static const idrow mapping_ids[] = { MAPPING_FIELDS(ID_ROW) };
static const idrow soa_ids[] = { SOA_FIELDS(ID_ROW) };
static const idrow applicability_ids[] = { APPLICABILITY_FIELDS(ID_ROW) };
static const idrow review_ids[] = { REVIEW_FIELDS(ID_ROW) };
static const idrow decision_ids[] = { DECISION_FIELDS(ID_ROW) };
static const idrow incident_ids[] = { INCIDENT_FIELDS(ID_ROW) };
static const idrow metric_ids[] = { METRIC_FIELDS(ID_ROW) };
static const idrow measurement_ids[] = { MEASUREMENT_FIELDS(ID_ROW) };

static const struct {
    const regdef *reg;
    const idrow *ids;
    int n;
} lists[] = {
    { &reg_org, org_ids, N(org_ids) },
    { &reg_person, person_ids, N(person_ids) },
    { &reg_scope, scope_ids, N(scope_ids) },
    { &reg_context, context_ids, N(context_ids) },
    { &reg_stakeholder, stakeholder_ids, N(stakeholder_ids) },
    { &reg_objective, objective_ids, N(objective_ids) },
    { &reg_asset, asset_ids, N(asset_ids) },
    { &reg_threat, threat_ids, N(threat_ids) },
    { &reg_risk, risk_ids, N(risk_ids) },
    { &reg_control, control_ids, N(control_ids) },
    { &reg_appetite, appetite_ids, N(appetite_ids) },
    { &reg_acceptance, acceptance_ids, N(acceptance_ids) },
    { &reg_analysis, analysis_ids, N(analysis_ids) },
    { &reg_signing_key, signing_key_ids, N(signing_key_ids) },
    { &reg_framework, framework_ids, N(framework_ids) },
    { &reg_requirement, requirement_ids, N(requirement_ids) },
    { &reg_mapping, mapping_ids, N(mapping_ids) },
    { &reg_soa, soa_ids, N(soa_ids) },
    { &reg_applicability, applicability_ids, N(applicability_ids) },
    { &reg_review, review_ids, N(review_ids) },
    { &reg_decision, decision_ids, N(decision_ids) },
    { &reg_incident, incident_ids, N(incident_ids) },
    { &reg_metric, metric_ids, N(metric_ids) },
    { &reg_measurement, measurement_ids, N(measurement_ids) },
};

static int position(const regdef *reg)
{
    for (int i = 0; registers[i]; i++)
        if (registers[i] == reg)
            return i;
    return -1;
}

/* Export, import and verification walk registers[] in order: a register
 * may refer only to itself and to registers before it. */
static void registers_come_after_what_they_refer_to(void **state)
{
    (void)state;
    for (int i = 0; registers[i]; i++)
        for (int k = 0; k < registers[i]->nfields; k++) {
            const fielddef *f = &registers[i]->fields[k];
            if (f->type != FT_REF && f->type != FT_LINKS)
                continue;
            const regdef *target = register_find(f->target);
            if (!target)
                fail_msg("%s.%s refers to %s, which is no register", registers[i]->name, f->name,
                         f->target);
            if (position(target) > i)
                fail_msg("%s.%s refers to %s, which comes after it in registers[]",
                         registers[i]->name, f->name, target->name);
        }
}

/* Register numbers tell ids apart: unique, non-zero, and each register in
 * registers[] has its list of ids (a new register must be added above). */
static void every_register_has_a_number_and_a_list(void **state)
{
    (void)state;
    int n = 0;
    for (int i = 0; registers[i]; i++, n++) {
        assert_true(registers[i]->num > 0);
        for (int j = 0; j < i; j++)
            if (registers[j]->num == registers[i]->num)
                fail_msg("%s and %s share number %d", registers[j]->name, registers[i]->name,
                         registers[i]->num);
        int listed = 0;
        for (int l = 0; l < N(lists); l++)
            listed |= lists[l].reg == registers[i];
        if (!listed)
            fail_msg("register %s has no list of ids in this test", registers[i]->name);
    }
    assert_int_equal(n, N(lists));
}

/* "F_RISK_RESIDUAL_IMPACT" for field residual_impact of register risk. */
static void expected_spelling(char *dst, size_t n, const regdef *reg, const fielddef *f)
{
    snprintf(dst, n, "F_%s_%s", reg->name, f->name);
    for (char *p = dst; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

static void ids_are_indexes_and_spelt_after_names(void **state)
{
    (void)state;
    for (int l = 0; l < N(lists); l++) {
        const regdef *reg = lists[l].reg;
        assert_int_equal(lists[l].n, reg->nfields);
        assert_true(reg->nfields < FIELD_MAX);
        for (int k = 0; k < lists[l].n; k++) {
            int id = lists[l].ids[k].id;
            char want[128];
            expected_spelling(want, sizeof want, reg, &reg->fields[k]);
            if (strcmp(lists[l].ids[k].spelling, want))
                fail_msg("%s field %d (%s) has id %s; call it %s", reg->name, k,
                         reg->fields[k].name, lists[l].ids[k].spelling, want);
            assert_int_equal(FIELD_REGNUM(id), reg->num);
            assert_int_equal(field_index(reg, id), k);
            assert_ptr_equal(field_def(reg, id), &reg->fields[k]);
        }
    }
}

/* regdef_field() finds a field by name or CLI flag: neither may be shared. */
static void names_and_flags_are_unique(void **state)
{
    (void)state;
    for (int i = 0; registers[i]; i++) {
        const regdef *reg = registers[i];
        for (int k = 0; k < reg->nfields; k++) {
            char flag[64];
            field_flag(&reg->fields[k], flag, sizeof flag);
            if (regdef_field(reg, reg->fields[k].name) != k)
                fail_msg("%s: name %s is not unique", reg->name, reg->fields[k].name);
            if (regdef_field(reg, flag) != k)
                fail_msg("%s: flag --%s of %s leads to another field", reg->name, flag,
                         reg->fields[k].name);
        }
    }
}

static void expect_field(const regdef *reg, int fid, ftype type, const char *what)
{
    if (FIELD_REGNUM(fid) != reg->num || (fid & (FIELD_MAX - 1)) >= reg->nfields)
        fail_msg("%s: %s is not one of its fields", reg->name, what);
    if (reg->fields[fid & (FIELD_MAX - 1)].type != type)
        fail_msg("%s: %s (%s) has the wrong type", reg->name, what, field_def(reg, fid)->name);
}

/* The fields generic code finds through the regdef are the register's own. */
static void regdef_fields_belong_to_their_register(void **state)
{
    (void)state;
    for (int i = 0; registers[i]; i++) {
        const regdef *reg = registers[i];
        expect_field(reg, reg->label, FT_TEXT, "label");
        const lifecycle *lc = reg->lifecycle;
        if (!lc)
            continue;
        expect_field(reg, lc->field, FT_ENUM, "lifecycle state field");
        if (lc->group) /* a reference, or a text (soa's series: framework and profile) */
            expect_field(reg, lc->group,
                         field_def(reg, lc->group)->type == FT_TEXT ? FT_TEXT : FT_REF,
                         "lifecycle group");
        for (int t = 0; t < lc->ntransitions; t++) {
            if (lc->transitions[t].stamp_by)
                expect_field(reg, lc->transitions[t].stamp_by, FT_REF, "stamp_by");
            if (lc->transitions[t].stamp_at)
                expect_field(reg, lc->transitions[t].stamp_at, FT_TIME, "stamp_at");
            if (lc->transitions[t].role_field)
                expect_field(reg, lc->transitions[t].role_field, FT_ENUM, "role_field");
        }
    }
}

/* Reading a control's field from a risk is a programming error: the
 * program stops, naming it, rather than read the risk's field at the same
 * index. */
static void another_registers_field_aborts(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        arena a;
        arena_init(&a);
        record r;
        record_init(&r, &reg_risk, &a);
        record_text(&r, F_RISK_TITLE);    /* its own: fine */
        record_text(&r, F_CONTROL_TITLE); /* index 0 of another register */
        _exit(0);
    }
    close(fds[1]);
    char err[512] = { 0 };
    size_t got = 0;
    ssize_t n;
    while (got < sizeof err - 1 && (n = read(fds[0], err + got, sizeof err - 1 - got)) > 0)
        got += (size_t)n;
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_contains(err, "is not a field of register risk");
}

TU_MAIN(NULL, NULL, cmocka_unit_test(registers_come_after_what_they_refer_to),
        cmocka_unit_test(every_register_has_a_number_and_a_list),
        cmocka_unit_test(ids_are_indexes_and_spelt_after_names),
        cmocka_unit_test(names_and_flags_are_unique),
        cmocka_unit_test(regdef_fields_belong_to_their_register),
        cmocka_unit_test(another_registers_field_aborts))
