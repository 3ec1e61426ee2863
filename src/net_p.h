/* Internals shared by smtp_out.c and imap_src.c: connecting with a
 * timeout, SIGPIPE, and making server text safe to log. */
#ifndef VULTURE_NET_P_H
#define VULTURE_NET_P_H

#include <stddef.h>

/* Ignores SIGPIPE for the process, once: libetpan writes with send()
 * without MSG_NOSIGNAL, so a peer that hangs up would kill us. */
void
net_init(void);

/* TCP connection to host:port within timeout_s seconds (every address
 * getaddrinfo() gives is tried). Returns a blocking, close-on-exec fd, or
 * -1 with *error_r newly allocated (g_free). */
int
net_connect(const char *host, int port, int timeout_s, char **error_r);

/* Server text made fit for one log line: control characters replaced, line
 * breaks joined with " / ", trailing space dropped, at most max bytes
 * (plus "..."). Newly allocated (g_free); s may be NULL. */
char *
net_clean_text(const char *s, size_t max);

#endif
