/* Outbound mail, assembled: the protected entity, the PGP/MIME envelope
 * around the armored result, the signed announcement. GMime builds and
 * serializes the MIME structure (compose_mime.c); the cryptography is
 * compose_pgp.c's, which alone talks to GPGME (GMime's own crypto contexts
 * spawn extra gpg processes per message, see RECIPES.md). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <gmime/gmime.h>

#include "compose_p.h"

#define HEX_ID_BYTES	16		/* random part of a message id */
#define OBSCURED_SUBJECT "..."		/* RFC 9788 when there is no case */
#define ENCRYPTED_PROLOGUE \
	"This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)"
#define SIGNED_PROLOGUE \
	"This is an OpenPGP/MIME signed message (RFC 4880 and 3156)"

void
compose_init(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		g_mime_init();
		g_once_init_leave(&once, 1);
	}
}

/* ---- Message ids. */

static void
fill_random(unsigned char *buf, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = getrandom(buf + off, len - off, 0);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		/* Uniqueness, not secrecy, is what a message id needs: GLib's
		 * generator (seeded from /dev/urandom) will do. */
		for (; off < len; off++)
			buf[off] = (unsigned char)g_random_int_range(0, 256);
	}
}

char *
compose_message_id(const char *from_addr)
{
	unsigned char rnd[HEX_ID_BYTES];
	char hex[HEX_ID_BYTES * 2 + 1];
	const char *at, *domain = "vulture.invalid", *p;
	size_t i;

	at = from_addr != NULL ? strrchr(from_addr, '@') : NULL;
	if (at != NULL && at[1] != '\0' && strlen(at + 1) <= 200) {
		domain = at + 1;
		for (p = domain; *p != '\0'; p++)
			if (!g_ascii_isalnum(*p) && *p != '.' && *p != '-') {
				domain = "vulture.invalid";
				break;
			}
	}
	fill_random(rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++)
		g_snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
	return g_strdup_printf("%s.%lld@%s", hex, (long long)time(NULL),
	    domain);
}

/* The protected entity: text/plain, or multipart/mixed with the
 * attachments; RFC 9788 header fields and a legacy display of the Subject
 * atop the body text (RFC 9788 4.5.3.2). Plaintext copies go to wipe. */
static GMimeObject *
inner_entity(const struct compose_msg *m, const struct hdrs *inner,
    GPtrArray *wipe, char **error_r)
{
	GMimeMultipart *mixed = NULL;
	GMimeObject *root;
	GMimePart *body;
	GByteArray *text, *copy;
	char *legacy;
	size_t i;

	legacy = g_strdup_printf("Subject: %s\n\n", m->subject);
	text = compose_normalized_text(legacy, m->body);
	g_free(legacy);
	g_ptr_array_add(wipe, text);
	/* Quoted-printable, not 8bit: robust even inside the encryption. */
	body = compose_text_part(text, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(body),
	    "hp-legacy-display", "1");
	if (m->n_attachments == 0)
		root = GMIME_OBJECT(body);
	else {
		mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, GMIME_OBJECT(body));
		g_object_unref(body);
		for (i = 0; i < m->n_attachments; i++) {
			GMimePart *a = compose_attachment_part(
			    &m->attachments[i], i, &copy, error_r);

			if (a == NULL) {
				g_object_unref(mixed);
				return NULL;
			}
			g_ptr_array_add(wipe, copy);
			g_mime_multipart_add(mixed, GMIME_OBJECT(a));
			g_object_unref(a);
		}
		root = GMIME_OBJECT(mixed);
	}
	g_mime_object_set_content_type_parameter(root, "hp", "cipher");
	/* The pre-RFC 9788 marker Thunderbird's OpenPGP and neomutt read. */
	g_mime_object_set_content_type_parameter(root, "protected-headers",
	    "v1");
	compose_apply_headers(root, inner, 1);
	return root;
}

