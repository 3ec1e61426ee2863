/* libFuzzer target for the answers of the gpg helper (gpgproc): the
 * helper decrypts hostile mail, so the daemon reads what it says back as
 * input. */
#include <stddef.h>
#include <stdint.h>

#include "vulture/gpgproc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc = gpgproc_parse_answer(data, size);

	if (rc != 0 && rc != -1)
		__builtin_trap();
	return 0;
}
