import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** A command to start as one process of an execution environment. */
export interface ProcessSpec {
  /** `runtime`, or the file name of an external extension. */
  readonly source: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** `performance.now()` when the process exited. */
  readonly atMs: number;
  /** Set when the process could not be started at all. */
  readonly spawnError?: string;
}

/** A line a process wrote to stdout or stderr. */
export interface ProcessLine {
  readonly source: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/**
 * One child process of an execution environment, with its output read line
 * by line. `exited` settles once the process has exited and its output has
 * been read to the end.
 */
export class EnvironmentProcess {
  readonly source: string;
  readonly pid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  #exit: ProcessExit | undefined;
  readonly #kill: (signal: NodeJS.Signals) => void;

  constructor(spec: ProcessSpec, onLine: (line: ProcessLine) => void) {
    // Its own process group, so that SIGKILL also ends what it started,
    // as Lambda kills the runtime's whole process group.
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const read = (stream: 'stdout' | 'stderr') =>
      new Promise<void>((done) =>
        createInterface({ input: child[stream], crlfDelay: Infinity })
          .on('line', (text) => onLine({ source: spec.source, stream, text }))
          .on('close', done),
      );
    const drained = Promise.all([read('stdout'), read('stderr')]);

    this.source = spec.source;
    this.pid = child.pid;
    this.#kill = (signal) => {
      try {
        if (signal === 'SIGKILL' && child.pid) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        child.kill(signal);
      }
    };
    this.exited = new Promise<ProcessExit>((resolve) => {
      const done = (exit: ProcessExit) => {
        this.#exit ??= exit;
        void drained.then(() => resolve(this.#exit!));
      };
      child.on('exit', (code, signal) =>
        done({ code, signal, atMs: performance.now() }),
      );
      child.on('error', (error) =>
        done({
          code: null,
          signal: null,
          atMs: performance.now(),
          spawnError: `${spec.command}: ${error.message}`,
        }),
      );
    });
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#exit === undefined;
  }

  /** When it exited, as soon as it has (output may still be draining). */
  get exit(): ProcessExit | undefined {
    return this.#exit;
  }

  /**
   * Sends a signal unless the process has already exited: SIGKILL to its
   * whole process group, any other signal to the process alone.
   */
  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.#kill(signal);
  }
}
