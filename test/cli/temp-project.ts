import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/cli-io';

const ROOT = path.resolve(__dirname, '../..');

/** Captures what a command writes for people. */
export class CapturedIo implements CliIo {
  out = '';
  err = '';
  readonly stdout = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.out += chunk.toString();
      done();
    },
  });
  readonly stderr = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.err += chunk.toString();
      done();
    },
  });

  constructor(readonly cwd: string) {}
}

/**
 * A throwaway project directory outside the repository, with the package,
 * reflect-metadata and tsyringe installed (linked) and the fixture handler
 * module at handlers/greeter.handler.cjs.
 */
export class TempProject {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'lambda-lifecycle-'));

  constructor() {
    const modules = path.join(this.dir, 'node_modules');
    mkdirSync(modules);
    symlinkSync(ROOT, path.join(modules, 'lambda-lifecycle'), 'dir');
    for (const name of ['reflect-metadata', 'tsyringe']) {
      symlinkSync(
        path.join(ROOT, 'node_modules', name),
        path.join(modules, name),
        'dir',
      );
    }
    mkdirSync(path.join(this.dir, 'handlers'));
    this.addFixture('greeter.handler.cjs');
  }

  /** Copies a file from test/cli/fixtures into handlers/. */
  addFixture(name: string): void {
    copyFileSync(
      path.join(__dirname, 'fixtures', name),
      this.file(`handlers/${name}`),
    );
  }

  file(relative: string): string {
    return path.join(this.dir, relative);
  }

  read(relative: string): string {
    return readFileSync(this.file(relative), 'utf8');
  }

  write(relative: string, text: string): void {
    mkdirSync(path.dirname(this.file(relative)), { recursive: true });
    writeFileSync(this.file(relative), text);
  }

  writeConfig(config: unknown, name = 'lambda-lifecycle.config.json'): void {
    this.write(name, JSON.stringify(config, null, 2));
  }

  io(): CapturedIo {
    return new CapturedIo(this.dir);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
