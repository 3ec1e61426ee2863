/* Network clients against real servers on 127.0.0.1: Dovecot for IMAP,
 * aiosmtpd for SMTP, and a fake SMTP server (tests/fakesmtp.py) for what
 * real ones will not do on demand. Every server is a direct child of the
 * test process, started on a free port, stopped with SIGTERM and waited
 * for by pid. Files live in /tmp/vnet.XXXXXX directories. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_net.h"
#include "../src/imap_src_p.h"
#include "vulture/imap_src.h"
#include "vulture/smtp_out.h"
#include "vulture/tlscheck.h"
#include "testutil.h"

#define PYTHON "/usr/bin/python3"

static char *certdir;	/* test certificates, made once by the parent */

/* ---- harness ---- */

static const char *
srcdir(void)
{
	const char *d = getenv("top_srcdir");

	return d != NULL ? d : ".";
}

static char *
test_script(const char *name)
{
	return g_build_filename(srcdir(), "tests", name, NULL);
}

static char *
mk_tmpdir(void)
{
	char *d = g_strdup("/tmp/vnet.XXXXXX");

	/* 0755: Dovecot's unprivileged processes walk into it. */
	if (g_mkdtemp_full(d, 0755) == NULL)
		abort();
	tu_track(d);
	return d;
}

static int
sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int st;

	va_start(ap, fmt);
	cmd = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	st = system(cmd);
	g_free(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
rm_tmpdir(char **d)
{
	/* Only what mk_tmpdir() made. */
	if (*d != NULL && strncmp(*d, "/tmp/vnet.", 10) == 0 &&
	    strchr(*d + 10, '/') == NULL)
		sh("rm -rf '%s'", *d);
	g_free(*d);
	*d = NULL;
}

static char *
slurp(const char *path, size_t *len_r)
{
	char *s = NULL;
	gsize n = 0;

	if (!g_file_get_contents(path, &s, &n, NULL))
		return NULL;
	if (len_r != NULL)
		*len_r = n;
	return s;
}

static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	port = ntohs(a.sin_port);
	close(fd);
	return port;
}

static int
can_connect(int port)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

static void
wait_listen(int port, GPid pid)
{
	int i, st;

	for (i = 0; i < 500; i++) {	/* 10 s */
		if (can_connect(port))
			return;
		if (waitpid(pid, &st, WNOHANG) == pid)
			ck_abort_msg("server on port %d exited early", port);
		g_usleep(20000);
	}
	ck_abort_msg("nothing listens on port %d", port);
}

/* A direct child; *out_fd (if not NULL) reads its standard output. */
static GPid
spawn(char **argv, int *out_fd)
{
	GError *err = NULL;
	GPid pid;

	if (!g_spawn_async_with_pipes(NULL, argv, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | (out_fd == NULL ?
	    G_SPAWN_STDOUT_TO_DEV_NULL : 0), NULL, NULL, &pid, NULL, out_fd,
	    NULL, &err))
		ck_abort_msg("cannot run %s: %s", argv[0], err->message);
	return pid;
}

static void
stop(GPid *pid)
{
	int i, st;

	if (*pid <= 0)
		return;
	kill(*pid, SIGTERM);
	for (i = 0; i < 500; i++) {	/* Dovecot takes about 1.1 s */
		if (waitpid(*pid, &st, WNOHANG) == *pid)
			break;
		g_usleep(10000);
	}
	if (i == 500) {
		kill(*pid, SIGKILL);
		waitpid(*pid, &st, 0);
	}
	g_spawn_close_pid(*pid);
	*pid = 0;
}

