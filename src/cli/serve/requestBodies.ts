import { MAX_SOURCES } from '../../engine/session/answerSession';
import type { AskRequest, SearchRequest, SummarizeRequest } from '../../protocol/httpApi';
import { PROVIDERS } from '../providerOptions';
import { HttpRefusal } from './requestGuards';

/** Longest question or query taken: a long paragraph; more is not a question. */
const MAX_QUESTION_CHARS = 4_000;
/** Earlier turns kept for the prompt: the prompt builder keeps only the last few anyway. */
const MAX_HISTORY_TURNS = 20;

const bad = (message: string) => new HttpRefusal(400, 'bad_request', message);

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('The body must be a JSON object.');
  return body as Record<string, unknown>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw bad(`"${name}" must be a non-empty string.`);
  if (value.length > MAX_QUESTION_CHARS) throw bad(`"${name}" is longer than ${MAX_QUESTION_CHARS} characters.`);
  return value.trim();
}

function optionalK(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SOURCES) throw bad(`"k" must be a whole number from 1 to ${MAX_SOURCES}.`);
  return value;
}

function optionalName(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw bad(`"${name}" must be a non-empty string.`);
  return value.trim();
}

/** The body of `POST /v1/ask`, checked. */
export function parseAsk(body: unknown): Required<Pick<AskRequest, 'question' | 'history'>> & Omit<AskRequest, 'question' | 'history'> {
  const o = object(body);
  const provider = optionalName(o.provider, 'provider');
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider)) throw bad(`"provider" must be one of ${PROVIDERS.join(', ')}.`);
  const history = o.history ?? [];
  if (!Array.isArray(history) || history.some((t) => typeof t?.question !== 'string' || typeof t?.answer !== 'string')) {
    throw bad('"history" must be a list of {"question": "...", "answer": "..."} turns, oldest first.');
  }
  return {
    question: text(o.question, 'question'),
    k: optionalK(o.k),
    provider,
    model: optionalName(o.model, 'model'),
    history: (history as { question: string; answer: string }[]).slice(-MAX_HISTORY_TURNS).map(({ question, answer }) => ({ question, answer })),
  };
}

/** The body of `POST /v1/summarize`, checked (whether the path is inside the workspace, the session decides). */
export function parseSummarize(body: unknown): SummarizeRequest {
  const o = object(body);
  const provider = optionalName(o.provider, 'provider');
  if (provider !== undefined && !(PROVIDERS as readonly string[]).includes(provider)) throw bad(`"provider" must be one of ${PROVIDERS.join(', ')}.`);
  return { path: text(o.path, 'path'), provider, model: optionalName(o.model, 'model') };
}

/** The body of `POST /v1/search`, checked. */
export function parseSearch(body: unknown): SearchRequest {
  const o = object(body);
  const paths = o.paths;
  if (paths !== undefined && (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string' || p.trim() === ''))) {
    throw bad('"paths" must be a list of globs, e.g. ["src/**", "*.md"].');
  }
  return { query: text(o.query, 'query'), k: optionalK(o.k), paths: paths as string[] | undefined };
}
