/* Outbound mail: GMime builds and serializes the MIME structure, GPGME does
 * the cryptography (GMime's own crypto contexts spawn extra gpg processes
 * per message, see RECIPES.md). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include <gmime/gmime.h>

#include "vulture/compose.h"
#include "vulture/ident.h"
#include "vulture/keys.h"
#include "vulture/vcrypto.h"

#define HEX_ID_BYTES	16		/* random part of a message id */
#define OBSCURED_SUBJECT "..."		/* RFC 9788 when there is no case */
#define ENCRYPTED_PROLOGUE \
	"This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)"
#define SIGNED_PROLOGUE \
	"This is an OpenPGP/MIME signed message (RFC 4880 and 3156)"

/* One header field as we emit it: value unencoded, charset for GMime to
 * RFC 2047-encode it with (NULL: the value is ASCII already). */
struct hdr {
	const char *name;
	char *value;		/* owned */
	const char *charset;
};

#define MAX_HDRS	10

struct hdrs {
	struct hdr h[MAX_HDRS];
	size_t n;
	char *hp_outer[MAX_HDRS];	/* owned: "Name: value", unencoded */
	size_t n_outer;
};

/* What compose_* change in the caller's context, to put back. */
struct ctx_saved {
	int armor;
	int textmode;
	gpgme_keylist_mode_t keylist_mode;
	gpgme_key_t *signers;		/* owned references */
	int n_signers;
};

static void
compose_init(void)
{
	static gsize once;

	if (g_once_init_enter(&once)) {
		g_mime_init();
		g_once_init_leave(&once, 1);
	}
}

/* Zeroes plaintext before it is freed. */
static void
wipe_array(GByteArray **bap)
{
	if (*bap == NULL)
		return;
	if ((*bap)->len > 0)
		explicit_bzero((*bap)->data, (*bap)->len);
	g_byte_array_free(*bap, TRUE);
	*bap = NULL;
}

static void
hdrs_clear(struct hdrs *hs)
{
	size_t i;

	for (i = 0; i < hs->n; i++)
		g_free(hs->h[i].value);
	for (i = 0; i < hs->n_outer; i++)
		g_free(hs->hp_outer[i]);
	memset(hs, 0, sizeof(*hs));
}

static void
hdrs_add(struct hdrs *hs, const char *name, char *value, const char *charset)
{
	g_assert(hs->n < MAX_HDRS);
	hs->h[hs->n].name = name;
	hs->h[hs->n].value = value;
	hs->h[hs->n].charset = charset;
	hs->n++;
}

/* ---- Input checks: nothing the caller passes may break the header
 * section (CR, LF) or the address and message-id syntax. */

static int
valid_text(const char *s, size_t max)
{
	const unsigned char *p;
	size_t len;

	if (s == NULL || (len = strlen(s)) > max ||
	    !g_utf8_validate(s, (gssize)len, NULL))
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return 0;
	return 1;
}

/* A msg-id without the angle brackets. */
static int valid_msgid(const char *);

int
compose_valid_msgid(const char *s)
{
	return valid_msgid(s);
}

static int
valid_msgid(const char *s)
{
	const char *p;

	if (s == NULL || *s == '\0' || strlen(s) > COMPOSE_MAX_MSGID ||
	    strchr(s, '@') == NULL)
		return 0;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    *p == '<' || *p == '>')
			return 0;
	return 1;
}

