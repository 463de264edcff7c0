import * as vscode from 'vscode';
import { sourceSnippets } from '../engine/passages/snippet';
import type { AnswerSession } from '../engine/session/answerSession';
import type { Turn } from '../engine/prompt';
import type { SourceCardData } from '../protocol/events';
import { actionsFor } from '../protocol/errorCodes';
import { commandFor } from './actions';
import { sourceLinkWriter } from './chatAnswer';
import { summarizeInChat } from './chatSummary';
import { reindex } from './indexJobs';
import { resolveWorkspaceFile } from './openSource';
import { snippetMarkdown } from './snippetMarkdown';
import { VsCodeChatModel } from './vscodeChatModel';

export const PARTICIPANT_ID = 'workspace-rag.rag';
export const OPEN_SOURCE_COMMAND = 'workspaceRag.openSource';

/** What `@rag` returns to VS Code for each request: enough for follow-ups and for tests. */
export interface RagChatResult extends vscode.ChatResult {
  metadata: {
    command: string | undefined;
    sources: { index: number; path: string; startLine: number; endLine: number }[];
    cited: number[];
    /** The answer as plain text: the history of follow-up questions, never the rendered Markdown. */
    answer: string;
    provider?: string;
    model?: string;
    error?: string;
  };
}

/** `@rag` in VS Code Chat: sources as references first, then the answer as it streams, citations as links. */
export function registerChatParticipant(context: vscode.ExtensionContext, session: AnswerSession): vscode.ChatParticipant {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, chatContext, stream, token) =>
    handle(request, chatContext, stream, token, session));
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
  participant.followupProvider = {
    provideFollowups(result: RagChatResult) {
      const followups: vscode.ChatFollowup[] = [];
      const top = result.metadata?.sources?.[0];
      if (top) followups.push({ prompt: `What else in ${top.path} should I know about?`, label: `More about ${top.path}` });
      if (result.metadata?.command !== 'search' && result.metadata?.command !== 'summarize') followups.push({ prompt: 'Which files are involved?', command: 'search', label: 'Show the sources only' });
      return followups;
    },
  };
  context.subscriptions.push(participant);
  return participant;
}

async function handle(request: vscode.ChatRequest, chatContext: vscode.ChatContext, stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken, session: AnswerSession): Promise<RagChatResult> {
  const controller = new AbortController();
  const cancellation = token.onCancellationRequested(() => controller.abort());
  const result: RagChatResult = { metadata: { command: request.command, sources: [], cited: [], answer: '' } };
  try {
    if (request.command === 'reindex') {
      stream.progress('Reindexing the workspace…');
      const summaries = await reindex(session, true);
      const files = summaries.reduce((n, s) => n + s.files, 0);
      const chunks = summaries.reduce((n, s) => n + s.chunks, 0);
      stream.markdown(`Indexed ${files.toLocaleString()} files (${chunks.toLocaleString()} chunks).`);
      return result;
    }
    if (request.command === 'summarize') {
      const summary = await summarizeInChat(request, stream, controller.signal, session, OPEN_SOURCE_COMMAND);
      result.metadata = { ...result.metadata, ...summary, cited: summary.sources.map((s) => s.index) };
      return result;
    }
    if (request.command === 'search') {
      stream.progress('Searching the workspace…');
      const sources = await session.search(request.prompt, { signal: controller.signal });
      if (sources.length === 0) stream.markdown('No matching passages in the index.');
      const snippets = sourceSnippets(request.prompt, sources);
      for (const [i, source] of sources.entries()) {
        await reference(stream, source);
        const lines = snippetMarkdown(snippets[i].snippet, snippets[i].snippetMatches).map((line) => `   > ${line}\n`).join('');
        stream.markdown(`${i + 1}. \`${source.path}:${source.startLine}-${source.endLine}\`\n${lines}`);
        result.metadata.sources.push({ index: i + 1, path: source.path, startLine: source.startLine, endLine: source.endLine });
      }
      return result;
    }

    stream.progress('Searching the workspace…');
    const sources = new Map<number, SourceCardData>();
    const writer = sourceLinkWriter(sources, OPEN_SOURCE_COMMAND);
    const history = historyOf(chatContext);
    for await (const event of session.ask(request.prompt, { signal: controller.signal, history, model: new VsCodeChatModel(request.model) })) {
      switch (event.type) {
        case 'source':
          sources.set(event.index, event);
          result.metadata.sources.push({ index: event.index, path: event.path, startLine: event.startLine, endLine: event.endLine });
          await reference(stream, event);
          break;
        case 'context_update':
          // The model searched again: add its passages to the references, numbered on. Said as progress only
          // before the answer starts: a progress part after text makes Chat fold that text into its steps.
          if (!writer.text) stream.progress(`Searched again for "${event.query}": ${event.sources.length === 0 ? 'nothing new' : `${event.sources.length} more source${event.sources.length === 1 ? '' : 's'}`}`);
          for (const source of event.sources) {
            sources.set(source.index, source);
            result.metadata.sources.push({ index: source.index, path: source.path, startLine: source.startLine, endLine: source.endLine });
            await reference(stream, source);
          }
          break;
        case 'generation_start':
          result.metadata.provider = event.provider;
          result.metadata.model = event.model;
          stream.progress(`Answering with ${event.provider} · ${event.model}…`);
          break;
        case 'citation':
          writer.citation(event);
          break;
        case 'token': {
          const md = new vscode.MarkdownString(writer.token(event.text));
          md.isTrusted = { enabledCommands: [OPEN_SOURCE_COMMAND] };
          stream.markdown(md);
          break;
        }
        case 'generation_done':
          result.metadata.cited = event.cited;
          break;
        case 'error':
          if (event.code === 'cancelled') break;
          result.metadata.error = event.code;
          stream.markdown(`\n\n**${event.stage === 'generation' ? 'The model failed' : event.stage === 'indexing' ? 'Indexing failed' : 'Search failed'}:** ${event.message}`);
          for (const action of actionsFor(event.code)) stream.button({ title: action.label, ...commandFor(action) });
          break;
        default:
          break;
      }
    }
    result.metadata.answer = writer.text;
    return result;
  } finally {
    cancellation.dispose();
  }
}

async function reference(stream: vscode.ChatResponseStream, source: { path: string; startLine: number; endLine: number }): Promise<void> {
  const uri = await resolveWorkspaceFile(source.path);
  if (uri) stream.reference(new vscode.Location(uri, new vscode.Range(source.startLine - 1, 0, Math.max(source.startLine, source.endLine) - 1, 0)));
}

/** Earlier `@rag` questions and answers of this chat, as the plain text each answer recorded. */
function historyOf(chatContext: vscode.ChatContext): Turn[] {
  const turns: Turn[] = [];
  for (const entry of chatContext.history) {
    if (!(entry instanceof vscode.ChatResponseTurn) || entry.participant !== PARTICIPANT_ID) continue;
    const metadata = (entry.result as Partial<RagChatResult>).metadata;
    if (metadata?.answer && !metadata.error) turns.push({ question: promptOf(chatContext, entry), answer: metadata.answer });
  }
  return turns;
}

/** The question of a response turn: the request turn just before it. */
function promptOf(chatContext: vscode.ChatContext, response: vscode.ChatResponseTurn): string {
  const at = chatContext.history.indexOf(response);
  const request = chatContext.history[at - 1];
  return request instanceof vscode.ChatRequestTurn ? request.prompt : '';
}