/* The port a server prints on its first line of output. */
static int
read_port(int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char buf[32];
	size_t n = 0;
	ssize_t k;

	while (n < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 10000) <= 0)
			break;
		if ((k = read(fd, buf + n, 1)) <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	close(fd);
	ck_assert_msg(n > 0, "server printed no port");
	return atoi(buf);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A CRLF message; size pads the body to about that many bytes. The body
 * has a line starting with a dot, to see dot-stuffing undone. */
static GString *
make_msg(int n, size_t size)
{
	GString *m = g_string_new(NULL);

	g_string_append_printf(m, "From: Reporter <reporter@example.org>\r\n"
	    "To: Desk <desk@example.net>\r\n"
	    "Subject: test message %d\r\n"
	    "Message-ID: <%d.test@example.org>\r\n\r\n"
	    "Line one of message %d.\r\n.leading dot\r\n..two dots\r\n", n, n,
	    n);
	while (m->len < size)
		g_string_append(m, "0123456789abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrst"
		    "\r\n");
	g_string_append(m, "End.\r\n");
	return m;
}

static char *
cert(const char *name)
{
	return g_build_filename(certdir, name, NULL);
}

void
net_tests_init(void)
{
	char *s = test_script("servers.sh");

	certdir = mk_tmpdir();
	if (sh("sh '%s' certs '%s'", s, certdir) != 0)
		abort();
	g_free(s);
}

void
net_tests_cleanup(void)
{
	rm_tmpdir(&certdir);
}

/* ---- tlscheck ---- */

static const unsigned char *
load_der(const char *name, size_t *len_r)
{
	char *p = g_strdup_printf("%s/%s.der", certdir, name);
	char *d = slurp(p, len_r);

	ck_assert_ptr_nonnull(d);
	g_free(p);
	return (const unsigned char *)d;
}

/* tlscheck_chain() on the named certificates; returns its result, error
 * text in *err (g_free). */
static int
check_names(const char *host, const char *ca, const char *pin, char **err,
    const char *n1, const char *n2)
{
	const unsigned char *der[2];
	size_t len[2];
	char *ca_path = ca != NULL ? cert(ca) : NULL;
	struct tlscheck_policy p = { host, ca_path, pin };
	unsigned n = 1;
	int r;

	der[0] = load_der(n1, &len[0]);
	if (n2 != NULL)
		der[n++] = load_der(n2, &len[1]);
	*err = NULL;
	r = tlscheck_chain(&p, der, len, n, err);
	ck_assert(r == 0 ? *err == NULL : *err != NULL);
	g_free((void *)der[0]);
	if (n2 != NULL)
		g_free((void *)der[1]);
	g_free(ca_path);
	return r;
}

START_TEST(tls_ca_chain)
{
	char *err;

	ck_assert_int_eq(check_names("127.0.0.1", "ca.pem", NULL, &err,
	    "server", NULL), 0);
	ck_assert_int_eq(check_names("localhost", "ca.pem", NULL, &err,
	    "server", NULL), 0);
	/* The CA sent along, as servers do. */
	ck_assert_int_eq(check_names("127.0.0.1", "ca.pem", NULL, &err,
	    "server", "ca"), 0);
	/* Host names compare case-insensitively. */
	ck_assert_int_eq(check_names("LocalHost", "ca.pem", NULL, &err,
	    "server", NULL), 0);
}
END_TEST

START_TEST(tls_refusals)
{
	char *err, *pin;
	size_t len;
	const unsigned char *der;

	/* The test CA is not a system CA. */
	ck_assert_int_eq(check_names("127.0.0.1", NULL, NULL, &err, "server",
	    NULL), -1);
	ck_assert_ptr_nonnull(strstr(err, "certificate for 127.0.0.1 not "
	    "trusted: issuer unknown; pin it with tls_pin = sha256:"));
	g_free(err);

	ck_assert_int_eq(check_names("127.0.0.1", "ca.pem", NULL, &err,
	    "self", NULL), -1);
	der = load_der("self", &len);
	pin = tlscheck_pin_of(der, len);
	ck_assert_msg(strstr(err, "not trusted: self-signed; pin it with "
	    "tls_pin = ") != NULL && strstr(err, pin) != NULL, "%s", err);
	g_free(err);
	g_free(pin);
	g_free((void *)der);

	ck_assert_int_eq(check_names("wrong.example", "ca.pem", NULL, &err,
	    "server", NULL), -1);
	ck_assert_msg(strstr(err, "certificate for wrong.example does not "
	    "match the name (it is for 127.0.0.1, localhost)") != NULL, "%s",
	    err);
	g_free(err);
	ck_assert_int_eq(check_names("127.0.0.1", "ca.pem", NULL, &err,
	    "wrong", NULL), -1);
	ck_assert_msg(strstr(err, "(it is for wrong.example)") != NULL, "%s",
	    err);
	g_free(err);
	/* An IP address only matches an IP subjectAltName. */
	ck_assert_int_eq(check_names("127.0.0.2", "ca.pem", NULL, &err,
	    "server", NULL), -1);
	g_free(err);

	ck_assert_int_eq(check_names("127.0.0.1", "ca.pem", NULL, &err,
	    "expired", NULL), -1);
	ck_assert_msg(strstr(err, "not trusted: expired (not after "
	    "2020-02-01 00:00:00 UTC)") != NULL, "%s", err);
	g_free(err);

	ck_assert_int_eq(check_names("127.0.0.1", "nonexistent.pem", NULL,
	    &err, "server", NULL), -1);
	ck_assert_ptr_nonnull(strstr(err, "no CA certificates read from"));
	g_free(err);
	ck_assert_int_eq(check_names(NULL, "ca.pem", NULL, &err, "server",
	    NULL), -1);
	g_free(err);
}
END_TEST

START_TEST(tls_pins)
{
	char *err, *out = NULL, *pin, *p2, *colon;
	char *self = cert("self.pem");
	char *cmd = g_strdup_printf("openssl x509 -in %s -noout -fingerprint "
	    "-sha256", self);
	const unsigned char *der;
	size_t len;

	/* What openssl prints is accepted as it is. */
	ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
	colon = strchr(g_strstrip(out), '=');
	ck_assert_ptr_nonnull(colon);
	pin = g_strdup_printf("sha256:%s", colon + 1);
	ck_assert_int_eq(tlscheck_pin_parse(pin, &err), 0);
	ck_assert_int_eq(check_names("127.0.0.1", NULL, pin, &err, "self",
	    NULL), 0);
	/* The pin replaces chain, name and date checks. */
	ck_assert_int_eq(check_names("elsewhere.example", NULL, pin, &err,
	    "self", NULL), 0);

	/* Lower-case hex without colons, as the refusals print it. */
	der = load_der("self", &len);
	g_free(pin);
	pin = tlscheck_pin_of(der, len);
	ck_assert_uint_eq(strlen(pin), 7 + 64);
	ck_assert_int_eq(check_names("127.0.0.1", NULL, pin, &err, "self",
	    NULL), 0);
	g_free((void *)der);

	/* A pin is strict: the CA-signed certificate does not match it. */
	ck_assert_int_eq(check_names("127.0.0.1", "ca.pem", pin, &err,
	    "server", NULL), -1);
	ck_assert_msg(strstr(err, "does not match tls_pin: got sha256:") !=
	    NULL, "%s", err);
	g_free(err);
	/* Two pins for a rollover. */
	der = load_der("expired", &len);
	p2 = tlscheck_pin_of(der, len);
	g_free((void *)der);
	colon = g_strdup_printf("%s, %s", p2, pin);
	ck_assert_int_eq(check_names("127.0.0.1", NULL, colon, &err, "self",
	    NULL), 0);
	ck_assert_int_eq(check_names("127.0.0.1", NULL, colon, &err,
	    "expired", NULL), 0);
	ck_assert_int_eq(check_names("127.0.0.1", NULL, colon, &err,
	    "server", NULL), -1);
	g_free(err);
	g_free(colon);
	g_free(p2);
	g_free(pin);
	g_free(out);
	g_free(cmd);
	g_free(self);
}
END_TEST

START_TEST(tls_pin_parse)
{
	static const struct {
		const char *pin;
		int ret;
	} t[] = {
		{ "sha256:00112233445566778899aabbccddeeff00112233445566778899"
		    "aabbccddeeff", 0 },
		{ "SHA256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:"
		    "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF", 0 },
		{ "sha256:00112233445566778899aabbccddeeff00112233445566778899"
		    "aabbccddeeff,sha256:00112233445566778899aabbccddeeff0011"
		    "2233445566778899aabbccddeef0", 0 },
		{ "sha256:00112233445566778899aabbccddeeff00112233445566778899"
		    "aabbccddee", -1 },		/* short */
		{ "sha256:00112233445566778899aabbccddeeff00112233445566778899"
		    "aabbccddeeff00", -1 },	/* long */
		{ "sha1:00112233445566778899aabbccddeeff00112233", -1 },
		{ "sha256:0g112233445566778899aabbccddeeff00112233445566778899"
		    "aabbccddeeff", -1 },
		{ "00112233445566778899aabbccddeeff00112233445566778899aabbcc"
		    "ddeeff", -1 },		/* no prefix */
		{ "", -1 },
		{ " , ", -1 },
	};
	unsigned i;
	char *err;

	for (i = 0; i < G_N_ELEMENTS(t); i++) {
		err = NULL;
		ck_assert_msg(tlscheck_pin_parse(t[i].pin, &err) == t[i].ret,
		    "pin #%u", i);
		ck_assert(t[i].ret == 0 ? err == NULL : err != NULL);
		g_free(err);
	}
}
END_TEST

START_TEST(tls_not_a_tls_stream)
{
	struct tlscheck_policy p = { "127.0.0.1", NULL, NULL };
	mailstream *s;
	char *err = NULL;
	int fds[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	s = mailstream_socket_open(fds[0]);
	ck_assert_int_eq(tlscheck_is_tls(s), 0);
	ck_assert_int_eq(tlscheck_stream(s, &p, &err), -1);
	ck_assert_str_eq(err, "connection to 127.0.0.1 is not TLS");
	g_free(err);
	mailstream_close(s);
	close(fds[1]);
}
END_TEST

Suite *
make_tlscheck_suite(void)
{
	Suite *s = suite_create("tlscheck");
	TCase *tc = tcase_create("chain");

	tcase_add_test(tc, tls_ca_chain);
	tcase_add_test(tc, tls_refusals);
	tcase_add_test(tc, tls_pins);
	tcase_add_test(tc, tls_pin_parse);
	tcase_add_test(tc, tls_not_a_tls_stream);
	suite_add_tcase(s, tc);
	return s;
}

/* ---- smtp_out ---- */

/* aiosmtpd as users run it: plain, STARTTLS (test CA) and SMTPS. Started
 * once for the test case, in parallel. */
static struct {
	GPid pid[3];
	int port[3];
	char *dir;
} aio;

enum { AIO_PLAIN, AIO_STARTTLS, AIO_SMTPS };

static void
aiosmtpd_start(void)
{
	char *listen, *mbox, *crt = cert("server.pem");
	char *key = cert("server.key");
	int i;

	aio.dir = mk_tmpdir();
	for (i = 0; i < 3; i++) {
		char *argv[16];
		int n = 0;

		aio.port[i] = free_port();
		listen = g_strdup_printf("127.0.0.1:%d", aio.port[i]);
		mbox = g_strdup_printf("%s/mbox%d", aio.dir, i);
		argv[n++] = PYTHON;
		argv[n++] = "-m";
		argv[n++] = "aiosmtpd";
		argv[n++] = "-n";
		argv[n++] = "-l";
		argv[n++] = listen;
		if (i == AIO_STARTTLS) {
			argv[n++] = "--tlscert";
			argv[n++] = crt;
			argv[n++] = "--tlskey";
			argv[n++] = key;
		} else if (i == AIO_SMTPS) {
			argv[n++] = "--smtpscert";
			argv[n++] = crt;
			argv[n++] = "--smtpskey";
			argv[n++] = key;
		}
		argv[n++] = "-c";
		argv[n++] = "aiosmtpd.handlers.Mailbox";
		argv[n++] = mbox;
		argv[n] = NULL;
		aio.pid[i] = spawn(argv, NULL);
		g_free(listen);
		g_free(mbox);
	}
	for (i = 0; i < 3; i++)
		wait_listen(aio.port[i], aio.pid[i]);
	g_free(crt);
	g_free(key);
}

static void
aiosmtpd_stop(void)
{
	int i;

	for (i = 0; i < 3; i++)
		stop(&aio.pid[i]);
	rm_tmpdir(&aio.dir);
}

/* The one message in aiosmtpd's Maildir i, without the headers aiosmtpd
 * adds; NULL if there is none. */
static char *
aio_take(int i)
{
	char *d = g_strdup_printf("%s/mbox%d/new", aio.dir, i), *p, *s;
	const char *name;
	GString *out;
	GDir *dir = g_dir_open(d, 0, NULL);
	char **lines, **l;

	name = dir != NULL ? g_dir_read_name(dir) : NULL;
	if (name == NULL) {
		if (dir != NULL)
			g_dir_close(dir);
		g_free(d);
		return NULL;
	}
	p = g_build_filename(d, name, NULL);
	s = slurp(p, NULL);
	g_unlink(p);
	g_free(p);
	g_dir_close(dir);
	g_free(d);
	out = g_string_new(NULL);
	lines = g_strsplit(s, "\n", -1);
	for (l = lines; *l != NULL; l++) {
		if (g_str_has_prefix(*l, "X-Peer:") ||
		    g_str_has_prefix(*l, "X-MailFrom:") ||
		    g_str_has_prefix(*l, "X-RcptTo:"))
			continue;
		g_string_append(out, *l);
		if (l[1] != NULL)
			g_string_append_c(out, '\n');
	}
	g_strfreev(lines);
	g_free(s);
	return g_string_free(out, FALSE);
}

static char *
crlf_to_lf(const char *s)
{
	GString *o = g_string_new(NULL);

	for (; *s != '\0'; s++)
		if (!(s[0] == '\r' && s[1] == '\n'))
			g_string_append_c(o, *s);
	return g_string_free(o, FALSE);
}

static struct smtp_target
target(int port, enum vconf_tls tls)
{
	struct smtp_target t;

	memset(&t, 0, sizeof(t));
	t.host = "127.0.0.1";
	t.port = port;
	t.tls = tls;
	t.helo_name = "vulture.test";
	t.timeout_s = 10;
	return t;
}

static const char *const one_rcpt[] = { "vendor@example.com", NULL };

START_TEST(smtp_aiosmtpd_plain)
{
	static const char *const rcpts[] = { "a@example.com",
	    "b@example.com", NULL };
	struct smtp_target t = target(aio.port[AIO_PLAIN], VCONF_TLS_NONE);
	GString *m = make_msg(1, 3000);
	char *err = (char *)1, *got, *want;
	int *codes = NULL;

	ck_assert_int_eq(smtp_send(&t, "desk@example.net", rcpts, m->str,
	    m->len, &codes, &err), SMTP_SENT);
	ck_assert_ptr_null(err);
	ck_assert_int_eq(codes[0], 250);
	ck_assert_int_eq(codes[1], 250);
	got = aio_take(AIO_PLAIN);
	ck_assert_ptr_nonnull(got);
	want = crlf_to_lf(m->str);
	ck_assert_str_eq(got, want);
	g_free(got);
	g_free(want);
	g_free(codes);

	/* The null sender, and without asking for codes or error. */
	ck_assert_int_eq(smtp_send(&t, "", one_rcpt, m->str, m->len, NULL,
	    NULL), SMTP_SENT);
	g_free(aio_take(AIO_PLAIN));
	g_string_free(m, TRUE);
}
END_TEST

START_TEST(smtp_aiosmtpd_tls)
{
	struct smtp_target t = target(aio.port[AIO_STARTTLS],
	    VCONF_TLS_STARTTLS);
	char *ca = cert("ca.pem");
	GString *m = make_msg(2, 100);
	char *err = NULL, *got, *want = crlf_to_lf(m->str);

	/* aiosmtpd refuses MAIL before STARTTLS here: this proves it. */
	t.tlsp.ca_file = ca;
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_SENT);
	got = aio_take(AIO_STARTTLS);
	ck_assert_str_eq(got, want);
	g_free(got);

	t = target(aio.port[AIO_SMTPS], VCONF_TLS_TLS);
	t.tlsp.ca_file = ca;
	t.tlsp.host = "localhost";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_SENT);
	got = aio_take(AIO_SMTPS);
	ck_assert_str_eq(got, want);
	g_free(got);

	/* The same servers without the test CA: refused, nothing sent. */
	t = target(aio.port[AIO_STARTTLS], VCONF_TLS_STARTTLS);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(strstr(err, "certificate for 127.0.0.1 not trusted: "
	    "issuer unknown; pin it with tls_pin = sha256:") != NULL, "%s",
	    err);
	g_free(err);
	t = target(aio.port[AIO_SMTPS], VCONF_TLS_TLS);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "not trusted"));
	g_free(err);
	ck_assert_ptr_null(aio_take(AIO_STARTTLS));
	ck_assert_ptr_null(aio_take(AIO_SMTPS));

	/* STARTTLS is never skipped: plain server, tls = starttls. */
	t = target(aio.port[AIO_PLAIN], VCONF_TLS_STARTTLS);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "127.0.0.1 does not offer STARTTLS");
	g_free(err);
	ck_assert_ptr_null(aio_take(AIO_PLAIN));
	g_free(want);
	g_free(ca);
	g_string_free(m, TRUE);
}
END_TEST

