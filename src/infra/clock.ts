// A clock that can be moved forward: the playground's "advance one week" button, and simulated time in demos.
import type { Clock } from '../core/ports.js';

export class OffsetClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (ms < 0) throw new Error('time only moves forward');
    this.offsetMs += ms;
  }

  offset(): number {
    return this.offsetMs;
  }
}
