#!/bin/sh
# Backup and restore as an operator would run them: a backup taken while
# replies are being delivered, checked by its manifest; restored on a fresh
# directory, the desk answers the same (case show --json for every case)
# and still decrypts mail to its key. A changed file, a newer schema and an
# existing desk are refused before anything is written.
. "$(dirname "$0")/lib.sh"
MK="/usr/bin/python3 $top_srcdir/tests/mkreply.py"

write_conf
vctl init --generate-key > "$T/init.out" || { bad init; finish; exit 1; }
DESK=$(awk '/desk key/ {print $3}' "$T/init.out")
ACME=$(mkkey acme "ACME PSIRT <psirt@acme.example>")
gpg --homedir "$T/gnupg" --armor --export "$DESK" > "$T/desk.asc" 2>/dev/null
gpg --homedir "$T/keys/acme" --batch --import "$T/desk.asc" 2>/dev/null
vctl vendor add acme "ACME Corp" general psirt@acme.example >/dev/null
vctl vendor key acme "$T/keys/acme.asc" >/dev/null
vctl vendor approve acme >/dev/null
ID=$(vctl case open "Overflow in FooHTTP")
ID2=$(vctl case open "ゼロデイ in BarSSL")
vctl case notify "$ID" vendors acme > /dev/null || bad notify
vctl case notify "$ID2" vendors acme > /dev/null || bad notify2
i=0
while [ $i -lt 6 ]; do
	$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
	    --from psirt@acme.example --protected-subject "Re: [$ID]" --subject "Re: [$ID]" \
	    --body "Comment: reply $i" > "$T/r$i.eml" || bad "mkreply $i"
	i=$((i + 1))
done

# Under load: replies are delivered while the backup is taken.
( for i in 0 1 2 3 4 5; do "$VCTL_BIN" deliver < "$T/r$i.eml"; done ) > "$T/load.out" 2>&1 &
load=$!
expect 0 "backup $T/bk1: database \(schema [0-9]+\)" -- vctl backup "$T/bk1"
wait $load || bad "deliveries beside the backup failed: $(cat "$T/load.out")"
[ "$(head -1 "$T/bk1/MANIFEST")" = "vulture-backup 1" ] && ok || bad "manifest header"
grep -q " gnupg/pubring.kbx$" "$T/bk1/MANIFEST" && ok || bad "no key ring in the manifest"
grep -q " vultured.conf$" "$T/bk1/MANIFEST" && grep -q " templates/ja/ack.tmpl$" "$T/bk1/MANIFEST" && ok || bad "no configuration or templates"
grep -q "S.gpg-agent" "$T/bk1/MANIFEST" && bad "agent socket in the backup" || ok
[ "$(stat -c %a "$T/bk1")" = 700 ] && [ "$(stat -c %a "$T/bk1/vulture.db")" = 600 ] && ok || bad "backup modes"
sqlite3 "$T/bk1/vulture.db" "PRAGMA integrity_check" | grep -qx ok && ok || bad "snapshot integrity"
expect 1 'is not empty' -- vctl backup "$T/bk1"

# A quiet backup, restored on a fresh directory with its own paths.
expect 0 "backup $T/bk2" -- vctl backup "$T/bk2"
mkdir "$T/new"
sed -e "s|$T/vulture.db|$T/new/state/vulture.db|; s|$T/gnupg|$T/new/gnupg|" "$CONF" > "$T/new.conf"
expect 0 "restored $T/bk2: database \(schema [0-9]+\), GnuPG home \(desk key $DESK\)" -- vctl -c "$T/new.conf" restore "$T/bk2"
for id in "$ID" "$ID2"; do
	vctl --json case show "$id" > "$T/old.json"
	vctl -c "$T/new.conf" --json case show "$id" > "$T/new.json"
	cmp -s "$T/old.json" "$T/new.json" && ok || bad "case show differs after restore: $(diff "$T/old.json" "$T/new.json" | head -5)"
done
[ "$(vctl case list | wc -l)" = "$(vctl -c "$T/new.conf" case list | wc -l)" ] && ok || bad "case list differs"
# The restored desk reads mail to its key: a reply delivered there applies.
$MK --home "$T/keys/acme" --signer "$ACME" --recipient "$DESK" --shape combined \
    --from psirt@acme.example --protected-subject "Re: [$ID2]" --subject "Re: [$ID2]" \
    --body "Status: not affected" > "$T/after.eml"
"$VCTL_BIN" -c "$T/new.conf" deliver < "$T/after.eml" || bad "deliver to the restored desk"
vctl -c "$T/new.conf" --json case show "$ID2" | grep -q '"status": "not-affected"' && ok || bad "reply not applied on the restored desk"
gpgconf --homedir "$T/new/gnupg" --kill all 2>/dev/null

# A file slipped into the backup after it was made is not in the manifest
# and never restored (a gpg.conf of the attacker's, say).
cp -r "$T/bk2" "$T/bk4"
printf 'keyserver hkps://attacker.example\n' > "$T/bk4/gnupg/gpg.conf"
sed -e "s|$T/vulture.db|$T/n4/vulture.db|; s|$T/gnupg|$T/n4/gnupg|" "$CONF" > "$T/n4.conf"
expect 0 "restored $T/bk4" -- vctl -c "$T/n4.conf" restore "$T/bk4"
[ -e "$T/n4/gnupg/gpg.conf" ] && bad "a file outside the manifest was restored" || ok
[ "$(stat -c %a "$T/n4/gnupg")" = 700 ] && ok || bad "restored GnuPG home mode"
gpgconf --homedir "$T/n4/gnupg" --kill all 2>/dev/null

# Refusals, each before anything is written.
expect 1 "vulture.db exists: restore makes a desk anew" -- vctl -c "$T/new.conf" restore "$T/bk2"
cp -r "$T/bk2" "$T/bk3"
printf 'x' >> "$T/bk3/templates/en/ack.tmpl"
sed -e "s|$T/vulture.db|$T/n3/vulture.db|; s|$T/gnupg|$T/n3/gnupg|" "$CONF" > "$T/n3.conf"
expect 1 "templates/en/ack.tmpl differs from the manifest" -- vctl -c "$T/n3.conf" restore "$T/bk3"
[ -e "$T/n3" ] && bad "a refused restore wrote $T/n3" || ok
rm -rf "$T/bk3" && cp -r "$T/bk2" "$T/bk3"
sqlite3 "$T/bk3/vulture.db" "PRAGMA user_version = 999" && /usr/bin/python3 - "$T/bk3" <<'EOF'
import hashlib, os, sys
d = sys.argv[1]
lines = open(os.path.join(d, "MANIFEST")).read().splitlines()
out = []
for l in lines:
    if l.endswith(" vulture.db") and len(l) > 64 and l[64] == " ":
        data = open(os.path.join(d, "vulture.db"), "rb").read()
        l = "%s %d vulture.db" % (hashlib.sha256(data).hexdigest(), len(data))
    out.append(l)
open(os.path.join(d, "MANIFEST"), "w").write("\n".join(out) + "\n")
EOF
expect 1 "schema version 999 is newer than this program" -- vctl -c "$T/n3.conf" restore "$T/bk3"
rm -f "$T/bk3/MANIFEST"
expect 1 "an incomplete backup" -- vctl -c "$T/n3.conf" restore "$T/bk3"
[ -e "$T/n3" ] && bad "a refused restore wrote $T/n3" || ok
expect 64 "backup: which directory" -- vctl backup
finish
