/**
 * A button or an interrupt line on a board as a push source: the runtime's
 * `DigitalEdgeSource` bound to the board's ECMA-419 `embedded:io/digital`
 * (what `device.io.Digital` is). Type-checked against @moddable/typings, so
 * the portable class's idea of a Digital input is the board's.
 *
 * ```ts
 * const button = digitalEdgeSource({ pin: device.pin.button, invert: true, edges: 'rising', scheduler });
 * const motion = digitalEdgeSource({ pin: 25, mode: Digital.Input, edges: 'rising', debounceMs: 0, scheduler }); // ADXL345 INT1
 * ```
 */
import Digital from 'embedded:io/digital';
import { DigitalEdgeSource, type DigitalEdgeSourceOptions, type DigitalInputClass } from '../../runtime/edges/digital-edge-source';

export type BoardDigitalEdgeOptions = Omit<DigitalEdgeSourceOptions, 'io'> & { io?: DigitalInputClass };

/** A debounced edge source on a board pin, with `embedded:io/digital` unless another class is given. */
export function digitalEdgeSource(opts: BoardDigitalEdgeOptions): DigitalEdgeSource {
  const io: DigitalInputClass = opts.io ?? Digital;
  return new DigitalEdgeSource({ ...opts, io });
}
