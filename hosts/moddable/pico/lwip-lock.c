/*
 * lwIP called from a Pico W's main loop holds the CYW43 arch's lock.
 *
 * The pico-sdk (2.2.0) runs the radio's receive path, lwIP input included, as
 * background work of its async context (pico_cyw43_arch_lwip_threadsafe_
 * background): from a low-priority interrupt, or when the context's lock is
 * released by its outermost holder. Code outside that work must hold the
 * lock around every lwIP call (cyw43_arch_lwip_begin/end): lwIP is not
 * reentrant. Moddable's pico port (SDK 8.2.3) does not: modLwipSafe.h maps
 * tcp_connect_safe, tcp_write_safe ... to the plain lwIP calls on every port
 * but the ESP32. So a frame that arrives while the app is inside lwIP is
 * processed inside that call. The emulator showed it (docs/moddable.md, the
 * Pico W's radio): the driver's own send, inside tcp_connect's tcp_output,
 * released the lock it had taken for the SPI transfer, that release ran the
 * pending work, the SYN-ACK was input there, and tcp_output then freed the
 * segment the input had freed: "*** PANIC *** pbuf_free: p->ref > 0".
 *
 * Each lwIP call Moddable's sockets (TCP, UDP, RAW), DNS and Wi-Fi make from
 * the main loop is wrapped here (manifests/thingflow-net.json wraps them for
 * the boards with the radio) to hold the lock: the work waits, and runs when
 * the wrapper releases it, after the call. That includes setting a pcb's
 * callbacks (two stores the input could fall between) and pbuf_alloc and
 * pbuf_free: the pico-sdk's sys_arch_protect does nothing (NO_SYS), so
 * lwIP's heap and pools are guarded by this lock alone, and the app frees
 * every pbuf it read while the radio's input allocates. The emulator checks
 * it: test/firmware/lwip-lock-check.ts reads the lock at every entry into
 * lwIP, and the fleet device's firmware tests find no call without it. Calls lwIP makes itself, in that work, take
 * the lock again on the same core (it is recursive): nothing more. Before
 * the radio is up there is no context and nothing to lock.
 */
#include "pico/cyw43_arch.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"	/* struct tcp_seg: how long the next unsent segment is */
#include "lwip/udp.h"
#include "lwip/dns.h"
#include "lwip/igmp.h"
#include "lwip/raw.h"
#include "lwip/dhcp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

/* The pcb the latest call from the main loop closed: see __wrap_tcp_abort. Any other call clears it. */
static struct tcp_pcb *justClosed;

/* lwip-timers.c: TCP's and DHCP's timers may batch where this file pays their owed ticks before the main loop's calls (locked below). */
const bool lwip_lock_pays_owed_ticks = true;
void lwip_timers_catch_up(void);

/* Wrapped calls under way: a wrapped call's own lwIP calls (tcp_write's pbuf_alloc) come through here again. */
static int depth;

static async_context_t *locked(void)
{
	async_context_t *context = cyw43_arch_async_context();
	bool mainLoop = !__get_current_exception();
	if (mainLoop)
		justClosed = NULL; // a main-loop call (lwIP's work in an interrupt may come between the close and its abort)
	if (context)
		async_context_acquire_lock_blocking(context);
	// tcp_ticks and DHCP's request timeouts right before the main loop's call touches TCP or DHCP (lwip-timers.c);
	// never inside a call under way, where a timer would run in the middle of its work.
	if (++depth == 1 && mainLoop)
		lwip_timers_catch_up();
	return context;
}

static void unlock(async_context_t *context)
{
	depth--;
	if (context)
		async_context_release_lock(context);
}

#define LOCKED(type, name, params, args) \
	type __real_##name params; \
	type __wrap_##name params { async_context_t *c = locked(); type result = __real_##name args; unlock(c); return result; }
#define LOCKED_VOID(name, params, args) \
	void __real_##name params; \
	void __wrap_##name params { async_context_t *c = locked(); __real_##name args; unlock(c); }

