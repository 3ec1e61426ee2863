#include "config.h"

#include <string.h>

#include "vulture/case.h"
#include "vulture/ids.h"
#include "vulture/vtime.h"

#define CASE_ID_TRIES 64

static void
participant_free(gpointer p)
{
	struct participant *x = p;

	g_free(x->handle);
	g_free(x->vendor_name);
	g_free(x->vendor_state);
	g_free(x->stage);
	g_free(x->status);
	g_free(x->comment);
	g_free(x->advisory_url);
	g_free(x->fix_plan);
	g_free(x->fix_date);
	g_free(x->workaround_plan);
	g_free(x->workaround_date);
	g_free(x->pubdate_reason);
	g_free(x);
}

static void
attachment_info_free(gpointer p)
{
	struct attachment_info *a = p;

	g_free(a->filename);
	g_free(a->content_type);
	g_free(a);
}

void
event_free(struct event *e)
{
	if (e == NULL)
		return;
	g_free(e->case_id);
	g_free(e->actor);
	g_free(e->kind);
	g_free(e->detail);
	g_free(e->message_id);
	g_free(e);
}

void
vcase_free(struct vcase **cp)
{
	struct vcase *c;

	if (cp == NULL || *cp == NULL)
		return;
	c = *cp;
	g_free(c->id);
	g_free(c->title);
	g_free(c->summary);
	g_free(c->detail);
	g_free(c->reporter_ref);
	g_free(c->state);
	if (c->participants != NULL)
		g_ptr_array_unref(c->participants);
	if (c->attachments != NULL)
		g_ptr_array_unref(c->attachments);
	g_free(c);
	*cp = NULL;
}

static int
check_text(const char *what, const char *text, size_t max, char **error_r)
{
	if (text == NULL)
		return 0;
	if (strlen(text) > max || !g_utf8_validate(text, -1, NULL)) {
		*error_r = g_strdup_printf("%s must be UTF-8 text of at most "
		    "%zu bytes", what, max);
		return -1;
	}
	return 0;
}

int
vcase_open(struct store *st, const char *fmt, const char *title,
    const char *summary, const char *detail, const char *reporter_ref,
    int single_vendor, int64_t t0, int64_t publication, char **id_r,
    char **error_r)
{
	char id[IDS_MAX_LEN];
	sqlite3_stmt *s;
	int tries, rc;

	*id_r = NULL;
	if (title == NULL || *title == '\0') {
		*error_r = g_strdup("a case needs a title");
		return STORE_ERR;
	}
	if (check_text("title", title, CASE_MAX_TITLE, error_r) == -1 ||
	    check_text("summary", summary, CASE_MAX_TEXT, error_r) == -1 ||
	    check_text("detail", detail, CASE_MAX_TEXT, error_r) == -1 ||
	    check_text("reporter reference", reporter_ref, CASE_MAX_TITLE,
	    error_r) == -1)
		return STORE_ERR;
	if (publication <= t0) {
		*error_r = g_strdup("the publication date must be after the "
		    "start of handling");
		return STORE_ERR;
	}
	/* Draw until an id was never handed out: case_ids remembers all. */
	for (tries = 0; tries < CASE_ID_TRIES; tries++) {
		if (ids_format(fmt, ids_random(fmt), id, sizeof(id)) == -1) {
			*error_r = g_strdup("bad id format");
			return STORE_ERR;
		}
		s = store_stmt(st, "INSERT OR IGNORE INTO case_ids (id, "
		    "allocated) VALUES (?, ?)");
		if (s == NULL)
			return store_error(st, "case id", error_r);
		sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, t0);
		if ((rc = store_exec_stmt(st, s, "case id", error_r)) !=
		    STORE_OK)
			return rc;
		if (sqlite3_changes(store_db(st)) == 1)
			break;
	}
	if (tries == CASE_ID_TRIES) {
		*error_r = g_strdup("no free case id left in the id format's "
		    "range");
		return STORE_ERR;
	}
	s = store_stmt(st, "INSERT INTO cases (id, title, summary, detail, "
	    "reporter_ref, single_vendor, t0, publication, created, updated) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_error(st, "case open", error_r);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, summary, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, reporter_ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 6, single_vendor != 0);
	sqlite3_bind_int64(s, 7, t0);
	sqlite3_bind_int64(s, 8, publication);
	sqlite3_bind_int64(s, 9, t0);
	sqlite3_bind_int64(s, 10, t0);
	if ((rc = store_exec_stmt(st, s, "case open", error_r)) != STORE_OK)
		return rc;
	*id_r = g_strdup(id);
	return STORE_OK;
}

