/* Composing signed and encrypted mail, checked with the real gpg: what a
 * vendor's gpg decrypts and verifies, and what the outside shows. Keys are
 * made in throwaway GNUPGHOMEs under one /tmp/vcomp.XXXXXX directory. */
#include "config.h"

#include <check.h>

#include "check_suites.h"
#include <glib/gstdio.h>
#include <gmime/gmime.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vulture/compose.h"
#include "vulture/decode.h"
#include "vulture/gpgproc.h"
#include "vulture/keys.h"
#include "vulture/spill.h"
#include "vulture/vcrypto.h"
#include <sys/socket.h>
#include <sys/wait.h>
#include <signal.h>
#include <fcntl.h>
#include "testutil.h"
#include <unistd.h>

#define DESK_ADDR	"vultures@cert.example"
#define CASE_ID		"JVNVU#12345678"
#define SUBJECT		"[JVNVU#12345678] Vulnerability notice: Buffer " \
			"overflow in FooHTTP"
#define SUBJECT_JA	"[JVNVU#12345678] 脆弱性通知: FooHTTP における" \
			"バッファオーバーフロー"
#define BODY		"Dear PSIRT,\n\nThe chunked decoder of FooHTTP " \
			"overflows a heap buffer.\n" \
			"FooHTTP のチャンク復号処理にヒープバッファ" \
			"オーバーフローがあります。\r\n" \
			"Trailing space here:   \n" \
			"From the reporter: see below.\n.\n" \
			"Case: JVNVU#12345678\n"

static char *base, *desk_home, *vendor_home, *other_home;
static char *desk_fpr, *vendor_fpr, *vendor_sub_fpr;
static char *expired_fpr, *revoked_fpr, *signonly_fpr;
static gpgme_ctx_t ctx;

/* ---- Helpers. */

/* Runs a shell command; returns its stdout, stripped (g_free), and its
 * exit status in *status_r. */
static char *
sh_out(int *status_r, const char *fmt, ...)
{
	const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	char *cmd, *out = NULL;
	va_list ap;
	gint st = -1;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	argv[2] = cmd;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
	    NULL, NULL, &out, NULL, &st, NULL))
		ck_abort_msg("cannot run %s", cmd);
	g_free(cmd);
	if (status_r != NULL)
		*status_r = g_spawn_check_wait_status(st, NULL) ? 0 : 1;
	return g_strstrip(out);
}

static void
sh_ok(const char *fmt, ...)
{
	const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
	char *cmd, *err = NULL;
	va_list ap;
	gint st = -1;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	argv[2] = cmd;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
	    NULL, NULL, NULL, &err, &st, NULL) ||
	    !g_spawn_check_wait_status(st, NULL))
		ck_abort_msg("failed: %s: %s", cmd, err ? err : "");
	g_free(err);
	g_free(cmd);
}

#define GPG	"gpg --homedir '%s' --batch --pinentry-mode loopback " \
		"--passphrase ''"

/* Makes a key for uid in home and returns its primary fingerprint.
 * expire: "never" or a period; faked: a --faked-system-time or "". */
static char *
make_key(const char *home, const char *uid, int enc, const char *expire,
    const char *faked)
{
	char *fpr;

	sh_ok(GPG " %s --quick-gen-key '%s' ed25519 sign,cert %s", home,
	    faked, uid, expire);
	fpr = sh_out(NULL, "gpg --homedir '%s' --with-colons --list-keys "
	    "'=%s' | awk -F: '/^fpr/ {print $10; exit}'", home, uid);
	ck_assert_uint_eq(strlen(fpr), 40);
	if (enc)
		sh_ok(GPG " %s --quick-add-key %s cv25519 encr %s", home,
		    faked, fpr, expire);
	return fpr;
}

/* Copies the public key fpr from one home into another. */
static void
copy_key(const char *from, const char *to, const char *fpr)
{
	sh_ok("gpg --homedir '%s' --armor --export %s | gpg --homedir '%s' "
	    "--batch --import", from, fpr, to);
}

static char *
path(const char *name)
{
	return g_build_filename(base, name, NULL);
}

static void
write_file(const char *p, const void *data, size_t len)
{
	ck_assert(g_file_set_contents(p, data, (gssize)len, NULL));
}

static GMimeMessage *
parse_message(GBytes *b)
{
	gsize len;
	const void *data = g_bytes_get_data(b, &len);
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	ck_assert_ptr_nonnull(msg);
	return msg;
}

static GMimeObject *
parse_entity(const char *data, size_t len)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeObject *obj = g_mime_parser_construct_part(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	ck_assert_ptr_nonnull(obj);
	return obj;
}

/* A part's content, transfer encoding undone (g_byte_array_unref). */
static GByteArray *
part_bytes(GMimeObject *obj)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(obj));
	GMimeStream *st = g_mime_stream_mem_new();
	GByteArray *ba = g_byte_array_new();
	GByteArray *mem;

	ck_assert_ptr_nonnull(dw);
	ck_assert_int_ge(g_mime_data_wrapper_write_to_stream(dw, st), 0);
	mem = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
	g_byte_array_append(ba, mem->data, mem->len);
	g_object_unref(st);
	return ba;
}

static char *
lf(const char *s, size_t len)
{
	GString *g = g_string_sized_new(len);
	size_t i;

	for (i = 0; i < len; i++)
		if (!(s[i] == '\r' && i + 1 < len && s[i + 1] == '\n'))
			g_string_append_c(g, s[i]);
	return g_string_free(g, FALSE);
}

static char *
header_decoded(GMimeObject *obj, const char *name)
{
	const char *v = g_mime_object_get_header(obj, name);

	return v != NULL ? g_mime_utils_header_decode_text(NULL, v) : NULL;
}

/* The header section of an entity, unfolded, LF line ends, starting with
 * a LF so every field reads "\nName: value\n" (g_free). */
static char *
header_section(const char *entity)
{
	const char *end = strstr(entity, "\r\n\r\n");
	GString *g = g_string_new("\n");
	const char *p;

	ck_assert_ptr_nonnull(end);
	for (p = entity; p < end + 2; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			p++;
			if (p[1] == ' ' || p[1] == '\t')
				continue;	/* folded: drop the CRLF */
			g_string_append_c(g, '\n');
		} else
			g_string_append_c(g, *p);
	}
	return g_string_free(g, FALSE);
}

/* Every line CRLF-terminated and at most 998 octets. */
static void
assert_wire(GBytes *b)
{
	gsize len, i, start = 0;
	const char *d = g_bytes_get_data(b, &len);

	ck_assert_uint_gt(len, 2);
	ck_assert(d[len - 2] == '\r' && d[len - 1] == '\n');
	for (i = 0; i < len; i++) {
		ck_assert((unsigned char)d[i] < 0x80);
		if (d[i] == '\n') {
			ck_assert_msg(i > 0 && d[i - 1] == '\r', "bare LF "
			    "at %zu", i);
			ck_assert_uint_le(i - 1 - start, 998);
			start = i + 1;
		} else if (d[i] == '\r')
			ck_assert(i + 1 < len && d[i + 1] == '\n');
	}
}

static int
bytes_contain(GBytes *b, const char *needle)
{
	gsize len;
	const void *d = g_bytes_get_data(b, &len);

	return memmem(d, len, needle, strlen(needle)) != NULL;
}

/* The armored payload of a multipart/encrypted message, after checking
 * its RFC 3156 shape. */
static GByteArray *
encrypted_payload(GMimeMessage *msg)
{
	GMimeObject *mp = g_mime_message_get_mime_part(msg), *p0, *p1;
	GMimeContentType *ct = g_mime_object_get_content_type(mp);
	GByteArray *v;

	ck_assert(g_mime_content_type_is_type(ct, "multipart", "encrypted"));
	ck_assert_str_eq(g_mime_content_type_get_parameter(ct, "protocol"),
	    "application/pgp-encrypted");
	ck_assert_int_eq(g_mime_multipart_get_count(GMIME_MULTIPART(mp)), 2);
	p0 = g_mime_multipart_get_part(GMIME_MULTIPART(mp), 0);
	p1 = g_mime_multipart_get_part(GMIME_MULTIPART(mp), 1);
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(p0), "application",
	    "pgp-encrypted"));
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(p1), "application",
	    "octet-stream"));
	ck_assert_str_eq(g_mime_part_get_filename(GMIME_PART(p1)),
	    "encrypted.asc");
	v = part_bytes(p0);
	ck_assert(v->len >= 10 && memcmp(v->data, "Version: 1", 10) == 0);
	g_byte_array_unref(v);
	return part_bytes(p1);
}