/* A fake (or aiosmtpd with --aiosmtpd) with the given options. */
struct fake {
	GPid pid;
	int port;
	char *dir;
};

static void
fake_start(struct fake *f, ...)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	char *script = test_script("fakesmtp.py");
	const char *a;
	va_list ap;
	int out;

	f->dir = mk_tmpdir();
	g_ptr_array_add(argv, g_strdup(PYTHON));
	g_ptr_array_add(argv, script);
	g_ptr_array_add(argv, g_strdup("--save"));
	g_ptr_array_add(argv, g_strdup(f->dir));
	va_start(ap, f);
	while ((a = va_arg(ap, const char *)) != NULL) {
		/* "@name" is a certificate file. */
		g_ptr_array_add(argv, a[0] == '@' ? cert(a + 1) : g_strdup(a));
	}
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	f->pid = spawn((char **)argv->pdata, &out);
	f->port = read_port(out);
	g_ptr_array_free(argv, TRUE);
}

static void
fake_stop(struct fake *f)
{
	stop(&f->pid);
	rm_tmpdir(&f->dir);
}

/* Message n saved by the fake, or NULL. */
static char *
fake_msg(struct fake *f, int n, size_t *len_r)
{
	char *p = g_strdup_printf("%s/msg-%d.eml", f->dir, n);
	char *s = slurp(p, len_r);

	g_free(p);
	return s;
}

static int
fake_has_msg(struct fake *f, int n)
{
	char *s = fake_msg(f, n, NULL);

	g_free(s);
	return s != NULL;
}

static char *
fake_transcript(struct fake *f)
{
	char *p = g_build_filename(f->dir, "transcript.log", NULL);
	char *s = slurp(p, NULL);

	g_free(p);
	return s != NULL ? s : g_strdup("");
}

START_TEST(smtp_greeting_421)
{
	struct fake f;
	struct smtp_target t;
	char *err = NULL;
	int *codes = NULL;

	fake_start(&f, "--greet", "421 4.3.2 try later", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, &codes, &err), SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "greeting: 421 4.3.2 try later");
	ck_assert_int_eq(codes[0], 0);
	g_free(err);
	g_free(codes);
	/* Even a 5xx greeting is the setup's problem, not the message's. */
	fake_stop(&f);
	fake_start(&f, "--greet", "554 5.3.2 go away", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "greeting: 554 5.3.2 go away");
	g_free(err);
	fake_stop(&f);
}
END_TEST

