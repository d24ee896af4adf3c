import { InvalidArgumentError } from '@switchboard/errors';

/**
 * Number of elements a tensor of `shape` holds: the product of its dimensions (1 for a scalar, `[]`).
 * Beyond `Number.MAX_SAFE_INTEGER` the result is approximate, which size limits then reject.
 */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dimension of shape) count *= dimension;
  return count;
}

/**
 * Converts a wire shape (int64 dimensions) to numbers.
 *
 * @param label names the tensor in error messages, e.g. `input "pixels"`.
 * @throws InvalidArgumentError when a dimension is negative or too large to be a real size.
 */
export function shapeFromProto(shape: readonly bigint[], label: string): number[] {
  const result = new Array<number>(shape.length);
  for (let index = 0; index < shape.length; index++) {
    const dimension = shape[index] as bigint;
    if (dimension < 0n || dimension > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new InvalidArgumentError(
        `${label} has shape ${formatShape(shape)}: dimension ${index} is ${dimension}; ` +
          `every dimension must be a size between 0 and ${Number.MAX_SAFE_INTEGER}`,
      );
    }
    result[index] = Number(dimension);
  }
  return result;
}

/** Converts a shape to the wire's int64 dimensions. */
export function shapeToProto(shape: readonly number[]): bigint[] {
  return shape.map((dimension) => BigInt(dimension));
}

/** Renders a shape for messages the way clients write it, e.g. `[-1, 3, 224, 224]`. */
export function formatShape(shape: readonly (number | bigint)[]): string {
  return `[${shape.join(', ')}]`;
}