/* Decrypts with gpg in home; returns the plaintext (g_free) and the
 * status lines in *status_r (g_free); asserts gpg succeeded. */
static char *
gpg_decrypt(const char *home, GByteArray *armored, char **status_r,
    gsize *len_r)
{
	char *in = path("in.asc"), *out = path("out.txt"), *plain;
	int st;

	write_file(in, armored->data, armored->len);
	g_unlink(out);
	*status_r = sh_out(&st, "gpg --homedir '%s' --batch --status-fd 1 "
	    "--output '%s' --decrypt '%s' 2>/dev/null", home, out, in);
	ck_assert_msg(st == 0, "gpg --decrypt failed: %s", *status_r);
	ck_assert(g_file_get_contents(out, &plain, len_r, NULL));
	g_free(in);
	g_free(out);
	return plain;
}

/* A good signature by the desk key, per gpg's status lines. */
static void
assert_desk_signature(const char *status)
{
	char *validsig = g_strdup_printf("[GNUPG:] VALIDSIG %s ", desk_fpr);

	ck_assert_msg(strstr(status, "[GNUPG:] GOODSIG ") != NULL, "%s",
	    status);
	ck_assert_msg(strstr(status, validsig) != NULL, "%s", status);
	/* The primary key fingerprint closes the VALIDSIG line. */
	ck_assert(strstr(strstr(status, validsig) + strlen(validsig),
	    desk_fpr) != NULL);
	ck_assert(strstr(status, "BADSIG") == NULL);
	ck_assert(strstr(status, "ERRSIG") == NULL);
	g_free(validsig);
}

/* The exact English and Japanese body text, under the legacy display. */
static void
assert_body(GMimeObject *text_part)
{
	static const char expect_raw[] = "Subject: " SUBJECT "\n\n" BODY;
	GByteArray *text = part_bytes(text_part);
	char *got = lf((const char *)text->data, text->len);
	char *expect = lf(expect_raw, strlen(expect_raw));

	ck_assert_str_eq(got, expect);
	ck_assert(strstr(got, "FooHTTP のチャンク復号処理") != NULL);
	g_free(got);
	g_free(expect);
	g_byte_array_unref(text);
}

static void
default_msg(struct compose_msg *m, const char *const *rcpts)
{
	memset(m, 0, sizeof(*m));
	m->from_addr = DESK_ADDR;
	m->from_name = "Vulture desk";
	m->to_addr = "psirt@acme.example";
	m->to_name = "アクメ株式会社 PSIRT";
	m->case_id = CASE_ID;
	m->subject = SUBJECT;
	m->body = BODY;
	m->date = 1767225600;		/* 2026-01-01T00:00:00Z */
	m->recipient_fprs = rcpts;
	m->desk_fpr = desk_fpr;
}

/* ---- Fixtures. */

static void
homes_setup(void)
{
	char *rev;

	setlocale(LC_ALL, "C.UTF-8");
	g_mime_init();
	gpgme_check_version(NULL);
	base = g_strdup("/tmp/vcomp.XXXXXX");
	ck_assert_ptr_nonnull(g_mkdtemp_full(base, 0700));
	tu_track(base);
	desk_home = path("d");
	vendor_home = path("v");
	other_home = path("o");
	ck_assert_int_eq(g_mkdir(desk_home, 0700), 0);
	ck_assert_int_eq(g_mkdir(vendor_home, 0700), 0);
	ck_assert_int_eq(g_mkdir(other_home, 0700), 0);

	desk_fpr = make_key(desk_home, "Vulture desk <" DESK_ADDR ">", 1,
	    "never", "");
	vendor_fpr = make_key(vendor_home, "PSIRT <psirt@acme.example>", 1,
	    "never", "");
	vendor_sub_fpr = sh_out(NULL, "gpg --homedir '%s' --with-colons "
	    "--list-keys %s | awk -F: '/^fpr/ {n++} /^fpr/ && n == 2 "
	    "{print $10}'", vendor_home, vendor_fpr);
	ck_assert_uint_eq(strlen(vendor_sub_fpr), 40);
	/* Imported, not certified: vulture pins fingerprints. */
	copy_key(vendor_home, desk_home, vendor_fpr);
	copy_key(desk_home, vendor_home, desk_fpr);

	expired_fpr = make_key(other_home, "Old <old@expired.example>", 1,
	    "1y", "--faked-system-time 20200101T000000");
	revoked_fpr = make_key(other_home, "Gone <gone@revoked.example>", 1,
	    "never", "");
	signonly_fpr = make_key(other_home, "Sign <sign@only.example>", 0,
	    "never", "");
	copy_key(other_home, desk_home, expired_fpr);
	copy_key(other_home, desk_home, revoked_fpr);
	copy_key(other_home, desk_home, signonly_fpr);
	/* gpg keeps a revocation certificate for every key it makes,
	 * defused by a leading colon. */
	rev = g_strdup_printf("%s/openpgp-revocs.d/%s.rev", other_home,
	    revoked_fpr);
	sh_ok("sed 's/^:-----BEGIN/-----BEGIN/' '%s' | gpg --homedir '%s' "
	    "--batch --import", rev, desk_home);
	g_free(rev);
}

static void
homes_teardown(void)
{
	const char *homes[] = { desk_home, vendor_home, other_home };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(homes); i++)
		sh_ok("gpgconf --homedir '%s' --kill gpg-agent", homes[i]);
	/* Only the directory this suite made. */
	if (base != NULL && strncmp(base, "/tmp/vcomp.", 11) == 0)
		sh_ok("rm -rf '%s'", base);
	g_free(desk_home);
	g_free(vendor_home);
	g_free(other_home);
	g_free(base);
	g_free(desk_fpr);
	g_free(vendor_fpr);
	g_free(vendor_sub_fpr);
	g_free(expired_fpr);
	g_free(revoked_fpr);
	g_free(signonly_fpr);
	/* No g_mime_shutdown(): GMime is process-wide, and the suites after
	 * this one (decode) use it too; shutting it down in the parent left
	 * state that every forked test then reported as leaked. */
}

static void
ctx_setup(void)
{
	ck_assert_int_eq(gpgme_new(&ctx), 0);
	ck_assert_int_eq(gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP), 0);
	ck_assert_int_eq(gpgme_ctx_set_engine_info(ctx,
	    GPGME_PROTOCOL_OpenPGP, NULL, desk_home), 0);
	gpgme_set_armor(ctx, 1);
	ck_assert_int_eq(gpgme_set_pinentry_mode(ctx,
	    GPGME_PINENTRY_MODE_LOOPBACK), 0);
}

static void
ctx_teardown(void)
{
	gpgme_release(ctx);
	ctx = NULL;
}

/* home decrypts armored, sees the desk's good signature and the body. */
static void
assert_reads(const char *home, GByteArray *armored)
{
	GMimeObject *inner;
	char *plain, *status;
	gsize plain_len;

	plain = gpg_decrypt(home, armored, &status, &plain_len);
	assert_desk_signature(status);
	inner = parse_entity(plain, plain_len);
	assert_body(inner);
	g_object_unref(inner);
	g_free(plain);
	g_free(status);
}

/* ---- Tests. */

START_TEST(test_message_id)
{
	char *a = compose_message_id(DESK_ADDR);
	char *b = compose_message_id(DESK_ADDR);
	char *c = compose_message_id("bad address");

	ck_assert(g_regex_match_simple("^[0-9a-f]{32}\\.[0-9]+@cert\\.example$",
	    a, 0, 0));
	ck_assert_str_ne(a, b);
	ck_assert(g_str_has_suffix(c, "@vulture.invalid"));
	g_free(a);
	g_free(b);
	g_free(c);
}
END_TEST

