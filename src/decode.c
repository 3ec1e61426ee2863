/*
 * decode: one inbound message -> struct vdec_result.
 *
 * The MIME tree is walked once.  Two hooks make the crypto happen in
 * place: the encrypted leaf of a multipart/encrypted (or of an Exchange
 * mangled multipart/mixed) is decrypted and its plaintext walked below
 * it, and a multipart/signed at the root of the message or of the
 * plaintext is verified over its raw bytes, which are then parsed again so
 * that the text handed on is exactly what was verified.  Text comes only
 * from that payload when there is one.
 */
#include "config.h"

#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>
#include <gpgme.h>

#include "decode_p.h"
#include "vulture/decode.h"

#define W_COLLECT	0x1	/* collect text and attachments */
#define W_PROT		0x2	/* inside the decrypted or signed payload */

struct seg {
	char		*data;		/* owned, zeroed on free */
	size_t		 len;
	char		*charset;	/* owned, may be NULL */
	int		 html;
	int		 flowed;	/* format=flowed; delsp: 2 */
	int		 hp_legacy;	/* hp-legacy-display="1" */
	int		 is_protected;
};

struct run {
	const struct vcrypto	*vc;		/* foreign */
	struct vdec_limits	 lim;
	struct vdec_result	*res;
	const char		*error;		/* static; set with -1 */
	unsigned		 n_parts;
	GPtrArray		*segs;		/* struct seg * */

	GMimeObject		*enc_part;	/* hook: decrypt this leaf */
	int			 enc_file;	/* its plaintext is a file
						   (VDEC_ATTACHED), not MIME */
	GMimeObject		*msg_root;	/* foreign: the message's
						   body entity */
	GMimeObject		*signed_obj;	/* hook: verify this */
	GMimeStream		*signed_raw;	/* foreign: its bytes, header
						   first */
	int			 tempfail;	/* the error is worth a
						   retry (disk full) */

	GMimeObject		*payload_root;	/* foreign, while walked */
	int			 prot;		/* payload has protected
						   headers */
	int			 prot_legacy_line;	/* v1: "Subject:" line
							   may be repeated */
};

static GMimeParserOptions *parser_opts;

static int	walk(struct run *, GMimeObject *, unsigned, unsigned);
static int	parse_entity(struct run *, GMimeStream *, unsigned,
		    unsigned, int);

/* Names. */

const char *
vdec_shape_name(enum vdec_shape shape)
{
	switch (shape) {
	case VDEC_PLAIN:		return "plain";
	case VDEC_PGPMIME_COMBINED:	return "pgpmime-combined";
	case VDEC_PGPMIME_NESTED:	return "pgpmime-nested";
	case VDEC_PGPMIME_ENCRYPTED:	return "pgpmime-encrypted";
	case VDEC_PGPMIME_SIGNED:	return "pgpmime-signed";
	case VDEC_INLINE_ENCRYPTED:	return "inline-encrypted";
	case VDEC_INLINE_SIGNED:	return "inline-signed";
	case VDEC_INLINE_CLEARSIGNED:	return "inline-clearsigned";
	case VDEC_EXCHANGE:		return "exchange";
	case VDEC_ATTACHED:		return "attached-encrypted";
	case VDEC_SMIME:		return "smime";
	}
	return "unknown";
}

const char *
vdec_sig_name(enum vdec_sig sig)
{
	switch (sig) {
	case VDEC_SIG_NONE:		return "none";
	case VDEC_SIG_GOOD:		return "good";
	case VDEC_SIG_BAD:		return "bad";
	case VDEC_SIG_KEY_MISSING:	return "key-missing";
	case VDEC_SIG_KEY_EXPIRED:	return "key-expired";
	case VDEC_SIG_KEY_REVOKED:	return "key-revoked";
	case VDEC_SIG_SIG_EXPIRED:	return "sig-expired";
	case VDEC_SIG_ERROR:		return "error";
	}
	return "unknown";
}

/* Setup. */

int
vdec_init(void)
{
	static gsize	 once;
	static int	 ok;

	if (g_once_init_enter(&once)) {
		/* Raw 8-bit header text: UTF-8, else the Japanese legacy
		 * charsets (EUC-JP before CP932: CP932 accepts most EUC-JP
		 * byte pairs, the reverse is rare). */
		static const char *fallback[] = {
			"UTF-8", "EUC-JP", "CP932", "ISO-8859-1", NULL
		};

		g_mime_init();
		parser_opts = g_mime_parser_options_new();
		g_mime_parser_options_set_fallback_charsets(parser_opts,
		    fallback);
		/* OpenPGP only: no gpgconf/gpgsm probes (see keys.c). */
		(void)gpgme_set_global_flag("disable-gpgconf", "1");
		ok = gpgme_check_version("1.13.0") != NULL;
		g_once_init_leave(&once, 1);
	}
	return ok ? 0 : -1;
}

void
vdec_limits_default(struct vdec_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_message = VDEC_MAX_MESSAGE;
	l->max_decrypted = VDEC_MAX_DECRYPTED;
	l->max_depth = VDEC_MAX_DEPTH;
	l->max_parts = VDEC_MAX_PARTS;
	l->max_header_bytes = VDEC_MAX_HEADER_BYTES;
	l->max_text = VDEC_MAX_TEXT;
}

/* Results. */

static void
seg_free(gpointer p)
{
	struct seg	*s = p;

	vdec_zfree(s->data, s->len);
	g_free(s->charset);
	g_free(s);
}

static void
zero_bytes_free(gpointer p)
{
	GByteArray	*a = p;

	explicit_bzero(a->data, a->len);
	g_byte_array_unref(a);
}

static void
attachment_free(gpointer p)
{
	struct vdec_attachment	*a = p;

	g_free(a->filename);
	g_free(a->content_type);
	if (a->data)
		g_bytes_unref(a->data);
	g_free(a);
}

void
vdec_result_free(struct vdec_result **rp)
{
	struct vdec_result	*r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	*rp = NULL;
	g_free(r->decrypt_error);
	g_free(r->verify_error);
	if (r->recipients)
		g_ptr_array_unref(r->recipients);
	g_free(r->message_id);
	g_free(r->in_reply_to);
	if (r->references)
		g_ptr_array_unref(r->references);
	g_free(r->from);
	g_free(r->from_addr);
	g_free(r->to);
	g_free(r->subject_outer);
	g_free(r->date);
	g_free(r->auto_submitted);
	g_free(r->precedence);
	g_free(r->return_path);
	g_free(r->list_id);
	g_free(r->loop);
	g_free(r->subject_prot);
	g_free(r->from_prot);
	g_free(r->to_prot);
	g_free(r->subject);
	vdec_zfree(r->text, r->text_len);
	vdec_zfree(r->clear_text, r->clear_text_len);
	if (r->attachments)
		g_ptr_array_unref(r->attachments);
	if (r->structure)
		g_string_free(r->structure, TRUE);
	g_free(r);
}

static void
set_hash(char out[65], const char *data, size_t len)
{
	GChecksum	*ck = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(ck, (const guchar *)data, len);
	g_strlcpy(out, g_checksum_get_string(ck), 65);
	g_checksum_free(ck);
}

/* set_hash() over s from offset 0; s is rewound after. -1 on a read
 * error. */
static int
set_hash_stream(char out[65], GMimeStream *s)
{
	GChecksum	*ck = g_checksum_new(G_CHECKSUM_SHA256);
	char		 buf[65536];
	ssize_t		 n;

	g_mime_stream_reset(s);
	while ((n = spill_read(s, buf, sizeof(buf))) > 0)
		g_checksum_update(ck, (const guchar *)buf, (gsize)n);
	explicit_bzero(buf, sizeof(buf));
	g_strlcpy(out, g_checksum_get_string(ck), 65);
	g_checksum_free(ck);
	g_mime_stream_reset(s);
	return n < 0 ? -1 : 0;
}

/* A new spill for bytes we produce (plaintext, canonical signed data). */
static struct spill *
run_spill(struct run *vr, size_t cap)
{
	return spill_new(vr->lim.spill_dir, cap, 0);
}

/* GMime helpers. */

