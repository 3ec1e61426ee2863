#!/bin/sh
# README command 1: installs what is missing, builds, and runs a demo case
# in a throwaway directory: a desk key and vendor keys generated on the
# spot, vendors registered, a case opened and shown. Cleans up after itself
# (KEEP=1 keeps the directory).
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
sh contrib/install-deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p _build
cd _build
[ -f Makefile ] || ../configure -q
make -j2 >/dev/null
VCTL="$top/_build/vulturectl"

D=$(mktemp -d /tmp/vdemo.XXXXXX)
chmod 700 "$D"
cleanup() {
	for h in "$D/gnupg" "$D"/vendors/*; do
		[ -d "$h" ] && gpgconf --homedir "$h" --kill gpg-agent >/dev/null 2>&1
	done
	if [ "${KEEP:-0}" = 1 ]; then echo "demo: kept $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT
export VULTURE_CONFIG="$D/vultured.conf"
cat > "$VULTURE_CONFIG" <<EOC
[general]
address = vultures@cert.example
database = $D/vulture.db
gnupghome = $D/gnupg
templates_dir = $top/conf/templates
publish_dir = $D/publish
EOC

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ vulturectl %s\n' "$*"; "$VCTL" "$@"; }

step "A fresh desk: database and desk key"
run init --generate-key

step "Vendors register with keys made on the spot"
mkdir -p "$D/vendors"
vendor_key() {	# handle, uid
	h="$D/vendors/$1"
	mkdir -p "$h" && chmod 700 "$h"
	gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
	    --quick-gen-key "$2" ed25519 sign,cert never 2>/dev/null
	fpr=$(gpg --homedir "$h" --with-colons --list-keys 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
	gpg --homedir "$h" --batch --pinentry-mode loopback --passphrase '' \
	    --quick-add-key "$fpr" cv25519 encr never 2>/dev/null
	gpg --homedir "$h" --armor --export "$fpr" > "$h.asc" 2>/dev/null
}
vendor_key acme "ACME PSIRT <psirt@acme.example>"
vendor_key globex "Globex PSIRT <psirt@globex.example>"
vendor_key initech "Initech Security <security@initech.example>"
run vendor add acme "ACME Corp" general psirt@acme.example keywords httpd,tls --contact-name "ACME PSIRT"
run vendor add globex "Globex KK" general psirt@globex.example keywords httpd,dns --lang ja
run vendor add initech "Initech" individual security@initech.example keywords tls
for v in acme globex initech; do
	run vendor key "$v" "$D/vendors/$v.asc"
	run vendor approve "$v"
done
run vendor list

step "A coordinator opens a case"
printf 'Do you ship a product that embeds FooHTTP 2.x?\n' > "$D/summary.txt"
printf 'A stack buffer overflow in the chunked transfer decoder of FooHTTP\n2.0-2.4 lets a remote client run code. Proof of concept attached.\n' > "$D/detail.txt"
printf 'import socket\n# sends an over-long chunk size\n' > "$D/poc.py"
ID=$(run case open "Buffer overflow in FooHTTP chunked decoder" --summary "$D/summary.txt" \
    --detail "$D/detail.txt" --attach "$D/poc.py" --reporter "IPA#2026-0042" | tail -1)
echo "$ID"
run case date "$ID" "$(date -d '+60 days' +%Y-%m-%d)" reason "reporter agreed"

step "The case"
run case show "$ID"
step "demo finished"
