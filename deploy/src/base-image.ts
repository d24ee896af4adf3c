import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DEBIAN_MIRROR, findDebianMirror } from './debian-mirror.js';
import { dockerCli } from './docker-engine.js';
import { runChecked, runCommand } from './run-command.js';

export const BASE_IMAGE = 'debian:trixie-slim';

/** Keeps documentation, manuals and translations out of every package installed later (as Debian's slim images do). */
const DPKG_EXCLUDES = `path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
`;
/** No recommends, no package cache left in image layers. */
const APT_SLIM = `APT::Install-Recommends "false";
APT::Install-Suggests "false";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
`;

/** The Debian mirror apt uses on this machine, from /etc/apt/sources.list(.d). */
export function localDebianMirror(): string {
  const files = ['/etc/apt/sources.list'];
  const directory = '/etc/apt/sources.list.d';
  if (existsSync(directory)) {
    for (const name of readdirSync(directory).sort()) {
      if (name.endsWith('.list') || name.endsWith('.sources')) files.push(join(directory, name));
    }
  }
  const texts = files.filter((file) => existsSync(file)).map((file) => readFileSync(file, 'utf8'));
  return findDebianMirror(texts) ?? DEFAULT_DEBIAN_MIRROR;
}

/**
 * Makes `debian:trixie-slim` when the engine lacks it: `debootstrap --variant=minbase trixie` from
 * the local Debian mirror, trimmed like Debian's slim images, then `docker import`.
 * @returns whether the image had to be made.
 */
export async function ensureBaseImage(log: (line: string) => void): Promise<boolean> {
  if ((await runCommand(dockerCli(), ['image', 'inspect', BASE_IMAGE])).code === 0) return false;
  const mirror = localDebianMirror();
  const root = mkdtempSync(join(tmpdir(), 'trixie-'));
  try {
    log(`making ${BASE_IMAGE}: debootstrap --variant=minbase trixie from ${mirror}`);
    await runChecked('debootstrap', ['--variant=minbase', 'trixie', root, mirror]);
    // Package lists and downloaded packages go (apt keeps its directories), and so do documentation and translations.
    await runChecked('sh', [
      '-c',
      'cd "$1" && rm -rf var/cache/apt/*.bin var/cache/apt/archives/*.deb var/lib/apt/lists/* usr/share/doc/* usr/share/man/* usr/share/locale/* usr/share/info/*',
      'sh',
      root,
    ]);
    writeFileSync(join(root, 'etc/dpkg/dpkg.cfg.d/slim'), DPKG_EXCLUDES);
    writeFileSync(join(root, 'etc/apt/apt.conf.d/slim'), APT_SLIM);
    await runChecked('sh', [
      '-c',
      'tar -C "$1" -c . | "$2" import -c \'CMD ["bash"]\' - "$3"',
      'sh',
      root,
      dockerCli(),
      BASE_IMAGE,
    ]);
    return true;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
