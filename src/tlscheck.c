#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <string.h>

#include "vulture/tlscheck.h"

/* mailstream_ssl.h declares this only under libetpan's own build-time
 * USE_SSL; Debian's libetpan has it (GnuTLS) and exports the symbol. */
#ifndef USE_SSL
extern mailstream_low_driver *mailstream_ssl_driver;
#endif

#define PIN_PREFIX "sha256:"
#define PIN_BYTES 32
#define MAX_CHAIN 16		/* certificates looked at */
#define MAX_NAMES 8		/* subjectAltNames quoted in a refusal */

static int
is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 ||
	    inet_pton(AF_INET6, host, buf) == 1;
}

void
tlscheck_sni_callback(struct mailstream_ssl_context *ctx, void *host)
{
	/* libetpan's prototype takes a non-const string it only reads. */
	if (host != NULL && !is_ip_literal(host))
		mailstream_ssl_set_server_name(ctx, host);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses one pin token [s, end) into out. */
static int
parse_one(const char *s, const char *end, unsigned char out[PIN_BYTES])
{
	size_t n = 0, plen = strlen(PIN_PREFIX);
	int hi;

	if ((size_t)(end - s) < plen || g_ascii_strncasecmp(s, PIN_PREFIX,
	    plen) != 0)
		return -1;
	for (s += plen; s < end; s++) {
		if (*s == ':')
			continue;
		if ((hi = hexval((unsigned char)*s)) < 0 || s + 1 >= end ||
		    hexval((unsigned char)s[1]) < 0 || n == PIN_BYTES)
			return -1;
		out[n++] = (unsigned char)(hi << 4 |
		    hexval((unsigned char)s[1]));
		s++;
	}
	return n == PIN_BYTES ? 0 : -1;
}

/* Calls back for each pin in the list; returns -1 on a malformed one. */
static int
pins_foreach(const char *pins, int (*fn)(const unsigned char *, void *),
    void *ctx, int *matched_r)
{
	unsigned char pin[PIN_BYTES];
	const char *s = pins, *e;
	int count = 0;

	*matched_r = 0;
	for (;;) {
		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		for (e = s; *e != '\0' && *e != ',' && *e != ' ' &&
		    *e != '\t'; e++)
			;
		if (parse_one(s, e, pin) < 0)
			return -1;
		count++;
		if (fn != NULL && fn(pin, ctx))
			*matched_r = 1;
		s = e;
	}
	return count > 0 ? 0 : -1;
}

int
tlscheck_pin_parse(const char *pin, char **error_r)
{
	int matched;

	if (pin == NULL || pins_foreach(pin, NULL, NULL, &matched) < 0) {
		*error_r = g_strdup("tls_pin must be sha256: followed by the "
		    "64 hex digits of the certificate's SHA-256 (several "
		    "separated by commas)");
		return -1;
	}
	return 0;
}

static void
sha256(const unsigned char *der, size_t len, unsigned char out[PIN_BYTES])
{
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, der, len, out) < 0)
		memset(out, 0, PIN_BYTES);
}

char *
tlscheck_pin_of(const unsigned char *der, size_t len)
{
	unsigned char d[PIN_BYTES];
	GString *s = g_string_new(PIN_PREFIX);
	size_t i;

	sha256(der, len, d);
	for (i = 0; i < PIN_BYTES; i++)
		g_string_append_printf(s, "%02x", d[i]);
	return g_string_free(s, FALSE);
}

static int
pin_equal(const unsigned char *pin, void *ctx)
{
	return memcmp(pin, ctx, PIN_BYTES) == 0;
}

