/* Logging: one line per event, id first, then key=value.
 * stderr in the foreground, syslog when daemonized. Never log message bodies
 * or key material: fingerprints and case ids only. */
#ifndef VULTURE_LOG_H
#define VULTURE_LOG_H

#include <stdarg.h>

#define LOG_TO_STDERR 0
#define LOG_TO_SYSLOG 1

/* ident is kept by reference (a string literal). verbose enables debug. */
void log_init(const char *ident, int dest, int verbose);
void log_set_quiet(int quiet);	/* suppress info/debug (vulturectl deliver) */

void log_warn(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));	/* appends strerror(errno) */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only for our own bugs and out-of-memory: bad input is never fatal. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