static int
is_type(GMimeObject *o, const char *type, const char *subtype)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(o);

	return ct != NULL && g_mime_content_type_is_type(ct, type, subtype);
}

static char *
mime_type(GMimeObject *o)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(o);
	char			*t, *c;

	if (ct == NULL)
		return g_strdup("application/octet-stream");
	t = g_mime_content_type_get_mime_type(ct);
	c = vdec_clean(t, 100);
	g_free(t);
	t = g_ascii_strdown(c, -1);
	g_free(c);
	return t;
}

static size_t
header_bytes(GMimeObject *o)
{
	GMimeHeaderList	*hl = g_mime_object_get_header_list(o);
	size_t		 n = 0;
	int		 i, count;

	if (hl == NULL)
		return 0;
	count = g_mime_header_list_get_count(hl);
	for (i = 0; i < count; i++) {
		GMimeHeader	*h = g_mime_header_list_get_header_at(hl, i);
		const char	*name = g_mime_header_get_name(h);
		const char	*raw = g_mime_header_get_raw_value(h);

		n += (name ? strlen(name) : 0) + (raw ? strlen(raw) : 0) + 2;
	}
	return n;
}

/* Decoded content of a leaf, in a buffer we can zero (owned). */
static char *
part_bytes(GMimePart *part, size_t *len_r)
{
	GMimeDataWrapper	*w = g_mime_part_get_content(part);
	GMimeStream		*src, *mem;
	GByteArray		*a;
	gint64			 hint = 0;
	char			*out;

	*len_r = 0;
	if (w == NULL)
		return g_strdup("");
	src = g_mime_data_wrapper_get_stream(w);
	if (src != NULL)
		hint = g_mime_stream_length(src);
	/* Decoding never grows the data: size it once so that no copy of
	 * the plaintext is left behind by a reallocation. */
	a = g_byte_array_sized_new(hint > 0 && hint < G_MAXINT32 ?
	    (guint)hint + 16 : 1024);
	mem = g_mime_stream_mem_new_with_byte_array(a);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_mime_data_wrapper_write_to_stream(w, mem);
	g_object_unref(mem);
	/* Handed over, not copied: a 20 MB attachment is held once. */
	*len_r = a->len;
	g_byte_array_append(a, (const guint8 *)"", 1);
	out = (char *)g_byte_array_free(a, FALSE);
	return out;
}

/* A new stream that reads the transfer-decoded content of a leaf in
 * place (g_object_unref), or NULL when it has none. */
static GMimeStream *
part_stream(GMimePart *part)
{
	GMimeDataWrapper	*w = g_mime_part_get_content(part);
	GMimeStream		*src, *sub, *f;
	GMimeFilter		*flt;
	GMimeContentEncoding	 enc;

	if (w == NULL || (src = g_mime_data_wrapper_get_stream(w)) == NULL)
		return NULL;
	/* A substream has a position of its own: reading it never moves
	 * the shared parser stream under another reader. */
	sub = g_mime_stream_substream(src, src->bound_start, src->bound_end);
	enc = g_mime_data_wrapper_get_encoding(w);
	if (enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    enc != GMIME_CONTENT_ENCODING_UUENCODE)
		return sub;
	f = g_mime_stream_filter_new(sub);
	g_object_unref(sub);
	flt = g_mime_filter_basic_new(enc, FALSE);
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), flt);
	g_object_unref(flt);
	return f;
}

static void
struct_line(struct run *vr, unsigned depth, const char *s)
{
	unsigned	i;

	for (i = 0; i < depth; i++)
		g_string_append(vr->res->structure, "  ");
	g_string_append(vr->res->structure, s);
	g_string_append_c(vr->res->structure, '\n');
}

static void
describe(struct run *vr, GMimeObject *o, unsigned depth, const char *note)
{
	GString		*s = g_string_new(NULL);
	char		*t = mime_type(o), *v;
	static const char *params[] = {
		"charset", "protocol", "hp", "protected-headers",
		"hp-legacy-display", NULL
	};
	const char	**pp;

	g_string_append(s, t);
	g_free(t);
	for (pp = params; *pp; pp++) {
		const char *val = g_mime_object_get_content_type_parameter(o,
		    *pp);

		if (val == NULL)
			continue;
		v = vdec_clean(val, 60);
		g_string_append_printf(s, " %s=\"%s\"", *pp, v);
		g_free(v);
	}
	if (GMIME_IS_PART(o) && g_mime_part_get_filename(GMIME_PART(o))) {
		v = vdec_clean(g_mime_part_get_filename(GMIME_PART(o)), 80);
		g_string_append_printf(s, " name=\"%s\"", v);
		g_free(v);
	}
	if (g_mime_object_get_disposition(o)) {
		v = vdec_clean(g_mime_object_get_disposition(o), 20);
		g_string_append_printf(s, " (%s)", v);
		g_free(v);
	}
	if (note)
		g_string_append_printf(s, " %s", note);
	struct_line(vr, depth, s->str);
	g_string_free(s, TRUE);
}

/* Counts the entity against the limits. */
static int
enter(struct run *vr, GMimeObject *o, unsigned depth)
{
	if (depth > vr->lim.max_depth) {
		vr->error = "MIME nesting exceeds VDEC_MAX_DEPTH";
		return -1;
	}
	if (++vr->n_parts > vr->lim.max_parts) {
		vr->error = "too many MIME parts (VDEC_MAX_PARTS)";
		return -1;
	}
	if (header_bytes(o) > vr->lim.max_header_bytes) {
		vr->error = "header block exceeds VDEC_MAX_HEADER_BYTES";
		return -1;
	}
	return 0;
}

static void
add_seg(struct run *vr, char *data, size_t len, const char *charset,
    int html, int hp_legacy, unsigned flags)
{
	struct seg	*s = g_new0(struct seg, 1);

	s->data = data ? data : g_strdup("");	/* g_memdup2(, 0) is NULL */
	s->len = len;
	s->charset = charset ? g_strdup(charset) : NULL;
	s->html = html;
	s->hp_legacy = hp_legacy;
	s->is_protected = (flags & W_PROT) != 0;
	g_ptr_array_add(vr->segs, s);
}

static void
add_attachment(struct run *vr, const char *filename, char *ctype,
    char *data, size_t len, unsigned flags)
{
	struct vdec_attachment	*a = g_new0(struct vdec_attachment, 1);
	GByteArray		*arr;

	a->filename = vdec_clean_filename(filename);
	a->content_type = ctype;
	arr = g_byte_array_new_take((guint8 *)data, len);
	a->data = g_bytes_new_with_free_func(arr->data, arr->len,
	    zero_bytes_free, arr);
	a->is_protected = (flags & W_PROT) != 0;
	g_ptr_array_add(vr->res->attachments, a);
}

/* RFC 3676: Thunderbird and others send text/plain; format=flowed, with
 * long lines broken at a space. Read as it stands, a wrapped Comment
 * would lose what follows the break. */
static void
flowed_param(GMimeObject *o, struct seg *s)
{
	const char *f = g_mime_object_get_content_type_parameter(o, "format");
	const char *d = g_mime_object_get_content_type_parameter(o, "delsp");

	if (f != NULL && g_ascii_strcasecmp(f, "flowed") == 0)
		s->flowed = d != NULL && g_ascii_strcasecmp(d, "yes") == 0 ?
		    2 : 1;
}

