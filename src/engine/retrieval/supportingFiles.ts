/**
 * Files that support the code and docs rather than state what they do: tests and fixtures show an API
 * in use, examples and benchmarks exercise it, changelogs and upgrade guides list what changed, generated and declaration
 * files repeat it. They mention a question's words as often as the answer does, so the ranking and the
 * offline answer count them less, unless the question asks for that kind of file.
 */

export type SupportingKind = 'test' | 'example' | 'benchmark' | 'changelog' | 'generated' | 'types';

/** Path patterns of each kind, tried in this order (a fixture under `examples/` is a test). */
const KIND_PATHS: [SupportingKind, RegExp][] = [
  ['test', /(^|\/)(tests?|__tests__|specs?|__mocks__|mocks?|fixtures?|__fixtures__|testdata|test-?utils|e2e)\/|[._-](test|spec|tests|e2e)\.[a-z0-9]+$|(^|\/)test_[^/]+\.py$|_test\.go$|Tests?\.(java|kt|cs|swift)$/i],
  ['benchmark', /(^|\/)(bench(marks?)?|perf)\/|[._-]bench\.[a-z0-9]+$/i],
  ['example', /(^|\/)(examples?|demos?|samples?|playground)\//i],
  ['changelog', /(^|\/)(change-?log|changes|history|news|releases?|release-notes)(\.[a-z]+)?$/i],
  // Release notes and upgrade guides list what changed as well: `Changelog0.10x.md`, `docs/upgrading/To1.0.md`,
  // `Migration-Guide-V5.md` (prose only: a `migrations/` folder of code is code).
  ['changelog', /(^|\/)(change-?log|upgrad|migrat|version-notes|release-notes)[^/]*(\/.*)?\.(md|mdx|markdown|txt|rst)$/i],
  ['generated', /(^|\/)(dist|build|out|coverage)\/|\.min\.[a-z]+$|\.bundle\.[a-z]+$|(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml)$/i],
  ['types', /\.d\.[cm]?ts$/i],
];

/** The words with which a question asks for each kind. */
const KIND_WORDS: Record<SupportingKind, RegExp> = {
  test: /\b(tests?|testing|tested|specs?|fixtures?|mocks?|mocking|e2e)\b/i,
  benchmark: /\b(bench(mark(s|ed|ing)?)?|perf)\b/i,
  example: /\b(examples?|demos?|samples?)\b/i,
  changelog: /\b(change-?logs?|changes|changed|releases?|released|history|new in|upgrad(e|es|ed|ing)|migrat(e|es|ed|ing|ion))\b/i,
  generated: /\b(dist|build|built|bundled?|bundling|compiled|minified|lock-?files?)\b/i,
  types: /\b(types?|typed|typings?|typescript|declarations?|generics?)\b/i,
};

/** The kind of supporting file a path is, or undefined for code and docs. */
export function supportingKind(path: string): SupportingKind | undefined {
  for (const [kind, pattern] of KIND_PATHS) if (pattern.test(path)) return kind;
  return undefined;
}

/** The kinds of supporting file a question asks for. */
export function askedKinds(question: string): Set<SupportingKind> {
  const kinds = new Set<SupportingKind>();
  for (const [kind, words] of Object.entries(KIND_WORDS) as [SupportingKind, RegExp][]) if (words.test(question)) kinds.add(kind);
  return kinds;
}

/** A supporting file the question does not ask for: it should rank below the files it supports. */
export function isUnaskedSupporting(path: string, asked: ReadonlySet<SupportingKind>): boolean {
  const kind = supportingKind(path);
  return kind !== undefined && !asked.has(kind);
}
