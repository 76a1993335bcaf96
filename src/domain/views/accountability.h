/* accountability.h: the responsibility matrix, and its gaps.
 *
 * Every accountability names one person (ISO/IEC 27001 Cl. 5.3; NIS2
 * Art. 20(1) and DORA Art. 5(2) hold the management body accountable): the
 * matrix shows, for a page of people in name order, their roles, their
 * budget authority and how many active records of each register they own
 * (risks, controls, assets, objectives, metrics, incidents, decisions,
 * reviews, context issues, stakeholders: every register whose records have
 * an owner, in the registers' order). The gaps are found over every owner,
 * not only the page:
 *
 * - a role nobody holds that the standard needs held: the management body
 *   (Cl. 5.1), the ISMS lead (Cl. 5.3 b), an internal auditor (Cl. 9.2);
 * - someone who owns risks, controls or assets without the role to
 *   (risk-owner, control-owner, asset-owner: the role is where authority
 *   and duties are assigned);
 * - an owner of risks or objectives who holds no budget: they cannot fund
 *   the treatment or the objective they answer for;
 * - an internal auditor who owns risks, controls or assets: an audit of
 *   one's own work is not objective (Cl. 9.2.2 c);
 * - one person owning more than half of the risks, controls or assets (of
 *   at least ACC_CONCENTRATION_MIN): a key-person dependency.
 *
 * Everything comes from the kept figures (tallies.h: "owner.REGISTER.ID",
 * "person.role.ROLE"; owner_gaps.h: the totals, the gaps by kind, the
 * people with a gap by id): the totals and the counts are read as kept,
 * and only the people of the page and those whose gaps are listed are
 * read, with their figures (a concentration's holder found among that
 * register's owners). Inside a write, on a schema before 0045, or asked
 * to count everything (count_all), every owner's figures are read and
 * each owner judged. */
#ifndef ISMS_DOMAIN_VIEWS_ACCOUNTABILITY_H
#define ISMS_DOMAIN_VIEWS_ACCOUNTABILITY_H

#include "domain/engine/dom.h"
#include "domain/registers/owner_gaps.h"

enum {
    ACC_MAX_KINDS = OG_MAX_OWNED, /* registers with an owner */
    ACC_MAX_ROLES = 8,            /* role_names */
    ACC_PAGE = 50,                /* people on a page by default */
    ACC_MAX_GAPS = 200,           /* gaps listed; all are counted */
    ACC_CONCENTRATION_MIN =
        OG_CONCENTRATION_MIN, /* records of a kind before one owner's share is judged */
};

/* A column: a register whose records have an owner, and how many of its
 * active records each person owns in all. */
typedef struct acc_kind {
    const regdef *reg;
    int64_t total;
} acc_kind;

/* A row: one person. */
typedef struct acc_row {
    const char *key, *name, *email;
    const char *roles;      /* "isms-lead, risk-owner", "" for none */
    const char **role_list; /* the same, one by one */
    int nroles;
    const char *budget_text;     /* "EUR 50,000.00", NULL when none is set */
    int64_t budget;              /* the same in minor units (0 when none) */
    int64_t owns[ACC_MAX_KINDS]; /* by column */
    int64_t total;               /* records owned in all */
    int gaps;                    /* of the gaps, how many name this person */
} acc_row;

typedef enum acc_gap_kind {
    ACC_ROLE_VACANT,
    ACC_WITHOUT_ROLE,
    ACC_WITHOUT_BUDGET,
    ACC_AUDITOR_OWNS,
    ACC_CONCENTRATION,
    ACC_NKINDS
} acc_gap_kind;
/* Their names ("role-vacant", "without-role", "without-budget",
 * "auditor-owns", "concentration"), by acc_gap_kind. */
extern const char *const acc_gap_names[];

typedef struct acc_gap {
    acc_gap_kind kind;
    const char *person, *person_name; /* NULL for a role nobody holds */
    const char *role;                 /* the role concerned, or NULL */
    const char *registers;            /* the registers concerned ("risks"), or NULL */
    int64_t n, of;                    /* records concerned, of how many (0 when no count) */
    const char *text;                 /* the gap, why it matters and what to do, in words */
} acc_gap;

/* What to read: a page of people, and which of the gaps to list (all are
 * counted whatever is asked). */
typedef struct acc_query {
    int64_t offset;         /* the first person of the page, by name */
    int limit;              /* people a page, 1..500; 0: ACC_PAGE */
    int gap_kind;           /* list gaps of this acc_gap_kind only; -1: of every kind */
    const char *gap_person; /* list gaps naming this person only (key or e-mail), or NULL */
    int64_t gap_offset;     /* list from this one among the gaps asked for */
    int count_all;          /* every owner read and judged: the kept figures not relied on */
} acc_query;

/* Every gap, the first ACC_MAX_GAPS listed, a page of people. */
#define ACC_QUERY_ALL ((acc_query){ .gap_kind = -1 })

typedef struct dom_accountability {
    acc_kind kinds[ACC_MAX_KINDS];
    int nkinds;
    int64_t people;                 /* active people */
    int64_t holders[ACC_MAX_ROLES]; /* active people holding role_names[k] */
    int nroles;
    int64_t owners; /* people who own at least one record */
    /* Of them, those who own an active risk, and of those, who hold a
     * budget authority above zero (the dashboard's health share, counted
     * in the same read of each owner). */
    int64_t risk_owners, risk_owners_with_budget;
    int64_t offset; /* of the first row among the people */
    int limit;      /* people a page */
    acc_row *rows;  /* the page, by name */
    int n;
    /* The gaps asked for (acc_query), from gap_offset among them, at most
     * ACC_MAX_GAPS: vacant roles, then by owner (oldest first). */
    acc_gap *gaps;
    int ngaps;
    int64_t gaps_total;               /* every gap */
    int64_t gaps_of_kind[ACC_NKINDS]; /* every gap, by acc_gap_kind */
    int64_t gaps_asked;               /* the gaps the query asks for, listed or not */
    int64_t gap_offset;               /* of the first listed among them */
    int gap_kind;                     /* as asked: -1 for every kind */
    const char *gap_person;           /* the key of the person asked for, or NULL */
    char computed_at[21];
} dom_accountability;

/* The gap kind named `name` ("without-budget"), or E_INVALID naming the
 * field "gap" and the kinds there are. */
int acc_gap_kind_parse(dom *d, const char *name, int *kind, isms_err *e);

/* The matrix for q's page of people, and every gap, those q asks for
 * listed; in the dom's arena. E_INVALID naming a bad offset, limit or gap
 * offset, E_NOT_FOUND naming a gap person who is not one; E_CONFLICT when
 * the repository's schema does not keep the figures it needs (older than
 * 0026 and read-only). */
int dom_accountability_read(dom *d, const acc_query *q, dom_accountability *out, isms_err *e);

#endif
