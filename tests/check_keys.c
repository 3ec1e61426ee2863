/* Key import against real gpg keys made in a throwaway GNUPGHOME. */
#include "config.h"

#include <check.h>
#include <glib/gstdio.h>
#include <stdlib.h>
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
	ck_assert_int_eq(vkeys_examine(vkeys_ctx(k), NULL, data, len, &info,
	    &err), -1);
	ck_assert_msg(err != NULL && strstr(err, why) != NULL,
	    "examine: want '%s' in '%s'", why, err ? err : "(null)");
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
	/* A subkey's fingerprint names no key: keys are pinned by primary
	 * fingerprint. */
	ck_assert_int_eq(gpgme_err_code(vkeys_get(ctx, sub, 0, &key)),
	    GPG_ERR_EOF);
	ck_assert_ptr_null(key);
	/* An encryption subkey signs nothing. */
	ck_assert_int_eq(gpgme_err_code(vkeys_get_signer(ctx, sub, &key)),
	    GPG_ERR_EOF);
	g_free(sub);
	/* A signature's issuer may be a signing subkey: its key. */
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' --quick-add-key %s ed25519 sign never "
	    ">/dev/null 2>&1", desk, fpr), 0);
	ck_assert_int_eq(vkeys_get(ctx, fpr, 0, &key), 0);
	ck_assert_ptr_nonnull(key->subkeys->next->next);
	sub = g_strdup(key->subkeys->next->next->fpr);
	gpgme_key_unref(key);
	ck_assert_int_eq(vkeys_get_signer(ctx, sub, &key), 0);
	ck_assert_str_eq(key->subkeys->fpr, fpr);
	gpgme_key_unref(key);
	ck_assert_int_eq(vkeys_get_signer(ctx, fpr, &key), 0);
	ck_assert_str_eq(key->subkeys->fpr, fpr);
	gpgme_key_unref(key);
	g_free(sub);
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

/* ---- Keys made to attack the key ring (tests/mkattack.sh). */

static char *atk;		/* mkattack.sh's directory */
static GHashTable *atk_env;	/* its env: name -> fingerprint */

static void
attack_setup(void)
{
	const char *top = getenv("top_srcdir");
	char *text = NULL, *path, **lines, *eq;
	int i;

	atk = tu_tmpdir();
	ck_assert_msg(tu_sh("top_srcdir='%s' sh '%s/tests/mkattack.sh' '%s' "
	    ">'%s/log' 2>&1", top ? top : "..", top ? top : "..", atk, atk) ==
	    0, "tests/mkattack.sh failed: see %s/log", atk);
	path = g_build_filename(atk, "env", NULL);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	g_free(path);
	atk_env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++)
		if ((eq = strchr(lines[i], '=')) != NULL)
			g_hash_table_insert(atk_env, g_strndup(lines[i],
			    (gsize)(eq - lines[i])), g_strdup(eq + 1));
	g_strfreev(lines);
	g_free(text);
}

static void
attack_teardown(void)
{
	tu_sh("gpgconf --homedir '%s/g' --kill gpg-agent >/dev/null 2>&1",
	    atk);
	tu_rmtree(atk);
	g_free(atk);
	g_hash_table_unref(atk_env);
}

static const char *
atk_fpr(const char *name)
{
	const char *f = g_hash_table_lookup(atk_env, name);

	ck_assert_msg(f != NULL && strlen(f) == 40, "no fingerprint %s", name);
	return f;
}

static char *
atk_file(const char *name, gsize *len)
{
	char *path = g_build_filename(atk, name, NULL), *data = NULL;

	ck_assert(g_file_get_contents(path, &data, len, NULL));
	g_free(path);
	return data;
}

/* How many keys of the desk's key ring carry fpr (gpg's own count). */
static int
desk_carriers(const char *fpr)
{
	char *cmd = g_strdup_printf("gpg --homedir '%s' --batch --with-colons "
	    "--list-keys %s", desk, fpr), *out = NULL, *errout = NULL, *p;
	int n = 0;

	(void)g_spawn_command_line_sync(cmd, &out, &errout, NULL, NULL);
	g_free(errout);
	for (p = out; p != NULL && (p = strstr(p, "pub:")) != NULL; p += 4)
		if (p == out || p[-1] == '\n')
			n++;
	g_free(out);
	g_free(cmd);
	return n;
}

/* Nothing of a scratch keyring is left in the desk's home. */
static void
assert_no_scratch(void)
{
	GDir *d = g_dir_open(desk, 0, NULL);
	const char *name;

	ck_assert_ptr_nonnull(d);
	while ((name = g_dir_read_name(d)) != NULL)
		ck_assert_msg(strncmp(name, "examine.", 8) != 0,
		    "scratch keyring %s left behind", name);
	g_dir_close(d);
}