static int
valid_filename(const char *s)
{
	if (!valid_text(s, 255) || *s == '\0' || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	return strpbrk(s, "/\\") == NULL;
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

static char *
key_error(const char *what, const char *fpr, const char *why)
{
	return g_strdup_printf("%s %s: %s", what, fpr, why);
}

static void ctx_restore(gpgme_ctx_t, struct ctx_saved *);

/* Puts the context in the state compose needs; ctx_restore() undoes it
 * (here too, when this fails half-way). */
static int
ctx_save(gpgme_ctx_t ctx, struct ctx_saved *s, char **error_r)
{
	gpgme_error_t err;
	int i;

	memset(s, 0, sizeof(*s));
	s->armor = gpgme_get_armor(ctx);
	s->textmode = gpgme_get_textmode(ctx);
	s->keylist_mode = gpgme_get_keylist_mode(ctx);
	s->n_signers = (int)gpgme_signers_count(ctx);
	if (s->n_signers > 0) {
		s->signers = g_new0(gpgme_key_t, s->n_signers);
		for (i = 0; i < s->n_signers; i++)
			s->signers[i] = gpgme_signers_enum(ctx, i);
	}
	gpgme_set_armor(ctx, 1);
	gpgme_set_textmode(ctx, 0);
	gpgme_signers_clear(ctx);
	/* Never ask a keyserver or WKD: vulture pins keys it holds. With
	 * secret: one listing tells whether the desk key can sign. */
	err = gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL |
	    GPGME_KEYLIST_MODE_WITH_SECRET);
	if (err != 0) {
		*error_r = g_strdup_printf("gpgme: setting the key listing "
		    "mode: %s", gpgme_strerror(err));
		ctx_restore(ctx, s);
		return -1;
	}
	return 0;
}

static void
ctx_restore(gpgme_ctx_t ctx, struct ctx_saved *s)
{
	int i;

	/* Best effort: these only fail on invalid arguments, which the
	 * values read from this same context are not. */
	gpgme_set_armor(ctx, s->armor);
	gpgme_set_textmode(ctx, s->textmode);
	(void)gpgme_set_keylist_mode(ctx, s->keylist_mode);
	gpgme_signers_clear(ctx);
	for (i = 0; i < s->n_signers; i++) {
		if (s->signers[i] == NULL)
			continue;
		(void)gpgme_signers_add(ctx, s->signers[i]);
		gpgme_key_unref(s->signers[i]);
	}
	g_free(s->signers);
	memset(s, 0, sizeof(*s));
}

int
compose_check_recipient(gpgme_ctx_t ctx, const char *fpr, char **error_r)
{
	gpgme_keylist_mode_t mode;
	gpgme_key_t key = NULL;
	gpgme_error_t err;
	const char *why = NULL;
	int rc = -1;

	if (!ident_fpr_ok(fpr)) {
		*error_r = g_strdup("recipient key: not a full fingerprint");
		return -1;
	}
	mode = gpgme_get_keylist_mode(ctx);
	if ((err = gpgme_set_keylist_mode(ctx,
	    GPGME_KEYLIST_MODE_LOCAL)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		return -1;
	}
	if (vkeys_list(ctx, NULL, &fpr, 1, &key, &why, error_r) == -1)
		goto done;
	if (why != NULL || (why = vkeys_unusable(key, fpr, 0)) != NULL) {
		*error_r = key_error("recipient key", fpr, why);
		goto done;
	}
	rc = 0;
done:
	if (key != NULL)
		gpgme_key_unref(key);
	(void)gpgme_set_keylist_mode(ctx, mode);
	return rc;
}

/* ---- Checking and rendering the header fields. */

static int
check_msg(const struct compose_msg *m, int encrypted, char **error_r)
{
	size_t i, total;

	if (!ident_address_ok(m->from_addr))
		*error_r = g_strdup("from address is not a plain addr-spec");
	else if (!ident_address_ok(m->to_addr))
		*error_r = g_strdup("to address is not a plain addr-spec");
	else if (m->from_name != NULL &&
	    !valid_text(m->from_name, COMPOSE_MAX_HEADER_TEXT))
		*error_r = g_strdup("from name: invalid UTF-8, control "
		    "characters or too long");
	else if (m->to_name != NULL &&
	    !valid_text(m->to_name, COMPOSE_MAX_HEADER_TEXT))
		*error_r = g_strdup("to name: invalid UTF-8, control "
		    "characters or too long");
	else if (!valid_text(m->subject, COMPOSE_MAX_HEADER_TEXT))
		*error_r = g_strdup("subject: missing, invalid UTF-8, control "
		    "characters or too long");
	else if (m->case_id != NULL && !ident_case_id_ok(m->case_id))
		*error_r = g_strdup("case id: only letters, digits and #._-");
	else if (m->in_reply_to != NULL && !valid_msgid(m->in_reply_to))
		*error_r = g_strdup("in-reply-to is not a message id");
	else if (m->message_id != NULL && !valid_msgid(m->message_id))
		*error_r = g_strdup("message id is not a valid message id");
	else if (m->body == NULL ||
	    !g_utf8_validate(m->body, -1, NULL))
		*error_r = g_strdup("body: missing or invalid UTF-8");
	else if (!ident_fpr_ok(m->desk_fpr))
		*error_r = g_strdup("desk key: not a full fingerprint");
	else if (m->timezone != NULL && !valid_text(m->timezone, 64))
		*error_r = g_strdup("timezone: not a zone name");
	else
		*error_r = NULL;
	if (*error_r == NULL && strlen(m->body) > COMPOSE_MAX_CONTENT)
		*error_r = g_strdup_printf("body exceeds %d bytes",
		    COMPOSE_MAX_CONTENT);
	if (*error_r != NULL)
		return -1;
	for (i = 0; m->references != NULL && m->references[i] != NULL; i++)
		if (!valid_msgid(m->references[i])) {
			*error_r = g_strdup_printf("references: entry %zu is "
			    "not a message id", i + 1);
			return -1;
		}
	if (!encrypted) {
		if (m->n_attachments != 0) {
			*error_r = g_strdup("a signed announcement carries no "
			    "attachments");
			return -1;
		}
		return 0;
	}
	total = strlen(m->body);
	for (i = 0; i < m->n_attachments && m->attachments != NULL; i++) {
		if (m->attachments[i].len > COMPOSE_MAX_CONTENT - total) {
			*error_r = g_strdup_printf("body and attachments "
			    "exceed %d bytes", COMPOSE_MAX_CONTENT);
			return -1;
		}
		total += m->attachments[i].len;
	}
	if (m->n_attachments > COMPOSE_MAX_ATTACHMENTS ||
	    (m->n_attachments > 0 && m->attachments == NULL)) {
		*error_r = g_strdup_printf("at most %d attachments",
		    COMPOSE_MAX_ATTACHMENTS);
		return -1;
	}
	for (i = 0; i < m->n_attachments; i++) {
		const struct compose_attachment *a = &m->attachments[i];

		if (!valid_filename(a->filename)) {
			*error_r = g_strdup_printf("attachment %zu: file name "
			    "missing, invalid or path-like", i + 1);
			return -1;
		}
		if (a->data == NULL && a->len > 0) {
			*error_r = g_strdup_printf("attachment %zu: no data",
			    i + 1);
			return -1;
		}
		if (a->content_type != NULL &&
		    !valid_text(a->content_type, 200)) {
			*error_r = g_strdup_printf("attachment %zu: invalid "
			    "content type", i + 1);
			return -1;
		}
	}
	if (m->recipient_fprs == NULL || m->recipient_fprs[0] == NULL) {
		*error_r = g_strdup("no recipient key");
		return -1;
	}
	for (i = 0; m->recipient_fprs[i] != NULL; i++) {
		if (i >= COMPOSE_MAX_RECIPIENTS) {
			*error_r = g_strdup_printf("more than %d recipient "
			    "keys", COMPOSE_MAX_RECIPIENTS);
			return -1;
		}
		if (!ident_fpr_ok(m->recipient_fprs[i])) {
			*error_r = g_strdup_printf("recipient key %zu: not a "
			    "full fingerprint", i + 1);
			return -1;
		}
	}
	return 0;
}

/* "Name <addr>", RFC 2047-encoded when encode is set. */
static char *
format_mailbox(GMimeFormatOptions *fo, const char *name, const char *addr,
    gboolean encode)
{
	InternetAddressList *list = internet_address_list_new();
	InternetAddress *ia;
	char *s;

	ia = internet_address_mailbox_new(name != NULL ? name : "", addr);
	internet_address_set_charset(ia, "utf-8");
	internet_address_list_add(list, ia);
	g_object_unref(ia);
	s = internet_address_list_to_string(list, fo, encode);
	g_object_unref(list);
	return s;
}

static char *
format_date(int64_t when, const char *zone, char **error_r)
{
	GDateTime *utc, *local;
	GTimeZone *tz;
	char *s;

	if (when == 0)
		when = (int64_t)time(NULL);
	if ((utc = g_date_time_new_from_unix_utc(when)) == NULL) {
		*error_r = g_strdup("date out of range");
		return NULL;
	}
	if (zone == NULL)
		tz = g_time_zone_new_utc();
	else if ((tz = g_time_zone_new_identifier(zone)) == NULL) {
		*error_r = g_strdup_printf("timezone %s: unknown", zone);
		g_date_time_unref(utc);
		return NULL;
	}
	local = g_date_time_to_timezone(utc, tz);
	s = g_mime_utils_header_format_date(local);
	g_date_time_unref(local);
	g_date_time_unref(utc);
	g_time_zone_unref(tz);
	return s;
}

/* "<a> <b> ...": the newest COMPOSE_MAX_REFERENCES of m->references, with
 * In-Reply-To last when the caller did not list it (RFC 5322 3.6.4). */
static char *
format_references(const struct compose_msg *m)
{
	GString *s = g_string_new(NULL);
	size_t n = 0, i, first;
	int has_parent = 0;

	while (m->references != NULL && m->references[n] != NULL) {
		if (m->in_reply_to != NULL &&
		    strcmp(m->references[n], m->in_reply_to) == 0)
			has_parent = 1;
		n++;
	}
	first = n > COMPOSE_MAX_REFERENCES ? n - COMPOSE_MAX_REFERENCES : 0;
	for (i = first; i < n; i++)
		g_string_append_printf(s, "%s<%s>", s->len > 0 ? " " : "",
		    m->references[i]);
	if (m->in_reply_to != NULL && !has_parent)
		g_string_append_printf(s, "%s<%s>", s->len > 0 ? " " : "",
		    m->in_reply_to);
	if (s->len == 0) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

/* Fills the outer and the protected (inner) header fields. outer_subject
 * NULL: the real subject outside too (the signed announcement). */
static int
build_headers(const struct compose_msg *m, GMimeFormatOptions *fo,
    const char *message_id, const char *outer_subject, struct hdrs *outer,
    struct hdrs *inner, char **error_r)
{
	char *from, *to, *from_8, *to_8, *date, *refs;
	size_t i;

	memset(outer, 0, sizeof(*outer));
	memset(inner, 0, sizeof(*inner));
	if ((date = format_date(m->date, m->timezone, error_r)) == NULL)
		return -1;
	from = format_mailbox(fo, m->from_name, m->from_addr, TRUE);
	to = format_mailbox(fo, m->to_name, m->to_addr, TRUE);
	from_8 = format_mailbox(fo, m->from_name, m->from_addr, FALSE);
	to_8 = format_mailbox(fo, m->to_name, m->to_addr, FALSE);
	refs = format_references(m);

	hdrs_add(outer, "From", g_strdup(from), NULL);
	hdrs_add(outer, "To", g_strdup(to), NULL);
	hdrs_add(outer, "Subject", g_strdup(outer_subject != NULL ?
	    outer_subject : m->subject), "utf-8");
	hdrs_add(outer, "Date", g_strdup(date), NULL);
	hdrs_add(outer, "Message-ID", g_strdup_printf("<%s>", message_id),
	    NULL);
	if (m->in_reply_to != NULL)
		hdrs_add(outer, "In-Reply-To",
		    g_strdup_printf("<%s>", m->in_reply_to), NULL);
	if (refs != NULL)
		hdrs_add(outer, "References", g_strdup(refs), NULL);
	hdrs_add(outer, "Auto-Submitted", g_strdup(m->auto_replied ?
	    "auto-replied" : "auto-generated"), NULL);
	hdrs_add(outer, "X-Vulture-Loop", g_strdup(m->from_addr), NULL);

	/* Inside: the same fields with the real Subject, and an HP-Outer
	 * record of each outer field (RFC 9788 2.2), written unencoded so
	 * GMime encodes it once as unstructured text. */
	for (i = 0; i < outer->n; i++) {
		const struct hdr *h = &outer->h[i];
		const char *plain = h->value;

		if (strcmp(h->name, "Subject") == 0)
			hdrs_add(inner, h->name, g_strdup(m->subject),
			    "utf-8");
		else
			hdrs_add(inner, h->name, g_strdup(h->value),
			    h->charset);
		if (strcmp(h->name, "From") == 0)
			plain = from_8;
		else if (strcmp(h->name, "To") == 0)
			plain = to_8;
		inner->hp_outer[inner->n_outer++] = g_strdup_printf("%s: %s",
		    h->name, plain);
	}
	g_free(from);
	g_free(to);
	g_free(from_8);
	g_free(to_8);
	g_free(date);
	g_free(refs);
	return 0;
}

static void
apply_headers(GMimeObject *obj, const struct hdrs *hs, int prepend)
{
	size_t i;

	if (prepend) {
		/* Before Content-Type, in order: reads like a message. */
		for (i = hs->n; i-- > 0;)
			g_mime_object_prepend_header(obj, hs->h[i].name,
			    hs->h[i].value, hs->h[i].charset);
	} else {
		for (i = 0; i < hs->n; i++)
			g_mime_object_append_header(obj, hs->h[i].name,
			    hs->h[i].value, hs->h[i].charset);
	}
	for (i = 0; i < hs->n_outer; i++)
		g_mime_object_append_header(obj, "HP-Outer", hs->hp_outer[i],
		    "utf-8");
}

/* ---- MIME parts. */

/* Text with LF line ends (GMime writes them as CRLF), after an optional
 * prefix. The array holds plaintext: the caller wipes it. */
static GByteArray *
normalized_text(const char *prefix, const char *text)
{
	GByteArray *ba;
	const char *p;
	size_t len = strlen(text) + (prefix != NULL ? strlen(prefix) : 0);

	ba = g_byte_array_sized_new((guint)len + 2);
	if (prefix != NULL)
		g_byte_array_append(ba, (const guint8 *)prefix,
		    (guint)strlen(prefix));
	for (p = text; *p != '\0'; p++) {
		if (*p == '\r') {
			if (p[1] == '\n')
				p++;
			g_byte_array_append(ba, (const guint8 *)"\n", 1);
		} else
			g_byte_array_append(ba, (const guint8 *)p, 1);
	}
	return ba;
}

/* Content backed by ba without copying it (ba stays the caller's). */
static void
set_content(GMimePart *part, GByteArray *ba)
{
	GMimeStream *st = g_mime_stream_mem_new_with_byte_array(ba);
	GMimeDataWrapper *dw;

	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(st), FALSE);
	dw = g_mime_data_wrapper_new_with_stream(st,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, dw);
	g_object_unref(dw);
	g_object_unref(st);
}

static GMimePart *
text_part(GByteArray *ba, GMimeContentEncoding enc)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");

	g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset",
	    "utf-8");
	set_content(GMIME_PART(tp), ba);
	g_mime_part_set_content_encoding(GMIME_PART(tp), enc);
	return GMIME_PART(tp);
}