START_TEST(smtp_rcpt_451_then_retry)
{
	struct fake f;
	struct smtp_target t;
	GString *m = make_msg(3, 500);
	char *err = NULL, *got, *tr;
	size_t len = 0;
	int *codes = NULL;

	fake_start(&f, "--rcpt-fail-once", "451", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, &codes, &err), SMTP_TEMPFAIL);
	ck_assert_int_eq(codes[0], 451);
	ck_assert_str_eq(err, "RCPT TO:<vendor@example.com>: 451 4.1.1 "
	    "refused for test");
	ck_assert(!fake_has_msg(&f, 1));
	g_free(err);
	g_free(codes);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, &codes, &err), SMTP_SENT);
	ck_assert_int_eq(codes[0], 250);
	/* Byte for byte: dots unstuffed, the final CRLF once. */
	got = fake_msg(&f, 1, &len);
	ck_assert_uint_eq(len, m->len);
	ck_assert(memcmp(got, m->str, len) == 0);
	tr = fake_transcript(&f);
	ck_assert_ptr_nonnull(strstr(tr, "C: EHLO vulture.test (tls=0)"));
	ck_assert_ptr_nonnull(strstr(tr, "C: MAIL FROM:<desk@example.net> "
	    "SIZE="));
	g_free(tr);
	g_free(got);
	g_free(codes);
	g_string_free(m, TRUE);
	fake_stop(&f);
}
END_TEST

START_TEST(smtp_drop_mid_data)
{
	struct fake f;
	struct smtp_target t;
	GString *m = make_msg(4, 200000);
	char *err = NULL;
	int *codes = NULL;

	fake_start(&f, "--drop-in-data", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, &codes, &err), SMTP_TEMPFAIL);
	ck_assert_int_eq(codes[0], 0);
	ck_assert_msg(g_str_has_prefix(err, "end of DATA: connection lost"),
	    "%s", err);
	g_free(err);
	g_free(codes);
	g_string_free(m, TRUE);
	fake_stop(&f);
}
END_TEST

START_TEST(smtp_rcpt_550)
{
	static const char *const bad[] = { "bad1@example.com",
	    "bad2@example.com", NULL };
	static const char *const mixed[] = { "good@example.com",
	    "bad@example.com", NULL };
	static const char *const temp[] = { "busy@example.com",
	    "bad@example.com", "good@example.com", NULL };
	struct fake f;
	struct smtp_target t;
	GString *m = make_msg(5, 100);
	char *err = NULL, *got;
	int *codes = NULL;

	fake_start(&f, "--rcpt-fail", "550:bad", "--rcpt-fail", "452:busy",
	    NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", bad, m->str,
	    m->len, &codes, &err), SMTP_PERMFAIL);
	ck_assert_int_eq(codes[0], 550);
	ck_assert_int_eq(codes[1], 550);
	ck_assert_str_eq(err, "RCPT TO:<bad1@example.com>: 550 5.1.1 refused "
	    "for test");
	ck_assert(!fake_has_msg(&f, 1));
	g_free(err);
	g_free(codes);

	/* Sent to the good one, refused for the other: PERMFAIL, and the
	 * codes say who has it. */
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", mixed, m->str,
	    m->len, &codes, &err), SMTP_PERMFAIL);
	ck_assert_int_eq(codes[0], 250);
	ck_assert_int_eq(codes[1], 550);
	got = fake_msg(&f, 1, NULL);
	ck_assert_str_eq(got, m->str);
	g_free(got);
	g_free(err);
	g_free(codes);

	/* Any 4xx among them: TEMPFAIL. */
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", temp, m->str,
	    m->len, &codes, &err), SMTP_TEMPFAIL);
	ck_assert_int_eq(codes[0], 452);
	ck_assert_int_eq(codes[1], 550);
	ck_assert_int_eq(codes[2], 250);
	ck_assert(fake_has_msg(&f, 2));
	g_free(err);
	g_free(codes);
	g_string_free(m, TRUE);
	fake_stop(&f);
}
END_TEST

START_TEST(smtp_data_552)
{
	static const char *const two[] = { "a@example.com", "b@example.com",
	    NULL };
	struct fake f;
	struct smtp_target t;
	char *err = NULL;
	int *codes = NULL;

	fake_start(&f, "--data-reply", "552 5.3.4 message too big", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", two, "x\r\n", 3,
	    &codes, &err), SMTP_PERMFAIL);
	ck_assert_int_eq(codes[0], 552);
	ck_assert_int_eq(codes[1], 552);
	ck_assert_str_eq(err, "end of DATA: 552 5.3.4 message too big");
	g_free(err);
	g_free(codes);
	fake_stop(&f);
	fake_start(&f, "--data-reply", "451 4.3.0 disk full", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", two, "x\r\n", 3,
	    &codes, &err), SMTP_TEMPFAIL);
	ck_assert_int_eq(codes[1], 451);
	g_free(err);
	g_free(codes);
	fake_stop(&f);
}
END_TEST

/* The pin a refusal offers. */
static char *
pin_from(const char *err)
{
	const char *p = strstr(err, "sha256:");

	ck_assert_msg(p != NULL, "no pin in: %s", err);
	return g_strndup(p, 7 + 64);
}

START_TEST(smtp_tls_self_signed)
{
	struct fake f;
	struct smtp_target t;
	char *err = NULL, *pin, *tr;

	fake_start(&f, "--starttls", "@self.pem", "@self.key", NULL);
	t = target(f.port, VCONF_TLS_STARTTLS);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(strstr(err, "certificate for 127.0.0.1 not trusted: "
	    "self-signed; pin it with tls_pin = sha256:") != NULL, "%s", err);
	/* Nothing was said after the handshake. */
	tr = fake_transcript(&f);
	ck_assert_ptr_null(strstr(tr, "tls=1"));
	g_free(tr);
	pin = pin_from(err);
	g_free(err);
	t.tlsp.pin = pin;
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_SENT);
	tr = fake_transcript(&f);
	/* EHLO again after STARTTLS, and the mail went inside TLS. */
	ck_assert_ptr_nonnull(strstr(tr, "C: EHLO vulture.test (tls=1)"));
	ck_assert_ptr_nonnull(strstr(tr, "C: DATA (tls=1)"));
	g_free(tr);
	fake_stop(&f);

	/* Implicit TLS, pinned. */
	fake_start(&f, "--smtps", "@self.pem", "@self.key", NULL);
	t = target(f.port, VCONF_TLS_TLS);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	g_free(err);
	t.tlsp.pin = pin;
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_SENT);
	ck_assert(fake_has_msg(&f, 1));
	g_free(pin);
	fake_stop(&f);
}
END_TEST

START_TEST(smtp_tls_wrong_name_and_expired)
{
	struct fake f;
	struct smtp_target t;
	char *err = NULL, *ca = cert("ca.pem");

	fake_start(&f, "--starttls", "@wrong.pem", "@wrong.key", NULL);
	t = target(f.port, VCONF_TLS_STARTTLS);
	t.tlsp.ca_file = ca;
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(strstr(err, "certificate for 127.0.0.1 does not match "
	    "the name (it is for wrong.example)") != NULL, "%s", err);
	g_free(err);
	/* Verified against the name configured, not the address. */
	t.tlsp.host = "wrong.example";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_SENT);
	fake_stop(&f);

	fake_start(&f, "--smtps", "@expired.pem", "@expired.key", NULL);
	t = target(f.port, VCONF_TLS_TLS);
	t.tlsp.ca_file = ca;
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(strstr(err, "not trusted: expired") != NULL, "%s", err);
	g_free(err);
	fake_stop(&f);
	g_free(ca);
}
END_TEST