/*
 * A bind that asks to reuse the address (Moddable's listener sets SOF_REUSEADDR) is not refused for
 * connections of that port, as lwIP built with SO_REUSE (an ESP32's) does not refuse it: the pico-sdk
 * builds lwIP without it, so the option did nothing, and lwIP refused the bind while any connection of
 * the port was left. A Web Thing stopped and started again could not listen: "socket bind" (found on
 * the emulated Pico W: the host check's restart, after tests whose connections the board had closed),
 * for two minutes (2 MSL) after the server's last close of its own (TIME_WAIT), or for as long as a
 * client kept a connection the board had closed half-open (FIN_WAIT_2, up to 20 s). Those in TIME_WAIT
 * are over: lwIP frees a pcb it aborts there and sends nothing. The others (each accepted by the old
 * listener, so with the option too) are hidden from the bind's check and go on: lwIP finds a segment's
 * connection by both ends before any listener. A listener or a bound pcb of the port is still a
 * conflict (a listener stopped in this turn closes in a later one: the server says so).
 */
void __real_tcp_abort(struct tcp_pcb *pcb);
err_t __real_tcp_bind(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port);
err_t __wrap_tcp_bind(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port)
{
	async_context_t *c = locked();
	struct tcp_pcb *hidden[MEMP_NUM_TCP_PCB];
	int hiddenCount = 0;
	if (ip_get_option(pcb, SOF_REUSEADDR) && port != 0) {
		struct tcp_pcb *tw = tcp_tw_pcbs;
		while (tw) {
			struct tcp_pcb *next = tw->next;
			if (tw->local_port == port)
				__real_tcp_abort(tw);
			tw = next;
		}
		for (struct tcp_pcb *active = tcp_active_pcbs; active != NULL && hiddenCount < MEMP_NUM_TCP_PCB; active = active->next) {
			if (active->local_port == port && ip_get_option(active, SOF_REUSEADDR)) {
				active->local_port = 0;
				hidden[hiddenCount++] = active;
			}
		}
	}
	err_t result = __real_tcp_bind(pcb, ipaddr, port);
	while (hiddenCount > 0)
		hidden[--hiddenCount]->local_port = port;
	unlock(c);
	return result;
}
LOCKED(struct tcp_pcb *, tcp_listen_with_backlog, (struct tcp_pcb *pcb, u8_t backlog), (pcb, backlog))
/*
 * A write of Moddable's socket module goes to lwIP in pieces (xs_socket_write: 128 bytes at a time from
 * whatever address on an RP2040, its "in flash" test being address >= flash start; and one tcp_write per
 * argument), the lock let go between them. Each piece is appended to the segment the first began, so a
 * write takes one segment's buffer of lwIP's heap (TCP_OVERSIZE: 1,532 bytes), as the board's budget
 * counts it (hosts/moddable/in-flight.ts). But lwIP may send that segment between two pieces: a segment
 * in from the peer (tcp_input ends with tcp_output), TCP's timer (a delayed ACK owed). The next piece
 * then began a second buffer: three in a heap of 4,000 with another socket's, and the board waited
 * 25 ms at a time for lwIP to free one (found on the emulated Pico W: a client's ACK between two pieces).
 * So while a write is given in pieces, tcp_output of its pcb waits: the socket module sends it when the
 * write is done (its pending output), and lwIP's ACKs and timers go out then. A piece lwIP refuses for
 * want of memory lets the output go, as before: the socket module waits for lwIP to free some.
 */
#include "xs.h"

static bool inSocketWrite;
/* The pcb a socket write is filling, from its first piece; NULL otherwise. */
static struct tcp_pcb *filling;

err_t __real_tcp_write(struct tcp_pcb *pcb, const void *data, u16_t len, u8_t apiflags);
err_t __wrap_tcp_write(struct tcp_pcb *pcb, const void *data, u16_t len, u8_t apiflags)
{
	async_context_t *c = locked();
	if (inSocketWrite)
		filling = pcb;
	err_t result = __real_tcp_write(pcb, data, len, apiflags);
	if (result == ERR_MEM)
		filling = NULL;
	unlock(c);
	return result;
}

err_t __real_tcp_output(struct tcp_pcb *pcb);
err_t __wrap_tcp_output(struct tcp_pcb *pcb)
{
	if (pcb == filling)
		return ERR_OK;
	async_context_t *c = locked();
	err_t result = __real_tcp_output(pcb);
	unlock(c);
	return result;
}