static GMimePart *
ascii_part(const char *type, const char *subtype, const char *data,
    size_t len)
{
	GMimePart *part = g_mime_part_new_with_type(type, subtype);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeDataWrapper *dw = g_mime_data_wrapper_new_with_stream(st,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content(part, dw);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_7BIT);
	g_object_unref(dw);
	g_object_unref(st);
	return part;
}

/* A base64 attachment; *copy_r receives the plaintext copy to wipe. */
static GMimePart *
attachment_part(const struct compose_attachment *a, size_t idx,
    GByteArray **copy_r, char **error_r)
{
	GMimeContentType *ct = NULL;
	GMimeParamList *params;
	GMimePart *part;
	const char *type = "application", *subtype = "octet-stream";
	int i, n;

	*copy_r = NULL;
	if (a->content_type != NULL) {
		ct = g_mime_content_type_parse(NULL, a->content_type);
		if (ct == NULL) {
			*error_r = g_strdup_printf("attachment %zu: invalid "
			    "content type", idx + 1);
			return NULL;
		}
		type = g_mime_content_type_get_media_type(ct);
		subtype = g_mime_content_type_get_media_subtype(ct);
		/* A leaf part cannot carry a multipart or message type. */
		if (type == NULL || subtype == NULL ||
		    g_ascii_strcasecmp(type, "multipart") == 0 ||
		    g_ascii_strcasecmp(type, "message") == 0) {
			*error_r = g_strdup_printf("attachment %zu: content "
			    "type must be a leaf type", idx + 1);
			g_object_unref(ct);
			return NULL;
		}
	}
	part = g_mime_part_new_with_type(type, subtype);
	if (ct != NULL) {
		params = g_mime_content_type_get_parameters(ct);
		n = g_mime_param_list_length(params);
		for (i = 0; i < n; i++) {
			GMimeParam *p = g_mime_param_list_get_parameter_at(
			    params, i);
			const char *name = g_mime_param_get_name(p);

			if (g_ascii_strcasecmp(name, "name") != 0)
				g_mime_object_set_content_type_parameter(
				    GMIME_OBJECT(part), name,
				    g_mime_param_get_value(p));
		}
		g_object_unref(ct);
	}
	/* Sets Content-Disposition: attachment and both file name
	 * parameters, RFC 2231-encoded when not ASCII. */
	g_mime_part_set_filename(part, a->filename);
	*copy_r = g_byte_array_sized_new((guint)a->len);
	if (a->len > 0)
		g_byte_array_append(*copy_r, a->data, (guint)a->len);
	set_content(part, *copy_r);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	return part;
}

