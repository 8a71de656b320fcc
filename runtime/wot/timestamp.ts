/** The current UTC time as webthing-python writes it: `YYYY-mm-ddTHH:MM:SS+00:00`. */
export function timestamp(): string {
  return new Date().toISOString().slice(0, 19) + '+00:00';
}
