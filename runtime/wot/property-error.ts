/** A property write was refused: read-only, or the value does not fit the property's schema. */
export class PropertyError extends Error {}
// The name on the prototype, set once: on a board the preload freezes Error.prototype, and `this.name = ...`
// in the constructor would throw there ("set name: not writable", docs/moddable.md).
PropertyError.prototype.name = 'PropertyError';
