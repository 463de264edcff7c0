import type * as vscode from 'vscode';

/** Where the OpenAI key lives: VS Code's secret storage only, never settings, logs or the index. */
const OPENAI_KEY_SECRET = 'workspaceRag.openaiApiKey';

/** The OpenAI key in SecretStorage; a change is passed on at once (to answers and to the index's embedder). */
export class OpenAIKey {
  constructor(private readonly secrets: vscode.SecretStorage, private readonly changed: () => Promise<void>) {}

  async get(): Promise<string | undefined> {
    return (await this.secrets.get(OPENAI_KEY_SECRET)) || undefined;
  }

  async set(key: string | undefined): Promise<void> {
    if (key) await this.secrets.store(OPENAI_KEY_SECRET, key);
    else await this.secrets.delete(OPENAI_KEY_SECRET);
    await this.changed();
  }
}
