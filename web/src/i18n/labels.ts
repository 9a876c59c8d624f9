import type { ApplicationStatus, DocumentType } from '../api/client.ts';
import { CATEGORY_LABELS_EN, CATEGORY_LABELS_ZH, type Category } from '../domain.ts';
import type { Lang } from './locale.tsx';

type Pair = { zh: string; en: string };

/** Typed against the generated API types: a new status or document type fails the build until named. */
export const STATUS_LABELS: Record<ApplicationStatus | 'withdrawn', Pair & { color: string }> = {
  draft: { zh: '草稿', en: 'Draft', color: '#595959' },
  pending_approval: { zh: '审批中', en: 'Pending approval', color: '#0958d9' },
  returned: { zh: '已退回补充', en: 'Returned', color: '#ad4e00' },
  rejected: { zh: '未获批准', en: 'Rejected', color: '#a8071a' },
  awaiting_payout: { zh: '待保险公司发放', en: 'Awaiting payout', color: '#531dab' },
  paid: { zh: '救助金已发放', en: 'Paid', color: '#237804' },
  declined: { zh: '保险公司未予发放', en: 'Declined by insurer', color: '#a8071a' },
  closed: { zh: '已终结执行', en: 'Closed', color: '#262626' },
  resumed: { zh: '已恢复执行', en: 'Enforcement resumed', color: '#874d00' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn', color: '#595959' },
};

export const DOCUMENT_TYPES = [
  'identity',
  'enforcement-basis',
  'hardship-proof',
  'termination-consent',
  'bank-account',
  'execution-report',
] as const satisfies readonly DocumentType[];

export const DOCUMENT_LABELS: Record<DocumentType, Pair> = {
  identity: { zh: '身份证明', en: 'Identity proof' },
  'enforcement-basis': { zh: '执行依据', en: 'Enforcement basis' },
  'hardship-proof': { zh: '生活困难证明', en: 'Proof of hardship' },
  'termination-consent': { zh: '同意终结执行的书面意见', en: 'Consent to termination' },
  'bank-account': { zh: '本人银行账户信息', en: 'Bank account details' },
  'execution-report': { zh: '案件执行情况报告', en: 'Case execution report' },
};

export const DOCUMENT_STATUS_LABELS: Record<DocumentRecordStatus, Pair & { color: string }> = {
  pending: { zh: '待存储确认', en: 'Pending', color: '#ad4e00' },
  uploaded: { zh: '已上传', en: 'Uploaded', color: '#237804' },
  rejected: { zh: '已拒收', en: 'Rejected', color: '#a8071a' },
};
type DocumentRecordStatus = 'pending' | 'uploaded' | 'rejected';

const ACTIONS: Record<string, Pair> = {
  'application.created': { zh: '创建申请', en: 'Application created' },
  'application.updated': { zh: '修改申请', en: 'Application edited' },
  'application.submitted': { zh: '提交审批', en: 'Submitted for approval' },
  'application.closed': { zh: '报结（终结执行）', en: 'Case closed' },
  'application.withdrawn': { zh: '撤回申请', en: 'Application withdrawn' },
  'document.requested': { zh: '登记材料', en: 'Document registered' },
  'document.uploaded': { zh: '材料上传确认', en: 'Document uploaded' },
  'document.rejected': { zh: '材料被拒收', en: 'Document rejected' },
  'document.review-accepted': { zh: '材料审查通过', en: 'Document accepted in review' },
  'document.review-rejected': { zh: '材料审查驳回', en: 'Document rejected in review' },
  'decision.approve': { zh: '审批同意', en: 'Approved' },
  'decision.reject': { zh: '审批不同意', en: 'Rejected' },
  'decision.return': { zh: '退回补充材料', en: 'Returned' },
  'package.dispatched': { zh: '救助材料已送保险公司', en: 'Package sent to the insurer' },
  'payout.succeeded': { zh: '保险公司已发放救助金', en: 'Insurer paid' },
  'payout.declined': { zh: '保险公司未予发放', en: 'Insurer declined' },
  'payout.flagged': { zh: '发放异常待核查', en: 'Payout flagged' },
  'enforcement.resumed': { zh: '恢复执行', en: 'Enforcement resumed' },
  'recovery.recorded': { zh: '登记追回款', en: 'Recovery recorded' },
  'workflow.escalated': { zh: '超时提醒', en: 'Escalated (overdue)' },
  'workflow.fault': { zh: '流程异常', en: 'Workflow fault' },
  'quota.reservation.fenced': { zh: '额度预留超时作废', en: 'Stale quota reservation fenced' },
  'quota.reservation.released': { zh: '超时额度预留已释放', en: 'Stale quota reservation released' },
};

export function actionLabel(action: string, lang: Lang): string {
  return ACTIONS[action]?.[lang] ?? action;
}

export function categoryLabel(category: string, lang: Lang): string {
  const labels = lang === 'zh' ? CATEGORY_LABELS_ZH : CATEGORY_LABELS_EN;
  return Object.hasOwn(labels, category) ? labels[category as Category] : category;
}

export function statusLabel(status: string, lang: Lang): string {
  return Object.hasOwn(STATUS_LABELS, status) ? STATUS_LABELS[status as ApplicationStatus][lang] : status;
}
