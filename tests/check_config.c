#include "config.h"

#include <check.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_suites.h"
#include "testutil.h"
#include "vulture/config.h"
#include "vulture/log.h"
#include "vulture/wake.h"

static char *dir;

static void
setup(void)
{
	dir = tu_tmpdir();
}

static void
teardown(void)
{
	tu_rmtree(dir);
	g_free(dir);
}

/* Loads text; returns the errors joined by "\n" (g_free) or NULL if ok. */
static char *
load(const char *text, struct vconf **c_r)
{
	char *p = tu_write(dir, "v.conf", text, 0644);
	GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
	struct vconf *c = NULL;
	char *joined = NULL;

	if (vconf_load(p, &c, errs, NULL) == -1) {
		g_ptr_array_add(errs, NULL);
		joined = g_strjoinv("\n", (char **)errs->pdata);
		ck_assert_ptr_null(c);
	}
	if (c_r != NULL)
		*c_r = c;
	else
		vconf_free(&c);
	g_ptr_array_unref(errs);
	g_free(p);
	return joined;
}

START_TEST(test_minimal_defaults)
{
	struct vconf *c = NULL;
	char *e = load("[general]\naddress = desk@cert.example\n", &c);

	ck_assert_ptr_null(e);
	ck_assert_str_eq(c->address, "desk@cert.example");
	ck_assert_str_eq(c->id_format, "JVNVU#%08u");
	ck_assert_int_eq(c->default_embargo_days, 45);
	ck_assert_int_eq(c->followup_days, 14);
	ck_assert_int_eq(c->n_remind_days, 2);
	ck_assert_int_eq(c->remind_days[0], 7);
	ck_assert_int_eq(c->remind_days[1], 1);
	ck_assert_int_eq(c->unreachable_after_days, 90);
	ck_assert_int_eq(c->auto_disclose, 1);
	ck_assert_int_eq(c->auto_publish, 0);
	ck_assert_uint_eq(c->max_message_size, 52428800);
	ck_assert_int_eq(c->command_max_age, 7 * 86400);
	ck_assert_str_eq(c->timezone, "Asia/Tokyo");
	ck_assert_int_eq(c->imap.port, 143);
	ck_assert_int_eq(c->imap.tls, VCONF_TLS_STARTTLS);
	ck_assert_int_eq(c->smtp.transport, VCONF_TRANSPORT_SMTP);
	ck_assert_ptr_null(c->smtp.user);
	ck_assert_ptr_nonnull(c->coordinators);
	ck_assert_ptr_null(c->coordinators[0]);
	/* [policy]: the 64-bit block ciphers, IDEA, SHA1 and RIPEMD160. */
	{
		char *ciphers = g_strjoinv(";", c->refuse_ciphers);
		char *hashes = g_strjoinv(";", c->refuse_hashes);

		ck_assert_str_eq(ciphers, "3DES;CAST5;BLOWFISH;IDEA");
		ck_assert_str_eq(hashes, "SHA1;RIPEMD160");
		g_free(ciphers);
		g_free(hashes);
	}
	vconf_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_inline_comments_and_lists)
{
	struct vconf *c = NULL;
	char *e = load("[general]\naddress = d@cert.example   # the desk\n"
	    "id_format = VU#%06u\nremind_days = 10; 3 ;1\n"
	    "max_message_size = 10M\ncommand_max_age = 12h\n"
	    "[coordinators]\nfingerprints = 0123 4567 89AB CDEF 0123 4567 "
	    "89ab cdef 0123 4567; FEDCBA9876543210FEDCBA9876543210FEDCBA98\n"
	    "[smtp]\ntls = tls # implicit\n", &c);

	ck_assert_msg(e == NULL, "%s", e);
	ck_assert_str_eq(c->address, "d@cert.example");
	ck_assert_str_eq(c->id_format, "VU#%06u");
	ck_assert_int_eq(c->n_remind_days, 3);
	ck_assert_int_eq(c->remind_days[0], 10);
	ck_assert_uint_eq(c->max_message_size, 10 * 1024 * 1024);
	ck_assert_int_eq(c->command_max_age, 12 * 3600);
	ck_assert_str_eq(c->coordinators[0],
	    "0123456789ABCDEF0123456789ABCDEF01234567");
	ck_assert_str_eq(c->coordinators[1],
	    "FEDCBA9876543210FEDCBA9876543210FEDCBA98");
	ck_assert_ptr_null(c->coordinators[2]);
	ck_assert_int_eq(c->smtp.tls, VCONF_TLS_TLS);
	vconf_free(&c);
}
END_TEST

