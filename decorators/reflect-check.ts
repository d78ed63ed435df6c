/// <reference types="reflect-metadata" />
// The one thing the package does at import: fail early, with the fix, when
// the Reflect metadata polyfill that decorators and tsyringe need is absent.
if (
  typeof Reflect !== 'object' ||
  typeof (Reflect as { getMetadata?: unknown }).getMetadata !== 'function'
) {
  throw new Error(
    'lambda-lifecycle needs the Reflect metadata polyfill. Add ' +
      "import 'reflect-metadata'; as the first line of your entry file " +
      '(generated entries do this for you).',
  );
}

export {};
