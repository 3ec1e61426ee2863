/*
 * inbound_keys.c: keys that arrive by mail. A registration request, an
 * invited organisation's key and a vendor's key change each become a
 * proposal a coordinator confirms; nothing here pins a key.
 */
#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/form.h"
#include "vulture/keys.h"
#include "vulture/inbound.h"
#include "vulture/ops.h"
#include "vulture/vendor.h"
#include "vulture/vtime.h"

#include "inbound_p.h"

/* The one application/pgp-keys attachment, or NULL. */
const struct vdec_attachment *
inbound_key_attachment(const struct vdec_result *r)
{
	return route_key_attachment(r);
}

void
inbound_key_free(struct inbound_key **kp)
{
	if (kp == NULL || *kp == NULL)
		return;
	vkey_examined_clear(&(*kp)->ex);
	g_free((*kp)->why);
	g_free(*kp);
	*kp = NULL;
}

struct inbound_key *
inbound_examine_attached(const struct inbound_env *env,
    const struct vdec_attachment *a)
{
	struct inbound_key *k = g_new0(struct inbound_key, 1);
	gsize len;
	const void *data = g_bytes_get_data(a->data, &len);

	if (vkeys_examine_keep(env->ctx, NULL, data, len, &k->ex, &k->why) ==
	    -1 && k->why == NULL)
		k->why = g_strdup("refused");
	return k;
}

int
inbound_import_key(const struct inbound_env *env,
    const struct inbound_decision *d, const struct vdec_result *r,
    struct vkey_info *info, char **why_r)
{
	const struct vdec_attachment *a;
	gsize len;
	const void *data;

	if (d->key != NULL && d->key->ex.clean != NULL)
		return vkeys_import_examined(env->ctx, &d->key->ex, info,
		    why_r);
	memset(info, 0, sizeof(*info));
	if ((a = inbound_key_attachment(r)) == NULL) {
		*why_r = g_strdup("no key attached");
		return -1;
	}
	data = g_bytes_get_data(a->data, &len);
	return vkeys_import(env->ctx, data, len, info, why_r);
}

void
inbound_examine_key_change(const struct inbound_env *env,
    const struct vdec_result *r, struct inbound_decision *d)
{
	const struct vdec_attachment *a = inbound_key_attachment(r);

	if (a == NULL || d->key != NULL)
		return;
	d->key = inbound_examine_attached(env, a);
	d->key_free = inbound_key_free;
}

/* 1 if address is the desk's or a coordinator's own (their keys' user
 * ids): nobody registers as them. */
static int
is_desk_address(const struct inbound_env *env, const char *address)
{
	char **c;
	int found = g_ascii_strcasecmp(address, env->conf->address) == 0;

	for (c = env->conf->coordinators; !found && c != NULL && *c != NULL;
	    c++) {
		char *a = outbound_key_address(env->ctx, *c);

		found = a != NULL && g_ascii_strcasecmp(a, address) == 0;
		g_free(a);
	}
	return found;
}

/* An invited organisation (secondary sharing) wrote in with its key: a
 * proposal; registered at once only if that very key was vouched for by
 * the inviting vendor or confirmed ahead by a coordinator (rule 9). */
