/**
 * What request bodies hold, gateway-wide, across reloads (edge.requestBodies): the bodies in
 * progress per client address, and the bytes of bodies kept in memory. The limits come from the
 * table serving each request, so a reload changes them for new requests at once.
 */
export class BodyIntake {
  private readonly perClient = new Map<string, number>();
  private held = 0;

  /** One more body from `address`, when it has fewer than `limit` in progress. */
  enter(address: string, limit: number): boolean {
    const n = this.perClient.get(address) ?? 0;
    if (n >= limit) return false;
    this.perClient.set(address, n + 1);
    return true;
  }

  /** A body from `address` is done (its request is answered, or the client left). */
  leave(address: string): void {
    const n = this.perClient.get(address) ?? 0;
    if (n <= 1) this.perClient.delete(address);
    else this.perClient.set(address, n - 1);
  }

  /** Room for `bytes` more in memory, within `limit` for all bodies together. */
  reserve(bytes: number, limit: number): boolean {
    if (this.held + bytes > limit) return false;
    this.held += bytes;
    return true;
  }

  release(bytes: number): void {
    this.held -= bytes;
  }

  /** Bodies in progress and bytes held, for tests and the admin listener. */
  get usage(): { clients: number; bytes: number } {
    return { clients: this.perClient.size, bytes: this.held };
  }
}
