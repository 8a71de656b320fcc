/*
 * lwIP's timers on a Pico W run when they have work, on one grid: between them the board sleeps.
 *
 * lwIP (the pico-sdk's, 2.2) starts its cyclic timers at init and runs each for ever, each on its
 * own phase: IGMP's every 100 ms, DHCP's fine timer every 500 ms, ARP's, IP reassembly's and DNS's
 * every second, DHCP's coarse one every minute, and TCP's every 250 ms while it has connections.
 * The pico-sdk's async context wakes the core for the next of them, so a Pico W image woke about
 * 12 times a second with no network at all (docs/moddable.md: the lux demo awake 1,268 ms an hour
 * against 97 ms for the same app on a plain pico), most of it IGMP's timer with no report due.
 *
 * Here (sys_timeouts_init wrapped) they run from one lwIP timeout, set for the earliest due of
 * those with work; each one's dues are on a grid from init, so timers due together run in one wake:
 *  - IGMP's only while a group has a report pending (the repeat of a join's, the answer to a
 *    router's query, the reports at link up): igmp_input and igmp_report_groups are wrapped, and a
 *    join from the main loop (lwip-lock.c's igmp_joingroup) calls lwip_timers_check;
 *  - DHCP's fine one (500 ms) only while a request is out, awaiting its answer (a DHCP request's
 *    timeout): its requests start at dhcp_start (lwip-lock.c calls lwip_timers_check after it), at
 *    link up (dhcp_network_changed_link_up, wrapped) and from DHCP's own timers (after each wake);
 *  - TCP's while lwIP has active or TIME_WAIT connections, as its tcp_timer_needed (wrapped) did;
 *  - the others (ARP's, IP reassembly's, DNS's every second, DHCP's coarse one every minute) from
 *    the network's first use on (networkHasWork below).
 * Each wake checks them all again, so a timer given work some other way starts at the next wake
 * (with the network in use one comes every second).
 * A timer a whole interval late skips to its next due, as lwIP's own cyclic timer restarts. Each
 * handler is lwIP's own, called in lwIP's timeout context (the radio's lock held), as before.
 *
 * Batched aging. ARP's, IP reassembly's and DNS's one-second timers, once the network is in use, mostly
 * age what it brought (an ARP entry's age, a DNS answer's TTL): a joined Pico W woke every second for
 * them, all hour (bench:firmware: 1.03 wakes a second). While no ARP request or DNS question (what their
 * timers repeat or time out) has gone out for BUSY_MS, each is due once every BATCH_MS instead, on
 * the minute grid DHCP's coarse timer keeps (one wake a minute for them all), and is then called once for
 * each of its intervals gone by: the same counts,
 * at most a batch late (an entry past its age is dropped up to a minute later). Such a frame sent
 * (cyw43_send_ethernet, wrapped) brings them back to every second from the next second on the grid;
 * these three catch up on their missed intervals in any case, where the others skip them.
 *
 * TCP's timer batches too, while every connection is idle (tcpIdle: nothing in flight, waiting, or owed an ACK): it
 * then only counts tcp_ticks. Those ticks also time round trips, so the ticks a batch owes are paid before TCP is
 * touched at all (lwip_timers_catch_up: lwip-lock.c's calls from the main loop, a segment in), and a segment sent
 * or received that leaves work brings the timer back to every 250 ms.
 *
 * DHCP's fine timer batches as well: while a request is out it only counts the request's timeout down, 500 ms a
 * tick, until the tick that times it out (dhcp_fine_tmr), so it is due at that tick, not every 500 ms: a board whose
 * router's DHCP is silent (a pool run out) woke twice a second between DISCOVERs up to a minute apart. Its owed ticks
 * are paid before DHCP is touched (a datagram in, the link up, the main loop's calls, the coarse timer), so that a new
 * request's timeout is counted from its own start.
 */
#include "lwip/timeouts.h"
#include "lwip/igmp.h"
#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/ip4_frag.h"
#include "lwip/dns.h"
#include "netif/etharp.h"
#include "pico/cyw43_arch.h"

/* More cyclic timers than this (another lwIP configuration) and lwIP's own scheme runs, unchanged. */
#define MAX_TIMERS 12

/* Batched aging (above): how long after the last ARP request or DNS question the aging timers keep to every second. */
#define BUSY_MS 20000
/* A batch (the aging timers', TCP's): due once in this long, on the minute grid. */
#define BATCH_MS 60000
/* A wake later than this many intervals (the core held up for minutes) catches up on this many only. */
#define MAX_CATCH_UP 3600

