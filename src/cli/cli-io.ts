/** Where a command reads its directory from and writes for people. */
export interface CliIo {
  /** Results: one short line per thing done. */
  readonly stdout: NodeJS.WritableStream;
  /** Errors and usage. */
  readonly stderr: NodeJS.WritableStream;
  /** Input, for commands that read events from it. */
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** The directory relative paths start from. */
  readonly cwd: string;
}

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Lines with every column padded to the widest cell, two spaces apart; the
 * last column is not padded.
 *
 * @example
 * ```ts
 * io.stdout.write(alignRows([['wrote', 'entries/orders.mjs']]));
 * ```
 */
export function alignRows(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach(
      (cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)),
    );
  }
  return rows
    .map(
      (row) =>
        row
          .map((cell, i) =>
            i === row.length - 1 ? cell : cell.padEnd(widths[i]),
          )
          .join('  ') + '\n',
    )
    .join('');
}
