import { Button, Card, Checkbox, Col, Form, Input, Radio, Row, Select, Space, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import { useEffect, useRef } from 'react';
import { addCalendarMonths, validateCreditCode, validateResidentId } from '../domain.ts';
import { useLocale } from '../i18n/locale.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import {
  type ChecklistKey,
  type Debtor,
  type DebtorValue,
  isBlankDebtor,
  type Measure,
  trimmed,
} from '../lib/case-facts.ts';
import { shanghaiToday } from '../lib/format.ts';

export {
  type DebtorTerminationValues,
  debtorTerminationFacts,
  debtorTerminationField,
} from '../lib/case-facts.ts';

/**
 * The new-application form's parts from issue 15: the debtor(s) (被执行人), the filing date and the
 * 终本 checklist (《最高人民法院关于严格规范终结本次执行程序的规定（试行）》 Art. 1, each item with its
 * proof), and the measures against the debtor that stay in force after relief. Inline checks use the
 * server's own domain code (resident ID check digit, GB 32100 check character); the server stays the judge.
 */

/** Art. 1's five conditions, in its order, with the checklist items that prove each; (4) is the filing date. */
const CONDITIONS: { key: MessageKey; items: ChecklistKey[] }[] = [
  { key: 'tcCondition1', items: ['executionNoticeServed', 'propertyReportOrdered'] },
  { key: 'tcCondition2', items: ['consumptionRestricted', 'dishonestListed'] },
  { key: 'tcCondition3', items: ['investigationExhausted'] },
  { key: 'tcCondition4', items: [] },
  { key: 'tcCondition5', items: ['debtorSearchedOrSanctioned'] },
];
export const CHECKLIST_LABELS: Record<ChecklistKey, MessageKey> = {
  executionNoticeServed: 'tcExecutionNoticeServed',
  propertyReportOrdered: 'tcPropertyReportOrdered',
  consumptionRestricted: 'tcConsumptionRestricted',
  dishonestListed: 'tcDishonestListed',
  investigationExhausted: 'tcInvestigationExhausted',
  debtorSearchedOrSanctioned: 'tcDebtorSearchedOrSanctioned',
};
export const MEASURE_KINDS: Measure['kind'][] = [
  'consumption-restriction',
  'dishonest-list',
  'property-freeze',
  'property-seizure',
  'other',
];
export const MEASURE_LABELS: Record<Measure['kind'], MessageKey> = {
  'consumption-restriction': 'measureConsumption',
  'dishonest-list': 'measureDishonest',
  'property-freeze': 'measureFreeze',
  'property-seizure': 'measureSeizure',
  other: 'measureOther',
};

const ID_REASONS: Record<string, MessageKey> = {
  LENGTH: 'idLength',
  CHARACTERS: 'idCharacters',
  REGION: 'idRegion',
  BIRTH_DATE: 'idBirthDate',
  CHECK_DIGIT: 'idCheckDigit',
};
const CREDIT_REASONS: Record<string, MessageKey> = {
  LENGTH: 'creditLength',
  CHARACTERS: 'creditCharacters',
  DIVISION: 'creditDivision',
  CHECK_CHARACTER: 'creditCheckCharacter',
};

const heading = (text: string) => <h2 style={{ fontSize: 16, margin: 0 }}>{text}</h2>;

function DebtorRow({ index, remove, removable }: { index: number; remove(): void; removable: boolean }) {
  const { t } = useLocale();
  const form = Form.useFormInstance();
  const kind = (Form.useWatch(['debtors', index, 'kind'], form) ?? 'natural') as Debtor['kind'];
  const n = index + 1;
  const idRule: Rule = ({ getFieldValue }) => ({
    validator(_, value: string | undefined) {
      if (!value) return Promise.resolve();
      const idType = getFieldValue(['debtors', index, 'idType']);
      if (idType === 'unified-social-credit-code') {
        const r = validateCreditCode(value);
        return r.ok
          ? Promise.resolve()
          : Promise.reject(new Error(t(CREDIT_REASONS[r.reason] ?? 'creditLength')));
      }
      if (idType === 'resident-id') {
        const r = validateResidentId(value);
        return r.ok
          ? Promise.resolve()
          : Promise.reject(new Error(t(ID_REASONS[r.reason] ?? 'idCheckDigit')));
      }
      return Promise.resolve();
    },
  });
  return (
    <fieldset
      data-debtor={index}
      style={{ border: '1px solid #d9d9d9', borderRadius: 6, padding: '8px 12px 0', marginBottom: 12 }}
    >
      <legend style={{ fontSize: 14, width: 'auto', padding: '0 4px', margin: 0, border: 0 }}>
        {t('debtorN', { n })}
      </legend>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item
            label={t('debtorName')}
            name={[index, 'name']}
            rules={[{ required: true, whitespace: true, message: t('required') }]}
          >
            <Input maxLength={200} aria-label={t('debtorNameN', { n })} />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item label={t('debtorKind')} name={[index, 'kind']}>
            <Radio.Group
              aria-label={t('debtorKindN', { n })}
              onChange={(e) =>
                form.setFieldValue(
                  ['debtors', index, 'idType'],
                  e.target.value === 'legal' ? 'unified-social-credit-code' : 'resident-id',
                )
              }
              options={[
                { value: 'natural', label: t('debtorNatural') },
                { value: 'legal', label: t('debtorLegal') },
              ]}
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item label={t('debtorIdType')} name={[index, 'idType']}>
            <Select
              aria-label={t('debtorIdTypeN', { n })}
              options={
                kind === 'legal'
                  ? [{ value: 'unified-social-credit-code', label: t('idTypeCreditCode') }]
                  : [
                      { value: 'resident-id', label: t('idTypeResident') },
                      { value: 'other', label: t('idTypeOther') },
                    ]
              }
            />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item
            label={kind === 'legal' ? t('idTypeCreditCode') : t('debtorIdNumber')}
            name={[index, 'idNumber']}
            dependencies={[['debtors', index, 'idType']]}
            validateDebounce={300}
            rules={[{ required: true, whitespace: true, message: t('required') }, idRule]}
          >
            <Input maxLength={64} autoComplete="off" aria-label={t('debtorIdNumberN', { n })} />
          </Form.Item>
        </Col>
      </Row>
      {removable ? (
        <Button type="link" danger onClick={remove} style={{ paddingInline: 0, marginBottom: 8 }}>
          {t('debtorRemove', { n })}
        </Button>
      ) : null}
    </fieldset>
  );
}

