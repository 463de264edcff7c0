import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { DEFAULT_SOURCES } from '../../engine/indexing/searchIndex';
import { MAX_SOURCES, type AnswerSession } from '../../engine/session/answerSession';
import { SEARCH_INDEX_WAIT_MS, partialIndexNotice, waitForIndex } from '../../engine/session/waitForIndex';
import { formatPassages } from '../../engine/passages/agentPassages';
import type { IndexProgress } from '../../protocol/indexing';
import { describeProgress } from '../../protocol/webview';
import { failureText, passageView, statusView } from '../surfaceViews';
import { registerSummarizeTool } from './summarizeTool';

const passage = z.object({
  path: z.string().describe('File path relative to the workspace folder'),
  startLine: z.number().int().describe('First line of the passage, 1-based'),
  endLine: z.number().int().describe('Last line of the passage, inclusive'),
  score: z.number().describe('Relevance: higher is better (fused keyword and vector ranking)'),
  text: z.string().describe('The passage itself'),
});

const progress = z.object({ phase: z.string(), filesDone: z.number(), filesTotal: z.number(), chunks: z.number() });

/**
 * The MCP face of an answer session: `search`, `index_status`, `reindex` and `summarize`. Failures are tool errors
 * (`isError`) whose text says what to do, never protocol errors an agent cannot read.
 */
export function createMcpServer(session: AnswerSession, options: { version: string; indexWaitMs?: number }): McpServer {
  const server = new McpServer({ name: 'workspace-rag', title: 'Workspace RAG', version: options.version });

  server.registerTool('search', {
    title: 'Search the workspace',
    description: 'Finds the passages of this workspace\'s code and documentation that best answer a question, using a local index '
      + '(keyword and vector ranking, fused). Returns each passage\'s file path, line range, score and text, best first. '
      + 'Use it before answering questions about how this codebase works, where something is defined, configured or explained, '
      + 'or which files to change. Ask in natural language or with identifiers. Not for listing files or exact-text grep.',
    inputSchema: {
      query: z.string().trim().min(1, 'query must not be empty').describe('What to find, e.g. "how are sessions expired?" or "retry backoff for HTTP requests"'),
      k: z.number().int().min(1).max(MAX_SOURCES).optional().describe(`Number of passages to return (default ${DEFAULT_SOURCES}, at most ${MAX_SOURCES})`),
      paths: z.array(z.string().min(1)).optional().describe('Only search files matching these globs, relative to the workspace, e.g. ["src/**", "*.md"]'),
    },
    outputSchema: {
      query: z.string(),
      results: z.array(passage),
      indexComplete: z.boolean().describe('False while the index is still being built: the results come from the files indexed so far'),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ query, k, paths }, extra) => attempt(async () => {
    const wait = await waitForIndex(session, { maxMs: options.indexWaitMs ?? SEARCH_INDEX_WAIT_MS, signal: extra.signal });
    const sources = await session.search(query, { k: k ?? DEFAULT_SOURCES, filter: paths?.length ? { paths } : undefined, signal: extra.signal });
    const results = sources.map(passageView);
    const notice = partialIndexNotice(wait);
    const body = results.length > 0 ? formatPassages(sources).text : `No passages match "${query}"${paths?.length ? ` in ${paths.join(', ')}` : ''}.`;
    return {
      content: [{ type: 'text', text: notice ? `${notice}\n\n${body}` : body }],
      structuredContent: { query, results, indexComplete: wait.complete },
    };
  }));

  server.registerTool('index_status', {
    title: 'Index status',
    description: 'Tells what the workspace index holds (files, chunks, last update per folder), whether it is being updated now and '
      + 'how far along, and its last failure. Use it when search results look stale or empty.',
    outputSchema: {
      files: z.number(),
      chunks: z.number(),
      lastUpdated: z.string().nullable().describe('ISO time of the last save'),
      indexing: z.boolean(),
      progress: progress.nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
      warnings: z.array(z.string()),
      folders: z.array(z.object({ name: z.string(), root: z.string(), files: z.number(), chunks: z.number(), lastUpdated: z.string().nullable() })),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async () => attempt(async () => {
    const view = statusView(session.state);
    const lines = [
      `${view.files.toLocaleString('en-US')} files, ${view.chunks.toLocaleString('en-US')} chunks${view.lastUpdated ? `, updated ${view.lastUpdated}` : ', never saved'}.`,
      session.state.progress ? `Updating now: ${describeProgress(session.state.progress)}.` : view.indexing ? 'Updating now.' : 'Up to date with the last sync.',
      ...(view.error ? [`Last failure: ${view.error.message}`] : []),
      ...view.warnings.map((w) => `Warning: ${w}`),
    ];
    return { content: [{ type: 'text', text: lines.join('\n') }], structuredContent: { ...view } };
  }));

  server.registerTool('reindex', {
    title: 'Reindex the workspace',
    description: 'Brings the workspace index up to date now (only new and changed files are read) and returns what it did. '
      + 'The server already keeps the index fresh by watching the folder; call this after large changes it may have missed, '
      + 'or when index_status reports a failure. Sends progress notifications when the request has a progress token.',
    outputSchema: { files: z.number(), chunks: z.number(), indexedFiles: z.number(), removedFiles: z.number(), ms: z.number() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async (extra) => attempt(async () => {
    const token = extra._meta?.progressToken;
    let sent = -1;
    const notifications: Promise<void>[] = [];
    const summaries = await session.reindex({
      signal: extra.signal,
      onProgress: token === undefined ? undefined : (p) => {
        // The result says the job is done. A last notification sent just before it can reach the SDK's client
        // in the same read and be handled after the result, which it reports as an error (typescript-sdk#2580).
        if (p.phase === 'done') return;
        const step = progressStep(p);
        if (step.progress <= sent) return; // MCP: each notification's progress must be larger than the last
        sent = step.progress;
        notifications.push(extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...step, message: describeProgress(p) } }).catch(() => undefined));
      },
    });
    await Promise.all(notifications); // the client forgets the token with the result: progress must arrive before it
    const total = {
      files: sum(summaries.map((s) => s.files)), chunks: sum(summaries.map((s) => s.chunks)),
      indexedFiles: sum(summaries.map((s) => s.indexedFiles)), removedFiles: sum(summaries.map((s) => s.removedFiles)), ms: Math.round(sum(summaries.map((s) => s.ms))),
    };
    const text = `Indexed ${total.files.toLocaleString('en-US')} files, ${total.chunks.toLocaleString('en-US')} chunks in ${total.ms} ms `
      + `(${total.indexedFiles} new or changed, ${total.removedFiles} removed).`;
    return { content: [{ type: 'text', text }], structuredContent: total };
  }));

  registerSummarizeTool(server, session);
  return server;
}

/** Runs a tool's body; a failure becomes a tool error whose text says what happened and what to do. */
async function attempt(body: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await body();
  } catch (err) {
    return { isError: true, content: [{ type: 'text', text: failureText(err, 'Call the reindex tool to try again.') }] };
  }
}

/** A job's progress as one growing number: a step for scanning, one per file, one for saving (the result is the last). */
function progressStep(p: IndexProgress): { progress: number; total?: number } {
  const total = p.filesTotal + 3;
  switch (p.phase) {
    case 'waiting': case 'scanning': return { progress: 0 };
    case 'indexing': return { progress: 1 + p.filesDone, total };
    default: return { progress: p.filesTotal + 2, total };
  }
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
