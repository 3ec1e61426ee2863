/* vcrypto: what the implementations of vcrypto.h share. */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "vulture/spill.h"
#include "vulture/vcrypto.h"

void
vcrypto_result_clear(struct vcrypto_result *r)
{
	g_free(r->decrypt_error);
	g_free(r->verify_error);
	if (r->recipients)
		g_ptr_array_unref(r->recipients);
	spill_free(&r->plain);
	memset(r, 0, sizeof(*r));
}

int
vcrypto_algo_name_ok(const char *s, size_t size)
{
	size_t	i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i + 1 >= size || !(g_ascii_isupper(s[i]) ||
		    g_ascii_isdigit(s[i]) || s[i] == '.'))
			return 0;
	return 1;
}

int
vcrypto_keyid_ok(const char *s)
{
	size_t	i;

	if (s == NULL || s[0] == '\0')
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (i >= 40 || !(g_ascii_isdigit(s[i]) ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}
