#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <syslog.h>

#include "vulture/log.h"

static const char *log_ident = "vulture";
static int log_dest = LOG_TO_STDERR;
static int log_verbose;
static int log_quiet;
static int log_journal;	/* stderr is journald's: lines carry "<N>" */

/* systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected
 * stdout and stderr to; a line that starts with "<N>" keeps syslog
 * priority N in the journal (sd-daemon(3)). Only when stderr is that
 * stream: not when the daemon's stderr was redirected elsewhere. */
static int
stderr_is_journal(void)
{
	const char *v = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char tail;

	if (v == NULL || sscanf(v, "%llu:%llu%c", &dev, &ino, &tail) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(const char *ident, int dest, int verbose)
{
	log_ident = ident;
	log_dest = dest;
	log_verbose = verbose;
	log_journal = dest == LOG_TO_STDERR && stderr_is_journal();
	if (dest == LOG_TO_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

void
log_set_quiet(int quiet)
{
	log_quiet = quiet;
}

static void
vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char buf[2048];
	int saved = errno;

	if (log_quiet && pri >= LOG_INFO)
		return;
	if (pri == LOG_DEBUG && !log_verbose)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (log_dest == LOG_TO_SYSLOG) {
		if (with_errno)
			syslog(pri, "%s: %s", buf, strerror(saved));
		else
			syslog(pri, "%s", buf);
	} else {
		if (log_journal)
			fprintf(stderr, "<%d>", pri);
		if (with_errno)
			fprintf(stderr, "%s: %s: %s\n", log_ident, buf,
			    strerror(saved));
		else
			fprintf(stderr, "%s: %s\n", log_ident, buf);
		fflush(stderr);
	}
	errno = saved;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	abort();
}