/** 被执行人: one or more; at least one when the campaign requires it. */
export function DebtorsCard({ required }: { required: boolean }) {
  const { t } = useLocale();
  const form = Form.useFormInstance();
  useEffect(() => {
    // A campaign that requires the debtor starts the clerk with one to fill in; another campaign drops
    // the rows left empty (they would be required fields of a debtor nobody named).
    const rows: DebtorValue[] = form.getFieldValue('debtors') ?? [];
    if (required && rows.length === 0)
      form.setFieldValue('debtors', [{ kind: 'natural', idType: 'resident-id', name: '', idNumber: '' }]);
    if (!required && rows.some(isBlankDebtor))
      form.setFieldValue(
        'debtors',
        rows.filter((d) => !isBlankDebtor(d)),
      );
  }, [required, form]);
  return (
    <Card size="small" style={{ marginTop: 16 }} title={heading(t('sectionDebtors'))} data-testid="debtors">
      <Typography.Paragraph>{required ? t('debtorsRequired') : t('debtorsOptional')}</Typography.Paragraph>
      <Form.List
        name="debtors"
        rules={[
          {
            validator: (_, value: unknown[] | undefined) =>
              required && (value ?? []).length === 0
                ? Promise.reject(new Error(t('debtorsRequiredError')))
                : Promise.resolve(),
          },
        ]}
      >
        {(fields, { add, remove }, { errors }) => (
          <>
            {fields.map((field) => (
              <DebtorRow
                key={field.key}
                index={field.name}
                remove={() => remove(field.name)}
                removable={!required || fields.length > 1}
              />
            ))}
            <Form.ErrorList errors={errors} />
            <Button
              onClick={() => add({ kind: 'natural', idType: 'resident-id', name: '', idNumber: '' })}
              style={{ marginBottom: 8 }}
            >
              {t('debtorAdd')}
            </Button>
          </>
        )}
      </Form.List>
    </Card>
  );
}

/** A date typed in a date field: not in the future (Beijing time). */
function notFuture(t: ReturnType<typeof useLocale>['t']): Rule {
  return {
    validator: (_, value: string | undefined) =>
      value && value > shanghaiToday() ? Promise.reject(new Error(t('dateInFuture'))) : Promise.resolve(),
  };
}

