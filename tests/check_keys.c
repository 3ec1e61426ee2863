/* Key import against real gpg keys made in a throwaway GNUPGHOME. */
#include "config.h"

#include <check.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#include "check_suites.h"
#include "testutil.h"
#include "vulture/keys.h"

static char *dir, *src, *desk;	/* dir/src: where keys are made */
static struct vkeys *k;

static void
setup(void)
{
	char *err = NULL;

	dir = tu_tmpdir();
	src = g_build_filename(dir, "src", NULL);
	desk = g_build_filename(dir, "desk", NULL);
	g_mkdir(src, 0700);
	g_mkdir(desk, 0700);
	ck_assert_int_eq(vkeys_open(desk, &k, &err), 0);
}

static void
teardown(void)
{
	vkeys_close(&k);
	tu_sh("gpgconf --homedir '%s' --kill gpg-agent; gpgconf --homedir "
	    "'%s' --kill gpg-agent", src, desk);
	tu_rmtree(dir);
	g_free(src);
	g_free(desk);
	g_free(dir);
}

/* A vendor key with an encryption subkey, exported armored. */
static char *
make_key(const char *uid, int with_enc, const char *extra, char **fpr_r)
{
	char *fpr = tu_genkey(src, uid, extra);
	char *out = NULL, *cmd;

	if (with_enc)
		ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch "
		    "--pinentry-mode loopback --passphrase '' %s "
		    "--quick-add-key %s cv25519 encr never 2>/dev/null", src,
		    extra ? extra : "", fpr), 0);
	cmd = g_strdup_printf("gpg --homedir '%s' --armor --export %s", src,
	    fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
	g_free(cmd);
	if (fpr_r != NULL)
		*fpr_r = fpr;
	else
		g_free(fpr);
	return out;
}

START_TEST(test_good_key)
{
	char *fpr, *data = make_key("PSIRT <psirt@acme.example>", 1, NULL,
	    &fpr), *err = NULL;
	struct vkey_info info;

	ck_assert_int_eq(vkeys_check(vkeys_ctx(k), data, strlen(data), &info, &err), 0);
	ck_assert_str_eq(info.fpr, fpr);
	ck_assert_uint_eq(info.emails->len, 1);
	ck_assert_str_eq(info.emails->pdata[0], "psirt@acme.example");
	vkey_info_clear(&info);
	/* Checking imports nothing; importing does. */
	ck_assert_int_ne(tu_sh("gpg --homedir '%s' --list-keys %s >/dev/null "
	    "2>&1", desk, fpr), 0);
	ck_assert_int_eq(vkeys_import(vkeys_ctx(k), data, strlen(data), &info, &err), 0);
	ck_assert_str_eq(info.fpr, fpr);
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --list-keys %s >/dev/null "
	    "2>&1", desk, fpr), 0);
	vkey_info_clear(&info);
	g_free(data);
	g_free(fpr);
}
END_TEST

static void
expect_refused(const char *data, size_t len, const char *why)
{
	struct vkey_info info;
	char *err = NULL;

	ck_assert_int_eq(vkeys_check(vkeys_ctx(k), data, len, &info, &err), -1);
	ck_assert_msg(err != NULL && strstr(err, why) != NULL,
	    "want '%s' in '%s'", why, err ? err : "(null)");
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vkeys_import(vkeys_ctx(k), data, len, &info, &err), -1);
	g_free(err);
}

START_TEST(test_no_encryption_subkey)
{
	char *data = make_key("Sign Only <s@acme.example>", 0, NULL, NULL);

	expect_refused(data, strlen(data), "no usable encryption subkey");
	g_free(data);
}
END_TEST

