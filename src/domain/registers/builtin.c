/* builtin.c: catalogues every repository starts with.
 *
 * The fifteen organisational and governance threats of the ISMS pattern
 * (T-IS-001 to T-IS-015). Twelve are mitigated by the management system
 * itself; three (005, 006, 010) are operational threats whose detail
 * belongs to sibling programmes, named in `steward`.
 *
 * Beside them, since schema 5, the operational threats a risk is usually
 * about (ransomware is G-0.39, malware): the 47 elementary threats of the
 * BSI IT-Grundschutz-Kompendium, G 0.1 to G 0.47, by their id (key G-0.n)
 * and their official English title.
 *
 * Since the schema that brought frameworks (0007), the built-in framework
 * catalogues too (framework_seed.c).
 *
 * They enter the ledger like any other record, written by the actor
 * "isms": in a new repository when it is created, in an older one when it
 * is upgraded to the schema that brought them (the threats it lacks). */
#include "domain/engine/dom_internal.h"
#include "domain/registers/registers.h"
#include "domain/registers/tallies.h"
#include "core/text.h"

#include <string.h>

typedef struct builtin_threat {
    const char *key, *category, *name, *description, *steward;
} builtin_threat;

static const builtin_threat isms_threats[] = {
    { "T-IS-001", "governance", "Security decisions made without structured risk assessment",
      "Resources are allocated and risks accepted informally, without risk information tied to "
      "business objectives reaching the people who decide.",
      NULL },
    { "T-IS-002", "compliance", "Regulatory non-compliance and audit failure",
      "Obligations under NIS2, DORA, sector rules or certification schemes are missed, leading to "
      "findings, fines, lost certificates or supervisory action.",
      NULL },
    { "T-IS-003", "detection", "Undetected incidents persisting through weak monitoring",
      "Absent or ineffective monitoring lets incidents run unnoticed, widening their impact.",
      NULL },
    { "T-IS-004", "operations", "Control degradation and operational drift",
      "Controls that once worked decay through change, neglect or workarounds, and nobody notices "
      "until an incident or an audit.",
      NULL },
    { "T-IS-005", "response", "Inadequate incident response escalating impact",
      "Slow or disorganised response turns a contained event into a major one.",
      "incident response programme" },
    { "T-IS-006", "vulnerability", "Unmanaged vulnerabilities exploited before remediation",
      "Known weaknesses stay open long enough to be exploited.",
      "vulnerability management and patching programme" },
    { "T-IS-007", "personnel", "Policy non-compliance by personnel",
      "People do not follow policies they do not know, understand or find workable.", NULL },
    { "T-IS-008", "knowledge", "Knowledge loss and undocumented security processes",
      "Security depends on what a few people know; when they leave, the knowledge goes with them.",
      NULL },
    { "T-IS-009", "supply-chain", "Supply-chain security gaps, inherited and concentration risk",
      "Suppliers and their own providers bring weaknesses in, and many critical functions come to "
      "rest on the same few providers.",
      NULL },
    { "T-IS-010", "physical", "Inadequate physical and environmental protection",
      "Tampering, theft or environmental damage reaches systems and information.",
      "physical security programme" },
    { "T-IS-011", "concentration", "Concentration risk in shared GRC platforms or audit firms",
      "When much of a sector relies on the same compliance platform or audit provider, its outage "
      "or compromise becomes a sector-level event.",
      NULL },
    { "T-IS-012", "ai", "Shadow AI use outside the ISMS scope",
      "Staff use ungoverned AI services for sensitive work, widening scope faster than the ISMS "
      "absorbs it.",
      NULL },
    { "T-IS-013", "insurance", "Cyber-insurance evidence failure",
      "Underwriting or a claim fails because the organisation cannot show contemporaneous evidence "
      "that security was managed.",
      NULL },
    { "T-IS-014", "frameworks", "Multi-framework drift",
      "Framework-specific control sets for ISO/IEC 27001, SOC 2, NIS2, DORA and ISO/IEC 42001 "
      "diverge, and auditors cite the inconsistency.",
      NULL },
    { "T-IS-015", "competence", "Insufficient training or competence of the management body",
      "Board members cannot assess cyber risk as NIS2 Art. 20(2) and DORA Art. 5(4) require.",
      NULL },
};

/* BSI IT-Grundschutz-Kompendium, elementary threats (elementare
 * Gefährdungen), in their order; the category is isms's own. */
#define BSI(n, category, title)                                                        \
    {                                                                                  \
        "G-0." #n, category, title,                                                    \
            "Elementary threat G 0." #n " of the BSI IT-Grundschutz-Kompendium.", NULL \
    }
