import type { Rule } from './rule';

// Reported by the engine when parsing fails; this object carries the rule's metadata.
export const invalidReference: Rule = {
  id: 'invalid-reference',
  defaultSeverity: 'error',
  description: 'The text is not a valid image reference.',
  help: 'Docker rejects references with an upper-case repository, bad tag characters or a malformed digest, so the build fails before it starts. Write the reference as [registry/]repository[:tag][@sha256:digest] with a lower-case repository. In a Dockerfile it is also a word BuildKit cannot expand (an unclosed ${, ${VAR:?message} without VAR), a variable not declared before the first FROM (it expands to an empty string), COPY --from=$VAR or RUN --mount from=$VAR (BuildKit does not expand them), a COPY --from or mount from= stage defined after the current one or an index past the last stage, and a FROM, COPY or RUN --mount that BuildKit rejects (a flag FROM does not take, a flag given twice or without a value, anything but one or three FROM arguments, an invalid stage name).',
  needsNetwork: false,
  check: () => undefined,
};
