/*
 * inbound_raw.c: the messages store. Messages are written as received,
 * deduplicated by a hash that reads CRLF as LF, and read back in pieces
 * to a spill; their states, the quarantine and the signatures seen
 * (msgstore.h). Nothing here decodes or decides.
 */
#include "config.h"

#include <string.h>

#include "vulture/inbound.h"
#include "vulture/msgstore.h"
#include "vulture/spill.h"
#include "vulture/store.h"

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

int
msgstore_state(struct store *st, int64_t row, char **state_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT state FROM messages WHERE "
	    "id = ?");
	int rc;

	*state_r = NULL;
	if (s == NULL)
		return store_error(st, "load message", error_r);
	sqlite3_bind_int64(s, 1, row);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*state_r = store_col_text(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		*error_r = g_strdup_printf("no message %" G_GINT64_FORMAT,
		    (gint64)row);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_error(st, "load message", error_r);
	return STORE_OK;
}

int
msgstore_finish(struct store *st, int64_t row,
    const struct msgstore_outcome *o, int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE messages SET state = ?, "
	    "kind = ?, reason = ?, case_id = ?, vendor = ?, signer = ?, "
	    "message_id = ?, processed_at = ? WHERE id = ? AND state = 'new'");
	int rc;

	if (s == NULL)
		return store_error(st, "message state", error_r);
	sqlite3_bind_text(s, 1, o->state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, o->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, o->reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, o->case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, o->vendor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, o->signer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, o->message_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 8, now);
	sqlite3_bind_int64(s, 9, row);
	if ((rc = store_exec_stmt(st, s, "message state", error_r)) !=
	    STORE_OK)
		return rc;
	if (sqlite3_changes(store_db(st)) != 1) {
		*error_r = g_strdup_printf("message %" G_GINT64_FORMAT
		    " was processed concurrently", (gint64)row);
		return STORE_TEMP;
	}
	return STORE_OK;
}

int
msgstore_pending(struct store *st, GArray **rows_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT id FROM messages WHERE "
	    "state = 'new' ORDER BY id");
	GArray *rows;
	int rc;

	*rows_r = NULL;
	if (s == NULL)
		return store_error(st, "pending", error_r);
	rows = g_array_new(FALSE, FALSE, sizeof(gint64));
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(s, 0);

		g_array_append_val(rows, id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_array_unref(rows);
		return store_error(st, "pending", error_r);
	}
	*rows_r = rows;
	return STORE_OK;
}

int
msgstore_requeue(struct store *st, int64_t row, char **error_r)
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

int
msgstore_release_held(struct store *st, const char *handle, int *n_r,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE messages SET state = 'new', "
	    "kind = NULL, reason = NULL, processed_at = NULL WHERE state = "
	    "'quarantined' AND kind = 'pending-vendor' AND vendor = ?");
	int rc;

	*n_r = 0;
	if (s == NULL)
		return store_error(st, "held replies", error_r);
	sqlite3_bind_text(s, 1, handle, -1, SQLITE_TRANSIENT);
	if ((rc = store_exec_stmt(st, s, "held replies", error_r)) !=
	    STORE_OK)
		return rc;
	*n_r = sqlite3_changes(store_db(st));
	return STORE_OK;
}

static void
quarantined_free(gpointer p)
{
	struct msgstore_quarantined *q = p;

	g_free(q->kind);
	g_free(q->reason);
	g_free(q->case_id);
	g_free(q->vendor);
	g_free(q->signer);
	g_free(q->message_id);
	g_free(q);
}

int
msgstore_quarantine_list(struct store *st, GPtrArray **list_r,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT id, received, kind, reason, "
	    "case_id, vendor, signer, message_id, size FROM messages WHERE "
	    "state = 'quarantined' ORDER BY id");
	GPtrArray *list;
	int rc;

	*list_r = NULL;
	if (s == NULL)
		return store_error(st, "quarantine", error_r);
	list = g_ptr_array_new_with_free_func(quarantined_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct msgstore_quarantined *q = g_new0(struct
		    msgstore_quarantined, 1);

		q->id = sqlite3_column_int64(s, 0);
		q->received = sqlite3_column_int64(s, 1);
		q->kind = store_col_text(s, 2);
		q->reason = store_col_text(s, 3);
		q->case_id = store_col_text(s, 4);
		q->vendor = store_col_text(s, 5);
		q->signer = store_col_text(s, 6);
		q->message_id = store_col_text(s, 7);
		q->size = sqlite3_column_int64(s, 8);
		g_ptr_array_add(list, q);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(list);
		return store_error(st, "quarantine", error_r);
	}
	*list_r = list;
	return STORE_OK;
}

/* 1 in *yes_r when s (its parameters bound) gives a row. */
static int
any_row(struct store *st, sqlite3_stmt *s, const char *what, int *yes_r,
    char **error_r)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	*yes_r = rc == SQLITE_ROW;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, what, error_r);
	return STORE_OK;
}

static sqlite3_stmt *
bind_sig(sqlite3_stmt *s, const char *signer, int64_t sig_time,
    const char *hash)
{
	if (s == NULL)
		return NULL;
	sqlite3_bind_text(s, 1, signer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, sig_time);
	sqlite3_bind_text(s, 3, hash, -1, SQLITE_TRANSIENT);
	return s;
}