START_TEST(smtp_auth_fake)
{
	struct fake f;
	struct smtp_target t;
	char *err = NULL, *tr;

	/* Over STARTTLS, pinned: AUTH PLAIN only after TLS. */
	fake_start(&f, "--starttls", "@self.pem", "@self.key", "--auth",
	    "desk:s3cret", NULL);
	t = target(f.port, VCONF_TLS_STARTTLS);
	t.user = "desk";
	t.password = "s3cret";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);	/* not pinned yet */
	t.tlsp.pin = pin_from(err);
	g_free(err);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_SENT);
	tr = fake_transcript(&f);
	ck_assert_ptr_nonnull(strstr(tr, "AUTH user=desk ok=1 tls=1"));
	ck_assert_ptr_null(strstr(tr, "tls=0\nAUTH"));
	ck_assert_ptr_null(strstr(tr, "s3cret"));
	g_free(tr);
	/* A wrong password is the setup's problem: TEMPFAIL, no password
	 * in the text. */
	t.password = "wrong";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "AUTH PLAIN as desk: 535 5.7.8 authentication "
	    "failed");
	g_free(err);
	g_free((char *)t.tlsp.pin);
	fake_stop(&f);

	/* tls = none, explicitly: cleartext AUTH is the operator's call. */
	fake_start(&f, "--auth", "desk:s3cret", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	t.user = "desk";
	t.password = "s3cret";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_SENT);
	tr = fake_transcript(&f);
	ck_assert_ptr_nonnull(strstr(tr, "AUTH user=desk ok=1 tls=0"));
	g_free(tr);
	/* No AUTH offered but a user configured: do not send unauthed. */
	fake_stop(&f);
	fake_start(&f, NULL);
	t = target(f.port, VCONF_TLS_NONE);
	t.user = "desk";
	t.password = "s3cret";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "127.0.0.1 offers neither AUTH PLAIN nor AUTH "
	    "LOGIN");
	g_free(err);
	fake_stop(&f);
}
END_TEST

START_TEST(smtp_auth_aiosmtpd)
{
	struct fake f;
	struct smtp_target t;
	char *err = NULL, *tr, *ca = cert("ca.pem"), *got;
	GString *m = make_msg(6, 100);

	/* A real aiosmtpd with STARTTLS required and AUTH required (only
	 * offered under TLS). */
	fake_start(&f, "--aiosmtpd", "--starttls", "@server.pem",
	    "@server.key", "--auth", "desk:s3cret", NULL);
	t = target(f.port, VCONF_TLS_STARTTLS);
	t.tlsp.ca_file = ca;
	t.user = "desk";
	t.password = "s3cret";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_SENT);
	got = fake_msg(&f, 1, NULL);
	ck_assert_str_eq(got, m->str);
	g_free(got);
	tr = fake_transcript(&f);
	ck_assert_ptr_nonnull(strstr(tr, "AUTH PLAIN user=desk ok=1"));
	ck_assert_ptr_nonnull(strstr(tr, "MAIL from=desk@example.net "
	    "rcpts=vendor@example.com tls=1"));
	g_free(tr);
	t.password = "nope";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(g_str_has_prefix(err, "AUTH PLAIN as desk: 535"), "%s",
	    err);
	g_free(err);
	/* Without TLS it offers no AUTH, so we do not send the password. */
	t = target(f.port, VCONF_TLS_NONE);
	t.user = "desk";
	t.password = "s3cret";
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, m->str,
	    m->len, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "offers neither AUTH"));
	g_free(err);
	fake_stop(&f);
	g_string_free(m, TRUE);
	g_free(ca);
}
END_TEST

START_TEST(smtp_helo_fallback)
{
	struct fake f;
	struct smtp_target t;
	char *err = NULL, *tr;

	fake_start(&f, "--no-ehlo", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_SENT);
	tr = fake_transcript(&f);
	ck_assert_ptr_nonnull(strstr(tr, "C: HELO vulture.test (tls=0)"));
	/* No SIZE parameter without ESMTP. */
	ck_assert_ptr_nonnull(strstr(tr, "C: MAIL FROM:<desk@example.net> "
	    "(tls=0)"));
	g_free(tr);
	/* Not when TLS or AUTH is wanted. */
	t.tls = VCONF_TLS_STARTTLS;
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_str_eq(err, "EHLO: 502 5.5.2 EHLO not implemented");
	g_free(err);
	fake_stop(&f);
}
END_TEST

START_TEST(smtp_timeout_and_refused)
{
	struct fake f;
	struct smtp_target t;
	char *err = NULL;
	double t0;

	fake_start(&f, "--silent", NULL);
	t = target(f.port, VCONF_TLS_NONE);
	t.timeout_s = 1;
	t0 = now_s();
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(now_s() - t0 < 3.0, "took %.1f s", now_s() - t0);
	ck_assert_msg(g_str_has_prefix(err, "greeting: connection lost"),
	    "%s", err);
	g_free(err);
	/* The TLS handshake too. */
	t.tls = VCONF_TLS_TLS;
	t0 = now_s();
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(now_s() - t0 < 3.0, "took %.1f s", now_s() - t0);
	ck_assert_msg(g_str_has_prefix(err, "TLS handshake with 127.0.0.1 "
	    "port "), "%s", err);
	g_free(err);
	fake_stop(&f);

	t = target(free_port(), VCONF_TLS_NONE);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", one_rcpt, "x\r\n",
	    3, NULL, &err), SMTP_TEMPFAIL);
	ck_assert_msg(strstr(err, "Connection refused") != NULL, "%s", err);
	g_free(err);
}
END_TEST

START_TEST(smtp_bad_arguments)
{
	static const char *const inject[] = { "a@example.com>\r\nRSET", NULL };
	static const char *const none[] = { NULL };
	struct smtp_target t = target(1, VCONF_TLS_NONE);
	char *err = NULL, *longaddr;
	const char *rc[2];
	int *codes;

	ck_assert_int_eq(smtp_send(&t, "desk@example.net", inject, "x", 1,
	    NULL, &err), SMTP_PERMFAIL);
	ck_assert_str_eq(err, "invalid recipient address #1");
	g_free(err);
	ck_assert_int_eq(smtp_send(&t, "de sk@example.net", one_rcpt, "x", 1,
	    NULL, &err), SMTP_PERMFAIL);
	g_free(err);
	ck_assert_int_eq(smtp_send(&t, "desk@example.net", none, "x", 1,
	    &codes, &err), SMTP_PERMFAIL);
	ck_assert_str_eq(err, "no recipients");
	g_free(codes);
	g_free(err);
	longaddr = g_strnfill(300, 'a');
	rc[0] = longaddr;
	rc[1] = NULL;
	ck_assert_int_eq(smtp_sendmail("/bin/true", "desk@example.net", rc,
	    "x", 1, &err), SMTP_PERMFAIL);
	g_free(err);
	g_free(longaddr);
}
END_TEST

/* sendmail transport, with scripts standing in for sendmail. */
static char *
write_script(const char *dir, const char *name, const char *body)
{
	char *p = g_build_filename(dir, name, NULL);
	char *s = g_strdup_printf("#!/bin/sh\n%s\n", body);

	ck_assert(g_file_set_contents(p, s, -1, NULL));
	ck_assert_int_eq(g_chmod(p, 0755), 0);
	g_free(s);
	return p;
}