static void
import_ok(const char *name, const char *fpr)
{
	struct vkey_info info;
	char *err = NULL;
	gsize len;
	char *data = atk_file(name, &len);

	ck_assert_msg(vkeys_import(vkeys_ctx(k), data, len, &info, &err) == 0,
	    "%s: %s", name, err ? err : "");
	ck_assert_str_eq(info.fpr, fpr);
	vkey_info_clear(&info);
	g_free(data);
}

/* Examining and importing the file name are refused with why, and the
 * desk's key ring has not changed. */
static void
attack_refused(const char *name, const char *why)
{
	struct vkey_info info;
	char *err = NULL, *data;
	gsize len;
	int before = desk_carriers("");

	data = atk_file(name, &len);
	ck_assert_int_eq(vkeys_examine(vkeys_ctx(k), NULL, data, len, &info,
	    &err), -1);
	ck_assert_msg(err != NULL && strstr(err, why) != NULL,
	    "%s: want '%s' in '%s'", name, why, err ? err : "(null)");
	g_free(err);
	err = NULL;
	ck_assert_int_eq(vkeys_import(vkeys_ctx(k), data, len, &info, &err),
	    -1);
	ck_assert_msg(err != NULL && strstr(err, why) != NULL,
	    "%s: want '%s' in '%s'", name, why, err ? err : "(null)");
	g_free(err);
	g_free(data);
	ck_assert_int_eq(desk_carriers(""), before);
	assert_no_scratch();
}

/* The victim is still found, alone, by its primary fingerprint. */
static void
victim_found(const char *fpr)
{
	gpgme_key_t key = NULL;

	ck_assert_int_eq(desk_carriers(fpr), 1);
	ck_assert_int_eq(vkeys_get(vkeys_ctx(k), fpr, 0, &key), 0);
	ck_assert_str_eq(key->subkeys->fpr, fpr);
	gpgme_key_unref(key);
}

/* A key carrying the victim's primary as an authentication subkey (no
 * back-signature needed) is refused once the victim is in the ring. */
START_TEST(test_planted_auth)
{
	import_ok("victim.gpg", atk_fpr("VICTIM"));
	attack_refused("auth.gpg", "which the desk's key");
	attack_refused("auth.gpg", atk_fpr("VICTIM"));
	victim_found(atk_fpr("VICTIM"));
	ck_assert_int_eq(desk_carriers(atk_fpr("AUTH")), 0);
}
END_TEST

/* The same with an RSA victim planted as an encryption subkey. */
START_TEST(test_planted_encryption)
{
	import_ok("rvictim.gpg", atk_fpr("RVICTIM"));
	attack_refused("encr.gpg", "a planted subkey?");
	victim_found(atk_fpr("RVICTIM"));
	ck_assert_int_eq(desk_carriers(atk_fpr("ENCR")), 0);
}
END_TEST

/* As a signing subkey whose back-signature was stripped: refused for the
 * fingerprint with the victim in the ring, for the missing back-signature
 * without. */
START_TEST(test_planted_signing)
{
	attack_refused("sign.gpg", "has no back-signature");
	import_ok("victim.gpg", atk_fpr("VICTIM"));
	attack_refused("sign.gpg", "which the desk's key");
	victim_found(atk_fpr("VICTIM"));
}
END_TEST

/* gpg's own signing subkey passes; the same without back-signature not. */
START_TEST(test_backsig)
{
	struct vkey_info info;
	char *err = NULL, *data;
	gsize len;

	data = atk_file("backsig.gpg", &len);
	ck_assert_msg(vkeys_examine(vkeys_ctx(k), NULL, data, len, &info,
	    &err) == 0, "%s", err ? err : "");
	ck_assert_str_eq(info.fpr, atk_fpr("NOBS"));
	ck_assert_int_eq(info.updates_existing, 0);
	vkey_info_clear(&info);
	g_free(data);
	assert_no_scratch();
	attack_refused("nobacksig.gpg", "has no back-signature");
}
END_TEST

START_TEST(test_weak)
{
	attack_refused("weak.gpg", "primary key");
	attack_refused("weak.gpg", "1024 bits");
	attack_refused("weaksub.gpg", "subkey");
	attack_refused("weaksub.gpg", "1024 bits");
}
END_TEST

/* A ring that already holds planted keys (imported before keys were
 * examined): look-ups by primary fingerprint still find the victims, and
 * vkeys_ambiguous names each shared fingerprint. */
