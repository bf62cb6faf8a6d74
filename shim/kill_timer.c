#include "kill_timer.h"

#include <signal.h>
#include <stdint.h>

bool is_terminating_signal(int sig)
{
    return sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT;
}

void kill_timer_arm(struct kill_timer *t)
{
    clock_gettime(CLOCK_MONOTONIC, &t->at);
    t->at.tv_nsec += KILL_GRACE_MS * 1000000L;
    t->at.tv_sec += t->at.tv_nsec / 1000000000L;
    t->at.tv_nsec %= 1000000000L;
    t->armed = true;
}

int kill_timer_poll_ms(const struct kill_timer *t)
{
    if (!t->armed)
        return -1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t left = (t->at.tv_sec - now.tv_sec) * 1000 + (t->at.tv_nsec - now.tv_nsec) / 1000000;
    return left > 0 ? (int)left + 1 : 0;
}

void kill_timer_disarm(struct kill_timer *t)
{
    t->armed = false;
}
