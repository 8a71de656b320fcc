/**
 * The JavaScript profiler (js-profiler.ts) one level down: for the preloaded
 * functions it watches, each cycle also goes to the byte of their code the
 * interpreter read last, so a listing (xs-bytecode.ts) can show what each
 * instruction costs, in the interpreter and in the C it calls. XS reads the
 * next opcode as it finishes an instruction, and for many instructions before
 * it does their work: an instruction's C (a property lookup, a host call) often
 * shows on the line after it.
 *
 * Counts accumulate from `reset()` on; the host's marks (`between`) still give
 * the function-level rows.
 */
import { JsProfiler, type JsFunctionRange } from './js-profiler';

export interface ByteCycles {
  /** Per byte of the watched range from `start`: cycles in the interpreter, and in the C it called. */
  interpreter: Float64Array;
  c: Float64Array;
  start: number;
}

export class BytecodeProfiler extends JsProfiler {
  private readonly start: number;
  private readonly end: number;
  private interpreterAt: Float64Array;
  private cAt: Float64Array;
  /** The watched byte read last, from `start`, while its function is the current one; -1 otherwise. */
  private last = -1;
  private readonly inInterpreter: (pc: number) => boolean;
  private readonly watchedByte: (address: number) => boolean;

  constructor(code: { functions: JsFunctionRange[]; modules: JsFunctionRange[] }, interpreter: { start: number; end: number }, watched: readonly JsFunctionRange[]) {
    super(code, interpreter);
    if (watched.length === 0) throw new Error('BytecodeProfiler: no function to watch');
    this.start = Math.min(...watched.map((f) => f.start));
    this.end = Math.max(...watched.map((f) => f.end));
    this.interpreterAt = new Float64Array(this.end - this.start);
    this.cAt = new Float64Array(this.end - this.start);
    const inWatched = new Uint8Array(this.end - this.start);
    for (const f of watched) inWatched.fill(1, f.start - this.start, f.end - this.start);
    this.watchedByte = (address) => address >= this.start && address < this.end && inWatched[address - this.start] === 1;
    this.inInterpreter = (pc) => pc >= interpreter.start && pc < interpreter.end;
  }

  override flashRead(address: number): void {
    const before = this.current;
    super.flashRead(address);
    if (this.watchedByte(address)) this.last = address - this.start;
    else if (this.current !== before) this.last = -1; // into another function's code; a heap slot read changes nothing
  }

  override sleep(): void {
    super.sleep();
    this.last = -1;
  }

  override count(pc: number, cycles: number): void {
    super.count(pc, cycles);
    if (this.last < 0) return;
    if (this.inInterpreter(pc)) this.interpreterAt[this.last] += cycles;
    else this.cAt[this.last] += cycles;
  }

  /** Forget the bytes' counts so far (the boot, say). */
  reset(): void {
    this.interpreterAt = new Float64Array(this.end - this.start);
    this.cAt = new Float64Array(this.end - this.start);
  }

  /** The counts from `reset()` on. */
  byteCycles(): ByteCycles {
    return { interpreter: this.interpreterAt, c: this.cAt, start: this.start };
  }
}
