/** Lines written to stdout and stderr while capturing, newline removed. */
export interface CapturedOutput {
  readonly stdout: string[];
  readonly stderr: string[];
  restore(): void;
}

/**
 * Captures what is written to the process's stdout and stderr (where the
 * default logger and the EMF sink write) until `restore()`.
 */
export function captureOutput(): CapturedOutput {
  const capture = (stream: NodeJS.WriteStream, into: string[]) =>
    jest
      .spyOn(stream, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        into.push(...String(chunk).split('\n').filter(Boolean));
        return true;
      });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const spies = [
    capture(process.stdout, stdout),
    capture(process.stderr, stderr),
  ];
  return {
    stdout,
    stderr,
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/** Runs `fn` with the output captured; restores it whatever happens. */
export async function outputOf(
  fn: () => Promise<unknown> | unknown,
): Promise<{ stdout: string[]; stderr: string[] }> {
  const output = captureOutput();
  try {
    await fn();
  } finally {
    output.restore();
  }
  return { stdout: output.stdout, stderr: output.stderr };
}
