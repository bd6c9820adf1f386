/**
 * Types, states and the REST client of the App Platform, shared by its
 * frontend and backend packages.
 *
 * @packageDocumentation
 */

export * from './states';
export * from './names';
export * from './health';
export * from './client/AppPlatformClient';
export * from './permissions';
export * from './types';
export * from './servers';
export * from './services';
export * from './middleware';
