import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The source notice 法明传(2018)841号, verbatim, as the project received it: tests that pin mandated
 * text compare with passages extracted from it, never with the constants the code exports (style §18).
 *
 * Where: `../shared/seed/` beside the repository root (CI lays shared/ beside the clone, read-only),
 * resolved from this file's location. `RELIEF_SEED_DIR` overrides it, for a checkout that has no
 * shared/ beside it (e.g. a git worktree elsewhere). Absent, every test that needs it fails loudly.
 */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEED_DIR = process.env.RELIEF_SEED_DIR ?? path.resolve(REPO_ROOT, '../shared/seed');
export const NOTICE_FILE = path.join(SEED_DIR, '000_2ad331f3c2d45709.txt');

export function noticeText(): string {
  if (!existsSync(NOTICE_FILE)) {
    throw new Error(
      `The source notice is missing: expected ${NOTICE_FILE} (shared/seed/ beside the repository, or set RELIEF_SEED_DIR).`,
    );
  }
  return readFileSync(NOTICE_FILE, 'utf8');
}

/**
 * The passage the notice quotes (between “ and ”) right after `lead`, with every whitespace removed:
 * the notice's text is broken across lines and pages (e.g. "人民法\n\n院将依职权"). Throws when the lead
 * occurs other than once or no quoted passage follows it.
 */
export function quotedPassageAfter(lead: string): string {
  const text = noticeText();
  const at = text.indexOf(lead);
  if (at < 0 || text.indexOf(lead, at + 1) >= 0) {
    throw new Error(`The notice must contain ${JSON.stringify(lead)} exactly once.`);
  }
  const open = text.indexOf('“', at + lead.length);
  const close = open < 0 ? -1 : text.indexOf('”', open + 1);
  if (open !== at + lead.length || close < 0) {
    throw new Error(`No quoted passage right after ${JSON.stringify(lead)} in the notice.`);
  }
  return text.slice(open + 1, close).replace(/\s+/gu, '');
}

/** （三）1: the paragraph every termination ruling must contain (终结执行裁定书应当载明以下内容). */
export const noticeRulingParagraph = () => quotedPassageAfter('终结执行裁定书应当载明以下内容：');

/** （三）1: the closing reason (结案事由) of a case closed as 终结执行 after relief. */
export const noticeClosingReason = () => quotedPassageAfter('结案事由为');

/**
 * （三）1: the Civil Procedure Law provision the notice cites for the termination ruling, as it writes it
 * (民事诉讼法第二百五十七条第六项, the numbering in force in 2018), found between 依据 and 规定裁定终结执行.
 */
export function noticeRulingLegalBasis(): string {
  const text = noticeText().replace(/\s+/gu, '');
  const match =
    /应当依据(民事诉讼法第[一二三四五六七八九十百零]+条第[一二三四五六七八九十]+项)规定裁定终结执行/u.exec(
      text,
    );
  if (!match?.[1]) throw new Error('The notice must cite the Civil Procedure Law provision for the ruling.');
  return match[1];
}
