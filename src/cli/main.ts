import type { EmbedderConfig, IndexSummary } from '../protocol/indexing';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import { IndexClient } from '../engine/indexing/worker/indexClient';

import { CancelledError } from '../engine/errors';
import { createWorkspaceRag } from '../engine/workspaceRag';
import { HELP, UsageError, parseCommandLine, type ParsedCommand } from './args';
import { defaultIndexDir } from './paths';
import { progressLine } from './progress';
import { createChatModel, embedderConfig } from './providerOptions';
import { AnswerPrinter } from './render';
import { formatCount, formatMs, styler } from './terminal';

/** Exit codes: 0 success, 1 failure (including an answer that ended in an error), 2 usage, 130 interrupted. */
const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

const OFFLINE_NOTICE = '_No language model is configured, so this answer quotes the most relevant lines of the workspace. '
  + 'For written answers, run Ollama (`ollama serve`) or set `OPENAI_API_KEY`._';

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

/**
 * Opens the index (on its own thread) and brings it up to date, with a progress line on a terminal, then
 * runs `use` and closes the index.
 */
async function withFreshIndex<T>(workspace: string, indexDir: string, embedder: EmbedderConfig, use: (index: IndexClient, summary: IndexSummary) => Promise<T>,
  signal?: AbortSignal): Promise<T> {
  const index = await IndexClient.open({ root: workspace, indexDir, embedder, onWarning: (message) => process.stderr.write(`workspace-rag: ${message}\n`) });
  try {
    const progress = progressLine(process.stderr);
    let summary: IndexSummary;
    try {
      summary = await index.sync({ signal, onProgress: progress.update });
    } finally {
      progress.clear();
    }
    return await use(index, summary);
  } finally {
    await index.close();
  }
}

async function runIndex(parsed: ParsedCommand, workspace: string, indexDir: string): Promise<number> {
  const summary = await withFreshIndex(workspace, indexDir, embedderConfig(parsed.providers, process.env), async (_, s) => s);
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
  const results = await withFreshIndex(workspace, indexDir, embedderConfig(parsed.providers, process.env),
    (index) => index.search(parsed.question!, { k: parsed.k ?? 8 }));
  if (parsed.json) {
    const rows = results.map(({ path: p, startLine, endLine, score }) => ({ path: p, startLine, endLine, score: round(score) }));
    process.stdout.write(JSON.stringify(rows) + '\n');
    return EXIT.ok;
  }
  const style = styler(process.stdout);
  if (results.length === 0) process.stdout.write('No matching passages.\n');
  results.forEach((source, i) => {
    const firstLine = source.text.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 100) ?? '';
    process.stdout.write(`${style.cyan(`${i + 1}.`)} ${source.path}:${source.startLine}-${source.endLine}  ${style.dim(round(source.score).toString())}\n`);
    process.stdout.write(`   ${style.dim(firstLine)}\n`);
  });
  return EXIT.ok;
}

async function runAsk(parsed: ParsedCommand, workspace: string, indexDir: string): Promise<number> {
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  try {
    // The provider check (auto: at most 1.5 s) runs while the index is brought up to date.
    const choosing = createChatModel(parsed.providers, process.env, { signal: controller.signal });
    choosing.catch(() => undefined);
    return await withFreshIndex(workspace, indexDir, embedderConfig(parsed.providers, process.env), async (index) => {
      const { llm, notes } = await choosing;
      const printer = new AnswerPrinter(process.stdout, process.stderr, styler(process.stdout));
      if (!parsed.json) printer.notes(notes);
      const rag = createWorkspaceRag({ index, llm, k: parsed.k ?? 8, offlineNotice: OFFLINE_NOTICE });
      let outcome: number = EXIT.failed;
      for await (const event of rag.events(parsed.question!, { signal: controller.signal })) {
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

function round(score: number): number {
  return Math.round(score * 10_000) / 10_000;
}
