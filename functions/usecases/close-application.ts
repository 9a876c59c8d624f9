import { campaignSettings } from '../domain/campaigns.ts';
import { shanghaiDayOf } from '../domain/eligibility.ts';
import * as lifecycle from '../domain/lifecycle.ts';
import { type Monitoring, startMonitoring } from '../domain/post-closure.ts';
import type { Principal } from '../lib/auth.ts';
import type { ApplicationRecord } from '../ports/applications.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import { type ApplicationDeps, loadForClerk } from './applications.ts';
import { applying, refusing } from './transition.ts';

/** 报结: closes a paid application as 终结执行 with the mandated reason; restrictions stay. */
export async function closeApplication(
  deps: ApplicationDeps,
  principal: Principal,
  id: string,
  input: { rulingNumber: string; issuedAt: string },
  idempotency?: IdempotentWrite<ApplicationRecord>,
) {
  const app = await loadForClerk(deps, principal, id);
  const now = deps.now();
  // Post-closure monitoring starts with the ruling (its Beijing date), on the campaign's schedule.
  const monitoringOf = (settings: { assetCheckIntervalMonths: number; assetCheckYears: number }) =>
    startMonitoring(shanghaiDayOf(input.issuedAt) as string, {
      intervalMonths: settings.assetCheckIntervalMonths,
      years: settings.assetCheckYears,
    });
  const step = (current: ApplicationRecord, monitoring: Monitoring) =>
    lifecycle.close(current, { actor: principal, ...input, monitoring }, now);
  // Status and ruling date are refused before the campaign is read (the schedule changes neither).
  refusing(() => step(app, monitoringOf({ assetCheckIntervalMonths: 6, assetCheckYears: 5 })));
  const campaign = await deps.campaigns.get(app.campaignId);
  const monitoring = monitoringOf(
    campaign ? campaignSettings(campaign) : { assetCheckIntervalMonths: 6, assetCheckYears: 5 },
  );
  return deps.repo.update(
    id,
    ...applying(
      (current) => step(current, monitoring),
      () => ({ idempotency }),
    ),
  );
}
