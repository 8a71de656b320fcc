/**
 * The board's Wi-Fi on a Pico W (pico/pico_w, pico/pico_2_w), in place of the
 * Moddable SDK's `setup/network` (manifests/thingflow-net.json excludes that
 * one). Moddable's joins once: a board whose access point was away at power-up
 * never started its app (the SDK runs `main` only when every setup step is
 * done), and one whose access point rebooted stayed off the network for good,
 * its MQTT client reconnecting to nothing. Here:
 *
 * - the app starts once the board has an address (and the time, by SNTP, when
 *   the clock is unset and `config.sntp` names a server), or after
 *   `config.wifiWaitMs` (default 15 s) without one: a sensor's local work does
 *   not wait on the network, and joining goes on;
 * - a join that finds no network and a link that drops are tried again, 1 s
 *   after the first failure, the wait doubling to a minute, and back to 1 s
 *   once joined;
 * - an SNTP request with no answer is made again while joined, a minute
 *   later, the wait doubling to an hour; the answer, when it comes after the
 *   app started, is the app's clock's too (`wallClockWasSet`);
 * - the clock is set again by SNTP every `config.sntpResyncMs` (default 6 h;
 *   0 never), at the next join if the board is off the network then: a
 *   board's crystal drifts (an RP2040's ±30 ppm is ±2.6 s a day), and its
 *   events' timestamps with it. The app's clock takes each new time, to the
 *   millisecond (`./sntp-client`: Moddable's SNTP gave whole seconds).
 *
 * The console lines are Moddable's (`Wi-Fi connected to "..."`, `IP address
 * ...`), with one for each new try.
 */
import config from 'mc/config';
import Time from 'time';
import Timer from 'timer';
import WiFi from 'embedded:network/interface/wifi';
// By the name the apps' manifests give it: this module is `setup/network`, where `./wall-clock` would be `setup/wall-clock`.
import { wallClockWasSet } from 'thingflow/hosts/moddable/wall-clock';
import { askSntpTime } from 'thingflow/hosts/moddable/sntp-client';
import { MODDABLE_TICKS_PERIOD } from 'thingflow/hosts/moddable/clock';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 60_000;
/** No SNTP answer (Moddable's SNTP gives up after five requests, 5 s apart): asked again this much later while joined, doubling to an hour. */
const FIRST_TIME_RETRY_MS = 60_000;
const MAX_TIME_RETRY_MS = 3_600_000;
const DEFAULT_WAIT_MS = 15_000;
/** Set the clock again this often: an RP2040's crystal (±30 ppm) drifts up to 0.65 s in 6 h. */
const DEFAULT_RESYNC_MS = 6 * 3_600_000;
/** Moddable's setup takes a clock past this (2023-01-03) as set. */
const CLOCK_SET_AFTER_MS = 1672722071_000;
/** ECMA-419 network interface `connection` values: at or below this the board is not joined; from 400 joined; 500 with an address. */
const DISCONNECTED = 200, CONNECTED = 400, ADDRESSED = 500;

/**
 * `Date.now()` for the app, as near `nowMs` as Moddable's clock allows: `Time.set` takes whole seconds and
 * keeps the board's own milliseconds under them, so the second is chosen that leaves it within half of one.
 * Those milliseconds are read from `Date.now()` itself: a Pico's are its uptime's, which `Time.ticks`, a
 * 32-bit count, no longer gives after 49.7 days (hosts/moddable/pico/time-of-day.c).
 * (The events' timestamps take the time to the millisecond, from `wallClockWasSet`.)
 */
function setDateNow(nowMs: number): void {
  Time.set(Math.round((nowMs - (Date.now() % 1000)) / 1000));
}

export default function setupNetwork(done: () => void): void {
  const ssid = config.ssid as string | undefined;
  if (!ssid) {
    trace('No Wi-Fi SSID\n');
    done();
    return;
  }
  const waitMs = config.wifiWaitMs === undefined ? DEFAULT_WAIT_MS : Number(config.wifiWaitMs);
  const resyncMs = config.sntpResyncMs === undefined ? DEFAULT_RESYNC_MS : Number(config.sntpResyncMs);
  const keeper = new WiFiKeeper(ssid, config.password as string | undefined, config.sntp as string | undefined, resyncMs, done);
  keeper.join();
  keeper.startAfter(waitMs);
}

class WiFiKeeper {
  private readonly wifi: WiFi;
  private readonly joinOptions: { SSID: string; password?: string; secure?: boolean };
  /** Moddable's `done`, until the app has been started. */
  private startApp: (() => void) | undefined;
  private startTimer: Timer | undefined;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: Timer | undefined;
  private addressed = false;
  private askingTime = false;
  private timeRetryMs = FIRST_TIME_RETRY_MS;
  private timeRetryTimer: Timer | undefined;
  /** The clock is due to be set again (asked now if joined, else at the next join). */
  private resyncDue = false;
  /** The Unix ms at `Time.ticks >>> 0` = 0 the last answer gave: how far a re-sync moves the clock. */
  private epochMs: number | undefined;

