/** The names of the schema sets built so far in this process, in the order they were built. */
const builtSets: string[] = [];

/**
 * `build`, run once, at the first call, and its result kept. The registry's schemas are
 * built this way: every function imports the registry, and a function that parses with one
 * operation's schemas should not construct every operation's at load (issue 21: they were
 * most of a small function's import time).
 */
export function builtOnce<T>(name: string, build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    if (built === undefined) {
      built = { value: build() };
      builtSets.push(name);
    }
    return built.value;
  };
}

/** Which schema sets this process has built (tests pin what loading builds: nothing). */
export function schemaSetsBuilt(): readonly string[] {
  return [...builtSets];
}
