/**
 * A fresh action id: 32 hex digits, the shape of webthing-python's `uuid.uuid4().hex`.
 * Math.random is enough here: ids only need to be unique within one thing's history.
 */
export function newActionId(): string {
  let s = '';
  for (let i = 0; i < 4; i++) s += ((Math.random() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
  return s;
}
