#!/usr/bin/env node
// `pnpm test:compose`: docker-compose.yml for real. Makes sure a Docker engine runs (starting dockerd
// when it can), makes the debian:trixie-slim base image when it is missing, builds every image,
// brings the stack up, waits for health, sends OIP requests to the router through its published
// port, checks that Prometheus scrapes every service, and always tears the stack down.
// Exit codes: 0 passed, 1 failed, 77 skipped (no Docker engine could be started here).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@switchboard/local-infra';
import { BASE_IMAGE, ensureBaseImage } from './base-image.js';
import { judgeStack } from './container-states.js';
import type { ContainerState } from './container-states.js';
import { dockerCli, ensureDockerEngine, stopDockerEngine } from './docker-engine.js';
import { sendClassifyRequests, sendRestClassifyRequest } from './infer-requests.js';
import { servicesWithoutProfile } from './compose-services.js';
import { scrapeJobNames, targetProblems } from './prometheus-targets.js';
import type { ActiveTarget } from './prometheus-targets.js';
import { runChecked, runCommand } from './run-command.js';

const EXIT_FAILED = 1;
/** Skipped: the automake convention, so that CI can tell "not run here" from "passed". */
export const EXIT_SKIPPED = 77;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PROJECT = 'switchboard-compose-test';
/** Every image docker-compose.yml runs without a profile, built from the root Dockerfile. */
const IMAGE_TARGETS = [
  'nats',
  'postgres',
  'prometheus',
  'router',
  'registry',
  'worker',
  'monitor',
  'optimizer',
  'resource-manager',
  'cli',
];
const IMAGE_TAG = 'latest';
const ONE_SHOTS = ['migrate', 'demo'];
const WORKERS = 2;
const REQUESTS = 40;
const HEALTH_TIMEOUT_MS = 5 * 60_000;
const SCRAPE_TIMEOUT_MS = 90_000;

const startedAt = Date.now();
const timings: [string, number][] = [];

