#!/bin/sh
# The trust boundary (vulture(7)), attacked as an outsider would, with real
# keys and real mail through `vulturectl deliver`: replaying a coordinator's
# signed block under someone else's encryption, a block meant for another
# desk, moving a vendor's signed statement to another case or time, taking
# over an unregistered vendor's record or an invited organisation by From.
# Each attack worked before the fix; each must change nothing now.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
# Made a month ago, so that they can sign "before the case existed".
PAST="--faked-system-time $(date -u -d '30 days ago' +%Y%m%dT%H%M%S)"
COORD=$(mkkey carol "Carol Coordinator <carol@cert.example>" full "$PAST")
write_conf "[coordinators]
fingerprints = $COORD"
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
gpg --homedir "$T/gnupg" --batch --import "$T/keys/carol.asc" 2>/dev/null
ACME=$(mkkey acme "ACME PSIRT <psirt@acme.example>" full "$PAST")
GLOBEX=$(mkkey globex "Globex <sec@globex.example>")
MALLORY=$(mkkey mallory "Mallory <psirt@initech.example>")
TARO=$(mkkey taro "Taro Yamada <taro@sub.example>")
EVE=$(mkkey eve "Eve <taro@sub.example>")
for k in carol acme globex mallory taro eve; do
	gpg --homedir "$T/keys/$k" --batch --import "$T/desk.asc" 2>/dev/null
done
vctl vendor add acme "ACME Corp" general psirt@acme.example >/dev/null
vctl vendor add globex "Globex" general sec@globex.example >/dev/null
vctl vendor key acme "$T/keys/acme.asc" >/dev/null
vctl vendor key globex "$T/keys/globex.asc" >/dev/null
vctl vendor approve acme >/dev/null
vctl vendor approve globex >/dev/null
vctl vendor add initech "Initech" general psirt@initech.example --unregistered >/dev/null
printf 'The detail of case A.\n' > "$T/detail.txt"
A=$(vctl case open "Overflow in FooHTTP" --detail "$T/detail.txt")
B=$(vctl case open "Another case")
vctl case notify "$A" vendors acme,globex,initech >/dev/null || bad "notify A"
vctl case notify "$B" vendors acme >/dev/null || bad "notify B"

db() { sqlite3 "$T/vulture.db" "$1"; }
last() { db "SELECT kind FROM messages ORDER BY id DESC LIMIT 1"; }
state() {	# case vendor field
	vctl --json case show "$1" | /usr/bin/python3 -c "
import json, sys
c = json.load(sys.stdin)
p = [p for p in c['participants'] if p['vendor'] == sys.argv[1]]
print(p[0][sys.argv[2]] if p else '-')" "$2" "$3"
}
vstate() { vctl vendor list | awk -v h="$1" '$1 == h {print $2}'; }
# wrap_encrypted IN OUT [protected-to]: what a third party does with a
# signed message taken off the wire: its multipart/signed entity, as is,
# encrypted to the desk with nobody's signature. With a third argument the
# wrapper claims protected headers (a To naming the desk) outside the
# signature.
wrap_encrypted() {
	/usr/bin/python3 - "$1" "$T/keys/mallory" "$DESK" "${3:-}" > "$2" <<'PY'
import email, email.policy, subprocess, sys
raw = open(sys.argv[1], 'rb').read().replace(b'\r\n', b'\n')
head, body = raw.split(b'\n\n', 1)
m = email.message_from_bytes(raw, policy=email.policy.compat32)
ct = m['Content-Type'].replace('\n', '')
if sys.argv[4]:
    ct += '; protected-headers="v1"'
entity = b'Content-Type: ' + ct.encode() + b'\n'
if sys.argv[4]:
    entity += b'To: ' + sys.argv[4].encode() + b'\nSubject: fwd\n'
entity += b'\n' + body
enc = subprocess.run(['gpg', '--homedir', sys.argv[2], '--batch', '--yes',
    '--trust-model', 'always', '--armor', '--encrypt', '-r', sys.argv[3]],
    input=entity.replace(b'\n', b'\r\n'), capture_output=True, check=True).stdout
b = 'attacker-boundary'
out = ('From: mallory@evil.example\nTo: vultures@cert.example\n'
       'Subject: commands\nMessage-ID: <%s@evil.example>\nMIME-Version: 1.0\n'
       'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; '
       'boundary="%s"\n\n--%s\nContent-Type: application/pgp-encrypted\n\n'
       'Version: 1\n\n--%s\nContent-Type: application/octet-stream\n\n' %
       (abs(hash(raw)), b, b, b)).encode() + enc + ('\n--%s--\n' % b).encode()
sys.stdout.buffer.write(out.replace(b'\n', b'\r\n'))
PY
}

