// The network door: the only module that makes HTTP requests (docs/network.md).
export {
  HttpClient,
  sleep,
  type BodyReader,
  type HttpClientOptions,
  type HttpExchange,
  type HttpOutcome,
  type HttpRequest,
  type NetFailure,
  type NetFailureKind,
  type RequestCounts,
  type RequestInfo,
  type StreamedBody,
} from './httpClient';
export { DiskCache, defaultCacheDir, type KeyedRecord } from './diskCache';
export { isPlainHttpAllowed, isTransportAllowed, normalizeHostEntry } from './plainHttp';
export { PRODUCT_VERSION, USER_AGENT } from './productVersion';
export { parseRetryAfter, retryWaitMs } from './retryAfter';
export { BudgetExhausted, DeadlinePassed, RunBudget, budgetedSignal, formatSeconds } from './runBudget';
