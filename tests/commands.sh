#!/bin/sh
# Coordinator commands by signed, encrypted mail (through `vulturectl
# deliver`, as the MTA pipes them): the whole lifecycle of a multi-vendor
# case run by mail; all-or-nothing blocks; replays, stale signatures,
# wrong signers and clear text run nothing. The same commands through
# vulturectl.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
# Made a month ago, so that it can sign a stale block dated 10 days ago.
COORD=$(mkkey carol "Carol Coordinator <carol@cert.example>" full "--faked-system-time $(date -u -d '30 days ago' +%Y%m%dT%H%M%S)")
write_conf "[coordinators]
fingerprints = $COORD"
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
gpg --homedir "$T/gnupg" --batch --import "$T/keys/carol.asc" 2>/dev/null
for v in acme globex; do
	mkkey $v "$v PSIRT <psirt@$v.example>" > "$T/$v.fpr"
	gpg --homedir "$T/keys/$v" --batch --import "$T/desk.asc" 2>/dev/null
done
gpg --homedir "$T/keys/carol" --batch --import "$T/desk.asc" 2>/dev/null
n=0
# mail_block FILE-WITH-COMMANDS [mkreply args...]: a block mailed by Carol.
mail_block() {
	n=$((n + 1))
	f=$1
	shift
	$MK --home "$T/keys/carol" --signer "$COORD" --recipient "$DESK" --shape combined \
	    --from carol@cert.example --protected-subject "block $n" --subject "..." \
	    --body-file "$f" "$@" > "$T/c$n.eml" || bad "mkreply c$n"
	"$VCTL_BIN" deliver < "$T/c$n.eml" || bad "deliver c$n"
}
# The last transcript Carol received, decrypted with her key.
transcript() {
	row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'transcript' ORDER BY id DESC LIMIT 1")
	vctl outbox show "$row" > "$T/t.eml"
	decrypt_mail "$T/t.eml" "$T/keys/carol" "$T/t.status" | /usr/bin/python3 -c "
import email, sys
m = email.message_from_binary_file(sys.stdin.buffer)
print('Subject:', m['Subject'])
for p in m.walk():
    if p.get_content_type() == 'text/plain':
        print(p.get_payload(decode=True).decode())
        break"
}
vendors() { vctl vendor list; }

# 1. Register two vendors with their keys, attached to the mail.
cat > "$T/b1.txt" <<'B'
# registrations
vendor add acme "ACME Corp" general psirt@acme.example keywords httpd,tls
vendor key acme
vendor approve acme
thanks
vendor add ignored "Not run" general x@ignored.example
B
mail_block "$T/b1.txt" --attach "$T/keys/acme.asc"
transcript > "$T/t1"
grep -q '^Subject: Processed: block 1' "$T/t1" && ok || bad "subject: $(head -1 "$T/t1")"
grep -q '^OK vendor acme added (pending)' "$T/t1" && ok || bad "t1: $(cat "$T/t1")"
grep -q "^OK key $(cat "$T/acme.fpr") pinned for acme" "$T/t1" && ok || bad "key by mail"
vendors | grep -Eq '^acme +registered' && ok || bad "acme not registered"
lacks ignored "ran past thanks" -- vendors

# 2. An unknown verb: nothing of the block runs.
printf 'vendor add globex "Globex" general psirt@globex.example keywords httpd\nvendor dance globex\n' > "$T/b2.txt"
mail_block "$T/b2.txt"
transcript > "$T/t2"
grep -q '^Subject: Processed (with 1 errors): block 2' "$T/t2" && ok || bad "t2 subject: $(head -1 "$T/t2")"
grep -q '^ERROR line 2' "$T/t2" && ok || bad "t2: $(cat "$T/t2")"
lacks globex "half a block ran" -- vendors

