/*
 * A Pico that sleeps between wakes.
 *
 * Moddable's pico port (SDK 8.2.3, xs/platforms/pico/xsHost.c) means to sleep
 * in `modMessageService(the, maxDelayMS)` until the next timer or a message,
 * but its guard around best_effort_wfe_or_timeout,
 * `absolute_time_diff_us(until, now) < 1000`, is true whenever the deadline
 * is ahead: it returns at once and the main loop spins, the core awake 100 %
 * of the time however seldom the app's scheduler wakes (docs/moddable.md,
 * "A Pico that sleeps between wakes").
 *
 * manifests/pico-port.json links this file on every Pico target and wraps
 * three of the port's functions (`-Wl,--wrap`), so its code is not changed:
 * - the main loop's `modMessageService` delivers what is queued (the real one,
 *   with no delay, so it cannot spin) and then waits with WFE until the next
 *   Moddable timer is due or a message is posted;
 * - posting a message (from an interrupt: a GPIO edge, a USB or network
 *   callback) marks it and raises an event, so a post that lands between the
 *   check and the WFE still ends the wait: nothing waits for the next timer.
 *   Posts from the main loop itself (promise jobs, which xsHost.c posts
 *   unwrapped, or a callback's own posts) are queued before the check or make
 *   the real service return 1, so they never wait either.
 * The next timer is read after the deliveries, as a message's callback may
 * have set one sooner. Other interrupts (the USB stack's, an alarm) end a WFE
 * early; the loop sleeps again until the deadline.
 */
#include "xs.h"
#include "xsHost.h"
#include "hardware/sync.h"
#include "pico/time.h"

int __real_modMessageService(xsMachine *the, int maxDelayMS);
int __real_modMessagePostToMachine(xsMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon);
int __real_modMessagePostToMachineFromISR(xsMachine *the, modMessageDeliver callback, void *refcon);

/* Set by every post, cleared before the queue is looked at: a post since then ends the wait. */
static volatile uint8_t gPosted;

/* A message was posted: mark it, and raise the event a WFE about to start would otherwise miss. */
static int posted(int result)
{
	gPosted = 1;
	__sev();
	return result;
}

/*
 * The port mallocs each message it posts and returns -1 when the C heap has no
 * room at that moment (which the XS heap's growth, the radio and lwIP share).
 * Moddable's sockets do not look: a socket sets its pending flag, posts once,
 * and posts again only after that message has cleared the flag, so one lost
 * message left it deaf for good (a listener's, every later client unanswered;
 * found by failing the post in the emulator). A message without a payload, a
 * socket's, then takes one of the port's own four static messages, which its
 * interrupt-side post uses, with interrupts masked as an interrupt's would be.
 */
int __wrap_modMessagePostToMachine(xsMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon)
{
	int result = __real_modMessagePostToMachine(the, message, messageLength, callback, refcon);
	if (result != 0 && (message == NULL || messageLength == 0)) {
		uint32_t interrupts = save_and_disable_interrupts(); /* restored as they were: a post may come from an interrupt */
		result = __real_modMessagePostToMachineFromISR(the, callback, refcon);
		restore_interrupts(interrupts);
	}
	return posted(result);
}

int __wrap_modMessagePostToMachineFromISR(xsMachine *the, modMessageDeliver callback, void *refcon)
{
	return posted(__real_modMessagePostToMachineFromISR(the, callback, refcon));
}

int __wrap_modMessageService(xsMachine *the, int maxDelayMS)
{
	(void)maxDelayMS;	/* computed before the deliveries below; read again after them */
	gPosted = 0;
	if (__real_modMessageService(the, 0))
		return 1;	/* more messages wait: the main loop comes straight back */

	/* Timers are due on millisecond ticks (modMilliseconds(): time_us_64() / 1000): sleep to the tick the next
	   one is due at. The tick is read first, so a tick passing meanwhile wakes the loop early, never late. */
	uint64_t nowMS = time_us_64() / 1000;
	int delayMS = modTimersNext();
	if (delayMS <= 0)
		return 0;	/* a timer is due */
	absolute_time_t until = from_us_since_boot((nowMS + (uint64_t)delayMS) * 1000);
	while (!gPosted && !best_effort_wfe_or_timeout(until))
		;
	return gPosted;
}