START_TEST(test_expired)
{
	char *fpr = NULL, *data, *out = NULL, *cmd;

	/* Made in 2020 with a one-day lifetime. */
	fpr = tu_genkey(src, "Old <old@acme.example>",
	    "--faked-system-time 20200101T000000");
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' --faked-system-time 20200101T000000 "
	    "--quick-set-expire %s 1d 2>/dev/null", src, fpr), 0);
	cmd = g_strdup_printf("gpg --homedir '%s' --armor --export %s", src,
	    fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
	data = out;
	expect_refused(data, strlen(data), "expired");
	g_free(cmd);
	g_free(data);
	g_free(fpr);
}
END_TEST

START_TEST(test_revoked)
{
	char *fpr, *data, *out = NULL, *cmd;

	data = make_key("Gone <gone@acme.example>", 1, NULL, &fpr);
	g_free(data);
	/* gpg made a revocation certificate; import it to revoke. */
	ck_assert_int_eq(tu_sh("sed 's/^:-----BEGIN/-----BEGIN/' "
	    "'%s/openpgp-revocs.d/%s.rev' | gpg --homedir '%s' --batch "
	    "--import 2>/dev/null", src, fpr, src), 0);
	cmd = g_strdup_printf("gpg --homedir '%s' --armor --export %s", src,
	    fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
	expect_refused(out, strlen(out), "revoked");
	g_free(cmd);
	g_free(out);
	g_free(fpr);
}
END_TEST

START_TEST(test_several_and_garbage)
{
	char *a = make_key("A <a@acme.example>", 1, NULL, NULL);
	char *b = make_key("B <b@acme.example>", 1, NULL, NULL);
	char *both = g_strconcat(a, b, NULL);

	expect_refused(both, strlen(both), "holds 2 keys");
	expect_refused("hello, this is no key\n", 22, "no OpenPGP public key");
	expect_refused("", 0, "1 to");
	g_free(a);
	g_free(b);
	g_free(both);
}
END_TEST

START_TEST(test_secret_key_refused)
{
	char *fpr, *data = make_key("Sec <sec@acme.example>", 1, NULL, &fpr);
	char *out = NULL, *cmd;

	g_free(data);
	cmd = g_strdup_printf("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' --armor --export-secret-keys %s", src,
	    fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
	expect_refused(out, strlen(out), "secret key");
	g_free(cmd);
	g_free(out);
	g_free(fpr);
}
END_TEST

START_TEST(test_desk_key)
{
	char fpr[41], again[41], *err = NULL;

	ck_assert_int_eq(vkeys_find_desk(k, "desk@cert.example", "", fpr,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "--generate-key"));
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vkeys_generate_desk(k, "desk@cert.example", fpr,
	    &err), 0);
	ck_assert_int_eq(strlen(fpr), 40);
	ck_assert_int_eq(vkeys_find_desk(k, "desk@cert.example", "", again,
	    &err), 0);
	ck_assert_str_eq(fpr, again);
	ck_assert_int_eq(vkeys_find_desk(k, "desk@cert.example", fpr, again,
	    &err), 0);
	ck_assert_int_eq(vkeys_find_desk(k, "desk@cert.example",
	    "0123456789ABCDEF0123456789ABCDEF01234567", again, &err), -1);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vkeys_generate_desk(k, "desk@cert.example", again,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "already exists"));
	g_free(err);
	/* It can encrypt: it has a cv25519 subkey. */
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --with-colons --list-keys "
	    "%s | grep -q '^sub:.*:e:'", desk, fpr), 0);
}
END_TEST