# 1a. A coordinator's block signed but not encrypted: refused as not
# encrypted -- and its signature is spent. Taken off the wire and
# encrypted to the desk by a third party, it must not run.
printf 'vendor suspend globex\n' > "$T/b1.txt"
$MK --home "$T/keys/carol" --signer "$COORD" --shape signed --protected-subject "commands" \
    --subject "commands" --from carol@cert.example --body-file "$T/b1.txt" > "$T/b1.eml"
expect 0 '' -- vctl deliver < "$T/b1.eml"
[ "$(last)" = not-encrypted ] && ok || bad "1a: signed-only block: $(last)"
wrap_encrypted "$T/b1.eml" "$T/b1x.eml"
expect 0 'decision: +quarantine \(replay\)' -- vctl inspect "$T/b1x.eml"
expect 0 '' -- vctl deliver < "$T/b1x.eml"
[ "$(vstate globex)" = registered ] && ok || bad "1a: the replayed block ran: globex $(vstate globex)"
[ "$(last)" = replay ] && ok || bad "1a: not refused as a replay: $(last)"
# The coordinator hears of both, encrypted to her own key's address.
[ "$(db "SELECT count(*) FROM outbox WHERE kind = 'transcript' AND recipient = 'carol@cert.example'")" = 2 ] && ok || bad "1a: transcripts: $(db "SELECT recipient FROM outbox WHERE kind = 'transcript'")"

# 1b. A block signed for another desk (its protected To), sent to us.
printf 'vendor suspend globex\n' > "$T/b2.txt"
$MK --home "$T/keys/carol" --signer "$COORD" --recipient "$DESK" --shape combined \
    --protected-subject "commands" --protected-to "desk@other-cert.example" --subject "commands" \
    --from carol@cert.example --body-file "$T/b2.txt" > "$T/b2.eml"
expect 0 '' -- vctl deliver < "$T/b2.eml"
[ "$(vstate globex)" = registered ] && ok || bad "1b: a block for another desk ran"
[ "$(last)" = not-to-desk ] && ok || bad "1b: $(last)"
# 1c. A block that names no desk: refused, and the transcript says how.
$MK --home "$T/keys/carol" --signer "$COORD" --recipient "$DESK" --shape inline \
    --subject "commands" --from carol@cert.example --body-file "$T/b2.txt" > "$T/b3.eml"
expect 0 '' -- vctl deliver < "$T/b3.eml"
[ "$(last)" = not-to-desk ] && ok || bad "1c: $(last)"
db "SELECT reason FROM messages ORDER BY id DESC LIMIT 1" | grep -q "desk vultures@cert.example" && ok || bad "1c: no hint"
[ "$(vstate globex)" = registered ] && ok || bad "1c: ran"
# 1d. A signed block (for another desk, never seen here) wrapped by a third
# party who adds protected headers naming us outside the signature.
$MK --home "$T/keys/carol" --signer "$COORD" --shape signed --subject "commands" \
    --from carol@cert.example --body-file "$T/b2.txt" > "$T/b4.eml"
wrap_encrypted "$T/b4.eml" "$T/b4x.eml" vultures@cert.example
expect 0 '' -- vctl deliver < "$T/b4x.eml"
[ "$(vstate globex)" = registered ] && ok || bad "1d: unsigned protected headers were believed"
[ "$(last)" = not-to-desk ] && ok || bad "1d: $(last)"
# The same block with its desk line inside the signature runs.
printf 'desk vultures@cert.example\nvendor keywords globex httpd\n' > "$T/b5.txt"
$MK --home "$T/keys/carol" --signer "$COORD" --recipient "$DESK" --shape inline \
    --subject "commands" --from carol@cert.example --body-file "$T/b5.txt" > "$T/b5.eml"