int
compose_encrypted(gpgme_ctx_t ctx, const struct compose_msg *m,
    GBytes **out_r, char **message_id_r, char **error_r)
{
	struct compose_pgp *pgp = NULL;
	struct hdrs outer, inner;
	GMimeFormatOptions *fo = NULL;
	GMimeObject *root = NULL;
	GMimeMultipart *enc = NULL;
	GMimeMessage *msg = NULL;
	GMimePart *version, *payload;
	GPtrArray *wipe = NULL;
	GByteArray *plain_ba = NULL, *wire = NULL;
	char *msgid = NULL, *outer_subject = NULL, *armored = NULL;
	size_t armored_len = 0;
	int rc = -1;

	*out_r = NULL;
	if (message_id_r != NULL)
		*message_id_r = NULL;
	*error_r = NULL;
	memset(&outer, 0, sizeof(outer));
	memset(&inner, 0, sizeof(inner));
	compose_init();
	if (compose_check_msg(m, 1, error_r) == -1)
		return -1;
	/* Keys first: a refusal costs no MIME work. */
	if (compose_pgp_open(ctx, m, 1, &pgp, error_r) == -1)
		goto done;

	fo = compose_crlf_options();
	msgid = m->message_id != NULL ? g_strdup(m->message_id) :
	    compose_message_id(m->from_addr);
	outer_subject = m->case_id != NULL ?
	    g_strdup_printf("[%s]", m->case_id) : g_strdup(OBSCURED_SUBJECT);
	if (compose_build_headers(m, fo, msgid, outer_subject, &outer, &inner,
	    error_r) == -1)
		goto done;

	wipe = g_ptr_array_new();
	if ((root = inner_entity(m, &inner, wipe, error_r)) == NULL)
		goto done;
	if ((plain_ba = compose_serialize(root, fo, error_r)) == NULL)
		goto done;
	/* The GMime tree holds plaintext copies: drop it at once. */
	g_clear_object(&root);

	if (compose_pgp_sign_encrypt(pgp, plain_ba->data, plain_ba->len,
	    &armored, &armored_len, error_r) != 0)
		goto done;

	/* RFC 3156 4: multipart/encrypted with exactly two parts. */
	enc = g_mime_multipart_new_with_subtype("encrypted");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(enc),
	    "protocol", "application/pgp-encrypted");
	g_mime_multipart_set_prologue(enc, ENCRYPTED_PROLOGUE);
	version = compose_ascii_part("application", "pgp-encrypted",
	    "Version: 1\n", 11);
	g_mime_object_set_header(GMIME_OBJECT(version), "Content-Description",
	    "PGP/MIME version identification", NULL);
	g_mime_multipart_add(enc, GMIME_OBJECT(version));
	g_object_unref(version);
	payload = compose_ascii_part("application", "octet-stream", armored,
	    armored_len);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(payload),
	    "name", "encrypted.asc");
	g_mime_object_set_header(GMIME_OBJECT(payload), "Content-Description",
	    "OpenPGP encrypted message", NULL);
	g_mime_object_set_header(GMIME_OBJECT(payload), "Content-Disposition",
	    "inline; filename=\"encrypted.asc\"", NULL);
	g_mime_multipart_add(enc, GMIME_OBJECT(payload));
	g_object_unref(payload);
	msg = compose_outer_message(&outer, GMIME_OBJECT(enc));
	if ((wire = compose_serialize(GMIME_OBJECT(msg), fo, error_r)) ==
	    NULL || compose_check_wire(wire, error_r) == -1)
		goto done;

	*out_r = g_byte_array_free_to_bytes(wire);
	wire = NULL;
	if (message_id_r != NULL) {
		*message_id_r = msgid;
		msgid = NULL;
	}
	rc = 0;
done:
	g_free(armored);
	if (root != NULL)
		g_object_unref(root);
	if (enc != NULL)
		g_object_unref(enc);
	if (msg != NULL)
		g_object_unref(msg);
	compose_wipe(&plain_ba);
	if (wipe != NULL) {
		guint i;

		/* After the GMime tree: it reads these arrays. */
		for (i = 0; i < wipe->len; i++) {
			GByteArray *ba = wipe->pdata[i];

			compose_wipe(&ba);
		}
		g_ptr_array_free(wipe, TRUE);
	}
	if (wire != NULL)
		g_byte_array_free(wire, TRUE);
	if (fo != NULL)
		g_mime_format_options_free(fo);
	compose_hdrs_clear(&outer);
	compose_hdrs_clear(&inner);
	g_free(outer_subject);
	g_free(msgid);
	compose_pgp_close(&pgp);
	return rc;
}

/* ---- compose_signed_clear. */

/* Body lines starting "From " would be mangled by mbox writers, which
 * breaks the signature (RFC 3156 3): base64 for those. */
static int
has_from_line(const char *text)
{
	const char *p = text;

	for (;;) {
		if (strncmp(p, "From ", 5) == 0)
			return 1;
		if ((p = strchr(p, '\n')) == NULL)
			return 0;
		p++;
	}
}

/* Finds "--boundary CRLF" signed "CRLF --boundary" in wire: the bytes a
 * verifier hashes must be the ones we signed. */
