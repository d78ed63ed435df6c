import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LifecycleError } from '../../decorators/lifecycle-error';
import { UsageError } from './command-args';
import {
  hasControlCharacters,
  resolveConfig,
  type ResolvedConfig,
} from './generate-config';

/** The config file the commands read when not given `--config`. */
export const DEFAULT_CONFIG_FILE = 'lambda-lifecycle.config.json';

/**
 * Reads a config file as JSON, unchecked.
 *
 * Phase: none (build time). Throws `INVALID_CONFIG` naming the file when it
 * is not readable JSON or its name cannot go into a generated comment.
 */
export function readConfigFile(file: string): unknown {
  const source = path.basename(file);
  // The name goes into a comment in every entry; keep it on one line.
  if (hasControlCharacters(source)) {
    throw new LifecycleError(
      'INVALID_CONFIG',
      `${JSON.stringify(file)}: the config file name has control characters.`,
    );
  }
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new LifecycleError(
      'INVALID_CONFIG',
      `${source}: not readable as JSON: ${(error as Error).message}.`,
      { cause: error },
    );
  }
}

/**
 * Finds, reads and checks the config a command is given with `--config`
 * (`lambda-lifecycle.config.json` in `cwd` by default); its paths resolve
 * against the file's directory.
 *
 * Phase: none (build time). Throws `UsageError` when there is no such
 * file and `INVALID_CONFIG` for a config that does not check out.
 *
 * @example
 * ```ts
 * const config = loadConfigFile(args.config, io.cwd);
 * ```
 */
export function loadConfigFile(
  given: string | undefined,
  cwd: string,
): ResolvedConfig {
  const file = path.resolve(cwd, given ?? DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    throw new UsageError(
      `no config file at ${path.relative(cwd, file) || file}; pass ` +
        '--config <file>',
    );
  }
  return resolveConfig(
    readConfigFile(file),
    path.basename(file),
    path.dirname(file),
  );
}
