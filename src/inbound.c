#include "config.h"

#include <stddef.h>
#include <string.h>

#include "vulture/case.h"
#include "vulture/cmdrun.h"
#include "vulture/ids.h"
#include "vulture/keys.h"
#include "vulture/inbound.h"
#include "vulture/log.h"
#include "vulture/ops.h"
#include "vulture/policy.h"
#include "vulture/vendor.h"
#include "vulture/vtime.h"

/* A publication date requested without a time of day means this hour. */
#define INBOUND_DEFAULT_HOUR 11
/* Seconds a command's signature may be dated ahead of our clock. */

const char *
inbound_action_name(enum inbound_action a)
{
	switch (a) {
	case INBOUND_APPLY: return "apply";
	case INBOUND_QUARANTINE: return "quarantine";
	case INBOUND_IGNORE: return "ignore";
	case INBOUND_COMMAND: return "command";
	case INBOUND_REGISTER: return "register";
	}
	return "?";
}

void
inbound_decision_free(struct inbound_decision **dp)
{
	struct inbound_decision *d;

	if (dp == NULL || *dp == NULL)
		return;
	d = *dp;
	g_free(d->reason);
	g_free(d->case_id);
	g_free(d->vendor);
	g_free(d->route);
	g_free(d->contact);
	g_free(d->contact_fpr);
	form_free(&d->form);
	cmd_block_free(&d->block);
	if (d->changes != NULL)
		g_ptr_array_unref(d->changes);
	g_free(d);
	*dp = NULL;
}

int
inbound_looks_like_mail(const char *raw, size_t len)
{
	size_t i = 0;

	if (len >= 5 && memcmp(raw, "From ", 5) == 0) {
		const char *nl = memchr(raw, '\n', len);

		if (nl == NULL)
			return 0;
		i = (size_t)(nl - raw) + 1;
	}
	/* A header field name: printable ASCII without ':' then ':'. */
	for (; i < len && i < 1000; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == ':')
			return i > 0 && raw[i - 1] != '\n';
		if (c < 33 || c > 126)
			return 0;
	}
	return 0;
}

/* Where decoding puts plaintext too large for memory: beside the
 * database, which holds the same secrets and is private to the desk.
 * Newly allocated. */
char *
inbound_spill_dir(const struct vconf *conf)
{
	return g_path_get_dirname(conf->database);
}

/* Reads exactly n bytes at offset off of s into buf. */
static int
read_at(GMimeStream *s, gint64 off, char *buf, size_t n)
{
	if (g_mime_stream_seek(s, off, GMIME_STREAM_SEEK_SET) != off)
		return -1;
	while (n > 0) {
		ssize_t r = spill_read(s, buf, n);

		if (r <= 0)
			return -1;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The identity of a message for deduplication: its bytes with CRLF read
 * as LF and the trailing line ends dropped, so the copy an MTA pipes
 * (LF, a newline added by procmail) and the copy IMAP serves (CRLF) are
 * the same message. s is read from its start, in pieces. Newly allocated
 * hex in *hex_r; -1 on a read error. */
static int
message_hash(GMimeStream *s, char **hex_r)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	char buf[65536];
	gint64 base, end, off;
	size_t n, i, from;
	int held_cr = 0, ret = -1;

	g_mime_stream_reset(s);
	base = g_mime_stream_tell(s);
	end = base + g_mime_stream_length(s);
	/* The trailing line ends, found from the end backwards. */
	while (end > base) {
		n = (size_t)MIN((gint64)sizeof(buf), end - base);
		if (read_at(s, end - (gint64)n, buf, n) < 0)
			goto out;
		for (i = n; i > 0 && (buf[i - 1] == '\n' ||
		    buf[i - 1] == '\r'); i--)
			;
		end -= (gint64)(n - i);
		if (i > 0)
			break;
	}
	for (off = base; off < end; off += (gint64)n) {
		n = (size_t)MIN((gint64)sizeof(buf), end - off);
		if (read_at(s, off, buf, n) < 0)
			goto out;
		/* A CR that ended the previous piece. */
		if (held_cr && buf[0] != '\n')
			g_checksum_update(c, (const guchar *)"\r", 1);
		held_cr = 0;
		for (i = 0, from = 0; i < n; i++) {
			if (buf[i] != '\r')
				continue;
			if (i + 1 == n)
				held_cr = 1;	/* the next piece decides (a
						   CR never ends the span) */
			else if (buf[i + 1] != '\n')
				continue;
			if (i > from)
				g_checksum_update(c, (const guchar *)buf + from,
				    (gssize)(i - from));
			from = i + 1;
		}
		if (n > from)
			g_checksum_update(c, (const guchar *)buf + from,
			    (gssize)(n - from));
	}
	*hex_r = g_strdup(g_checksum_get_string(c));
	ret = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	g_checksum_free(c);
	g_mime_stream_reset(s);
	return ret;
}

/* Writes s (from its start) into message_raw's blob of row, in pieces. */
static int
write_raw(struct store *st, int64_t row, GMimeStream *s, gint64 len,
    char **error_r)
{
	sqlite3_stmt *q;
	sqlite3_blob *b = NULL;
	char buf[65536];
	gint64 off = 0;
	ssize_t n;
	int rc;

	q = store_stmt(st, "INSERT INTO message_raw (message, raw) VALUES "
	    "(?, zeroblob(?))");
	if (q == NULL)
		return store_error(st, "store message", error_r);
	sqlite3_bind_int64(q, 1, row);
	sqlite3_bind_int64(q, 2, len);
	if ((rc = store_exec_stmt(st, q, "store message", error_r)) !=
	    STORE_OK)
		return rc;
	if (len == 0)
		return STORE_OK;
	if (sqlite3_blob_open(store_db(st), "main", "message_raw", "raw", row,
	    1, &b) != SQLITE_OK)
		return store_error(st, "store message", error_r);
	g_mime_stream_reset(s);
	while (off < len && (n = spill_read(s, buf,
	    (size_t)MIN((gint64)sizeof(buf), len - off))) > 0) {
		if (sqlite3_blob_write(b, buf, (int)n, (int)off) != SQLITE_OK) {
			explicit_bzero(buf, sizeof(buf));
			rc = store_error(st, "store message", error_r);
			sqlite3_blob_close(b);
			return rc;
		}
		off += n;
	}
	explicit_bzero(buf, sizeof(buf));
	if (sqlite3_blob_close(b) != SQLITE_OK)
		return store_error(st, "store message", error_r);
	if (off != len) {
		*error_r = g_strdup("store message: the message could not be "
		    "read whole");
		return STORE_TEMP;
	}
	return STORE_OK;
}

int
inbound_store(struct store *st, const char *raw, size_t len,
    const char *source, int64_t now, int64_t *row_r, int *dup_r,
    char **error_r)
{
	GMimeStream *s = spill_view(raw, len);
	int rc;

	rc = inbound_store_stream(st, s, source, now, row_r, dup_r, error_r);
	spill_view_release(s);
	return rc;
}

int
inbound_store_stream(struct store *st, GMimeStream *raw, const char *source,
    int64_t now, int64_t *row_r, int *dup_r, char **error_r)
{
	char *sum = NULL;
	sqlite3_stmt *s;
	gint64 len = g_mime_stream_length(raw);
	/* Inside the caller's transaction (a batch from IMAP: one commit,
	 * one fsync, for all of it), a savepoint of its own. */
	int outer = store_in_transaction(st);
	int rc;

	*dup_r = 0;
	if (len < 0 || message_hash(raw, &sum) < 0) {
		*error_r = g_strdup("store message: the message could not be "
		    "read");
		return STORE_TEMP;
	}
	if ((rc = outer ? store_savepoint(st, error_r) :
	    store_begin(st, error_r)) != STORE_OK)
		goto out;
	s = store_stmt(st, "INSERT OR IGNORE INTO messages (received, source, "
	    "sha256, size) VALUES (?, ?, ?, ?)");
	if (s == NULL) {
		rc = store_error(st, "store message", error_r);
		goto fail;
	}
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, sum, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)len);
	if ((rc = store_exec_stmt(st, s, "store message", error_r)) !=
	    STORE_OK)
		goto fail;
	if (sqlite3_changes(store_db(st)) == 0) {
		*dup_r = 1;
		s = store_stmt(st, "SELECT id FROM messages WHERE sha256 = ?");
		if (s == NULL) {
			rc = store_error(st, "store message", error_r);
			goto fail;
		}
		sqlite3_bind_text(s, 1, sum, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) != SQLITE_ROW) {
			rc = store_error(st, "store message", error_r);
			goto fail;
		}
		*row_r = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	} else {
		*row_r = sqlite3_last_insert_rowid(store_db(st));
		if ((rc = write_raw(st, *row_r, raw, len, error_r)) !=
		    STORE_OK)
			goto fail;
	}
	rc = outer ? store_release(st, error_r) : store_commit(st, error_r);
	if (rc != STORE_OK && outer)
		goto fail;
	goto out;
