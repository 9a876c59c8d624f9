/**
 * `relief courts import FILE.csv` against the local stack (POST /courts/imports): a dry run changes
 * nothing, --apply upserts and audits each court it touched, a bad row refuses the whole file and names
 * its line and column, a GBK file (Excel's "CSV") is read as such.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, token } from '../support/api.ts';
import { gbk } from '../support/gbk.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'relief.mjs');
const HEADER = 'code,name,level,parentCode,province,caseCourtPrefix,directToHighCourt';

function relief(args: string[], tokenValue: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const { RELIEF_API: _a, RELIEF_TOKEN: _t, ...inherited } = process.env;
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { ...inherited, RELIEF_API: baseUrl(), RELIEF_TOKEN: tokenValue },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let spc: string;
const file = (name: string, content: string | Buffer) => {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
};
const getCourt = async (code: string) => api('GET', `/courts/${code}`, { token: spc });
const trailOf = async (code: string) => (await api('GET', `/courts/${code}/audit`, { token: spc })).body;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'relief-courts-import-'));
  spc = await token('SPC', ['spc-admin'], 'courts-import-spc');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('relief courts import', () => {
  const rows = [
    HEADER,
    'QH0202,青海省海东市乐都区人民法院（依代字表）,basic,QH02,QH,青0202,否',
    'QH0203,青海省海东市平安区人民法院,basic,QH02,QH,青0203,否',
    'QH0297,青海省海东市新设人民法院,基层,QH02,QH,青0297,否',
  ].join('\n');

  it('dry run (the default) reports every change field by field and writes nothing', async () => {
    const before = (await api('GET', '/courts/QH0202', { token: spc })).headers.get('etag');
    const r = await relief(['courts', 'import', file('dry.csv', `\uFEFF${rows}\n`)], spc);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ QH0297 青海省海东市新设人民法院');
    expect(r.stdout).toContain('~ QH0202');
    expect(r.stdout).toContain('name: 青海省海东市乐都区人民法院 → 青海省海东市乐都区人民法院（依代字表）');
    expect(r.stdout).toMatch(/3 court\(s\): 1 added, 1 changed, 1 unchanged; dry run, nothing written/);
    expect((await getCourt('QH0297')).status).toBe(404);
    const after = await getCourt('QH0202');
    expect(after.body.name).toBe('青海省海东市乐都区人民法院');
    expect(after.headers.get('etag')).toBe(before);
    expect((await trailOf('QH0202')).items).toEqual([]);
  });

  it('a bad row refuses the whole file, naming its line and column, and changes nothing', async () => {
    const bad = [
      HEADER,
      'QH0203,青海省海东市平安区人民法院（改）,basic,QH02,QH,青0203,否',
      'QH0296,青海省海东市另设人民法院,basic,GS01,QH,青0296,否',
      'QH0295,青海省海东市又设人民法院,basic,QH02,QH,青0202,否',
    ].join('\r\n');
    const r = await relief(['courts', 'import', file('bad.csv', bad), '--apply'], spc);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv:3: parentCode: COURT_PARENT_CROSSES_PROVINCE/);
    expect(r.stderr).toMatch(/bad\.csv:4: caseCourtPrefix: CASE_PREFIX_TAKEN/);
    expect(r.stderr).toContain('nothing was imported');
    expect((await getCourt('QH0203')).body.name).toBe('青海省海东市平安区人民法院');
    for (const code of ['QH0296', 'QH0295']) expect((await getCourt(code)).status).toBe(404);
  });

  it('refuses a file with wrong headers or a bad level locally, before anything is sent', async () => {
    const wrong = await relief(
      ['courts', 'import', file('headers.csv', 'code,name,level\nQH0203,x,basic\n'), '--apply'],
      spc,
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/headers\.csv:1: parentCode: missing column parentCode/);
    const level = await relief(
      ['courts', 'import', file('level.csv', `${HEADER}\nQH0203,x,county,QH02,QH,青0203,否\n`), '--apply'],
      spc,
    );
    expect(level.code).toBe(2);
    expect(level.stderr).toMatch(/level\.csv:2: level: unknown level "county"/);
    expect((await getCourt('QH0203')).body.name).toBe('青海省海东市平安区人民法院');
  });

  it('--apply upserts the rows, one registry change on the trail of each court it touched', async () => {
    const r = await relief(['courts', 'import', file('apply.csv', rows), '--apply'], spc);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 added, 1 changed, 1 unchanged; imported \(registry version \d+\)/);
    expect((await getCourt('QH0297')).body).toEqual({
      code: 'QH0297',
      name: '青海省海东市新设人民法院',
      level: 'basic',
      parentCode: 'QH02',
      province: 'QH',
      directToHighCourt: false,
      caseCourtPrefix: '青0297',
    });
    expect((await getCourt('QH0202')).body.name).toBe('青海省海东市乐都区人民法院（依代字表）');
    for (const code of ['QH0202', 'QH0297']) {
      const trail = await trailOf(code);
      expect(trail.chainValid).toBe(true);
      expect(trail.items).toHaveLength(1);
      expect(trail.items[0]).toMatchObject({
        action: 'courts.imported',
        actor: { sub: 'courts-import-spc' },
      });
    }
    expect((await trailOf('QH0203')).items).toEqual([]);
    // The same file again: nothing to change, nothing written.
    const again = await relief(['courts', 'import', file('apply.csv', rows), '--apply'], spc);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 added, 0 changed, 3 unchanged; nothing to change/);
    expect((await trailOf('QH0202')).items).toHaveLength(1);
  });

  it('reads a GBK file (Excel’s “CSV”) and refuses UTF-16', async () => {
    const content = `${HEADER}\r\nQH2801,青海省格尔木市人民法院（GBK）,基层,QH28,QH,青2801,否\r\n`;
    const r = await relief(['courts', 'import', file('gbk.csv', gbk(content)), '--apply'], spc);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('read as GBK');
    expect((await getCourt('QH2801')).body.name).toBe('青海省格尔木市人民法院（GBK）');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(content, 'utf16le')]);
    const refused = await relief(['courts', 'import', file('utf16.csv', utf16)], spc);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('UTF-16');
  });

  it('POST /courts/imports is for SPC administrators only and changes nothing otherwise', async () => {
    const high = await token('QH', ['approver'], 'courts-import-qh');
    const res = await api('POST', '/courts/imports', {
      token: high,
      body: {
        dryRun: false,
        courts: [
          {
            code: 'QH0294',
            name: '某法院',
            level: 'basic',
            parentCode: 'QH02',
            province: 'QH',
            directToHighCourt: false,
            caseCourtPrefix: '青0294',
          },
        ],
      },
    });
    expect(res.status).toBe(403);
    expect((await getCourt('QH0294')).status).toBe(404);
  });
});
