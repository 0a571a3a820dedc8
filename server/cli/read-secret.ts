// One line from standard input, for secrets: on a terminal, typed without echo (the prompt goes to
// stderr); from a pipe (`printf %s "$KEY" | npm run admin -- …`), the first line. Trimmed.
import { createInterface } from 'node:readline';

export async function readSecretLine(prompt: string): Promise<string> {
  const input = process.stdin;
  if (input.isTTY) {
    process.stderr.write(prompt);
    input.setRawMode(true);
  }
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line.trim();
    return '';
  } finally {
    lines.close();
    if (input.isTTY) {
      input.setRawMode(false);
      process.stderr.write('\n');
    }
    input.pause();
  }
}
