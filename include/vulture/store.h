/* The store: one SQLite database. The schema lives in sql/NNN-name.sql,
 * compiled in and applied in order at open; its version is PRAGMA
 * user_version. WAL, foreign keys, a busy timeout. Statements are prepared
 * once and cached by their SQL text's address (always a string literal). */
#ifndef VULTURE_STORE_H
#define VULTURE_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "vulture/result.h"

/* Return codes of every store_* and record function: result.h's. */
#define STORE_OK	VR_OK
#define STORE_ERR	VR_PERM		/* bad input, constraint, bug */
#define STORE_TEMP	VR_TEMP		/* busy, locked, disk full, I/O */
#define STORE_NOTFOUND	VR_NOTFOUND

#define STORE_BUSY_TIMEOUT_MS 10000

struct store;

/* Opens (create: also creates) the database at path and brings its schema
 * up to date. A database newer than this program is refused. Returns
 * STORE_OK, or STORE_ERR/STORE_TEMP with *error_r newly allocated. */
int store_open(const char *path, int create, struct store **st_r,
    char **error_r);
void store_close(struct store **st);
/* Overrides STORE_BUSY_TIMEOUT_MS (tests, impatient callers). */
void store_set_busy_timeout(struct store *st, int ms);

/* The schema version this program writes. */
int store_schema_version(void);
/* The version found in the open database. */
int store_user_version(struct store *st);

/* Transactions. begin takes the write lock at once (BEGIN IMMEDIATE) so a
 * busy database fails here, before any work. */
int store_begin(struct store *st, char **error_r);
int store_commit(struct store *st, char **error_r);
void store_rollback(struct store *st);

/* A savepoint inside the caller's transaction: release keeps its work,
 * rollback_to undoes it (the transaction goes on). */
int store_savepoint(struct store *st, char **error_r);
int store_release(struct store *st, char **error_r);
void store_rollback_to(struct store *st);
int store_in_transaction(struct store *st);

/* Returns the cached, reset statement for sql (a string literal), or NULL
 * with the error logged. The statement is owned by the store. */
sqlite3_stmt *store_stmt(struct store *st, const char *sql);

/* Maps the last SQLite error to STORE_TEMP or STORE_ERR and sets *error_r
 * (newly allocated; may be NULL). */
int store_error(struct store *st, const char *what, char **error_r);
/* Steps a statement that returns no row. */
int store_exec_stmt(struct store *st, sqlite3_stmt *s, const char *what,
    char **error_r);

sqlite3 *store_db(struct store *st);	/* foreign */

/* Convenience column readers: newly allocated copy or NULL. */
char *store_col_text(sqlite3_stmt *s, int col);

/* A consistent copy of the open database at dest (created, mode 0600;
 * it must not exist), taken in one read transaction: writers go on
 * meanwhile (WAL), and the copy holds every commit up to its start. */
int store_backup(struct store *st, const char *dest, char **error_r);
/* Checks a database file without changing it: readable, integrity_check
 * "ok", and a schema this program can open (*version_r: its
 * user_version). STORE_ERR with the reason otherwise. */
int store_check_file(const char *path, int *version_r, char **error_r);

#endif