  constructor(ssid: string, password: string | undefined, private readonly sntp: string | undefined, private readonly resyncMs: number, done: () => void) {
    this.startApp = done;
    this.joinOptions = password ? { SSID: ssid, password, secure: true } : { SSID: ssid };
    const keeper = this;
    this.wifi = new WiFi({
      onChanged() {
        keeper.changed();
      },
    });
  }

  join(): void {
    this.retryTimer = undefined;
    try {
      this.wifi.connect(this.joinOptions as { SSID: string; password?: string });
    } catch (e) {
      trace(`Wi-Fi: ${String(e)}\n`);
      this.tryAgain();
    }
  }

  /** Start the app after `ms` without an address (or, joined, without the time), if it has not started by then. */
  startAfter(ms: number): void {
    if (this.startApp === undefined || !(ms >= 0)) return;
    this.startTimer = Timer.set(() => {
      this.startTimer = undefined;
      if (this.startApp !== undefined) {
        trace(this.addressed ? `Wi-Fi: joined, no time yet after ${ms} ms; the app starts\n` : `Wi-Fi: not joined after ${ms} ms; the app starts, and joining goes on\n`);
      }
      this.start();
    }, ms);
  }

  private changed(): void {
    const connection = this.wifi.connection;
    if (connection >= ADDRESSED) {
      if (this.addressed) return;
      this.addressed = true;
      this.retryMs = FIRST_RETRY_MS;
      trace(`IP address ${this.wifi.address}\n`);
      this.askTime();
    } else if (connection >= CONNECTED) {
      trace(`Wi-Fi connected to "${this.wifi.SSID}"\n`);
    } else if (connection <= DISCONNECTED) {
      // A join that found no network (or was refused), or a link that went down.
      trace(this.addressed ? 'Wi-Fi disconnected\n' : 'Wi-Fi: not joined\n');
      this.addressed = false;
      this.tryAgain();
    }
  }

  private tryAgain(): void {
    if (this.retryTimer !== undefined) return;
    trace(`Wi-Fi: joining again in ${this.retryMs / 1000} s\n`);
    this.retryTimer = Timer.set(() => this.join(), this.retryMs);
    this.retryMs = this.retryMs * 2 >= MAX_RETRY_MS ? MAX_RETRY_MS : this.retryMs * 2;
  }

  /** The time by SNTP when the clock is unset or due to be set again (asked again later, or at the next join, if it fails), then the app. */
  private askTime(): void {
    if (this.sntp === undefined || this.askingTime || (Date.now() > CLOCK_SET_AFTER_MS && !this.resyncDue)) {
      this.start();
      return;
    }
    this.askingTime = true;
    const sntp = this.sntp;
    askSntpTime(sntp, (epochMs) => {
      const nowMs = epochMs + (Time.ticks >>> 0);
      trace(`got unix time ${Math.floor(nowMs / 1000)} from ${sntp}\n`); // Moddable's line, whole seconds: tools and tests read it
      if (this.resyncDue && this.epochMs !== undefined) {
        // The two answers' epochs are of one 2^32 ms count, or of two when the count wrapped between them.
        let moved = epochMs - this.epochMs;
        moved -= Math.round(moved / MODDABLE_TICKS_PERIOD) * MODDABLE_TICKS_PERIOD;
        trace(`SNTP: clock set again, ${moved >= 0 ? '+' : ''}${Math.round(moved)} ms\n`);
      }
      this.epochMs = epochMs;
      setDateNow(nowMs);
      wallClockWasSet(epochMs); // the app's events carry this time from its next wake (it may have started before the network)
      this.timeRetryMs = FIRST_TIME_RETRY_MS;
      this.resyncLater();
      this.timeAsked();
    }, (why) => {
      trace(`SNTP: ${why}\n`);
      trace("can't get time\n");
      this.askTimeAgain();
      this.timeAsked();
    });
  }

  private timeAsked(): void {
    this.askingTime = false;
    this.start();
  }

  /** No SNTP answer: asked again later while joined (a join asks anyway); the app's events count from boot meanwhile. */
  private askTimeAgain(): void {
    if (this.timeRetryTimer !== undefined) return;
    const ms = this.timeRetryMs;
    trace(`SNTP: asking again in ${ms / 1000} s\n`);
    this.timeRetryTimer = Timer.set(() => {
      this.timeRetryTimer = undefined;
      if (this.addressed) this.askTime();
    }, ms);
    this.timeRetryMs = ms * 2 >= MAX_TIME_RETRY_MS ? MAX_TIME_RETRY_MS : ms * 2;
  }

  /** Set the clock again `resyncMs` from now: asked then if joined, at the next join if not. */
  private resyncLater(): void {
    this.resyncDue = false;
    if (!(this.resyncMs > 0)) return;
    Timer.set(() => {
      this.resyncDue = true;
      if (this.addressed) this.askTime();
    }, this.resyncMs);
  }

  private start(): void {
    if (this.startTimer !== undefined) Timer.clear(this.startTimer);
    this.startTimer = undefined;
    const startApp = this.startApp;
    this.startApp = undefined;
    if (startApp !== undefined) startApp();
  }
}
