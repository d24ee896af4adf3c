import { InvalidArgumentError } from '@switchboard/errors';

/**
 * The registry name of a model as an outcome file's header spells it: lowercased, its last path
 * segment, every character outside `[a-z0-9_-]` replaced by `-`.
 * @example registryModelName('mistralai/Mistral-7B-chat') === 'mistral-7b-chat'
 * @example registryModelName('gpt-3.5-turbo-1106') === 'gpt-3-5-turbo-1106'
 */
export function registryModelName(fileName: string): string {
  const lastSegment = fileName.toLowerCase().split('/').at(-1) ?? '';
  return lastSegment.replace(/[^a-z0-9_-]/g, '-');
}

/**
 * The registry name of every model of a file: `overrides` (file name → registry name) where given,
 * registryModelName otherwise.
 * @returns file name → registry name, for every model in `fileModels`.
 * @throws InvalidArgumentError when an override names a model the file does not have, a name
 *   comes out empty, or two models would get the same registry name.
 */
export function mapModelNames(
  fileModels: readonly string[],
  overrides: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  for (const model of overrides.keys()) {
    if (!fileModels.includes(model)) {
      throw new InvalidArgumentError(
        `the file has no model column "${model}"; its models are ${fileModels.join(', ')}`,
      );
    }
  }
  const names = new Map<string, string>();
  const byRegistryName = new Map<string, string>();
  for (const model of fileModels) {
    const name = overrides.get(model) ?? registryModelName(model);
    if (name === '') throw new InvalidArgumentError(`model "${model}" has no registry name; give it one`);
    const other = byRegistryName.get(name);
    if (other !== undefined) {
      throw new InvalidArgumentError(
        `models "${other}" and "${model}" would both be "${name}" in the registry; give one of them another name`,
      );
    }
    byRegistryName.set(name, model);
    names.set(model, name);
  }
  return names;
}
