/* dashboard.h: the figures that say whether the ISMS is working, computed
 * once by the domain for every front end: how certain the objectives are
 * (from the latest portfolio analysis), the residual heat map, the worst
 * risks, what needs attention (untreated, unanchored, overdue, outside
 * appetite, lapsed acceptances), the controls, the assets and whether the
 * ledger is intact. The front ends only render them. */
#ifndef ISMS_DOMAIN_DASHBOARD_H
#define ISMS_DOMAIN_DASHBOARD_H

#include "domain/engine/dom.h"
#include "domain/integrity/verify.h"

/* A list of keys holds its first DASH_KEYS_FIRST (as many as a front end
 * shows) and how many there are in all: a million risks not quantified
 * cost the dashboard twelve keys and a count. */
enum { DASH_TOP_RISKS = 5, DASH_KEYS_FIRST = 12 };
/* Reports owed to authorities are counted up to this many (then: more). */
enum { DASH_REPORTS_READ = 1000 };
/* The board's metrics the dashboard shows, by key. */
enum { DASH_BOARD_METRICS = 12 };

/* A metric as the dashboard shows it: its latest against its target. */
typedef struct dash_metric {
    const char *key, *title, *measure, *status;
    const char *measured_at; /* NULL: never */
    int known;               /* a latest value */
    int64_t value, target;
    /* both in the measure's unit, as people read them ("46%", "EUR
     * 227,000.00"); the value "-" when there is none */
    const char *value_text, *target_text;
} dash_metric;

typedef struct dash_risk {
    const char *key, *title, *owner, *treatment;
    int score, residual; /* inherent and residual scores */
    const char *residual_band;
} dash_risk;

/* A risk as the dashboard's lists show it (texts as the record's). */
dash_risk dom_dash_risk(const record *r, int matrix);

/* The first n (<= DASH_KEYS_FIRST) of `total` record keys, in id order
 * (texts in the dom's arena). */
typedef struct dash_keys {
    const char *keys[DASH_KEYS_FIRST];
    size_t n;
    int64_t total;
} dash_keys;

/* A latest analysis whose inputs changed since it ran. */
typedef struct dash_stale {
    int64_t id; /* the analysis's */
    const char *key, *subject;
    const char *since; /* NULL: unknown */
} dash_stale;

/* One share the health of the management system is read by: `part` of
 * `whole`, with what it measures in words (the same on every front end). */
typedef struct dash_share {
    const char *what;
    int64_t part, whole;
} dash_share;
enum {
    DASH_RISKS_ON_OBJECTIVES, /* the shares, in the order front ends show them */
    DASH_OWNERS_WITH_BUDGET,
    DASH_CONTROLS_ON_RISKS,
    DASH_CONTROLS_ASSESSED,
    DASH_DECISIONS_ON_RISK,
    DASH_INCIDENTS_ON_RISKS,
    DASH_HEALTH
};

