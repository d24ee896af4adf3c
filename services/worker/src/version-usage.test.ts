import { describe, expect, it } from 'vitest';
import { VersionUsage } from './version-usage.js';

describe('VersionUsage', () => {
  it('counts the time batches ran, a running one up to now, and when the last one started', () => {
    const usage = new VersionUsage();
    expect(usage.busyMs(1_000)).toBe(0);
    expect(usage.lastUsedUnixMs).toBe(0);

    usage.begin(1_000);
    usage.end(1_300);
    usage.begin(2_000);

    expect(usage.busyMs(2_050)).toBe(350);
    expect(usage.lastUsedUnixMs).toBe(2_000);
    usage.end(2_100);
    expect(usage.busyMs(5_000)).toBe(400);
  });

  it('counts overlapping batches once, as wall time the version was busy', () => {
    const usage = new VersionUsage();
    usage.begin(0);
    usage.begin(50);
    usage.end(100);
    usage.end(200);
    usage.end(300);

    expect(usage.busyMs(1_000)).toBe(200);
  });
});
