/** Which variables a config reader asked for, from {@link recordEnvironmentReads}. */
export interface EnvironmentReads {
  /** Variables read by name (`environment[name]`, `name in environment`), whether set or not. */
  readonly named: ReadonlySet<string>;
  /** Whether the reader walked every variable (`Object.entries`), as one picking variables by prefix does. */
  readonly enumerated: boolean;
}

/**
 * Wraps `environment` in a Proxy that records what a config reader asks of it. A read by name is a
 * `get` (or `has`) of the key; walking the object (`Object.entries`) asks for each key's descriptor
 * and then gets it, so a `get` right after the descriptor of the same key counts as enumeration, not
 * as reading that variable by name.
 */
export function recordEnvironmentReads(environment: Readonly<Record<string, string>>): {
  environment: Readonly<Record<string, string>>;
  reads: EnvironmentReads;
} {
  const named = new Set<string>();
  const reads = { named, enumerated: false };
  let describedKey: string | symbol | undefined;
  const proxy = new Proxy(environment, {
    get(target, key, receiver) {
      if (typeof key === 'string' && key !== describedKey) named.add(key);
      describedKey = undefined;
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      if (typeof key === 'string') named.add(key);
      return Reflect.has(target, key);
    },
    getOwnPropertyDescriptor(target, key) {
      describedKey = key;
      return Reflect.getOwnPropertyDescriptor(target, key);
    },
    ownKeys(target) {
      reads.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
  return { environment: proxy, reads };
}