void __real_xs_socket_write(xsMachine *the);
void __wrap_xs_socket_write(xsMachine *the)
{
	inSocketWrite = true;
	xsTry {
		__real_xs_socket_write(the);
	}
	xsCatch {
		inSocketWrite = false;
		filling = NULL;
		xsThrow(xsException);
	}
	inSocketWrite = false;
	filling = NULL;
}
LOCKED_VOID(tcp_recved, (struct tcp_pcb *pcb, u16_t len), (pcb, len))
/*
 * Moddable's tcp_close_safe (modLwipSafe.h, every port but the ESP32) is
 * tcp_close(pcb) then tcp_abort(pcb), for an ESP8266 leak. But a pcb that
 * tcp_close returns ERR_OK for is lwIP's: it may already be freed (a close
 * with unread input sends a reset and frees it at once), and tcp_abort then
 * frees it again. The pool hands that pcb out twice, tcp_active_pcbs links
 * it to itself, and the board hangs in tcp_input (found on the emulated
 * Pico W: a WebSocket closed after an oversized message, the next connection
 * reusing its pcb). Freed or not, the abort also turned every close into a
 * reset that drops what was not yet sent (a response's end, a close frame).
 * So an abort of the pcb the main loop's previous lwIP call closed is that
 * macro's, and is skipped; the close stands.
 */
static void forgetFailedConnect(struct tcp_pcb *pcb);

/*
 * A close while data waits behind a window the peer keeps shut, or for a peer out of reach, resets
 * the connection: the peer offers no room (a client that stopped reading: its TCP acknowledges what
 * it has and offers none) with data
 * sent or unsent, or nothing is in flight and the room it offers is smaller than the next segment
 * (lwIP sends no part of a segment, and splitting it needs a buffer its heap may not have: it sends
 * nothing until the window grows). Apps close such a socket only once they have given up on the peer:
 * after their own linger for its acknowledgement (the WoT server's ACK_WAIT_MS), or when it has
 * acknowledged nothing for too long (hosts/moddable/in-flight.ts), so what is left could not go anyway.
 * Closed, lwIP kept the pcb in FIN_WAIT_1 with those segments in its 4,000-byte heap, probing the
 * window for 7.6 minutes (TCP_MAXRTX probes on the persist backoff): a pcb of five and a segment's
 * buffer the app's budget no longer counts (found on the emulated Pico W: a WebSocket client closed
 * with 1008 for not reading; two HTTP clients that stopped reading a 6 KB answer, one of them offered
 * 256 bytes for a 1,460-byte segment). A peer that has acknowledged nothing for a second (a client
 * answers within its delayed ACK and a round trip) is out of reach, whatever its window: closed, lwIP
 * retransmitted to it for half a minute more (an HTTP client given up after 3 s, the budget's other
 * socket waiting), its buffer beside the budget's two. Otherwise a close with data in flight to an
 * open window is a close: Moddable's own http module closes at the first acknowledgement after its
 * last write (lwIP's retransmission timer restarts then). The abort is the close's: the macro's own
 * abort after it is skipped.
 */
static bool dataStuck(const struct tcp_pcb *pcb)
{
	if (pcb->state != ESTABLISHED && pcb->state != CLOSE_WAIT)
		return false;
	if (pcb->snd_wnd == 0)
		return pcb->unsent != NULL || pcb->unacked != NULL;
	if (pcb->unacked != NULL)	/* out of reach, not slow: a retransmission timed out, or a second passed without an ACK */
		return pcb->nrtx > 0 || pcb->rtime >= 1000 / TCP_SLOW_INTERVAL;
	return pcb->unsent != NULL && pcb->snd_wnd < pcb->unsent->len;
}

err_t __real_tcp_close(struct tcp_pcb *pcb);
void __real_tcp_abort(struct tcp_pcb *pcb);
err_t __wrap_tcp_close(struct tcp_pcb *pcb)
{
	async_context_t *c = locked();
	forgetFailedConnect(pcb);
	err_t result = ERR_OK;
	if (dataStuck(pcb))
		__real_tcp_abort(pcb);
	else
		result = __real_tcp_close(pcb);
	unlock(c);
	justClosed = (result == ERR_OK) ? pcb : NULL;
	return result;
}