START_TEST(test_planted_ring)
{
	gpgme_ctx_t ctx = vkeys_ctx(k);
	gpgme_key_t key = NULL;
	GPtrArray *report = NULL;
	struct vkey_info info;
	char *err = NULL, *data;
	gsize len;
	guint i;
	int seen_v = 0, seen_r = 0;

	ck_assert_int_eq(vkeys_ambiguous(ctx, &report, &err), 0);
	ck_assert_uint_eq(report->len, 0);
	g_ptr_array_unref(report);
	ck_assert_msg(tu_sh("for f in victim auth rvictim encr; do gpg "
	    "--homedir '%s' --batch --quiet --import '%s'/$f.gpg || exit 1; "
	    "done 2>/dev/null", desk, atk) == 0, "import failed");
	ck_assert_int_eq(desk_carriers(atk_fpr("VICTIM")), 2);
	ck_assert_int_eq(vkeys_get(ctx, atk_fpr("VICTIM"), 0, &key), 0);
	ck_assert_str_eq(key->subkeys->fpr, atk_fpr("VICTIM"));
	gpgme_key_unref(key);
	ck_assert_int_eq(vkeys_get(ctx, atk_fpr("RVICTIM"), 0, &key), 0);
	ck_assert_str_eq(key->subkeys->fpr, atk_fpr("RVICTIM"));
	gpgme_key_unref(key);
	ck_assert_int_eq(vkeys_get_signer(ctx, atk_fpr("VICTIM"), &key), 0);
	ck_assert_str_eq(key->subkeys->fpr, atk_fpr("VICTIM"));
	gpgme_key_unref(key);
	ck_assert_int_eq(vkeys_ambiguous(ctx, &report, &err), 0);
	ck_assert_uint_eq(report->len, 2);
	for (i = 0; i < report->len; i++) {
		const char *l = report->pdata[i];

		if (strstr(l, atk_fpr("VICTIM")) && strstr(l, atk_fpr("AUTH")))
			seen_v++;
		if (strstr(l, atk_fpr("RVICTIM")) && strstr(l, atk_fpr("ENCR")))
			seen_r++;
		ck_assert_ptr_nonnull(strstr(l, "is carried by keys"));
	}
	ck_assert_int_eq(seen_v, 1);
	ck_assert_int_eq(seen_r, 1);
	g_ptr_array_unref(report);
	/* Until the planted key goes, even the victim's own key is refused,
	 * naming it. */
	data = atk_file("victim.gpg", &len);
	ck_assert_int_eq(vkeys_examine(ctx, NULL, data, len, &info, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, atk_fpr("AUTH")));
	g_free(err);
	g_free(data);
}
END_TEST

/* A new subkey on a key the desk holds: allowed, and reported. */
START_TEST(test_update)
{
	char *fpr, *data = make_key("Upd <upd@acme.example>", 1, NULL, &fpr);
	char *data2 = NULL, *err = NULL, *cmd, *sub = NULL;
	struct vkey_info info;
	gpgme_key_t key;

	ck_assert_int_eq(vkeys_import(vkeys_ctx(k), data, strlen(data), &info,
	    &err), 0);
	ck_assert_int_eq(info.updates_existing, 0);
	vkey_info_clear(&info);
	ck_assert_int_eq(tu_sh("gpg --homedir '%s' --batch --pinentry-mode "
	    "loopback --passphrase '' --quick-add-key %s ed25519 sign never "
	    ">/dev/null 2>&1", src, fpr), 0);
	cmd = g_strdup_printf("gpg --homedir '%s' --armor --export %s", src,
	    fpr);
	ck_assert(g_spawn_command_line_sync(cmd, &data2, NULL, NULL, NULL));
	g_free(cmd);
	ck_assert_msg(vkeys_import(vkeys_ctx(k), data2, strlen(data2), &info,
	    &err) == 0, "%s", err ? err : "");
	ck_assert_int_eq(info.updates_existing, 1);
	ck_assert_uint_eq(info.new_subkeys->len, 1);
	ck_assert_int_eq(vkeys_get(vkeys_ctx(k), fpr, 0, &key), 0);
	ck_assert_ptr_nonnull(key->subkeys->next->next);
	sub = key->subkeys->next->next->fpr;
	ck_assert_str_eq(info.new_subkeys->pdata[0], sub);
	gpgme_key_unref(key);
	vkey_info_clear(&info);
	assert_no_scratch();
	g_free(data);
	g_free(data2);
	g_free(fpr);
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
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_sendable);
	suite_add_tcase(s, tc);

	tc = tcase_create("attacks");
	tcase_add_unchecked_fixture(tc, attack_setup, attack_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_planted_auth);
	tcase_add_test(tc, test_planted_encryption);
	tcase_add_test(tc, test_planted_signing);
	tcase_add_test(tc, test_backsig);
	tcase_add_test(tc, test_weak);
	tcase_add_test(tc, test_planted_ring);
	suite_add_tcase(s, tc);
	return s;
}