/* [policy]: names in any case, with aliases, each once; empty refuses
 * nothing. */
START_TEST(test_policy_lists)
{
	struct vconf *c = NULL;
	char *e = load("[general]\naddress = d@cert.example\n[policy]\n"
	    "refuse_ciphers = cast5; aes128 ;; Cast-5\n"
	    "refuse_hashes =  # none\n", &c);

	ck_assert_msg(e == NULL, "%s", e);
	ck_assert_str_eq(c->refuse_ciphers[0], "CAST5");
	ck_assert_str_eq(c->refuse_ciphers[1], "AES");
	ck_assert_ptr_null(c->refuse_ciphers[2]);
	ck_assert_ptr_nonnull(c->refuse_hashes);
	ck_assert_ptr_null(c->refuse_hashes[0]);
	vconf_free(&c);
	e = load("[general]\naddress = d@cert.example\n[policy]\n"
	    "refuse_hashes = rmd160;SHA-1;sha224\n", &c);
	ck_assert_msg(e == NULL, "%s", e);
	ck_assert_str_eq(c->refuse_hashes[0], "RIPEMD160");
	ck_assert_str_eq(c->refuse_hashes[1], "SHA1");
	ck_assert_str_eq(c->refuse_hashes[2], "SHA224");
	ck_assert_ptr_null(c->refuse_hashes[3]);
	/* Absent: the default. */
	ck_assert_str_eq(c->refuse_ciphers[0], "3DES");
	vconf_free(&c);
}
END_TEST