START_TEST(test_encrypted_roundtrip)
{
	const char *rcpts[] = { NULL, NULL };
	const char *refs[] = { "first.1@cert.example", "second.2@acme.example",
	    NULL };
	struct compose_msg m;
	GBytes *out = NULL;
	GMimeMessage *msg;
	GMimeObject *inner, *outer_obj;
	GByteArray *armored;
	char *msgid = NULL, *err = NULL, *status, *plain, *s;
	char *hs;
	gsize plain_len;

	rcpts[0] = vendor_fpr;
	default_msg(&m, rcpts);
	m.in_reply_to = "second.2@acme.example";
	m.references = refs;
	m.auto_replied = 1;
	m.timezone = "Asia/Tokyo";
	ck_assert_msg(compose_encrypted(ctx, &m, &out, &msgid, &err) == 0,
	    "%s", err);
	ck_assert_ptr_null(err);
	assert_wire(out);

	/* Nothing of the subject or the body shows outside. */
	ck_assert(!bytes_contain(out, "FooHTTP"));
	ck_assert(!bytes_contain(out, "Vulnerability"));
	ck_assert(!bytes_contain(out, "chunked"));
	ck_assert(!bytes_contain(out, "reporter"));

	msg = parse_message(out);
	outer_obj = GMIME_OBJECT(msg);
	ck_assert_str_eq(g_mime_message_get_subject(msg), "[" CASE_ID "]");
	ck_assert_str_eq(g_mime_message_get_message_id(msg), msgid);
	ck_assert(g_regex_match_simple("^[0-9a-f]{32}\\.[0-9]+@cert\\.example$",
	    msgid, 0, 0));
	ck_assert_str_eq(g_mime_object_get_header(outer_obj, "In-Reply-To"),
	    "<second.2@acme.example>");
	s = g_strdup(g_mime_object_get_header(outer_obj, "References"));
	ck_assert_str_eq(s, "<first.1@cert.example> <second.2@acme.example>");
	g_free(s);
	ck_assert_str_eq(g_mime_object_get_header(outer_obj, "Auto-Submitted"),
	    "auto-replied");
	ck_assert_str_eq(g_mime_object_get_header(outer_obj, "X-Vulture-Loop"),
	    DESK_ADDR);
	ck_assert_str_eq(g_mime_object_get_header(outer_obj, "MIME-Version"),
	    "1.0");
	ck_assert_str_eq(g_mime_object_get_header(outer_obj, "Date"),
	    "Thu, 01 Jan 2026 09:00:00 +0900");
	/* The Japanese display name is RFC 2047-encoded outside. */
	ck_assert(bytes_contain(out, "To: =?UTF-8?"));
	s = internet_address_list_to_string(g_mime_message_get_to(msg), NULL,
	    FALSE);
	ck_assert_str_eq(s, "アクメ株式会社 PSIRT <psirt@acme.example>");
	g_free(s);
	armored = encrypted_payload(msg);
	ck_assert(armored->len > 30 && memcmp(armored->data,
	    "-----BEGIN PGP MESSAGE-----", 27) == 0);

	/* The vendor decrypts it and sees the desk's good signature. */
	plain = gpg_decrypt(vendor_home, armored, &status, &plain_len);
	assert_desk_signature(status);
	ck_assert(strstr(status, "[GNUPG:] DECRYPTION_OKAY") != NULL);
	ck_assert(strstr(plain, "Subject: " SUBJECT "\r\n") != NULL);
	inner = parse_entity(plain, plain_len);
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(inner), "text", "plain"));
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(inner, "hp"),
	    "cipher");
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(inner,
	    "hp-legacy-display"), "1");
	s = header_decoded(inner, "Subject");
	ck_assert_str_eq(s, SUBJECT);
	g_free(s);
	ck_assert_str_eq(g_mime_object_get_header(inner, "Message-ID"),
	    g_mime_object_get_header(outer_obj, "Message-ID"));
	ck_assert_str_eq(g_mime_object_get_header(inner, "Date"),
	    g_mime_object_get_header(outer_obj, "Date"));
	ck_assert_str_eq(g_mime_object_get_header(inner, "In-Reply-To"),
	    "<second.2@acme.example>");
	hs = header_section(plain);
	ck_assert(strstr(hs, "\nHP-Outer: Subject: [" CASE_ID "]\n") != NULL);
	s = g_strdup_printf("\nHP-Outer: Message-ID: <%s>\n", msgid);
	ck_assert_msg(strstr(hs, s) != NULL, "%s", hs);
	g_free(s);
	ck_assert(strstr(hs, "\nHP-Outer: X-Vulture-Loop: " DESK_ADDR "\n") !=
	    NULL);
	ck_assert(strstr(hs, "\nHP-Outer: To: =?UTF-8?") != NULL);
	g_free(hs);
	/* The body, after the legacy display of the Subject. */
	assert_body(inner);
	g_object_unref(inner);
	g_free(plain);
	g_free(status);

	/* The centre reads its own archive. */
	assert_reads(desk_home, armored);

	g_byte_array_unref(armored);
	g_object_unref(msg);
	g_bytes_unref(out);
	g_free(msgid);
}
END_TEST

START_TEST(test_japanese_subject_no_case)
{
	const char *rcpts[] = { NULL, NULL, NULL };
	struct compose_msg m;
	GBytes *out = NULL;
	GMimeMessage *msg;
	GMimeObject *inner;
	GByteArray *armored;
	char *err = NULL, *status, *plain, *s, *hs, *lower;
	gsize plain_len;

	/* Lower-case, and the desk key named again: both fine. */
	lower = g_ascii_strdown(vendor_fpr, -1);
	rcpts[0] = lower;
	rcpts[1] = desk_fpr;
	default_msg(&m, rcpts);
	m.case_id = NULL;
	m.subject = SUBJECT_JA;
	m.message_id = "given.42@cert.example";
	m.date = 0;
	ck_assert_msg(compose_encrypted(ctx, &m, &out, NULL, &err) == 0, "%s",
	    err);
	assert_wire(out);
	msg = parse_message(out);
	ck_assert_str_eq(g_mime_message_get_subject(msg), "...");
	ck_assert_str_eq(g_mime_message_get_message_id(msg),
	    "given.42@cert.example");
	ck_assert_str_eq(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "Auto-Submitted"), "auto-generated");
	ck_assert_ptr_null(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "In-Reply-To"));
	ck_assert_ptr_null(g_mime_object_get_header(GMIME_OBJECT(msg),
	    "References"));
	ck_assert(!bytes_contain(out, "JVNVU"));
	armored = encrypted_payload(msg);
	plain = gpg_decrypt(vendor_home, armored, &status, &plain_len);
	assert_desk_signature(status);
	inner = parse_entity(plain, plain_len);
	s = header_decoded(inner, "Subject");
	ck_assert_str_eq(s, SUBJECT_JA);
	g_free(s);
	/* Encoded inside too: the header section stays ASCII. */
	hs = header_section(plain);
	ck_assert(strstr(hs, "\nSubject: [" CASE_ID "] =?UTF-8?") != NULL);
	for (s = hs; *s != '\0'; s++)
		ck_assert((unsigned char)*s < 0x80);
	g_free(hs);
	g_free(lower);
	g_object_unref(inner);
	g_free(plain);
	g_free(status);
	g_byte_array_unref(armored);
	g_object_unref(msg);
	g_bytes_unref(out);
}
END_TEST

