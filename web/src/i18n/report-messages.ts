/**
 * The console's words for the report page's detail (a high court's courts, the narrative of effects,
 * the written report): merged into messages.ts, kept apart so that other pages' messages merge without
 * conflict.
 */
export const REPORT_ZH = {
  reportDetailTitle: '辖区明细：{court}',
  reportDetailCourt: '查看的高级人民法院',
  byCourt: '按法院',
  noCourtRows: '该辖区尚无救助活动数据。',
  narrativeTitle: '取得的效果',
  narrativeEmpty: '尚未填写。',
  narrativeUpdated: '{by} 于 {time} 更新',
  narrativeEdit: '编辑取得的效果',
  narrativeSave: '保存',
  narrativeSaved: '已保存（第 {version} 版）。',
  narrativeLabel: '取得的效果（至多 4000 字）',
  exportDocx: '下载书面报告（Word）',
  exportDocxNational: '下载全国书面报告（Word）',
} as const;

export const REPORT_EN: Record<keyof typeof REPORT_ZH, string> = {
  reportDetailTitle: 'Courts of {court}',
  reportDetailCourt: 'High court shown',
  byCourt: 'By court',
  noCourtRows: 'No activity in this jurisdiction yet.',
  narrativeTitle: 'Effects achieved',
  narrativeEmpty: 'Not written yet.',
  narrativeUpdated: 'Updated by {by} at {time}',
  narrativeEdit: 'Edit the effects achieved',
  narrativeSave: 'Save',
  narrativeSaved: 'Saved (version {version}).',
  narrativeLabel: 'Effects achieved (at most 4,000 characters)',
  exportDocx: 'Download the written report (Word)',
  exportDocxNational: 'Download the national written report (Word)',
};
