/*
 * vendor_keys.c: the store of what arrives about vendors by mail -- keys
 * proposed (key_proposals), organisations invited to a case (related_orgs)
 * and the statements of a pending vendor held until it is approved. The
 * rules (who may confirm, what registers) are ops_keys.c's and
 * inbound_keys.c's; here are only the rows.
 */
#include "config.h"

#include <string.h>

#include "vulture/vendor.h"

void
vendor_related_free(struct vendor_related **rp)
{
	struct vendor_related *r;

	if (rp == NULL || *rp == NULL)
		return;
	r = *rp;
	g_free(r->case_id);
	g_free(r->case_state);
	g_free(r->requester);
	g_free(r->organisation);
	g_free(r->contact);
	g_free(r->address);
	g_free(r->phone);
	g_free(r->state);
	g_free(r->fingerprint);
	g_free(r->proposed_fpr);
	g_free(r->vouched_fpr);
	g_free(r);
	*rp = NULL;
}

static void
related_free_ptr(gpointer p)
{
	struct vendor_related *r = p;

	vendor_related_free(&r);
}

#define RELATED_COLUMNS "r.id, r.case_id, c.state, r.requested_by, " \
	"v.handle, r.organisation, r.contact, r.address, r.phone, r.state, " \
	"r.fingerprint, r.proposed_fpr, r.vouched_fpr, r.created FROM " \
	"related_orgs r JOIN cases c ON c.id = r.case_id JOIN vendors v ON " \
	"v.id = r.requested_by "

static struct vendor_related *
related_row(sqlite3_stmt *s)
{
	struct vendor_related *r = g_new0(struct vendor_related, 1);

	r->id = sqlite3_column_int64(s, 0);
	r->case_id = store_col_text(s, 1);
	r->case_state = store_col_text(s, 2);
	r->requested_by = sqlite3_column_int64(s, 3);
	r->requester = store_col_text(s, 4);
	r->organisation = store_col_text(s, 5);
	r->contact = store_col_text(s, 6);
	r->address = store_col_text(s, 7);
	r->phone = store_col_text(s, 8);
	r->state = store_col_text(s, 9);
	r->fingerprint = store_col_text(s, 10);
	r->proposed_fpr = store_col_text(s, 11);
	r->vouched_fpr = store_col_text(s, 12);
	r->created = sqlite3_column_int64(s, 13);
	return r;
}

/* One row of s (bound), or STORE_NOTFOUND with why. */
static int
related_one(struct store *st, sqlite3_stmt *s, const char *what,
    struct vendor_related **r_r, char **error_r)
{
	int step = sqlite3_step(s);

	if (step == SQLITE_DONE) {
		sqlite3_reset(s);
		*error_r = g_strdup_printf("no %s", what);
		return STORE_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return store_error(st, "share", error_r);
	*r_r = related_row(s);
	sqlite3_reset(s);
	return STORE_OK;
}

int
vendor_related_add(struct store *st, const char *case_id,
    int64_t requested_by, const char *organisation, const char *contact,
    const char *address, const char *phone, int64_t now, int64_t *id_r,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "INSERT INTO related_orgs (case_id, "
	    "requested_by, organisation, contact, address, phone, created) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)");
	int rc;

	if (s == NULL)
		return store_error(st, "share request", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, requested_by);
	sqlite3_bind_text(s, 3, organisation, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, contact, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 7, now);
	if ((rc = store_exec_stmt(st, s, "share request", error_r)) !=
	    STORE_OK)
		return rc;
	if (id_r != NULL)
		*id_r = sqlite3_last_insert_rowid(store_db(st));
	return STORE_OK;
}

int
vendor_related_get(struct store *st, int64_t id, struct vendor_related **r_r,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT " RELATED_COLUMNS
	    "WHERE r.id = ?");

	*r_r = NULL;
	if (s == NULL)
		return store_error(st, "share", error_r);
	sqlite3_bind_int64(s, 1, id);
	return related_one(st, s, "share request", r_r, error_r);
}

int
vendor_related_by_address(struct store *st, const char *address,
    const char *state, struct vendor_related **r_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT " RELATED_COLUMNS
	    "WHERE lower(r.address) = lower(?) AND r.state = ? ORDER BY r.id "
	    "DESC LIMIT 1");

	*r_r = NULL;
	if (s == NULL)
		return store_error(st, "share", error_r);
	sqlite3_bind_text(s, 1, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_TRANSIENT);
	return related_one(st, s, "invited organisation at that address", r_r,
	    error_r);
}

