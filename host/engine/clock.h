/* clock.h — the monotonic wall clock every layer times itself with (engine, jobs, command). */
#ifndef DY_CLOCK_H
#define DY_CLOCK_H

/* Monotonic wall clock in seconds (CLOCK_MONOTONIC). */
double dy_wall_seconds(void);

#endif
