#!/bin/sh
# Drives vulturectl as a user would: a throwaway GNUPGHOME and database,
# real gpg keys, every command and every error path of the foundation.
. "$(dirname "$0")/lib.sh"

write_conf

# --- usage and global errors -------------------------------------------
expect 64 'usage: vulturectl' -- vctl
expect 0 'usage: vulturectl' -- vctl --help
expect 64 "unknown command 'frobnicate'" -- vctl frobnicate
expect 64 '-c needs a file' -- vctl -c
expect 64 'vendor: which subcommand' -- vctl vendor
expect 64 "vendor: unknown subcommand 'eat'" -- vctl vendor eat
expect 64 'case: which subcommand' -- vctl case
expect 64 'check-config takes no arguments' -- vctl check-config extra
expect 64 "init: unknown argument '--force'" -- vctl init --force
# deliver is run by the MTA: a broken pipe command makes the mail wait
# (75), never a bounce (64) or a help text that drops it (0).
expect 75 'deliver takes no arguments' -- sh -c "\"$VCTL_BIN\" deliver extra < /dev/null"
expect 75 'deliver takes no arguments' -- sh -c "\"$VCTL_BIN\" deliver -h < /dev/null"
expect 75 '-c needs a file' -- sh -c "\"$VCTL_BIN\" deliver -c < /dev/null"
expect 64 'check-config takes no arguments' -- vctl check-config deliver

# --- configuration -----------------------------------------------------
expect 0 ': ok$' -- vctl check-config
# A templates directory that is not there: one line, with the key's place;
# init does not build on what check-config rejects.
TEMPLATES="$T/nonexist" write_conf
expect 78 "vultured.conf:5: templates_dir: $T/nonexist: no such directory" -- vctl check-config
n=$(vctl check-config | wc -l)
[ "$n" = 2 ] && ok || bad "a missing templates_dir took $n lines"
expect 78 'init: the configuration has errors' -- vctl init --generate-key
[ -e "$T/gnupg" ] || [ -e "$T/vulture.db" ] && bad "init built on a rejected configuration" || ok
write_conf
# Once the GnuPG home exists, the desk key must be in it.
mkdir -m 700 "$T/gnupg"
expect 78 'vultured.conf:2: address: desk key: ' -- vctl check-config
write_conf "desk_fingerprint = 0123456789ABCDEF0123456789ABCDEF01234567"
expect 78 'vultured.conf:8: desk_fingerprint: desk key: ' -- vctl check-config
gpgconf --homedir "$T/gnupg" --kill all 2>/dev/null
rm -rf "$T/gnupg"
write_conf
# A broken template is a configuration error, with its file and line.
mkdir -p "$T/tmpl" && cp -r "$top_srcdir/conf/templates/en" "$top_srcdir/conf/templates/ja" "$T/tmpl/"
printf 'Subject: x\n\n{{#open}} never closed\n' > "$T/tmpl/ja/ack.tmpl"
TEMPLATES="$T/tmpl" write_conf
expect 78 'ja/ack.tmpl:3: .*' -- vctl check-config
rm -f "$T/tmpl/en/leak.tmpl"
expect 78 'en/leak.tmpl' -- vctl check-config
write_conf
# The unit as installed is sandboxed: exposure 2.0 or less.
U="${top_builddir:-.}/vultured.service"
if command -v systemd-analyze >/dev/null 2>&1 && [ -f "$U" ]; then
	score=$(systemd-analyze security --offline=true "$U" 2>/dev/null |
	    sed -n 's/.*exposure level for .*: \([0-9.]*\) .*/\1/p')
	awk -v s="$score" 'BEGIN { exit !(s != "" && s + 0 <= 2.0) }' && ok ||
	    bad "systemd-analyze security rates the unit '$score'"
else
	skip "systemd-analyze or the built unit is missing"
