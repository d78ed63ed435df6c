import { existsSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import type * as Esbuild from 'esbuild';
import { LifecycleError } from '../../decorators/lifecycle-error';
import type { EntryFormat } from './generate-config';

/** The esbuild module, loaded on use. */
export type EsbuildApi = typeof Esbuild;

/** What one bundle is made of: its inputs grouped by package. */
export interface BundleShare {
  /** A package name, `lambda-lifecycle`, or `your code`. */
  readonly name: string;
  /** Bytes it takes in the minified bundle. */
  readonly bytes: number;
}

/** One bundle written. */
export interface BundleResult {
  /** Absolute path of the bundle. */
  readonly file: string;
  /** Size of the bundle, minified, in bytes. */
  readonly bytes: number;
  /** The largest share first. */
  readonly shares: readonly BundleShare[];
  /** Inputs that were TypeScript sources, relative to the working dir. */
  readonly typescriptInputs: readonly string[];
}

/** What a bundle is built from and where it goes. */
export interface BundleRequest {
  /** The generated entry (or any module exporting `handler`). */
  readonly entry: string;
  /** The bundle file to write. */
  readonly outfile: string;
  readonly format: EntryFormat;
  /** The directory paths in messages and the metafile are relative to. */
  readonly workingDir: string;
  /** Also write `<outfile>.map` and link it from the bundle. */
  readonly sourcemap?: boolean;
  /** Modules to leave out, besides `@aws-sdk/*`; `*` matches anything. */
  readonly external?: readonly string[];
}

/** The name the framework's share of a bundle goes under. */
export const FRAMEWORK = 'lambda-lifecycle';
/** The share of a bundle that belongs to no package. */
export const YOUR_CODE = 'your code';
/** The share of an ES module bundle that loads Node.js's own modules. */
export const NODE_IMPORTS = 'node: imports';

/**
 * Loads esbuild (the package `name`), from the project in `cwd` first, then
 * from wherever this package can reach it.
 *
 * Phase: none (build time). Throws `BUILD_FAILED` naming the package and
 * how to install it when it is not installed.
 *
 * @example
 * ```ts
 * const esbuild = await loadEsbuild(process.cwd());
 * ```
 */
export async function loadEsbuild(
  cwd: string,
  name = 'esbuild',
): Promise<EsbuildApi> {
  let where: string;
  try {
    where = require.resolve(name, { paths: [cwd, __dirname] });
  } catch (error) {
    throw new LifecycleError(
      'BUILD_FAILED',
      `lambda-lifecycle build bundles with the "${name}" package, an ` +
        `optional peer dependency, and cannot find it from ${cwd}. ` +
        `Install it: npm install --save-dev ${name}`,
      { cause: error },
    );
  }
  return (await import(where)) as EsbuildApi;
}

/** The root of the package that holds `file`, found by its package.json. */
function packageRoot(file: string, name: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
      };
      if (json.name === name) return dir;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

const SKIP = Symbol('resolve as usual');

/**
 * Picks the smaller build of two packages every bundle has, when the
 * installed version has it: tsyringe's ES2015 module build (which
 * tree-shakes and imports only the tslib helpers it uses; its CommonJS
 * build pulls in all of tslib) and reflect-metadata's `lite` export (the
 * same API without its own Map, Set and WeakMap, which Node.js has).
 */
const smallerBuilds: Esbuild.Plugin = {
  name: 'lambda-lifecycle-smaller-builds',
  setup(build) {
    const resolve = (args: Esbuild.OnResolveArgs, specifier: string) =>
      build.resolve(specifier, {
        importer: args.importer,
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: SKIP,
      });

    // Only what is bundled: a package marked external stays as it is.
    const bundled = async (args: Esbuild.OnResolveArgs) => {
      if (args.pluginData === SKIP) return undefined;
      const usual = await resolve(args, args.path);
      return usual.errors.length === 0 && !usual.external ? usual : undefined;
    };

    build.onResolve({ filter: /^reflect-metadata$/ }, async (args) => {
      if ((await bundled(args)) === undefined) return undefined;
      const lite = await resolve(args, 'reflect-metadata/lite');
      return lite.errors.length === 0 ? { path: lite.path } : undefined;
    });

    build.onResolve({ filter: /^tsyringe$/ }, async (args) => {
      const usual = await bundled(args);
      const root =
        usual === undefined ? undefined : packageRoot(usual.path, 'tsyringe');
      if (root === undefined) return undefined;
      const manifest = JSON.parse(
        readFileSync(path.join(root, 'package.json'), 'utf8'),
      ) as { es2015?: unknown };
      const es2015 =
        typeof manifest.es2015 === 'string'
          ? path.join(root, manifest.es2015)
          : undefined;
      return es2015 !== undefined && existsSync(es2015)
        ? { path: es2015 }
        : undefined;
    });
  },
};

/**
 * The packages whose function and class names nothing reads: the
 * framework's own names never reach a message, and tsyringe,
 * reflect-metadata and tslib only read the names of your classes.
 */
const NAMELESS_PACKAGES = ['tsyringe', 'reflect-metadata', 'tslib'];

/** Whether `file` belongs to a package of {@link NAMELESS_PACKAGES}. */
function inNamelessPackage(file: string): boolean {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  return at !== -1 && NAMELESS_PACKAGES.includes(parts[at + 1] ?? '');
}

const SCRIPT = /\.([cm]?[jt]s|[jt]sx)$/;

/**
 * Keeps the names of classes and functions in minified code, as esbuild's
 * `keepNames` does, in every file but the framework's and those of its
 * injection packages. Messages name your classes and hooks
 * (`@OnInit on Database.connect`), and some packages read their own
 * names, so those must survive; the framework's code does not need its
 * names, and keeping them cost its bundle 5.5 KB and its INIT about
 * 0.7 ms (one `defineProperty` per function at load). Each file is passed
 * through esbuild alone with `keepNames` before the bundle is minified,
 * which also follows the file's source map.
 */
function keepNamesOutside(
  framework: readonly string[],
  sourcemap: boolean,
): Esbuild.Plugin {
  return {
    name: 'lambda-lifecycle-keep-names',
    setup(build) {
      build.onLoad({ filter: SCRIPT, namespace: 'file' }, async (args) => {
        const nameless =
          framework.some((dir) => args.path.startsWith(dir)) ||
          inNamelessPackage(args.path);
        if (nameless) return undefined;

        const result = await build.esbuild
          .build({
            entryPoints: [args.path],
            // The inline map's sources are relative to this directory, which
            // is where the bundle looks for them.
            absWorkingDir: path.dirname(args.path),
            bundle: false,
            write: false,
            keepNames: true,
            platform: 'node',
            sourcemap: sourcemap ? 'inline' : false,
            tsconfigRaw: '{}',
            logLevel: 'silent',
          })
          // A file that does not parse is left to the bundle, whose error
          // names it and its line.
          .catch(() => undefined);
        if (result === undefined) return undefined;
        return {
          contents: result.outputFiles[0].text,
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
    },
  };
}

const BUILTIN = 'lambda-lifecycle-builtin';

/**
 * In an ES module bundle, loads Node.js's own modules with `require` where
 * the code imports them. An `import` of a built-in module makes Node.js
 * build an ES module view of it, which reads every export: on Node.js 24,
 * `node:http`'s lazy `WebSocket` and `fetch` exports load undici, about
 * 16 ms of INIT (measured with the bundle benchmark). `require` reads none,
 * and Lambda's runtime client has loaded the common ones with `require`
 * before the handler.
 */
const builtinsByRequire: Esbuild.Plugin = {
  name: 'lambda-lifecycle-builtins-by-require',
  setup(build) {
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path)
        ? { path: args.path, namespace: BUILTIN }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: BUILTIN }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// An ES module has no `require`, `__filename` or `__dirname`, and CommonJS
// code bundled into one still uses them: `require` for what stays outside
// (node: built-ins, @aws-sdk/*), the others to find files. Minified, the
// bundle's own top-level names are short, so these cannot collide.
const ESM_COMMONJS_GLOBALS =
  "import{createRequire as __llRequire}from'node:module';" +
  "import{fileURLToPath as __llPath}from'node:url';" +
  "import{dirname as __llDirname}from'node:path';" +
  'const require=__llRequire(import.meta.url);' +
  'const __filename=__llPath(import.meta.url);' +
  'const __dirname=__llDirname(__filename);';

/**
 * The esbuild options a handler bundle is built with: one minified file for
 * Node.js 20 and later, everything inlined except the AWS SDK that Lambda's
 * Node.js runtimes ship, `tsconfig.json` ignored (the input is compiled
 * JavaScript, and a `paths` entry pointing at TypeScript sources would lose
 * the decorator metadata that tsc emitted).
 *
 * Phase: none (build time). Does not throw.
 *
 * @example
 * ```ts
 * await esbuild.build(bundleOptions({ entry, outfile, format: 'esm', workingDir }));
 * ```
 */
export function bundleOptions(request: BundleRequest): Esbuild.BuildOptions {
  return {
    entryPoints: [request.entry],
    outfile: request.outfile,
    absWorkingDir: request.workingDir,
    bundle: true,
    minify: true,
    // Names are kept outside the framework only: see keepNamesOutside.
    keepNames: false,
    platform: 'node',
    target: 'node20',
    format: request.format,
    // https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
    // Limitation: files beside a package's modules are not copied.
    external: ['@aws-sdk/*', ...(request.external ?? [])],
    tsconfigRaw: '{}',
    plugins: [
      smallerBuilds,
      ...(request.format === 'esm' ? [builtinsByRequire] : []),
      keepNamesOutside(frameworkDirs(), request.sourcemap === true),
    ],
    banner: request.format === 'esm' ? { js: ESM_COMMONJS_GLOBALS } : undefined,
    sourcemap: request.sourcemap ? 'linked' : false,
    metafile: true,
    write: true,
    logLevel: 'silent',
  };
}

/** Where the files of this package are: what counts as the framework. */
function frameworkDirs(): string[] {
  const root = packageRoot(__filename, FRAMEWORK);
  if (root === undefined) return [];
  return ['dist/src', 'dist/decorators', 'dist/esm', 'src', 'decorators'].map(
    (dir) => path.join(root, dir) + path.sep,
  );
}

/** The package an input belongs to, by its path. */
function shareOf(file: string, framework: readonly string[]): string {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at !== -1 && at + 1 < parts.length) {
    const scoped = parts[at + 1].startsWith('@');
    return scoped
      ? `${parts[at + 1]}/${parts[at + 2]}`
      : (parts[at + 1] ?? YOUR_CODE);
  }
  return framework.some((dir) => file.startsWith(dir)) ? FRAMEWORK : YOUR_CODE;
}

const TYPESCRIPT = /\.(ts|tsx|mts|cts)$/;

/**
 * Sums a bundle's inputs by package, largest first, from esbuild's
 * metafile, and lists the inputs that were TypeScript sources.
 *
 * Phase: none (build time). Does not throw.
 */
export function summarize(
  metafile: Esbuild.Metafile,
  workingDir: string,
): Omit<BundleResult, 'file'> {
  const framework = frameworkDirs();
  const [output] = Object.entries(metafile.outputs).filter(
    ([file]) => !file.endsWith('.map'),
  );
  const totals = new Map<string, number>();

  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const name = input.startsWith(`${BUILTIN}:`)
      ? NODE_IMPORTS
      : shareOf(path.resolve(workingDir, input), framework);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  const shares = [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1));
  const typescriptInputs = Object.keys(metafile.inputs)
    .filter((input) => TYPESCRIPT.test(input) && !/\.d\.[mc]?ts$/.test(input))
    .sort();

  return { bytes: output[1].bytes, shares, typescriptInputs };
}

function describeMessages(messages: readonly Esbuild.Message[]): string {
  return messages
    .slice(0, 5)
    .map((message) => {
      const at = message.location
        ? `${message.location.file}:${message.location.line}: `
        : '';
      return `  ${at}${message.text}`;
    })
    .join('\n');
}

/**
 * Bundles one entry into one minified file with {@link bundleOptions} and
 * tells what the bundle is made of.
 *
 * Phase: none (build time). Throws `BUILD_FAILED` with esbuild's first
 * errors (file, line and text) when bundling fails.
 *
 * @example
 * ```ts
 * const result = await bundleEntry(esbuild, { entry, outfile, format: 'esm', workingDir });
 * ```
 */
export async function bundleEntry(
  esbuild: EsbuildApi,
  request: BundleRequest,
): Promise<BundleResult> {
  let result: Esbuild.BuildResult<{ metafile: true }>;
  try {
    result = (await esbuild.build(bundleOptions(request))) as typeof result;
  } catch (error) {
    const errors = (error as { errors?: Esbuild.Message[] }).errors ?? [];
    throw new LifecycleError(
      'BUILD_FAILED',
      `esbuild could not bundle ${path.relative(request.workingDir, request.entry)}:\n` +
        (errors.length > 0
          ? describeMessages(errors)
          : `  ${(error as Error).message}`),
      { cause: error },
    );
  }
  return {
    file: request.outfile,
    ...summarize(result.metafile, request.workingDir),
  };
}
