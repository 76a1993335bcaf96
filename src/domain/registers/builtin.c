/* builtin.c: catalogues every repository starts with.
 *
 * The fifteen organisational and governance threats of the ISMS pattern
 * (T-IS-001 to T-IS-015). Twelve are mitigated by the management system
 * itself; three (005, 006, 010) are operational threats whose detail
 * belongs to sibling programmes, named in `steward`. They enter the ledger
 * like any other record, written by the actor "isms". */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "core/text.h"

#include <string.h>

typedef struct builtin_threat {
    const char *key, *category, *name, *description, *steward;
} builtin_threat;

static const builtin_threat threats[] = {
    {"T-IS-001", "governance", "Security decisions made without structured risk assessment",
     "Resources are allocated and risks accepted informally, without risk information tied to "
     "business objectives reaching the people who decide.", NULL},
    {"T-IS-002", "compliance", "Regulatory non-compliance and audit failure",
     "Obligations under NIS2, DORA, sector rules or certification schemes are missed, leading to "
     "findings, fines, lost certificates or supervisory action.", NULL},
    {"T-IS-003", "detection", "Undetected incidents persisting through weak monitoring",
     "Absent or ineffective monitoring lets incidents run unnoticed, widening their impact.", NULL},
    {"T-IS-004", "operations", "Control degradation and operational drift",
     "Controls that once worked decay through change, neglect or workarounds, and nobody notices "
     "until an incident or an audit.", NULL},
    {"T-IS-005", "response", "Inadequate incident response escalating impact",
     "Slow or disorganised response turns a contained event into a major one.",
     "incident response programme"},
    {"T-IS-006", "vulnerability", "Unmanaged vulnerabilities exploited before remediation",
     "Known weaknesses stay open long enough to be exploited.",
     "vulnerability management and patching programme"},
    {"T-IS-007", "personnel", "Policy non-compliance by personnel",
     "People do not follow policies they do not know, understand or find workable.", NULL},
    {"T-IS-008", "knowledge", "Knowledge loss and undocumented security processes",
     "Security depends on what a few people know; when they leave, the knowledge goes with them.",
     NULL},
    {"T-IS-009", "supply-chain", "Supply-chain security gaps, inherited and concentration risk",
     "Suppliers and their own providers bring weaknesses in, and many critical functions come to "
     "rest on the same few providers.", NULL},
    {"T-IS-010", "physical", "Inadequate physical and environmental protection",
     "Tampering, theft or environmental damage reaches systems and information.",
     "physical security programme"},
    {"T-IS-011", "concentration", "Concentration risk in shared GRC platforms or audit firms",
     "When much of a sector relies on the same compliance platform or audit provider, its outage "
     "or compromise becomes a sector-level event.", NULL},
    {"T-IS-012", "ai", "Shadow AI use outside the ISMS scope",
     "Staff use ungoverned AI services for sensitive work, widening scope faster than the ISMS "
     "absorbs it.", NULL},
    {"T-IS-013", "insurance", "Cyber-insurance evidence failure",
     "Underwriting or a claim fails because the organisation cannot show contemporaneous evidence "
     "that security was managed.", NULL},
    {"T-IS-014", "frameworks", "Multi-framework drift",
     "Framework-specific control sets for ISO/IEC 27001, SOC 2, NIS2, DORA and ISO/IEC 42001 "
     "diverge, and auditors cite the inconsistency.", NULL},
    {"T-IS-015", "competence", "Insufficient training or competence of the management body",
     "Board members cannot assess cyber risk as NIS2 Art. 20(2) and DORA Art. 5(4) require.", NULL},
};

static int seed_threat(dom *d, const builtin_threat *t, int64_t id, const char *now, isms_err *e)
{
    arena *a = dom_arena(d);
    record r, out;
    record_init(&r, &reg_threat, a);
    int rc = dom_set_value(d, &r, field_index(&reg_threat, F_THREAT_NAME), t->name, e);
    if (!rc)
        rc = dom_set_value(d, &r, field_index(&reg_threat, F_THREAT_DESCRIPTION), t->description, e);
    if (!rc)
        rc = dom_set_value(d, &r, field_index(&reg_threat, F_THREAT_CATEGORY), t->category, e);
    if (!rc && t->steward)
        rc = dom_set_value(d, &r, field_index(&reg_threat, F_THREAT_STEWARD), t->steward, e);
    if (!rc)
        rc = dom_set_value(d, &r, field_index(&reg_threat, F_THREAT_BUILTIN), "yes", e);
    if (rc)
        return rc;
    r.id = id;
    r.key = t->key;
    r.version = 1;
    r.created_at = r.updated_at = now;
    rc = store_insert(dom_store(d), &r, e);
    if (rc)
        return rc;
    rc = store_get_id(dom_store(d), &reg_threat, id, &out, a, e);
    if (rc)
        return rc;
    return dom_ledger_record(d, &out, "add", e);
}

int builtin_seed(dom *d, isms_err *e)
{
    char now[21];
    now_timestamp(now);
    principal who = d->who;
    d->who = (principal){.actor = "isms"};   /* the catalogue is isms's, not the user's */
    int rc = 0;
    for (size_t i = 0; i < sizeof threats / sizeof *threats && !rc; i++)
        rc = seed_threat(d, &threats[i], (int64_t)i + 1, now, e);
    d->who = who;
    return rc;
}
