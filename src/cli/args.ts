import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ANSWER_FLAGS, ANSWER_HELP, EMBEDDING_FLAGS, EMBEDDING_HELP, readProviderFlags, type ProviderFlags } from './providerOptions';
import { SERVE_FLAGS, SERVE_HELP, readServeFlags, type ServeFlags } from './serve/serveFlags';
import { UsageError } from './usageError';

export { UsageError };

export type Command = 'index' | 'search' | 'ask' | 'summarize' | 'mcp' | 'serve';
export const COMMANDS: readonly Command[] = ['index', 'search', 'ask', 'summarize', 'mcp', 'serve'];

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags of the long-running commands (mcp, serve): the folder and its index. */
const FOLDER: Options = {
  workspace: { type: 'string' },
  'index-dir': { type: 'string' },
  'memory-limit': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const COMMON: Options = { ...FOLDER, json: { type: 'boolean' } };

const OPTIONS: Record<Command, Options> = {
  index: { ...COMMON, ...EMBEDDING_FLAGS, events: { type: 'boolean' } },
  search: { ...COMMON, ...EMBEDDING_FLAGS, k: { type: 'string' } },
  ask: { ...COMMON, ...EMBEDDING_FLAGS, ...ANSWER_FLAGS, k: { type: 'string' } },
  summarize: { ...COMMON, ...EMBEDDING_FLAGS, ...ANSWER_FLAGS },
  mcp: { ...FOLDER, ...EMBEDDING_FLAGS },
  serve: { ...FOLDER, ...EMBEDDING_FLAGS, ...ANSWER_FLAGS, k: { type: 'string' }, ...SERVE_FLAGS },
};

export interface ParsedCommand {
  command: Command;
  question?: string;
  workspace?: string;
  indexDir?: string;
  json: boolean;
  /** index's --events: each file's stages as NDJSON (with --json). */
  events: boolean;
  help: boolean;
  k?: number;
  /** --memory-limit: everything the index may hold in memory, in MB. */
  memoryLimitMb?: number;
  /** --provider, --model, --embeddings, --embed-model, --ollama-host, --base-url. */
  providers: ProviderFlags;
  /** serve's --port, --host, --token. */
  serve?: ServeFlags;
}

/** Parses `argv` (without node and the script); throws UsageError for anything it does not understand. */
export function parseCommandLine(argv: readonly string[]): ParsedCommand | { command: undefined; help: true } {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { command: undefined, help: true };
  if (!COMMANDS.includes(first as Command)) throw new UsageError(`unknown command '${first}' (expected ${COMMANDS.join(', ')})`);
  const command = first as Command;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...rest], options: OPTIONS[command], allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(cleanParseError(err), command);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const help = values.help === true;
  const positionals = parsed.positionals;
  const result: ParsedCommand = {
    command,
    workspace: values.workspace as string | undefined,
    indexDir: values['index-dir'] as string | undefined,
    json: values.json === true,
    events: values.events === true,
    help,
    providers: readProviderFlags({}, command),
  };
  if (help) return result;
  if (command === 'index' || command === 'mcp' || command === 'serve') {
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`, command);
  } else if (command === 'summarize') {
    if (positionals.length !== 1 || positionals[0].trim() === '') throw new UsageError('name one file to summarise, e.g. docs/spec.md', command);
    result.question = positionals[0];
  } else {
    if (positionals.length === 0 || positionals.join(' ').trim() === '') throw new UsageError('missing the question, e.g. "how does authentication work?"', command);
    if (positionals.length > 1) throw new UsageError(`put the question in quotes: got ${positionals.length} separate arguments`, command);
    result.question = positionals[0];
  }
  if (result.events && !result.json) throw new UsageError('--events needs --json (events are printed as JSON lines)', command);
  if (values.k !== undefined) {
    const k = Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 100) throw new UsageError(`--k must be a whole number from 1 to 100, got '${values.k}'`, command);
    result.k = k;
  }
  if (values['memory-limit'] !== undefined) {
    const mb = Number(values['memory-limit']);
    if (!Number.isInteger(mb) || mb < MIN_MEMORY_LIMIT_MB) {
      throw new UsageError(`--memory-limit must be a whole number of MB, at least ${MIN_MEMORY_LIMIT_MB}, got '${values['memory-limit']}'`, command);
    }
    result.memoryLimitMb = mb;
  }
  result.providers = readProviderFlags(values, command);
  if (command === 'serve') result.serve = readServeFlags(values, command);
  return result;
}

/** Below this the index thread cannot start its JavaScript engine with room to work. */
const MIN_MEMORY_LIMIT_MB = 32;

function cleanParseError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // Node's messages add advice about '--' that does not apply here; keep the first sentence.
  return message.split('. ')[0].replace(/\.$/, '');
}

const FOLDER_HELP = `  --workspace DIR    folder to index and search (default: the current folder)
  --index-dir DIR    where the index is kept (default: a cache folder outside the workspace)
  --memory-limit MB  memory the index may hold: its heap and its texts, vectors and search terms
                     (default 384); over it, indexing and questions stop with a clear message
  -h, --help         show this help`;

const SHARED_HELP = `${FOLDER_HELP}
  --json             machine-readable output`;

export const HELP: Record<Command | 'main', string> = {
  main: `workspace-rag: index a folder and ask questions about it, with sources and citations.

Usage:
  workspace-rag index  [options]              index (or update the index of) a folder
  workspace-rag search "QUESTION" [options]   show the passages that answer a question
  workspace-rag ask    "QUESTION" [options]   stream an answer with citations
  workspace-rag summarize PATH [options]      stream a summary of a long file, its parts citing their lines
  workspace-rag mcp    [options]              serve the index to agents over MCP (stdio)
  workspace-rag serve  [options]              serve answers, search and a web page over HTTP

Run 'workspace-rag COMMAND --help' for a command's options.`,
  index: `Usage: workspace-rag index [options]

Indexes the folder, re-reading only new and changed files.

  --events           with --json: one JSON line per file and stage as it happens
                     ({"type":"file_stage","path","stage":"read|chunked|embedded|stored","chunks","ms"},
                     {"type":"file_error","path","reason"}), then {"type":"done", ...the summary}
${EMBEDDING_HELP}
${SHARED_HELP}`,
  search: `Usage: workspace-rag search "QUESTION" [options]

Prints the passages that best answer the question, best first. Indexes first if needed.

  --k N              number of passages (default 8)
${EMBEDDING_HELP}
${SHARED_HELP}`,
  ask: `Usage: workspace-rag ask "QUESTION" [options]

Streams an answer: the sources first, then the answer with [n] citations, then the sources it cited.
With --json, prints every event of the stream as one JSON object per line.

${ANSWER_HELP}
  --k N              passages retrieved (default 8)
${EMBEDDING_HELP}
${SHARED_HELP}

auto uses Ollama if it runs and has the model, else OpenAI if OPENAI_API_KEY or a base URL is set,
else answers offline by quoting the most relevant lines. The provider and model are shown on stderr.
Environment: OPENAI_API_KEY, OPENAI_BASE_URL, OLLAMA_HOST.

Exit code 1 when the answer ended in an error, 2 for a usage error, 130 when interrupted.`,
  summarize: `Usage: workspace-rag summarize PATH [options]

Streams a summary of one file of the folder (a log, a generated API, a long spec): the file is cut into
windows that fit the model's context, with overlap, and each is summarised with the summary so far. Each
part cites its lines as [n]; the sources are listed at the end. Offline, the summary is the file's outline
and its most informative lines. With --json, prints every event as one JSON object per line.

${ANSWER_HELP}
${SHARED_HELP}

Exit code 1 when the summary ended in an error (a path outside the folder, a failing model), 2 for a
usage error, 130 when interrupted.`,
  mcp: `Usage: workspace-rag mcp [options]

Runs a Model Context Protocol server on stdin/stdout for agents (Claude Code, Cursor, VS Code).
Tools: search (passages with path, lines, score, text), index_status, reindex, summarize. The cached index opens
at once, is brought up to date in the background and kept fresh by watching the folder.
Only protocol messages go to stdout; logs go to stderr.

${EMBEDDING_HELP}
${FOLDER_HELP}`,
  serve: `Usage: workspace-rag serve [options]

Serves the index over HTTP: POST /v1/ask (the answer as Server-Sent Events), POST /v1/summarize
(a file's summary, the same way), POST /v1/search,
POST /v1/index (progress as Server-Sent Events), GET /v1/health, and the ask page at /.
The index is brought up to date in the background and kept fresh by watching the folder.

${SERVE_HELP}
${ANSWER_HELP}
  --k N              passages retrieved (default 8)
${EMBEDDING_HELP}
${FOLDER_HELP}`,
};
