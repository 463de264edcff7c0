import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { IndexSummary } from '../protocol/indexing';
import { CancelledError } from '../engine/errors';
import { sourceSnippets } from '../engine/passages/snippet';
import { AnswerSession } from '../engine/session/answerSession';
import { divertStdout } from './mcp/stdoutGuard';
import { HELP, UsageError, parseCommandLine, type ParsedCommand } from './args';
import { defaultIndexDir } from './paths';
import { progressLine } from './progress';
import { embedderConfig, providerSettings } from './providerOptions';
import { AnswerPrinter } from './render';
import { SummaryPrinter } from './summaryPrinter';
import { snippetLines } from './snippetLines';
import { formatCount, formatMs, styler } from './terminal';

/** Exit codes: 0 success, 1 failure (including an answer that ended in an error), 2 usage, 130 interrupted. */
const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** How a user of the command line gets written answers, for the offline answer's first line. */
const OFFLINE_HINT = 'For written answers, run Ollama (`ollama serve`) or set `OPENAI_API_KEY`.';

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    return usageFailure(err);
  }
  if (parsed.command === undefined) {
    process.stdout.write(HELP.main + '\n');
    return EXIT.ok;
  }
  if (parsed.help) {
    process.stdout.write(HELP[parsed.command] + '\n');
    return EXIT.ok;
  }
  if (parsed.command === 'mcp') divertStdout(); // from here on, stdout carries only the protocol
  try {
    const workspace = await resolveWorkspace(parsed);
    const indexDir = path.resolve(parsed.indexDir ?? defaultIndexDir(workspace));
    switch (parsed.command) {
      case 'index':
        return await runIndex(parsed, workspace, indexDir);
      case 'search':
        return await runSearch(parsed, workspace, indexDir);
      case 'ask':
        return await runAsk(parsed, workspace, indexDir);
      case 'summarize':
        return await runSummarize(parsed, workspace, indexDir);
      // The servers' libraries (the MCP SDK, zod, the watcher) load only for the commands that use them.
      case 'mcp':
        return await (await import('./mcp/runMcp')).runMcp(openSession(parsed, workspace, indexDir), { workspace, indexDir });
      case 'serve':
        return await (await import('./serve/runServe')).runServe(openSession(parsed, workspace, indexDir), parsed.serve!, { workspace, indexDir });
    }
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(err);
    if (err instanceof CancelledError) return EXIT.interrupted;
    process.stderr.write(`workspace-rag: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failed;
  }
}

function usageFailure(err: unknown): number {
  const usage = err instanceof UsageError ? err : new UsageError(String(err));
  const hint = usage.command ? ` (see 'workspace-rag ${usage.command} --help')` : " (see 'workspace-rag --help')";
  process.stderr.write(`workspace-rag: ${usage.message}${hint}\n`);
  return EXIT.usage;
}

async function resolveWorkspace(parsed: ParsedCommand): Promise<string> {
  const workspace = path.resolve(parsed.workspace ?? process.cwd());
  const stat = await fs.stat(workspace).catch(() => undefined);
  if (!stat) throw new UsageError(`the folder '${parsed.workspace ?? workspace}' does not exist`, parsed.command);
  if (!stat.isDirectory()) throw new UsageError(`'${parsed.workspace ?? workspace}' is not a folder`, parsed.command);
  return workspace;
}

/** The answer session for one command: this folder, its index in the cache, the flags and the environment. */
function openSession(parsed: ParsedCommand, workspace: string, indexDir: string): AnswerSession {
  return new AnswerSession({
    folders: [{ name: path.basename(workspace), root: workspace, indexDir }],
    index: { embedder: embedderConfig(parsed.providers, process.env), memoryLimitMb: parsed.memoryLimitMb },
    providers: providerSettings(parsed.providers, process.env),
    k: parsed.k,
    offlineHint: OFFLINE_HINT,
    log: { info: () => undefined, warn: (message) => process.stderr.write(`workspace-rag: ${message}\n`) },
  });
}

/** Brings the index up to date with a progress line on a terminal, then runs `use` and closes the session. */
async function withFreshIndex<T>(session: AnswerSession, use: (summary: IndexSummary) => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    const progress = progressLine(process.stderr);
    let summaries: IndexSummary[];
    try {
      summaries = await session.reindex({ signal, onProgress: progress.update });
    } finally {
      progress.clear();
    }
    return await use(summaries[0]);
  } finally {
    await session.close();
  }
}

async function runIndex(parsed: ParsedCommand, workspace: string, indexDir: string): Promise<number> {
  const session = openSession(parsed, workspace, indexDir);
  if (parsed.events) session.onFileEvent((event) => process.stdout.write(JSON.stringify(event) + '\n'));
  const summary = await withFreshIndex(session, async (s) => s);
  if (parsed.events) {
    process.stdout.write(JSON.stringify({ type: 'done', ...summary }) + '\n');
    return EXIT.ok;
  }
  if (parsed.json) {
    process.stdout.write(JSON.stringify(summary) + '\n');
    return EXIT.ok;
  }
  const s = summary.skipped;
  process.stdout.write(
    `Indexed ${formatCount(summary.files)} files, ${formatCount(summary.chunks)} chunks in ${formatMs(summary.ms)} `
    + `(${formatCount(summary.indexedFiles)} new or changed, ${formatCount(summary.removedFiles)} removed).\n`
    + `Skipped: ${s.ignored} ignored, ${s.secret} secret, ${s.binary} binary, ${s.tooLarge} too large, ${s.minified} minified, ${s.unreadable} unreadable.\n`
    + (summary.redacted > 0 ? `Redacted ${formatCount(summary.redacted)} secret values in the indexed text.\n` : '')
    + `Index: ${indexDir}\n`,
  );
  return EXIT.ok;
}

async function runSearch(parsed: ParsedCommand, workspace: string, indexDir: string): Promise<number> {
  const session = openSession(parsed, workspace, indexDir);
  const results = await withFreshIndex(session, () => session.search(parsed.question!));
  if (parsed.json) {
    const rows = results.map(({ path: p, startLine, endLine, score }) => ({ path: p, startLine, endLine, score: round(score) }));
    process.stdout.write(JSON.stringify(rows) + '\n');
    return EXIT.ok;
  }
  const style = styler(process.stdout);
  if (results.length === 0) process.stdout.write('No matching passages.\n');
  const snippets = sourceSnippets(parsed.question!, results);
  results.forEach((source, i) => {
    process.stdout.write(`${style.cyan(`${i + 1}.`)} ${source.path}:${source.startLine}-${source.endLine}  ${style.dim(round(source.score).toString())}\n`);
    for (const line of snippetLines(snippets[i].snippet, snippets[i].snippetMatches, style)) process.stdout.write(`   ${line}\n`);
  });
  return EXIT.ok;
}

async function runAsk(parsed: ParsedCommand, workspace: string, indexDir: string): Promise<number> {
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  try {
    const session = openSession(parsed, workspace, indexDir);
    // The provider check (auto: at most 1.5 s, then remembered for the question) runs while the index is brought up to date.
    const choosing = session.whoAnswers(controller.signal);
    choosing.catch(() => undefined);
    return await withFreshIndex(session, async () => {
      const printer = new AnswerPrinter(process.stdout, process.stderr, styler(process.stdout));
      const choice = await choosing.catch(() => undefined);
      if (!parsed.json && choice?.provider === 'offline') printer.notes(choice.notes);
      let outcome: number = EXIT.failed;
      for await (const event of session.ask(parsed.question!, { signal: controller.signal })) {
        if (parsed.json) process.stdout.write(JSON.stringify(event) + '\n');
        else printer.print(event);
        if (event.type === 'generation_done') outcome = EXIT.ok;
        if (event.type === 'error') outcome = event.code === 'cancelled' ? EXIT.interrupted : EXIT.failed;
      }
      return outcome;
    }, controller.signal);
  } finally {
    process.removeListener('SIGINT', interrupt);
  }
}

/** A summary needs no index: the file is read as it is now. */
async function runSummarize(parsed: ParsedCommand, workspace: string, indexDir: string): Promise<number> {
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  const session = openSession(parsed, workspace, indexDir);
  try {
    const printer = new SummaryPrinter(process.stdout, process.stderr, styler(process.stdout));
    let outcome: number = EXIT.failed;
    for await (const event of session.summarize(parsed.question!, { signal: controller.signal })) {
      if (parsed.json) process.stdout.write(JSON.stringify(event) + '\n');
      else printer.print(event);
      if (event.type === 'summary_done') outcome = EXIT.ok;
      if (event.type === 'error') outcome = event.code === 'cancelled' ? EXIT.interrupted : EXIT.failed;
    }
    return outcome;
  } finally {
    process.removeListener('SIGINT', interrupt);
    await session.close();
  }
}

function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
