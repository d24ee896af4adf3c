import { parser } from '@prometheus-io/lezer-promql';

/**
 * The metric names a PromQL expression selects (the name of every vector selector), read with
 * Prometheus' own PromQL grammar.
 * @throws Error when the expression does not parse.
 */
export function promqlMetricNames(expression: string): string[] {
  const names = new Set<string>();
  const errors: string[] = [];
  parser.parse(expression).iterate({
    enter(node) {
      if (node.type.isError) errors.push(`at ${node.from}`);
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      if (identifier !== null) names.add(expression.slice(identifier.from, identifier.to));
    },
  });
  if (errors.length > 0) throw new Error(`PromQL does not parse (${errors.join(', ')}): ${expression}`);
  return [...names];
}
