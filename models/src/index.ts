/**
 * Real ONNX models generated at build time for demos and tests: two classifiers of clearly
 * different size and accuracy for the `classify` task, their manifest, and readers that decode an
 * .onnx file's graph and weights so a test can check a runtime's answer independently, and a writer
 * of untrained MLPs of any width for benchmarks that need a model of real cost.
 */
export type { OnnxAttributeValue, OnnxGraph, OnnxNode, OnnxValueInfo } from './read-onnx-graph.js';
export type { OnnxInitializer } from './read-onnx-initializers.js';
export type { RandomMlpModel, RandomMlpModelOptions } from './write-random-mlp-model.js';
export type {
  DatasetDescription,
  ModelManifest,
  ModelManifestEntry,
  TensorDescription,
} from './read-model-manifest.js';
export { classifierModelSpecs } from './classifier-model-specs.js';
export { modelsDirectory } from './models-directory.js';
export { readModelManifest } from './read-model-manifest.js';
export { readOnnxGraph } from './read-onnx-graph.js';
export { readOnnxInitializers } from './read-onnx-initializers.js';
export { writeRandomMlpModel } from './write-random-mlp-model.js';