fail:
	if (outer)
		store_rollback_to(st);
	else
		store_rollback(st);
out:
	g_free(sum);
	return rc;
}

int
inbound_load(struct store *st, int64_t row, const char *spill_dir,
    struct spill **sp_r, char **error_r)
{
	sqlite3_blob *b = NULL;
	struct spill *sp;
	char buf[65536];
	int len, off = 0, n, rc;

	*sp_r = NULL;
	rc = sqlite3_blob_open(store_db(st), "main", "message_raw", "raw", row,
	    0, &b);
	if (rc != SQLITE_OK) {
		if (b != NULL)
			sqlite3_blob_close(b);
		if (rc == SQLITE_ERROR) {
			/* No such row: SQLite says "no such rowid". */
			*error_r = g_strdup_printf("no message %" G_GINT64_FORMAT,
			    (gint64)row);
			return STORE_NOTFOUND;
		}
		return store_error(st, "load message", error_r);
	}
	len = sqlite3_blob_bytes(b);
	sp = spill_new(spill_dir, 0, 0);
	while (off < len) {
		n = MIN((int)sizeof(buf), len - off);
		if (sqlite3_blob_read(b, buf, n, off) != SQLITE_OK) {
			rc = store_error(st, "load message", error_r);
			goto fail;
		}
		if (spill_write(sp, buf, (size_t)n, error_r) != SPILL_OK) {
			rc = STORE_TEMP;
			goto fail;
		}
		off += n;
	}
	explicit_bzero(buf, sizeof(buf));
	sqlite3_blob_close(b);
	*sp_r = sp;
	return STORE_OK;
fail:
	explicit_bzero(buf, sizeof(buf));
	sqlite3_blob_close(b);
	spill_free(&sp);
	return rc;
}

static struct inbound_decision *
decision(enum inbound_action a, const char *kind, char *reason)
{
	struct inbound_decision *d = g_new0(struct inbound_decision, 1);

	d->action = a;
	d->kind = kind;
	d->reason = reason;
	d->changes = g_ptr_array_new_with_free_func(g_free);
	return d;
}

#define QUARANTINE(kind, ...) \
	decision(INBOUND_QUARANTINE, kind, g_strdup_printf(__VA_ARGS__))

static int
is_auto_reply(const struct vdec_result *r, const char *desk, char **why)
{
	if (r->auto_submitted != NULL &&
	    g_ascii_strcasecmp(g_strstrip(r->auto_submitted), "no") != 0) {
		*why = g_strdup_printf("Auto-Submitted: %s", r->auto_submitted);
		return 1;
	}
	if (r->precedence != NULL &&
	    (g_ascii_strcasecmp(r->precedence, "bulk") == 0 ||
	    g_ascii_strcasecmp(r->precedence, "junk") == 0 ||
	    g_ascii_strcasecmp(r->precedence, "list") == 0)) {
		*why = g_strdup_printf("Precedence: %s", r->precedence);
		return 1;
	}
	if (r->return_path != NULL && (strcmp(r->return_path, "<>") == 0 ||
	    strcmp(r->return_path, "") == 0)) {
		*why = g_strdup("null Return-Path (a bounce)");
		return 1;
	}
	if (r->from_addr != NULL && g_ascii_strncasecmp(r->from_addr,
	    "mailer-daemon@", 14) == 0) {
		*why = g_strdup("From MAILER-DAEMON (a bounce)");
		return 1;
	}
	if (r->loop != NULL && strstr(r->loop, desk) != NULL) {
		*why = g_strdup("our own loop header");
		return 1;
	}
	if (r->list_id != NULL) {
		*why = g_strdup_printf("List-Id: %s", r->list_id);
		return 1;
	}
	return 0;
}

/* The first case id in text (either format) that names an open case. */
static int
embargoed_case(const struct inbound_env *env, const char *text,
    char **id_r, char **error_r)
{
	const char *fmts[2] = { env->conf->id_format,
	    env->conf->single_vendor_id_format };
	int f, rc;
	guint i;

	*id_r = NULL;
	for (f = 0; f < 2 && text != NULL; f++) {
		GPtrArray *ids = ids_find_all(fmts[f], text);

		for (i = 0; i < ids->len && *id_r == NULL; i++) {
			struct vcase *c = NULL;

			rc = vcase_get(env->st, ids->pdata[i], &c, error_r);
			if (rc == STORE_OK && strcmp(c->state, "open") == 0)
				*id_r = g_strdup(c->id);
			vcase_free(&c);
			if (rc != STORE_OK && rc != STORE_NOTFOUND) {
				g_ptr_array_unref(ids);
				return rc;
			}
			if (rc == STORE_NOTFOUND) {
				g_free(*error_r);
				*error_r = NULL;
			}
		}
		g_ptr_array_unref(ids);
	}
	return STORE_OK;
}

static int route_by_reference(const struct inbound_env *,
    const struct vdec_result *, char **, int64_t *, char **);

/* A clear-text message that answers one of our messages about an open
 * case, or that names an open case's title: *id_r that case. */
static int
clear_reference(const struct inbound_env *env, const struct vdec_result *r,
    const char *text, char **id_r, char **error_r)
{
	sqlite3_stmt *s;
	char *ref = NULL, *low = NULL;
	int64_t vendor = 0;
	int rc;

	*id_r = NULL;
	if ((rc = route_by_reference(env, r, &ref, &vendor, error_r)) !=
	    STORE_OK)
		return rc;
	s = store_stmt(env->st, "SELECT id, title FROM cases WHERE state = "
	    "'open' AND (id = ? OR length(title) >= 16)");
	if (s == NULL) {
		g_free(ref);
		return store_error(env->st, "leak check", error_r);
	}
	sqlite3_bind_text(s, 1, ref, -1, SQLITE_TRANSIENT);
	while (*id_r == NULL && sqlite3_step(s) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(s, 0);
		const char *title = (const char *)sqlite3_column_text(s, 1);
		char *lt;

		if (ref != NULL && strcmp(id, ref) == 0) {
			*id_r = g_strdup(id);
			break;
		}
		if (low == NULL)
			low = g_utf8_casefold(text, -1);
		lt = g_utf8_casefold(title, -1);
		if (strstr(low, lt) != NULL)
			*id_r = g_strdup(id);
		g_free(lt);
	}
	sqlite3_reset(s);
	g_free(ref);
	g_free(low);
	return STORE_OK;
}

static char *
find_id(const struct vconf *conf, const char *text)
{
	char *id;

	if (text == NULL)
		return NULL;
	if ((id = ids_find(conf->id_format, text)) != NULL)
		return id;
	return ids_find(conf->single_vendor_id_format, text);
}

