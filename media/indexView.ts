// The index view's list of files: the latest ones indexing stored and the ones it could not read, with the
// reason. Paths and reasons are put in the page as text.
import type { IndexView } from '../src/protocol/webview';

/** Fills the `<details>` of recent files; hidden until indexing has stored or failed a file. */
export function showFileActivity(details: HTMLDetailsElement, index: IndexView): void {
  const { stored, failed } = index.activity;
  details.hidden = stored.length === 0 && failed.length === 0;
  if (details.hidden) return;
  const summary = details.querySelector('summary')!;
  summary.textContent = failed.length > 0
    ? `Recent files · ${failed.length} could not be read`
    : `Recent files · ${stored.length}`;
  details.classList.toggle('has-failures', failed.length > 0);
  const storedList = details.querySelector<HTMLUListElement>('ul.stored')!;
  const doc = details.ownerDocument;
  storedList.replaceChildren(...[...stored].reverse().map((f) => item(doc, f.path, `${f.chunks} chunk${f.chunks === 1 ? '' : 's'} · ${f.ms} ms`)));
  const failedList = details.querySelector<HTMLUListElement>('ul.failed')!;
  failedList.replaceChildren(...[...failed].reverse().map((f) => item(doc, f.path, f.reason)));
}

function item(doc: Document, path: string, detail: string): HTMLLIElement {
  const li = doc.createElement('li');
  const name = doc.createElement('span');
  name.className = 'path';
  name.textContent = path;
  const note = doc.createElement('span');
  note.className = 'detail';
  note.textContent = detail;
  li.append(name, note);
  li.title = `${path}: ${detail}`;
  return li;
}
