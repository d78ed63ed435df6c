import { readFileSync } from 'node:fs';
import path from 'node:path';

const SAMPLES = path.resolve(__dirname, '..', '..', 'samples');

/** An event from samples/<sample>/events/<name>.json. */
export function sampleEvent(sample: string, name: string): unknown {
  const file = path.join(SAMPLES, sample, 'events', `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8'));
}
