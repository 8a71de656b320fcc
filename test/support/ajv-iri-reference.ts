/**
 * node-wot (@node-wot/core 0.9.2, the latest) validates Thing Descriptions with a schema whose
 * `anyUri` has `format: "iri-reference"`, but registers only ajv-formats 2.x, which has no such
 * format: ajv then warns (44 console.warn with stacks per run) and checks nothing. This gives
 * node-wot's ajv the format, as RFC 3987 allows it (a URI reference whose characters may be any
 * non-ASCII ones: ajv-formats' own "fast" uri-reference pattern already admits them), so the
 * TD's IRIs are validated and nothing is printed. Used through jest.mock('ajv-formats', ...).
 */
interface AjvLike {
  addFormat(name: string, format: unknown): unknown;
}
interface FormatsPlugin {
  (ajv: AjvLike, opts?: unknown): AjvLike;
  get(name: string, mode?: 'fast' | 'full'): unknown;
}

export function withIriReference(real: { default: FormatsPlugin }): { __esModule: true; default: FormatsPlugin } {
  const plugin = ((ajv: AjvLike, opts?: unknown) => {
    real.default(ajv, opts);
    ajv.addFormat('iri-reference', real.default.get('uri-reference', 'fast'));
    return ajv;
  }) as FormatsPlugin;
  plugin.get = real.default.get;
  return { __esModule: true, default: plugin };
}