/* Each bad file and a piece of the one message it must give. */
static const struct {
	const char *text;
	const char *expect;
} bad[] = {
	{ "[general]\n", "v.conf: general.address: required" },
	{ "[general]\naddress = nobody\n", "v.conf:2: address: 'nobody' is "
	    "not a mail address" },
	{ "[general]\naddress = a@b.example\nbogus = 1\n",
	    "v.conf:3: unknown key 'bogus' in [general]" },
	{ "[general]\naddress = a@b.example\n[nope]\nx = 1\n",
	    "v.conf:3: unknown section [nope]" },
	{ "address = a@b.example\n", "v.conf:1: key outside of any" },
	{ "[general]\naddress = a@b.example\njust words\n",
	    "v.conf:3: expected 'key = value'" },
	{ "[general\naddress = a@b.example\n", "v.conf:1: malformed group" },
	{ "[general]\naddress = a@b.example\naddress = c@d.example\n",
	    "v.conf:3: duplicate key 'address' (first on line 2)" },
	{ "[general]\naddress = a@b.example\ndefault_embargo_days = soon\n",
	    "v.conf:3: default_embargo_days: 'soon' is not an integer" },
	{ "[general]\naddress = a@b.example\ndefault_embargo_days = 0\n",
	    "from 1 to 3650" },
	{ "[general]\naddress = a@b.example\nauto_publish = maybe\n",
	    "v.conf:3: auto_publish: 'maybe' is not true or false" },
	{ "[general]\naddress = a@b.example\ntimezone = Mars/Olympus\n",
	    "unknown time zone 'Mars/Olympus'" },
	{ "[general]\naddress = a@b.example\nid_format = JVNVU#%08d\n",
	    "v.conf:3: id_format: 'JVNVU#%08d'" },
	/* An id names a directory of the published site: no paths. */
	{ "[general]\naddress = a@b.example\nid_format = ../%08u\n",
	    "v.conf:3: id_format: '../%08u': an id must start with a letter" },
	{ "[general]\naddress = a@b.example\nid_format = a/b%u\n",
	    "v.conf:3: id_format: 'a/b%u': only letters, digits" },
	{ "[general]\naddress = a@b.example\nid_format = a..b%u\n",
	    "v.conf:3: id_format: 'a..b%u': '..'" },
	{ "[general]\naddress = a@b.example\nid_format = A\\B%u\n",
	    "v.conf:3: id_format: " },
	{ "[general]\naddress = a@b.example\n\nsingle_vendor_id_format = "
	    "x/../%04u\n", "v.conf:4: single_vendor_id_format: 'x/../%04u'" },
	{ "[general]\naddress = a@b.example\ndesk_fingerprint = ABCD\n",
	    "not a full 40-digit fingerprint" },
	{ "[general]\naddress = a@b.example\nremind_days = 7;x\n",
	    "'x' is not a number of days" },
	{ "[general]\naddress = a@b.example\nmax_message_size = 1Q\n",
	    "max_message_size: '1Q' is not a size" },
	/* SQLite keeps a message in one blob: not past 512M. */
	{ "[general]\naddress = a@b.example\nmax_message_size = 2G\n",
	    "max_message_size: '2G' is not a size from 1024 bytes to 512M" },
	{ "[general]\naddress = a@b.example\ncommand_max_age = forever\n",
	    "command_max_age: 'forever' is not a duration" },
	{ "[general]\naddress = a@b.example\n[imap]\ntls = ssl\n",
	    "v.conf:4: tls: 'ssl' is not none, starttls or tls" },
	{ "[general]\naddress = a@b.example\n[imap]\nport = 70000\n",
	    "v.conf:4: port:" },
	{ "[general]\naddress = a@b.example\n[smtp]\ntransport = carrier\n",
	    "'carrier' is not smtp or sendmail" },
	{ "[general]\naddress = a@b.example\ntimezone = /etc/passwd\n",
	    "v.conf:3: timezone: unknown time zone '/etc/passwd'" },
	{ "[general]\naddress = a@b.example\ntimezone = ../../etc/passwd\n",
	    "unknown time zone" },
	{ "[general]\naddress = a@b.example\ntimezone = zone.tab\n",
	    "unknown time zone" },
	{ "[general]\naddress = a@b.example\n[deliver]\nmode = later\n",
	    "v.conf:4: mode: 'later' is not process or queue" },
	{ "[general]\naddress = a@b.example\n[smtp]\ntransport = sendmail\n"
	    "sendmail_path = /nonexistent/sendmail\n",
	    "v.conf:5: sendmail_path: /nonexistent/sendmail" },
	{ "[general]\naddress = a@b.example\n[imap]\npassword_file = "
	    "/nonexistent/secret\n", "v.conf:4: password_file: " },
	{ "[coordinators]\nfingerprints = 12;34\n",
	    "v.conf:2: fingerprints: '12' is not a full" },
	{ "[general]\naddress = a@b.example\ngnupghome = /etc/passwd\n",
	    "/etc/passwd is not a directory" },
	{ "[general]\naddress = a@b.example\n[policy]\n"
	    "refuse_ciphers = CAST5;ROT13\n", "v.conf:4: refuse_ciphers: "
	    "unknown cipher 'ROT13' (known: IDEA, 3DES," },
	/* A hash is not a cipher, nor the other way round. */
	{ "[general]\naddress = a@b.example\n[policy]\n"
	    "refuse_ciphers = SHA1\n", "v.conf:4: refuse_ciphers: unknown "
	    "cipher 'SHA1'" },
	{ "[general]\naddress = a@b.example\n[policy]\nrefuse_ciphers =\n"
	    "refuse_hashes = SHA-1; AES\n", "v.conf:5: refuse_hashes: unknown "
	    "hash 'AES' (known: MD5, SHA1," },
};

START_TEST(test_bad)
{
	char *e = load(bad[_i].text, NULL);

	ck_assert_msg(e != NULL, "accepted: %s", bad[_i].text);
	ck_assert_msg(strstr(e, bad[_i].expect) != NULL,
	    "want '%s' in '%s'", bad[_i].expect, e);
	g_free(e);
}
END_TEST