static void
leaf(struct run *vr, GMimePart *part, unsigned flags)
{
	GMimeObject	*o = GMIME_OBJECT(part);
	const char	*disp = g_mime_object_get_disposition(o);
	const char	*fname = g_mime_part_get_filename(part);
	const char	*legacy;
	int		 is_att, is_text, is_html;
	char		*data;
	size_t		 len;

	if (!(flags & W_COLLECT))
		return;
	/* The control part of multipart/encrypted carries no content. */
	if (!(flags & W_PROT) && is_type(o, "application", "pgp-encrypted"))
		return;
	/* Legacy display parts repeat the protected headers. A text/plain
	 * that carries the protected-headers parameter too (some clients
	 * copy it from the root) is body text: dropping it would lose what
	 * the sender wrote, so only text/rfc822-headers goes. */
	if ((flags & W_PROT) && vr->prot && o != vr->payload_root &&
	    is_type(o, "text", "rfc822-headers"))
		return;
	is_att = (disp && g_ascii_strcasecmp(disp, "attachment") == 0) ||
	    fname != NULL;
	is_text = is_type(o, "text", "plain");
	is_html = is_type(o, "text", "html");
	/* The only part of the message or of the payload is its body,
	 * whatever name a client gave it (Outlook names the HTML body). */
	if ((is_text || is_html) && (o == vr->msg_root ||
	    o == vr->payload_root))
		is_att = 0;
	data = part_bytes(part, &len);
	if (!is_att && (is_text || is_html)) {
		legacy = g_mime_object_get_content_type_parameter(o,
		    "hp-legacy-display");
		add_seg(vr, data, len,
		    g_mime_object_get_content_type_parameter(o, "charset"),
		    is_html, legacy && strcmp(legacy, "1") == 0, flags);
		if (is_text)
			flowed_param(o, g_ptr_array_index(vr->segs,
			    vr->segs->len - 1));
		return;
	}
	add_attachment(vr, fname, mime_type(o), data, len, flags);
}

static void
take_pgp(struct run *vr, struct vcrypto_result *p)
{
	struct vdec_result	*r = vr->res;

	r->n_sigs = p->n_sigs;
	r->sig = p->sig;
	g_free(r->verify_error);
	r->verify_error = p->verify_error;
	p->verify_error = NULL;
	memcpy(r->signer_fpr, p->signer_fpr, sizeof(r->signer_fpr));
	memcpy(r->sig_fpr, p->sig_fpr, sizeof(r->sig_fpr));
	r->sig_time = p->sig_time;
	memcpy(r->hash_algo, p->hash_algo, sizeof(r->hash_algo));
}

static char *
addresses(const char *value)
{
	InternetAddressList	*l;
	char			*s, *c;

	if (value == NULL)
		return NULL;
	l = internet_address_list_parse(parser_opts, value);
	if (l == NULL)
		return vdec_clean(value, 2000);
	s = internet_address_list_to_string(l, NULL, FALSE);
	g_object_unref(l);
	c = vdec_clean(s, 2000);
	g_free(s);
	return c;
}

/* Protected headers live on the root of the payload. */
static void
take_protected(struct run *vr, GMimeObject *root)
{
	struct vdec_result	*r = vr->res;
	const char		*hp, *ph, *v;

	hp = g_mime_object_get_content_type_parameter(root, "hp");
	ph = g_mime_object_get_content_type_parameter(root,
	    "protected-headers");
	if (hp == NULL && ph == NULL)
		return;
	vr->prot = 1;
	vr->prot_legacy_line = hp == NULL;
	if ((v = g_mime_object_get_header(root, "Subject")) != NULL) {
		g_free(r->subject_prot);
		r->subject_prot = vdec_clean(v, 2000);
	}
	if ((v = g_mime_object_get_header(root, "From")) != NULL) {
		g_free(r->from_prot);
		r->from_prot = addresses(v);
	}
	if ((v = g_mime_object_get_header(root, "To")) != NULL) {
		g_free(r->to_prot);
		r->to_prot = addresses(v);
	}
}

/* The bytes [start, end) of src in RFC 3156 canonical form (every bare LF
 * as CRLF) in a new spill of vr's, or NULL (vr->error set). */
static struct spill *
canonical(struct run *vr, GMimeStream *src, gint64 start, gint64 end)
{
	struct spill	*sp = run_spill(vr, 0);
	GMimeStream	*sub = g_mime_stream_substream(src, start, end);
	char		 in[32768], out[2 * sizeof(in)];
	char		 prev = 0;
	ssize_t		 n, i;
	size_t		 o;
	int		 rc = SPILL_OK;

	while (rc == SPILL_OK &&
	    (n = spill_read(sub, in, sizeof(in))) > 0) {
		for (i = 0, o = 0; i < n; i++) {
			if (in[i] == '\n' && prev != '\r')
				out[o++] = '\r';
			out[o++] = prev = in[i];
		}
		rc = spill_write(sp, out, o, NULL);
	}
	explicit_bzero(in, sizeof(in));
	explicit_bzero(out, sizeof(out));
	g_object_unref(sub);
	if (rc != SPILL_OK) {
		vr->error = "cannot write the signed data (disk full?)";
		vr->tempfail = 1;
		spill_free(&sp);
	}
	return sp;
}

/*
 * multipart/signed at the root of raw (a stream at the entity's first
 * header byte): verify the first part's raw bytes (CRLF) against the
 * second part, then parse those very bytes for the text.
 */
static int
do_signed(struct run *vr, GMimeObject *o, unsigned depth, unsigned flags,
    GMimeStream *raw)
{
	struct vdec_result	*r = vr->res;
	GMimeMultipart		*mp = GMIME_MULTIPART(o);
	GMimeObject		*sigpart;
	const char		*proto, *boundary;
	struct vcrypto_result	 p;
	struct spill		*canon = NULL;
	GMimeStream		*cs = NULL;
	gint64			 s, e;
	size_t			 siglen = 0;
	char			*sig = NULL, *note;
	int			 i, n, ret = -1;

	memset(&p, 0, sizeof(p));
	describe(vr, o, depth, NULL);
	n = g_mime_multipart_get_count(mp);
	proto = g_mime_object_get_content_type_parameter(o, "protocol");
	boundary = g_mime_multipart_get_boundary(mp);
	sigpart = n == 2 ? g_mime_multipart_get_part(mp, 1) : NULL;
	if (n != 2 || !GMIME_IS_PART(sigpart)) {
		r->sig = VDEC_SIG_ERROR;
		r->verify_error = g_strdup("malformed multipart/signed");
		goto unverified;
	}
	if (proto == NULL ||
	    g_ascii_strcasecmp(proto, "application/pgp-signature") != 0) {
		r->sig = VDEC_SIG_ERROR;
		r->verify_error = g_strdup("multipart/signed protocol is not "
		    "application/pgp-signature");
		goto unverified;
	}
	if (boundary == NULL ||
	    vdec_signed_span_stream(raw, boundary, &s, &e) < 0) {
		r->sig = VDEC_SIG_ERROR;
		r->verify_error = g_strdup("signed part not found");
		goto unverified;
	}
	if ((canon = canonical(vr, raw, s, e)) == NULL)
		goto out;
	if ((cs = spill_stream(canon, NULL)) == NULL) {
		vr->error = "cannot read the signed data back";
		vr->tempfail = 1;
		goto out;
	}
	sig = part_bytes(GMIME_PART(sigpart), &siglen);
	vr->vc->ops->verify_detached(vr->vc->impl, cs, sig, siglen, &p);
	take_pgp(vr, &p);
	if (r->n_sigs > 0 && set_hash_stream(r->signed_hash, cs) < 0) {
		vr->error = "cannot read the signed data back";
		vr->tempfail = 1;
		goto out;
	}
	g_mime_stream_reset(cs);
	if (parse_entity(vr, cs, depth + 1, flags | W_PROT, 1) < 0)
		goto out;
	if (enter(vr, sigpart, depth + 1) < 0)
		goto out;
	note = g_strdup_printf("[signature: %s]", vdec_sig_name(r->sig));
	describe(vr, sigpart, depth + 1, note);
	g_free(note);
	ret = 0;
	goto out;

unverified:
	/* Walk it as it stands; its text is not marked protected. */
	for (i = 0; i < n; i++) {
		if (walk(vr, g_mime_multipart_get_part(mp, i), depth + 1,
		    i == 0 ? flags & ~W_PROT : 0) < 0)
			goto out;
	}
	ret = 0;
out:
	if (cs)
		g_object_unref(cs);
	spill_free(&canon);
	vdec_zfree(sig, siglen);
	vcrypto_result_clear(&p);
	return ret;
}

static const char *
line_end_simple(const char *p, const char *end)
{
	const char	*nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl : end;
}

static int
first_line_is_header(const char *buf, size_t len)
{
	const char	*e = line_end_simple(buf, buf + len), *p = buf;

	while (p < e && *p >= 33 && *p <= 126 && *p != ':')
		p++;
	if (p == buf)
		return 0;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	return p < e && *p == ':';
}

