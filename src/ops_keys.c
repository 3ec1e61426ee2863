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
ops_key_propose(const struct outbound *o, int64_t vendor_id,
    int64_t related_id, const char *address, const char *fpr, int64_t now,
    int64_t *id_r, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	*id_r = 0;
	/* The same key offered again is the same proposal. */
	s = store_stmt(o->st, "SELECT id FROM key_proposals WHERE fingerprint "
	    "= ? AND state = 'proposed' AND vendor_id IS ? AND related_id IS ? "
	    "AND lower(address) = lower(?)");
	if (s == NULL)
		return store_error(o->st, "key proposal", error_r);
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	if (vendor_id != 0)
		sqlite3_bind_int64(s, 2, vendor_id);
	if (related_id != 0)
		sqlite3_bind_int64(s, 3, related_id);
	sqlite3_bind_text(s, 4, address, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW)
		*id_r = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (*id_r != 0)
		return STORE_OK;
	s = store_stmt(o->st, "INSERT INTO key_proposals (vendor_id, "
	    "related_id, address, fingerprint, created) VALUES (?, ?, ?, ?, "
	    "?)");
	if (s == NULL)
		return store_error(o->st, "key proposal", error_r);
	if (vendor_id != 0)
		sqlite3_bind_int64(s, 1, vendor_id);
	if (related_id != 0)
		sqlite3_bind_int64(s, 2, related_id);
	sqlite3_bind_text(s, 3, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, now);
	if ((rc = store_exec_stmt(o->st, s, "key proposal", error_r)) !=
	    STORE_OK)
		return rc;
	*id_r = sqlite3_last_insert_rowid(store_db(o->st));
	return STORE_OK;
}

static int
proposal_decide(const struct outbound *o, int64_t id, const char *state,
    int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(o->st, "UPDATE key_proposals SET state = "
	    "?, decided = ?, decided_by = ? WHERE id = ?");

	if (s == NULL)
		return store_error(o->st, "key proposal", error_r);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, actor(o), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, id);
	return store_exec_stmt(o->st, s, "key proposal", error_r);
}

int
ops_vendor_key_confirm(const struct outbound *o, const char *handle,
    const char *fpr, int64_t now, GString *out, char **error_r)
{
	struct vendor *v = NULL;
	struct contact *ct = NULL;
	sqlite3_stmt *s;
	char *address = NULL, *old = NULL, *ev;
	GBytes *key = NULL;
	int64_t pid = 0, expires = 0;
	guint i;
	int rc;

	if ((rc = vendor_get(o->st, handle, &v, error_r)) != STORE_OK)
		return rc;
	s = store_stmt(o->st, "SELECT id, address, key FROM key_proposals "
	    "WHERE vendor_id = ? AND fingerprint = ? AND state = 'proposed' "
	    "ORDER BY id DESC LIMIT 1");
	if (s == NULL) {
		rc = store_error(o->st, "key proposal", error_r);
		goto out;
	}
	sqlite3_bind_int64(s, 1, v->id);
	sqlite3_bind_text(s, 2, fpr, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		pid = sqlite3_column_int64(s, 0);
		address = store_col_text(s, 1);
		if (sqlite3_column_type(s, 2) == SQLITE_BLOB)
			key = g_bytes_new(sqlite3_column_blob(s, 2),
			    (gsize)sqlite3_column_bytes(s, 2));
	}
	sqlite3_reset(s);
	if (pid == 0)
		FAIL("no key %s is proposed for %s ('vulturectl vendor "
		    "pending' lists the proposals)", fpr, handle);
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
	    STORE_OK || (rc = proposal_decide(o, pid, "confirmed", now,
	    error_r)) != STORE_OK)
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

