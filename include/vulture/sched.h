/* The scheduler: what is due at time now, per open case, each case in one
 * transaction. Follow-ups every followup_days to participants that have
 * not answered; unreachable after unreachable_after_days without any
 * answer since the first attempt; reminders remind_days before
 * publication (vendors and coordinators); at the publication time, the
 * due event and a coordinator alert. Every action is recorded in the event
 * log, which is also what keeps it from happening twice. The clock is a
 * parameter: tests pass the time they want. */
#ifndef VULTURE_SCHED_H
#define VULTURE_SCHED_H

#include <stdint.h>

#include "vulture/outbound.h"

struct sched_stats {
	unsigned followups, unreachable, reminders, due;
};

int sched_run(const struct outbound *o, int64_t now,
    struct sched_stats *stats, char **error_r);

#endif
