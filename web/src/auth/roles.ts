import type { MessageKey } from '../i18n/messages.ts';
import type { Role } from './session.ts';

export const ROLE_KEYS: Record<Role, MessageKey> = {
  clerk: 'roleClerk',
  approver: 'roleApprover',
  'spc-admin': 'roleSpcAdmin',
};
