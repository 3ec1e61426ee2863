#include "config.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "vulture/ids.h"
#include "vulture/log.h"
#include "vulture/result.h"

struct idfmt {
	char prefix[IDS_MAX_LEN];
	char suffix[IDS_MAX_LEN];
	int width;		/* digits; 0 for "%u" */
	uint32_t range;		/* numbers are 0..range-1 (1.. for %u) */
};

/* What mail (compose) and the published site (a directory per case)
 * take in an id: letters, digits and # . _ - only, so that no id can name
 * a path ("/", "..", "\\") or break a Subject's "[ID]". */
static int
literal_ok(char c)
{
	return g_ascii_isalnum(c) || c == '#' || c == '.' || c == '_' ||
	    c == '-';
}

static int
parse_fmt(const char *fmt, struct idfmt *f, const char **error_r)
{
	char *out;
	size_t n = 0;
	int conv = 0;
	const char *p;

	memset(f, 0, sizeof(*f));
	out = f->prefix;
	if (fmt == NULL || *fmt == '\0') {
		*error_r = "empty id format";
		return -1;
	}
	if (*fmt != '%' && !g_ascii_isalnum(*fmt)) {
		*error_r = "an id must start with a letter or a digit";
		return -1;
	}
	if (strstr(fmt, "..") != NULL) {
		*error_r = "'..' in an id format (ids name directories)";
		return -1;
	}
	for (p = fmt; *p != '\0'; p++) {
		if (*p == '%') {
			p++;
			if (conv) {
				*error_r = "more than one number conversion";
				return -1;
			}
			if (*p == 'u') {
				f->width = 0;
				f->range = 100000000u;
			} else if (p[0] == '0' && p[1] >= '4' && p[1] <= '9' &&
			    p[2] == 'u') {
				uint32_t r = 1;
				int i;

				f->width = p[1] - '0';
				for (i = 0; i < f->width; i++)
					r *= 10;
				f->range = r;
				p += 2;
			} else {
				*error_r = "the number conversion must be %0Nu "
				    "(N from 4 to 9) or %u";
				return -1;
			}
			conv = 1;
			out[n] = '\0';
			out = f->suffix;
			n = 0;
			continue;
		}
		if (!literal_ok(*p)) {
			*error_r = "only letters, digits, '#', '.', '_' and '-' "
			    "besides the number (ids name files and "
			    "directories)";
			return -1;
		}
		if (n + 1 >= IDS_MAX_LEN - 10)
			goto toolong;
		out[n++] = *p;
	}
	out[n] = '\0';
	if (!conv) {
		*error_r = "no number conversion (%08u)";
		return -1;
	}
	if (strlen(f->prefix) + strlen(f->suffix) + 10 >= IDS_MAX_LEN)
		goto toolong;
	return 0;
toolong:
	*error_r = "id format too long";
	return -1;
}

int
ids_check_format(const char *fmt, char **error_r)
{
	struct idfmt f;
	const char *why;

	if (parse_fmt(fmt, &f, &why) == -1) {
		*error_r = g_strdup(why);
		return VR_PERM;
	}
	return VR_OK;
}

int
ids_format(const char *fmt, uint32_t n, char *buf, size_t size)
{
	struct idfmt f;
	const char *err;
	int r;

	if (parse_fmt(fmt, &f, &err) == -1)
		return -1;
	n %= f.range;
	if (f.width == 0 && n == 0)
		n = 1;
	r = snprintf(buf, size, "%s%0*u%s", f.prefix, f.width, n, f.suffix);
	if (r < 0 || (size_t)r >= size)
		return -1;
	return 0;
}

uint32_t
ids_random(const char *fmt)
{
	struct idfmt f;
	const char *err;
	uint32_t v, limit;

	if (parse_fmt(fmt, &f, &err) == -1)
		fatalx("ids_random: bad format");
	/* Rejection sampling keeps the draw uniform. */
	limit = UINT32_MAX - (UINT32_MAX % f.range);
	do {
		ssize_t r = getrandom(&v, sizeof(v), 0);

		if (r != (ssize_t)sizeof(v)) {
			if (r == -1 && errno == EINTR)
				continue;
			fatal("getrandom");
		}
	} while (v >= limit);
	return v % f.range;
}

/* Length of an id of format f starting at s, or 0. */
static size_t
match_at(const struct idfmt *f, const char *s)
{
	size_t pl = strlen(f->prefix), sl = strlen(f->suffix), d = 0;

	if (g_ascii_strncasecmp(s, f->prefix, pl) != 0)
		return 0;
	while (g_ascii_isdigit(s[pl + d]))
		d++;
	if (f->width > 0 ? d != (size_t)f->width : (d == 0 || d > 8))
		return 0;
	if (strncmp(s + pl + d, f->suffix, sl) != 0)
		return 0;
	return pl + d + sl;
}

int
ids_match(const char *fmt, const char *s)
{
	struct idfmt f;
	const char *err;

	if (s == NULL || parse_fmt(fmt, &f, &err) == -1)
		return 0;
	return match_at(&f, s) == strlen(s);
}

GPtrArray *
ids_find_all(const char *fmt, const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	struct idfmt f;
	const char *err, *p;

	if (text == NULL || parse_fmt(fmt, &f, &err) == -1)
		return out;
	for (p = text; *p != '\0'; p++) {
		size_t n;
		guint i;

		if (p > text && g_ascii_isalnum(p[-1]))
			continue;
		n = match_at(&f, p);
		if (n > 0 && !g_ascii_isdigit(p[n])) {
			char *id = g_strndup(p, n);
			int dup = 0;

			memcpy(id, f.prefix, strlen(f.prefix));
			for (i = 0; i < out->len; i++)
				if (strcmp(out->pdata[i], id) == 0)
					dup = 1;
			if (dup)
				g_free(id);
			else
				g_ptr_array_add(out, id);
			p += n - 1;
		}
	}
	return out;
}

char *
ids_find(const char *fmt, const char *text)
{
	struct idfmt f;
	const char *err, *p;

	if (text == NULL || parse_fmt(fmt, &f, &err) == -1)
		return NULL;
	for (p = text; *p != '\0'; p++) {
		size_t n;

		/* An id glued to a longer word is not an id. */
		if (p > text && g_ascii_isalnum(p[-1]))
			continue;
		n = match_at(&f, p);
		if (n > 0 && !g_ascii_isdigit(p[n])) {
			char *id = g_strndup(p, n);
			size_t pl = strlen(f.prefix);

			/* Canonical case for the literal part. */
			memcpy(id, f.prefix, pl);
			return id;
		}
	}
	return NULL;
}