void __wrap_tcp_abort(struct tcp_pcb *pcb)
{
	if (pcb == justClosed) {
		justClosed = NULL;
		return;
	}
	async_context_t *c = locked();
	forgetFailedConnect(pcb);
	__real_tcp_abort(pcb);
	unlock(c);
}

/*
 * A connect that fails at once (no route: the Wi-Fi link is down; no memory)
 * is reported the way lwIP reports every other failed connect: through the
 * pcb's error callback, from the radio's background work. Moddable's
 * ECMA-419 TCP (modules/io/socket/lwip/tcp.c) throws "connect error" from
 * its constructor after it has remembered the socket (xsRemember), so neither
 * the app nor the garbage collector could ever close that socket or free its
 * pcb: five tries with the access point away and lwIP's pool was empty, every
 * later socket "no socket", also once the Wi-Fi was back (found on the
 * emulated Pico W). Now the app gets the socket, then its onError, and closes
 * it as it closes any that failed. The abort waits in a list of its own (not
 * a sys_timeout: lwIP's timeout pool holds its own timers and no more); a
 * close or abort of the pcb before then takes it out.
 */
static struct tcp_pcb *failedConnects[MEMP_NUM_TCP_PCB];

static void abortFailedConnects(async_context_t *context, async_when_pending_worker_t *worker)
{
	for (int i = 0; i < MEMP_NUM_TCP_PCB; i++) {
		struct tcp_pcb *pcb = failedConnects[i];
		failedConnects[i] = NULL;
		if (pcb)
			__real_tcp_abort(pcb); /* background work: the lock is held */
	}
}

static async_when_pending_worker_t failedConnectWorker = { .do_work = abortFailedConnects };
static bool failedConnectWorkerAdded;

static void forgetFailedConnect(struct tcp_pcb *pcb)
{
	for (int i = 0; i < MEMP_NUM_TCP_PCB; i++)
		if (failedConnects[i] == pcb)
			failedConnects[i] = NULL;
}

