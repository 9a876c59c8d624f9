/**
 * `npx tsx bench/cpu-profile.ts FILE.cpuprofile [--top=N] [--from=S] [--to=S] [--match=TEXT]`: a V8 CPU
 * profile (from `node --cpu-prof --import tsx bench/run.ts --campaign --cases=300`) summarised as text:
 * CPU by package (self time), the functions with the most self time, and, with --match, the callers of
 * the functions whose name or file contains TEXT (inclusive time). --from/--to keep the samples between
 * those seconds after the profile's start (e.g. only the campaign, not the stack's start).
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file)
  throw new Error('usage: cpu-profile.ts FILE.cpuprofile [--top=N] [--from=S] [--to=S] [--match=TEXT]');
const opt = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const top = Number(opt('top') ?? 40);
const from = Number(opt('from') ?? 0) * 1e6;
const to = Number(opt('to') ?? Number.POSITIVE_INFINITY) * 1e6;
const match = opt('match');

const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** The package a frame belongs to: node_modules/<pkg>, our top-level directory, node's internals, or V8's. */
function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node:internal';
  const m = /\/(functions|infra|bench|statemachines)\/([^/]+)/.exec(url);
  return m ? `ours:${m[1]}/${m[2]}` : url;
}
const label = (n: Node) =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|functions|infra|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;

const self = new Map<number, number>();
const inclusive = new Map<string, number>();
const callers = new Map<string, number>();
/** Per package, the samples with at least one of its frames on the stack. */
const packageInclusive = new Map<string, number>();
const functionInclusive = new Map<string, number>();
let total = 0;
let t = p.startTime;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] ?? 0;
  const rel = t - p.startTime;
  if (rel < from || rel > to) continue;
  const dt = p.timeDeltas[i + 1] ?? 0; // the time until the next sample belongs to this one
  const id = p.samples[i] as number;
  self.set(id, (self.get(id) ?? 0) + dt);
  const name = byId.get(id)?.callFrame.functionName;
  if (name !== '(idle)') total += dt;
  const pkgs = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur) as Node;
    if (n.callFrame.url) pkgs.add(packageOf(n.callFrame.url, n.callFrame.functionName));
  }
  for (const k of pkgs) packageInclusive.set(k, (packageInclusive.get(k) ?? 0) + dt);
  const fns = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur))
    fns.add(label(byId.get(cur) as Node));
  for (const k of fns) functionInclusive.set(k, (functionInclusive.get(k) ?? 0) + dt);
  if (match) {
    const seen = new Set<string>();
    let hit = false;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur) as Node;
      const l = label(n);
      if (!hit && l.includes(match)) {
        hit = true;
        if (!seen.has(l)) inclusive.set(l, (inclusive.get(l) ?? 0) + dt);
        seen.add(l);
        continue;
      }
      if (hit && !seen.has(l)) {
        seen.add(l);
        callers.set(l, (callers.get(l) ?? 0) + dt);
      }
    }
  }
}

const ms = (us: number) =>
  `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)} %`;
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of self) {
  const n = byId.get(id) as Node;
  if (n.callFrame.functionName === '(idle)') continue;
  const pkg = packageOf(n.callFrame.url, n.callFrame.functionName);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  const l = label(n);
  byFunction.set(l, (byFunction.get(l) ?? 0) + us);
}
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)}  ${k}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s of CPU sampled (idle excluded)`);
print('by package (self)', byPackage);
print('by package (inclusive: on the stack)', packageInclusive);
print('by function (self)', byFunction);
if (args.includes('--inclusive')) print('by function (inclusive)', functionInclusive);
if (match) {
  print(`matching "${match}" (inclusive)`, inclusive);
  print(`their callers (inclusive)`, callers);
}
