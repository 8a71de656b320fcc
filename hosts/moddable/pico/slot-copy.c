/*
 * XS's slot copies and clears on a Pico without newlib's general loop.
 *
 * An XS slot is 16 bytes, aligned (txSlot: a next pointer, the ID and flags,
 * an 8-byte value). On the Cortex-M0+ GCC compiles every slot assignment of
 * the interpreter (`*--mxStack = *slot`, xsRun.c) into a memcpy call: GCC's
 * Thumb-1 inline block copy wants exactly 4-byte alignment, and txSlot is
 * 8-aligned for its double. newlib's memcpy takes ~69 cycles for 16 bytes
 * (a push, its size and alignment tests, a loop of one turn, its tail, a
 * pop); the JavaScript of a lux demo wake made ~170 of them. The
 * interpreter's clears are memsets of whole slots to zero (a frame's
 * locals, a new chunk's slots): 64 cycles for one.
 *
 * Measured in the emulator over the lux demo's run (docs/moddable.md):
 * every memcpy was 16 bytes between 4-aligned addresses, every memset a zero
 * fill of 16 to 400 bytes, a multiple of 16. So both are wrapped, in every
 * image, newlib's own calls included: memcpy of exactly 16 bytes between
 * 4-aligned addresses is four word loads and stores (24 cycles); memset of
 * zero over a 4-aligned multiple of 16 bytes, a loop of four word stores (23
 * cycles for one slot); anything else goes to newlib's, its arguments
 * untouched. In SRAM (.time_critical, which the port's linker script places
 * there), as newlib's are: the interpreter's loop runs from SRAM too, so its
 * calls are direct.
 *
 * The names are not __wrap_memcpy and __wrap_memset: the pico-sdk's
 * mem_ops_aeabi.S, which Moddable's make file links though it never passes
 * the wraps that would use it (make.pico.mk's LDFLAGS_RP2040, never added
 * to LDFLAGS), defines those two. manifests/pico-port.json wraps memcpy and
 * memset and points the wraps here (-Wl,--defsym=__wrap_memcpy=
 * thingflow_memcpy: a definition of the linker's own, which wins over the
 * SDK's, left unused).
 */
#include <stddef.h>

__attribute__((naked, used, section(".time_critical.thingflow_slot_copy")))
void *thingflow_memcpy(void *dst, const void *src, size_t n)
{
	(void)dst; (void)src; (void)n;
	__asm volatile (
		"	.syntax unified\n"	/* GCC hands Thumb-1 inline assembly over in divided syntax, and sets unified again after it */
		"	cmp	r2, #16\n"
		"	bne	1f\n"
		"	mov	r3, r0\n"
		"	orrs	r3, r1\n"
		"	lsls	r3, r3, #30\n"	/* dst and src 4-aligned: their low two bits clear */
		"	bne	1f\n"
		"	ldr	r2, [r1]\n"
		"	ldr	r3, [r1, #4]\n"
		"	str	r2, [r0]\n"
		"	str	r3, [r0, #4]\n"
		"	ldr	r2, [r1, #8]\n"
		"	ldr	r3, [r1, #12]\n"
		"	str	r2, [r0, #8]\n"
		"	str	r3, [r0, #12]\n"
		"	bx	lr\n"
		"1:	ldr	r3, =__real_memcpy\n"
		"	bx	r3\n"
		"	.ltorg\n"
	);
}

__attribute__((naked, used, section(".time_critical.thingflow_slot_clear")))
void *thingflow_memset(void *dst, int c, size_t n)
{
	(void)dst; (void)c; (void)n;
	__asm volatile (
		"	.syntax unified\n"	/* GCC hands Thumb-1 inline assembly over in divided syntax */
		"	lsls	r3, r0, #30\n"	/* dst 4-aligned */
		"	bne	1f\n"
		"	lsls	r3, r2, #28\n"	/* n a multiple of 16 */
		"	bne	1f\n"
		"	cmp	r2, #0\n"
		"	beq	1f\n"
		"	lsls	r3, r1, #24\n"	/* the fill, (unsigned char)c, is zero */
		"	bne	1f\n"
		"	movs	r1, #0\n"
		"	mov	r3, r0\n"
		"2:	str	r1, [r3]\n"
		"	str	r1, [r3, #4]\n"
		"	str	r1, [r3, #8]\n"
		"	str	r1, [r3, #12]\n"
		"	adds	r3, #16\n"
		"	subs	r2, #16\n"
		"	bne	2b\n"
		"	bx	lr\n"
		"1:	ldr	r3, =__real_memset\n"
		"	bx	r3\n"
		"	.ltorg\n"
	);
}