typedef struct dom_dash {
    int matrix; /* n of the n x n risk matrix */
    const char *currency;
    int has_org;
    record org; /* the organisation profile, when has_org */
    /* objectives */
    int64_t objectives, objective_value;
    const char *portfolio_key;     /* latest portfolio analysis by objective, or NULL */
    const char *portfolio_results; /* its results (JSON): the organisation's and each objective's
                                       loss, verdict against appetite and certainty */
    int portfolio_stale;           /* its inputs changed since it ran */
    const char *portfolio_since;
    dash_keys unquantified_objectives; /* objectives with no quantified risk: no certainty */
    int64_t value_unquantified;        /* value at stake of objectives with a risk not quantified */
    /* risks (active) */
    int64_t risks;
    int bands[4];                  /* residual: low, medium, high, critical */
    int heat[6][6];                /* residual [likelihood][impact], levels 1..matrix */
    dash_risk top[DASH_TOP_RISKS]; /* highest residual score first */
    int ntop;
    int64_t quantified;     /* risks with FAIR inputs */
    dash_keys unquantified; /* risks without */
    /* needs attention */
    int64_t outside_appetite;   /* by their latest analyses */
    dash_keys outside;          /* which, by their latest analyses */
    dash_stale *stale;          /* the first nstale (<= DASH_KEYS_FIRST) latest analyses whose */
    size_t nstale;              /* inputs changed since they ran, in the analyses' order, */
    int64_t stale_total;        /* of stale_total */
    dash_keys matrix_disagrees; /* risk's cell and its figures' cell more than one band apart */
    int64_t untreated;          /* no control in place, no accept or avoid decision */
    dash_keys untreated_keys;   /* which (total: untreated) */
    int64_t accepted_without;   /* treatment accept without a valid acceptance */
    int64_t acceptances_lapsed;
    int64_t no_objective; /* tied to no business objective */
    int64_t overdue;      /* review date passed */
    /* controls and assets */
    int64_t controls[4];          /* planned, implemented, operating, retired */
    int64_t not_assessed;         /* in place, effectiveness not assessed */
    int64_t ineffective, partial; /* in place, assessed so: they count for nothing / in part */
    int64_t control_cost;         /* minor units, per year */
    int64_t controls_overdue;     /* planned, past the date they were to be in place by */
    size_t assets;
    int raised; /* assets that inherit a higher need than stated */
    /* decisions (active): does risk information reach the governance bodies? */
    int64_t decisions[3];        /* proposed, decided, carried-out */
    int64_t decisions_on_risk;   /* taken (decided or carried out), resting on risks named or
                                      a quantified analysis cited */
    int64_t decided_amount;      /* money the taken ones allocate */
    int64_t decisions_overdue;   /* decided, not carried out, due date passed */
    dash_keys awaiting_decision; /* proposed ones, before the body (total: decisions[0]) */
    /* Does risk information drive decisions? What separates a management
     * system from a register kept for the auditor: risks anchored to
     * objectives (risks - no_objective), owned by people who can spend
     * money, controls tied to the risks they treat, decisions taken on
     * risk information, and taken at all. */
    int64_t risk_owners;            /* people owning an active risk */
    int64_t owners_with_budget;     /* of them, with a budget authority above zero */
    int64_t controls_without_risk;  /* active controls tied to no risk they treat */
    int64_t amount_on_risk;         /* of decided_amount, what decisions resting on risk allocate */
    int64_t taken_last_year;        /* decisions decided in the 365 days to today */
    int64_t reviews_last_year;      /* management reviews held in those days (Cl. 9.3) */
    int64_t responsibility_gaps;    /* the responsibility matrix's (accountability.h); -1: the
                                       schema does not count who owns what */
    char last_review[11];           /* the day of the latest of them ("": none) */
    dash_share health[DASH_HEALTH]; /* those figures as shares, each front end's rows */
    /* incidents (active): what happened, what it cost, whether the risk
     * register foresaw it */
    int64_t incidents[4];              /* open, contained, resolved, closed */
    int64_t incidents_handled[4];      /* open or contained, by severity: low .. critical */
    int64_t incidents_year;            /* detected in the 365 days to today */
    int64_t incidents_year_on_risk;    /* of them, realising a risk of the register */
    int64_t incidents_year_reportable; /* of them, reportable to an authority */
    int64_t incident_loss_year;        /* their loss as recorded */
    int64_t incidents_year_resolved;   /* of them, resolved */
    /* Their loss against the latest portfolio analysis's annual loss (its
     * mean and P95, the risks it modelled of all it saw), in words; NULL
     * without such an analysis or incidents. */
    const char *incident_loss_against;
    int64_t incident_minutes_year; /* minutes from detection to resolution, summed over those */
    /* metrics (active; Cl. 9.1): by the state of their latest
     * measurement (not-measured, no-data, on-target, warning, off-target,
     * as metric_statuses), those whose measurement is overdue, the first
     * of those off target */
    int64_t metrics[5];
    int64_t metrics_all; /* their sum: the active metrics */
    int64_t metrics_overdue;
    dash_keys metrics_off;
    dash_metric board[DASH_BOARD_METRICS]; /* the first metrics of audience board */
    int nboard;
    /* Reports owed to the authorities (NIS2, DORA, GDPR), as of
     * reports_as_of: read when the dashboard is, not kept with the figures
     * above, since their clock runs by the hour. */
    char reports_as_of[21];
    dash_keys reports_late; /* the deadline passed and the report not made */
    dash_keys reports_soon; /* due in the next 24 hours */
    /* the ledger */
    int64_t ledger_entries;
    char ledger_head[65];
    /* The last recorded verification (not a fresh one: the dashboard never
     * verifies; isms verify does): ok when it found no problem. */
    verify_record verification;
    int ledger_verified;
    int64_t verified_age; /* seconds since it ran */
    int64_t not_verified; /* entries after the one it reached */
} dom_dash;

/* Fills *out; texts and the profile live in the dom's arena. The figures
 * come from the counts kept as records are written (tallies.h) and a few
 * queries bounded by what they find: their cost does not grow with the
 * registers (the analyses' freshness and the assets' needs aside). */
int dom_dashboard(dom *d, dom_dash *out, isms_err *e);
/* The same figures counted over every register, as the dashboard did
 * before it kept counts (and does on a schema before 0010): what the
 * kept figures are held to. */
int dom_dashboard_recount(dom *d, dom_dash *out, isms_err *e);
/* The first DASH_KEYS_FIRST decisions in `state` ("proposed"), by id, of
 * `total` (as the dashboard counts them), from the front of the index on
 * their state: what awaits the body, what is decided and not carried out. */
int dom_decision_keys(dom *d, const char *state, int64_t total, dash_keys *out, isms_err *e);
/* Only the reports owed to the authorities of *out (reports_as_of, _late,
 * _soon), as of now: from the front of the index on their deadlines, a
 * row an incident that owes one. dom_dashboard fills them too; a front
 * end that keeps the rest of the dashboard for a day reads these afresh. */
int dom_reports_owed(dom *d, dom_dash *out, isms_err *e);
/* Only the ledger's figures of *out (entries, head, the last
 * verification): a few rows, for a dashboard whose other figures are kept. */
int dom_dashboard_ledger(dom *d, dom_dash *out, isms_err *e);

#endif
