/** Two kinds of prompt with their own vocabulary, so a predictor can tell them apart by their words. */
export type PromptKind = 'code' | 'trivia';

const LANGUAGES = ['python', 'javascript', 'rust', 'go', 'java', 'kotlin'];
const VERBS = ['sorts', 'reverses', 'merges', 'parses', 'filters', 'deduplicates', 'flattens', 'counts'];
const STRUCTURES = ['list', 'array', 'dictionary', 'linked list', 'binary tree', 'string', 'matrix', 'queue'];
const SUBJECTS = [
  'capital of France',
  'tallest mountain in Africa',
  'author of Hamlet',
  'largest ocean on Earth',
  'year the Berlin Wall fell',
  'chemical symbol for gold',
  'longest river in Asia',
  'painter of the Mona Lisa',
  'smallest planet',
  'national animal of Scotland',
];
const OPENINGS = ['Quick question:', 'Trivia time:', 'I was wondering,', 'Settle a bet:'];

/** A prompt of `kind`, numbered so that every prompt is distinct. */
export function makePrompt(kind: PromptKind, number: number, random: () => number): string {
  const pick = (words: readonly string[]) => words[Math.floor(random() * words.length)]!;
  return kind === 'code'
    ? `Task ${number}: write a ${pick(LANGUAGES)} function that ${pick(VERBS)} a ${pick(STRUCTURES)} ` +
        'and returns the result; include type annotations and a unit test for the edge cases.'
    : `Task ${number}: ${pick(OPENINGS)} what is the ${pick(SUBJECTS)}? Answer in one short sentence.`;
}
