// @ts-check
// The probe events of one run of a lesson server, kept so checks can wait for the event that
// answers a request (its `response`, the `store` events before it) without racing the IPC.

/** @import { ProbeEvent } from '../protocol/probe.ts' */

export class EventLog {
  /** @param {number} [limit] events kept (oldest dropped first) */
  constructor(limit = 5000) {
    this.limit = limit;
    /** @type {ProbeEvent[]} */
    this.events = [];
    /** @type {Set<{ match: (e: ProbeEvent) => boolean, resolve: (e: ProbeEvent | null) => void }>} */
    this.waiters = new Set();
  }

  /** @param {ProbeEvent} event */
  push(event) {
    this.events.push(event);
    if (this.events.length > this.limit) this.events.splice(0, this.events.length - this.limit);
    for (const w of [...this.waiters]) {
      if (w.match(event)) {
        this.waiters.delete(w);
        w.resolve(event);
      }
    }
  }

  /** A new run of the server: what the old process reported no longer holds. */
  clear() {
    this.events = [];
  }

  /** @param {(e: ProbeEvent) => boolean} match @returns {ProbeEvent | undefined} */
  latest(match) {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = /** @type {ProbeEvent} */ (this.events[i]);
      if (match(e)) return e;
    }
    return undefined;
  }

  /** Every logged event that matches, oldest first. @param {(e: ProbeEvent) => boolean} match @returns {ProbeEvent[]} */
  select(match) {
    return this.events.filter(match);
  }

  /**
   * The first logged event that matches, or the next one to arrive; null after timeoutMs.
   * @param {(e: ProbeEvent) => boolean} match @param {number} timeoutMs @returns {Promise<ProbeEvent | null>}
   */
  waitFor(match, timeoutMs) {
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const waiter = {
        match,
        /** @param {ProbeEvent | null} e */
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(null);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}
