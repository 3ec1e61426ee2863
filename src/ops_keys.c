/* Keys that arrive by mail are proposals (vulture(7), rule 8): recorded
 * here, pinned only when a coordinator confirms the fingerprint -- or, for
 * an invited organisation, when the inviting vendor vouches for it in a
 * signed reply. Shared by vulturectl, coordinator mail and the intake; each
 * runs in the caller's transaction and writes its event. */
#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/keys.h"
#include "vulture/ops.h"

#define FAIL(...) do { *error_r = g_strdup_printf(__VA_ARGS__); \
	rc = STORE_ERR; goto out; } while (0)

static const char *
actor(const struct outbound *o)
{
	return o->actor != NULL ? o->actor : "vulture";
}

/* Expiry of the key fpr in the desk's keyring, which must be usable;
 * STORE_ERR with the reason otherwise. */
static int
key_usable(const struct outbound *o, const char *fpr, int64_t *expires_r,
    char **error_r)
{
	gpgme_key_t key = NULL;
	gpgme_subkey_t sk;
	int enc = 0;

	if (vkeys_get(o->ctx, fpr, 0, &key) != 0) {
		*error_r = g_strdup_printf("key %s is not in the desk's "
		    "keyring", fpr);
		return STORE_ERR;
	}
	for (sk = key->subkeys; sk != NULL; sk = sk->next)
		if (sk->can_encrypt && !sk->revoked && !sk->expired &&
		    !sk->disabled && !sk->invalid)
			enc = 1;
	*expires_r = key->subkeys->expires;
	if (key->revoked || key->expired || key->disabled || key->invalid ||
	    !enc) {
		*error_r = g_strdup_printf("key %s is revoked, expired or has "
		    "no usable encryption subkey", fpr);
		gpgme_key_unref(key);
		return STORE_ERR;
	}
	gpgme_key_unref(key);
	return STORE_OK;
}

int
ops_vendor_key_confirm(const struct outbound *o, const char *handle,
    const char *fpr, int64_t now, GString *out, char **error_r)
{
	struct vendor *v = NULL;
	struct contact *ct = NULL;
	char *address = NULL, *old = NULL, *ev;
	GBytes *key = NULL;
	int64_t pid = 0, expires = 0;
	guint i;
	int rc;

	if ((rc = vendor_get(o->st, handle, &v, error_r)) != STORE_OK)
		return rc;
	rc = vendor_proposal_open(o->st, v->id, fpr, &pid, &address, &key,
	    error_r);
	if (rc == STORE_NOTFOUND) {
		g_free(*error_r);
		FAIL("no key %s is proposed for %s ('vulturectl vendor "
		    "pending' lists the proposals)", fpr, handle);
	}
	if (rc != STORE_OK)
		goto out;
	if (key != NULL) {
		/* A key change kept as sent: into the ring only now,
		 * examined again against what the ring holds today. */
		struct vkey_info info;
		gsize klen;
		const void *kd = g_bytes_get_data(key, &klen);

		if (vkeys_import(o->ctx, kd, klen, &info, error_r) == -1) {
			rc = STORE_ERR;
			goto out;
		}
		if (strcmp(info.fpr, fpr) != 0) {
			vkey_info_clear(&info);
			FAIL("the proposed key is %s, not %s", info.fpr, fpr);
		}
		vkey_info_clear(&info);
	}
	if ((rc = key_usable(o, fpr, &expires, error_r)) != STORE_OK)
		goto out;
	for (i = 0; i < v->contacts->len; i++)
		if (g_ascii_strcasecmp(((struct contact *)
		    v->contacts->pdata[i])->address, address) == 0)
			ct = v->contacts->pdata[i];
	if (ct == NULL) {
		if ((rc = vendor_add_contact(o->st, v, address, NULL, NULL,
		    error_r)) != STORE_OK)
			goto out;
		vendor_free(&v);
		if ((rc = vendor_get(o->st, handle, &v, error_r)) != STORE_OK)
			goto out;
		for (i = 0; i < v->contacts->len; i++)
			if (g_ascii_strcasecmp(((struct contact *)
			    v->contacts->pdata[i])->address, address) == 0)
				ct = v->contacts->pdata[i];
		if (ct == NULL)
			FAIL("contact %s of %s vanished", address, handle);
	}
	old = g_strdup(ct->fingerprint);
	if ((rc = vendor_pin_key(o->st, ct, fpr, expires, error_r)) !=
	    STORE_OK || (rc = vendor_proposal_decide(o->st, pid, "confirmed",
	    now, actor(o), error_r)) != STORE_OK)
		goto out;
	ev = g_strdup_printf("vendor=%s contact=%s fpr=%s proposal=%lld%s%s",
	    handle, address, fpr, (long long)pid, old && strcmp(old, fpr) ?
	    " replaces=" : "", old && strcmp(old, fpr) ? old : "");
	rc = event_add(o->st, NULL, now, actor(o), "vendor-key-confirmed", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc == STORE_OK)
		g_string_append_printf(out, "key %s confirmed and pinned for %s "
		    "<%s>%s\n", fpr, handle, address, strcmp(v->state,
		    "pending") == 0 ? " (still pending: 'vendor approve' "
		    "next)" : "");
out:
	if (key != NULL)
		g_bytes_unref(key);
	g_free(address);
	g_free(old);
	vendor_free(&v);
	return rc;
}

