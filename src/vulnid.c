/* CVE and CWE ids checked (see vulture/vulnid.h). */
#include "config.h"

#include <string.h>

#include "vulture/vulnid.h"

/* Digits at s: how many, stopping at the first other byte. */
static size_t
digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

int
cve_id_valid(const char *s)
{
	size_t n;
	int year;

	if (s == NULL || strncmp(s, "CVE-", 4) != 0)
		return 0;
	s += 4;
	if (digits(s) != 4 || s[4] != '-')
		return 0;
	year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0');
	/* The CVE programme began in 1999. */
	if (year < 1999)
		return 0;
	s += 5;
	n = digits(s);
	return n >= 4 && n <= 19 && s[n] == '\0';
}

int
cwe_id_valid(const char *s)
{
	size_t n;

	if (s == NULL || strncmp(s, "CWE-", 4) != 0)
		return 0;
	s += 4;
	n = digits(s);
	return n >= 1 && n <= 6 && s[0] != '0' && s[n] == '\0';
}
