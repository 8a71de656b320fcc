/**
 * Moddable's default build (`"strip": "*"`, manifest_base.json) links every
 * function without `name`: a class's name is then missing at run time. The
 * runtime must not depend on it: its error names and the names in its
 * messages and traces come from elsewhere then. Here the names are taken away
 * as the XS linker does (the own `name` of each constructor deleted, so the
 * lookup falls through to Function.prototype) and given back afterwards.
 */
import { ExcInDispatch, FatalError, InvalidPortError, PortAlreadyClosed, UnknownPortError } from '../../../runtime/core/errors';
import { OutputThing } from '../../../runtime/core/output-thing';
import { FlowTrace } from '../../../runtime/trace/flow-trace';

class Source extends OutputThing<number> {}

const stripped = [FatalError, InvalidPortError, UnknownPortError, PortAlreadyClosed, ExcInDispatch, OutputThing, Source];
const saved = stripped.map((fn) => Object.getOwnPropertyDescriptor(fn, 'name')!);

beforeAll(() => {
  for (const fn of stripped) delete (fn as { name?: string }).name;
});
afterAll(() => {
  stripped.forEach((fn, i) => Object.defineProperty(fn, 'name', saved[i]));
});

test('the names really are gone, as on a stripped board', () => {
  expect(Object.hasOwn(Source, 'name')).toBe(false);
  expect(Object.hasOwn(InvalidPortError, 'name')).toBe(false);
  expect(InvalidPortError.name).toBe('Error'); // what a name lookup finds then: an ancestor's
});

test('the runtime error classes keep their names', () => {
  expect(new FatalError('x').name).toBe('FatalError');
  expect(new InvalidPortError('x').name).toBe('InvalidPortError');
  expect(new UnknownPortError('x').name).toBe('UnknownPortError');
  expect(new PortAlreadyClosed('x').name).toBe('PortAlreadyClosed');
  expect(new ExcInDispatch('x').name).toBe('ExcInDispatch');
  expect(String(new PortAlreadyClosed('again'))).toBe('PortAlreadyClosed: again');
});

test('a user subclass still gets its own name where functions keep theirs', () => {
  class BrokenBoard extends FatalError {}
  expect(new BrokenBoard('x').name).toBe('BrokenBoard');
});

test('messages that name a thing\'s class say what it is instead of an empty name', () => {
  const src = new Source();
  expect(() => src.observe(0)).toThrow(/^this OutputThing cannot be scheduled: it has no observe\(\)$/);
  expect(() => src.dispatchNext(1, 'nowhere')).toThrow(/^unknown port 'nowhere' of an OutputThing$/);
  src.dispatchCompleted();
  expect(() => src.dispatchNext(1)).toThrow(/^port 'default' of an OutputThing already had onCompleted or onError$/);
});

test('a trace names an unlabelled thing "thing"', () => {
  const trace = new FlowTrace();
  expect(trace.nameOf(new Source())).toBe('thing');
});
