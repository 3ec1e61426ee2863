#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vulture/vtime.h"

int64_t
vtime_now(void)
{
	const char *fake = g_getenv("VULTURE_NOW");

	if (fake != NULL && *fake != '\0') {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(fake, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0)
			return v;
	}
	return g_get_real_time() / G_USEC_PER_SEC;
}

char *
vtime_format(int64_t t, GTimeZone *tz)
{
	GDateTime *u, *l;
	char *s;

	if (t == 0)
		return NULL;
	u = g_date_time_new_from_unix_utc(t);
	if (u == NULL)
		return NULL;
	l = g_date_time_to_timezone(u, tz);
	s = g_date_time_format(l, "%Y-%m-%dT%H:%M:%S%:z");
	g_date_time_unref(l);
	g_date_time_unref(u);
	return s;
}

char *
vtime_format_date(int64_t t, GTimeZone *tz)
{
	GDateTime *u, *l;
	char *s;

	u = g_date_time_new_from_unix_utc(t);
	if (u == NULL)
		return NULL;
	l = g_date_time_to_timezone(u, tz);
	s = g_date_time_format(l, "%Y-%m-%d");
	g_date_time_unref(l);
	g_date_time_unref(u);
	return s;
}

static int
digits(const char *s, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

int
vtime_parse(const char *s, GTimeZone *tz, int default_hour, int default_min,
    int64_t *t_r)
{
	int y, mo, d, h = default_hour, mi = default_min, sec = 0;
	const char *p;
	GTimeZone *use = NULL;
	GDateTime *dt;

	if (s == NULL || strlen(s) < 10 || digits(s, 4, &y) ||
	    s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > g_date_get_days_in_month(mo, y))
		return -1;
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (digits(p + 1, 2, &h) || p[3] != ':' ||
		    digits(p + 4, 2, &mi))
			return -1;
		p += 6;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				return -1;
			p += 3;
		}
		if (h > 23 || mi > 59 || sec > 59)
			return -1;
		if (*p == 'Z' && p[1] == '\0') {
			use = g_time_zone_new_utc();
			p++;
		} else if ((*p == '+' || *p == '-') && strlen(p) == 6 &&
		    g_ascii_isdigit(p[1]) && g_ascii_isdigit(p[2]) &&
		    p[3] == ':' && g_ascii_isdigit(p[4]) &&
		    g_ascii_isdigit(p[5])) {
			use = g_time_zone_new_identifier(p);
			if (use == NULL)
				return -1;
			p += 6;
		}
	}
	if (*p != '\0') {
		if (use != NULL)
			g_time_zone_unref(use);
		return -1;
	}
	dt = g_date_time_new(use != NULL ? use : tz, y, mo, d, h, mi, sec);
	if (use != NULL)
		g_time_zone_unref(use);
	if (dt == NULL)
		return -1;
	*t_r = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return 0;
}

int64_t
vtime_add_days(int64_t t, int days, GTimeZone *tz)
{
	GDateTime *u = g_date_time_new_from_unix_utc(t);
	GDateTime *l = g_date_time_to_timezone(u, tz);
	GDateTime *n = g_date_time_add_days(l, days);
	int64_t r = g_date_time_to_unix(n);

	g_date_time_unref(n);
	g_date_time_unref(l);
	g_date_time_unref(u);
	return r;
}
