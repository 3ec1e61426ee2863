#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "vulture/ident.h"
#include "vulture/log.h"
#include "vulture/smtp_out.h"
#include "net_p.h"

#define SMTP_HELO_MAX 255
#define SMTP_REPLY_LINES_MAX 512	/* lines in one reply we read */
#define SMTP_TEXT_MAX 300		/* server text quoted in errors */
#define SENDMAIL_TIMEOUT_S 600		/* a stuck sendmail is killed */
#define SENDMAIL_STDERR_MAX 1024

void
smtp_init(void)
{
	net_init();
}

const char *
smtp_result_name(enum smtp_result r)
{
	switch (r) {
	case SMTP_SENT:
		return "SENT";
	case SMTP_TEMPFAIL:
		return "TEMPFAIL";
	case SMTP_PERMFAIL:
		return "PERMFAIL";
	}
	return "?";
}

/* An address on a command line inside <>: ident_address_ok() (no CR,
 * LF, controls, spaces or brackets; libetpan truncates long lines
 * silently), or "" for the null reverse-path where empty_ok. */
static int
valid_addr(const char *s, int empty_ok)
{
	return s != NULL && ((empty_ok && *s == '\0') || ident_address_ok(s));
}

/* A HELO name: no CR, LF, controls, space or angle brackets. */
static int
valid_helo(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > SMTP_HELO_MAX)
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '<' ||
		    *s == '>')
			return 0;
	return 1;
}

static enum smtp_result
class_of(int code)
{
	return code >= 500 && code < 600 ? SMTP_PERMFAIL : SMTP_TEMPFAIL;
}

/* "STEP: CODE text" from the last reply, or the libetpan error when the
 * connection broke before a reply. */
static char *
step_error(mailsmtp *smtp, int r, const char *step)
{
	char *text, *msg;

	if (smtp->response_code == 0)
		return g_strdup_printf("%s: connection lost (%s)", step,
		    mailsmtp_strerror(r));
	text = net_clean_text(smtp->response, SMTP_TEXT_MAX);
	msg = g_strdup_printf("%s: %d %s", step, smtp->response_code, text);
	g_free(text);
	return msg;
}

/* Sends one command line and reads the reply the way libetpan does, so
 * that mailesmtp_parse_ehlo() can read it: libetpan's own EHLO always
 * sends gethostname(). Returns the code, 0 if the connection broke. */
static int
smtp_command(mailsmtp *smtp, const char *line)
{
	char *l, *rest;
	int code = 0, more, lines = 0;
	long v;

	mmap_string_assign(smtp->response_buffer, "");
	smtp->response = smtp->response_buffer->str;
	smtp->response_code = 0;
	if (mailstream_write(smtp->stream, line, strlen(line)) < 0 ||
	    mailstream_flush(smtp->stream) < 0)
		return 0;
	do {
		l = mailstream_read_line_remove_eol(smtp->stream,
		    smtp->line_buffer);
		if (l == NULL || ++lines > SMTP_REPLY_LINES_MAX)
			return 0;
		v = strtol(l, &rest, 10);
		if (rest != l + 3 || v < 100 || v > 599 || (code != 0 &&
		    v != code))
			return 0;
		code = (int)v;
		more = *rest == '-';
		mmap_string_append(smtp->response_buffer,
		    *rest == '-' || *rest == ' ' ? rest + 1 : rest);
		mmap_string_append_c(smtp->response_buffer, '\n');
	} while (more);
	smtp->response = smtp->response_buffer->str;
	smtp->response_code = code;
	return code;
}

static int
keyword(const char *line, const char *kw)
{
	size_t n = strlen(kw);

	return g_ascii_strncasecmp(line, kw, n) == 0 && (line[n] == '\0' ||
	    line[n] == ' ' || line[n] == '=');
}

/* Sets the libetpan session's extension and AUTH flags from an EHLO reply
 * (libetpan's parser is not in its public headers). Only what we use. */
