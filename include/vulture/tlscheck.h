/* TLS peer verification that libetpan does not do: its GnuTLS path accepts
 * any certificate. Call tlscheck_stream() right after the handshake
 * (implicit TLS, or STARTTLS) and before sending anything that matters
 * (credentials, mail).
 *
 * Without a pin the server certificate must chain to the system CAs
 * (TLSCHECK_SYSTEM_CA) or to ca_file, be within its validity dates, be
 * meant for TLS servers and carry host (a DNS name, or an IP address
 * matched against its IP subjectAltNames).
 *
 * With a pin, the pin replaces all of that: the server certificate must be
 * exactly a pinned one. A pin is "sha256:" and the SHA-256 of the server
 * certificate's DER encoding, in hex (colons allowed, any case); that is
 * what `openssl x509 -noout -fingerprint -sha256 -in cert.pem` prints. It
 * pins the certificate, not its key, so a renewed certificate needs a new
 * pin (every refusal prints the pin of the certificate it saw). Several
 * pins may be given separated by commas or spaces, for a rollover. */
#ifndef VULTURE_TLSCHECK_H
#define VULTURE_TLSCHECK_H

#include <stddef.h>

#include <libetpan/libetpan.h>

#define TLSCHECK_SYSTEM_CA "/etc/ssl/certs/ca-certificates.crt"

struct tlscheck_policy {
	const char *host;	/* foreign: name the certificate must carry */
	const char *ca_file;	/* foreign: PEM bundle; NULL: system CAs */
	const char *pin;	/* foreign: "sha256:HEX[,...]" or NULL */
};

/* Returns 0 if the TLS peer of stream s passes the policy, else -1 with
 * *error_r newly allocated (g_free), one line naming the host, the reason
 * and the pin of the certificate seen, for example "certificate for
 * 127.0.0.1 not trusted: self-signed; pin it with tls_pin = sha256:...".
 * A stream that is not TLS fails. */
int
tlscheck_stream(mailstream *s, const struct tlscheck_policy *p,
    char **error_r);

/* 1 if stream s runs over libetpan's TLS driver, else 0. */
int
tlscheck_is_tls(mailstream *s);

/* The same check on a chain of DER certificates, server certificate first
 * (foreign). tlscheck_stream() extracts the chain and calls this. */
int
tlscheck_chain(const struct tlscheck_policy *p,
    const unsigned char *const *der, const size_t *der_len, unsigned n,
    char **error_r);

/* "sha256:HEX" of a DER certificate, newly allocated (g_free). */
char *
tlscheck_pin_of(const unsigned char *der, size_t len);

/* 0 if pin is a well-formed pin list (for configuration checks), else -1
 * with *error_r newly allocated. */
int
tlscheck_pin_parse(const char *pin, char **error_r);

/* For libetpan's *_with_callback connect and STARTTLS functions, with the
 * host name (const char *) as data: sends it as SNI unless it is an IP
 * address (RFC 6066 forbids those). */
void
tlscheck_sni_callback(struct mailstream_ssl_context *ctx, void *host);

#endif
