export * from './MiddlewareDefinition';
export { MiddlewareDefinitions } from './MiddlewareDefinitions';
export type { MiddlewareDefinitionProblem } from './MiddlewareDefinitions';
export { readMiddlewareDefinition } from './readMiddlewareDefinition';
export {
  checkResolvedParameters,
  resolveMiddlewareParameters,
} from './resolveMiddlewareParameters';
export type { ResolvedMiddlewareParameters } from './resolveMiddlewareParameters';
export {
  createInstanceSeed,
  middlewareLabels,
  MIDDLEWARE_RENDER_LIMITS,
  renderMiddleware,
} from './renderMiddleware';
export type {
  ConnectionValue,
  MiddlewareConnection,
  RenderedMiddleware,
  RenderMiddlewareInput,
} from './renderMiddleware';
export { MIDDLEWARE_KINDS } from './checkMiddlewareObject';
