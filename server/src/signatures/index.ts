// Signature discovery and key-based verification: what the facts service imports.
export { findSignatures } from './findSignatures';
export { cosignSignatureTag, COSIGN_SIGN_PREDICATE, KINDS as SIGNATURE_KINDS } from './discover';
