// Mocha's TDD interface, typed. Mocha (installed into .e2e-work by run.mjs, so no @types/mocha in the project)
// defines these as globals just before it loads each test file; tests import them from here instead.
export interface TestContext {
  timeout(ms: number): void;
  skip(): never;
}
type Body = (this: TestContext) => void | Promise<void>;
const mocha = globalThis as unknown as Record<'suite' | 'test' | 'suiteSetup' | 'suiteTeardown' | 'setup' | 'teardown', (...args: unknown[]) => void>;

export const suite = (title: string, body: () => void): void => mocha.suite(title, body);
export const test = (title: string, body: Body): void => mocha.test(title, body);
export const suiteSetup = (body: Body): void => mocha.suiteSetup(body);
export const suiteTeardown = (body: Body): void => mocha.suiteTeardown(body);
export const setup = (body: Body): void => mocha.setup(body);
export const teardown = (body: Body): void => mocha.teardown(body);
