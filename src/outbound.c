#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/compose.h"
#include "vulture/keys.h"
#include "vulture/log.h"
#include "vulture/outbound.h"
#include "vulture/outbox.h"
#include "vulture/vtime.h"

/* Contact attempts that count toward "unreachable". */
static int
counts_as_attempt(const char *kind)
{
	return strcmp(kind, "summary") == 0 || strcmp(kind, "followup") == 0 ||
	    strcmp(kind, "registration-request") == 0;
}

void
outbound_attachment_free(gpointer p)
{
	struct outbound_attachment *a = p;

	g_free(a->filename);
	g_free(a->content_type);
	g_bytes_unref(a->data);
	g_free(a);
}

static int
insert_row(const struct outbound *o, const char *kind, const char *case_id,
    int64_t vendor_id, const char *address, const char *fpr,
    const char *message_id, GBytes *body, int64_t now, char **error_r)
{
	int rc;

	if ((rc = outbox_enqueue(o->st, kind, case_id, vendor_id, address, fpr,
	    message_id, body, now, error_r)) != STORE_OK)
		return rc;
	if (case_id != NULL && vendor_id != 0 && counts_as_attempt(kind) &&
	    (rc = vcase_count_attempt(o->st, case_id, vendor_id, now,
	    error_r)) != STORE_OK)
		return rc;
	log_info("outbox queued kind=%s case=%s to=%s fpr=%s", kind,
	    case_id ? case_id : "-", address, fpr ? fpr : "-");
	return STORE_OK;
}

static GVariantDict *
vars_for(GVariant *vars, const char *handle, const char *vname,
    const char *address, const char *name)
{
	GVariantDict *d = g_variant_dict_new(vars);
	GVariantDict v, r;

	g_variant_dict_init(&v, NULL);
	g_variant_dict_insert(&v, "handle", "s", handle ? handle : "");
	g_variant_dict_insert(&v, "name", "s", vname ? vname : "");
	g_variant_dict_insert_value(d, "vendor", g_variant_dict_end(&v));
	g_variant_dict_init(&r, NULL);
	g_variant_dict_insert(&r, "address", "s", address);
	g_variant_dict_insert(&r, "name", "s", name ? name : vname ? vname :
	    address);
	g_variant_dict_insert_value(d, "recipient", g_variant_dict_end(&r));
	return d;
}

static int
refuse_recipient(const struct outbound *o, const char *kind,
    const char *case_id, const char *address, const char *why, int64_t now,
    char **error_r)
{
	char *detail = g_strdup_printf("kind=%s to=%s: %s", kind, address,
	    why);
	char *text;
	int rc;

	log_warnx("outbox refused kind=%s case=%s to=%s: %s", kind,
	    case_id ? case_id : "-", address, why);
	rc = event_add(o->st, case_id, now, o->actor ? o->actor : "outbound",
	    "no-usable-key", detail, o->cause, error_r);
	g_free(detail);
	if (rc != STORE_OK || strcmp(kind, "alert") == 0)
		return rc;
	text = g_strdup_printf("Nothing was sent to %s (%s notice%s%s): "
	    "%s.\nImport a usable key for this contact (vulturectl vendor "
	    "key) and send again.", address, kind, case_id ? " for " : "",
	    case_id ? case_id : "", why);
	rc = outbound_alert(o, case_id, "recipient without a usable key",
	    text, now, error_r);
	g_free(text);
	return rc;
}

