/** Extensions whose files are never text worth indexing, checked before reading a byte. */
const BINARY_EXTENSIONS = new Set((
  'png jpg jpeg gif bmp ico icns webp tif tiff psd ai sketch fig heic avif svgz '
  + 'pdf doc docx xls xlsx ppt pptx odt ods odp epub '
  + 'zip gz tgz bz2 xz zst 7z rar tar jar war ear apk ipa dmg iso deb rpm msi cab '
  + 'exe dll so dylib o a lib obj pdb class pyc pyo pyd wasm node bin dat dump '
  + 'db sqlite sqlite3 mdb parquet feather arrow npy npz pkl pickle h5 hdf5 onnx pt pth ckpt safetensors gguf '
  + 'mp3 mp4 m4a wav ogg oga flac aac opus mov avi mkv webm wmv flv '
  + 'ttf otf woff woff2 eot lockb'
).split(' '));

const LANGUAGES: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', pyi: 'python', rb: 'ruby', go: 'go', rs: 'rust', java: 'java', kt: 'kotlin', kts: 'kotlin',
  scala: 'scala', swift: 'swift', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp',
  cs: 'csharp', fs: 'fsharp', php: 'php', lua: 'lua', dart: 'dart', r: 'r', jl: 'julia', ex: 'elixir', exs: 'elixir',
  erl: 'erlang', hs: 'haskell', ml: 'ocaml', clj: 'clojure', vue: 'vue', svelte: 'svelte',
  sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', ps1: 'powershell', sql: 'sql',
  html: 'html', htm: 'html', css: 'css', scss: 'scss', less: 'less', json: 'json', jsonc: 'json',
  yaml: 'yaml', yml: 'yaml', toml: 'toml', xml: 'xml', svg: 'xml', ini: 'ini',
  md: 'markdown', markdown: 'markdown', mdx: 'markdown', rst: 'restructuredtext', txt: 'plaintext', adoc: 'asciidoc',
  proto: 'proto', graphql: 'graphql', gql: 'graphql', tf: 'terraform', dockerfile: 'dockerfile', makefile: 'makefile',
};

function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(dot + 1);
}

export function isBinaryPath(path: string): boolean {
  return BINARY_EXTENSIONS.has(extensionOf(path));
}

/** A VS Code language id for the file, or `plaintext`. */
export function languageOf(path: string): string {
  return LANGUAGES[extensionOf(path)] ?? 'plaintext';
}

export function isMarkdownLike(language: string): boolean {
  return language === 'markdown' || language === 'restructuredtext' || language === 'asciidoc' || language === 'plaintext';
}
