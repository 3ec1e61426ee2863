/* result.c: names of the results (result.h), for logs. */
#include "config.h"

#include "vulture/result.h"

const char *
vresult_name(int r)
{
	switch (r) {
	case VR_OK:
		return "ok";
	case VR_PERM:
		return "permanent";
	case VR_TEMP:
		return "temporary";
	case VR_NOTFOUND:
		return "not-found";
	}
	return "?";
}
