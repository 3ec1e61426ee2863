/* compose: the header fields (checked, then rendered) and the MIME parts,
 * serialized with CRLF and checked for the wire. No GPGME: compose_pgp.c
 * does the cryptography. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <time.h>

#include <gmime/gmime.h>

#include "compose_p.h"
#include "vulture/ident.h"

/* Zeroes plaintext before it is freed. */
void
compose_wipe(GByteArray **bap)
{
	if (*bap == NULL)
		return;
	if ((*bap)->len > 0)
		explicit_bzero((*bap)->data, (*bap)->len);
	g_byte_array_free(*bap, TRUE);
	*bap = NULL;
}

void
compose_hdrs_clear(struct hdrs *hs)
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

int
compose_valid_msgid(const char *s)
{
	return valid_msgid(s);
}

static int
valid_filename(const char *s)
{
	if (!valid_text(s, 255) || *s == '\0' || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	return strpbrk(s, "/\\") == NULL;
}

/* ---- Checking and rendering the header fields. */

int
compose_check_msg(const struct compose_msg *m, int encrypted, char **error_r)
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
int
compose_build_headers(const struct compose_msg *m, GMimeFormatOptions *fo,
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

void
compose_apply_headers(GMimeObject *obj, const struct hdrs *hs, int prepend)
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
GByteArray *
compose_normalized_text(const char *prefix, const char *text)
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

GMimePart *
compose_text_part(GByteArray *ba, GMimeContentEncoding enc)
{
	GMimeTextPart *tp = g_mime_text_part_new_with_subtype("plain");

	g_mime_object_set_content_type_parameter(GMIME_OBJECT(tp), "charset",
	    "utf-8");
	set_content(GMIME_PART(tp), ba);
	g_mime_part_set_content_encoding(GMIME_PART(tp), enc);
	return GMIME_PART(tp);
}

GMimePart *
compose_ascii_part(const char *type, const char *subtype, const char *data,
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
GMimePart *
compose_attachment_part(const struct compose_attachment *a, size_t idx,
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
GByteArray *
compose_serialize(GMimeObject *obj, GMimeFormatOptions *fo, char **error_r)
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
		compose_wipe(&ba);
		*error_r = g_strdup("serializing the message failed");
		return NULL;
	}
	return ba;
}

/* Every line ends in CRLF, holds at most COMPOSE_MAX_LINE octets and only
 * 7-bit characters: what any SMTP server takes. Adds a final CRLF if the
 * writer left none. */
int
compose_check_wire(GByteArray *ba, char **error_r)
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

GMimeFormatOptions *
compose_crlf_options(void)
{
	GMimeFormatOptions *fo = g_mime_format_options_new();

	g_mime_format_options_set_newline_format(fo,
	    GMIME_NEWLINE_FORMAT_DOS);
	return fo;
}

GMimeMessage *
compose_outer_message(const struct hdrs *outer, GMimeObject *body)
{
	GMimeMessage *msg = g_mime_message_new(FALSE);

	compose_apply_headers(GMIME_OBJECT(msg), outer, 0);
	g_mime_message_set_mime_part(msg, body);
	return msg;
}