int
vendor_related_list(struct store *st, const char *case_id,
    int64_t requested_by, const char *state, GPtrArray **list_r,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT " RELATED_COLUMNS
	    "WHERE r.case_id = ? AND (? = 0 OR r.requested_by = ?) AND (? IS "
	    "NULL OR r.state = ?) ORDER BY r.id");
	int step;

	*list_r = g_ptr_array_new_with_free_func(related_free_ptr);
	if (s == NULL)
		return store_error(st, "share", error_r);
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, requested_by);
	sqlite3_bind_int64(s, 3, requested_by);
	sqlite3_bind_text(s, 4, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, state, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(*list_r, related_row(s));
	if (step != SQLITE_DONE)
		return store_error(st, "share", error_r);
	sqlite3_reset(s);
	return STORE_OK;
}

/* Steps s, which changes the row of one related_orgs id. */
static int
related_change(struct store *st, sqlite3_stmt *s, int64_t id,
    char **error_r)
{
	int rc = store_exec_stmt(st, s, "share", error_r);

	if (rc == STORE_OK && sqlite3_changes(store_db(st)) == 0) {
		*error_r = g_strdup_printf("no share request %lld",
		    (long long)id);
		rc = STORE_NOTFOUND;
	}
	return rc;
}

int
vendor_related_set_state(struct store *st, int64_t id, const char *state,
    const char *fpr, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE related_orgs SET state = ?, "
	    "fingerprint = COALESCE(?, fingerprint) WHERE id = ?");

	if (s == NULL)
		return store_error(st, "share", error_r);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, id);
	return related_change(st, s, id, error_r);
}

/* sql sets one fingerprint column of row id. */
static int
related_set_fpr(struct store *st, const char *sql, int64_t id,
    const char *fpr, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, sql);

	if (s == NULL)
		return store_error(st, "share", error_r);
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, id);
	return related_change(st, s, id, error_r);
}

int
vendor_related_set_proposed(struct store *st, int64_t id, const char *fpr,
    char **error_r)
{
	return related_set_fpr(st, "UPDATE related_orgs SET proposed_fpr = ? "
	    "WHERE id = ?", id, fpr, error_r);
}

int
vendor_related_set_vouched(struct store *st, int64_t id, const char *fpr,
    char **error_r)
{
	return related_set_fpr(st, "UPDATE related_orgs SET vouched_fpr = ? "
	    "WHERE id = ?", id, fpr, error_r);
}

int
vendor_by_address(struct store *st, const char *address, char **handle_r,
    char **fpr_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT v.handle, c.fingerprint FROM "
	    "contacts c JOIN vendors v ON v.id = c.vendor_id WHERE "
	    "lower(c.address) = lower(?) ORDER BY v.state = 'unregistered' "
	    "DESC, v.id LIMIT 1");
	int step;

	*handle_r = NULL;
	*fpr_r = NULL;
	if (s == NULL)
		return store_error(st, "vendor by address", error_r);
	sqlite3_bind_text(s, 1, address, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		sqlite3_reset(s);
		*error_r = g_strdup_printf("no contact at %s", address);
		return STORE_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return store_error(st, "vendor by address", error_r);
	*handle_r = store_col_text(s, 0);
	*fpr_r = store_col_text(s, 1);
	sqlite3_reset(s);
	return STORE_OK;
}

