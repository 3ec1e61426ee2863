/* libFuzzer target for the reply-form and registration-form parsers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vulture/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form *form = NULL;
	struct regform reg;
	const char *error = NULL;
	char *text;
	int got;

	if (form_parse((const char *)data, size, &form, &error) == 0) {
		/* Touch what callers read, so bad pointers show. */
		if (form->shares->len > FORM_MAX_SHARES ||
		    form->errors->len > FORM_MAX_ERRORS ||
		    form->unknown->len > FORM_MAX_UNKNOWN)
			__builtin_trap();
		form_free(&form);
		if (form != NULL)
			__builtin_trap();
	} else if (form != NULL || error == NULL)
		__builtin_trap();
	/* The registration form reads a NUL-terminated body. */
	text = g_strndup((const char *)data, size);
	got = regform_parse(text, &reg);
	if (got != (reg.organisation != NULL))
		__builtin_trap();
	if ((reg.organisation != NULL &&
	    strlen(reg.organisation) > REG_MAX_VALUE) ||
	    (reg.case_id != NULL && strlen(reg.case_id) > REG_MAX_VALUE))
		__builtin_trap();
	regform_clear(&reg);
	g_free(text);
	return 0;
}
