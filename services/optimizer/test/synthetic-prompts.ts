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

/**
 * A prompt of `kind` from a small vocabulary. With a number it starts `Task <number>:`, so that
 * every prompt is distinct (imported rows of one prompt replace each other); without one, prompts
 * repeat as real traffic does, and a predictor cannot learn each one by its own words.
 */
export function makePrompt(kind: PromptKind, number: number | undefined, random: () => number): string {
  const pick = (words: readonly string[]) => words[Math.floor(random() * words.length)]!;
  const task = number === undefined ? '' : `Task ${number}: `;
  return kind === 'code'
    ? `${task}write a ${pick(LANGUAGES)} function that ${pick(VERBS)} a ${pick(STRUCTURES)} ` +
        'and returns the result; include type annotations and a unit test for the edge cases.'
    : `${task}${pick(OPENINGS)} what is the ${pick(SUBJECTS)}? Answer in one short sentence.`;
}
