#!/bin/sh
# Outbound notices end to end: notify, detail on request, acknowledgement,
# date change, alerts, registration request; sent by `outbox flush` to a
# real SMTP server (aiosmtpd) on loopback; what arrives verifies against
# the desk key and decrypts with the vendor's key to the expected text, and
# neither the wire nor the outbox carries the plaintext.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"
MAIL="$T/maildir"
start_smtp "$MAIL" || { bad "smtp server"; finish; exit 1; }

COORD=$(mkkey coord "Carol Coordinator <carol@cert.example>")
write_conf "[coordinators]
fingerprints = $COORD
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = none"
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
gpg --homedir "$T/gnupg" --batch --import "$T/keys/coord.asc" 2>/dev/null
ACME=$(mkkey acme "ACME PSIRT <psirt@acme.example>")
GLOBEX=$(mkkey globex "Globex <sec@globex.example>")
INDIE=$(mkkey indie "Indie <dev@indie.example>")
for k in acme globex indie coord; do
	gpg --homedir "$T/keys/$k" --batch --import "$T/desk.asc" 2>/dev/null
done
vctl vendor add acme "ACME Corp" general psirt@acme.example keywords httpd >/dev/null
vctl vendor add globex "Globex KK" general sec@globex.example keywords httpd --lang ja >/dev/null
vctl vendor add indie "Indie Dev" individual dev@indie.example keywords httpd >/dev/null
vctl vendor add initech "Initech" general info@initech.example keywords httpd --unregistered >/dev/null
for v in acme globex indie; do
	vctl vendor key $v "$T/keys/$v.asc" >/dev/null
	vctl vendor approve $v >/dev/null
done
printf 'Do you ship FooHTTP? SUMMARYMARK\n' > "$T/summary.txt"
printf 'Stack overflow in chunked decoding. DETAILMARK\n' > "$T/detail.txt"
printf 'exploit = True  # POCMARK\n' > "$T/poc.py"
ID=$(vctl case open "Overflow TITLEMARK" --summary "$T/summary.txt" --detail "$T/detail.txt" --attach "$T/poc.py")