static void
parse_ehlo(mailsmtp *smtp)
{
	char **lines = g_strsplit(smtp->response, "\n", -1), **l, **w, **words;

	smtp->esmtp = MAILSMTP_ESMTP;
	smtp->auth = MAILSMTP_AUTH_CHECKED;
	/* The first line is the server's name and greeting. */
	for (l = lines[0] != NULL ? lines + 1 : lines; *l != NULL; l++) {
		if (keyword(*l, "STARTTLS"))
			smtp->esmtp |= MAILSMTP_ESMTP_STARTTLS;
		else if (keyword(*l, "SIZE"))
			smtp->esmtp |= MAILSMTP_ESMTP_SIZE;
		else if (keyword(*l, "8BITMIME"))
			smtp->esmtp |= MAILSMTP_ESMTP_8BITMIME;
		else if (keyword(*l, "PIPELINING"))
			smtp->esmtp |= MAILSMTP_ESMTP_PIPELINING;
		else if (keyword(*l, "AUTH") && strlen(*l) > 5) {
			/* "AUTH PLAIN LOGIN", or the old "AUTH=PLAIN". */
			words = g_strsplit_set(*l + 5, " ", -1);
			for (w = words; *w != NULL; w++) {
				if (g_ascii_strcasecmp(*w, "PLAIN") == 0)
					smtp->auth |= MAILSMTP_AUTH_PLAIN;
				else if (g_ascii_strcasecmp(*w, "LOGIN") == 0)
					smtp->auth |= MAILSMTP_AUTH_LOGIN;
			}
			g_strfreev(words);
		}
	}
	g_strfreev(lines);
}

/* EHLO, falling back to HELO where that may do (no TLS, no AUTH). */
static int
smtp_hello(mailsmtp *smtp, const struct smtp_target *t, const char *name,
    char **err)
{
	char *line;
	int code;

	line = g_strdup_printf("EHLO %s\r\n", name);
	code = smtp_command(smtp, line);
	g_free(line);
	if (code == 250) {
		parse_ehlo(smtp);
		return 0;
	}
	if (code >= 500 && code < 600 && t->tls == VCONF_TLS_NONE &&
	    t->user == NULL) {
		line = g_strdup_printf("HELO %s\r\n", name);
		code = smtp_command(smtp, line);
		g_free(line);
		if (code == 250) {
			smtp->esmtp = 0;
			smtp->auth = MAILSMTP_AUTH_NOT_CHECKED;
			return 0;
		}
	}
	*err = step_error(smtp, MAILSMTP_ERROR_STREAM, "EHLO");
	return -1;
}

/* Closes the connection without QUIT (mailsmtp_free() sends one when it
 * still has a stream). */
static void
drop(mailsmtp *smtp)
{
	if (smtp->stream != NULL) {
		mailstream_close(smtp->stream);
		smtp->stream = NULL;
	}
}

/* Connection, TLS, EHLO and AUTH. Returns 0, or -1 with *err set: every
 * failure here is the setup's, so the caller's result is TEMPFAIL. */
