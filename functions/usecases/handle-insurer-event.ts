import * as lifecycle from '../domain/lifecycle.ts';
import { ConflictError, NotFoundError, UnprocessableError } from '../lib/errors.ts';
import { logger } from '../lib/logger.ts';
import { DuplicateEventError, handoffDueAt } from '../ports/applications.ts';
import { INSURER_ACTOR, type InsurerEvent, type PayoutDeps, parsePackageId } from './payouts.ts';
import { effectOptions } from './transition.ts';

class StateChanged extends Error {}

/** The insurer's answer: the event took effect (its outcome), or it had before (a duplicate). */
export type WebhookReceipt =
  | { received: true; duplicate: true }
  | { received: true; status: 'paid' | 'declined' };

/**
 * `POST /insurer/webhooks` after its signature verified. Each event id takes effect once (the id is
 * written in the same transaction as its effect); it must name a package that actually waits; a
 * success must carry exactly the approved amount. Anomalies on a known application are put on its
 * audit trail.
 */
export async function handleInsurerEvent(
  deps: Omit<PayoutDeps, 'storage' | 'insurer'>,
  event: InsurerEvent,
): Promise<WebhookReceipt> {
  const duplicate: WebhookReceipt = { received: true, duplicate: true };
  // No up-front read of the event id: every effect and every anomaly is written with the event's mark
  // (insurerEvent, conditioned on its absence), so a repeated event is found where it would act.
  const ref = parsePackageId(event.packageId);
  const app = ref ? await deps.repo.get(ref.applicationId) : undefined;
  if (!ref || !app || app.payout?.packageId !== event.packageId) {
    // A package that no longer waits under this id (a later submission) may have taken this event before.
    if (await deps.repo.hasInsurerEvent(event.id)) return duplicate;
    logger.warn('webhook.rejected', { reason: 'UNKNOWN_PACKAGE', eventType: event.type });
    throw new NotFoundError('No package with this id awaits a payout.');
  }
  const eventMark = { id: event.id, type: event.type, packageId: event.packageId };
  /** Records an anomaly with the event id; false when that event id was processed meanwhile (a duplicate). */
  const anomaly = async (code: string, detail: Record<string, unknown>): Promise<boolean> => {
    const logged = () =>
      logger.warn('webhook.rejected', { reason: code, applicationId: app.id, eventType: event.type });
    return deps.repo
      .update(
        app.id,
        (current) => ({
          next: {
            ...current,
            payoutFlags: [
              ...(current.payoutFlags ?? []),
              {
                code,
                eventId: event.id,
                ...(event.amountFen !== undefined ? { amountFen: event.amountFen } : {}),
                at: deps.now().toISOString(),
              },
            ],
          },
          audit: {
            actor: INSURER_ACTOR(current.courtCode),
            action: 'payout.flagged',
            fromStatus: current.status,
            toStatus: current.status,
            detail: { code, eventId: event.id, eventType: event.type, packageId: event.packageId, ...detail },
          },
        }),
        { insurerEvent: eventMark },
      )
      .then(
        () => {
          logged();
          return true;
        },
        (error) => {
          if (error instanceof DuplicateEventError) return false;
          throw error;
        },
      );
  };

  if (app.status !== 'awaiting_payout') {
    // The same event delivered twice at once: the other delivery settled it.
    if (await deps.repo.hasInsurerEvent(event.id)) return duplicate;
    if (!(await anomaly('PACKAGE_NOT_AWAITING_PAYOUT', { status: app.status }))) return duplicate;
    throw new ConflictError(
      'PACKAGE_NOT_AWAITING_PAYOUT',
      `The package is not awaiting a payout (status ${app.status}).`,
    );
  }
  if (event.type === 'payout.succeeded' && event.amountFen !== app.reliefAmountFen) {
    if (
      !(await anomaly('AMOUNT_MISMATCH', {
        expectedFen: app.reliefAmountFen,
        receivedFen: event.amountFen ?? null,
      }))
    ) {
      return duplicate;
    }
    throw new UnprocessableError(
      'AMOUNT_MISMATCH',
      'The amount differs from the approved relief amount; flagged for follow-up, not paid.',
    );
  }
  if (event.type === 'payout.succeeded' && (!event.transactionRef || !event.paidAt)) {
    throw new UnprocessableError(
      'PAYOUT_INCOMPLETE',
      'A payout.succeeded event needs transactionRef and paidAt.',
    );
  }

  const paid = event.type === 'payout.succeeded';
  const now = deps.now();
  const at = now.toISOString();
  let effects: lifecycle.Effects = {};
  try {
    await deps.repo.update(
      app.id,
      (current) => {
        try {
          const t = lifecycle.settlePayout(current, { actor: INSURER_ACTOR(current.courtCode), event }, now);
          effects = t.effects;
          return t;
        } catch (error) {
          if (error instanceof lifecycle.LifecycleRefusal) throw new StateChanged();
          throw error;
        }
      },
      (current) => {
        const options = effectOptions(current, effects);
        return {
          ...options,
          insurerEvent: eventMark,
          // The hand-off to the waiting payout task follows the response (handOff, fed by the stream).
          ...(options.outbox && current.payout?.taskToken
            ? {
                outbox: options.outbox.map((item) => ({
                  ...item,
                  handoff: {
                    token: current.payout?.taskToken as string,
                    output: { outcome: paid ? 'paid' : 'declined' },
                  },
                  dueAt: handoffDueAt(at),
                })),
              }
            : {}),
        };
      },
    );
  } catch (error) {
    if (error instanceof DuplicateEventError) return duplicate;
    if (error instanceof StateChanged) {
      if (await deps.repo.hasInsurerEvent(event.id)) return duplicate;
      if (!(await anomaly('PACKAGE_NOT_AWAITING_PAYOUT', { raced: true }))) return duplicate;
      throw new ConflictError('PACKAGE_NOT_AWAITING_PAYOUT', 'The package was settled by another event.');
    }
    throw error;
  }
  // The workflow learns the outcome after the response: the outbox item's hand-off (usecases/hand-off.ts).
  return { received: true, status: paid ? 'paid' : 'declined' };
}
