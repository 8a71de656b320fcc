/**
 * A thing's class name, for messages and traces. Moddable's default build
 * (`"strip": "*"` in manifest_base.json) links functions without `name`, so a
 * constructor's name may be missing on a board: then `fallback`.
 */
export function classNameOf(thing: object, fallback: string): string {
  const ctor: unknown = (thing as { constructor?: unknown }).constructor;
  // Its own name only: a stripped class would otherwise answer with an ancestor's (Error's, say).
  const name: unknown = typeof ctor === 'function' && Object.hasOwn(ctor, 'name') ? ctor.name : undefined;
  return typeof name === 'string' && name !== '' ? name : fallback;
}
