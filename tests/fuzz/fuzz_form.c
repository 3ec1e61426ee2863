/* libFuzzer target for the reply-form parser. */
#include <stddef.h>
#include <stdint.h>

#include "vulture/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form *form = NULL;
	const char *error = NULL;

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
	return 0;
}