/** The filing date and the 终本 checklist: Art. 1's five conditions, each item with its proof. */
export function TerminationChecklistCard({ required }: { required: boolean }) {
  const { t, aside } = useLocale();
  const form = Form.useFormInstance();
  const shown = (Form.useWatch('useChecklist', form) as boolean | undefined) || required;
  // Whether the box was ticked for the clerk because the campaign required it (not by the clerk).
  const forced = useRef(false);
  useEffect(() => {
    // Required by the campaign: the checklist is always sent (the box is hidden, not absent). Back to a
    // campaign that does not require it, the checklist is the clerk's choice again, starting unticked.
    if (required) {
      form.setFieldValue('useChecklist', true);
      forced.current = true;
    } else if (forced.current) {
      form.setFieldValue('useChecklist', false);
      forced.current = false;
    }
  }, [required, form]);
  const filedRules: Rule[] = [
    ...(required ? [{ required: true, message: t('required') }] : []),
    notFuture(t),
    {
      validator: (_, value: string | undefined) =>
        value && value <= shanghaiToday() && !(shanghaiToday() > addCalendarMonths(value, 3))
          ? Promise.reject(new Error(t('filedLessThanThreeMonths')))
          : Promise.resolve(),
    },
  ];
  const item = (key: ChecklistKey) => {
    const label = t(CHECKLIST_LABELS[key]);
    const optional = key === 'dishonestListed';
    return (
      <div key={key} data-checklist={key} style={{ marginBottom: 4 }}>
        <Form.Item
          name={['checklist', key, 'done']}
          valuePropName="checked"
          style={{ marginBottom: 4 }}
          rules={[
            {
              validator: (_, done: boolean | undefined) =>
                required && !optional && !done
                  ? Promise.reject(new Error(t('tcItemRequired')))
                  : Promise.resolve(),
            },
          ]}
        >
          <Checkbox>
            {label}
            {optional ? aside(t('tcWhereDue')) : ''}
          </Checkbox>
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={10}>
            <Form.Item
              name={['checklist', key, 'at']}
              dependencies={[
                ['checklist', key, 'done'],
                ['checklist', key, 'reference'],
              ]}
              rules={[
                notFuture(t),
                ({ getFieldValue }) => ({
                  validator: (_, at: string | undefined) =>
                    getFieldValue(['checklist', key, 'done']) &&
                    !at &&
                    !trimmed(getFieldValue(['checklist', key, 'reference']))
                      ? Promise.reject(new Error(t('tcProofMissing')))
                      : Promise.resolve(),
                }),
              ]}
            >
              <Input type="date" aria-label={t('tcItemDate', { item: label })} />
            </Form.Item>
          </Col>
          <Col xs={24} md={14}>
            <Form.Item name={['checklist', key, 'reference']}>
              <Input
                maxLength={200}
                placeholder={t('tcReferencePlaceholder')}
                aria-label={t('tcItemReference', { item: label })}
              />
            </Form.Item>
          </Col>
        </Row>
      </div>
    );
  };
  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={heading(t('sectionTermination'))}
      data-testid="termination-checklist"
    >
      <Typography.Paragraph>{t('tcIntro')}</Typography.Paragraph>
      <Form.Item label={t('filedAt')} name="filedAt" rules={filedRules} extra={t('filedAtHint')}>
        <Input type="date" />
      </Form.Item>
      {required ? <Typography.Paragraph strong>{t('tcRequired')}</Typography.Paragraph> : null}
      <Form.Item name="useChecklist" valuePropName="checked" hidden={required}>
        <Checkbox>{t('tcUse')}</Checkbox>
      </Form.Item>
      {shown ? (
        <ol style={{ paddingInlineStart: 20, margin: 0 }}>
          {CONDITIONS.map((c) => (
            <li key={c.key} style={{ marginBottom: 8 }}>
              <Typography.Text strong>{t(c.key)}</Typography.Text>
              <div style={{ marginTop: 4 }}>
                {c.items.length > 0 ? (
                  c.items.map(item)
                ) : (
                  <Typography.Text type="secondary">{t('tcFromFiledAt')}</Typography.Text>
                )}
              </div>
            </li>
          ))}
        </ol>
      ) : null}
    </Card>
  );
}

/** Measures against the debtor (限制消费、失信名单、冻结、查封…): they stay in force after relief. */
export function MeasuresCard() {
  const { t } = useLocale();
  return (
    <Card size="small" style={{ marginTop: 16 }} title={heading(t('sectionMeasures'))} data-testid="measures">
      <Typography.Paragraph>{t('measuresIntro')}</Typography.Paragraph>
      <Form.List name="measures">
        {(fields, { add, remove }) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {fields.map((field) => {
              const n = field.name + 1;
              return (
                <Row gutter={16} key={field.key} data-measure={field.name} align="bottom">
                  <Col xs={24} md={7}>
                    <Form.Item label={t('measureKind')} name={[field.name, 'kind']}>
                      <Select
                        aria-label={t('measureKindN', { n })}
                        options={MEASURE_KINDS.map((k) => ({ value: k, label: t(MEASURE_LABELS[k]) }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item
                      label={t('measureReference')}
                      name={[field.name, 'reference']}
                      rules={[{ required: true, whitespace: true, message: t('required') }]}
                    >
                      <Input maxLength={200} aria-label={t('measureReferenceN', { n })} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={6}>
                    <Form.Item
                      label={t('measureSince')}
                      name={[field.name, 'since']}
                      rules={[{ required: true, message: t('required') }, notFuture(t)]}
                    >
                      <Input type="date" aria-label={t('measureSinceN', { n })} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={3}>
                    <Form.Item>
                      <Button
                        type="link"
                        danger
                        onClick={() => remove(field.name)}
                        style={{ paddingInline: 0 }}
                      >
                        {t('measureRemove', { n })}
                      </Button>
                    </Form.Item>
                  </Col>
                </Row>
              );
            })}
            <Button onClick={() => add({ kind: 'consumption-restriction', reference: '', since: '' })}>
              {t('measureAdd')}
            </Button>
          </Space>
        )}
      </Form.List>
    </Card>
  );
}