/* A message we sent, named by In-Reply-To or References. */
static int
route_by_reference(const struct inbound_env *env,
    const struct vdec_result *r, char **case_r, int64_t *vendor_r,
    char **error_r)
{
	GPtrArray *refs = g_ptr_array_new();
	sqlite3_stmt *s;
	guint i;
	int rc = STORE_OK;

	*case_r = NULL;
	*vendor_r = 0;
	if (r->in_reply_to != NULL)
		g_ptr_array_add(refs, r->in_reply_to);
	/* Newest reference first: it is the message being answered. */
	for (i = r->references != NULL ? r->references->len : 0; i > 0; i--)
		g_ptr_array_add(refs, r->references->pdata[i - 1]);
	for (i = 0; i < refs->len && *case_r == NULL; i++) {
		s = store_stmt(env->st, "SELECT case_id, vendor_id FROM outbox "
		    "WHERE message_id = ? AND case_id IS NOT NULL");
		if (s == NULL) {
			rc = store_error(env->st, "route", error_r);
			break;
		}
		sqlite3_bind_text(s, 1, refs->pdata[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW) {
			*case_r = store_col_text(s, 0);
			*vendor_r = sqlite3_column_int64(s, 1);
		}
		sqlite3_reset(s);
	}
	g_ptr_array_unref(refs);
	return rc;
}

static int
is_coordinator(const struct vconf *conf, const char *fpr)
{
	char **c;

	for (c = conf->coordinators; c != NULL && *c != NULL; c++)
		if (strcmp(*c, fpr) == 0)
			return 1;
	return 0;
}

/* A good signature by a key [coordinators] lists, encrypted or not. */
static int
coordinator_signed(const struct inbound_env *env,
    const struct vdec_result *r)
{
	return r != NULL && r->sig == VDEC_SIG_GOOD && r->sig_time != 0 &&
	    r->signed_hash[0] != '\0' && is_coordinator(env->conf,
	    r->signer_fpr);
}

static const char *
sig_kind(enum vdec_sig s)
{
	switch (s) {
	case VDEC_SIG_NONE: return "unsigned";
	case VDEC_SIG_GOOD: return "good";
	case VDEC_SIG_BAD: return "bad-signature";
	case VDEC_SIG_KEY_MISSING: return "unknown-key";
	case VDEC_SIG_KEY_EXPIRED: return "expired-key";
	case VDEC_SIG_KEY_REVOKED: return "revoked-key";
	case VDEC_SIG_SIG_EXPIRED: return "expired-signature";
	case VDEC_SIG_ERROR: return "signature-error";
	}
	return "signature-error";
}

static void
form_summary(struct inbound_decision *d, GTimeZone *tz)
{
	const struct form *f = d->form;
	guint i;

	(void)tz;
	if (f->request_detail == 1)
		g_ptr_array_add(d->changes, g_strdup("request detail"));
	if (f->status != FORM_STATUS_NONE)
		g_ptr_array_add(d->changes, g_strdup_printf("status %s",
		    form_status_name(f->status)));
	if (f->comment != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("comment (%zu "
		    "bytes)", strlen(f->comment)));
	if (f->advisory_url != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("advisory URL %s",
		    f->advisory_url));
	if (f->fix_date != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("fix date %s",
		    f->fix_date));
	if (f->fix_plan != NULL)
		g_ptr_array_add(d->changes, g_strdup("fix plan"));
	if (f->workaround_date != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("workaround date "
		    "%s", f->workaround_date));
	if (f->workaround_plan != NULL)
		g_ptr_array_add(d->changes, g_strdup("workaround plan"));
	if (f->pubdate_request != NULL) {
		/* Echoed as read: a date without an offset is the desk's
		 * time zone, which the vendor may not share. */
		int64_t t;
		char *as = vtime_parse(f->pubdate_request, tz,
		    INBOUND_DEFAULT_HOUR, 0, &t) == 0 ? vtime_format(t, tz) :
		    NULL;

		g_ptr_array_add(d->changes, g_strdup_printf("publication date "
		    "request %s%s%s%s", f->pubdate_request, as != NULL ?
		    " (read as " : "", as != NULL ? as : "", as != NULL ?
		    ")" : ""));
		g_free(as);
	}
	for (i = 0; i < f->shares->len; i++) {
		const struct form_share *sh = f->shares->pdata[i];

		g_ptr_array_add(d->changes, g_strdup_printf("share with %s "
		    "<%s>", sh->organisation, sh->address));
	}
	if (f->share_key != NULL)
		g_ptr_array_add(d->changes, g_strdup_printf("vouch for the "
		    "invited organisation's key %s", f->share_key));
}

/*
 * Replies are applied in the order they were signed, each signed reply
 * once (sql/003-reply-order.sql). NULL when r may be applied to the
 * participant (case_id, vendor_id); else why not, for a quarantine "stale"
 * or "duplicate" (*kind_r) and the vendor's answer. Checked when deciding
 * (for inspect) and again in the transaction that applies, where it
 * counts: the decoder decides one message ahead.
 */
static char *
reply_order(const struct inbound_env *env, const struct vdec_result *r,
    const char *case_id, int64_t vendor_id, const char **kind_r,
    int *rc_r)
{
	sqlite3_stmt *s;
	int64_t last = 0;
	char *t, *tl, *why;
	int seen, found;

	*rc_r = STORE_OK;
	if (r == NULL || r->sig_time == 0)
		return NULL;
	s = store_stmt(env->st, "SELECT 1 FROM seen_replies WHERE signer = ? "
	    "AND sig_time = ? AND data_hash = ?");
	if (s == NULL) {
		*rc_r = STORE_ERR;
		return NULL;
	}
	sqlite3_bind_text(s, 1, r->signer_fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, r->sig_time);
	sqlite3_bind_text(s, 3, r->signed_hash, -1, SQLITE_TRANSIENT);
	seen = sqlite3_step(s);
	sqlite3_reset(s);
	if (seen != SQLITE_ROW && seen != SQLITE_DONE) {
		/* Not known is not "not seen": the message waits. */
		*rc_r = STORE_ERR;
		return NULL;
	}
	seen = seen == SQLITE_ROW;
	t = vtime_format(r->sig_time, env->conf->tz);
	if (seen) {
		*kind_r = "duplicate";
		why = g_strdup_printf("this signed reply (signed %s) was "
		    "already recorded; nothing changed", t ? t : "?");
		g_free(t);
		return why;
	}
	s = store_stmt(env->st, "SELECT last_reply_signed FROM participants "
	    "WHERE case_id = ? AND vendor_id = ? AND last_reply_signed IS "
	    "NOT NULL");
	if (s == NULL) {
		g_free(t);
		*rc_r = STORE_ERR;
		return NULL;
	}
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, vendor_id);
	found = sqlite3_step(s);
	if (found == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (found != SQLITE_ROW && found != SQLITE_DONE) {
		g_free(t);
		*rc_r = STORE_ERR;
		return NULL;
	}
	found = found == SQLITE_ROW;
	if (!found || r->sig_time >= last) {
		g_free(t);
		return NULL;
	}
	tl = vtime_format(last, env->conf->tz);
	*kind_r = "stale";
	why = g_strdup_printf("this reply was signed %s, before the reply "
	    "signed %s that is already recorded; nothing changed (send it "
	    "again if it still holds)", t ? t : "?", tl ? tl : "?");
	g_free(t);
	g_free(tl);
	return why;
}

static const struct vdec_attachment *key_attachment(
    const struct vdec_result *);

/* The case ids in the signed text (a quoted notice): how many distinct
 * ones, the one in *id_r when exactly one. */
static unsigned
signed_text_case(const struct vconf *conf, const char *text, char **id_r)
{
	const char *fmts[2] = { conf->id_format,
	    conf->single_vendor_id_format };
	GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
	unsigned n;
	guint i, j;
	int f;

	*id_r = NULL;
	for (f = 0; f < 2 && text != NULL; f++) {
		GPtrArray *ids = ids_find_all(fmts[f], text);

		for (i = 0; i < ids->len; i++) {
			for (j = 0; j < seen->len; j++)
				if (strcmp(seen->pdata[j], ids->pdata[i]) == 0)
					break;
			if (j == seen->len)
				g_ptr_array_add(seen, g_strdup(ids->pdata[i]));
		}
		g_ptr_array_unref(ids);
	}
	n = seen->len;
	if (n == 1)
		*id_r = g_strdup(seen->pdata[0]);
	g_ptr_array_unref(seen);
	return n;
}

/* Rule 7: NULL, or the refusal of a reply signed before first (less the
 * allowed skew) or ahead of now by more than max_clock_skew. */
static struct inbound_decision *
signature_time_refusal(const struct vconf *conf, const struct vdec_result *r,
    int64_t first, int64_t now)
{
	struct inbound_decision *d = NULL;
	char *t, *f;

	if (r->sig_time == 0)
		return NULL;
	t = vtime_format(r->sig_time, conf->tz);
	if (r->sig_time > now + conf->max_clock_skew)
		d = QUARANTINE("future-signature", "this reply was signed %s, "
		    "ahead of our clock by more than %lld minutes: nothing was "
		    "recorded (check your computer's clock and send it again)",
		    t ? t : "?", (long long)(conf->max_clock_skew / 60));
	else if (first != 0 && r->sig_time < first - conf->max_clock_skew) {
		f = vtime_format(first, conf->tz);
		d = QUARANTINE("before-notice", "this reply was signed %s, "
		    "before we first wrote to you about this case (%s): it "
		    "cannot be about it, and nothing was recorded", t ? t :
		    "?", f ? f : "?");
		g_free(f);
	}
	g_free(t);
	return d;
}

/* The vendor-reply half of the decision: signer, vendor, case, form. */
static int
decide_reply(const struct inbound_env *env, const struct vdec_result *r,
    int64_t now, struct inbound_decision **d_r, char **error_r)
{
	const struct vconf *conf = env->conf;
	struct vendor *v = NULL;
	struct vcase *c = NULL;
	struct form *form = NULL;
	struct inbound_decision *d = NULL;
	char *case_id = NULL, *route = NULL, *err = NULL, *ref_case = NULL;
	const char *ferr = NULL, *kind = NULL;
	int64_t ref_vendor = 0, pub, contact_id = 0;
	guint i;
	int rc;

	(void)now;
	rc = vendor_by_fingerprint(env->st, r->signer_fpr, &v, &contact_id,
	    &err);
	if (rc == STORE_NOTFOUND) {
		g_free(err);
		*d_r = QUARANTINE("unknown-key", "signed by key %s, which is "
		    "not pinned to any vendor contact", r->signer_fpr);
		return STORE_OK;
	}
	if (rc != STORE_OK) {
		*error_r = err;
		return rc;
	}
	if (strcmp(v->state, "suspended") == 0) {
		d = QUARANTINE("vendor-suspended", "vendor %s is suspended",
		    v->handle);
		goto done;
	}
	if ((err = policy_refusal(conf, r)) != NULL) {
		/* [policy]: the vendor is told which algorithm and what to
		 * use instead. */
		d = decision(INBOUND_QUARANTINE, "weak-algorithm", err);
		err = NULL;
		goto done;
	}
	if (strcmp(v->state, "registered") != 0) {
		/* Rule 9: held until a coordinator has confirmed the key and
		 * approved the vendor (vendor approve processes it then). */
		d = QUARANTINE("pending-vendor", "vendor %s is %s: its "
		    "statements are held until a coordinator approves it",
		    v->handle, v->state);
		goto done;
	}
	if (form_parse(r->text != NULL ? r->text : "", r->text_len, &form,
	    &ferr) == -1) {
		d = QUARANTINE("bad-form", "the reply form was refused: %s",
		    ferr);
		goto done;
	}

	/* A key signed by the contact's pinned key and no form: the vendor
	 * proposes a key change (a new key, new subkeys, a new expiry). */
	if (key_attachment(r) != NULL && (form->n_fields == 0 ||
	    (form->n_fields == 1 && form->case_id != NULL))) {
		d = decision(INBOUND_REGISTER, "key-change", g_strdup_printf(
		    "vendor %s proposes a key change", v->handle));
		goto done;
	}
	/* The case: protected Subject or Case: line, Subject tag, then a
	 * message of ours it answers. */
	if (r->subject_protected && (case_id = find_id(conf, r->subject)))
		route = g_strdup("protected Subject");
	if (form->case_id != NULL) {
		char *fid = find_id(conf, form->case_id);

		if (fid == NULL || strlen(fid) != strlen(form->case_id)) {
			d = QUARANTINE("bad-form", "Case: '%s' is not a case "
			    "id", form->case_id);
			g_free(fid);
			goto done;
		}
		if (case_id != NULL && strcmp(case_id, fid) != 0) {
			d = QUARANTINE("case-mismatch", "the protected "
			    "Subject names %s but the form says Case: %s",
			    case_id, fid);
			g_free(fid);
			goto done;
		}
		if (case_id == NULL) {
			case_id = fid;
			route = g_strdup("Case: line");
		} else
			g_free(fid);
	}
	/* Rule 6: the quoted notice, inside the signed text, names it. */
	if (case_id == NULL) {
		char *q = NULL;

		if (signed_text_case(conf, r->text, &q) > 1) {
			d = QUARANTINE("no-case", "the signed text names several "
			    "cases and has no Case: line: add the line 'Case: "
			    "ID' to say which one");
			goto done;
		}
		if ((case_id = q) != NULL)
			route = g_strdup("quoted notice");
	}
	if ((rc = route_by_reference(env, r, &ref_case, &ref_vendor,
	    error_r)) != STORE_OK)
		goto fail;
	if (case_id == NULL) {
		/* The outer Subject and In-Reply-To are not signed: anyone
		 * on the way can rewrite them. A hint, never a route. */
		char *hint = find_id(conf, r->subject_outer);

		if (hint == NULL && ref_case != NULL)
			hint = g_strdup(ref_case);
		if (hint != NULL)
			d = QUARANTINE("case-unsigned", "the case id %s is only "
			    "in the unsigned headers (Subject or In-Reply-To), "
			    "which anyone on the way can change; nothing was "
			    "recorded. Put the line 'Case: %s' in the signed "
			    "reply (or keep the quoted notice)", hint, hint);
		else
			d = QUARANTINE("no-case", "no case id in the signed "
			    "reply: add the line 'Case: ID' (or keep the "
			    "quoted notice)");
		g_free(hint);
		goto done;
	}
	rc = vcase_get(env->st, case_id, &c, &err);
	if (rc == STORE_NOTFOUND) {
		g_free(err);
		d = QUARANTINE("unknown-case", "%s is not a case you take part "
		    "in", case_id);
		goto done;
	}
	if (rc != STORE_OK) {
		*error_r = err;
		goto fail;
	}
	for (i = 0; i < c->participants->len; i++)
		if (strcmp(((struct participant *)c->participants->pdata[i])
		    ->handle, v->handle) == 0)
			break;
	if (i == c->participants->len) {
		/* Worded as for a case that does not exist: a stranger
		 * learns nothing of which ids are real. */
		d = QUARANTINE("not-participant", "%s is not a case you take "
		    "part in", case_id);
		goto done;
	}
	/* Rule 7: a reply cannot predate its vendor's first notice, nor be
	 * dated ahead of our clock. */
	{
		const struct participant *pt = c->participants->pdata[i];
		int64_t first = pt->first_attempt != 0 ? pt->first_attempt :
		    pt->added;

		if ((d = signature_time_refusal(conf, r, first, now)) !=
		    NULL)
			goto done;
	}
	/* Vendor A answering a notice we sent to vendor B. */
	if (ref_case != NULL && strcmp(ref_case, case_id) == 0 &&
	    ref_vendor != 0 && ref_vendor != v->id) {
		d = QUARANTINE("wrong-vendor", "signed by %s but answers a "
		    "message sent to another vendor", v->handle);
		goto done;
	}
	if (form->errors->len > 0) {
		GString *s = g_string_new(NULL);

		for (i = 0; i < form->errors->len; i++) {
			const struct form_issue *is = form->errors->pdata[i];

			g_string_append_printf(s, "%sline %u: %s",
			    i ? "; " : "", is->line, is->message);
		}
		d = decision(INBOUND_QUARANTINE, "bad-form",
		    g_strdup_printf("the reply form has errors, nothing was "
		    "recorded: %s", s->str));
		g_string_free(s, TRUE);
		goto done;
	}
	if (form->pubdate_request != NULL && vtime_parse(form->pubdate_request,
	    conf->tz, INBOUND_DEFAULT_HOUR, 0, &pub) == -1) {
		d = QUARANTINE("bad-form", "Publication-Date-Request %s is not "
		    "a date", form->pubdate_request);
		goto done;
	}
	if (form->n_fields == 0 || (form->n_fields == 1 &&
	    form->case_id != NULL)) {
		d = QUARANTINE("empty-form", "no reply-form field was filled "
		    "in");
		goto done;
	}
	if ((err = reply_order(env, r, case_id, v->id, &kind, &rc)) != NULL) {
		d = decision(INBOUND_QUARANTINE, kind, err);
		err = NULL;
		goto done;
	}
	if (rc != STORE_OK) {
		rc = store_error(env->st, "reply order", error_r);
		goto fail;
	}
	d = decision(INBOUND_APPLY, "applied", g_strdup_printf("reply from "
	    "%s to %s", v->handle, case_id));
	d->form = form;
	form = NULL;
	form_summary(d, conf->tz);
done:
	d->case_id = case_id;
	case_id = NULL;
	d->route = route;
	route = NULL;
	d->vendor = g_strdup(v->handle);
	d->vendor_id = v->id;
	for (i = 0; i < v->contacts->len; i++) {
		const struct contact *ct = v->contacts->pdata[i];

		if (ct->id == contact_id) {
			d->contact = g_strdup(ct->address);
			d->contact_fpr = g_strdup(ct->fingerprint);
		}
	}
	if (d->form == NULL)
		d->form = form;
	else
		form_free(&form);
	form = NULL;
	*d_r = d;
	rc = STORE_OK;
fail:
	form_free(&form);
	g_free(case_id);
	g_free(route);
	g_free(ref_case);
	vcase_free(&c);
	vendor_free(&v);
	return rc;
}

/* 1 if the address list (a header's value) holds address itself, not
 * merely a string containing it. */
static int
list_has_address(const char *list, const char *address)
{
	InternetAddressList *l;
	int i, n, found = 0;

	if (list == NULL || address == NULL)
		return 0;
	if ((l = internet_address_list_parse(NULL, list)) == NULL)
		return 0;
	n = internet_address_list_length(l);
	for (i = 0; i < n && !found; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);
		const char *a;

		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		a = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		found = a != NULL && g_ascii_strcasecmp(a, address) == 0;
	}
	g_object_unref(l);
	return found;
}

