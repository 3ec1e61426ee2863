#!/bin/sh
# README command 1: installs what is missing, builds, and runs a whole case
# on loopback: a private Dovecot (IMAP) and aiosmtpd (SMTP) started here,
# the desk, a coordinator and vendor keys generated on the spot, vendors
# registered, a case opened and notified, vendors answering with
# signed+encrypted mail (built with gpg) that arrives over IMAP and is
# answered by vultured, the date moving, and the resulting state printed.
# Cleans up after itself (KEEP=1 keeps the directory).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
# A build made in the source tree (./configure && make) would stop the
# out-of-tree configure below ("source directory already configured").
if [ -f config.status ] && [ -f Makefile ]; then
	echo "note: cleaning the build in the source tree (make distclean)" >&2
	make distclean >/dev/null
fi
mkdir -p _build
cd _build
[ -f Makefile ] || ../configure -q
make -j2 >/dev/null
top_builddir=$(pwd)
top_srcdir=$top
export top_builddir top_srcdir
set +e
# The test helpers start the servers and make keys; see tests/lib.sh.
. "$top/tests/lib.sh"
# KEEP=1: lib.sh's clean-up stops the servers, vultured and the gpg-agents
# and keeps the directory.
[ "${KEEP:-0}" = 1 ] && KEEP_T=1
MK="/usr/bin/python3 $top/tests/mkreply.py"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ vulturectl %s\n' "$*"; "$VCTL_BIN" "$@"; }
die() { echo "demo: $*" >&2; exit 1; }
wait_for() {
	n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
status_of() {
	"$VCTL_BIN" --json case show "$ID" | /usr/bin/python3 -c "import json,sys; print({p['vendor']: p['status'] for p in json.load(sys.stdin)['participants']}['$1'])"
}
is_status() { [ "$(status_of "$1")" = "$2" ]; }
# Shows what a vendor received last: decrypted with the vendor's own key.
last_mail_to() {	# address keyring
	f=$(grep -l "^To: .*$1" "$T/maildir/new/"* 2>/dev/null | tail -1)
	[ -n "$f" ] || { echo "(nothing for $1)"; return; }
	decrypt_mail "$f" "$2" "$T/status.txt" | /usr/bin/python3 -c "
import email, sys, email.header
m = email.message_from_binary_file(sys.stdin.buffer)
print('   Subject:', str(email.header.make_header(email.header.decode_header(m['Subject']))))
for p in m.walk():
    if p.get_content_type() == 'text/plain' and not p.get_filename():
        t = p.get_payload(decode=True).decode('utf-8', 'replace')
        print('   | ' + '\n   | '.join(t.strip().splitlines()[:14]))
        break
for p in m.walk():
    if p.get_filename():
        print('   attachment:', p.get_filename())"
	grep -q GOODSIG "$T/status.txt" && echo "   (signature by the desk key: good)"
}

step "Servers on loopback: Dovecot (IMAP) and aiosmtpd (SMTP)"
start_smtp "$T/maildir" || die "aiosmtpd did not start"
start_dovecot || die "dovecot did not start"
echo "IMAP 127.0.0.1:$IMAP_PORT, SMTP 127.0.0.1:$SMTP_PORT, work directory $T"
printf 'secret\n' > "$T/imap.secret"
chmod 600 "$T/imap.secret"

step "Keys made on the spot: a coordinator and three vendors"
COORD=$(mkkey carol "Carol Coordinator <carol@cert.example>")
ACME=$(mkkey acme "ACME PSIRT <psirt@acme.example>")
GLOBEX=$(mkkey globex "Globex PSIRT <psirt@globex.example>")
INITECH=$(mkkey initech "Initech Security <security@initech.example>")
echo "coordinator $COORD"
write_conf "[coordinators]
fingerprints = $COORD
[imap]
host = 127.0.0.1
port = $IMAP_PORT
tls = none
user = t01
password_file = $T/imap.secret
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = none"

step "A fresh desk: database and desk key"
run check-config
run init --generate-key | tee "$T/init.out"
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
gpg --homedir "$T/gnupg" --batch --import "$T/keys/carol.asc" 2>/dev/null
for k in acme globex initech carol; do
	gpg --homedir "$T/keys/$k" --batch --import "$T/desk.asc" 2>/dev/null
done

step "Vendors register"
run vendor add acme "ACME Corp" general psirt@acme.example keywords httpd,tls --contact-name "ACME PSIRT"
run vendor add globex "Globex KK" general psirt@globex.example keywords httpd --lang ja
run vendor add initech "Initech" individual security@initech.example keywords httpd
run vendor add hooli "Hooli" general info@hooli.example keywords httpd --unregistered
for v in acme globex initech; do
	run vendor key "$v" "$T/keys/$v.asc"
	run vendor approve "$v"
done
run vendor list

step "A coordinator opens the case and notifies the vendors by keyword"
printf 'Do you ship a product that embeds FooHTTP 2.x?\n' > "$T/summary.txt"
printf 'A stack buffer overflow in the chunked transfer decoder of FooHTTP\n2.0-2.4 lets a remote client run code. Proof of concept attached.\n' > "$T/detail.txt"
printf 'import socket\n# sends an over-long chunk size\n' > "$T/poc.py"
ID=$("$VCTL_BIN" case open "Buffer overflow in FooHTTP chunked decoder" --summary "$T/summary.txt" \
    --detail "$T/detail.txt" --attach "$T/poc.py" --reporter "IPA#2026-0042")
echo "$ID"
run case notify "$ID" keywords httpd

step "vultured starts: it sends the notices and watches the mailbox (IDLE)"
"$top_builddir/vultured" -f > "$T/vultured.log" 2>&1 &
VULTURED_PID=$!
wait_for 15 grep -q 'intake connected' "$T/vultured.log" || die "vultured did not connect: $(cat "$T/vultured.log")"
wait_for 15 sh -c "[ \$(ls '$T/maildir/new' | wc -l) -ge 3 ]" || die "notices not sent"
run outbox list
echo "What ACME received, decrypted with ACME's key:"
last_mail_to psirt@acme.example "$T/keys/acme"
echo "Hooli (unregistered) received only a registration request in clear:"
grep -h '^Subject:' $(grep -l 'info@hooli.example' "$T/maildir/new/"*) | sed 's/^/   /'

step "ACME answers (signed and encrypted with gpg) and asks for the detail"
printf 'Thank you.\n\nRequest-Detail: yes\nStatus: affected-investigating\nComment: acme-httpd 3.1 embeds FooHTTP 2.3.\n' > "$T/acme1.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
    --protected-subject "Re: [$ID] Vulnerability notice" --subject "Re: [$ID]" \
    --body-file "$T/acme1.txt" > "$T/acme1.eml"
imap append INBOX "$T/acme1.eml"
wait_for 15 is_status acme affected-investigating || die "ACME's reply was not applied"
wait_for 15 sh -c "grep -l 'poc.py' '$T'/maildir/new/* >/dev/null 2>&1 || [ \$(grep -l 'psirt@acme.example' '$T'/maildir/new/* | wc -l) -ge 3 ]"
echo "ACME's acknowledgement and detail arrived; the last one, decrypted:"
last_mail_to psirt@acme.example "$T/keys/acme"

step "Globex answers in Japanese (nested PGP/MIME): not affected"
printf '案件番号：%s\n状況：該当製品なし\nコメント：当社製品は FooHTTP を使用していません。\n' "$ID" > "$T/globex1.txt"
$MK --home "$T/keys/globex" --signer "$GLOBEX" --recipient "$DESK" --shape nested \
    --from psirt@globex.example --subject "Re: [$ID] 脆弱性情報" --body-file "$T/globex1.txt" > "$T/globex1.eml"
imap append INBOX "$T/globex1.eml"
wait_for 15 is_status globex not-affected || die "Globex's reply was not applied"
echo "globex: $(status_of globex)"

step "A reply that is not signed changes nothing and is quarantined"
$MK --home "$T/keys/acme" --recipient "$DESK" --shape encrypted --subject "Re: [$ID]" \
    --body "Status: not-affected" > "$T/unsigned.eml"
imap append INBOX "$T/unsigned.eml"
wait_for 15 sh -c "\"$VCTL_BIN\" quarantine list | grep -q unsigned" || die "not quarantined"
run quarantine list
echo "acme: $(status_of acme) (unchanged)"

step "ACME reports a fix and asks to move the publication date"
PUB=$(date -d '+60 days' +%Y-%m-%d)
printf 'Case: %s\nStatus: affected\nFix-Date: %s\nAdvisory-URL: https://acme.example/security/2027-001\nPublication-Date-Request: %s\nReason: firmware release train\n' "$ID" "$(date -d '+50 days' +%Y-%m-%d)" "$PUB" > "$T/acme2.txt"
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape inline \
    --subject "Re: [$ID] status" --body-file "$T/acme2.txt" > "$T/acme2.eml"
imap append INBOX "$T/acme2.eml"
wait_for 15 is_status acme affected || die "ACME's second reply was not applied"
step "The coordinator agrees: the date moves and every participant is told"
run case date "$ID" "$PUB" reason "ACME firmware release train"
wait_for 20 sh -c "! \"$VCTL_BIN\" outbox list | grep -q queued" || echo "(some mail still queued)"
echo "Globex's notice of the new date, decrypted with Globex's key:"
last_mail_to psirt@globex.example "$T/keys/globex"

step "The case now"
run case show "$ID"

step "Publication: the advisory text, then publish now"
printf 'A stack buffer overflow in the chunked decoder of FooHTTP lets a remote client run code.\n' > "$T/overview.txt"
printf 'Update to FooHTTP 2.4.1 or later.\n' > "$T/solution.txt"
run case advisory "$ID" overview "$T/overview.txt"
run case advisory "$ID" solution "$T/solution.txt"
run case publish "$ID" now
echo "The site under $T/publish/site:"
(cd "$T/publish/site" && find . -type f | sort | sed 's/^/   /')
run render "$ID" --format text --lang en | head -30
run outbox list
kill "$VULTURED_PID" && wait "$VULTURED_PID"
VULTURED_PID=
step "demo finished: the case ran end to end over IMAP and SMTP on loopback"