START_TEST(test_all_errors_at_once)
{
	char *e = load("[general]\naddress = x\nfollowup_days = -1\n"
	    "[imap]\ntls = ssl\nwhat = ever\n", NULL);
	gchar **lines;

	ck_assert_ptr_nonnull(e);
	lines = g_strsplit(e, "\n", -1);
	ck_assert_uint_eq(g_strv_length(lines), 4);
	g_strfreev(lines);
	g_free(e);
}
END_TEST

START_TEST(test_secret_file)
{
	char *secret = tu_write(dir, "imap.secret", "hunter2\nrest\n", 0644);
	char *conf = g_strdup_printf("[general]\naddress = a@b.example\n"
	    "[imap]\npassword_file = %s\n", secret);
	char *e = load(conf, NULL), *err = NULL, *pw;

	ck_assert_ptr_nonnull(e);
	ck_assert_msg(strstr(e, "readable or writable by group or others") !=
	    NULL, "%s", e);
	g_free(e);
	pw = vconf_read_secret(secret, &err);
	ck_assert_ptr_null(pw);
	ck_assert_ptr_nonnull(err);
	g_free(err);
	chmod(secret, 0600);
	e = load(conf, NULL);
	ck_assert_msg(e == NULL, "%s", e);
	pw = vconf_read_secret(secret, &err);
	ck_assert_str_eq(pw, "hunter2");
	g_free(pw);
	g_free(conf);
	g_free(secret);
}
END_TEST

/* A password in clear over the network is refused unless the group says
 * so; loopback (what the tests and the demo use) is allowed. */
START_TEST(test_plaintext_auth)
{
	char *secret = tu_write(dir, "pw.secret", "hunter2\n", 0600);
	static const struct {
		const char *group, *extra, *host, *tls;
		int ok;
	} t[] = {
		{ "imap", "", "mail.example", "none", 0 },
		{ "imap", "", "192.0.2.1", "none", 0 },
		{ "imap", "", "::2", "none", 0 },
		{ "imap", "", "127.0.0.1", "none", 1 },
		{ "imap", "", "127.1.2.3", "none", 1 },
		{ "imap", "", "::1", "none", 1 },
		{ "imap", "", "LocalHost", "none", 1 },
		{ "imap", "", "localhost.example", "none", 0 },
		{ "imap", "", "mail.example", "starttls", 1 },
		{ "imap", "", "mail.example", "tls", 1 },
		{ "imap", "allow_plaintext_auth = yes\n", "mail.example",
		  "none", 1 },
		{ "imap", "enabled = false\n", "mail.example", "none", 1 },
		{ "smtp", "user = desk\n", "mail.example", "none", 0 },
		{ "smtp", "user = desk\n", "::1", "none", 1 },
		{ "smtp", "user = desk\nallow_plaintext_auth = true\n",
		  "mail.example", "none", 1 },
		{ "smtp", "user = desk\ntransport = sendmail\n"
		  "sendmail_path = /bin/sh\n", "mail.example", "none", 1 },
		/* no user: no AUTH */
		{ "smtp", "", "mail.example", "none", 1 },
		/* the other group's key does not count */
		{ "smtp", "user = desk\n[imap]\nallow_plaintext_auth = yes\n",
		  "mail.example", "none", 0 },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		char *conf = g_strdup_printf("[general]\naddress = "
		    "a@b.example\n[%s]\nhost = %s\ntls = %s\n"
		    "password_file = %s\n%s", t[i].group, t[i].host, t[i].tls,
		    secret, t[i].extra);
		char *e = load(conf, NULL);

		if (t[i].ok)
			ck_assert_msg(e == NULL, "%zu: %s", i, e);
		else {
			ck_assert_msg(e != NULL, "%zu: accepted", i);
			ck_assert_msg(strstr(e, "v.conf:5: tls: none, but the "
			    "[") != NULL && strstr(e, "allow_plaintext_auth") !=
			    NULL, "%zu: %s", i, e);
		}
		g_free(e);
		g_free(conf);
	}
	g_free(secret);
}
END_TEST