int
msgstore_reply_seen(struct store *st, const char *signer, int64_t sig_time,
    const char *hash, int *seen_r, char **error_r)
{
	sqlite3_stmt *s = bind_sig(store_stmt(st, "SELECT 1 FROM seen_replies "
	    "WHERE signer = ? AND sig_time = ? AND data_hash = ?"), signer,
	    sig_time, hash);

	*seen_r = 0;
	if (s == NULL)
		return store_error(st, "seen replies", error_r);
	return any_row(st, s, "seen replies", seen_r, error_r);
}

int
msgstore_reply_record(struct store *st, const char *signer, int64_t sig_time,
    const char *hash, int64_t now, char **error_r)
{
	sqlite3_stmt *s = bind_sig(store_stmt(st, "INSERT INTO seen_replies "
	    "(signer, sig_time, data_hash, seen_at) VALUES (?, ?, ?, ?)"),
	    signer, sig_time, hash);

	if (s == NULL)
		return store_error(st, "seen replies", error_r);
	sqlite3_bind_int64(s, 4, now);
	return store_exec_stmt(st, s, "seen replies", error_r);
}

int
msgstore_command_seen(struct store *st, const char *signer, int64_t sig_time,
    const char *hash, int *seen_r, char **error_r)
{
	sqlite3_stmt *s = bind_sig(store_stmt(st, "SELECT 1 FROM "
	    "seen_commands WHERE signer = ? AND sig_time = ? AND data_hash = "
	    "?"), signer, sig_time, hash);

	*seen_r = 0;
	if (s == NULL)
		return store_error(st, "seen commands", error_r);
	return any_row(st, s, "seen commands", seen_r, error_r);
}

int
msgstore_command_record(struct store *st, const char *signer,
    int64_t sig_time, const char *hash, const char *outcome, int64_t now,
    char **error_r)
{
	sqlite3_stmt *s = bind_sig(store_stmt(st, "INSERT INTO seen_commands "
	    "(signer, sig_time, data_hash, seen_at, outcome) VALUES (?, ?, ?, "
	    "?, ?)"), signer, sig_time, hash);

	if (s == NULL)
		return store_error(st, "seen commands", error_r);
	sqlite3_bind_int64(s, 4, now);
	sqlite3_bind_text(s, 5, outcome, -1, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s, "seen commands", error_r);
}

int
msgstore_generic_answered(struct store *st, const char *address,
    int64_t since, int *yes_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM events WHERE kind = "
	    "'generic-answer' AND detail = ? AND at > ? LIMIT 1");
	char *detail;
	int rc;

	*yes_r = 0;
	if (s == NULL)
		return store_error(st, "generic answer", error_r);
	detail = g_strdup_printf("to=%s", address);
	sqlite3_bind_text(s, 1, detail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, since);
	rc = any_row(st, s, "generic answer", yes_r, error_r);
	g_free(detail);
	return rc;
}

int
msgstore_sign_requested(struct store *st, const char *address, int64_t since,
    int *yes_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM outbox WHERE kind = "
	    "'sign-request' AND lower(recipient) = lower(?) AND created > ? "
	    "LIMIT 1");

	*yes_r = 0;
	if (s == NULL)
		return store_error(st, "sign request", error_r);
	sqlite3_bind_text(s, 1, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, since);
	return any_row(st, s, "sign request", yes_r, error_r);
}

int
msgstore_pinned_contact(struct store *st, const char *address,
    char **handle_r, char **fpr_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT v.handle, c.fingerprint FROM "
	    "contacts c JOIN vendors v ON v.id = c.vendor_id WHERE "
	    "lower(c.address) = lower(?) AND c.fingerprint IS NOT NULL");
	int rc;

	*handle_r = *fpr_r = NULL;
	if (s == NULL)
		return store_error(st, "sign request", error_r);
	sqlite3_bind_text(s, 1, address, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*handle_r = store_col_text(s, 0);
		*fpr_r = store_col_text(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	if (rc != SQLITE_ROW)
		return store_error(st, "sign request", error_r);
	return STORE_OK;
}

/* ---- For the intake. */

int
inbound_quarantined(struct store *st, int64_t row)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT state FROM messages WHERE "
	    "id = ?");
	int quarantined = 0;

	if (s != NULL) {
		sqlite3_bind_int64(s, 1, row);
		if (sqlite3_step(s) == SQLITE_ROW)
			quarantined = strcmp((const char *)
			    sqlite3_column_text(s, 0), "quarantined") == 0;
		sqlite3_reset(s);
	}
	return quarantined;
}

int
inbound_imap_state(struct store *st, const char *mailbox, uint32_t *uv_r,
    uint32_t *last_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT uidvalidity, last_uid FROM "
	    "imap_state WHERE mailbox = ?");
	int found;

	*uv_r = *last_r = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, mailbox, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		*uv_r = (uint32_t)sqlite3_column_int64(s, 0);
		*last_r = (uint32_t)sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	return found;
}

int
inbound_set_imap_state(struct store *st, const char *mailbox, uint32_t uv,
    uint32_t last, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO imap_state (mailbox, "
	    "uidvalidity, last_uid) VALUES (?1, ?2, ?3) ON CONFLICT(mailbox) "
	    "DO UPDATE SET uidvalidity = ?2, last_uid = ?3");

	if (s == NULL)
		return store_error(st, "imap state", error_r);
	sqlite3_bind_text(s, 1, mailbox, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, uv);
	sqlite3_bind_int64(s, 3, last);
	return store_exec_stmt(st, s, "imap state", error_r);
}
