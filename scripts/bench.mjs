// `pnpm bench <name> [flags]` runs bench/dist/<name>.js; `pnpm bench` lists the benchmarks.
// A benchmark is a top-level file in bench/src; its helpers live in subdirectories.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sourceDirectory = `${root}bench/src`;
const distDirectory = `${root}bench/dist`;
const BUILD_ARGS = ['turbo', 'run', 'build', '--output-logs=errors-only', '--filter=@switchboard/bench...'];

/** The first sentence of a benchmark's leading doc comment, or '' when it has none. */
function summaryOf(file) {
  const match = /^\/\*\*\s*\n?\s*\*?\s*([^\n]*)/.exec(readFileSync(`${sourceDirectory}/${file}`, 'utf8'));
  return match?.[1]?.replace(/^Benchmark `[^`]+`:\s*/, '').trim() ?? '';
}

function listBenchmarks() {
  return readdirSync(sourceDirectory)
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => ({ name: file.slice(0, -'.ts'.length), summary: summaryOf(file) }));
}

function printUsage(benchmarks) {
  console.log('usage: pnpm bench <name> [flags]   (pnpm bench <name> --help for its flags)\n\nbenchmarks:');
  for (const { name, summary } of benchmarks) console.log(`  ${name.padEnd(16)}${summary}`);
}

/** Builds the bench and everything it depends on (the services it starts included). */
function build() {
  console.error(`bench/dist is missing a build; running pnpm ${BUILD_ARGS.join(' ')}`);
  const result = spawnSync('pnpm', BUILD_ARGS, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('build failed; fix it, or run `pnpm build` and try again');
    process.exit(result.status ?? 1);
  }
}

const [name, ...flags] = process.argv.slice(2);
const benchmarks = listBenchmarks();
if (name === undefined || name === '--help' || name === '-h') {
  printUsage(benchmarks);
  process.exit(0);
}
if (!benchmarks.some((benchmark) => benchmark.name === name)) {
  console.error(`no benchmark named "${name}"\n`);
  printUsage(benchmarks);
  process.exit(2);
}
const entry = `${distDirectory}/${name}.js`;
if (!existsSync(entry)) build();

const child = spawn(process.execPath, [entry, ...flags], { cwd: root, stdio: 'inherit' });
// Ctrl-C already reaches the benchmark (same process group): forwarding SIGINT would deliver it twice.
// Stay alive so the exit code is the benchmark's, after it has cleaned up.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGKILL' ? 137 : 1)));
