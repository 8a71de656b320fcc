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
 * Each lwIP call Moddable's sockets, UDP and DNS make from the main loop is
 * wrapped here (manifests/thingflow-net.json wraps them for the boards with
 * the radio) to hold the lock: the work waits, and runs when the wrapper
 * releases it, after the call. Calls lwIP makes itself, in that work, take
 * the lock again on the same core (it is recursive): nothing more. Before
 * the radio is up there is no context and nothing to lock.
 */
#include "pico/cyw43_arch.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "lwip/dns.h"
#include "lwip/igmp.h"

static async_context_t *locked(void)
{
	async_context_t *context = cyw43_arch_async_context();
	if (context)
		async_context_acquire_lock_blocking(context);
	return context;
}

static void unlock(async_context_t *context)
{
	if (context)
		async_context_release_lock(context);
}

#define LOCKED(type, name, params, args) \
	type __real_##name params; \
	type __wrap_##name params { async_context_t *c = locked(); type result = __real_##name args; unlock(c); return result; }
#define LOCKED_VOID(name, params, args) \
	void __real_##name params; \
	void __wrap_##name params { async_context_t *c = locked(); __real_##name args; unlock(c); }

LOCKED(struct tcp_pcb *, tcp_new, (void), ())
LOCKED(err_t, tcp_bind, (struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port), (pcb, ipaddr, port))
LOCKED(struct tcp_pcb *, tcp_listen_with_backlog, (struct tcp_pcb *pcb, u8_t backlog), (pcb, backlog))
LOCKED(err_t, tcp_connect, (struct tcp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port, tcp_connected_fn connected), (pcb, ipaddr, port, connected))
LOCKED(err_t, tcp_write, (struct tcp_pcb *pcb, const void *data, u16_t len, u8_t apiflags), (pcb, data, len, apiflags))
LOCKED(err_t, tcp_output, (struct tcp_pcb *pcb), (pcb))
LOCKED_VOID(tcp_recved, (struct tcp_pcb *pcb, u16_t len), (pcb, len))
LOCKED(err_t, tcp_close, (struct tcp_pcb *pcb), (pcb))
LOCKED_VOID(tcp_abort, (struct tcp_pcb *pcb), (pcb))
LOCKED(struct udp_pcb *, udp_new, (void), ())
LOCKED(err_t, udp_bind, (struct udp_pcb *pcb, const ip_addr_t *ipaddr, u16_t port), (pcb, ipaddr, port))
LOCKED(err_t, udp_sendto, (struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *dst, u16_t port), (pcb, p, dst, port))
LOCKED_VOID(udp_remove, (struct udp_pcb *pcb), (pcb))
LOCKED(err_t, dns_gethostbyname, (const char *hostname, ip_addr_t *addr, dns_found_callback found, void *arg), (hostname, addr, found, arg))
LOCKED(err_t, igmp_joingroup, (const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr), (ifaddr, groupaddr))
LOCKED(err_t, igmp_leavegroup, (const ip4_addr_t *ifaddr, const ip4_addr_t *groupaddr), (ifaddr, groupaddr))
