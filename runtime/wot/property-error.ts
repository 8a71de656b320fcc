/** A property write was refused: read-only, or the value does not fit the property's schema. */
export class PropertyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PropertyError';
  }
}
