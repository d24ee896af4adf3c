import { describe, expect, it } from 'vitest';
import { mapModelNames, registryModelName } from './registry-model-name.js';

describe('registryModelName', () => {
  it('lowercases, keeps the last path segment and replaces characters a registry name cannot have', () => {
    expect(registryModelName('WizardLM/WizardLM-13B-V1.2')).toBe('wizardlm-13b-v1-2');
    expect(registryModelName('gpt-3.5-turbo-1106')).toBe('gpt-3-5-turbo-1106');
    expect(registryModelName('meta/code-llama-instruct-34b-chat')).toBe('code-llama-instruct-34b-chat');
    expect(registryModelName('zero-one-ai/Yi-34B-Chat')).toBe('yi-34b-chat');
    expect(registryModelName('org/My Model_v2')).toBe('my-model_v2');
  });
});

describe('mapModelNames', () => {
  const models = ['mistralai/mistral-7b-chat', 'gpt-4-1106-preview'];

  it('maps every model by the rule unless an override names it', () => {
    expect(mapModelNames(models, new Map([['gpt-4-1106-preview', 'gpt-4']]))).toEqual(
      new Map([
        ['mistralai/mistral-7b-chat', 'mistral-7b-chat'],
        ['gpt-4-1106-preview', 'gpt-4'],
      ]),
    );
  });

  it('refuses an override for a model the file does not have, listing the file’s models', () => {
    expect(() => mapModelNames(models, new Map([['gpt-4', 'x']]))).toThrow(
      'the file has no model column "gpt-4"; its models are mistralai/mistral-7b-chat, gpt-4-1106-preview',
    );
  });

  it('refuses two models that would share a registry name, and an empty name', () => {
    expect(() => mapModelNames(['a/chat', 'b/chat'])).toThrow(
      'models "a/chat" and "b/chat" would both be "chat" in the registry; give one of them another name',
    );
    expect(() => mapModelNames(['a/'])).toThrow('model "a/" has no registry name; give it one');
  });
});