fi
expect 75 'No such file' -- vctl -c "$T/none.conf" check-config
printf '[general]\naddress = nobody\nbogus = 1\n[imap]\ntls = ssl\n' > "$T/bad.conf"
expect 78 "bad.conf:2: address: 'nobody' is not a mail address" -- vctl -c "$T/bad.conf" check-config
expect 78 "bad.conf:3: unknown key 'bogus'" -- vctl -c "$T/bad.conf" check-config
expect 78 'bad.conf: 3 errors' -- vctl -c "$T/bad.conf" check-config
printf 'secret\n' > "$T/imap.secret"
chmod 644 "$T/imap.secret"
write_conf "[imap]
password_file = $T/imap.secret"
expect 78 'password_file: .*readable or writable by group or others' -- vctl check-config
chmod 600 "$T/imap.secret"
expect 0 ': ok$' -- vctl check-config
# An id names a directory of the published site: no path in id formats.
write_conf "id_format = ../%08u"
expect 78 "vultured.conf:8: id_format: '../%08u'" -- vctl check-config
write_conf "single_vendor_id_format = a/b%u"
expect 78 "vultured.conf:8: single_vendor_id_format: 'a/b%u': only letters" -- vctl check-config
# A password in clear over the network: refused unless the group allows
# it; to loopback (as here in the tests) it never leaves the machine.
write_conf "[imap]
host = imap.example
tls = none
password_file = $T/imap.secret"
expect 78 'vultured.conf:10: tls: none, but the \[imap\] login to imap.example .*allow_plaintext_auth' -- vctl check-config
write_conf "[imap]
host = imap.example
tls = none
password_file = $T/imap.secret
allow_plaintext_auth = yes"
expect 0 ': ok$' -- vctl check-config
write_conf "[imap]
host = 127.0.0.1
tls = none
password_file = $T/imap.secret"
expect 0 ': ok$' -- vctl check-config
# A command that needs the configuration fails the same way.
expect 78 'address' -- vctl -c "$T/bad.conf" vendor list
write_conf

# --- before init -------------------------------------------------------
expect 1 "run 'vulturectl init'" -- vctl vendor list

# --- init --------------------------------------------------------------
expect 1 'no desk key.*--generate-key' -- vctl init
expect 0 'desk key [0-9A-F]{40} \(generated\)' -- vctl init --generate-key
expect 0 'desk key [0-9A-F]{40}$' -- vctl init
expect 0 "schema version $(ls "$top_srcdir"/sql/*.sql | wc -l)" -- vctl init --generate-key
[ "$(stat -c %a "$T/vulture.db")" = 600 ] && ok || bad "database mode $(stat -c %a "$T/vulture.db")"
[ "$(stat -c %a "$T/gnupg")" = 700 ] && ok || bad "gnupghome mode"

# --- vendors -----------------------------------------------------------
expect 0 'vendor acme added \(pending\)' -- vctl vendor add acme "ACME Corp" general psirt@acme.example keywords httpd,tls --contact-name "ACME PSIRT" --phone "+1-555-0100"
expect 0 'vendor globex added' -- vctl vendor add globex "Globex KK" individual sec@globex.example keywords dns --lang ja
expect 0 'added \(unregistered\)' -- vctl vendor add initech "Initech" general info@initech.example --unregistered
expect 1 "vendor 'acme' already exists" -- vctl vendor add acme "Again" general x@acme.example
expect 1 "bad handle 'ACME!'" -- vctl vendor add 'ACME!' "X" general x@acme.example
expect 1 "registration must be general or individual" -- vctl vendor add hooli "Hooli" sometimes x@hooli.example
expect 1 "'not-an-address' is not a mail address" -- vctl vendor add hooli "Hooli" general not-an-address
expect 1 "bad keyword 'b@d'" -- vctl vendor add hooli "Hooli" general x@hooli.example keywords ok,b@d
expect 1 'bad state or language' -- vctl vendor add hooli "Hooli" general x@hooli.example --lang fr
expect 64 'vendor add: HANDLE NAME' -- vctl vendor add hooli "Hooli"
expect 64 'vendor add: HANDLE NAME' -- vctl vendor add hooli "Hooli" general x@hooli.example words a,b
expect 64 "unknown option '--colour'" -- vctl vendor add hooli "Hooli" general x@hooli.example --colour red
expect 64 '--lang needs a value' -- vctl vendor add hooli "Hooli" general x@hooli.example --lang
expect 64 '--lang given twice' -- vctl vendor add hooli "Hooli" general x@hooli.example --lang en --lang ja

