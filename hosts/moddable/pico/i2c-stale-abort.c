/*
 * An I2C transfer on a Pico is not failed by the previous transfer's abort.
 *
 * When a transfer times out (a device holds SDA: a hung bus), the pico-sdk
 * (2.2.0, hardware_i2c/i2c.c) returns PICO_ERROR_TIMEOUT without looking at
 * the controller again. If the controller then gives up on that transfer
 * (lost arbitration), its abort stays latched: the DesignWare controller keeps
 * IC_TX_ABRT_SOURCE and holds its TX FIFO flushed until IC_CLR_TX_ABRT is
 * read. The next transfer, to any device and after the bus has long recovered,
 * writes into the flushed FIFO, reads that stale abort and fails too: a
 * sensor read lost for a fault that was over (the emulator shows it:
 * test/firmware, the hung-bus scenario).
 *
 * Moddable's I2C (modules/io/i2c/pico) calls i2c_write_timeout_us and
 * i2c_read_timeout_us, inline calls of the two functions wrapped here
 * (manifests/pico-port.json links this file and wraps them), so the pico-sdk is
 * not changed. Before a transfer starts, an abort still latched belongs to an
 * earlier transfer that has returned: it is cleared. Without one, nothing is
 * done (one register read).
 */
#include "hardware/i2c.h"

int __real_i2c_write_blocking_until(i2c_inst_t *i2c, uint8_t addr, const uint8_t *src, size_t len, bool nostop, absolute_time_t until);
int __real_i2c_read_blocking_until(i2c_inst_t *i2c, uint8_t addr, uint8_t *dst, size_t len, bool nostop, absolute_time_t until);

static void clearStaleAbort(i2c_inst_t *i2c)
{
	if (i2c->hw->raw_intr_stat & I2C_IC_RAW_INTR_STAT_TX_ABRT_BITS)
		(void)i2c->hw->clr_tx_abrt;	/* clear-on-read: clears the source and releases the TX FIFO */
}

int __wrap_i2c_write_blocking_until(i2c_inst_t *i2c, uint8_t addr, const uint8_t *src, size_t len, bool nostop, absolute_time_t until)
{
	clearStaleAbort(i2c);
	return __real_i2c_write_blocking_until(i2c, addr, src, len, nostop, until);
}

int __wrap_i2c_read_blocking_until(i2c_inst_t *i2c, uint8_t addr, uint8_t *dst, size_t len, bool nostop, absolute_time_t until)
{
	clearStaleAbort(i2c);
	return __real_i2c_read_blocking_until(i2c, addr, dst, len, nostop, until);
}
