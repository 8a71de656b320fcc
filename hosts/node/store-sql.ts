/** SQL text shared by the SQLite and PostgreSQL drivers: one schema, two dialects. */
import type { StoreColumnType, StoreMapping } from '../../runtime/store/store-mapping';

export type SqlDialect = 'sqlite' | 'postgres';

const TYPES: { [d in SqlDialect]: { [t in StoreColumnType]: string } } = {
  sqlite: { time: 'REAL NOT NULL', real: 'REAL', integer: 'INTEGER', text: 'TEXT' },
  postgres: { time: 'DOUBLE PRECISION NOT NULL', real: 'DOUBLE PRECISION', integer: 'BIGINT', text: 'TEXT' },
};

export function timeColumn(mapping: StoreMapping<unknown>): string {
  return mapping.columns.find((c) => c.type === 'time')!.name;
}

/** The table (with an `id` that orders rows of the same instant) and its time index. */
export function createTableSql(mapping: StoreMapping<unknown>, dialect: SqlDialect): string[] {
  const id = dialect === 'sqlite' ? 'id INTEGER PRIMARY KEY' : 'id BIGSERIAL PRIMARY KEY';
  const cols = mapping.columns.map((c) => `${c.name} ${TYPES[dialect][c.type]}`).join(', ');
  const t = timeColumn(mapping);
  return [
    `CREATE TABLE IF NOT EXISTS ${mapping.table} (${id}, ${cols})`,
    `CREATE INDEX IF NOT EXISTS ${mapping.table}_${t}_idx ON ${mapping.table} (${t}, id)`,
  ];
}

/** `INSERT ... VALUES (...), (...)` for `rows` rows, with `?` (SQLite) or `$n` (PostgreSQL) placeholders. */
export function insertSql(mapping: StoreMapping<unknown>, dialect: SqlDialect, rows: number): string {
  const width = mapping.columns.length;
  const groups: string[] = [];
  for (let r = 0; r < rows; r++) {
    const ps: string[] = [];
    for (let c = 0; c < width; c++) ps.push(dialect === 'sqlite' ? '?' : `$${r * width + c + 1}`);
    groups.push(`(${ps.join(', ')})`);
  }
  return `INSERT INTO ${mapping.table} (${mapping.columns.map((c) => c.name).join(', ')}) VALUES ${groups.join(', ')}`;
}

/** A page of a time range in (time, id) order, after the row with id `after` when `withAfter`. */
export function rangeSql(mapping: StoreMapping<unknown>, dialect: SqlDialect, withAfter: boolean): string {
  const t = timeColumn(mapping);
  const p = (n: number) => (dialect === 'sqlite' ? '?' : `$${n}`);
  const after = withAfter ? ` AND (${t}, id) > (SELECT ${t}, id FROM ${mapping.table} WHERE id = ${p(3)})` : '';
  const limit = withAfter ? p(4) : p(3);
  return `SELECT ${mapping.columns.map((c) => c.name).join(', ')}, id FROM ${mapping.table} WHERE ${t} >= ${p(1)} AND ${t} < ${p(2)}${after} ORDER BY ${t}, id LIMIT ${limit}`;
}
