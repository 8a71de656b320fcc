/**
 * What the simulator's `--record <file>` and `--replay <part>[:<sensorId>]=<file>`
 * do, as wrappers around an app, so the CLI needs a line per flag:
 *
 * ```ts
 * if (a.record) app = recordingApp(app, a.record);
 * for (const spec of a.replays) app = replayingApp(app, parseReplaySpec(spec));
 * ```
 * The format follows the file name: `.csv` is ThingFlow's CSV, `.jsonl` JSON Lines.
 */
import type { SensorEvent } from '../runtime/core/input-thing';
import { csvFormat, jsonLinesFormat, type RecordFormat } from '../runtime/record/record-format';
import { RecordWriter } from '../runtime/record/record-writer';
import { fileLineSink, fileLineSource, recordingKindOf } from '../hosts/node/line-file';
import { recordSensors } from './sensor-recording';
import { replayPart, REPLAYABLE_PARTS } from './replayed-part';
import type { SimApp, SimAppContext } from './run';

function formatFor(path: string): RecordFormat<SensorEvent<any>> {
  const kind = recordingKindOf(path);
  if (!kind) throw new RangeError(`${path}: a recording is .csv or .jsonl`);
  return (kind === 'csv' ? csvFormat() : jsonLinesFormat()) as RecordFormat<SensorEvent<any>>;
}

type Teardown = void | (() => void | Promise<void>);

/** `app`, with every sensor's events recorded to `path` (closed when the run ends). */
export function recordingApp(app: SimApp, path: string): SimApp {
  const format = formatFor(path);
  return async (ctx: SimAppContext) => {
    const writer = new RecordWriter<SensorEvent<any>>(fileLineSink(path), format);
    const recording = recordSensors(ctx.scheduler, writer);
    const teardown = (await app(ctx)) as Teardown;
    return async () => {
      recording.close();
      ctx.log(`recorded ${writer.written} sensor events to ${path}`);
      if (typeof teardown === 'function') await teardown();
    };
  };
}

export interface ReplaySpec {
  part: string;
  sensorId?: string | number;
  path: string;
}

/** `tmp102=run.csv` or `tmp102:temp=run.csv` (take only sensor `temp`'s events). */
export function parseReplaySpec(spec: string): ReplaySpec {
  const m = /^([a-z0-9]+)(?::([^=]+))?=(.+)$/i.exec(spec);
  if (!m) throw new RangeError(`--replay takes <part>[:<sensorId>]=<file>, e.g. tmp102:temp=out/run.csv; got '${spec}'`);
  const part = m[1].toLowerCase();
  if (!REPLAYABLE_PARTS.includes(part)) throw new RangeError(`--replay: '${part}' is not replayable; parts: ${REPLAYABLE_PARTS.join(', ')}`);
  formatFor(m[3]);
  const id = m[2];
  return { part, path: m[3], sensorId: id === undefined ? undefined : /^\d+$/.test(id) ? Number(id) : id };
}

/** `app`, with the part in `spec` measuring the recording instead of the simulated world. */
export function replayingApp(app: SimApp, spec: ReplaySpec): SimApp {
  return async (ctx: SimAppContext) => {
    const replayed = replayPart(ctx.board, spec.part, fileLineSource(spec.path), {
      sensorId: spec.sensorId,
      format: formatFor(spec.path),
      epochMs: ctx.clock.epochMs,
    });
    const teardown = (await app(ctx)) as Teardown;
    return async () => {
      ctx.log(`replayed ${replayed.events} recorded events into ${spec.part} from ${spec.path}`);
      if (typeof teardown === 'function') await teardown();
    };
  };
}