/* An invited organisation (related_orgs row rel), with its key proposed
 * and confirmed or vouched for: registered for that case only, and the
 * detail follows. */
int
ops_share_register(const struct outbound *o, int64_t rel, int64_t now,
    GString *out, char **error_r)
{
	struct store *st = o->st;
	struct vendor *v = NULL;
	struct vendor_related *r = NULL;
	GPtrArray *kw = g_ptr_array_new_with_free_func(g_free);
	GString *res = g_string_new(NULL);
	const char *case_id, *org, *address, *fpr;
	char *handle = NULL, *ev, *derr = NULL;
	int64_t expires = 0;
	int rc;

	rc = vendor_related_get(st, rel, &r, error_r);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    strcmp(r->state, "approved") != 0)) {
		if (rc == STORE_NOTFOUND)
			g_free(*error_r);
		FAIL("no invited organisation %lld awaiting registration",
		    (long long)rel);
	}
	if (rc != STORE_OK)
		goto out;
	case_id = r->case_id;
	org = r->organisation;
	address = r->address;
	fpr = r->proposed_fpr;
	if (fpr == NULL)
		FAIL("no key has arrived from %s <%s> yet", org, address);
	if ((rc = key_usable(o, fpr, &expires, error_r)) != STORE_OK)
		goto out;
	if ((handle = vendor_new_handle(st, org, address)) == NULL)
		FAIL("no free vendor handle for %s", org);
	/* Individual: no multi-vendor case reaches it without a coordinator
	 * naming it. */
	if ((rc = vendor_add(st, handle, org, "individual", "registered", "en",
	    address, r->contact, r->phone, kw, now, error_r)) != STORE_OK ||
	    (rc = vendor_get(st, handle, &v, error_r)) != STORE_OK ||
	    (rc = vendor_pin_key(st, v->contacts->pdata[0], fpr, expires,
	    error_r)) != STORE_OK ||
	    (rc = vcase_add_participant(st, case_id, v->id, now, error_r)) !=
	    STORE_OK)
		goto out;
	/* Invited for the detail: as if it had asked. */
	if ((rc = vcase_transition(st, case_id, v->id, PEV_DETAIL_REQUESTED,
	    NULL, NULL, error_r)) != STORE_OK)
		goto out;
	if ((rc = vendor_related_set_state(st, rel, "registered", fpr,
	    error_r)) != STORE_OK ||
	    (rc = vendor_proposal_decide_related(st, rel, fpr, "confirmed",
	    now, actor(o), error_r)) != STORE_OK)
		goto out;
	ev = g_strdup_printf("vendor=%s organisation=%s related=%lld key=%s",
	    handle, org, (long long)rel, fpr);
	rc = event_add(st, case_id, now, actor(o), "share-registered", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc != STORE_OK)
		goto out;
	g_string_append_printf(out, "%s <%s> registered as %s for %s with key "
	    "%s\n", org, address, handle, case_id, fpr);
	rc = ops_disclose(o, case_id, handle, now, res, &derr);
	if (rc == STORE_ERR) {
		/* No detail yet: it waits, as for any vendor that asked. */
		g_string_append_printf(out, "detail waits: %s\n", derr);
		rc = event_add(st, case_id, now, actor(o), "detail-waiting",
		    derr, o->cause, error_r);
		g_free(derr);
	} else if (rc != STORE_OK)
		*error_r = derr;
	else
		g_string_append(out, res->str);