typedef struct {
	lwip_cyclic_timer_handler handler;
	u32_t intervalMs;
	/* Whether it has work now. */
	bool (*hasWork)(void);
	u32_t due;
	bool running;
	/* ARP's, IP reassembly's, DNS's, TCP's or DHCP's fine one: it may run in batches (above), when this says so; NULL for the others. */
	bool (*canBatch)(u32_t now);
	/* A batch's due after the due it last ran for: on the minute grid, or DHCP's at its request's timeout. */
	u32_t (*batchDue)(u32_t lastDue);
	/* In a batch now: due every BATCH_MS, not every interval. */
	bool batched;
	/* The due it last ran for (an aging timer counts its intervals gone by from here). */
	u32_t lastDue;
} Periodic;

static Periodic timers[MAX_TIMERS];
static int timerCount;
/* sys_now() at init: each timer's dues are this plus a multiple of its interval. */
static u32_t grid;
/* The one lwIP timeout (dispatch) is set. */
static bool armed;
/* dispatch is running the due handlers: it sets the timeout once they are done. */
static bool dispatching;
/* TCP's timer and DHCP's fine one, where they may batch: their owed ticks are paid before TCP or DHCP is touched (lwip_timers_catch_up). */
static Periodic *tcpTimer;
static Periodic *dhcpTimer;
/* Owed ticks are being paid (tcp_tmr may send, and a send reaches lwip-lock.c's wraps again). */
static bool catchingUp;
/*
 * Defined by lwip-lock.c, which pays the owed ticks before each of the main loop's lwIP calls: without it (an app
 * with the radio but not thingflow-net.json's network) a socket could send with a stale tcp_ticks, or a DHCP call
 * start a request with ticks still owed, and TCP's and DHCP's timers keep to every interval.
 */
extern const bool lwip_lock_pays_owed_ticks __attribute__((weak));
/* sys_now() when the radio was last given an ARP request or DNS question to send, and whether it ever was. */
static u32_t lastSentMs;
static bool sentAny;

void lwip_timers_check(void);
static void checkAt(u32_t now);

static bool before(u32_t a, u32_t b)
{
	return (s32_t)(a - b) < 0;
}

/* The first due on t's grid after now. */
static u32_t nextDue(const Periodic *t, u32_t now)
{
	return now + t->intervalMs - (now - grid) % t->intervalMs;
}

/*
 * A batch's due after `due`: the next of the minute grid from init, which DHCP's coarse timer (every minute) is on too,
 * so all of lwIP's once-a-minute work shares one wake. (A batch due a minute from whenever batching began was a second
 * wake each minute.) The first batch may so be shorter than a minute, never longer.
 */
static u32_t batchDueAfter(u32_t due)
{
	return due + BATCH_MS - (due - grid) % BATCH_MS;
}

static bool igmpHasWork(void)
{
	struct netif *netif;
	NETIF_FOREACH(netif) {
		for (struct igmp_group *group = netif_igmp_data(netif); group != NULL; group = group->next)
			if (group->timer > 0)
				return true;
	}
	return false;
}

/* The fewest of DHCP's fine ticks until a request out times out (the tick that does it included); 0: none out. */
static u32_t dhcpTicksLeft(void)
{
	u32_t fewest = 0;
	struct netif *netif;
	NETIF_FOREACH(netif) {
		struct dhcp *dhcp = netif_dhcp_data(netif);
		if (dhcp != NULL && dhcp->request_timeout > 0 && (fewest == 0 || dhcp->request_timeout < fewest))
			fewest = dhcp->request_timeout;
	}
	return fewest;
}

static bool dhcpHasWork(void)
{
	return dhcpTicksLeft() > 0;
}

/* DHCP's fine timer may always batch: the ticks before its request's last only count down. */
static bool dhcpCanBatch(u32_t now)
{
	(void)now;
	return true;
}

/* Due at the tick that times the request out: the request_timeout-th after the due it last ran for. */
static u32_t dhcpDueAfter(u32_t lastDue)
{
	u32_t left = dhcpTicksLeft();
	return lastDue + (left > 0 ? left : 1) * dhcpTimer->intervalMs;
}

/*
 * ARP's, IP reassembly's, DNS's and DHCP's coarse timers age and time what the network brings (ARP
 * entries, fragments, DNS answers and questions, a lease): none before the network is first used, a
 * link up or an address on an interface, or a DNS question asked (lwip_timers_network_used, from
 * lwip-lock.c's dns_gethostbyname). From then on they run, as lwIP ran them. A Pico W app that does
 * not use the network (no SSID, or none given yet) has no lwIP timer to wake for.
 */