/*
 * Parses a MIME entity from a stream of bytes we produced (plaintext,
 * signed part), read from its start, and walks it as payload root.
 * signed_root: it is a signed part, do not look for a nested
 * multipart/signed. The stream must outlive the walk (parts read it in
 * place).
 */
static int
parse_entity(struct run *vr, GMimeStream *in, unsigned depth,
    unsigned flags, int signed_root)
{
	GMimeStream		*stream = NULL;
	GMimeParser		*parser;
	GMimeObject		*ent;
	const char		*err;
	char			 head[4096];
	gint64			 start, base, len = g_mime_stream_length(in);
	ssize_t			 hn;
	int			 ret = -1;

	/* GMime stream offsets are those of the stream underneath. */
	g_mime_stream_reset(in);
	base = g_mime_stream_tell(in);
	hn = spill_read(in, head, sizeof(head));
	g_mime_stream_reset(in);
	if (hn < 0 || len < 0) {
		vr->error = "cannot read the decrypted data back";
		vr->tempfail = 1;
		return -1;
	}
	if (hn == 0 || head[0] == '\n' || (head[0] == '\r' && hn > 1 &&
	    head[1] == '\n') || !first_line_is_header(head, (size_t)hn)) {
		/* No header: text/plain in an unknown charset. */
		size_t	skip = 0, tlen, got;
		ssize_t	n = 0;
		char	*text;

		if (depth > vr->lim.max_depth) {
			vr->error = "MIME nesting exceeds VDEC_MAX_DEPTH";
			return -1;
		}
		if (++vr->n_parts > vr->lim.max_parts) {
			vr->error = "too many MIME parts (VDEC_MAX_PARTS)";
			return -1;
		}
		if (hn > 0 && head[0] == '\n')
			skip = 1;
		else if (hn > 1 && head[0] == '\r' && head[1] == '\n')
			skip = 2;
		struct_line(vr, depth, "text/plain (no header)");
		tlen = (size_t)len - skip;
		text = g_malloc(tlen + 1);
		g_mime_stream_seek(in, base + (gint64)skip,
		    GMIME_STREAM_SEEK_SET);
		for (got = 0; got < tlen; got += (size_t)n)
			if ((n = spill_read(in, text + got, tlen - got)) <= 0)
				break;
		if (got < tlen) {
			vdec_zfree(text, tlen + 1);
			vr->error = "cannot read the decrypted data back";
			vr->tempfail = 1;
			return -1;
		}
		text[tlen] = '\0';
		add_seg(vr, text, tlen, NULL, 0, 0, flags);
		explicit_bzero(head, sizeof(head));
		return 0;
	}
	explicit_bzero(head, sizeof(head));
	if (vdec_prescan_stream(in, &vr->lim, &start, &err) < 0) {
		vr->error = err;
		return -1;
	}
	stream = g_mime_stream_substream(in, start, base + len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	ent = g_mime_parser_construct_part(parser, parser_opts);
	g_object_unref(parser);
	if (ent == NULL) {
		struct_line(vr, depth, "(unparsable MIME entity)");
		ret = 0;
		goto out;
	}
	if (!signed_root && is_type(ent, "multipart", "signed") &&
	    vr->res->n_sigs == 0) {
		/* RFC 3156 6.1: sign, then encrypt. */
		if (vr->res->shape == VDEC_PGPMIME_ENCRYPTED ||
		    vr->res->shape == VDEC_PGPMIME_COMBINED)
			vr->res->shape = VDEC_PGPMIME_NESTED;
		if (enter(vr, ent, depth) < 0)
			goto out;
		/* Only the signed part's own headers are protected: the
		 * wrapper's are whatever the encrypting party wrote, and
		 * whoever encrypts a block taken off the wire is not its
		 * signer (vulture(7)). */
		if (GMIME_IS_MULTIPART(ent) &&
		    g_mime_multipart_get_count(GMIME_MULTIPART(ent)) == 2)
			take_protected(vr, g_mime_multipart_get_part(
			    GMIME_MULTIPART(ent), 0));
		g_mime_stream_reset(stream);
		ret = do_signed(vr, ent, depth, flags, stream);
		goto out;
	}
	/* The root of a signed part, or of a signed+encrypted payload
	 * (RFC 3156 6.2): covered by the signature. An encrypted-only
	 * payload's headers bind nobody. */
	if (!vr->prot && (signed_root || vr->res->n_sigs > 0))
		take_protected(vr, ent);
	vr->payload_root = ent;
	ret = walk(vr, ent, depth, flags);
	vr->payload_root = NULL;
out:
	if (ent)
		g_object_unref(ent);
	g_object_unref(stream);
	return ret;
}

/* What cannot be decrypted here, named so that the sender learns what
 * to change.  A passphrase-only message is not even given to gpg (it
 * would want a pinentry). */
#define SMIME_ERROR "S/MIME is not supported: use OpenPGP"
#define PASSPHRASE_ERROR "encrypted with a passphrase (gpg --symmetric), " \
	"not to the desk key: encrypt to the desk's public key instead"

/* The first bytes of a part's decoded content into head; returns how
 * many (0 on a read error or an empty part). */
static size_t
part_head(GMimePart *part, char *head, size_t size)
{
	GMimeStream	*s = part_stream(part);
	ssize_t		 n;

	if (s == NULL)
		return 0;
	n = spill_read(s, head, size);
	g_object_unref(s);
	return n > 0 ? (size_t)n : 0;
}

/* 1 when buf starts an OpenPGP message encrypted to a key or a
 * passphrase. */
static int
is_encrypted_pgp(const char *buf, size_t len)
{
	enum vdec_pgp	k = vdec_pgp_sniff(buf, len, NULL);

	return k == VDEC_PGP_PUBKEY || k == VDEC_PGP_PASSPHRASE;
}

/* 1 when part holds an OpenPGP message encrypted to passphrases only:
 * then the result says so and nothing is decrypted. */
static int
passphrase_only(struct run *vr, GMimePart *part, unsigned depth)
{
	char	head[4096];
	size_t	n = part_head(part, head, sizeof(head));
	int	ret = vdec_pgp_sniff(head, n, NULL) == VDEC_PGP_PASSPHRASE;

	explicit_bzero(head, sizeof(head));
	if (!ret)
		return 0;
	vr->res->decrypt_error = g_strdup(PASSPHRASE_ERROR);
	struct_line(vr, depth, "(not decrypted: encrypted with a passphrase)");
	return 1;
}

/* The length of fn's .asc, .gpg or .pgp ending, or 0. */
static size_t
pgp_ext(const char *fn)
{
	static const char *ext[] = { ".asc", ".gpg", ".pgp", NULL };
	const char	**e;
	size_t		 n = fn ? strlen(fn) : 0;

	for (e = ext; n > 0 && *e; e++)
		if (n > strlen(*e) && g_ascii_strcasecmp(fn + n - strlen(*e),
		    *e) == 0)
			return strlen(*e);
	return 0;
}

/* An attached file's name without .gpg/.pgp/.asc (owned; NULL). */
static char *
plain_name(GMimePart *part)
{
	const char	*fn = g_mime_part_get_filename(part);

	return fn ? g_strndup(fn, strlen(fn) - pgp_ext(fn)) : NULL;
}

/*
 * The plaintext of an attached file (VDEC_ATTACHED): a text file is the
 * body, as inline PGP's is (charset guessed); anything else (NUL bytes,
 * longer than max_text) is a protected attachment under the file's name
 * without its .gpg/.asc.
 */
static int
file_plaintext(struct run *vr, GMimePart *part, GMimeStream *plain,
    unsigned depth)
{
	gint64	 len = g_mime_stream_length(plain);
	size_t	 n, got = 0;
	ssize_t	 k = 0;
	char	*buf, *name;

	if (len < 0) {
		vr->error = "cannot read the decrypted data back";
		vr->tempfail = 1;
		return -1;
	}
	if (++vr->n_parts > vr->lim.max_parts) {
		vr->error = "too many MIME parts (VDEC_MAX_PARTS)";
		return -1;
	}
	n = (size_t)len;
	buf = g_malloc(n + 1);
	g_mime_stream_reset(plain);
	for (got = 0; got < n; got += (size_t)k)
		if ((k = spill_read(plain, buf + got, n - got)) <= 0)
			break;
	if (got < n) {
		vdec_zfree(buf, n + 1);
		vr->error = "cannot read the decrypted data back";
		vr->tempfail = 1;
		return -1;
	}
	buf[n] = '\0';
	if (n <= vr->lim.max_text && memchr(buf, '\0', n) == NULL) {
		struct_line(vr, depth, "text/plain (the attached file)");
		add_seg(vr, buf, n, NULL, 0, 0, W_COLLECT | W_PROT);
		return 0;
	}
	name = plain_name(part);
	struct_line(vr, depth, "application/octet-stream (the attached "
	    "file)");
	add_attachment(vr, name, g_strdup("application/octet-stream"), buf,
	    n, W_COLLECT | W_PROT);
	g_free(name);
	return 0;
}

static int
do_decrypt(struct run *vr, GMimePart *part, unsigned depth)
{
	struct vdec_result	*r = vr->res;
	struct vcrypto_result	 p;
	GMimeStream		*cipher, *plain = NULL;
	int			 ret = -1;

	memset(&p, 0, sizeof(p));
	if (passphrase_only(vr, part, depth))
		return 0;
	/* Read in place: a 30 MB part is not copied. */
	cipher = part_stream(part);
	if (cipher == NULL)
		cipher = g_mime_stream_mem_new();
	if (vr->vc->ops->decrypt_verify(vr->vc->impl, cipher,
	    vr->lim.max_decrypted, vr->lim.spill_dir, &p) < 0) {
		g_object_unref(cipher);
		vr->error = "cannot write the decrypted data (disk full?)";
		vr->tempfail = 1;
		goto out;
	}
	g_object_unref(cipher);
	if (p.recipients) {
		g_ptr_array_unref(r->recipients);
		r->recipients = g_ptr_array_ref(p.recipients);
	}
	memcpy(r->cipher_algo, p.cipher_algo, sizeof(r->cipher_algo));
	if (p.over_cap) {
		vr->error = "decrypted data exceeds VDEC_MAX_DECRYPTED";
		goto out;
	}
	if (p.decrypt_error) {
		char	*note;

		r->decrypt_error = g_strdup(p.decrypt_error);
		note = g_strdup_printf("(not decrypted: %s)", p.decrypt_error);
		struct_line(vr, depth, note);
		g_free(note);
		ret = 0;
		goto out;
	}
	if (p.decrypted) {
		r->decrypted = 1;
		struct_line(vr, depth, "(decrypted)");
	} else {
		r->decrypt_error = g_strdup("OpenPGP message is signed but "
		    "not encrypted");
		struct_line(vr, depth, "(not encrypted, only signed)");
	}
	take_pgp(vr, &p);
	if (p.plain == NULL)
		p.plain = run_spill(vr, 0);
	if ((plain = spill_stream(p.plain, NULL)) == NULL) {
		vr->error = "cannot read the decrypted data back";
		vr->tempfail = 1;
		goto out;
	}
	if (p.n_sigs > 0) {
		if (set_hash_stream(r->signed_hash, plain) < 0) {
			vr->error = "cannot read the decrypted data back";
			vr->tempfail = 1;
			goto out;
		}
		if (r->shape == VDEC_PGPMIME_ENCRYPTED)
			r->shape = VDEC_PGPMIME_COMBINED;
	}
	if (vr->enc_file)
		ret = file_plaintext(vr, part, plain, depth);
	else
		ret = parse_entity(vr, plain, depth, W_COLLECT | W_PROT, 0);
out:
	if (plain)
		g_object_unref(plain);
	vcrypto_result_clear(&p);
	return ret;
}

static int
walk(struct run *vr, GMimeObject *o, unsigned depth, unsigned flags)
{
	if (o == NULL)
		return 0;
	if (enter(vr, o, depth) < 0)
		return -1;
	if (o == vr->signed_obj)
		return do_signed(vr, o, depth, flags, vr->signed_raw);

	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage	*m;

		describe(vr, o, depth, NULL);
		m = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));
		if (m == NULL)
			return 0;
		if (flags & W_COLLECT) {
			char	*s = g_mime_object_to_string(GMIME_OBJECT(m),
			    NULL);
			const char *fn =
			    g_mime_object_get_content_disposition_parameter(o,
			    "filename");

			add_attachment(vr, fn, mime_type(o), s, strlen(s),
			    flags);
		}
		if (header_bytes(GMIME_OBJECT(m)) > vr->lim.max_header_bytes) {
			vr->error = "header block exceeds "
			    "VDEC_MAX_HEADER_BYTES";
			return -1;
		}
		/* Shown and counted, not read: a forwarded message is an
		 * attachment. */
		return walk(vr, g_mime_message_get_mime_part(m), depth + 1,
		    flags & ~W_COLLECT);
	}
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart	*mp = GMIME_MULTIPART(o);
		int		 i, n = g_mime_multipart_get_count(mp);
		int		 pick = -1;

		describe(vr, o, depth, NULL);
		if (is_type(o, "multipart", "alternative")) {
			/* Prefer text/plain, else the last (richest). */
			for (i = 0; i < n && pick < 0; i++) {
				GMimeObject *c = g_mime_multipart_get_part(mp,
				    i);

				if (GMIME_IS_PART(c) &&
				    is_type(c, "text", "plain") &&
				    !g_mime_part_is_attachment(GMIME_PART(c)))
					pick = i;
			}
			if (pick < 0)
				pick = n - 1;
		} else if (is_type(o, "multipart", "signed")) {
			pick = 0;	/* not verified here: no signature
					   part as attachment */
		}
		for (i = 0; i < n; i++) {
			unsigned f = flags;

			if (pick >= 0 && i != pick)
				f &= ~W_COLLECT;
			if (walk(vr, g_mime_multipart_get_part(mp, i),
			    depth + 1, f) < 0)
				return -1;
		}
		return 0;
	}
	if (GMIME_IS_PART(o)) {
		describe(vr, o, depth, NULL);
		if (o == vr->enc_part)
			return do_decrypt(vr, GMIME_PART(o), depth + 1);
		leaf(vr, GMIME_PART(o), flags);
		return 0;
	}
	describe(vr, o, depth, "(unknown entity)");
	return 0;
}

