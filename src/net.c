#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net_p.h"

static gpointer
ignore_sigpipe(gpointer unused)
{
	struct sigaction sa;

	(void)unused;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
	return NULL;
}

void
net_init(void)
{
	static GOnce once = G_ONCE_INIT;

	g_once(&once, ignore_sigpipe, NULL);
}

static long
ms_left(const struct timespec *deadline)
{
	struct timespec now;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms > 0 ? ms : 0;
}

/* One address; returns the fd or -1 with errno set. */
static int
try_addr(const struct addrinfo *ai, const struct timespec *deadline)
{
	struct pollfd pfd;
	socklen_t len = sizeof(int);
	int fd, err = 0, r;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		do
			r = poll(&pfd, 1, (int)ms_left(deadline));
		while (r < 0 && errno == EINTR);
		if (r == 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
		    &len) < 0)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	/* libetpan wants a blocking descriptor; it polls with its own
	 * timeout before each read and write. */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int
net_connect(const char *host, int port, int timeout_s, char **error_r)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timespec deadline;
	char service[16];
	int fd = -1, r, err = 0;

	if (host == NULL || *host == '\0' || port <= 0 || port > 65535) {
		*error_r = g_strdup_printf("bad server address %s:%d",
		    host != NULL ? host : "(none)", port);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_s > 0 ? timeout_s : 60;
	snprintf(service, sizeof(service), "%d", port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	r = getaddrinfo(host, service, &hints, &res);
	if (r != 0) {
		*error_r = g_strdup_printf("cannot resolve %s: %s", host,
		    gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		if ((fd = try_addr(ai, &deadline)) < 0)
			err = errno;
		if (fd < 0 && ms_left(&deadline) == 0)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0)
		*error_r = g_strdup_printf("cannot connect to %s port %d: %s",
		    host, port, g_strerror(err));
	return fd;
}

char *
net_clean_text(const char *s, size_t max)
{
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = s != NULL ? s : ""; *p != '\0'; p++) {
		if (out->len >= max) {
			g_string_append(out, "...");
			break;
		}
		if (*p == '\r')
			continue;
		if (*p == '\n') {
			if (p[1] != '\0')
				g_string_append(out, " / ");
			continue;
		}
		g_string_append_c(out, (unsigned char)*p < 0x20 ||
		    *p == 0x7f ? '?' : *p);
	}
	while (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}
