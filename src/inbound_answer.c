/*
 * inbound_answer.c: what the sender of a message and the coordinators are
 * told about it, queued in the transaction that records the decision.
 */
#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/inbound.h"
#include "vulture/log.h"
#include "vulture/msgstore.h"
#include "vulture/ops.h"
#include "vulture/vendor.h"

#include "inbound_p.h"

/* The transcript (or the refusal of a replay) to the coordinator. */
int
inbound_send_transcript(const struct inbound_env *env,
    const struct vdec_result *r, const char *text, unsigned errors,
    int64_t now, char **error_r)
{
	GVariantDict *d;
	char *addr = outbound_key_address(env->ctx, r->signer_fpr);
	GVariant *v;
	int rc, q;

	/* Rule 9: to the address of the coordinator's own key, never to a
	 * From header anybody can write. */
	if (addr == NULL) {
		char *detail = g_strdup_printf("coordinator %s: no usable "
		    "address in its key; transcript not sent (%u errors)",
		    r->signer_fpr, errors);

		log_warnx("transcript not sent: coordinator key %s has no "
		    "address", r->signer_fpr);
		rc = event_add(env->st, NULL, now, "intake",
		    "transcript-undeliverable", detail, r->message_id,
		    error_r);
		g_free(detail);
		return rc;
	}
	d = g_variant_dict_new(NULL);
	g_variant_dict_insert(d, "subject", "s", r->subject ? r->subject :
	    "commands");
	g_variant_dict_insert(d, "errors", "u", errors);
	g_variant_dict_insert(d, "transcript", "s", text);
	v = g_variant_ref_sink(g_variant_dict_end(d));
	g_variant_dict_unref(d);
	rc = outbound_to_address(env->out, "transcript", NULL, 0, addr, NULL,
	    r->signer_fpr, "en", v, NULL, r->message_id, 1, now, &q, error_r);
	g_variant_unref(v);
	g_free(addr);
	return rc;
}

/* Kinds answered to the signing vendor with the reason. */
static int
answered_to_vendor(const char *kind)
{
	static const char *const kinds[] = { "not-participant",
	    "unknown-case", "wrong-vendor", "bad-form", "empty-form",
	    "case-mismatch", "no-case", "stale", "duplicate",
	    "case-unsigned", "future-signature", "before-notice",
	    "weak-algorithm", "bad-key", NULL };
	int i;

	for (i = 0; kinds[i] != NULL; i++)
		if (strcmp(kinds[i], kind) == 0)
			return 1;
	return 0;
}

static int
signature_problem(const char *kind)
{
	return strcmp(kind, "unsigned") == 0 ||
	    strcmp(kind, "unknown-key") == 0 ||
	    strcmp(kind, "bad-signature") == 0 ||
	    strcmp(kind, "expired-key") == 0 ||
	    strcmp(kind, "revoked-key") == 0 ||
	    strcmp(kind, "expired-signature") == 0 ||
	    strcmp(kind, "signature-error") == 0;
}

static int
generic_answer_kind(const char *kind)
{
	return strcmp(kind, "not-encrypted") == 0 ||
	    strcmp(kind, "undecryptable") == 0 || signature_problem(kind);
}

/* Anyone else: at most one generic answer a day per address, in clear,
 * naming no case. Never to ourselves or to a bounce address. */
static int
generic_answer(const struct inbound_env *env, const char *address,
    int64_t now, char **error_r)
{
	GVariantDict *d;
	GVariant *v;
	char *detail;
	int recent, rc;

	if (!vconf_valid_address(address) ||
	    g_ascii_strcasecmp(address, env->conf->address) == 0)
		return STORE_OK;
	if ((rc = msgstore_generic_answered(env->st, address, now - 86400,
	    &recent, error_r)) != STORE_OK || recent)
		return rc;
	detail = g_strdup_printf("to=%s", address);
	d = g_variant_dict_new(NULL);
	v = g_variant_ref_sink(g_variant_dict_end(d));
	g_variant_dict_unref(d);
	rc = outbound_clear(env->out, "generic", NULL, 0, address, "en", v,
	    now, error_r);
	g_variant_unref(v);
	if (rc == STORE_OK)
		rc = event_add(env->st, NULL, now, "intake", "generic-answer",
		    detail, NULL, error_r);
	g_free(detail);
	return rc;
}

