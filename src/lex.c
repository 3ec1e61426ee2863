/* lex.c: whitespace, colons and dates of people's text (lex.h). */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "vulture/lex.h"
#include "vulture/textin.h"

int
lex_has_prefix(const char *s, const char *e, const char *str)
{
	size_t n = strlen(str);

	return (size_t)(e - s) >= n && memcmp(s, str, n) == 0;
}

int
lex_has_suffix(const char *s, const char *e, const char *str)
{
	size_t n = strlen(str);

	return (size_t)(e - s) >= n && memcmp(e - n, str, n) == 0;
}

size_t
lex_ws_len(const char *s, const char *e)
{
	if (s < e && (*s == ' ' || *s == '\t'))
		return 1;
	if (lex_has_prefix(s, e, LEX_UTF8_NBSP))
		return 2;
	if (lex_has_prefix(s, e, LEX_UTF8_IDEO_SPACE))
		return 3;
	return 0;
}

/* Valid UTF-8: C2 and E3 never continue a character, so a suffix that
 * matches is a whole character. */
size_t
lex_ws_len_back(const char *s, const char *e)
{
	if (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		return 1;
	if (lex_has_suffix(s, e, LEX_UTF8_NBSP))
		return 2;
	if (lex_has_suffix(s, e, LEX_UTF8_IDEO_SPACE))
		return 3;
	return 0;
}

const char *
lex_ltrim(const char *s, const char *e)
{
	size_t n;

	while ((n = lex_ws_len(s, e)) > 0)
		s += n;
	return s;
}

const char *
lex_rtrim(const char *s, const char *e)
{
	size_t n;

	while ((n = lex_ws_len_back(s, e)) > 0)
		e -= n;
	return e;
}

size_t
lex_colon_len(const char *s, const char *e)
{
	if (s < e && *s == ':')
		return 1;
	if (lex_has_prefix(s, e, LEX_UTF8_FW_COLON))
		return 3;
	return 0;
}

const char *
lex_strip_colon(const char *s, const char *e)
{
	if (e > s && e[-1] == ':')
		return e - 1;
	if (lex_has_suffix(s, e, LEX_UTF8_FW_COLON))
		return e - 3;
	return NULL;
}

/* Reads min..max ASCII digits at *sp. */
static int
lex_digits(const char **sp, const char *e, int min, int max, int *out)
{
	const char *s = *sp;
	int v = 0, n = 0;

	while (s < e && n < max && g_ascii_isdigit(*s)) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n < min)
		return 0;
	*sp = s;
	*out = v;
	return 1;
}

static int
lex_char(const char **sp, const char *e, char c)
{
	if (*sp < e && **sp == c) {
		(*sp)++;
		return 1;
	}
	return 0;
}

int
lex_date(const char *s, const char *e, unsigned flags, struct lex_date *d)
{
	int loose = (flags & LEX_DATE_LOOSE) != 0, one = loose ? 1 : 2;
	char sep;

	memset(d, 0, sizeof(*d));
	if (!lex_digits(&s, e, 4, 4, &d->y) || s == e)
		return -1;
	sep = *s++;
	if (sep != '-' && !(loose && sep == '/'))
		return -1;
	if (!lex_digits(&s, e, one, 2, &d->mo) || !lex_char(&s, e, sep) ||
	    !lex_digits(&s, e, one, 2, &d->d))
		return -1;
	if (d->y < 1970 || d->mo < 1 || d->mo > 12 || d->d < 1 ||
	    d->d > textin_days_in_month(d->y, d->mo))
		return -1;
	if (s == e)
		return 0;
	if (!(flags & LEX_DATE_TIME))
		return -1;
	if (*s == 'T' || (loose && *s == 't'))
		s++;
	else if (loose && lex_ws_len(s, e) > 0)
		s = lex_ltrim(s, e);
	else
		return -1;
	if (!lex_digits(&s, e, one, 2, &d->h) || !lex_char(&s, e, ':') ||
	    !lex_digits(&s, e, 2, 2, &d->mi))
		return -1;
	if (lex_char(&s, e, ':') && !lex_digits(&s, e, 2, 2, &d->sec))
		return -1;
	if (d->h > 23 || d->mi > 59 || d->sec > 59)
		return -1;
	d->has_time = 1;
	if (loose)
		s = lex_ltrim(s, e);
	if (lex_char(&s, e, 'Z') || (loose && lex_char(&s, e, 'z'))) {
		d->zone = 'Z';
	} else if (s < e && (*s == '+' || *s == '-')) {
		d->zone = *s++;
		if (!lex_digits(&s, e, 2, 2, &d->oh) ||
		    (!lex_char(&s, e, ':') && !loose) ||
		    !lex_digits(&s, e, 2, 2, &d->om) || d->oh > 14 ||
		    d->om > 59)
			return -1;
	}
	return s == e ? 0 : -1;
}

char *
lex_date_iso(const struct lex_date *d)
{
	if (!d->has_time)
		return g_strdup_printf("%04d-%02d-%02d", d->y, d->mo, d->d);
	if (d->zone == 0)
		return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d",
		    d->y, d->mo, d->d, d->h, d->mi, d->sec);
	if (d->zone == 'Z')
		return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02dZ",
		    d->y, d->mo, d->d, d->h, d->mi, d->sec);
	return g_strdup_printf("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    d->y, d->mo, d->d, d->h, d->mi, d->sec, d->zone, d->oh, d->om);
}

char *
lex_date_dup(const char *s, const char *e, unsigned flags, int *has_time_r,
    int *has_zone_r)
{
	struct lex_date d;

	if (lex_date(s, e, flags, &d) == -1)
		return NULL;
	if (has_time_r != NULL)
		*has_time_r = d.has_time;
	if (has_zone_r != NULL)
		*has_zone_r = d.zone != 0;
	return lex_date_iso(&d);
}
