#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vulture/log.h"
#include "vulture/store.h"

/* From the generated sql_migrations.c: migration i brings user_version from
 * i to i + 1. */
extern const char *const store_migrations[];

struct store {
	sqlite3 *db;
	GHashTable *stmts;	/* const char *sql -> sqlite3_stmt * */
	int in_tx;
};

int
store_schema_version(void)
{
	int n = 0;

	while (store_migrations[n] != NULL)
		n++;
	return n;
}

sqlite3 *
store_db(struct store *st)
{
	return st->db;
}

static int
classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_NOMEM:
	case SQLITE_READONLY:
	case SQLITE_PROTOCOL:
		return STORE_TEMP;
	default:
		return STORE_ERR;
	}
}

int
store_error(struct store *st, const char *what, char **error_r)
{
	int rc = sqlite3_extended_errcode(st->db);

	if (error_r != NULL)
		*error_r = g_strdup_printf("%s: %s", what,
		    sqlite3_errmsg(st->db));
	return classify(rc);
}

static int
exec(struct store *st, const char *sql, char **error_r)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		if (error_r != NULL)
			*error_r = g_strdup(msg != NULL ? msg :
			    sqlite3_errstr(rc));
		sqlite3_free(msg);
		return classify(rc);
	}
	return STORE_OK;
}

int
store_user_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
migrate(struct store *st, char **error_r)
{
	int have, want = store_schema_version(), rc;
	char *err = NULL;

	/* The version is read inside the write transaction: two processes
	 * opening a new database at once cannot both migrate it. */
	if ((rc = store_begin(st, error_r)) != STORE_OK)
		return rc;
	have = store_user_version(st);
	if (have < 0) {
		store_rollback(st);
		return store_error(st, "reading user_version", error_r);
	}
	if (have > want) {
		store_rollback(st);
		*error_r = g_strdup_printf("database schema version %d is "
		    "newer than this program's %d: upgrade vulture", have,
		    want);
		return STORE_ERR;
	}
	for (; have < want; have++) {
		char pragma[64];

		rc = exec(st, store_migrations[have], &err);
		if (rc != STORE_OK) {
			*error_r = g_strdup_printf("schema migration %03d: %s",
			    have + 1, err);
			g_free(err);
			store_rollback(st);
			return rc;
		}
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
		    have + 1);
		if ((rc = exec(st, pragma, error_r)) != STORE_OK) {
			store_rollback(st);
			return rc;
		}
		log_info("store migrated version=%d", have + 1);
	}
	return store_commit(st, error_r);
}

static void
finalize_stmt(gpointer s)
{
	sqlite3_finalize(s);
}