/* vkeys_get answers like gpgme_get_key, on the desk's own context. */
START_TEST(test_get_key)
{
	char fpr[41], *err = NULL, *sub;
	gpgme_ctx_t ctx = vkeys_ctx(k);
	gpgme_key_t key = (gpgme_key_t)1;

	ck_assert_int_eq(gpgme_err_code(vkeys_get(ctx, "desk@cert.example",
	    0, &key)), GPG_ERR_EOF);
	ck_assert_ptr_null(key);
	ck_assert_int_eq(vkeys_generate_desk(k, "desk@cert.example", fpr,
	    &err), 0);
	ck_assert_int_eq(vkeys_get(ctx, fpr, 1, &key), 0);
	ck_assert_str_eq(key->subkeys->fpr, fpr);
	ck_assert(key->secret);
	ck_assert_ptr_nonnull(key->subkeys->next);
	sub = g_strdup(key->subkeys->next->fpr);
	gpgme_key_unref(key);
	/* Found by its encryption subkey's fingerprint: the primary. */
	ck_assert_int_eq(vkeys_get(ctx, sub, 0, &key), 0);
	g_free(sub);
	ck_assert_str_eq(key->subkeys->fpr, fpr);
	gpgme_key_unref(key);
	/* A public key only: no secret key. */
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --passphrase '' "
	    "--quick-gen-key 'Other <other@cert.example>' ed25519 sign never "
	    ">/dev/null 2>&1 && gpg --homedir '%s' --batch --yes "
	    "--delete-secret-keys \"$(gpg --homedir '%s' --with-colons "
	    "--list-keys other@cert.example | awk -F: '/^fpr/ { print $10; "
	    "exit }')\" >/dev/null 2>&1", desk, desk, desk), 0);
	ck_assert_int_eq(vkeys_get(ctx, "other@cert.example", 0, &key), 0);
	gpgme_key_unref(key);
	ck_assert_int_eq(gpgme_err_code(vkeys_get(ctx, "other@cert.example",
	    1, &key)), GPG_ERR_EOF);
	/* Two keys match: ambiguous, no key. */
	ck_assert_int_eq(gpgme_err_code(vkeys_get(ctx, "@cert.example", 0,
	    &key)), GPG_ERR_AMBIGUOUS_NAME);
	ck_assert_ptr_null(key);
}
END_TEST

/* Imports src's current copy of fpr into the desk, as gpg would merge it
 * (no judging: keys go bad after they were pinned). */
static void
desk_refresh(const char *fpr)
{
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --armor --export %s "
	    "2>/dev/null | gpg --homedir '%s' --batch --import 2>/dev/null",
	    src, fpr, desk), 0);
}

static char *
sendable(const char *fpr, const char *const *keyids, int want)
{
	char *why = NULL;

	ck_assert_int_eq(vkeys_sendable(vkeys_ctx(k), fpr, keyids,
	    (int64_t)time(NULL), &why), want);
	if (want == 0)
		ck_assert_ptr_null(why);
	else
		ck_assert_ptr_nonnull(why);
	return why;
}