#define CASE_COLS "id, title, summary, detail, reporter_ref, single_vendor, " \
	"t0, publication, state, published_at, created, updated"

static struct vcase *
case_from_row(sqlite3_stmt *s)
{
	struct vcase *c = g_new0(struct vcase, 1);

	c->id = store_col_text(s, 0);
	c->title = store_col_text(s, 1);
	c->summary = store_col_text(s, 2);
	c->detail = store_col_text(s, 3);
	c->reporter_ref = store_col_text(s, 4);
	c->single_vendor = sqlite3_column_int(s, 5);
	c->t0 = sqlite3_column_int64(s, 6);
	c->publication = sqlite3_column_int64(s, 7);
	c->state = store_col_text(s, 8);
	c->published_at = sqlite3_column_int64(s, 9);
	c->created = sqlite3_column_int64(s, 10);
	c->updated = sqlite3_column_int64(s, 11);
	c->participants = g_ptr_array_new_with_free_func(participant_free);
	c->attachments = g_ptr_array_new_with_free_func(attachment_info_free);
	return c;
}

int
vcase_get(struct store *st, const char *id, struct vcase **c_r,
    char **error_r)
{
	sqlite3_stmt *s;
	struct vcase *c;
	int rc;

	*c_r = NULL;
	s = store_stmt(st, "SELECT " CASE_COLS " FROM cases WHERE id = ?");
	if (s == NULL)
		return store_error(st, "case get", error_r);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		if (error_r != NULL)
			*error_r = g_strdup_printf("no case %s", id);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return store_error(st, "case get", error_r);
	c = case_from_row(s);
	sqlite3_reset(s);

	s = store_stmt(st, "SELECT v.handle, v.name, v.state, p.stage, "
	    "p.status, p.unreachable, p.comment, p.advisory_url, p.fix_plan, "
	    "p.fix_date, p.workaround_plan, p.workaround_date, "
	    "p.pubdate_request, p.pubdate_reason, p.attempts, "
	    "p.first_attempt, p.last_attempt, p.last_answer, p.added "
	    "FROM participants p JOIN vendors v ON v.id = p.vendor_id "
	    "WHERE p.case_id = ? ORDER BY v.handle");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct participant *p = g_new0(struct participant, 1);

		p->handle = store_col_text(s, 0);
		p->vendor_name = store_col_text(s, 1);
		p->vendor_state = store_col_text(s, 2);
		p->stage = store_col_text(s, 3);
		p->status = store_col_text(s, 4);
		p->unreachable = sqlite3_column_int(s, 5);
		p->comment = store_col_text(s, 6);
		p->advisory_url = store_col_text(s, 7);
		p->fix_plan = store_col_text(s, 8);
		p->fix_date = store_col_text(s, 9);
		p->workaround_plan = store_col_text(s, 10);
		p->workaround_date = store_col_text(s, 11);
		p->pubdate_request = sqlite3_column_int64(s, 12);
		p->pubdate_reason = store_col_text(s, 13);
		p->attempts = sqlite3_column_int(s, 14);
		p->first_attempt = sqlite3_column_int64(s, 15);
		p->last_attempt = sqlite3_column_int64(s, 16);
		p->last_answer = sqlite3_column_int64(s, 17);
		p->added = sqlite3_column_int64(s, 18);
		g_ptr_array_add(c->participants, p);
	}
	if (rc != SQLITE_DONE)
		goto fail;

	s = store_stmt(st, "SELECT id, filename, content_type, length(data) "
	    "FROM case_attachments WHERE case_id = ? ORDER BY id");
	if (s == NULL)
		goto fail;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct attachment_info *a = g_new0(struct attachment_info, 1);

		a->id = sqlite3_column_int64(s, 0);
		a->filename = store_col_text(s, 1);
		a->content_type = store_col_text(s, 2);
		a->size = sqlite3_column_int64(s, 3);
		g_ptr_array_add(c->attachments, a);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	*c_r = c;
	return STORE_OK;
fail:
	vcase_free(&c);
	return store_error(st, "case get", error_r);
}

static void
vcase_free_ptr(gpointer p)
{
	struct vcase *c = p;

	vcase_free(&c);
}

