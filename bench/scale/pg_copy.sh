#!/bin/sh
# bench/scale/pg_copy.sh SQLITE_FILE POSTGRES_URI [ISMS]
#
# Copies a SQLite repository into an empty PostgreSQL database table by
# table (sqlite3 CSV into psql \copy), for the scale benchmark: building a
# million records through isms on PostgreSQL is a dozen round trips each,
# hours on this machine, where a copy takes minutes. The database gets its
# schema from `isms init` (ISMS: the binary, default build/isms, of the
# same schema version as the file), then every table but schema_migration
# is emptied and filled with the file's rows, foreign keys unchecked while
# it is (session_replication_role = replica, which needs a superuser: the
# benchmark's private server). The result is the same repository: it
# verifies, and has the same ledger, tree and records. The search's words
# (record_word: an FTS5 table on SQLite, rows on PostgreSQL) go as the
# (word, record) pairs SQLite's fts5vocab lists.
set -eu
src=${1:?usage: pg_copy.sh SQLITE_FILE POSTGRES_URI [ISMS]}
dst=${2:?usage: pg_copy.sh SQLITE_FILE POSTGRES_URI [ISMS]}
isms=${3:-build/isms}
tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT

"$isms" init "$dst" > /dev/null
tables=$(sqlite3 "$src" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migration' AND name NOT LIKE 'record_word%' ORDER BY name")
words=$(sqlite3 "$src" "SELECT count(*) FROM sqlite_schema WHERE name = 'record_word'")
{
    echo "SET session_replication_role = replica;"
    echo "TRUNCATE $(echo $tables | sed 's/ /, /g');"
    if [ "$words" = 1 ]; then
        echo "TRUNCATE record_word;"
        printf '.mode csv\nCREATE VIRTUAL TABLE temp.words USING fts5vocab(main, record_word, instance);\nSELECT term, doc FROM temp.words;\n' |
            sqlite3 "$src" > "$tmp/record_word.csv"
        printf '\\copy record_word (word, rid) FROM %s WITH (FORMAT csv)\n' "'$tmp/record_word.csv'"
    fi
    for t in $tables; do
        printf '.mode csv\nSELECT * FROM %s;\n' "$t" | sqlite3 "$src" > "$tmp/$t.csv"
        printf '\\copy %s FROM %s WITH (FORMAT csv)\n' "$t" "'$tmp/$t.csv'"
    done
    echo "ANALYZE;"
} > "$tmp/load.sql"
psql -X -q -v ON_ERROR_STOP=1 "$dst" -f "$tmp/load.sql"
