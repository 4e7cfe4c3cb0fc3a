// Signed links to a round's full report, so a digest can point at it without exposing other rounds.
import { createHmac, timingSafeEqual } from 'node:crypto';

export class ReportLinks {
  constructor(
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {}

  private sign(tenant: string, roundId: string): string {
    return createHmac('sha256', this.secret).update(`report\u0000${tenant}\u0000${roundId}`).digest('base64url').slice(0, 32);
  }

  url(tenant: string, roundId: string): string {
    const base = this.baseUrl.replace(/\/+$/, '');
    return `${base}/reports/${encodeURIComponent(tenant)}/${encodeURIComponent(roundId)}/${this.sign(tenant, roundId)}`;
  }

  verify(tenant: string, roundId: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(tenant, roundId));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