static int
share_key_arrived(const struct inbound_env *env, struct inbound_decision *d,
    const struct vdec_result *r, int64_t rel, const char *case_id,
    const char *org, const char *vouched, int64_t now, char **error_r)
{
	struct store *st = env->st;
	struct outbound o = *env->out;
	GString *res = g_string_new(NULL);
	char *ev, *text;
	int64_t pid;
	int rc;

	o.actor = "intake";
	o.cause = r->message_id;
	if ((rc = vendor_related_set_proposed(st, rel, d->contact_fpr,
	    error_r)) != STORE_OK ||
	    (rc = vendor_proposal_add(st, 0, rel, r->from_addr,
	    d->contact_fpr, now, &pid, error_r)) != STORE_OK) {
		g_string_free(res, TRUE);
		return rc;
	}
	d->case_id = g_strdup(case_id);
	ev = g_strdup_printf("related=%lld organisation=%s address=%s key=%s",
	    (long long)rel, org, r->from_addr, d->contact_fpr);
	rc = event_add(st, case_id, now, "intake", "share-key-proposed", ev,
	    r->message_id, error_r);
	g_free(ev);
	if (rc != STORE_OK) {
		g_string_free(res, TRUE);
		return rc;
	}
	if (vouched != NULL && strcmp(vouched, d->contact_fpr) == 0) {
		d->kind = "share-registration";
		rc = ops_share_register(&o, rel, now, res, error_r);
		if (rc == STORE_OK)
			d->vendor = NULL;
		g_string_free(res, TRUE);
		return rc;
	}
	d->kind = "share-key-proposed";
	text = g_strdup_printf("%s <%s>, invited to case %s (share request "
	    "%lld), sent the key %s. Nothing about the case goes to it until "
	    "the key is confirmed: check the fingerprint with the "
	    "organisation (or the vendor that invited it) out of band, then: "
	    "case %s share confirm %lld %s -- or the inviting vendor vouches "
	    "for it with 'Share-Key: %s' in a signed reply.%s%s", org,
	    r->from_addr, case_id, (long long)rel, d->contact_fpr, case_id,
	    (long long)rel, d->contact_fpr, d->contact_fpr, vouched ?
	    " Note: the key vouched for or confirmed before was " : "",
	    vouched ? vouched : "");
	rc = outbound_alert(env->out, case_id, "invited organisation's key",
	    text, now, error_r);
	g_free(text);
	g_string_free(res, TRUE);
	return rc;
}

/*
 * A registration request: the attached key (examined, imported, the
 * request signed by it) becomes a proposal -- never pinned by itself
 * (rule 8). A new organisation becomes a pending vendor; an existing
 * record's address (unregistered vendor, a contact sending a new key)
 * gets a proposal for its vendor; the coordinators are told the
 * fingerprint to check and the command that confirms it.
 */
