import type { Source } from '../protocol/events';
import { raceDeadline } from './deadline';
import { RagError, isAbortError, describeError } from './errors';
import { aboveFloor, packSources } from './prompt';
import type { ChatMessage, Retriever, ToolCall, ToolCallingLlm, ToolSpec } from './strategies';
import type { StreamConfig } from './streamConfig';

/**
 * Progressive context (seed 003 §4, with 004's agent stream): the answer starts from the first wave of
 * sources, and a model that can call tools may ask for more passages with a `search` tool, a few
 * times, within a bound of time and tokens. Each search that finds passages is a further wave, numbered
 * after the sources already shown so the citations already written keep their meaning.
 */

export const SEARCH_TOOL: ToolSpec = {
  name: 'search',
  description: 'Searches the user\'s workspace (code and documents) for more passages. Call it only when the numbered '
    + 'sources do not answer the question. It returns further numbered sources; cite them by their numbers like the others.',
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', description: 'What to look for: words, identifiers or a short question.' } },
    required: ['query'],
  },
};

/** A wave of sources the model's search added: `sources[i]` is numbered `firstIndex + i`. */
export interface ContextWave {
  wave: number;
  query: string;
  firstIndex: number;
  sources: Source[];
}

export interface ProgressiveRequest {
  llm: ToolCallingLlm;
  /** The retriever's `searchMore`: passages for the model's query, leaving out those shown. */
  search: NonNullable<Retriever['searchMore']>;
  prompt: string;
  /** Every source shown so far, in citation order; each wave is appended to it. */
  sources: Source[];
  config: Readonly<StreamConfig>;
  signal: AbortSignal;
}

/** Below this many tokens of budget left, a search is refused rather than answered with a stub. */
const MIN_WAVE_TOKENS = 60;

/**
 * The answer's text, token by token, with a `ContextWave` between tokens each time the model's search
 * added sources. Without tool calls from the model this is one turn: the answer as without tools.
 */
export async function* progressiveAnswer(request: ProgressiveRequest): AsyncGenerator<string | ContextWave> {
  const { llm, config, signal } = request;
  const messages: ChatMessage[] = [{ role: 'user', content: request.prompt }];
  const searches = new SearchBudget(config);
  const tools = config.maxExtraSearches > 0 ? [SEARCH_TOOL] : undefined;
  let toolChoice: 'auto' | 'none' = tools ? 'auto' : 'none';
  let rounds = 0;
  for (;;) {
    const calls: ToolCall[] = [];
    let text = '';
    for await (const part of llm.astreamTurn(messages, { signal, tools, toolChoice })) {
      if (typeof part === 'string') {
        text += part;
        yield part;
      } else {
        calls.push(part);
      }
    }
    // A model that calls a tool when told not to has nothing more to say.
    if (calls.length === 0 || toolChoice === 'none') return;
    messages.push({ role: 'assistant', content: text, toolCalls: calls });
    let refused = false;
    for (const call of calls) {
      const outcome = await runCall(call, request, searches);
      if (outcome.wave) yield outcome.wave;
      refused ||= outcome.refused;
      messages.push({ role: 'tool', callId: call.id, name: call.name, content: outcome.content });
    }
    // After a refusal, or once malformed calls used up the rounds, the model answers with what it has.
    if (refused || ++rounds > config.maxExtraSearches) toolChoice = 'none';
  }
}

/** The bounds of the extra searches of one answer: how many, how long after the start, how many tokens. */
class SearchBudget {
  done = 0;
  tokensLeft: number;
  private readonly started = performance.now();

  constructor(private readonly config: Readonly<StreamConfig>) {
    this.tokensLeft = config.extraContextTokens;
  }

  /** Why one more search is refused, or undefined when it may run. */
  refusal(): string | undefined {
    const limit = this.config.maxExtraSearches;
    if (this.done >= limit) return `No more searches: the limit of ${limit} extra search${limit === 1 ? '' : 'es'} is reached.`;
    if (performance.now() - this.started > this.config.extraSearchTime) return 'No more searches: the time for searching is over.';
    if (this.tokensLeft < MIN_WAVE_TOKENS) return 'No more searches: the room for further sources is used up.';
    return undefined;
  }
}

interface CallOutcome {
  content: string;
  wave?: ContextWave;
  refused: boolean;
}

const ANSWER_NOW = 'Answer the question from the sources you have, citing them by their numbers.';

/** Runs one tool call; every problem becomes the tool's result for the model, never the answer's failure. */
async function runCall(call: ToolCall, request: ProgressiveRequest, budget: SearchBudget): Promise<CallOutcome> {
  if (call.name !== SEARCH_TOOL.name) return { content: `Error: there is no tool "${call.name}"; the only tool is "search".`, refused: false };
  const query = parseQuery(call.arguments);
  if (typeof query !== 'string') return { content: `Error: ${query.error} Call search with arguments like {"query": "session timeout"}.`, refused: false };
  const refusal = budget.refusal();
  if (refusal) return { content: `${refusal} ${ANSWER_NOW}`, refused: true };
  budget.done++;
  const { config, signal, sources } = request;
  let found: Source[];
  try {
    const work = request.search(query, { signal, exclude: [...sources] });
    found = await raceDeadline(work, config.retrievalTimeout, signal, () => new RagError('retrieval_timeout', 'The search took too long.'));
  } catch (err) {
    if (signal.aborted || isAbortError(err)) throw err;
    return { content: `Error: the search failed (${describeError(err)}). ${ANSWER_NOW}`, refused: false };
  }
  const firstIndex = sources.length + 1;
  // Like the first wave: passages far less relevant than the search's best would distract more than inform.
  const packed = packSources(aboveFloor(found, query).slice(0, config.extraSourcesPerSearch), firstIndex, budget.tokensLeft, config.maxDocChars);
  budget.tokensLeft -= packed.tokens;
  sources.push(...packed.sources);
  const wave: ContextWave = { wave: budget.done + 1, query, firstIndex, sources: packed.sources };
  const content = packed.blocks.length > 0
    ? `Sources ${firstIndex} to ${firstIndex + packed.blocks.length - 1}, for "${query}":\n\n${packed.blocks.join('\n\n')}`
    : `No further passages found for "${query}".`;
  return { content, wave, refused: false };
}

/** The `query` of a search call's JSON arguments, or why there is none. */
export function parseQuery(args: string): string | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    const shown = args.length > 80 ? `${args.slice(0, 80)}…` : args;
    return { error: `the arguments are not valid JSON: ${JSON.stringify(shown)}.` };
  }
  const query = (parsed as { query?: unknown } | null)?.query;
  if (typeof query !== 'string' || query.trim() === '') return { error: 'the arguments need a non-empty "query" string.' };
  return query.trim().slice(0, 500);
}