/* Serializes obj into a new array of exactly the right size: measured
 * first, so the plaintext is never left behind in a freed, outgrown
 * buffer. */
static GByteArray *
serialize(GMimeObject *obj, GMimeFormatOptions *fo, char **error_r)
{
	GMimeStream *null = g_mime_stream_null_new(), *mem;
	GByteArray *ba;
	size_t size;
	ssize_t n;

	n = g_mime_object_write_to_stream(obj, fo, null);
	size = GMIME_STREAM_NULL(null)->written;
	g_object_unref(null);
	if (n < 0 || size > G_MAXUINT - 2) {
		*error_r = g_strdup("serializing the message failed");
		return NULL;
	}
	ba = g_byte_array_sized_new((guint)size + 2);
	mem = g_mime_stream_mem_new_with_byte_array(ba);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	n = g_mime_object_write_to_stream(obj, fo, mem);
	g_object_unref(mem);
	if (n < 0) {
		wipe_array(&ba);
		*error_r = g_strdup("serializing the message failed");
		return NULL;
	}
	return ba;
}

/* Every line ends in CRLF, holds at most COMPOSE_MAX_LINE octets and only
 * 7-bit characters: what any SMTP server takes. Adds a final CRLF if the
 * writer left none. */
static int
check_wire(GByteArray *ba, char **error_r)
{
	size_t i, start = 0;

	if (ba->len < 2 || ba->data[ba->len - 2] != '\r' ||
	    ba->data[ba->len - 1] != '\n')
		g_byte_array_append(ba, (const guint8 *)"\r\n", 2);
	for (i = 0; i < ba->len; i++) {
		unsigned char c = ba->data[i];

		if (c == 0 || c >= 0x80) {
			*error_r = g_strdup("message is not 7-bit clean");
			return -1;
		}
		if (c == '\r' &&
		    (i + 1 >= ba->len || ba->data[i + 1] != '\n')) {
			*error_r = g_strdup("message has a bare CR");
			return -1;
		}
		if (c == '\n') {
			if (i == 0 || ba->data[i - 1] != '\r') {
				*error_r = g_strdup("message has a bare LF");
				return -1;
			}
			if (i - 1 - start > COMPOSE_MAX_LINE) {
				*error_r = g_strdup_printf("message has a line "
				    "longer than %d octets", COMPOSE_MAX_LINE);
				return -1;
			}
			start = i + 1;
		}
	}
	return 0;
}

