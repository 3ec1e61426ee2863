/*
 * libFuzzer target for the router (src/route.c): the input is turned into
 * a decoded result and the facts about it, then routed; no database, no
 * gpg. The first 8 bytes are switches (shape, signature, the signer's
 * vendor, what the store says of each case id, times), the rest
 * NUL-separated strings: the text, the clear text beside it, the outer
 * and protected Subject, the protected To, Auto-Submitted, Precedence,
 * List-Id, the case of the message it answers, the cipher, the attached
 * key's fingerprint. Checks what route.h promises: a decision always,
 * with a kind and a reason; only a participant's reply is applied; only
 * a coordinator's block runs; a leak names an open case.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <gmime/gmime.h>

#include "vulture/route.h"

#define NOW		((int64_t)1800000000)
#define NFIELDS		11
#define VENDOR_FPR	"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
#define COORD_FPR	"CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vconf conf;

/* decode.c's, which this target does not link (the router alone): the
 * router only puts the name in a reason. */
const char *
vdec_sig_name(enum vdec_sig sig)
{
	return sig == VDEC_SIG_GOOD ? "good" : "not good";
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char *coords[] = { COORD_FPR, NULL };
	static char *ciphers[] = { "3DES", "CAST5", NULL };
	static char *hashes[] = { "SHA1", NULL };

	(void)argc;
	(void)argv;
	g_mime_init();
	conf.address = "desk@cert.example";
	conf.id_format = "JVNVU#%08u";
	conf.single_vendor_id_format = "JVN#%08u";
	conf.tz = g_time_zone_new_utc();
	conf.max_clock_skew = 600;
	conf.command_max_age = 7 * 86400;
	conf.coordinators = coords;
	conf.refuse_ciphers = ciphers;
	conf.refuse_hashes = hashes;
	return 0;
}

/* Field i of the strings (valid UTF-8, newly allocated), or NULL when
 * absent or empty. */
static char *
field(const char *const *f, const size_t *len, int i)
{
	if (f[i] == NULL || len[i] == 0)
		return NULL;
	return g_utf8_make_valid(f[i], (gssize)len[i]);
}

/* Field i's printable ASCII into out (size n): what gpg reports for a
 * cipher or a fingerprint is never more. */
static void
ascii_field(const char *const *f, const size_t *len, int i, char *out,
    size_t n)
{
	size_t j, o = 0;

	for (j = 0; f[i] != NULL && j < len[i] && o + 1 < n; j++)
		if (f[i][j] > 32 && f[i][j] < 127)
			out[o++] = f[i][j];
	out[o] = '\0';
}

static void
attachment_free(gpointer p)
{
	struct vdec_attachment *a = p;

	g_free(a->filename);
	g_free(a->content_type);
	g_bytes_unref(a->data);
	g_free(a);
}

/* The decoder's result freed as vdec_result_free() does (decode.c is not
 * linked: this target is the router alone). */
static void
result_free(struct vdec_result *r)
{
	g_free(r->decrypt_error);
	g_free(r->message_id);
	g_free(r->from_addr);
	g_free(r->subject_outer);
	g_free(r->subject_prot);
	g_free(r->subject);
	g_free(r->to_prot);
	g_free(r->auto_submitted);
	g_free(r->precedence);
	g_free(r->list_id);
	g_free(r->return_path);
	g_free(r->text);
	g_free(r->clear_text);
	g_ptr_array_unref(r->attachments);
	g_free(r);
}

