/**
 * The lux example on the simulated board (`npm start`): the flow of
 * examples/lux-demo-flow.ts, which is what a board runs (manifests/lux-demo),
 * plus the simulator's network options:
 *
 *   TSL2591 light sensor → map → runningAvg(5) → hysteresis threshold → LED
 *   TMP102 temperature sensor, sampled alongside
 *
 * Options (after `npm start --`):
 *   --mqtt embedded | mqtt://host:port   publish lux, temperature and LED state (ThingFlow JSON events)
 *   --wot-port <n>                       serve the board as a Web Thing on http://127.0.0.1:<n>/
 * With either, the simulator paces the day (600x unless --speed/--realtime is given);
 * with --wot-port and no --duration it serves until Ctrl-C. A broker never reached
 * makes the run fail (ctx.fail): the summary says so and the CLI exits 1.
 */
import type { SimAppContext } from '../sim/run';
import { luxDemoFlow } from './lux-demo-flow';

export { LUX_DARK, LUX_BRIGHT, LIGHT_INTERVAL_SEC, TEMPERATURE_INTERVAL_SEC, luxDemoFlow, type DemoStreams, type LuxDemoFlow } from './lux-demo-flow';

export default async function luxDemo(ctx: SimAppContext) {
  const { options, log, fail } = ctx;
  const flow = luxDemoFlow(ctx);
  const closers: (() => Promise<void>)[] = [];
  // The network options are the simulator's (Node): loaded only when asked for, never part of a board's firmware.
  const network = options.mqtt || options['wot-port'] !== undefined ? await import('./lux-demo-network') : undefined;
  if (network !== undefined && options.mqtt) closers.push(await network.publishOverMqtt(String(options.mqtt === true ? 'embedded' : options.mqtt), flow.streams, log, fail));
  if (network !== undefined && options['wot-port'] !== undefined) {
    // As a Web Thing the LED is a writable property: the flow and clients both set it, the last write wins.
    closers.push(await network.serveWebThing(Number(options['wot-port']), flow.streams, flow.led, log, { ctx, names: flow.names }));
  } else {
    flow.streams.dark.connect(flow.led);
  }

  return async () => {
    log(flow.skippedReads());
    for (const close of closers) await close();
  };
}