# 3. A failed guard undoes the commands before it.
printf 'vendor add globex "Globex" general psirt@globex.example keywords httpd\nvendor approve globex\n' > "$T/b3.txt"
mail_block "$T/b3.txt"
transcript > "$T/t3"
grep -q '^OK (undone) vendor globex added' "$T/t3" && ok || bad "t3: $(cat "$T/t3")"
grep -q '^ERROR vendor globex has no contact with a pinned key' "$T/t3" && ok || bad "t3 error"
lacks globex "guard failure left globex" -- vendors
printf 'vendor add globex "Globex KK" general psirt@globex.example keywords httpd lang ja\nvendor key globex\nvendor approve globex\n' > "$T/b3b.txt"
mail_block "$T/b3b.txt" --attach "$T/keys/globex.asc"
vendors | grep -Eq '^globex +registered +general +ja' && ok || bad "globex by mail: $(vendors)"

# 4. A multi-vendor case from open to scheduled, all by mail.
printf 'Do you ship FooHTTP?\n' > "$T/summary.txt"
printf 'Overflow in the chunk parser.\n' > "$T/detail.txt"
printf 'case open "Overflow in FooHTTP" reporter IPA#77\n' > "$T/b4.txt"
mail_block "$T/b4.txt" --attach "$T/summary.txt" --attach "$T/detail.txt" --attach "$top_srcdir/tests/lib.sh"
transcript > "$T/t4"
ID=$(grep -o 'JVNVU#[0-9]\{8\}' "$T/t4" | head -1)
[ -n "$ID" ] && ok || bad "no case id in: $(cat "$T/t4")"
vctl case show "$ID" | grep -q 'Do you ship FooHTTP' && ok || bad "summary attachment"
vctl case show "$ID" | grep -q 'attachment: *lib.sh' && ok || bad "detail attachment"
# A summary.txt is held to a here-document's rule: no escape sequences.
mkdir -p "$T/hostile"
printf 'Do you ship\r\n\033[2J FooHTTP?\r\n' > "$T/hostile/summary.txt"
printf 'case open "Hostile summary"\n' > "$T/b4h.txt"
mail_block "$T/b4h.txt" --attach "$T/hostile/summary.txt"
transcript > "$T/t4h"
grep -q '^ERROR summary.txt: control character U+001B at line 2, character 1' "$T/t4h" && ok || bad "t4h: $(cat "$T/t4h")"
lacks 'Hostile summary' "case opened with a hostile summary" -- vctl case list
cat > "$T/b5.txt" <<B
case $ID notify keywords httpd
case $ID date 2099-02-01 reason "both vendors agreed"
case $ID status globex not-affected comment "checked by the coordinator"
case show $ID
B
mail_block "$T/b5.txt"
transcript > "$T/t5"
grep -q "^Subject: Processed: block $n" "$T/t5" && ok || bad "t5: $(cat "$T/t5")"
grep -q 'acme: summary sent' "$T/t5" && ok || bad "notify by mail"
grep -q 'publication 2099-02-01T11:00:00+09:00' "$T/t5" && ok || bad "date by mail"
grep -Eq 'globex +summary-sent +not-affected' "$T/t5" && ok || bad "show in transcript"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE kind IN ('summary','date-change')")" = 4 ] && ok || bad "notices queued"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE case_id = '$ID' AND message_id IS NOT NULL AND actor = 'coordinator'")" -ge 3 ] && ok || bad "events name the causing Message-ID"
# Here-documents carry multi-line values.
cat > "$T/b6.txt" <<B
case $ID detail <<END
Line one of the new detail.
# not a comment inside a here-document
END
B
mail_block "$T/b6.txt"
vctl case show "$ID" | grep -q '# not a comment inside' && ok || bad "here-document"

# Registration by mail: an unregistered vendor we asked to register answers
# with its organisation and its key attached, signed by that key; it
# becomes a pending vendor, the coordinator approves it by mail, and it is
# notified.
vctl vendor add newco "NewCo" general info@newco.example keywords httpd --unregistered > /dev/null
printf 'case %s notify vendors newco\n' "$ID" > "$T/b5b.txt"
mail_block "$T/b5b.txt"
transcript | grep -q 'newco: unregistered, registration request sent' && ok || bad "registration request"
NEWCO=$(mkkey newco "NewCo PSIRT <info@newco.example>")
gpg --homedir "$T/keys/newco" --batch --import "$T/desk.asc" 2>/dev/null
printf 'Organisation: NewCo Inc.\nContact: Hanako Sato\nPhone: +81-3-0000-0000\nCase: %s\n' "$ID" > "$T/reg.txt"
$MK --home "$T/keys/newco" --signer "$NEWCO" --recipient "$DESK" --shape combined --from info@newco.example \
    --subject "Re: [$ID] registration" --body-file "$T/reg.txt" --attach "$T/keys/newco.asc" > "$T/reg.eml"
