import { create } from '@bufbuild/protobuf';
import { RequestRecordSchema } from '@switchboard/protocol';
import { describe, expect, it } from 'vitest';
import { groupKeyOf } from './group-key.js';

describe('groupKeyOf', () => {
  it("counts shadow copies apart from the route's real answers", () => {
    const fields = { model: 'observer', version: '1', route: 'classify', tenant: 'acme' };
    expect(groupKeyOf(create(RequestRecordSchema, fields)).route).toBe('classify');
    expect(groupKeyOf(create(RequestRecordSchema, { ...fields, shadow: true }))).toEqual({
      ...fields,
      route: 'classify~shadow',
    });
  });
});
