/**
 * Moved to `src/__testUtils__/startTestPlatform.ts`, where the lint rule
 * `@backstage/no-undeclared-imports` lets it use devDependencies (it treats
 * `src/testing/` as production code). This re-export only keeps the old
 * import path of `applications.test.ts` working until it imports
 * `../__testUtils__/startTestPlatform`; then delete this file.
 */
// eslint-disable-next-line no-restricted-imports
export * from '../__testUtils__/startTestPlatform';
