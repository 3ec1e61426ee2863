/*
 * check_decode: the decode module against messages made at test time by
 * gpg (tests/mkfixtures.sh) and, when it can be driven, neomutt; plus
 * table tests of the byte-level helpers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "check_suites.h"
#include "testutil.h"
#include <glib.h>
#include <gpgme.h>

#include "../src/decode_p.h"
#include "vulture/decode.h"
#include "vulture/config.h"
#include "vulture/policy.h"
#include "vulture/spill.h"
#include "vulture/vcrypto.h"

#ifndef MKFIXTURES
#define MKFIXTURES "tests/mkfixtures.sh"
#endif

static char		*fx_dir;	/* the corpus */
static GHashTable	*fx_env;	/* DIR/env: name -> value */
static gpgme_ctx_t	 fx_ctx;	/* on the desk's GNUPGHOME */
static struct vcrypto	 fx_vc;		/* GPGME on fx_ctx, in-process */

static const char *
env(const char *name)
{
	const char	*v = fx_env ? g_hash_table_lookup(fx_env, name) : NULL;

	return v ? v : "";
}

static void
kill_agent(const char *home)
{
	gchar	*argv[] = { "gpgconf", "--homedir", (gchar *)home, "--kill",
	    "gpg-agent", NULL };

	if (home && *home)
		g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH |
		    G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
		    NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
rm_rf(const char *dir)
{
	gchar	*argv[] = { "rm", "-rf", (gchar *)dir, NULL };

	if (dir && *dir && g_str_has_prefix(dir, "/tmp/"))
		g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL,
		    NULL, NULL, NULL, NULL, NULL);
}

static void	fx_teardown(void);

static void
fx_setup(void)
{
	const char	*script = getenv("VDEC_MKFIXTURES");
	gchar		*log = NULL, *out = NULL, *argv[4], *envtext = NULL;
	gchar		**lines, **l;
	gint		 status = -1;
	gpgme_error_t	 err;

	if (script == NULL)
		script = MKFIXTURES;
	ck_assert(vdec_init() == 0);
	fx_dir = g_strdup("/tmp/vdt.XXXXXX");
	ck_assert_ptr_nonnull(g_mkdtemp(fx_dir));
	tu_track(fx_dir);
	argv[0] = "sh";
	argv[1] = (gchar *)script;
	argv[2] = fx_dir;
	argv[3] = NULL;
	/* gpg chatter goes to a log, shown only when the script fails. */
	if (!g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
	    &out, &log, &status, NULL) || !g_spawn_check_wait_status(status,
	    NULL)) {
		fprintf(stderr, "mkfixtures.sh failed:\n%s%s\n",
		    out ? out : "", log ? log : "");
		rm_rf(fx_dir);
		ck_abort_msg("mkfixtures.sh failed");
	}
	if (log && strstr(log, "mkfixtures:"))
		fprintf(stderr, "%s", strstr(log, "mkfixtures:"));
	g_free(out);
	g_free(log);

	fx_env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    g_free);
	{
		gchar	*p = g_build_filename(fx_dir, "env", NULL);

		if (!g_file_get_contents(p, &envtext, NULL, NULL)) {
			rm_rf(fx_dir);
			ck_abort_msg("no %s", p);
		}
		g_free(p);
	}
	lines = g_strsplit(envtext, "\n", -1);
	for (l = lines; *l; l++) {
		gchar	*eq = strchr(*l, '=');

		if (eq)
			g_hash_table_insert(fx_env, g_strndup(*l, eq - *l),
			    g_strdup(eq + 1));
	}
	g_strfreev(lines);
	g_free(envtext);

	/* A failed unchecked setup gets no teardown: clean up first. */
	if ((err = gpgme_new(&fx_ctx)) != 0 ||
	    (err = gpgme_set_protocol(fx_ctx, GPGME_PROTOCOL_OpenPGP)) != 0 ||
	    (err = gpgme_ctx_set_engine_info(fx_ctx, GPGME_PROTOCOL_OpenPGP,
	    NULL, env("GNUPGHOME_DESK"))) != 0) {
		fx_teardown();
		ck_abort_msg("gpgme: %s", gpgme_strerror(err));
	}
	fx_vc.ops = &vdec_gpgme_ops;
	fx_vc.impl = fx_ctx;
}

static void
fx_teardown(void)
{
	if (fx_ctx)
		gpgme_release(fx_ctx);
	fx_ctx = NULL;
	kill_agent(env("GNUPGHOME_DESK"));
	kill_agent(env("GNUPGHOME_SND"));
	rm_rf(env("GNUPGHOME_DESK"));
	rm_rf(env("GNUPGHOME_SND"));
	if (fx_dir && getenv("VDEC_KEEP_FIXTURES") == NULL)
		rm_rf(fx_dir);
	g_free(fx_dir);
	fx_dir = NULL;
	if (fx_env)
		g_hash_table_destroy(fx_env);
	fx_env = NULL;
}

/* Decodes DIR/name; returns vdec_decode's value. */
static int
decode_file(const char *name, const struct vdec_limits *lim,
    struct vdec_result **r, const char **error)
{
	gchar	*path = g_build_filename(fx_dir, name, NULL), *buf;
	gsize	 len;
	int	 ret;

	ck_assert_msg(g_file_get_contents(path, &buf, &len, NULL),
	    "cannot read %s", path);
	ret = vdec_decode(&fx_vc, buf, len, lim, r, error);
	g_free(buf);
	g_free(path);
	return ret;
}

/* Per-file expectations. */
struct expect {
	const char	*file;
	enum vdec_shape	 shape;
	int		 encrypted, decrypted;
	enum vdec_sig	 sig;
	const char	*signer;	/* env name of the expected primary
					   fingerprint, NULL: none */
	const char	*subject;
	int		 subject_protected;
	const char	*text;		/* substring of text */
	const char	*not_text;	/* must not be in text */
	unsigned	 n_att;
	const char	*att0;		/* first attachment name */
};