START_TEST(test_attachments)
{
	const char *rcpts[] = { NULL, NULL };
	const char *text_att = "概要\r\nline two\nno final newline";
	const char *ja_name = "脆弱性報告書 (詳細).txt";
	struct compose_attachment att[2];
	unsigned char bin[1000];
	struct compose_msg m;
	GBytes *out = NULL;
	GMimeMessage *msg;
	GMimeObject *inner, *p;
	GMimeMultipart *mp;
	GByteArray *armored, *got;
	char *err = NULL, *status, *plain, *msgid = NULL;
	gsize plain_len;
	size_t i;

	for (i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)((i * 7) ^ (i >> 3));
	bin[10] = '\r';
	bin[11] = '\n';
	bin[20] = '\n';
	bin[30] = '\0';
	memset(att, 0, sizeof(att));
	att[0].filename = "poc.bin";
	att[0].data = bin;
	att[0].len = sizeof(bin);
	att[1].filename = ja_name;
	att[1].content_type = "text/plain; charset=utf-8; name=ignored";
	att[1].data = text_att;
	att[1].len = strlen(text_att);
	rcpts[0] = vendor_fpr;
	default_msg(&m, rcpts);
	m.attachments = att;
	m.n_attachments = 2;
	ck_assert_msg(compose_encrypted(ctx, &m, &out, &msgid, &err) == 0,
	    "%s", err);
	assert_wire(out);
	ck_assert(!bytes_contain(out, "poc.bin"));
	msg = parse_message(out);
	armored = encrypted_payload(msg);
	plain = gpg_decrypt(vendor_home, armored, &status, &plain_len);
	assert_desk_signature(status);
	inner = parse_entity(plain, plain_len);
	ck_assert(GMIME_IS_MULTIPART(inner));
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(inner), "multipart", "mixed"));
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(inner, "hp"),
	    "cipher");
	mp = GMIME_MULTIPART(inner);
	ck_assert_int_eq(g_mime_multipart_get_count(mp), 3);
	p = g_mime_multipart_get_part(mp, 0);
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(p,
	    "hp-legacy-display"), "1");

	p = g_mime_multipart_get_part(mp, 1);
	ck_assert_str_eq(g_mime_part_get_filename(GMIME_PART(p)), "poc.bin");
	ck_assert_int_eq(g_mime_part_get_content_encoding(GMIME_PART(p)),
	    GMIME_CONTENT_ENCODING_BASE64);
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(p), "application", "octet-stream"));
	got = part_bytes(p);
	ck_assert_uint_eq(got->len, sizeof(bin));
	ck_assert(memcmp(got->data, bin, sizeof(bin)) == 0);
	g_byte_array_unref(got);

	p = g_mime_multipart_get_part(mp, 2);
	ck_assert_str_eq(g_mime_part_get_filename(GMIME_PART(p)), ja_name);
	/* RFC 2231, split into continuations when long. */
	ck_assert(g_regex_match_simple("filename\\*(0\\*)?=UTF-8''", plain, 0,
	    0));
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(p,
	    "charset"), "utf-8");
	got = part_bytes(p);
	ck_assert_uint_eq(got->len, strlen(text_att));
	ck_assert(memcmp(got->data, text_att, got->len) == 0);
	g_byte_array_unref(got);

	g_object_unref(inner);
	g_free(plain);
	g_free(status);
	g_byte_array_unref(armored);
	g_object_unref(msg);
	g_bytes_unref(out);
	g_free(msgid);
}
END_TEST

/* Refused keys: -1, the reason named, nothing produced. */
static void
assert_refused(const char *fpr, const char *reason)
{
	const char *rcpts[] = { NULL, NULL };
	struct compose_msg m;
	GBytes *out = NULL;
	char *err = NULL, *msgid = NULL;

	rcpts[0] = fpr;
	default_msg(&m, rcpts);
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, &msgid, &err), -1);
	ck_assert_ptr_null(out);
	ck_assert_ptr_null(msgid);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, reason) != NULL, "'%s' lacks '%s'", err,
	    reason);
	ck_assert_msg(strstr(err, fpr) != NULL, "'%s' lacks the fpr", err);
	g_free(err);
	err = NULL;
	ck_assert_int_eq(compose_check_recipient(ctx, fpr, &err), -1);
	ck_assert_msg(strstr(err, reason) != NULL, "'%s' lacks '%s'", err,
	    reason);
	g_free(err);
}

START_TEST(test_refusals)
{
	char *err = NULL;

	assert_refused(expired_fpr, "expired");
	assert_refused(revoked_fpr, "revoked");
	assert_refused(signonly_fpr, "no usable encryption subkey");
	assert_refused("0123456789ABCDEF0123456789ABCDEF01234567",
	    "not in the keyring");
	assert_refused(vendor_sub_fpr, "subkey");
	ck_assert_int_eq(compose_check_recipient(ctx, vendor_fpr, &err), 0);
	ck_assert_int_eq(compose_check_recipient(ctx, "ABCD", &err), -1);
	ck_assert(strstr(err, "fingerprint") != NULL);
	g_free(err);
}
END_TEST

/* Sets the keyring files of home a minute back, as if the last change
 * were old: the cache keeps only keys listed from a settled keyring. */
static void
age_keyring(const char *home)
{
	sh_ok("cd '%s' && for f in pubring.kbx pubring.gpg trustdb.gpg; do "
	    "[ ! -e $f ] || touch -m -d '-1 min' $f; done", home);
}

static int
compose_with(struct vkeys_cache *kc, const char *fpr, char **err_r)
{
	const char *rcpts[] = { NULL, NULL };
	struct compose_msg m;
	GBytes *out = NULL;
	int rc;

	rcpts[0] = fpr;
	default_msg(&m, rcpts);
	m.keys = kc;
	*err_r = NULL;
	rc = compose_encrypted(ctx, &m, &out, NULL, err_r);
	if (out != NULL)
		g_bytes_unref(out);
	return rc;
}

/* The key cache: one listing for many messages while the keyring stays
 * the same; a revocation imported afterwards is seen at the next use, and
 * a keyring changed just now is not cached at all. */
START_TEST(test_key_cache)
{
	struct vkeys_cache *kc = vkeys_cache_new(ctx);
	char *fpr, *rev, *err = NULL;
	unsigned listings, hits;

	fpr = make_key(other_home, "Soon gone <soon@gone.example>", 1,
	    "never", "");
	copy_key(other_home, desk_home, fpr);
	age_keyring(desk_home);

	ck_assert_msg(compose_with(kc, fpr, &err) == 0, "%s", err);
	ck_assert_msg(compose_with(kc, fpr, &err) == 0, "%s", err);
	ck_assert_msg(compose_with(kc, fpr, &err) == 0, "%s", err);
	vkeys_cache_stats(kc, &listings, &hits);
	ck_assert_uint_eq(listings, 1);
	ck_assert_uint_eq(hits, 4);	/* desk and recipient, twice */

	/* Revoked under our feet (vulturectl vendor key, another process):
	 * never encrypted to again. */
	rev = g_strdup_printf("%s/openpgp-revocs.d/%s.rev", other_home, fpr);
	sh_ok("sed 's/^:-----BEGIN/-----BEGIN/' '%s' | gpg --homedir '%s' "
	    "--batch --import", rev, desk_home);
	g_free(rev);
	ck_assert_int_eq(compose_with(kc, fpr, &err), -1);
	ck_assert_msg(strstr(err, "revoked") != NULL, "%s", err);
	g_free(err);
	vkeys_cache_stats(kc, &listings, &hits);
	ck_assert_uint_eq(listings, 2);

	/* Changed within VKEYS_CACHE_SETTLE seconds: listed every time. */
	ck_assert_msg(compose_with(kc, vendor_fpr, &err) == 0, "%s", err);
	ck_assert_msg(compose_with(kc, vendor_fpr, &err) == 0, "%s", err);
	vkeys_cache_stats(kc, &listings, &hits);
	ck_assert_uint_eq(listings, 4);

	/* Settled again: cached again. */
	age_keyring(desk_home);
	ck_assert_msg(compose_with(kc, vendor_fpr, &err) == 0, "%s", err);
	ck_assert_msg(compose_with(kc, vendor_fpr, &err) == 0, "%s", err);
	vkeys_cache_stats(kc, &listings, &hits);
	ck_assert_uint_eq(listings, 5);
	/* Refusals still say why with the cache. */
	ck_assert_int_eq(compose_with(kc, expired_fpr, &err), -1);
	ck_assert_msg(strstr(err, "expired") != NULL, "%s", err);
	g_free(err);
	ck_assert_int_eq(compose_with(kc, vendor_sub_fpr, &err), -1);
	ck_assert_msg(strstr(err, "subkey") != NULL, "%s", err);
	g_free(err);
	vkeys_cache_free(&kc);
	ck_assert_ptr_null(kc);
	g_free(fpr);
}
END_TEST