"$VCTL_BIN" deliver < "$T/reg.eml" || bad "deliver registration"
vendors | grep -Eq '^newco +pending' && ok || bad "newco not pending: $(vendors)"
# A key by mail is a proposal (vulture(7)): listed, not pinned.
vctl vendor pending | grep -q "proposal .*newco .*$NEWCO info@newco.example" && ok || bad "newco key not proposed: $(vctl vendor pending)"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM contacts WHERE fingerprint = '$NEWCO'")" = 0 ] && ok || bad "newco key pinned by mail"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE kind = 'alert'")" -ge 1 ] && ok || bad "no alert for the registration"
printf 'desk vultures@cert.example\nvendor key newco confirm %s\nvendor approve newco\ncase %s notify vendors newco\n' "$NEWCO" "$ID" > "$T/b5c.txt"
mail_block "$T/b5c.txt"
transcript | grep -q 'newco: summary sent' && ok || bad "newco not notified after approval: $(transcript)"
# A stranger's registration: a new pending vendor named after it.
STRANGE=$(mkkey strange "Strange <sec@strange.example>")
gpg --homedir "$T/keys/strange" --batch --import "$T/desk.asc" 2>/dev/null
printf 'Organisation: Strange Devices GmbH\nKeywords: httpd\n' > "$T/reg2.txt"
$MK --home "$T/keys/strange" --signer "$STRANGE" --recipient "$DESK" --shape combined --from sec@strange.example \
    --subject "registration" --body-file "$T/reg2.txt" --attach "$T/keys/strange.asc" | "$VCTL_BIN" deliver
vendors | grep -Eq '^strange-devices-gmbh +pending' && ok || bad "stranger: $(vendors)"
# Signed by another key than the one attached: refused.
printf 'Organisation: Mallory Ltd\n' > "$T/reg3.txt"
$MK --home "$T/keys/acme" --signer "$(cat "$T/acme.fpr")" --recipient "$DESK" --shape combined --from m@mallory.example \
    --subject "registration" --body-file "$T/reg3.txt" --attach "$T/keys/strange.asc" | "$VCTL_BIN" deliver
lacks mallory "registration with someone else's key" -- vendors

# 5. Replays: the same signed block in a new envelope runs nothing.
sed 's/^Message-ID: <\(.*\)>/Message-ID: <again.\1>/' "$T/c5.eml" > "$T/replay.eml"
"$VCTL_BIN" deliver < "$T/replay.eml" || bad "deliver replay"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM messages WHERE kind = 'replay'")" = 1 ] && ok || bad "replay not detected"
transcript | grep -q 'ERROR this signed block was seen before' && ok || bad "replay answer"
# A signature older than command_max_age (7d).
printf 'vendor keywords acme httpd\n' > "$T/b7.txt"
# Signed 10 days ago (nested: the signature is made apart from the
# encryption, which must use the desk key as it is today).
n=$((n + 1))
$MK --home "$T/keys/carol" --signer "$COORD" --recipient "$DESK" --shape nested \
    --from carol@cert.example --subject "..." --body-file "$T/b7.txt" \
    --sign-arg=--faked-system-time=$(date -u -d "10 days ago" +%Y%m%dT%H%M%S) > "$T/c$n.eml" || bad "mkreply stale"
"$VCTL_BIN" deliver < "$T/c$n.eml" || bad "deliver stale"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM messages WHERE kind = 'replay'")" = 2 ] && ok || bad "stale signature not refused"
vctl vendor show acme | grep -q 'httpd,tls' && ok || bad "stale block changed keywords"

