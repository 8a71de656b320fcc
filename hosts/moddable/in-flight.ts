/**
 * The most bytes a board's socket holds unacknowledged at once: one TCP
 * segment. What a socket reports as room is lwIP's send buffer (11,680 bytes
 * on a Pico W), but lwIP copies what it is given into its own heap until the
 * peer acknowledges it, and on a Pico W that heap is 4,000 bytes (the
 * pico-sdk's MEM_SIZE), shared with every other socket, ACK and mDNS answer.
 * A write the heap cannot take fails: Moddable's ECMA-419 socket then ends
 * the connection ("tcp write failed": a 3.5 KB MQTT publish did, every time),
 * and its `socket` module waits 25 ms and tries again, the whole board stopped
 * meanwhile (a 6 KB HTTP answer: 39 waits, almost a second). Given a segment
 * at a time, a socket sends the next when the peer has acknowledged it.
 */
export const MAX_IN_FLIGHT = 1460;

/** One socket's share of lwIP's heap: the room it reports, less what is still unacknowledged beyond MAX_IN_FLIGHT. */
export class InFlightCap {
  /** The socket's send buffer, empty: the most room it has reported. */
  private sendBuffer = 0;

  /** What may be given to the socket now, when it reports `free` bytes of room. */
  room(free: number): number {
    if (free > this.sendBuffer) this.sendBuffer = free;
    const room = MAX_IN_FLIGHT - (this.sendBuffer - free); // less what is still unacknowledged
    return room < free ? (room > 0 ? room : 0) : free;
  }
}