expect 0 '' -- vctl deliver < "$T/b5.eml"
[ "$(last)" = command ] && ok || bad "1e: a block naming the desk did not run: $(last) $(db "SELECT reason FROM messages ORDER BY id DESC LIMIT 1")"

# 5a. A genuine reply whose case id is only in the outer Subject, which is
# not signed: rewritten to name case B, it must not land in B.
printf 'Status: affected\nComment: in A only\n' > "$T/r1.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
    --subject "Re: [$B]" --body-file "$T/r1.txt" > "$T/r1.eml"
expect 0 '' -- vctl deliver < "$T/r1.eml"
[ "$(state "$B" acme status)" = unknown ] && ok || bad "5a: the outer Subject moved a reply: $(state "$B" acme status)"
[ "$(last)" = case-unsigned ] && ok || bad "5a: $(last)"
# 5b. An old signed-only statement for A (quoting A's notice), encrypted
# by a third party and sent as about B: it stays about A.
printf 'Status: not-affected\n\n> [%s] Vulnerability notice\n' "$A" > "$T/r2.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --shape signed --subject "Re: [$A]" \
    --body-file "$T/r2.txt" > "$T/r2.eml"
wrap_encrypted "$T/r2.eml" "$T/r2x.eml"
sed "s/^Subject: .*/Subject: Re: [$B]/" "$T/r2x.eml" > "$T/r2y.eml"
expect 0 '' -- vctl deliver < "$T/r2y.eml"
[ "$(state "$B" acme status)" = unknown ] && ok || bad "5b: moved to B"
[ "$(state "$A" acme status)" = not-affected ] && ok || bad "5b: the quoted notice did not route to A: $(last)"
# 5c. Signed before the case existed, and signed in 2100: refused.
printf 'Case: %s\nStatus: affected\n' "$A" > "$T/r3.txt"
# (nested: signed then, encrypted now to the desk key of today)
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape nested --subject "Re: [$A]" \
    --sign-arg="--faked-system-time=$(date -u -d '20 days ago' +%Y%m%dT%H%M%S)" --body-file "$T/r3.txt" > "$T/r3.eml"
expect 0 '' -- vctl deliver < "$T/r3.eml"
[ "$(last)" = before-notice ] && ok || bad "5c: old signature: $(last)"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined --subject "Re: [$A]" \
    --gpg-arg="--faked-system-time=21000101T000000" --body-file "$T/r3.txt" > "$T/r4.eml"
expect 0 '' -- vctl deliver < "$T/r4.eml"
[ "$(last)" = future-signature ] && ok || bad "5c: 2100: $(last)"
[ "$(state "$A" acme status)" = not-affected ] && ok || bad "5c: status changed: $(state "$A" acme status)"

# 4. An unregistered vendor's record taken over by From: Mallory sends a
# registration as psirt@initech.example with her key, then a status.
printf 'Organisation: Initech\nContact: Mallory\nCase: %s\n' "$A" > "$T/reg.txt"
$MK --home "$T/keys/mallory" --signer "$MALLORY" --recipient "$DESK" --shape combined \
    --from psirt@initech.example --subject "Re: [$A]" --body-file "$T/reg.txt" \
    --attach "$T/keys/mallory.asc" > "$T/reg.eml"
expect 0 '' -- vctl deliver < "$T/reg.eml"
[ "$(db "SELECT count(*) FROM contacts WHERE fingerprint = '$MALLORY'")" = 0 ] && ok || bad "4: a key by mail was pinned"
vctl vendor pending | grep -q "initech .*$MALLORY" && ok || bad "4: no proposal listed: $(vctl vendor pending)"
# In JSON too, with the time the key arrived (the text listing shows it).
vctl --json vendor pending | /usr/bin/python3 -c "
import json, sys
p = [p for p in json.load(sys.stdin)['proposals'] if p['fingerprint'] == sys.argv[1]]
sys.exit(0 if p and p[0]['vendor'] == 'initech' and p[0].get('created', '')[:2] == '20' else 1)" "$MALLORY" &&
    ok || bad "4: the JSON proposal lacks created: $(vctl --json vendor pending)"