START_TEST(test_bad_input)
{
	const char *rcpts[] = { NULL, NULL, NULL };
	const char *bad_refs[] = { "ok@x", "bad id@x", NULL };
	struct compose_attachment att = { "../etc/passwd", NULL, "x", 1 };
	struct compose_msg m;
	GBytes *out = NULL;
	char *err = NULL;

	rcpts[0] = vendor_fpr;
	default_msg(&m, rcpts);
	m.subject = "hello\r\nBcc: everyone@example.org";
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err), -1);
	ck_assert_ptr_null(out);
	ck_assert(strstr(err, "subject") != NULL);
	/* Errors never quote what they refuse. */
	ck_assert(strstr(err, "Bcc") == NULL);
	g_free(err);

	default_msg(&m, rcpts);
	m.to_addr = "psirt@acme.example>, evil@example.org";
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err), -1);
	g_free(err);

	default_msg(&m, rcpts);
	m.references = bad_refs;
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err), -1);
	ck_assert(strstr(err, "references") != NULL);
	g_free(err);

	default_msg(&m, rcpts);
	m.attachments = &att;
	m.n_attachments = 1;
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err), -1);
	ck_assert(strstr(err, "path") != NULL);
	g_free(err);

	default_msg(&m, rcpts);
	m.timezone = "Mars/Olympus";
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err), -1);
	ck_assert(strstr(err, "timezone") != NULL);
	g_free(err);

	/* The desk key must be a secret key here. */
	default_msg(&m, rcpts);
	m.desk_fpr = vendor_fpr;
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err), -1);
	ck_assert_msg(strstr(err, "desk key") != NULL &&
	    strstr(err, "no secret key") != NULL, "%s", err);
	g_free(err);
	ck_assert_int_eq(compose_signed_clear(ctx, &m, &out, NULL, &err), -1);
	ck_assert_msg(strstr(err, "no secret key") != NULL, "%s", err);
	g_free(err);

	/* One bad key among good ones refuses the whole message. */
	default_msg(&m, rcpts);
	rcpts[1] = revoked_fpr;
	ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err), -1);
	ck_assert(strstr(err, "revoked") != NULL);
	g_free(err);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_ctx_reusable)
{
	const char *good[] = { NULL, NULL }, *bad[] = { NULL, NULL };
	gpgme_key_t key;
	struct compose_msg m;
	GBytes *out = NULL;
	char *err = NULL;
	int round;

	/* The caller's context has its own settings: they survive. */
	ck_assert_int_eq(gpgme_get_key(ctx, vendor_fpr, &key, 0), 0);
	ck_assert_int_eq(gpgme_signers_add(ctx, key), 0);
	gpgme_key_unref(key);
	gpgme_set_armor(ctx, 0);
	gpgme_set_textmode(ctx, 1);
	ck_assert_int_eq(gpgme_set_keylist_mode(ctx, GPGME_KEYLIST_MODE_LOCAL |
	    GPGME_KEYLIST_MODE_SIGS), 0);

	good[0] = vendor_fpr;
	bad[0] = expired_fpr;
	for (round = 0; round < 2; round++) {
		default_msg(&m, bad);
		ck_assert_int_eq(compose_encrypted(ctx, &m, &out, NULL, &err),
		    -1);
		g_free(err);
		err = NULL;
		default_msg(&m, good);
		ck_assert_msg(compose_encrypted(ctx, &m, &out, NULL, &err) ==
		    0, "%s", err);
		g_bytes_unref(out);
		ck_assert_msg(compose_encrypted(ctx, &m, &out, NULL, &err) ==
		    0, "%s", err);
		g_bytes_unref(out);
		ck_assert_msg(compose_signed_clear(ctx, &m, &out, NULL, &err) ==
		    0, "%s", err);
		g_bytes_unref(out);
		out = NULL;
		ck_assert_int_eq(gpgme_get_armor(ctx), 0);
		ck_assert_int_eq(gpgme_get_textmode(ctx), 1);
		ck_assert_int_eq(gpgme_get_keylist_mode(ctx),
		    GPGME_KEYLIST_MODE_LOCAL | GPGME_KEYLIST_MODE_SIGS);
		ck_assert_uint_eq(gpgme_signers_count(ctx), 1);
		key = gpgme_signers_enum(ctx, 0);
		ck_assert_str_eq(key->subkeys->fpr, vendor_fpr);
		gpgme_key_unref(key);
	}
}
END_TEST

START_TEST(test_signed_clear)
{
	const char *rcpts[] = { NULL };
	struct compose_msg m;
	GBytes *out = NULL;
	GMimeMessage *msg;
	GMimeObject *mp, *p0;
	GByteArray *sig, *text;
	const char *micalg, *d, *b1, *b2;
	char *err = NULL, *boundary, *status, *sigfile, *datafile, *s, *expect;
	char **v, *copy;
	gsize len;
	int st;

	default_msg(&m, rcpts);
	m.recipient_fprs = NULL;
	m.subject = "[JVNVU#12345678] Published: Buffer overflow in FooHTTP";
	ck_assert_msg(compose_signed_clear(ctx, &m, &out, NULL, &err) == 0,
	    "%s", err);
	assert_wire(out);
	msg = parse_message(out);
	ck_assert_str_eq(g_mime_message_get_subject(msg), m.subject);
	mp = g_mime_message_get_mime_part(msg);
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(mp), "multipart", "signed"));
	ck_assert_int_eq(g_mime_multipart_get_count(GMIME_MULTIPART(mp)), 2);
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(mp,
	    "protocol"), "application/pgp-signature");
	micalg = g_mime_object_get_content_type_parameter(mp, "micalg");
	ck_assert(strcmp(micalg, "pgp-sha256") == 0 ||
	    strcmp(micalg, "pgp-sha512") == 0);
	p0 = g_mime_multipart_get_part(GMIME_MULTIPART(mp), 0);
	ck_assert(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(p0), "text", "plain"));
	/* A "From " line: base64 keeps mbox writers off the signed text. */
	ck_assert_int_eq(g_mime_part_get_content_encoding(GMIME_PART(p0)),
	    GMIME_CONTENT_ENCODING_BASE64);
	text = part_bytes(p0);
	s = lf((const char *)text->data, text->len);
	expect = lf(BODY, strlen(BODY));
	ck_assert_str_eq(s, expect);
	g_free(s);
	g_free(expect);
	g_byte_array_unref(text);
	sig = part_bytes(g_mime_multipart_get_part(GMIME_MULTIPART(mp), 1));

	/* The first part exactly as on the wire: between the first
	 * delimiter line and the CRLF before the next (RFC 3156 5). */
	d = g_bytes_get_data(out, &len);
	boundary = g_strdup_printf("\r\n--%s",
	    g_mime_multipart_get_boundary(GMIME_MULTIPART(mp)));
	b1 = memmem(d, len, boundary, strlen(boundary));
	ck_assert_ptr_nonnull(b1);
	b1 += strlen(boundary) + 2;
	b2 = memmem(b1, len - (size_t)(b1 - d), boundary, strlen(boundary));
	ck_assert_ptr_nonnull(b2);
	datafile = path("signed.dat");
	sigfile = path("signed.sig");
	write_file(datafile, b1, (size_t)(b2 - b1));
	write_file(sigfile, sig->data, sig->len);
	ck_assert(memmem(b1, (size_t)(b2 - b1), "Content-Type: text/plain",
	    24) != NULL);
	status = sh_out(&st, "gpg --homedir '%s' --batch --status-fd 1 "
	    "--verify '%s' '%s' 2>/dev/null", vendor_home, sigfile, datafile);
	ck_assert_msg(st == 0, "gpg --verify: %s", status);
	assert_desk_signature(status);
	/* micalg is the hash gpg used: VALIDSIG's eighth argument
	 * (8 SHA256, 10 SHA512). */
	v = g_strsplit(strstr(status, "[GNUPG:] VALIDSIG "), " ", 12);
	ck_assert_uint_ge(g_strv_length(v), 10);
	ck_assert_str_eq(v[9], strcmp(micalg, "pgp-sha256") == 0 ? "8" :
	    "10");
	g_strfreev(v);
	/* A changed byte fails. */
	copy = g_memdup2(b1, (gsize)(b2 - b1));
	copy[b2 - b1 - 3] ^= 1;
	write_file(datafile, copy, (size_t)(b2 - b1));
	g_free(copy);
	g_free(sh_out(&st, "gpg --homedir '%s' --batch --verify '%s' '%s'",
	    vendor_home, sigfile, datafile));
	ck_assert_int_ne(st, 0);

	g_free(status);
	g_free(datafile);
	g_free(sigfile);
	g_free(boundary);
	g_byte_array_unref(sig);
	g_object_unref(msg);
	g_bytes_unref(out);
}
END_TEST

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Median cost of one compose against gpg's own command line on the same
 * plaintext. VCOMP_BENCH sets the count (default 50). */
