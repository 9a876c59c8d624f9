import { currentCorrelationId, PACKAGE_CORRELATION_HEADER } from '../../lib/correlation.ts';
import { signPayload } from '../../lib/webhook-signature.ts';
import { type InsurerClient, type InsurerPackage, InsurerUnavailableError } from '../../ports/insurer.ts';

/** POSTs packages to the insurer's endpoint, signed like its webhooks, with a bounded wait. */
export class HttpInsurerClient implements InsurerClient {
  constructor(
    private readonly endpoint: string,
    private readonly secret: () => Promise<string>,
    private readonly timeoutMs = 10_000,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async send(pkg: InsurerPackage): Promise<void> {
    const body = JSON.stringify(pkg);
    const signature = signPayload(body, await this.secret(), this.nowSeconds());
    const correlationId = currentCorrelationId();
    let status: number;
    try {
      const res = await fetch(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'relief-signature': signature,
          // The insurer echoes it on its webhooks for this package (api-contract.md, Insurer).
          ...(correlationId ? { [PACKAGE_CORRELATION_HEADER]: correlationId } : {}),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (error) {
      throw new InsurerUnavailableError(`The insurer did not answer (${(error as Error).name}).`);
    }
    if (status < 200 || status >= 300) throw new InsurerUnavailableError(`The insurer answered ${status}.`);
  }
}
