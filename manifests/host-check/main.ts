/**
 * Exercises the Moddable host on a real Moddable runtime (the `lin`
 * simulator, or a board on a network): the scheduler on `ModdableClock`
 * (Timer + Time.ticks), the MQTT client on the ECMA-419 TCP transport against
 * the broker at config.mqtt, and the WebThingServer on config.wotPort (and
 * mDNS as config.mdns, when given).
 * Progress goes to `trace` as `host-check: ...` lines, which
 * test/hosts/moddable/lin-host-check.mjs reads.
 */
import config from 'mc/config';
import Timer from 'timer';
import { Socket } from 'socket';
import { ModdableClock } from 'thingflow/hosts/moddable/index';
import { WebThingServer } from 'thingflow/hosts/moddable/wot-server';
import { Action, FINISH_LATER, MqttClient, MqttWriter, newActionId, Property, Scheduler, SensorAsOutputThing, SingleThing, Thing, Value } from 'thingflow/runtime/index';

interface HostCheckConfig {
  samples: number;
  intervalSec: number;
  mqtt: { host: string; port: number };
  wotPort: number;
  /** The host name to claim by mDNS (`<name>.local`) and advertise the Thing under; none when unset (the lin check runs on this machine's own network). */
  mdns?: string;
}

/** Completes `input.ms` later, on a Moddable Timer: a POST answers only then (`WotResponse.later`). */
class WaitAction extends Action<{ ms: number }> {
  constructor(thing: Thing, input: { ms: number }) {
    super(newActionId(), thing, 'wait', input);
  }
  override performAction(done: () => void): typeof FINISH_LATER {
    Timer.set(() => {
      trace(`host-check: wait ${this.input.ms} ms done\n`);
      done();
    }, this.input.ms);
    return FINISH_LATER;
  }
}

class Counter {
  readonly sensorId = 'counter';
  private n = 0;
  sample(): number {
    return ++this.n;
  }
}

export default function main(): void {
  const cfg = config as unknown as HostCheckConfig;
  const clock = new ModdableClock();
  const scheduler = new Scheduler(clock);
  const t0 = clock.now();

  const thing = new Thing('urn:dev:thingflow-xs:host-check', 'Host check', ['MultiLevelSensor'], 'counter on the Moddable host');
  thing.addProperty(new Property(thing, 'count', new Value(0), { type: 'number', title: 'Count', readOnly: true }));
  thing.addProperty(new Property(thing, 'led', new Value(false), { type: 'boolean', title: 'LED' }));
  thing.addAvailableAction('wait', { title: 'Wait', input: { type: 'object', properties: { ms: { type: 'integer', minimum: 0 } }, required: ['ms'] } }, WaitAction);
  const server = new WebThingServer(new SingleThing(thing), { port: cfg.wotPort, mdns: cfg.mdns ? { hostName: cfg.mdns } : undefined });
  server.start();
  trace(`host-check: wot listening on ${cfg.wotPort}\n`);
  if (cfg.mdns) trace(`host-check: mdns as ${cfg.mdns}.local\n`);

  const startWot = () => {
    try {
      server.start();
      trace('host-check: wot started\n');
    } catch (e) {
      trace(`host-check: wot start failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  };

  // The will tells whoever listens that the board went away without saying goodbye (no DISCONNECT).
  const client = new MqttClient({ host: cfg.mqtt.host, port: cfg.mqtt.port, clientId: 'thingflow-xs-lin', will: { topic: 'thingflow/lin/status', payload: 'gone' } });
  client.on('connect', () => trace('host-check: mqtt connected\n'));
  client.on('error', (e: unknown) => trace(`host-check: mqtt error ${e instanceof Error ? e.message : String(e)}\n`));
  client.on('close', (e?: unknown) => trace(`host-check: mqtt closed${e === undefined ? '' : `: ${e instanceof Error ? e.message : String(e)}`}\n`));
  // Not MqttReader: it cannot be constructed on a preloaded runtime (docs/moddable.md).
  client.subscribe('thingflow/lin/in');
  client.on('message', (topic: string, payload: Uint8Array) => {
    const text = String.fromArrayBuffer(payload.slice().buffer);
    trace(`host-check: mqtt received ${topic} ${payload.length > 200 ? `${payload.length} bytes` : JSON.stringify(text)}\n`);
    if (text === 'wot restart' || text === 'wot restart, mdns port busy' || text === 'wot restart at once') {
      // The Web Thing stopped and started again, as an app that reconfigures it would: 2 s later; or with mDNS's port
      // held by another socket through the first start, which fails (and must leave nothing started); or in the same
      // turn, which fails (a board closes a listener in a later turn). After a failure, a start once the cause is gone.
      server.stop();
      trace('host-check: wot stopped\n');
      if (text === 'wot restart at once') {
        startWot();
        Timer.set(startWot, 500);
        return;
      }
      const holder = text === 'wot restart' ? undefined : new Socket({ kind: 'UDP' as const, port: 5353 });
      Timer.set(() => {
        startWot();
        if (holder === undefined) return;
        holder.close();
        Timer.set(startWot, 500);
      }, 2000);
      return;
    }
    if (text === 'end') {
      // A last word and a goodbye in one turn: `end()` sends both before the connection closes, and the broker keeps the will.
      client.publish('thingflow/lin/echo', 'bye');
      client.end();
      trace('host-check: mqtt ended\n');
      return;
    }
    // Sent back as a string: the client encodes it as UTF-8 (a long one took a board seconds, runtime/core/engine-utf8.ts).
    client.publish('thingflow/lin/echo', text);
    trace(`host-check: mqtt echoed ${payload.length} bytes\n`);
  });
  client.connect();

  const counter = new SensorAsOutputThing(new Counter());
  let seen = 0;
  let timedOut = 0;
  counter.connect({
    onNext: (e) => {
      seen++;
      // Modulo 2^32: the clock's count wraps after 49.7 days (a board's Time.ticks), and the difference with it.
      // The board's own Date.now() beside it: it must run on through that wrap too (hosts/moddable/pico/time-of-day.c).
      trace(`host-check: sample ${e.val} at +${(clock.now() - t0) >>> 0} ms, Date.now() ${Date.now()}\n`);
      if (seen === cfg.samples) trace(`host-check: ${seen} samples done\n`);
      // The server's counters have no route on the network: the one the board checks read is told here when it moves.
      if (server.counters.connectionsTimedOut !== timedOut) {
        timedOut = server.counters.connectionsTimedOut;
        trace(`host-check: connections timed out ${timedOut}\n`);
      }
    },
    onError: () => {},
    onCompleted: () => {},
  });
  counter.connect(thing.propertyInput('count'));
  counter.connect(new MqttWriter(client, 'thingflow/lin/count'));
  thing.propertyChanges<boolean>('led').connect({
    onNext: (on) => trace(`host-check: led ${on ? 'on' : 'off'}\n`),
    onError: () => {},
    onCompleted: () => {},
  });
  scheduler.schedulePeriodic(counter, cfg.intervalSec);
  scheduler.run();
}