static bool networkUsed;

static bool networkHasWork(void)
{
	if (!networkUsed) {
		struct netif *netif;
		NETIF_FOREACH(netif) {
			if (netif_is_link_up(netif) || !ip4_addr_isany_val(*netif_ip4_addr(netif))) {
				networkUsed = true;
				break;
			}
		}
	}
	return networkUsed;
}

/* No ARP request or DNS question for BUSY_MS (the aging timers would repeat or time it out): they may batch. */
static bool networkQuiet(u32_t now)
{
	return !sentAny || !before(now, lastSentMs + BUSY_MS);
}

static bool tcpHasWork(void)
{
	return tcp_active_pcbs != NULL || tcp_tw_pcbs != NULL;
}

/*
 * Every connection idle: established, nothing sent unacknowledged or waiting to go, nothing out of
 * sequence or refused, no delayed ACK or pending close, no zero-window probe, no keep-alive or poll
 * callback (the ECMA-419 socket sets neither), and none in TIME_WAIT. Its timer then only counts
 * ticks, and may count them in batches (TCP's, above).
 */
static bool tcpIdle(u32_t now)
{
	(void)now;
	if (tcp_tw_pcbs != NULL)
		return false;
	for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
		if (pcb->state != ESTABLISHED || pcb->unacked != NULL || pcb->unsent != NULL || pcb->refused_data != NULL
			|| (pcb->flags & (TF_ACK_DELAY | TF_ACK_NOW | TF_CLOSEPEND)) != 0 || pcb->persist_backoff != 0
			|| ip_get_option(pcb, SOF_KEEPALIVE))
			return false;
#if TCP_QUEUE_OOSEQ
		if (pcb->ooseq != NULL)
			return false;
#endif
#if LWIP_CALLBACK_API
		if (pcb->poll != NULL)
			return false;
#endif
	}
	return true;
}

static void dispatch(void *arg);

/*
 * A batching timer's intervals gone by since the due it last ran for (at most MAX_CATCH_UP), taken as paid: its
 * lastDue moves on by them (to the latest due on its grid, when there were more). The caller runs its handler as often.
 */
static u32_t takeOwed(Periodic *t, u32_t now)
{
	u32_t n = (now - t->lastDue) / t->intervalMs;
	if (n > MAX_CATCH_UP)
		n = MAX_CATCH_UP;
	t->lastDue += n * t->intervalMs;
	if (before(t->lastDue + t->intervalMs, now))
		t->lastDue = nextDue(t, now) - t->intervalMs;
	return n;
}

/* `t` (TCP's or DHCP's timer, NULL where it may not batch) runs in a batch now, so it may owe ticks. */
static bool batching(const Periodic *t)
{
	return t != NULL && t->running && t->batched;
}

/* A batching timer's owed intervals paid now: its handler once for each (none unless `t` batches). Returns how many. */
static u32_t payOwed(Periodic *t, u32_t now)
{
	if (!batching(t) || catchingUp)
		return 0;
	u32_t n = takeOwed(t, now);
	catchingUp = true;
	for (u32_t i = 0; i < n; i++)
		t->handler();
	catchingUp = false;
	return n;
}

/* Set the one timeout for the earliest due of the running timers (`now`: sys_now(), read once a wake: a division on this core). */
static void arm(u32_t now)
{
	if (dispatching)
		return;
	if (armed) {
		sys_untimeout(dispatch, NULL);
		armed = false;
	}
	bool any = false;
	u32_t earliest = 0;
	for (int i = 0; i < timerCount; i++) {
		const Periodic *t = &timers[i];
		if (t->running && (!any || before(t->due, earliest))) {
			earliest = t->due;
			any = true;
		}
	}
	if (!any)
		return;
	sys_timeout(before(now, earliest) ? earliest - now : 0, dispatch, NULL);
	armed = true;
}