err_t __real_tcp_connect(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port, tcp_connected_fn connected);
err_t __wrap_tcp_connect(struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port, tcp_connected_fn connected)
{
	async_context_t *c = locked();
	err_t result = __real_tcp_connect(pcb, ipaddr, port, connected);
	if (c && ((result == ERR_RTE) || (result == ERR_MEM) || (result == ERR_BUF))) {
		for (int i = 0; i < MEMP_NUM_TCP_PCB; i++) {
			if (failedConnects[i] == NULL) {
				failedConnects[i] = pcb;
				if (!failedConnectWorkerAdded)
					failedConnectWorkerAdded = async_context_add_when_pending_worker(c, &failedConnectWorker);
				async_context_set_work_pending(c, &failedConnectWorker);
				result = ERR_OK;
				break;
			}
		}
	}
	unlock(c);
	return result;
}
LOCKED(struct udp_pcb *, udp_new, (void), ())
LOCKED(err_t, udp_bind, (struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port), (pcb, ipaddr, port))
LOCKED(err_t, udp_sendto, (struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst, u16_t port), (pcb, p, dst, port))
LOCKED_VOID(udp_remove, (struct udp_pcb *pcb), (pcb))
/* A question's retries and timeout, and the answer's time to live, are DNS's timer's: lwip-timers.c runs it from the network's first use on. */
void lwip_timers_network_used(void);
err_t __real_dns_gethostbyname(const char *hostname, ip_addr_t *addr, dns_found_callback found, void *arg);
err_t __wrap_dns_gethostbyname(const char *hostname, ip_addr_t *addr, dns_found_callback found, void *arg)
{
	async_context_t *c = locked();
	lwip_timers_network_used();
	err_t result = __real_dns_gethostbyname(hostname, addr, found, arg);
	unlock(c);
	return result;
}
/* A join sends its report and sets the timer of its repeat: lwip-timers.c runs IGMP's timer while one is set. */
void lwip_timers_check(void);
err_t __real_igmp_joingroup(const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr);
err_t __wrap_igmp_joingroup(const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr)
{
	async_context_t *c = locked();
	err_t result = __real_igmp_joingroup(ifaddr, groupaddr);
	lwip_timers_check();
	unlock(c);
	return result;
}
LOCKED(err_t, igmp_leavegroup, (const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr), (ifaddr, groupaddr))
LOCKED_VOID(tcp_arg, (struct tcp_pcb *pcb, void *arg), (pcb, arg))
LOCKED_VOID(tcp_err, (struct tcp_pcb *pcb, tcp_err_fn err), (pcb, err))
LOCKED_VOID(tcp_sent, (struct tcp_pcb *pcb, tcp_sent_fn sent), (pcb, sent))
LOCKED_VOID(udp_recv, (struct udp_pcb *pcb, udp_recv_fn recv, void *recv_arg), (pcb, recv, recv_arg))
LOCKED(struct raw_pcb *, raw_new, (u8_t proto), (proto))
LOCKED(err_t, raw_bind, (struct raw_pcb *pcb, const ip_addr_t *ipaddr), (pcb, ipaddr))
LOCKED_VOID(raw_recv, (struct raw_pcb *pcb, raw_recv_fn recv, void *recv_arg), (pcb, recv, recv_arg))
LOCKED(err_t, raw_sendto, (struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *ipaddr), (pcb, p, ipaddr))
LOCKED_VOID(raw_remove, (struct raw_pcb *pcb), (pcb))
/*
 * A client may close its side once its request is sent (a half-close: `nc -N`,
 * a script's shutdown(SHUT_WR)) and still read the answer, which Node's server
 * gives it. Moddable's socket (modSocket.c's didReceive), at the peer's FIN,
 * drops the pcb's sent and error callbacks with its receive callback: the app
 * hears of no more acknowledgements, so an answer sent a segment at a time as
 * they come stalls, and of no reset, so a pcb lwIP frees on one would still be
 * the socket's. A connection a listener accepted has its receive callback
 * called through receiveServed: the sent and error callbacks Moddable clears
 * at the FIN are set again after it (the socket's record lives until the app
 * closes it, and a close clears them from the main loop first, as before). The
 * board's server then answers a half-closed client (config.socketWritesAfterFin,
 * manifests/thingflow-net.json).
 */
static struct { struct tcp_pcb *pcb; tcp_recv_fn recv; } servedPcbs[MEMP_NUM_TCP_PCB];

static void served(struct tcp_pcb *pcb)
{
	for (int i = 0; i < MEMP_NUM_TCP_PCB; i++) {
		if (servedPcbs[i].pcb == NULL || servedPcbs[i].pcb == pcb) {
			servedPcbs[i].pcb = pcb;
			servedPcbs[i].recv = NULL;
			return;
		}
	}
}

static int servedAt(struct tcp_pcb *pcb)
{
	for (int i = 0; i < MEMP_NUM_TCP_PCB; i++) {
		if (servedPcbs[i].pcb == pcb)
			return i;
	}
	return -1;
}

static void forgetServed(struct tcp_pcb *pcb)
{
	int i = servedAt(pcb);
	if (i >= 0)
		servedPcbs[i].pcb = NULL;
}

static err_t receiveServed(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	int i = servedAt(pcb);
	tcp_recv_fn recv = i < 0 ? NULL : servedPcbs[i].recv;
	if (recv == NULL) {
		if (p != NULL)
			return ERR_MEM; // not expected: lwIP delivers it again later
		return ERR_OK;
	}
	if (p != NULL)
		return recv(arg, pcb, p, err);
	tcp_sent_fn sent = pcb->sent;
	tcp_err_fn errf = pcb->errf;
	err_t result = recv(arg, pcb, p, err);
	if (pcb->sent == NULL && pcb->errf == NULL && sent != NULL && errf != NULL) {
		__real_tcp_sent(pcb, sent);
		__real_tcp_err(pcb, errf);
	}
	return result;
}

/* A pcb the app makes is no listener's: a record left for a freed pcb at its address is dropped. */
struct tcp_pcb *__real_tcp_new(void);
struct tcp_pcb *__wrap_tcp_new(void)
{
	async_context_t *c = locked();
	struct tcp_pcb *pcb = __real_tcp_new();
	if (pcb != NULL)
		forgetServed(pcb);
	unlock(c);
	return pcb;
}

