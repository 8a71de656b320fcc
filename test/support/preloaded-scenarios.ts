/**
 * Run by test/xs/preloaded.test.ts in a process of its own: the runtime
 * preloaded as on a board (board-preload.ts: the Maps and Sets its modules
 * make while loading are read-only afterwards), then every scenario of the
 * given files against it. Prints the lines each printed, as one JSON object.
 */
import type { ScenarioTable } from '../scenarios/scenario';
import { preload } from './board-preload';

async function main(): Promise<void> {
  const files = JSON.parse(process.argv[2] ?? '[]') as string[];
  const runtime = await preload(() => import('../../runtime/index'));
  const results: Record<string, string[]> = {};
  for (const file of files) {
    const { scenarios } = (await import(file)) as { scenarios: ScenarioTable };
    for (const name of Object.keys(scenarios)) {
      const lines: string[] = [];
      try {
        scenarios[name](runtime as never, (line: unknown) => lines.push(String(line)));
      } catch (e) {
        const err = e as { name?: string; message?: string };
        lines.push(`THREW ${err?.name}: ${err?.message}`);
      } finally {
        runtime.setErrorReporter(undefined);
      }
      // What it printed by its end, as runOnNode takes it: an action it started may print later, when the next file loads.
      results[`${file}#${name}`] = lines.slice();
    }
  }
  process.stdout.write(JSON.stringify(results));
}
main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
