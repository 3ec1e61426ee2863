#!/bin/sh
# Vendor replies through `vulturectl deliver`, as the MTA would pipe them:
# every shape a mail client produces, from registered vendor keys, changes
# exactly what it says, once; every negative case changes nothing and is
# accounted for in quarantine and the event log.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"

write_conf
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
ACME=$(mkkey acme "ACME PSIRT <psirt@acme.example>")
GLOBEX=$(mkkey globex "Globex <sec@globex.example>")
STRANGER=$(mkkey stranger "Stranger <psirt@acme.example>")
# Every sender knows the desk's public key.
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
for k in acme globex stranger; do
	gpg --homedir "$T/keys/$k" --batch --import "$T/desk.asc" 2>/dev/null
done
vctl vendor add acme "ACME Corp" general psirt@acme.example >/dev/null
vctl vendor add globex "Globex" general sec@globex.example >/dev/null
vctl vendor add hooli "Hooli" general sec@hooli.example >/dev/null
vctl vendor key acme "$T/keys/acme.asc" >/dev/null
vctl vendor key globex "$T/keys/globex.asc" >/dev/null
vctl vendor approve acme >/dev/null
vctl vendor approve globex >/dev/null
ID=$(vctl case open "Overflow in FooHTTP")
OTHER=$(vctl case open "Another case")
vctl case notify "$ID" vendors acme,globex > /dev/null || bad "notify"
# The notice we sent to globex, for routing by In-Reply-To.
NOTICE=$(sqlite3 "$T/vulture.db" "SELECT message_id FROM outbox WHERE recipient = 'sec@globex.example'")

reply() {	# signer-home signer-fpr shape file [mkreply args...]
	home=$1 fpr=$2 shape=$3 out=$4
	shift 4
	$MK --home "$T/keys/$home" --signer "$fpr" --recipient "$DESK" --shape "$shape" "$@" > "$T/$out.eml" ||
	    bad "mkreply $out"
}
state() {	# vendor field: the participant's field from case show --json
	vctl --json case show "$ID" | /usr/bin/python3 -c "
import json, sys
c = json.load(sys.stdin)
p = [p for p in c['participants'] if p['vendor'] == sys.argv[1]][0]
print(p[sys.argv[2]])" "$1" "$2"
}
msgs() {	# state kind: count of stored messages
	sqlite3 "$T/vulture.db" "SELECT count(*) FROM messages WHERE state = '$1' AND kind = '$2'"
}
deliver() { vctl deliver < "$T/$1.eml"; }

# 1. PGP/MIME combined, protected Subject, from acme.
# "Expect it in January." is wrapped without indentation: not part of
# the Comment, and the acknowledgement says which line was left out.
printf 'Thanks.\n\nStatus: affected-investigating\nRequest-Detail: yes\nComment: We ship FooHTTP 2.3 in acme-httpd.\n  A fix is planned.\nExpect it in January.\nBogus-Label: x\n\n-- \nACME PSIRT\nStatus: not-affected\n' > "$T/form1.txt"
reply acme "$ACME" combined r1 --protected-subject "Re: [$ID] Vulnerability notice" --subject "Re: [$ID]" --body-file "$T/form1.txt"
expect 0 '' -- deliver r1
[ "$(state acme status)" = affected-investigating ] && ok || bad "r1 status $(state acme status)"
[ "$(state acme stage)" = detail-requested ] && ok || bad "r1 stage $(state acme stage)"
state acme comment | grep -q 'A fix is planned' && ok || bad "r1 comment"
lacks January "r1 comment took an unindented line" -- state acme comment
row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'ack' ORDER BY id LIMIT 1")
vctl outbox show "$row" > "$T/ack1.eml"
decrypt_mail "$T/ack1.eml" "$T/keys/acme" "$T/ack1.st" > "$T/ack1.txt"
grep -q 'line 7: Expect it in January.' "$T/ack1.txt" && ok || bad "r1 ack does not name the left-out line: $(cat "$T/ack1.txt")"
grep -q 'line 8: Bogus-Label' "$T/ack1.txt" && ok || bad "r1 ack does not name the unknown label"
[ "$(msgs processed applied)" = 1 ] && ok || bad "r1 not applied"
# The same bytes again: stored once, applied once.
expect 0 '' -- deliver r1
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE kind='vendor-reply'")" = 1 ] && ok || bad "r1 applied twice"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM messages")" = 1 ] && ok || bad "r1 stored twice"

