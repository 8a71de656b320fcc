/**
 * Wire a simulated app's flow and board to the live page: trace the flow from
 * its sources (runtime/trace, on only while the page is served) and answer the
 * page's `/_live` requests. Pass the routes to the Web Thing server:
 *
 * ```ts
 * const live = simLivePage(ctx, [light, temperature], [[light, 'TSL2591']]);
 * new WebThingServer(new SingleThing(thing), { port, additionalRoutes: live.routes });
 * ```
 */
import type { OutputThing } from '../runtime/core/output-thing';
import { FlowTrace } from '../runtime/trace/flow-trace';
import type { WotRoute } from '../runtime/wot/request-handler';
import { simLiveRoutes } from './live-routes';
import { SimLiveState } from './live-state';
import type { SimAppContext } from './run';

export interface SimLivePage {
  routes: WotRoute[];
  trace: FlowTrace;
  state: SimLiveState;
}

export function simLivePage(
  ctx: Pick<SimAppContext, 'board' | 'clock' | 'plot' | 'durationMs'>,
  sources: OutputThing<any>[],
  labels: [object, string][] = [],
): SimLivePage {
  const trace = new FlowTrace({ now: () => ctx.board.now() });
  for (const [thing, name] of labels) trace.label(thing, name);
  trace.traceGraph(...sources);
  const state = new SimLiveState({ board: ctx.board, epochMs: ctx.clock.epochMs, durationMs: ctx.durationMs, trace, plot: ctx.plot });
  return { routes: simLiveRoutes(state), trace, state };
}