START_TEST(smtp_sendmail_pipe)
{
	static const char *const rcpts[] = { "a@example.com", "-b@example.com",
	    NULL };
	char *dir = mk_tmpdir(), *body, *p, *got, *want, *err = NULL;
	GString *m = make_msg(7, 300000);

	body = g_strdup_printf("printf '%%s\\n' \"$@\" > %s/args; "
	    "cat > %s/stdin", dir, dir);
	p = write_script(dir, "save.sh", body);
	ck_assert_int_eq(smtp_sendmail(p, "desk@example.net", rcpts, m->str,
	    m->len, &err), SMTP_SENT);
	ck_assert_ptr_null(err);
	g_free(p);
	g_free(body);
	p = g_build_filename(dir, "stdin", NULL);
	got = slurp(p, NULL);
	want = crlf_to_lf(m->str);
	ck_assert_str_eq(got, want);
	g_free(p);
	g_free(got);
	g_free(want);
	p = g_build_filename(dir, "args", NULL);
	got = slurp(p, NULL);
	ck_assert_str_eq(got, "-i\n-f\ndesk@example.net\n--\na@example.com\n"
	    "-b@example.com\n");
	g_free(p);
	g_free(got);

	p = write_script(dir, "temp.sh", "cat >/dev/null; echo 'queue full' "
	    ">&2; echo 'second line' >&2; exit 75");
	ck_assert_int_eq(smtp_sendmail(p, "desk@example.net", rcpts, m->str,
	    m->len, &err), SMTP_TEMPFAIL);
	ck_assert_msg(g_str_has_suffix(err, "temp.sh: exit 75: queue full"),
	    "%s", err);
	g_free(err);
	g_free(p);

	/* Exits without reading what we write: EPIPE, no SIGPIPE death. */
	p = write_script(dir, "fail.sh", "echo 'bad address' >&2; exit 1");
	ck_assert_int_eq(smtp_sendmail(p, "desk@example.net", rcpts, m->str,
	    m->len, &err), SMTP_PERMFAIL);
	ck_assert_msg(g_str_has_suffix(err, "fail.sh: exit 1: bad address"),
	    "%s", err);
	g_free(err);
	g_free(p);

	p = write_script(dir, "sig.sh", "kill -9 $$");
	ck_assert_int_eq(smtp_sendmail(p, "desk@example.net", rcpts, m->str,
	    m->len, &err), SMTP_TEMPFAIL);
	ck_assert_msg(strstr(err, "killed by signal 9") != NULL, "%s", err);
	g_free(err);
	g_free(p);

	p = g_build_filename(dir, "missing", NULL);
	ck_assert_int_eq(smtp_sendmail(p, "desk@example.net", rcpts, m->str,
	    m->len, &err), SMTP_TEMPFAIL);
	ck_assert_ptr_nonnull(strstr(err, "cannot run"));
	g_free(err);
	g_free(p);
	g_string_free(m, TRUE);
	rm_tmpdir(&dir);
}
END_TEST

Suite *
make_smtp_suite(void)
{
	Suite *s = suite_create("smtp_out");
	TCase *real = tcase_create("aiosmtpd");
	TCase *fake = tcase_create("fake");
	TCase *pipe = tcase_create("sendmail");

	tcase_add_unchecked_fixture(real, aiosmtpd_start, aiosmtpd_stop);
	tcase_set_timeout(real, 30);
	tcase_add_test(real, smtp_aiosmtpd_plain);
	tcase_add_test(real, smtp_aiosmtpd_tls);
	suite_add_tcase(s, real);

	tcase_set_timeout(fake, 30);
	tcase_add_test(fake, smtp_greeting_421);
	tcase_add_test(fake, smtp_rcpt_451_then_retry);
	tcase_add_test(fake, smtp_drop_mid_data);
	tcase_add_test(fake, smtp_rcpt_550);
	tcase_add_test(fake, smtp_data_552);
	tcase_add_test(fake, smtp_tls_self_signed);
	tcase_add_test(fake, smtp_tls_wrong_name_and_expired);
	tcase_add_test(fake, smtp_auth_fake);
	tcase_add_test(fake, smtp_auth_aiosmtpd);
	tcase_add_test(fake, smtp_helo_fallback);
	tcase_add_test(fake, smtp_timeout_and_refused);
	tcase_add_test(fake, smtp_bad_arguments);
	suite_add_tcase(s, fake);

	tcase_set_timeout(pipe, 30);
	tcase_add_test(pipe, smtp_sendmail_pipe);
	suite_add_tcase(s, pipe);
	return s;
}

/* ---- imap_src ---- */

/* One Dovecot for the IMAP test cases; each test uses its own user (t01,
 * t02...), so its own Maildir. */
static struct {
	GPid pid;
	int port, sport;
	char *dir;
} dov;

static void
dovecot_start(void)
{
	char *script = test_script("servers.sh"), *conf;
	char *argv[] = { NULL, "-c", NULL, "-F", NULL };
	char *bin = g_find_program_in_path("dovecot");

	dov.dir = mk_tmpdir();
	ck_assert_int_eq(sh("cp %s/*.pem %s/*.key %s/", certdir, certdir,
	    dov.dir), 0);
	dov.port = free_port();
	dov.sport = free_port();
	ck_assert_int_eq(sh("sh '%s' dovecot-conf '%s' %d %d", script,
	    dov.dir, dov.port, dov.sport), 0);
	conf = g_build_filename(dov.dir, "dovecot.conf", NULL);
	argv[0] = bin != NULL ? bin : "/usr/sbin/dovecot";
	argv[2] = conf;
	dov.pid = spawn(argv, NULL);
	g_free(bin);
	wait_listen(dov.port, dov.pid);
	wait_listen(dov.sport, dov.pid);
	g_free(conf);
	g_free(script);
}

static void
dovecot_stop(void)
{
	char *log = g_build_filename(dov.dir, "dovecot.log", NULL);

	stop(&dov.pid);
	/* Dovecot's own complaints, if any, for whoever debugs a failure. */
	sh("grep -E ' (Error|Fatal|Panic):' '%s' >&2", log);
	g_free(log);
	rm_tmpdir(&dov.dir);
}

/* Runs imaptool.py as user; returns its output (g_free). */
static char *
tool(const char *user, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *
tool(const char *user, const char *fmt, ...)
{
	char *script = test_script("imaptool.py"), *args, *cmd, *out = NULL;
	va_list ap;
	gint st;

	va_start(ap, fmt);
	args = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	cmd = g_strdup_printf(PYTHON " %s %d %s secret %s", script, dov.port,
	    user, args);
	ck_assert(g_spawn_command_line_sync(cmd, &out, NULL, &st, NULL));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s", cmd);
	g_free(cmd);
	g_free(args);
	g_free(script);
	return out;
}

static int
tool_count(const char *user, const char *mailbox)
{
	char *out = tool(user, "count %s", mailbox);
	int n = atoi(out);

	g_free(out);
	return n;
}

/* Appends messages n0..n0+count-1 (sizes from size) to mailbox; returns
 * them, for comparison. */
static GPtrArray *
append_msgs(const char *user, const char *mailbox, int n0, int count,
    size_t size)
{
	GPtrArray *msgs = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)(void (*)(void))g_free);
	char *dir = mk_tmpdir(), *p;
	GString *files = g_string_new(NULL), *m;
	int i;

	for (i = 0; i < count; i++) {
		m = make_msg(n0 + i, size);
		p = g_strdup_printf("%s/%d.eml", dir, i);
		ck_assert(g_file_set_contents(p, m->str, (gssize)m->len, NULL));
		g_string_append_printf(files, " %s", p);
		g_ptr_array_add(msgs, g_string_free(m, FALSE));
		g_free(p);
	}
	g_free(tool(user, "append %s%s", mailbox, files->str));
	g_string_free(files, TRUE);
	rm_tmpdir(&dir);
	return msgs;
}

static struct imap_src_params
iparams(const char *user)
{
	struct imap_src_params p;

	memset(&p, 0, sizeof(p));
	p.host = "127.0.0.1";
	p.port = dov.port;
	p.tls = VCONF_TLS_NONE;
	p.user = user;
	p.password = "secret";
	p.mailbox = "INBOX";
	p.processed_mailbox = "Processed";
	p.quarantine_mailbox = "Quarantine";
	p.timeout_s = 10;
	return p;
}

static struct imap_src *
iconnect(const struct imap_src_params *p)
{
	struct imap_src *s = NULL;
	char *err = NULL;
	int r = imap_src_connect(p, &s, &err);

	ck_assert_msg(r == 0, "connect: %d %s", r, err);
	ck_assert_ptr_null(err);
	return s;
}

static void
assert_msg_eq(const struct imap_msg *m, const char *want)
{
	gsize len;
	const char *got = g_bytes_get_data(m->data, &len);

	ck_assert_uint_eq(len, strlen(want));
	ck_assert(memcmp(got, want, len) == 0);
}

