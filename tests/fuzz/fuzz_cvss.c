/* libFuzzer target for the CVSS vector parser and scorer (src/cvss.c) and
 * the CVE/CWE id checks (src/vulnid.c). */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vulture/cvss.h"
#include "vulture/vulnid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cvss c, again;
	char *text, *error = NULL;

	/* The parser reads a NUL-terminated string. */
	text = g_strndup((const char *)data, size);
	if (cvss_parse(text, &c, &error) == 0) {
		/* What callers store must be sane, and stable: the normalized
		 * vector parses to itself with the same scores. */
		if (error != NULL || c.severity == NULL ||
		    c.score_severity == NULL ||
		    strlen(c.vector) > CVSS_INPUT_MAX ||
		    c.base_score < 0 || c.base_score > 10 ||
		    c.score < 0 || c.score > 10 ||
		    cvss_version_name(c.version) == NULL)
			__builtin_trap();
		if (cvss_parse(c.vector, &again, NULL) != 0 ||
		    strcmp(again.vector, c.vector) != 0 ||
		    again.base_score != c.base_score ||
		    again.score != c.score)
			__builtin_trap();
	} else {
		/* A refusal always says why, and quotes nothing but
		 * printable ASCII. */
		const char *p;

		if (error == NULL || c.version != 0 || c.vector[0] != '\0')
			__builtin_trap();
		for (p = error; *p != '\0'; p++)
			if ((unsigned char)*p < ' ' || (unsigned char)*p > '~')
				__builtin_trap();
		g_free(error);
	}
	(void)cve_id_valid(text);
	(void)cwe_id_valid(text);
	g_free(text);
	return 0;
}