START_TEST(test_bench)
{
	const char *rcpts[] = { NULL, NULL }, *env = getenv("VCOMP_BENCH");
	struct compose_msg m;
	GBytes *out = NULL;
	GMimeMessage *msg;
	GByteArray *armored;
	char *err = NULL, *status, *plain, *pfile, *cfile;
	double *t_compose, *t_cli, *t_check, *t_raw;
	gpgme_key_t keys[3] = { NULL, NULL, NULL };
	gsize plain_len;
	gint64 t0;
	int i, n = env != NULL ? atoi(env) : 50, st;
	/* gpg itself, no shell: the command line a script would run. */
	const char *argv[] = { "gpg", "--homedir", NULL, "--batch", "--yes",
	    "--trust-model", "always", "--armor", "-u", NULL, "-r", NULL,
	    "-r", NULL, "--output", NULL, "--sign", "--encrypt", NULL,
	    NULL };

	if (n < 1)
		n = 1;
	t_compose = g_new(double, n);
	t_cli = g_new(double, n);
	t_check = g_new(double, n);
	t_raw = g_new(double, n);
	rcpts[0] = vendor_fpr;
	default_msg(&m, rcpts);
	for (i = 0; i < n; i++) {
		t0 = g_get_monotonic_time();
		ck_assert_msg(compose_encrypted(ctx, &m, &out, NULL, &err) ==
		    0, "%s", err);
		t_compose[i] = (double)(g_get_monotonic_time() - t0) / 1000;
		if (i + 1 < n)
			g_bytes_unref(out);
	}
	for (i = 0; i < n; i++) {
		t0 = g_get_monotonic_time();
		ck_assert_int_eq(compose_check_recipient(ctx, vendor_fpr, &err),
		    0);
		t_check[i] = (double)(g_get_monotonic_time() - t0) / 1000;
	}
	msg = parse_message(out);
	armored = encrypted_payload(msg);
	plain = gpg_decrypt(desk_home, armored, &status, &plain_len);
	pfile = path("bench.txt");
	cfile = path("bench.asc");
	write_file(pfile, plain, plain_len);
	argv[2] = desk_home;
	argv[9] = desk_fpr;
	argv[11] = vendor_fpr;
	argv[13] = desk_fpr;
	argv[15] = cfile;
	argv[18] = pfile;
	for (i = 0; i < n; i++) {
		t0 = g_get_monotonic_time();
		ck_assert(g_spawn_sync(NULL, (char **)argv, NULL,
		    G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
		    G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &st,
		    NULL));
		t_cli[i] = (double)(g_get_monotonic_time() - t0) / 1000;
		ck_assert(g_spawn_check_wait_status(st, NULL));
	}
	/* The crypto alone: one gpgme_op_encrypt_sign, keys at hand. */
	ck_assert_int_eq(gpgme_get_key(ctx, desk_fpr, &keys[0], 1), 0);
	ck_assert_int_eq(gpgme_get_key(ctx, vendor_fpr, &keys[1], 0), 0);
	ck_assert_int_eq(gpgme_signers_add(ctx, keys[0]), 0);
	for (i = 0; i < n; i++) {
		gpgme_data_t din, dout;

		ck_assert_int_eq(gpgme_data_new_from_mem(&din, plain,
		    plain_len, 0), 0);
		ck_assert_int_eq(gpgme_data_new(&dout), 0);
		t0 = g_get_monotonic_time();
		ck_assert_int_eq(gpgme_op_encrypt_sign(ctx, keys,
		    GPGME_ENCRYPT_ALWAYS_TRUST, din, dout), 0);
		t_raw[i] = (double)(g_get_monotonic_time() - t0) / 1000;
		gpgme_data_release(din);
		gpgme_data_release(dout);
	}
	gpgme_key_unref(keys[0]);
	gpgme_key_unref(keys[1]);
	printf("bench n=%d plaintext=%zu bytes (median ms): compose_encrypted "
	    "%.1f, gpg --sign --encrypt CLI %.1f, gpgme_op_encrypt_sign "
	    "alone %.1f, compose_check_recipient %.1f\n", n,
	    (size_t)plain_len, median(t_compose, n), median(t_cli, n),
	    median(t_raw, n), median(t_check, n));
	fflush(stdout);
	g_free(pfile);
	g_free(cfile);
	g_free(plain);
	g_free(status);
	g_byte_array_unref(armored);
	g_object_unref(msg);
	g_bytes_unref(out);
	g_free(t_compose);
	g_free(t_cli);
	g_free(t_check);
	g_free(t_raw);
}
END_TEST

/* ---- The gpg helper (gpgproc.h): both halves in this process, the
 * serving half in a thread, so that valgrind sees them both. */

struct served {
	int sock;
	const char *home;
	int rc;
	char *err;
};

static gpointer
serve_thread(gpointer data)
{
	struct served *sv = data;

	sv->rc = gpgproc_serve(sv->sock, sv->home, &sv->err);
	close(sv->sock);
	return NULL;
}

static void
decrypt_file(const struct vcrypto *vc, const char *file, size_t cap,
    struct vcrypto_result *p, int *rc_r)
{
	GMimeStream *in = g_mime_stream_fs_open(file, O_RDONLY, 0, NULL);

	ck_assert_ptr_nonnull(in);
	memset(p, 0, sizeof(*p));
	*rc_r = vc->ops->decrypt_verify(vc->impl, in, cap, base, p);
	g_object_unref(in);
}

/* Under valgrind a gpg started after a thread was created fails (ENOTTY
 * from its engine probe), so there the helper is the real one, a fork
 * (valgrind checks the daemon's half; the helper's half runs in the
 * plain and ASan runs, in a thread). */
static int
under_valgrind(void)
{
	char *maps = NULL;
	int yes;

	if (!g_file_get_contents("/proc/self/maps", &maps, NULL, NULL))
		return 0;
	yes = strstr(maps, "vgpreload") != NULL;
	g_free(maps);
	return yes;
}

