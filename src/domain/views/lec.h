/* lec.h: a risk's quantification as its loss exceedance chart, the same
 * for every front end (`isms risk lec --svg`, the web's quantify page):
 * the inherent, current and target curves, the appetite's confidence
 * line with the appetite and tolerance marked, and the verdict a board
 * reads first. formats/svg.h draws it. */
#ifndef ISMS_DOMAIN_LEC_H
#define ISMS_DOMAIN_LEC_H

#include "domain/workflows/quantify.h"
#include "formats/svg.h"

typedef struct dom_lec {
    svg_lec_chart chart; /* points into the rest of this struct */
    svg_series series[3];
    svg_marker marks[2];
    svg_point point;
    double x[3][QUANT_LEC_POINTS], y[3][QUANT_LEC_POINTS];
} dom_lec;

/* Fills *out (texts in the dom's arena) for q. */
void dom_risk_lec(dom *d, const risk_quant *q, dom_lec *out);

#endif