int
outbound_to_address(const struct outbound *o, const char *kind,
    const char *case_id, int64_t vendor_id, const char *address,
    const char *name, const char *fpr, const char *lang, GVariant *vars,
    GPtrArray *attachments, const char *in_reply_to, int auto_replied,
    int64_t now, int *queued_r, char **error_r)
{
	struct compose_attachment *atts = NULL;
	struct compose_msg m;
	const char *rcpts[2] = { fpr, NULL };
	char *subject = NULL, *body = NULL, *msgid = NULL, *why = NULL;
	GVariantDict *d;
	GBytes *out = NULL;
	guint i;
	int rc;

	*queued_r = 0;
	if (fpr == NULL)
		return refuse_recipient(o, kind, case_id, address,
		    "no key pinned", now, error_r);
	/* compose_encrypted checks the recipient key (present, primary,
	 * usable) in the one key listing it needs anyway, and a refusal
	 * goes to refuse_recipient below: no separate check first (it cost
	 * a gpg process per message). */
	d = g_variant_dict_new(vars);
	if (!g_variant_dict_contains(d, "recipient")) {
		GVariantDict r;

		g_variant_dict_init(&r, NULL);
		g_variant_dict_insert(&r, "address", "s", address);
		g_variant_dict_insert(&r, "name", "s", name ? name : address);
		g_variant_dict_insert_value(d, "recipient",
		    g_variant_dict_end(&r));
	}
	if (notices_render(o->notices, kind, lang, case_id, o->conf->address,
	    d, &subject, &body, error_r) == -1)
		return STORE_ERR;
	memset(&m, 0, sizeof(m));
	m.from_addr = o->conf->address;
	m.from_name = "Vulture desk";
	m.to_addr = address;
	m.to_name = name;
	m.case_id = case_id;
	m.subject = subject;
	/* A Message-ID we cannot write back (spaces, no '@', 900 bytes)
	 * loses the threading, not the answer. */
	m.in_reply_to = compose_valid_msgid(in_reply_to) ? in_reply_to : NULL;
	m.date = now;
	m.timezone = o->conf->timezone;
	m.auto_replied = auto_replied;
	m.body = body;
	if (attachments != NULL && attachments->len > 0) {
		atts = g_new0(struct compose_attachment, attachments->len);
		for (i = 0; i < attachments->len; i++) {
			const struct outbound_attachment *a =
			    attachments->pdata[i];
			gsize len;

			atts[i].filename = a->filename;
			atts[i].content_type = a->content_type;
			atts[i].data = g_bytes_get_data(a->data, &len);
			atts[i].len = len;
		}
		m.attachments = atts;
		m.n_attachments = attachments->len;
	}
	m.recipient_fprs = rcpts;
	m.desk_fpr = o->desk_fpr;
	m.keys = o->keys;
	m.crypto = o->crypto;
	if (compose_encrypted(o->ctx, &m, &out, &msgid, &why) == -1) {
		rc = refuse_recipient(o, kind, case_id, address, why, now,
		    error_r);
		g_free(why);
		goto out;
	}
	rc = insert_row(o, kind, case_id, vendor_id, address, fpr, msgid, out,
	    now, error_r);
	if (rc == STORE_OK)
		*queued_r = 1;
out:
	if (body != NULL) {
		explicit_bzero(body, strlen(body));
		g_free(body);
	}
	g_free(subject);
	g_free(msgid);
	g_free(atts);
	if (out != NULL)
		g_bytes_unref(out);
	return rc;
}

int
outbound_to_vendor(const struct outbound *o, const char *kind,
    const char *case_id, const struct vendor *v, GVariant *vars,
    GPtrArray *attachments, const char *in_reply_to, int auto_replied,
    int64_t now, int *queued_r, char **error_r)
{
	guint i;
	int rc, q, any = 0;

	*queued_r = 0;
	for (i = 0; i < v->contacts->len; i++) {
		const struct contact *c = v->contacts->pdata[i];
		GVariantDict *d;
		GVariant *vv;

		if (c->fingerprint == NULL)
			continue;
		any = 1;
		d = vars_for(vars, v->handle, v->name, c->address, c->name);
		vv = g_variant_ref_sink(g_variant_dict_end(d));
		g_variant_dict_unref(d);
		rc = outbound_to_address(o, kind, case_id, v->id, c->address,
		    c->name, c->fingerprint, v->language, vv, attachments,
		    in_reply_to, auto_replied, now, &q, error_r);
		g_variant_unref(vv);
		if (rc != STORE_OK)
			return rc;
		*queued_r += q;
	}
	if (!any)
		return refuse_recipient(o, kind, case_id, v->handle,
		    "no contact of the vendor has a pinned key", now, error_r);
	return STORE_OK;
}