/*
 * Rule 6: a block runs only where its signed content says it may. The
 * protected To (decode keeps only signed protected headers) or a "desk"
 * line before the first command must name this desk; the outer To is
 * whatever the sender of the envelope wrote.
 */
static int
names_desk(const struct vdec_result *r, const struct cmd_block *b,
    const char *desk)
{
	if (b != NULL && b->desk != NULL)
		return g_ascii_strcasecmp(b->desk, desk) == 0;
	return list_has_address(r->to_prot, desk);
}

/* 1 if this verified coordinator signature was seen before; -1 on error. */
static int
command_seen(const struct inbound_env *env, const struct vdec_result *r)
{
	sqlite3_stmt *s = store_stmt(env->st, "SELECT 1 FROM seen_commands "
	    "WHERE signer = ? AND sig_time = ? AND data_hash = ?");
	int step;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, r->signer_fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, r->sig_time);
	sqlite3_bind_text(s, 3, r->signed_hash, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return -1;
	return step == SQLITE_ROW;
}

/* A coordinator's block: authenticated by the caller (encrypted, good
 * signature by a listed fingerprint); here the replay rules. */
static int
decide_command(const struct inbound_env *env, const struct vdec_result *r,
    int64_t now, struct inbound_decision **d_r, char **error_r)
{
	const struct vconf *conf = env->conf;
	struct inbound_decision *d;
	const char *perr = NULL;
	int seen;

	if (r->sig_time == 0 || r->sig_time < now - conf->command_max_age ||
	    r->sig_time > now + conf->max_clock_skew) {
		char *t = vtime_format(r->sig_time, conf->tz);

		*d_r = QUARANTINE("replay", "the signature was made %s, outside "
		    "command_max_age (or ahead of our clock by more than "
		    "max_clock_skew): nothing was run", t ? t : "(no time)");
		g_free(t);
		return STORE_OK;
	}
	if ((seen = command_seen(env, r)) < 0)
		return store_error(env->st, "seen commands", error_r);
	if (seen) {
		*d_r = QUARANTINE("replay", "this signed block was seen before "
		    "(run, or refused): nothing was run");
		return STORE_OK;
	}
	d = decision(INBOUND_COMMAND, "command", g_strdup_printf("commands "
	    "signed by coordinator %s", r->signer_fpr));
	if (cmd_parse(r->text ? r->text : "", r->text_len, cmdrun_is_case_id,
	    (void *)conf, &d->block, &perr) == -1) {
		inbound_decision_free(&d);
		*d_r = QUARANTINE("bad-command", "the command block was "
		    "refused: %s", perr);
		return STORE_OK;
	}
	if (!names_desk(r, d->block, conf->address)) {
		const char *other = d->block->desk;

		inbound_decision_free(&d);
		if (other != NULL)
			*d_r = QUARANTINE("not-to-desk", "the signed block names "
			    "the desk %s, not %s: nothing was run", other,
			    conf->address);
		else
			*d_r = QUARANTINE("not-to-desk", "the signed block does "
			    "not name this desk, so it could have been meant "
			    "for another: nothing was run. Put the line 'desk "
			    "%s' before the first command, or send it with "
			    "protected headers (a To inside the signed part "
			    "that includes %s)", conf->address, conf->address);
		return STORE_OK;
	}
	*d_r = d;
	return STORE_OK;
}

