import { useMutation, useQuery } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Typography,
} from 'antd';
import type { Rule } from 'antd/es/form';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  ApiProblem,
  api,
  type Campaign,
  type CreateApplication,
  data,
  newIdempotencyKey,
} from '../api/client.ts';
import { useCampaigns, useCourt } from '../api/queries.ts';
import { useSession } from '../auth/use-session.ts';
import {
  DebtorsCard,
  type DebtorTerminationValues,
  debtorTerminationFacts,
  debtorTerminationField,
  MeasuresCard,
  TerminationChecklistCard,
} from '../components/DebtorAndTermination.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { CATEGORIES, formatYuan, parseCaseNumber, validateResidentId, yuanToFen } from '../domain.ts';
import { categoryLabel } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { useDebounced } from '../lib/use-debounced.ts';

interface Values extends DebtorTerminationValues {
  campaignId: string;
  caseNumber: string;
  category: string;
  categoryReason?: string;
  kind: 'enforcement' | 'preservation';
  claimYuan: string;
  concluded: boolean;
  terminationMet: boolean;
  terminationBasis: string;
  applicantName: string;
  idType: 'resident-id' | 'other';
  idNumber: string;
  phone?: string;
  hardship: string;
  consentToTermination: boolean;
  priorJudicialRelief: boolean;
  special: boolean;
  specialReason?: string;
  reliefYuan: string;
  bankName: string;
  holderName: string;
  holderIdNumber: string;
  accountNumber: string;
}

/**
 * An ID number field — the applicant's and the account holder's are the same field: checked as a
 * resident ID number while the ID type says so, and validated again when the ID type changes.
 */
function IdNumberField(props: { name: 'idNumber' | 'holderIdNumber'; label: string; rules: Rule[] }) {
  return (
    <Form.Item
      label={props.label}
      name={props.name}
      dependencies={['idType']}
      validateDebounce={300}
      rules={props.rules}
    >
      <Input maxLength={64} autoComplete="off" />
    </Form.Item>
  );
}

const ID_REASONS: Record<string, MessageKey> = {
  LENGTH: 'idLength',
  CHARACTERS: 'idCharacters',
  REGION: 'idRegion',
  BIRTH_DATE: 'idBirthDate',
  CHECK_DIGIT: 'idCheckDigit',
};

/** The API's field path for each form field, so the server's `errors[].path` lands on the right input. */
const FIELD_OF_PATH: Record<string, keyof Values> = {
  'case.caseNumber': 'caseNumber',
  'case.category': 'category',
  'case.categoryReason': 'categoryReason',
  'case.kind': 'kind',
  'case.claimAmountFen': 'claimYuan',
  'case.concluded': 'concluded',
  'case.terminationConditions.met': 'terminationMet',
  'case.terminationConditions.basis': 'terminationBasis',
  'applicant.name': 'applicantName',
  'applicant.idNumber': 'idNumber',
  'applicant.phone': 'phone',
  'hardship.statement': 'hardship',
  consentToTermination: 'consentToTermination',
  priorJudicialRelief: 'priorJudicialRelief',
  'specialCircumstance.reason': 'specialReason',
  reliefAmountFen: 'reliefYuan',
  'bankAccount.bankName': 'bankName',
  'bankAccount.holderName': 'holderName',
  'bankAccount.holderIdNumber': 'holderIdNumber',
  'bankAccount.accountNumber': 'accountNumber',
};

function fenOrUndefined(yuan: string | undefined): number | undefined {
  try {
    return yuan ? yuanToFen(yuan) : undefined;
  } catch {
    return undefined;
  }
}

/** The form as the API's body (without campaignId): what POST /applications and the live check receive. */
function toCandidate(v: Partial<Values>): Omit<CreateApplication, 'campaignId'> {
  const text = (s: string | undefined) => s ?? '';
  const extra = debtorTerminationFacts(v);
  return {
    ...(extra.debtors ? { debtors: extra.debtors } : {}),
    case: {
      ...extra.case,
      caseNumber: text(v.caseNumber).trim(),
      category: text(v.category),
      ...(v.category === 'other' && v.categoryReason ? { categoryReason: v.categoryReason } : {}),
      kind: v.kind ?? 'enforcement',
      claimAmountFen: fenOrUndefined(v.claimYuan) as number,
      concluded: v.concluded ?? false,
      terminationConditions: {
        met: v.terminationMet ?? false,
        basis: text(v.terminationBasis),
        ...(extra.checklist ? { checklist: extra.checklist } : {}),
      },
    },
    applicant: {
      name: text(v.applicantName),
      idType: v.idType ?? 'resident-id',
      idNumber: text(v.idNumber).trim(),
      ...(v.phone ? { phone: v.phone.trim() } : {}),
    },
    hardship: { statement: text(v.hardship) },
    consentToTermination: v.consentToTermination ?? false,
    priorJudicialRelief: v.priorJudicialRelief ?? false,
    ...(v.special ? { specialCircumstance: { reason: text(v.specialReason) } } : {}),
    reliefAmountFen: fenOrUndefined(v.reliefYuan) as number,
    bankAccount: {
      bankName: text(v.bankName),
      holderName: text(v.holderName),
      holderIdNumber: text(v.holderIdNumber).trim(),
      accountNumber: text(v.accountNumber).trim(),
    },
  };
}

