import { describe, expect, it } from 'vitest';
import { findDebianMirror } from './debian-mirror.js';

describe('findDebianMirror', () => {
  it('takes the main archive from a deb822 sources file and skips the security archive', () => {
    const sources = [
      'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n\n',
      'Types: deb\n# a comment\nURIs: http://mirror.example.org/debian/\nSuites: bookworm bookworm-updates\n',
    ];

    expect(findDebianMirror(sources)).toBe('http://mirror.example.org/debian');
  });

  it('reads one-line sources, options in brackets included', () => {
    expect(
      findDebianMirror([
        '# deb http://old.example/debian x main\ndeb [arch=amd64] https://ftp.example.net/debian trixie main\n',
      ]),
    ).toBe('https://ftp.example.net/debian');
  });

  it('finds nothing where no source names an http mirror', () => {
    expect(findDebianMirror(['deb cdrom:[Debian]/ trixie main\n', ''])).toBeUndefined();
  });
});
