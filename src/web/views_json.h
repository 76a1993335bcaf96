/* views_json.h: the domain's views (domain/views) as JSON, the same for
 * the API and the command line's --json: a record's derived values;
 * coverage, drift and the Statement of Applicability (frameworks.h) as
 * documents and table cells (/api/v1/coverage, /api/v1/drift,
 * /api/v1/soas/KEY/statement; isms coverage, drift, soa export), and
 * two profiles compared (/api/v1/soa-gap; isms soa gap). The
 * domain computes, these only say it. */
#ifndef ISMS_WEB_VIEWS_JSON_H
#define ISMS_WEB_VIEWS_JSON_H

#include "core/arena.h"
#include "domain/views/accountability.h"
#include "domain/views/attention.h"
#include "domain/views/derived.h"
#include "domain/views/frameworks.h"
#include "domain/views/metrics.h"
#include "domain/views/profile_gap.h"

#include <jansson.h>

/* A record's n derived values v (of defs) into o, each under its group's
 * object when it has one ("protection": {...}); those marked `detail` only
 * when `detail` (one record's view: a list has not computed them). */
void derived_json_into(json_t *o, const derived_def *defs, int n, const value *v, int detail);

/* One framework's coverage: totals, groups, and its requirements (only
 * those not or partly covered with gaps_only). New reference. */
json_t *cov_report_json(const cov_report *r, int gaps_only, arena *a);
/* A group's (or the total's) figures. New reference. */
json_t *cov_tally_json(const cov_tally *t);
/* The drift list. New reference. */
json_t *drift_json(const drift_item *d, int n);
/* What measuring the metrics did (isms metric measure --json, POST
 * /api/v1/metrics/measure). New reference. */
json_t *measured_json(const dom_measured *m);
/* The SoA as a document. New reference. */
json_t *soa_doc_json(const soa_doc *s);

/* Two profiles (or SoAs) compared: isms soa gap --json,
 * /api/v1/soa-gap. New reference. */
json_t *gap_report_json(const gap_report *r);
/* Its rows as a table (CSV): the columns, and a row's cells in their order. */
enum { GAP_COLUMNS = 6 };
extern const char *const gap_columns[GAP_COLUMNS + 1]; /* NULL-terminated */
void gap_row_cells(const gap_row *g, const char *cells[GAP_COLUMNS]);

/* The responsibility matrix and its gaps (isms person matrix --json,
 * /api/v1/responsibilities). New reference. */
json_t *accountability_json(const dom_accountability *m);

/* A risk as the dashboard lists it (key, title, score, residual_score,
 * residual_band, owner, treatment). New reference. */
json_t *dash_risk_json(const dash_risk *r);
/* A page of one list of what needs attention (isms attention LIST --json,
 * /api/v1/attention). New reference. */
json_t *attention_json(const dom_attention *a);

/* The SoA's columns as a table (CSV, Markdown, HTML exports). */
enum { SOA_COLUMNS = 7 };
extern const char *const soa_columns[SOA_COLUMNS + 1]; /* NULL-terminated */
/* A row's cells in soa_columns' order. */
void soa_row_cells(const soa_row *r, const char *cells[SOA_COLUMNS]);

#endif