static void dispatch(void *arg)
{
	(void)arg;
	armed = false;
	dispatching = true;
	u32_t now = sys_now();
	/* DHCP's owed ticks first: the coarse timer (a lease's renewal, its end) may start a request, timed from then. */
	payOwed(dhcpTimer, now);
	for (int i = 0; i < timerCount; i++) {
		Periodic *t = &timers[i];
		if (!t->running || before(now, t->due))
			continue;
		if (t->canBatch != NULL) {
			/* Once for each interval gone by since it last ran: a batch's, or those a late wake missed. */
			u32_t n = takeOwed(t, now);
			t->due = t->batched ? t->batchDue(t->lastDue) : t->lastDue + t->intervalMs;
			while (n-- > 0)
				t->handler();
			continue;
		}
		t->due += t->intervalMs;
		if (!before(now, t->due))
			t->due = nextDue(t, now);
		t->handler();
	}
	dispatching = false;
	checkAt(now);
}

/*
 * Start the timers that have work now and stop those that have none, then set the timeout. Called
 * after each dispatch and by whatever may have given a timer work (the wraps below, lwip-lock.c).
 */
static void checkAt(u32_t now)
{
	for (int i = 0; i < timerCount; i++) {
		Periodic *t = &timers[i];
		bool work = t->hasWork();
		if (work && !t->running) {
			t->due = nextDue(t, now);
			t->lastDue = t->due - t->intervalMs;
			t->batched = false;
		}
		t->running = work;
		if (!work || t->canBatch == NULL)
			continue;
		bool batch = t->canBatch(now);
		if (batch == t->batched) {
			/*
			 * A batch's due follows from the due it last ran for, which owed ticks paid since move on (TCP's,
			 * DHCP's: payOwed), and DHCP's from its request's timeout, which a datagram in or a new request
			 * changes. For the minute grid it is the same due unless the ticks were paid up to it.
			 */
			if (batch)
				t->due = t->batchDue(t->lastDue);
			continue;
		}
		t->batched = batch;
		/* Due on a grid either way: a batch's due after the due it last ran for, or the next interval from now. */
		t->due = batch ? t->batchDue(t->lastDue) : nextDue(t, now);
	}
	arm(now);
}

void lwip_timers_check(void)
{
	checkAt(sys_now());
}

void lwip_timers_network_used(void)
{
	networkUsed = true;
	checkAt(sys_now());
}

void __real_sys_timeouts_init(void);
void __wrap_sys_timeouts_init(void)
{
	if (lwip_num_cyclic_timers > MAX_TIMERS) {
		__real_sys_timeouts_init();
		return;
	}
	grid = sys_now();
	timerCount = lwip_num_cyclic_timers;
	for (int i = 0; i < timerCount; i++) {
		Periodic *t = &timers[i];
		t->handler = lwip_cyclic_timers[i].handler;
		t->intervalMs = lwip_cyclic_timers[i].interval_ms;
		t->hasWork = t->handler == tcp_tmr ? tcpHasWork : t->handler == igmp_tmr ? igmpHasWork : t->handler == dhcp_fine_tmr ? dhcpHasWork : networkHasWork;
		t->running = false;
		t->batched = false;
		t->canBatch = NULL;
		t->batchDue = batchDueAfter;
		if (t->handler == tcp_tmr && &lwip_lock_pays_owed_ticks != NULL) {
			t->canBatch = tcpIdle;
			tcpTimer = t;
		}
		if (t->handler == dhcp_fine_tmr && &lwip_lock_pays_owed_ticks != NULL) {
			t->canBatch = dhcpCanBatch;
			t->batchDue = dhcpDueAfter;
			dhcpTimer = t;
		}
#if LWIP_ARP
		if (t->handler == etharp_tmr)
			t->canBatch = networkQuiet;
#endif
#if IP_REASSEMBLY
		if (t->handler == ip_reass_tmr)
			t->canBatch = networkQuiet;
#endif
#if LWIP_DNS
		if (t->handler == dns_tmr)
			t->canBatch = networkQuiet;
#endif
	}
	/* None has work yet (no interface, no connection): the first is started by what gives it some. */
}

/* TCP_REG, for each connection lwIP registers: its timer runs from the next due on its grid. */
void __wrap_tcp_timer_needed(void)
{
	lwip_timers_check();
}

/* A router's query: each group's report is due at a random time within the query's limit. */
void __real_igmp_input(struct pbuf *p, struct netif *inp, const ip4_addr_t *dest);
void __wrap_igmp_input(struct pbuf *p, struct netif *inp, const ip4_addr_t *dest)
{
	__real_igmp_input(p, inp, dest);
	lwip_timers_check();
}

/* The link came up: DHCP asks again (DISCOVER or REQUEST), its answer timed by its fine timer (its owed ticks paid first). */
void __real_dhcp_network_changed_link_up(struct netif *netif);
void __wrap_dhcp_network_changed_link_up(struct netif *netif)
{
	if (!dispatching)
		payOwed(dhcpTimer, sys_now());
	__real_dhcp_network_changed_link_up(netif);
	lwip_timers_check();
}