/* The one application/pgp-keys attachment, or NULL. */
static const struct vdec_attachment *
key_attachment(const struct vdec_result *r)
{
	const struct vdec_attachment *found = NULL;
	guint i;

	for (i = 0; i < r->attachments->len; i++) {
		const struct vdec_attachment *a = r->attachments->pdata[i];

		if (strcmp(a->content_type, "application/pgp-keys") != 0)
			continue;
		if (found != NULL)
			return NULL;
		found = a;
	}
	return found;
}

/* A registration request: encrypted, with a registration form and one key
 * attached, signed by that key (unknown to us until imported: then
 * KEY_MISSING; or already in the key ring but pinned to nobody). */
static int
decide_registration(const struct inbound_env *env,
    const struct vdec_result *r, struct inbound_decision **d_r,
    char **error_r)
{
	const struct vdec_attachment *a = key_attachment(r);
	struct vendor *v = NULL;
	struct vkey_info info;
	struct regform f;
	char *why = NULL;
	gsize len;
	const void *data;
	int rc;

	*d_r = NULL;
	if (a == NULL || (r->sig != VDEC_SIG_KEY_MISSING &&
	    r->sig != VDEC_SIG_GOOD) || !regform_parse(r->text, &f))
		return STORE_OK;
	if (r->sig == VDEC_SIG_GOOD) {
		rc = vendor_by_fingerprint(env->st, r->signer_fpr, &v, NULL,
		    &why);
		vendor_free(&v);
		g_free(why);
		why = NULL;
		if (rc != STORE_NOTFOUND || is_coordinator(env->conf,
		    r->signer_fpr)) {
			regform_clear(&f);
			return rc == STORE_OK || rc == STORE_NOTFOUND ? STORE_OK
			    : store_error(env->st, "registration", error_r);
		}
	}
	data = g_bytes_get_data(a->data, &len);
	if (vkeys_examine(env->ctx, NULL, data, len, &info, &why) == -1) {
		*d_r = QUARANTINE("bad-registration", "registration request "
		    "from %s: the attached key is refused: %s",
		    r->from_addr ? r->from_addr : "?", why);
		g_free(why);
		regform_clear(&f);
		return STORE_OK;
	}
	if (r->sig == VDEC_SIG_GOOD && strcmp(info.fpr, r->signer_fpr) != 0) {
		*d_r = QUARANTINE("bad-registration", "registration request "
		    "signed by %s but the attached key is %s", r->signer_fpr,
		    info.fpr);
		vkey_info_clear(&info);
		regform_clear(&f);
		return STORE_OK;
	}
	*d_r = decision(INBOUND_REGISTER, "registration", g_strdup_printf(
	    "registration request from %s <%s>, key %s%s", f.organisation,
	    r->from_addr ? r->from_addr : "?", info.fpr, r->sig ==
	    VDEC_SIG_GOOD ? "" : " (the signature is checked once the key "
	    "is imported)"));
	(*d_r)->contact_fpr = g_strdup(info.fpr);
	vkey_info_clear(&info);
	regform_clear(&f);
	return STORE_OK;
}

int
inbound_decide(const struct inbound_env *env, const char *raw, size_t len,
    int64_t now, struct vdec_result **dec_r, struct inbound_decision **d_r,
    char **error_r)
{
	GMimeStream *s = spill_view(raw, len);
	int rc;

	rc = inbound_decide_stream(env, s, now, dec_r, d_r, error_r);
	spill_view_release(s);
	return rc;
}

