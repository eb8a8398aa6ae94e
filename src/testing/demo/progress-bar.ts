/** A one-line progress bar for a terminal (redrawn in place), or plain lines when not a TTY. */
export function createProgressBar(total: number, write: (text: string) => void, isTty: boolean) {
  let lastDrawn = -1;
  return {
    update(done: number, failed: number): void {
      const percent = Math.floor((done / total) * 100);
      if (percent === lastDrawn) return;
      lastDrawn = percent;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const line = `  [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} requests${failed > 0 ? `, ${failed} failed` : ''}`;
      if (isTty) write(`\r${line}`);
      else if (percent % 25 === 0) write(`${line}\n`);
    },
    finish(): void {
      if (isTty) write('\n');
    },
  };
}
