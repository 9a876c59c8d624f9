import { Select } from 'antd';
import { useEffect } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { Campaign } from '../api/client.ts';
import { useCampaigns } from '../api/queries.ts';
import { useLocale } from '../i18n/locale.tsx';

/** The campaign a page shows, kept in `?campaign=`: by default the one being handled now, else the first. */
export function useCampaignParam(): { campaignId: string | undefined; campaign: Campaign | undefined } {
  const [params, setParams] = useSearchParams();
  const campaigns = useCampaigns();
  const chosen = params.get('campaign') ?? undefined;
  const items = campaigns.data?.items ?? [];
  const now = Date.now();
  const fallback =
    items.find((c) => Date.parse(c.handling.start) <= now && now <= Date.parse(c.handling.end)) ?? items[0];
  useEffect(() => {
    if (!chosen && fallback) setParams({ campaign: fallback.id }, { replace: true });
  }, [chosen, fallback, setParams]);
  const campaignId = chosen ?? fallback?.id;
  return { campaignId, campaign: items.find((c) => c.id === campaignId) };
}

export function CampaignPicker() {
  const { t } = useLocale();
  const campaigns = useCampaigns();
  const [, setParams] = useSearchParams();
  const { campaignId } = useCampaignParam();
  return (
    <Select
      aria-label={t('campaignPick')}
      showSearch={{ optionFilterProp: 'label' }}
      style={{ minWidth: 280 }}
      loading={campaigns.isPending}
      value={campaignId}
      onChange={(id: string) => setParams({ campaign: id })}
      options={(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
    />
  );
}