/* Exchange/Outlook: multipart/mixed holding application/pgp-encrypted and
 * then the armored message as application/octet-stream.  Returns the
 * index of the latter or -1. */
static int
exchange_index(GMimeObject *root)
{
	GMimeMultipart	*mp;
	int		 i, n;

	if (!is_type(root, "multipart", "mixed") || !GMIME_IS_MULTIPART(root))
		return -1;
	mp = GMIME_MULTIPART(root);
	n = g_mime_multipart_get_count(mp);
	for (i = 0; i + 1 < n; i++) {
		GMimeObject	*c = g_mime_multipart_get_part(mp, i);
		GMimeObject	*d = g_mime_multipart_get_part(mp, i + 1);
		GMimeStream	*ds;
		char		 head[4096];
		ssize_t		 len;
		size_t		 s, e;
		int		 armored;

		if (!GMIME_IS_PART(c) ||
		    !is_type(c, "application", "pgp-encrypted") ||
		    !GMIME_IS_PART(d) ||
		    !(is_type(d, "application", "octet-stream") ||
		    is_type(d, "application", "pgp-encrypted")))
			continue;
		/* The start tells: the part itself may be 30 MB. */
		if ((ds = part_stream(GMIME_PART(d))) == NULL)
			continue;
		len = spill_read(ds, head, sizeof(head));
		g_object_unref(ds);
		armored = len > 0 && vdec_find_armor(head, (size_t)len, &s,
		    &e) == VDEC_ARMOR_MESSAGE;
		/* Or binary: the payload as the OpenPGP packets
		 * themselves. */
		if (armored || (len > 0 && is_encrypted_pgp(head,
		    (size_t)len)))
			return i + 1;
	}
	return -1;
}

/* A mailing list's wrapping of PGP/MIME: multipart/mixed holding one
 * well-formed multipart/encrypted and otherwise only text leaves (the
 * list's footer, clear text).  Returns the encrypted leaf or NULL. */
