// Docker Hub web API: what the facts service and hover import.
export { createHubClient, type HubClient, type HubClientOptions, type HubPublisherTier } from './hubClient';
export { humanizeCount, hubPageUrl } from './display';
export { hubTagPlatforms, platformOf } from './normalize';
export type { HubRepository, HubResult, HubTag, HubTagImage } from './types';
