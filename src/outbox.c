#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/keys.h"
#include "vulture/log.h"
#include "vulture/outbox.h"
#include "vulture/smtp_out.h"

int64_t
outbox_backoff(int attempts)
{
	int64_t w = OUTBOX_BACKOFF_BASE;

	while (--attempts > 0 && w < OUTBOX_BACKOFF_MAX)
		w *= 2;
	return w < OUTBOX_BACKOFF_MAX ? w : OUTBOX_BACKOFF_MAX;
}

int
outbox_retry(struct store *st, int64_t id, int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE outbox SET state = 'queued', "
	    "attempts = 0, next_attempt = ?, last_error = NULL WHERE id = ? "
	    "AND state IN ('failed', 'queued')");
	int rc;

	if (s == NULL)
		return store_error(st, "outbox retry", error_r);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, id);
	if ((rc = store_exec_stmt(st, s, "outbox retry", error_r)) != STORE_OK)
		return rc;
	if (sqlite3_changes(store_db(st)) != 1) {
		*error_r = g_strdup_printf("outbox message %lld is not failed "
		    "or queued", (long long)id);
		return STORE_NOTFOUND;
	}
	{
		char *detail = g_strdup_printf("id=%lld", (long long)id);

		rc = event_add(st, NULL, now, "outbox", "outbox-retry", detail,
		    NULL, error_r);
		g_free(detail);
	}
	return rc;
}

struct row {
	int64_t id;
	char *case_id, *kind, *recipient;
	char *fpr;			/* the recipient key; NULL: sent in
					 * clear (signed only) */
	GBytes *body;
	int attempts;
};

static void
row_free(gpointer p)
{
	struct row *r = p;

	g_free(r->case_id);
	g_free(r->kind);
	g_free(r->recipient);
	g_free(r->fpr);
	g_bytes_unref(r->body);
	g_free(r);
}

/* Claims up to OUTBOX_BATCH due rows: queued ones whose time has come, and
 * "sending" ones whose lease ran out (a crash mid-send). */
static int
claim(struct store *st, int64_t now, int force, GPtrArray **rows_r,
    char **error_r)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
	sqlite3_stmt *s;
	guint i;
	int rc;

	*rows_r = NULL;
	if ((rc = store_begin(st, error_r)) != STORE_OK) {
		g_ptr_array_unref(rows);
		return rc;
	}
	s = store_stmt(st, "SELECT id, case_id, kind, recipient, body, "
	    "attempts, fingerprint FROM outbox WHERE (state = 'queued' AND "
	    "(?1 OR next_attempt <= ?2)) OR (state = 'sending' AND "
	    "next_attempt <= ?2) ORDER BY id LIMIT ?3");
	if (s == NULL)
		goto fail;
	sqlite3_bind_int(s, 1, force != 0);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int(s, 3, OUTBOX_BATCH);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct row *r = g_new0(struct row, 1);

		r->id = sqlite3_column_int64(s, 0);
		r->case_id = store_col_text(s, 1);
		r->kind = store_col_text(s, 2);
		r->recipient = store_col_text(s, 3);
		r->body = g_bytes_new(sqlite3_column_blob(s, 4),
		    (gsize)sqlite3_column_bytes(s, 4));
		r->attempts = sqlite3_column_int(s, 5);
		r->fpr = store_col_text(s, 6);
		g_ptr_array_add(rows, r);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < rows->len; i++) {
		s = store_stmt(st, "UPDATE outbox SET state = 'sending', "
		    "next_attempt = ? WHERE id = ?");
		if (s == NULL)
			goto fail;
		sqlite3_bind_int64(s, 1, now + OUTBOX_LEASE);
		sqlite3_bind_int64(s, 2, ((struct row *)rows->pdata[i])->id);
		if ((rc = store_exec_stmt(st, s, "outbox claim", error_r)) !=
		    STORE_OK) {
			store_rollback(st);
			g_ptr_array_unref(rows);
			return rc;
		}
	}
	if ((rc = store_commit(st, error_r)) != STORE_OK) {
		g_ptr_array_unref(rows);
		return rc;
	}
	*rows_r = rows;
	return STORE_OK;
