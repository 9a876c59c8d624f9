import { readFileSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { CANDIDATE_COLUMN_NAMES, candidateFromRecord, readCandidates } from '../../../cli/candidates.ts';
import { InputError } from '../../../cli/errors.ts';
import {
  COURT_SAMPLES,
  candidatesCsvOf,
  SAMPLE_CANDIDATES,
  sampleAllocationsCsv,
  sampleCandidatesCsv,
} from '../../../cli/make-sample.ts';
import { readAllocations } from '../../../cli/quotas.ts';
import { getCourt, QUOTA_HOLDER_CODES } from '../../../functions/domain/courts.ts';
import { type ApplicationFacts, evaluateEligibility } from '../../../functions/domain/eligibility.ts';
import { DEMO_LIMITS } from './fake-api.ts';

const sample = (i = 0) => structuredClone((SAMPLE_CANDIDATES[i] ?? SAMPLE_CANDIDATES[0])?.cells ?? {});

/** A CSV text from cell maps, with the given columns (default: all), LF line ends, no BOM. */
function csv(rows: Record<string, string>[], columns: readonly string[] = CANDIDATE_COLUMN_NAMES): string {
  return stringify([[...columns], ...rows.map((r) => columns.map((c) => r[c] ?? ''))]);
}

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('the shipped samples', () => {
  it('samples/candidates.csv is what cli/make-sample.ts generates, and every row is valid', () => {
    const bytes = readFileSync(new URL('../../../samples/candidates.csv', import.meta.url));
    expect(bytes.toString('utf8')).toBe(sampleCandidatesCsv());
    const file = readCandidates(bytes, 'candidates.csv');
    expect(file.rows).toHaveLength(20);
    expect(file.rows.filter((r) => r.issues.length > 0)).toEqual([]);
    expect(file.warnings).toEqual([]);
  });

  it('each sample candidate fails exactly its expected conditions at BJ0105 in the demo campaign', () => {
    const court = getCourt('BJ0105');
    if (!court) throw new Error('BJ0105 missing');
    const file = readCandidates(sampleCandidatesCsv(), 'candidates.csv');
    file.rows.forEach((row, i) => {
      const result = evaluateEligibility(row.body as ApplicationFacts, {
        campaign: DEMO_LIMITS,
        executingCourt: court,
        today: '2025-06-01',
      });
      const codes = [...new Set(result.failures.map((f) => f.code))];
      expect({ line: row.line, codes }).toEqual({ line: row.line, codes: SAMPLE_CANDIDATES[i]?.expected });
    });
    const eligible = SAMPLE_CANDIDATES.filter((c) => c.expected.length === 0).length;
    expect(eligible).toBe(13);
  });

  it('ships candidates of courts in several provinces (内蒙古, 广东, 新疆兵团), each file generated and valid', () => {
    expect(COURT_SAMPLES.map((c) => getCourt(c.code)?.province)).toEqual(['NM', 'GD', 'BT']);
    for (const sample of COURT_SAMPLES) {
      const bytes = readFileSync(new URL(`../../../samples/${sample.file}`, import.meta.url));
      expect(bytes.toString('utf8')).toBe(candidatesCsvOf(sample.candidates));
      const file = readCandidates(bytes, sample.file);
      expect(file.rows.filter((r) => r.issues.length > 0)).toEqual([]);
      expect(file.rows.length).toBe(sample.candidates.length);
    }
  });

  it.each(COURT_SAMPLES.map((c) => [c.code, c] as const))(
    'each candidate of %s fails exactly its expected conditions at that court, and carries its designation',
    (code, sample) => {
      const court = getCourt(code);
      if (!court) throw new Error(`${code} missing`);
      expect(court.caseCourtPrefix).toBe(sample.caseCourtPrefix);
      const file = readCandidates(candidatesCsvOf(sample.candidates), sample.file);
      file.rows.forEach((row, i) => {
        expect(row.body?.case.caseNumber).toContain(`${court.caseCourtPrefix}执`);
        const result = evaluateEligibility(row.body as ApplicationFacts, {
          campaign: DEMO_LIMITS,
          executingCourt: court,
          today: '2025-06-01',
        });
        const codes = [...new Set(result.failures.map((f) => f.code))];
        expect({ line: row.line, codes }).toEqual({ line: row.line, codes: sample.candidates[i]?.expected });
      });
      expect(sample.candidates.some((c) => c.expected.length === 0)).toBe(true);
      // At another court the same rows fail: the case numbers carry this court's designation.
      const beijing = getCourt('BJ0105');
      if (!beijing) throw new Error('BJ0105 missing');
      const elsewhere = evaluateEligibility(file.rows[0]?.body as ApplicationFacts, {
        campaign: DEMO_LIMITS,
        executingCourt: beijing,
        today: '2025-06-01',
      });
      expect(elsewhere.eligible).toBe(false);
    },
  );

  it('samples/allocations.csv is generated and allocates every one of the 32 quota holders', () => {
    const text = readFileSync(new URL('../../../samples/allocations.csv', import.meta.url), 'utf8');
    expect(text).toBe(sampleAllocationsCsv());
    const rows = readAllocations(text, 'allocations.csv');
    expect(rows.map((r) => r.highCourtCode).sort()).toEqual([...QUOTA_HOLDER_CODES].sort());
    expect(rows.every((r) => r.allocatedFen >= 100_000_000)).toBe(true);
  });
});

describe('reading a candidate CSV', () => {
  it('reads the same rows with or without a BOM, with LF or CRLF line ends', () => {
    const text = csv([sample(0), sample(1)]);
    const variants = [
      text,
      `\uFEFF${text}`,
      text.replace(/\n/g, '\r\n'),
      `\uFEFF${text.replace(/\n/g, '\r\n')}`,
    ];
    const bodies = variants.map((v) =>
      readCandidates(Buffer.from(v, 'utf8'), 'c.csv').rows.map((r) => r.body),
    );
    for (const b of bodies) expect(b).toEqual(bodies[0]);
    expect(bodies[0]?.[0]?.applicant.name).toBe('王建国');
  });

  it('maps the flat columns onto the POST /applications body, converting yes/no and yuan', () => {
    const row = { ...sample(4) };
    const { body } = readCandidates(csv([row]), 'c.csv').rows[0] ?? {};
    expect(body).toEqual({
      case: {
        caseNumber: '(2024)京0105执1205号',
        category: 'work-injury',
        kind: 'enforcement',
        claimAmountFen: 6_000_000,
        concluded: false,
        terminationConditions: { met: true, basis: row.terminationBasis },
      },
      applicant: {
        name: '陈志明',
        kind: 'natural-person',
        idType: 'resident-id',
        idNumber: row.idNumber,
        phone: row.phone,
      },
      hardship: { statement: row.hardshipStatement },
      consentToTermination: true,
      priorJudicialRelief: false,
      specialCircumstance: { reason: row.specialReason },
      reliefAmountFen: 5_000_000,
      bankAccount: {
        bankName: row.bankName,
        holderName: '陈志明',
        holderIdNumber: row.idNumber,
        accountNumber: row.accountNumber,
      },
    });
  });

  it.each([
    ['是', true],
    ['否', false],
    ['true', true],
    ['FALSE', false],
    ['yes', true],
    ['No', false],
    ['1', true],
    ['0', false],
    [' 是 ', true],
  ])('reads the yes/no cell %j as %s', (cell, value) => {
    const { body } = candidateFromRecord({ ...sample(0), consent: cell }, 2);
    expect(body?.consentToTermination).toBe(value);
  });

  it('refuses a yes/no cell that is neither, naming the line and the column', () => {
    const rows = [sample(0), { ...sample(1), priorRelief: '可能' }];
    const [first, second] = readCandidates(csv(rows), 'c.csv').rows;
    expect(first?.issues).toEqual([]);
    expect(second?.body).toBeUndefined();
    expect(second?.issues).toEqual([
      expect.objectContaining({ line: 3, column: 'priorRelief', message: expect.stringContaining('是/否') }),
    ]);
  });

  it.each([
    ['30000', 3_000_000],
    ['0.29', 29],
    ['0.07', 7],
    ['8000.50', 800_050],
    ['8000.5', 800_050],
    ['30,000.00', 3_000_000],
    ['99999.99', 9_999_999],
    ['１２３４.５６', 123_456],
  ])('converts %j yuan to exactly %d fen', (cell, fen) => {
    const { body } = candidateFromRecord({ ...sample(0), claimAmountYuan: cell, reliefAmountYuan: '1' }, 2);
    expect(body?.case.claimAmountFen).toBe(fen);
  });

  it.each(['1.005', '-100', '1e4', '30 000', '三万', '¥300', '3,0000'])('refuses the amount %j', (cell) => {
    const { issues } = candidateFromRecord({ ...sample(0), claimAmountYuan: cell }, 7);
    expect(issues).toEqual([expect.objectContaining({ line: 7, column: 'claimAmountYuan' })]);
  });

  it('refuses a relief amount of zero (the API needs a positive amount)', () => {
    const { issues } = candidateFromRecord({ ...sample(0), reliefAmountYuan: '0.00' }, 4);
    expect(issues).toEqual([expect.objectContaining({ line: 4, column: 'reliefAmountYuan' })]);
  });

  it('accepts a category code or its Chinese label, and refuses anything else with its line', () => {
    expect(candidateFromRecord({ ...sample(0), category: '追索赡养费' }, 2).body?.case.category).toBe(
      'elder-support',
    );
    expect(candidateFromRecord({ ...sample(0), category: '赡养费' }, 2).body?.case.category).toBe(
      'elder-support',
    );
    expect(candidateFromRecord({ ...sample(0), category: 'Child-Support' }, 2).body?.case.category).toBe(
      'child-support',
    );
    const rows = [sample(0), sample(1), { ...sample(2), category: 'contract-dispute' }];
    const bad = readCandidates(csv(rows), 'c.csv').rows[2];
    expect(bad?.issues).toEqual([
      expect.objectContaining({
        line: 4,
        column: 'category',
        message: expect.stringContaining('contract-dispute'),
      }),
    ]);
  });

  it('reports every problem of a row, each with its column', () => {
    const row = { ...sample(0), kind: 'criminal', concluded: '', phone: 'call me', caseNumber: '  ' };
    const { issues } = candidateFromRecord(row, 9);
    expect(issues.map((i) => i.column).sort()).toEqual(['caseNumber', 'concluded', 'kind', 'phone']);
    expect(issues.every((i) => i.line === 9 && i.messageZh.length > 0)).toBe(true);
  });

  it('leaves optional columns out of the header or blank without complaint', () => {
    const columns = CANDIDATE_COLUMN_NAMES.filter(
      (c) => !['categoryReason', 'applicantKind', 'phone', 'specialReason'].includes(c),
    );
    const { rows } = readCandidates(csv([sample(0)], columns), 'c.csv');
    expect(rows[0]?.issues).toEqual([]);
    expect(rows[0]?.body?.applicant).not.toHaveProperty('phone');
    expect(rows[0]?.body).not.toHaveProperty('specialCircumstance');
  });

  it('refuses a header without a required column, naming it, before reading any row', () => {
    const columns = CANDIDATE_COLUMN_NAMES.filter((c) => c !== 'consent' && c !== 'idNumber');
    const err = inputError(() => readCandidates(csv([sample(0)], columns), 'c.csv'));
    expect(err.issues).toEqual([
      expect.objectContaining({ line: 1, column: 'idNumber', message: 'missing column idNumber' }),
      expect.objectContaining({ line: 1, column: 'consent', message: 'missing column consent' }),
    ]);
  });

  it('refuses unknown and repeated columns (a typo must not drop data silently)', () => {
    const err = inputError(() =>
      readCandidates(`${CANDIDATE_COLUMN_NAMES.join(',')},specialReasn,caseNumber\n`, 'c.csv'),
    );
    expect(err.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('unknown column "specialReasn"'),
      'column caseNumber appears twice',
    ]);
  });

  it('matches header names case-insensitively and trims them', () => {
    const text = csv([sample(0)]).replace('caseNumber,category', ' CaseNumber , CATEGORY');
    expect(readCandidates(text, 'c.csv').rows[0]?.issues).toEqual([]);
  });

  it('counts lines in the file, across blank lines and cells that span lines', () => {
    const multi = { ...sample(1), hardshipStatement: '第一行\n第二行\n第三行' };
    const text = `${csv([sample(0), multi]).trimEnd()}\n\n${csv([{ ...sample(2), kind: '???' }]).split('\n')[1]}\n`;
    const { rows } = readCandidates(text, 'c.csv');
    expect(rows.map((r) => r.line)).toEqual([2, 3, 7]);
    expect(rows[1]?.body?.hardship.statement).toBe('第一行\n第二行\n第三行');
    expect(rows[2]?.issues[0]).toMatchObject({ line: 7, column: 'kind' });
  });

  it('refuses a row with the wrong number of fields, naming its line', () => {
    const lines = csv([sample(0), sample(1)]).split('\n');
    lines[2] = `${lines[2]},extra`;
    const err = inputError(() => readCandidates(lines.join('\n'), 'c.csv'));
    expect(err.issues).toEqual([
      expect.objectContaining({ line: 3, message: 'expected 22 fields, found 23' }),
    ]);
  });

  it('refuses a file that is not UTF-8 (a GBK export) with a hint', () => {
    const gbk = Buffer.concat([
      Buffer.from(`${CANDIDATE_COLUMN_NAMES.join(',')}\n`),
      Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]),
    ]);
    const err = inputError(() => readCandidates(gbk, 'c.csv'));
    expect(err.issues[0]?.message).toContain('not UTF-8');
  });

  it('refuses a file with a header and no rows', () => {
    const err = inputError(() => readCandidates(`${CANDIDATE_COLUMN_NAMES.join(',')}\n`, 'c.csv'));
    expect(err.issues[0]?.message).toBe('no candidate rows after the header');
  });

  it('warns, without failing, when a case and applicant appear twice', () => {
    const dup = {
      ...sample(0),
      caseNumber: sample(0).caseNumber?.replace('(', '（').replace(')', '）') ?? '',
    };
    const file = readCandidates(csv([sample(0), sample(1), dup]), 'c.csv');
    expect(file.rows.every((r) => r.issues.length === 0)).toBe(true);
    expect(file.warnings).toEqual(['line 4: same case and applicant as line 2']);
  });

  it('warns for the same applicant whose ID number is typed with hyphens or an invisible character', () => {
    const id = sample(0).idNumber ?? '';
    const typed = `${id.slice(0, 6)}-${id.slice(6)}\u200B`;
    const dup = { ...sample(0), idNumber: typed, holderIdNumber: typed };
    const file = readCandidates(csv([sample(0), dup]), 'c.csv');
    expect(file.warnings).toEqual(['line 3: same case and applicant as line 2']);
  });
});