START_TEST(test_missing_and_binary)
{
	GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
	struct vconf *c = NULL;
	int temp = 0;
	char *p;

	ck_assert_int_eq(vconf_load("/nonexistent/v.conf", &c, errs, &temp),
	    -1);
	ck_assert_int_eq(temp, 1);
	ck_assert_uint_eq(errs->len, 1);
	p = tu_write(dir, "bin.conf", "[general]\naddress = \xff\xfe\n", 0644);
	ck_assert_int_eq(vconf_load(p, &c, errs, &temp), -1);
	ck_assert_int_eq(temp, 0);
	ck_assert_ptr_nonnull(strstr(errs->pdata[1], "not a configuration"));
	g_free(p);
	g_ptr_array_unref(errs);
}
END_TEST

/* conf/vultured.conf documents exactly the keys of the table, and loads. */
START_TEST(test_sample_matches_table)
{
	char *path = g_build_filename(getenv("top_srcdir") ?
	    getenv("top_srcdir") : ".", "conf", "vultured.conf", NULL);
	GPtrArray *errs = g_ptr_array_new_with_free_func(g_free);
	struct vconf *c = NULL;
	char *text = NULL, *keys = vconf_keys_dump(), *group = NULL;
	gchar **lines, **want;
	GString *found = g_string_new(NULL);
	int i;

	ck_assert_msg(vconf_load(path, &c, errs, NULL) == 0, "%s",
	    errs->len ? (char *)errs->pdata[0] : "");
	vconf_free(&c);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		char *l = lines[i], *eq;

		if (l[0] == '[') {
			g_free(group);
			group = g_strndup(l + 1, strcspn(l + 1, "]"));
		} else if (l[0] != '#' && (eq = strchr(l, '=')) != NULL) {
			char *k = g_strstrip(g_strndup(l, eq - l));

			g_string_append_printf(found, "%s.%s\n", group, k);
			g_free(k);
		}
	}
	want = g_strsplit(keys, "\n", -1);
	{
		char *mpath = g_build_filename(getenv("top_srcdir") ?
		    getenv("top_srcdir") : ".", "src", "vultured.conf.5", NULL);
		char *man = NULL;

		ck_assert(g_file_get_contents(mpath, &man, NULL, NULL));
		for (i = 0; want[i] != NULL && want[i][0] != '\0'; i++) {
			char *needle = g_strdup_printf("%s\n", want[i]);
			char *mk = g_strdup_printf(".It Cm %s =",
			    strchr(want[i], '.') + 1);

			ck_assert_msg(strstr(found->str, needle) != NULL,
			    "key %s is not in conf/vultured.conf", want[i]);
			ck_assert_msg(strstr(man, mk) != NULL, "key %s is not "
			    "in vultured.conf(5): run build-aux/conf2man.py",
			    want[i]);
			g_free(mk);
			g_free(needle);
		}
		g_free(man);
		g_free(mpath);
	}
	g_strfreev(want);
	g_strfreev(lines);
	g_string_free(found, TRUE);
	g_free(group);
	g_free(keys);
	g_free(text);
	g_free(path);
	g_ptr_array_unref(errs);
}
END_TEST

START_TEST(test_parsers)
{
	int64_t d;
	uint64_t s;
	char fpr[41];

	ck_assert_int_eq(vconf_parse_duration("90", &d), 0);
	ck_assert_int_eq(d, 90);
	ck_assert_int_eq(vconf_parse_duration("2w", &d), 0);
	ck_assert_int_eq(d, 14 * 86400);
	ck_assert_int_eq(vconf_parse_duration("-1d", &d), -1);
	ck_assert_int_eq(vconf_parse_duration("1dd", &d), -1);
	ck_assert_int_eq(vconf_parse_duration("99999999999999999999d", &d),
	    -1);
	ck_assert_int_eq(vconf_parse_size("1KiB", &s), 0);
	ck_assert_uint_eq(s, 1024);
	ck_assert_int_eq(vconf_parse_size("18446744073709551615G", &s), -1);
	ck_assert_int_eq(vconf_parse_fingerprint("0x0123456789abcdef0123"
	    "456789ABCDEF01234567", fpr), 0);
	ck_assert_int_eq(vconf_parse_fingerprint("0123456789abcdef0123"
	    "456789ABCDEF012345678", fpr), -1);
	ck_assert_int_eq(vconf_valid_address("a@b.example"), 1);
	ck_assert_int_eq(vconf_valid_address("a b@b.example"), 0);
	ck_assert_int_eq(vconf_valid_address("<a@b.example>"), 0);
	ck_assert_int_eq(vconf_valid_address("a@localhost"), 0);
}
END_TEST