int
inbound_apply_registration(const struct inbound_env *env,
    struct inbound_decision *d, const struct vdec_result *r, int64_t now,
    char **error_r)
{
	struct store *st = env->st;
	struct regform f;
	struct vendor *v = NULL;
	GPtrArray *kw = NULL;
	struct vendor_related *inv = NULL;
	char *handle = NULL, *text, *err = NULL, *old = NULL;
	const char *what;
	int64_t pid = 0;
	int rc, fresh = 0;

	regform_parse(r->text, &f);
	if (r->from_addr == NULL || !vconf_valid_address(r->from_addr)) {
		d->action = INBOUND_QUARANTINE;
		d->kind = "bad-registration";
		rc = STORE_OK;
		goto out;
	}
	if (env->out == NULL) {
		*error_r = g_strdup("registration needs the outbound setup");
		rc = STORE_TEMP;
		goto out;
	}
	if (is_desk_address(env, r->from_addr)) {
		/* A look-alike of the desk or a coordinator. */
		d->action = INBOUND_QUARANTINE;
		d->kind = "registration-conflict";
		g_free(d->reason);
		d->reason = g_strdup_printf("a registration request from %s, "
		    "which is the desk's or a coordinator's address, with key "
		    "%s: refused", r->from_addr, d->contact_fpr);
		rc = outbound_alert(env->out, NULL, "registration conflict",
		    d->reason, now, error_r);
		goto out;
	}
	kw = vendor_parse_keywords(f.keywords ? f.keywords : "", &err);
	if (kw == NULL) {
		g_free(err);
		err = NULL;
		kw = g_ptr_array_new_with_free_func(g_free);
	}
	/* An organisation a coordinator invited (secondary sharing). */
	rc = vendor_related_by_address(st, r->from_addr, "approved", &inv,
	    &err);
	if (rc == STORE_OK) {
		rc = share_key_arrived(env, d, r, inv->id, inv->case_id,
		    inv->organisation, inv->vouched_fpr, now, error_r);
		goto out;
	}
	if (rc != STORE_NOTFOUND) {
		*error_r = err;
		err = NULL;
		goto out;
	}
	g_free(err);
	err = NULL;
	/* A vendor we know at this address: unregistered, or a contact
	 * sending a new key (or someone claiming to be one). */
	rc = vendor_by_address(st, r->from_addr, &handle, &old, &err);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		*error_r = err;
		err = NULL;
		goto out;
	}
	g_free(err);
	err = NULL;
	if (handle == NULL) {
		if ((handle = vendor_new_handle(st, f.organisation,
		    r->from_addr)) == NULL) {
			*error_r = g_strdup("no free vendor handle");
			rc = STORE_ERR;
			goto out;
		}
		if ((rc = vendor_add(st, handle, f.organisation, "general",
		    "pending", "en", r->from_addr, f.contact, f.phone, kw, now,
		    error_r)) != STORE_OK)
			goto out;
		fresh = 1;
	}
	if ((rc = vendor_get(st, handle, &v, error_r)) != STORE_OK)
		goto out;
	if (strcmp(v->state, "unregistered") == 0 &&
	    (rc = vendor_set_state(st, v, "pending", now, error_r)) != STORE_OK)
		goto out;
	if (kw->len > 0 && v->keywords->len == 0 &&
	    (rc = vendor_set_keywords(st, v, kw, now, error_r)) != STORE_OK)
		goto out;
	if ((rc = vendor_proposal_add(st, v->id, 0, r->from_addr,
	    d->contact_fpr, now, &pid, error_r)) != STORE_OK)
		goto out;
	d->vendor = g_strdup(handle);
	d->vendor_id = v->id;
	if (f.case_id != NULL)
		d->case_id = inbound_find_id(env->conf, f.case_id);
	if (old != NULL && strcmp(old, d->contact_fpr) == 0) {
		/* The pinned key itself: nothing to propose. */
		d->kind = "registration";
		goto out;
	}
	what = fresh ? "registration-request" : old != NULL ? "key-proposed" :
	    "registration-request";
	d->kind = old != NULL ? "key-proposal" : "registration";
	text = g_strdup_printf("vendor=%s organisation=%s contact=%s key=%s "
	    "proposal=%lld%s%s", handle, f.organisation, r->from_addr,
	    d->contact_fpr, (long long)pid, old ? " pinned=" : "", old ? old :
	    "");
	rc = event_add(st, NULL, now, handle, what, text, r->message_id,
	    error_r);
	g_free(text);
	if (rc != STORE_OK)
		goto out;
	if (old != NULL)
		text = g_strdup_printf("%s <%s> sent the key %s for vendor '%s' "
		    "(%s), whose contact at that address has the key %s pinned. "
		    "Nothing was changed: a key by mail is a proposal, and "
		    "anyone can write that From. If %s really changed its key, "
		    "check the new fingerprint with them out of band, then: "
		    "vendor key %s confirm %s", f.organisation, r->from_addr,
		    d->contact_fpr, handle, v->state, old, handle, handle,
		    d->contact_fpr);
	else
		text = g_strdup_printf("%s <%s> asks to register as a vendor%s"
		    "%s, with key %s (signed by that key). It is the pending "
		    "vendor '%s' and learns nothing about any case until you "
		    "confirm. Check the organisation and the fingerprint out of "
		    "band, then: vendor key %s confirm %s, and vendor approve "
		    "%s", f.organisation, r->from_addr, d->case_id ?
		    " for case " : "", d->case_id ? d->case_id : "",
		    d->contact_fpr, handle, handle, d->contact_fpr, handle);
	rc = outbound_alert(env->out, d->case_id, old != NULL ?
	    "key change proposed" : "registration request", text, now,
	    error_r);
	g_free(text);
out:
	if (kw != NULL)
		g_ptr_array_unref(kw);
	vendor_related_free(&inv);
	vendor_free(&v);
	g_free(handle);
	g_free(old);
	regform_clear(&f);
	return rc;
}

