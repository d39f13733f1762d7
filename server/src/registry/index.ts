// The registry client's public face: build one with createRegistryClient(network, options).
export {
  createRegistryClient,
  type RegistryClientHandle,
  type RegistryClientOptions,
  type RequestInfo,
} from './createRegistryClient';
export { DEFAULT_CACHE_TTLS, type CacheTtls } from './cachedRegistryClient';
export { defaultCacheDir } from '../net/diskCache';
export { canonicalRegistry, resolveEndpoint, type RegistryEndpoint } from './endpoints';
export type * from './types';