# Keys: a good one, and each kind the import must refuse.
ACME_FPR=$(mkkey acme "ACME PSIRT <psirt@acme.example>")
GLOBEX_FPR=$(mkkey globex "Globex <sec@globex.example>")
mkkey signonly "Sign Only <psirt@acme.example>" signonly > /dev/null
cat "$T/keys/acme.asc" "$T/keys/globex.asc" > "$T/keys/two.asc"
h="$T/keys/old"; mkdir -p "$h"; chmod 700 "$h"
gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' --faked-system-time 20200101T000000 \
    --quick-gen-key "Old <psirt@acme.example>" ed25519 sign,cert 1d >/dev/null 2>&1
gpg --homedir "$h" --armor --export > "$T/keys/old.asc" 2>/dev/null
REV_FPR=$(mkkey revoked "Gone <psirt@acme.example>")
sed 's/^:-----BEGIN/-----BEGIN/' "$T/keys/revoked/openpgp-revocs.d/$REV_FPR.rev" |
    gpg --homedir "$T/keys/revoked" --batch --import >/dev/null 2>&1
gpg --homedir "$T/keys/revoked" --armor --export "$REV_FPR" > "$T/keys/revoked.asc"
printf 'not a key\n' > "$T/keys/junk.asc"

expect 1 'is revoked' -- vctl vendor key acme "$T/keys/revoked.asc"
expect 1 'has expired' -- vctl vendor key acme "$T/keys/old.asc"
expect 1 'no usable encryption subkey' -- vctl vendor key acme "$T/keys/signonly.asc"
expect 1 'holds 2 keys' -- vctl vendor key acme "$T/keys/two.asc"
expect 1 'no OpenPGP public key' -- vctl vendor key acme "$T/keys/junk.asc"
expect 1 'No such file' -- vctl vendor key acme "$T/keys/missing.asc"
expect 1 "no vendor 'nobody'" -- vctl vendor key nobody "$T/keys/acme.asc"
expect 64 'vendor key: HANDLE FILE' -- vctl vendor key acme
expect 1 "nobody@acme.example is not a contact of acme" -- vctl vendor key acme "$T/keys/acme.asc" --contact nobody@acme.example
expect 0 "key $ACME_FPR pinned for acme <psirt@acme.example>" -- vctl -v vendor key acme "$T/keys/acme.asc"
# The import takes what was examined: one examination, not two.
n=$(printf '%s\n' "$out" | grep -c "key examined fpr=$ACME_FPR")
[ "$n" = 1 ] && ok || bad "vendor key examined the key $n times: $out"
# The same key cannot be pinned to a second vendor (here from stdin).
expect 1 "already pinned to acme" -- sh -c "\"$VCTL_BIN\" vendor key globex - < \"$T/keys/acme.asc\""
expect 0 "key $GLOBEX_FPR pinned for globex" -- sh -c "\"$VCTL_BIN\" vendor key globex - < \"$T/keys/globex.asc\""

