/** The minus sign, not a hyphen, so negative figures read as numbers in the rendered report. */
const MINUS = '−';

/** What a table shows for a figure that does not exist (no capacity search, no reference value). */
export const MISSING = '—';

/**
 * A GitHub-flavoured Markdown table: the first column left-aligned (names), the others
 * right-aligned (figures). A `|` inside a cell is escaped so it cannot split the cell.
 */
export function formatMarkdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const toRow = (cells: readonly string[]): string =>
    `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  const rule = header.map((_, index) => (index === 0 ? ':---' : '---:'));
  return [toRow(header), toRow(rule), ...rows.map(toRow)].join('\n');
}

/** `value` with a real minus sign when negative. */
function withSign(value: string, negative: boolean, positiveSign: string): string {
  return negative ? `${MINUS}${value}` : `${positiveSign}${value}`;
}

/** `value` to `digits` significant digits: `0.00210346` for 0.0021034567 and 6 digits. */
export function formatSignificant(value: number, digits: number): string {
  return value.toPrecision(digits);
}

/** Milliseconds with one decimal: `136.4`. */
export function formatMs(valueMs: number): string {
  return valueMs.toFixed(1);
}

/** A rate per second with two decimals: `6.57`. */
export function formatRate(valuePerSecond: number): string {
  return valuePerSecond.toFixed(2);
}

/** A share (0–1) as a percentage with one decimal: `8.3%`. */
export function formatShare(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A ratio to a reference: `0.55×`, or `—` when there is none. */
export function formatRatio(ratio: number | null): string {
  return ratio === null ? MISSING : `${ratio.toFixed(2)}×`;
}

/**
 * A difference in percentage points with its sign: `+1.2 pts`, `−0.4 pts`. A difference that
 * rounds to zero gets no sign, so it does not read as a gain or a loss.
 */
export function formatPoints(points: number): string {
  const rounded = Math.abs(points).toFixed(1);
  if (Number(rounded) === 0) return `${rounded} pts`;
  return `${withSign(rounded, points < 0, '+')} pts`;
}

/** A ratio as a change in percent: 0.33 → `−67%`, 1.89 → `+89%`, 1 → `0%`. */
export function formatPercentChange(ratio: number): string {
  const percent = Math.round((ratio - 1) * 100);
  if (percent === 0) return '0%';
  return `${withSign(String(Math.abs(percent)), percent < 0, '+')}%`;
}
