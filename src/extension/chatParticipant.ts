import * as vscode from 'vscode';
import type { SourceEvent } from '../protocol/events';
import type { Turn } from '../engine/prompt';
import type { AnswerService } from './answerService';
import { CitationLinker } from './citationLinks';
import type { IndexManager } from './indexManager';
import { resolveWorkspaceFile } from './openSource';
import { actionsFor } from '../protocol/webview';

export const PARTICIPANT_ID = 'workspace-rag.rag';
export const OPEN_SOURCE_COMMAND = 'workspaceRag.openSource';

/** What `@rag` returns to VS Code for each request: enough for follow-ups and for tests. */
export interface RagChatResult extends vscode.ChatResult {
  metadata: {
    command: string | undefined;
    sources: { index: number; path: string; startLine: number; endLine: number }[];
    cited: number[];
    provider?: string;
    model?: string;
    error?: string;
  };
}

/** `@rag` in VS Code Chat: sources as references first, then the answer as it streams, citations as links. */
export function registerChatParticipant(context: vscode.ExtensionContext, answers: AnswerService, index: IndexManager): vscode.ChatParticipant {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, chatContext, stream, token) =>
    handle(request, chatContext, stream, token, answers, index));
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.svg');
  participant.followupProvider = {
    provideFollowups(result: RagChatResult) {
      const followups: vscode.ChatFollowup[] = [];
      const top = result.metadata?.sources?.[0];
      if (top) followups.push({ prompt: `What else in ${top.path} should I know about?`, label: `More about ${top.path}` });
      if (result.metadata?.command !== 'search') followups.push({ prompt: 'Which files are involved?', command: 'search', label: 'Show the sources only' });
      return followups;
    },
  };
  context.subscriptions.push(participant);
  return participant;
}

async function handle(request: vscode.ChatRequest, chatContext: vscode.ChatContext, stream: vscode.ChatResponseStream,
  token: vscode.CancellationToken, answers: AnswerService, index: IndexManager): Promise<RagChatResult> {
  const controller = new AbortController();
  const cancellation = token.onCancellationRequested(() => controller.abort());
  const result: RagChatResult = { metadata: { command: request.command, sources: [], cited: [] } };
  try {
    if (request.command === 'reindex') {
      stream.progress('Reindexing the workspace…');
      const summaries = await index.reindex({ visible: true });
      const files = summaries.reduce((n, s) => n + s.files, 0);
      const chunks = summaries.reduce((n, s) => n + s.chunks, 0);
      stream.markdown(`Indexed ${files.toLocaleString()} files (${chunks.toLocaleString()} chunks).`);
      return result;
    }
    if (request.command === 'search') {
      stream.progress('Searching the workspace…');
      const sources = await index.search(request.prompt, { k: answers.sourceCount, signal: controller.signal });
      if (sources.length === 0) stream.markdown('No matching passages in the index.');
      for (const [i, source] of sources.entries()) {
        const location = await locationOf(source.path, source.startLine, source.endLine);
        if (location) stream.reference(location);
        stream.markdown(`${i + 1}. \`${source.path}:${source.startLine}-${source.endLine}\`\n`);
        result.metadata.sources.push({ index: i + 1, path: source.path, startLine: source.startLine, endLine: source.endLine });
      }
      return result;
    }

    stream.progress('Searching the workspace…');
    const sources = new Map<number, SourceEvent>();
    const linker = new CitationLinker((n) => {
      const source = sources.get(n);
      if (!source) return undefined;
      const args = encodeURIComponent(JSON.stringify([source.path, source.startLine, source.endLine]));
      return `[[${n}]](command:${OPEN_SOURCE_COMMAND}?${args} "${source.path}:${source.startLine}-${source.endLine}")`;
    });
    const markdown = (text: string) => {
      if (!text) return;
      const md = new vscode.MarkdownString(text);
      md.isTrusted = { enabledCommands: [OPEN_SOURCE_COMMAND] };
      stream.markdown(md);
    };
    for await (const event of answers.ask(request.prompt, { signal: controller.signal, history: historyOf(chatContext), chatModel: request.model })) {
      switch (event.type) {
        case 'source': {
          sources.set(event.index, event);
          result.metadata.sources.push({ index: event.index, path: event.path, startLine: event.startLine, endLine: event.endLine });
          const location = await locationOf(event.path, event.startLine, event.endLine);
          if (location) stream.reference(location);
          break;
        }
        case 'generation_start':
          result.metadata.provider = event.provider;
          result.metadata.model = event.model;
          stream.progress(`Answering with ${event.provider} · ${event.model}…`);
          break;
        case 'token':
          markdown(linker.push(event.text));
          break;
        case 'generation_done':
          markdown(linker.flush());
          result.metadata.cited = event.cited;
          break;
        case 'error':
          markdown(linker.flush());
          if (event.code === 'cancelled') break;
          result.metadata.error = event.code;
          stream.markdown(`\n\n**${event.stage === 'generation' ? 'The model failed' : 'Search failed'}:** ${event.message}`);
          for (const action of actionsFor(event)) stream.button({ command: action.command, title: action.label });
          return result;
        default:
          break;
      }
    }
    return result;
  } finally {
    cancellation.dispose();
  }
}

async function locationOf(path: string, startLine: number, endLine: number): Promise<vscode.Location | undefined> {
  const uri = await resolveWorkspaceFile(path);
  return uri ? new vscode.Location(uri, new vscode.Range(startLine - 1, 0, Math.max(startLine, endLine) - 1, 0)) : undefined;
}

/** Earlier `@rag` questions and answers of this chat, for follow-up questions. */
function historyOf(chatContext: vscode.ChatContext): Turn[] {
  const turns: Turn[] = [];
  let question: string | undefined;
  for (const entry of chatContext.history) {
    if (entry instanceof vscode.ChatRequestTurn) {
      question = entry.participant === PARTICIPANT_ID ? entry.prompt : undefined;
    } else if (entry instanceof vscode.ChatResponseTurn && question !== undefined && entry.participant === PARTICIPANT_ID) {
      const answer = entry.response
        .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
        .join('');
      turns.push({ question, answer });
      question = undefined;
    }
  }
  return turns;
}
