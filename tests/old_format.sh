#!/usr/bin/env bash
# old_format.sh FILE - rewrites a database this version made into the
# on-disk format of schema 13, the last before schemas 14 and 15 changed the
# storage: the list indexes end with the text id again and the change log
# keeps record ids as text. Only the sqlite3 CLI is used, not our code. For
# the upgrade tests (cli_test.sh, lazy.test.mjs): the app must open such a
# file, upgrade it and keep everything.
set -euo pipefail
db="$1"
version=$(sqlite3 "$db" 'PRAGMA user_version')
[ "$version" = 15 ] || { echo "old_format.sh: $db is at schema $version, not 15" >&2; exit 1; }
indexes=$(sqlite3 "$db" "SELECT 'DROP INDEX \"' || name || '\"; ' || substr(sql, 1, length(sql) - 1) || ', id);'
                         FROM sqlite_schema WHERE type = 'index' AND sql LIKE '%(deleted, %)'")
sqlite3 "$db" <<SQL
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE change_log_v13 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entity TEXT NOT NULL,
  record_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value ANY,
  at INTEGER NOT NULL,
  device INTEGER NOT NULL REFERENCES devices(n),
  hlc INTEGER NOT NULL DEFAULT 0
);
INSERT INTO change_log_v13(seq, entity, record_id, field, value, at, device, hlc)
  SELECT seq, entity,
         CASE WHEN typeof(record_id) = 'blob' THEN lower(substr(hex(record_id), 1, 8) || '-' || substr(hex(record_id), 9, 4) || '-' ||
              substr(hex(record_id), 13, 4) || '-' || substr(hex(record_id), 17, 4) || '-' || substr(hex(record_id), 21, 12))
              ELSE record_id END,
         field, value, at, device, hlc FROM change_log ORDER BY seq;
DELETE FROM sqlite_sequence WHERE name = 'change_log_v13';
UPDATE sqlite_sequence SET name = 'change_log_v13' WHERE name = 'change_log';
DROP TABLE change_log;
ALTER TABLE change_log_v13 RENAME TO change_log;
CREATE INDEX change_log_record ON change_log(record_id, seq);
$indexes
PRAGMA user_version = 13;
COMMIT;
VACUUM;
SQL
