/* The intake (intake.c) without the event loop or an IMAP server: stored
 * messages processed in order, one at a time and with the decoder
 * thread, stopping, and the bookkeeping it keeps in the messages store
 * (inbound_raw.c), against a temporary database. */
#include "config.h"

#include <check.h>
#include <glib/gstdio.h>
#include <string.h>

#include "check_suites.h"
#include "testutil.h"
#include "vulture/config.h"
#include "vulture/decode.h"
#include "vulture/intake.h"
#include "vulture/keys.h"
#include "vulture/msgstore.h"
#include "vulture/store.h"

static char *dir;
static struct vconf *conf;
static struct store *st, *st2;
static struct vkeys *keys, *keys2;
static int commits;

static void
setup(void)
{
	GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
	char *text, *path, *home, *err = NULL;
	const char *top = getenv("top_srcdir") ? getenv("top_srcdir") : ".";

	vdec_init();
	dir = tu_tmpdir();
	home = g_build_filename(dir, "g", NULL);
	ck_assert_int_eq(g_mkdir(home, 0700), 0);
	text = g_strdup_printf("[general]\naddress = vultures@cert.example\n"
	    "database = %s/v.db\ngnupghome = %s\ntemplates_dir = "
	    "%s/conf/templates\npublish_dir = %s/pub\n", dir, home, top, dir);
	path = tu_write(dir, "v.conf", text, 0600);
	ck_assert_msg(vconf_load(path, &conf, errs, NULL) == 0, "%s",
	    errs->len > 0 ? (char *)errs->pdata[0] : "?");
	ck_assert_int_eq(store_open(conf->database, 1, &st, &err), STORE_OK);
	ck_assert_int_eq(store_open(conf->database, 0, &st2, &err), STORE_OK);
	ck_assert_int_eq(vkeys_open(home, &keys, &err), 0);
	ck_assert_int_eq(vkeys_open(home, &keys2, &err), 0);
	commits = 0;
	g_ptr_array_unref(errs);
	g_free(text);
	g_free(path);
	g_free(home);
}

static void
teardown(void)
{
	vkeys_close(&keys);
	vkeys_close(&keys2);
	store_close(&st);
	store_close(&st2);
	vconf_free(&conf);
	tu_rmtree(dir);
	g_free(dir);
}

static void
count_commit(void *arg)
{
	(void)arg;
	commits++;
}

static struct intake
mk_intake(struct store *s, struct vkeys *k)
{
	struct intake ik;

	memset(&ik, 0, sizeof(ik));
	ik.in.conf = conf;
	ik.in.st = s;
	ik.in.ctx = vkeys_ctx(k);
	ik.committed = count_commit;
	return ik;
}

/* Stores n unsigned messages: each is quarantined when processed. */
static void
store_msgs(int64_t *rows, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		char *m = g_strdup_printf("From: someone@example.org\n"
		    "To: vultures@cert.example\nSubject: m%u\n"
		    "Message-ID: <m%u@example.org>\n\nhello %u\n", i, i, i);
		char *err = NULL;
		int dup;

		ck_assert_msg(inbound_store(st, m, strlen(m), "deliver", 1000,
		    &rows[i], &dup, &err) == STORE_OK, "%s", err);
		ck_assert_int_eq(dup, 0);
		g_free(m);
	}
}

static unsigned
pending(void)
{
	GArray *rows = NULL;
	char *err = NULL;
	unsigned n;

	ck_assert_int_eq(msgstore_pending(st, &rows, &err), STORE_OK);
	n = rows->len;
	g_array_unref(rows);
	return n;
}

START_TEST(test_pending_in_order)
{
	struct intake ik = mk_intake(st, keys);
	struct intake_decoder *dc = NULL;
	int64_t rows[5];
	GArray *p = NULL;
	char *err = NULL;
	unsigned i;

	store_msgs(rows, 5);
	ck_assert_int_eq(msgstore_pending(st, &p, &err), STORE_OK);
	ck_assert_uint_eq(p->len, 5);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(g_array_index(p, int64_t, i), rows[i]);
	g_array_unref(p);
	if (_i == 1) {
		/* With the decoder: on its own connection and context. */
		struct intake d = mk_intake(st2, keys2);

		ck_assert_int_eq(intake_decoder_start(&d.in, &dc, &err), 0);
		ik.decoder = dc;
	}
	ck_assert_int_eq(intake_process_pending(&ik), 0);
	ck_assert_int_eq(commits, 5);
	ck_assert_uint_eq(pending(), 0);
	for (i = 0; i < 5; i++)
		ck_assert_int_eq(inbound_quarantined(st, rows[i]), 1);
	ck_assert_int_eq(inbound_quarantined(st, rows[4] + 1), 0);
	/* Nothing left: nothing done. */
	ck_assert_int_eq(intake_process_pending(&ik), 0);
	ck_assert_int_eq(commits, 5);
	intake_decoder_stop(&dc);
	ck_assert_ptr_null(dc);
	intake_decoder_stop(&dc);
}
END_TEST