int
outbound_registration_request(const struct outbound *o, const char *case_id,
    const struct vendor *v, int64_t now, char **error_r)
{
	const struct contact *c = v->contacts->pdata[0];
	struct compose_msg m;
	char *subject = NULL, *body = NULL, *msgid = NULL, *why = NULL;
	GVariantDict *d;
	GVariant *base;
	GVariantDict cd;
	GBytes *out = NULL;
	int rc;

	/* Only the id: the registration request goes out in clear. */
	g_variant_dict_init(&cd, NULL);
	g_variant_dict_insert(&cd, "id", "s", case_id);
	d = g_variant_dict_new(NULL);
	g_variant_dict_insert_value(d, "case", g_variant_dict_end(&cd));
	base = g_variant_ref_sink(g_variant_dict_end(d));
	g_variant_dict_unref(d);
	d = vars_for(base, v->handle, v->name, c->address, c->name);
	g_variant_unref(base);
	if (notices_render(o->notices, "registration-request", v->language,
	    case_id, o->conf->address, d, &subject, &body, error_r) == -1)
		return STORE_ERR;
	memset(&m, 0, sizeof(m));
	m.from_addr = o->conf->address;
	m.from_name = "Vulture desk";
	m.to_addr = c->address;
	m.to_name = c->name;
	m.case_id = case_id;
	m.subject = subject;
	m.date = now;
	m.timezone = o->conf->timezone;
	m.body = body;
	m.desk_fpr = o->desk_fpr;
	m.keys = o->keys;
	m.crypto = o->crypto;
	if (compose_signed_clear(o->ctx, &m, &out, &msgid, &why) == -1) {
		*error_r = g_strdup_printf("registration request: %s", why);
		g_free(why);
		rc = STORE_ERR;
		goto out;
	}
	rc = insert_row(o, "registration-request", case_id, v->id, c->address,
	    NULL, msgid, out, now, error_r);
out:
	g_free(subject);
	g_free(body);
	g_free(msgid);
	if (out != NULL)
		g_bytes_unref(out);
	return rc;
}

char *
outbound_key_address(gpgme_ctx_t ctx, const char *fpr)
{
	gpgme_key_t key = NULL;
	gpgme_user_id_t uid;
	char *addr = NULL;

	if (vkeys_get(ctx, fpr, 0, &key) != 0)
		return NULL;
	for (uid = key->uids; uid != NULL && addr == NULL; uid = uid->next)
		if (uid->email != NULL && *uid->email != '\0' && !uid->revoked)
			addr = g_strdup(uid->email);
	gpgme_key_unref(key);
	return addr;
}