/* The names a refusal quotes: DNS and IP subjectAltNames, else the CN. */
static char *
cert_names(gnutls_x509_crt_t crt)
{
	GString *s = g_string_new(NULL);
	char buf[256];
	unsigned i, shown = 0;
	size_t len;
	unsigned type;
	int r;

	for (i = 0; shown < MAX_NAMES && i < 64; i++) {
		len = sizeof(buf) - 1;
		r = gnutls_x509_crt_get_subject_alt_name2(crt, i, buf, &len,
		    &type, NULL);
		if (r == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ||
		    (r < 0 && r != GNUTLS_E_SHORT_MEMORY_BUFFER))
			break;
		if (r == GNUTLS_SAN_DNSNAME) {
			buf[len] = '\0';
		} else if (r == GNUTLS_SAN_IPADDRESS && (len == 4 ||
		    len == 16)) {
			unsigned char raw[16];

			memcpy(raw, buf, len);
			if (inet_ntop(len == 4 ? AF_INET : AF_INET6, raw, buf,
			    sizeof(buf)) == NULL)
				continue;
		} else
			continue;
		g_string_append_printf(s, "%s%s", shown ? ", " : "", buf);
		shown++;
	}
	if (shown == 0) {
		len = sizeof(buf);
		if (gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, 0, 0, buf, &len) == 0)
			g_string_append_printf(s, "CN=%s", buf);
		else
			g_string_append(s, "no names");
	}
	/* Server-supplied text: keep it printable for logs. */
	g_strcanon(s->str, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNO"
	    "PQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", '?');
	return g_string_free(s, FALSE);
}

static char *
fmt_time(time_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s;

	if (dt == NULL)
		return g_strdup("?");
	s = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC");
	g_date_time_unref(dt);
	return s;
}

/* One short reason for a chain verification status. */
static char *
status_reason(unsigned status, gnutls_x509_crt_t leaf, unsigned n)
{
	if (status & GNUTLS_CERT_EXPIRED) {
		char *t = fmt_time(gnutls_x509_crt_get_expiration_time(leaf));
		char *r = g_strdup_printf("expired (not after %s)", t);

		g_free(t);
		return r;
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED) {
		char *t = fmt_time(gnutls_x509_crt_get_activation_time(leaf));
		char *r = g_strdup_printf("not yet valid (not before %s)", t);

		g_free(t);
		return r;
	}
	if (status & GNUTLS_CERT_REVOKED)
		return g_strdup("revoked");
	if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND |
	    GNUTLS_CERT_SIGNER_NOT_CA)) {
		/* Issuer and subject alike and a single certificate: the
		 * usual home-made server certificate. */
		if (n == 1 && gnutls_x509_crt_check_issuer(leaf, leaf))
			return g_strdup("self-signed");
		return g_strdup("issuer unknown");
	}
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		return g_strdup("insecure signature algorithm");
	if (status & GNUTLS_CERT_SIGNATURE_FAILURE)
		return g_strdup("bad signature");
	if (status & GNUTLS_CERT_PURPOSE_MISMATCH)
		return g_strdup("not meant for TLS servers");
	return g_strdup_printf("verification failed (status 0x%x)", status);
}