# 6. Wrong signer: a vendor's key runs no command.
$MK --home "$T/keys/acme" --signer "$(cat "$T/acme.fpr")" --recipient "$DESK" --shape combined \
    --subject "..." --body "vendor suspend globex" > "$T/w1.eml"
"$VCTL_BIN" deliver < "$T/w1.eml"
vendors | grep -Eq '^globex +registered' && ok || bad "a vendor ran a command"
# 7. Clear text from the coordinator: signed but not encrypted.
$MK --home "$T/keys/carol" --signer "$COORD" --shape clearsigned --subject "x" --body "vendor suspend acme" > "$T/w2.eml"
"$VCTL_BIN" deliver < "$T/w2.eml"
vendors | grep -Eq '^acme +registered' && ok || bad "clear text ran a command"
[ "$(sqlite3 "$T/vulture.db" "SELECT kind FROM messages ORDER BY id DESC LIMIT 1")" = not-encrypted ] && ok || bad "clear text kind"
# 8. Not addressed to the desk.
printf 'vendor suspend acme\n' > "$T/b8.txt"
$MK --home "$T/keys/carol" --signer "$COORD" --recipient "$DESK" --shape combined --to someone@else.example \
    --subject "..." --body-file "$T/b8.txt" | "$VCTL_BIN" deliver
vendors | grep -Eq '^acme +registered' && ok || bad "command not to the desk ran"
[ "$(sqlite3 "$T/vulture.db" "SELECT kind FROM messages ORDER BY id DESC LIMIT 1")" = not-to-desk ] && ok || bad "not-to-desk kind"

# 9. The same commands through vulturectl.
expect 0 'globex: status affected' -- vctl case status "$ID" globex affected comment "fixed in 2.0"
expect 0 'acme: marked unreachable' -- vctl case "$ID" unreachable acme
expect 0 'leak recorded, 3 participant messages, proposed date 2098-12-01' -- vctl case leak "$ID" "posted on a forum" date 2098-12-01
expect 64 'case status' -- vctl case status "$ID" globex happy
expect 1 'nobody is not a participant' -- vctl case status "$ID" nobody affected
expect 1 'no registered early recipient in finance' -- vctl case early "$ID" sectors finance
# An early recipient (critical infrastructure) gets summary and
# countermeasures; it is never notified as a vendor.
mkkey bank "Bank CSIRT <csirt@bank.example>" > "$T/bank.fpr"
expect 1 "'httpd' is not a sector" -- vctl vendor add bank "Example Bank" early csirt@bank.example keywords httpd
expect 0 'vendor bank added' -- vctl vendor add bank "Example Bank" early csirt@bank.example keywords finance
vctl vendor key bank "$T/keys/bank.asc" >/dev/null && vctl vendor approve bank >/dev/null || bad "bank key"
printf 'Update to FooHTTP 2.4.1.\n' > "$T/sol.txt"
vctl case advisory "$ID" solution "$T/sol.txt" >/dev/null
expect 0 'bank: early notice sent' -- vctl case early "$ID" sectors finance,gas
expect 64 "'farming'" -- vctl case early "$ID" sectors farming
expect 1 'bank is an early recipient' -- vctl case notify "$ID" vendors bank
row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'early' ORDER BY id DESC LIMIT 1")
vctl outbox show "$row" > "$T/early.eml"
gpg --homedir "$T/keys/bank" --batch --import "$T/desk.asc" 2>/dev/null
decrypt_mail "$T/early.eml" "$T/keys/bank" "$T/early.st" | grep -q 'Update to FooHTTP 2.4.1' && ok || bad "early notice content"
vctl case show "$ID" | grep -Eq 'globex +summary-sent +affected ' && ok || bad "status by vulturectl"

# Secondary sharing: acme asks to involve its subcontractor; the
# coordinator approves; the subcontractor writes in with its key and
# receives the detail.
$MK --home "$T/keys/acme" --signer "$(cat "$T/acme.fpr")" --recipient "$DESK" --shape combined \
    --protected-subject "Re: [$ID]" --subject "Re: [$ID]" \
    --body "Share-With: Sub Works KK; Taro Yamada; taro@sub.example; +81-3-0000-0000" | "$VCTL_BIN" deliver
