// Test-only language model. Without a model VS Code Chat never calls a participant ("Language model unavailable"),
// and tests need an answer they can predict. Every answer:
//   - says how many `<source` blocks the prompt held: "Fake LM answer: 3 sources in the prompt."
//   - cites [1] when there was a source, then ends with the marker FAKE-LM-DONE;
//   - arrives in parts E2E_FAKE_LM_DELAY_MS (default 100) apart, so a test can watch it grow;
//   - is 60 parts long (about 6 s) when the prompt contains FAKE-LM-LONG (to test Stop), and fails after its
//     first part when it contains FAKE-LM-FAIL (to test error display); with FAKE-LM-HTML it writes <img> and
//     <script> markup (to test that the panel shows it as text). It stops when cancelled.
//   - with FAKE-LM-SEARCH in the question and a `search` tool offered, first calls the tool (a
//     LanguageModelToolCallPart with { query: SEARCH_QUERY }, words the question does not hold, so the search finds
//     passages the first wave lacks); answered with the tool's result, it cites the newest source too.
// Each request (with its whole prompt) and how it ended is appended as a JSON line to $E2E_FAKE_LM_LOG for tests to read.
// Also, for the harness's own checks: a chat participant @fakelm that streams the selected model's answer, and the
// commands "Fake LM: Activate the Extension Under Test" and "Fake LM: Open Test Webview".
const vscode = require('vscode');
const fs = require('fs');

const VENDOR = 'fakelm';
const EXTENSION_UNDER_TEST = 'workspace-rag.workspace-rag';
const DELAY_MS = Number(process.env.E2E_FAKE_LM_DELAY_MS || 100);
const SEARCH_QUERY = 'least recently used cache eviction';
const MODEL = {
  id: 'fake-lm', name: 'Fake LM', family: 'fake', version: '1', maxInputTokens: 100000, maxOutputTokens: 4000,
  tooltip: 'Deterministic test model', detail: 'tests only', isUserSelectable: true,
  capabilities: { toolCalling: true }, // the Chat view's default (Agent) mode hides models without it
};

function record(entry) {
  if (process.env.E2E_FAKE_LM_LOG) fs.appendFileSync(process.env.E2E_FAKE_LM_LOG, JSON.stringify({ time: Date.now(), ...entry }) + '\n');
}

// Text parts, and the text inside tool results (a search's further sources).
const partText = (part) => (typeof part?.value === 'string' ? part.value : Array.isArray(part?.content) ? part.content.map(partText).join('') : '');
const textOf = (message) => message.content.map(partText).join('');
const hasToolResult = (messages) => messages.some((m) => m.content.some((part) => part instanceof vscode.LanguageModelToolResultPart));

function answer(prompt) {
  const sources = (prompt.match(/<source id=/g) || []).length; // the source blocks, not the rules' mention of the tag
  const newest = Math.max(0, ...[...prompt.matchAll(/<source id="(\d+)"/g)].map((m) => Number(m[1])));
  const parts = [
    'Fake LM answer: ',
    `${sources} source${sources === 1 ? '' : 's'} in the prompt. `,
    sources ? 'The first source is cited here [1]. ' : 'Nothing to cite. ',
    'This answer streams in parts. ',
  ];
  if (/<source id="\d+"[^]*Sources \d+ to \d+, for/.test(prompt)) parts.splice(3, 0, `A source the search found is cited here [${newest}]. `);
  if (prompt.includes('FAKE-LM-LONG')) for (let i = 1; i <= 55; i++) parts.push(`long-part-${i} `);
  // Model output that is markup: a panel that renders it as HTML would run it.
  if (prompt.includes('FAKE-LM-HTML')) parts.push('<img src=x onerror="window.__ragInjected=\'answer-img\'"> ', '<script>window.__ragInjected=\'answer-script\'</script> ');
  parts.push('FAKE-LM-DONE');
  return { sources, parts };
}

async function activate(context) {
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider(VENDOR, {
    provideLanguageModelChatInformation: async () => [MODEL],
    provideTokenCount: async (_model, text) => Math.ceil((typeof text === 'string' ? text : textOf(text)).length / 4),
    provideLanguageModelChatResponse: async (_model, messages, options, progress, token) => {
      const prompt = messages.map(textOf).join('\n');
      const tools = (options?.tools ?? []).map((tool) => tool.name);
      if (prompt.includes('FAKE-LM-SEARCH') && tools.includes('search') && !hasToolResult(messages)) {
        record({ event: 'request', messages: messages.length, tools, toolCall: SEARCH_QUERY, prompt });
        await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
        progress.report(new vscode.LanguageModelToolCallPart('fake-call-1', 'search', { query: SEARCH_QUERY }));
        return record({ event: 'done', toolCall: SEARCH_QUERY });
      }
      const { sources, parts } = answer(prompt);
      const request = { messages: messages.length, tools, promptChars: prompt.length, sources, lastMessage: textOf(messages[messages.length - 1] ?? { content: [] }).slice(-300), prompt };
      record({ event: 'request', ...request });
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, DELAY_MS));
        if (token.isCancellationRequested) return record({ event: 'cancelled', partsSent: i });
        if (i === 1 && prompt.includes('FAKE-LM-FAIL')) { record({ event: 'failed', partsSent: i }); throw new Error('Fake LM failed on purpose (FAKE-LM-FAIL)'); }
        progress.report(new vscode.LanguageModelTextPart(parts[i]));
      }
      record({ event: 'done', partsSent: parts.length });
    },
  }));
  // @fakelm: a minimal participant (prompt → request.model → stream) so the harness can check the Chat view path.
  const participant = vscode.chat.createChatParticipant('fakeLm.echo', async (request, _context, stream, token) => {
    stream.progress('Asking the model...');
    const response = await request.model.sendRequest([vscode.LanguageModelChatMessage.User(request.prompt)], {}, token);
    for await (const text of response.text) stream.markdown(text);
    return { metadata: { model: request.model.id } };
  });
  context.subscriptions.push(participant);
  // For UI tests while the extension under test has nothing that activates it from the UI.
  context.subscriptions.push(vscode.commands.registerCommand('fakeLm.activateExtensionUnderTest', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_UNDER_TEST);
    await ext?.activate();
    vscode.window.showInformationMessage(ext?.isActive ? `Activated ${EXTENSION_UNDER_TEST}` : `${EXTENSION_UNDER_TEST} is not loaded`);
  }));
  // A webview that answers each click with a message, to check the UI helpers' webview() frame lookup.
  context.subscriptions.push(vscode.commands.registerCommand('fakeLm.openWebview', () => {
    const panel = vscode.window.createWebviewPanel('fakeLm.webview', 'Fake LM Webview', vscode.ViewColumn.One, { enableScripts: true });
    panel.webview.html = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline';"></head>
<body><button id="ping">Ping</button><p id="status">waiting</p>
<script>const vscode = acquireVsCodeApi();
document.getElementById('ping').onclick = () => vscode.postMessage('ping');
addEventListener('message', (e) => { document.getElementById('status').textContent = e.data; });</script></body></html>`;
    let pings = 0;
    panel.webview.onDidReceiveMessage(() => panel.webview.postMessage(`pong ${++pings}`));
  }));
  // The workbench resolves a vendor's models only when someone asks; this makes the Chat model picker see it.
  await vscode.lm.selectChatModels({ vendor: VENDOR });
}

module.exports = { activate, deactivate() {} };