/* Base variables: the case if it exists, the reply's Message-ID. */
static GVariantDict *
answer_vars(const struct inbound_env *env, const char *case_id,
    const struct vdec_result *r)
{
	GVariantDict *d = NULL, rd;
	char *err = NULL;

	if (case_id != NULL)
		d = outbound_case_vars(env->out, case_id, &err);
	g_free(err);
	if (d == NULL) {
		GVariantDict cd;

		d = g_variant_dict_new(NULL);
		g_variant_dict_init(&cd, NULL);
		if (case_id != NULL)
			g_variant_dict_insert(&cd, "id", "s", case_id);
		g_variant_dict_insert_value(d, "case", g_variant_dict_end(&cd));
	}
	g_variant_dict_init(&rd, NULL);
	if (r != NULL && r->message_id != NULL)
		g_variant_dict_insert(&rd, "message_id", "s", r->message_id);
	g_variant_dict_insert_value(d, "reply", g_variant_dict_end(&rd));
	return d;
}

static int
send_answer(const struct inbound_env *env, const char *kind,
    const char *case_id, int64_t vendor_id, const char *address,
    const char *fpr, const char *lang, const char *vendor_name,
    GVariantDict *d, const struct vdec_result *r, int64_t now,
    char **error_r)
{
	GVariantDict vd;
	GVariant *v;
	int rc, q;

	g_variant_dict_init(&vd, NULL);
	g_variant_dict_insert(&vd, "name", "s", vendor_name);
	g_variant_dict_insert_value(d, "vendor", g_variant_dict_end(&vd));
	v = g_variant_ref_sink(g_variant_dict_end(d));
	g_variant_dict_unref(d);
	rc = outbound_to_address(env->out, kind, case_id, vendor_id, address,
	    NULL, fpr, lang, v, NULL, r ? r->message_id : NULL, 1, now, &q,
	    error_r);
	g_variant_unref(v);
	return rc;
}

/* What the sender and the coordinators are told, queued in the same
 * transaction as the decision. */