static GMimeFormatOptions *
crlf_options(void)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();

	g_mime_format_options_set_newline_format(fo,
	    GMIME_NEWLINE_FORMAT_DOS);
	return fo;
}

static GMimeMessage *
outer_message(const struct hdrs *outer, GMimeObject *body)
{
	GMimeMessage *msg = g_mime_message_new(FALSE);

	apply_headers(GMIME_OBJECT(msg), outer, 0);
	g_mime_message_set_mime_part(msg, body);
	return msg;
}

/* ---- compose_encrypted. */

/* Resolves the desk key (it signs, and is encrypted to) and every
 * recipient key in one listing: keys_r is NULL-terminated, desk first,
 * duplicates dropped; *signer_r and every entry hold a reference. */
static int
resolve_keys(gpgme_ctx_t ctx, const struct compose_msg *m,
    gpgme_key_t **keys_r, gpgme_key_t *signer_r, char **error_r)
{
	const char *fprs[COMPOSE_MAX_RECIPIENTS + 1];
	const char *why[COMPOSE_MAX_RECIPIENTS + 1];
	gpgme_key_t found[COMPOSE_MAX_RECIPIENTS + 1], *keys;
	size_t n = 0, i, j;
	int rc = -1;

	*keys_r = NULL;
	*signer_r = NULL;
	fprs[n++] = m->desk_fpr;
	for (i = 0; m->recipient_fprs[i] != NULL; i++) {
		for (j = 0; j < n; j++)
			if (g_ascii_strcasecmp(fprs[j],
			    m->recipient_fprs[i]) == 0)
				break;
		if (j == n)
			fprs[n++] = m->recipient_fprs[i];
	}
	if (vkeys_list(ctx, m->keys, fprs, n, found, why, error_r) ==
	    -1)
		return -1;
	for (i = 0; i < n; i++) {
		const char *what = i == 0 ? "desk key" : "recipient key";
		const char *w = why[i];

		if (w == NULL && i == 0 && !found[0]->secret)
			w = "no secret key in the keyring";
		if (w == NULL && i == 0)
			w = vkeys_unusable(found[0], fprs[0], 1);
		if (w == NULL)
			w = vkeys_unusable(found[i], fprs[i], 0);
		if (w != NULL) {
			*error_r = key_error(what, fprs[i], w);
			goto done;
		}
	}
	keys = g_new0(gpgme_key_t, n + 1);
	for (i = 0; i < n; i++) {
		keys[i] = found[i];
		found[i] = NULL;
	}
	gpgme_key_ref(keys[0]);
	*signer_r = keys[0];
	*keys_r = keys;
	rc = 0;
done:
	for (i = 0; i < n; i++)
		if (found[i] != NULL)
			gpgme_key_unref(found[i]);
	return rc;
}

static void
free_keys(gpgme_key_t *keys, gpgme_key_t signer)
{
	size_t i;

	for (i = 0; keys != NULL && keys[i] != NULL; i++)
		gpgme_key_unref(keys[i]);
	g_free(keys);
	if (signer != NULL)
		gpgme_key_unref(signer);
}

/* Checks the one signature made is by the signer key. */
static int
check_signature(gpgme_sign_result_t res, gpgme_key_t signer,
    char **error_r)
{
	gpgme_subkey_t sk;

	if (res == NULL || res->invalid_signers != NULL ||
	    res->signatures == NULL || res->signatures->next != NULL ||
	    res->signatures->fpr == NULL) {
		*error_r = g_strdup_printf("desk key %s: %s",
		    signer->subkeys->fpr, res != NULL &&
		    res->invalid_signers != NULL ?
		    gpgme_strerror(res->invalid_signers->reason) :
		    "gpg made no single signature");
		return -1;
	}
	for (sk = signer->subkeys; sk != NULL; sk = sk->next)
		if (sk->fpr != NULL &&
		    g_ascii_strcasecmp(sk->fpr, res->signatures->fpr) == 0)
			return 0;
	*error_r = g_strdup_printf("desk key %s: gpg signed with another "
	    "key", signer->subkeys->fpr);
	return -1;
}

