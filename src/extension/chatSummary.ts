import * as vscode from 'vscode';
import type { AnswerSession } from '../engine/session/answerSession';
import type { SourceEvent } from '../protocol/events';
import { actionsFor } from '../protocol/errorCodes';
import { commandFor } from './actions';
import { sourceLinkWriter } from './chatAnswer';
import { summaryTarget } from './summaryTarget';
import { VsCodeChatModel } from './vscodeChatModel';

/** What `/summarize` records in the chat result: the file, its cited line ranges and the summary's text. */
export interface SummaryResult {
  path?: string;
  sources: { index: number; path: string; startLine: number; endLine: number }[];
  answer: string;
  provider?: string;
  model?: string;
  error?: string;
}

/**
 * `@rag /summarize [PATH]`: the file named in the request (a path, or a `#file` reference), else the active
 * editor's, summarised window by window with progress, each part's `[n]` a link to its lines.
 */
export async function summarizeInChat(request: vscode.ChatRequest, stream: vscode.ChatResponseStream, signal: AbortSignal,
  session: AnswerSession, openCommand: string): Promise<SummaryResult> {
  const result: SummaryResult = { sources: [], answer: '' };
  const referenced = request.references.map((r) => r.value).find((v): v is vscode.Uri => v instanceof vscode.Uri);
  const named = request.prompt.trim().replace(/^["'`]|["'`]$/g, '');
  const target = summaryTarget(referenced ?? (named || undefined));
  if (!target) {
    stream.markdown('Open a file, or name one: `@rag /summarize docs/spec.md`.');
    return result;
  }
  stream.progress(`Reading ${target.label}…`);
  const sources = new Map<number, SourceEvent>();
  const writer = sourceLinkWriter(sources, openCommand);
  for await (const event of session.summarize(target.path, { signal, model: new VsCodeChatModel(request.model) })) {
    switch (event.type) {
      case 'summary_start':
        result.path = event.path;
        result.provider = event.provider;
        result.model = event.model;
        break;
      case 'summary_progress':
        // Only until the text starts: VS Code's Chat folds text written between progress messages into a
        // collapsed list of steps, which would hide every part of the summary but the last.
        if (!writer.text) stream.progress(`Summarising ${result.path}: ${event.windows} windows…`);
        break;
      case 'source':
        sources.set(event.index, event);
        result.sources.push({ index: event.index, path: event.path, startLine: event.startLine, endLine: event.endLine });
        break;
      case 'citation':
        writer.citation(event);
        break;
      case 'token': {
        const md = new vscode.MarkdownString(writer.token(event.text));
        md.isTrusted = { enabledCommands: [openCommand] };
        stream.markdown(md);
        break;
      }
      case 'error':
        if (event.code === 'cancelled') break;
        result.error = event.code;
        stream.markdown(`\n\n**The summary failed:** ${event.message}`);
        for (const action of actionsFor(event.code)) stream.button({ title: action.label, ...commandFor(action) });
        break;
      default:
        break;
    }
  }
  result.answer = writer.text;
  return result;
}
