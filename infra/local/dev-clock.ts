import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { localClockShift } from '../../functions/factories/clock.ts';
import { problemResponse } from '../../functions/lib/http.ts';
import type { LocalHandler } from './http-gateway.ts';

/**
 * `X-Relief-Local-Clock-Shift: <seconds>` — local runner only: the request's work runs as if "now"
 * were that many seconds away (negative: in the past), through the clock every use case takes
 * (functions/factories/clock.ts). So a demo or a browser test can have an application submitted
 * fifteen days ago and see the real queue mark it overdue, without rewriting stored data or answers.
 * Only the local runner wraps its handlers with this; API Gateway never passes it to a deployed
 * function's clock (nothing there enters `localClockShift`).
 */
export const CLOCK_SHIFT_HEADER = 'x-relief-local-clock-shift';

/** At most a year either way. */
const MAX_SHIFT_SECONDS = 366 * 24 * 3600;

export function withLocalClockShift(handler: LocalHandler): LocalHandler {
  return async (event: APIGatewayProxyEventV2, context) => {
    const raw = event.headers?.[CLOCK_SHIFT_HEADER];
    if (raw === undefined) return handler(event, context);
    const seconds = /^[+-]?\d{1,9}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    if (!Number.isSafeInteger(seconds) || Math.abs(seconds) > MAX_SHIFT_SECONDS) {
      const message = `${CLOCK_SHIFT_HEADER} must be a whole number of seconds within ±${MAX_SHIFT_SECONDS}.`;
      return problemResponse(400, 'Bad Request', 'INVALID_CLOCK_SHIFT', message, [
        { code: 'INVALID_CLOCK_SHIFT', path: `headers.${CLOCK_SHIFT_HEADER}`, message },
      ]);
    }
    return localClockShift.run(seconds * 1000, () => handler(event, context));
  };
}
