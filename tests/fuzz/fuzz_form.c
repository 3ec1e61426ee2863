/* libFuzzer target for the reply-form and registration-form parsers. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vulture/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The blank form as the desk sends it (both languages, with a default an
 * operator's template might carry), so that the quoted-form comparison
 * runs on every input. */
static const char sent[] =
    "# Status: affected | affected-investigating | not-affected |\n"
    "Case: JVNVU#12345678\nRequest-Detail: no\nStatus:\nComment:\n"
    "Advisory-URL:\nFix-Date:\nShare-With:\n"
    "案件番号：JVNVU#12345678\n詳細情報請求：いいえ\n状況：\nコメント：\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct form *form = NULL;
	struct regform reg;
	const char *error = NULL;
	char *text;
	int got;

	if (form_parse_reply((const char *)data, size, sent, strlen(sent),
	    &form, &error) == 0) {
		guint i;

		/* Touch what callers read, so bad pointers show. */
		if (form->shares->len > FORM_MAX_SHARES ||
		    form->errors->len > FORM_MAX_ERRORS ||
		    form->unknown->len > FORM_MAX_UNKNOWN ||
		    form->overridden->len > FORM_MAX_OVERRIDDEN)
			__builtin_trap();
		for (i = 0; i < form->errors->len; i++) {
			const struct form_issue *is = form->errors->pdata[i];

			if (strlen(is->text) > FORM_MAX_TEXT + 3 ||
			    is->quote > FORM_MAX_QUOTE_DEPTH ||
			    form_issue_message(is, "ja") == NULL)
				__builtin_trap();
		}
		for (i = 0; i < form->overridden->len; i++) {
			const struct form_issue *is =
			    form->overridden->pdata[i];

			if (strlen(is->text) > FORM_MAX_TEXT + 3 ||
			    is->quote == 0 || form_field_label(is->field,
			    "ja") == NULL)
				__builtin_trap();
		}
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
