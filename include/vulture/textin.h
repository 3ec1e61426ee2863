/* textin: the checks every parser of people's text makes on its whole
 * input before reading a line of it (form, command grammar). No I/O. */
#ifndef VULTURE_TEXTIN_H
#define VULTURE_TEXTIN_H

#include <stddef.h>

/* Checks *text (len bytes; NULL only with len 0) against max and for NUL
 * bytes and invalid UTF-8, then steps *text and *len past a UTF-8 byte
 * order mark. NULL becomes "". Returns 0, or -1 with *error_r (static;
 * error_r may be NULL) and nothing changed. */
int textin_check(const char **text, size_t *len, size_t max,
    const char **error_r);

/* Days in month m (1-12) of the proleptic Gregorian year y; 0 for a month
 * out of range. */
int textin_days_in_month(int y, int m);

#endif /* VULTURE_TEXTIN_H */
