/* textin: whole-input checks shared by the text parsers. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "vulture/textin.h"

#define UTF8_BOM	"\xef\xbb\xbf"

int
textin_check(const char **text, size_t *len, size_t max,
    const char **error_r)
{
	const char *t = *text, *error = NULL;
	size_t n = *len;

	if (t == NULL && n > 0)
		error = "no input";
	else if (n > max)
		error = "input too large";
	else if (n > 0 && memchr(t, '\0', n) != NULL)
		error = "input contains a NUL byte";
	else if (n > 0 && !g_utf8_validate_len(t, n, NULL))
		error = "input is not valid UTF-8";
	if (error != NULL) {
		if (error_r != NULL)
			*error_r = error;
		return -1;
	}
	if (t == NULL)
		t = "";
	if (n >= 3 && memcmp(t, UTF8_BOM, 3) == 0) {
		t += 3;
		n -= 3;
	}
	*text = t;
	*len = n;
	return 0;
}

int
textin_days_in_month(int y, int m)
{
	static const int days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return days[m - 1];
}