# Keys made to attack the key ring (tests/mkattack.sh): a key carrying
# another key's primary as a subkey, a signing subkey without
# back-signature, RSA-1024. Each is refused and leaves the ring as it was.
mkdir -p "$T/atk" && chmod 700 "$T/atk"
sh "$top_srcdir/tests/mkattack.sh" "$T/atk" >"$T/atk.log" 2>&1 || bad "mkattack.sh: $(tail -3 "$T/atk.log")"
. "$T/atk/env"
gpg --homedir "$T/gnupg" --batch --quiet --import "$T/atk/victim.gpg" 2>/dev/null
expect 1 "carries fingerprint $VICTIM, which the desk's key $VICTIM .*a planted subkey" -- vctl vendor key acme "$T/atk/auth.gpg" --contact psirt@acme.example
expect 1 'has no back-signature' -- vctl vendor key acme "$T/atk/nobacksig.gpg" --contact psirt@acme.example
expect 1 'primary key .* 1024 bits: at least 2048' -- vctl vendor key acme "$T/atk/weak.gpg" --contact psirt@acme.example
expect 0 ': ok$' -- vctl check-config
# A key planted before keys were examined: check-config names it.
gpg --homedir "$T/gnupg" --batch --quiet --import "$T/atk/auth.gpg" 2>/dev/null
expect 78 "gnupghome: fingerprint $VICTIM is carried by keys $VICTIM \\(Victim <victim@cert.example>\\) and $AUTH \\(Auth Plant <auth@evil.example>\\) \\(a planted subkey\\?\\)" -- vctl check-config
gpg --homedir "$T/gnupg" --batch --yes --delete-keys "$AUTH" 2>/dev/null
expect 0 ': ok$' -- vctl check-config
gpgconf --homedir "$T/atk/g" --kill gpg-agent

expect 0 'contact cto@globex.example added' -- vctl vendor contact globex cto@globex.example --name "CTO"
expect 1 'already a contact' -- vctl vendor contact globex cto@globex.example
expect 0 'keywords of acme set \(3\)' -- vctl vendor keywords acme httpd,tls,dns
expect 1 'bad keyword' -- vctl vendor keywords acme 'a b'
expect 64 'vendor keywords: HANDLE LIST' -- vctl vendor keywords acme
expect 0 'language of acme set to ja' -- vctl vendor lang acme ja
expect 1 'language must be en or ja' -- vctl vendor lang acme de

expect 1 'initech has no contact with a pinned key' -- vctl vendor approve initech
expect 0 'vendor acme registered' -- vctl vendor approve acme
expect 1 'already registered' -- vctl vendor approve acme
expect 0 'vendor globex registered' -- vctl vendor approve globex
expect 0 'vendor globex suspended' -- vctl vendor suspend globex
expect 1 'initech is unregistered' -- vctl vendor suspend initech
expect 64 'vendor approve: HANDLE' -- vctl vendor approve

expect 0 '^acme +registered +general +ja +keys=1 ACME Corp' -- vctl vendor list
expect 0 'globex +suspended +individual' -- vctl vendor list
expect 0 "key: +$ACME_FPR" -- vctl vendor show acme
expect 1 "no vendor 'nobody'" -- vctl vendor show nobody
expect 1 "'BAD' is not a vendor handle" -- vctl vendor show BAD
expect 64 'vendor list takes no arguments' -- vctl vendor list extra

# JSON is valid and carries the fields.
vctl --json vendor list > "$T/vendors.json" &&
python3 -c "import json,sys; v=json.load(open(sys.argv[1])); assert [x['handle'] for x in v]==['acme','globex','initech']; assert v[0]['contacts'][0]['fingerprint']==sys.argv[2]; assert v[0]['keywords']==['dns','httpd','tls']" "$T/vendors.json" "$ACME_FPR" && ok || bad "vendor list --json"
vctl vendor show globex --json > "$T/globex.json" &&
python3 -c "import json,sys; v=json.load(open(sys.argv[1])); assert v['state']=='suspended' and v['language']=='ja' and len(v['contacts'])==2" "$T/globex.json" && ok || bad "vendor show --json"

