/*
 * route_facts.c: the store's side of routing. Everything route() may need
 * of the database is read here, before routing, so that route() stays a
 * function of the message and these facts.
 */
#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/msgstore.h"
#include "vulture/route_facts.h"
#include "vulture/vendor.h"

/* The signer of a good signature, as pinned to a vendor contact. */
static int
signer_facts(struct store *st, const struct vdec_result *r,
    struct route_facts *f, char **error_r)
{
	struct vendor *v = NULL;
	int64_t contact_id = 0;
	char *err = NULL;
	guint i;
	int rc;

	if (r->sig != VDEC_SIG_GOOD || r->signer_fpr[0] == '\0')
		return STORE_OK;
	rc = vendor_by_fingerprint(st, r->signer_fpr, &v, &contact_id, &err);
	if (rc == STORE_NOTFOUND) {
		g_free(err);
		return STORE_OK;
	}
	if (rc != STORE_OK) {
		*error_r = err;
		return rc;
	}
	f->signer_pinned = 1;
	f->vendor_id = v->id;
	f->vendor_handle = g_strdup(v->handle);
	f->vendor_state = g_strdup(v->state);
	for (i = 0; i < v->contacts->len; i++) {
		const struct contact *ct = v->contacts->pdata[i];

		if (ct->id == contact_id) {
			f->contact = g_strdup(ct->address);
			f->contact_fpr = g_strdup(ct->fingerprint);
		}
	}
	vendor_free(&v);
	return STORE_OK;
}

/* route_case_ids() of r, each with the signer's part in it. */
static int
case_facts(struct store *st, const struct vdec_result *r,
    struct route_facts *f, char **error_r)
{
	GPtrArray *ids;
	guint i;
	int rc = STORE_OK;

	if (!f->signer_pinned)
		return STORE_OK;
	ids = route_case_ids(f->conf, r);
	for (i = 0; i < ids->len && rc == STORE_OK; i++) {
		struct vcase_reply_facts cf;
		struct route_case *c;

		if ((rc = vcase_reply_facts(st, ids->pdata[i], f->vendor_id,
		    &cf, error_r)) != STORE_OK)
			break;
		c = g_new0(struct route_case, 1);
		c->id = g_strdup(ids->pdata[i]);
		c->exists = cf.exists;
		c->participant = cf.participant;
		c->first = cf.participant ? cf.first : 0;
		c->last_reply_signed = cf.last_reply_signed;
		g_ptr_array_add(f->cases, c);
	}
	g_ptr_array_unref(ids);
	return rc;
}

static int
open_cases(struct store *st, struct route_facts *f, char **error_r)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *titles = g_ptr_array_new_with_free_func(g_free);
	guint i;
	int rc;

	rc = vcase_open_titles(st, ids, titles, error_r);
	for (i = 0; rc == STORE_OK && i < ids->len; i++) {
		struct route_open_case *c = g_new0(struct route_open_case, 1);

		c->id = g_steal_pointer(&ids->pdata[i]);
		c->title = g_steal_pointer(&titles->pdata[i]);
		g_ptr_array_add(f->open_cases, c);
	}
	g_ptr_array_unref(ids);
	g_ptr_array_unref(titles);
	return rc;
}

/* A message we sent, named by In-Reply-To or References: newest first,
 * since it is the message being answered. */
static int
reference_facts(struct store *st, const struct vdec_result *r,
    struct route_facts *f, char **error_r)
{
	GPtrArray *refs = g_ptr_array_new();
	sqlite3_stmt *s;
	guint i;
	int rc = STORE_OK, step;

	if (r->in_reply_to != NULL)
		g_ptr_array_add(refs, r->in_reply_to);
	for (i = r->references != NULL ? r->references->len : 0; i > 0; i--)
		g_ptr_array_add(refs, r->references->pdata[i - 1]);
	for (i = 0; i < refs->len && f->ref_case == NULL; i++) {
		s = store_stmt(st, "SELECT case_id, vendor_id FROM outbox "
		    "WHERE message_id = ? AND case_id IS NOT NULL");
		if (s == NULL) {
			rc = store_error(st, "route", error_r);
			break;
		}
		sqlite3_bind_text(s, 1, refs->pdata[i], -1, SQLITE_TRANSIENT);
		if ((step = sqlite3_step(s)) == SQLITE_ROW) {
			f->ref_case = store_col_text(s, 0);
			f->ref_vendor = sqlite3_column_int64(s, 1);
		}
		sqlite3_reset(s);
		if (step != SQLITE_ROW && step != SQLITE_DONE) {
			rc = store_error(st, "route", error_r);
			break;
		}
	}
	g_ptr_array_unref(refs);
	return rc;
}

int
route_facts_read(struct store *st, const struct vdec_result *r,
    struct route_facts *f, char **error_r)
{
	int rc;

	if (r == NULL)
		return STORE_OK;
	if ((rc = signer_facts(st, r, f, error_r)) != STORE_OK ||
	    (rc = case_facts(st, r, f, error_r)) != STORE_OK ||
	    (rc = reference_facts(st, r, f, error_r)) != STORE_OK)
		return rc;
	/* Leak checks read the open cases when something is in clear. */
	if ((!r->encrypted || !r->decrypted || r->clear_text_len > 0) &&
	    (rc = open_cases(st, f, error_r)) != STORE_OK)
		return rc;
	if (r->sig == VDEC_SIG_GOOD && r->sig_time != 0 &&
	    r->signed_hash[0] != '\0') {
		if (route_is_coordinator(f->conf, r->signer_fpr))
			rc = msgstore_command_seen(st, r->signer_fpr,
			    r->sig_time, r->signed_hash, &f->command_seen,
			    error_r);
		else if (f->signer_pinned)
			rc = msgstore_reply_seen(st, r->signer_fpr,
			    r->sig_time, r->signed_hash, &f->reply_seen,
			    error_r);
	}
	return rc;
}
