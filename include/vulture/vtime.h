/* Times: stored as seconds since the epoch (UTC), shown and parsed in the
 * configured time zone. */
#ifndef VULTURE_VTIME_H
#define VULTURE_VTIME_H

#include <glib.h>
#include <stdint.h>

/* The current time; tests may set VULTURE_NOW (seconds) for a controlled
 * clock. */
int64_t vtime_now(void);

/* "2027-01-20T11:00:00+09:00" in tz; newly allocated. 0 gives NULL. */
char *vtime_format(int64_t t, GTimeZone *tz);
/* "2027-01-20" in tz; newly allocated. */
char *vtime_format_date(int64_t t, GTimeZone *tz);

/* Parses YYYY-MM-DD (at default_hour:default_min in tz),
 * YYYY-MM-DDTHH:MM[:SS] (in tz) or the same with Z or +HH:MM. Returns 0 or
 * -1. */
int vtime_parse(const char *s, GTimeZone *tz, int default_hour,
    int default_min, int64_t *t_r);

/* t plus days, keeping the wall-clock time in tz. */
int64_t vtime_add_days(int64_t t, int days, GTimeZone *tz);

#endif