int
store_open(const char *path, int create, struct store **st_r,
    char **error_r)
{
	struct store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	int rc;
	struct stat sb;

	*st_r = NULL;
	if (!create && stat(path, &sb) == -1) {
		*error_r = g_strdup_printf("%s: %s%s", path, g_strerror(errno),
		    errno == ENOENT ? " (run 'vulturectl init')" : "");
		return errno == ENOENT ? STORE_ERR : STORE_TEMP;
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	st = g_new0(struct store, 1);
	st->stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
	    finalize_stmt);
	rc = sqlite3_open_v2(path, &st->db, flags, NULL);
	if (rc != SQLITE_OK) {
		*error_r = g_strdup_printf("%s: %s", path, st->db != NULL ?
		    sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		store_close(&st);
		return classify(rc);
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/* The database holds embargoed text: nobody else may read it. */
	if (create)
		(void)chmod(path, 0600);
	if ((rc = exec(st, "PRAGMA journal_mode = WAL", error_r)) != STORE_OK ||
	    (rc = exec(st, "PRAGMA foreign_keys = ON", error_r)) != STORE_OK ||
	    (rc = exec(st, "PRAGMA synchronous = FULL", error_r)) !=
	    STORE_OK ||
	    (rc = exec(st, "PRAGMA secure_delete = ON", error_r)) !=
	    STORE_OK) {
		char *e = *error_r;

		*error_r = g_strdup_printf("%s: %s", path, e);
		g_free(e);
		store_close(&st);
		return rc;
	}
	if ((rc = migrate(st, error_r)) != STORE_OK) {
		char *e = *error_r;

		*error_r = g_strdup_printf("%s: %s", path, e);
		g_free(e);
		store_close(&st);
		return rc;
	}
	*st_r = st;
	return STORE_OK;
}

void
store_close(struct store **stp)
{
	struct store *st;

	if (stp == NULL || *stp == NULL)
		return;
	st = *stp;
	if (st->in_tx)
		store_rollback(st);
	g_hash_table_destroy(st->stmts);
	if (st->db != NULL)
		sqlite3_close(st->db);
	g_free(st);
	*stp = NULL;
}

void
store_set_busy_timeout(struct store *st, int ms)
{
	sqlite3_busy_timeout(st->db, ms);
}

int
store_begin(struct store *st, char **error_r)
{
	int rc;

	if (st->in_tx)
		fatalx("store_begin: nested transaction");
	if ((rc = exec(st, "BEGIN IMMEDIATE", error_r)) == STORE_OK)
		st->in_tx = 1;
	return rc;
}

int
store_commit(struct store *st, char **error_r)
{
	int rc;

	if (!st->in_tx)
		fatalx("store_commit: no transaction");
	rc = exec(st, "COMMIT", error_r);
	if (rc != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	st->in_tx = 0;
	return STORE_OK;
}

void
store_rollback(struct store *st)
{
	if (!st->in_tx)
		return;
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->in_tx = 0;
}

int
store_in_transaction(struct store *st)
{
	return st->in_tx;
}

int
store_savepoint(struct store *st, char **error_r)
{
	if (!st->in_tx)
		fatalx("store_savepoint: no transaction");
	return exec(st, "SAVEPOINT sp", error_r);
}

int
store_release(struct store *st, char **error_r)
{
	return exec(st, "RELEASE sp", error_r);
}

void
store_rollback_to(struct store *st)
{
	(void)sqlite3_exec(st->db, "ROLLBACK TO sp; RELEASE sp", NULL, NULL,
	    NULL);
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	sqlite3_stmt *s = g_hash_table_lookup(st->stmts, sql);

	if (s != NULL) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		log_warnx("store prepare failed: %s", sqlite3_errmsg(st->db));
		return NULL;
	}
	g_hash_table_insert(st->stmts, (gpointer)sql, s);
	return s;
}

int
store_exec_stmt(struct store *st, sqlite3_stmt *s, const char *what,
    char **error_r)
{
	int rc;

	if (s == NULL)
		return store_error(st, what, error_r);
	rc = sqlite3_step(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		int r = store_error(st, what, error_r);

		sqlite3_reset(s);
		return r;
	}
	sqlite3_reset(s);
	return STORE_OK;
}

char *
store_col_text(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return t != NULL ? g_strdup((const char *)t) : NULL;
}

int
store_backup(struct store *st, const char *dest, char **error_r)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc, fd;

	/* Created here, exclusively and private: it holds embargoed data. */
	if ((fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		*error_r = g_strdup_printf("%s: %s", dest, g_strerror(errno));
		return errno == ENOSPC || errno == EIO ? STORE_TEMP : STORE_ERR;
	}
	close(fd);
	if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		*error_r = g_strdup_printf("%s: %s", dest, dst != NULL ?
		    sqlite3_errmsg(dst) : "out of memory");
		sqlite3_close(dst);
		return STORE_ERR;
	}
	b = sqlite3_backup_init(dst, "main", store_db(st), "main");
	if (b == NULL) {
		*error_r = g_strdup_printf("backup %s: %s", dest,
		    sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return STORE_ERR;
	}
	/* All pages in one step: one read transaction, one snapshot. */
	rc = sqlite3_backup_step(b, -1);
	(void)sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*error_r = g_strdup_printf("backup %s: %s", dest,
		    sqlite3_errstr(rc));
		sqlite3_close(dst);
		return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ||
		    rc == SQLITE_FULL || rc == SQLITE_IOERR ? STORE_TEMP :
		    STORE_ERR;
	}
	/* A single file, whatever the live database's journal mode. */
	rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL);
	if (sqlite3_close(dst) != SQLITE_OK || rc != SQLITE_OK) {
		*error_r = g_strdup_printf("backup %s: cannot close", dest);
		return STORE_ERR;
	}
	return STORE_OK;
}

int
store_check_file(const char *path, int *version_r, char **error_r)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	const unsigned char *res;
	int rc = STORE_ERR;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		*error_r = g_strdup_printf("%s: %s", path, db != NULL ?
		    sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
		*error_r = g_strdup_printf("%s: not a database: %s", path,
		    sqlite3_errmsg(db));
		goto out;
	}
	*version_r = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	if (*version_r > store_schema_version()) {
		*error_r = g_strdup_printf("%s: schema version %d is newer "
		    "than this program's %d: restore with the vulture that "
		    "made it", path, *version_r, store_schema_version());
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &s,
	    NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW ||
	    (res = sqlite3_column_text(s, 0)) == NULL ||
	    strcmp((const char *)res, "ok") != 0) {
		*error_r = g_strdup_printf("%s: integrity check failed: %s",
		    path, s != NULL && sqlite3_column_text(s, 0) != NULL ?
		    (const char *)sqlite3_column_text(s, 0) :
		    sqlite3_errmsg(db));
		goto out;
	}
	rc = STORE_OK;
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}
