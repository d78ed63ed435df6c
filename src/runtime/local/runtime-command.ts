import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LifecycleError } from '../../../decorators/lifecycle-error';

/** Which runtime client runs in the child process. */
export type RuntimeClientKind = 'builtin' | 'ric';

/** The command that starts the runtime process. */
export interface RuntimeCommand {
  readonly command: string;
  readonly args: readonly string[];
}

const RIC_PACKAGE = 'aws-lambda-ric';

/**
 * Where `npm run build` puts the built-in runtime client: next to this
 * file's compiled form, or under `dist/` when this file runs from the
 * TypeScript sources (ts-jest, ts-node), since a child `node` cannot run
 * TypeScript.
 */
export function defaultBootstrapPath(): string {
  const sibling = path.join(__dirname, '..', 'bootstrap.js');
  if (existsSync(sibling)) return sibling;

  const root = path.resolve(__dirname, '..', '..', '..');
  return path.join(root, 'dist', 'src', 'runtime', 'bootstrap.js');
}

function ricManifest(taskRoot: string, ricPackage?: string): string {
  if (ricPackage !== undefined) {
    const manifest = path.resolve(ricPackage, 'package.json');
    if (!existsSync(manifest)) {
      throw new LifecycleError(
        'INVALID_CONFIG',
        `Local runtime "ric": ${ricPackage} is not a package directory ` +
          `(no package.json); give the directory of an ${RIC_PACKAGE} install.`,
      );
    }
    return manifest;
  }

  try {
    return require.resolve(`${RIC_PACKAGE}/package.json`, {
      paths: [taskRoot, __dirname],
    });
  } catch (error) {
    throw new LifecycleError(
      'INVALID_CONFIG',
      `Local runtime "ric": the npm package "${RIC_PACKAGE}" is not ` +
        `installed (looked from ${taskRoot} and ${__dirname}). Install it ` +
        `with "npm install --save-dev ${RIC_PACKAGE}" or use the builtin ` +
        'runtime.',
      { cause: error },
    );
  }
}

function ricBin(taskRoot: string, ricPackage?: string): string {
  const manifest = ricManifest(taskRoot, ricPackage);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const relative = typeof bin === 'string' ? bin : bin?.[RIC_PACKAGE];
  if (relative === undefined) {
    throw new LifecycleError(
      'INVALID_CONFIG',
      `Local runtime "ric": ${manifest} declares no "${RIC_PACKAGE}" bin, ` +
        'so there is no command to start. Use the builtin runtime.',
    );
  }
  return path.resolve(path.dirname(manifest), relative);
}

/**
 * The command line of the runtime process: the built-in runtime client, or
 * the bin of `aws-lambda-ric` (version 3 takes `_HANDLER` as its argument
 * and loads it from its working directory, version 4 reads `_HANDLER` and
 * `LAMBDA_TASK_ROOT`; both are given).
 *
 * Throws `INVALID_CONFIG` when the client's file cannot be found.
 */
export function runtimeCommand(options: {
  readonly kind: RuntimeClientKind;
  readonly nodePath: string;
  readonly bootstrapPath?: string;
  readonly ricPackage?: string;
  readonly handler: string;
  readonly taskRoot: string;
}): RuntimeCommand {
  if (options.kind === 'ric') {
    const bin = ricBin(options.taskRoot, options.ricPackage);
    return { command: options.nodePath, args: [bin, options.handler] };
  }

  const bootstrap = options.bootstrapPath ?? defaultBootstrapPath();
  if (!existsSync(bootstrap)) {
    throw new LifecycleError(
      'INVALID_CONFIG',
      `Local runtime "builtin": the runtime client ${bootstrap} does not ` +
        'exist. Run "npm run build" first, or pass bootstrapPath.',
    );
  }
  return { command: options.nodePath, args: [bootstrap] };
}