static const struct expect expects[] = {
	{ "combined.eml", VDEC_PGPMIME_COMBINED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] notice", 0,
	  "Comment: 修正版を準備中です。", NULL, 2, "poc.pdf" },
	{ "nested.eml", VDEC_PGPMIME_NESTED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] nested", 0,
	  "Status: not-affected\nComment: nested ok", NULL, 0, NULL },
	{ "signed.eml", VDEC_PGPMIME_SIGNED, 0, 0, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] signed", 0,
	  "Comment: nested ok", NULL, 0, NULL },
	{ "inline.eml", VDEC_INLINE_ENCRYPTED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] inline", 0,
	  "Status: affected-investigating\nComment: 修正版を準備中です。",
	  "BEGIN PGP", 0, NULL },
	{ "inline_html.eml", VDEC_INLINE_ENCRYPTED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] inline html", 0,
	  "Comment: 修正版を準備中です。", "<br>", 0, NULL },
	{ "clearsigned.eml", VDEC_INLINE_CLEARSIGNED, 0, 0, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] clearsigned", 0,
	  "Comment: 修正版を準備中です。", "BEGIN PGP", 0, NULL },
	{ "inline_signed.eml", VDEC_INLINE_SIGNED, 0, 0, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] opaque", 0,
	  "Status: affected-investigating", NULL, 0, NULL },
	{ "exchange.eml", VDEC_EXCHANGE, 1, 1, VDEC_SIG_GOOD, "VENDOR_FPR",
	  "Re: [JVNVU#12345678] exchange", 0, "Comment: 修正版を準備中です。",
	  NULL, 2, "poc.pdf" },
	{ "prot_9788.eml", VDEC_PGPMIME_COMBINED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "[JVNVU#12345678] secret title", 1,
	  "Case: JVNVU#12345678\nStatus: affected", "Subject:", 0, NULL },
	{ "prot_v1.eml", VDEC_PGPMIME_COMBINED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "【要対応】 [JVNVU#12345678]", 1,
	  "Status: unknown", "Subject:", 0, NULL },
	{ "prot_v1_line.eml", VDEC_PGPMIME_NESTED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] line style", 1,
	  "Status: not-affected-investigating", "Subject:", 0, NULL },
	{ "charset_shift_jis.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "お知らせ shift_jis", 0, "脆弱性の調査結果をお知らせします。",
	  NULL, 0, NULL },
	{ "charset_iso-2022-jp.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "お知らせ iso-2022-jp", 0, "脆弱性の調査結果をお知らせします。",
	  NULL, 0, NULL },
	{ "charset_euc-jp.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "お知らせ euc-jp", 0, "脆弱性の調査結果をお知らせします。",
	  NULL, 0, NULL },
	{ "charset_undeclared.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "undeclared", 0, "脆弱性の調査結果をお知らせします。", NULL, 0,
	  NULL },
	{ "charset_latin1.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "latin1", 0, "Comment: café naïve", NULL, 0, NULL },
	{ "html.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL, "html only", 0,
	  "Comment: a <b> & ああ \"q\"\nline two", "SCRIPT", 0, NULL },
	{ "alternative.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "alternative", 0, "PLAIN VERSION", "HTML VERSION", 0, NULL },
	{ "plain.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "Re: [JVNVU#12345678] plain", 0, "The details are public now.",
	  NULL, 0, NULL },
	/* Negatives that still decode. */
	{ "wrapped.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL,
	  "Re: [JVNVU#12345678] wrapped", 0, "publish now", NULL, 0, NULL },
	{ "enc_empty.eml", VDEC_PGPMIME_COMBINED, 1, 1, VDEC_SIG_GOOD,
	  "VENDOR_FPR", "empty", 0, NULL, "\n", 0, NULL },
	{ "enc_unsigned.eml", VDEC_PGPMIME_ENCRYPTED, 1, 1, VDEC_SIG_NONE,
	  NULL, "unsigned", 0, "Comment: nested ok", NULL, 0, NULL },
	{ "unknown_signer.eml", VDEC_PGPMIME_COMBINED, 1, 1,
	  VDEC_SIG_KEY_MISSING, NULL, "unknown signer", 0,
	  "Comment: nested ok", NULL, 0, NULL },
	{ "expired.eml", VDEC_PGPMIME_SIGNED, 0, 0, VDEC_SIG_KEY_EXPIRED,
	  "EXPIRED_FPR", "expired", 0, "nested ok", NULL, 0, NULL },
	{ "revoked.eml", VDEC_PGPMIME_COMBINED, 1, 1, VDEC_SIG_KEY_REVOKED,
	  "REVOKED_FPR", "revoked", 0, "nested ok", NULL, 0, NULL },
	{ "bad_sig.eml", VDEC_PGPMIME_SIGNED, 0, 0, VDEC_SIG_BAD,
	  "VENDOR_FPR", "Re: [JVNVU#12345678] signed", 0, "Status: affected",
	  NULL, 0, NULL },
	{ "other_key.eml", VDEC_PGPMIME_ENCRYPTED, 1, 0, VDEC_SIG_NONE, NULL,
	  "other key", 0, NULL, "nested", 0, NULL },
	{ "truncated.eml", VDEC_PGPMIME_ENCRYPTED, 1, 0, VDEC_SIG_NONE, NULL,
	  "truncated", 0, NULL, "Case:", 0, NULL },
};

START_TEST(test_shapes)
{
	const struct expect	*x = &expects[_i];
	struct vdec_result	*r = NULL;
	const char		*error = NULL;

	ck_assert_msg(decode_file(x->file, NULL, &r, &error) == 0,
	    "%s: %s", x->file, error);
	ck_assert_msg(r->shape == x->shape, "%s: shape %s", x->file,
	    vdec_shape_name(r->shape));
	ck_assert_int_eq(r->encrypted, x->encrypted);
	ck_assert_int_eq(r->decrypted, x->decrypted);
	ck_assert_msg(r->sig == x->sig, "%s: sig %s (%s)", x->file,
	    vdec_sig_name(r->sig), r->verify_error ? r->verify_error : "");
	if (x->signer)
		ck_assert_str_eq(r->signer_fpr, env(x->signer));
	else
		ck_assert_str_eq(r->signer_fpr, "");
	if (x->sig != VDEC_SIG_NONE) {
		ck_assert_uint_eq(r->n_sigs, 1);
		ck_assert_uint_eq(strlen(r->signed_hash), 64);
		ck_assert(r->sig_time > 0 || x->sig == VDEC_SIG_BAD);
	} else {
		ck_assert_str_eq(r->signed_hash, "");
	}
	if (x->sig == VDEC_SIG_GOOD)
		ck_assert_ptr_null(r->verify_error);
	else if (x->sig != VDEC_SIG_NONE)
		ck_assert_ptr_nonnull(r->verify_error);
	if (x->encrypted && !x->decrypted)
		ck_assert_ptr_nonnull(r->decrypt_error);
	else
		ck_assert_ptr_null(r->decrypt_error);
	ck_assert_str_eq(r->subject, x->subject);
	ck_assert_int_eq(r->subject_protected, x->subject_protected);
	ck_assert_ptr_nonnull(r->text);
	ck_assert_uint_eq(strlen(r->text), r->text_len);
	ck_assert(g_utf8_validate(r->text, -1, NULL));
	if (x->text)
		ck_assert_msg(strstr(r->text, x->text) != NULL,
		    "%s: text lacks \"%s\"", x->file, x->text);
	if (x->not_text)
		ck_assert_msg(strstr(r->text, x->not_text) == NULL,
		    "%s: text has \"%s\"", x->file, x->not_text);
	ck_assert_uint_eq(r->attachments->len, x->n_att);
	if (x->att0) {
		struct vdec_attachment *a = g_ptr_array_index(r->attachments,
		    0);

		ck_assert_str_eq(a->filename, x->att0);
	}
	ck_assert_uint_eq(r->unprotected_parts, 0);
	ck_assert_str_eq(r->clear_text, "");
	ck_assert(r->structure->len > 0);
	if (x->encrypted)
		ck_assert_uint_ge(r->recipients->len, 1);
	vdec_result_free(&r);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_attachments)
{
	struct vdec_result	*r = NULL;
	struct vdec_attachment	*a;
	const char		*error;
	static const char	 pdf[] = "%PDF-1.4\n\000\001\002\377 proof of "
	    "concept\n";
	gsize			 n;
	const void		*d;

	ck_assert(decode_file("combined.eml", NULL, &r, &error) == 0);
	a = g_ptr_array_index(r->attachments, 0);
	ck_assert_str_eq(a->content_type, "application/pdf");
	ck_assert(a->is_protected);
	d = g_bytes_get_data(a->data, &n);
	ck_assert_uint_eq(n, sizeof(pdf) - 1);
	ck_assert(memcmp(d, pdf, n) == 0);
	a = g_ptr_array_index(r->attachments, 1);
	ck_assert_str_eq(a->filename, "detail");
	ck_assert_str_eq(a->content_type, "text/plain");
	d = g_bytes_get_data(a->data, &n);
	ck_assert_uint_eq(n, 17);
	ck_assert(memcmp(d, "Technical detail.", 17) == 0);
	/* The detail attachment is not part of the form text. */
	ck_assert_ptr_null(strstr(r->text, "Technical detail"));
	ck_assert_ptr_nonnull(strstr(r->structure->str, "(decrypted)"));
	ck_assert_ptr_nonnull(strstr(r->structure->str,
	    "application/pdf name=\"poc.pdf\""));
	ck_assert_ptr_null(strstr(r->structure->str, "Case:"));
	vdec_result_free(&r);
}
END_TEST

START_TEST(test_headers)
{
	struct vdec_result	*r = NULL;
	const char		*error;

	ck_assert(decode_file("plain.eml", NULL, &r, &error) == 0);
	ck_assert_str_eq(r->message_id, "plain@acme.example");
	ck_assert_str_eq(r->in_reply_to, "notice-1@cert.example");
	ck_assert_uint_eq(r->references->len, 2);
	ck_assert_str_eq(g_ptr_array_index(r->references, 0),
	    "a@cert.example");
	ck_assert_str_eq(g_ptr_array_index(r->references, 1),
	    "notice-1@cert.example");
	ck_assert_str_eq(r->from, "ACME PSIRT <psirt@acme.example>");
	ck_assert_str_eq(r->from_addr, "psirt@acme.example");
	ck_assert_str_eq(r->to, "Vulture Desk <vultures@cert.example>");
	ck_assert_str_eq(r->subject_outer, "Re: [JVNVU#12345678] plain");
	ck_assert_str_eq(r->date, "Tue, 01 Dec 2026 10:00:00 +0900");
	ck_assert_int_eq(r->date_time, 1796086800);
	ck_assert_str_eq(r->auto_submitted, "auto-replied");
	ck_assert_str_eq(r->precedence, "bulk");
	ck_assert_str_eq(r->return_path, "psirt@acme.example");
	ck_assert_str_eq(r->list_id, "ACME PSIRT <psirt.acme.example>");
	ck_assert_str_eq(r->loop, "vultures@cert.example");
	ck_assert_ptr_null(r->subject_prot);
	ck_assert_int_eq(r->encrypted, 0);
	ck_assert_int_eq(r->sig, VDEC_SIG_NONE);
	vdec_result_free(&r);

	ck_assert(decode_file("prot_9788.eml", NULL, &r, &error) == 0);
	ck_assert_str_eq(r->subject_outer, "[...]");
	ck_assert_str_eq(r->subject_prot, "[JVNVU#12345678] secret title");
	ck_assert_str_eq(r->from_prot, "ACME PSIRT <psirt@acme.example>");
	ck_assert_str_eq(r->to_prot, "Vulture Desk <vultures@cert.example>");
	ck_assert_str_eq(r->text, "Case: JVNVU#12345678\nStatus: affected");
	vdec_result_free(&r);
}
END_TEST

/* The signed hash identifies the signed bytes, whatever wraps them. */
START_TEST(test_signed_hash)
{
	struct vdec_result	*a = NULL, *b = NULL;
	const char		*error;

	ck_assert(decode_file("nested.eml", NULL, &a, &error) == 0);
	ck_assert(decode_file("signed.eml", NULL, &b, &error) == 0);
	ck_assert_str_eq(a->signed_hash, b->signed_hash);
	vdec_result_free(&b);
	ck_assert(decode_file("bad_sig.eml", NULL, &b, &error) == 0);
	ck_assert_str_ne(a->signed_hash, b->signed_hash);
	vdec_result_free(&b);
	vdec_result_free(&a);
	ck_assert(decode_file("inline.eml", NULL, &b, &error) == 0);
	ck_assert(decode_file("clearsigned.eml", NULL, &a, &error) == 0);
	/* Same plaintext, signed twice: same hash. */
	ck_assert_str_eq(a->signed_hash, b->signed_hash);
	vdec_result_free(&a);
	vdec_result_free(&b);
}
END_TEST

/* Words around an inline block are clear text: kept apart. */
START_TEST(test_clear_text)
{
	struct vdec_result	*r = NULL;
	const char		*error;

	ck_assert(decode_file("inline_mixed.eml", NULL, &r, &error) == 0);
	ck_assert_int_eq(r->shape, VDEC_INLINE_ENCRYPTED);
	ck_assert_int_eq(r->sig, VDEC_SIG_GOOD);
	ck_assert_ptr_nonnull(strstr(r->text,
	    "Status: affected-investigating"));
	ck_assert_ptr_null(strstr(r->text, "Hello"));
	ck_assert_ptr_null(strstr(r->text, "ACME PSIRT"));
	ck_assert_uint_eq(r->unprotected_parts, 1);
	ck_assert_ptr_nonnull(strstr(r->clear_text,
	    "Hello, about JVNVU#12345678:"));
	ck_assert_ptr_nonnull(strstr(r->clear_text, "ACME PSIRT"));
	ck_assert_ptr_null(strstr(r->clear_text, "BEGIN PGP"));
	vdec_result_free(&r);
}
END_TEST

START_TEST(test_decrypt_errors)
{
	struct vdec_result	*r = NULL;
	const char		*error;

	ck_assert(decode_file("other_key.eml", NULL, &r, &error) == 0);
	ck_assert_str_eq(r->decrypt_error, "no secret key for any recipient");
	ck_assert_uint_eq(r->recipients->len, 1);
	/* The key id of the encryption subkey, not of the primary. */
	ck_assert_str_eq(g_ptr_array_index(r->recipients, 0),
	    env("OTHER_ENC_KEYID"));
	vdec_result_free(&r);
}
END_TEST

/* What gpg used, as the decoder reports it, and what the default policy
 * says of it.  cipher NULL: anything but "" (gpg's default, which may
 * change); hash likewise. */
struct algo_case {
	const char	*file;
	const char	*cipher, *hash;
	int		 any_cipher, any_hash;
	unsigned	 n_recipients;
	int		 refuse_cipher, refuse_hash;
};

static const struct algo_case algo_cases[] = {
	{ "algo_cast5.eml", "CAST5.CFB", "SHA1", 0, 0, 2, 1, 1 },
	/* The signature inside does not wipe the cipher outside. */
	{ "algo_nested.eml", "BLOWFISH.CFB", "RIPEMD160", 0, 0, 1, 1, 1 },
	{ "algo_inline.eml", "3DES.CFB", "SHA512", 0, 0, 1, 1, 0 },
	{ "algo_signed_sha1.eml", "", "SHA1", 0, 0, 0, 0, 1 },
	/* gpg's defaults pass. */
	{ "combined.eml", NULL, NULL, 1, 1, 1, 0, 0 },
	{ "nested.eml", NULL, NULL, 1, 1, 1, 0, 0 },
	{ "inline.eml", NULL, NULL, 1, 1, 1, 0, 0 },
	{ "signed.eml", "", NULL, 0, 1, 0, 0, 0 },
	{ "clearsigned.eml", "", NULL, 0, 1, 0, 0, 0 },
	{ "enc_unsigned.eml", NULL, "", 1, 0, 1, 0, 0 },
	{ "plain.eml", "", "", 0, 0, 0, 0, 0 },
	/* Not decrypted: the cipher is not known, the recipient is. */
	{ "other_key.eml", "", "", 0, 0, 1, 0, 0 },
};

START_TEST(test_algorithms)
{
	const struct algo_case	*x = &algo_cases[_i];
	struct vdec_result	*r = NULL;
	const char		*error = NULL;
	char			*dflt_c[] = { "3DES", "CAST5", "BLOWFISH",
				    "IDEA", NULL };
	char			*dflt_h[] = { "SHA1", "RIPEMD160", NULL };
	char			*none[] = { NULL };
	struct vconf		 conf;
	char			*why, *sum;
	guint			 i;

	ck_assert_msg(decode_file(x->file, NULL, &r, &error) == 0, "%s: %s",
	    x->file, error);
	if (x->any_cipher)
		ck_assert_msg(r->cipher_algo[0] != '\0', "%s: no cipher",
		    x->file);
	else
		ck_assert_msg(strcmp(r->cipher_algo, x->cipher) == 0,
		    "%s: cipher \"%s\"", x->file, r->cipher_algo);
	if (x->any_hash)
		ck_assert_msg(r->hash_algo[0] != '\0', "%s: no hash",
		    x->file);
	else
		ck_assert_msg(strcmp(r->hash_algo, x->hash) == 0,
		    "%s: hash \"%s\"", x->file, r->hash_algo);
	ck_assert_msg(r->recipients->len == x->n_recipients,
	    "%s: %u recipients", x->file, r->recipients->len);
	for (i = 0; i < r->recipients->len; i++)
		ck_assert_msg(strlen(r->recipients->pdata[i]) == 16 &&
		    vcrypto_keyid_ok(r->recipients->pdata[i]), "%s: \"%s\"",
		    x->file, (char *)r->recipients->pdata[i]);
	if (x->n_recipients == 2) {
		ck_assert(strcmp(r->recipients->pdata[0],
		    env("OTHER_ENC_KEYID")) == 0 ||
		    strcmp(r->recipients->pdata[1],
		    env("OTHER_ENC_KEYID")) == 0);
		sum = policy_summary(r);
		ck_assert_ptr_nonnull(strstr(sum, env("OTHER_ENC_KEYID")));
		g_free(sum);
	}

	memset(&conf, 0, sizeof(conf));
	conf.refuse_ciphers = dflt_c;
	conf.refuse_hashes = dflt_h;
	why = policy_refusal(conf.refuse_ciphers, conf.refuse_hashes, r);
	if (x->refuse_cipher || x->refuse_hash) {
		char	*c = g_strndup(r->cipher_algo,
		    strcspn(r->cipher_algo, "."));

		ck_assert_msg(why != NULL, "%s: accepted", x->file);
		ck_assert_msg((*c && strstr(why, c) != NULL) ==
		    x->refuse_cipher, "%s: %s", x->file, why);
		ck_assert_msg((r->hash_algo[0] && strstr(why, r->hash_algo) !=
		    NULL) == x->refuse_hash, "%s: %s", x->file, why);
		g_free(c);
	} else
		ck_assert_msg(why == NULL, "%s: %s", x->file, why);
	g_free(why);
	/* An empty list accepts all. */
	conf.refuse_ciphers = none;
	conf.refuse_hashes = none;
	ck_assert_ptr_null(policy_refusal(conf.refuse_ciphers, conf.refuse_hashes, r));
	vdec_result_free(&r);
}
END_TEST

struct limit_case {
	const char	*file;
	const char	*error;		/* substring */
	size_t		 max_message, max_decrypted, max_text;
};

static const struct limit_case limit_cases[] = {
	{ "bomb.eml", "VDEC_MAX_DECRYPTED", 0, 0, 0 },
	{ "bomb.eml", "VDEC_MAX_DECRYPTED", 0, 1024 * 1024, 0 },
	{ "deep.eml", "VDEC_MAX_DEPTH", 0, 0, 0 },
	{ "many_parts.eml", "VDEC_MAX_PARTS", 0, 0, 0 },
	{ "big_header.eml", "VDEC_MAX_HEADER_BYTES", 0, 0, 0 },
	{ "not_mail.eml", "not a mail message", 0, 0, 0 },
	{ "combined.eml", "max_message_size", 1000, 0, 0 },
	{ "plain.eml", "VDEC_MAX_TEXT", 0, 0, 20 },
	{ "inline.eml", "VDEC_MAX_TEXT", 0, 0, 20 },
	{ "combined.eml", "VDEC_MAX_DECRYPTED", 0, 100, 0 },
};

START_TEST(test_limits)
{
	const struct limit_case	*x = &limit_cases[_i];
	struct vdec_limits	 lim;
	struct vdec_result	*r = NULL;
	const char		*error = NULL;
	gint64			 t0 = g_get_monotonic_time();

	vdec_limits_default(&lim);
	if (x->max_message)
		lim.max_message = x->max_message;
	if (x->max_decrypted)
		lim.max_decrypted = x->max_decrypted;
	if (x->max_text)
		lim.max_text = x->max_text;
	ck_assert_int_eq(decode_file(x->file, &lim, &r, &error), -1);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(error);
	ck_assert_msg(strstr(error, x->error) != NULL, "%s: \"%s\"", x->file,
	    error);
	/* A bomb is cut off, not swallowed. */
	ck_assert_int_lt(g_get_monotonic_time() - t0, 20 * G_USEC_PER_SEC);
}
END_TEST

/* Signed data past SPILL_MEM_MAX goes to a file in spill_dir; when it
 * cannot be written the decode is a temporary failure (the message waits),
 * not a verdict on the message. */
START_TEST(test_spill_tempfail)
{
	GString			*m = g_string_new(NULL);
	struct vdec_limits	 lim;
	struct vdec_result	*r = NULL;
	const char		*error = NULL;
	char			*dir = tu_tmpdir();
	int			 i;

	g_string_append(m, "From: a@example.org\nSubject: big\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/signed; "
	    "boundary=\"b\"; protocol=\"application/pgp-signature\"; "
	    "micalg=pgp-sha256\n\n--b\nContent-Type: text/plain\n\n");
	for (i = 0; i < 30000; i++)
		g_string_append(m, "Status: affected, said the vendor, twice.\n");
	g_string_append(m, "\n--b\nContent-Type: application/pgp-signature\n"
	    "\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n"
	    "-----END PGP SIGNATURE-----\n\n--b--\n");
	vdec_limits_default(&lim);
	lim.spill_dir = "/nonexistent/vulture-spill";
	ck_assert_int_eq(vdec_decode(&fx_vc, m->str, m->len, &lim, &r,
	    &error), VDEC_TEMPFAIL);
	ck_assert_ptr_null(r);
	ck_assert_ptr_nonnull(strstr(error, "disk full"));
	/* With room, the same message decodes (the signature is bad). */
	lim.spill_dir = dir;
	ck_assert_int_eq(vdec_decode(&fx_vc, m->str, m->len, &lim, &r,
	    &error), 0);
	ck_assert_int_eq(r->shape, VDEC_PGPMIME_SIGNED);
	ck_assert_int_ne(r->sig, VDEC_SIG_GOOD);
	ck_assert_uint_gt(r->text_len, 1000000);
	vdec_result_free(&r);
	tu_rmtree(dir);
	g_free(dir);
	g_string_free(m, TRUE);
}
END_TEST

/* After a cut-off bomb the same context still works. */
START_TEST(test_ctx_reuse)
{
	struct vdec_result	*r = NULL;
	const char		*error;

	ck_assert_int_eq(decode_file("bomb.eml", NULL, &r, &error), -1);
	ck_assert(decode_file("combined.eml", NULL, &r, &error) == 0);
	ck_assert_int_eq(r->sig, VDEC_SIG_GOOD);
	ck_assert_str_eq(r->signer_fpr, env("VENDOR_FPR"));
	vdec_result_free(&r);
	ck_assert_int_eq(gpgme_get_offline(fx_ctx), 0);
}
END_TEST

START_TEST(test_neomutt)
{
	struct vdec_result	*r = NULL;
	const char		*error;
	gchar			*p = g_build_filename(fx_dir, "neomutt.eml",
	    NULL);

	if (!g_file_test(p, G_FILE_TEST_EXISTS)) {
		fprintf(stderr, "check_decode: neomutt.eml not made "
		    "(neomutt/tmux missing or failed): skipped\n");
		g_free(p);
		return;
	}
	g_free(p);
	ck_assert_msg(decode_file("neomutt.eml", NULL, &r, &error) == 0,
	    "%s", error);
	ck_assert_int_eq(r->shape, VDEC_PGPMIME_COMBINED);
	ck_assert_int_eq(r->decrypted, 1);
	ck_assert_int_eq(r->sig, VDEC_SIG_GOOD);
	ck_assert_str_eq(r->signer_fpr, env("VENDOR_FPR"));
	ck_assert_str_eq(r->subject, "Re: [JVNVU#12345678] from neomutt");
	ck_assert_int_eq(r->subject_protected, 1);
	ck_assert_str_ne(r->subject_outer, r->subject);
	ck_assert_ptr_nonnull(strstr(r->text, "Status: affected"));
	/* Sent format=flowed: the soft break is joined again. */
	ck_assert_msg(strstr(r->text, "Comment: 修正版を準備中です。 see our "
	    "advisory.\n") != NULL, "%s", r->text);
	vdec_result_free(&r);
}
END_TEST

/* Helpers, table driven. */

static const struct {
	const char	*html, *text;
} html_cases[] = {
	{ "<p>a</p><p>b</p>", "a\n\nb\n" },
	{ "a<br>b<BR/>c", "a\nb\nc\n" },
	{ "x &amp;&lt;&gt;&quot;&#65;&#x42;&#0;&#xD800;&#99999999999; y",
	  "x &<>\"AB\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd y\n" },
	{ "<script>alert(1)</script>ok<style>p{}</style>", "ok\n" },
	{ "<SCRIPT>never closed", "" },
	{ "a  \n  b", "a b\n" },
	{ "<pre>  keep\n  this</pre>", "  keep\n  this\n" },
	{ "<!-- c -->v<!-- open", "v\n" },
	{ "1 < 2 &unknown; &", "1 < 2 &unknown; &\n" },
	{ "<a href=\"x>y\">link</a>", "link\n" },
	{ "<div class=\"header-protection-legacy-display\"><pre>Subject: s"
	  "</pre></div><div>body</div>", "body\n" },
	{ "<td>a</td><td>b</td>", "a b\n" },
	{ "<head><title>t</title>body", "body\n" },
	{ "<head>no end of head", "no end of head\n" },
	{ "<title>no end of title<p>x", "no end of title\nx\n" },
	{ "", "" },
	{ "<", "<\n" },
};

START_TEST(test_html)
{
	GString	*out = g_string_new(NULL);
	int	 legacy = strstr(html_cases[_i].html, "legacy") != NULL;

	vdec_html_to_text(html_cases[_i].html, strlen(html_cases[_i].html),
	    legacy, out);
	ck_assert_str_eq(out->str, html_cases[_i].text);
	g_string_free(out, TRUE);
}
END_TEST

/* RFC 3676 */
static const struct {
	const char	*in;
	int		 delsp;
	const char	*out;
} flowed_cases[] = {
	{ "Comment: users of 2.3 must apply \r\nthe workaround.\r\n", 0,
	  "Comment: users of 2.3 must apply the workaround.\n" },
	{ "a \nb \nc\n", 0, "a b c\n" },
	{ "a \nb\n", 1, "ab\n" },			/* DelSp=yes */
	{ "  indented\n", 0, " indented\n" },	/* stuffed */
	{ " From me\n", 0, "From me\n" },
	{ "Comment: a\n   b\n", 0, "Comment: a\n  b\n" },
	{ "> quoted \n> more\nnot\n", 0, ">quoted more\nnot\n" },
	{ "> q \n>> deeper\n", 0, ">q \n>>deeper\n" },	/* depth differs */
	{ "text \n-- \nsig\n", 0, "text \n-- \nsig\n" },
	{ "last \n", 0, "last \n" },			/* no next line */
	{ "no newline", 0, "no newline" },
	{ "a \n\nb\n", 0, "a \nb\n" },
	{ "", 0, "" },
	{ " \n", 0, "\n" },
};

START_TEST(test_flowed)
{
	GString	*out = g_string_new(NULL);

	vdec_unflow(flowed_cases[_i].in, strlen(flowed_cases[_i].in),
	    flowed_cases[_i].delsp, out);
	ck_assert_str_eq(out->str, flowed_cases[_i].out);
	ck_assert_uint_le(out->len, strlen(flowed_cases[_i].in) + 1);
	g_string_free(out, TRUE);
}
END_TEST

static const struct {
	const char	*in;
	const char	*charset;
	const char	*out;
} utf8_cases[] = {
	{ "abc", NULL, "abc" },
	{ "caf\xe9", "iso-8859-1", "café" },
	{ "caf\xe9", NULL, "café" },			/* guessed */
	{ "\x93\xfa\x96\x7b", "shift_jis", "日本" },
	{ "\x93\xfa\x96\x7b", "us-ascii", "日本" },	/* mislabelled */
	{ "\xc6\xfc\xcb\xdc", "euc-jp", "日本" },
	{ "\x1b$BF|K\\\x1b(B", "iso-2022-jp", "日本" },
	{ "\x1b$BF|K\\\x1b(B", NULL, "日本" },
	{ "\xe6\x97\xa5\xff", "utf-8", "日\xef\xbf\xbd" },
	{ "a\0b", "utf-8", "a b" },
	{ "x", "no-such-charset", "x" },
	{ "", "utf-8", "" },
	{ "\x82\xa0", "x-unknown", "あ" },
};

START_TEST(test_utf8)
{
	GString	*out = g_string_new(NULL);
	size_t	 len = _i == 9 ? 3 : strlen(utf8_cases[_i].in);

	ck_assert_int_eq(vdec_to_utf8(utf8_cases[_i].in, len,
	    utf8_cases[_i].charset, out, 1000), 0);
	ck_assert_str_eq(out->str, utf8_cases[_i].out);
	g_string_truncate(out, 0);
	/* The cap holds. */
	ck_assert_int_eq(vdec_to_utf8("0123456789", 10, "iso-8859-1", out,
	    4), -1);
	ck_assert_uint_le(out->len, 4);
	g_string_free(out, TRUE);
}
END_TEST

/* OpenPGP by its first packets: what gpg --symmetric and -e make, and
 * what merely looks like it. */
struct sniff_case {
	const char	*in;
	size_t		 len;
	enum vdec_pgp	 want;
	int		 armored;
};

#define B(s)	s, sizeof(s) - 1
static const struct sniff_case sniff_cases[] = {
	{ B(""), VDEC_PGP_NONE, 0 },
	{ B("hello"), VDEC_PGP_NONE, 0 },
	{ B("\xff\xd8\xff\xe0"), VDEC_PGP_NONE, 0 },		/* JPEG */
	/* A PNG's first byte reads as an old-format signature packet:
	 * never as encrypted. */
	{ B("\x89PNG\r\n\x1a\n"), VDEC_PGP_OTHER, 0 },
	/* Old format PKESK (v3), then SEIPD. */
	{ B("\x84\x05\x03\x01\x02\x03\x04\xd2\x05\x01"), VDEC_PGP_PUBKEY, 0 },
	/* New format SKESK (v4) only. */
	{ B("\xc3\x04\x04\x09\x03\x08\xd2\x05\x01"), VDEC_PGP_PASSPHRASE, 0 },
	/* SKESK then PKESK: a key can read it. */
	{ B("\xc3\x04\x04\x09\x03\x08\xc1\x03\x03\x01\x02\xd2"),
	  VDEC_PGP_PUBKEY, 0 },
	/* A session key packet of an unknown version is not one. */
	{ B("\xc3\x04\x07\x09\x03\x08"), VDEC_PGP_NONE, 0 },
	/* Compressed data (gpg --sign). */
	{ B("\xa3\x01\x78\x9c"), VDEC_PGP_OTHER, 0 },
	/* Armored SKESK ("wwQECQMI" is c3 04 04 09 03 08). */
	{ B("\n-----BEGIN PGP MESSAGE-----\nComment: x\n\nwwQECQMI\n=abcd\n"
	    "-----END PGP MESSAGE-----\n"), VDEC_PGP_PASSPHRASE, 1 },
	/* Reflowed: the blank line after the headers lost. */
	{ B("-----BEGIN PGP MESSAGE-----\nwwQECQMI\n"), VDEC_PGP_PASSPHRASE,
	  1 },
	{ B("-----BEGIN PGP SIGNATURE-----\nwwQECQMI\n"), VDEC_PGP_NONE, 0 },
};
#undef B

START_TEST(test_pgp_sniff)
{
	const struct sniff_case	*x = &sniff_cases[_i];
	int			 armored = -1;

	ck_assert_int_eq(vdec_pgp_sniff(x->in, x->len, &armored), x->want);
	ck_assert_int_eq(armored, x->armored);
}
END_TEST

/* Is an armor block at the end of this text quoted? */
static const struct {
	const char	*before;
	int		 quoted;
} quoted_cases[] = {
	{ "", 0 },
	{ "Our reply, encrypted:\n\n", 0 },
	{ "Hi,\n\n-----Original Message-----\nFrom: Desk\n\n", 1 },
	{ "Hi,\n\n________________________________\nFrom: Desk\n", 1 },
	{ "Hi,\n\nFrom: Desk <d@x>\nSent: Tuesday\nTo: PSIRT\n\n", 1 },
	{ "差出人: Desk\n送信日時: 2026年12月1日\n", 1 },
	{ "On Tue, Dec 1, 2026 Desk <d@x> wrote:\n\n", 1 },
	{ "2026年12月1日(火) 9:00 Desk <d@x>:のメッセージ:\n", 1 },
	{ "2026年12月1日(火) 9:00 Vulture Desk <d@x>:\n\n", 1 },
	/* The sender's own words before the block. */
	{ "Here is what our engineer wrote:\n\n", 0 },
	/* A marked quote ends the quoted part: below it is the reply. */
	{ "On Tue, Desk wrote:\n> Please answer.\n>\n\n", 0 },
	/* A From: line alone (the form, a forwarded header) is not. */
	{ "From: ACME PSIRT\nStatus: affected\n", 0 },
};

START_TEST(test_armor_quoted)
{
	const char	*b = quoted_cases[_i].before;

	ck_assert_msg(vdec_armor_quoted(b, strlen(b)) ==
	    quoted_cases[_i].quoted, "\"%s\"", b);
}
END_TEST

START_TEST(test_armor)
{
	static const char	 msg[] = "hello\n"
	    "  -----BEGIN PGP MESSAGE-----  \r\n"
	    "Version: X\r\n"
	    "Charset: ISO-2022-JP\r\n"
	    "\r\n"
	    "\r\n"
	    "  aGVsbG8=  \r\n"
	    "\r\n"
	    "=abcd\r\n"
	    "-----END PGP MESSAGE-----\r\n"
	    "tail\n";
	size_t			 s, e;
	char			*cs;
	GString			*n;

	ck_assert_int_eq(vdec_find_armor(msg, strlen(msg), &s, &e),
	    VDEC_ARMOR_MESSAGE);
	ck_assert_uint_eq(s, 6);
	ck_assert_str_eq(msg + e, "tail\n");
	n = vdec_armor_normalize(msg + s, e - s, &cs);
	ck_assert_str_eq(n->str, "-----BEGIN PGP MESSAGE-----\n"
	    "Version: X\nCharset: ISO-2022-JP\n\naGVsbG8=\n=abcd\n"
	    "-----END PGP MESSAGE-----\n");
	ck_assert_str_eq(cs, "ISO-2022-JP");
	g_free(cs);
	g_string_free(n, TRUE);
	ck_assert_int_eq(vdec_find_armor("x -----BEGIN PGP MESSAGE-----\n",
	    30, &s, &e), VDEC_ARMOR_NONE);
	ck_assert_int_eq(vdec_find_armor("-----BEGIN PGP SIGNED MESSAGE-----"
	    "\nHash: SHA256\n\nx\n", 50, &s, &e), VDEC_ARMOR_SIGNED);
	ck_assert_uint_eq(e, 50);	/* no END line: up to the end */
}
END_TEST

static const struct {
	const char	*raw;
	int		 ret;
	const char	*part;
} span_cases[] = {
	{ "Content-Type: multipart/signed; boundary=b\n\npre\n--b\n"
	  "Content-Type: text/plain\n\nhi\n--b\nsig\n--b--\n", 0,
	  "Content-Type: text/plain\n\nhi" },
	{ "H: x\r\n\r\n--b  \r\nA: 1\r\n\r\nbody\r\n\r\n--b\r\n", 0,
	  "A: 1\r\n\r\nbody\r\n" },
	{ "H: x\n\n--bb\n--b\n\n--b--\n", 0, "" },	/* --bb is not it */
	{ "H: x\n\n--b--\n", -1, NULL },
	{ "H: x\n\n--b\nno end\n", -1, NULL },
	{ "--b\n", -1, NULL },
};

START_TEST(test_signed_span)
{
	size_t	s = 0, e = 0;
	int	ret;

	ret = vdec_signed_span(span_cases[_i].raw, strlen(span_cases[_i].raw),
	    "b", &s, &e);
	ck_assert_int_eq(ret, span_cases[_i].ret);
	if (ret == 0) {
		ck_assert_uint_eq(e - s, strlen(span_cases[_i].part));
		ck_assert(memcmp(span_cases[_i].raw + s, span_cases[_i].part,
		    e - s) == 0);
	}
}
END_TEST

START_TEST(test_small_helpers)
{
	char	*c;
	size_t	 n;

	c = vdec_crlf("a\nb\r\nc\n", 7, &n);
	ck_assert_str_eq(c, "a\r\nb\r\nc\r\n");
	ck_assert_uint_eq(n, 9);
	g_free(c);

	ck_assert_uint_eq(vdec_legacy_display_len("Subject: s\n\nbody", 16,
	    "s", 1), 12);
	ck_assert_uint_eq(vdec_legacy_display_len("Subject: t\n\nbody", 16,
	    "s", 1), 0);
	ck_assert_uint_eq(vdec_legacy_display_len("Subject: t\nTo: x\n\nb",
	    19, NULL, 0), 18);
	ck_assert_uint_eq(vdec_legacy_display_len("Case: X\nStatus: y", 17,
	    NULL, 0), 0);
	ck_assert_uint_eq(vdec_legacy_display_len("not a header\n\nb", 15,
	    NULL, 0), 0);

	c = vdec_clean_filename("../../etc/passwd");
	ck_assert_str_eq(c, "passwd");
	g_free(c);
	c = vdec_clean_filename("C:\\dir\\a\tb.txt");
	ck_assert_str_eq(c, "a b.txt");
	g_free(c);
	ck_assert_ptr_null(vdec_clean_filename(".."));
	ck_assert_ptr_null(vdec_clean_filename("dir/"));
	ck_assert_ptr_null(vdec_clean_filename(NULL));
	c = vdec_clean("evil\xe2\x80\xae" "fdp.exe", 100);
	ck_assert_str_eq(c, "evil?fdp.exe");
	g_free(c);
	/* The one rule of textin.h: C1 (a CSI), a left-to-right mark, a
	 * zero-width space and an isolate are caught too. */
	c = vdec_clean("a\x1b[2J\xc2\x9b" "b\xe2\x80\x8e" "c\xe2\x80\x8b"
	    "d\xe2\x81\xa6" "e", 100);
	ck_assert_str_eq(c, "a [2J b?c?d?e");
	g_free(c);
	c = vdec_clean("\xe6\x97\xa5\xe6\x97\xa5", 4);	/* cut on a char */
	ck_assert_str_eq(c, "日");
	g_free(c);

	{
		/* Regression (fuzz): an empty decrypted part reached the
		 * converter as (NULL, 0). */
		GString	*o = g_string_new(NULL);

		ck_assert_int_eq(vdec_to_utf8(NULL, 0, NULL, o, 10), 0);
		ck_assert_uint_eq(o->len, 0);
		/* Regression (fuzz): an unknown label made the converter try
		 * iconv UTF-8, which passes code points past U+10FFFF. */
		ck_assert_int_eq(vdec_to_utf8("a\xf6\x8d\x8c\x96\xf5\xbc\x90\x91",
		    9, "utf-&8", o, 100), 0);
		ck_assert(g_utf8_validate(o->str, o->len, NULL));
		g_string_free(o, TRUE);
	}
	ck_assert_str_eq(vdec_shape_name(VDEC_EXCHANGE), "exchange");
	ck_assert_str_eq(vdec_sig_name(VDEC_SIG_KEY_REVOKED), "key-revoked");
}
END_TEST

START_TEST(test_prescan)
{
	struct vdec_limits	 lim;
	const char		*err = NULL;
	size_t			 start;
	GString			*m = g_string_new("From x@y Mon\nSubject: s\n"
	    "Content-Type: multipart/mixed; boundary=\"q\"\n\n");
	int			 i;

	vdec_limits_default(&lim);
	ck_assert_int_eq(vdec_prescan(m->str, m->len, &lim, &start, &err), 0);
	ck_assert_uint_eq(start, 13);
	ck_assert_int_eq(vdec_prescan("", 0, &lim, &start, &err), -1);
	ck_assert_int_eq(vdec_prescan("no colon here\n", 14, &lim, &start,
	    &err), -1);
	/* A million empty parts would cost GMime a gigabyte: refused
	 * before parsing. */
	for (i = 0; i < 100000; i++)
		g_string_append(m, "--q\n\n");
	ck_assert_int_eq(vdec_prescan(m->str, m->len, &lim, &start, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "VDEC_MAX_PARTS"));
	/* Dash lines that match no boundary are fine. */
	g_string_assign(m, "Subject: s\n\n");
	for (i = 0; i < 100000; i++)
		g_string_append(m, "-- quoted sql comment\n");
	ck_assert_int_eq(vdec_prescan(m->str, m->len, &lim, &start, &err), 0);
	/* Many nested boundaries times many dash lines: quadratic in GMime,
	 * refused. */
	g_string_assign(m, "Subject: s\n\n");
	for (i = 0; i < 200; i++)
		g_string_append_printf(m, "Content-Type: multipart/mixed; "
		    "boundary=b%d\n\n--b%d\n", i, i);
	for (i = 0; i < 400000; i++)
		g_string_append(m, "--x\n");
	ck_assert_int_eq(vdec_prescan(m->str, m->len, &lim, &start, &err),
	    -1);
	g_string_free(m, TRUE);
}
END_TEST

static void
helpers_setup(void)
{
	ck_assert(vdec_init() == 0);
}

/* ---- The crypto seam: decode through a fake vcrypto, no gpg at all. */

#define FAKE_SIGNER	"0123456789ABCDEF0123456789ABCDEF01234567"
#define FAKE_CIPHER	"-----BEGIN PGP MESSAGE-----\n\nZmFrZQ==\n" \
			"-----END PGP MESSAGE-----\n"

struct fake_crypto {
	unsigned	 decrypts, verifies;
	int		 disk_full;	/* answer as if the spill failed */
	GString		*seen;		/* the ciphertext handed over */
};

static int
fake_decrypt(void *impl, GMimeStream *in, size_t cap, const char *dir,
    struct vcrypto_result *p)
{
	static const char plain[] = "Content-Type: text/plain\n\n"
	    "Status: fixed\nSaid through the fake.\n";
	struct fake_crypto *f = impl;
	char buf[512];
	ssize_t n;

	f->decrypts++;
	while ((n = g_mime_stream_read(in, buf, sizeof(buf))) > 0)
		g_string_append_len(f->seen, buf, n);
	if (f->disk_full) {
		p->spill_failed = 1;
		return -1;
	}
	p->decrypted = 1;
	p->recipients = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(p->recipients, g_strdup("FEDCBA9876543210"));
	g_strlcpy(p->cipher_algo, "AES256.OCB", sizeof(p->cipher_algo));
	p->n_sigs = 1;
	p->sig = VDEC_SIG_GOOD;
	g_strlcpy(p->signer_fpr, FAKE_SIGNER, sizeof(p->signer_fpr));
	g_strlcpy(p->sig_fpr, FAKE_SIGNER, sizeof(p->sig_fpr));
	p->sig_time = 1700000000;
	g_strlcpy(p->hash_algo, "SHA512", sizeof(p->hash_algo));
	p->plain = spill_new(dir, cap, 0);
	ck_assert_int_eq(spill_write(p->plain, plain, sizeof(plain) - 1,
	    NULL), SPILL_OK);
	return 0;
}

static int
fake_verify_detached(void *impl, GMimeStream *data, const char *sig,
    size_t sig_len, struct vcrypto_result *p)
{
	struct fake_crypto *f = impl;

	(void)data;
	(void)sig;
	(void)sig_len;
	f->verifies++;
	p->n_sigs = 1;
	p->sig = VDEC_SIG_BAD;
	p->verify_error = g_strdup("fake: bad");
	return 0;
}

static int
fake_verify_clear(void *impl, const char *in, size_t len, size_t cap,
    const char *dir, struct vcrypto_result *p)
{
	(void)in;
	(void)len;
	(void)cap;
	(void)dir;
	(void)p;
	((struct fake_crypto *)impl)->verifies++;
	return 0;
}

static const struct vcrypto_ops fake_ops = {
	.decrypt_verify = fake_decrypt,
	.verify_detached = fake_verify_detached,
	.verify_clear = fake_verify_clear,
	.sign_encrypt = NULL,
};

/* Where real clients put the ciphertext (issue 15), each with what must
 * not happen to it.  text/clear/derr: substrings of text, clear_text and
 * decrypt_error ("" for must be empty); NULL: not checked. */
struct client_case {
	const char	*file;
	enum vdec_shape	 shape;
	int		 encrypted, decrypted;
	enum vdec_sig	 sig;
	const char	*text, *not_text, *clear, *derr;
	int		 smime;
	unsigned	 n_att;
};

#define FORM	"Case: JVNVU#12345678\nStatus: affected\n" \
	"Comment: 修正版を準備中です。"
#define COVER	"Please find our encrypted reply attached."
#define FOOTER	"psirt mailing list"
#define NOKEY	"no secret key for any recipient"
#define PASSPH	"encrypted with a passphrase"
#define SMIME	"S/MIME is not supported: use OpenPGP"

static const struct client_case client_cases[] = {
	/* An encrypted reply attached as a file, binary or armored: the
	 * file's plaintext is the text, the cover note is clear text. */
	{ "att_gpg.eml", VDEC_ATTACHED, 1, 1, VDEC_SIG_GOOD, FORM, COVER,
	  COVER, NULL, 0, 0 },
	{ "att_asc.eml", VDEC_ATTACHED, 1, 1, VDEC_SIG_GOOD, FORM, COVER,
	  COVER, NULL, 0, 0 },
	{ "att_only.eml", VDEC_ATTACHED, 1, 1, VDEC_SIG_GOOD, FORM, NULL, "",
	  NULL, 0, 0 },
	/* Signatures inside are judged as usual. */
	{ "att_unsigned.eml", VDEC_ATTACHED, 1, 1, VDEC_SIG_NONE, FORM, NULL,
	  COVER, NULL, 0, 0 },
	{ "att_unknown.eml", VDEC_ATTACHED, 1, 1, VDEC_SIG_KEY_MISSING, FORM,
	  NULL, COVER, NULL, 0, 0 },
	/* Not to us: undecryptable, the cover note still checked. */
	{ "att_other.eml", VDEC_ATTACHED, 1, 0, VDEC_SIG_NONE, "", NULL,
	  COVER, NOKEY, 0, 0 },
	{ "att_sym.eml", VDEC_ATTACHED, 1, 0, VDEC_SIG_NONE, "", NULL,
	  COVER, PASSPH, 0, 0 },
	/* Not a reply file: a public key, or two candidates. */
	{ "att_key.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, COVER, NULL, "",
	  NULL, 0, 1 },
	{ "att_two.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, "", NULL, "",
	  NULL, 0, 2 },
	/* Exchange with the payload as binary OpenPGP. */
	{ "exch_bin.eml", VDEC_EXCHANGE, 1, 1, VDEC_SIG_GOOD,
	  "Comment: 修正版を準備中です。", NULL, "", NULL, 0, 2 },
	{ "exch_bin_other.eml", VDEC_EXCHANGE, 1, 0, VDEC_SIG_NONE, "",
	  NULL, "", NOKEY, 0, 0 },
	{ "exch_bin_junk.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE, NULL, NULL,
	  "", NULL, 0, 1 },
	/* PGP/MIME inside a list's multipart/mixed; its footer is clear. */
	{ "list_wrapped.eml", VDEC_PGPMIME_COMBINED, 1, 1, VDEC_SIG_GOOD,
	  "Comment: 修正版を準備中です。", FOOTER, FOOTER, NULL, 0, 2 },
	{ "list_other.eml", VDEC_PGPMIME_ENCRYPTED, 1, 0, VDEC_SIG_NONE, "",
	  NULL, FOOTER, NOKEY, 0, 0 },
	/* A lone named HTML part is the body. */
	{ "html_named.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE,
	  "Status: affected", "<p>", "", NULL, 0, 0 },
	/* Named for what they are. */
	{ "sym_pgpmime.eml", VDEC_PGPMIME_ENCRYPTED, 1, 0, VDEC_SIG_NONE, "",
	  NULL, "", PASSPH, 0, 0 },
	{ "sym_inline.eml", VDEC_INLINE_ENCRYPTED, 1, 0, VDEC_SIG_NONE, "",
	  NULL, "", PASSPH, 0, 0 },
	{ "smime_enc.eml", VDEC_SMIME, 1, 0, VDEC_SIG_NONE, "", NULL, "",
	  SMIME, 1, 1 },
	{ "smime_signed.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE,
	  "Status: affected", NULL, "", NULL, 1, 0 },
	/* Quoting a block is not sending one; replying below a marked
	 * quote is. */
	{ "quoted_outlook.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE,
	  "We cannot read this", NULL, "", NULL, 0, 0 },
	{ "quoted_gmail.eml", VDEC_PLAIN, 0, 0, VDEC_SIG_NONE,
	  "What is this?", NULL, "", NULL, 0, 0 },
	{ "bottom_posted.eml", VDEC_INLINE_ENCRYPTED, 1, 1, VDEC_SIG_GOOD,
	  "Status: affected-investigating", "Please answer", "Please answer",
	  NULL, 0, 0 },
};

static void
check_sub(const char *file, const char *what, const char *have,
    const char *want)
{
	if (want == NULL)
		return;
	if (*want == '\0')
		ck_assert_msg(have == NULL || *have == '\0',
		    "%s: %s is \"%s\"", file, what, have);
	else
		ck_assert_msg(have != NULL && strstr(have, want) != NULL,
		    "%s: %s \"%s\" lacks \"%s\"", file, what,
		    have ? have : "(null)", want);
}

START_TEST(test_real_clients)
{
	const struct client_case	*x = &client_cases[_i];
	struct vdec_result		*r = NULL;
	const char			*error = NULL;

	ck_assert_msg(decode_file(x->file, NULL, &r, &error) == 0,
	    "%s: %s", x->file, error);
	ck_assert_msg(r->shape == x->shape, "%s: shape %s\n%s", x->file,
	    vdec_shape_name(r->shape), r->structure->str);
	ck_assert_msg(r->encrypted == x->encrypted &&
	    r->decrypted == x->decrypted, "%s: encrypted %d decrypted %d "
	    "(%s)", x->file, r->encrypted, r->decrypted,
	    r->decrypt_error ? r->decrypt_error : "");
	ck_assert_msg(r->sig == x->sig, "%s: sig %s", x->file,
	    vdec_sig_name(r->sig));
	if (x->sig == VDEC_SIG_GOOD)
		ck_assert_str_eq(r->signer_fpr, env("VENDOR_FPR"));
	check_sub(x->file, "text", r->text, x->text);
	if (x->not_text)
		ck_assert_msg(strstr(r->text, x->not_text) == NULL,
		    "%s: text has \"%s\"", x->file, x->not_text);
	ck_assert_msg(strstr(r->text, "BEGIN PGP") == NULL || !r->encrypted,
	    "%s: armor in text", x->file);
	check_sub(x->file, "clear_text", r->clear_text, x->clear);
	check_sub(x->file, "decrypt_error", r->decrypt_error, x->derr);
	if (x->derr == NULL)
		ck_assert_ptr_null(r->decrypt_error);
	ck_assert_int_eq(r->smime, x->smime);
	ck_assert_msg(r->attachments->len == x->n_att, "%s: %u attachments",
	    x->file, r->attachments->len);
	/* Reasons are named: never gpg's bare "No data". */
	if (r->decrypt_error)
		ck_assert_msg(strstr(r->decrypt_error, "No data") == NULL,
		    "%s: %s", x->file, r->decrypt_error);
	vdec_result_free(&r);
}
END_TEST

/* An attached file whose plaintext is not text (a PoC, NUL bytes) is a
 * protected attachment under its own name, never text. */
START_TEST(test_attached_binary)
{
	struct vdec_result	*r = NULL;
	struct vdec_attachment	*a;
	const char		*error = NULL;

	ck_assert(decode_file("att_bin.eml", NULL, &r, &error) == 0);
	ck_assert_int_eq(r->shape, VDEC_ATTACHED);
	ck_assert_int_eq(r->decrypted, 1);
	ck_assert_int_eq(r->sig, VDEC_SIG_GOOD);
	ck_assert_uint_eq(r->attachments->len, 1);
	a = g_ptr_array_index(r->attachments, 0);
	ck_assert_str_eq(a->filename, "poc.pdf");
	ck_assert_int_eq(a->is_protected, 1);
	ck_assert_uint_eq(g_bytes_get_size(a->data), 31);
	ck_assert_ptr_null(strstr(r->text, "proof of concept"));
	vdec_result_free(&r);

	ck_assert(decode_file("att_gpg.eml", NULL, &r, &error) == 0);
	ck_assert_uint_eq(r->unprotected_parts, 1);
	ck_assert_uint_eq(strlen(r->signed_hash), 64);
	ck_assert_ptr_nonnull(strstr(r->structure->str, "attached file"));
	vdec_result_free(&r);
}
END_TEST

/* The decoder runs no gpg of its own: whatever the interface it is given
 * says is what the result says, and a spill that failed there is a
 * temporary failure here. */
START_TEST(test_fake_crypto)
{
	struct fake_crypto	 f = { 0, 0, 0, g_string_new(NULL) };
	struct vcrypto		 vc = { &fake_ops, &f };
	struct vdec_result	*r = NULL;
	const char		*error = NULL;
	const char		*mail = "From: psirt@vendor.example\n"
	    "To: desk@cert.example\nSubject: ...\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/encrypted; boundary=\"b\"; "
	    "protocol=\"application/pgp-encrypted\"\n\n--b\n"
	    "Content-Type: application/pgp-encrypted\n\nVersion: 1\n\n--b\n"
	    "Content-Type: application/octet-stream\n\n" FAKE_CIPHER
	    "\n--b--\n";
	const char		*signed_mail = "From: a@vendor.example\n"
	    "Subject: s\nMIME-Version: 1.0\nContent-Type: multipart/signed; "
	    "boundary=\"b\"; protocol=\"application/pgp-signature\"; "
	    "micalg=pgp-sha256\n\n--b\nContent-Type: text/plain\n\nhi\n"
	    "\n--b\nContent-Type: application/pgp-signature\n\n"
	    "-----BEGIN PGP SIGNATURE-----\n\nAAAA\n"
	    "-----END PGP SIGNATURE-----\n\n--b--\n";

	ck_assert_int_eq(vdec_decode(&vc, mail, strlen(mail), NULL, &r,
	    &error), 0);
	ck_assert_uint_eq(f.decrypts, 1);
	ck_assert_ptr_nonnull(strstr(f.seen->str, FAKE_CIPHER));
	ck_assert_int_eq(r->shape, VDEC_PGPMIME_COMBINED);
	ck_assert_int_eq(r->encrypted, 1);
	ck_assert_int_eq(r->decrypted, 1);
	ck_assert_int_eq(r->sig, VDEC_SIG_GOOD);
	ck_assert_str_eq(r->signer_fpr, FAKE_SIGNER);
	ck_assert_str_eq(r->cipher_algo, "AES256.OCB");
	ck_assert_str_eq(r->hash_algo, "SHA512");
	ck_assert_uint_eq(r->recipients->len, 1);
	ck_assert_str_eq(r->recipients->pdata[0], "FEDCBA9876543210");
	ck_assert_ptr_nonnull(strstr(r->text, "Status: fixed"));
	vdec_result_free(&r);

	f.disk_full = 1;
	ck_assert_int_eq(vdec_decode(&vc, mail, strlen(mail), NULL, &r,
	    &error), VDEC_TEMPFAIL);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(f.decrypts, 2);

	ck_assert_int_eq(vdec_decode(&vc, signed_mail, strlen(signed_mail),
	    NULL, &r, &error), 0);
	ck_assert_uint_eq(f.verifies, 1);
	ck_assert_int_eq(r->shape, VDEC_PGPMIME_SIGNED);
	ck_assert_int_eq(r->sig, VDEC_SIG_BAD);
	ck_assert_str_eq(r->verify_error, "fake: bad");
	vdec_result_free(&r);
	g_string_free(f.seen, TRUE);
}
END_TEST

Suite *
make_decode_suite(void)
{
	Suite	*s = suite_create("decode");
	TCase	*tc;

	tc = tcase_create("helpers");
	/* GMime's charset tables. */
	tcase_add_unchecked_fixture(tc, helpers_setup, NULL);
	tcase_add_loop_test(tc, test_flowed, 0, G_N_ELEMENTS(flowed_cases));
	tcase_add_loop_test(tc, test_html, 0, G_N_ELEMENTS(html_cases));
	tcase_add_loop_test(tc, test_utf8, 0, G_N_ELEMENTS(utf8_cases));
	tcase_add_test(tc, test_armor);
	tcase_add_loop_test(tc, test_pgp_sniff, 0, G_N_ELEMENTS(sniff_cases));
	tcase_add_loop_test(tc, test_armor_quoted, 0,
	    G_N_ELEMENTS(quoted_cases));
	tcase_add_loop_test(tc, test_signed_span, 0,
	    G_N_ELEMENTS(span_cases));
	tcase_add_test(tc, test_small_helpers);
	tcase_add_test(tc, test_prescan);
	tcase_add_test(tc, test_fake_crypto);
	suite_add_tcase(s, tc);

	tc = tcase_create("messages");
	/* One corpus for the whole case: keys and mail are made once. */
	tcase_add_unchecked_fixture(tc, fx_setup, fx_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_shapes, 0, G_N_ELEMENTS(expects));
	tcase_add_test(tc, test_attachments);
	tcase_add_test(tc, test_headers);
	tcase_add_test(tc, test_signed_hash);
	tcase_add_test(tc, test_decrypt_errors);
	tcase_add_loop_test(tc, test_algorithms, 0,
	    G_N_ELEMENTS(algo_cases));
	tcase_add_test(tc, test_clear_text);
	tcase_add_loop_test(tc, test_limits, 0, G_N_ELEMENTS(limit_cases));
	tcase_add_test(tc, test_ctx_reuse);
	tcase_add_test(tc, test_spill_tempfail);
	tcase_add_test(tc, test_neomutt);
	tcase_add_loop_test(tc, test_real_clients, 0,
	    G_N_ELEMENTS(client_cases));
	tcase_add_test(tc, test_attached_binary);
	suite_add_tcase(s, tc);
	return s;
}
