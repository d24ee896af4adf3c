/**
 * How route messages point at a candidate: `candidates[0] (small)`, or `candidates[0]` when it
 * names no model.
 */
export function labelCandidate(index: number, model: string): string {
  return `candidates[${index}]${model === '' ? '' : ` (${model})`}`;
}

/**
 * How route messages point at a rollout arm of a candidate: `candidates[0] (small): rollout[1] (small@2)`,
 * naming the model the arm serves and, after `@`, the version when it is not the current one.
 */
export function labelArm(candidateLabel: string, index: number, model: string, version: string): string {
  const served = model === '' ? '' : ` (${version === '' ? model : `${model}@${version}`})`;
  return `${candidateLabel}: rollout[${index}]${served}`;
}