out:
	g_ptr_array_unref(kw);
	g_string_free(res, TRUE);
	vendor_free(&v);
	vendor_related_free(&r);
	g_free(handle);
	return rc;
}

int
ops_share_confirm(const struct outbound *o, const char *case_id,
    unsigned number, const char *fpr, int64_t now, GString *out,
    char **error_r)
{
	struct vendor_related *r = NULL;
	const char *state, *proposed, *org;
	char *ev;
	int rc;

	rc = vendor_related_get(o->st, number, &r, error_r);
	if (rc == STORE_NOTFOUND || (rc == STORE_OK &&
	    (strcmp(r->case_id, case_id) != 0 || strcmp(r->case_state,
	    "open") != 0))) {
		if (rc == STORE_NOTFOUND)
			g_free(*error_r);
		FAIL("no share request %u in open case %s", number, case_id);
	}
	if (rc != STORE_OK)
		goto out;
	state = r->state;
	proposed = r->proposed_fpr;
	org = r->organisation;
	if (strcmp(state, "approved") != 0)
		FAIL("share request %u is %s, not an invitation awaiting its "
		    "key", number, state);
	if (proposed != NULL && strcmp(proposed, fpr) != 0)
		FAIL("the key that arrived from %s is %s, not %s: nothing "
		    "confirmed", org, proposed, fpr);
	if (proposed == NULL) {
		/* Confirmed ahead: it registers when that very key comes. */
		if ((rc = vendor_related_set_vouched(o->st, number, fpr,
		    error_r)) != STORE_OK)
			goto out;
		ev = g_strdup_printf("request=%u organisation=%s key=%s "
		    "(before it arrived)", number, org, fpr);
		rc = event_add(o->st, case_id, now, actor(o), "share-key-"
		    "confirmed", ev, o->cause, error_r);
		g_free(ev);
		if (rc == STORE_OK)
			g_string_append_printf(out, "share %u: %s will be "
			    "registered when key %s arrives\n", number, org,
			    fpr);
		goto out;
	}
	ev = g_strdup_printf("request=%u organisation=%s key=%s", number, org,
	    fpr);
	rc = event_add(o->st, case_id, now, actor(o), "share-key-confirmed", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc == STORE_OK)
		rc = ops_share_register(o, number, now, out, error_r);
out:
	vendor_related_free(&r);
	return rc;
}

int
ops_share_vouch(const struct outbound *o, const char *case_id,
    int64_t vendor_id, const char *fpr, int64_t now, GString *out,
    char **error_r)
{
	GPtrArray *invited = NULL;
	int64_t match = 0, open_id = 0;
	unsigned n_open = 0;
	guint i;
	char *ev;
	int rc;

	if ((rc = vendor_related_list(o->st, case_id, vendor_id, "approved",
	    &invited, error_r)) != STORE_OK) {
		g_ptr_array_unref(invited);
		return rc;
	}
	for (i = 0; i < invited->len; i++) {
		const struct vendor_related *r = invited->pdata[i];

		if (r->proposed_fpr != NULL && strcmp(r->proposed_fpr, fpr) ==
		    0)
			match = r->id;
		else {
			open_id = r->id;
			n_open++;
		}
	}
	g_ptr_array_unref(invited);
	if (match == 0 && n_open != 1) {
		*error_r = g_strdup_printf("Share-Key %s: %s", fpr, n_open == 0 ?
		    "no organisation you invited to this case awaits a key" :
		    "several organisations you invited await a key and none "
		    "sent this one yet; wait for their key, then vouch again");
		return STORE_ERR;
	}
	ev = g_strdup_printf("related=%lld key=%s vouched", (long long)(match ?
	    match : open_id), fpr);
	rc = event_add(o->st, case_id, now, actor(o), "share-key-vouched", ev,
	    o->cause, error_r);
	g_free(ev);
	if (rc != STORE_OK)
		return rc;
	if (match != 0)
		return ops_share_register(o, match, now, out, error_r);
	if ((rc = vendor_related_set_vouched(o->st, open_id, fpr, error_r)) ==
	    STORE_OK)
		g_string_append_printf(out, "share key %s vouched for; the "
		    "organisation is registered when that key arrives\n", fpr);
	return rc;
}
