import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultBinaryDirectories, findBinary, postgresBinDirectories } from './find-binary.js';

function writeExecutable(path: string, mode = 0o755): void {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
}

describe('findBinary', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'find-binary-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('returns the executable from the first directory that has it', () => {
    for (const name of ['first', 'second']) mkdirSync(join(root, name));
    writeExecutable(join(root, 'second', 'nats-server'));
    writeExecutable(join(root, 'first', 'nats-server'));

    const found = findBinary('nats-server', {
      directories: [join(root, 'missing'), join(root, 'first'), join(root, 'second')],
    });

    expect(found).toBe(join(root, 'first', 'nats-server'));
  });

  it('skips files that are not executable and directories with the same name', () => {
    for (const name of ['plain', 'folder', 'real']) mkdirSync(join(root, name));
    writeExecutable(join(root, 'plain', 'initdb'), 0o644);
    mkdirSync(join(root, 'folder', 'initdb'));
    writeExecutable(join(root, 'real', 'initdb'));

    const directories = ['plain', 'folder', 'real'].map((name) => join(root, name));

    expect(findBinary('initdb', { directories })).toBe(join(root, 'real', 'initdb'));
    expect(findBinary('postgres', { directories })).toBeUndefined();
  });

  it('lists PostgreSQL versions newest first, comparing versions as numbers', () => {
    for (const version of ['9.6', '15', '16', 'common']) mkdirSync(join(root, version));

    expect(postgresBinDirectories(root)).toEqual([
      join(root, '16', 'bin'),
      join(root, '15', 'bin'),
      join(root, '9.6', 'bin'),
    ]);
    expect(postgresBinDirectories(join(root, 'absent'))).toEqual([]);
  });

  it('searches PATH before the sbin directories', () => {
    const directories = defaultBinaryDirectories('/opt/one:/opt/two');

    expect(directories.slice(0, 2)).toEqual(['/opt/one', '/opt/two']);
    expect(directories).toContain('/usr/sbin');
  });
});
