import {
  delay, fakeVector, isErrorReply, playStream, sendError, startProtocolServer,
  type ErrorReply, type ProtocolServer, type Reply, type StreamFormat,
} from './protocolServer';

/**
 * A protocol fake of Ollama's HTTP API: `/api/chat` streams NDJSON lines ending with a `done: true`
 * line carrying its counts, `/api/embed` answers batched vectors, `/api/tags` lists the models.
 * Unknown models get Ollama's own 404. Replies can be queued per endpoint to inject failures.
 */
export interface OllamaFake extends ProtocolServer {
  /** Installed models, as `/api/tags` names them. */
  models: string[];
  /** Replies for the next chat requests, in order; then `defaultChat`. */
  chatReplies: Reply[];
  defaultChat: Reply;
  /** Replies for the next embed requests, in order; then vectors. */
  embedReplies: ErrorReply[];
  embedDimensions: number;
  embedDelayMs: number;
  /** Delay of `/api/tags`; a very long one makes the health check time out. */
  tagsDelayMs: number;
  /** Models that answer a request with `tools` as Ollama does for a model without tool support: HTTP 400. */
  noToolModels: string[];
  requestsTo(path: string): ProtocolServer['requests'];
}

export const OLLAMA_NDJSON: StreamFormat = {
  contentType: 'application/x-ndjson',
  token: (text) => JSON.stringify({ model: 'llama3.2', created_at: new Date().toISOString(), message: { role: 'assistant', content: text }, done: false }) + '\n',
  final: (tokens) => JSON.stringify({
    model: 'llama3.2', created_at: new Date().toISOString(), message: { role: 'assistant', content: '' }, done_reason: 'stop', done: true,
    total_duration: 912_000_000, load_duration: 21_000_000, prompt_eval_count: 412, prompt_eval_duration: 180_000_000,
    eval_count: tokens, eval_duration: 700_000_000,
  }) + '\n',
  // Ollama sends a model's tool calls whole, in one message, with the arguments as an object.
  toolCalls: (calls) => JSON.stringify({
    model: 'llama3.2', created_at: new Date().toISOString(), done: false,
    message: { role: 'assistant', content: '', tool_calls: calls.map((call) => ({ function: { name: call.name, arguments: call.arguments } })) },
  }) + '\n',
  malformed: '{"model":"llama3.2","message":{"role":"assistant","content":"br\n',
  error: (message) => JSON.stringify({ error: message }) + '\n',
};

export async function startOllamaFake(options: { models?: string[]; port?: number } = {}): Promise<OllamaFake> {
  const fake = {
    models: options.models ?? ['llama3.2:latest', 'nomic-embed-text:latest'],
    chatReplies: [] as Reply[],
    defaultChat: { tokens: ['Sessions ', 'last ', 'one hour ', '[1].'] } as Reply,
    embedReplies: [] as ErrorReply[],
    embedDimensions: 8,
    embedDelayMs: 0,
    tagsDelayMs: 0,
    noToolModels: [] as string[],
  };
  // The handler reads the returned object, so tests can change any setting between requests.
  let self!: OllamaFake;
  const installed = (name: string) => self.models.some((m) => m === name || m === `${name}:latest`);
  const notFound = (name: string): ErrorReply => ({ status: 404, body: { error: `model "${name}" not found, try pulling it first` } });

  const server = await startProtocolServer(async (req, res, record) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/api/tags') {
      if (self.tagsDelayMs) await delay(self.tagsDelayMs);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({
        models: self.models.map((name) => ({
          name, model: name, modified_at: '2025-01-01T00:00:00Z', size: 2_019_393_189, digest: 'a80c4f17acd5',
          details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M' },
        })),
      }));
      return;
    }
    if (req.method === 'POST' && path === '/api/chat') {
      const reply = self.chatReplies.shift() ?? self.defaultChat;
      if (isErrorReply(reply)) return sendError(res, reply);
      if (!installed(record.body.model)) return sendError(res, notFound(record.body.model));
      if (record.body.stream !== true) return sendError(res, { status: 400, body: { error: 'this fake only streams' } });
      if (record.body.tools && self.noToolModels.some((m) => m === record.body.model || m === `${record.body.model}:latest`)) {
        return sendError(res, { status: 400, body: { error: `registry.ollama.ai/library/${record.body.model}:latest does not support tools` } });
      }
      return playStream(res, record, reply, OLLAMA_NDJSON);
    }
    if (req.method === 'POST' && path === '/api/embed') {
      const reply = self.embedReplies.shift();
      if (reply) return sendError(res, reply);
      if (!installed(record.body.model)) return sendError(res, notFound(record.body.model));
      if (self.embedDelayMs) await delay(self.embedDelayMs);
      const input: string[] = Array.isArray(record.body.input) ? record.body.input : [record.body.input];
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({
        model: record.body.model, embeddings: input.map((text) => fakeVector(text, self.embedDimensions)),
        total_duration: 14_000_000, load_duration: 1_000_000, prompt_eval_count: input.length * 8,
      }));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('404 page not found');
  }, options.port);
  self = Object.assign(server, fake, {
    requestsTo: (p: string) => server.requests.filter((r) => r.path.split('?')[0] === p),
  });
  return self;
}
