-- 0013_lists: what the register list pages read, so that a page costs its
-- own rows at a million records as at a thousand (issue 17).
--
-- For each register r, the shorthand LISTS r (store.c) writes out, from r's
-- field table:
--   * an index (field, id) per column of its list that can be sorted by
--     (FF_LIST, not a set), text in byte order (COLLATE "C" on
--     PostgreSQL, BINARY on SQLite): a sorted page, and its next page
--     from a cursor, is read from the front of an index, and a filter on
--     an enum or a reference column is an index lookup;
--   * the table r_word (word, id): the words of each record's key and
--     text fields (case-folded, accents dropped; store/words.c), written
--     with the record in its transaction; a text search (q) is a range of
--     its key per word it is given.
-- The upgrade to this version writes the words of the records already
-- there (store.c, fill_lists).
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
