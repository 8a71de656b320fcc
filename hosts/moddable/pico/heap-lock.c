/*
 * The C heap is entered with interrupts off.
 *
 * Moddable's pico port (SDK 8.2.3) allocates from interrupts: on a Pico W the
 * pico-sdk runs lwIP's input from a low-priority interrupt (its async
 * context's background work), and Moddable's lwIP callbacks there call
 * malloc and calloc: every posted message (modMessagePostToMachine), each
 * accepted connection's record (didAccept), each received segment's buffer
 * (the ECMA-419 TCP socket). newlib's malloc is not reentrant, and the
 * pico-sdk guards it with nothing on a single core (PICO_USE_MALLOC_MUTEX is
 * for multicore only, and a mutex cannot be taken in an interrupt anyway).
 * An interrupt that allocates while the main loop is inside malloc or free
 * corrupts the heap's free lists. The emulator showed it: in the host check's
 * run (a burst of HTTP clients, the MQTT client connecting) an interrupt
 * entered the heap while the main loop was in it in about one run of three,
 * and the board then died on a wild pointer (an unaligned read in XS, or the
 * corrupt list of remembered slots in fxForget).
 *
 * newlib calls __malloc_lock and __malloc_unlock around its heap work (malloc,
 * free, realloc, calloc and the sbrk under them); its own are empty. These
 * mask interrupts for that time, nested as newlib nests them (realloc calls
 * malloc and free). An interrupt that comes meanwhile runs when the heap is
 * whole again, a few microseconds later; one that allocates is itself inside
 * the heap with interrupts masked, so nothing interleaves.
 * test/firmware/heap-irq-check.ts checks it in the emulator.
 */
#include <stdint.h>
#include <reent.h>
#include "hardware/sync.h"

static uint32_t gHeapInterrupts;	/* the interrupt mask before the outermost lock */
static uint32_t gHeapDepth;

void __malloc_lock(struct _reent *reent)
{
	(void)reent;
	uint32_t interrupts = save_and_disable_interrupts();
	if (0 == gHeapDepth++)
		gHeapInterrupts = interrupts;
}

void __malloc_unlock(struct _reent *reent)
{
	(void)reent;
	if (0 == --gHeapDepth)
		restore_interrupts(gHeapInterrupts);
}
