#!/bin/sh
# Installs the Debian 12 packages that vulture's build, tests and demo need.
# Idempotent and non-interactive; run as root. Installs nothing if all are
# present.
set -eu
PKGS="build-essential autoconf automake libtool pkg-config make
libgmime-3.0-dev libgpgme-dev libetpan-dev libsqlite3-dev libev-dev
libgnutls28-dev libglib2.0-dev check gnupg sqlite3 python3
dovecot-imapd python3-aiosmtpd swaks neomutt tmux valgrind procmail
clang libclang-rt-14-dev chromium fonts-ipafont-gothic"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
# The CSAF validator runs on Node.js; Debian's is enough where the
# machine has none of its own.
command -v node >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing; run as root to install" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