void __real_tcp_recv(struct tcp_pcb *pcb, tcp_recv_fn recv);
void __wrap_tcp_recv(struct tcp_pcb *pcb, tcp_recv_fn recv)
{
	async_context_t *c = locked();
	int i = servedAt(pcb);
	if (i >= 0) {
		if (recv == NULL)
			servedPcbs[i].pcb = NULL;
		else {
			servedPcbs[i].recv = recv;
			recv = receiveServed;
		}
	}
	__real_tcp_recv(pcb, recv);
	unlock(c);
}

/*
 * Moddable's listener (modSocket.c's didAccept) mishandles the two accepts it
 * cannot take. lwIP with no pcb for a client's SYN still calls the accept
 * function (ERR_MEM, no pcb) to say so, and didAccept queues a socket for it
 * with no connection behind it, which holds a place in the listener's queue
 * (8) until the app has taken and closed it. With the queue full (or no
 * memory for its record) didAccept returns ERR_ABRT, "lwip will close"; but
 * ERR_ABRT tells lwIP the callback has aborted the pcb, so lwIP leaves it be:
 * ESTABLISHED with no owner, the client's request never read. In a burst of
 * clients (the host check firmware's sixteen) the SYNs lwIP had no pcb for
 * filled the queue, and a real connection then came to a full queue: its
 * client was never answered, on some builds every time. (The ECMA-419
 * listener would queue the absent pcb too, and returns ERR_ABRT the same way
 * in the debugger.)
 * So a listener's accept function is called through acceptConnection: an
 * accept without a pcb is not passed on (lwIP ignores what it returns; the
 * client sends its SYN again, and gets a pcb once one is free), and a
 * connection the listener refuses is aborted here, so its client gets a reset
 * and lwIP its pcb back. A listener's function is found by the listening
 * pcb's callback argument, which both listeners set before their tcp_accept
 * and lwIP passes to each accept.
 */
static struct { void *arg; tcp_accept_fn accept; } listeners[MEMP_NUM_TCP_PCB_LISTEN];

static tcp_accept_fn listenerAccept(void *arg)
{
	for (int i = 0; i < MEMP_NUM_TCP_PCB_LISTEN; i++) {
		if (listeners[i].accept != NULL && listeners[i].arg == arg)
			return listeners[i].accept;
	}
	return NULL;
}

static err_t acceptConnection(void *arg, struct tcp_pcb *pcb, err_t err)
{
	if (pcb == NULL || err != ERR_OK)
		return ERR_OK;
	tcp_accept_fn accept = listenerAccept(arg);
	if (accept == NULL)
		return ERR_VAL; // no listener: lwIP aborts the connection
	served(pcb); // before the listener sets its receive callback
	err_t result = accept(arg, pcb, err);
	if (result == ERR_ABRT) {
		forgetServed(pcb);
		__real_tcp_abort(pcb); // neither listener aborts before it returns ERR_ABRT ("lwip will close")
	}
	return result;
}

void __real_tcp_accept(struct tcp_pcb *pcb, tcp_accept_fn accept);
void __wrap_tcp_accept(struct tcp_pcb *pcb, tcp_accept_fn accept)
{
	async_context_t *c = locked();
	void *arg = pcb->callback_arg;
	for (int i = 0; i < MEMP_NUM_TCP_PCB_LISTEN; i++) {
		if (listeners[i].accept != NULL && listeners[i].arg == arg)
			listeners[i].accept = NULL;
	}
	if (accept != NULL) {
		for (int i = 0; i < MEMP_NUM_TCP_PCB_LISTEN; i++) {
			if (listeners[i].accept == NULL) {
				listeners[i].arg = arg;
				listeners[i].accept = accept;
				accept = acceptConnection;
				break;
			}
		}
	}
	__real_tcp_accept(pcb, accept);
	unlock(c);
}