function clock(): string {
  const seconds = Math.floor((Date.now() - startedAt) / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

function log(line: string): void {
  process.stdout.write(`[compose ${clock()}] ${line}\n`);
}

async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  log(`${name}…`);
  try {
    return await body();
  } finally {
    const seconds = (Date.now() - started) / 1000;
    timings.push([name, seconds]);
    log(`${name}: ${seconds.toFixed(1)} s`);
  }
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

async function buildImages(): Promise<void> {
  const caBundle = process.env['NODE_EXTRA_CA_CERTS'] ?? '/etc/ssl/certs/ca-certificates.crt';
  const secret = ['--secret', `id=ca,src=${caBundle}`];
  const hasBundle = (await runCommand('test', ['-f', caBundle])).code === 0;
  for (const target of IMAGE_TARGETS) {
    const started = Date.now();
    const tag = `switchboard/${target}:${IMAGE_TAG}`;
    await runChecked(
      dockerCli(),
      ['build', '--progress=plain', '--target', target, '-t', tag, ...(hasBundle ? secret : []), '.'],
      { cwd: ROOT, env: { ...process.env, DOCKER_BUILDKIT: '1' } },
    );
    const size = Number(await runChecked(dockerCli(), ['image', 'inspect', '--format', '{{.Size}}', tag]));
    log(`  ${tag}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${formatMegabytes(size)}`);
  }
}

interface Stack {
  compose(args: readonly string[], echo?: boolean): Promise<string>;
  containers(): Promise<ContainerState[]>;
  readonly routerPort: number;
  readonly routerHttpPort: number;
  readonly prometheusPort: number;
}

async function prepareStack(workDirectory: string): Promise<Stack> {
  const routerPort = await findFreePort();
  const routerHttpPort = await findFreePort();
  const prometheusPort = await findFreePort();
  const natsMonitorPort = await findFreePort();
  const secrets = await runChecked('sh', [join(ROOT, 'deploy', 'compose-env.sh')]);
  const envFile = join(workDirectory, 'compose.env');
  writeFileSync(
    envFile,
    [
      secrets,
      `ROUTER_PUBLISHED_PORT=${routerPort}`,
      `ROUTER_HTTP_PUBLISHED_PORT=${routerHttpPort}`,
      `PROMETHEUS_PUBLISHED_PORT=${prometheusPort}`,
      `NATS_MONITOR_PUBLISHED_PORT=${natsMonitorPort}`,
      `SWITCHBOARD_TAG=${IMAGE_TAG}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const base = [
    '--project-name',
    PROJECT,
    '--project-directory',
    ROOT,
    '--env-file',
    envFile,
    '-f',
    join(ROOT, 'docker-compose.yml'),
  ];
  const compose = (args: readonly string[], echo = false) =>
    runChecked('docker-compose', [...base, ...args], { cwd: ROOT, echo });
  const containers = async (): Promise<ContainerState[]> => {
    const ids = (await compose(['ps', '-a', '-q'])).split('\n').filter((id) => id.trim() !== '');
    if (ids.length === 0) return [];
    const inspected = JSON.parse(await runChecked(dockerCli(), ['inspect', ...ids])) as {
      Name: string;
      Config: { Labels: Record<string, string> };
      State: { Status: string; ExitCode: number; Health?: { Status: string } };
    }[];
    return inspected.map((container) => ({
      service: container.Config.Labels['com.docker.compose.service'] ?? '?',
      name: container.Name.replace(/^\//, ''),
      status: container.State.Status,
      exitCode: container.State.ExitCode,
      health: container.State.Health?.Status,
    }));
  };
  return { compose, containers, routerPort, routerHttpPort, prometheusPort };
}

async function waitForHealth(stack: Stack, services: readonly string[]): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let last = '';
  for (;;) {
    const verdict = judgeStack(services, ONE_SHOTS, await stack.containers());
    if (verdict.kind === 'ready') return;
    if (verdict.kind === 'failed') throw new Error(`the stack failed: ${verdict.reasons.join('; ')}`);
    const line = `waiting for ${verdict.pending.join(', ')}`;
    if (line !== last) log(`  ${line}`);
    last = line;
    if (Date.now() > deadline)
      throw new Error(`not healthy within ${HEALTH_TIMEOUT_MS / 1000} s: ${verdict.pending.join(', ')}`);
    await sleep(2_000);
  }
}

async function checkScrapes(stack: Stack): Promise<void> {
  const jobs = scrapeJobNames(readFileSync(join(ROOT, 'infra', 'prometheus', 'prometheus.yml'), 'utf8'));
  const deadline = Date.now() + SCRAPE_TIMEOUT_MS;
  let problems: string[] = ['no answer from Prometheus yet'];
  let targets: ActiveTarget[] = [];
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${stack.prometheusPort}/api/v1/targets?state=active`);
      const body = (await response.json()) as { data: { activeTargets: ActiveTarget[] } };
      targets = body.data.activeTargets;
      problems = targetProblems(jobs, targets, { worker: WORKERS });
      if (problems.length === 0) break;
    } catch (error) {
      problems = [`Prometheus: ${(error as Error).message}`];
    }
    await sleep(3_000);
  }
  if (problems.length > 0)
    throw new Error(`Prometheus does not scrape every service: ${problems.join('; ')}`);
  for (const job of jobs) {
    const own = targets
      .filter((target) => target.labels['job'] === job)
      .map((target) => target.labels['instance']);
    log(`  ${job}: ${own.length} target(s) up (${own.join(', ')})`);
  }
}

function skip(reason: string): never {
  const bar = '!'.repeat(78);
  process.stdout.write(
    `\n${bar}\n!! SKIPPED: pnpm test:compose did not run: ${reason}.\n` +
      `!! Nothing about docker-compose.yml or the images was tested on this machine.\n` +
      `!! Run it where a Docker engine can start (as root with Debian's docker.io, or with a running engine).\n${bar}\n\n`,
  );
  process.exit(EXIT_SKIPPED);
}

async function main(): Promise<number> {
  log(`docker-compose.yml for real, from ${ROOT}`);
  const engine = await phase('Docker engine', () =>
    ensureDockerEngine(log, '/var/log/dockerd-compose-test.log'),
  );
  if (engine.kind === 'unavailable') skip(engine.reason);
  if (engine.startedPid !== undefined)
    log(`started dockerd (pid ${engine.startedPid}); it is stopped at the end`);
  const workDirectory = mkdtempSync(join(tmpdir(), 'switchboard-compose-'));
  let stack: Stack | undefined;
  let failed = false;
  const teardown = async () => {
    if (stack === undefined) return;
    const current = stack;
    stack = undefined;
    await phase('teardown (docker-compose down -v)', () =>
      current.compose(['down', '-v', '--remove-orphans', '--timeout', '20']).then(() => undefined),
    );
  };
  const interrupted = () => {
    log('interrupted: tearing down');
    void teardown().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const made = await phase(`base image ${BASE_IMAGE}`, () => ensureBaseImage(log));
    log(made ? `  made ${BASE_IMAGE}` : `  ${BASE_IMAGE} is there already`);
    await phase(`build ${IMAGE_TARGETS.length} images`, buildImages);
    stack = await prepareStack(workDirectory);
    const services = servicesWithoutProfile(await stack.compose(['config']));
    log(
      'left out: grafana, otel-collector and jaeger (compose profile "observability"): their images come from a ' +
        'registry, not from Debian, and no registry is reachable here; `docker-compose --profile observability up` runs them',
    );
    await stack.compose(['down', '-v', '--remove-orphans']); // a stack an interrupted run left behind
    await phase(`docker-compose up (${services.join(', ')}; ${WORKERS} workers)`, () =>
      stack!.compose(['up', '-d', '--no-build', '--scale', `worker=${WORKERS}`]),
    );
    await phase('wait for health', () => waitForHealth(stack!, services));
    const demoOutput = await stack.compose(['logs', '--no-color', 'demo']);
    for (const line of demoOutput.split('\n').filter((text) => /registered|demo request/.test(text))) {
      log(`  ${line.replace(/^\S+\s+\|\s*/, 'demo: ')}`);
    }
    const routerAddress = `127.0.0.1:${stack.routerPort}`;
    const summary = await phase(`${REQUESTS} OIP ModelInfer requests to ${routerAddress}`, () =>
      sendClassifyRequests(routerAddress, REQUESTS),
    );
    log(
      `  ${summary.answered}/${REQUESTS} answered (${Object.entries(summary.byModel)
        .map(([model, count]) => `${model} ×${count}`)
        .join(', ')}), median ${summary.medianMs.toFixed(1)} ms`,
    );
    const restUrl = `http://127.0.0.1:${stack.routerHttpPort}`;
    const restModel = await phase(`KServe v2 HTTP/REST infer at ${restUrl}`, () =>
      sendRestClassifyRequest(restUrl),
    );
    log(`  answered (${restModel})`);
    await phase('Prometheus scrapes every service', () => checkScrapes(stack!));
    log('PASSED');
  } catch (error) {
    failed = true;
    log(`FAILED: ${(error as Error).message}`);
    if (stack !== undefined) {
      const current = stack;
      await current.compose(['ps']).then(
        (text) => process.stdout.write(text),
        () => undefined,
      );
      await current.compose(['logs', '--no-color', '--tail', '25']).then(
        (text) => process.stdout.write(text),
        () => undefined,
      );
    }
  } finally {
    try {
      await teardown();
    } catch (error) {
      failed = true;
      log(`teardown failed: ${(error as Error).message}`);
    }
    rmSync(workDirectory, { recursive: true, force: true });
    if (engine.startedPid !== undefined) {
      await phase(`stop dockerd (pid ${engine.startedPid})`, () => stopDockerEngine(engine.startedPid!));
    }
  }
  log(`timings: ${timings.map(([name, seconds]) => `${name} ${seconds.toFixed(0)} s`).join(' · ')}`);
  log(`total ${((Date.now() - startedAt) / 1000).toFixed(0)} s — ${failed ? 'FAILED' : 'PASSED'}`);
  return failed ? EXIT_FAILED : 0;
}

process.exitCode = await main();
