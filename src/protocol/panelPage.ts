/**
 * The panel's page, shared by the two hosts of media/panel.ts: VS Code's webview (panelProvider.ts) and
 * the browser page of `workspace-rag serve`. Each host passes its own security policy and the way it
 * brings in the script and the styles (webview URIs, or inline with a nonce).
 */
export interface PanelPageParts {
  csp: string;
  /** `<link>` or `<style>` elements. */
  styles: string;
  /** The `<script>` element that runs the panel. */
  script: string;
}

export function panelPageHtml({ csp, styles, script }: PanelPageParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
<title>Workspace RAG</title>
</head>
<body>
<header>
  <div id="index-state" aria-live="polite">Opening the index…</div>
  <details id="index-files" hidden><summary></summary><ul class="stored" aria-label="Recently indexed files"></ul><ul class="failed" aria-label="Files that could not be read"></ul></details>
  <div id="model"></div>
  <div class="conversation-bar">
    <button type="button" id="conversations-toggle" class="secondary" aria-expanded="false" aria-controls="conversation-list" hidden>Conversations</button>
    <button type="button" id="new-conversation" class="secondary" title="Start a new conversation; this one stays in the list">New conversation</button>
  </div>
  <div id="conversation-list" hidden><ul aria-label="Earlier conversations"></ul></div>
</header>
<main id="conversation" aria-label="Conversation">
  <div id="empty">Ask about this workspace. Sources appear first; click a card or a <span class="cite">1</span> citation to open the file at its lines.</div>
</main>
<form id="ask-form">
  <textarea id="question" rows="3" placeholder="Ask a question about this workspace" aria-label="Question"></textarea>
  <div class="buttons">
    <span class="hint">Enter to ask · Shift+Enter new line · Esc to stop</span>
    <button type="button" id="summarize" class="secondary" title="Summarize the active editor's file, or the file whose path is typed in the box">Summarize</button>
    <button type="button" id="stop" class="secondary" hidden>Stop</button>
    <button type="submit" id="ask" class="primary">Ask</button>
  </div>
</form>
${script}
</body>
</html>`;
}