START_TEST(test_gpgproc)
{
	const char *rcpts[] = { NULL, NULL };
	const char *bad[] = { NULL, NULL, NULL };
	struct compose_msg m;
	struct served srv;
	struct gpgproc *gp;
	/* What decode and compose are given: the helper, or GPGME here. */
	struct vcrypto here = { &vdec_gpgme_ops, NULL };
	const struct vcrypto *vc;
	struct vcrypto_result p, q;
	GThread *th;
	GBytes *out = NULL;
	GMimeMessage *msg;
	GByteArray *armored;
	GString *text = g_string_new(NULL);
	char *err = NULL, *txt, *enc, *txt2, *enc2, *got, *arm = NULL;
	size_t got_len, arm_len;
	unsigned done, local, local2, i;
	int sv[2], rc, forked;

	here.impl = ctx;
	forked = under_valgrind();
	srv.rc = -9;
	srv.err = NULL;
	th = NULL;
	if (forked) {
		char *self = g_file_read_link("/proc/self/exe", NULL);

		ck_assert_ptr_nonnull(self);
		ck_assert_msg(gpgproc_start(self, desk_home, "test gpg helper",
		    1, &gp, &err) == 0, "%s", err);
		g_free(self);
	} else {
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET |
		    SOCK_CLOEXEC, 0, sv), 0);
		srv.sock = sv[1];
		srv.home = desk_home;
		th = g_thread_new("gpgproc", serve_thread, &srv);
		gp = gpgproc_from_socket(sv[0], "test gpg helper");
	}
	vc = gpgproc_crypto(gp, ctx, NULL);

	/* An answer signed and encrypted by the helper: the vendor reads it
	 * and sees the desk's signature. */
	rcpts[0] = vendor_fpr;
	default_msg(&m, rcpts);
	m.crypto = vc;
	ck_assert_msg(compose_encrypted(ctx, &m, &out, NULL, &err) == 0, "%s",
	    err);
	gpgproc_stats(gp, &done, &local);
	ck_assert_uint_eq(done, 1);
	ck_assert_uint_eq(local, 0);
	msg = parse_message(out);
	armored = encrypted_payload(msg);
	assert_reads(vendor_home, armored);
	g_byte_array_unref(armored);
	g_object_unref(msg);
	g_bytes_unref(out);

	/* The helper judges the keys again: a revoked one is refused there,
	 * with the reason. */
	bad[0] = desk_fpr;
	bad[1] = revoked_fpr;
	rc = gpgproc_encrypt_sign(gp, bad, 2, "x", 1, &arm, &arm_len, &err);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(arm);
	ck_assert_msg(strstr(err, "revoked") != NULL, "%s", err);
	g_free(err);
	err = NULL;

	/* A reply decrypted by the helper, its plaintext past the memory
	 * threshold of a spill: the same text, the vendor's good signature,
	 * as when the thread decrypts it itself. */
	for (i = 0; text->len < SPILL_MEM_MAX + 300000; i++)
		g_string_append_printf(text, "line %u of the reply\n", i);
	txt = tu_write(base, "big.txt", text->str, 0600);
	enc = path("big.gpg");
	/* Algorithms no default picks: they must cross the helper's
	 * answer, not be guessed on this side. */
	sh_ok("gpg --homedir '%s' --batch --yes --trust-model always -u %s "
	    "-r %s --cipher-algo CAMELLIA256 --digest-algo SHA384 --sign "
	    "--encrypt -o '%s' '%s' 2>/dev/null", vendor_home, vendor_fpr,
	    desk_fpr, enc, txt);
	decrypt_file(vc, enc, 4 << 20, &p, &rc);
	ck_assert_int_eq(rc, 0);
	gpgproc_stats(gp, &done, &local);
	ck_assert_uint_eq(done, 3);
	ck_assert_int_eq(p.decrypted, 1);
	ck_assert_int_eq(p.sig, VDEC_SIG_GOOD);
	ck_assert_int_eq(g_ascii_strcasecmp(p.signer_fpr, vendor_fpr), 0);
	ck_assert_uint_eq(p.recipients->len, 1);
	ck_assert_str_eq(p.cipher_algo, "CAMELLIA256.CFB");
	ck_assert_str_eq(p.hash_algo, "SHA384");
	ck_assert_ptr_nonnull(p.plain);
	got = spill_dup(p.plain, &got_len, NULL);
	ck_assert_uint_eq(got_len, text->len);
	ck_assert(memcmp(got, text->str, got_len) == 0);
	spill_zfree(got, got_len);
	vc = &here;
	decrypt_file(vc, enc, 4 << 20, &q, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(q.decrypted, p.decrypted);
	ck_assert_int_eq(q.sig, p.sig);
	ck_assert_str_eq(q.signer_fpr, p.signer_fpr);
	ck_assert_str_eq(q.sig_fpr, p.sig_fpr);
	ck_assert_int_eq(q.sig_time, p.sig_time);
	ck_assert_str_eq(q.recipients->pdata[0], p.recipients->pdata[0]);
	ck_assert_str_eq(q.cipher_algo, p.cipher_algo);
	ck_assert_str_eq(q.hash_algo, p.hash_algo);
	ck_assert_uint_eq(spill_len(q.plain), spill_len(p.plain));
	vcrypto_result_clear(&p);
	vcrypto_result_clear(&q);
	vc = gpgproc_crypto(gp, ctx, NULL);

	/* Past the cap: stopped in the helper, no plaintext. */
	decrypt_file(vc, enc, 1 << 20, &p, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(p.over_cap, 1);
	ck_assert_ptr_null(p.plain);
	ck_assert_ptr_nonnull(p.decrypt_error);
	vcrypto_result_clear(&p);

	/* A bad signature: gpg names its key by a 16-digit id, not a
	 * fingerprint. That is an answer about the mail, not a broken
	 * helper: it stays in service, and says what the thread says. */
	txt2 = tu_write(base, "tamper.txt", "Status: tamper-A\n", 0600);
	enc2 = path("tamper.gpg");
	sh_ok("gpg --homedir '%s' --batch --yes --compress-algo none -u %s "
	    "--sign -o '%s.ok' '%s' && perl -0777 -pe 's/tamper-A/tamper-B/' "
	    "'%s.ok' > '%s'", vendor_home, vendor_fpr, enc2, txt2, enc2,
	    enc2);
	gpgproc_stats(gp, &done, &local);
	decrypt_file(vc, enc2, 4 << 20, &p, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(p.sig, VDEC_SIG_BAD);
	ck_assert_uint_eq(strlen(p.sig_fpr), 16);
	gpgproc_stats(gp, &i, &local2);
	ck_assert_uint_eq(i, done + 1);
	ck_assert_uint_eq(local2, local);
	vc = &here;
	decrypt_file(vc, enc2, 4 << 20, &q, &rc);
	vc = gpgproc_crypto(gp, ctx, NULL);
	ck_assert_int_eq(q.sig, p.sig);
	ck_assert_str_eq(q.sig_fpr, p.sig_fpr);
	vcrypto_result_clear(&p);
	vcrypto_result_clear(&q);
	g_free(txt2);
	g_free(enc2);

	/* The helper gone: the thread does the work itself. */
	if (forked) {
		vc = &here;
		gpgproc_stop(&gp);
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET |
		    SOCK_CLOEXEC, 0, sv), 0);
		close(sv[1]);
		gp = gpgproc_from_socket(sv[0], "test gpg helper");
		vc = gpgproc_crypto(gp, ctx, NULL);
	} else {
		ck_assert_int_eq(shutdown(sv[0], SHUT_WR), 0);
		g_thread_join(th);
		ck_assert_msg(srv.rc == 0, "%s", srv.err);
	}
	m.crypto = vc;
	ck_assert_msg(compose_encrypted(ctx, &m, &out, NULL, &err) == 0, "%s",
	    err);
	g_bytes_unref(out);
	decrypt_file(vc, enc, 4 << 20, &p, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(p.sig, VDEC_SIG_GOOD);
	ck_assert_uint_eq(spill_len(p.plain), text->len);
	vcrypto_result_clear(&p);
	gpgproc_stats(gp, &done, &local);
	ck_assert_uint_eq(done, forked ? 0 : 5);
	ck_assert_uint_eq(local, 2);
	vc = &here;
	gpgproc_stop(&gp);
	ck_assert_ptr_null(gp);
	g_string_free(text, TRUE);
	g_free(txt);
	g_free(enc);
}
END_TEST

/* A real helper process (this program run anew) that dies is replaced
 * before an operation at least a second later; meanwhile the thread does
 * the work. */
START_TEST(test_gpgproc_restart)
{
	const char *fprs[] = { desk_fpr, vendor_fpr, NULL };
	struct gpgproc *gp;
	char *self = g_file_read_link("/proc/self/exe", NULL), *err = NULL;
	char *arm = NULL;
	size_t arm_len;
	unsigned done, local, restarts;
	pid_t pid, pid2;
	int status;

	ck_assert_ptr_nonnull(self);
	ck_assert_msg(gpgproc_start(self, desk_home, "restart test helper", 1,
	    &gp, &err) == 0, "%s", err);
	g_free(self);
	ck_assert_msg(gpgproc_encrypt_sign(gp, fprs, 2, "x\n", 2, &arm,
	    &arm_len, &err) == 0, "%s", err);
	g_free(arm);
	arm = NULL;
	pid = gpgproc_pid(gp, &restarts);
	ck_assert_int_gt(pid, 0);
	ck_assert_uint_eq(restarts, 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	/* Not yet a second: the thread's turn. */
	ck_assert_int_eq(gpgproc_encrypt_sign(gp, fprs, 2, "x\n", 2, &arm,
	    &arm_len, &err), GPGPROC_GONE);
	gpgproc_stats(gp, &done, &local);
	ck_assert_uint_eq(done, 1);
	ck_assert_uint_eq(local, 1);
	g_usleep(1100 * 1000);
	ck_assert_msg(gpgproc_encrypt_sign(gp, fprs, 2, "x\n", 2, &arm,
	    &arm_len, &err) == 0, "%s", err);
	ck_assert(strncmp(arm, "-----BEGIN PGP MESSAGE-----", 27) == 0);
	g_free(arm);
	pid2 = gpgproc_pid(gp, &restarts);
	ck_assert_uint_eq(restarts, 1);
	ck_assert_int_ne(pid2, pid);
	/* The dead one was reaped. */
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), -1);
	gpgproc_stats(gp, &done, &local);
	ck_assert_uint_eq(done, 2);
	gpgproc_stop(&gp);
	ck_assert_int_eq(waitpid(pid2, &status, WNOHANG), -1);
}
END_TEST

/* ---- A helper that answers wrongly (a fault a real one does not make on
 * demand): one request read, the "ciphertext" written, the answer given.
 * The daemon must retire it, never mail what it wrote. */

struct fake_answer {
	int sock;
	const char *written;	/* into the output file */
	uint64_t ret, alen;
	int trailing;		/* one byte more after the answer */
};