static const builtin_threat bsi_threats[] = {
    BSI(1, "physical", "Fire"),
    BSI(2, "physical", "Unfavourable Climatic Conditions"),
    BSI(3, "physical", "Water"),
    BSI(4, "physical", "Pollution, Dust, Corrosion"),
    BSI(5, "physical", "Natural Disasters"),
    BSI(6, "physical", "Catastrophes in the Vicinity"),
    BSI(7, "physical", "Major Events in the Vicinity"),
    BSI(8, "operations", "Failure or Disruption of the Power Supply"),
    BSI(9, "operations", "Failure or Disruption of Communication Networks"),
    BSI(10, "operations", "Failure or Disruption of Supply Networks"),
    BSI(11, "supply-chain", "Failure or Disruption of Service Providers"),
    BSI(12, "physical", "Electromagnetic Interference"),
    BSI(13, "cyber", "Interception of Compromising Emissions"),
    BSI(14, "cyber", "Interception of Information / Espionage"),
    BSI(15, "cyber", "Eavesdropping"),
    BSI(16, "physical", "Theft of Devices, Storage Media and Documents"),
    BSI(17, "physical", "Loss of Devices, Storage Media and Documents"),
    BSI(18, "governance", "Poor Planning or Lack of Adaptation"),
    BSI(19, "cyber", "Disclosure of Sensitive Information"),
    BSI(20, "supply-chain", "Information or Products from an Unreliable Source"),
    BSI(21, "cyber", "Manipulation of Hardware or Software"),
    BSI(22, "cyber", "Manipulation of Information"),
    BSI(23, "cyber", "Unauthorised Access to IT Systems"),
    BSI(24, "physical", "Destruction of Devices or Storage Media"),
    BSI(25, "operations", "Failure of Devices or Systems"),
    BSI(26, "operations", "Malfunction of Devices or Systems"),
    BSI(27, "operations", "Lack of Resources"),
    BSI(28, "vulnerability", "Software Vulnerabilities or Errors"),
    BSI(29, "compliance", "Violation of Laws or Regulations"),
    BSI(30, "cyber", "Unauthorised Use or Administration of Devices and Systems"),
    BSI(31, "personnel", "Incorrect Use or Administration of Devices and Systems"),
    BSI(32, "personnel", "Misuse of Authorisation"),
    BSI(33, "personnel", "Absence of Personnel"),
    BSI(34, "physical", "Attack"),
    BSI(35, "personnel", "Coercion, Blackmail or Corruption"),
    BSI(36, "cyber", "Identity Theft"),
    BSI(37, "cyber", "Repudiation of Actions"),
    BSI(38, "compliance", "Misuse of Personal Information"),
    BSI(39, "cyber", "Malware"),
    BSI(40, "cyber", "Denial of Service"),
    BSI(41, "operations", "Sabotage"),
    BSI(42, "personnel", "Social Engineering"),
    BSI(43, "cyber", "Attack with Specially Crafted Messages"),
    BSI(44, "physical", "Unauthorised Entry to Premises"),
    BSI(45, "operations", "Data Loss"),
    BSI(46, "cyber", "Loss of Integrity of Sensitive Information"),
    BSI(47, "cyber", "Harmful Side Effects of IT-Supported Attacks"),
};
#undef BSI

/* The catalogues, and the schema version that brought each. */
static const struct {
    const builtin_threat *threats;
    size_t n;
    int since;
} catalogues[] = {
    { isms_threats, sizeof isms_threats / sizeof *isms_threats, 1 },
    { bsi_threats, sizeof bsi_threats / sizeof *bsi_threats, 4 },
};

/* Adds t, unless the repository has it already. Ids follow the
 * register's (the largest plus one), as for any record, so that both
 * backends number them alike. */
static int seed_threat(dom *d, const builtin_threat *t, const char *now, isms_err *e)
{
    arena *a = dom_arena(d);
    int64_t id;
    int retired;
    int rc = store_lookup(dom_store(d), &reg_threat, t->key, &id, &retired, e);
    if (rc || id)
        return rc;
    char *unused;
    rc = store_next_key(dom_store(d), &reg_threat, &unused, &id, a, e);
    if (rc)
        return rc;
    record r, out;
    record_init(&r, &reg_threat, a);
    rc = dom_set_value(d, &r, field_index(&reg_threat, F_THREAT_NAME), t->name, e);
    if (!rc)
        rc =
            dom_set_value(d, &r, field_index(&reg_threat, F_THREAT_DESCRIPTION), t->description, e);
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
    if (!rc)
        rc = dom_tallies_added(d, &out, 1, e); /* the register's count */
    if (rc)
        return rc;
    return dom_ledger_record(d, &out, "add", e);
}

int builtin_seed(dom *d, int schema, isms_err *e)
{
    char now[21];
    now_timestamp(now);
    principal who = d->who;
    d->who = (principal){ .actor = "isms" }; /* the catalogue is isms's, not the user's */
    int rc = 0;
    for (size_t c = 0; c < sizeof catalogues / sizeof *catalogues && !rc; c++)
        for (size_t i = 0; i < catalogues[c].n && !rc && catalogues[c].since <= schema; i++)
            rc = seed_threat(d, &catalogues[c].threats[i], now, e);
    /* The frameworks came with 0007; their records in today's form (uuid,
     * oscal) need 0009: a repository kept older (ISMS_MIGRATE_UNTIL) gets
     * them when it reaches 0009, as one from before 0007 does. */
    if (!rc && schema >= store_migration_version("0009_"))
        rc = frameworks_seed(d, now, e); /* framework_seed.c */
    d->who = who;
    return rc;
}
