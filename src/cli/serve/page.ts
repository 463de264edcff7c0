import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { panelPageHtml } from '../../protocol/panelPage';

/** Where the built panel script and the styles are, beside dist/cli.js. */
const ASSETS = {
  script: path.join(__dirname, 'webview', 'panel.js'),
  styles: [path.join(__dirname, '..', 'media', 'panel.css'), path.join(__dirname, '..', 'media', 'page.css')],
};

let assets: Promise<{ script: string; styles: string }> | undefined;

/** The panel's script and styles, read once. */
function loadAssets(): Promise<{ script: string; styles: string }> {
  assets ??= (async () => ({
    // Inline, a `</script` inside the bundle (a string in a library) would end the element early.
    script: (await fs.readFile(ASSETS.script, 'utf8')).replace(/<\/script/gi, '<\\/script'),
    styles: (await Promise.all(ASSETS.styles.map((file) => fs.readFile(file, 'utf8')))).join('\n').replace(/<\/style/gi, '<\\/style'),
  }))();
  assets.catch(() => { assets = undefined; });
  return assets;
}

/**
 * The panel's own page (media/panel.ts), which speaks HTTP when it is not in a webview. Script and styles
 * are inline, allowed by a fresh nonce: with a token, a browser could not fetch them separately.
 */
export async function pageResponse(): Promise<{ html: string; csp: string }> {
  const { script, styles } = await loadAssets();
  const nonce = randomBytes(16).toString('base64');
  const policy = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, `connect-src 'self'`,
    `img-src 'self' data:`, `base-uri 'none'`, `form-action 'none'`];
  const html = panelPageHtml({
    csp: policy.join('; '),
    // An empty icon: otherwise the browser asks for /favicon.ico, which a server with a token refuses.
    styles: `<link rel="icon" href="data:,">\n<style nonce="${nonce}">\n${styles}\n</style>`,
    script: `<script nonce="${nonce}">\n${script}\n</script>`,
  });
  // frame-ancestors works only as a header (a meta element cannot stop framing).
  return { html, csp: [...policy, `frame-ancestors 'none'`].join('; ') };
}