int
vcase_list(struct store *st, GPtrArray **list_r, char **error_r)
{
	sqlite3_stmt *s;
	GPtrArray *list;
	int rc;

	*list_r = NULL;
	s = store_stmt(st, "SELECT " CASE_COLS " FROM cases ORDER BY t0 DESC, "
	    "id");
	if (s == NULL)
		return store_error(st, "case list", error_r);
	list = g_ptr_array_new_with_free_func(vcase_free_ptr);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(list, case_from_row(s));
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(list);
		return store_error(st, "case list", error_r);
	}
	sqlite3_reset(s);
	*list_r = list;
	return STORE_OK;
}

static int
one_change(struct store *st, const char *id, char **error_r)
{
	if (sqlite3_changes(store_db(st)) != 1) {
		*error_r = g_strdup_printf("no case %s", id);
		return STORE_NOTFOUND;
	}
	return STORE_OK;
}

int
vcase_set_text(struct store *st, const char *id, const char *field,
    const char *text, int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	if (check_text(field, text, CASE_MAX_TEXT, error_r) == -1)
		return STORE_ERR;
	if (strcmp(field, "summary") == 0)
		s = store_stmt(st, "UPDATE cases SET summary = ?, updated = ? "
		    "WHERE id = ?");
	else if (strcmp(field, "detail") == 0)
		s = store_stmt(st, "UPDATE cases SET detail = ?, updated = ? "
		    "WHERE id = ?");
	else {
		*error_r = g_strdup_printf("no case field '%s'", field);
		return STORE_ERR;
	}
	if (s == NULL)
		return store_error(st, "case text", error_r);
	sqlite3_bind_text(s, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
	if ((rc = store_exec_stmt(st, s, "case text", error_r)) != STORE_OK)
		return rc;
	return one_change(st, id, error_r);
}

int
vcase_set_publication(struct store *st, const char *id, int64_t when,
    int64_t now, char **error_r)
{
	sqlite3_stmt *s;
	int rc;

	s = store_stmt(st, "UPDATE cases SET publication = ?, updated = ? "
	    "WHERE id = ?");
	if (s == NULL)
		return store_error(st, "case date", error_r);
	sqlite3_bind_int64(s, 1, when);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_TRANSIENT);
	if ((rc = store_exec_stmt(st, s, "case date", error_r)) != STORE_OK)
		return rc;
	return one_change(st, id, error_r);
}

int
vcase_add_attachment(struct store *st, const char *id, const char *filename,
    const char *content_type, const void *data, size_t len, int64_t now,
    char **error_r)
{
	sqlite3_stmt *s;

	if (len > CASE_MAX_ATTACHMENT) {
		*error_r = g_strdup_printf("attachment %s is over %d bytes",
		    filename, CASE_MAX_ATTACHMENT);
		return STORE_ERR;
	}
	if (filename == NULL || *filename == '\0' || strchr(filename, '/') ||
	    strlen(filename) > 255 || !g_utf8_validate(filename, -1, NULL)) {
		*error_r = g_strdup("attachment names are 1 to 255 bytes of "
		    "UTF-8 without '/'");
		return STORE_ERR;
	}
	s = store_stmt(st, "INSERT INTO case_attachments (case_id, filename, "
	    "content_type, data, added) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_error(st, "attachment", error_r);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, filename, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, content_type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob64(s, 4, len > 0 ? data : "", len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, now);
	return store_exec_stmt(st, s, "attachment", error_r);
}

int
vcase_add_participant(struct store *st, const char *id, int64_t vendor_id,
    int64_t now, char **error_r)
{
	sqlite3_stmt *s;

	s = store_stmt(st, "INSERT OR IGNORE INTO participants (case_id, "
	    "vendor_id, added) VALUES (?, ?, ?)");
	if (s == NULL)
		return store_error(st, "participant", error_r);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, vendor_id);
	sqlite3_bind_int64(s, 3, now);
	return store_exec_stmt(st, s, "participant", error_r);
}