# notify by keywords: acme and globex get the summary, initech the
# registration request, indie (individual, multi-vendor case) is skipped.
expect 0 'acme: summary sent' -- vctl case notify "$ID" keywords httpd
out=$(vctl case show "$ID")
echo "$out" | grep -Eq 'initech +registration-requested' && ok || bad "initech stage: $out"
echo "$out" | grep -q 'indie' && bad "indie notified without force" || ok
expect 1 'indie is registered individually' -- vctl case notify "$ID" vendors indie
expect 0 'indie: summary sent' -- vctl case notify "$ID" vendors indie force
expect 0 'acme: already notified' -- vctl case notify "$ID" vendors acme
expect 1 "no vendor 'nobody'" -- vctl case notify "$ID" vendors nobody
expect 64 'case notify: ID vendors' -- vctl case notify "$ID" vendors
expect 64 "vendors or keywords, not 'people'" -- vctl case notify "$ID" people acme
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE state='queued'")" = 4 ] && ok || bad "queued count"
# The outbox holds ciphertext only.
sqlite3 "$T/vulture.db" "SELECT quote(body) FROM outbox" > "$T/outbox.hex"
[ "$(grep -c "^X'" "$T/outbox.hex")" = 4 ] && ok || bad "outbox bodies not read: $(head -c 200 "$T/outbox.hex")"
for m in SUMMARYMARK TITLEMARK; do
	hex=$(printf '%s' "$m" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
	grep -q "$hex" "$T/outbox.hex" && bad "$m in the outbox" || ok
done
expect 0 'sent 4, retrying 0, failed 0' -- vctl outbox flush
expect 0 'sent +summary' -- vctl outbox list

# What the server received.
files=$(ls "$MAIL"/new/* 2>/dev/null | wc -l)
[ "$files" = 4 ] && ok || bad "received $files messages"
# Every message received (the four counted above) is read, and none
# carries a marker in clear.
seen=0 leaked=
for f in "$MAIL"/new/*; do
	[ -f "$f" ] || continue
	seen=$((seen + 1))
	for m in SUMMARYMARK TITLEMARK DETAILMARK; do
		grep -q "$m" "$f" && leaked="$leaked $m:$f"
	done
done
[ "$seen" = 4 ] && [ -z "$leaked" ] && ok || bad "on the wire in clear ($seen messages read):$leaked"
find_to() { grep -l "^To: .*$1" "$MAIL"/new/* | head -1; }
f=$(find_to psirt@acme.example)
decrypt_mail "$f" "$T/keys/acme" "$T/st1" > "$T/acme1.txt"
grep -q "VALIDSIG $DESK\|VALIDSIG .* $DESK" "$T/st1" && ok || bad "acme summary not signed by desk: $(cat "$T/st1")"
grep -q SUMMARYMARK "$T/acme1.txt" && ok || bad "acme summary text"
grep -q "Case: $ID" "$T/acme1.txt" && ok || bad "reply form in summary"
grep -q "^Subject: \[$ID\] Vulnerability notice: Overflow TITLEMARK" "$T/acme1.txt" && ok || bad "protected subject"
grep -q DETAILMARK "$T/acme1.txt" && bad "detail in the summary" || ok
f=$(find_to sec@globex.example)
decrypt_mail "$f" "$T/keys/globex" "$T/st2" > "$T/globex1.txt"
/usr/bin/python3 - "$T/globex1.txt" <<'PY' && ok || bad "globex summary not in Japanese"
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
subj = str(email.header.make_header(email.header.decode_header(m["Subject"])))
body = "".join(p.get_payload(decode=True).decode("utf-8") for p in m.walk() if p.get_content_type() == "text/plain")
assert "脆弱性情報のお知らせ" in subj, subj
assert "案件番号：" in body and "SUMMARYMARK" in body, body
PY
# A vendor's key cannot read another vendor's mail.
decrypt_mail "$f" "$T/keys/acme" "$T/st3" > /dev/null
grep -q DECRYPTION_OKAY "$T/st3" && bad "acme decrypted globex's notice" ||
    { grep -q '^\[GNUPG:\] NO_SECKEY' "$T/st3" && ok || bad "acme's gpg did not say why it could not decrypt: $(cat "$T/st3")"; }
f=$(find_to info@initech.example)
grep -q "$ID" "$f" && ok || bad "registration request lacks the id"
grep -q 'multipart/signed' "$f" && ok || bad "registration request not signed"
grep -qi 'encrypted' "$f" && bad "registration request encrypted?" || ok
rm -f "$MAIL"/new/*

# acme asks for the detail: acknowledged and (auto_disclose) answered.
printf 'Request-Detail: yes\nStatus: affected-investigating\n' > "$T/form.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
    --protected-subject "Re: [$ID] notice" --subject "Re: [$ID]" --body-file "$T/form.txt" > "$T/r1.eml"
expect 0 '' -- sh -c "\"$VCTL_BIN\" deliver < \"$T/r1.eml\""
expect 0 'sent 2,' -- vctl outbox flush
f=$(grep -l 'Auto-Submitted: auto-replied' "$MAIL"/new/* | head -1)
decrypt_mail "$f" "$T/keys/acme" "$T/st4" > "$T/ack.txt"
grep -q '^  - Status: Affected (investigating)' "$T/ack.txt" && ok || bad "ack content: $(cat "$T/ack.txt")"
grep -q '^  - Request-Detail: yes' "$T/ack.txt" && ok || bad "ack: detail request"
grep -q '^In-Reply-To: <' "$f" && ok || bad "ack In-Reply-To"
f=$(grep -L 'Auto-Submitted: auto-replied' "$MAIL"/new/* | head -1)
decrypt_mail "$f" "$T/keys/acme" "$T/st5" > "$T/detail.out"
grep -q DETAILMARK "$T/detail.out" && ok || bad "detail text"
grep -q "filename=\"\?poc.py" "$T/detail.out" && ok || bad "detail attachment"
/usr/bin/python3 - "$T/detail.out" <<'PY' && ok || bad "attachment bytes"
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
a = [p for p in m.walk() if p.get_filename() == "poc.py"][0]
assert a.get_payload(decode=True) == b"exploit = True  # POCMARK\n"
PY
vctl case show "$ID" | grep -Eq 'acme +detail-sent +affected-investigating' && ok || bad "acme stage"
expect 1 'already sent' -- vctl case disclose "$ID" acme
expect 1 'has not asked for the detail' -- vctl case disclose "$ID" globex

# The form as vendors fill it (issue 15), from PGP/MIME made by gpg. acme
# answers Outlook-style above the summary it got: a status typed on top,
# the form filled in the original below the header block, unquoted.
# globex fills the form it quotes with '> ', in Japanese words. Each is
# acknowledged with the values recorded, in its language, and which of
# them the advisory will publish; the quoted value the unquoted one
# replaced is named.
rm -f "$MAIL"/new/*
plain_body() {
	/usr/bin/python3 - "$1" <<'PY'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
sys.stdout.write("".join(p.get_payload(decode=True).decode("utf-8")
    for p in m.walk() if p.get_content_type() == "text/plain"))
PY
}
last_mail_to() { ls -t $(grep -l "^To: .*$1" "$MAIL"/new/*) | head -1; }
# vendor fpr address name subject: $T/name.txt signed and encrypted by
# the vendor, delivered; the answer's text in $T/name.body.
answered() {
	$MK --home "$T/keys/$1" --signer "$2" --recipient "$DESK" --shape combined \
	    --protected-subject "$5" --subject "$5" --body-file "$T/$4.txt" > "$T/$4.eml"
	expect 0 '' -- sh -c "\"$VCTL_BIN\" deliver < \"$T/$4.eml\""
	expect 0 'sent 1,' -- vctl outbox flush
	decrypt_mail "$(last_mail_to "$3")" "$T/keys/$1" "$T/$4.st" > "$T/$4.ans"
	plain_body "$T/$4.ans" > "$T/$4.body"
}
plain_body "$T/acme1.txt" > "$T/acme1.body"
{ printf 'Status: affected\n\n-- \nTaro, ACME PSIRT\n\n-----Original Message-----\n'
  printf 'From: Vulture desk\nSent: Monday, December 7, 2026 10:00\nTo: psirt@acme.example\nSubject: notice\n\n'
  sed -e 's/^Status:$/Status: not affected/' \
      -e 's/^Comment:$/Comment: Fixed in acme-httpd 2.4.1 QUOTEDMARK/' \
      -e 's/^Fix-Date:$/Fix-Date: Jan 5, 2027/' "$T/acme1.body"; } > "$T/r2.txt"
grep -q '^Fix-Date: Jan 5, 2027' "$T/r2.txt" && ok || bad "the summary has no blank Fix-Date to fill"
answered acme "$ACME" psirt@acme.example r2 "RE: [$ID] notice"
/usr/bin/python3 - "$T/r2.body" <<'PY' && ok || bad "acme's acknowledgement of the quoted form: $(cat "$T/r2.body")"
import sys
b = open(sys.argv[1], encoding="utf-8").read()
pub, rest = b.split("Published in the advisory", 1)[1].split("For the coordination only", 1) if "For the coordination only" in b else (b.split("Published in the advisory", 1)[1], "")
assert "  - Status: Affected\n" in pub, b
assert "  - Comment: Fixed in acme-httpd 2.4.1 QUOTEDMARK (typed in the quoted form)\n" in pub, b
assert "  - Fix-Date: 2027-01-05 (typed in the quoted form)\n" in pub, b
assert "value outside the quote\nwas used instead" in b and ": Status: not affected\n" in b, b
assert "bytes)" not in b, b
PY
# inspect reads it as deliver did, and names the quoted value set aside.
expect 0 "line [0-9]+: quoted, not used \(a less quoted Status wins\): 'Status: not affected'" -- vctl inspect "$T/r2.eml"
vctl case show "$ID" --json > "$T/case2.json"
/usr/bin/python3 - "$T/case2.json" <<'PY' && ok || bad "acme's quoted form not recorded: $(cat "$T/case2.json")"
import json, sys
c = json.load(open(sys.argv[1]))
p = [p for p in c["participants"] if p["vendor"] == "acme"][0]
assert p["status"] == "affected", p
assert p["comment"] == "Fixed in acme-httpd 2.4.1 QUOTEDMARK", p
assert p["fix_date"] == "2027-01-05", p
PY

# A real client: acme answers the same notice with NeoMutt (driven through
# tmux), which quotes it format=flowed style (">Status:"); the "editor"
# fills the quoted form. Skipped, visibly, where NeoMutt cannot run.
neomutt_reply() {
	command -v neomutt >/dev/null && command -v tmux >/dev/null || return 1
	NM=$T/nm
	mkdir -p "$NM"
	gpg --homedir "$T/keys/acme" --batch --pinentry-mode loopback --passphrase '' \
	    -u "$ACME" --quick-lsign-key "$DESK" >/dev/null 2>&1
	{ printf 'From vultures@cert.example Mon Dec  7 10:00:00 2026\n'
	  printf 'From: Vulture desk <vultures@cert.example>\nTo: ACME PSIRT <psirt@acme.example>\n'
	  printf 'Subject: [%s] Vulnerability notice\nMessage-ID: <n1@cert.example>\n' "$ID"
	  printf 'Date: Mon, 07 Dec 2026 10:00:00 +0000\nContent-Type: text/plain; charset=utf-8\n\n'
	  cat "$T/acme1.body"; printf '\n'; } > "$NM/mbox"
	printf '#!/bin/sh\nsed -i -E -e "s/^(> ?)Status:$/\\\\1Status: not affected/" -e "s/^(> ?)Comment:$/\\\\1Comment: NEOMUTTMARK no longer shipped/" "$1"\n' > "$NM/edit"
	printf '#!/bin/sh\ncat >"%s/out.tmp" && mv "%s/out.tmp" "%s/out.eml"\n' "$NM" "$NM" "$NM" > "$NM/sendmail"
	chmod +x "$NM/edit" "$NM/sendmail"
	cat > "$NM/rc" <<RC
set crypt_use_gpgme=yes
set crypt_autosign=yes
set crypt_autoencrypt=yes
set crypt_protected_headers_write=yes
set pgp_sign_as=$ACME
set pgp_self_encrypt=no
set sendmail="$NM/sendmail"
set editor="$NM/edit"
set record=""
set postpone=no
set charset=utf-8
set send_charset=utf-8
set from="ACME PSIRT <psirt@acme.example>"
set use_from=yes
set folder=$NM
set include=yes
set fast_reply=yes
set abort_unmodified=no
set text_flowed=yes
set move=no
RC
	sock=vob$$
	tmux -L "$sock" new-session -d -s nm -x 160 -y 40 \
	    "env HOME=$NM LANG=C.UTF-8 GNUPGHOME=$T/keys/acme neomutt -n -F $NM/rc -f $NM/mbox"
	# Reply to the notice, then send from the compose menu; 15 s at most.
	i=0; step=0
	while [ $i -lt 150 ] && [ ! -s "$NM/out.eml" ]; do
		scr=$(tmux -L "$sock" capture-pane -p -t nm 2>/dev/null) || break
		case $step:$scr in
		0:*"Vulnerability notice"*) tmux -L "$sock" send-keys -t nm r; step=1 ;;
		1:*":Send"*) tmux -L "$sock" send-keys -t nm y; step=2 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	tmux -L "$sock" kill-server 2>/dev/null || :
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$sock"
	[ -s "$NM/out.eml" ]
}
if neomutt_reply; then
	expect 0 '' -- sh -c "\"$VCTL_BIN\" deliver < \"$NM/out.eml\""
	expect 0 'sent 1,' -- vctl outbox flush
	decrypt_mail "$(last_mail_to psirt@acme.example)" "$T/keys/acme" "$T/st9" > "$T/ack9.txt"
	plain_body "$T/ack9.txt" > "$T/ack9.body"
	/usr/bin/python3 - "$T/ack9.body" <<'PY' && ok || bad "acme's acknowledgement of its NeoMutt reply: $(cat "$T/ack9.body")"
import sys
b = open(sys.argv[1], encoding="utf-8").read()
pub = b.split("Published in the advisory", 1)[1]
assert "  - Status: Not affected (typed in the quoted form)\n" in pub, b
assert "  - Comment: NEOMUTTMARK no longer shipped (typed in the quoted form)\n" in pub, b
PY
	vctl case show "$ID" --json | grep -q '"comment": *"NEOMUTTMARK no longer shipped"' && ok || bad "acme's NeoMutt reply not recorded"
else
	skip "NeoMutt could not make a reply"
fi

# globex quotes the Japanese summary and fills it there.
plain_body "$T/globex1.txt" | sed -e 's/^/> /' \
    -e 's/^> 状況：$/> 状況：該当製品なし（調査中）/' \
    -e 's/^> コメント：$/> コメント：影響を調査中です JAMARK/' > "$T/r3q.txt"
{ printf '引用部分のフォームに記入しました。\n\n'; cat "$T/r3q.txt"; } > "$T/r3.txt"
grep -q '^> 状況：該当製品なし（調査中）' "$T/r3.txt" && ok || bad "the Japanese summary has no blank 状況 to fill"
answered globex "$GLOBEX" sec@globex.example r3 "Re: [$ID]"
/usr/bin/python3 - "$T/r3.body" <<'PY' && ok || bad "globex's acknowledgement: $(cat "$T/r3.body")"
import sys
b = open(sys.argv[1], encoding="utf-8").read()
assert "公表時にアドバイザリに掲載する項目" in b, b
assert "  - 状況: 該当製品なし：調査中（引用部分に記入）\n" in b, b
assert "  - コメント: 影響を調査中です JAMARK（引用部分に記入）\n" in b, b
PY
vctl case show "$ID" --json | grep -q '"status": *"not-affected-investigating"' && ok || bad "globex status"

# Still ambiguous: not recorded, and the answer quotes the line with the
# accepted values in Japanese. The quoted notice alone, untouched, is no
# answer at all.
{ printf '状況: たぶん該当\n\n'; plain_body "$T/globex1.txt" | sed -e 's/^/> /'; } > "$T/r4.txt"
plain_body "$T/globex1.txt" | sed -e 's/^/> /' > "$T/r5.txt"
answered globex "$GLOBEX" sec@globex.example r4 "Re: [$ID]"
answered globex "$GLOBEX" sec@globex.example r5 "Re: [$ID]"
/usr/bin/python3 - "$T/r4.body" "$T/r5.body" <<'PY' && ok || bad "globex's refusals: $(cat "$T/r4.body" "$T/r5.body")"
import sys
def body(f):
    return open(f, encoding="utf-8").read()
b = body(sys.argv[1])
assert "修正が必要な行:\n  - 1 行目: 状況: たぶん該当\n" in b, b
assert "記入できる値: 該当製品あり、該当製品あり：調査中、該当製品なし" in b, b
b = body(sys.argv[2])
assert "no reply-form field was filled in" in b, b
PY
vctl case show "$ID" --json | grep -q '"status": *"not-affected-investigating"' && ok || bad "globex status changed by a refused reply"
rm -f "$MAIL"/new/*
rm -f "$MAIL"/new/*

# The date moves: every participant that knows the case hears of it.
expect 0 "publication 2099-03-01T11:00:00\+09:00 \(3 participant messages\)" -- vctl case date "$ID" 2099-03-01 reason "vendor needs time"
# acme's key disappears from the desk's key ring: the next notice to it
# is not queued, the event is recorded and the coordinator alerted; the
# one queued before is held when it would go (rule 10).
gpg --homedir "$T/gnupg" --batch --yes --delete-keys "$ACME" 2>/dev/null
expect 0 '\(2 participant messages\)' -- vctl case date "$ID" 2099-03-02
vctl case show "$ID" | grep -q 'no-usable-key' && ok || bad "no-usable-key event"
expect 1 'sent 5, retrying 0, failed 0, held 1 ' -- vctl outbox flush
f=$(grep -l '^To: .*carol@cert.example' "$MAIL"/new/* | head -1)
[ -n "$f" ] && ok || bad "no alert to the coordinator"
decrypt_mail "$f" "$T/keys/coord" "$T/st6" > "$T/alert.txt"
grep -q 'Nothing was sent to psirt@acme.example' "$T/alert.txt" && ok || bad "alert text"
n=$(grep -l '^To: .*psirt@acme.example' "$MAIL"/new/* | wc -l)
[ "$n" = 0 ] && ok || bad "acme got $n date changes without a key"
expect 0 "held: key $ACME of psirt@acme.example was removed from the desk's key ring after the message was queued; nothing was sent" -- vctl outbox list
rm -f "$MAIL"/new/*

# The SMTP server goes away: nothing is lost, the row waits and retries.
stop_smtp
expect 0 'case-opened' -- vctl case show "$ID"
gpg --homedir "$T/gnupg" --batch --import "$T/keys/acme.asc" 2>/dev/null
expect 0 '' -- vctl case date "$ID" 2099-03-03
# Three date changes and the alert about the held one.
expect 1 'sent 0, retrying 4, failed 0' -- vctl outbox flush
vctl --json outbox list | /usr/bin/python3 -c "
import json, sys
l = [m for m in json.load(sys.stdin) if m['state'] == 'queued']
assert len(l) == 4 and all(m['attempts'] == 1 and m['reason'] for m in l), l" && ok || bad "deferred rows"
start_smtp "$MAIL"
write_conf "[coordinators]
fingerprints = $COORD
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = none"
expect 0 'sent 4,' -- vctl outbox flush
expect 1 'not failed or queued' -- vctl outbox retry 1
expect 1 'no outbox message 999' -- vctl outbox show 999
expect 64 "outbox: unknown subcommand 'eat'" -- vctl outbox eat
vctl outbox show 1 | grep -q 'multipart/encrypted' && ok || bad "outbox show"

# Rule 10: a recipient key is checked again right before its message
# goes. acme revokes its key after a notice to it was queued: the notice
# is held, nothing reaches acme, the row and the case say why, and the
# coordinator is alerted (in mail itself checked when it goes).
rm -f "$MAIL"/new/*
expect 0 '\(3 participant messages\)' -- vctl case date "$ID" 2099-03-04
sed 's/^:-----BEGIN/-----BEGIN/' "$T/keys/acme/openpgp-revocs.d/$ACME.rev" |
    gpg --homedir "$T/gnupg" --batch --import 2>/dev/null
expect 1 '^sent 2, retrying 0, failed 0, held 1 ' -- vctl outbox flush
n=$(grep -l '^To: .*psirt@acme.example' "$MAIL"/new/* 2>/dev/null | wc -l)
[ "$n" = 0 ] && ok || bad "acme got $n messages after revoking its key"
expect 0 "failed +date-change .*psirt@acme.example .*held: key $ACME of psirt@acme.example was revoked after the message was queued; nothing was sent" -- vctl outbox list
expect 0 "delivery-held .*to=psirt@acme.example: held: key $ACME" -- vctl case show "$ID"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE kind='alert' AND state='queued' AND recipient='carol@cert.example'")" = 1 ] && ok || bad "no alert queued"
expect 0 '^sent 1,' -- vctl outbox flush
f=$(grep -l '^To: .*carol@cert.example' "$MAIL"/new/* | head -1)
decrypt_mail "$f" "$T/keys/coord" "$T/st7" > "$T/alert2.txt"
/usr/bin/python3 - "$T/alert2.txt" "$ACME" <<'PY' && ok || bad "held alert text: $(cat "$T/alert2.txt")"
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
body = "".join(p.get_payload(decode=True).decode() for p in m.walk() if p.get_content_type() == "text/plain")
assert "message held" in m["Subject"], m["Subject"]
assert "held: key %s of psirt@acme.example was revoked after the message was queued; nothing was sent" % sys.argv[2] in body.replace("\n", " "), body
PY
# Retrying a held message holds it again while the key stays revoked.
held=$(sqlite3 "$T/vulture.db" "SELECT max(id) FROM outbox WHERE last_error LIKE 'held:%' AND recipient='psirt@acme.example'")
expect 0 'queued again' -- vctl outbox retry "$held"
expect 1 'held 1' -- vctl outbox flush
rm -f "$MAIL"/new/*

# A key made in 2020 and never expiring; after the summary to oldco is
# queued, its owner sets it to expire (a newer self-signature, still in
# 2020) and the desk gets the update. The coordinator's key is revoked
# after the alert about it was queued: that alert is held too, recorded
# on the case and in the outbox, and not alerted about again.
OLD=$(mkkey oldco "OldCo <sec@oldco.example>" full "--faked-system-time 20200101T000000")
vctl vendor add oldco "OldCo" general sec@oldco.example keywords httpd >/dev/null
vctl vendor key oldco "$T/keys/oldco.asc" >/dev/null
vctl vendor approve oldco >/dev/null
expect 0 'oldco: summary sent' -- vctl case notify "$ID" vendors oldco
gpg --homedir "$T/keys/oldco" --batch --pinentry-mode loopback --passphrase '' \
    --faked-system-time 20200102T000000 --quick-set-expire "$OLD" 1d 2>/dev/null
gpg --homedir "$T/keys/oldco" --armor --export "$OLD" 2>/dev/null |
    gpg --homedir "$T/gnupg" --batch --import 2>/dev/null
# (and the alert about the retried acme notice goes)
expect 1 '^sent 1, retrying 0, failed 0, held 1 ' -- vctl outbox flush
rm -f "$MAIL"/new/*
expect 0 "held: key $OLD of sec@oldco.example expired after the message was queued; nothing was sent" -- vctl outbox list
sed 's/^:-----BEGIN/-----BEGIN/' "$T/keys/coord/openpgp-revocs.d/$COORD.rev" |
    gpg --homedir "$T/gnupg" --batch --import 2>/dev/null
expect 1 '^sent 0, retrying 0, failed 0, held 1 ' -- vctl outbox flush
n=$(ls "$MAIL"/new | wc -l)
[ "$n" = 0 ] && ok || bad "$n messages sent to revoked keys"
expect 0 "failed +alert .*carol@cert.example .*held: key $COORD of carol@cert.example was revoked" -- vctl outbox list
expect 0 "delivery-held .*kind=alert to=carol@cert.example" -- vctl case show "$ID"
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM outbox WHERE state='queued'")" = 0 ] && ok || bad "an alert about an alert"
# With the coordinator's key gone, an alert is recorded on the case.
gpg --homedir "$T/gnupg" --batch --yes --delete-keys "$COORD" 2>/dev/null
expect 0 '' -- vctl case date "$ID" 2099-03-05
expect 0 "coordinator $COORD: key not in the key ring" -- vctl case show "$ID"
finish
