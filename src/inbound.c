/*
 * inbound.c: a stored message, decided (inbound_decide.c) outside the
 * write transaction, then applied with its new state, events and answers
 * in one transaction, exactly once.
 */
#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/cmdrun.h"
#include "vulture/keys.h"
#include "vulture/inbound.h"
#include "vulture/vendor.h"
#include "vulture/log.h"
#include "vulture/msgstore.h"
#include "vulture/ops.h"
#include "vulture/policy.h"
#include "vulture/vtime.h"

#include "inbound_p.h"

static int
apply_reply(const struct inbound_env *env, const struct inbound_decision *d,
    const struct vdec_result *r, int64_t now, char **error_r)
{
	const char *message_id = r != NULL ? r->message_id : NULL;
	const struct form *f = d->form;
	struct store *st = env->st;
	int64_t pub = 0;
	int rc;
	guint i;
	GString *ev;

	if (f->pubdate_request != NULL)
		(void)vtime_parse(f->pubdate_request, env->conf->tz,
		    INBOUND_DEFAULT_HOUR, 0, &pub);
	/* Only the fields given change: NULL keeps the stored value. A
	 * detail request moves the stage forward, never back. */
	/* Stage, status and reachability: the state machine's. */
	{
		struct pfacts pf;

		pfacts_init(&pf);
		if (f->status != FORM_STATUS_NONE)
			pf.status = (enum pstatus)pstatus_parse(
			    form_status_name(f->status));
		if ((rc = vcase_transition(st, d->case_id, d->vendor_id,
		    PEV_REPLY, &pf, NULL, error_r)) != STORE_OK)
			return rc;
		if (f->request_detail == 1 && (rc = vcase_transition(st,
		    d->case_id, d->vendor_id, PEV_DETAIL_REQUESTED, NULL, NULL,
		    error_r)) != STORE_OK)
			return rc;
	}
	{
		struct vcase_reply v = { f->comment, f->advisory_url,
		    f->fix_plan, f->fix_date, f->workaround_plan,
		    f->workaround_date, pub, f->reason, r != NULL ?
		    r->sig_time : 0 };

		if ((rc = vcase_record_reply(st, d->case_id, d->vendor_id, &v,
		    now, error_r)) != STORE_OK)
			return rc;
	}
	if (r != NULL && r->sig_time != 0 && (rc = msgstore_reply_record(st,
	    r->signer_fpr, r->sig_time, r->signed_hash, now, error_r)) !=
	    STORE_OK)
		return rc;
	for (i = 0; i < f->shares->len; i++) {
		const struct form_share *sh = f->shares->pdata[i];

		if ((rc = vendor_related_add(st, d->case_id, d->vendor_id,
		    sh->organisation, sh->contact, sh->address, sh->phone, now,
		    NULL, error_r)) != STORE_OK)
			return rc;
	}
	if (f->share_key != NULL && env->out != NULL) {
		/* The vendor vouches for its invited organisation's key:
		 * what the signature covers is the fingerprint (rule 9). */
		struct outbound o = *env->out;
		GString *res = g_string_new(NULL);
		char *why = NULL;

		o.actor = d->vendor;
		o.cause = message_id;
		if ((rc = store_savepoint(st, error_r)) != STORE_OK) {
			g_string_free(res, TRUE);
			return rc;
		}
		rc = ops_share_vouch(&o, d->case_id, d->vendor_id, f->share_key,
		    now, res, &why);
		if (rc == STORE_ERR) {
			store_rollback_to(st);
			g_ptr_array_add(d->changes, g_strdup_printf("Share-Key "
			    "not used: %s", why));
			rc = STORE_OK;
		} else if (rc == STORE_OK)
			rc = store_release(st, error_r);
		else {
			store_rollback_to(st);
			*error_r = why;
			why = NULL;
		}
		g_free(why);
		g_string_free(res, TRUE);
		if (rc != STORE_OK)
			return rc;
	}
	ev = g_string_new(NULL);
	g_string_append_printf(ev, "vendor=%s", d->vendor);
	for (i = 0; i < d->changes->len; i++)
		g_string_append_printf(ev, "; %s",
		    (char *)d->changes->pdata[i]);
	if (f->reason != NULL && f->pubdate_request != NULL)
		g_string_append_printf(ev, "; reason: %s", f->reason);
	if (r != NULL) {
		/* Every key it was encrypted to, its cipher and hash. */
		char *ps = policy_summary(r);

		g_string_append_printf(ev, "; %s", ps);
		g_free(ps);
	}
	rc = event_add(st, d->case_id, now, d->vendor, "vendor-reply",
	    ev->str, message_id, error_r);
	g_string_free(ev, TRUE);
	/* A published case's page follows its vendors' news. */
	if (rc == STORE_OK && env->out != NULL)
		rc = ops_site_refresh(env->out, d->case_id, error_r);
	return rc;
}