int
inbound_decide_stream(const struct inbound_env *env, GMimeStream *raw,
    int64_t now, struct vdec_result **dec_r, struct inbound_decision **d_r,
    char **error_r)
{
	struct vdec_limits lim;
	struct vdec_result *r = NULL;
	struct vcrypto here = { &vdec_gpgme_ops, env->ctx };
	const char *derr = NULL;
	char *why = NULL, *leak = NULL, *dir;
	int rc = STORE_OK, vrc;

	*d_r = NULL;
	if (dec_r != NULL)
		*dec_r = NULL;
	vdec_limits_default(&lim);
	lim.max_message = env->conf->max_message_size;
	dir = inbound_spill_dir(env->conf);
	lim.spill_dir = dir;
	vrc = vdec_decode_stream(env->crypto != NULL ? env->crypto : &here,
	    raw, &lim, &r, &derr);
	g_free(dir);
	if (vrc == VDEC_TEMPFAIL) {
		*error_r = g_strdup_printf("decoding: %s", derr);
		return STORE_TEMP;
	}
	if (vrc < 0) {
		*d_r = QUARANTINE("undecodable", "the message cannot be "
		    "decoded: %s", derr);
		return STORE_OK;
	}
	if (is_auto_reply(r, env->conf->address, &why)) {
		*d_r = decision(INBOUND_IGNORE, "auto-reply", why);
		goto out;
	}
	if (!r->encrypted) {
		char *both = g_strconcat(r->subject_outer ? r->subject_outer :
		    "", "\n", r->text ? r->text : "", NULL);

		rc = embargoed_case(env, both, &leak, error_r);
		/* Answering one of our notices in clear, or naming a case by
		 * its title, leaks as much as naming its id. */
		if (rc == STORE_OK && leak == NULL)
			rc = clear_reference(env, r, both, &leak, error_r);
		g_free(both);
		if (rc != STORE_OK)
			goto out;
		if (leak != NULL) {
			*d_r = QUARANTINE("leak", "a clear-text message names "
			    "the embargoed case %s: possible leak", leak);
			(*d_r)->case_id = leak;
			leak = NULL;
		} else
			*d_r = QUARANTINE("not-encrypted", "the message is not "
			    "encrypted to the desk key");
		goto out;
	}
	/* What is in clear beside the ciphertext is checked for leaks even
	 * when the ciphertext cannot be read. */
	if ((rc = embargoed_case(env, r->clear_text, &leak, error_r)) !=
	    STORE_OK)
		goto out;
	/* (Not the outer Subject: our own notices carry the id there.) */
	if (leak == NULL && !r->decrypted && (rc = embargoed_case(env,
	    r->text, &leak, error_r)) != STORE_OK)
		goto out;
	if (leak == NULL && !r->decrypted) {
		*d_r = QUARANTINE("undecryptable", "cannot decrypt: %s",
		    r->decrypt_error ? r->decrypt_error : "unknown error");
		goto out;
	}
	if (leak != NULL) {
		*d_r = QUARANTINE("leak", "text outside the encrypted part "
		    "names the embargoed case %s: possible leak", leak);
		(*d_r)->case_id = leak;
		leak = NULL;
		goto out;
	}
	if ((rc = decide_registration(env, r, d_r, error_r)) != STORE_OK ||
	    *d_r != NULL)
		goto out;
	if (r->sig != VDEC_SIG_GOOD) {
		*d_r = QUARANTINE(sig_kind(r->sig), "%s%s%s",
		    r->sig == VDEC_SIG_NONE ? "encrypted but not signed" :
		    vdec_sig_name(r->sig), r->verify_error ? ": " : "",
		    r->verify_error ? r->verify_error : "");
		goto out;
	}
	if (is_coordinator(env->conf, r->signer_fpr)) {
		char *weak = policy_refusal(env->conf, r);

		if (weak != NULL) {
			*d_r = decision(INBOUND_QUARANTINE, "weak-algorithm",
			    weak);
			goto out;
		}
		rc = decide_command(env, r, now, d_r, error_r);
		goto out;
	}
	rc = decide_reply(env, r, now, d_r, error_r);
out:
	g_free(leak);
	if (dec_r != NULL)
		*dec_r = r;
	else
		vdec_result_free(&r);
	return rc;
}

