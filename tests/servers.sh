#!/bin/sh
# Test helpers for the network clients: certificates and a private Dovecot
# configuration on loopback. The C tests run the servers themselves (as
# direct children, waited for by pid); this script only writes files.
#
#   servers.sh certs DIR
#	ca.pem/key (test CA); server.pem: by the CA for 127.0.0.1 and
#	localhost; wrong.pem: by the CA for wrong.example; expired.pem: by
#	the CA for 127.0.0.1, expired in 2020; self.pem: self-signed for
#	127.0.0.1, localhost and selfsigned.test. Each also as .der.
#   servers.sh dovecot-conf DIR IMAP_PORT IMAPS_PORT
#	DIR/dovecot.conf (certificates from DIR, as made by "certs"), users
#	t01..t40 with password "secret" (passwd-file, {PLAIN}), mail in
#	DIR/home/USER/Maildir. SNI "selfsigned.test" gets self.pem.
#	Run: dovecot -c DIR/dovecot.conf -F
#   servers.sh free-port
#	A port free on 127.0.0.1 right now.
set -eu

req() {
	# ECDSA P-256: fast to make, and GnuTLS, Dovecot and Python take it.
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "$@" \
	    2>/dev/null
}

certs() {
	d=$1
	cd "$d"
	req -x509 -keyout ca.key -out ca.pem -days 30 \
	    -subj "/CN=vulture test CA"
	for name in server wrong expired; do
		case $name in
		wrong) san="DNS:wrong.example" ;;
		*) san="IP:127.0.0.1,DNS:localhost" ;;
		esac
		req -keyout "$name.key" -out "$name.csr" -subj "/CN=$name"
		printf '%s\n' "subjectAltName=$san" \
		    "extendedKeyUsage=serverAuth" "basicConstraints=CA:FALSE" \
		    > $name.ext
	done
	for name in server wrong; do
		openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key \
		    -CAcreateserial -days 30 -extfile $name.ext \
		    -out $name.pem 2>/dev/null
	done
	# Past dates need "openssl ca" (x509 -req only counts days from now).
	mkdir -p ca.d
	: > ca.d/index.txt
	echo 1000 > ca.d/serial
	cat > ca.d/ca.cnf <<EOF
[ca]
default_ca = tca
[tca]
dir = $d/ca.d
database = \$dir/index.txt
new_certs_dir = \$dir
serial = \$dir/serial
default_md = sha256
policy = pol
unique_subject = no
[pol]
commonName = supplied
EOF
	openssl ca -batch -config ca.d/ca.cnf -cert ca.pem -keyfile ca.key \
	    -in expired.csr -out expired.pem -notext -extfile expired.ext \
	    -startdate 20200101000000Z -enddate 20200201000000Z 2>/dev/null
	req -x509 -keyout self.key -out self.pem -days 30 \
	    -subj "/CN=selfsigned.test" -addext \
	    "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:selfsigned.test"
	for name in ca server wrong expired self; do
		openssl x509 -in $name.pem -outform DER -out $name.der
	done
	chmod 600 ./*.key
}

dovecot_conf() {
	d=$1 port=$2 sport=$3
	mkdir -p "$d/run" "$d/state" "$d/home"
	# The mail user (nobody when we are root) must reach its home.
	chmod 755 "$d"
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$d/home"
		ids="uid=nobody gid=nogroup"
	else
		ids="uid=$(id -u) gid=$(id -g)"
	fi
	: > "$d/passwd"
	for i in $(seq -w 1 40); do
		echo "t$i:{PLAIN}secret" >> "$d/passwd"
	done
	cat > "$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
info_log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$d/server.pem
ssl_key = <$d/server.key
ssl_dh = </usr/share/dovecot/dh.pem
local_name selfsigned.test {
  ssl_cert = <$d/self.pem
  ssl_key = <$d/self.key
}
disable_plaintext_auth = no
auth_mechanisms = plain login
# Failed logins are part of the tests: no delay, no penalty.
auth_failure_delay = 0
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
passdb {
  driver = passwd-file
  args = $d/passwd
}
userdb {
  driver = static
  args = $ids home=$d/home/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $sport
    ssl = yes
  }
}
EOF
	if [ "$(id -u)" != 0 ]; then
		cat >> "$d/dovecot.conf" <<EOF
default_login_user = $(id -un)
default_internal_user = $(id -un)
default_internal_group = $(id -gn)
service imap-login {
  chroot =
}
service anvil {
  chroot =
}
EOF
	fi
}

free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

case ${1:-} in
certs) certs "$2" ;;
dovecot-conf) dovecot_conf "$2" "$3" "$4" ;;
free-port) free_port ;;
*) echo "usage: $0 certs DIR | dovecot-conf DIR PORT SPORT | free-port" >&2
   exit 64 ;;
esac