int
vcase_transition(struct store *st, const char *case_id, int64_t vendor_id,
    enum pevent ev, const struct pfacts *facts, struct pstate *next_r,
    char **error_r)
{
	struct pstate cur, next;
	sqlite3_stmt *s;
	const char *why = NULL;
	int step, bad;

	s = store_stmt(st, "SELECT stage, status, unreachable FROM participants "
	    "WHERE case_id = ? AND vendor_id = ?");
	if (s == NULL)
		return store_error(st, "participant state", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, vendor_id);
	step = sqlite3_step(s);
	if (step != SQLITE_ROW) {
		sqlite3_reset(s);
		if (step != SQLITE_DONE)
			return store_error(st, "participant state", error_r);
		*error_r = g_strdup_printf("vendor %lld takes no part in %s",
		    (long long)vendor_id, case_id);
		return STORE_NOTFOUND;
	}
	bad = pstate_from_names((const char *)sqlite3_column_text(s, 0),
	    (const char *)sqlite3_column_text(s, 1),
	    sqlite3_column_int(s, 2), &cur);
	sqlite3_reset(s);
	if (bad) {
		*error_r = g_strdup_printf("%s: a participant's state is not "
		    "one this vulture knows", case_id);
		return STORE_ERR;
	}
	if (pstate_next(&cur, ev, facts, &next, &why) == -1) {
		*error_r = g_strdup(why);
		return STORE_ERR;
	}
	if (next_r != NULL)
		*next_r = next;
	if (memcmp(&cur, &next, sizeof(cur)) == 0)
		return STORE_OK;
	s = store_stmt(st, "UPDATE participants SET stage = ?, status = ?, "
	    "unreachable = ? WHERE case_id = ? AND vendor_id = ?");
	if (s == NULL)
		return store_error(st, "participant state", error_r);
	sqlite3_bind_text(s, 1, pstage_name(next.stage), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pstatus_name(next.status), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, next.unreachable);
	sqlite3_bind_text(s, 4, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, vendor_id);
	return store_exec_stmt(st, s, "participant state", error_r);
}

int
event_add(struct store *st, const char *case_id, int64_t at,
    const char *actor, const char *kind, const char *detail,
    const char *message_id, char **error_r)
{
	sqlite3_stmt *s;

	s = store_stmt(st, "INSERT INTO events (case_id, at, actor, kind, "
	    "detail, message_id) VALUES (?, ?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_error(st, "event", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, actor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, detail != NULL ? detail : "", -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, message_id, -1, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s, "event", error_r);
}

int
event_list(struct store *st, const char *case_id, GPtrArray **list_r,
    char **error_r)
{
	sqlite3_stmt *s;
	GPtrArray *list;
	int rc;

	*list_r = NULL;
	if (case_id != NULL) {
		s = store_stmt(st, "SELECT id, case_id, at, actor, kind, "
		    "detail, message_id FROM events WHERE case_id = ? "
		    "ORDER BY id");
		if (s != NULL)
			sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	} else
		s = store_stmt(st, "SELECT id, case_id, at, actor, kind, "
		    "detail, message_id FROM events WHERE case_id IS NULL "
		    "ORDER BY id");
	if (s == NULL)
		return store_error(st, "events", error_r);
	list = g_ptr_array_new_with_free_func((GDestroyNotify)event_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct event *e = g_new0(struct event, 1);

		e->id = sqlite3_column_int64(s, 0);
		e->case_id = store_col_text(s, 1);
		e->at = sqlite3_column_int64(s, 2);
		e->actor = store_col_text(s, 3);
		e->kind = store_col_text(s, 4);
		e->detail = store_col_text(s, 5);
		e->message_id = store_col_text(s, 6);
		g_ptr_array_add(list, e);
	}
	if (rc != SQLITE_DONE) {
		g_ptr_array_unref(list);
		return store_error(st, "events", error_r);
	}
	sqlite3_reset(s);
	*list_r = list;
	return STORE_OK;
}

static void
indented(GString *o, const char *text)
{
	gchar **lines = g_strsplit(text, "\n", -1);
	int i;

	for (i = 0; lines[i] != NULL; i++) {
		if (lines[i + 1] == NULL && lines[i][0] == '\0')
			break;
		g_string_append_printf(o, "    %s\n", lines[i]);
	}
	g_strfreev(lines);
}

void
vcase_format(GString *o, const struct vcase *k, GPtrArray *events,
    GTimeZone *tz)
{
	char *t0 = vtime_format(k->t0, tz);
	char *pub = vtime_format(k->publication, tz);
	guint i;

	g_string_append_printf(o, "%s  %s\n", k->id, k->title);
	g_string_append_printf(o, "  state:        %s%s\n", k->state,
	    k->single_vendor ? " (single vendor)" : "");
	g_string_append_printf(o, "  started:      %s\n", t0);
	g_string_append_printf(o, "  publication:  %s\n", pub);
	if (k->reporter_ref != NULL)
		g_string_append_printf(o, "  reporter:     %s\n",
		    k->reporter_ref);
	g_string_append(o, "  summary:\n");
	indented(o, k->summary ? k->summary : "(none)");
	g_string_append(o, "  detail:\n");
	indented(o, k->detail ? k->detail : "(none)");
	for (i = 0; i < k->attachments->len; i++) {
		const struct attachment_info *a = k->attachments->pdata[i];

		g_string_append_printf(o, "  attachment:   %s (%s, %" G_GINT64_FORMAT
		    " bytes)\n", a->filename, a->content_type, (gint64)a->size);
	}
	g_string_append_printf(o, "  participants: %u\n",
	    k->participants->len);
	for (i = 0; i < k->participants->len; i++) {
		const struct participant *p = k->participants->pdata[i];

		g_string_append_printf(o, "    %-16s %-22s %-26s attempts=%d%s\n",
		    p->handle, p->stage, p->status, p->attempts,
		    p->unreachable ? " UNREACHABLE" : "");
		if (p->comment != NULL)
			g_string_append_printf(o, "      comment: %s\n",
			    p->comment);
	}
	g_string_append(o, "  events:\n");
	for (i = 0; i < events->len; i++) {
		const struct event *e = events->pdata[i];
		char *at = vtime_format(e->at, tz);

		g_string_append_printf(o, "    %s %s %s %s\n", at, e->actor,
		    e->kind, e->detail);
		g_free(at);
	}
	g_free(t0);
	g_free(pub);
}

/* ---- For the outbound path. */

int
vcase_count_attempt(struct store *st, const char *case_id, int64_t vendor_id,
    int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE participants SET attempts = "
	    "attempts + 1, first_attempt = COALESCE(first_attempt, ?1), "
	    "last_attempt = ?1 WHERE case_id = ?2 AND vendor_id = ?3");

	if (s == NULL)
		return store_error(st, "attempts", error_r);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, vendor_id);
	return store_exec_stmt(st, s, "attempts", error_r);
}

