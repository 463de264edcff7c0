/**
 * The layer rules of DESIGN.md, checked by `npm run lint:layers` (part of `npm test`):
 * src/protocol ← src/engine ← src/cli, src/extension; media/ sees only src/protocol.
 */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-plain-node',
      comment: 'src/engine and src/protocol run and are tested in plain Node: they never import vscode, the CLI or the extension.',
      severity: 'error',
      from: { path: '^src/(engine|protocol)/' },
      // 'vscode' resolves to its types (@types/vscode), or to nothing where they are not installed.
      to: { path: '^(vscode$|node_modules/@types/vscode/|src/cli/|src/extension/)' },
    },
    {
      name: 'protocol-is-the-bottom',
      comment: 'src/protocol is the shared vocabulary: it imports nothing of the product but itself.',
      severity: 'error',
      from: { path: '^src/protocol/' },
      to: { path: '^(src/(engine|cli|extension)/|media/)' },
    },
    {
      name: 'media-sees-only-the-protocol',
      comment: 'The webview (also served as a web page) talks to its host through src/protocol only.',
      severity: 'error',
      from: { path: '^media/' },
      to: { path: '^src/(?!protocol/)' },
    },
    {
      name: 'surfaces-do-not-import-each-other',
      comment: 'The CLI and the extension are separate translations of the engine.',
      severity: 'error',
      from: { path: '^src/(cli|extension)/' },
      to: { path: '^src/(cli|extension)/', pathNot: '^src/$1/' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
  },
};
