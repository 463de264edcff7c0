// The panel's conversations: "New conversation", and the list of earlier ones to reopen or delete. Keyboard:
// the list opens with its button; ↑/↓ move between conversations, Enter opens one, Delete removes it, Esc
// closes the list. Titles are put in the page as text.
import type { ConversationsView, WebviewMessage } from '../src/protocol/webview';

export interface ConversationControls {
  show(view: ConversationsView): void;
}

/** Wires the conversation bar of the page (panelPage.ts) to the host. */
export function conversationControls(doc: Document, post: (message: WebviewMessage) => void): ConversationControls {
  const toggle = doc.getElementById('conversations-toggle') as HTMLButtonElement;
  const panel = doc.getElementById('conversation-list') as HTMLDivElement;
  const list = panel.querySelector('ul')!;
  const newButton = doc.getElementById('new-conversation') as HTMLButtonElement;

  const setOpen = (open: boolean) => {
    panel.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
  };
  const items = () => [...list.querySelectorAll<HTMLButtonElement>('button.open-conversation')];

  toggle.addEventListener('click', () => {
    setOpen(panel.hidden === true);
    if (!panel.hidden) (list.querySelector<HTMLButtonElement>('[aria-current="true"]') ?? items()[0])?.focus();
  });
  newButton.addEventListener('click', () => {
    setOpen(false);
    post({ type: 'newConversation' });
  });
  list.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-id]');
    if (!button) return;
    const id = button.dataset.id!;
    if (button.classList.contains('delete-conversation')) {
      // Focus stays in the list: on the next conversation, else the previous.
      const row = button.closest('li');
      const next = (row?.nextElementSibling ?? row?.previousElementSibling)?.querySelector<HTMLButtonElement>('button.open-conversation');
      post({ type: 'deleteConversation', id });
      next?.focus();
    } else {
      setOpen(false);
      post({ type: 'openConversation', id });
    }
  });
  panel.addEventListener('keydown', (event) => {
    const all = items();
    const at = all.indexOf(doc.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation(); // Esc here closes the list; it does not stop an answer
      setOpen(false);
      toggle.focus();
    } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && all.length > 0) {
      event.preventDefault();
      all[(at + (event.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length]?.focus();
    } else if (event.key === 'Delete' && at >= 0) {
      event.preventDefault();
      all[at].closest('li')?.querySelector<HTMLButtonElement>('button.delete-conversation')?.click();
    }
  });

  return {
    show({ list: conversations, current }) {
      toggle.hidden = conversations.length === 0;
      toggle.textContent = `Conversations (${conversations.length})`;
      if (conversations.length === 0) setOpen(false);
      const focused = (doc.activeElement as HTMLElement | null)?.dataset?.id;
      list.replaceChildren(...conversations.map((c) => {
        const li = doc.createElement('li');
        const open = doc.createElement('button');
        open.type = 'button';
        open.className = 'open-conversation';
        open.dataset.id = c.id;
        if (c.id === current) open.setAttribute('aria-current', 'true');
        const name = doc.createElement('span');
        name.className = 'conversation-title';
        name.textContent = c.title;
        const when = doc.createElement('span');
        when.className = 'conversation-when';
        when.textContent = `${new Date(c.updatedAt).toLocaleString()} · ${c.questions} question${c.questions === 1 ? '' : 's'}`;
        open.append(name, when);
        const remove = doc.createElement('button');
        remove.type = 'button';
        remove.className = 'delete-conversation';
        remove.dataset.id = c.id;
        remove.textContent = '✕';
        remove.title = 'Delete this conversation';
        remove.setAttribute('aria-label', `Delete the conversation "${c.title}"`);
        li.append(open, remove);
        return li;
      }));
      if (focused) items().find((b) => b.dataset.id === focused)?.focus(); // the list was redrawn: keep the user's place
    },
  };
}