/* The link came up: each group's report is due within half a second. */
void __real_igmp_report_groups(struct netif *netif);
void __wrap_igmp_report_groups(struct netif *netif)
{
	__real_igmp_report_groups(netif);
	lwip_timers_check();
}

/*
 * Pay TCP's and DHCP's owed ticks now, while their timers batch: before anything touches TCP or DHCP (the main loop's
 * lwIP calls, from lwip-lock.c; a segment or datagram in, below), so that tcp_ticks is right where TCP reads it (a
 * segment sent records it for its round trip, and its ACK reads it back: ticks paid in between would read as a round
 * trip of up to a minute), and a new DHCP request's timeout is counted down from its own start.
 */
void lwip_timers_catch_up(void)
{
	/* Nothing owed: no sys_now() either (a division on this core), on every lwIP call of the main loop. */
	if (dispatching || catchingUp || !(batching(tcpTimer) || batching(dhcpTimer)))
		return;
	u32_t now = sys_now();
	payOwed(tcpTimer, now);
	/* A request timed out among DHCP's ticks is asked again: its due is then the new request's. */
	if (payOwed(dhcpTimer, now) > 0)
		checkAt(now);
}

/* A segment in: TCP's ticks paid first, and after it its timer back to every 250 ms if the segment left work (a delayed ACK). */
void __real_tcp_input(struct pbuf *p, struct netif *inp);
void __wrap_tcp_input(struct pbuf *p, struct netif *inp)
{
	lwip_timers_catch_up();
	__real_tcp_input(p, inp);
	if (tcpTimer != NULL && tcpTimer->batched)
		lwip_timers_check(); // every 250 ms again if it left work; a timer already so is checked at its next due
}

/* A datagram in (a DHCP answer among them): DHCP's ticks paid first, and after it its due set from the request then out. */
void __real_udp_input(struct pbuf *p, struct netif *inp);
void __wrap_udp_input(struct pbuf *p, struct netif *inp)
{
	lwip_timers_catch_up();
	__real_udp_input(p, inp);
	if (dhcpTimer != NULL && dhcpTimer->batched)
		lwip_timers_check();
}

/*
 * Whether a frame is one the aging timers may have to repeat or time out: an ARP request (their ARP entry pending)
 * or a DNS question (UDP to port 53). A TCP segment is TCP's timer's to time (tcpIdle), and an ordinary datagram
 * no one's. A frame this cannot read (not a pbuf, its headers split) counts, to be safe.
 */
static bool asksAgain(const void *buf, bool is_pbuf)
{
	if (!is_pbuf)
		return true;
	const struct pbuf *p = (const struct pbuf *)buf;
	const u8_t *b = (const u8_t *)p->payload;
	if (p->len < 14)
		return true;
	u16_t type = (u16_t)((b[12] << 8) | b[13]);
	if (type == 0x0806)
		return true; /* ARP */
	if (type != 0x0800)
		return false;
	if (p->len < 14 + 20)
		return true;
	if (b[14 + 9] != 17)
		return false; /* not UDP */
	u16_t headerBytes = (u16_t)((b[14] & 0x0f) * 4);
	if (p->len < 14 + headerBytes + 4)
		return true;
	u16_t port = (u16_t)((b[14 + headerBytes + 2] << 8) | b[14 + headerBytes + 3]);
	return port == 53;
}

/* A running timer is in a batch now: a frame sent may have to end it (one not batching is checked at its next due). */
static bool anyBatched(void)
{
	for (int i = 0; i < timerCount; i++)
		if (timers[i].running && timers[i].batched)
			return true;
	return false;
}

/*
 * Every frame lwIP gives the radio: an ARP request or DNS question keeps the aging timers to every second for
 * BUSY_MS from now, and a TCP segment leaves its connection with something to time. Called in lwIP's context.
 */
int __real_cyw43_send_ethernet(cyw43_t *self, int itf, size_t len, const void *buf, bool is_pbuf);
int __wrap_cyw43_send_ethernet(cyw43_t *self, int itf, size_t len, const void *buf, bool is_pbuf)
{
	if (asksAgain(buf, is_pbuf)) {
		lastSentMs = sys_now();
		sentAny = true;
	}
	if (anyBatched())
		lwip_timers_check();
	return __real_cyw43_send_ethernet(self, itf, len, buf, is_pbuf);
}
