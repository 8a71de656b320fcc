import type { OutboundBudgetOptions } from '../outbound/outbound-budget';
import type { ConnectionLimits } from './connection-guard';

/**
 * The limits every WoT server host takes (docs/bounds.md has each one's default on Node and on a
 * board, and what a client sees past it). The hosts add their own transport options.
 */
export interface WotServerLimitOptions {
  /** How deep JSON may nest (bodies, messages, values). Default 32. */
  maxJsonDepth?: number;
  /** Actions created or pending at once per thing; past it 503 + Retry-After. Default 16. */
  maxRunningActions?: number;
  /** WebSocket sessions at once; past it the upgrade gets 503. Default 32 on Node, 2 on a board. */
  maxSessions?: number;
  /** Byte budget of each WebSocket/SSE client. Default 64 KiB on Node, 4 KiB on a board; closed after 10 s over it. */
  outbound?: OutboundBudgetOptions;
  /**
   * Connection cap and timeouts (ms). Default on Node: 128 connections, headers 10 s, request 30 s,
   * keep-alive 5 s; on a board 6 connections (lwIP's usual 10 sockets, less mDNS, the MQTT client
   * and one to spare), headers 5 s, request 10 s, keep-alive 2 s.
   */
  connections?: Partial<ConnectionLimits>;
  /** After a 413, how much more of the body is read and dropped (so the client reads the answer) before closing. Default 1 MiB on Node, 4 × maxBodyBytes on a board. */
  maxDiscardBytes?: number;
}