int
ops_key_proposals(struct store *st, int64_t vendor_id, GPtrArray **list_r,
    char **error_r)
{
	sqlite3_stmt *s;

	*list_r = g_ptr_array_new_with_free_func(g_free);
	s = store_stmt(st, "SELECT p.id, COALESCE(v.handle, '-'), p.address, "
	    "p.fingerprint, p.created, COALESCE(r.case_id || ' share ' || "
	    "r.id, '') FROM key_proposals p LEFT JOIN vendors v ON v.id = "
	    "p.vendor_id LEFT JOIN related_orgs r ON r.id = p.related_id "
	    "WHERE p.state = 'proposed' AND (? = 0 OR p.vendor_id = ?) ORDER "
	    "BY p.id");
	if (s == NULL)
		return store_error(st, "key proposals", error_r);
	sqlite3_bind_int64(s, 1, vendor_id);
	sqlite3_bind_int64(s, 2, vendor_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct key_proposal *p = g_new0(struct key_proposal, 1);

		p->id = sqlite3_column_int64(s, 0);
		g_strlcpy(p->handle, (const char *)sqlite3_column_text(s, 1),
		    sizeof(p->handle));
		g_strlcpy(p->address, (const char *)sqlite3_column_text(s, 2),
		    sizeof(p->address));
		g_strlcpy(p->fpr, (const char *)sqlite3_column_text(s, 3),
		    sizeof(p->fpr));
		p->created = sqlite3_column_int64(s, 4);
		g_strlcpy(p->share, (const char *)sqlite3_column_text(s, 5),
		    sizeof(p->share));
		g_ptr_array_add(*list_r, p);
	}
	sqlite3_reset(s);
	return STORE_OK;
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
	sqlite3_stmt *s;
	GPtrArray *kw = g_ptr_array_new_with_free_func(g_free);
	GString *res = g_string_new(NULL);
	char *case_id = NULL, *org = NULL, *address = NULL, *contact = NULL;
	char *phone = NULL, *fpr = NULL, *handle = NULL, *ev, *derr = NULL;
	int64_t expires = 0;
	int rc;

	s = store_stmt(st, "SELECT case_id, organisation, address, contact, "
	    "phone, proposed_fpr FROM related_orgs WHERE id = ? AND state = "
	    "'approved'");
	if (s == NULL) {
		rc = store_error(st, "share", error_r);
		goto out;
	}
	sqlite3_bind_int64(s, 1, rel);
	if (sqlite3_step(s) == SQLITE_ROW) {
		case_id = store_col_text(s, 0);
		org = store_col_text(s, 1);
		address = store_col_text(s, 2);
		contact = store_col_text(s, 3);
		phone = store_col_text(s, 4);
		fpr = store_col_text(s, 5);
	}
	sqlite3_reset(s);
	if (case_id == NULL)
		FAIL("no invited organisation %lld awaiting registration",
		    (long long)rel);
	if (fpr == NULL)
		FAIL("no key has arrived from %s <%s> yet", org, address);
	if ((rc = key_usable(o, fpr, &expires, error_r)) != STORE_OK)
		goto out;
	if ((handle = vendor_new_handle(st, org, address)) == NULL)
		FAIL("no free vendor handle for %s", org);
	/* Individual: no multi-vendor case reaches it without a coordinator
	 * naming it. */
	if ((rc = vendor_add(st, handle, org, "individual", "registered", "en",
	    address, contact, phone, kw, now, error_r)) != STORE_OK ||
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
	s = store_stmt(st, "UPDATE related_orgs SET state = 'registered', "
	    "fingerprint = ? WHERE id = ?");
	if (s == NULL) {
		rc = store_error(st, "share", error_r);
		goto out;
	}
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, rel);
	if ((rc = store_exec_stmt(st, s, "share", error_r)) != STORE_OK)
		goto out;
	s = store_stmt(st, "UPDATE key_proposals SET state = 'confirmed', "
	    "decided = ?, decided_by = ? WHERE related_id = ? AND fingerprint "
	    "= ? AND state = 'proposed'");
	if (s == NULL) {
		rc = store_error(st, "share", error_r);
		goto out;
	}
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, actor(o), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, rel);
	sqlite3_bind_text(s, 4, fpr, -1, SQLITE_TRANSIENT);
	if ((rc = store_exec_stmt(st, s, "share", error_r)) != STORE_OK)
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
	g_free(case_id);
	g_free(org);
	g_free(address);
	g_free(contact);
	g_free(phone);
	g_free(fpr);
	g_free(handle);
	return rc;
}

int
ops_share_confirm(const struct outbound *o, const char *case_id,
    unsigned number, const char *fpr, int64_t now, GString *out,
    char **error_r)
{
	sqlite3_stmt *s;
	char *state = NULL, *proposed = NULL, *org = NULL, *ev;
	int rc = STORE_OK;

	s = store_stmt(o->st, "SELECT r.state, r.proposed_fpr, r.organisation "
	    "FROM related_orgs r JOIN cases c ON c.id = r.case_id WHERE r.id = "
	    "? AND r.case_id = ? AND c.state = 'open'");
	if (s == NULL)
		return store_error(o->st, "share", error_r);
	sqlite3_bind_int64(s, 1, number);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		state = store_col_text(s, 0);
		proposed = store_col_text(s, 1);
		org = store_col_text(s, 2);
	}
	sqlite3_reset(s);
	if (state == NULL)
		FAIL("no share request %u in open case %s", number, case_id);
	if (strcmp(state, "approved") != 0)
		FAIL("share request %u is %s, not an invitation awaiting its "
		    "key", number, state);
	if (proposed != NULL && strcmp(proposed, fpr) != 0)
		FAIL("the key that arrived from %s is %s, not %s: nothing "
		    "confirmed", org, proposed, fpr);
	if (proposed == NULL) {
		/* Confirmed ahead: it registers when that very key comes. */
		s = store_stmt(o->st, "UPDATE related_orgs SET vouched_fpr = ? "
		    "WHERE id = ?");
		if (s == NULL) {
			rc = store_error(o->st, "share", error_r);
			goto out;
		}
		sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, number);
		if ((rc = store_exec_stmt(o->st, s, "share", error_r)) !=
		    STORE_OK)
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
	g_free(state);
	g_free(proposed);
	g_free(org);
	return rc;
}

int
ops_share_vouch(const struct outbound *o, const char *case_id,
    int64_t vendor_id, const char *fpr, int64_t now, GString *out,
    char **error_r)
{
	sqlite3_stmt *s;
	int64_t match = 0, open_id = 0;
	unsigned n_open = 0;
	char *ev;
	int rc;

	s = store_stmt(o->st, "SELECT id, proposed_fpr FROM related_orgs WHERE "
	    "case_id = ? AND requested_by = ? AND state = 'approved'");
	if (s == NULL)
		return store_error(o->st, "share", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, vendor_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(s, 1);

		if (p != NULL && strcmp(p, fpr) == 0)
			match = sqlite3_column_int64(s, 0);
		else {
			open_id = sqlite3_column_int64(s, 0);
			n_open++;
		}
	}
	sqlite3_reset(s);
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
	s = store_stmt(o->st, "UPDATE related_orgs SET vouched_fpr = ? WHERE id "
	    "= ?");
	if (s == NULL)
		return store_error(o->st, "share", error_r);
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, open_id);
	if ((rc = store_exec_stmt(o->st, s, "share", error_r)) == STORE_OK)
		g_string_append_printf(out, "share key %s vouched for; the "
		    "organisation is registered when that key arrives\n", fpr);
	return rc;
}
