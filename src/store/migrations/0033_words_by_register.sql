-- 0033_words_by_register: the search's words, each behind its register's
-- tag (store/words.c). A prefix ("supp") looked among every register's
-- words: searching ten people for it read the postings of a million
-- risks' "supplier" (0.33 s), and the search of every register 8.3 s. The
-- words are written again from the records (store.c, fill_lists), tagged.
@WORDS_CLEAR@;
