import { create, toJson } from '@bufbuild/protobuf';
import { BatchingModeSchema, ModalitySchema, ModelSpecSchema } from '@switchboard/protocol';
import type { ModelSpec } from '@switchboard/protocol';
import type { Command } from 'commander';
import type { CommandContext } from '../command-context.js';
import { describeScaling } from '../describe-scaling.js';
import { enumShortName } from '../enum-names.js';
import { UsageError } from '../errors.js';
import { formatTable } from '../format-table.js';
import { addModelFlags, applyModelFlags } from '../model-flags.js';
import type { ModelFlags } from '../model-flags.js';
import { readSpecFile } from '../read-spec-file.js';

/** Adds `models register|list|get|update|delete` to `program`. */
export function registerModelsCommand(program: Command, context: CommandContext): void {
  const models = program.command('models').description('register, inspect, change and remove models');
  addRegisterCommand(models, context);
  addUpdateCommand(models, context);
  models
    .command('list')
    .description('list every model')
    .action(async () => {
      const { models: list } = await context.registry().listModels({}, context.callOptions);
      context.io.stdout.write(formatModelTable(list));
    });
  models
    .command('get <name>')
    .description('print a model as JSON')
    .action(async (name: string) => {
      const { model } = await context.registry().getModel({ name }, context.callOptions);
      context.io.stdout.write(`${formatModelJson(model)}\n`);
    });
  models
    .command('delete <name>')
    .description('delete a model and its versions (refused while a route lists it)')
    .action(async (name: string) => {
      await context.registry().deleteModel({ name }, context.callOptions);
      context.io.stdout.write(`deleted model ${name}\n`);
    });
}

function addRegisterCommand(models: Command, context: CommandContext): void {
  const register = models
    .command('register [name]')
    .description('register a new model from --file and/or flags (flags override the file)')
    .option('--file <spec.json>', 'a ModelSpec in protobuf JSON form');
  addModelFlags(register).action(
    async (name: string | undefined, options: ModelFlags & { file?: string }) => {
      const spec =
        options.file === undefined
          ? create(ModelSpecSchema)
          : await readSpecFile(options.file, ModelSpecSchema);
      if (name !== undefined) spec.name = name;
      if (spec.name === '') throw new UsageError('give the model name as an argument or in --file');
      applyModelFlags(spec, options);
      const { model } = await context.registry().registerModel({ model: spec }, context.callOptions);
      context.io.stdout.write(`registered model ${model?.name} version ${model?.version}\n`);
    },
  );
}

// Read-modify-write: the API replaces every mutable field, so the flags are applied to the current spec.
function addUpdateCommand(models: Command, context: CommandContext): void {
  const update = models.command('update <name>').description('change the given fields of a model');
  addModelFlags(update).action(async (name: string, options: ModelFlags) => {
    const { model: current } = await context.registry().getModel({ name }, context.callOptions);
    const spec = current ?? create(ModelSpecSchema, { name });
    applyModelFlags(spec, options);
    const { model } = await context.registry().updateModel({ model: spec }, context.callOptions);
    context.io.stdout.write(`updated model ${model?.name} (version ${model?.version})\n`);
  });
}

function formatModelJson(model: ModelSpec | undefined): string {
  return JSON.stringify(model === undefined ? {} : toJson(ModelSpecSchema, model), null, 2);
}

function formatModelTable(models: ModelSpec[]): string {
  const headers = [
    'NAME',
    'VERSION',
    'RUNTIME',
    'TASK',
    'MODALITY',
    'QUALITY',
    'COST/CALL µ$',
    'BATCHING',
    'SCALING',
  ];
  const rows = models.map((model) => [
    model.name,
    model.version,
    model.runtime,
    model.task || '-',
    enumShortName(ModalitySchema, model.modality),
    model.qualityScore.toString(),
    model.costPerCallMicros.toString(),
    model.batching === undefined
      ? '-'
      : `${enumShortName(BatchingModeSchema, model.batching.mode)} ≤${model.batching.maxBatchSize}`,
    describeScaling(model.scaling),
  ]);
  return formatTable(headers, rows);
}
