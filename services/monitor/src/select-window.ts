import { InvalidArgumentError } from '@switchboard/errors';
import { StatsWindow } from '@switchboard/protocol';
import { SUB_WINDOW_MS, subWindowIndex } from './sliding-windows.js';

/** The shortest span throughput is divided by, so a first record does not read as thousands per second. */
const MIN_SPAN_MS = 1_000;

const SUB_WINDOWS_PER_MINUTE = 60_000 / SUB_WINDOW_MS;

/** Sub-windows per sliding window: the current 10 s one plus the ones before it. */
const SUB_WINDOWS_PER_WINDOW: ReadonlyMap<StatsWindow, number> = new Map([
  [StatsWindow.ONE_MINUTE, SUB_WINDOWS_PER_MINUTE],
  [StatsWindow.FIVE_MINUTES, 5 * SUB_WINDOWS_PER_MINUTE],
]);

/** Which counters a window reads, and the time span its throughput is divided by. */
export interface WindowSelection {
  readonly window: StatsWindow;
  /** First sub-window index included; undefined for STATS_WINDOW_SINCE_START (the totals). */
  readonly firstSubWindow: number | undefined;
  /** Milliseconds of records the window covers: up to its length, less while the monitor has seen less. */
  readonly spanMs: number;
}

/**
 * Resolves a requested window at `nowMs`. UNSPECIFIED means one minute. A 1 min window is the
 * current 10 s sub-window and the 5 before it (50–60 s of records), 5 min likewise 30 sub-windows;
 * throughput is count ÷ the covered span, or ÷ the time since the first record ever counted
 * (`firstRecordAtMs`) when that is shorter.
 * @throws InvalidArgumentError for a window number this monitor does not know.
 */
export function selectWindow(
  requested: StatsWindow,
  nowMs: number,
  firstRecordAtMs: number | undefined,
): WindowSelection {
  const window = requested === StatsWindow.UNSPECIFIED ? StatsWindow.ONE_MINUTE : requested;
  const observedFromMs = Math.min(firstRecordAtMs ?? nowMs, nowMs);
  if (window === StatsWindow.SINCE_START) {
    return { window, firstSubWindow: undefined, spanMs: Math.max(MIN_SPAN_MS, nowMs - observedFromMs) };
  }
  const subWindows = SUB_WINDOWS_PER_WINDOW.get(window);
  if (subWindows === undefined) {
    throw new InvalidArgumentError(
      `unknown stats window ${requested}; use ONE_MINUTE (1), FIVE_MINUTES (2) or SINCE_START (3)`,
    );
  }
  const firstSubWindow = firstSubWindowOf(subWindows, nowMs);
  const startMs = Math.max(firstSubWindow * SUB_WINDOW_MS, observedFromMs);
  return { window, firstSubWindow, spanMs: Math.max(MIN_SPAN_MS, nowMs - startMs) };
}

/**
 * The first sub-window of the one-minute window at `nowMs`, as selectWindow resolves ONE_MINUTE:
 * what the live figures (load snapshot, latency gauges) read.
 */
export function lastMinuteFirstSubWindow(nowMs: number): number {
  return firstSubWindowOf(SUB_WINDOWS_PER_MINUTE, nowMs);
}

/** The first of `subWindows` sub-windows that end with the one `nowMs` falls in. */
function firstSubWindowOf(subWindows: number, nowMs: number): number {
  return subWindowIndex(nowMs) - (subWindows - 1);
}