static int
set_message_state(struct store *st, int64_t row,
    const struct inbound_decision *d, const struct vdec_result *r,
    int64_t now, char **error_r)
{
	struct msgstore_outcome o = {
		d->action == INBOUND_APPLY || d->action == INBOUND_COMMAND ||
		    d->action == INBOUND_REGISTER ? "processed" :
		    d->action == INBOUND_IGNORE ? "ignored" : "quarantined",
		d->kind, d->reason, d->case_id, d->vendor,
		/* Only a verified signer is recorded: a bad signature claims
		 * a key it does not prove. */
		r != NULL && r->sig == VDEC_SIG_GOOD && r->signer_fpr[0] !=
		    '\0' ? r->signer_fpr : NULL,
		r != NULL ? r->message_id : NULL
	};

	return msgstore_finish(st, row, &o, now, error_r);
}

static int
run_commands(const struct inbound_env *env, struct inbound_decision *d,
    const struct vdec_result *r, int64_t now, char **error_r)
{
	struct outbound o;
	GString *t = g_string_new(NULL);
	unsigned errors = 0;
	int rc;

	/* The signature is recorded as seen by inbound_commit(), in this
	 * transaction: a replay can never run, and a crash runs it again
	 * from scratch. */
	if (env->out == NULL) {
		g_string_free(t, TRUE);
		*error_r = g_strdup("commands need the outbound setup");
		return STORE_TEMP;
	}
	o = *env->out;
	o.actor = "coordinator";
	o.cause = r->message_id;
	rc = cmdrun_block(&o, d->block, r->attachments, now, t, &errors,
	    error_r);
	if (rc == STORE_OK) {
		char *detail = g_strdup_printf("%u command(s), %u error(s)",
		    d->block->cmds->len, errors);

		if (errors > 0)
			d->kind = "command-errors";
		rc = event_add(env->st, NULL, now, r->signer_fpr, "commands",
		    detail, r->message_id, error_r);
		g_free(detail);
	}
	if (rc == STORE_OK)
		rc = inbound_send_transcript(env, r, t->str, errors, now,
		    error_r);
	g_string_free(t, TRUE);
	return rc;
}

struct inbound_prepared {
	int64_t row;
	int done;			/* the row was not "new": nothing to do */
	struct vdec_result *r;
	struct inbound_decision *d;
};

void
inbound_prepared_free(struct inbound_prepared **pp)
{
	struct inbound_prepared *p;

	if (pp == NULL || *pp == NULL)
		return;
	p = *pp;
	vdec_result_free(&p->r);
	inbound_decision_free(&p->d);
	g_free(p);
	*pp = NULL;
}

int
inbound_prepare(const struct inbound_env *env, int64_t row, int64_t now,
    struct inbound_prepared **p_r, char **error_r)
{
	struct store *st = env->st;
	struct inbound_prepared *p;
	struct spill *sp = NULL;
	GMimeStream *raw = NULL;
	char *dir, *state = NULL;
	int rc;

	*p_r = NULL;
	if ((rc = msgstore_state(st, row, &state, error_r)) != STORE_OK)
		return rc;
	p = g_new0(struct inbound_prepared, 1);
	p->row = row;
	if (strcmp(state, "new") != 0) {
		g_free(state);
		p->done = 1;
		*p_r = p;
		return STORE_OK;
	}
	g_free(state);
	/* Read in pieces to a spill: a 30 MB message is not held in
	 * memory, and its bytes are read in place by the decoder. */
	dir = inbound_spill_dir(env->conf);
	rc = inbound_load(st, row, dir, &sp, error_r);
	g_free(dir);
	if (rc == STORE_OK && (raw = spill_stream(sp, error_r)) == NULL)
		rc = STORE_TEMP;
	if (rc != STORE_OK) {
		spill_free(&sp);
		g_free(p);
		return rc;
	}

