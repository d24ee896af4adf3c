import { describe, expect, it } from 'vitest';
import { Modality, ModalitySchema, SelectionObjective, SelectionObjectiveSchema } from './index.js';
import { enumFromShortName, enumToShortName } from './enum-short-name.js';

describe('enumToShortName', () => {
  it('gives the lowercase name without the enum prefix', () => {
    expect(enumToShortName(ModalitySchema, Modality.STRUCTURED)).toBe('structured');
    expect(enumToShortName(SelectionObjectiveSchema, SelectionObjective.BEST_QUALITY)).toBe('best_quality');
    expect(enumToShortName(ModalitySchema, Modality.UNSPECIFIED)).toBe('unspecified');
  });

  it('returns undefined for a number the enum does not have', () => {
    expect(enumToShortName(ModalitySchema, 999)).toBeUndefined();
  });
});

describe('enumFromShortName', () => {
  it('finds the value of a short name', () => {
    expect(enumFromShortName(SelectionObjectiveSchema, 'best_quality')).toMatchObject({
      number: SelectionObjective.BEST_QUALITY,
      name: 'SELECTION_OBJECTIVE_BEST_QUALITY',
    });
    expect(enumFromShortName(ModalitySchema, 'unspecified')?.number).toBe(Modality.UNSPECIFIED);
  });

  it('returns undefined for names that are not short names, including uppercase and full names', () => {
    expect(enumFromShortName(ModalitySchema, 'video')).toBeUndefined();
    expect(enumFromShortName(ModalitySchema, 'STRUCTURED')).toBeUndefined();
    expect(enumFromShortName(ModalitySchema, 'modality_structured')).toBeUndefined();
  });
});
