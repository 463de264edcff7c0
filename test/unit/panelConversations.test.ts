// The panel's conversation list in a DOM (jsdom): what it shows, and what each click and key asks the host.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JSDOM } from 'jsdom';
import { conversationControls } from '../../media/conversations';
import { panelPageHtml } from '../../src/protocol/panelPage';
import type { ConversationsView, WebviewMessage } from '../../src/protocol/webview';

const VIEW: ConversationsView = {
  list: [
    { id: 'b', title: 'Where is the <b>pool</b> size set?', updatedAt: Date.UTC(2026, 0, 2), questions: 2 },
    { id: 'a', title: 'How long does a session last?', updatedAt: Date.UTC(2026, 0, 1), questions: 1 },
  ],
  current: 'b',
};

function panel() {
  const window = new JSDOM(panelPageHtml({ csp: '', styles: '', script: '' })).window;
  const doc = window.document;
  const sent: WebviewMessage[] = [];
  const controls = conversationControls(doc, (m) => sent.push(m));
  const key = (key: string) => doc.activeElement!.dispatchEvent(new window.KeyboardEvent('keydown', { key, bubbles: true }));
  const $ = <T extends HTMLElement>(selector: string) => doc.querySelector(selector) as T;
  return { doc, sent, controls, key, $ };
}

describe('panel conversations', () => {
  it('hides the list button until there is an earlier conversation; New conversation asks the host for one', () => {
    const { sent, controls, $ } = panel();
    controls.show({ list: [], current: null });
    assert.equal($('#conversations-toggle').hidden, true);
    $<HTMLButtonElement>('#new-conversation').click();
    assert.deepEqual(sent, [{ type: 'newConversation' }]);
  });

  it('lists the conversations as text, marks the shown one, and opens one on click', () => {
    const { doc, sent, controls, $ } = panel();
    controls.show(VIEW);
    const toggle = $<HTMLButtonElement>('#conversations-toggle');
    assert.equal(toggle.textContent, 'Conversations (2)');
    toggle.click();
    assert.equal(toggle.getAttribute('aria-expanded'), 'true');
    const rows = [...doc.querySelectorAll<HTMLButtonElement>('.open-conversation')];
    assert.deepEqual(rows.map((r) => r.querySelector('.conversation-title')!.textContent), ['Where is the <b>pool</b> size set?', 'How long does a session last?']);
    assert.equal(doc.querySelector('.open-conversation b'), null, 'a title is text, never markup');
    assert.equal(rows[0].getAttribute('aria-current'), 'true');
    assert.match(rows[0].textContent!, /2 questions/);
    assert.equal(doc.activeElement, rows[0], 'opening the list focuses the shown conversation');
    rows[1].click();
    assert.deepEqual(sent, [{ type: 'openConversation', id: 'a' }]);
    assert.equal($('#conversation-list').hidden, true);
  });

  it('works from the keyboard: arrows move, Delete deletes and keeps the focus in the list, Esc closes', () => {
    const { doc, sent, controls, key, $ } = panel();
    controls.show(VIEW);
    $<HTMLButtonElement>('#conversations-toggle').click();
    key('ArrowDown');
    assert.equal((doc.activeElement as HTMLElement).dataset.id, 'a');
    key('ArrowDown');
    assert.equal((doc.activeElement as HTMLElement).dataset.id, 'b', 'wraps around');
    key('Delete');
    assert.deepEqual(sent, [{ type: 'deleteConversation', id: 'b' }]);
    assert.equal((doc.activeElement as HTMLElement).dataset.id, 'a', 'the focus moves to the next conversation');
    controls.show({ list: [VIEW.list[1]], current: null }); // the host's new list: the focus stays where it was
    assert.equal((doc.activeElement as HTMLElement).dataset.id, 'a');
    key('Escape');
    assert.equal($('#conversation-list').hidden, true);
    assert.equal(doc.activeElement, $('#conversations-toggle'));
  });
});