int
inbound_answer(const struct inbound_env *env, const struct inbound_decision *d,
    const struct vdec_result *r, int64_t row, int64_t now, char **error_r)
{
	struct vendor *v = NULL;
	GVariantDict *vars;
	int rc = STORE_OK;

	if (env->out == NULL || d->action == INBOUND_IGNORE ||
	    d->action == INBOUND_COMMAND || d->action == INBOUND_REGISTER)
		return STORE_OK;
	if (strcmp(d->kind, "leak") != 0 &&
	    route_coordinator_signed(env->conf, r)) {
		/* Whatever became of a coordinator's block, it is told why,
		 * encrypted to the coordinator's own key. */
		char *text = g_strdup_printf("ERROR %s\n", d->reason);

		rc = inbound_send_transcript(env, r, text, 1, now, error_r);
		g_free(text);
		return rc;
	}
	if (strcmp(d->kind, "leak") == 0) {
		char *text = g_strdup_printf("Message %" G_GINT64_FORMAT
		    " (Message-ID %s) arrived in clear text and names the "
		    "embargoed case %s. It is quarantined and was not "
		    "answered; see 'vulturectl quarantine show %" G_GINT64_FORMAT
		    "'.", (gint64)row, r && r->message_id ? r->message_id :
		    "none", d->case_id, (gint64)row);

		rc = outbound_alert(env->out, d->case_id, "possible leak",
		    text, now, error_r);
		g_free(text);
		return rc;
	}
	if (d->action == INBOUND_APPLY || answered_to_vendor(d->kind)) {
		GString *reason = NULL;

		if (d->vendor == NULL || d->contact == NULL)
			return STORE_OK;
		if ((rc = vendor_get(env->st, d->vendor, &v, error_r)) !=
		    STORE_OK)
			return rc;
		/* Only a participant hears more of a case than its id. */
		vars = strcmp(d->kind, "not-participant") == 0 ||
		    strcmp(d->kind, "unknown-case") == 0 ?
		    answer_vars(env, NULL, r) : answer_vars(env, d->case_id, r);
		if (d->action == INBOUND_APPLY) {
			GVariantBuilder cb, ub;
			GString *dout = g_string_new(NULL);
			char *derr = NULL;
			int queued = 0;
			guint i;

			if (d->form->request_detail == 1 &&
			    env->conf->auto_disclose) {
				int drc = ops_disclose(env->out, d->case_id,
				    d->vendor, now, dout, &derr);

				if (drc == STORE_OK)
					queued = 1;
				else if (drc != STORE_ERR) {
					g_string_free(dout, TRUE);
					g_variant_dict_unref(vars);
					vendor_free(&v);
					*error_r = derr;
					return drc;
				} else {
					/* A guard said no: the request
					 * waits for a coordinator. */
					rc = event_add(env->st, d->case_id, now,
					    "intake", "detail-waiting", derr,
					    r ? r->message_id : NULL, error_r);
					g_free(derr);
				}
			}
			g_string_free(dout, TRUE);
			g_variant_builder_init(&cb, G_VARIANT_TYPE("as"));
			for (i = 0; i < d->changes->len; i++)
				g_variant_builder_add(&cb, "s",
				    d->changes->pdata[i]);
			g_variant_dict_insert_value(vars, "changes",
			    g_variant_builder_end(&cb));
			g_variant_builder_init(&ub, G_VARIANT_TYPE("aa{sv}"));
			for (i = 0; i < d->form->unknown->len; i++) {
				const struct form_issue *is =
				    d->form->unknown->pdata[i];
				GVariantDict ud;

				g_variant_dict_init(&ud, NULL);
				g_variant_dict_insert(&ud, "line", "u",
				    is->line);
				g_variant_dict_insert(&ud, "label", "s",
				    is->label);
				g_variant_builder_add_value(&ub,
				    g_variant_dict_end(&ud));
			}
			g_variant_dict_insert_value(vars, "unknown",
			    g_variant_builder_end(&ub));
			g_variant_dict_insert(vars, "has_unknown", "b",
			    d->form->unknown->len > 0);
			g_variant_dict_insert(vars, "detail_queued", "b",
			    queued);
			inbound_ack_vars(vars, d->form, d->changes,
			    v->language, env->conf->tz);
			if (rc == STORE_OK)
				rc = send_answer(env, "ack", d->case_id,
				    d->vendor_id, d->contact, d->contact_fpr,
				    v->language, v->name, vars, r, now,
				    error_r);
			else
				g_variant_dict_unref(vars);
		} else {
			reason = g_string_new(d->reason);
			g_variant_dict_insert(vars, "reason", "s",
			    reason->str);
			g_string_free(reason, TRUE);
			inbound_ack_problems(vars, strcmp(d->kind, "bad-form")
			    == 0 ? d->form : NULL, v->language);
			rc = send_answer(env, "rejected", d->case_id,
			    d->vendor_id, d->contact, d->contact_fpr,
			    v->language, v->name, vars, r, now, error_r);
		}
		vendor_free(&v);
		return rc;
	}
	/* Nothing in clear goes back to a mailing list: its From may be the
	 * list itself. */
	if (r == NULL || r->from_addr == NULL || route_list_mail(r))
		return STORE_OK;
	if (signature_problem(d->kind) || strcmp(d->kind, "not-encrypted") ==
	    0) {
		/* Identity is not established: answer only a registered
		 * contact at the From address, under its own pinned key, with
		 * nothing but the request to sign. */
		char *handle = NULL, *fpr = NULL;
		int recent;

		rc = msgstore_pinned_contact(env->st, r->from_addr, &handle,
		    &fpr, error_r);
		if (rc == STORE_NOTFOUND) {
			rc = STORE_OK;
			goto generic;
		}
		/* Anyone can write that From: at most one request to sign an
		 * hour per address, so that forged mail cannot make the desk
		 * flood a vendor. */
		if (rc == STORE_OK)
			rc = msgstore_sign_requested(env->st, r->from_addr,
			    now - 3600, &recent, error_r);
		if (rc != STORE_OK) {
			g_free(handle);
			g_free(fpr);
			return rc;
		}
		if (recent) {
			g_free(handle);
			handle = NULL;
		}
		if (handle != NULL &&
		    (rc = vendor_get(env->st, handle, &v, error_r)) ==
		    STORE_OK) {
			char *cid = inbound_find_id(env->conf, r->subject);

			vars = answer_vars(env, NULL, r);
			if (cid != NULL) {
				GVariantDict cd;

				g_variant_dict_init(&cd, NULL);
				g_variant_dict_insert(&cd, "id", "s", cid);
				g_variant_dict_insert_value(vars, "case",
				    g_variant_dict_end(&cd));
			}
			g_variant_dict_insert(vars, "reason", "s", d->reason);
			rc = send_answer(env, "sign-request", NULL, v->id,
			    r->from_addr, fpr, v->language, v->name, vars, r,
			    now, error_r);
			g_free(cid);
			vendor_free(&v);
		}
		g_free(handle);
		g_free(fpr);
		return rc;
	}
generic:
	if (generic_answer_kind(d->kind))
		rc = generic_answer(env, r->from_addr, now, error_r);
	return rc;
}