# --- cases -------------------------------------------------------------
printf 'Do you ship an implementation of FooHTTP?\n' > "$T/summary.txt"
printf 'Stack overflow in the chunked parser.\nPoC attached.\n' > "$T/detail.txt"
printf 'print("poc")\n' > "$T/poc.py"
NOW=$(date +%s)
out=$(vctl case open "Buffer overflow in FooHTTP" --summary "$T/summary.txt" --detail "$T/detail.txt" --attach "$T/poc.py" --reporter "IPA#2026-0042")
echo "$out" | grep -Eq '^JVNVU#[0-9]{8}$' && ok || bad "case open printed '$out'"
ID=$out
out=$(vctl case open "Single vendor issue" --single-vendor)
echo "$out" | grep -Eq '^JVN#[0-9]{8}$' && ok || bad "single-vendor id '$out'"
ID2=$out
expect 64 'case open: one TITLE' -- vctl case open
expect 64 'case open: one TITLE' -- vctl case open a b
expect 1 'No such file' -- vctl case open "T" --summary "$T/none.txt"
printf '\377\376bad' > "$T/binary.txt"
expect 1 'not UTF-8 text' -- vctl case open "T" --summary "$T/binary.txt"
expect 1 "bad date '2027-13-01'" -- vctl case open "T" --date 2027-13-01
expect 1 'in the past' -- vctl case open "T" --date 2001-01-01
expect 64 'standard input can be read once' -- vctl case open "T" --summary - --detail -
expect 64 "unknown option '--sumary'" -- vctl case open "T" --sumary x

expect 0 "$ID +Buffer overflow in FooHTTP" -- vctl case show "$ID"
expect 0 "$ID +Buffer overflow" -- vctl case "$ID" show
expect 0 'Do you ship an implementation of FooHTTP' -- vctl case show "$ID"
expect 0 'attachment: +poc.py \(text/plain, 13 bytes\)' -- vctl case show "$ID"
expect 0 'case-opened' -- vctl case show "$ID"
expect 1 "no case JVNVU#00000000" -- vctl case show JVNVU#00000000
expect 1 "'XYZ' is not a case id" -- vctl case show XYZ
expect 64 'case show: ID' -- vctl case show "$ID" extra
expect 64 'case show: which case' -- vctl case show
expect 64 "case: unknown subcommand 'eat'" -- vctl case eat "$ID"

# The default publication date is 45 days after the start.
vctl --json case show "$ID" > "$T/case.json"
python3 - "$T/case.json" "$NOW" <<'EOF' && ok || bad "case show --json / default date"
import json, sys, datetime
c = json.load(open(sys.argv[1]))
t0 = datetime.datetime.fromisoformat(c["t0"])
pub = datetime.datetime.fromisoformat(c["publication"])
assert (pub - t0).days == 45, (t0, pub)
assert abs(t0.timestamp() - int(sys.argv[2])) < 60
assert t0.utcoffset() == datetime.timedelta(hours=9)
assert c["reporter_ref"] == "IPA#2026-0042"
assert c["attachments"][0]["filename"] == "poc.py"
assert [e["kind"] for e in c["events"]] == ["case-opened", "attachment-added"]
assert c["participants"] == []
EOF

printf 'A new summary.\n' | vctl case summary "$ID" - > /dev/null && ok || bad "summary from stdin"
expect 0 'A new summary' -- vctl case show "$ID"
printf 'data' > "$T/trace.pcap"
expect 0 "$ID detail set" -- vctl case detail "$ID" "$T/detail.txt" --attach "$T/trace.pcap"
expect 0 'trace.pcap \(application/vnd.tcpdump.pcap, 4 bytes\)' -- vctl case show "$ID"
expect 1 'not UTF-8 text' -- vctl case detail "$ID" "$T/binary.txt"
expect 1 "no case JVNVU#00000000" -- vctl case summary JVNVU#00000000 "$T/summary.txt"
expect 64 'case summary: ID FILE' -- vctl case summary "$ID"
expect 64 "unknown option '--attach'" -- vctl case summary "$ID" "$T/summary.txt" --attach "$T/poc.py"

