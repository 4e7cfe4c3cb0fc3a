// Writes the embedded store's snapshot file: debounced after writes, atomically (temp file, then rename).
import { mkdirSync } from 'node:fs';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class SnapshotWriter {
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private tmpCounter = 0;

  constructor(
    private readonly file: string,
    private readonly debounceMs: number,
    /** The file's text for the state now. */
    private readonly text: () => string,
  ) {}

  /** Called after every write: saves the file after the debounce delay. */
  changed(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.saveNow().catch((err: unknown) => {
        console.error('memory store: could not write the snapshot file', err);
      });
    }, this.debounceMs);
  }

  /** Writes the file now if anything changed (waits for a save already running). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.saveNow();
  }

  private async saveNow(): Promise<void> {
    while (this.saving) await this.saving;
    if (!this.dirty) return;
    const file = this.file;
    this.dirty = false;
    const text = this.text();
    this.saving = (async () => {
      const tmp = `${file}.${process.pid}.${++this.tmpCounter}.tmp`;
      try {
        mkdirSync(dirname(file), { recursive: true });
        await writeFile(tmp, text, 'utf8');
        await rename(tmp, file);
      } catch (err) {
        this.dirty = true;
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
    })();
    try {
      await this.saving;
    } finally {
      this.saving = undefined;
    }
  }
}
