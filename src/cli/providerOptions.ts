import type { EmbedderConfig } from '../protocol/indexing';
import type { ParseArgsConfig } from 'node:util';

import { normalizeOllamaHost } from '../engine/providers/ollamaProvider';
import type { ProviderSettings } from '../engine/session/providerChoice';
import { UsageError } from './usageError';

export const PROVIDERS = ['auto', 'offline', 'ollama', 'openai'] as const;
export type ProviderChoice = (typeof PROVIDERS)[number];
export const EMBEDDINGS = ['offline', 'ollama', 'openai'] as const;
export type EmbeddingsChoice = (typeof EMBEDDINGS)[number];

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags of every command that reads the index (index, search, ask): how to embed, and where the servers are. */
export const EMBEDDING_FLAGS: Options = {
  embeddings: { type: 'string' },
  'embed-model': { type: 'string' },
  'ollama-host': { type: 'string' },
  'base-url': { type: 'string' },
};

/** Flags of `ask` only: who writes the answer. */
export const ANSWER_FLAGS: Options = {
  provider: { type: 'string' },
  model: { type: 'string' },
};

/** The provider flags as given, validated. Environment variables are applied by the factories. */
export interface ProviderFlags {
  provider: ProviderChoice;
  model?: string;
  embeddings: EmbeddingsChoice;
  embedModel?: string;
  ollamaHost?: string;
  baseURL?: string;
}

/** Environment variables the CLI reads: the usual ones of Ollama and the OpenAI SDK. */
export interface ProviderEnv {
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OLLAMA_HOST?: string;
}

/** What the CLI tells a user whose OpenAI key is missing or rejected. */
export const CLI_KEY_HINT = 'Set the OPENAI_API_KEY environment variable, or pass --base-url for a local OpenAI-compatible server.';

/** Checks the provider flags of `command`; throws UsageError naming the flag at fault. */
export function readProviderFlags(values: Record<string, unknown>, command: string): ProviderFlags {
  const text = (name: string): string | undefined => {
    const value = values[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} needs a value`, command);
    return value.trim();
  };
  const provider = text('provider') ?? 'auto';
  if (!PROVIDERS.includes(provider as ProviderChoice)) throw new UsageError(`--provider must be one of ${PROVIDERS.join(', ')}, got '${provider}'`, command);
  const embeddings = text('embeddings') ?? 'offline';
  if (!EMBEDDINGS.includes(embeddings as EmbeddingsChoice)) throw new UsageError(`--embeddings must be one of ${EMBEDDINGS.join(', ')}, got '${embeddings}'`, command);
  const flags: ProviderFlags = {
    provider: provider as ProviderChoice,
    model: text('model'),
    embeddings: embeddings as EmbeddingsChoice,
    embedModel: text('embed-model'),
    ollamaHost: text('ollama-host'),
    baseURL: text('base-url'),
  };
  if (flags.model !== undefined && flags.provider === 'offline') throw new UsageError('--model needs --provider auto, ollama or openai (offline answers use no model)', command);
  if (flags.embedModel !== undefined && flags.embeddings === 'offline') throw new UsageError('--embed-model needs --embeddings ollama or openai', command);
  if (flags.ollamaHost !== undefined) checkOllamaHost(flags.ollamaHost, '--ollama-host', command);
  if (flags.baseURL !== undefined) checkBaseURL(flags.baseURL, '--base-url', command);
  return flags;
}

/** Settings after the environment: flags win over OLLAMA_HOST, OPENAI_BASE_URL; the key only comes from OPENAI_API_KEY. */
function resolve(flags: ProviderFlags, env: ProviderEnv) {
  const ollamaHost = flags.ollamaHost ?? nonEmpty(env.OLLAMA_HOST);
  if (ollamaHost !== undefined && flags.ollamaHost === undefined) checkOllamaHost(ollamaHost, 'OLLAMA_HOST');
  const baseURL = flags.baseURL ?? nonEmpty(env.OPENAI_BASE_URL);
  if (baseURL !== undefined && flags.baseURL === undefined) checkBaseURL(baseURL, 'OPENAI_BASE_URL');
  return { ollamaHost, baseURL, apiKey: nonEmpty(env.OPENAI_API_KEY) };
}

/** The session's provider settings: flags over the environment; the key only from OPENAI_API_KEY. */
export function providerSettings(flags: ProviderFlags, env: ProviderEnv): ProviderSettings {
  const { ollamaHost, baseURL, apiKey } = resolve(flags, env);
  return {
    choice: flags.provider,
    ollama: { host: ollamaHost, model: flags.model },
    openai: { apiKey, baseURL, model: flags.model, keyHint: CLI_KEY_HINT },
  };
}

/**
 * The embedder `--embeddings` asks for, as plain data: the index runs on its own thread and builds the
 * embedder there (`createEmbedder` in the index worker).
 */
export function embedderConfig(flags: ProviderFlags, env: ProviderEnv): EmbedderConfig {
  const { ollamaHost, baseURL, apiKey } = resolve(flags, env);
  switch (flags.embeddings) {
    case 'offline':
      return { kind: 'offline' };
    case 'ollama':
      return { kind: 'ollama', host: ollamaHost, model: flags.embedModel };
    case 'openai':
      return { kind: 'openai', baseURL, apiKey, model: flags.embedModel, keyHint: CLI_KEY_HINT };
  }
}

function checkOllamaHost(value: string, name: string, command?: string): void {
  try {
    const url = new URL(normalizeOllamaHost(value));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('not http');
  } catch {
    throw new UsageError(`${name} must be a host or URL like http://127.0.0.1:11434, got '${value}'`, command);
  }
}

function checkBaseURL(value: string, name: string, command?: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${name} must be a URL like http://127.0.0.1:1234/v1, got '${value}'`, command);
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

export const ANSWER_HELP = `  --provider NAME    who writes the answer: auto (default), offline, ollama or openai
  --model NAME       the chat model (default llama3.2 for Ollama, gpt-4.1-mini for OpenAI)`;

export const EMBEDDING_HELP = `  --embeddings NAME  how passages are embedded: offline (default), ollama or openai
  --embed-model NAME the embedding model (default nomic-embed-text, text-embedding-3-small)
  --ollama-host URL  Ollama's address (default $OLLAMA_HOST or http://127.0.0.1:11434)
  --base-url URL     an OpenAI-compatible /v1 endpoint (default $OPENAI_BASE_URL or OpenAI)`;
