// The JSON Schema of `.image-trust.yaml`, built from the same key definitions the policy loader
// validates with (POLICY_KEYS in ./policy.ts). `npm run build` writes it to schemas/, where the
// extension's `contributes.yamlValidation` and the `$schema` comment of new policy files find it.
import { POLICY_FILE_NAME, POLICY_KEYS, type JsonSchema } from './policy';

/** Where the schema is published, for the comment editors other than VS Code read. */
export const POLICY_SCHEMA_URL =
  'https://raw.githubusercontent.com/image-trust/image-trust/main/schemas/image-trust-policy.schema.json';

/** The path of the schema file in the repository and in the extension. */
export const POLICY_SCHEMA_PATH = 'schemas/image-trust-policy.schema.json';

export function policySchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: POLICY_SCHEMA_URL,
    title: `image-trust policy (${POLICY_FILE_NAME})`,
    description:
      'Which registries and publishers images may come from and how severe each image-trust rule is. The editor and the image-trust CLI read the same file.',
    // An empty file is the default policy.
    type: ['object', 'null'],
    additionalProperties: false,
    properties: Object.fromEntries(Object.entries(POLICY_KEYS).map(([key, definition]) => [key, definition.schema])),
  };
}

/**
 * The start of a new policy file: what it is, and the `$schema` comment that gives completion
 * and validation in editors with the YAML language server.
 */
export function policyFileHeader(): string {
  return [
    `# yaml-language-server: $schema=${POLICY_SCHEMA_URL}`,
    '# image-trust policy: which registries and publishers images may come from, and rule severities.',
    '# The editor and `image-trust lint` in CI read this file. Keys: ' + Object.keys(POLICY_KEYS).join(', ') + '.',
    '',
  ].join('\n');
}
