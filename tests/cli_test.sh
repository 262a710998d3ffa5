#!/usr/bin/env bash
# cli_test.sh - the `crm` tool as a user runs it: each command's output and
# exit status, errors on stderr, and nothing half-written on failure.
# Usage: cli_test.sh PATH/TO/crm
set -u
CRM="$1"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
# expect STATUS CMD...: runs CMD, checks its exit status; output in $DIR/out, $DIR/err
expect() {
  local want="$1"; shift
  "$@" >"$DIR/out" 2>"$DIR/err"
  local got=$?
  if [ "$got" = "$want" ]; then ok; else bad "exit $got (want $want): $* -- $(cat "$DIR/err")"; fi
}
contains() {  # contains FILE TEXT
  if grep -qF -- "$2" "$DIR/$1"; then ok; else bad "$1 lacks '$2': $(head -c 400 "$DIR/$1")"; fi
}

DB="$DIR/crm.sqlite"

# Usage errors: status 2, a message on stderr.
expect 2 "$CRM" stats;                         contains err "--db FILE is required"
expect 2 "$CRM" --db "$DB" frobnicate;         contains err "unknown command 'frobnicate'"
expect 2 "$CRM" --db "$DB" demo --contacts x;  contains err "--contacts needs a whole number, got 'x'"
[ ! -e "$DB" ] && ok || bad "a usage error created the database file"

# A missing database is not created by a read command.
expect 1 "$CRM" --db "$DIR/missing.sqlite" stats; contains err "cannot open database"

# Demo data, stats, search, check.
expect 0 "$CRM" --db "$DB" demo --contacts 300 --seed 5
contains out "300 contacts"
expect 0 "$CRM" --db "$DB" stats
contains out "contacts"
grep -qE '^contacts +300 +0$' "$DIR/out" && ok || bad "stats does not count 300 contacts: $(cat "$DIR/out")"
contains out "file size:"
expect 0 "$CRM" --db "$DB" check;              contains out "ok: integrity, foreign keys and search index"
name=$(sqlite3 "$DB" "SELECT last_name FROM contacts WHERE country = 'DE' LIMIT 1")
expect 0 "$CRM" --db "$DB" search "$name";     contains out "$name"
expect 0 "$CRM" --db "$DB" search zzzzqqq;     contains err "no matches for 'zzzzqqq'"