expect 0 "$ID publication 2099-01-20T11:00:00\+09:00" -- vctl case date "$ID" 2099-01-20 reason "vendor fix train"
expect 0 "publication 2099-02-01T10:30:00\+09:00" -- vctl case "$ID" date 2099-02-01T10:30+09:00
expect 0 "publication 2099-02-01T19:30:00\+09:00" -- vctl case date "$ID" 2099-02-01T10:30Z
expect 0 'date-changed from=.* reason=vendor fix train' -- vctl case show "$ID"
expect 1 "bad date '2099-02-30'" -- vctl case date "$ID" 2099-02-30
expect 1 "bad date 'tomorrow'" -- vctl case date "$ID" tomorrow
expect 1 'in the past' -- vctl case date "$ID" 2020-01-01
expect 1 'no case' -- vctl case date JVNVU#00000000 2099-01-01
expect 64 'case date: ID WHEN' -- vctl case date "$ID"
expect 64 'case date: ID WHEN' -- vctl case date "$ID" 2099-01-01 because x

expect 0 "$ID2 +open" -- vctl case list
expect 0 "$ID +open +2099-02-01 +Buffer overflow" -- vctl case list
vctl case list --json | python3 -c "import json,sys; l=json.load(sys.stdin); assert len(l)==2 and all('id' in c for c in l)" && ok || bad "case list --json"
expect 64 'case list takes no arguments' -- vctl case list extra

# --- hostile text (issue 14) ------------------------------------------
# What the mail grammar refuses, vulturectl refuses too: controls, escape
# sequences, direction controls, zero-width spaces; exit 64, the argument
# and where the character is.
ESC=$(printf '\033')
RLO=$(printf '\342\200\256')
expect 64 'case open: TITLE: control character U\+001B at character 1' -- vctl case open "${ESC}[2JTitle"
expect 64 'TITLE: control character U\+202E at character 4' -- vctl case open "abc${RLO}fdp.exe"
expect 64 'TITLE: control character U\+000A at character 2.*one line' -- vctl case open "a
b"
expect 64 '--reporter: control character U\+009B at character 1' -- vctl case open "T" --reporter "$(printf '\302\233')2J"
expect 64 'vendor add: NAME: control character U\+200B at character 4' -- vctl vendor add hooli "Hoo$(printf '\342\200\213')li" general x@hooli.example
expect 64 'vendor contact: --name: control character U\+0007' -- vctl vendor contact acme x2@acme.example --name "$(printf 'a\007')"
expect 64 'case date: reason: control character U\+001B' -- vctl case date "$ID" 2099-03-01 reason "${ESC}]0;x"
expect 64 'control character in argument 4 \(U\+2066 at character 2\)' -- vctl case leak "$ID" "a$(printf '\342\201\246')b"
printf 'line one\nline \033[31mtwo\n' > "$T/esc.txt"
expect 64 'case summary: summary .*esc.txt: control character U\+001B at line 2, character 6' -- vctl case summary "$ID" "$T/esc.txt"
expect 64 'case open: detail -: control character U\+202E at line 1, character 2' -- sh -c "printf 'x\342\200\256y\n' | \"$VCTL_BIN\" case open T --detail -"
# CRLF is one newline, as in a mail here-document; a lone CR is not.
printf 'CRLF summary\r\nsecond line\r\n' > "$T/crlf.txt"
expect 0 "$ID summary set" -- vctl case summary "$ID" "$T/crlf.txt"
vctl --json case show "$ID" | python3 -c "import json,sys; assert json.load(sys.stdin)['summary']=='CRLF summary\nsecond line\n'" && ok || bad "CRLF summary kept its CRs"
printf 'a\rb\n' > "$T/cr.txt"
expect 64 'summary .*cr.txt: control character U\+000D at line 1, character 2' -- vctl case summary "$ID" "$T/cr.txt"
: > "$T/x${ESC}y"
expect 64 'case: --attach file name: control character U\+001B at character 2' -- vctl case detail "$ID" "$T/detail.txt" --attach "$T/x${ESC}y"

