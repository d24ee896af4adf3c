import { readFile } from 'node:fs/promises';

/** Resident memory of process `pid` in bytes (VmRSS from /proc, Linux); 0 when it is gone or unreadable. */
export async function readResidentBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
  } catch {
    // The process exited between sampling rounds: it holds no memory.
    return 0;
  }
}
