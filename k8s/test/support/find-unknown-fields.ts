import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { KubernetesObject } from './render-overlay.js';
import { modelModule } from './validate-object.js';

/** Where the generated source pretends to live: module resolution then finds k8s/node_modules. */
const VIRTUAL_FILE = fileURLToPath(new URL('../__generated__/rendered-objects.ts', import.meta.url));

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  types: [],
};

/**
 * The fields of `objects` that their kind's schema does not have, e.g. a misspelt `readinesProbe` or a
 * field of a newer API version. The JSON schemas of kubernetes-models accept unknown fields (so does
 * the API server, which drops them with a warning); its TypeScript interfaces do not: each object is
 * compiled as a literal of its kind's interface, and TypeScript's excess-property check names each
 * unknown field. Type errors of known fields are reported as well.
 */
export function findUnknownFields(objects: KubernetesObject[]): string[] {
  const lines = objects.flatMap((object, index) => [
    `import type { I${object.kind} as T${index} } from '${modelModule(object.apiVersion)}';`,
    `export const o${index}: T${index} = ${JSON.stringify(object)};`,
  ]);
  const source = lines.join('\n');
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === VIRTUAL_FILE
      ? ts.createSourceFile(fileName, source, languageVersion)
      : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === VIRTUAL_FILE || fileExists(fileName);
  const program = ts.createProgram([VIRTUAL_FILE], COMPILER_OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file === undefined || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const object = objects[Math.floor(line / 2)];
    return object === undefined ? message : `${object.kind} ${object.metadata.name}: ${message}`;
  });
}