static int
session_open(const struct smtp_target *t, mailsmtp **smtp_r, char **err)
{
	struct tlscheck_policy pol = t->tlsp;
	int timeout = t->timeout_s > 0 ? t->timeout_s : 60;
	char helo[SMTP_HELO_MAX + 1];
	const char *mech;
	mailsmtp *smtp;
	mailstream *stream;
	char *e = NULL;
	int fd, r;

	if (pol.host == NULL)
		pol.host = t->host;
	if (t->helo_name != NULL) {
		if (!valid_helo(t->helo_name) ||
		    g_strlcpy(helo, t->helo_name, sizeof(helo)) >=
		    sizeof(helo)) {
			*err = g_strdup("invalid helo_name");
			return -1;
		}
	} else if (gethostname(helo, sizeof(helo)) < 0 ||
	    !valid_helo(helo))
		g_strlcpy(helo, "localhost", sizeof(helo));

	if ((fd = net_connect(t->host, t->port, timeout, err)) < 0)
		return -1;
	if (t->tls == VCONF_TLS_TLS)
		stream = mailstream_ssl_open_with_callback_timeout(fd,
		    timeout, tlscheck_sni_callback, (void *)pol.host);
	else
		stream = mailstream_socket_open_timeout(fd, timeout);
	if (stream == NULL) {
		close(fd);
		*err = g_strdup_printf("%s with %s port %d failed",
		    t->tls == VCONF_TLS_TLS ? "TLS handshake" : "connection",
		    t->host, t->port);
		return -1;
	}
	/* Verify before reading anything: nothing is trusted until then. */
	if (t->tls == VCONF_TLS_TLS && tlscheck_stream(stream, &pol, err) < 0) {
		mailstream_close(stream);
		return -1;
	}
	smtp = mailsmtp_new(0, NULL);
	if (smtp == NULL) {
		mailstream_close(stream);
		*err = g_strdup("out of memory");
		return -1;
	}
	*smtp_r = smtp;
	mailsmtp_set_timeout(smtp, timeout);
	smtp->response_code = 0;
	/* Takes the stream, and closes it on failure. */
	r = mailsmtp_connect(smtp, stream);
	if (r != MAILSMTP_NO_ERROR) {
		*err = step_error(smtp, r, "greeting");
		return -1;
	}
	if (smtp_hello(smtp, t, helo, err) < 0)
		return -1;

	if (t->tls == VCONF_TLS_STARTTLS) {
		if (!(smtp->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
			*err = g_strdup_printf("%s does not offer STARTTLS",
			    t->host);
			return -1;
		}
		smtp->response_code = 0;
		r = mailsmtp_socket_starttls_with_callback(smtp,
		    tlscheck_sni_callback, (void *)pol.host);
		if (r == MAILSMTP_ERROR_SSL) {
			*err = g_strdup_printf("TLS handshake with %s failed",
			    t->host);
			drop(smtp);	/* no cleartext QUIT mid-handshake */
			return -1;
		}
		if (r != MAILSMTP_NO_ERROR) {
			*err = step_error(smtp, r, "STARTTLS");
			return -1;
		}
		if (tlscheck_stream(smtp->stream, &pol, err) < 0) {
			drop(smtp);	/* not even QUIT to an untrusted peer */
			return -1;
		}
		/* RFC 3207: forget what was said before TLS. */
		if (smtp_hello(smtp, t, helo, err) < 0)
			return -1;
	}

	if (t->user == NULL)
		return 0;
	if (t->tls != VCONF_TLS_NONE && !tlscheck_is_tls(smtp->stream)) {
		*err = g_strdup("refusing AUTH without TLS");
		return -1;
	}
	if (smtp->auth & MAILSMTP_AUTH_PLAIN)
		mech = "PLAIN";
	else if (smtp->auth & MAILSMTP_AUTH_LOGIN)
		mech = "LOGIN";
	else {
		*err = g_strdup_printf("%s offers neither AUTH PLAIN nor "
		    "AUTH LOGIN", t->host);
		return -1;
	}
	smtp->response_code = 0;
	r = mailesmtp_auth_sasl(smtp, mech, pol.host, NULL, NULL, t->user,
	    t->user, t->password != NULL ? t->password : "", NULL);
	if (r != MAILSMTP_NO_ERROR) {
		e = g_strdup_printf("AUTH %s as %s", mech, t->user);
		*err = step_error(smtp, r, e);
		g_free(e);
		return -1;
	}
	return 0;
}

enum smtp_result
smtp_send(const struct smtp_target *t, const char *mail_from,
    const char *const *rcpts, const void *data, size_t len,
    int **rcpt_codes_r, char **error_r)
{
	mailsmtp *smtp = NULL;
	enum smtp_result res = SMTP_TEMPFAIL;
	size_t n = 0, i, accepted = 0, send_len = len;
	int *codes;
	char *err = NULL, *step;
	const char *dstep;
	int r, code, any_temp = 0;

	if (rcpt_codes_r != NULL)
		*rcpt_codes_r = NULL;
	if (error_r != NULL)
		*error_r = NULL;
	while (rcpts != NULL && rcpts[n] != NULL)
		n++;
	codes = g_new0(int, n + 1);
	if (n == 0 || !valid_addr(mail_from, 1) || data == NULL) {
		err = g_strdup(n == 0 ? "no recipients" : data == NULL ?
		    "no message" : "invalid sender address");
		res = SMTP_PERMFAIL;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (!valid_addr(rcpts[i], 0)) {
			err = g_strdup_printf("invalid recipient address #%zu",
			    i + 1);
			res = SMTP_PERMFAIL;
			goto out;
		}

	if (session_open(t, &smtp, &err) < 0)
		goto out;

	smtp->response_code = 0;
	r = smtp->esmtp ? mailesmtp_mail_size(smtp, mail_from, 0, NULL, len) :
	    mailsmtp_mail(smtp, mail_from);
	code = smtp->response_code;
	if (r != MAILSMTP_NO_ERROR || code / 100 != 2) {
		for (i = 0; i < n; i++)
			codes[i] = code;
		res = class_of(code);
		err = step_error(smtp, r, "MAIL FROM");
		goto out;
	}
	for (i = 0; i < n; i++) {
		smtp->response_code = 0;
		r = mailesmtp_rcpt(smtp, rcpts[i], 0, NULL);
		code = codes[i] = smtp->response_code;
		if (r == MAILSMTP_NO_ERROR && code / 100 == 2) {
			accepted++;
			continue;
		}
		if (code / 100 != 5)
			any_temp = 1;
		if (err == NULL) {
			step = g_strdup_printf("RCPT TO:<%s>", rcpts[i]);
			err = step_error(smtp, r, step);
			g_free(step);
		}
		if (code == 0)
			goto out;	/* the rest stay 0: not tried */
	}
	if (accepted == 0) {
		res = any_temp ? SMTP_TEMPFAIL : SMTP_PERMFAIL;
		goto out;
	}

	smtp->response_code = 0;
	r = mailsmtp_data(smtp);
	code = smtp->response_code;
	dstep = "DATA";
	if (r == MAILSMTP_NO_ERROR && code == 354) {
		/* libetpan always ends with CRLF . CRLF: give it the message
		 * without its final CRLF so that the server gets it once. */
		if (len >= 2 && memcmp((const char *)data + len - 2, "\r\n",
		    2) == 0)
			send_len = len - 2;
		smtp->response_code = 0;
		r = mailsmtp_data_message(smtp, data, send_len);
		code = smtp->response_code;
		dstep = "end of DATA";
	}
	for (i = 0; i < n; i++)
		if (codes[i] / 100 == 2)
			codes[i] = code;
	if (r != MAILSMTP_NO_ERROR || code / 100 != 2) {
		g_free(err);
		err = step_error(smtp, r, dstep);
		res = class_of(code);
		goto out;
	}
	if (accepted == n)
		res = SMTP_SENT;
	else
		res = any_temp ? SMTP_TEMPFAIL : SMTP_PERMFAIL;
out:
	if (smtp != NULL) {
		/* Sends QUIT (without waiting for the reply) and closes,
		 * unless the connection broke. */
		if (smtp->response_code == 0)
			drop(smtp);
		mailsmtp_free(smtp);
	}
	log_debug("smtp host=%s port=%d result=%s accepted=%zu/%zu",
	    t->host != NULL ? t->host : "-", t->port, smtp_result_name(res),
	    accepted, n);
	if (res == SMTP_SENT) {
		g_free(err);
		err = NULL;
	}
	if (rcpt_codes_r != NULL)
		*rcpt_codes_r = codes;
	else
		g_free(codes);
	if (error_r != NULL)
		*error_r = err;
	else
		g_free(err);
	return res;
}

/* CRLF -> LF, the local convention for sendmail's standard input. */
static GByteArray *
to_lf(const unsigned char *p, size_t len)
{
	GByteArray *b = g_byte_array_sized_new((guint)len);
	size_t i, start = 0;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == '\r' && p[i + 1] == '\n') {
			g_byte_array_append(b, p + start, (guint)(i - start));
			start = i + 1;
		}
	g_byte_array_append(b, p + start, (guint)(len - start));
	return b;
}

/* Writes msg to in_fd and collects stderr until both are done or the
 * deadline passes. Returns 0, or -1 on timeout. */
static int
pump(int in_fd, int err_fd, const GByteArray *msg, GString *errout)
{
	struct pollfd pfd[2];
	size_t off = 0;
	time_t deadline = time(NULL) + SENDMAIL_TIMEOUT_S;
	char buf[4096];
	ssize_t k;
	int r;

	fcntl(in_fd, F_SETFL, fcntl(in_fd, F_GETFL) | O_NONBLOCK);
	if (msg->len == 0) {
		close(in_fd);
		in_fd = -1;
	}
	while (in_fd >= 0 || err_fd >= 0) {
		pfd[0].fd = in_fd;
		pfd[0].events = POLLOUT;
		pfd[1].fd = err_fd;
		pfd[1].events = POLLIN;
		if (time(NULL) >= deadline)
			goto timeout;
		r = poll(pfd, 2, 1000);
		if (r < 0 && errno != EINTR)
			goto timeout;
		if (r <= 0)
			continue;
		if (in_fd >= 0 && pfd[0].revents != 0) {
			k = write(in_fd, msg->data + off, msg->len - off);
			if (k > 0)
				off += (size_t)k;
			/* EPIPE: sendmail quit early; its status says why. */
			if ((k < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == msg->len) {
				close(in_fd);
				in_fd = -1;
			}
		}
		if (err_fd >= 0 && pfd[1].revents != 0) {
			k = read(err_fd, buf, sizeof(buf));
			if (k > 0 && errout->len < SENDMAIL_STDERR_MAX)
				g_string_append_len(errout, buf, MIN(k,
				    (ssize_t)(SENDMAIL_STDERR_MAX -
				    errout->len)));
			if (k == 0 || (k < 0 && errno != EAGAIN &&
			    errno != EINTR)) {
				close(err_fd);
				err_fd = -1;
			}
		}
	}
	return 0;
timeout:
	if (in_fd >= 0)
		close(in_fd);
	if (err_fd >= 0)
		close(err_fd);
	return -1;
}

enum smtp_result
smtp_sendmail(const char *sendmail_path, const char *mail_from,
    const char *const *rcpts, const void *data, size_t len,
    char **error_r)
{
	GPtrArray *argv = NULL;
	GByteArray *msg = NULL;
	GString *errout = g_string_new(NULL);
	GError *gerr = NULL;
	enum smtp_result res = SMTP_TEMPFAIL;
	char *err = NULL, *line, *nl;
	int in_fd = -1, err_fd = -1, status = 0, timed_out;
	size_t i, n = 0;
	GPid pid;
	pid_t w;

	if (error_r != NULL)
		*error_r = NULL;
	while (rcpts != NULL && rcpts[n] != NULL)
		n++;
	if (sendmail_path == NULL || *sendmail_path == '\0') {
		err = g_strdup("no sendmail_path");
		goto out;
	}
	if (n == 0 || !valid_addr(mail_from, 1) || data == NULL) {
		err = g_strdup(n == 0 ? "no recipients" : data == NULL ?
		    "no message" : "invalid sender address");
		res = SMTP_PERMFAIL;
		goto out;
	}
	argv = g_ptr_array_new();
	g_ptr_array_add(argv, (char *)sendmail_path);
	g_ptr_array_add(argv, "-i");
	g_ptr_array_add(argv, "-f");
	g_ptr_array_add(argv, (char *)mail_from);
	g_ptr_array_add(argv, "--");
	for (i = 0; i < n; i++) {
		if (!valid_addr(rcpts[i], 0)) {
			err = g_strdup_printf("invalid recipient address #%zu",
			    i + 1);
			res = SMTP_PERMFAIL;
			goto out;
		}
		g_ptr_array_add(argv, (char *)rcpts[i]);
	}
	g_ptr_array_add(argv, NULL);

	/* Other descriptors (IMAP, SMTP sockets) are closed in the child. */
	if (!g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
	    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
	    NULL, &pid, &in_fd, NULL, &err_fd, &gerr)) {
		err = g_strdup_printf("cannot run %s: %s", sendmail_path,
		    gerr->message);
		g_error_free(gerr);
		goto out;
	}
	msg = to_lf(data, len);
	timed_out = pump(in_fd, err_fd, msg, errout) < 0;
	if (timed_out)
		kill(pid, SIGKILL);
	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	g_spawn_close_pid(pid);

	line = net_clean_text(errout->str, SMTP_TEXT_MAX);
	if ((nl = strstr(line, " / ")) != NULL)
		*nl = '\0';
	if (w < 0) {
		/* Someone else reaped it (a SIGCHLD handler waiting for any
		 * child): the message may or may not have gone. */
		err = g_strdup_printf("%s: exit status lost: %s",
		    sendmail_path, g_strerror(errno));
	} else if (timed_out) {
		err = g_strdup_printf("%s: killed after %d s", sendmail_path,
		    SENDMAIL_TIMEOUT_S);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		res = SMTP_SENT;
	} else if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) != EX_TEMPFAIL)
			res = SMTP_PERMFAIL;
		err = g_strdup_printf("%s: exit %d%s%s", sendmail_path,
		    WEXITSTATUS(status), *line != '\0' ? ": " : "", line);
	} else {
		err = g_strdup_printf("%s: killed by signal %d%s%s",
		    sendmail_path, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
		    *line != '\0' ? ": " : "", line);
	}
	g_free(line);
out:
	log_debug("sendmail path=%s result=%s rcpts=%zu",
	    sendmail_path != NULL ? sendmail_path : "-",
	    smtp_result_name(res), n);
	if (argv != NULL)
		g_ptr_array_free(argv, TRUE);
	if (msg != NULL)
		g_byte_array_free(msg, TRUE);
	g_string_free(errout, TRUE);
	if (error_r != NULL)
		*error_r = err;
	else
		g_free(err);
	return res;
}