/*
 * A registered vendor's contact sent a key, signed by its pinned key:
 * examined, then kept as a proposal with the key itself, imported and
 * pinned only when a coordinator confirms it (vendor key H confirm FPR).
 */
int
inbound_apply_key_change(const struct inbound_env *env,
    struct inbound_decision *d, const struct vdec_result *r, int64_t now,
    char **error_r)
{
	const struct vdec_attachment *a = inbound_key_attachment(r);
	const struct vkey_info *info;
	GString *news = g_string_new(NULL);
	const void *data;
	char *text, *exp;
	int64_t pid = 0;
	gsize len;
	guint i;
	int rc, same;

	if (env->out == NULL || a == NULL || d->contact == NULL) {
		g_string_free(news, TRUE);
		*error_r = g_strdup("key change needs the outbound setup");
		return STORE_TEMP;
	}
	if (d->key == NULL) {
		/* Examined by inbound_prepare, never here: gpg must not run
		 * while the write transaction holds the database. */
		g_string_free(news, TRUE);
		*error_r = g_strdup("key change: the key was not examined "
		    "before the transaction");
		return STORE_TEMP;
	}
	data = g_bytes_get_data(a->data, &len);
	if (d->key->why != NULL) {
		d->action = INBOUND_QUARANTINE;
		d->kind = "bad-key";
		g_free(d->reason);
		d->reason = g_strdup_printf("the attached key is refused: %s",
		    d->key->why);
		g_string_free(news, TRUE);
		text = g_strdup_printf("vendor=%s %s", d->vendor, d->reason);
		rc = event_add(env->st, NULL, now, d->vendor, "quarantined",
		    text, r->message_id, error_r);
		g_free(text);
		return rc;
	}
	info = &d->key->ex.info;
	same = d->contact_fpr != NULL && strcmp(info->fpr, d->contact_fpr) == 0;
	for (i = 0; info->new_subkeys != NULL && i < info->new_subkeys->len;
	    i++)
		g_string_append_printf(news, "%s%s", i ? "," : "",
		    (char *)info->new_subkeys->pdata[i]);
	exp = info->expires != 0 ? vtime_format(info->expires, env->conf->tz) :
	    g_strdup("never");
	if ((rc = vendor_proposal_add(env->st, d->vendor_id, 0, d->contact,
	    info->fpr, now, &pid, error_r)) != STORE_OK ||
	    (rc = vendor_proposal_set_key(env->st, pid, data, len, error_r)) !=
	    STORE_OK)
		goto out;
	text = g_strdup_printf("vendor=%s contact=%s key=%s pinned=%s "
	    "proposal=%lld expires=%s%s%s", d->vendor, d->contact, info->fpr,
	    d->contact_fpr ? d->contact_fpr : "-", (long long)pid, exp,
	    news->len ? " new_subkeys=" : "", news->str);
	rc = event_add(env->st, NULL, now, d->vendor, "key-proposed", text,
	    r->message_id, error_r);
	g_free(text);
	if (rc != STORE_OK)
		goto out;
	if (same)
		text = g_strdup_printf("%s <%s> sent an update of its pinned key "
		    "%s, signed by that key (%s%s; expires %s). Nothing was "
		    "changed: if the update is expected, check it with them, "
		    "then: vendor key %s confirm %s", d->vendor, d->contact,
		    info->fpr, news->len ? "new subkeys " : "no new subkey",
		    news->str, exp, d->vendor, info->fpr);
	else
		text = g_strdup_printf("%s <%s> proposes the new key %s (expires "
		    "%s), in a message signed by its pinned key %s. Nothing was "
		    "changed: check the new fingerprint with them out of band, "
		    "then: vendor key %s confirm %s", d->vendor, d->contact,
		    info->fpr, exp, d->contact_fpr ? d->contact_fpr : "?",
		    d->vendor, info->fpr);
	rc = outbound_alert(env->out, NULL, "key change proposed", text, now,
	    error_r);
	g_free(text);
out:
	g_free(exp);
	g_string_free(news, TRUE);
	return rc;
}
