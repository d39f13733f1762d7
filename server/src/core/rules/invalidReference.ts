import type { Rule } from './rule';

// Reported by the engine when parsing fails; this object carries the rule's metadata.
export const invalidReference: Rule = {
  id: 'invalid-reference',
  defaultSeverity: 'error',
  description: 'The text is not a valid image reference.',
  help: 'Docker rejects references with an upper-case repository, bad tag characters or a malformed digest, so the build fails before it starts. Write the reference as [registry/]repository[:tag][@sha256:digest] with a lower-case repository. In a Dockerfile it is also a word BuildKit cannot expand (an unclosed ${, ${VAR:?message} without VAR), a variable not declared before the first FROM (it expands to an empty string), COPY --from=$VAR (BuildKit does not expand --from) and a COPY --from stage index past the last stage.',
  needsNetwork: false,
  check: () => undefined,
};