START_TEST(imap_fetch_and_move)
{
	struct imap_src_params p = iparams("t01");
	GPtrArray *sent = append_msgs("t01", "INBOX", 1, 3, 2000);
	GPtrArray *msgs;
	GArray *big;
	struct imap_src *s = iconnect(&p);
	char *err = NULL, *out, *dir, *path, *got;
	unsigned i;

	ck_assert_uint_ne(imap_src_uidvalidity(s), 0);
	ck_assert_int_eq(imap_src_has_idle(s), 1);
	ck_assert_int_eq(imap_src_has_move(s), 1);
	/* Made at connect. */
	out = tool("t01", "list");
	ck_assert_ptr_nonnull(strstr(out, "Processed\n"));
	ck_assert_ptr_nonnull(strstr(out, "Quarantine\n"));
	g_free(out);

	ck_assert_int_eq(imap_src_fetch_new(s, 0, 1 << 20, 10, &msgs, &big,
	    &err), 0);
	ck_assert_uint_eq(msgs->len, 3);
	ck_assert_uint_eq(big->len, 0);
	for (i = 0; i < 3; i++) {
		struct imap_msg *m = g_ptr_array_index(msgs, i);

		ck_assert_uint_eq(m->uid, i + 1);
		assert_msg_eq(m, g_ptr_array_index(sent, i));
		ck_assert_int_eq(imap_src_move(s, m->uid, "Processed", &err),
		    0);
	}
	/* Fetching did not mark them \Seen; moving did move them. */
	ck_assert_int_eq(tool_count("t01", "INBOX"), 0);
	ck_assert_int_eq(tool_count("t01", "Processed"), 3);
	dir = mk_tmpdir();
	g_free(tool("t01", "dump Processed %s", dir));
	for (i = 0; i < 3; i++) {
		path = g_strdup_printf("%s/%u.eml", dir, i + 1);
		got = slurp(path, NULL);
		ck_assert_str_eq(got, g_ptr_array_index(sent, i));
		g_free(got);
		g_free(path);
	}
	rm_tmpdir(&dir);
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);

	/* Nothing after the last UID (n:* would also match it). */
	ck_assert_int_eq(imap_src_fetch_new(s, 3, 1 << 20, 10, &msgs, &big,
	    &err), 0);
	ck_assert_uint_eq(msgs->len, 0);
	ck_assert_uint_eq(big->len, 0);
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);
	/* Moving a UID that is gone is not an error. */
	ck_assert_int_eq(imap_src_move(s, 2, "Processed", &err), 0);
	g_ptr_array_free(sent, TRUE);
	imap_src_close(&s);
	ck_assert_ptr_null(s);
	imap_src_close(&s);
}
END_TEST

START_TEST(imap_fetch_limits)
{
	struct imap_src_params p = iparams("t02");
	GPtrArray *sent = append_msgs("t02", "INBOX", 10, 2, 1000), *more;
	GPtrArray *msgs;
	GArray *big;
	struct imap_src *s;
	char *err = NULL;
	size_t before;

	/* small, small, big, small, big, small */
	more = append_msgs("t02", "INBOX", 12, 1, 200000);
	g_ptr_array_free(more, TRUE);
	more = append_msgs("t02", "INBOX", 13, 1, 1000);
	g_ptr_array_free(more, TRUE);
	more = append_msgs("t02", "INBOX", 14, 1, 300000);
	g_ptr_array_free(more, TRUE);
	more = append_msgs("t02", "INBOX", 15, 1, 1000);
	g_ptr_array_free(more, TRUE);
	s = iconnect(&p);

	/* max counts downloaded messages; the big ones on the way are
	 * listed, never downloaded. */
	ck_assert_int_eq(imap_src_fetch_new(s, 0, 100000, 3, &msgs, &big,
	    &err), 0);
	ck_assert_uint_eq(msgs->len, 3);
	ck_assert_uint_eq(((struct imap_msg *)msgs->pdata[0])->uid, 1);
	ck_assert_uint_eq(((struct imap_msg *)msgs->pdata[1])->uid, 2);
	ck_assert_uint_eq(((struct imap_msg *)msgs->pdata[2])->uid, 4);
	assert_msg_eq(msgs->pdata[0], g_ptr_array_index(sent, 0));
	ck_assert_uint_eq(big->len, 1);
	ck_assert_uint_eq(g_array_index(big, uint32_t, 0), 3);
	ck_assert_uint_lt(imap_src_test_body_bytes(s), 5000);
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);

	/* The next call starts after the largest UID returned. */
	before = imap_src_test_body_bytes(s);
	ck_assert_int_eq(imap_src_fetch_new(s, 4, 100000, 3, &msgs, &big,
	    &err), 0);
	ck_assert_uint_eq(msgs->len, 1);
	ck_assert_uint_eq(((struct imap_msg *)msgs->pdata[0])->uid, 6);
	ck_assert_uint_eq(big->len, 1);
	ck_assert_uint_eq(g_array_index(big, uint32_t, 0), 5);
	ck_assert_uint_lt(imap_src_test_body_bytes(s) - before, 2000);
	ck_assert_int_eq(imap_src_move(s, 5, "Quarantine", &err), 0);
	ck_assert_int_eq(tool_count("t02", "Quarantine"), 1);
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);

	/* max 0 and the top UID fetch nothing. */
	ck_assert_int_eq(imap_src_fetch_new(s, 0, 100000, 0, &msgs, &big,
	    &err), 0);
	ck_assert_uint_eq(msgs->len + big->len, 0);
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);
	ck_assert_int_eq(imap_src_fetch_new(s, UINT32_MAX, 100000, 5, &msgs,
	    &big, &err), 0);
	ck_assert_uint_eq(msgs->len + big->len, 0);
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);
	g_ptr_array_free(sent, TRUE);
	imap_src_close(&s);
}
END_TEST

START_TEST(imap_move_fallbacks)
{
	struct imap_src_params p = iparams("t03");
	GPtrArray *sent = append_msgs("t03", "INBOX", 20, 3, 500);
	struct imap_src *s = iconnect(&p);
	char *err = NULL;

	/* COPY + STORE \Deleted + UID EXPUNGE */
	imap_src_test_drop_caps(s, 1, 0);
	ck_assert_int_eq(imap_src_has_move(s), 0);
	ck_assert_int_eq(imap_src_move(s, 1, "Processed", &err), 0);
	ck_assert_int_eq(tool_count("t03", "INBOX"), 2);
	ck_assert_int_eq(tool_count("t03", "Processed"), 1);
	/* ... + plain EXPUNGE */
	imap_src_test_drop_caps(s, 1, 1);
	ck_assert_int_eq(imap_src_move(s, 3, "Quarantine", &err), 0);
	ck_assert_int_eq(tool_count("t03", "INBOX"), 1);
	ck_assert_int_eq(tool_count("t03", "Quarantine"), 1);
	/* A missing mailbox: the server says NO, the session lives on. */
	ck_assert_int_eq(imap_src_move(s, 2, "Nowhere", &err),
	    IMAP_SRC_CONFIG);
	ck_assert_msg(g_str_has_prefix(err, "IMAP UID COPY on 127.0.0.1 "
	    "refused: [TRYCREATE] "), "%s", err);
	g_free(err);
	ck_assert_int_eq(imap_src_move(s, 2, "Processed", &err), 0);
	ck_assert_int_eq(tool_count("t03", "INBOX"), 0);
	g_ptr_array_free(sent, TRUE);
	imap_src_close(&s);
}
END_TEST

static int
wait_readable(int fd, int ms)
{
	struct pollfd pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, ms) == 1;
}

