import { describe, expect, it } from 'vitest';
import { BodyIntake } from '../../../src/runtime/body-intake.js';

describe('BodyIntake: request bodies per client and in memory (edge.requestBodies)', () => {
  it('lets each address have `limit` bodies in progress, and forgets an address with none', () => {
    const intake = new BodyIntake();
    expect([intake.enter('a', 2), intake.enter('a', 2), intake.enter('a', 2), intake.enter('b', 2)]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    intake.leave('a');
    expect(intake.enter('a', 2)).toBe(true);
    intake.leave('a');
    intake.leave('a');
    intake.leave('b');
    expect(intake.usage.clients).toBe(0);
  });
  it('keeps the bytes held within the limit, all bodies together', () => {
    const intake = new BodyIntake();
    expect(intake.reserve(600, 1000)).toBe(true);
    expect(intake.reserve(500, 1000)).toBe(false);
    expect(intake.reserve(400, 1000)).toBe(true);
    intake.release(600);
    expect(intake.usage.bytes).toBe(400);
    expect(intake.reserve(600, 1000)).toBe(true);
  });
});