fail:
	rc = store_error(st, "outbox claim", error_r);
	store_rollback(st);
	g_ptr_array_unref(rows);
	return rc;
}

static int
record(struct store *st, const struct outbox_alerter *alerts, const struct row *r,
    enum smtp_result res, const char *why, int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	const char *state;
	int64_t next = now;
	int attempts = r->attempts + 1, rc;

	if (res == SMTP_SENT)
		state = "sent";
	else if (res == SMTP_TEMPFAIL && attempts < OUTBOX_MAX_ATTEMPTS) {
		state = "queued";
		next = now + outbox_backoff(attempts);
	} else
		state = "failed";
	if ((rc = store_begin(st, error_r)) != STORE_OK)
		return rc;
	s = store_stmt(st, "UPDATE outbox SET state = ?, attempts = ?, "
	    "next_attempt = ?, last_error = ?, sent_at = ? WHERE id = ?");
	if (s == NULL) {
		rc = store_error(st, "outbox", error_r);
		goto fail;
	}
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, attempts);
	sqlite3_bind_int64(s, 3, next);
	sqlite3_bind_text(s, 4, why, -1, SQLITE_TRANSIENT);
	if (res == SMTP_SENT)
		sqlite3_bind_int64(s, 5, now);
	sqlite3_bind_int64(s, 6, r->id);
	if ((rc = store_exec_stmt(st, s, "outbox", error_r)) != STORE_OK)
		goto fail;
	if (strcmp(state, "failed") == 0) {
		char *detail = g_strdup_printf("outbox=%lld kind=%s to=%s: %s",
		    (long long)r->id, r->kind, r->recipient, why ? why : "");

		rc = event_add(st, r->case_id, now, "outbox",
		    "delivery-failed", detail, NULL, error_r);
		/* An alert about an alert would loop. */
		if (rc == STORE_OK && alerts != NULL &&
		    strcmp(r->kind, "alert") != 0)
			rc = alerts->alert(alerts->arg, r->case_id,
			    "delivery failed", detail, now, error_r);
		g_free(detail);
		if (rc != STORE_OK)
			goto fail;
	}
	return store_commit(st, error_r);
fail:
	store_rollback(st);
	return rc;
}

/* The recipient's key went bad after the row was queued: the row ends
 * "failed" with why, unsent, an event goes on the case and the
 * coordinators are alerted (in mail itself checked the same way when it is
 * sent). An alert held is only recorded: alerting about it would loop. */
static int
hold(struct store *st, const struct outbox_alerter *alerts, const struct row *r,
    const char *why, int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	char *detail = NULL;
	int rc;

	if ((rc = store_begin(st, error_r)) != STORE_OK)
		return rc;
	s = store_stmt(st, "UPDATE outbox SET state = 'failed', "
	    "next_attempt = ?, last_error = ? WHERE id = ?");
	if (s == NULL) {
		rc = store_error(st, "outbox", error_r);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, why, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, r->id);
	if ((rc = store_exec_stmt(st, s, "outbox", error_r)) != STORE_OK)
		goto fail;
	detail = g_strdup_printf("outbox=%lld kind=%s to=%s: %s",
	    (long long)r->id, r->kind, r->recipient, why);
	rc = event_add(st, r->case_id, now, "outbox", "delivery-held", detail,
	    NULL, error_r);
	if (rc == STORE_OK && alerts != NULL && strcmp(r->kind, "alert") != 0) {
		char *text = g_strdup_printf("Outbox message %lld (%s notice "
		    "to %s) was not sent: %s.\nImport a usable key for this "
		    "contact (vulturectl vendor key) and notify again; "
		    "vulturectl outbox list shows the message.",
		    (long long)r->id, r->kind, r->recipient, why);

		rc = alerts->alert(alerts->arg, r->case_id, "message held: "
		    "recipient key unusable", text, now, error_r);
		g_free(text);
	}
	g_free(detail);
	if (rc != STORE_OK)
		goto fail;
	return store_commit(st, error_r);
fail:
	store_rollback(st);
	return rc;
}

