// The product's name and version as the build stamps them (esbuild `define`, scripts/build.mjs);
// tests run from source and see the development version.
declare const IMAGE_TRUST_VERSION: string | undefined;

export const PRODUCT_VERSION = typeof IMAGE_TRUST_VERSION === 'string' ? IMAGE_TRUST_VERSION : '0.0.0-dev';

/** Sent with every request, so a registry operator can tell who is calling (RFC 9110 §10.1.5). */
export const USER_AGENT = `image-trust/${PRODUCT_VERSION} (+https://github.com/image-trust/image-trust)`;