/* Rule 10: a pinned key is judged again when mail to it goes out. */
START_TEST(test_sendable)
{
	char *fpr, *why, *data, *msg = NULL, *sub1 = NULL, *cmd;
	char **ids;
	const char *t2020 = "--faked-system-time 20200101T000000";

	/* A key made in 2020: its first encryption subkey lived one day. */
	fpr = tu_genkey(src, "Acme <psirt@acme.example>", t2020);
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' %s --quick-add-key %s cv25519 encr 1d "
	    "2>/dev/null", src, t2020, fpr), 0);
	cmd = g_strdup_printf("sh -c \"gpg --homedir '%s' --with-colons "
	    "--list-keys %s | awk -F: '/^sub/ {print \\$5; exit}'\"", src, fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &sub1, NULL, NULL, NULL));
	g_strstrip(sub1);
	g_free(cmd);
	/* A message encrypted to it then, inside MIME as the outbox keeps
	 * it (CRLF, an armor header line). */
	cmd = g_strdup_printf("sh -c \"echo secret | gpg --homedir '%s' "
	    "--batch --trust-model always %s --armor --comment 'x y' "
	    "--encrypt -r %s 2>/dev/null | sed 's/$/\\r/'\"", src,
	    "--faked-system-time 20200101T120000", fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &msg, NULL, NULL, NULL));
	g_free(cmd);
	data = g_strconcat("Content-Type: multipart/encrypted\r\n\r\n--b\r\n"
	    "Version: 1\r\n--b\r\n\r\n", msg, "--b--\r\n", NULL);
	ids = vkeys_message_keyids(data, strlen(data));
	ck_assert_ptr_nonnull(ids[0]);
	ck_assert_str_eq(ids[0], sub1);
	ck_assert_ptr_null(ids[1]);
	g_free(data);
	/* Not a PGP message, or a damaged one: no ids, no crash. */
	{
		char **none = vkeys_message_keyids("hello\r\n", 7);
		const char *bad = "-----BEGIN PGP MESSAGE-----\r\n\r\n!!\r\n";

		ck_assert_ptr_null(none[0]);
		g_strfreev(none);
		none = vkeys_message_keyids(bad, strlen(bad));
		ck_assert_ptr_null(none[0]);
		g_strfreev(none);
		none = vkeys_message_keyids(msg, 40);
		ck_assert_ptr_null(none[0]);
		g_strfreev(none);
	}
	/* Not in the desk's key ring. */
	why = sendable(fpr, NULL, 1);
	ck_assert_str_eq(why, "was removed from the desk's key ring");
	g_free(why);
	/* A second encryption subkey, made now: the key is good, but not
	 * for a message encrypted to the expired first one. */
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' --quick-add-key %s cv25519 encr never "
	    "2>/dev/null", src, fpr), 0);
	desk_refresh(fpr);
	why = sendable(fpr, NULL, 0);
	why = sendable(fpr, (const char *const *)ids, 1);
	ck_assert_msg(strstr(why, sub1) != NULL && strstr(why, "expire"),
	    "%s", why);
	g_free(why);
	/* A subkey's fingerprint is not the key pinned. */
	{
		char *out = NULL;

		cmd = g_strdup_printf("sh -c \"gpg --homedir '%s' "
		    "--with-colons --list-keys %s | awk -F: '/^fpr/ {n++} "
		    "/^fpr/ && n == 3 {print \\$10}'\"", src, fpr);
		ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, NULL,
		    NULL));
		g_free(cmd);
		g_strstrip(out);
		ck_assert_uint_eq(strlen(out), 40);
		why = sendable(out, NULL, 1);
		g_free(why);
		g_free(out);
	}
	/* Disabled in the desk's key ring. */
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --edit-key %s "
	    "disable quit >/dev/null 2>&1", desk, fpr), 0);
	why = sendable(fpr, NULL, 1);
	ck_assert_str_eq(why, "was disabled");
	g_free(why);
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --edit-key %s "
	    "enable quit >/dev/null 2>&1", desk, fpr), 0);
	why = sendable(fpr, NULL, 0);
	/* The owner sets the whole key to expire (a newer self-signature,
	 * still in 2020). */
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' --faked-system-time 20200102T000000 "
	    "--quick-set-expire %s 1d 2>/dev/null", src, fpr), 0);
	desk_refresh(fpr);
	why = sendable(fpr, NULL, 1);
	ck_assert_str_eq(why, "expired");
	g_free(why);
	/* Revoked: the certificate gpg stored when making the key. */
	ck_assert_int_eq(tu_sh("sed 's/^:-----BEGIN/-----BEGIN/' "
	    "'%s/openpgp-revocs.d/%s.rev' | gpg --homedir '%s' --batch "
	    "--import 2>/dev/null", src, fpr, desk), 0);
	why = sendable(fpr, NULL, 1);
	ck_assert_str_eq(why, "was revoked");
	g_free(why);
	g_strfreev(ids);
	g_free(msg);
	g_free(sub1);
	g_free(fpr);
}
END_TEST

Suite *
make_keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("keys");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_good_key);
	tcase_add_test(tc, test_no_encryption_subkey);
	tcase_add_test(tc, test_expired);
	tcase_add_test(tc, test_revoked);
	tcase_add_test(tc, test_several_and_garbage);
	tcase_add_test(tc, test_secret_key_refused);
	tcase_add_test(tc, test_desk_key);
	tcase_add_test(tc, test_get_key);
	tcase_add_test(tc, test_sendable);
	suite_add_tcase(s, tc);
	return s;
}