	/* Decide outside the write transaction (gpg takes time); the commit
	 * re-checks the row is still new inside it. */
	rc = inbound_decide_stream(env, raw, now, &p->r, &p->d, error_r);
	if (rc == STORE_OK && p->d->action == INBOUND_REGISTER &&
	    p->r->sig == VDEC_SIG_KEY_MISSING) {
		/* Import the attached key, then decide again: the signature
		 * must now verify by that very key (proof of possession). A
		 * public key in the ring trusts nobody: only pinning does. */
		struct vkey_info info;
		char *why = NULL;

		if (inbound_import_key(env, p->d, p->r, &info, &why) == -1) {
			/* Examined and refused before it touched the
			 * keyring (a planted subkey, a weak key...). */
			inbound_decision_free(&p->d);
			p->d = QUARANTINE("bad-registration", "registration "
			    "request from %s: the attached key is refused: %s",
			    p->r->from_addr ? p->r->from_addr : "?", why);
			g_free(why);
		} else {
			/* Decided again with the examination just imported:
			 * the key is not examined a second time. */
			struct inbound_env again = *env;
			struct inbound_key *key = p->d->key;

			p->d->key = NULL;
			again.key = key;
			vkey_info_clear(&info);
			vdec_result_free(&p->r);
			inbound_decision_free(&p->d);
			rc = inbound_decide_stream(&again, raw, now, &p->r,
			    &p->d, error_r);
			inbound_key_free(&key);
			if (rc == STORE_OK && p->d->action ==
			    INBOUND_REGISTER && p->r->sig != VDEC_SIG_GOOD) {
				inbound_decision_free(&p->d);
				p->d = QUARANTINE("bad-registration",
				    "registration request not signed by its "
				    "attached key");
			}
		}
	}
	/* A key change's key is examined here too, not in the transaction
	 * that records the proposal. */
	if (rc == STORE_OK && p->d->action == INBOUND_REGISTER &&
	    strcmp(p->d->kind, "key-change") == 0)
		inbound_examine_key_change(env, p->r, p->d);
	g_object_unref(raw);
	spill_free(&sp);
	if (rc != STORE_OK) {
		inbound_prepared_free(&p);
		return rc;
	}
	*p_r = p;
	return STORE_OK;
}

/*
 * Rule 6: every verified coordinator signature is remembered whatever
 * became of its block (run, refused, quarantined as not encrypted), in the
 * transaction that decides it; a block that was already seen -- by this
 * transaction's predecessor too, since the decoder decides one message
 * ahead -- turns into a refused replay here.
 */
static int
record_command_signature(const struct inbound_env *env,
    struct inbound_decision *d, const struct vdec_result *r, int64_t now,
    char **error_r)
{
	int seen, rc;

	if (!route_coordinator_signed(env->conf, r))
		return STORE_OK;
	if ((rc = msgstore_command_seen(env->st, r->signer_fpr, r->sig_time,
	    r->signed_hash, &seen, error_r)) != STORE_OK)
		return rc;
	if (seen) {
		if (d->action == INBOUND_COMMAND) {
			d->action = INBOUND_QUARANTINE;
			d->kind = "replay";
			g_free(d->reason);
			d->reason = g_strdup("this signed block was seen before "
			    "(run, or refused): nothing was run");
		}
		return STORE_OK;
	}
	return msgstore_command_record(env->st, r->signer_fpr, r->sig_time,
	    r->signed_hash, d->kind, now, error_r);
}

/* The reply order again inside the transaction that applies, where no
 * other reply can be applied meanwhile (the decoder decided before the
 * previous message's commit): an APPLY may turn into a quarantine here. */
static int
recheck_order(const struct inbound_env *env, struct inbound_decision *d,
    const struct vdec_result *r, char **error_r)
{
	struct vcase_reply_facts cf;
	const char *kind = NULL;
	char *why;
	int seen = 0, rc;

	if (r == NULL || r->sig_time == 0)
		return STORE_OK;
	if ((rc = msgstore_reply_seen(env->st, r->signer_fpr, r->sig_time,
	    r->signed_hash, &seen, error_r)) != STORE_OK ||
	    (rc = vcase_reply_facts(env->st, d->case_id, d->vendor_id, &cf,
	    error_r)) != STORE_OK)
		return rc;
	why = route_reply_order(env->conf, r, seen, cf.last_reply_signed,
	    &kind);
	if (why != NULL) {
		d->action = INBOUND_QUARANTINE;
		d->kind = kind;
		g_free(d->reason);
		d->reason = why;
		g_ptr_array_set_size(d->changes, 0);
	}
	return STORE_OK;
}

