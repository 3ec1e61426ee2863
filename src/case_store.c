/*
 * case_store.c: the rest of the case store beside case.c -- a
 * participant's columns other than its state, advisory texts, lists of
 * cases by state, event look-ups and the durable "site dirty" mark. Rows
 * only: the rules are ops.c's, sched.c's and site.c's.
 */
#include "config.h"

#include <string.h>

#include "vulture/case.h"

/* Steps s, which changes one participant's row. */
static int
participant_change(struct store *st, sqlite3_stmt *s, const char *case_id,
    int64_t vendor_id, const char *what, char **error_r)
{
	int rc = store_exec_stmt(st, s, what, error_r);

	if (rc == STORE_OK && sqlite3_changes(store_db(st)) == 0) {
		*error_r = g_strdup_printf("vendor %lld takes no part in %s",
		    (long long)vendor_id, case_id);
		rc = STORE_NOTFOUND;
	}
	return rc;
}

int
vcase_set_comment(struct store *st, const char *case_id, int64_t vendor_id,
    const char *comment, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE participants SET comment = "
	    "COALESCE(?, comment) WHERE case_id = ? AND vendor_id = ?");

	if (s == NULL)
		return store_error(st, "status", error_r);
	sqlite3_bind_text(s, 1, comment, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, vendor_id);
	return participant_change(st, s, case_id, vendor_id, "status",
	    error_r);
}

int
vcase_first_attempt(struct store *st, const char *case_id,
    int64_t vendor_id, int64_t now, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE participants SET "
	    "first_attempt = COALESCE(first_attempt, ?) WHERE case_id = ? AND "
	    "vendor_id = ?");

	if (s == NULL)
		return store_error(st, "unreachable", error_r);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, vendor_id);
	return participant_change(st, s, case_id, vendor_id, "unreachable",
	    error_r);
}

int
vcase_set_published(struct store *st, const char *case_id, int64_t now,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE cases SET state = "
	    "'published', published_at = ?, updated = ? WHERE id = ?");
	int rc;

	if (s == NULL)
		return store_error(st, "publish", error_r);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, case_id, -1, SQLITE_TRANSIENT);
	if ((rc = store_exec_stmt(st, s, "publish", error_r)) == STORE_OK &&
	    sqlite3_changes(store_db(st)) == 0) {
		*error_r = g_strdup_printf("no case %s", case_id);
		rc = STORE_NOTFOUND;
	}
	return rc;
}

int
vcase_ids(struct store *st, const char *state, GPtrArray **ids_r,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT id FROM cases WHERE state = ? "
	    "ORDER BY published_at DESC, id");
	int step;

	*ids_r = g_ptr_array_new_with_free_func(g_free);
	if (s == NULL)
		return store_error(st, "cases", error_r);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(*ids_r, store_col_text(s, 0));
	if (step != SQLITE_DONE)
		return store_error(st, "cases", error_r);
	sqlite3_reset(s);
	return STORE_OK;
}

void
advisory_text_free(struct advisory_text *a)
{
	if (a == NULL)
		return;
	g_free(a->field);
	g_free(a->text);
	g_free(a);
}

int
vcase_advisory_set(struct store *st, const char *case_id, const char *field,
    const char *text, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO advisory_texts (case_id, "
	    "field, text) VALUES (?1, ?2, ?3) ON CONFLICT(case_id, field) DO "
	    "UPDATE SET text = ?3");

	if (s == NULL)
		return store_error(st, "advisory", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, field, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, text, -1, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s, "advisory", error_r);
}

int
vcase_advisory_get(struct store *st, const char *case_id, const char *field,
    char **text_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT text FROM advisory_texts "
	    "WHERE case_id = ? AND field = ?");
	int step;

	*text_r = NULL;
	if (s == NULL)
		return store_error(st, "advisory", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, field, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		sqlite3_reset(s);
		*error_r = g_strdup_printf("%s has no advisory %s", case_id,
		    field);
		return STORE_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return store_error(st, "advisory", error_r);
	*text_r = store_col_text(s, 0);
	sqlite3_reset(s);
	return STORE_OK;
}

int
vcase_advisory_list(struct store *st, const char *case_id,
    GPtrArray **list_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT field, text FROM "
	    "advisory_texts WHERE case_id = ?");
	int step;

	*list_r = g_ptr_array_new_with_free_func((GDestroyNotify)
	    advisory_text_free);
	if (s == NULL)
		return store_error(st, "advisory", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		struct advisory_text *a = g_new0(struct advisory_text, 1);

		a->field = store_col_text(s, 0);
		a->text = store_col_text(s, 1);
		g_ptr_array_add(*list_r, a);
	}
	if (step != SQLITE_DONE)
		return store_error(st, "advisory", error_r);
	sqlite3_reset(s);
	return STORE_OK;
}

int
event_exists(struct store *st, const char *case_id, const char *kind,
    const char *detail, int *found_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT 1 FROM events WHERE case_id "
	    "= ? AND kind = ? AND detail = ? LIMIT 1");
	int step;

	*found_r = 0;
	if (s == NULL)
		return store_error(st, "events", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, detail, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return store_error(st, "events", error_r);
	*found_r = step == SQLITE_ROW;
	sqlite3_reset(s);
	return STORE_OK;
}

int
vcase_site_mark(struct store *st, const char *case_id, int64_t now,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO site_dirty (marked, "
	    "case_id) VALUES (?, ?)");

	if (s == NULL)
		return store_error(st, "site mark", error_r);
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_text(s, 2, case_id, -1, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s, "site mark", error_r);
}

int
vcase_site_marks(struct store *st, int64_t *gen_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT max(id) FROM site_dirty");
	int step;

	*gen_r = 0;
	if (s == NULL)
		return store_error(st, "site flush", error_r);
	step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*gen_r = sqlite3_column_int64(s, 0);
	else if (step != SQLITE_DONE)
		return store_error(st, "site flush", error_r);
	sqlite3_reset(s);
	return STORE_OK;
}

int
vcase_site_unmark(struct store *st, int64_t gen, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "DELETE FROM site_dirty WHERE id <= "
	    "?");

	if (s == NULL)
		return store_error(st, "site flush", error_r);
	sqlite3_bind_int64(s, 1, gen);
	return store_exec_stmt(st, s, "site flush", error_r);
}
