import { InvalidArgumentError, RemoteError, StatusCode, UnavailableError } from '@switchboard/errors';
import type { StatusCode as StatusCodeValue } from '@switchboard/errors';
import type { Tenant } from '../authenticate.js';
import { checkRequestedName } from '../request-limits.js';
import { visibleModels } from './visible-model.js';
import type { FrontDoorContext } from './visible-model.js';

/** One entry of RepositoryIndex, Triton's ModelIndex. */
export interface ModelIndexEntry {
  name: string;
  version: string;
  /** `READY` when a live worker serves the model's version, else `UNAVAILABLE`. */
  state: 'READY' | 'UNAVAILABLE';
  /** Why it is unavailable; empty when ready. */
  reason: string;
}

/**
 * Triton serves several model repositories and names them; Switchboard has one, the registry.
 * @throws InvalidArgumentError for any repository name but the empty one.
 */
export function checkRepositoryName(repositoryName: string): void {
  if (repositoryName !== '') {
    throw new InvalidArgumentError(
      'repository_name must be empty: Switchboard has one model repository, its registry',
    );
  }
}

const NOT_PLACED_REASON =
  'no live worker has it loaded; the resource manager places it when requests arrive, and RepositoryModelLoad keeps it placed';

/**
 * The models the tenant may call (all of them when unrestricted), by name, with their state from
 * the workers' heartbeats; only the ready ones with `readyOnly`.
 * @throws InvalidArgumentError for a repository name (see {@link checkRepositoryName}).
 */
export function readRepositoryIndex(
  context: FrontDoorContext,
  tenant: Tenant,
  readyOnly: boolean,
  repositoryName = '',
): ModelIndexEntry[] {
  checkRepositoryName(repositoryName);
  const entries = visibleModels(context.snapshot, tenant).map((model): ModelIndexEntry => {
    const ready = context.presence.isServed(model.name, model.version);
    return {
      name: model.name,
      version: model.version,
      state: ready ? 'READY' : 'UNAVAILABLE',
      reason: ready ? '' : NOT_PLACED_REASON,
    };
  });
  return readyOnly ? entries.filter((entry) => entry.state === 'READY') : entries;
}

/** The resource manager's pin calls, e.g. a `@switchboard/grpc` client of ResourceManagerService. */
export interface PlacementControl {
  pinModel(
    request: { model: string },
    options?: { metadata?: Record<string, string>; timeoutMs?: number },
  ): Promise<unknown>;
  unpinModel(
    request: { model: string },
    options?: { metadata?: Record<string, string>; timeoutMs?: number },
  ): Promise<unknown>;
}

/** Where RepositoryModelLoad and RepositoryModelUnload go. */
export interface RepositoryContext {
  readonly resourceManager: PlacementControl;
  /** For the message when it cannot be reached, e.g. `127.0.0.1:8040`. */
  readonly resourceManagerAddress: string;
  /** @default 5000 */
  readonly resourceManagerTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/** Turns the resource manager's refusal into the same status for the caller. */
function toCallerError(error: unknown, context: RepositoryContext): Error {
  const { code, details } = error as { code?: unknown; details?: unknown };
  if (code === StatusCode.UNAVAILABLE || code === StatusCode.DEADLINE_EXCEEDED) {
    return new UnavailableError(
      `loading and unloading are placement decisions of the resource manager, which did not answer at ${context.resourceManagerAddress} ` +
        '(ROUTER_RESOURCE_MANAGER_ADDRESS); retry once it is up',
      { cause: error, retryAfterMs: 1_000 },
    );
  }
  if (typeof code === 'number' && typeof details === 'string' && code !== StatusCode.INTERNAL) {
    return new RemoteError(code as StatusCodeValue, details, false);
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** What a load or unload request says besides the model's name. */
export interface RepositoryRequestOptions {
  /** Triton's repository_name; only the empty one exists. */
  readonly repositoryName?: string;
  /** Names of Triton's load parameters (`config`, `file:…`), none of which Switchboard takes. */
  readonly parameterNames?: readonly string[];
}

/** The most parameter names a refusal repeats; the rest are counted. */
const MAX_LISTED_PARAMETERS = 5;

function checkRepositoryRequest(modelName: string, request: RepositoryRequestOptions): void {
  checkRequestedName(modelName, '');
  checkRepositoryName(request.repositoryName ?? '');
  const names = request.parameterNames ?? [];
  if (names.length > 0) {
    const listed = names.slice(0, MAX_LISTED_PARAMETERS).map((name) => JSON.stringify(name.slice(0, 64)));
    throw new InvalidArgumentError(
      `load and unload take no parameters (got ${listed.join(', ')}${names.length > MAX_LISTED_PARAMETERS ? ` and ${names.length - MAX_LISTED_PARAMETERS} more` : ''}): ` +
        "a model's configuration and files are registered in the registry (switchboard models register)",
    );
  }
}

async function forward(
  context: RepositoryContext,
  action: 'pinModel' | 'unpinModel',
  modelName: string,
  authorization: string | undefined,
  request: RepositoryRequestOptions,
): Promise<void> {
  checkRepositoryRequest(modelName, request);
  try {
    await context.resourceManager[action](
      { model: modelName },
      {
        metadata: authorization === undefined ? {} : { authorization },
        timeoutMs: context.resourceManagerTimeoutMs ?? DEFAULT_TIMEOUT_MS,
      },
    );
  } catch (error) {
    throw toCallerError(error, context);
  }
}

/**
 * RepositoryModelLoad: asks the resource manager to keep at least one replica of the model placed
 * whatever its demand. The caller's `authorization` is forwarded: with SWITCHBOARD_ADMIN_TOKEN set
 * the resource manager accepts only the admin token.
 * @throws InvalidArgumentError for a malformed model name, a repository name or load parameters.
 * @throws RemoteError with the resource manager's status: NOT_FOUND for an unknown model,
 *   UNAUTHENTICATED or PERMISSION_DENIED without the admin token.
 * @throws UnavailableError when the resource manager cannot be reached.
 */
export function loadModel(
  context: RepositoryContext,
  modelName: string,
  authorization: string | undefined,
  request: RepositoryRequestOptions = {},
): Promise<void> {
  return forward(context, 'pinModel', modelName, authorization, request);
}

/**
 * RepositoryModelUnload: releases what {@link loadModel} kept placed; the model then follows its
 * demand and is unloaded once idle. Same credential and errors as loadModel (unloading a model
 * that was not loaded is not an error).
 */
export function unloadModel(
  context: RepositoryContext,
  modelName: string,
  authorization: string | undefined,
  request: RepositoryRequestOptions = {},
): Promise<void> {
  return forward(context, 'unpinModel', modelName, authorization, request);
}
