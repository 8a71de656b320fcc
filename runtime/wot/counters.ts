/**
 * What a WoT server refused, held back or shed, by cause: every bound in docs/bounds.md has its
 * counter here. One plain object per server (`server.handler.counters`), cheap to bump on a chip;
 * the request handler fills the protocol rows, the host the connection rows.
 */
export interface WotCounters {
  /** WebSocket sessions open now, and upgrades refused with 503 because `maxSessions` were open. */
  sessions: number;
  sessionsRefused: number;
  /** Server-sent event streams open now. */
  streams: number;
  /** Property updates held back for a slow client (only the latest value per name is kept). */
  coalesced: number;
  /** Events, action statuses and error replies not sent to a slow client. */
  dropped: number;
  /** Clients closed (WebSocket 1008, SSE response ended) for staying over their byte budget. */
  closedSlow: number;
  /** WebSocket error replies not sent because they would pass 4× the bytes the client sent. */
  repliesSuppressed: number;
  /** Requests and messages refused for nesting deeper than `maxJsonDepth`. */
  tooDeep: number;
  /** Action requests refused with 503 because `maxRunningActions` were running. */
  actionsRefused: number;
  /**
   * Host: connections open now, closed to make room (oldest idle first) or refused, closed by a
   * timeout, and accepted to wait for a place (a board, `ConnectionGuard.addOrWait`).
   */
  connections: number;
  connectionsShed: number;
  connectionsTimedOut: number;
  connectionsWaited: number;
}

export function newWotCounters(): WotCounters {
  return {
    sessions: 0, sessionsRefused: 0, streams: 0, coalesced: 0, dropped: 0, closedSlow: 0, repliesSuppressed: 0,
    tooDeep: 0, actionsRefused: 0, connections: 0, connectionsShed: 0, connectionsTimedOut: 0, connectionsWaited: 0,
  };
}
