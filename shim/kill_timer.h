/* The grace period of a forwarded SIGINT/SIGTERM/SIGHUP/SIGQUIT: pid 1 of a void ignores
 * a signal it has no handler for, so the supervisor kills it once the period is over. */
#ifndef VOID_KILL_TIMER_H
#define VOID_KILL_TIMER_H

#include <stdbool.h>
#include <time.h>

#define KILL_GRACE_MS 500

struct kill_timer {
    bool armed;
    struct timespec at;      /* CLOCK_MONOTONIC */
};

/* The signals after which the void is to stop (and is killed after the grace period). */
bool is_terminating_signal(int sig);
/* Starts the grace period. */
void kill_timer_arm(struct kill_timer *t);
/* A poll(2) timeout: -1 while not armed, else the milliseconds left (0 once over). */
int kill_timer_poll_ms(const struct kill_timer *t);
/* Once the kill is sent: no further timeouts. */
void kill_timer_disarm(struct kill_timer *t);

#endif