# 2. Nested (encrypted multipart/signed), Japanese form. The case id only
# in the outer Subject, which is not signed: a hint, never a route
# (vulture(7)); the vendor is told to name it. Then the same form under
# the quoted notice, which the signature covers.
printf '状況：該当製品なし\nコメント：当社製品は影響を受けません。\n' > "$T/form2.txt"
reply globex "$GLOBEX" nested r2u --from sec@globex.example --subject "Re: [$ID] 脆弱性情報" --body-file "$T/form2.txt"
expect 0 '' -- deliver r2u
[ "$(msgs quarantined case-unsigned)" = 1 ] && ok || bad "r2u not refused as case-unsigned"
[ "$(state globex status)" = unknown ] && ok || bad "r2u changed status"
sqlite3 "$T/vulture.db" "SELECT reason FROM messages WHERE kind = 'case-unsigned'" | grep -q "Case: $ID" && ok || bad "r2u: no hint"
printf '状況：該当製品なし\nコメント：当社製品は影響を受けません。\n\n> [%s] 脆弱性情報のお知らせ\n> 製品開発者各位\n' "$ID" > "$T/form2.txt"
reply globex "$GLOBEX" nested r2 --from sec@globex.example --subject "Re: [$ID] 脆弱性情報" --body-file "$T/form2.txt"
expect 0 '' -- deliver r2
[ "$(state globex status)" = not-affected ] && ok || bad "r2 status $(state globex status)"
state globex comment | grep -q '当社製品は影響を受けません' && ok || bad "r2 comment"

# 2b. Nested, with an attachment larger than what is kept in memory
# (SPILL_MEM_MAX): the plaintext and the signed part go to files beside
# the database and are verified and read back from there (that they do go
# there is proved by check_decode's test_spill_tempfail).
head -c 1500000 /dev/urandom > "$T/big.bin"
printf 'Case: %s\nStatus: affected-investigating\nComment: logs attached\n' "$ID" > "$T/form2b.txt"
reply acme "$ACME" nested r2b --subject "Re: [$ID]" --body-file "$T/form2b.txt" --attach "$T/big.bin"
vctl inspect "$T/r2b.eml" > "$T/r2b.out"
grep -q 'application/octet-stream name="big.bin" (attachment)' "$T/r2b.out" && ok || bad "r2b attachment not seen: $(cat "$T/r2b.out")"
grep -q '^signature: *good' "$T/r2b.out" && ok || bad "r2b signature: $(grep signature "$T/r2b.out")"
expect 0 '' -- deliver r2b
state acme comment | grep -q 'logs attached' && ok || bad "r2b not applied"

