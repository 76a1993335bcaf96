-- 0013_lists: what the register list pages read, so that a page costs its
-- own rows at a million records as at a thousand (issue 17).
--
-- For each register r, the shorthand LISTS r (store.c) writes out, from r's
-- field table, an index (field, id) per list column people sort or filter
-- by (store_list_sorted: the record's name, a reference to another
-- register's record, a column flagged FF_SORTED: a state, a level, an
-- amount; not other texts, choices, yes/no columns, sets or unique fields),
-- text in byte order (COLLATE "C" on PostgreSQL, BINARY on SQLite, whose
-- index ends with the id already): a sorted page, and its next page from a
-- cursor, is read from the front of an index, and a filter on such a
-- column is an index lookup.
--
-- WORDS is the search's word index, record_word, one for every register
-- (store/words.c): the words of each record's key and short list texts
-- (title, name, code, e-mail; never long text), written with the record in
-- its transaction; on SQLite an FTS5 table of rowids alone (the register
-- and the record's id in one rowid), on PostgreSQL rows (word, rid). A text
-- search (q) is one lookup per word it is given.
--
-- The single-column indexes of earlier migrations on those columns become
-- the (field, id) ones: the same index on SQLite, ordered by id on
-- PostgreSQL. The upgrade to this version writes the words of the records
-- already there (store.c, fill_lists).
DROP INDEX objective_by_owner;
DROP INDEX asset_by_owner;
DROP INDEX risk_by_owner;
DROP INDEX control_by_owner;
DROP INDEX appetite_by_objective;
DROP INDEX acceptance_by_person;
DROP INDEX acceptance_by_risk;
DROP INDEX context_by_owner;
DROP INDEX stakeholder_by_owner;
DROP INDEX analysis_by_subject;
DROP INDEX mapping_by_control;
DROP INDEX mapping_by_source;
DROP INDEX mapping_by_target;
DROP INDEX soa_by_framework;
DROP INDEX applicability_by_soa;
DROP INDEX applicability_by_requirement;
@WORDS@;
@LISTS org@;
@LISTS person@;
@LISTS scope@;
@LISTS context@;
@LISTS stakeholder@;
@LISTS objective@;
@LISTS asset@;
@LISTS threat@;
@LISTS risk@;
@LISTS control@;
@LISTS appetite@;
@LISTS acceptance@;
@LISTS analysis@;
@LISTS signing_key@;
@LISTS framework@;
@LISTS requirement@;
@LISTS mapping@;
@LISTS soa@;
@LISTS applicability@;
