/**
 * Every problem `code` the API (or the console itself) can answer, in words, Chinese and English.
 * The console shows these, never a raw body. A unit test fails when the server throws a code that is
 * missing here (test/unit/web/problem-messages.test.ts).
 */
export const PROBLEM_MESSAGES: Record<string, { zh: string; en: string }> = {
  // Requests and tokens
  VALIDATION_FAILED: {
    zh: '填写的内容不符合要求，请检查标出的字段。',
    en: 'Some fields are invalid; check the marked fields.',
  },
  UNKNOWN_FIELD: { zh: '请求中含有系统不认识的字段。', en: 'The request contains an unknown field.' },
  INVALID_FIELD: { zh: '字段内容无效。', en: 'A field is invalid.' },
  MALFORMED_JSON: { zh: '请求格式错误。', en: 'The request is not valid JSON.' },
  BODY_REQUIRED: { zh: '请求内容为空。', en: 'The request body is missing.' },
  UNSUPPORTED_MEDIA_TYPE: { zh: '请求的内容类型不受支持。', en: 'Unsupported content type.' },
  PAYLOAD_TOO_LARGE: { zh: '提交的内容过大。', en: 'The request is too large.' },
  REQUEST_ABORTED: {
    zh: '请求未完整发送，请重试。',
    en: 'The request was not received completely; try again.',
  },
  MALFORMED_PATH: { zh: '地址格式错误。', en: 'The address is malformed.' },
  ROUTE_NOT_FOUND: { zh: '接口不存在。', en: 'No such API route.' },
  METHOD_NOT_ALLOWED: { zh: '不支持该操作。', en: 'This operation is not allowed here.' },
  INVALID_CURSOR: {
    zh: '分页位置已失效，请回到第一页。',
    en: 'The page position is no longer valid; go back to the first page.',
  },
  INVALID_TEXT: {
    zh: '文字中含有不允许的控制字符或不可见字符。',
    en: 'The text contains control or invisible characters that are not allowed.',
  },
  INVALID_IDEMPOTENCY_KEY: { zh: '幂等键格式错误。', en: 'The Idempotency-Key is malformed.' },
  IDEMPOTENCY_KEY_REUSED: {
    zh: '同一操作标识已用于不同内容，请刷新后重试。',
    en: 'This action key was already used with other content; reload and try again.',
  },
  IF_MATCH_REQUIRED: {
    zh: '缺少版本信息，请刷新后重试。',
    en: 'The version is missing; reload and try again.',
  },
  INVALID_CLOCK_SHIFT: {
    zh: '本地时钟偏移无效：须为一年以内的整数秒（仅本地模式）。',
    en: 'Invalid local clock shift: a whole number of seconds within a year (local mode only).',
  },
  INVALID_IF_MATCH: {
    zh: '版本信息无效，请刷新后重试。',
    en: 'The version is invalid; reload and try again.',
  },
  VERSION_CONFLICT: {
    zh: '您读取之后，他人已修改了这一内容，请刷新后重试。',
    en: 'Someone else changed this since you read it; reload and try again.',
  },
  TOKEN_MISSING: { zh: '请先登录。', en: 'Please sign in.' },
  TOKEN_INVALID: { zh: '登录凭证无效，请重新登录。', en: 'Your sign-in is not valid; sign in again.' },
  TOKEN_EXPIRED: { zh: '登录已过期，请重新登录。', en: 'Your sign-in expired; sign in again.' },
  ROLE_FORBIDDEN: { zh: '您的角色无权进行此操作。', en: 'Your role may not do this.' },
  ROLE_NOT_AT_COURT: {
    zh: '该角色不能在所选法院使用（最高法管理员仅限最高人民法院）。',
    en: 'This role does not exist at the chosen court (spc-admin is SPC only).',
  },
  NOT_FOUND: { zh: '未找到，或不在本院管辖范围内。', en: 'Not found, or outside your jurisdiction.' },
  UNKNOWN_COURT: { zh: '法院代码不存在。', en: 'No court with this code.' },
  COURT_CANNOT_EXECUTE: { zh: '该法院不办理执行救助案件。', en: 'This court does not execute cases.' },
  // Campaigns and applications
  UNKNOWN_CAMPAIGN: { zh: '救助活动不存在。', en: 'No such campaign.' },
  CAMPAIGN_NOT_OPEN: { zh: '救助活动当前不接受申请。', en: 'The campaign does not accept applications now.' },
  CAMPAIGN_REQUIRED: { zh: '请选择救助活动。', en: 'Choose a campaign.' },
  OUTSIDE_HANDLING_WINDOW: {
    zh: '只能在救助活动的办理阶段提交审批。',
    en: 'Submission is possible only in the campaign’s handling phase.',
  },
  INELIGIBLE: {
    zh: '不符合救助条件，请看下列未满足的条件。',
    en: 'Not eligible; see the conditions that failed.',
  },
  // Debtors and the termination checklist (eligibility items; each failure also carries its own words)
  DEBTOR_REQUIRED: { zh: '本次救助活动须填写被执行人。', en: 'This campaign requires the debtor(s).' },
  DEBTOR_ID_TYPE_MISMATCH: {
    zh: '被执行人的证件类型与其身份不符：法人用统一社会信用代码，自然人用身份证件。',
    en: "The debtor's document type does not fit: a legal person by its credit code, a person by an ID document.",
  },
  INVALID_CREDIT_CODE: { zh: '统一社会信用代码无效。', en: 'The unified social credit code is not valid.' },
  FILED_AT_REQUIRED: { zh: '须填写执行案件的立案日期。', en: 'The filing date of the case is required.' },
  FILED_AT_IN_FUTURE: { zh: '立案日期晚于今日。', en: 'The filing date is in the future.' },
  FILED_AT_AFTER_APPLICATION: {
    zh: '立案日期晚于救助申请的创建日期。',
    en: 'The filing date is after the application was created.',
  },
  FILED_LESS_THAN_THREE_MONTHS: {
    zh: '自立案之日起未超过三个月。',
    en: 'Not more than three months have passed since the case was filed.',
  },
  TERMINATION_CHECKLIST_REQUIRED: {
    zh: '须逐项填写终结本次执行程序的条件。',
    en: 'The termination-conditions checklist is required.',
  },
  EXECUTION_NOTICE_NOT_SERVED: {
    zh: '未向被执行人发出执行通知。',
    en: 'The execution notice has not been served.',
  },
  PROPERTY_REPORT_NOT_ORDERED: {
    zh: '未责令被执行人报告财产。',
    en: 'The debtor has not been ordered to report property.',
  },
  CONSUMPTION_NOT_RESTRICTED: {
    zh: '未发出限制消费令。',
    en: 'No consumption-restriction order has been issued.',
  },
  DISHONEST_NOT_LISTED: {
    zh: '未将被执行人纳入失信被执行人名单。',
    en: 'The debtor has not been put on the dishonest-debtor list.',
  },
  INVESTIGATION_NOT_EXHAUSTED: {
    zh: '未穷尽财产调查措施。',
    en: 'The property investigation is not exhausted.',
  },
  DEBTOR_NOT_SEARCHED: {
    zh: '未依法查找下落不明的被执行人或未对妨害执行行为采取强制措施。',
    en: 'The absent debtor was not searched for, or obstruction not sanctioned.',
  },
  TERMINATION_PROOF_MISSING: {
    zh: '已完成的事项须载明完成日期或文书编号（日期不得晚于今日）。',
    en: 'An item marked done needs its date or reference (not in the future).',
  },
  RESTRICTIONS_MUST_REMAIN: {
    zh: '救助后被执行人的限制消费和财产控制措施继续有效；仅在恢复执行且执行到位后方可解除。',
    en: "The debtor's restrictions stay after relief; they may be lifted only after resumption and full recovery.",
  },
  RESUMPTION_DEBTOR_REQUIRED: {
    zh: '恢复执行须写明针对的被执行人。',
    en: 'Name the debtor(s) enforcement resumes against.',
  },
  UNKNOWN_DEBTOR: { zh: '该人员不是本案的被执行人。', en: 'Not a debtor of this application.' },
  UNKNOWN_MEASURE: { zh: '案件中没有该文号的措施。', en: 'The case has no measure with this reference.' },
  MEASURE_ALREADY_LIFTED: { zh: '该措施已经解除。', en: 'This measure was already lifted.' },
  NOT_RELIEF_CLOSED: {
    zh: '仅对救助后已结案（或已恢复执行）的案件登记财产查询。',
    en: 'Asset checks are recorded on relief-closed (or resumed) cases only.',
  },
  DUPLICATE_ASSET_CHECK: {
    zh: '同一日期、同一方式的财产查询已经登记。',
    en: 'A check with this date and method is already recorded.',
  },
  CHECK_IN_FUTURE: { zh: '查询日期晚于今日。', en: 'The check is dated in the future.' },
  CHECK_BEFORE_CLOSURE: {
    zh: '查询日期早于结案日期。',
    en: 'The check is dated before the case was closed.',
  },
  APPLICANT_NOTIFIED_BEFORE_CHECK: {
    zh: '告知申请执行人的日期不能早于查询日期。',
    en: 'The applicant cannot have been told before the check.',
  },
  APPLICANT_NOTIFIED_IN_FUTURE: {
    zh: '告知申请执行人的日期晚于今日。',
    en: 'The applicant is said to have been told on a day still to come.',
  },
  DUPLICATE_APPLICATION: {
    zh: '同一案件、同一申请执行人已有未结或已发放的救助申请。',
    en: 'This case and applicant already have an open or paid application.',
  },
  INVALID_STATUS: { zh: '申请当前的状态不允许此操作。', en: 'The application’s status does not allow this.' },
  MATERIALS_INCOMPLETE: {
    zh: '材料不全：六类材料都上传后才能提交审批。',
    en: 'Materials incomplete: all six document types must be uploaded first.',
  },
  MATERIALS_FROZEN: {
    zh: '申请已提交审批，材料已冻结。',
    en: 'The application was submitted; its materials are frozen.',
  },
  DOCUMENT_MISSING: { zh: '缺少材料。', en: 'A document is missing.' },
  STATEMENT_INVALID: {
    zh: '对账单有误，未予对账：请按所列行、列更正后重新提交。',
    en: 'The statement was refused: correct the rows and columns listed and send it again.',
  },
  UNKNOWN_COLUMN: { zh: '对账单含有未知的列。', en: 'The statement has an unknown column.' },
  MISSING_COLUMN: { zh: '对账单缺少必需的列。', en: 'The statement lacks a required column.' },
  DUPLICATE_COLUMN: { zh: '对账单的列重复。', en: 'A statement column is repeated.' },
  INVALID_ENCODING: {
    zh: '对账单编码无法识别（应为UTF-8或GBK）。',
    en: 'The statement is neither UTF-8 nor GBK text.',
  },
  NEGATIVE_AMOUNT: { zh: '金额不能为负数。', en: 'The amount is negative.' },
  FRACTIONAL_AMOUNT: { zh: '金额须为整数（分）。', en: 'The amount must be whole fen.' },
  INVALID_AMOUNT: { zh: '金额不是有效的整数（分）。', en: 'The amount is not a whole number of fen.' },
  VALUE_REQUIRED: { zh: '此项不能为空。', en: 'This value is required.' },
  EXTRA_CELLS: { zh: '该行的单元格多于表头的列数。', en: 'The row has more cells than the header.' },
  MALFORMED_CSV: { zh: '对账单不是有效的CSV格式。', en: 'The statement is not valid CSV.' },
  DOCUMENT_REJECTED: {
    zh: '该材料审查未通过，请上传同类新材料替换。',
    en: 'This document was rejected in review; upload another of its type to replace it.',
  },
  DOCUMENT_NOT_UPLOADED: {
    zh: '材料尚未上传完成，上传后才能审查。',
    en: 'The document has not been uploaded yet; review it once it is uploaded.',
  },
  DOCUMENT_ALREADY_REJECTED: {
    zh: '该材料已被驳回，请上传同类新材料。',
    en: 'The document is already rejected; upload another of its type.',
  },
  REVIEW_REASON_REQUIRED: {
    zh: '驳回材料须说明理由。',
    en: 'A rejection needs a reason.',
  },
  EVIDENCE_MISMATCH: {
    zh: '已审批的材料与存储的文件不一致，救助金暂缓发送，请联系运维人员。',
    en: 'An approved document no longer matches the stored file; the package is withheld for an operator.',
  },
  ID_TYPE_MISMATCH: {
    zh: '该号码是有效的居民身份证号码，证件类型应选择“居民身份证”。',
    en: 'This number is a valid resident ID number: choose the resident ID document type.',
  },
  LATE_UPLOAD: {
    zh: '提交审批后到达的文件不计入材料。',
    en: 'A file that arrived after submission does not count.',
  },
  // Decisions and quotas
  QUEUE_NOT_YOURS: {
    zh: '只能查看本院的待审批队列（最高人民法院除外）。',
    en: 'Only your own court’s approval queue can be read (the SPC may read any).',
  },
  NOT_PENDING_AT_YOUR_COURT: {
    zh: '该申请当前不在本院审批。',
    en: 'The application does not wait at your court.',
  },
  NOT_ATTEMPTED: {
    zh: '本批审批时间已用尽，该条未处理（未作任何更改），请在新的一批中重新提交。',
    en: 'The batch ran out of time before this item; nothing was written for it. Send it again in a new batch.',
  },
  DUPLICATE_IN_BATCH: {
    zh: '该申请在本批中已出现，只按第一次出现的条目审批。',
    en: 'This application appears earlier in the batch; only its first item was decided.',
  },
  DECISION_ALREADY_RECORDED: { zh: '本级已作出审批意见。', en: 'Your level has already decided.' },
  SUBMITTER_CANNOT_DECIDE: {
    zh: '提交人不能审批自己提交的申请。',
    en: 'The person who submitted an application may not decide it.',
  },
  COMMENT_REQUIRED: { zh: '不同意或退回时必须填写理由。', en: 'A reason is required to reject or return.' },
  QUOTA_EXCEEDED: {
    zh: '本省救助额度不足，无法批准。',
    en: 'The high court’s quota is not enough for this approval.',
  },
  QUOTA_BELOW_COMMITTED: {
    zh: '额度不能低于已占用和已发放的金额。',
    en: 'A quota cannot go below what is reserved and disbursed.',
  },
  // Campaigns (救助活动的设立与调整)
  CAMPAIGN_EXISTS: { zh: '已有相同标识的救助活动。', en: 'A campaign with this id already exists.' },
  CAMPAIGN_INVALID: {
    zh: '救助活动的日期或限额不符合规则，请检查标出的字段。',
    en: 'The campaign’s dates or limits break its rules; check the marked fields.',
  },
  CAMPAIGN_AUDIT_NOT_VISIBLE: {
    zh: '救助活动的调整记录由最高人民法院查看。',
    en: 'A campaign’s change trail is read at the SPC.',
  },
  INVALID_DATE: { zh: '日期或时间不存在。', en: 'The date or time does not exist.' },
  PREPARATION_ENDS_BEFORE_START: {
    zh: '准备阶段的结束时间不能早于开始时间。',
    en: 'Preparation cannot end before it starts.',
  },
  HANDLING_NOT_AFTER_PREPARATION: {
    zh: '办理阶段须在准备阶段结束之后开始。',
    en: 'Handling must start after preparation ends.',
  },
  HANDLING_ENDS_BEFORE_START: {
    zh: '办理阶段的结束时间不能早于开始时间。',
    en: 'Handling cannot end before it starts.',
  },
  REPORT_DUE_NOT_AFTER_HANDLING: {
    zh: '报送情况的截止时间须在办理阶段结束之后。',
    en: 'The report must be due after handling ends.',
  },
  SPECIAL_LIMIT_BELOW_STANDARD: {
    zh: '特殊情况限额不能低于一般限额。',
    en: 'The special limit cannot be below the standard limit.',
  },
  LIMIT_BELOW_APPROVED: {
    zh: '限额不能低于本活动已批准申请的申请标的金额。',
    en: 'A limit cannot go below the claim of an application already approved in this campaign.',
  },
  NOT_A_QUOTA_HOLDER: { zh: '只有高级人民法院持有救助额度。', en: 'Only high courts hold quota.' },
  QUOTA_NOT_VISIBLE: { zh: '无权查看该额度。', en: 'You may not see this quota.' },
  INVALID_COURT_CODE: { zh: '法院代码格式不正确。', en: 'Not a court code (SPC, BJ, BJ01, BJ0105…).' },
  UNKNOWN_PARENT_COURT: { zh: '上级法院不存在。', en: 'The parent court does not exist.' },
  COURT_PARENT_CYCLE: { zh: '上级法院设置形成循环。', en: 'That parent would make a cycle.' },
  COURT_PARENT_CROSSES_PROVINCE: {
    zh: '上级法院须在同一省级辖区内。',
    en: 'The parent court must be in the same province.',
  },
  COURT_LEVEL_MISMATCH: {
    zh: '法院层级与代码或上级法院不一致。',
    en: 'The level does not fit the court code or its parent.',
  },
  COURT_PROVINCE_MISMATCH: {
    zh: '省份与法院代码不一致。',
    en: 'The province does not match the court code.',
  },
  INVALID_CASE_COURT_PREFIX: { zh: '法院代字不符合规定。', en: 'The case-number designation is not valid.' },
  DIRECT_TO_HIGH_COURT_NOT_ALLOWED: {
    zh: '只有直辖市的基层法院可以直接报高级人民法院。',
    en: 'Only basic courts of the four municipalities report straight to the high court.',
  },
  CASE_PREFIX_TAKEN: {
    zh: '该法院代字已被其他法院使用。',
    en: 'Another court already has this designation.',
  },
  DUPLICATE_COURT_CODE: {
    zh: '导入文件中法院代码重复。',
    en: 'The import names this court code twice.',
  },
  IMPORT_TOO_LARGE: {
    zh: '本次导入变更的法院过多，请拆分文件（例如按省份）。',
    en: 'This import changes too many courts for one change; split the file (e.g. by province).',
  },
  LEVEL_OUT_OF_ROUTE: {
    zh: '该法院不在此申请的审批路径上。',
    en: 'This court is not on the application’s approval route.',
  },
  // Payout, closure, reports
  NOT_PAID: { zh: '救助金尚未发放。', en: 'The relief has not been paid yet.' },
  RULING_BEFORE_PAYOUT: { zh: '裁定日期不能早于救助金发放。', en: 'The ruling cannot predate the payout.' },
  AMOUNT_OVER_RELIEF: { zh: '金额超过救助金额。', en: 'The amount exceeds the relief amount.' },
  RECOVERY_OVER_RELIEF: {
    zh: '追回总额不能超过救助金额。',
    en: 'Recoveries cannot exceed the relief amount.',
  },
  PACKAGE_NOT_AWAITING_PAYOUT: { zh: '该救助包不在待发放状态。', en: 'The package is not awaiting payout.' },
  AMOUNT_MISMATCH: {
    zh: '发放金额与批准金额不一致，已标记待核查。',
    en: 'The paid amount differs from the approved amount; flagged.',
  },
  REPORT_ALREADY_FROZEN: { zh: '报表已封存。', en: 'The report is already frozen.' },
  REPORT_NOT_VISIBLE: { zh: '无权查看该报表。', en: 'You may not see this report.' },
  FUND_NOT_VISIBLE: { zh: '无权查看救助款回收情况。', en: 'You may not see the relief fund.' },
  RESUMPTION_NOT_DUE: {
    zh: '该案件当前无需决定是否恢复执行。',
    en: 'No asset check has made resumption due for this case.',
  },
  INSURER_NOT_CONFIGURED: { zh: '保险公司接口尚未配置。', en: 'The insurer is not configured.' },
  INSURER_UNAVAILABLE: { zh: '保险公司接口暂不可用。', en: 'The insurer is unavailable.' },
  INVALID_SIGNATURE: { zh: '签名无效。', en: 'Invalid signature.' },
  UNKNOWN_PACKAGE: { zh: '救助包不存在。', en: 'Unknown package.' },
  INVALID_PACKAGE: { zh: '救助包无效。', en: 'Invalid package.' },
  PAYOUT_INCOMPLETE: { zh: '发放信息不完整。', en: 'The payout is incomplete.' },
  THROTTLED: { zh: '请求过于频繁，请稍后再试。', en: 'Too many requests; try again shortly.' },
  INTERNAL_ERROR: { zh: '系统内部错误，请稍后重试。', en: 'Internal error; try again later.' },
  // The console's own (no server code): network, non-problem answers, uploads
  NETWORK_ERROR: {
    zh: '无法连接服务器，请检查网络后重试。',
    en: 'Cannot reach the server; check the network and try again.',
  },
  SERVER_ERROR: { zh: '服务器出错，请稍后重试。', en: 'The server failed; try again later.' },
  SERVICE_UNAVAILABLE: {
    zh: '服务暂不可用，请稍后重试。',
    en: 'The service is unavailable; try again later.',
  },
  UNEXPECTED_RESPONSE: { zh: '服务器返回了无法识别的应答。', en: 'The server sent an unexpected answer.' },
  UPLOAD_FAILED: {
    zh: '文件上传失败（网络中断或存储拒收），请重新上传。',
    en: 'The upload failed (network or storage refused it); upload again.',
  },
  UPLOAD_REJECTED_BY_STORAGE: {
    zh: '存储拒收了文件（校验值、大小或类型与登记不符，或上传地址已过期），请重新上传。',
    en: 'Storage refused the file (checksum, size or type differ from what was declared, or the link expired); upload again.',
  },
  FILE_TYPE_NOT_ALLOWED: {
    zh: '只接受 PDF、JPEG、PNG 或 TIFF 文件。',
    en: 'Only PDF, JPEG, PNG or TIFF files are accepted.',
  },
  // Audit seal verification (relief audit verify; a future audit page)
  CHAIN_BROKEN: {
    zh: '审计链断裂：某条记录与前一条的哈希不符。',
    en: 'The audit chain is broken: an entry does not follow its predecessor.',
  },
  CHAIN_MISSING: { zh: '审计链缺失。', en: 'The audit chain is missing.' },
  CHAIN_NOT_SEALED: {
    zh: '审计链尚未封存到任何签名检查点。',
    en: 'The audit chain is not sealed by any signed checkpoint.',
  },
  CHECKPOINT_CHAIN_BROKEN: {
    zh: '检查点之间的链接断裂。',
    en: 'The checkpoints no longer follow each other.',
  },
  CHECKPOINT_MALFORMED: { zh: '检查点格式错误。', en: 'A checkpoint is malformed.' },
  CHECKPOINT_SEQUENCE_GAP: { zh: '检查点序号有缺口。', en: 'A checkpoint is missing from the sequence.' },
  CHECKPOINT_SIGNATURE_INVALID: { zh: '检查点签名无效。', en: 'A checkpoint’s signature is invalid.' },
  SEALED_ENTRY_MISMATCH: { zh: '已封存的审计记录被改动。', en: 'A sealed audit entry was changed.' },
  SEALED_ENTRY_MISSING: { zh: '已封存的审计记录已丢失。', en: 'A sealed audit entry is missing.' },
  FILE_TOO_LARGE: { zh: '文件不能超过 20 MB。', en: 'A file may be at most 20 MB.' },
  FILE_EMPTY: { zh: '文件是空的。', en: 'The file is empty.' },
  HASH_UNAVAILABLE: {
    zh: '浏览器无法计算文件校验值（需 HTTPS）。',
    en: 'The browser cannot compute the checksum (HTTPS required).',
  },
};

export function problemMessage(code: string, lang: 'zh' | 'en'): string {
  const entry = PROBLEM_MESSAGES[code];
  if (entry) return entry[lang];
  return lang === 'zh' ? `操作未成功（代码 ${code}）。` : `The action did not succeed (code ${code}).`;
}