static int
signed_bytes_intact(const GByteArray *wire, const char *boundary,
    const GByteArray *signed_part)
{
	GString *needle = g_string_new(NULL);
	int found;

	g_string_append_printf(needle, "\r\n--%s\r\n", boundary);
	g_string_append_len(needle, (const char *)signed_part->data,
	    (gssize)signed_part->len);
	g_string_append_printf(needle, "\r\n--%s", boundary);
	found = memmem(wire->data, wire->len, needle->str, needle->len) !=
	    NULL;
	g_string_free(needle, TRUE);
	return found;
}

int
compose_signed_clear(gpgme_ctx_t ctx, const struct compose_msg *m,
    GBytes **out_r, char **message_id_r, char **error_r)
{
	struct compose_pgp *pgp = NULL;
	struct hdrs outer, inner;
	GMimeFormatOptions *fo = NULL;
	GMimeMultipart *sgn = NULL;
	GMimeMessage *msg = NULL;
	GMimePart *text = NULL, *sigpart;
	GByteArray *body = NULL, *signed_ba = NULL, *wire = NULL;
	char *msgid = NULL, *armored = NULL, *micalg = NULL;
	size_t armored_len = 0;
	int rc = -1;

	*out_r = NULL;
	if (message_id_r != NULL)
		*message_id_r = NULL;
	*error_r = NULL;
	memset(&outer, 0, sizeof(outer));
	memset(&inner, 0, sizeof(inner));
	compose_init();
	if (compose_check_msg(m, 0, error_r) == -1)
		return -1;
	if (compose_pgp_open(ctx, m, 0, &pgp, error_r) == -1)
		goto done;

	fo = compose_crlf_options();
	msgid = m->message_id != NULL ? g_strdup(m->message_id) :
	    compose_message_id(m->from_addr);
	if (compose_build_headers(m, fo, msgid, NULL, &outer, &inner,
	    error_r) == -1)
		goto done;

	/* RFC 3156 5: the signed part is 7-bit, serialized with CRLF, and
	 * those exact bytes are what gpg signs and what goes out. */
	body = compose_normalized_text(NULL, m->body);
	text = compose_text_part(body, has_from_line(m->body) ?
	    GMIME_CONTENT_ENCODING_BASE64 :
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	if ((signed_ba = compose_serialize(GMIME_OBJECT(text), fo,
	    error_r)) == NULL)
		goto done;
	if (compose_pgp_sign_detached(pgp, signed_ba->data, signed_ba->len,
	    &armored, &armored_len, &micalg, error_r) == -1)
		goto done;

	sgn = g_mime_multipart_new_with_subtype("signed");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(sgn), "micalg",
	    micalg);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(sgn),
	    "protocol", "application/pgp-signature");
	g_mime_multipart_set_boundary(sgn, NULL);
	g_mime_multipart_set_prologue(sgn, SIGNED_PROLOGUE);
	g_mime_multipart_add(sgn, GMIME_OBJECT(text));
	sigpart = compose_ascii_part("application", "pgp-signature", armored,
	    armored_len);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(sigpart),
	    "name", "signature.asc");
	g_mime_object_set_header(GMIME_OBJECT(sigpart), "Content-Description",
	    "OpenPGP digital signature", NULL);
	g_mime_object_set_header(GMIME_OBJECT(sigpart), "Content-Disposition",
	    "attachment; filename=\"signature.asc\"", NULL);
	g_mime_multipart_add(sgn, GMIME_OBJECT(sigpart));
	g_object_unref(sigpart);
	msg = compose_outer_message(&outer, GMIME_OBJECT(sgn));
	if ((wire = compose_serialize(GMIME_OBJECT(msg), fo, error_r)) ==
	    NULL || compose_check_wire(wire, error_r) == -1)
		goto done;
	if (!signed_bytes_intact(wire, g_mime_multipart_get_boundary(sgn),
	    signed_ba)) {
		*error_r = g_strdup("signed part changed in serialization");
		goto done;
	}

	*out_r = g_byte_array_free_to_bytes(wire);
	wire = NULL;
	if (message_id_r != NULL) {
		*message_id_r = msgid;
		msgid = NULL;
	}
	rc = 0;
done:
	g_free(armored);
	if (msg != NULL)
		g_object_unref(msg);
	if (sgn != NULL)
		g_object_unref(sgn);
	if (text != NULL)
		g_object_unref(text);
	/* Public text, but wiped like every body we held. */
	compose_wipe(&body);
	compose_wipe(&signed_ba);
	if (wire != NULL)
		g_byte_array_free(wire, TRUE);
	if (fo != NULL)
		g_mime_format_options_free(fo);
	compose_hdrs_clear(&outer);
	compose_hdrs_clear(&inner);
	g_free(micalg);
	g_free(msgid);
	compose_pgp_close(&pgp);
	return rc;
}