/* Explains a failed encrypt+sign from GPGME's results. */
static char *
crypt_error(gpgme_ctx_t ctx, gpgme_key_t signer, gpgme_error_t err)
{
	gpgme_encrypt_result_t er = gpgme_op_encrypt_result(ctx);
	gpgme_sign_result_t sr = gpgme_op_sign_result(ctx);

	if (er != NULL && er->invalid_recipients != NULL)
		return g_strdup_printf("recipient key %s: %s",
		    er->invalid_recipients->fpr != NULL ?
		    er->invalid_recipients->fpr : "?",
		    gpgme_strerror(er->invalid_recipients->reason));
	if (sr != NULL && sr->invalid_signers != NULL)
		return g_strdup_printf("desk key %s: %s",
		    signer->subkeys->fpr,
		    gpgme_strerror(sr->invalid_signers->reason));
	return g_strdup_printf("gpgme: encrypt and sign: %s",
	    gpgme_strerror(err));
}

/* Signs plain with signer and encrypts it to keys (NULL-terminated, the
 * signer among them): one combined operation (RFC 3156 6.2). Always
 * trust: the keys are pinned by fingerprint and were judged by the
 * caller; imported vendor keys carry no certification. The armored
 * result goes to *armored_r (g_free). */
static int
crypt_with(gpgme_ctx_t ctx, gpgme_key_t *keys, gpgme_key_t signer,
    const void *plain, size_t len, char **armored_r, size_t *len_r,
    char **error_r)
{
	gpgme_data_t dplain = NULL, cipher = NULL;
	gpgme_error_t err;
	char *mem;
	size_t mlen = 0;
	int rc = -1;

	*armored_r = NULL;
	*len_r = 0;
	gpgme_signers_clear(ctx);
	if ((err = gpgme_data_new_from_mem(&dplain, plain, len, 0)) != 0 ||
	    (err = gpgme_data_new(&cipher)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		goto done;
	}
	if ((err = gpgme_signers_add(ctx, signer)) != 0) {
		*error_r = g_strdup_printf("desk key %s: gpgme: %s",
		    signer->subkeys->fpr, gpgme_strerror(err));
		goto done;
	}
	err = gpgme_op_encrypt_sign(ctx, keys, GPGME_ENCRYPT_ALWAYS_TRUST,
	    dplain, cipher);
	if (err != 0) {
		*error_r = crypt_error(ctx, signer, err);
		goto done;
	}
	if (gpgme_op_encrypt_result(ctx) == NULL ||
	    gpgme_op_encrypt_result(ctx)->invalid_recipients != NULL) {
		*error_r = crypt_error(ctx, signer, GPG_ERR_UNUSABLE_PUBKEY);
		goto done;
	}
	if (check_signature(gpgme_op_sign_result(ctx), signer, error_r) == -1)
		goto done;
	mem = gpgme_data_release_and_get_mem(cipher, &mlen);
	cipher = NULL;
	if (mem == NULL || mlen == 0) {
		gpgme_free(mem);
		*error_r = g_strdup("gpgme: encrypt and sign: no output");
		goto done;
	}
	*armored_r = g_malloc(mlen + 1);
	memcpy(*armored_r, mem, mlen);
	(*armored_r)[mlen] = '\0';
	*len_r = mlen;
	gpgme_free(mem);
	rc = 0;
done:
	gpgme_signers_clear(ctx);
	if (dplain != NULL)
		gpgme_data_release(dplain);
	if (cipher != NULL)
		gpgme_data_release(cipher);
	return rc;
}

int
compose_crypt(gpgme_ctx_t ctx, struct vkeys_cache *kc,
    const char *const *fprs, size_t n, const void *plain, size_t len,
    char **armored_r, size_t *len_r, char **error_r)
{
	struct compose_msg m;
	struct ctx_saved saved;
	gpgme_key_t *keys = NULL, signer = NULL;
	int rc = -1;

	*armored_r = NULL;
	*len_r = 0;
	if (n == 0 || n > COMPOSE_MAX_RECIPIENTS + 1 || fprs[n] != NULL) {
		*error_r = g_strdup("compose: bad key list");
		return -1;
	}
	memset(&m, 0, sizeof(m));
	m.desk_fpr = fprs[0];
	m.recipient_fprs = fprs + 1;
	m.keys = kc;
	compose_init();
	if (ctx_save(ctx, &saved, error_r) == -1)
		return -1;
	if (resolve_keys(ctx, &m, &keys, &signer, error_r) == 0)
		rc = crypt_with(ctx, keys, signer, plain, len, armored_r,
		    len_r, error_r);
	free_keys(keys, signer);
	ctx_restore(ctx, &saved);
	return rc;
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
	text = normalized_text(legacy, m->body);
	g_free(legacy);
	g_ptr_array_add(wipe, text);
	/* Quoted-printable, not 8bit: robust even inside the encryption. */
	body = text_part(text, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(body),
	    "hp-legacy-display", "1");
	if (m->n_attachments == 0)
		root = GMIME_OBJECT(body);
	else {
		mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, GMIME_OBJECT(body));
		g_object_unref(body);
		for (i = 0; i < m->n_attachments; i++) {
			GMimePart *a = attachment_part(&m->attachments[i], i,
			    &copy, error_r);

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
	apply_headers(root, inner, 1);
	return root;
}

int
compose_encrypted(gpgme_ctx_t ctx, const struct compose_msg *m,
    GBytes **out_r, char **message_id_r, char **error_r)
{
	struct ctx_saved saved;
	struct hdrs outer, inner;
	GMimeFormatOptions *fo = NULL;
	GMimeObject *root = NULL;
	GMimeMultipart *enc = NULL;
	GMimeMessage *msg = NULL;
	GMimePart *version, *payload;
	GPtrArray *wipe = NULL;
	GByteArray *plain_ba = NULL, *wire = NULL;
	gpgme_key_t *keys = NULL, signer = NULL;
	char *msgid = NULL, *outer_subject = NULL, *armored = NULL;
	size_t armored_len = 0;
	int have_saved = 0, rc = -1, crc;

	*out_r = NULL;
	if (message_id_r != NULL)
		*message_id_r = NULL;
	*error_r = NULL;
	memset(&outer, 0, sizeof(outer));
	memset(&inner, 0, sizeof(inner));
	compose_init();
	if (check_msg(m, 1, error_r) == -1)
		return -1;
	if (ctx_save(ctx, &saved, error_r) == -1)
		goto done;
	have_saved = 1;
	/* Keys first: a refusal costs no MIME work. */
	if (resolve_keys(ctx, m, &keys, &signer, error_r) == -1)
		goto done;

	fo = crlf_options();
	msgid = m->message_id != NULL ? g_strdup(m->message_id) :
	    compose_message_id(m->from_addr);
	outer_subject = m->case_id != NULL ?
	    g_strdup_printf("[%s]", m->case_id) : g_strdup(OBSCURED_SUBJECT);
	if (build_headers(m, fo, msgid, outer_subject, &outer, &inner,
	    error_r) == -1)
		goto done;

	wipe = g_ptr_array_new();
	if ((root = inner_entity(m, &inner, wipe, error_r)) == NULL)
		goto done;
	if ((plain_ba = serialize(root, fo, error_r)) == NULL)
		goto done;
	/* The GMime tree holds plaintext copies: drop it at once. */
	g_clear_object(&root);

	/* Where the caller says (the gpg helper, gpgproc.h), else here: the
	 * keys were judged above; the helper judges them again. */
	if (m->crypto != NULL && m->crypto->ops->sign_encrypt != NULL) {
		const char *fl[COMPOSE_MAX_RECIPIENTS + 2];
		size_t nf;

		for (nf = 0; keys[nf] != NULL && nf + 1 < G_N_ELEMENTS(fl);
		    nf++)
			fl[nf] = keys[nf]->fpr;
		fl[nf] = NULL;
		crc = m->crypto->ops->sign_encrypt(m->crypto->impl, fl, nf,
		    plain_ba->data, plain_ba->len, &armored, &armored_len,
		    error_r);
	} else
		crc = crypt_with(ctx, keys, signer, plain_ba->data,
		    plain_ba->len, &armored, &armored_len, error_r);
	if (crc != 0)
		goto done;

	/* RFC 3156 4: multipart/encrypted with exactly two parts. */
	enc = g_mime_multipart_new_with_subtype("encrypted");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(enc),
	    "protocol", "application/pgp-encrypted");
	g_mime_multipart_set_prologue(enc, ENCRYPTED_PROLOGUE);
	version = ascii_part("application", "pgp-encrypted", "Version: 1\n",
	    11);
	g_mime_object_set_header(GMIME_OBJECT(version), "Content-Description",
	    "PGP/MIME version identification", NULL);
	g_mime_multipart_add(enc, GMIME_OBJECT(version));
	g_object_unref(version);
	payload = ascii_part("application", "octet-stream", armored,
	    armored_len);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(payload),
	    "name", "encrypted.asc");
	g_mime_object_set_header(GMIME_OBJECT(payload), "Content-Description",
	    "OpenPGP encrypted message", NULL);
	g_mime_object_set_header(GMIME_OBJECT(payload), "Content-Disposition",
	    "inline; filename=\"encrypted.asc\"", NULL);
	g_mime_multipart_add(enc, GMIME_OBJECT(payload));
	g_object_unref(payload);
	msg = outer_message(&outer, GMIME_OBJECT(enc));
	if ((wire = serialize(GMIME_OBJECT(msg), fo, error_r)) == NULL ||
	    check_wire(wire, error_r) == -1)
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
	wipe_array(&plain_ba);
	if (wipe != NULL) {
		guint i;

		/* After the GMime tree: it reads these arrays. */
		for (i = 0; i < wipe->len; i++) {
			GByteArray *ba = wipe->pdata[i];

			wipe_array(&ba);
		}
		g_ptr_array_free(wipe, TRUE);
	}
	if (wire != NULL)
		g_byte_array_free(wire, TRUE);
	if (fo != NULL)
		g_mime_format_options_free(fo);
	hdrs_clear(&outer);
	hdrs_clear(&inner);
	g_free(outer_subject);
	g_free(msgid);
	free_keys(keys, signer);
	if (have_saved)
		ctx_restore(ctx, &saved);
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
	struct ctx_saved saved;
	struct hdrs outer, inner;
	GMimeFormatOptions *fo = NULL;
	GMimeMultipart *sgn = NULL;
	GMimeMessage *msg = NULL;
	GMimePart *text = NULL, *sigpart;
	GByteArray *body = NULL, *signed_ba = NULL, *wire = NULL;
	gpgme_data_t data = NULL, sig = NULL;
	gpgme_key_t signer = NULL;
	gpgme_sign_result_t res;
	gpgme_error_t err;
	const char *why = NULL, *hash;
	char *msgid = NULL, *armored = NULL, *micalg = NULL;
	size_t armored_len = 0;
	int have_saved = 0, rc = -1;

	*out_r = NULL;
	if (message_id_r != NULL)
		*message_id_r = NULL;
	*error_r = NULL;
	memset(&outer, 0, sizeof(outer));
	memset(&inner, 0, sizeof(inner));
	compose_init();
	if (check_msg(m, 0, error_r) == -1)
		return -1;
	if (ctx_save(ctx, &saved, error_r) == -1)
		goto done;
	have_saved = 1;
	if (vkeys_list(ctx, m->keys, &m->desk_fpr, 1, &signer, &why,
	    error_r) == -1)
		goto done;
	if (why == NULL && !signer->secret)
		why = "no secret key in the keyring";
	if (why != NULL || (why = vkeys_unusable(signer, m->desk_fpr, 1)) !=
	    NULL) {
		*error_r = key_error("desk key", m->desk_fpr, why);
		goto done;
	}

	fo = crlf_options();
	msgid = m->message_id != NULL ? g_strdup(m->message_id) :
	    compose_message_id(m->from_addr);
	if (build_headers(m, fo, msgid, NULL, &outer, &inner, error_r) == -1)
		goto done;

	/* RFC 3156 5: the signed part is 7-bit, serialized with CRLF, and
	 * those exact bytes are what gpg signs and what goes out. */
	body = normalized_text(NULL, m->body);
	text = text_part(body, has_from_line(m->body) ?
	    GMIME_CONTENT_ENCODING_BASE64 :
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	if ((signed_ba = serialize(GMIME_OBJECT(text), fo, error_r)) == NULL)
		goto done;
	if ((err = gpgme_data_new_from_mem(&data,
	    (const char *)signed_ba->data, signed_ba->len, 0)) != 0 ||
	    (err = gpgme_data_new(&sig)) != 0) {
		*error_r = g_strdup_printf("gpgme: %s", gpgme_strerror(err));
		goto done;
	}
	if ((err = gpgme_signers_add(ctx, signer)) != 0) {
		*error_r = g_strdup_printf("desk key %s: gpgme: %s",
		    m->desk_fpr, gpgme_strerror(err));
		goto done;
	}
	err = gpgme_op_sign(ctx, data, sig, GPGME_SIG_MODE_DETACH);
	res = gpgme_op_sign_result(ctx);
	if (err != 0) {
		*error_r = g_strdup_printf("desk key %s: signing: %s",
		    m->desk_fpr, res != NULL && res->invalid_signers != NULL ?
		    gpgme_strerror(res->invalid_signers->reason) :
		    gpgme_strerror(err));
		goto done;
	}
	if (check_signature(res, signer, error_r) == -1)
		goto done;
	/* micalg names the hash gpg chose (RFC 3156 5). */
	if ((hash = gpgme_hash_algo_name(res->signatures->hash_algo)) ==
	    NULL) {
		*error_r = g_strdup("signing: unknown hash algorithm");
		goto done;
	}
	{
		char *lower = g_ascii_strdown(hash, -1);

		micalg = g_strdup_printf("pgp-%s", lower);
		g_free(lower);
	}
	armored = gpgme_data_release_and_get_mem(sig, &armored_len);
	sig = NULL;
	if (armored == NULL || armored_len == 0) {
		*error_r = g_strdup("signing: gpg produced no signature");
		goto done;
	}

	sgn = g_mime_multipart_new_with_subtype("signed");
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(sgn), "micalg",
	    micalg);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(sgn),
	    "protocol", "application/pgp-signature");
	g_mime_multipart_set_boundary(sgn, NULL);
	g_mime_multipart_set_prologue(sgn, SIGNED_PROLOGUE);
	g_mime_multipart_add(sgn, GMIME_OBJECT(text));
	sigpart = ascii_part("application", "pgp-signature", armored,
	    armored_len);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(sigpart),
	    "name", "signature.asc");
	g_mime_object_set_header(GMIME_OBJECT(sigpart), "Content-Description",
	    "OpenPGP digital signature", NULL);
	g_mime_object_set_header(GMIME_OBJECT(sigpart), "Content-Disposition",
	    "attachment; filename=\"signature.asc\"", NULL);
	g_mime_multipart_add(sgn, GMIME_OBJECT(sigpart));
	g_object_unref(sigpart);
	msg = outer_message(&outer, GMIME_OBJECT(sgn));
	if ((wire = serialize(GMIME_OBJECT(msg), fo, error_r)) == NULL ||
	    check_wire(wire, error_r) == -1)
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
	if (data != NULL)
		gpgme_data_release(data);
	if (sig != NULL)
		gpgme_data_release(sig);
	if (armored != NULL)
		gpgme_free(armored);
	if (msg != NULL)
		g_object_unref(msg);
	if (sgn != NULL)
		g_object_unref(sgn);
	if (text != NULL)
		g_object_unref(text);
	/* Public text, but wiped like every body we held. */
	wipe_array(&body);
	wipe_array(&signed_ba);
	if (wire != NULL)
		g_byte_array_free(wire, TRUE);
	if (fo != NULL)
		g_mime_format_options_free(fo);
	hdrs_clear(&outer);
	hdrs_clear(&inner);
	g_free(micalg);
	g_free(msgid);
	if (signer != NULL)
		gpgme_key_unref(signer);
	if (have_saved)
		ctx_restore(ctx, &saved);
	return rc;
}