REL=$(sqlite3 "$T/vulture.db" "SELECT id FROM related_orgs WHERE address = 'taro@sub.example' AND state = 'pending'")
[ -n "$REL" ] && ok || bad "share request not recorded"
expect 0 "share request $REL approved: Sub Works KK <taro@sub.example> invited" -- vctl case share "$ID" approve "$REL"
expect 1 "no pending share request $REL" -- vctl case share "$ID" approve "$REL"
row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'share-invite'")
vctl outbox show "$row" | grep -q 'multipart/signed' && ok || bad "invitation not signed in clear"
lacks Overflow "invitation leaks the title" -- vctl outbox show "$row"
SUB=$(mkkey sub "Taro Yamada <taro@sub.example>")
gpg --homedir "$T/keys/sub" --batch --import "$T/desk.asc" 2>/dev/null
printf 'Case: %s\nOrganisation: Sub Works KK\nContact: Taro Yamada\n' "$ID" > "$T/sub.txt"
$MK --home "$T/keys/sub" --signer "$SUB" --recipient "$DESK" --shape combined --from taro@sub.example \
    --subject "[$ID]" --body-file "$T/sub.txt" --attach "$T/keys/sub.asc" | "$VCTL_BIN" deliver
# Its key is a proposal: nothing about the case goes out until the
# coordinator confirms the fingerprint (rule 9).
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE recipient = 'taro@sub.example' AND kind = 'detail'")" = 0 ] && ok || bad "detail sent before the key was confirmed"
expect 1 "the key that arrived from Sub Works KK is $SUB, not 0000" -- vctl case share "$ID" confirm "$REL" 0000000000000000000000000000000000000000
expect 0 "registered as sub-works-kk for $ID with key $SUB" -- vctl case share "$ID" confirm "$REL" "$SUB"
vctl case show "$ID" | grep -Eq 'sub-works-kk +detail-sent' && ok || bad "subcontractor not registered for the case: $(vctl case show "$ID" | grep -A12 participants)"
row=$(sqlite3 "$T/vulture.db" "SELECT id FROM outbox WHERE kind = 'detail' AND recipient = 'taro@sub.example'")
vctl outbox show "$row" > "$T/subdetail.eml"
decrypt_mail "$T/subdetail.eml" "$T/keys/sub" "$T/sub.st" | grep -q 'Line one of the new detail' && ok || bad "subcontractor detail"

# The rest of the verbs by mail, in one block: keywords, status, leak,
# unreachable, advisory, disclose (acme asks first), suspend, publish.
$MK --home "$T/keys/acme" --signer "$(cat "$T/acme.fpr")" --recipient "$DESK" --shape combined \
    --protected-subject "Re: [$ID]" --subject "Re: [$ID]" --body "Request-Detail: yes" | "$VCTL_BIN" deliver
cat > "$T/b5d.txt" <<B
vendor keywords globex httpd,dns
case $ID status newco not-affected comment "checked"
case $ID unreachable newco
case $ID advisory overview "An overflow in FooHTTP."
case $ID leak "seen on a forum"
case $ID publish now
vendor suspend newco
B
mail_block "$T/b5d.txt"
transcript > "$T/t5d"
grep -q "^Subject: Processed: block $n" "$T/t5d" && ok || bad "verbs by mail: $(cat "$T/t5d")"
vctl vendor show globex | grep -q 'dns,httpd' && ok || bad "keywords by mail"
vendors | grep -Eq '^newco +suspended' && ok || bad "suspend by mail"
vctl case show "$ID" | grep -q 'state: *published' && ok || bad "publish by mail"
vctl case show "$ID" | grep -Eq 'newco .*not-affected .*UNREACHABLE' && ok || bad "status/unreachable by mail"
vctl case show "$ID" | grep -q ' leak reason=seen on a forum' && ok || bad "leak by mail"

finish
