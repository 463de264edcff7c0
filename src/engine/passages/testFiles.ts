/**
 * Test files show an API in use; the code and docs they test state what it does. The offline answer
 * leads with a test only when nothing else says as much, or when the question asks about tests.
 */

const TEST_PATH = /(^|\/)(tests?|__tests__|specs?|__mocks__|fixtures?|__fixtures__)\/|[._-](test|spec)\.[a-z0-9]+$|(^|\/)test_[^/]+\.py$/i;
const ASKS_ABOUT_TESTS = /\b(tests?|testing|tested|specs?|fixtures?|mocks?|mocking)\b/i;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

export function asksAboutTests(question: string): boolean {
  return ASKS_ABOUT_TESTS.test(question);
}