/** The campaign to preselect: one in its handling phase (submission possible), else one preparing. */
function openCampaign(campaigns: Campaign[]): Campaign | undefined {
  const now = Date.now();
  const within = (w: { start: string; end: string }) =>
    Date.parse(w.start) <= now && now <= Date.parse(w.end);
  return (
    campaigns.find((c) => within(c.handling)) ??
    campaigns.find((c) => within(c.preparation)) ??
    campaigns.at(-1)
  );
}

function LiveEligibility({
  campaignId,
  values,
}: {
  campaignId: string | undefined;
  values: Partial<Values>;
}) {
  const { t, lang } = useLocale();
  const candidate = useDebounced(
    useMemo(() => JSON.stringify(toCandidate(values)), [values]),
    400,
  );
  const check = useQuery({
    queryKey: ['eligibility', campaignId, candidate],
    enabled: Boolean(campaignId),
    placeholderData: (previous) => previous,
    queryFn: () =>
      data(
        api().POST('/eligibility-checks', {
          body: { campaignId: campaignId as string, candidates: [JSON.parse(candidate)] },
        }),
      ),
  });
  const result = check.data?.results[0];
  const conditions = result?.failures.filter((f) => f.messageZh) ?? [];
  const incomplete = result?.failures.filter((f) => !f.messageZh) ?? [];
  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('liveEligibility')}</h2>}
      extra={check.isFetching ? <Spin size="small" aria-label={t('checking')} /> : null}
      data-testid="live-eligibility"
    >
      {check.isError ? <ProblemAlert error={check.error} /> : null}
      {result?.eligible ? <Alert type="success" showIcon title={t('eligible')} /> : null}
      {conditions.length > 0 ? (
        <ul style={{ margin: 0, paddingInlineStart: 20 }} aria-live="polite">
          {conditions.map((f) => (
            <li key={`${f.code}:${f.path}`} data-failure={f.code}>
              {lang === 'zh' ? f.messageZh : f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {incomplete.length > 0 ? (
        <Typography.Paragraph style={{ margin: '8px 0 0' }}>
          {t('incompleteFields', { n: incomplete.length })}
        </Typography.Paragraph>
      ) : null}
    </Card>
  );
}

export default function NewApplication() {
  const { t, lang } = useLocale();
  const navigate = useNavigate();
  const session = useSession();
  const court = useCourt(session?.court);
  const campaigns = useCampaigns();
  const [form] = Form.useForm<Values>();
  const values = (Form.useWatch([], form) ?? {}) as Partial<Values>;
  const [idempotencyKey] = useState(newIdempotencyKey);
  const prefix = court.data?.caseCourtPrefix ?? '';
  const campaign = campaigns.data?.items.find((c) => c.id === values.campaignId);
  const defaultCampaign = campaigns.data ? openCampaign(campaigns.data.items) : undefined;

  const create = useMutation({
    mutationFn: (v: Values) =>
      data(
        api().POST('/applications', {
          headers: { 'Idempotency-Key': idempotencyKey },
          body: { campaignId: v.campaignId, ...toCandidate(v) },
        }),
      ),
    onSuccess: (created) => navigate(`/applications/${created.id}`),
    onError: (error) => {
      // Point each failed condition or field at its input, in words.
      if (!(error instanceof ApiProblem)) return;
      const fields = error.errors
        .map((e) => ({ name: FIELD_OF_PATH[e.path] ?? debtorTerminationField(e.path), e }))
        .filter((x): x is { name: keyof Values | (string | number)[]; e: (typeof error.errors)[number] } =>
          Boolean(x.name),
        );
      form.setFields(
        fields.map(({ name, e }) => ({
          // A list item's path (debtors[0].idNumber) is a name path the typed form cannot spell.
          name: name as keyof Values,
          errors: [lang === 'zh' && e.messageZh ? e.messageZh : e.message],
        })),
      );
    },
  });

  const required = (extra: Rule[] = []): Rule[] => [
    { required: true, whitespace: true, message: t('required') },
    ...extra,
  ];
  const idRule: Rule = ({ getFieldValue }) => ({
    validator(_, value: string | undefined) {
      if (!value || getFieldValue('idType') !== 'resident-id') return Promise.resolve();
      const r = validateResidentId(value);
      return r.ok ? Promise.resolve() : Promise.reject(new Error(t(ID_REASONS[r.reason] ?? 'idCheckDigit')));
    },
  });
  const amountRule = (check?: (fen: number) => string | undefined): Rule => ({
    validator(_, value: string | undefined) {
      if (!value) return Promise.resolve();
      const fen = fenOrUndefined(value);
      if (fen === undefined) return Promise.reject(new Error(t('amountFormat')));
      if (fen <= 0) return Promise.reject(new Error(t('amountPositive')));
      const problem = check?.(fen);
      return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
    },
  });
  const limits = campaign ?? defaultCampaign;

  if (campaigns.isError) return <ProblemAlert error={campaigns.error} />;
  if (!campaigns.data || !court.data) return <div role="status">{t('loading')}</div>;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('newTitle')}
      </Typography.Title>
      <Row gutter={24}>
        <Col xs={24} lg={16}>
          <Form<Values>
            form={form}
            name="new-application"
            layout="vertical"
            scrollToFirstError
            initialValues={{
              campaignId: defaultCampaign?.id,
              kind: 'enforcement',
              concluded: false,
              terminationMet: true,
              idType: 'resident-id',
              consentToTermination: false,
              priorJudicialRelief: false,
              special: false,
            }}
            onFinish={(v) => create.mutate(v)}
          >
            <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('sectionCase')}</h2>}>
              <Form.Item label={t('campaign')} name="campaignId" rules={required()}>
                {/* Searchable: once the SPC has run a few campaigns the list scrolls, and a clerk types a name. */}
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  options={campaigns.data.items.map((c) => ({ value: c.id, label: c.name }))}
                />
              </Form.Item>
              {limits ? (
                <Typography.Paragraph>
                  {t('limitsNote', {
                    standard: formatYuan(limits.standardLimitFen),
                    special: formatYuan(limits.specialLimitFen),
                  })}
                </Typography.Paragraph>
              ) : null}
              <Form.Item
                label={t('caseNumber')}
                name="caseNumber"
                validateDebounce={300}
                rules={required([
                  {
                    validator(_, value: string | undefined) {
                      if (!value) return Promise.resolve();
                      const parsed = parseCaseNumber(value);
                      if (!parsed.ok) {
                        const key =
                          parsed.reason === 'YEAR'
                            ? 'caseYear'
                            : parsed.reason === 'NOT_ENFORCEMENT'
                              ? 'caseNotEnforcement'
                              : 'caseFormat';
                        return Promise.reject(new Error(t(key, { prefix })));
                      }
                      if (parsed.value.courtPrefix !== prefix)
                        return Promise.reject(new Error(t('caseOtherCourt', { prefix })));
                      return Promise.resolve();
                    },
                  },
                ])}
              >
                <Input placeholder={t('caseNumberPlaceholder', { prefix })} maxLength={64} />
              </Form.Item>
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item label={t('category')} name="category" rules={required()}>
                    <Select options={CATEGORIES.map((c) => ({ value: c, label: categoryLabel(c, lang) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item label={t('kind')} name="kind">
                    <Radio.Group
                      options={[
                        { value: 'enforcement', label: t('kindEnforcement') },
                        { value: 'preservation', label: t('kindPreservation') },
                      ]}
                    />
                  </Form.Item>
                </Col>
              </Row>
              {values.category === 'other' ? (
                <Form.Item
                  label={t('categoryReason')}
                  name="categoryReason"
                  rules={[{ required: true, whitespace: true, message: t('categoryReasonRequired') }]}
                >
                  <Input.TextArea rows={2} maxLength={2000} />
                </Form.Item>
              ) : null}
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item
                    label={t('claimAmount')}
                    name="claimYuan"
                    dependencies={['special', 'campaignId']}
                    rules={required([
                      amountRule((fen) => {
                        if (!limits) return undefined;
                        if (fen > limits.specialLimitFen)
                          return t('claimOverSpecial', { limit: formatYuan(limits.specialLimitFen) });
                        if (fen > limits.standardLimitFen && !form.getFieldValue('special'))
                          return t('claimNeedsSpecial', { limit: formatYuan(limits.standardLimitFen) });
                        return undefined;
                      }),
                    ])}
                  >
                    <Input inputMode="decimal" suffix="元" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item
                    label={t('reliefAmount')}
                    name="reliefYuan"
                    dependencies={['claimYuan']}
                    rules={required([
                      amountRule((fen) => {
                        const claim = fenOrUndefined(form.getFieldValue('claimYuan'));
                        return claim !== undefined && fen > claim ? t('reliefOverClaim') : undefined;
                      }),
                    ])}
                  >
                    <Input inputMode="decimal" suffix="元" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="concluded" valuePropName="checked">
                <Checkbox>{t('concluded')}</Checkbox>
              </Form.Item>
              <Form.Item name="terminationMet" valuePropName="checked">
                <Checkbox>{t('terminationMet')}</Checkbox>
              </Form.Item>
              <Form.Item label={t('terminationBasis')} name="terminationBasis" rules={required()}>
                <Input.TextArea rows={2} maxLength={4000} />
              </Form.Item>
            </Card>

            <TerminationChecklistCard required={limits?.requireTerminationChecklist === true} />

            <Card
              size="small"
              style={{ marginTop: 16 }}
              title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('sectionApplicant')}</h2>}
            >
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item label={t('applicantName')} name="applicantName" rules={required()}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item
                    label={t('phone')}
                    name="phone"
                    rules={[{ pattern: /^\+?[0-9][0-9 -]{4,19}$/, message: t('phoneFormat') }]}
                  >
                    <Input inputMode="tel" maxLength={20} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item label={t('idType')} name="idType">
                    <Select
                      options={[
                        { value: 'resident-id', label: t('idTypeResident') },
                        { value: 'other', label: t('idTypeOther') },
                      ]}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={16}>
                  <IdNumberField name="idNumber" label={t('idNumber')} rules={required([idRule])} />
                </Col>
              </Row>
            </Card>

            <DebtorsCard required={limits?.requireDebtor === true} />
            <MeasuresCard />

            <Card
              size="small"
              style={{ marginTop: 16 }}
              title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('sectionHardship')}</h2>}
            >
              <Form.Item label={t('hardship')} name="hardship" rules={required()}>
                <Input.TextArea rows={3} maxLength={4000} />
              </Form.Item>
              <Form.Item name="consentToTermination" valuePropName="checked">
                <Checkbox>{t('consent')}</Checkbox>
              </Form.Item>
              <Form.Item name="priorJudicialRelief" valuePropName="checked">
                <Checkbox>{t('priorRelief')}</Checkbox>
              </Form.Item>
              <Form.Item name="special" valuePropName="checked">
                <Checkbox>{t('special')}</Checkbox>
              </Form.Item>
              {values.special ? (
                <Form.Item
                  label={t('specialReason')}
                  name="specialReason"
                  rules={[{ required: true, whitespace: true, message: t('specialReasonRequired') }]}
                >
                  <Input.TextArea rows={2} maxLength={4000} />
                </Form.Item>
              ) : null}
            </Card>

            <Card
              size="small"
              style={{ marginTop: 16 }}
              title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('sectionAccount')}</h2>}
            >
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item label={t('bankName')} name="bankName" rules={required()}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item label={t('holderName')} name="holderName" rules={required()}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <IdNumberField
                    name="holderIdNumber"
                    label={t('holderIdNumber')}
                    rules={required([idRule])}
                  />
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item
                    label={t('accountNumber')}
                    name="accountNumber"
                    rules={required([{ pattern: /^[0-9][0-9 ]{7,39}$/, message: t('accountFormat') }])}
                  >
                    <Input inputMode="numeric" maxLength={40} autoComplete="off" />
                  </Form.Item>
                </Col>
              </Row>
            </Card>

            {create.isError ? (
              <div style={{ marginTop: 16 }}>
                <ProblemAlert error={create.error} />
              </div>
            ) : null}
            <Button type="primary" htmlType="submit" loading={create.isPending} style={{ marginTop: 16 }}>
              {t('create')}
            </Button>
          </Form>
        </Col>
        <Col xs={24} lg={8}>
          <div style={{ position: 'sticky', top: 16 }}>
            <LiveEligibility campaignId={values.campaignId} values={values} />
          </div>
        </Col>
      </Row>
    </Space>
  );
}
