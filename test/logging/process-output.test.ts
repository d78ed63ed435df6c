import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeStdoutNow } from '../../src/logging/process-output';

// The direct write is about file descriptor 1 and what waits in front of
// it, so these tests run the compiled module in a child process whose
// stdout is a real pipe, read here.
const OUTPUT = path.resolve(__dirname, '../../dist/src/logging/process-output');

interface Run {
  readonly stdout: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs `script` with `writeStdoutNow` in scope; reads its stdout only after
 * `readAfterMs`, so that a full pipe can be part of the test.
 */
async function run(script: string, readAfterMs = 0): Promise<Run> {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const { writeStdoutNow } = require(${JSON.stringify(OUTPUT)});\n${script}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  child.stdout.pause();
  const closed = once(child, 'close');

  await sleep(readAfterMs);
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stdout.resume();
  const [code, signal] = (await closed) as [number | null, NodeJS.Signals];
  return { stdout: Buffer.concat(chunks).toString('utf8'), code, signal };
}

describe(writeStdoutNow.name, () => {
  it('has the line on stdout when it returns, even if the process dies next', async () => {
    const { stdout, signal } = await run(
      `writeStdoutNow('{"_aws":1}\\n');
       process.kill(process.pid, 'SIGKILL');`,
    );

    expect(signal).toBe('SIGKILL');
    expect(stdout).toBe('{"_aws":1}\n');
  });

  it('writes bytes up to the length it is given, and the caller may reuse them', async () => {
    const { stdout } = await run(
      `const line = Buffer.from('first\\nXXXX');
       writeStdoutNow(line, 6);
       line.write('again\\n');
       writeStdoutNow(line, 6);`,
    );

    expect(stdout).toBe('first\nagain\n');
  });

  it('keeps the order of writes still waiting in process.stdout', async () => {
    // 1 MB through the stream: the pipe takes 64 KB, the rest waits in the
    // stream. The child then blocks (the event loop cannot flush it) while
    // this side drains the pipe, so a direct write would find room and
    // jump the queue.
    const { stdout, code } = await run(
      `process.stdout.write('a'.repeat(1 << 20));
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
       writeStdoutNow('emf\\n');
       writeStdoutNow(Buffer.from('bytes\\n'));
       process.stdout.write('last\\n');`,
    );

    expect(code).toBe(0);
    expect(stdout).toBe(`${'a'.repeat(1 << 20)}emf\nbytes\nlast\n`);
  });

  it('hands a line a full pipe refuses (EAGAIN) to process.stdout, in order', async () => {
    // Fills the pipe until the kernel refuses more, while this side does
    // not read yet; the line must still arrive, after everything before it.
    const { stdout, code } = await run(
      `const fs = require('node:fs');
       void process.stdout;
       try {
         for (;;) fs.writeSync(1, 'b'.repeat(4096));
       } catch (error) {
         if (error.code !== 'EAGAIN') throw error;
       }
       writeStdoutNow('emf\\n');
       writeStdoutNow('next\\n');
`,
      300,
    );

    const filler = stdout.length - 'emf\nnext\n'.length;
    expect(code).toBe(0);
    expect(filler).toBeGreaterThan(0);
    expect(stdout).toBe(`${'b'.repeat(filler)}emf\nnext\n`);
  });
});