static GMimeObject *
list_wrapped(GMimeObject *root)
{
	GMimeMultipart	*mp;
	GMimeObject	*found = NULL;
	int		 i, n;

	if (!is_type(root, "multipart", "mixed") || !GMIME_IS_MULTIPART(root))
		return NULL;
	mp = GMIME_MULTIPART(root);
	n = g_mime_multipart_get_count(mp);
	for (i = 0; i < n; i++) {
		GMimeObject	*c = g_mime_multipart_get_part(mp, i);
		GMimeMultipart	*e;

		if (is_type(c, "multipart", "encrypted")) {
			if (found != NULL || !GMIME_IS_MULTIPART(c))
				return NULL;
			e = GMIME_MULTIPART(c);
			if (g_mime_multipart_get_count(e) != 2 ||
			    !is_type(g_mime_multipart_get_part(e, 0),
			    "application", "pgp-encrypted") ||
			    !GMIME_IS_PART(g_mime_multipart_get_part(e, 1)))
				return NULL;
			found = g_mime_multipart_get_part(e, 1);
			continue;
		}
		if (!GMIME_IS_PART(c) || !is_type(c, "text", "*"))
			return NULL;
	}
	return found;
}

/* A leaf given as a file whose content is an OpenPGP message encrypted
 * to a key or a passphrase (armored or binary). */
static int
encrypted_file(GMimeObject *o)
{
	char	head[4096];
	size_t	n;
	int	ret;

	if (!GMIME_IS_PART(o))
		return 0;
	if (!is_type(o, "application", "pgp-encrypted") &&
	    !is_type(o, "application", "octet-stream") &&
	    !is_type(o, "application", "pgp") &&
	    pgp_ext(g_mime_part_get_filename(GMIME_PART(o))) == 0)
		return 0;
	n = part_head(GMIME_PART(o), head, sizeof(head));
	ret = is_encrypted_pgp(head, n);
	explicit_bzero(head, sizeof(head));
	return ret;
}

/*
 * An encrypted reply attached as a file (Outlook without a plug-in):
 * the message's only leaf, or the one child of its multipart/mixed that
 * is an encrypted file; the other children (a cover note) stay clear.
 * A text body that is itself armor is inline PGP, not this.
 */
static GMimeObject *
attached_file(GMimeObject *root)
{
	GMimeMultipart	*mp;
	GMimeObject	*found = NULL;
	int		 i, n;

	if (GMIME_IS_PART(root))
		return !is_type(root, "text", "*") && encrypted_file(root) ?
		    root : NULL;
	if (!is_type(root, "multipart", "mixed") || !GMIME_IS_MULTIPART(root))
		return NULL;
	mp = GMIME_MULTIPART(root);
	n = g_mime_multipart_get_count(mp);
	for (i = 0; i < n; i++) {
		GMimeObject *c = g_mime_multipart_get_part(mp, i);

		if (!encrypted_file(c))
			continue;
		if (found != NULL)
			return NULL;	/* two: which one is the reply? */
		found = c;
	}
	return found;
}

/* S/MIME: application/pkcs7-mime (enveloped or opaque signed data), or
 * a file named *.p7m. */
static int
smime_entity(GMimeObject *o)
{
	const char	*fn;

	if (is_type(o, "application", "pkcs7-mime") ||
	    is_type(o, "application", "x-pkcs7-mime"))
		return 1;
	fn = GMIME_IS_PART(o) ? g_mime_part_get_filename(GMIME_PART(o)) :
	    NULL;
	return fn != NULL && strlen(fn) > 4 &&
	    g_ascii_strcasecmp(fn + strlen(fn) - 4, ".p7m") == 0;
}

static int
smime_signed(GMimeObject *o)
{
	const char	*p = g_mime_object_get_content_type_parameter(o,
	    "protocol");

	return is_type(o, "multipart", "signed") && p != NULL &&
	    (g_ascii_strcasecmp(p, "application/pkcs7-signature") == 0 ||
	    g_ascii_strcasecmp(p, "application/x-pkcs7-signature") == 0);
}

/* Other protocols (S/MIME) are not ours to check: such mail is plain. */
static int
pgp_signed(GMimeObject *o)
{
	const char	*p = g_mime_object_get_content_type_parameter(o,
	    "protocol");

	return p != NULL &&
	    g_ascii_strcasecmp(p, "application/pgp-signature") == 0;
}

static int
blank(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (!g_ascii_isspace(s[i]))
			return 0;
	return 1;
}

/* One segment as UTF-8 text appended to out. */
static int
seg_text(struct run *vr, struct seg *s, int first, GString *out)
{
	GString	*t = g_string_new(NULL);
	size_t	 cut = 0;
	int	 ret = 0;

	if (vdec_to_utf8(s->data, s->len, s->charset, t, vr->lim.max_text) < 0)
		goto toolong;
	if (s->html) {
		GString *h = g_string_sized_new(t->len + 1);

		vdec_html_to_text(t->str, t->len, s->hp_legacy, h);
		explicit_bzero(t->str, t->allocated_len);
		g_string_free(t, TRUE);
		t = h;
	} else if (s->flowed) {
		GString *u = g_string_sized_new(t->len + 2);

		vdec_unflow(t->str, t->len, s->flowed == 2, u);
		explicit_bzero(t->str, t->allocated_len);
		g_string_free(t, TRUE);
		t = u;
	}
	if (!s->html && first && s->is_protected && vr->prot) {
		if (s->hp_legacy)
			cut = vdec_legacy_display_len(t->str, t->len, NULL, 0);
		else if (vr->prot_legacy_line && vr->res->subject_prot)
			cut = vdec_legacy_display_len(t->str, t->len,
			    vr->res->subject_prot, 1);
	}
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	if (out->len + t->len - cut > vr->lim.max_text)
		goto toolong;
	g_string_append_len(out, t->str + cut, t->len - cut);
	goto out;
toolong:
	vr->error = "body text exceeds VDEC_MAX_TEXT";
	ret = -1;
out:
	explicit_bzero(t->str, t->allocated_len);
	g_string_free(t, TRUE);
	return ret;
}

/*
 * Plain message: an armored block in the first text part that has one
 * makes it inline PGP; the text is then that block's plaintext only.
 * Returns 1 when inline PGP was handled, 0 when there was none, -1.
 */