# Duplicates: two contacts entered twice, found, merged (a field kept from the
# other), the merge undone; bad arguments are usage errors.
DUP="$DIR/dup.sqlite"
expect 0 "$CRM" --db "$DUP" demo --contacts 50 --seed 3
acc=$(sqlite3 "$DUP" "SELECT id FROM accounts LIMIT 1")
sqlite3 "$DUP" "INSERT INTO contacts(id, created_at, updated_at, account_id, first_name, last_name, email, job_title, country) VALUES
  ('01900000-0000-7000-8000-00000000d001', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '$acc', 'Wilma', 'Quackenbush', 'w.quackenbush@gmail.com', 'Buyer', 'DE'),
  ('01900000-0000-7000-8000-00000000d002', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z', '$acc', 'Wilma', 'Quackenbsuh', 'wquackenbush@gmail.com', 'Head of purchasing', 'DE')"
expect 0 "$CRM" --db "$DUP" duplicates;        contains out "Wilma Quackenbush"; contains out "same e-mail"
expect 0 "$CRM" --db "$DUP" duplicates --csv;  contains out "group,id,name,score,reasons"
grep -q '^1,01900000-0000-7000-8000-00000000d001,Wilma Quackenbush,' "$DIR/out" && ok || bad "duplicates --csv rows: $(cat "$DIR/out")"
expect 2 "$CRM" --db "$DUP" duplicates --entity orders; contains err "--entity is contacts, accounts or leads"
expect 2 "$CRM" --db "$DUP" merge 01900000-0000-7000-8000-00000000d001; contains err "at least one other id"
expect 0 "$CRM" --db "$DUP" merge 01900000-0000-7000-8000-00000000d001 01900000-0000-7000-8000-00000000d002 --keep job_title=01900000-0000-7000-8000-00000000d001
contains out "merged 1 contacts into 01900000-0000-7000-8000-00000000d001"
[ "$(sqlite3 "$DUP" "SELECT job_title || '|' || (SELECT merged_into_id FROM contacts WHERE id = '01900000-0000-7000-8000-00000000d002') FROM contacts WHERE id = '01900000-0000-7000-8000-00000000d001'")" = "Buyer|01900000-0000-7000-8000-00000000d001" ] && ok || bad "the merge's survivor and tombstone"
expect 0 "$CRM" --db "$DUP" duplicates
grep -q Quackenbsuh "$DIR/out" && bad "the merged record is still listed: $(cat "$DIR/out")" || ok
expect 0 "$CRM" --db "$DUP" undo-merge;        contains out "1 records back"
expect 0 "$CRM" --db "$DUP" duplicates;        contains out "Quackenbsuh"
expect 1 "$CRM" --db "$DUP" undo-merge;        contains err "no merge to undo"
expect 0 "$CRM" --db "$DUP" check
# A CSV previewed before importing: an exact duplicate, a likely one with its
# score and reasons, a new person; nothing is written.
printf 'First Name,Last Name,E-mail\nWilma,Quackenbush,w.quackenbush@gmail.com\nWilma,Quackenbusch,wquackenbush+crm@gmail.com\nZebedee,Quaxworth,zq@example.com\n' > "$DIR/likely.csv"
before=$(sqlite3 "$DUP" "SELECT count(*) FROM contacts")
expect 0 "$CRM" --db "$DUP" import --csv "$DIR/likely.csv" --entity contacts --preview
contains out "line 2: duplicate of 01900000-0000-7000-8000-00000000d001"
contains out "line 3: likely a duplicate of Wilma Quackenbush"
contains out "line 4: new"
contains out "previewed 3 rows of $DIR/likely.csv: 0 errors, 1 duplicates, 1 likely duplicates; nothing imported"
[ "$(sqlite3 "$DUP" "SELECT count(*) FROM contacts")" = "$before" ] && ok || bad "the preview wrote records"

# Data health: a contact last verified long ago and one with a bounced
# e-mail are listed with their issues; verify clears them.
expect 0 "$CRM" --db "$DUP" health;            contains out "contacts: 5"; contains out "health score"
sqlite3 "$DUP" "UPDATE contacts SET verified_at = '2019-05-01T00:00:00.000Z' WHERE id = '01900000-0000-7000-8000-00000000d001'"
expect 0 "$CRM" --db "$DUP" health --csv;      contains out "id,name,score,verified,issues"
grep -q '^01900000-0000-7000-8000-00000000d001,Wilma Quackenbush,[0-9]*,2019-05-01,.*not verified' "$DIR/out" && ok || bad "health --csv: $(head -5 "$DIR/out")"
expect 0 "$CRM" --db "$DUP" health --months 120 --csv
grep -q '^01900000-0000-7000-8000-00000000d001,.*not verified' "$DIR/out" && bad "not stale within 120 months" || ok
expect 0 "$CRM" --db "$DUP" verify 01900000-0000-7000-8000-00000000d001; contains out "verified 1 contacts and 0 accounts"
expect 0 "$CRM" --db "$DUP" health --csv
grep -q '^01900000-0000-7000-8000-00000000d001,.*not verified' "$DIR/out" && bad "verified, still stale: $(cat "$DIR/out")" || ok
expect 0 "$CRM" --db "$DUP" health --entity accounts; contains out "accounts:"
expect 2 "$CRM" --db "$DUP" health --entity leads; contains err "--entity is contacts or accounts"
expect 2 "$CRM" --db "$DUP" health --months 0;  contains err "--months is a whole number"
expect 1 "$CRM" --db "$DUP" verify nope;        contains err "no contact or account has the id 'nope'"

# Custom fields: added, filled by a CSV import (mapped by the label), renamed
# with the data kept, written by the CSV and JSON exports, removed (hidden,
# values kept), restored; bad input refused with what is wrong.
CF="$DIR/cf.sqlite"
expect 0 "$CRM" --db "$CF" demo --contacts 20 --seed 4
expect 0 "$CRM" --db "$CF" fields add --entity contacts --label "Renewal date" --type date --list; contains out "added contacts.cf_renewal_date (Renewal date)"
expect 0 "$CRM" --db "$CF" fields add --entity contacts --label "Partner level" --type choice --choices "Gold,Silver"
expect 2 "$CRM" --db "$CF" fields add --entity users --label "Shoe size"; contains err "the record type is accounts, contacts"
expect 1 "$CRM" --db "$CF" fields add --entity contacts --label "Tier" --type colour; contains err "'colour' is not one of: text, number, money, date, choice, checkbox"
expect 1 "$CRM" --db "$CF" fields add --entity contacts --label "renewal DATE"; contains err "already a field of Contacts"
printf 'First Name,Last Name,Renewal date,Partner level\nAda,Lovelace,2027-03-31,gold\n' > "$DIR/cf.csv"
expect 0 "$CRM" --db "$CF" import --csv "$DIR/cf.csv" --entity contacts; contains out "1 created"
[ "$(sqlite3 "$CF" "SELECT cf_renewal_date || ' ' || cf_partner_level FROM contacts WHERE last_name = 'Lovelace'")" = "2027-03-31 Gold" ] && ok || bad "the custom fields' values from CSV"
printf 'Last Name,Partner level\nBabbage,Platinum\n' > "$DIR/cf-bad.csv"
expect 1 "$CRM" --db "$CF" import --csv "$DIR/cf-bad.csv" --entity contacts; contains err "line 2: column 'Partner level' (Partner level): 'Platinum' is not one of: Gold, Silver"
expect 0 "$CRM" --db "$CF" fields rename contacts cf_renewal_date "Contract renewal"
expect 0 "$CRM" --db "$CF" fields --csv; contains out "contacts,cf_renewal_date,Contract renewal,date,0,1,1,0,1"
expect 0 "$CRM" --db "$CF" export --csv contacts "$DIR/cf-out.csv"
grep -q 'Contract renewal' "$DIR/cf-out.csv" && grep -q '2027-03-31' "$DIR/cf-out.csv" && ok || bad "the CSV export lacks the custom field: $(head -2 "$DIR/cf-out.csv")"
expect 0 "$CRM" --db "$CF" fields remove contacts cf_renewal_date
expect 0 "$CRM" --db "$CF" fields;              contains out "removed"
expect 0 "$CRM" --db "$CF" export --json "$DIR/cf.json"
grep -q '"cf_renewal_date":"2027-03-31"' "$DIR/cf.json" && ok || bad "the JSON export lost a removed field's values"
expect 0 "$CRM" --db "$DIR/cf2.sqlite" import --json "$DIR/cf.json"
[ "$(sqlite3 "$DIR/cf2.sqlite" "SELECT cf_partner_level FROM contacts WHERE last_name = 'Lovelace'")" = "Gold" ] && ok || bad "the JSON import into a new file lost the custom field"
expect 0 "$CRM" --db "$CF" fields restore contacts cf_renewal_date
expect 1 "$CRM" --db "$CF" fields remove contacts cf_nope; contains err "contacts has no custom field 'cf_nope'"

# Journeys: one made by a JSON import (a segment, a template, the journey),
# activated, run (every contact of the segment gets the e-mail), run again
# (nothing twice), listed with its results.
JY="$DIR/jy.sqlite"
expect 0 "$CRM" --db "$JY" demo --contacts 30 --seed 6
T0=2026-01-01T00:00:00Z
cat > "$DIR/journey.json" <<JSON
{"format": "crm-export", "version": 1, "entities": {
 "segments": [{"id": "seg-de", "created_at": "$T0", "updated_at": "$T0", "name": "Germany", "rules": "{\"field\": \"country\", \"value\": \"DE\"}"}],
 "email_templates": [{"id": "tpl-hi", "created_at": "$T0", "updated_at": "$T0", "name": "Hello", "subject": "Hello {first_name}", "body": "Hi"}],
 "journeys": [{"id": "jy-1", "created_at": "$T0", "updated_at": "$T0", "name": "German welcome", "trigger": "segment_entered", "segment_id": "seg-de",
   "steps": "[{\"email\": \"tpl-hi\"}, {\"wait_days\": 3}, {\"task\": \"Call {first_name}\"}]"}]}}
JSON
expect 0 "$CRM" --db "$JY" import --json "$DIR/journey.json"
expect 1 "$CRM" --db "$JY" journeys run;        contains err "no device runs journeys yet"
expect 0 "$CRM" --db "$JY" journeys activate jy-1; contains out "activated German welcome"
expect 0 "$CRM" --db "$JY" journeys runner;     contains out "this device"
de=$(sqlite3 "$JY" "SELECT count(*) FROM contacts WHERE deleted = 0 AND country = 'DE'")
expect 0 "$CRM" --db "$JY" journeys run;        contains out "enrolled $de, "
[ "$(sqlite3 "$JY" "SELECT count(*) FROM activities WHERE subject LIKE 'Hello %'")" -ge 1 ] && ok || bad "the journey's e-mails are on the timelines"
expect 0 "$CRM" --db "$JY" journeys run;        contains out "enrolled 0, 0 steps"
expect 0 "$CRM" --db "$JY" journeys;            contains out "German welcome (active, starts when segment_entered)"; contains out "3. Task: Call {first_name}"
expect 0 "$CRM" --db "$JY" journeys --csv;      contains out "jy-1,German welcome,active,segment_entered,$de,$de,0,0"
expect 2 "$CRM" --db "$JY" journeys activate;   contains err "the journey's id is missing"
printf '{"format": "crm-export", "version": 1, "entities": {"journeys": [{"id": "jy-2", "created_at": "%s", "updated_at": "%s", "name": "Bad", "trigger": "segment_entered", "segment_id": "seg-de", "steps": "[{\\"wait_days\\": -2}]"}]}}' "$T0" "$T0" > "$DIR/bad-journey.json"
expect 0 "$CRM" --db "$JY" import --json "$DIR/bad-journey.json"
expect 1 "$CRM" --db "$JY" journeys activate jy-2; contains err "step 1: wait_days must be a whole number of at least 0"

# Custom fields through a real crm-server with two workspaces: a field and
# its value reach a new device of the same workspace; the other workspace's
# replica never gets the field's column (no workspace sees another's fields).
SERVER="$(dirname "$CRM")/crm-server"
if [ -x "$SERVER" ]; then
  SD="$DIR/server"
  "$SERVER" --data "$SD" workspace create Alpha >/dev/null && "$SERVER" --data "$SD" workspace create Beta >/dev/null
  TA=$("$SERVER" --data "$SD" token create Alpha | sed -n 's/^token: //p'); TB=$("$SERVER" --data "$SD" token create Beta | sed -n 's/^token: //p')
  "$SERVER" --data "$SD" --port 0 > "$DIR/server.out" 2>&1 &
  SPID=$!
  for _ in $(seq 50); do grep -q "listening on" "$DIR/server.out" 2>/dev/null && break; sleep 0.1; done
  URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$DIR/server.out")
  expect 0 "$CRM" --db "$DIR/a1.sqlite" demo --contacts 10 --seed 8
  expect 0 "$CRM" --db "$DIR/a1.sqlite" fields add --entity contacts --label "Secret project"
  printf 'Last Name,Secret project\nHolmes,Falcon\n' > "$DIR/secret.csv"
  expect 0 "$CRM" --db "$DIR/a1.sqlite" import --csv "$DIR/secret.csv" --entity contacts
  expect 0 "$CRM" --db "$DIR/a1.sqlite" sync --server "$URL" --token "$TA"
  expect 0 "$CRM" --db "$DIR/b1.sqlite" demo --contacts 10 --seed 9
  expect 0 "$CRM" --db "$DIR/b1.sqlite" sync --server "$URL" --token "$TB"
  expect 0 "$CRM" --db "$DIR/a2.sqlite" sync --server "$URL" --token "$TA"
  [ "$(sqlite3 "$DIR/a2.sqlite" "SELECT cf_secret_project FROM contacts WHERE last_name = 'Holmes'")" = "Falcon" ] && ok || bad "the custom field's value on the workspace's new device"
  expect 0 "$CRM" --db "$DIR/b2.sqlite" sync --server "$URL" --token "$TB"
  # The replicas catch up a second after a push, later on a busy machine.
  for _ in $(seq 300); do [ "$(ls "$SD"/replicas/*.replica.sqlite 2>/dev/null | wc -l)" -ge 2 ] && break; sleep 0.1; done
  [ "$(ls "$SD"/replicas/*.replica.sqlite 2>/dev/null | wc -l)" -ge 2 ] && ok || bad "both workspaces' replicas: $(ls "$SD"/replicas)"
  for f in "$SD"/replicas/*.replica.sqlite "$DIR/b2.sqlite"; do
    [ -f "$f" ] || continue
    n=$(sqlite3 "$f" "SELECT count(*) FROM pragma_table_info('contacts') WHERE name = 'cf_secret_project'")
    w=$(sqlite3 "$f" "SELECT count(*) FROM custom_fields")
    [ "$n" = "$w" ] || [ "$n" = 0 ] && ok || bad "$f has another workspace's custom column"
  done
  [ "$(sqlite3 "$DIR/b2.sqlite" "SELECT count(*) FROM pragma_table_info('contacts') WHERE name LIKE 'cf%'")" = 0 ] && ok || bad "Beta's device got Alpha's field"
  # A rep's calendar feed: made on a device, published by its sync, read by a
  # calendar app without a token; a wrong secret and a revoked link are 404.
  REP=$(sqlite3 "$DIR/a1.sqlite" "SELECT u.name FROM users u JOIN tasks t ON t.owner_id = u.id WHERE t.done = 0 GROUP BY u.id ORDER BY count(*) DESC LIMIT 1")
  expect 0 "$CRM" --db "$DIR/a1.sqlite" calendar-feed --owner "$REP"; contains out "calendar feed for $REP: $URL/v1/calendar/"
  FEED=$(sed -n 's/.*: \(http[^ ]*\.ics\)$/\1/p' "$DIR/out")
  expect 0 "$CRM" --db "$DIR/a1.sqlite" calendar-feed; contains out "$FEED"
  expect 0 "$CRM" --db "$DIR/a1.sqlite" sync
  code=$(curl -s -o "$DIR/feed.ics" -w '%{http_code}' "$FEED")
  [ "$code" = 200 ] && head -c 40 "$DIR/feed.ics" | grep -q "BEGIN:VCALENDAR" && ok || bad "the feed: HTTP $code $(head -c 200 "$DIR/feed.ics")"
  grep -q "BEGIN:VTODO" "$DIR/feed.ics" && ok || bad "the rep's open tasks in the feed"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "${FEED%/*}/00000000000000000000000000000000.ics")" = 404 ] && ok || bad "a wrong secret is 404"
  expect 0 "$CRM" --db "$DIR/a1.sqlite" calendar-feed --revoke "$(basename "$FEED" .ics)"
  expect 0 "$CRM" --db "$DIR/a1.sqlite" sync
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$FEED")" = 404 ] && ok || bad "a revoked feed is 404"
  expect 2 "$CRM" --db "$DIR/a1.sqlite" calendar-feed --owner "Nobody Here"; contains err "no user is named or has the id 'Nobody Here'"
  kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
fi

# vCard and iCalendar: contacts out and back into a new database; an address
# book's export previewed (a duplicate, a likely one, a new card) and imported;
# a bad card names its line; a rep's tasks and meetings as a calendar.
VC="$DIR/vc.sqlite"
expect 0 "$CRM" --db "$DUP" export --vcard "$DIR/all.vcf"; contains out "contacts to $DIR/all.vcf (vCard 4.0)"
grep -q $'^FN:Wilma Quackenbush\r$' "$DIR/all.vcf" && ok || bad "the vCard holds Wilma: $(head -20 "$DIR/all.vcf")"
expect 0 "$CRM" --db "$VC" import --vcard "$DIR/all.vcf"; contains out "created"
[ "$(sqlite3 "$VC" "SELECT count(*) FROM contacts WHERE deleted = 0")" = "$(sqlite3 "$DUP" "SELECT count(*) FROM contacts WHERE deleted = 0")" ] && ok || bad "the vCard round trip lost contacts"
[ "$(sqlite3 "$VC" "SELECT email FROM contacts WHERE last_name = 'Quackenbush'")" = "w.quackenbush@gmail.com" ] && ok || bad "the round trip's e-mail"
expect 0 "$CRM" --db "$DUP" export --vcard "$DIR/v3.vcf" --version 3; contains out "(vCard 3.0)"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Quackenbush;Wilma;;;\r\nEMAIL;TYPE=INTERNET:w.quackenbush@gmail.com\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nN:Quackenbusch;Wilma;;;\r\nEMAIL:wquackenbush+phone@gmail.com\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Otto Normal\r\nTEL;TYPE=CELL:+49 171 5550000\r\nEND:VCARD\r\n' > "$DIR/phone.vcf"
expect 0 "$CRM" --db "$DUP" import --vcard "$DIR/phone.vcf" --preview
contains out "line 1: duplicate of 01900000-0000-7000-8000-00000000d001"
contains out "line 6: likely a duplicate of Wilma Quackenbush"
contains out "line 11: new"
expect 0 "$CRM" --db "$DUP" import --vcard "$DIR/phone.vcf"; contains out "3 cards, 2 created, 0 updated, 1 duplicates skipped"
[ "$(sqlite3 "$DUP" "SELECT first_name || ' ' || mobile FROM contacts WHERE last_name = 'Normal'")" = "Otto +49 171 5550000" ] && ok || bad "the card without N"
expect 0 "$CRM" --db "$DUP" revert-import;      contains out "2 records removed"
printf 'BEGIN:VCARD\nN:Bad;Mail;;;\nEMAIL:nope\nEND:VCARD\n' > "$DIR/bad.vcf"
expect 1 "$CRM" --db "$DUP" import --vcard "$DIR/bad.vcf"; contains err "bad.vcf: line 1: the card's EMAIL (E-mail): 'nope' is not a valid e-mail address"
rep=$(sqlite3 "$DUP" "SELECT name FROM users WHERE deleted = 0 ORDER BY id LIMIT 1")
expect 0 "$CRM" --db "$DUP" export --ics "$DIR/all.ics" --weeks 104; contains out "tasks and meetings to $DIR/all.ics"
head -1 "$DIR/all.ics" | grep -q $'^BEGIN:VCALENDAR\r$' && ok || bad "the calendar's first line: $(head -1 "$DIR/all.ics")"
expect 2 "$CRM" --db "$DUP" export --ics "$DIR/x.ics" --weeks 0; contains err "--weeks is a whole number from 1 to 104"
expect 1 "$CRM" --db "$DUP" export --ics "$DIR/x.ics" --owner "Nobody Here"; contains err "no user is named or has the id 'Nobody Here'"

# Reports: the table behind each Analytics page, as text or CSV.
expect 0 "$CRM" report --help;                 contains out "rfm"; contains out "order_lines"
expect 0 "$CRM" --db "$DB" report value;       contains out "LTV:CAC"; contains out "note: period"
expect 0 "$CRM" --db "$DB" report rules --csv
[ "$(head -1 "$DIR/out")" = "antecedent,consequent,count,support,confidence,lift" ] && ok || bad "rules CSV header: $(head -1 "$DIR/out")"
[ "$(wc -l < "$DIR/out")" -gt 3 ] && ok || bad "the demo data gives no cross-sell rules"
expect 0 "$CRM" --db "$DB" report rfm --csv --from 2020-01-01
[ "$(head -1 "$DIR/out")" = "customer_id,recency_days,frequency,monetary,r,f,m,segment" ] && ok || bad "rfm CSV header: $(head -1 "$DIR/out")"
# Every customer with a sale is in the RFM table once, as many as the orders table knows.
want=$(sqlite3 "$DB" "SELECT count(DISTINCT account_id) FROM orders WHERE deleted = 0 AND status NOT IN ('cancelled', 'returned') AND currency = 'EUR' AND ordered_at >= '2020-01-01'")
[ "$(($(wc -l < "$DIR/out") - 1))" = "$want" ] && ok || bad "rfm has $(($(wc -l < "$DIR/out") - 1)) rows, the orders $want customers"
expect 0 "$CRM" --db "$DB" report pivot --source orders --rows tier --cols year --measure count --csv; contains out "Gold"
expect 2 "$CRM" --db "$DB" report nonsense;    contains err "unknown report 'nonsense'"
expect 2 "$CRM" --db "$DB" report value --from 2025-13-01; contains err "'2025-13-01' is not a date"
expect 2 "$CRM" --db "$DB" report pivot --source orders --rows stage; contains err "'stage' is not a dimension of orders"
expect 2 "$CRM" --db "$DB" report sales --owner "Nobody Here"; contains err "--owner 'Nobody Here' is not a user"
expect 0 "$CRM" --db "$DB" report rules --min-support 0.02 --min-confidence 0.5; contains out "minimum support 0.02 and confidence 0.5"
expect 2 "$CRM" --db "$DB" report rules --min-support 1.5; contains err "--min-support must be a share above 0 and at most 1, not '1.5'"

# Demo data into a database that holds data is refused, and changes nothing.
before=$(sqlite3 "$DB" "SELECT count(*) FROM change_log")
expect 1 "$CRM" --db "$DB" demo --contacts 10; contains err "already holds data"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM change_log")" = "$before" ] && ok || bad "refused demo wrote to the change log"

# The file opens in the sqlite3 CLI (an independent reader).
[ "$(sqlite3 "$DB" "SELECT count(*) FROM contacts")" = "300" ] && ok || bad "sqlite3 CLI does not read 300 contacts"

# Damage is found by check: a broken reference and a corrupt file.
cp "$DB" "$DIR/broken.sqlite"
sqlite3 "$DIR/broken.sqlite" "PRAGMA foreign_keys=OFF; UPDATE contacts SET account_id = 'gone' WHERE rowid = 1;"
expect 1 "$CRM" --db "$DIR/broken.sqlite" check; contains err "foreign key: contacts"
head -c 8192 "$DB" > "$DIR/truncated.sqlite"
"$CRM" --db "$DIR/truncated.sqlite" check >"$DIR/out" 2>"$DIR/err"; st=$?
[ $st -ne 0 ] && ok || bad "check passed on a truncated file"
printf 'not a database at all\n%.0s' {1..300} > "$DIR/text.sqlite"
expect 1 "$CRM" --db "$DIR/text.sqlite" stats; contains err "file is not a database"

# Export and import: JSON round trip into a new file, CSV in and out.
expect 0 "$CRM" --db "$DB" export --json "$DIR/all.json"; contains out "exported"
[ -s "$DIR/all.json" ] && [ ! -e "$DIR/all.json.tmp" ] && ok || bad "the JSON export is missing or half-written"
expect 0 "$CRM" --db "$DIR/copy.sqlite" import --json "$DIR/all.json" --replace; contains out "added"
a=$(sqlite3 "$DB" "SELECT count(*) FROM contacts; SELECT count(*) FROM activities; SELECT group_concat(id) FROM (SELECT id FROM accounts ORDER BY id)")
b=$(sqlite3 "$DIR/copy.sqlite" "SELECT count(*) FROM contacts; SELECT count(*) FROM activities; SELECT group_concat(id) FROM (SELECT id FROM accounts ORDER BY id)")
[ "$a" = "$b" ] && ok || bad "the JSON round trip lost rows"
expect 0 "$CRM" --db "$DIR/copy.sqlite" check
printf 'Vorname;Nachname;E-Mail-Adresse;Firma;Lieblingsfarbe\r\nJürgen;Kästner;jk@example.de;Kästner KG;blau\r\n' > "$DIR/in.csv"
expect 0 "$CRM" --db "$DIR/copy.sqlite" import --csv "$DIR/in.csv" --entity contacts --map "Vorname=first_name,Nachname=last_name,E-Mail-Adresse=email,Firma=company"
contains out "1 created"
[ "$(sqlite3 "$DIR/copy.sqlite" "SELECT a.name FROM contacts c JOIN accounts a ON a.id = c.account_id WHERE c.email = 'jk@example.de'")" = "Kästner KG" ] && ok || bad "the CSV contact or its account is missing"
expect 0 "$CRM" --db "$DIR/copy.sqlite" export --csv contacts "$DIR/out.csv"; contains out "exported"
grep -q "Kästner" "$DIR/out.csv" && ok || bad "the CSV export lacks the imported contact"
expect 0 "$CRM" --db "$DIR/copy.sqlite" revert-import; contains out "2 records removed"
[ "$(sqlite3 "$DIR/copy.sqlite" "SELECT count(*) FROM contacts WHERE email = 'jk@example.de' AND deleted = 0")" = "0" ] && ok || bad "revert-import left the contact"
# Bad input: named, and nothing changes.
before=$(sqlite3 "$DIR/copy.sqlite" "SELECT count(*) FROM contacts; SELECT count(*) FROM change_log")
head -c 5000 "$DIR/all.json" > "$DIR/cut.json"
expect 1 "$CRM" --db "$DIR/copy.sqlite" import --json "$DIR/cut.json"; contains err "cut.json: not valid JSON"
printf 'last_name,email\nA,a@x.org\nB,broken\n' > "$DIR/bad.csv"
expect 1 "$CRM" --db "$DIR/copy.sqlite" import --csv "$DIR/bad.csv" --entity contacts; contains err "bad.csv: line 3: column 'email'"
[ "$(sqlite3 "$DIR/copy.sqlite" "SELECT count(*) FROM contacts; SELECT count(*) FROM change_log")" = "$before" ] && ok || bad "a failed import changed the database"

# An existing user's file from before schemas 14 and 15 (the list indexes
# with the text id, the change log with text ids) upgrades when it is opened
# and keeps every record and every change-log entry.
UP="$DIR/upgrade.sqlite"
log_dump() {  # the change log with every id as text, however it is kept
  sqlite3 "$1" "SELECT seq, entity, CASE WHEN typeof(record_id) = 'blob' THEN lower(substr(hex(record_id), 1, 8) || '-' || substr(hex(record_id), 9, 4) || '-' || substr(hex(record_id), 13, 4) || '-' || substr(hex(record_id), 17, 4) || '-' || substr(hex(record_id), 21, 12)) ELSE record_id END, field, quote(value), at, device, hlc FROM change_log ORDER BY seq; SELECT seq FROM sqlite_sequence WHERE name = 'change_log'"
}
expect 0 "$CRM" --db "$UP" demo --contacts 150 --seed 3
expect 0 "$CRM" --db "$UP" export --json "$DIR/up-before.json" --deleted
log_before=$(log_dump "$UP")
bash "$(dirname "$0")/old_format.sh" "$UP" && ok || bad "old_format.sh failed"
[ "$(sqlite3 "$UP" "PRAGMA user_version; SELECT count(*) > 0 FROM sqlite_schema WHERE sql LIKE '%(deleted, %, id)'; SELECT typeof(record_id) FROM change_log ORDER BY seq LIMIT 1")" = "$(printf '13\n1\ntext')" ] && ok || bad "the file is not in the old format"
expect 0 "$CRM" --db "$UP" check; contains out "ok"
[ "$(sqlite3 "$UP" "PRAGMA user_version; SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%, id)'; SELECT typeof(record_id) FROM change_log ORDER BY seq LIMIT 1")" = "$(printf '15\n0\nblob')" ] && ok || bad "the file was not upgraded"
[ "$(log_dump "$UP")" = "$log_before" ] && ok || bad "the upgrade changed the change log"
expect 0 "$CRM" --db "$UP" export --json "$DIR/up-after.json" --deleted
diff <(grep -v '"exported_at"' "$DIR/up-before.json") <(grep -v '"exported_at"' "$DIR/up-after.json") >/dev/null && ok || bad "the upgrade changed the exported data"

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
