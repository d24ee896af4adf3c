/**
 * Turns a prompt into the sparse features the learned routing policy scores: hashed word unigrams
 * and bigrams and a length bucket. Hashing keeps the vocabulary open (a new word needs no retraining
 * of the featuriser) and the memory fixed: 2^hashBits weights per model whatever the traffic says.
 * Character 4-grams were tried and dropped: on RouterBench prompts held out from training they made
 * the predictors' log loss worse and training and deciding 2–3 times slower (bench/README.md).
 */

/** The featuriser this code implements; policies carry it, and a router only applies its own. */
export const FEATURISER_VERSION = 1;

/** Settings shared by the optimizer (training) and the router (deciding). */
export interface FeatureSettings {
  /** Features are hashed into 2^hashBits buckets. */
  readonly hashBits: number;
  /**
   * Characters featurised at most: half from the start of the prompt, half from its end, because
   * instructions tend to open a prompt and the question to close it. Bounds the decision time.
   */
  readonly maxPromptChars: number;
}

/** @default 2^16 buckets, 2,048 characters. */
export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = Object.freeze({
  hashBits: 16,
  maxPromptChars: 2048,
});

/** Seeds that keep the three feature families apart in the hashed space. */
const WORD_SEED = 0x811c9dc5;
const BIGRAM_SALT = 0x9e3779b1;
const LENGTH_SALT = 0xc2b2ae35;
const FNV_PRIME = 0x01000193;

/**
 * The prompt's distinct feature indices, in order of first occurrence: a feature is present or not
 * (counting repeats measured no better on held-out prompts, and distinct indices are what the
 * router's decision records store, so the optimizer learns from exactly what was scored). Each
 * feature weighs 1/√(number of features) in the model (see `featureScale`), so long prompts do not
 * drown short ones.
 * @param promptLength the whole prompt's length in UTF-16 code units, for a caller that passes only
 *   the clipped head and tail (`head + ' ' + tail`, each half of maxPromptChars) because decoding
 *   the rest of a long prompt would be wasted (the router). @default prompt.length
 */
export function featurisePrompt(
  prompt: string,
  settings: FeatureSettings,
  promptLength: number = prompt.length,
): Uint32Array {
  const text = clipPrompt(prompt, settings.maxPromptChars);
  const mask = (1 << settings.hashBits) - 1;
  // At most a word and a bigram for every two characters, plus the length bucket.
  const indices = new Uint32Array(text.length + 2);
  let count = 0;
  const seen = stampsFor(settings.hashBits);
  const stamp = nextStamp(seen);
  const add = (index: number) => {
    if (seen.table[index] === stamp) return;
    seen.table[index] = stamp;
    indices[count++] = index;
  };
  let wordHash = WORD_SEED;
  let wordLength = 0;
  let previousWord = 0;
  let hasPrevious = false;
  for (let position = 0; position <= text.length; position += 1) {
    const code = position < text.length ? lowerCase(text.charCodeAt(position)) : 32;
    if (isWordCharacter(code)) {
      wordHash = Math.imul(wordHash ^ code, FNV_PRIME);
      wordLength += 1;
    } else if (wordLength > 0) {
      add((wordHash >>> 0) & mask);
      if (hasPrevious) add(mix(previousWord ^ BIGRAM_SALT, wordHash) & mask);
      previousWord = wordHash;
      hasPrevious = true;
      wordHash = WORD_SEED;
      wordLength = 0;
    }
  }
  add(mix(lengthBucket(promptLength), LENGTH_SALT) & mask);
  return indices.slice(0, count);
}

/**
 * A table marking which buckets the current prompt has used: a bucket holds the stamp of the last
 * prompt that used it, so telling repeats apart costs one read and no clearing between prompts.
 */
interface StampTable {
  readonly table: Uint32Array;
  stamp: number;
}

const stampTables = new Map<number, StampTable>();

function stampsFor(hashBits: number): StampTable {
  let table = stampTables.get(hashBits);
  if (table === undefined) {
    table = { table: new Uint32Array(1 << hashBits), stamp: 0 };
    stampTables.set(hashBits, table);
  }
  return table;
}

function nextStamp(table: StampTable): number {
  table.stamp = (table.stamp + 1) >>> 0;
  if (table.stamp === 0) {
    // After 2^32 prompts the stamps wrap: clear once so an old stamp cannot look current.
    table.table.fill(0);
    table.stamp = 1;
  }
  return table.stamp;
}

/** The weight of each of a prompt's `count` features. */
export function featureScale(count: number): number {
  return count === 0 ? 0 : 1 / Math.sqrt(count);
}

function clipPrompt(prompt: string, maxChars: number): string {
  if (prompt.length <= maxChars) return prompt;
  const half = Math.floor(maxChars / 2);
  return `${prompt.slice(0, half)} ${prompt.slice(prompt.length - half)}`;
}

function lowerCase(code: number): number {
  return code >= 65 && code <= 90 ? code + 32 : code;
}

function isWordCharacter(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code > 127;
}

/** log2 of the prompt's length: short, medium and long prompts learn apart. */
function lengthBucket(length: number): number {
  return 31 - Math.clz32(length + 1);
}

/** A 32-bit finaliser (murmur3's) over two words: spreads near-equal inputs across the buckets. */
function mix(a: number, b: number): number {
  let hash = Math.imul(a ^ Math.imul(b, 0xcc9e2d51), 0x1b873593);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