START_TEST(imap_idle)
{
	struct imap_src_params p = iparams("t04");
	struct imap_src *s;
	GPtrArray *sent, *msgs;
	GArray *big;
	char *err = NULL;
	int fd, r, changed;
	double t0;

	g_ptr_array_free(append_msgs("t04", "INBOX", 30, 1, 100), TRUE);
	s = iconnect(&p);

	/* Nothing happens: the socket stays quiet, DONE reports no news. */
	r = imap_src_idle_start(s, &fd, &err);
	ck_assert_int_eq(r, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(wait_readable(fd, 300), 0);
	ck_assert_int_eq(imap_src_idle_done(s, &changed, &err), 0);
	ck_assert_int_eq(changed, 0);

	/* A message arrives through another connection. */
	ck_assert_int_eq(imap_src_idle_start(s, &fd, &err), 0);
	sent = append_msgs("t04", "INBOX", 31, 1, 100);
	t0 = now_s();
	ck_assert_msg(wait_readable(fd, 2000), "no IDLE news in 2 s");
	ck_assert_double_lt(now_s() - t0, 2.0);
	ck_assert_int_eq(imap_src_idle_done(s, &changed, &err), 0);
	ck_assert_int_eq(changed, 1);
	ck_assert_int_eq(imap_src_fetch_new(s, 1, 1 << 20, 10, &msgs, &big,
	    &err), 0);
	ck_assert_uint_eq(msgs->len, 1);
	assert_msg_eq(msgs->pdata[0], g_ptr_array_index(sent, 0));
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);
	g_ptr_array_free(sent, TRUE);

	/* News already waiting when IDLE starts: Dovecot sends it right
	 * after the continuation, often in the same segment, where only
	 * libetpan's buffer has it (idle_start returns 1). */
	sent = append_msgs("t04", "INBOX", 32, 1, 100);
	r = imap_src_idle_start(s, &fd, &err);
	ck_assert_int_ge(r, 0);
	if (r == 0)
		ck_assert(wait_readable(fd, 2000));
	ck_assert_int_eq(imap_src_idle_done(s, &changed, &err), 0);
	ck_assert_int_eq(changed, 1);
	g_ptr_array_free(sent, TRUE);

	/* No other command in between; DONE without IDLE is refused. */
	ck_assert_int_eq(imap_src_idle_done(s, &changed, &err),
	    IMAP_SRC_CONFIG);
	g_free(err);
	/* Closing while idling leaves IDLE first. */
	ck_assert_int_eq(imap_src_idle_start(s, &fd, &err), 0);
	imap_src_close(&s);
}
END_TEST

START_TEST(imap_tls)
{
	struct imap_src_params p = iparams("t05");
	struct imap_src *s = NULL;
	char *err = NULL, *ca = cert("ca.pem"), *pin;

	g_ptr_array_free(append_msgs("t05", "INBOX", 40, 1, 100), TRUE);
	/* STARTTLS and implicit TLS, verified with the test CA. */
	p.tls = VCONF_TLS_STARTTLS;
	p.tlsp.ca_file = ca;
	s = iconnect(&p);
	imap_src_close(&s);
	p.tls = VCONF_TLS_TLS;
	p.port = dov.sport;
	p.tlsp.host = "localhost";
	s = iconnect(&p);
	imap_src_close(&s);

	/* Without the CA: refused as configuration, with the pin to use. */
	p = iparams("t05");
	p.tls = VCONF_TLS_STARTTLS;
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_CONFIG);
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "not trusted: issuer unknown") != NULL,
	    "%s", err);
	g_free(err);

	/* SNI selfsigned.test makes Dovecot present the self-signed
	 * certificate. */
	p.tlsp.host = "selfsigned.test";
	p.tlsp.ca_file = ca;
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_CONFIG);
	ck_assert_msg(strstr(err, "certificate for selfsigned.test not "
	    "trusted: self-signed; pin it with tls_pin = sha256:") != NULL,
	    "%s", err);
	pin = pin_from(err);
	g_free(err);
	p.tlsp.pin = pin;
	s = iconnect(&p);
	imap_src_close(&s);
	p.tls = VCONF_TLS_TLS;
	p.port = dov.sport;
	s = iconnect(&p);
	imap_src_close(&s);

	/* The CA's certificate under a name it does not carry. */
	p = iparams("t05");
	p.tls = VCONF_TLS_TLS;
	p.port = dov.sport;
	p.tlsp.ca_file = ca;
	p.tlsp.host = "mail.example.org";
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_CONFIG);
	ck_assert_msg(strstr(err, "certificate for mail.example.org does not "
	    "match the name (it is for 127.0.0.1, localhost)") != NULL, "%s",
	    err);
	g_free(err);
	g_free(pin);
	g_free(ca);
}
END_TEST

START_TEST(imap_errors)
{
	struct imap_src_params p = iparams("t06");
	struct imap_src *s = NULL;
	char *err = NULL;

	p.password = "wrong-password";
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_CONFIG);
	ck_assert_ptr_null(s);
	ck_assert_msg(g_str_has_prefix(err, "IMAP LOGIN on 127.0.0.1 "
	    "refused: [AUTHENTICATIONFAILED] ") &&
	    strstr(err, "(user t06)") != NULL &&
	    strstr(err, "wrong-password") == NULL, "%s", err);
	g_free(err);

	p = iparams("t06");
	p.mailbox = "NoSuchBox";
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_CONFIG);
	ck_assert_msg(g_str_has_prefix(err, "IMAP SELECT on 127.0.0.1 "
	    "refused: ") && strstr(err, "NoSuchBox") != NULL, "%s", err);
	g_free(err);

	p = iparams("t06");
	p.port = free_port();
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_RETRY);
	ck_assert_msg(strstr(err, "Connection refused") != NULL, "%s", err);
	g_free(err);

	p = iparams("t06");
	p.host = NULL;
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_CONFIG);
	g_free(err);

	/* Implicit TLS on the cleartext port: the handshake fails. */
	p = iparams("t06");
	p.tls = VCONF_TLS_TLS;
	p.timeout_s = 2;
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_RETRY);
	ck_assert_msg(g_str_has_prefix(err, "TLS handshake with 127.0.0.1 "
	    "port"), "%s", err);
	g_free(err);
}
END_TEST

START_TEST(imap_timeout)
{
	struct imap_src_params p = iparams("t08");
	struct imap_src *s = NULL;
	struct fake f;
	char *err = NULL;
	double t0;

	/* A server that accepts and says nothing. */
	fake_start(&f, "--silent", NULL);
	p.port = f.port;
	p.timeout_s = 1;
	t0 = now_s();
	ck_assert_int_eq(imap_src_connect(&p, &s, &err), IMAP_SRC_RETRY);
	ck_assert_double_lt(now_s() - t0, 3.0);
	ck_assert_msg(g_str_has_prefix(err, "IMAP greeting from 127.0.0.1"),
	    "%s", err);
	g_free(err);
	fake_stop(&f);
}
END_TEST

START_TEST(imap_uidvalidity_change)
{
	struct imap_src_params p = iparams("t07");
	struct imap_src *s;
	GPtrArray *msgs, *sent;
	GArray *big;
	char *err = NULL;
	uint32_t v1, v2;

	p.mailbox = "Intake";
	g_ptr_array_free(append_msgs("t07", "Intake", 50, 2, 100), TRUE);
	s = iconnect(&p);
	v1 = imap_src_uidvalidity(s);
	imap_src_close(&s);

	/* Recreated: same name, new UIDVALIDITY, UIDs from 1 again. */
	g_free(tool("t07", "recreate Intake"));
	sent = append_msgs("t07", "Intake", 52, 1, 100);
	s = iconnect(&p);
	v2 = imap_src_uidvalidity(s);
	ck_assert_uint_ne(v1, v2);
	ck_assert_int_eq(imap_src_fetch_new(s, 0, 1 << 20, 10, &msgs, &big,
	    &err), 0);
	ck_assert_uint_eq(msgs->len, 1);
	ck_assert_uint_eq(((struct imap_msg *)msgs->pdata[0])->uid, 1);
	assert_msg_eq(msgs->pdata[0], g_ptr_array_index(sent, 0));
	g_ptr_array_free(msgs, TRUE);
	g_array_free(big, TRUE);
	g_ptr_array_free(sent, TRUE);
	imap_src_close(&s);
}
END_TEST

Suite *
make_imap_suite(void)
{
	Suite *s = suite_create("imap_src");
	TCase *tc = tcase_create("dovecot");

	tcase_add_unchecked_fixture(tc, dovecot_start, dovecot_stop);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, imap_fetch_and_move);
	tcase_add_test(tc, imap_fetch_limits);
	tcase_add_test(tc, imap_move_fallbacks);
	tcase_add_test(tc, imap_idle);
	tcase_add_test(tc, imap_tls);
	tcase_add_test(tc, imap_errors);
	tcase_add_test(tc, imap_uidvalidity_change);
	tcase_add_test(tc, imap_timeout);
	suite_add_tcase(s, tc);
	return s;
}