vctl vendor show initech | grep -q "proposal .*$MALLORY" && ok || bad "4: vendor show lacks the proposal"
printf 'Case: %s\nStatus: not-affected\n' "$A" > "$T/m1.txt"
$MK --home "$T/keys/mallory" --signer "$MALLORY" --recipient "$DESK" --shape combined \
    --from psirt@initech.example --subject "Re: [$A]" --body-file "$T/m1.txt" > "$T/m1.eml"
expect 0 '' -- vctl deliver < "$T/m1.eml"
[ "$(state "$A" initech status)" = unknown ] && ok || bad "4: the outsider's status applied"
[ "$(db "SELECT count(*) FROM outbox WHERE recipient = 'psirt@initech.example' AND kind IN ('ack', 'rejected')")" = 0 ] && ok || bad "4: the outsider was answered about the case"
# Confirmed but not yet approved: still held, nothing about the case goes.
expect 0 "key $MALLORY confirmed and pinned for initech" -- vctl vendor key initech confirm "$MALLORY"
expect 0 '' -- vctl deliver < "$T/m1.eml"
$MK --home "$T/keys/mallory" --signer "$MALLORY" --recipient "$DESK" --shape combined \
    --from psirt@initech.example --subject "Re: [$A]" --body-file "$T/m1.txt" > "$T/m2.eml"
expect 0 '' -- vctl deliver < "$T/m2.eml"
[ "$(last)" = pending-vendor ] && ok || bad "4: a pending vendor's statement: $(last)"
[ "$(state "$A" initech status)" = unknown ] && ok || bad "4: pending vendor applied"
[ "$(db "SELECT count(*) FROM outbox WHERE recipient = 'psirt@initech.example' AND kind IN ('ack', 'rejected', 'detail')")" = 0 ] && ok || bad "4: a pending vendor heard about the case"

# 3. Secondary sharing: acme invites its subcontractor; anyone writing as
# taro@sub.example with a key is only a proposal; the real one registers
# when acme vouches for its fingerprint in a signed reply.
printf 'Case: %s\nShare-With: Sub Works KK; Taro Yamada; taro@sub.example; +81-3-0000-0000\n' "$A" > "$T/s1.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
    --subject "Re: [$A]" --body-file "$T/s1.txt" | vctl deliver
REL=$(db "SELECT id FROM related_orgs WHERE address = 'taro@sub.example'")
expect 0 "share request $REL approved" -- vctl case share "$A" approve "$REL"
printf 'Case: %s\nOrganisation: Sub Works KK\n' "$A" > "$T/s2.txt"
$MK --home "$T/keys/eve" --signer "$EVE" --recipient "$DESK" --shape combined \
    --from taro@sub.example --subject "[$A]" --body-file "$T/s2.txt" --attach "$T/keys/eve.asc" | vctl deliver
[ "$(db "SELECT count(*) FROM outbox WHERE recipient = 'taro@sub.example' AND kind = 'detail'")" = 0 ] && ok || bad "3: the detail went to whoever wrote as taro"
[ "$(db "SELECT proposed_fpr FROM related_orgs WHERE id = $REL")" = "$EVE" ] && ok || bad "3: proposal not recorded"
# The real Taro writes in; acme vouches for his fingerprint.
$MK --home "$T/keys/taro" --signer "$TARO" --recipient "$DESK" --shape combined \
    --from taro@sub.example --subject "[$A]" --body-file "$T/s2.txt" --attach "$T/keys/taro.asc" | vctl deliver
[ "$(db "SELECT count(*) FROM outbox WHERE recipient = 'taro@sub.example' AND kind = 'detail'")" = 0 ] && ok || bad "3: detail before anyone vouched"
printf 'Case: %s\nShare-Key: %s\n' "$A" "$TARO" > "$T/s3.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
    --subject "Re: [$A]" --body-file "$T/s3.txt" | vctl deliver