int
tlscheck_chain(const struct tlscheck_policy *p,
    const unsigned char *const *der, const size_t *der_len, unsigned n,
    char **error_r)
{
	gnutls_x509_crt_t crts[MAX_CHAIN];
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_typed_vdata_st vdata;
	unsigned char seen[PIN_BYTES];
	const char *host = p->host != NULL ? p->host : "";
	char *pin = NULL, *why = NULL, *names;
	unsigned i, nc = 0, status = 0;
	int matched, r, ret = -1;

	if (n == 0 || der == NULL) {
		*error_r = g_strdup_printf("no certificate from %s", host);
		return -1;
	}
	if (n > MAX_CHAIN)
		n = MAX_CHAIN;
	pin = tlscheck_pin_of(der[0], der_len[0]);
	sha256(der[0], der_len[0], seen);

	if (p->pin != NULL && *p->pin != '\0') {
		if (pins_foreach(p->pin, pin_equal, seen, &matched) < 0) {
			*error_r = g_strdup_printf("tls_pin for %s is "
			    "malformed; the server's certificate is %s", host,
			    pin);
			goto out;
		}
		if (!matched) {
			*error_r = g_strdup_printf("certificate for %s does "
			    "not match tls_pin: got %s", host, pin);
			goto out;
		}
		ret = 0;
		goto out;
	}

	if (p->host == NULL || *p->host == '\0') {
		*error_r = g_strdup("no host name to verify the certificate "
		    "against");
		goto out;
	}
	for (nc = 0; nc < n; nc++) {
		gnutls_datum_t d = { (unsigned char *)der[nc],
		    (unsigned)der_len[nc] };

		if (gnutls_x509_crt_init(&crts[nc]) < 0) {
			*error_r = g_strdup("out of memory");
			goto out;
		}
		if (gnutls_x509_crt_import(crts[nc], &d,
		    GNUTLS_X509_FMT_DER) < 0) {
			gnutls_x509_crt_deinit(crts[nc]);
			*error_r = g_strdup_printf("certificate for %s "
			    "unreadable; %s", host, pin);
			goto out;
		}
	}
	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		*error_r = g_strdup("out of memory");
		goto out;
	}
	r = gnutls_x509_trust_list_add_trust_file(tl, p->ca_file != NULL ?
	    p->ca_file : TLSCHECK_SYSTEM_CA, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
	if (r <= 0) {
		*error_r = g_strdup_printf("no CA certificates read from %s%s",
		    p->ca_file != NULL ? p->ca_file : TLSCHECK_SYSTEM_CA,
		    r < 0 ? ": unreadable" : "");
		goto out;
	}
	vdata.type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata.data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	vdata.size = 0;
	r = gnutls_x509_trust_list_verify_crt2(tl, crts, nc, &vdata, 1, 0,
	    &status, NULL);
	if (r < 0 || status != 0) {
		why = r < 0 ? g_strdup(gnutls_strerror(r)) :
		    status_reason(status, crts[0], nc);
		*error_r = g_strdup_printf("certificate for %s not trusted: "
		    "%s; pin it with tls_pin = %s", host, why, pin);
		goto out;
	}
	/* IP literals are matched against IP subjectAltNames. */
	if (!gnutls_x509_crt_check_hostname2(crts[0], host, 0)) {
		names = cert_names(crts[0]);
		*error_r = g_strdup_printf("certificate for %s does not match "
		    "the name (it is for %s); pin it with tls_pin = %s", host,
		    names, pin);
		g_free(names);
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < nc; i++)
		gnutls_x509_crt_deinit(crts[i]);
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	g_free(why);
	g_free(pin);
	return ret;
}

int
tlscheck_is_tls(mailstream *s)
{
	mailstream_low *low = s != NULL ? mailstream_get_low(s) : NULL;

	return low != NULL && low->driver == mailstream_ssl_driver;
}

int
tlscheck_stream(mailstream *s, const struct tlscheck_policy *p,
    char **error_r)
{
	const unsigned char *der[MAX_CHAIN];
	size_t len[MAX_CHAIN];
	unsigned char *leaf = NULL;
	carray *chain;
	unsigned i, n;
	int ret;

	/* Both libetpan calls below read the low-level data as TLS data
	 * without checking the driver. */
	if (!tlscheck_is_tls(s)) {
		*error_r = g_strdup_printf("connection to %s is not TLS",
		    p->host != NULL ? p->host : "server");
		return -1;
	}
	/* libetpan 1.9.4's GnuTLS mailstream_low_ssl_get_certificate_chain()
	 * returns an uninitialised pointer when the peer sent no
	 * certificate; mailstream_ssl_get_certificate() fails cleanly in
	 * that case, so ask it first. */
	if (mailstream_ssl_get_certificate(s, &leaf) < 0) {
		*error_r = g_strdup_printf("no certificate from %s",
		    p->host != NULL ? p->host : "server");
		return -1;
	}
	free(leaf);
	chain = mailstream_get_certificate_chain(s);
	if (chain == NULL || carray_count(chain) == 0) {
		if (chain != NULL)
			mailstream_certificate_chain_free(chain);
		*error_r = g_strdup_printf("no certificate from %s",
		    p->host != NULL ? p->host : "server");
		return -1;
	}
	n = carray_count(chain);
	if (n > MAX_CHAIN)
		n = MAX_CHAIN;
	for (i = 0; i < n; i++) {
		MMAPString *str = carray_get(chain, i);

		der[i] = (const unsigned char *)str->str;
		len[i] = str->len;
	}
	ret = tlscheck_chain(p, der, len, n, error_r);
	mailstream_certificate_chain_free(chain);
	return ret;
}
