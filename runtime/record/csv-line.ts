/**
 * One CSV record as text, the dialect of Python's `csv` module (and so of
 * ThingFlow-Python's csv adapters): comma separated, a field is quoted only
 * when it holds a comma, a quote or a line break, quotes inside are doubled,
 * records end with `\r\n`. Reading also accepts `\n` endings and quoted line
 * breaks (a record that spans lines).
 */

/** A cell a mapping gives for one column; `null`/`undefined` write as an empty field. */
export type CsvCell = string | number | boolean | null | undefined;

export const CSV_LINE_END = '\r\n';

function needsQuotes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 /* , */ || c === 34 /* " */ || c === 10 || c === 13) return true;
  }
  return false;
}

/** A field's text: numbers in JavaScript's shortest form unless the mapping formatted them already. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const s = typeof cell === 'string' ? cell : String(cell);
  return needsQuotes(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The record's text without its line end. A single empty field is `""`, as Python writes it. */
export function formatCsvRecord(cells: readonly CsvCell[]): string {
  if (cells.length === 1 && (cells[0] === '' || cells[0] === null || cells[0] === undefined)) return '""';
  let line = '';
  for (let i = 0; i < cells.length; i++) line += (i > 0 ? ',' : '') + csvField(cells[i]);
  return line;
}

/** `parseCsvRecord` found an opening quote with no closing one: the record goes on in the next line. */
export const CSV_INCOMPLETE = -1;

/**
 * Split one record into `into` (cleared first). Returns the number of fields,
 * or `CSV_INCOMPLETE` when a quoted field is still open at the end of `text`
 * (join the next line with `\n` and parse again). A quote in the middle of an
 * unquoted field is kept as text, as Python's reader does.
 */
export function parseCsvRecord(text: string, into: string[]): number {
  into.length = 0;
  let i = 0;
  const n = text.length;
  let end = n;
  if (end > 0 && text.charCodeAt(end - 1) === 13) end--; // a \r left by a \r\n line end
  for (;;) {
    if (i < end && text.charCodeAt(i) === 34) {
      let field = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return CSV_INCOMPLETE;
        field += text.slice(i, q);
        if (q + 1 < n && text.charCodeAt(q + 1) === 34) {
          field += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Text after the closing quote up to the comma belongs to the field (Python keeps it too).
      const comma = text.indexOf(',', i);
      const stop = comma < 0 || comma > end ? end : comma;
      if (stop > i) field += text.slice(i, stop);
      into.push(field);
      if (comma < 0 || comma >= end) return into.length;
      i = comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0 || comma >= end) {
        into.push(text.slice(i, end));
        return into.length;
      }
      into.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}
