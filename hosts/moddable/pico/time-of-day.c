/*
 * A Pico's Date.now() runs on through the 49.7-day wrap of its millisecond count.
 *
 * Moddable's pico port (SDK 8.2.3, xs/platforms/pico/xsHost.c) reads the time
 * of day as the uptime's seconds plus an offset that `Time.set` (and the
 * debugger) moves, but takes the uptime as a 32-bit count of milliseconds
 * (`uint32_t ms = pico_milliseconds()`, though that macro is 64-bit): after
 * 2^32 ms up, Date.now() fell back 49.7 days and stayed so until the time
 * was set again, or for ever on a board without network time. Every
 * `Date.now()` and `new Date()` of an app read it, and so did
 * `wallClockWasSet()` without a time of its own (a board set from an RTC).
 *
 * Both functions are wrapped (manifests/pico-port.json links this file and
 * wraps them: their callers, XS's Date, the time module and the debugger,
 * are other objects) to read the timer's 64-bit microseconds. The offset
 * keeps the port's meaning, whole seconds over the uptime's, so Date.now()'s
 * milliseconds are the uptime's and `Date.now() % 1000` says what a
 * `Time.set` leaves under the second (hosts/moddable/setup-network.ts).
 */
#include "xs.h"
#include "xsHost.h"	/* the port's struct modTimeVal and modTime_t */
#include "pico/time.h"

/** Seconds to add to the uptime's seconds for the time of day (Unix seconds, modulo 2^32 as the port's). */
static modTime_t secondsAtBoot;

void __wrap_modGetTimeOfDay(struct modTimeVal *tv, struct modTimeZone *tz)
{
	(void)tz;	/* the port fills in no time zone either */
	if (!tv)
		return;
	uint64_t us = time_us_64();
	uint64_t seconds = us / 1000000;
	tv->tv_sec = (modTime_t)seconds + secondsAtBoot;
	tv->tv_usec = ((uint32_t)(us - seconds * 1000000) / 1000) * 1000;	/* whole milliseconds, as the port's */
}

void __wrap_modSetTime(uint32_t seconds)
{
	secondsAtBoot = seconds - (modTime_t)(time_us_64() / 1000000);
}