describe('reading an allocations CSV', () => {
  it('reads codes (any case) and yuan amounts into fen', () => {
    const rows = readAllocations('highCourtCode,allocatedYuan\nbj,"3,000,000.00"\nBT,1000000.5\n', 'a.csv');
    expect(rows).toEqual([
      { line: 2, highCourtCode: 'BJ', allocatedFen: 300_000_000 },
      { line: 3, highCourtCode: 'BT', allocatedFen: 100_000_050 },
    ]);
  });

  it('refuses non-holders, repeated codes and bad amounts, every one with its line', () => {
    const text = 'highCourtCode,allocatedYuan\nBJ,100\nBJ0105,100\nSH,-5\nBJ,200\nSPC,1\nGD,99999999999\n';
    const err = inputError(() => readAllocations(text, 'a.csv'));
    expect(err.issues.map((i) => [i.line, i.column])).toEqual([
      [3, 'highCourtCode'],
      [4, 'allocatedYuan'],
      [5, 'highCourtCode'],
      [6, 'highCourtCode'],
      [7, 'allocatedYuan'],
    ]);
    expect(err.issues[2]?.message).toBe('BJ is already allocated on line 2');
  });

  it('refuses a file missing the amount column', () => {
    const err = inputError(() => readAllocations('highCourtCode\nBJ\n', 'a.csv'));
    expect(err.issues).toEqual([
      expect.objectContaining({ line: 1, message: 'missing column allocatedYuan' }),
    ]);
  });
});
