// The policy file as the client creates it (Create Policy File): its name and the header the
// server's policy loader documents, taken from the core so the two cannot differ. Re-exported
// here so that client/src imports nothing from server/src.
export { POLICY_FILE_NAME } from '../server/src/core/policy';
export { policyFileHeader } from '../server/src/core/policySchema';
