import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP state LISTEN in /proc/net/tcp. */
const TCP_LISTEN = '0A';

/** The socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue; // No IPv6 table (or no /proc at all): nothing listens there.
    }
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      if (fields[1]?.endsWith(`:${portHex}`) && fields[3] === TCP_LISTEN && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

function ownsSocket(pid: string, inodes: Set<string>): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
      return target.startsWith('socket:[') && inodes.has(target.slice('socket:['.length, -1));
    });
  } catch {
    return false; // Another user's process, or one that just exited.
  }
}

/**
 * Finds the process listening on a local TCP port (Linux /proc), e.g. the NATS server, so its CPU
 * time can be billed to the paths that use it. Only processes this user may inspect are found.
 * @returns the pid, or undefined when it cannot be determined.
 */
export function findListeningPid(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  const owner = pids.find((pid) => ownsSocket(pid, inodes));
  return owner === undefined ? undefined : Number(owner);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The NATS server's process when it runs on this machine (found by its listening port), so its CPU
 * time can be billed to the paths that use it.
 * @returns undefined when NATS runs elsewhere or its process cannot be found.
 */
export function findNatsServerProcess(
  natsUrl: string,
): { readonly name: 'nats'; readonly pid: number } | undefined {
  const url = new URL(natsUrl);
  if (!LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  const pid = findListeningPid(Number(url.port || 4222));
  return pid === undefined ? undefined : { name: 'nats', pid };
}