static int
do_inline(struct run *vr, GString *out, GString *clear)
{
	struct vdec_result	*r = vr->res;
	struct vcrypto_result	 p;
	struct seg		*s = NULL;
	GString			*html = NULL, *norm = NULL;
	const char		*buf = NULL, *cs = NULL;
	size_t			 len = 0, st = 0, en = 0;
	enum vdec_armor		 kind = VDEC_ARMOR_NONE;
	char			*armor_cs = NULL;
	guint			 i, idx = 0;
	int			 ret = -1;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < vr->segs->len && kind == VDEC_ARMOR_NONE; i++) {
		s = g_ptr_array_index(vr->segs, i);
		if (s->html) {
			GString *t = g_string_new(NULL);

			if (html) {
				explicit_bzero(html->str, html->allocated_len);
				g_string_free(html, TRUE);
			}
			html = g_string_new(NULL);
			if (vdec_to_utf8(s->data, s->len, s->charset, t,
			    vr->lim.max_text) == 0)
				vdec_html_to_text(t->str, t->len, 0, html);
			explicit_bzero(t->str, t->allocated_len);
			g_string_free(t, TRUE);
			buf = html->str;
			len = html->len;
			cs = "utf-8";
		} else {
			buf = s->data;
			len = s->len;
			cs = s->charset;
		}
		kind = vdec_find_armor(buf, len, &st, &en);
		/* A block under "On ... wrote:" or Outlook's quote header
		 * is what the sender quoted, not what the sender sent. */
		if (kind != VDEC_ARMOR_NONE && vdec_armor_quoted(buf, st))
			kind = VDEC_ARMOR_NONE;
		idx = i;
	}
	if (kind == VDEC_ARMOR_NONE) {
		ret = 0;
		goto out;
	}
	for (i = 0; i < vr->segs->len; i++) {
		struct seg *o = g_ptr_array_index(vr->segs, i);

		if (i == idx || blank(o->data, o->len))
			continue;
		r->unprotected_parts++;
		if (seg_text(vr, o, 0, clear) < 0)
			goto out;
	}
	if (!blank(buf, st) || !blank(buf + en, len - en)) {
		r->unprotected_parts++;
		if (vdec_to_utf8(buf, st, cs, clear, vr->lim.max_text) < 0 ||
		    vdec_to_utf8(buf + en, len - en, cs, clear,
		    vr->lim.max_text) < 0) {
			vr->error = "body text exceeds VDEC_MAX_TEXT";
			goto out;
		}
	}

	if (kind == VDEC_ARMOR_MESSAGE) {
		GMimeStream *ns;
		int prc;

		norm = vdec_armor_normalize(buf + st, en - st, &armor_cs);
		if (vdec_pgp_sniff(norm->str, norm->len, NULL) ==
		    VDEC_PGP_PASSPHRASE) {
			r->shape = VDEC_INLINE_ENCRYPTED;
			r->encrypted = 1;
			r->decrypt_error = g_strdup(PASSPHRASE_ERROR);
			struct_line(vr, 1, "(inline PGP message, encrypted "
			    "with a passphrase)");
			ret = 1;
			goto out;
		}
		ns = spill_view(norm->str, norm->len);
		prc = vr->vc->ops->decrypt_verify(vr->vc->impl, ns,
		    vr->lim.max_decrypted, vr->lim.spill_dir, &p);
		spill_view_release(ns);
		if (prc < 0) {
			vr->error = "cannot write the decrypted data (disk "
			    "full?)";
			vr->tempfail = 1;
			goto out;
		}
		if (p.recipients) {
			g_ptr_array_unref(r->recipients);
			r->recipients = g_ptr_array_ref(p.recipients);
		}
		memcpy(r->cipher_algo, p.cipher_algo,
		    sizeof(r->cipher_algo));
		if (p.over_cap) {
			vr->error = "decrypted data exceeds "
			    "VDEC_MAX_DECRYPTED";
			goto out;
		}
		if (p.decrypted || p.decrypt_error) {
			r->shape = VDEC_INLINE_ENCRYPTED;
			r->encrypted = 1;
			r->decrypted = p.decrypted;
			if (p.decrypt_error)
				r->decrypt_error = g_strdup(p.decrypt_error);
		} else {
			r->shape = VDEC_INLINE_SIGNED;
		}
		struct_line(vr, 1, p.decrypted ? "(inline PGP message, "
		    "decrypted)" : p.decrypt_error ? "(inline PGP message, "
		    "not decrypted)" : "(inline PGP message, signed)");
		if (armor_cs)
			cs = armor_cs;
		else if (s->html)
			cs = NULL;
	} else {
		r->shape = VDEC_INLINE_CLEARSIGNED;
		if (vr->vc->ops->verify_clear(vr->vc->impl, buf + st, en - st,
		    vr->lim.max_text, vr->lim.spill_dir, &p) < 0) {
			vr->error = "cannot write the signed text (disk "
			    "full?)";
			vr->tempfail = 1;
			goto out;
		}
		if (p.over_cap) {
			vr->error = "body text exceeds VDEC_MAX_TEXT";
			goto out;
		}
		struct_line(vr, 1, "(inline PGP clearsigned text)");
	}
	take_pgp(vr, &p);
	if (p.plain != NULL) {
		size_t	 plen;
		char	*plain = spill_dup(p.plain, &plen, NULL);
		int	 over;

		if (plain == NULL) {
			vr->error = "cannot read the decrypted data back";
			vr->tempfail = 1;
			goto out;
		}
		if (p.n_sigs > 0)
			set_hash(r->signed_hash, plain, plen);
		over = vdec_to_utf8(plain, plen, cs, out,
		    vr->lim.max_text) < 0;
		spill_zfree(plain, plen);
		if (over) {
			vr->error = "body text exceeds VDEC_MAX_TEXT";
			goto out;
		}
	} else if (kind == VDEC_ARMOR_SIGNED) {
		/* Unverifiable: the block is clear text. */
		r->unprotected_parts++;
		if (vdec_to_utf8(buf + st, en - st, cs, clear,
		    vr->lim.max_text) < 0) {
			vr->error = "body text exceeds VDEC_MAX_TEXT";
			goto out;
		}
	}
	ret = 1;
out:
	if (html) {
		explicit_bzero(html->str, html->allocated_len);
		g_string_free(html, TRUE);
	}
	if (norm)
		g_string_free(norm, TRUE);
	g_free(armor_cs);
	vcrypto_result_clear(&p);
	return ret;
}

/* The form parser works on C strings with LF line ends (signed parts
 * were parsed in their canonical CRLF form), in valid UTF-8 whatever an
 * iconv module let through.  Returns a new string. */
static char *
c_text(GString *in, size_t *len_r)
{
	char	*t;
	size_t	 i = 0, j;

	if (!g_utf8_validate(in->str, in->len, NULL)) {
		char	*v = g_utf8_make_valid(in->str, in->len);

		explicit_bzero(in->str, in->len);
		g_string_truncate(in, 0);
		g_string_append(in, v);
		vdec_zfree(v, strlen(v));
	}
	t = g_malloc(in->len + 1);

	for (j = 0; j < in->len; j++) {
		char	c = in->str[j];

		if (c == '\r') {
			if (j + 1 < in->len && in->str[j + 1] == '\n')
				continue;
			c = '\n';
		} else if (c == '\0') {
			c = ' ';
		}
		t[i++] = c;
	}
	t[i] = '\0';
	*len_r = i;
	return t;
}

static int
build_text(struct run *vr)
{
	struct vdec_result	*r = vr->res;
	GString			*out = g_string_new(NULL);
	GString			*clear = g_string_new(NULL);
	int			 first = 1, ret = -1, k;
	guint			 i;

	if (r->shape == VDEC_PLAIN) {
		if ((k = do_inline(vr, out, clear)) < 0)
			goto out;
		if (k == 1)
			goto done;
	}
	for (i = 0; i < vr->segs->len; i++) {
		struct seg *s = g_ptr_array_index(vr->segs, i);

		if (r->shape != VDEC_PLAIN && !s->is_protected) {
			if (blank(s->data, s->len))
				continue;
			r->unprotected_parts++;
			if (seg_text(vr, s, 0, clear) < 0)
				goto out;
			continue;
		}
		if (seg_text(vr, s, first, out) < 0)
			goto out;
		first = 0;
	}
done:
	if (out->len > vr->lim.max_text) {
		vr->error = "body text exceeds VDEC_MAX_TEXT";
		goto out;
	}
	if (clear->len > vr->lim.max_text) {
		vr->error = "body text exceeds VDEC_MAX_TEXT";
		goto out;
	}
	r->text = c_text(out, &r->text_len);
	r->clear_text = c_text(clear, &r->clear_text_len);
	ret = 0;
out:
	explicit_bzero(out->str, out->allocated_len);
	g_string_free(out, TRUE);
	explicit_bzero(clear->str, clear->allocated_len);
	g_string_free(clear, TRUE);
	return ret;
}

static char *
header(GMimeObject *o, const char *name)
{
	return vdec_clean(g_mime_object_get_header(o, name), 2000);
}

