/* frameworks_json.h: coverage, drift and the Statement of Applicability
 * (domain/views/frameworks.h) as JSON documents and table cells, the same
 * for the API (/api/v1/coverage, /api/v1/drift, /api/v1/soas/KEY/statement)
 * and the command line's --json (isms coverage, drift, soa export): the
 * domain computes, these only say it. */
#ifndef ISMS_WEB_FRAMEWORKS_JSON_H
#define ISMS_WEB_FRAMEWORKS_JSON_H

#include "core/arena.h"
#include "domain/views/frameworks.h"

#include <jansson.h>

/* One framework's coverage: totals, groups, and its requirements (only
 * those not or partly covered with gaps_only). New reference. */
json_t *cov_report_json(const cov_report *r, int gaps_only, arena *a);
/* A group's (or the total's) figures. New reference. */
json_t *cov_tally_json(const cov_tally *t);
/* The drift list. New reference. */
json_t *drift_json(const drift_item *d, int n);
/* The SoA as a document. New reference. */
json_t *soa_doc_json(const soa_doc *s);

/* The SoA's columns as a table (CSV, Markdown, HTML exports). */
enum { SOA_COLUMNS = 7 };
extern const char *const soa_columns[SOA_COLUMNS + 1]; /* NULL-terminated */
/* A row's cells in soa_columns' order. */
void soa_row_cells(const soa_row *r, const char *cells[SOA_COLUMNS]);

#endif