/* The FIFO deliver wakes the daemon by: nobody listening is 0, never a
 * block; a listener sees the byte; something else at the name is refused
 * and left as it was. */
/* Under systemd (JOURNAL_STREAM names stderr) each line starts with its
 * syslog priority; elsewhere it does not. */
START_TEST(test_log_journal)
{
	char path[] = "/tmp/vlog.XXXXXX", env[64], *text = NULL;
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	struct stat st;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	g_snprintf(env, sizeof(env), "%llu:%llu",
	    (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_init("t", LOG_TO_STDERR, 0);
	log_warnx("one");
	setenv("JOURNAL_STREAM", "1:2", 1);	/* another stream */
	log_init("t", LOG_TO_STDERR, 0);
	log_warnx("two");
	unsetenv("JOURNAL_STREAM");
	log_init("t", LOG_TO_STDERR, 0);
	log_warnx("three");
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	close(fd);
	ck_assert(g_file_get_contents(path, &text, NULL, NULL));
	ck_assert_str_eq(text, "<4>t: one\nt: two\nt: three\n");
	g_free(text);
	unlink(path);
	log_init("vulture", LOG_TO_STDERR, 0);
}
END_TEST

START_TEST(test_wake)
{
	struct vconf c;
	struct stat sb;
	char *path, *err = NULL, buf[8];
	int fd;

	memset(&c, 0, sizeof(c));
	c.database = g_build_filename(dir, "v.db", NULL);
	path = wake_path(&c);
	ck_assert_int_eq(wake_daemon(&c, &err), 0);
	ck_assert_str_eq(err, "vultured is not running");
	g_free(err);
	err = NULL;
	fd = wake_listen(&c, &err);
	ck_assert_msg(fd >= 0, "%s", err);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert(S_ISFIFO(sb.st_mode));
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), -1);
	ck_assert_int_eq(wake_daemon(&c, NULL), 1);
	ck_assert_int_eq(wake_daemon(&c, NULL), 1);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 2);
	ck_assert_int_eq(wake_daemon(&c, NULL), 1);
	wake_drain(fd);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), -1);
	close(fd);
	/* Listening again reuses the FIFO. */
	fd = wake_listen(&c, &err);
	ck_assert_msg(fd >= 0, "%s", err);
	close(fd);
	ck_assert_int_eq(wake_daemon(&c, &err), 0);
	ck_assert_str_eq(err, "vultured is not running");
	g_free(err);
	err = NULL;
	ck_assert_int_eq(unlink(path), 0);
	g_free(tu_write(dir, "v.db-wake", "keep me\n", 0600));
	ck_assert_int_eq(wake_listen(&c, &err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a FIFO"));
	g_free(err);
	ck_assert_int_eq(wake_daemon(&c, &err), 0);
	ck_assert_ptr_nonnull(strstr(err, "not a FIFO"));
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_size, 8);
	g_free(err);
	g_free(path);
	g_free(c.database);
}
END_TEST

Suite *
make_config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_minimal_defaults);
	tcase_add_test(tc, test_inline_comments_and_lists);
	tcase_add_test(tc, test_policy_lists);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_all_errors_at_once);
	tcase_add_test(tc, test_secret_file);
	tcase_add_test(tc, test_missing_and_binary);
	tcase_add_test(tc, test_plaintext_auth);
	tcase_add_test(tc, test_sample_matches_table);
	tcase_add_test(tc, test_parsers);
	tcase_add_test(tc, test_wake);
	tcase_add_test(tc, test_log_journal);
	suite_add_tcase(s, tc);
	return s;
}
