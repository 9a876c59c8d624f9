import type { CreateApplication } from '../api/client.ts';

/**
 * The new-application form's debtor, filing-date, checklist and measure fields as the API's body, and
 * the way back from a server error's `path` to the field it belongs to. Pure, so unit-tested.
 */

export type Facts = Omit<CreateApplication, 'campaignId'>;
export type Debtor = NonNullable<Facts['debtors']>[number];
export type Measure = NonNullable<Facts['case']['measures']>[number];
export type Checklist = NonNullable<Facts['case']['terminationConditions']['checklist']>;
export type ChecklistKey = keyof Checklist;

export interface DebtorValue {
  name?: string;
  kind?: Debtor['kind'];
  idType?: Debtor['idType'];
  idNumber?: string;
}
export interface MeasureValue {
  kind?: Measure['kind'];
  reference?: string;
  since?: string;
}
export interface ChecklistItemValue {
  done?: boolean;
  at?: string;
  reference?: string;
}
/** The form fields these parts add to the new-application form. */
export interface DebtorTerminationValues {
  filedAt?: string;
  debtors?: DebtorValue[];
  measures?: MeasureValue[];
  /** Whether the checklist is filled in (always, when the campaign requires it). */
  useChecklist?: boolean;
  checklist?: Partial<Record<ChecklistKey, ChecklistItemValue>>;
}

/** Art. 1's items in the order of the checklist (condition (4) is the filing date). */
export const CHECKLIST_KEYS: ChecklistKey[] = [
  'executionNoticeServed',
  'propertyReportOrdered',
  'consumptionRestricted',
  'dishonestListed',
  'investigationExhausted',
  'debtorSearchedOrSanctioned',
];

export const trimmed = (s: string | undefined) => (s ?? '').trim();

/** A debtor row with neither a name nor a number. */
export const isBlankDebtor = (d: DebtorValue) => !trimmed(d.name) && !trimmed(d.idNumber);

/** These parts of the form as the API's body: merged into `case` and the top level by the form. */
export function debtorTerminationFacts(v: DebtorTerminationValues): {
  case: Pick<Facts['case'], 'filedAt' | 'measures'>;
  checklist?: Checklist;
  debtors?: Debtor[];
} {
  // A row the clerk added (or a campaign that requires a debtor opened) and left empty is not a debtor.
  const debtors = (v.debtors ?? [])
    .filter((d) => !isBlankDebtor(d))
    .map((d) => ({
      name: trimmed(d.name),
      kind: d.kind ?? 'natural',
      idType: d.idType ?? 'resident-id',
      idNumber: trimmed(d.idNumber),
    }));
  const measures = (v.measures ?? [])
    .filter((m) => trimmed(m.reference) || trimmed(m.since))
    .map((m) => ({
      kind: m.kind ?? 'consumption-restriction',
      reference: trimmed(m.reference),
      since: trimmed(m.since),
    }));
  let checklist: Checklist | undefined;
  if (v.useChecklist) {
    const entries = CHECKLIST_KEYS.flatMap((key) => {
      const item = v.checklist?.[key] ?? {};
      const at = trimmed(item.at);
      const reference = trimmed(item.reference);
      // Listing as a dishonest debtor is due only where its conditions are met: left empty, it is not due.
      if (key === 'dishonestListed' && !item.done && !at && !reference) return [];
      return [
        [key, { done: item.done === true, ...(at ? { at } : {}), ...(reference ? { reference } : {}) }],
      ];
    });
    checklist = Object.fromEntries(entries) as Checklist;
  }
  return {
    case: {
      ...(v.filedAt ? { filedAt: v.filedAt } : {}),
      ...(measures.length > 0 ? { measures } : {}),
    },
    ...(checklist ? { checklist } : {}),
    ...(debtors.length > 0 ? { debtors } : {}),
  };
}

/** The form field (name path) a server error's `path` belongs to, for these parts. */
export function debtorTerminationField(path: string): (string | number)[] | undefined {
  if (path === 'case.filedAt') return ['filedAt'];
  if (path === 'debtors') return ['debtors'];
  const debtor = /^debtors\[(\d+)\]\.(name|kind|idType|idNumber)$/.exec(path);
  if (debtor) return ['debtors', Number(debtor[1]), debtor[2] as string];
  const measure = /^case\.measures\[(\d+)\]\.(kind|reference|since)$/.exec(path);
  if (measure) return ['measures', Number(measure[1]), measure[2] as string];
  const item = /^case\.terminationConditions\.checklist\.(\w+)(?:\.(at|reference))?$/.exec(path);
  if (item && CHECKLIST_KEYS.includes(item[1] as ChecklistKey))
    return ['checklist', item[1] as string, item[2] ?? 'done'];
  return undefined;
}