int
vcase_attachments_each(struct store *st, const char *case_id,
    vcase_attachment_fn fn, void *arg, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT filename, content_type, "
	    "data FROM case_attachments WHERE case_id = ? ORDER BY id");
	int rc;

	if (s == NULL)
		return store_error(st, "attachments", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		fn(arg, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_blob(s, 2),
		    (size_t)sqlite3_column_bytes(s, 2));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_error(st, "attachments", error_r);
	return STORE_OK;
}


/* What routing a vendor's reply needs of one case (route_facts.c). */
int
vcase_reply_facts(struct store *st, const char *case_id, int64_t vendor_id,
    struct vcase_reply_facts *f, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT p.vendor_id, "
	    "coalesce(p.first_attempt, p.added), p.last_reply_signed FROM "
	    "cases c LEFT JOIN participants p ON p.case_id = c.id AND "
	    "p.vendor_id = ? WHERE c.id = ?");
	int rc;

	memset(f, 0, sizeof(*f));
	if (s == NULL)
		return store_error(st, "case facts", error_r);
	sqlite3_bind_int64(s, 1, vendor_id);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		f->exists = 1;
		f->participant = sqlite3_column_type(s, 0) != SQLITE_NULL;
		f->first = sqlite3_column_int64(s, 1);
		f->last_reply_signed = sqlite3_column_int64(s, 2);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_error(st, "case facts", error_r);
	return STORE_OK;
}

int
vcase_open_titles(struct store *st, GPtrArray *ids, GPtrArray *titles,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT id, title FROM cases WHERE "
	    "state = 'open' ORDER BY id");
	int rc;

	if (s == NULL)
		return store_error(st, "open cases", error_r);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		g_ptr_array_add(ids, store_col_text(s, 0));
		g_ptr_array_add(titles, store_col_text(s, 1));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_error(st, "open cases", error_r);
	return STORE_OK;
}

int
vcase_record_reply(struct store *st, const char *case_id, int64_t vendor_id,
    const struct vcase_reply *v, int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE participants SET "
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
	sqlite3_bind_text(s, 2, v->comment, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, v->advisory_url, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, v->fix_plan, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, v->fix_date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, v->workaround_plan, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, v->workaround_date, -1, SQLITE_TRANSIENT);
	if (v->pubdate_request != 0)
		sqlite3_bind_int64(s, 8, v->pubdate_request);
	sqlite3_bind_text(s, 9, v->pubdate_reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 11, now);
	sqlite3_bind_text(s, 12, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 13, vendor_id);
	if (v->sig_time != 0)
		sqlite3_bind_int64(s, 14, v->sig_time);
	return store_exec_stmt(st, s, "apply reply", error_r);
}
