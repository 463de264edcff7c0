import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AnswerSession } from '../../engine/session/answerSession';
import type { SourceEvent } from '../../protocol/events';

/**
 * The MCP `summarize` tool: the same summary as `workspace-rag summarize`, returned whole (MCP tools answer
 * once), with its numbered line ranges. Progress notifications say which window is being read.
 */
export function registerSummarizeTool(server: McpServer, session: AnswerSession): void {
  server.registerTool('summarize', {
    title: 'Summarize a file',
    description: 'Summarizes one file of this workspace, however long (a log, a generated API, a long spec): the file is read in '
      + 'windows, each summarized with the summary so far. Each part cites its line range as [n], listed in `sources`. '
      + 'Without a language model the summary is the file\'s outline and its most informative lines. Use it to get the gist of a file too long to read whole.',
    inputSchema: {
      path: z.string().trim().min(1, 'path must not be empty').describe('The file, relative to the workspace folder, e.g. "docs/spec.md" or "logs/app.log"'),
    },
    outputSchema: {
      path: z.string(),
      summary: z.string().describe('Markdown; [n] cites sources[n - 1]'),
      sources: z.array(z.object({ index: z.number(), startLine: z.number(), endLine: z.number() })),
      windows: z.number(),
      provider: z.string(),
      model: z.string(),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, async ({ path }, extra) => {
    const token = extra._meta?.progressToken;
    let summary = '';
    const sources: Pick<SourceEvent, 'index' | 'startLine' | 'endLine'>[] = [];
    let start: { path: string; windows: number; provider: string; model: string } | undefined;
    for await (const event of session.summarize(path, { signal: extra.signal })) {
      if (event.type === 'summary_start') start = event;
      else if (event.type === 'source') sources.push({ index: event.index, startLine: event.startLine, endLine: event.endLine });
      else if (event.type === 'token') summary += event.text;
      else if (event.type === 'summary_progress' && token !== undefined) {
        await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: event.window - 1, total: event.windows, message: `Window ${event.window} of ${event.windows}` } }).catch(() => undefined);
      } else if (event.type === 'error') {
        const sofar = summary ? `\n\nThe summary so far:\n\n${summary}` : '';
        return { isError: true, content: [{ type: 'text', text: `${event.message}${sofar}` }] };
      }
    }
    const result = { path: start?.path ?? path, summary, sources, windows: start?.windows ?? 0, provider: start?.provider ?? 'offline', model: start?.model ?? 'extractive' };
    return { content: [{ type: 'text', text: summary }], structuredContent: result };
  });
}
