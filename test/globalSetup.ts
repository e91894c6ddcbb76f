import type { TestProject } from 'vitest/node';
import { useAzurite } from './helpers/azurite.js';

/**
 * One real Azurite (the official Blob emulator) for the whole run, on a free port, in a
 * throwaway folder removed afterwards. Tests reach it with `inject('azuriteConnectionString')`
 * and use containers of their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const azurite = await useAzurite();
  project.provide('azuriteConnectionString', azurite.connectionString);
  return () => azurite.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    azuriteConnectionString: string;
  }
}