static int
apply_reply(const struct inbound_env *env, const struct inbound_decision *d,
    const struct vdec_result *r, int64_t now, char **error_r)
{
	const char *message_id = r != NULL ? r->message_id : NULL;
	const struct form *f = d->form;
	struct store *st = env->st;
	sqlite3_stmt *s;
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
	s = store_stmt(st, "UPDATE participants SET "
	    "comment = COALESCE(?2, comment), "
	    "advisory_url = COALESCE(?3, advisory_url), "
	    "fix_plan = COALESCE(?4, fix_plan), "
	    "fix_date = COALESCE(?5, fix_date), "
	    "workaround_plan = COALESCE(?6, workaround_plan), "
	    "workaround_date = COALESCE(?7, workaround_date), "
	    "pubdate_request = COALESCE(?8, pubdate_request), "
	    "pubdate_reason = CASE WHEN ?8 IS NULL THEN pubdate_reason "
	    "ELSE ?9 END, "
	    "last_answer = ?11, "
	    "last_reply_signed = CASE WHEN ?14 IS NULL THEN "
	    "last_reply_signed ELSE max(coalesce(last_reply_signed, 0), "
	    "min(?14, ?11)) END "
	    "WHERE case_id = ?12 AND vendor_id = ?13");
	if (s == NULL)
		return store_error(st, "apply reply", error_r);
	sqlite3_bind_text(s, 2, f->comment, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, f->advisory_url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, f->fix_plan, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, f->fix_date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, f->workaround_plan, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, f->workaround_date, -1, SQLITE_TRANSIENT);
	if (pub != 0)
		sqlite3_bind_int64(s, 8, pub);
	sqlite3_bind_text(s, 9, f->reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 11, now);
	sqlite3_bind_text(s, 12, d->case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 13, d->vendor_id);
	if (r != NULL && r->sig_time != 0)
		sqlite3_bind_int64(s, 14, r->sig_time);
	if ((rc = store_exec_stmt(st, s, "apply reply", error_r)) != STORE_OK)
		return rc;
	if (r != NULL && r->sig_time != 0) {
		s = store_stmt(st, "INSERT INTO seen_replies (signer, sig_time, "
		    "data_hash, seen_at) VALUES (?, ?, ?, ?)");
		if (s == NULL)
			return store_error(st, "seen replies", error_r);
		sqlite3_bind_text(s, 1, r->signer_fpr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, r->sig_time);
		sqlite3_bind_text(s, 3, r->signed_hash, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 4, now);
		if ((rc = store_exec_stmt(st, s, "seen replies", error_r)) !=
		    STORE_OK)
			return rc;
	}
	for (i = 0; i < f->shares->len; i++) {
		const struct form_share *sh = f->shares->pdata[i];

		s = store_stmt(st, "INSERT INTO related_orgs (case_id, "
		    "requested_by, organisation, contact, address, phone, "
		    "created) VALUES (?, ?, ?, ?, ?, ?, ?)");
		if (s == NULL)
			return store_error(st, "share request", error_r);
		sqlite3_bind_text(s, 1, d->case_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, d->vendor_id);
		sqlite3_bind_text(s, 3, sh->organisation, -1,
		    SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 4, sh->contact, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 5, sh->address, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 6, sh->phone, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 7, now);
		if ((rc = store_exec_stmt(st, s, "share request", error_r)) !=
		    STORE_OK)
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
	sqlite3_stmt *s = store_stmt(st, "UPDATE messages SET state = ?, "
	    "kind = ?, reason = ?, case_id = ?, vendor = ?, signer = ?, "
	    "message_id = ?, processed_at = ? WHERE id = ? AND state = 'new'");
	const char *state = d->action == INBOUND_APPLY ||
	    d->action == INBOUND_COMMAND || d->action == INBOUND_REGISTER ?
	    "processed" :
	    d->action == INBOUND_IGNORE ? "ignored" : "quarantined";
	int rc;

	if (s == NULL)
		return store_error(st, "message state", error_r);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, d->reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, d->case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, d->vendor, -1, SQLITE_TRANSIENT);
	/* Only a verified signer is recorded: a bad signature claims a key
	 * it does not prove. */
	if (r != NULL && r->sig == VDEC_SIG_GOOD && r->signer_fpr[0] != '\0')
		sqlite3_bind_text(s, 6, r->signer_fpr, -1, SQLITE_TRANSIENT);
	if (r != NULL)
		sqlite3_bind_text(s, 7, r->message_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int64(s, 9, row);
	if ((rc = store_exec_stmt(st, s, "message state", error_r)) !=
	    STORE_OK)
		return rc;
	if (sqlite3_changes(store_db(st)) != 1) {
		/* Another process took it first: its commit wins. */
		*error_r = g_strdup_printf("message %" G_GINT64_FORMAT
		    " was processed concurrently", (gint64)row);
		return STORE_TEMP;
	}
	return STORE_OK;
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
	sqlite3_stmt *s;
	GString *res = g_string_new(NULL);
	char *ev, *text;
	int64_t pid;
	int rc;

	o.actor = "intake";
	o.cause = r->message_id;
	s = store_stmt(st, "UPDATE related_orgs SET proposed_fpr = ? WHERE id "
	    "= ?");
	if (s == NULL) {
		g_string_free(res, TRUE);
		return store_error(st, "share", error_r);
	}
	sqlite3_bind_text(s, 1, d->contact_fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, rel);
	if ((rc = store_exec_stmt(st, s, "share", error_r)) != STORE_OK ||
	    (rc = ops_key_propose(&o, 0, rel, r->from_addr, d->contact_fpr,
	    now, &pid, error_r)) != STORE_OK) {
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
static int
apply_registration(const struct inbound_env *env,
    struct inbound_decision *d, const struct vdec_result *r, int64_t now,
    char **error_r)
{
	struct store *st = env->st;
	struct regform f;
	struct vendor *v = NULL;
	struct outbound o;
	GPtrArray *kw = NULL;
	sqlite3_stmt *s;
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
	o = *env->out;
	o.actor = "intake";
	o.cause = r->message_id;
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
	s = store_stmt(st, "SELECT id, case_id, organisation, vouched_fpr FROM "
	    "related_orgs WHERE lower(address) = lower(?) AND state = "
	    "'approved' ORDER BY id DESC LIMIT 1");
	if (s == NULL) {
		rc = store_error(st, "registration", error_r);
		goto out;
	}
	sqlite3_bind_text(s, 1, r->from_addr, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		int64_t rel = sqlite3_column_int64(s, 0);
		char *rcase = store_col_text(s, 1), *org = store_col_text(s, 2);
		char *vouched = store_col_text(s, 3);

		sqlite3_reset(s);
		rc = share_key_arrived(env, d, r, rel, rcase, org, vouched, now,
		    error_r);
		g_free(rcase);
		g_free(org);
		g_free(vouched);
		goto out;
	}
	sqlite3_reset(s);
	/* A vendor we know at this address: unregistered, or a contact
	 * sending a new key (or someone claiming to be one). */
	s = store_stmt(st, "SELECT v.handle, c.fingerprint FROM contacts c JOIN "
	    "vendors v ON v.id = c.vendor_id WHERE lower(c.address) = lower(?) "
	    "ORDER BY v.state = 'unregistered' DESC, v.id LIMIT 1");
	if (s == NULL) {
		rc = store_error(st, "registration", error_r);
		goto out;
	}
	sqlite3_bind_text(s, 1, r->from_addr, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_ROW) {
		handle = store_col_text(s, 0);
		old = store_col_text(s, 1);
	}
	sqlite3_reset(s);
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
	if ((rc = ops_key_propose(&o, v->id, 0, r->from_addr, d->contact_fpr,
	    now, &pid, error_r)) != STORE_OK)
		goto out;
	d->vendor = g_strdup(handle);
	d->vendor_id = v->id;
	if (f.case_id != NULL)
		d->case_id = find_id(env->conf, f.case_id);
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
static int
apply_key_change(const struct inbound_env *env, struct inbound_decision *d,
    const struct vdec_result *r, int64_t now, char **error_r)
{
	const struct vdec_attachment *a = key_attachment(r);
	struct outbound o;
	struct vkey_info info;
	sqlite3_stmt *s;
	GString *news = g_string_new(NULL);
	const void *data;
	char *why = NULL, *text, *exp;
	int64_t pid = 0;
	gsize len;
	guint i;
	int rc, same;

	if (env->out == NULL || a == NULL || d->contact == NULL) {
		g_string_free(news, TRUE);
		*error_r = g_strdup("key change needs the outbound setup");
		return STORE_TEMP;
	}
	o = *env->out;
	o.actor = d->vendor;
	o.cause = r->message_id;
	data = g_bytes_get_data(a->data, &len);
	if (vkeys_examine(env->ctx, NULL, data, len, &info, &why) == -1) {
		d->action = INBOUND_QUARANTINE;
		d->kind = "bad-key";
		g_free(d->reason);
		d->reason = g_strdup_printf("the attached key is refused: %s",
		    why);
		g_free(why);
		g_string_free(news, TRUE);
		text = g_strdup_printf("vendor=%s %s", d->vendor, d->reason);
		rc = event_add(env->st, NULL, now, d->vendor, "quarantined",
		    text, r->message_id, error_r);
		g_free(text);
		return rc;
	}
	same = d->contact_fpr != NULL && strcmp(info.fpr, d->contact_fpr) == 0;
	for (i = 0; info.new_subkeys != NULL && i < info.new_subkeys->len;
	    i++)
		g_string_append_printf(news, "%s%s", i ? "," : "",
		    (char *)info.new_subkeys->pdata[i]);
	exp = info.expires != 0 ? vtime_format(info.expires, env->conf->tz) :
	    g_strdup("never");
	if ((rc = ops_key_propose(&o, d->vendor_id, 0, d->contact, info.fpr,
	    now, &pid, error_r)) != STORE_OK)
		goto out;
	s = store_stmt(env->st, "UPDATE key_proposals SET key = ?, message = "
	    "NULL WHERE id = ?");
	if (s == NULL) {
		rc = store_error(env->st, "key proposal", error_r);
		goto out;
	}
	sqlite3_bind_blob64(s, 1, data, len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, pid);
	if ((rc = store_exec_stmt(env->st, s, "key proposal", error_r)) !=
	    STORE_OK)
		goto out;
	text = g_strdup_printf("vendor=%s contact=%s key=%s pinned=%s "
	    "proposal=%lld expires=%s%s%s", d->vendor, d->contact, info.fpr,
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
		    info.fpr, news->len ? "new subkeys " : "no new subkey",
		    news->str, exp, d->vendor, info.fpr);
	else
		text = g_strdup_printf("%s <%s> proposes the new key %s (expires "
		    "%s), in a message signed by its pinned key %s. Nothing was "
		    "changed: check the new fingerprint with them out of band, "
		    "then: vendor key %s confirm %s", d->vendor, d->contact,
		    info.fpr, exp, d->contact_fpr ? d->contact_fpr : "?",
		    d->vendor, info.fpr);
	rc = outbound_alert(env->out, NULL, "key change proposed", text, now,
	    error_r);
	g_free(text);
out:
	g_free(exp);
	g_string_free(news, TRUE);
	vkey_info_clear(&info);
	return rc;
}

/* The transcript (or the refusal of a replay) to the coordinator. */
static int
send_transcript(const struct inbound_env *env, const struct vdec_result *r,
    const char *text, unsigned errors, int64_t now, char **error_r)
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
		rc = send_transcript(env, r, t->str, errors, now, error_r);
	g_string_free(t, TRUE);
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

/* 1 if address is a registered contact with a pinned key: it gets a
 * request to sign, not the generic answer. */
static int
answered_contact(const struct inbound_env *env, const char *address)
{
	sqlite3_stmt *s = store_stmt(env->st, "SELECT 1 FROM contacts WHERE "
	    "lower(address) = lower(?) AND fingerprint IS NOT NULL");
	int found;

	if (s == NULL)
		return 0;
	sqlite3_bind_text(s, 1, address, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	return found;
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
	sqlite3_stmt *s;
	GVariantDict *d;
	GVariant *v;
	char *detail;
	int recent, rc;

	if (!vconf_valid_address(address) ||
	    g_ascii_strcasecmp(address, env->conf->address) == 0)
		return STORE_OK;
	detail = g_strdup_printf("to=%s", address);
	s = store_stmt(env->st, "SELECT 1 FROM events WHERE kind = "
	    "'generic-answer' AND detail = ? AND at > ? LIMIT 1");
	if (s == NULL) {
		g_free(detail);
		return store_error(env->st, "generic answer", error_r);
	}
	sqlite3_bind_text(s, 1, detail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now - 86400);
	recent = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	if (recent) {
		g_free(detail);
		return STORE_OK;
	}
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
static int
answer(const struct inbound_env *env, const struct inbound_decision *d,
    const struct vdec_result *r, int64_t row, int64_t now, char **error_r)
{
	struct vendor *v = NULL;
	GVariantDict *vars;
	int rc = STORE_OK;

	if (env->out == NULL || d->action == INBOUND_IGNORE ||
	    d->action == INBOUND_COMMAND || d->action == INBOUND_REGISTER)
		return STORE_OK;
	if (strcmp(d->kind, "leak") != 0 && coordinator_signed(env, r)) {
		/* Whatever became of a coordinator's block, it is told why,
		 * encrypted to the coordinator's own key. */
		char *text = g_strdup_printf("ERROR %s\n", d->reason);

		rc = send_transcript(env, r, text, 1, now, error_r);
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
			rc = send_answer(env, "rejected", d->case_id,
			    d->vendor_id, d->contact, d->contact_fpr,
			    v->language, v->name, vars, r, now, error_r);
		}
		vendor_free(&v);
		return rc;
	}
	if ((signature_problem(d->kind) || strcmp(d->kind, "not-encrypted") ==
	    0) && r != NULL && r->from_addr != NULL &&
	    answered_contact(env, r->from_addr)) {
		/* Identity is not established: answer only a registered
		 * contact at the From address, under its own pinned key, with
		 * nothing but the request to sign. */
		sqlite3_stmt *s = store_stmt(env->st, "SELECT v.handle, "
		    "c.fingerprint FROM contacts c JOIN vendors v ON v.id = "
		    "c.vendor_id WHERE lower(c.address) = lower(?) AND "
		    "c.fingerprint IS NOT NULL");
		char *handle = NULL, *fpr = NULL;

		if (s == NULL)
			return store_error(env->st, "sign request", error_r);
		sqlite3_bind_text(s, 1, r->from_addr, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(s) == SQLITE_ROW) {
			handle = store_col_text(s, 0);
			fpr = store_col_text(s, 1);
		}
		sqlite3_reset(s);
		/* Anyone can write that From: at most one request to sign an
		 * hour per address, so that forged mail cannot make the desk
		 * flood a vendor. */
		s = store_stmt(env->st, "SELECT 1 FROM outbox WHERE kind = "
		    "'sign-request' AND lower(recipient) = lower(?) AND created > "
		    "? LIMIT 1");
		if (s == NULL) {
			g_free(handle);
			g_free(fpr);
			return store_error(env->st, "sign request", error_r);
		}
		sqlite3_bind_text(s, 1, r->from_addr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, now - 3600);
		if (sqlite3_step(s) == SQLITE_ROW) {
			g_free(handle);
			handle = NULL;
		}
		sqlite3_reset(s);
		if (handle != NULL &&
		    (rc = vendor_get(env->st, handle, &v, error_r)) ==
		    STORE_OK) {
			char *cid = find_id(env->conf, r->subject);

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
	if (generic_answer_kind(d->kind) && r != NULL && r->from_addr != NULL)
		rc = generic_answer(env, r->from_addr, now, error_r);
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
	sqlite3_stmt *s;
	char *dir;
	int rc;

	*p_r = NULL;
	s = store_stmt(st, "SELECT state FROM messages WHERE id = ?");
	if (s == NULL)
		return store_error(st, "load message", error_r);
	sqlite3_bind_int64(s, 1, row);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			*error_r = g_strdup_printf("no message %" G_GINT64_FORMAT,
			    (gint64)row);
			return STORE_NOTFOUND;
		}
		return store_error(st, "load message", error_r);
	}
	p = g_new0(struct inbound_prepared, 1);
	p->row = row;
	if (strcmp((const char *)sqlite3_column_text(s, 0), "new") != 0) {
		sqlite3_reset(s);
		p->done = 1;
		*p_r = p;
		return STORE_OK;
	}
	sqlite3_reset(s);
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
		const struct vdec_attachment *a = key_attachment(p->r);
		struct vkey_info info;
		gsize klen;
		const void *kd = g_bytes_get_data(a->data, &klen);
		char *why = NULL;

		if (vkeys_import(env->ctx, kd, klen, &info, &why) == -1) {
			/* Examined and refused before it touched the
			 * keyring (a planted subkey, a weak key...). */
			inbound_decision_free(&p->d);
			p->d = QUARANTINE("bad-registration", "registration "
			    "request from %s: the attached key is refused: %s",
			    p->r->from_addr ? p->r->from_addr : "?", why);
			g_free(why);
		} else {
			vkey_info_clear(&info);
			vdec_result_free(&p->r);
			inbound_decision_free(&p->d);
			rc = inbound_decide_stream(env, raw, now, &p->r, &p->d,
			    error_r);
			if (rc == STORE_OK && p->d->action ==
			    INBOUND_REGISTER && p->r->sig != VDEC_SIG_GOOD) {
				inbound_decision_free(&p->d);
				p->d = QUARANTINE("bad-registration",
				    "registration request not signed by its "
				    "attached key");
			}
		}
	}
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
	sqlite3_stmt *s;
	int seen;

	if (!coordinator_signed(env, r))
		return STORE_OK;
	if ((seen = command_seen(env, r)) < 0)
		return store_error(env->st, "seen commands", error_r);
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
	s = store_stmt(env->st, "INSERT INTO seen_commands (signer, sig_time, "
	    "data_hash, seen_at, outcome) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_error(env->st, "seen commands", error_r);
	sqlite3_bind_text(s, 1, r->signer_fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, r->sig_time);
	sqlite3_bind_text(s, 3, r->signed_hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_text(s, 5, d->kind, -1, SQLITE_STATIC);
	return store_exec_stmt(env->st, s, "seen commands", error_r);
}

/* reply_order() again inside the transaction that applies, where no other
 * reply can be applied meanwhile (the decoder decided before the previous
 * message's commit): an APPLY may turn into a quarantine here. */
static int
recheck_order(const struct inbound_env *env, struct inbound_decision *d,
    const struct vdec_result *r, char **error_r)
{
	const char *kind = NULL;
	char *why;
	int rc;

	why = reply_order(env, r, d->case_id, d->vendor_id, &kind, &rc);
	if (rc != STORE_OK)
		return store_error(env->st, "reply order", error_r);
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
		rc = apply_key_change(env, d, r, now, error_r);
	else if (d->action == INBOUND_REGISTER)
		rc = apply_registration(env, d, r, now, error_r);
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

		rc = answer(env, d, r, row, now, &aerr);
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
	GArray *rows = g_array_new(FALSE, FALSE, sizeof(gint64));
	sqlite3_stmt *s;
	guint i;
	int rc = STORE_OK;

	*n_r = 0;
	s = store_stmt(env->st, "SELECT id FROM messages WHERE state = 'new' "
	    "ORDER BY id");
	if (s == NULL) {
		g_array_unref(rows);
		return store_error(env->st, "pending", error_r);
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(s, 0);

		g_array_append_val(rows, id);
	}
	sqlite3_reset(s);
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

int
inbound_requeue(struct store *st, int64_t row, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE messages SET state = 'new', "
	    "kind = NULL, reason = NULL, processed_at = NULL WHERE id = ? AND "
	    "state = 'quarantined'");
	int rc;

	if (s == NULL)
		return store_error(st, "requeue", error_r);
	sqlite3_bind_int64(s, 1, row);
	if ((rc = store_exec_stmt(st, s, "requeue", error_r)) != STORE_OK)
		return rc;
	if (sqlite3_changes(store_db(st)) != 1) {
		*error_r = g_strdup_printf("message %" G_GINT64_FORMAT " is not "
		    "in quarantine", (gint64)row);
		return STORE_NOTFOUND;
	}
	return STORE_OK;
}