[ "$(db "SELECT fingerprint FROM outbox WHERE recipient = 'taro@sub.example' AND kind = 'detail'")" = "$TARO" ] && ok || bad "3: vouched key did not get the detail: $(db "SELECT recipient, kind, fingerprint FROM outbox ORDER BY id DESC LIMIT 3")"
[ "$(db "SELECT state FROM related_orgs WHERE id = $REL")" = registered ] && ok || bad "3: not registered"
# Clear text that answers our notice, names the case's title, or sits
# beside ciphertext we cannot read: a possible leak, never answered.
NOTICE=$(db "SELECT message_id FROM outbox WHERE case_id = '$A' AND recipient = 'sec@globex.example' ORDER BY id LIMIT 1")
$MK --home "$T/keys/globex" --shape plain --from sec@globex.example --subject "Re: your mail" \
    --in-reply-to "$NOTICE" --body "We cannot decrypt it, please resend in clear." > "$T/l1.eml"
expect 0 '' -- vctl deliver < "$T/l1.eml"
[ "$(last)" = leak ] && ok || bad "leak by In-Reply-To: $(last)"
$MK --home "$T/keys/globex" --shape plain --from sec@globex.example --subject "question" \
    --body "About the overflow in FooHTTP you wrote about: is 2.3 affected?" > "$T/l2.eml"
expect 0 '' -- vctl deliver < "$T/l2.eml"
[ "$(last)" = leak ] && ok || bad "leak by title: $(last)"
# Inline PGP encrypted to the wrong key, with the case named around it.
{ printf 'From: sec@globex.example\nTo: vultures@cert.example\nSubject: Re: [%s]\nMessage-ID: <l3@globex.example>\n\nOur status on %s, encrypted:\n\n' "$A" "$A"
  echo "Status: affected" | gpg --homedir "$T/keys/globex" --batch --armor --encrypt -r "$GLOBEX" 2>/dev/null; } > "$T/l3.eml"
expect 0 '' -- vctl deliver < "$T/l3.eml"
[ "$(last)" = leak ] && ok || bad "undecryptable mail naming the case in clear: $(last)"
# An odd but legal Message-ID loses the threading, not the answer, and
# raises no alert about the vendor's key.
acks=$(db "SELECT count(*) FROM outbox WHERE kind = 'ack' AND recipient = 'psirt@acme.example'")
alerts=$(db "SELECT count(*) FROM outbox WHERE kind = 'alert'")
printf 'Case: %s\nComment: odd message id\n' "$A" > "$T/id.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined --subject "Re: [$A]" \
    --message-id "odd id without an at sign $(printf '%0300d' 0)" --body-file "$T/id.txt" > "$T/id.eml"
expect 0 '' -- vctl deliver < "$T/id.eml"
[ "$(last)" = applied ] && ok || bad "odd Message-ID: $(last)"
[ "$(db "SELECT count(*) FROM outbox WHERE kind = 'ack' AND recipient = 'psirt@acme.example'")" = $((acks + 1)) ] && ok || bad "odd Message-ID: no acknowledgement"
[ "$(db "SELECT count(*) FROM outbox WHERE kind = 'alert'")" = "$alerts" ] && ok || bad "odd Message-ID raised an alert"
# Forged unsigned mail From a vendor's address: one request to sign an
# hour, not one per message.
for k in 1 2 3; do
	$MK --home "$T/keys/mallory" --recipient "$DESK" --shape encrypted --from psirt@acme.example \
	    --subject "hello $k" --body "Status: affected" | vctl deliver
done
[ "$(db "SELECT count(*) FROM outbox WHERE kind = 'sign-request' AND recipient = 'psirt@acme.example'")" = 1 ] && ok || bad "sign requests not limited: $(db "SELECT count(*) FROM outbox WHERE kind = 'sign-request'")"
# Weak algorithms ([policy] defaults): refused, and the vendor is told.
rej=$(db "SELECT count(*) FROM outbox WHERE kind = 'rejected' AND recipient = 'psirt@acme.example'")
printf 'Case: %s\nStatus: affected\nComment: sent with CAST5\n' "$A" > "$T/w.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined --subject "Re: [$A]" \
    --gpg-arg=--cipher-algo=CAST5 --body-file "$T/w.txt" > "$T/w.eml" 2>/dev/null