static gpointer
fake_helper(gpointer data)
{
	struct fake_answer *fa = data;
	char req[65536], ans[64];
	union {
		char c[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { req, sizeof(req) };
	struct msghdr mh;
	struct cmsghdr *c;
	int fds[2] = { -1, -1 };
	size_t n = 0;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.c;
	mh.msg_controllen = sizeof(u.c);
	if (recvmsg(fa->sock, &mh, 0) <= 0)
		return NULL;
	c = CMSG_FIRSTHDR(&mh);
	if (c != NULL && c->cmsg_type == SCM_RIGHTS)
		memcpy(fds, CMSG_DATA(c), sizeof(fds));
	if (fds[1] != -1 && write(fds[1], fa->written,
	    strlen(fa->written)) < 0)
		return NULL;
	memset(ans, 0, sizeof(ans));
	n += sizeof(uint64_t);		/* 0: the request was understood */
	memcpy(ans + n, &fa->ret, sizeof(uint64_t));
	n += sizeof(uint64_t);
	memcpy(ans + n, &fa->alen, sizeof(uint64_t));
	n += sizeof(uint64_t);
	ans[n++] = 0;			/* no error text */
	n += (size_t)fa->trailing;
	if (send(fa->sock, ans, n, MSG_NOSIGNAL) < 0)
		return NULL;
	if (fds[0] != -1)
		close(fds[0]);
	if (fds[1] != -1)
		close(fds[1]);
	return NULL;
}

START_TEST(test_gpgproc_bad_answers)
{
	static const char armor[] = "-----BEGIN PGP MESSAGE-----\n\nwcBMA\n"
	    "-----END PGP MESSAGE-----\n";
	static const char plain[] = "Status: affected\nthe embargoed text\n";
	struct fake_answer cases[] = {
		/* The plaintext handed back as "ciphertext". */
		{ -1, plain, 0, sizeof(plain) - 1, 0 },
		/* Armored, but a byte after the answer. */
		{ -1, armor, 0, sizeof(armor) - 1, 1 },
		/* A result that is neither 0 nor -1. */
		{ -1, armor, 5, sizeof(armor) - 1, 0 },
		/* Longer than any signature of the plaintext can be. */
		{ -1, armor, 0, (uint64_t)1 << 40, 0 },
		/* Well-formed: taken. */
		{ -1, armor, 0, sizeof(armor) - 1, 0 },
	};
	const char *fprs[] = { desk_fpr, vendor_fpr, NULL };
	unsigned i, done, local;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct gpgproc *gp;
		GThread *th;
		char *arm = NULL, *err = NULL;
		size_t arm_len = 0;
		int sv[2], rc;

		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET |
		    SOCK_CLOEXEC, 0, sv), 0);
		cases[i].sock = sv[1];
		th = g_thread_new("fake", fake_helper, &cases[i]);
		gp = gpgproc_from_socket(sv[0], "fake gpg helper");
		rc = gpgproc_encrypt_sign(gp, fprs, 2, plain,
		    sizeof(plain) - 1, &arm, &arm_len, &err);
		g_thread_join(th);
		close(sv[1]);
		gpgproc_stats(gp, &done, &local);
		if (i + 1 < G_N_ELEMENTS(cases)) {
			ck_assert_msg(rc == GPGPROC_GONE, "case %u: %d", i,
			    rc);
			ck_assert_ptr_null(arm);
			ck_assert_uint_eq(local, 1);
		} else {
			ck_assert_msg(rc == 0, "%s", err);
			ck_assert_str_eq(arm, armor);
			ck_assert_uint_eq(done, 1);
			g_free(arm);
		}
		gpgproc_stop(&gp);
	}
}
END_TEST

/* The helper's answer to a decryption, as gpgproc.c writes it: u64 in
 * host order, strings with a flag byte (0: NULL) and their NUL. */
static void
ans_u64(GByteArray *b, uint64_t v)
{
	g_byte_array_append(b, (const guint8 *)&v, sizeof(v));
}

static void
ans_str(GByteArray *b, const char *s)
{
	guint8 flag = s != NULL;

	g_byte_array_append(b, &flag, 1);
	if (s != NULL)
		g_byte_array_append(b, (const guint8 *)s, strlen(s) + 1);
}

/* A decryption's answer whose algorithm names and recipient key id are
 * given (no plaintext, no signature); the reader's verdict. */
static int
decrypt_answer(const char *cipher, const char *hash, const char *keyid)
{
	GByteArray *b = g_byte_array_new();
	int rc;

	ans_u64(b, 0);			/* decrypt_verify's value */
	ans_u64(b, 1);			/* decrypted */
	ans_u64(b, 1);			/* n_sigs */
	ans_u64(b, VDEC_SIG_GOOD);
	ans_u64(b, 1796086800);		/* sig_time */
	ans_u64(b, 0);			/* over_cap */
	ans_u64(b, 0);			/* spill_failed */
	ans_u64(b, UINT64_MAX);		/* no plaintext */
	ans_str(b, "0123456789ABCDEF0123456789ABCDEF01234567");
	ans_str(b, "0123456789ABCDEF0123456789ABCDEF01234567");
	ans_str(b, NULL);		/* decrypt_error */
	ans_str(b, NULL);		/* verify_error */
	ans_str(b, cipher);
	ans_str(b, hash);
	ans_u64(b, keyid != NULL);
	if (keyid != NULL)
		ans_str(b, keyid);
	rc = gpgproc_parse_answer(b->data, b->len);
	g_byte_array_unref(b);
	return rc;
}

/* What the daemon shows and judges by comes from the process that reads
 * hostile mail: names are upper-case letters, digits and dots that fit,
 * key ids hex. */
START_TEST(test_gpgproc_answer_fields)
{
	static const struct {
		const char *cipher, *hash, *keyid;
		int rc;
	} c[] = {
		{ "AES256.CFB", "SHA256", "0123456789ABCDEF", 0 },
		{ "", "", NULL, 0 },
		{ "CAMELLIA256.OCB", "RIPEMD160", "0123456789ABCDEF", 0 },
		/* 23 characters fit, 24 do not. */
		{ "ABCDEFGHIJKLMNOPQRSTUVW", "SHA256", NULL, 0 },
		{ "ABCDEFGHIJKLMNOPQRSTUVWX", "SHA256", NULL, -1 },
		{ "AES256.CFB", "ABCDEFGHIJKLMNO", NULL, 0 },
		{ "AES256.CFB", "ABCDEFGHIJKLMNOP", NULL, -1 },
		{ "aes256.cfb", "SHA256", NULL, -1 },
		{ "AES256\n.CFB", "SHA256", NULL, -1 },
		{ "AES256.CFB", "SHA 256", NULL, -1 },
		{ "?.?", "SHA256", NULL, -1 },
		{ NULL, "SHA256", NULL, -1 },
		{ "AES256.CFB", NULL, NULL, -1 },
		{ "AES256.CFB", "SHA256", "0123456789abcdef", -1 },
		{ "AES256.CFB", "SHA256", "0123 456789ABCDEF", -1 },
		{ "AES256.CFB", "SHA256", "", -1 },
		{ "AES256.CFB", "SHA256",
		    "0123456789ABCDEF0123456789ABCDEF012345678", -1 },
	};

	static const char *const corpus[] = { "good", "nosig", "failed",
	    "overcap", "spill" };
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(c); i++)
		ck_assert_msg(decrypt_answer(c[i].cipher, c[i].hash,
		    c[i].keyid) == c[i].rc, "case %zu", i);
	/* The fuzz target's seeds are well-formed answers of this
	 * protocol: fuzzing starts inside it. */
	for (i = 0; i < G_N_ELEMENTS(corpus); i++) {
		char *f = g_build_filename(getenv("top_srcdir") ?
		    getenv("top_srcdir") : ".", "tests", "fuzz", "corpus",
		    "gpgproc", corpus[i], NULL), *data = NULL;
		gsize len;

		ck_assert_msg(g_file_get_contents(f, &data, &len, NULL), "%s",
		    f);
		ck_assert_msg(gpgproc_parse_answer(data, len) == 0, "%s", f);
		g_free(data);
		g_free(f);
	}
}
END_TEST

Suite *
make_compose_suite(void)
{
	Suite *s = suite_create("compose");
	TCase *tc = tcase_create("compose");

	tcase_add_unchecked_fixture(tc, homes_setup, homes_teardown);
	tcase_add_checked_fixture(tc, ctx_setup, ctx_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_message_id);
	tcase_add_test(tc, test_encrypted_roundtrip);
	tcase_add_test(tc, test_japanese_subject_no_case);
	tcase_add_test(tc, test_attachments);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_key_cache);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_ctx_reusable);
	tcase_add_test(tc, test_signed_clear);
	tcase_add_test(tc, test_gpgproc);
	tcase_add_test(tc, test_gpgproc_bad_answers);
	tcase_add_test(tc, test_gpgproc_answer_fields);
	tcase_add_test(tc, test_gpgproc_restart);
	tcase_add_test(tc, test_bench);
	suite_add_tcase(s, tc);
	return s;
}
