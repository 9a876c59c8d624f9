import type { ThemeConfig } from 'antd';

/**
 * antd's defaults miss WCAG AA contrast in places (primary #1677ff and error #ff4d4f behind white text,
 * tertiary and placeholder text on white): darker tokens keep every text at 4.5:1 or more, which the
 * browser test checks with axe.
 */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    colorLink: '#0958d9',
    // antd lightens the primary on hover (about 3.9:1 behind white text): darken it instead.
    colorPrimaryHover: '#003eb3',
    colorLinkHover: '#003eb3',
    colorError: '#cf1322',
    colorSuccess: '#237804',
    colorWarning: '#ad6800',
    colorInfo: '#0958d9',
    // Darker seeds would darken the alert backgrounds too: keep antd's light ones.
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
    colorInfoBg: '#e6f4ff',
    colorInfoBorder: '#91caff',
    colorTextTertiary: '#595959',
    colorTextQuaternary: '#737373',
    colorTextPlaceholder: '#737373',
    colorTextDescription: '#595959',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif",
  },
};
