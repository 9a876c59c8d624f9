import type { Principal } from '../lib/auth.ts';
import { ConflictError } from '../lib/errors.ts';
import { CampaignWriteConflictError, type StoredCampaign } from '../ports/campaigns.ts';
import type { IdempotentWrite } from '../ports/idempotency.ts';
import {
  type CampaignAdminDeps,
  type CampaignInput,
  normaliseCampaign,
  requireSpcAdmin,
} from './campaigns.ts';

/** `POST /campaigns`: a new campaign (version 1), audited `campaign.created`. */
export async function createCampaign(
  deps: CampaignAdminDeps,
  principal: Principal,
  input: CampaignInput,
  idempotency?: IdempotentWrite<StoredCampaign>,
): Promise<StoredCampaign> {
  requireSpcAdmin(principal);
  const campaign = normaliseCampaign(input);
  try {
    return await deps.campaignStore.create(
      campaign,
      {
        actor: principal,
        action: 'campaign.created',
        fromStatus: null,
        toStatus: null,
        detail: { campaign },
      },
      deps.now().toISOString(),
      idempotency,
    );
  } catch (error) {
    if (error instanceof CampaignWriteConflictError) {
      throw new ConflictError('CAMPAIGN_EXISTS', `A campaign with id ${input.id} already exists.`);
    }
    throw error;
  }
}