/* Checks r's recipient key right before sending (rule 10). Returns 0 to
 * send, 1 to hold with *why_r, -1 to try later with *why_r. */
static int
check_key(gpgme_ctx_t ctx, const struct row *r, int64_t now, char **why_r)
{
	gsize len;
	const void *data;
	char **keyids, *pred = NULL;
	int rc;

	*why_r = NULL;
	if (r->fpr == NULL)
		return 0;
	if (ctx == NULL) {
		*why_r = g_strdup("the recipient key cannot be checked (no "
		    "key ring)");
		return -1;
	}
	data = g_bytes_get_data(r->body, &len);
	keyids = vkeys_message_keyids(data, len);
	rc = vkeys_sendable(ctx, r->fpr, (const char *const *)keyids, now,
	    &pred);
	g_strfreev(keyids);
	if (rc == 1)
		*why_r = g_strdup_printf("held: key %s of %s %s after the "
		    "message was queued; nothing was sent", r->fpr,
		    r->recipient, pred);
	else if (rc == -1)
		*why_r = g_strdup_printf("recipient key not checked: %s",
		    pred);
	g_free(pred);
	return rc;
}

int
outbox_run(const struct vconf *conf, struct store *st, gpgme_ctx_t keys,
    const struct outbox_alerter *alerts, int64_t now, int force,
    struct outbox_stats *stats, char **error_r)
{
	struct smtp_target t;
	GPtrArray *rows = NULL;
	char *password = NULL;
	guint i;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if ((rc = claim(st, now, force, &rows, error_r)) != STORE_OK)
		return rc;
	if (rows->len == 0) {
		g_ptr_array_unref(rows);
		return STORE_OK;
	}
	memset(&t, 0, sizeof(t));
	t.host = conf->smtp.host;
	t.port = conf->smtp.port;
	t.tls = conf->smtp.tls;
	t.user = conf->smtp.user;
	t.tlsp.host = conf->smtp.host;
	t.tlsp.ca_file = conf->smtp.ca_file;
	t.tlsp.pin = conf->smtp.tls_pin;
	t.timeout_s = 60;
	if (conf->smtp.user != NULL && conf->smtp.password_file != NULL) {
		char *err = NULL;

		password = vconf_read_secret(conf->smtp.password_file, &err);
		if (password == NULL) {
			log_warnx("outbox: %s", err);
			g_free(err);
		}
	}
	t.password = password;
	smtp_init();
	for (i = 0; i < rows->len; i++) {
		const struct row *r = rows->pdata[i];
		const char *rcpts[2] = { r->recipient, NULL };
		gsize len;
		const void *data = g_bytes_get_data(r->body, &len);
		char *why = NULL;
		enum smtp_result res;
		int kc = check_key(keys, r, now, &why);

		if (kc == 1) {
			log_warnx("outbox %lld kind=%s to=%s result=HELD "
			    "fpr=%s reason=%s", (long long)r->id, r->kind,
			    r->recipient, r->fpr, why);
			rc = hold(st, alerts, r, why, now, error_r);
			g_free(why);
			if (rc != STORE_OK)
				break;
			stats->held++;
			continue;
		}
		if (kc == -1)
			res = SMTP_TEMPFAIL;
		else if (conf->smtp.transport == VCONF_TRANSPORT_SENDMAIL)
			res = smtp_sendmail(conf->smtp.sendmail_path,
			    conf->address, rcpts, data, len, &why);
		else
			res = smtp_send(&t, conf->address, rcpts, data, len,
			    NULL, &why);
		log_info("outbox %lld kind=%s to=%s result=%s%s%s",
		    (long long)r->id, r->kind, r->recipient,
		    smtp_result_name(res), why ? " reason=" : "",
		    why ? why : "");
		rc = record(st, alerts, r, res, why, now, error_r);
		g_free(why);
		if (rc != STORE_OK)
			break;
		if (res == SMTP_SENT)
			stats->sent++;
		else if (res == SMTP_TEMPFAIL && r->attempts + 1 <
		    OUTBOX_MAX_ATTEMPTS)
			stats->deferred++;
		else
			stats->failed++;
	}
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		g_free(password);
	}
	g_ptr_array_unref(rows);
	return rc;
}

