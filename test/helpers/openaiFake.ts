import {
  delay, fakeVector, isErrorReply, playStream, sendError, startProtocolServer,
  type ErrorReply, type ProtocolServer, type Reply, type StreamFormat,
} from './protocolServer';

/**
 * A protocol fake of the OpenAI API (and of compatible servers): `/v1/chat/completions` streams SSE
 * `data: {chunk}` events ending with a finish_reason chunk and `data: [DONE]`, `/v1/embeddings`
 * answers float vectors (and, like local servers, refuses base64), `/v1/models` lists the models.
 * With `apiKey` set, requests without `Authorization: Bearer <apiKey>` get OpenAI's 401.
 */
export interface OpenAIFake extends ProtocolServer {
  /** `${url}/v1`, the base URL to give the client. */
  baseURL: string;
  models: string[];
  apiKey: string | undefined;
  chatReplies: Reply[];
  defaultChat: Reply;
  /** Replies for the next `/v1/models` requests, in order; then the list. */
  modelsReplies: ErrorReply[];
  embedReplies: ErrorReply[];
  embedDimensions: number;
  embedDelayMs: number;
  /** Answer embeddings in reverse order (with correct `index` fields), as servers may. */
  embedReverse: boolean;
  /** Answer a request with `tools` as llama.cpp's server does without --jinja: HTTP 500. */
  rejectTools: boolean;
  requestsTo(path: string): ProtocolServer['requests'];
}

const created = 1_736_000_000;

function chunk(delta: Record<string, unknown>, finishReason: string | null): string {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-fake1', object: 'chat.completion.chunk', created, model: 'gpt-4.1-mini', system_fingerprint: 'fp_fake',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  })}\n\n`;
}

export const OPENAI_SSE: StreamFormat = {
  contentType: 'text/event-stream; charset=utf-8',
  token: (text, index) => (index === 0 ? chunk({ role: 'assistant', content: '' }, null) : '') + chunk({ content: text }, null),
  final: (_tokens, toolCalls) => chunk({}, toolCalls ? 'tool_calls' : 'stop') + 'data: [DONE]\n\n',
  // As OpenAI streams them: a first delta with the call's index, id and name, then its arguments' JSON in pieces.
  toolCalls: (calls) => calls.map((call, index) => {
    const args = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const third = Math.ceil(args.length / 3);
    const pieces = [args.slice(0, third), args.slice(third, 2 * third), args.slice(2 * third)].filter((p) => p.length > 0);
    return chunk({ tool_calls: [{ index, id: call.id ?? `call_fake${index}`, type: 'function', function: { name: call.name, arguments: '' } }] }, null)
      + pieces.map((piece) => chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null)).join('');
  }).join(''),
  malformed: 'data: {"id":"chatcmpl-fake1","choices":[{"delta":{"content":"br\n\n',
  error: (message) => `data: ${JSON.stringify({ error: { message, type: 'server_error', param: null, code: null } })}\n\n`,
};

export async function startOpenAIFake(options: { models?: string[]; apiKey?: string } = {}): Promise<OpenAIFake> {
  const fake = {
    models: options.models ?? ['gpt-4.1-mini', 'text-embedding-3-small'],
    apiKey: options.apiKey,
    chatReplies: [] as Reply[],
    defaultChat: { tokens: ['Sessions ', 'last ', 'one hour ', '[1].'] } as Reply,
    modelsReplies: [] as ErrorReply[],
    embedReplies: [] as ErrorReply[],
    embedDimensions: 6,
    embedDelayMs: 0,
    embedReverse: false,
    rejectTools: false,
  };
  // The handler reads the returned object, so tests can change any setting between requests.
  let self!: OpenAIFake;
  const notFound = (model: string): ErrorReply => ({
    status: 404,
    body: { error: { message: `The model \`${model}\` does not exist or you do not have access to it.`, type: 'invalid_request_error', param: null, code: 'model_not_found' } },
  });

  const server = await startProtocolServer(async (req, res, record) => {
    const path = (req.url ?? '').split('?')[0];
    if (self.apiKey !== undefined && req.headers.authorization !== `Bearer ${self.apiKey}`) {
      const sent = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      // Like OpenAI, the message quotes the key it got: the provider must never pass it on.
      return sendError(res, {
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${sent}. You can find your API key at https://platform.openai.com/account/api-keys.`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } },
      });
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const reply = self.modelsReplies.shift();
      if (reply) return sendError(res, reply);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: self.models.map((id) => ({ id, object: 'model', created, owned_by: 'system' })) }));
      return;
    }
    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const reply = self.chatReplies.shift() ?? self.defaultChat;
      if (isErrorReply(reply)) return sendError(res, reply);
      if (!self.models.includes(record.body.model)) return sendError(res, notFound(record.body.model));
      if (record.body.stream !== true) return sendError(res, { status: 400, body: { error: { message: 'this fake only streams', type: 'invalid_request_error' } } });
      if (self.rejectTools && record.body.tools) return sendError(res, { status: 500, body: { error: { code: 500, message: 'tools param requires --jinja flag', type: 'server_error' } } });
      return playStream(res, record, reply, OPENAI_SSE);
    }
    if (req.method === 'POST' && path === '/v1/embeddings') {
      const reply = self.embedReplies.shift();
      if (reply) return sendError(res, reply);
      if (!self.models.includes(record.body.model)) return sendError(res, notFound(record.body.model));
      if (record.body.encoding_format !== 'float') {
        return sendError(res, { status: 400, body: { error: { message: `encoding_format "${record.body.encoding_format}" is not supported, use "float"`, type: 'invalid_request_error' } } });
      }
      if (self.embedDelayMs) await delay(self.embedDelayMs);
      const input: string[] = Array.isArray(record.body.input) ? record.body.input : [record.body.input];
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: fakeVector(text, self.embedDimensions) }));
      if (self.embedReverse) data.reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model: record.body.model, usage: { prompt_tokens: input.length * 8, total_tokens: input.length * 8 } }));
      return;
    }
    sendError(res, { status: 404, body: { error: { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error' } } });
  });
  self = Object.assign(server, fake, {
    baseURL: `${server.url}/v1`,
    requestsTo: (p: string) => server.requests.filter((r) => r.path.split('?')[0] === p),
  });
  return self;
}
