/* verdict.h: how the CLI words a verdict against appetite and a
 * certainty, for `risk quantify`, `quantify` and `summary` alike (the
 * summary reads them back from a saved analysis's JSON). */
#ifndef ISMS_CLI_VERDICT_H
#define ISMS_CLI_VERDICT_H

#include "cli/cli_internal.h"
#include "domain/workflows/quantify.h"

#include <jansson.h>

/* Money in major units, rounded, with the currency: "EUR 1,250,000". */
const char *cli_major(cli *c, double major);

/* "ABOVE TOLERANCE: P95 EUR 9,569,581, EUR 4,569,581 above tolerance
 * EUR 5,000,000 (APP-2)", and what it was judged against. */
const char *cli_verdict_text(cli *c, const quant_judgement *j, const quant_threshold *t);
/* "81.4% certain (...)", "at most 89.8% certain: 2 risks not quantified",
 * or why there is none. */
const char *cli_certainty_text(cli *c, const quant_judgement *j, const quant_threshold *t);

/* Minor units per major unit in the JSON of a saved analysis: amounts are
 * integer minor units, as every JSON of isms has them ("money": "minor
 * units"); analyses saved before that convention hold major units (1). */
double cli_analysis_per_major(cli *c, json_t *doc);

/* A judgement and its threshold back from the JSON of an analysis
 * (an object with "verdict" and "appetite" members), its amounts divided
 * by per_major (cli_analysis_per_major of the document). */
void cli_judgement_of_json(json_t *o, double per_major, quant_judgement *j, quant_threshold *t);

#endif
