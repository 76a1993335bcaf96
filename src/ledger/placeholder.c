/* placeholder until the ledger layer lands */
typedef int isms_ledger_placeholder;
