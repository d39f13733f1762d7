#!/usr/bin/env bash
# The lint step of action.yml: runs `image-trust lint` with the action's inputs, writes SARIF and
# records the exit code as a step output, so the SARIF upload happens before the step fails.
set -uo pipefail
args=(lint --format sarif --fail-on "${IMAGE_TRUST_FAIL_ON:-warning}")
if [ "${IMAGE_TRUST_OFFLINE:-false}" = "true" ]; then args+=(--offline); fi
if [ -n "${IMAGE_TRUST_CONFIG:-}" ]; then args+=(--config "$IMAGE_TRUST_CONFIG"); fi
# Paths are separated by whitespace (an action input is one string).
read -r -a paths <<< "${IMAGE_TRUST_PATHS:-.}"
node "$GITHUB_ACTION_PATH/dist/cli.js" "${args[@]}" "${paths[@]}" > "${IMAGE_TRUST_SARIF:-image-trust.sarif}"
code=$?
echo "exit-code=$code" >> "$GITHUB_OUTPUT"
exit 0
