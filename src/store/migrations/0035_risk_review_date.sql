-- 0035_risk_review_date: the risks by their next review, in an index.
-- The dashboard's count of risk reviews overdue leads to the risks sorted
-- by review date (/risks?sort=review_date) and `isms risk list --overdue`
-- selects those whose date has passed; both read every risk (1.5 s at a
-- million). Review dates are mostly a year from the day a risk was
-- written or reviewed: new entries land near the end of the index.
CREATE INDEX risk_review_date_sort ON risk (review_date@C@@SORTID@);