/* Asked to stop, the intake commits nothing more: the rows stay "new"
 * for the next start. */
START_TEST(test_stopping)
{
	struct intake ik = mk_intake(st, keys);
	atomic_int stop = 1;
	int64_t rows[3];

	store_msgs(rows, 3);
	ik.stopping = &stop;
	ck_assert_int_eq(intake_process_rows(&ik, rows, 3), 0);
	ck_assert_int_eq(commits, 0);
	ck_assert_uint_eq(pending(), 3);
	atomic_store(&stop, 0);
	ck_assert_int_eq(intake_process_rows(&ik, rows, 2), 0);
	ck_assert_int_eq(commits, 2);
	ck_assert_uint_eq(pending(), 1);
	/* A row already processed is left alone. */
	ck_assert_int_eq(intake_process_rows(&ik, rows, 1), 0);
	ck_assert_int_eq(commits, 2);
}
END_TEST

/* A database that cannot be written now: the message waits, "new". */
START_TEST(test_busy_waits)
{
	struct intake ik = mk_intake(st, keys);
	int64_t rows[1];
	char *err = NULL;

	store_msgs(rows, 1);
	store_set_busy_timeout(st, 1);
	ck_assert_int_eq(store_begin(st2, &err), STORE_OK);
	ck_assert_int_eq(sqlite3_exec(store_db(st2), "UPDATE imap_state SET "
	    "last_uid = 0", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(intake_process_pending(&ik), 1);
	ck_assert_int_eq(commits, 0);
	store_rollback(st2);
	ck_assert_uint_eq(pending(), 1);
	ck_assert_int_eq(intake_process_pending(&ik), 0);
	ck_assert_uint_eq(pending(), 0);
}
END_TEST

START_TEST(test_imap_state)
{
	uint32_t uv = 9, last = 9;
	char *err = NULL;

	ck_assert_int_eq(inbound_imap_state(st, "INBOX", &uv, &last), 0);
	ck_assert_uint_eq(uv, 0);
	ck_assert_uint_eq(last, 0);
	ck_assert_int_eq(inbound_set_imap_state(st, "INBOX", 7, 42, &err),
	    STORE_OK);
	ck_assert_int_eq(inbound_set_imap_state(st, "Other", 1, 1, NULL),
	    STORE_OK);
	ck_assert_int_eq(inbound_imap_state(st, "INBOX", &uv, &last), 1);
	ck_assert_uint_eq(uv, 7);
	ck_assert_uint_eq(last, 42);
	/* A new UIDVALIDITY replaces the row. */
	ck_assert_int_eq(inbound_set_imap_state(st, "INBOX", 8, 0, &err),
	    STORE_OK);
	ck_assert_int_eq(inbound_imap_state(st2, "INBOX", &uv, &last), 1);
	ck_assert_uint_eq(uv, 8);
	ck_assert_uint_eq(last, 0);
	/* UIDs use all 32 bits. */
	ck_assert_int_eq(inbound_set_imap_state(st, "INBOX", 0xffffffffu,
	    0xfffffffeu, &err), STORE_OK);
	ck_assert_int_eq(inbound_imap_state(st, "INBOX", &uv, &last), 1);
	ck_assert_uint_eq(uv, 0xffffffffu);
	ck_assert_uint_eq(last, 0xfffffffeu);
}
END_TEST

/* A missing password file is a configuration error, before any
 * connection. */
START_TEST(test_imap_open_password)
{
	struct vconf_imap *ic = (struct vconf_imap *)&conf->imap;
	struct imap_src *s = NULL;
	char *err = NULL, *pf = g_build_filename(dir, "nope", NULL), *old;

	old = ic->password_file;
	ic->password_file = pf;
	ck_assert_int_eq(intake_imap_open(conf, &s, &err), IMAP_SRC_CONFIG);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(err);
	g_free(err);
	ic->password_file = old;
	g_free(pf);
}
END_TEST

Suite *
make_intake_suite(void)
{
	Suite *s = suite_create("intake");
	TCase *tc = tcase_create("rows");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_pending_in_order, 0, 2);
	tcase_add_test(tc, test_stopping);
	tcase_add_test(tc, test_busy_waits);
	tcase_add_test(tc, test_imap_state);
	tcase_add_test(tc, test_imap_open_password);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
