import '../../decorators/reflect-check';

export { createTestBed, TestBed } from './test-bed';
export type { LogEntry, TestBedOptions } from './test-bed';
export { createFakeContext } from './fake-context';
export type { FakeContextOptions } from './fake-context';