int
outbound_alert(const struct outbound *o, const char *case_id,
    const char *title, const char *text, int64_t now, char **error_r)
{
	char **c;
	int rc, q;

	for (c = o->conf->coordinators; c != NULL && *c != NULL; c++) {
		char *addr = outbound_key_address(o->ctx, *c);
		GVariantDict *d = g_variant_dict_new(NULL), a, cs;
		GVariant *v;

		if (addr == NULL) {
			/* Recorded where vulturectl shows it, not only in
			 * the log: the alert is lost for this coordinator. */
			char *detail = g_strdup_printf("kind=alert to "
			    "coordinator %s: key not in the key ring (or no "
			    "address on it): %s: %s", *c, title, text);

			log_warnx("alert not sent: coordinator key %s not in "
			    "the key ring", *c);
			g_variant_dict_unref(d);
			rc = event_add(o->st, case_id, now, o->actor ?
			    o->actor : "outbound", "no-usable-key", detail,
			    o->cause, error_r);
			g_free(detail);
			if (rc != STORE_OK)
				return rc;
			continue;
		}
		g_variant_dict_init(&a, NULL);
		g_variant_dict_insert(&a, "title", "s", title);
		g_variant_dict_insert(&a, "text", "s", text);
		g_variant_dict_insert_value(d, "alert", g_variant_dict_end(&a));
		g_variant_dict_init(&cs, NULL);
		if (case_id != NULL)
			g_variant_dict_insert(&cs, "id", "s", case_id);
		g_variant_dict_insert_value(d, "case", g_variant_dict_end(&cs));
		v = g_variant_ref_sink(g_variant_dict_end(d));
		g_variant_dict_unref(d);
		rc = outbound_to_address(o, "alert", case_id, 0, addr, NULL,
		    *c, "en", v, NULL, NULL, 0, now, &q, error_r);
		g_variant_unref(v);
		g_free(addr);
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}

GVariantDict *
outbound_case_vars(const struct outbound *o, const char *case_id,
    char **error_r)
{
	struct vcase *c = NULL;
	GVariantDict *d, cd;
	char *pub, *t0;

	if (vcase_get(o->st, case_id, &c, error_r) != STORE_OK)
		return NULL;
	pub = vtime_format(c->publication, o->conf->tz);
	t0 = vtime_format(c->t0, o->conf->tz);
	g_variant_dict_init(&cd, NULL);
	g_variant_dict_insert(&cd, "id", "s", c->id);
	g_variant_dict_insert(&cd, "title", "s", c->title);
	g_variant_dict_insert(&cd, "summary", "s", c->summary ? c->summary :
	    "");
	g_variant_dict_insert(&cd, "detail", "s", c->detail ? c->detail : "");
	g_variant_dict_insert(&cd, "publication", "s", pub);
	g_variant_dict_insert(&cd, "t0", "s", t0);
	g_variant_dict_insert(&cd, "state", "s", c->state);
	if (c->published_at != 0) {
		char *p = vtime_format(c->published_at, o->conf->tz);

		g_variant_dict_insert(&cd, "published_at", "s", p);
		g_free(p);
	}
	d = g_variant_dict_new(NULL);
	g_variant_dict_insert_value(d, "case", g_variant_dict_end(&cd));
	g_free(pub);
	g_free(t0);
	vcase_free(&c);
	return d;
}

static void
add_attachment(void *arg, const char *filename, const char *content_type,
    const void *data, size_t len)
{
	struct outbound_attachment *a = g_new0(struct outbound_attachment, 1);

	a->filename = g_strdup(filename);
	a->content_type = g_strdup(content_type);
	a->data = g_bytes_new(data, len);
	g_ptr_array_add(arg, a);
}

int
outbound_case_attachments(const struct outbound *o, const char *case_id,
    GPtrArray **list_r, char **error_r)
{
	GPtrArray *l = g_ptr_array_new_with_free_func(outbound_attachment_free);
	int rc;

	*list_r = NULL;
	if ((rc = vcase_attachments_each(o->st, case_id, add_attachment, l,
	    error_r)) != STORE_OK) {
		g_ptr_array_unref(l);
		return rc;
	}
	*list_r = l;
	return STORE_OK;
}

int
outbound_announce(const struct outbound *o, const char *case_id,
    const char *subject, const char *body, int64_t now, char **error_r)
{
	struct compose_msg m;
	char *msgid = NULL, *why = NULL;
	GBytes *out = NULL;
	int rc;

	/* After publication the announcement is public: signed, in clear. */
	memset(&m, 0, sizeof(m));
	m.from_addr = o->conf->address;
	m.from_name = "Vulture desk";
	m.to_addr = o->conf->announce_address;
	m.case_id = case_id;
	m.subject = subject;
	m.date = now;
	m.timezone = o->conf->timezone;
	m.body = body;
	m.desk_fpr = o->desk_fpr;
	m.keys = o->keys;
	m.crypto = o->crypto;
	if (compose_signed_clear(o->ctx, &m, &out, &msgid, &why) == -1) {
		*error_r = g_strdup_printf("announcement: %s", why);
		g_free(why);
		return STORE_ERR;
	}
	rc = insert_row(o, "announcement", case_id, 0,
	    o->conf->announce_address, NULL, msgid, out, now, error_r);
	g_free(msgid);
	g_bytes_unref(out);
	return rc;
}

int
outbound_clear(const struct outbound *o, const char *kind,
    const char *case_id, int64_t vendor_id, const char *address,
    const char *lang, GVariant *vars, int64_t now, char **error_r)
{
	struct compose_msg m;
	char *subject = NULL, *body = NULL, *msgid = NULL, *why = NULL;
	GVariantDict *d = g_variant_dict_new(vars);
	GBytes *out = NULL;
	int rc;

	if (notices_render(o->notices, kind, lang, case_id, o->conf->address,
	    d, &subject, &body, error_r) == -1)
		return STORE_ERR;
	memset(&m, 0, sizeof(m));
	m.from_addr = o->conf->address;
	m.from_name = "Vulture desk";
	m.to_addr = address;
	m.case_id = case_id;
	m.subject = subject;
	m.date = now;
	m.timezone = o->conf->timezone;
	m.body = body;
	m.desk_fpr = o->desk_fpr;
	m.keys = o->keys;
	m.crypto = o->crypto;
	if (compose_signed_clear(o->ctx, &m, &out, &msgid, &why) == -1) {
		*error_r = g_strdup_printf("%s: %s", kind, why);
		g_free(why);
		rc = STORE_ERR;
		goto out;
	}
	rc = insert_row(o, kind, case_id, vendor_id, address, NULL, msgid, out,
	    now, error_r);
out:
	g_free(subject);
	g_free(body);
	g_free(msgid);
	if (out != NULL)
		g_bytes_unref(out);
	return rc;
}

static int
alert_cb(void *arg, const char *case_id, const char *title, const char *text,
    int64_t now, char **error_r)
{
	return outbound_alert(arg, case_id, title, text, now, error_r);
}

struct outbox_alerter
outbound_alerter(const struct outbound *o)
{
	struct outbox_alerter a = { alert_cb, (void *)o };

	return a;
}
