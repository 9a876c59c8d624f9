/**
 * The quota rows of a campaign have their own partition (one Query lists them), apart from the campaign's
 * items, so that an IAM grant can tell "may write quotas" from "may write campaigns" by key
 * (dynamodb:LeadingKeys, functions/lib/access.ts). Shared by every writer: the allocation (dynamodb/quotas.ts), the
 * decision/payout transaction (dynamodb/applications.ts) and the seeding (dynamodb/campaigns.ts).
 */
export const QUOTA_PK_PREFIX = 'QUOTA#';
export const quotaKey = (campaignId: string, code: string) => ({
  pk: `${QUOTA_PK_PREFIX}${campaignId}`,
  sk: code,
});

/**
 * A reservation entry (domain/quota.ts ReservationEntry) is one top-level attribute of the quota row,
 * `rsv#<key>`: a top-level attribute can be set by an update without a parent map having to exist, and
 * conditioned on by `attribute_not_exists`. Readers gather them into `reservations`.
 */
export const RESERVATION_ATTR_PREFIX = 'rsv#';
export const reservationAttr = (key: string) => `${RESERVATION_ATTR_PREFIX}${key}`;

/** The stored attributes of a quota row: its fields, with `reservations` as one attribute per entry. */
export function quotaAttributes<R extends { reservations?: Record<string, unknown> }>(
  row: R,
): Record<string, unknown> {
  const { reservations, ...rest } = row;
  const out: Record<string, unknown> = { ...rest };
  for (const [key, entry] of Object.entries(reservations ?? {})) out[reservationAttr(key)] = entry;
  return out;
}

/** A stored quota item as a row: keys and entity dropped, the `rsv#` attributes gathered into `reservations`. */
export function quotaFromItem<R>(item: Record<string, unknown>): R {
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  const out: Record<string, unknown> = {};
  const reservations: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(rest)) {
    if (name.startsWith(RESERVATION_ATTR_PREFIX))
      reservations[name.slice(RESERVATION_ATTR_PREFIX.length)] = value;
    else out[name] = value;
  }
  if (Object.keys(reservations).length > 0) out.reservations = reservations;
  return out as R;
}