static void
outer_headers(struct vdec_result *r, GMimeMessage *m)
{
	GMimeObject		*o = GMIME_OBJECT(m);
	InternetAddressList	*l;
	GDateTime		*dt;
	const char		*v;
	char			*s;

	r->message_id = vdec_clean(g_mime_message_get_message_id(m), 998);
	if ((v = g_mime_object_get_header(o, "In-Reply-To")) != NULL) {
		s = g_mime_utils_decode_message_id(v);
		r->in_reply_to = vdec_clean(s, 998);
		g_free(s);
	}
	if ((v = g_mime_object_get_header(o, "References")) != NULL) {
		GMimeReferences	*refs = g_mime_references_parse(parser_opts,
		    v);
		int		 i, n;

		n = refs ? g_mime_references_length(refs) : 0;

		/* Keep the newest: replies cite the centre's last mail. */
		for (i = n > (int)VDEC_MAX_REFERENCES ?
		    n - (int)VDEC_MAX_REFERENCES : 0; i < n; i++)
			g_ptr_array_add(r->references, vdec_clean(
			    g_mime_references_get_message_id(refs, i), 998));
		if (refs)
			g_mime_references_free(refs);
	}
	if ((l = g_mime_message_get_from(m)) != NULL &&
	    internet_address_list_length(l) > 0) {
		InternetAddress *a = internet_address_list_get_address(l, 0);

		s = internet_address_list_to_string(l, NULL, FALSE);
		r->from = vdec_clean(s, 2000);
		g_free(s);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			r->from_addr = vdec_clean(
			    internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(a)), 998);
	}
	if ((l = g_mime_message_get_to(m)) != NULL &&
	    internet_address_list_length(l) > 0) {
		s = internet_address_list_to_string(l, NULL, FALSE);
		r->to = vdec_clean(s, 2000);
		g_free(s);
	}
	r->subject_outer = vdec_clean(g_mime_message_get_subject(m), 2000);
	r->date = header(o, "Date");
	if ((dt = g_mime_message_get_date(m)) != NULL)
		r->date_time = g_date_time_to_unix(dt);
	r->auto_submitted = header(o, "Auto-Submitted");
	r->precedence = header(o, "Precedence");
	if ((r->return_path = header(o, "Return-Path")) != NULL) {
		size_t	n = strlen(r->return_path);

		if (n >= 2 && r->return_path[0] == '<' &&
		    r->return_path[n - 1] == '>') {
			memmove(r->return_path, r->return_path + 1, n - 2);
			r->return_path[n - 2] = '\0';
		}
	}
	r->list_id = header(o, "List-Id");
	r->loop = header(o, "X-Vulture-Loop");
}

int
vdec_decode(const struct vcrypto *vc, const char *raw, size_t len,
    const struct vdec_limits *lim, struct vdec_result **res_r,
    const char **error_r)
{
	GMimeStream	*s;
	int		 ret;

	*res_r = NULL;
	if (raw == NULL) {
		*error_r = "empty message";
		return -1;
	}
	s = spill_view(raw, len);
	ret = vdec_decode_stream(vc, s, lim, res_r, error_r);
	spill_view_release(s);
	return ret;
}

int
vdec_decode_stream(const struct vcrypto *vc, GMimeStream *raw,
    const struct vdec_limits *lim, struct vdec_result **res_r,
    const char **error_r)
{
	struct run		 vr;
	struct vdec_result	*r = NULL;
	GMimeStream		*stream = NULL;
	GMimeParser		*parser = NULL;
	GMimeMessage		*msg = NULL;
	GMimeObject		*root;
	gint64			 start = 0, base, len;
	int			 idx, ret = -1;

	*res_r = NULL;
	*error_r = NULL;
	memset(&vr, 0, sizeof(vr));
	if (vdec_init() < 0) {
		*error_r = "GPGME is too old";
		return -1;
	}
	if (lim)
		vr.lim = *lim;
	else
		vdec_limits_default(&vr.lim);
	if (vr.lim.max_text == 0)
		vr.lim.max_text = VDEC_MAX_TEXT;
	g_mime_stream_reset(raw);
	base = g_mime_stream_tell(raw);
	len = g_mime_stream_length(raw);
	if (len < 0 || base < 0) {
		*error_r = "message unreadable";
		return VDEC_TEMPFAIL;
	}
	if ((guint64)len > vr.lim.max_message) {
		*error_r = "message exceeds max_message_size";
		return -1;
	}
	if (vdec_prescan_stream(raw, &vr.lim, &start, error_r) < 0)
		return -1;

	vr.vc = vc;
	vr.segs = g_ptr_array_new_with_free_func(seg_free);
	r = vr.res = g_new0(struct vdec_result, 1);
	r->recipients = g_ptr_array_new_with_free_func(g_free);
	r->references = g_ptr_array_new_with_free_func(g_free);
	r->attachments = g_ptr_array_new_with_free_func(attachment_free);
	r->structure = g_string_new(NULL);

	/* Parts are read in place from raw: it is not copied. */
	stream = g_mime_stream_substream(raw, start, base + len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, parser_opts);
	if (msg == NULL || g_mime_header_list_get_count(
	    g_mime_object_get_header_list(GMIME_OBJECT(msg))) == 0) {
		vr.error = "not a mail message";
		goto out;
	}
	if (header_bytes(GMIME_OBJECT(msg)) > vr.lim.max_header_bytes) {
		vr.error = "header block exceeds VDEC_MAX_HEADER_BYTES";
		goto out;
	}
	outer_headers(r, msg);

	root = g_mime_message_get_mime_part(msg);
	vr.msg_root = root;
	r->shape = VDEC_PLAIN;
	if (root == NULL) {
		struct_line(&vr, 0, "(no body)");
	} else if (is_type(root, "multipart", "encrypted")) {
		GMimeMultipart *mp = GMIME_IS_MULTIPART(root) ?
		    GMIME_MULTIPART(root) : NULL;

		r->shape = VDEC_PGPMIME_ENCRYPTED;
		r->encrypted = 1;
		if (mp && g_mime_multipart_get_count(mp) == 2 &&
		    is_type(g_mime_multipart_get_part(mp, 0), "application",
		    "pgp-encrypted") &&
		    GMIME_IS_PART(g_mime_multipart_get_part(mp, 1)))
			vr.enc_part = g_mime_multipart_get_part(mp, 1);
		else
			r->decrypt_error = g_strdup("malformed "
			    "multipart/encrypted");
		if (walk(&vr, root, 0, W_COLLECT) < 0)
			goto out;
	} else if (is_type(root, "multipart", "signed") &&
	    GMIME_IS_MULTIPART(root) && pgp_signed(root)) {
		r->shape = VDEC_PGPMIME_SIGNED;
		vr.signed_obj = root;
		vr.signed_raw = stream;
		g_mime_stream_reset(stream);
		if (walk(&vr, root, 0, W_COLLECT) < 0)
			goto out;
	} else if ((idx = exchange_index(root)) >= 0) {
		r->shape = VDEC_EXCHANGE;
		r->encrypted = 1;
		vr.enc_part = g_mime_multipart_get_part(GMIME_MULTIPART(root),
		    idx);
		if (walk(&vr, root, 0, W_COLLECT) < 0)
			goto out;
	} else if ((vr.enc_part = list_wrapped(root)) != NULL) {
		/* Decrypted as PGP/MIME; the footer is clear text. */
		r->shape = VDEC_PGPMIME_ENCRYPTED;
		r->encrypted = 1;
		if (walk(&vr, root, 0, W_COLLECT) < 0)
			goto out;
	} else if ((vr.enc_part = attached_file(root)) != NULL) {
		r->shape = VDEC_ATTACHED;
		r->encrypted = 1;
		vr.enc_file = 1;
		if (walk(&vr, root, 0, W_COLLECT) < 0)
			goto out;
	} else if (smime_entity(root)) {
		/* Encrypted (or opaquely signed) for someone's X.509
		 * certificate: nothing here can read it. */
		r->shape = VDEC_SMIME;
		r->smime = 1;
		r->encrypted = 1;
		r->decrypt_error = g_strdup(SMIME_ERROR);
		if (walk(&vr, root, 0, W_COLLECT) < 0)
			goto out;
	} else if (walk(&vr, root, 0, W_COLLECT) < 0) {
		goto out;
	}
	if (root != NULL && smime_signed(root))
		r->smime = 1;	/* read as the clear text it is */
	if (build_text(&vr) < 0)
		goto out;
	if (r->subject_prot != NULL) {
		r->subject = g_strdup(r->subject_prot);
		r->subject_protected = 1;
	} else {
		r->subject = g_strdup(r->subject_outer);
	}
	ret = 0;
out:
	if (msg)
		g_object_unref(msg);
	if (parser)
		g_object_unref(parser);
	if (stream)
		g_object_unref(stream);
	g_ptr_array_unref(vr.segs);
	if (ret == 0) {
		*res_r = r;
	} else {
		*error_r = vr.error ? vr.error : "decode failed";
		if (vr.tempfail)
			ret = VDEC_TEMPFAIL;
		vdec_result_free(&r);
	}
	return ret;
}
