/**
 * A minimal event emitter: on/off/emit over arrays that are replaced, not
 * mutated, so a listener may remove itself while an event is delivered.
 * A listener that throws is reported and the others still run: a bad
 * subscriber must not take the connection down.
 */
import { reportError } from '../../core/report-error';

type Listener = (...args: any[]) => void;

/**
 * A plain object, not `Object.create(null)`: that one is a dictionary from the start (~230 bytes per
 * client of a fleet), a literal keeps its few event names as fast properties. Own properties only,
 * so `constructor` and the like are never taken for a list.
 */
export class EventListeners<E extends string> {
  private readonly table: { [ev: string]: readonly Listener[] } = {};

  private list(ev: E): readonly Listener[] | undefined {
    return Object.prototype.hasOwnProperty.call(this.table, ev) ? this.table[ev] : undefined;
  }

  on(ev: E, fn: Listener): void {
    this.table[ev] = (this.list(ev) ?? []).concat(fn);
  }

  off(ev: E, fn: Listener): void {
    const list = this.list(ev);
    if (!list) return;
    const i = list.indexOf(fn);
    if (i >= 0) this.table[ev] = list.slice(0, i).concat(list.slice(i + 1));
  }

  has(ev: E): boolean {
    const list = this.list(ev);
    return list !== undefined && list.length > 0;
  }

  emit(ev: E, a?: unknown, b?: unknown, c?: unknown): void {
    const list = this.list(ev);
    if (!list) return;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i](a, b, c);
      } catch (e) {
        reportError(`thingflow: an MQTT '${ev}' listener threw:`, e);
      }
    }
  }
}