# 3. Inline PGP, routed by the Case: line, with dates.
printf 'Case: %s\nFix-Date: 2027-01-05\nWorkaround-Date: 2026-12-20\nPublication-Date-Request: 2027-01-20\nReason: firmware release train\nAdvisory-URL: https://acme.example/sa/2027-001\n' "$ID" > "$T/form3.txt"
reply acme "$ACME" inline r3 --subject "status" --body-file "$T/form3.txt"
expect 0 '' -- deliver r3
[ "$(state acme fix_date)" = 2027-01-05 ] && ok || bad "r3 fix date"
[ "$(state acme advisory_url)" = https://acme.example/sa/2027-001 ] && ok || bad "r3 url"
state acme publication_date_request | grep -q '^2027-01-20T11:00:00+09:00' && ok || bad "r3 pubdate $(state acme publication_date_request)"
[ "$(state acme status)" = affected-investigating ] && ok || bad "r3 kept status"
# The acknowledgement says how the date was read (the desk's time zone).
row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'ack' ORDER BY id DESC LIMIT 1")
vctl outbox show "$row" > "$T/ack3.eml"
decrypt_mail "$T/ack3.eml" "$T/keys/acme" "$T/ack3.st" > "$T/ack3.txt"
/usr/bin/python3 - "$T/ack3.txt" <<'PY' && ok || bad "r3 ack does not show the date as read: $(cat "$T/ack3.txt")"
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
b = "".join(p.get_payload(decode=True).decode() for p in m.walk() if p.get_content_type() == "text/plain")
assert "\n  - Publication-Date-Request: 2027-01-20 (read as 2027-01-20T11:00:00+09:00)\n" in b, b
PY

# 4. Exchange-mangled, answering our notice to globex (In-Reply-To: only
# a hint), the case named in the signed form.
printf 'Case: %s\nStatus: not-affected-investigating\n' "$ID" > "$T/form4.txt"
reply globex "$GLOBEX" exchange r4 --from sec@globex.example --subject "RE: notice" --in-reply-to $NOTICE --body-file "$T/form4.txt"
expect 0 '' -- deliver r4
[ "$(state globex status)" = not-affected-investigating ] && ok || bad "r4 status"

# 5. Clearsigned in the clear naming the embargoed case: a leak, no change.
printf 'Case: %s\nStatus: affected\n' "$ID" > "$T/form5.txt"
reply acme "$ACME" clearsigned r5 --subject "Re: [$ID]" --body-file "$T/form5.txt"
expect 0 '' -- deliver r5
[ "$(msgs quarantined leak)" = 1 ] && ok || bad "r5 not a leak"
[ "$(state acme status)" = affected-investigating ] && ok || bad "r5 changed status"

# 6. Plain mail without a case id: quarantined as not encrypted.
$MK --home "$T/keys/acme" --shape plain --subject "hello" --body "Status: affected" > "$T/r6.eml"
expect 0 '' -- deliver r6
[ "$(msgs quarantined not-encrypted)" = 1 ] && ok || bad "r6 $(sqlite3 "$T/vulture.db" "SELECT state, kind, reason FROM messages ORDER BY id DESC LIMIT 1")"

# 7. Encrypted but unsigned.
$MK --home "$T/keys/acme" --recipient "$DESK" --shape encrypted --subject "Re: [$ID]" --body "Status: affected" > "$T/r7.eml"
expect 0 '' -- deliver r7
[ "$(msgs quarantined unsigned)" = 1 ] && ok || bad "r7"

# 8. Signed by a key nobody pinned (gpg knows it: imported, not pinned).
gpg --homedir "$T/gnupg" --batch --import "$T/keys/stranger.asc" 2>/dev/null
reply stranger "$STRANGER" combined r8 --subject "Re: [$ID]" --body "Case: $ID
Status: affected"
expect 0 '' -- deliver r8
[ "$(msgs quarantined unknown-key)" = 1 ] && ok || bad "r8"

# 9. Signed by a key the desk has never seen.
h="$T/keys/ghost"; mkdir -p "$h"; chmod 700 "$h"
gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' --quick-gen-key "Ghost <g@x.example>" ed25519 sign,cert never 2>/dev/null
gpg --homedir "$h" --batch --import "$T/desk.asc" 2>/dev/null
GHOST=$(gpg --homedir "$h" --with-colons --list-secret-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
reply ghost "$GHOST" combined r9 --subject "Re: [$ID]" --body "Status: affected"
expect 0 '' -- deliver r9
[ "$(msgs quarantined unknown-key)" = 2 ] && ok || bad "r9 $(sqlite3 "$T/vulture.db" "SELECT kind, reason FROM messages WHERE id = (SELECT max(id) FROM messages)")"

# 10. acme answering globex's notice: vendor A about vendor B.
reply acme "$ACME" combined r10 --subject "Re: notice" --in-reply-to $NOTICE --body "Case: $ID
Status: not-affected"
expect 0 '' -- deliver r10
[ "$(msgs quarantined wrong-vendor)" = 1 ] && ok || bad "r10"

# 11. A case acme is not in, and a case that does not exist.
reply acme "$ACME" combined r11 --subject "Re: [$OTHER]" --body "Case: $OTHER
Status: affected"
expect 0 '' -- deliver r11
[ "$(msgs quarantined not-participant)" = 1 ] && ok || bad "r11"
reply acme "$ACME" combined r12 --subject "Re: [JVNVU#00000001]" --body "Case: JVNVU#00000001
Status: affected"
expect 0 '' -- deliver r12
[ "$(msgs quarantined unknown-case)" = 1 ] && ok || bad "r12"

# 13. A form with a bad value changes nothing (no half-applied reply).
printf 'Case: %s\nStatus: broken\nComment: this must not be stored\n' "$ID" > "$T/form13.txt"
reply acme "$ACME" combined r13 --subject "Re: [$ID]" --body-file "$T/form13.txt"
expect 0 '' -- deliver r13
[ "$(msgs quarantined bad-form)" = 1 ] && ok || bad "r13"
lacks 'must not' "r13 half-applied" -- state acme comment

# 14. An auto-reply is recorded and ignored.
$MK --home "$T/keys/acme" --shape plain --subject "Out of office" --body "away" --header "Auto-Submitted: auto-replied" > "$T/r14.eml"
expect 0 '' -- deliver r14
[ "$(msgs ignored auto-reply)" = 1 ] && ok || bad "r14"

# 15. Protected Subject and Case: line disagree.
reply acme "$ACME" combined r15 --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --body "Case: $OTHER
Status: affected"
expect 0 '' -- deliver r15
[ "$(msgs quarantined case-mismatch)" = 1 ] && ok || bad "r15"

# Exit codes of deliver: not mail, over the size limit, no database.
printf '\000\001binary' > "$T/junk.bin"
expect 65 'not a mail message' -- sh -c "\"$VCTL_BIN\" deliver < \"$T/junk.bin\""
write_conf "max_message_size = 2K"
head -c 4000 /dev/zero | tr '\0' 'a' | sed 's/^/Subject: x\n\n/' > "$T/big.eml"
expect 65 'exceeds the size limit' -- sh -c "\"$VCTL_BIN\" deliver < \"$T/big.eml\""
write_conf "database = $T/missing/none.db"
expect 75 'temporary failure' -- sh -c "\"$VCTL_BIN\" deliver < \"$T/r1.eml\""
rm -f "$CONF"
expect 75 'temporary failure' -- sh -c "\"$VCTL_BIN\" deliver < \"$T/r1.eml\""
write_conf
# The database locked by another writer past the busy timeout: 75.
/usr/bin/python3 - "$T/vulture.db" "$VCTL_BIN" "$T/r2.eml" <<'PY' && ok || bad "locked database did not give 75"
import sqlite3, subprocess, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
r = subprocess.run([sys.argv[2], "deliver"], stdin=open(sys.argv[3], "rb"), capture_output=True, timeout=60)
db.execute("ROLLBACK")
sys.exit(0 if r.returncode == 75 else 1)
PY

# The procmail recipe of contrib/ passes deliver's exit status back to the
# MTA: 0 when stored, 75 (retry) when the store is unavailable.
if command -v procmail >/dev/null 2>&1; then
	# procmail hands its own variables, not our environment, to deliver.
	{ echo "VULTURE_CONFIG=$CONF"; sed "s|/usr/bin/vulturectl|$VCTL_BIN|" "$top_srcdir/contrib/mta/procmailrc"; } > "$T/procmailrc"
	n0=$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM messages")
	procmail -m "$T/procmailrc" < "$T/r14.eml"; [ $? = 0 ] && ok || bad "procmail success"
	$MK --home "$T/keys/acme" --shape plain --subject "via procmail" --body "hello" > "$T/pm.eml"
	procmail -m "$T/procmailrc" < "$T/pm.eml"; [ $? = 0 ] && ok || bad "procmail deliver"
	n1=$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM messages")
	[ "$n1" = $((n0 + 1)) ] && ok || bad "procmail did not store: $n0 -> $n1"
	write_conf "database = $T/missing/none.db"
	procmail -m "$T/procmailrc" < "$T/pm.eml" 2>/dev/null; [ $? = 75 ] && ok || bad "procmail did not pass 75 back"
	write_conf
else
	bad "procmail missing"
fi

# inspect changes nothing and explains; quarantine list/show/retry.
before=$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events")
expect 0 'decision: +quarantine \(unknown-key\)' -- vctl inspect "$T/r8.eml"
expect 0 'signature: +good' -- vctl inspect "$T/r8.eml"
expect 0 "case: +$ID \(by protected Subject\)" -- vctl inspect "$T/r1.eml"
expect 0 'unknown label .Bogus-Label.' -- vctl inspect "$T/r1.eml"
expect 0 "line 7: not part of Comment \\(not indented\\): 'Expect it in January.'" -- vctl inspect "$T/r1.eml"
vctl --json inspect "$T/r2.eml" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['shape'] == 'pgpmime-nested' or 'nested' in d['shape'], d['shape']
# Applied already: the same signed reply again would change nothing.
assert d['signature'] == 'good' and d['decision'] == 'quarantine' and d['kind'] == 'duplicate' and d['form']['status'] == 'not-affected'" && ok || bad "inspect --json"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events")" = "$before" ] && ok || bad "inspect changed the store"
expect 1 'not a mail message' -- vctl inspect "$T/junk.bin"
expect 64 'inspect: FILE' -- vctl inspect
# inspect shows the cipher, the hash and every key a reply was encrypted
# to, the desk's and anyone else's.
gpg --homedir "$T/keys/acme" --batch --import "$T/keys/globex.asc" 2>/dev/null
reply acme "$ACME" combined alg1 --recipient "$GLOBEX" --subject "Re: [$ID]" --body "Status: affected" --gpg-arg=--cipher-algo=CAST5 --gpg-arg=--digest-algo=SHA1
enc_keyid() { gpg --homedir "$1" --with-colons --list-keys "$2" 2>/dev/null | awk -F: '/^sub/ && $12 ~ /e/ { print $5; exit }'; }
vctl inspect "$T/alg1.eml" > "$T/alg1.out"
grep -q '^cipher: *CAST5\.CFB$' "$T/alg1.out" && ok || bad "inspect cipher: $(cat "$T/alg1.out")"
grep -q '^hash: *SHA1$' "$T/alg1.out" && ok || bad "inspect hash: $(cat "$T/alg1.out")"
grep -q "^recipient: *$(enc_keyid "$T/gnupg" "$DESK")\$" "$T/alg1.out" && ok || bad "inspect: the desk's key id missing"
grep -q "^recipient: *$(enc_keyid "$T/keys/globex" "$GLOBEX")\$" "$T/alg1.out" && ok || bad "inspect: globex's key id missing"
vctl --json inspect "$T/alg1.eml" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['cipher'] == 'CAST5.CFB' and d['hash'] == 'SHA1', d
assert sorted(d['recipients']) == sorted(sys.argv[1:]), d['recipients']" \
    "$(enc_keyid "$T/gnupg" "$DESK")" "$(enc_keyid "$T/keys/globex" "$GLOBEX")" && ok || bad "inspect --json algorithms"
vctl --json inspect "$T/r5.eml" | /usr/bin/python3 -c "
import json, sys
d = json.load(sys.stdin)
assert d['cipher'] is None and len(d['recipients']) == 0 and d['hash'], d" && ok || bad "inspect --json of a clearsigned reply"
expect 0 'unknown-key' -- vctl quarantine list
vctl --json quarantine list | /usr/bin/python3 -c "
import json, sys
l = json.load(sys.stdin)
kinds = sorted(m['kind'] for m in l)
assert all(m['state'] == 'quarantined' and m['reason'] for m in l)
assert 'leak' in kinds and 'unsigned' in kinds, kinds" && ok || bad "quarantine list --json"
R8=$(sqlite3 "$T/vulture.db" "SELECT id FROM messages WHERE kind='unknown-key' ORDER BY id LIMIT 1")
expect 0 'decision: +quarantine' -- vctl quarantine show "$R8"
expect 1 'is processed, not quarantined' -- vctl quarantine show 1
expect 1 'not a message number' -- vctl quarantine retry x
expect 1 'no message 999' -- vctl quarantine show 999
expect 64 'quarantine: unknown subcommand' -- vctl quarantine frob
# The stranger's key becomes hooli's; retrying re-verifies and applies.
vctl case notify "$ID" vendors hooli > /dev/null || bad "notify hooli"
vctl vendor contact hooli psirt@acme.example >/dev/null
vctl vendor key hooli "$T/keys/stranger.asc" >/dev/null
# Pending: its statements are held until it is approved (rule 9).
expect 0 "message $R8: quarantine \(pending-vendor\)" -- vctl quarantine retry "$R8"
[ "$(state hooli status)" = unknown ] && ok || bad "a pending vendor's statement applied"
expect 0 'held message of hooli will be processed' -- vctl vendor approve hooli
# The daemon (here one pass, no IMAP) processes what approval released.
write_conf "
[imap]
enabled = false
[smtp]
port = $(free_port)"
"$top_builddir/vultured" --once >/dev/null 2>&1
write_conf
[ "$(state hooli status)" = affected ] && ok || bad "the held statement was not applied after approval"
expect 1 'not in quarantine' -- vctl quarantine retry "$R8"

# The Vultron view of the case, derived from the participants' states.
vctl --json case show "$ID" | /usr/bin/python3 -c "
import json, sys
c = json.load(sys.stdin)
v = c['vultron']
assert v['em'] in ('active', 'revise'), v
assert v['cs']['acme'] == 'Vfdpxa', v
assert v['cs']['hooli'][0] == 'v', v" && ok || bad "vultron: $(vctl --json case show "$ID" | grep -A8 vultron)"
vctl --json case show "$OTHER" | grep -q '"em": "none"' && ok || bad "vultron em of a case without participants"
# A leak is in the case's event log for the coordinators.
vctl case show "$ID" | grep -q 'possible-leak' && ok || bad "leak not in the event log"
# Answers were queued: an acknowledgement per applied reply, the detail
# refused (no detail yet) and recorded, a rejection for the bad form and
# a request to sign for the unsigned reply to acme's registered address.
n() { sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE kind = '$1'"; }
[ "$(n ack)" = 6 ] && ok || bad "acks: $(n ack)"
[ "$(n rejected)" -ge 5 ] && ok || bad "rejections: $(n rejected)"
[ "$(n sign-request)" -ge 1 ] && ok || bad "sign requests: $(n sign-request)"
vctl case show "$ID" | grep -q 'detail-waiting' && ok || bad "detail request not recorded"
# Anyone else gets one generic answer a day, in clear, naming no case.
[ "$(n generic)" = 0 ] && ok || bad "generic answers to contacts: $(n generic)"
$MK --home "$T/keys/acme" --shape plain --from stranger@else.example --subject "hi again" --body "x" | "$VCTL_BIN" deliver
$MK --home "$T/keys/acme" --shape plain --from stranger@else.example --subject "and again" --body "y" | "$VCTL_BIN" deliver
[ "$(n generic)" = 1 ] && ok || bad "generic answers not rate-limited: $(n generic)"
row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'generic' ORDER BY id DESC LIMIT 1")
lacks "$ID" "the generic answer names a case" -- vctl outbox show "$row"

# Replies apply in the order they were signed, each signed reply once.
# o1 is signed before o2 but arrives after it: o2 stands, o1 is
# quarantined as stale and globex is told why.
gapplied() { sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE kind = 'vendor-reply' AND detail LIKE '%vendor=globex%'"; }
g0=$(gapplied)
printf 'Case: %s\nStatus: not-affected-investigating\nComment: older answer\n' "$ID" > "$T/o1.txt"
printf 'Case: %s\nStatus: affected\nComment: newer answer\n' "$ID" > "$T/o2.txt"
reply globex "$GLOBEX" combined o1 --from sec@globex.example --subject "Re: [$ID]" --body-file "$T/o1.txt"
sleep 1.1
reply globex "$GLOBEX" combined o2 --from sec@globex.example --subject "Re: [$ID]" --body-file "$T/o2.txt"
expect 0 '' -- deliver o2
[ "$(state globex status)" = affected ] && ok || bad "o2 status $(state globex status)"
expect 0 'decision: +quarantine \(stale\)' -- vctl inspect "$T/o1.eml"
rej0=$(n rejected)
expect 0 '' -- deliver o1
[ "$(state globex status)" = affected ] && ok || bad "the older o1 undid o2: $(state globex status)"
state globex comment | grep -q 'newer answer' && ok || bad "o1 comment applied"
[ "$(msgs quarantined stale)" = 1 ] && ok || bad "o1 not quarantined as stale"
[ "$(n rejected)" = $((rej0 + 1)) ] && ok || bad "globex not told about o1"
row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'rejected' ORDER BY id DESC LIMIT 1")
vctl outbox show "$row" > "$T/o1ans.eml"
decrypt_mail "$T/o1ans.eml" "$T/keys/globex" "$T/o1ans.st" | grep -q 'already recorded' && ok || bad "the answer to o1 does not say why"
# o2's signed content again under new headers (another message to the
# store): recorded once.
sed 's/^Subject: .*/Subject: Re: ['"$ID"'] (again)/' "$T/o2.eml" > "$T/o2b.eml"
expect 0 '' -- deliver o2b
[ "$(msgs quarantined duplicate)" = 1 ] && ok || bad "o2 applied twice"
[ "$(gapplied)" = $((g0 + 1)) ] && ok || bad "globex replies applied: $(gapplied), was $g0"
# A reply signed a day ahead of our clock (beyond max_clock_skew) is
# refused and the vendor told why; it cannot block later replies either.
printf 'Case: %s\nStatus: not-affected\nComment: from the future\n' "$ID" > "$T/o3.txt"
reply globex "$GLOBEX" combined o3 --from sec@globex.example --subject "Re: [$ID]" --body-file "$T/o3.txt" "--gpg-arg=--faked-system-time=$(($(date +%s) + 86400))"
expect 0 '' -- deliver o3
[ "$(msgs quarantined future-signature)" = 1 ] && ok || bad "o3 not refused as future-signature"
[ "$(state globex status)" = affected ] && ok || bad "o3 status $(state globex status)"
sleep 1.1
printf 'Case: %s\nStatus: not-affected\nComment: clock fixed\n' "$ID" > "$T/o4.txt"
reply globex "$GLOBEX" combined o4 --from sec@globex.example --subject "Re: [$ID]" --body-file "$T/o4.txt"
expect 0 '' -- deliver o4
[ "$(state globex status)" = not-affected ] && ok || bad "o4 blocked by o3's clock: $(state globex status)"
# 13. #15: PGP/MIME through a mailing list (Mailman): multipart/mixed with
# the multipart/encrypted and a clear footer, List-Id and Precedence:
# list, From rewritten to the list (DMARC). Applied like any signed reply
# of acme; the footer is clear text, not used; the answer goes to acme's
# contact, never to the list. The list's own clear traffic is ignored and
# nothing in clear is answered to the list.
LIST=psirt@lists.acme.example
wrap_list() {	# in out: the message as the list delivers it
	/usr/bin/python3 - "$1" "$2" "$LIST" <<'PY'
import email, email.policy, sys
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
src, dst, lst = sys.argv[1:4]
m = email.message_from_binary_file(open(src, "rb"), policy=email.policy.compat32)
body = email.message_from_string(m.as_string(), policy=email.policy.compat32)
for h in ("From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References"):
	del body[h]
out = MIMEMultipart("mixed")
out.attach(body)
out.attach(MIMEText("_______________________________________________\npsirt mailing list\nhttps://lists.acme.example/psirt\n", "plain", "us-ascii"))
for h in ("To", "Subject", "Date", "Message-ID", "In-Reply-To", "References"):
	if m[h] is not None:
		out[h] = m[h]
out["From"] = "ACME PSIRT via psirt <%s>" % lst
out["Reply-To"] = lst
out["Sender"] = "psirt-bounces@lists.acme.example"
out["List-Id"] = "ACME PSIRT <psirt.lists.acme.example>"
out["List-Post"] = "<mailto:%s>" % lst
out["Precedence"] = "list"
open(dst, "wb").write(out.as_bytes())
PY
}
tolist() { sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE lower(recipient) = '$LIST'"; }
printf 'Case: %s\nStatus: not-affected\nComment: sent through our list\n' "$ID" > "$T/l1.txt"
reply acme "$ACME" combined l1raw --subject "Re: [$ID]" --body-file "$T/l1.txt"
wrap_list "$T/l1raw.eml" "$T/l1.eml" || bad "wrap l1"
acks0=$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE kind = 'ack' AND recipient = 'psirt@acme.example'")
vctl inspect "$T/l1.eml" > "$T/l1.out" 2>&1
# Skipped only while the decoder reads the whole as plain mail.
if ! grep -Eq '^shape: +plain' "$T/l1.out"; then
	expect 0 'decision: +apply' -- vctl inspect "$T/l1.eml"
	expect 0 '' -- deliver l1
	state acme comment | grep -q 'sent through our list' && ok || bad "l1 not applied: $(sqlite3 "$T/vulture.db" "SELECT kind, reason FROM messages ORDER BY id DESC LIMIT 1")"
	[ "$(state acme status)" = not-affected ] && ok || bad "l1 status $(state acme status)"
	lacks 'psirt mailing list' "l1 footer used" -- state acme comment
	[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE kind = 'ack' AND recipient = 'psirt@acme.example'")" = $((acks0 + 1)) ] && ok || bad "l1: acme not answered"
	[ "$(tolist)" = 0 ] && ok || bad "l1: answered to the list"
else
	# Until the decoder finds the encrypted part inside the list's
	# multipart/mixed (#15, decode): the routing rule is tested in
	# check_route; this shows the whole path once it lands.
	skip "list-wrapped PGP/MIME: the decoder does not find its encrypted part yet: $(grep -E '^(shape|decision)' "$T/l1.out" | tr '\n' ' ')"
fi
# The list's own traffic in clear: ignored, not answered.
reply acme "$ACME" plain l2raw --subject "[psirt] meeting notes" --body "notes"
wrap_list "$T/l2raw.eml" "$T/l2.eml" || bad "wrap l2"
expect 0 'decision: +ignore \(auto-reply\)' -- vctl inspect "$T/l2.eml"
expect 0 '' -- deliver l2
# Encrypted but unsigned through the list: quarantined, and nothing goes
# to the list's address (which the From names).
printf 'Case: %s\nStatus: affected\n' "$ID" > "$T/l3.txt"
reply acme "" encrypted l3raw --subject "Re: [$ID]" --body-file "$T/l3.txt"
wrap_list "$T/l3raw.eml" "$T/l3.eml" || bad "wrap l3"
expect 0 '' -- deliver l3
[ "$(tolist)" = 0 ] && ok || bad "l3: answered to the list"
[ "$(state acme status)" != affected ] && ok || bad "l3 (unsigned) applied"
finish