/*
 * A TCP segment without data (a FIN, a SYN-ACK: lwIP's tcp_enqueue_flags asks
 * for PBUF_TRANSPORT and PBUF_RAM, its options' few bytes) is kept until the
 * peer acknowledges it. From lwIP's heap (4,000 bytes on a Pico W, first fit)
 * its 72 bytes took the front of the hole a freed segment buffer had left, and
 * with another connection's buffer after that hole the next 1,532-byte segment
 * buffer (TCP_OVERSIZE: whatever the write) fitted nowhere: two fit the heap,
 * not around such a block, and the board waited 25 ms (the host check
 * firmware's WebSocket closes). So such a segment takes a buffer from the pbuf
 * pool (24 on a Pico W, the radio's input's), the heap only when the pool is
 * empty. lwIP's own calls come through this wrapper too (--wrap binds every
 * reference across its objects). A short UDP datagram (a DNS query) does the
 * same, for the moment it is sent.
 */
#define HEADER_ONLY_BYTES 40
struct pbuf *__real_pbuf_alloc(pbuf_layer layer, u16_t length, pbuf_type type);
struct pbuf *__wrap_pbuf_alloc(pbuf_layer layer, u16_t length, pbuf_type type)
{
	async_context_t *c = locked();
	struct pbuf *p = NULL;
	if (type == PBUF_RAM && layer == PBUF_TRANSPORT && length <= HEADER_ONLY_BYTES)
		p = __real_pbuf_alloc(layer, length, PBUF_POOL);
	if (p == NULL)
		p = __real_pbuf_alloc(layer, length, type);
	unlock(c);
	return p;
}
LOCKED(u8_t, pbuf_free, (struct pbuf *p), (p))
/*
 * Moddable's multicast joins ask lwIP for interface 0 (modSocket.c's UDP
 * socket, which mDNS uses, and the ECMA-419 UDP socket): lwIP numbers its
 * interfaces from 1 (0 is NETIF_NO_INDEX), so they got NULL, read "its"
 * address from address 4 (the boot ROM's reset vector, 0xef) and joined no
 * group. The board's lwIP then dropped every mDNS query: a Pico W answered
 * none, and was found only while it announced itself, its first 30 seconds.
 * Index 0 is taken as the default interface, the radio's station; lwIP's own
 * calls never ask for 0 (they test for NETIF_NO_INDEX first).
 */
struct netif *__real_netif_get_by_index(u8_t idx);
struct netif *__wrap_netif_get_by_index(u8_t idx)
{
	async_context_t *c = locked();
	struct netif *netif = idx == NETIF_NO_INDEX ? netif_default : __real_netif_get_by_index(idx);
	unlock(c);
	return netif;
}
LOCKED_VOID(netif_set_addr, (struct netif *netif, const ip4_addr_t *ipaddr, const ip4_addr_t *netmask, const ip4_addr_t *gw), (netif, ipaddr, netmask, gw))
LOCKED_VOID(netif_set_link_callback, (struct netif *netif, netif_status_callback_fn callback), (netif, callback))
LOCKED_VOID(netif_set_status_callback, (struct netif *netif, netif_status_callback_fn callback), (netif, callback))
/* DHCP's request goes out (if the link is up) and its answer is timed by DHCP's fine timer, which lwip-timers.c runs while one is out. */
err_t __real_dhcp_start(struct netif *netif);
err_t __wrap_dhcp_start(struct netif *netif)
{
	async_context_t *c = locked();
	err_t result = __real_dhcp_start(netif);
	lwip_timers_check();
	unlock(c);
	return result;
}
LOCKED_VOID(dhcp_stop, (struct netif *netif), (netif))

/*
 * Reading an ECMA-419 TCP socket (Moddable's modules/io/socket/lwip/tcp.c,
 * the MQTT client's) walks and unlinks the socket's list of received
 * segments, which its lwIP receive callback appends to from the radio's
 * interrupt, with no guard: a segment appended to the one being unlinked
 * was lost, its data never read and its window never opened again. Moddable's
 * older socket guards its queue (a critical section); this one does not. The
 * read holds the lock, so the radio's work waits until it is done; an
 * exception the read throws releases it on the way.
 */

void __real_xs_tcp_read(xsMachine *the);
void __wrap_xs_tcp_read(xsMachine *the)
{
	async_context_t *c = locked();
	xsTry {
		__real_xs_tcp_read(the);
	}
	xsCatch {
		unlock(c);
		xsThrow(xsException);
	}
	unlock(c);
}