int
inbound_commit(const struct inbound_env *env, struct inbound_prepared *p,
    int64_t now, struct inbound_decision **d_r, char **error_r)
{
	struct store *st = env->st;
	struct vdec_result *r = p->r;
	struct inbound_decision *d = p->d;
	int64_t row = p->row;
	char *detail;
	int rc;

	*d_r = NULL;
	if (p->done)
		return STORE_OK;
	if ((rc = store_begin(st, error_r)) != STORE_OK)
		return rc;
	rc = record_command_signature(env, d, r, now, error_r);
	if (rc == STORE_OK && d->action == INBOUND_APPLY)
		rc = recheck_order(env, d, r, error_r);
	if (rc != STORE_OK)
		(void)0;	/* rolled back below */
	else if (d->action == INBOUND_APPLY)
		rc = apply_reply(env, d, r, now, error_r);
	else if (d->action == INBOUND_COMMAND)
		rc = run_commands(env, d, r, now, error_r);
	else if (d->action == INBOUND_REGISTER &&
	    strcmp(d->kind, "key-change") == 0)
		rc = inbound_apply_key_change(env, d, r, now, error_r);
	else if (d->action == INBOUND_REGISTER)
		rc = inbound_apply_registration(env, d, r, now, error_r);
	else {
		detail = g_strdup_printf("message=%" G_GINT64_FORMAT " %s: %s",
		    (gint64)row, d->kind, d->reason);
		rc = event_add(st, d->case_id, now, d->vendor ? d->vendor :
		    "intake", d->action == INBOUND_IGNORE ? "ignored" :
		    strcmp(d->kind, "leak") == 0 ? "possible-leak" :
		    "quarantined", detail, r ? r->message_id : NULL, error_r);
		g_free(detail);
	}
	if (rc == STORE_OK) {
		char *aerr = NULL;

		rc = inbound_answer(env, d, r, row, now, &aerr);
		if (rc == STORE_ERR) {
			/* An answer that cannot be written (a template an
			 * operator broke, say) must not keep the message
			 * from being recorded: the failure is, and logged. */
			log_warnx("message %" G_GINT64_FORMAT " answer failed: "
			    "%s", (gint64)row, aerr);
			rc = event_add(st, d->case_id, now, "intake",
			    "answer-failed", aerr ? aerr : "", r ?
			    r->message_id : NULL, error_r);
			g_free(aerr);
		} else if (rc != STORE_OK)
			*error_r = aerr;
		else
			g_free(aerr);
	}
	if (rc == STORE_OK)
		rc = set_message_state(st, row, d, r, now, error_r);
	if (rc == STORE_OK)
		rc = store_commit(st, error_r);
	else
		store_rollback(st);
	if (rc == STORE_OK) {
		log_info("message %" G_GINT64_FORMAT " %s kind=%s case=%s "
		    "vendor=%s", (gint64)row, inbound_action_name(d->action),
		    d->kind, d->case_id ? d->case_id : "-",
		    d->vendor ? d->vendor : "-");
		*d_r = d;
		p->d = NULL;
	}
	return rc;
}

int
inbound_process(const struct inbound_env *env, int64_t row, int64_t now,
    struct inbound_decision **d_r, char **error_r)
{
	struct inbound_prepared *p = NULL;
	int rc;

	*d_r = NULL;
	if ((rc = inbound_prepare(env, row, now, &p, error_r)) != STORE_OK)
		return rc;
	rc = inbound_commit(env, p, now, d_r, error_r);
	inbound_prepared_free(&p);
	return rc;
}

int
inbound_process_pending(const struct inbound_env *env, int64_t now,
    unsigned *n_r, char **error_r)
{
	GArray *rows = NULL;
	guint i;
	int rc;

	*n_r = 0;
	if ((rc = msgstore_pending(env->st, &rows, error_r)) != STORE_OK)
		return rc;
	for (i = 0; i < rows->len && rc == STORE_OK; i++) {
		struct inbound_decision *d = NULL;

		rc = inbound_process(env, g_array_index(rows, gint64, i), now,
		    &d, error_r);
		if (rc == STORE_OK && d != NULL)
			(*n_r)++;
		inbound_decision_free(&d);
	}
	g_array_unref(rows);
	return rc;
}
