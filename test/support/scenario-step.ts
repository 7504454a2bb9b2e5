// A step of a cluster scenario that later tests build on (the cluster converged, a node killed): it runs
// once, when the first test that needs it asks, and every later asker gets the same result. So a test
// of a scenario passes alone (`bun test -t`) as well as in file order, without repeating the step.
// A step that fails fails every test that needs it, with the same error.

export function scenarioStep<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= run());
}