static int
is_open(const struct route_facts *f, const char *id)
{
	guint i;

	for (i = 0; i < f->open_cases->len; i++)
		if (strcmp(((struct route_open_case *)
		    f->open_cases->pdata[i])->id, id) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *fs[NFIELDS] = { 0 };
	size_t fl[NFIELDS] = { 0 };
	uint8_t sw[8] = { 0 };
	struct vdec_result *r;
	struct route_facts f;
	struct inbound_decision *d;
	const struct route_case *c;
	GPtrArray *ids;
	const char *p, *end;
	guint i;
	int k;

	memcpy(sw, data, size < 8 ? size : 8);
	p = (const char *)data + (size < 8 ? size : 8);
	end = (const char *)data + size;
	for (k = 0; k < NFIELDS && p < end; k++) {
		const char *z = memchr(p, '\0', (size_t)(end - p));

		fs[k] = p;
		fl[k] = z != NULL ? (size_t)(z - p) : (size_t)(end - p);
		p += fl[k] + 1;
	}

	r = g_new0(struct vdec_result, 1);
	r->encrypted = sw[0] & 1;
	r->decrypted = r->encrypted && (sw[0] & 2);
	if (r->encrypted && !r->decrypted)
		r->decrypt_error = g_strdup("no secret key");
	r->sig = (enum vdec_sig)((sw[0] >> 2) % (VDEC_SIG_ERROR + 1));
	if (r->sig != VDEC_SIG_NONE) {
		g_strlcpy(r->signer_fpr, sw[0] & 0x80 ? COORD_FPR :
		    VENDOR_FPR, sizeof(r->signer_fpr));
		r->n_sigs = 1;
		r->sig_time = sw[1] == 0 ? 0 : NOW + ((int64_t)sw[1] - 128) *
		    3600;
		if (sw[2] & 1)
			memset(r->signed_hash, 'e', 64);
		g_strlcpy(r->hash_algo, sw[2] & 2 ? "SHA1" : "SHA256",
		    sizeof(r->hash_algo));
	}
	r->message_id = g_strdup("m@example");
	r->from_addr = g_strdup(sw[2] & 4 ? "mailer-daemon@x.example" :
	    "psirt@acme.example");
	if (sw[2] & 8)
		r->return_path = g_strdup("");
	r->text = field(fs, fl, 0);
	if (r->text == NULL)
		r->text = g_strdup("");
	r->text_len = strlen(r->text);
	r->clear_text = field(fs, fl, 1);
	if (r->clear_text == NULL)
		r->clear_text = g_strdup("");
	r->clear_text_len = strlen(r->clear_text);
	r->subject_outer = field(fs, fl, 2);
	r->subject_prot = field(fs, fl, 3);
	r->subject_protected = r->subject_prot != NULL;
	r->subject = g_strdup(r->subject_prot ? r->subject_prot :
	    r->subject_outer);
	r->to_prot = field(fs, fl, 4);
	r->auto_submitted = field(fs, fl, 5);
	r->precedence = field(fs, fl, 6);
	r->list_id = field(fs, fl, 7);
	ascii_field(fs, fl, 9, r->cipher_algo, sizeof(r->cipher_algo));
	r->attachments = g_ptr_array_new_with_free_func(attachment_free);
	for (k = 0; k < (sw[2] >> 4) % 3; k++) {
		struct vdec_attachment *a = g_new0(struct vdec_attachment, 1);

		a->content_type = g_strdup("application/pgp-keys");
		a->data = g_bytes_new_static("k", 1);
		g_ptr_array_add(r->attachments, a);
	}

	/* The facts, as route_facts_read() would gather them. */
	route_facts_init(&f, &conf, NOW);
	if (sw[3] & 1) {
		static const char *const states[] = { "registered",
		    "pending", "suspended", "unregistered" };

		f.signer_pinned = 1;
		f.vendor_id = 7;
		f.vendor_handle = g_strdup("acme");
		f.vendor_state = g_strdup(states[(sw[3] >> 1) & 3]);
		f.contact = g_strdup("psirt@acme.example");
		f.contact_fpr = g_strdup(VENDOR_FPR);
	}
	f.reply_seen = (sw[3] >> 3) & 1;
	f.command_seen = (sw[3] >> 4) & 1;
	ids = route_case_ids(&conf, r);
	if (ids->len > ROUTE_MAX_CASE_IDS)
		__builtin_trap();
	for (i = 0; i < ids->len; i++) {
		/* Two bits per id of sw[4..5]: absent, a case, a case the
		 * vendor takes part in, and open too (for leaks). */
		unsigned bits = (unsigned)(sw[4 + (i / 4) % 2] >> (2 * (i % 4)))
		    & 3;
		struct route_case *rc = g_new0(struct route_case, 1);

		rc->id = g_strdup(ids->pdata[i]);
		rc->exists = bits > 0;
		rc->participant = bits > 1;
		rc->first = rc->participant ? NOW - (int64_t)sw[6] * 3600 : 0;
		rc->last_reply_signed = sw[7] == 0 ? 0 : NOW -
		    ((int64_t)sw[7] - 128) * 3600;
		g_ptr_array_add(f.cases, rc);
		if (bits == 3) {
			struct route_open_case *o = g_new0(struct
			    route_open_case, 1);

			o->id = g_strdup(ids->pdata[i]);
			o->title = g_strdup("Buffer overflow in FooHTTP");
			g_ptr_array_add(f.open_cases, o);
		}
	}
	g_ptr_array_unref(ids);
	f.ref_case = field(fs, fl, 8);
	f.ref_vendor = f.ref_case != NULL ? 7 + (sw[3] >> 5) % 2 : 0;
	ascii_field(fs, fl, 10, f.key_fpr, sizeof(f.key_fpr));
	if (f.key_fpr[0] == '\0')
		f.key_refusal = g_strdup("refused");

	d = route(sw[0] == 0xff ? NULL : r, "fuzz", &f);
	if (d == NULL || d->kind == NULL || d->reason == NULL ||
	    !g_utf8_validate(d->reason, -1, NULL))
		__builtin_trap();
	switch (d->action) {
	case INBOUND_APPLY:
		c = d->case_id != NULL ? route_facts_case(&f, d->case_id) :
		    NULL;
		if (d->form == NULL || c == NULL || !c->participant ||
		    r->sig != VDEC_SIG_GOOD || !r->decrypted ||
		    !f.signer_pinned || strcmp(f.vendor_state,
		    "registered") != 0 || f.reply_seen)
			__builtin_trap();
		break;
	case INBOUND_COMMAND:
		if (d->block == NULL || !route_coordinator_signed(&conf, r) ||
		    !r->decrypted || f.command_seen)
			__builtin_trap();
		break;
	case INBOUND_REGISTER:
		if (!r->decrypted || route_key_attachment(r) == NULL)
			__builtin_trap();
		break;
	default:
		if (strcmp(d->kind, "leak") == 0 && (d->case_id == NULL ||
		    !is_open(&f, d->case_id)))
			__builtin_trap();
		break;
	}
	inbound_decision_free(&d);
	if (d != NULL)
		__builtin_trap();
	route_facts_clear(&f);
	result_free(r);
	return 0;
}
