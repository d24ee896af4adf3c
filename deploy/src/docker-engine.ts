import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand } from './run-command.js';

/**
 * Debian's docker CLI (20.10, BuildKit built in). A newer `docker` earlier on PATH may want the
 * buildx plugin for BuildKit builds, so the packaged one is preferred when it is there.
 */
export function dockerCli(): string {
  return existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
}

/** A Docker engine to talk to: whether this run started it (and must stop it), or why there is none. */
export type EngineStatus =
  | { readonly kind: 'running'; readonly startedPid: number | undefined }
  | { readonly kind: 'unavailable'; readonly reason: string };

const ENGINE_START_TIMEOUT_MS = 60_000;
const PACKAGES = ['docker.io', 'docker-compose', 'debootstrap'];

async function commandExists(name: string): Promise<boolean> {
  return (await runCommand('sh', ['-c', `command -v ${name}`])).code === 0;
}

async function engineAnswers(): Promise<boolean> {
  return (await runCommand(dockerCli(), ['info', '--format', '{{.ServerVersion}}'])).code === 0;
}

/** Installs Debian's docker.io, docker-compose and debootstrap when one is missing and apt-get can. */
async function installMissingTools(log: (line: string) => void): Promise<void> {
  const missing = [];
  for (const [command, pkg] of [
    ['dockerd', 'docker.io'],
    ['docker-compose', 'docker-compose'],
    ['debootstrap', 'debootstrap'],
  ] as const) {
    if (!(await commandExists(command)) && !existsSync(`/usr/sbin/${command}`)) missing.push(pkg);
  }
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0 || !(await commandExists('apt-get'))) {
    log(`missing ${missing.join(', ')}, and apt-get cannot install them here (not root or no apt-get)`);
    return;
  }
  log(`installing Debian's ${missing.join(', ')} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = await runCommand('apt-get', ['install', '-y', '-qq', ...PACKAGES], { env });
  if (result.code !== 0) {
    await runCommand('apt-get', ['update', '-qq'], { env });
    result = await runCommand('apt-get', ['install', '-y', '-qq', ...PACKAGES], { env });
  }
  if (result.code !== 0)
    log(`apt-get install failed: ${result.stderr.trim().split('\n').slice(-3).join(' / ')}`);
}

/**
 * Makes sure a Docker engine answers: uses the running one, or starts `dockerd` (as root) and waits
 * for it. Installs the Debian packages it needs first when they are missing.
 */
export async function ensureDockerEngine(
  log: (line: string) => void,
  logFile: string,
): Promise<EngineStatus> {
  await installMissingTools(log);
  if (!(await commandExists('docker-compose')))
    return { kind: 'unavailable', reason: 'docker-compose is not installed' };
  if (await engineAnswers()) return { kind: 'running', startedPid: undefined };
  const dockerd = existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd';
  if (process.getuid?.() !== 0)
    return {
      kind: 'unavailable',
      reason: 'no Docker engine answers and this is not root, so dockerd cannot be started',
    };
  if (!(await commandExists(dockerd))) return { kind: 'unavailable', reason: 'dockerd is not installed' };
  log(`starting dockerd (log: ${logFile})`);
  const output = openSync(logFile, 'a');
  const child = spawn(dockerd, [], { detached: true, stdio: ['ignore', output, output] });
  child.unref();
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + ENGINE_START_TIMEOUT_MS;
  while (Date.now() < deadline && !exited) {
    if (await engineAnswers()) return { kind: 'running', startedPid: child.pid };
    await sleep(500);
  }
  if (!exited && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  return {
    kind: 'unavailable',
    reason: exited
      ? `dockerd exited at start (see ${logFile})`
      : `dockerd did not answer within ${ENGINE_START_TIMEOUT_MS / 1000} s`,
  };
}

/** Stops the dockerd this run started, waiting for it to exit (it stops its containers first). */
export async function stopDockerEngine(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < 30_000; waited += 250) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(250);
  }
}