/* ---- The outbox table for the other modules. */

void
outbox_entry_free(gpointer p)
{
	struct outbox_entry *e = p;

	if (e == NULL)
		return;
	g_free(e->case_id);
	g_free(e->kind);
	g_free(e->recipient);
	g_free(e->fingerprint);
	g_free(e->message_id);
	g_free(e->state);
	g_free(e->last_error);
	g_free(e);
}

int
outbox_enqueue(struct store *st, const char *kind, const char *case_id,
    int64_t vendor_id, const char *recipient, const char *fpr,
    const char *message_id, GBytes *body, int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO outbox (created, "
	    "case_id, vendor_id, kind, recipient, fingerprint, message_id, "
	    "body, next_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	gsize len;
	const void *data = g_bytes_get_data(body, &len);

	if (s == NULL)
		return store_error(st, "outbox", error_r);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_TRANSIENT);
	if (vendor_id != 0)
		sqlite3_bind_int64(s, 3, vendor_id);
	sqlite3_bind_text(s, 4, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, message_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob64(s, 8, data, len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 9, now);
	return store_exec_stmt(st, s, "outbox", error_r);
}

int
outbox_list(struct store *st, GPtrArray **list_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT id, created, case_id, "
	    "kind, recipient, fingerprint, message_id, state, attempts, "
	    "next_attempt, last_error, sent_at, length(body) FROM outbox "
	    "ORDER BY id");
	GPtrArray *l;
	int rc;

	*list_r = NULL;
	if (s == NULL)
		return store_error(st, "outbox", error_r);
	l = g_ptr_array_new_with_free_func(outbox_entry_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct outbox_entry *e = g_new0(struct outbox_entry, 1);

		e->id = sqlite3_column_int64(s, 0);
		e->created = sqlite3_column_int64(s, 1);
		e->case_id = store_col_text(s, 2);
		e->kind = store_col_text(s, 3);
		e->recipient = store_col_text(s, 4);
		e->fingerprint = store_col_text(s, 5);
		e->message_id = store_col_text(s, 6);
		e->state = store_col_text(s, 7);
		e->attempts = sqlite3_column_int(s, 8);
		e->next_attempt = sqlite3_column_int64(s, 9);
		e->last_error = store_col_text(s, 10);
		e->sent_at = sqlite3_column_int64(s, 11);
		e->size = sqlite3_column_int64(s, 12);
		g_ptr_array_add(l, e);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(l);
		return store_error(st, "outbox", error_r);
	}
	*list_r = l;
	return STORE_OK;
}

int
outbox_body(struct store *st, int64_t id, GBytes **body_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT body FROM outbox WHERE "
	    "id = ?");
	int rc;

	*body_r = NULL;
	if (s == NULL)
		return store_error(st, "outbox", error_r);
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*body_r = g_bytes_new(sqlite3_column_blob(s, 0),
		    (gsize)sqlite3_column_bytes(s, 0));
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE) {
		*error_r = g_strdup_printf("no outbox message %lld",
		    (long long)id);
		return STORE_NOTFOUND;
	}
	return store_error(st, "outbox", error_r);
}

int64_t
outbox_next_due(struct store *st)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT min(next_attempt) FROM outbox "
	    "WHERE state IN ('queued', 'sending')");
	int64_t t = 0;

	if (s != NULL && sqlite3_step(s) == SQLITE_ROW)
		t = sqlite3_column_int64(s, 0);
	if (s != NULL)
		sqlite3_reset(s);
	return t;
}