# What is stored is printed escaped, whatever wrote it (an older version,
# the daemon): no raw ESC, C1 or direction control reaches the terminal.
# raw() fails if its input carries one.
raw() { ! LC_ALL=C grep -qP '\x1b|\x07|\xc2[\x80-\x9f]|\xe2\x80[\x8b\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]'; }
sqlite3 "$T/vulture.db" "UPDATE cases SET title = 'T' || char(27) || '[2J' || char(8238) || char(155) WHERE id = '$ID2'"
sqlite3 "$T/vulture.db" "UPDATE vendors SET name = 'V' || char(27) || ']0;pwn' || char(7) || char(8207) WHERE handle = 'initech'"
expect 0 'T\\x1b\[2J\\u202e\\u009b' -- vctl case show "$ID2"
vctl case show "$ID2" | raw && ok || bad "case show printed a raw control"
vctl case list | raw && ok || bad "case list printed a raw control"
vctl vendor list | raw && ok || bad "vendor list printed a raw control"
expect 0 'V\\x1b\]0;pwn\\x07\\u200f' -- vctl vendor show initech
vctl vendor show initech | raw && ok || bad "vendor show printed a raw control"
vctl --json case list | raw && ok || bad "case list --json printed a raw control"
vctl --json vendor show initech | raw && ok || bad "vendor show --json printed a raw control"
vctl --json vendor show initech | python3 -c "import json,sys; assert json.load(sys.stdin)['name']=='V\x1b]0;pwn\x07\u200f'" && ok || bad "JSON does not round-trip the name"
expect 1 "'x\\\\x1b\[2J' is not a vendor handle" -- vctl vendor show "x${ESC}[2J"

# Hostile mail through deliver: an encoded ESC, C1 CSI and RLM in the
# Subject, an RLO and RLM in From. It is quarantined (not encrypted);
# neither quarantine nor inspect prints a raw control.
cat > "$T/hostile.eml" <<'EOM'
From: =?utf-8?q?Mallory_=E2=80=AEgpj=E2=80=8F=2Eexe?= <m@evil.example>
To: vultures@cert.example
Subject: =?utf-8?q?hi_=1B=5B2J_=C2=9B2J_=E2=80=8F_there?=
Message-ID: <hostile1@evil.example>
Date: Mon, 1 Jan 2026 00:00:00 +0000

hello
EOM
expect 0 '' -- sh -c "\"$VCTL_BIN\" deliver < \"$T/hostile.eml\""
QID=$(sqlite3 "$T/vulture.db" "SELECT id FROM messages WHERE message_id LIKE '%hostile1%'")
expect 0 'not-encrypted' -- vctl quarantine list
vctl quarantine list | raw && ok || bad "quarantine list printed a raw control"
# The decoder already replaced the C1 CSI (a space) and the RLM ('?').
expect 0 'subject: +hi +\[2J +2J \? there' -- vctl quarantine show "$QID"
vctl quarantine show "$QID" | raw && ok || bad "quarantine show printed a raw control"
vctl --json quarantine show "$QID" | raw && ok || bad "quarantine show --json printed a raw control"
vctl inspect "$T/hostile.eml" | raw && ok || bad "inspect printed a raw control"
vctl --json inspect "$T/hostile.eml" | raw && ok || bad "inspect --json printed a raw control"
vctl outbox list | raw && ok || bad "outbox list printed a raw control"

# Nothing above crashed, and the event log is append-only for real.
# The refusal must be the log's own trigger, not any failure of sqlite3
# (a missing table or a locked file would fail too). sqlite3's exit
# status differs between versions (1, or 19 for a constraint).
for q in "UPDATE events SET kind='x'" "DELETE FROM events"; do
	out=$(sqlite3 "$T/vulture.db" "$q" 2>&1) && bad "events: $q succeeded" ||
	    { printf '%s\n' "$out" | grep -q 'the event log is append-only' && ok ||
	    bad "events: $q failed for another reason: $out"; }
done
[ "$(sqlite3 "$T/vulture.db" "SELECT count(*) FROM events WHERE case_id IS NULL")" -ge 10 ] && ok || bad "vendor events missing"

# A database from a newer vulture is refused, not damaged.
sqlite3 "$T/vulture.db" "PRAGMA user_version = 99"
expect 1 'newer than this program' -- vctl vendor list
sqlite3 "$T/vulture.db" "PRAGMA user_version = 1"

finish
