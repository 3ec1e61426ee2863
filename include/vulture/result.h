/*
 * result: what a function that can fail returns, and how it says why.
 *
 * 1. A function that can fail returns an int holding an enum vresult:
 *      VR_OK        0   done;
 *      VR_PERM     -1   failed, and the same call fails again: bad input,
 *                       a refusal, a constraint, our bug;
 *      VR_TEMP     -2   failed for now: busy, locked, disk full, I/O, a
 *                       server away; the caller retries later;
 *      VR_NOTFOUND -3   what was asked for does not exist.
 *    A function whose only failure is permanent returns 0 or -1 (VR_OK,
 *    VR_PERM); no module gives -2 or -3 another meaning. Predicates
 *    return 1 or 0 ("is it one?"), and a function that also answers a
 *    yes/no (vkeys_may_send(): 1, it may not) says so at its
 *    declaration. Callers compare with the names, or test < 0.
 *
 * 2. The reason goes back through the last parameter, error_r:
 *      char **error_r        newly allocated (g_free), set exactly when
 *                            the function fails and says it sets it;
 *                            the caller frees it. NULL is allowed only
 *                            where the declaration says so.
 *      const char **error_r  a static string, never freed: only pure
 *                            parsers whose refusal of a whole input is
 *                            one of a few fixed sentences (cmd_parse(),
 *                            form_parse(), textin_check()). The type
 *                            tells the two apart, so the compiler
 *                            catches a mix-up.
 *    Nothing is logged by the function that returns the reason: the
 *    caller, who knows the event, logs it once.
 *
 * 3. Older names stay as aliases of these values, so modules convert
 *    one at a time: STORE_OK/STORE_ERR/STORE_TEMP/STORE_NOTFOUND
 *    (store.h), SPILL_OK/SPILL_OVER/SPILL_ERROR (spill.h).
 */
#ifndef VULTURE_RESULT_H
#define VULTURE_RESULT_H

enum vresult {
	VR_OK = 0,
	VR_PERM = -1,
	VR_TEMP = -2,
	VR_NOTFOUND = -3,
};

/* "ok", "permanent", "temporary", "not-found"; "?" for another value. */
const char *vresult_name(int r);

#endif /* VULTURE_RESULT_H */