expect 0 '' -- vctl deliver < "$T/w.eml"
[ "$(last)" = weak-algorithm ] && ok || bad "CAST5 reply: $(last)"
lacks CAST5 "a CAST5 reply was applied" -- state "$A" acme comment
[ "$(db "SELECT count(*) FROM outbox WHERE kind = 'rejected' AND recipient = 'psirt@acme.example'")" = $((rej + 1)) ] && ok || bad "the vendor was not told about CAST5"
# 2. A planted key: a registration whose key carries a vendor's primary as
# a subkey (tests/mkattack.sh makes it with real gpg). Refused before it
# touches the key ring; the real key is still found, alerts still go.
mkdir -p "$T/atk" && chmod 700 "$T/atk"
sh "$top_srcdir/tests/mkattack.sh" "$T/atk" >/dev/null 2>&1 || bad "mkattack"
. "$T/atk/env"
expect 0 '' -- vctl vendor add victimco "Victim Co" general victim@cert.example
expect 0 "pinned" -- vctl vendor key victimco "$T/atk/victim.gpg"
expect 0 '' -- vctl vendor approve victimco
gpg --homedir "$T/atk/g" --batch --import "$T/desk.asc" 2>/dev/null
# What the attacker mails: his key with the victim's primary planted in it.
gpg --homedir "$T/atk/g" --batch --armor --export "$AUTH" > "$T/atk/plant.asc" 2>/dev/null
gpg --with-colons --show-keys "$T/atk/plant.asc" 2>/dev/null | grep -q "^fpr:.*$VICTIM" && ok || bad "the attack key does not carry the victim"
printf 'Organisation: Evil Plant Ltd\n' > "$T/pl.txt"
$MK --home "$T/atk/g" --passphrase x --signer "$AUTH" --recipient "$DESK" --shape combined \
    --from auth@evil.example --subject "registration" --body-file "$T/pl.txt" --attach "$T/atk/plant.asc" > "$T/pl.eml" || bad "mkreply plant"
expect 0 '' -- vctl deliver < "$T/pl.eml"
[ "$(last)" = bad-registration ] && ok || bad "planted key: $(last)"
db "SELECT reason FROM messages ORDER BY id DESC LIMIT 1" | grep -q 'planted' && ok || bad "planted key: reason $(db "SELECT reason FROM messages ORDER BY id DESC LIMIT 1")"
[ "$(gpg --homedir "$T/gnupg" --with-colons --list-keys "$VICTIM" 2>/dev/null | grep -c '^pub')" = 1 ] && ok || bad "planted key reached the key ring"
expect 0 'summary sent' -- vctl case notify "$A" vendors victimco
# A registered vendor's new key, signed by its pinned key: a proposal,
# into the key ring and pinned only when a coordinator confirms it.
ACME2=$(mkkey acme2 "ACME PSIRT <psirt@acme.example>")
gpg --homedir "$T/keys/acme2" --batch --import "$T/desk.asc" 2>/dev/null
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined --subject "new key" \
    --body "Our new key is attached." --attach "$T/keys/acme2.asc" > "$T/k1.eml"
expect 0 '' -- vctl deliver < "$T/k1.eml"
[ "$(last)" = key-change ] && ok || bad "key change: $(last)"
[ "$(db "SELECT fingerprint FROM contacts WHERE address = 'psirt@acme.example'")" = "$ACME" ] && ok || bad "a key by mail replaced the pinned one"
gpg --homedir "$T/gnupg" --list-keys "$ACME2" >/dev/null 2>&1 && bad "the proposed key is in the key ring before confirmation" || ok
vctl vendor pending | grep -q "acme .*$ACME2" && ok || bad "key change not listed: $(vctl vendor pending)"
expect 0 "key $ACME2 confirmed and pinned for acme" -- vctl vendor key acme confirm "$ACME2"
printf 'Case: %s\nComment: signed with the new key\n' "$A" > "$T/k2.txt"
$MK --home "$T/keys/acme2" --signer "$ACME2" --recipient "$DESK" --shape combined --subject "Re: [$A]" \
    --body-file "$T/k2.txt" > "$T/k2.eml"
expect 0 '' -- vctl deliver < "$T/k2.eml"
[ "$(last)" = applied ] && ok || bad "reply with the confirmed key: $(last)"
finish
