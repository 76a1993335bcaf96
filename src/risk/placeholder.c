/* placeholder until the risk layer lands */
typedef int isms_risk_placeholder;
