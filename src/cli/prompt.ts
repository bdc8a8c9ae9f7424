import { createInterface } from 'node:readline/promises';
import { DeclinedError } from '../errors.ts';

/** Where answers come from: the process's stdin, or (in tests) a stream fed with the answers. */
export interface PromptInput {
  stream: NodeJS.ReadableStream;
  interactive: boolean;
}

let override: PromptInput | undefined;

/** Answers prompts from `input` until called again with undefined (the CLI tests use it; the CLI never does). */
export function answerPromptsFrom(input: PromptInput | undefined): void {
  override = input;
}

function input(): PromptInput {
  return override ?? { stream: process.stdin, interactive: process.stdin.isTTY === true };
}

/** Asks one question on the terminal (prompt on stderr, so stdout stays clean) and returns the trimmed answer. */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: input().stream, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/**
 * Goes on only when the user types `expected`. Throws `DeclinedError` (exit 3) for any other answer,
 * and without asking when stdin is not a terminal (`--yes` is then required).
 */
export async function confirmOrDecline(verb: string, question: string, expected: string): Promise<void> {
  if (!input().interactive) throw new DeclinedError(`${verb} needs --yes when stdin is not a terminal`);
  const answer = await ask(question);
  if (answer !== expected) throw new DeclinedError(`${verb} cancelled: the answer was not "${expected}"`);
}
