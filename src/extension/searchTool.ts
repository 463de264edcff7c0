import * as vscode from 'vscode';
import { CancelledError } from '../engine/errors';
import { DEFAULT_PASSAGE_TOKENS, formatPassages } from '../engine/passages/agentPassages';
import { DEFAULT_SOURCES } from '../engine/indexing/searchIndex';
import { MAX_SOURCES, type AnswerSession } from '../engine/session/answerSession';
import { partialIndexNotice, waitForIndex, type IndexWait } from '../engine/session/waitForIndex';
import { describeProgress } from '../protocol/webview';

/** The tool's name, as package.json's `languageModelTools` declares it. */
export const SEARCH_TOOL_NAME = 'workspaceRag_search';

/**
 * Longest the tool waits for the index being built before answering from what is indexed: an agent's
 * turn should not stall, and a first index of a large workspace can take a minute.
 */
export const TOOL_INDEX_WAIT_MS = 15_000;

export interface SearchToolInput {
  query: string;
  k?: number;
  paths?: string[];
}

/**
 * `#ragSearch`: the index's passages for Copilot's agent, any participant and `vscode.lm.invokeTool`,
 * ranked exactly as `@rag`'s sources (the same session), within the caller's token budget.
 */
export class SearchTool implements vscode.LanguageModelTool<SearchToolInput> {
  constructor(private readonly session: AnswerSession) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<SearchToolInput>): vscode.PreparedToolInvocation {
    const where = options.input.paths?.length ? ` in ${options.input.paths.join(', ')}` : '';
    return { invocationMessage: `Searching the workspace index${where} for "${options.input.query}"` };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<SearchToolInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    const { query, paths } = options.input;
    if (typeof query !== 'string' || query.trim() === '') throw new Error('The query is empty: pass what to find, e.g. "where are sessions expired?".');
    const k = Math.min(MAX_SOURCES, Math.max(1, Math.floor(options.input.k ?? DEFAULT_SOURCES)));
    const controller = new AbortController();
    const cancellation = token.onCancellationRequested(() => controller.abort());
    try {
      const wait = await this.waitForIndex(controller.signal);
      const sources = await this.session.search(query.trim(), { k, filter: paths?.length ? { paths } : undefined, signal: controller.signal });
      const budget = Math.min(options.tokenizationOptions?.tokenBudget ?? DEFAULT_PASSAGE_TOKENS, DEFAULT_PASSAGE_TOKENS);
      const body = sources.length > 0 ? formatPassages(sources, budget).text
        : `No passages in the workspace index match "${query}"${paths?.length ? ` in ${paths.join(', ')}` : ''}.`;
      const notice = partialIndexNotice(wait);
      return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(notice ? `${notice}\n\n${body}` : body)]);
    } catch (err) {
      if (err instanceof CancelledError || token.isCancellationRequested) throw new vscode.CancellationError();
      throw err;
    } finally {
      cancellation.dispose();
    }
  }

  /** While the index is being built, waits for it (a bounded time) with progress in the status bar. */
  private async waitForIndex(signal: AbortSignal): Promise<IndexWait> {
    if (!this.session.indexing && !(await this.session.isEmpty())) return { complete: true, progress: undefined };
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Workspace RAG' }, (progress) =>
      waitForIndex(this.session, { maxMs: TOOL_INDEX_WAIT_MS, signal, onProgress: (p) => progress.report({ message: describeProgress(p) }) }));
  }
}

export function registerSearchTool(session: AnswerSession): vscode.Disposable {
  return vscode.lm.registerTool(SEARCH_TOOL_NAME, new SearchTool(session));
}