int
vendor_proposal_add(struct store *st, int64_t vendor_id, int64_t related_id,
    const char *address, const char *fpr, int64_t now, int64_t *id_r,
    char **error_r)
{
	sqlite3_stmt *s;
	int rc, step;

	*id_r = 0;
	/* The same key offered again is the same proposal. */
	s = store_stmt(st, "SELECT id FROM key_proposals WHERE fingerprint = ? "
	    "AND state = 'proposed' AND vendor_id IS ? AND related_id IS ? AND "
	    "lower(address) = lower(?)");
	if (s == NULL)
		return store_error(st, "key proposal", error_r);
	sqlite3_bind_text(s, 1, fpr, -1, SQLITE_TRANSIENT);
	if (vendor_id != 0)
		sqlite3_bind_int64(s, 2, vendor_id);
	if (related_id != 0)
		sqlite3_bind_int64(s, 3, related_id);
	sqlite3_bind_text(s, 4, address, -1, SQLITE_TRANSIENT);
	if ((step = sqlite3_step(s)) == SQLITE_ROW)
		*id_r = sqlite3_column_int64(s, 0);
	else if (step != SQLITE_DONE)
		return store_error(st, "key proposal", error_r);
	sqlite3_reset(s);
	if (*id_r != 0)
		return STORE_OK;
	s = store_stmt(st, "INSERT INTO key_proposals (vendor_id, related_id, "
	    "address, fingerprint, created) VALUES (?, ?, ?, ?, ?)");
	if (s == NULL)
		return store_error(st, "key proposal", error_r);
	if (vendor_id != 0)
		sqlite3_bind_int64(s, 1, vendor_id);
	if (related_id != 0)
		sqlite3_bind_int64(s, 2, related_id);
	sqlite3_bind_text(s, 3, address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, fpr, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, now);
	if ((rc = store_exec_stmt(st, s, "key proposal", error_r)) != STORE_OK)
		return rc;
	*id_r = sqlite3_last_insert_rowid(store_db(st));
	return STORE_OK;
}

int
vendor_proposal_set_key(struct store *st, int64_t id, const void *data,
    size_t len, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE key_proposals SET key = ?, "
	    "message = NULL WHERE id = ?");
	int rc;

	if (s == NULL)
		return store_error(st, "key proposal", error_r);
	sqlite3_bind_blob64(s, 1, data, len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, id);
	if ((rc = store_exec_stmt(st, s, "key proposal", error_r)) ==
	    STORE_OK && sqlite3_changes(store_db(st)) == 0) {
		*error_r = g_strdup_printf("no key proposal %lld",
		    (long long)id);
		rc = STORE_NOTFOUND;
	}
	return rc;
}

int
vendor_proposal_open(struct store *st, int64_t vendor_id, const char *fpr,
    int64_t *id_r, char **address_r, GBytes **key_r, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "SELECT id, address, key FROM "
	    "key_proposals WHERE vendor_id = ? AND fingerprint = ? AND state = "
	    "'proposed' ORDER BY id DESC LIMIT 1");
	int step;

	*id_r = 0;
	*address_r = NULL;
	*key_r = NULL;
	if (s == NULL)
		return store_error(st, "key proposal", error_r);
	sqlite3_bind_int64(s, 1, vendor_id);
	sqlite3_bind_text(s, 2, fpr, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(s);
	if (step == SQLITE_DONE) {
		sqlite3_reset(s);
		*error_r = g_strdup_printf("no key %s is proposed", fpr);
		return STORE_NOTFOUND;
	}
	if (step != SQLITE_ROW)
		return store_error(st, "key proposal", error_r);
	*id_r = sqlite3_column_int64(s, 0);
	*address_r = store_col_text(s, 1);
	if (sqlite3_column_type(s, 2) == SQLITE_BLOB)
		*key_r = g_bytes_new(sqlite3_column_blob(s, 2),
		    (gsize)sqlite3_column_bytes(s, 2));
	sqlite3_reset(s);
	return STORE_OK;
}

int
vendor_proposal_decide(struct store *st, int64_t id, const char *state,
    int64_t now, const char *by, char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE key_proposals SET state = ?, "
	    "decided = ?, decided_by = ? WHERE id = ?");

	if (s == NULL)
		return store_error(st, "key proposal", error_r);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, id);
	return store_exec_stmt(st, s, "key proposal", error_r);
}

int
vendor_proposal_decide_related(struct store *st, int64_t related_id,
    const char *fpr, const char *state, int64_t now, const char *by,
    char **error_r)
{
	sqlite3_stmt *s = store_stmt(st, "UPDATE key_proposals SET state = ?, "
	    "decided = ?, decided_by = ? WHERE related_id = ? AND fingerprint "
	    "= ? AND state = 'proposed'");

	if (s == NULL)
		return store_error(st, "share", error_r);
	sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, related_id);
	sqlite3_bind_text(s, 5, fpr, -1, SQLITE_TRANSIENT);
	return store_exec_stmt(st, s, "share", error_r);
}

int
vendor_proposals(struct store *st, int64_t vendor_id, GPtrArray **list_r,
    char **error_r)
{
	sqlite3_stmt *s;
	int step;

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
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
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
	if (step != SQLITE_DONE)
		return store_error(st, "key proposals", error_r);
	sqlite3_reset(s);
	return STORE_OK;
}
