/**
 * The operator CLI (`relief …`): commander wiring, global options and the mapping of errors to exit
 * codes — 0 ok, 1 server/HTTP/network failure, 2 usage or input error, 3 audit trail divergence.
 * `main` never calls process.exit: it returns the exit code, so tests run it in-process with a fake `Io`.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { type AuditTargetOptions, auditSeal, auditVerify } from './audit.ts';
import { CANDIDATE_COLUMNS } from './candidates.ts';
import { COURT_COLUMNS, importCourtsFile } from './courts.ts';
import { DEFAULT_DECISION_CHUNK, decideBatch, MAX_DECISION_CHUNK } from './decide.ts';
import {
  EXIT_INPUT,
  EXIT_OK,
  EXIT_SERVER,
  exitCodeOf,
  HttpError,
  InputError,
  ServerError,
  UsageError,
} from './errors.ts';
import { ApiClient, DEFAULT_API, formatHttpError, parseApiUrl } from './http.ts';
import { type Io, processIo } from './io.ts';
import { queue } from './queue.ts';
import { listQuotas, setQuotas } from './quotas.ts';
import { reconcile } from './reconcile.ts';
import { report, reportSummary } from './report.ts';
import { DEFAULT_BATCH, MAX_BATCH, printIssues, ReportedHttpError, screen } from './screen.ts';
import { mintToken } from './token.ts';

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const SCREEN_HELP = `
The CSV (UTF-8, with or without BOM; header row; one candidate per row). Columns, * = required in the header:
${CANDIDATE_COLUMNS.map((c) => `  ${c.required ? '*' : ' '} ${c.name.padEnd(18)} ${c.descriptionZh}`).join('\n')}
Yes/no cells: 是/否, true/false, yes/no, 1/0. Amounts: yuan, at most two decimals (converted to fen exactly).

Every row is validated before anything is sent; a bad row stops the run (exit 2) naming its line, unless
--skip-invalid records it in the results as INVALID_INPUT. The result CSV repeats every input column and adds
eligible (true/false), failureCodes (';'-separated) and failureMessagesZh; it is written only when the whole
run succeeded, atomically. Needs a clerk or approver token of the executing court.

Example:
  export RELIEF_TOKEN=$(relief token --court BJ0105 --roles clerk)
  relief screen samples/candidates.csv --campaign demo --out /tmp/results.csv`;

const QUOTAS_HELP = `
The CSV: header highCourtCode,allocatedYuan; one row per quota holder (BJ … XJ, BT), each at most once.
All rows are validated first (a bad file: exit 2, nothing sent). Then every row is applied and reported:
a row refused on its own (409 QUOTA_BELOW_COMMITTED, 422) does not stop the others; a failure that would hit
every row (401, 403, unknown campaign, 5xx, network) stops the run. Exit 1 if any row was not applied;
rerunning the file is safe (each PUT sets an absolute allocation). Needs an spc-admin token.`;

const COURTS_HELP = `
The CSV (UTF-8 with or without BOM, or GBK as Excel saves "CSV"; header row; one court per row), columns:
  ${COURT_COLUMNS.join(',')}
level: spc|high|intermediate|basic (or 最高/高级/中级/基层); parentCode blank only for the SPC;
directToHighCourt: 是/否, true/false (blank = no). The rows replace the registry's data of the courts they
name and add the others (upsert); courts not in the file stay as they are. Every row is checked against
the registry as it would be after the whole file; one bad row refuses the whole file (exit 2, each
problem with its line and column) and nothing is written. Without --apply this is a dry run: the report
of changes only. Needs an spc-admin token. Format and rules: docs/courts.md.

Examples:
  relief courts import designations.csv            # dry run: what would change
  relief courts import designations.csv --apply    # import it`;

const QUEUE_HELP = `
Every page is fetched (following nextCursor). Columns: applicationId, caseNumber, applicant (masked as the
API shows it), reliefYuan, waitingSince (when it reached the court, Beijing time), overdue (past the
level's time limit). Needs an approver token.

Examples:
  export RELIEF_TOKEN=$(relief token --court BJ --roles approver)
  relief queue
  relief queue --json > queue.json`;

const DECIDE_HELP = `
The CSV (UTF-8 with or without BOM, or GBK; header row): applicationId,decision,comment. decision:
approve|reject|return (or 批准/同意, 不批准/不同意/驳回, 退回); a reject or return needs a comment. Every
row is checked first; one bad row (each named with its line and column) refuses the file: exit 2,
nothing sent. Each request carries an Idempotency-Key derived from the file's content and the chunk's
index, so re-running the same file after a crash replays what was applied instead of deciding twice.
The result CSV: applicationId,decision,status,pendingAt,code (code empty when decided), one row per
input row, written atomically. Exit 1 when any application was not decided. After a crash in the
middle of a chunk (no answer, or a 5xx such as the route's timeout: NOT_CONFIRMED) the server has nothing recorded for that key; re-running
decides the rest and answers DECISION_ALREADY_RECORDED for the items decided the first time.
Needs an approver token.

Example:
  relief queue --json | jq -r '.items[] | [.id, "approve", "同意"] | @csv' > decisions.csv
  (add the header line applicationId,decision,comment), then
  relief decide --batch decisions.csv --out results.csv`;

const RECONCILE_HELP = `
The statement is sent as it is (UTF-8 or GBK; header packageId,transactionRef,amountFen,paidAt in any
order); the server checks every row and column (a refusal: each problem with its line, exit 2, nothing
stored). Printed: matched, missing from the statement, unknown packages, amount mismatches, duplicates
and declined-but-paid, each with its line. Needs an spc-admin token.

Example:
  relief reconcile statement.csv --campaign demo`;

const AUDIT_HELP = `
Every audit entry is hash-chained on its application, quota, campaign or the court registry; a sealer (every minute locally, on a
schedule when deployed) signs the heads of the chains that changed into a Merkle checkpoint kept where the
table's administrators cannot rewrite it (S3 Object Lock; locally <data-dir>/audit/checkpoints). verify reads
the table and the checkpoints directly (not through the API) and names the first divergence.
Exit: 0 verified · 1 a store could not be read · 2 usage · 3 divergence.

Examples:
  relief audit seal                       # local runner: seal now
  relief audit verify --application 01J…  # one application's trail
  relief audit verify --table relief-prod-stateful-Table… --bucket relief-prod-audit-… --region cn-northwest-1`;

/** Runs the CLI with user arguments (no node/script prefix); resolves to the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('relief');
  program
    .description(
      'Operator CLI of relief (保险救助): screen candidate cases, set quotas, decide, reconcile, fetch reports.',
    )
    .version(version())
    .option('--api <url>', `API base URL (default: env RELIEF_API, else ${DEFAULT_API})`)
    .option('--token <jwt>', 'bearer token (default: env RELIEF_TOKEN)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(relief --help for usage)');

  const tokenOf = (cmd: Command) =>
    cmd.optsWithGlobals<{ token?: string }>().token ?? (io.env.RELIEF_TOKEN || undefined);
  const clientOf = (cmd: Command) => {
    const g = cmd.optsWithGlobals<{ api?: string }>();
    const api = parseApiUrl(g.api ?? (io.env.RELIEF_API || DEFAULT_API));
    return new ApiClient(api, tokenOf(cmd), io);
  };

  program
    .command('token')
    .description('local runner only: mint a token (POST /dev/tokens) and print it')
    .requiredOption('--court <code>', 'court code, e.g. BJ0105, BJ, SPC')
    .requiredOption('--roles <list>', 'comma-separated: clerk, approver, spc-admin (spc-admin only at SPC)')
    .option('--sub <id>', 'user id (default: cli-<court>-<roles>)')
    .action(async (opts: { court: string; roles: string; sub?: string }, cmd: Command) => {
      exitCode = await mintToken(opts, clientOf(cmd), io);
    });

  program
    .command('screen')
    .description('screen candidate cases for eligibility (POST /eligibility-checks; nothing is stored)')
    .argument('<cases.csv>', 'candidate cases, one per row')
    .option('--campaign <id>', 'campaign id', 'demo')
    .option('--out <file>', 'result CSV (default: <cases>.results.csv beside the input)')
    .option('--batch <n>', `candidates per request, 1-${MAX_BATCH}`, (v) => Number(v), DEFAULT_BATCH)
    .option('--skip-invalid', 'record rows that fail local validation as INVALID_INPUT instead of stopping')
    .option('--dry-run', 'validate the file only: send nothing, write nothing')
    .addHelpText('after', SCREEN_HELP)
    .action(
      async (
        file: string,
        opts: { campaign: string; out?: string; batch: number; skipInvalid?: boolean; dryRun?: boolean },
        cmd: Command,
      ) => {
        exitCode = await screen(
          {
            file,
            campaign: opts.campaign,
            out: opts.out,
            batch: opts.batch,
            skipInvalid: opts.skipInvalid === true,
            dryRun: opts.dryRun === true,
          },
          clientOf(cmd),
          io,
        );
      },
    );

  const quotas = program.command('quotas').description('quota allocations (额度)');
  quotas
    .command('set')
    .description('SPC: set the allocations listed in a CSV (PUT /campaigns/{id}/quotas/{code})')
    .argument('<allocations.csv>', 'highCourtCode,allocatedYuan')
    .option('--campaign <id>', 'campaign id', 'demo')
    .addHelpText('after', QUOTAS_HELP)
    .action(async (file: string, opts: { campaign: string }, cmd: Command) => {
      exitCode = await setQuotas({ file, campaign: opts.campaign }, clientOf(cmd), io);
    });
  quotas
    .command('list')
    .description('the quotas the token may see (GET /campaigns/{id}/quotas)')
    .option('--campaign <id>', 'campaign id', 'demo')
    .action(async (opts: { campaign: string }, cmd: Command) => {
      exitCode = await listQuotas({ campaign: opts.campaign }, clientOf(cmd), io);
    });

  const courts = program.command('courts').description('the court registry (法院名录)');
  courts
    .command('import')
    .description('SPC: import the official designation list (POST /courts/imports; dry run by default)')
    .argument('<courts.csv>', COURT_COLUMNS.join(','))
    .option('--dry-run', 'report the changes and write nothing (the default)')
    .option('--apply', 'import the file')
    .addHelpText('after', COURTS_HELP)
    .action(async (file: string, opts: { dryRun?: boolean; apply?: boolean }, cmd: Command) => {
      if (opts.dryRun && opts.apply) throw new UsageError('--dry-run and --apply: choose one');
      exitCode = await importCourtsFile({ file, apply: opts.apply === true }, clientOf(cmd), io);
    });

  program
    .command('report')
    .description(
      'a campaign report (GET /campaigns/{id}/reports) as CSV, .xlsx or JSON; with --summary the written report (书面报告) as .docx',
    )
    .argument('<campaign>', 'campaign id, e.g. demo')
    .option('--format <format>', 'csv | xlsx | json', 'json')
    .option('--summary', 'the written report as .docx (GET /campaigns/{id}/reports/summary)')
    .option(
      '--high-court <code>',
      'with --summary: that high court’s report (default: the national one, SPC)',
    )
    .option('--out <file>', 'write to this file (atomically) instead of stdout')
    .action(
      async (
        campaign: string,
        opts: { format: string; summary?: boolean; highCourt?: string; out?: string },
        cmd: Command,
      ) => {
        if (opts.summary) {
          if (cmd.getOptionValueSource('format') === 'cli')
            throw new UsageError('--summary writes a .docx: leave out --format');
          exitCode = await reportSummary(
            {
              campaign,
              out: opts.out,
              ...(opts.highCourt === undefined ? {} : { highCourt: opts.highCourt }),
            },
            clientOf(cmd),
            io,
          );
          return;
        }
        if (opts.highCourt !== undefined) throw new UsageError('--high-court: only with --summary');
        exitCode = await report({ campaign, format: opts.format, out: opts.out }, clientOf(cmd), io);
      },
    );

  program
    .command('queue')
    .description(
      'approver: the applications waiting at your court, oldest first (GET /applications?pendingAt=)',
    )
    .option(
      '--court <code>',
      "the court whose queue to list (default: the token's court; another court's only for the SPC)",
    )
    .option('--campaign <id>', 'only this campaign (the SPC must name one)')
    .option('--json', 'print the queue as JSON')
    .addHelpText('after', QUEUE_HELP)
    .action(async (opts: { court?: string; campaign?: string; json?: boolean }, cmd: Command) => {
      exitCode = await queue(
        { court: opts.court, campaign: opts.campaign, json: opts.json === true },
        clientOf(cmd),
        tokenOf(cmd),
        io,
      );
    });

  program
    .command('decide')
    .description('approver: decide the applications listed in a CSV (POST /decision-batches, in chunks)')
    .requiredOption('--batch <decisions.csv>', 'applicationId,decision,comment; one application per row')
    .option('--out <file>', 'per-row result CSV (default: <decisions>.results.csv beside the input)')
    .option(
      '--chunk <n>',
      `applications per request, 1-${MAX_DECISION_CHUNK} (each request must finish within the route's timeout)`,
      (v) => Number(v),
      DEFAULT_DECISION_CHUNK,
    )
    .option('--quiet', 'no progress bar')
    .addHelpText('after', DECIDE_HELP)
    .action(async (opts: { batch: string; out?: string; chunk: number; quiet?: boolean }, cmd: Command) => {
      exitCode = await decideBatch(
        { file: opts.batch, out: opts.out, chunk: opts.chunk, quiet: opts.quiet === true },
        clientOf(cmd),
        io,
      );
    });

  program
    .command('reconcile')
    .description("SPC: reconcile the insurer's payment statement (POST /campaigns/{id}/reconciliations)")
    .argument('<statement.csv>', 'packageId,transactionRef,amountFen,paidAt')
    .requiredOption('--campaign <id>', 'campaign id')
    .option('--json', 'print the stored reconciliation as JSON')
    .addHelpText('after', RECONCILE_HELP)
    .action(async (file: string, opts: { campaign: string; json?: boolean }, cmd: Command) => {
      exitCode = await reconcile(
        { file, campaign: opts.campaign, json: opts.json === true },
        clientOf(cmd),
        io,
      );
    });

  const audit = program
    .command('audit')
    .description('the sealed audit trail (全程留痕): seal it, verify it against the signed checkpoints')
    .addHelpText('after', AUDIT_HELP);
  const target = (cmd: Command) =>
    cmd
      .option('--data-dir <dir>', 'local runner data directory (default: env RELIEF_DATA_DIR, else .local)')
      .option('--table <name>', 'deployment: the DynamoDB table (stateful stack output TableName)')
      .option('--bucket <name>', 'deployment: the checkpoint bucket (output AuditCheckpointBucketName)')
      .option('--region <region>', 'deployment: AWS region (default: env AWS_REGION)');
  target(
    audit
      .command('seal')
      .description('seal the chains changed since the last checkpoint into a new signed checkpoint now')
      .option(
        '--full',
        'seal every chain in the table (campaigns, quotas, applications by campaign: the first seal of existing data)',
      )
      .option('--signing-key <arn>', 'deployment: the audit signing key (output AuditSigningKeyArn)'),
  ).action(async (opts: AuditTargetOptions & { full?: boolean }) => {
    exitCode = await auditSeal(opts, io);
  });
  target(
    audit
      .command('verify')
      .description('recompute the chains from the table and check them against the signed checkpoints')
      .option('--application <id>', 'verify the trail of this application only')
      .option(
        '--chain <id>',
        'verify one chain: application/<id>, quota/<campaignId>/<highCourtCode>, campaign/<campaignId> or courts',
      )
      .option(
        '--full',
        'scan the whole table: also fail on a chain that no checkpoint seals and none is pending',
      )
      .option('--json', 'print the verification report as JSON'),
  ).action(
    async (
      opts: AuditTargetOptions & { application?: string; chain?: string; full?: boolean; json?: boolean },
    ) => {
      exitCode = await auditVerify(opts, io);
    },
  );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: Io): number {
  const say = (s: string) => io.stderr.write(`${s}\n`);
  if (err instanceof CommanderError) {
    // commander has printed its message (or the help) already.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT_OK;
    return EXIT_INPUT;
  }
  if (err instanceof InputError) {
    printIssues(io, err.file, err.issues);
    say(`relief: ${err.file}: ${err.issues.length} problem(s); nothing was sent`);
    return EXIT_INPUT;
  }
  if (err instanceof ReportedHttpError) {
    for (const line of err.lines) say(`relief: ${line}`);
    return EXIT_SERVER;
  }
  if (err instanceof HttpError) {
    for (const line of formatHttpError(err)) say(`relief: ${line}`);
    return EXIT_SERVER;
  }
  if (err instanceof UsageError || err instanceof ServerError) {
    say(`relief: ${err.message}`);
    return exitCodeOf(err);
  }
  say(`relief: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return EXIT_SERVER;
}
