-- 0015_word_merge: how the search's word index (0013) merges the words each
-- transaction adds. On SQLite, FTS5 merged 4 segments of a level at a time,
-- so the words of every batch of adds were rewritten again and again into
-- ever larger segments: adding risks to a file of a million ran at half the
-- rate of adding them to one of ten thousand. Merging 16 at a time does a
-- quarter of the rewriting, for a search that reads up to 15 segments a
-- level (3.0 M -> 3.3 M instructions for a page at 1M risks). PostgreSQL's
-- word rows need no such setting (the statement does nothing there).
@WORDS_MERGE@;
