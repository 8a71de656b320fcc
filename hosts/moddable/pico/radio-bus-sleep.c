/*
 * A Pico W's radio bus sleeps when its driver says, and the core sleeps until then.
 *
 * The cyw43 driver (the pico-sdk's, 2.2) lets the radio's bus sleep once the bus has gone
 * CYW43_SLEEP_MAX (50) of the driver's polls unused: each use sets cyw43_sleep to that, each poll
 * counts it down, and the pico-sdk's glue (cyw43_driver.c, cyw43_do_poll) polls again every
 * CYW43_SLEEP_CHECK_MS (50 ms) while the count is not 0. So after every exchange with the radio (an
 * LED write on a Pico W, a frame sent or received) the core woke 49 times in 2.45 s, only to count:
 * bench:firmware's fleet device, connected to its broker, woke 2.2 times a second, most of them for that.
 *
 * Here the driver's poll (its cyw43_poll pointer, taken over as the glue first dispatches one:
 * cyw43_schedule_internal_poll_dispatch wrapped) parks the count once a poll leaves it running: it
 * holds cyw43_sleep at 0, so the glue sets no 50 ms check, and sets one worker of its own for when the
 * glue's checks would have counted it out. The next poll, the worker's or one that comes first (the
 * radio's interrupt, a dispatch), takes off the count the checks gone by since, and one for itself if
 * it is not the worker's, as the glue's checks would have, and then polls as the driver does. A use of
 * the bus meanwhile sets the count again (cyw43_cb_ensure_awake, wrapped to note when): the next poll
 * parks that, or, when none came before the worker, the worker parks it from the use. The bus sleeps
 * when it did, 2.45 s after its last use, and the core wakes once for it.
 */
#include "pico/cyw43_arch.h"
#include "cyw43.h"

/* The glue's check interval: cyw43_driver.c's own default, unless the build sets it. */
#ifdef CYW43_SLEEP_CHECK_MS
#define CHECK_MS CYW43_SLEEP_CHECK_MS
#else
#define CHECK_MS 50
#endif

void __real_cyw43_schedule_internal_poll_dispatch(void (*func)(void));
void __real_cyw43_cb_ensure_awake(void *cb_data);

/* The driver's own poll (cyw43_ctrl.c's cyw43_poll_func), which cyw43_poll pointed to. */
static void (*driverPoll)(void);
/* The count held while parked (0: not parked), and since when. */
static uint32_t parked;
static absolute_time_t parkedAt;
/* The worker set for when the parked count runs out has fired, and its poll is the one to come. */
static bool checkDue;
/* When the bus was last used (the driver set its count again). */
static absolute_time_t lastUse;

static void countedOut(async_context_t *context, async_at_time_worker_t *worker);
static async_at_time_worker_t countOut = { .do_work = countedOut };

/* Hold the count at 0 (the glue then sets no check) and wake when its checks would have counted it out. */
static void park(async_context_t *context, uint32_t count, absolute_time_t from)
{
	parked = count;
	parkedAt = from;
	cyw43_sleep = 0;
	async_context_remove_at_time_worker(context, &countOut);
	async_context_add_at_time_worker_at(context, &countOut, delayed_by_ms(from, count * CHECK_MS));
}

static void countedOut(async_context_t *context, async_at_time_worker_t *worker)
{
	(void)worker;
	if (cyw43_poll == NULL) return; /* the driver was shut down */
	if (cyw43_sleep != 0) {
		/* The bus was used since it parked, and no poll came: the glue's checks count from that use. */
		park(context, cyw43_sleep, lastUse);
		return;
	}
	checkDue = true;
	__real_cyw43_schedule_internal_poll_dispatch(cyw43_poll);
}

static void pollParked(void)
{
	async_context_t *context = cyw43_arch_async_context();
	if (parked != 0 && cyw43_sleep == 0) {
		/* Still parked (a use of the bus would have set the count again): the glue's checks gone by, and this poll. */
		int64_t elapsedMs = absolute_time_diff_us(parkedAt, get_absolute_time()) / 1000;
		uint32_t checks = (uint32_t)(elapsedMs / CHECK_MS) + (checkDue ? 0 : 1);
		cyw43_sleep = checks >= parked ? 0 : parked - checks;
	}
	parked = 0;
	checkDue = false;
	driverPoll();
	if (cyw43_sleep != 0) park(context, cyw43_sleep, get_absolute_time());
	else async_context_remove_at_time_worker(context, &countOut);
}

void __wrap_cyw43_cb_ensure_awake(void *cb_data)
{
	__real_cyw43_cb_ensure_awake(cb_data);
	lastUse = get_absolute_time();
}

void __wrap_cyw43_schedule_internal_poll_dispatch(void (*func)(void))
{
	(void)func;
	if (cyw43_poll != NULL && cyw43_poll != pollParked) {
		driverPoll = cyw43_poll;
		cyw43_poll = pollParked;
	}
	__real_cyw43_schedule_internal_poll_dispatch(cyw43_poll);
}
