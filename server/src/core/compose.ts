// Finds `services.*.image` in a compose file with exact source ranges, and resolves `${VAR}`,
// `${VAR:-default}` and `${VAR-default}` from the environment and the `.env` beside the file.
import { isMap, isScalar, LineCounter, parseDocument, type Scalar } from 'yaml';
import { interpolate } from './interpolate';
import { LineIndex } from './lineIndex';
import { suppressedRulesAbove } from './suppression';
import type { DocumentProblem, ExtractionResult, ImageOccurrence } from './types';

export type Environment = (name: string) => string | undefined;

export function extractComposeImages(text: string, env: Environment = () => undefined): ExtractionResult {
  const occurrences: ImageOccurrence[] = [];
  const problems: DocumentProblem[] = [];
  const lines = new LineIndex(text);
  const doc = parseDocument(text, {
    lineCounter: new LineCounter(),
    uniqueKeys: false,
    prettyErrors: false,
    strict: false,
  });

  for (const error of doc.errors) {
    const [start, end] = error.pos;
    problems.push({
      code: 'invalid-document',
      range: lines.range(start, Math.max(end, start + 1)),
      message: `This compose file is not valid YAML: ${firstLine(error.message)}. Image references after this point may not be checked.`,
    });
  }

  const services = isMap(doc.contents) ? doc.contents.get('services', true) : undefined;
  if (!isMap(services)) return { occurrences, problems };

  for (const service of services.items) {
    if (!isMap(service.value)) continue;
    for (const pair of service.value.items) {
      if (!isScalar(pair.key) || pair.key.value !== 'image') continue;
      const node = pair.value;
      if (!isScalar(node) || !node.range || typeof node.value !== 'string') {
        if (node && isScalar(node) && node.range && node.value !== null) {
          problems.push({
            code: 'invalid-reference',
            range: lines.range(node.range[0], node.range[1]),
            message: 'The image must be a string such as "nginx:1.27".',
          });
        }
        continue;
      }
      const keyLine =
        isScalar(pair.key) && pair.key.range
          ? lines.positionAt(pair.key.range[0]).line
          : lines.positionAt(node.range[0]).line;
      occurrences.push(makeOccurrence(lines, node as Scalar<string>, keyLine, env, problems));
    }
  }
  return { occurrences, problems };
}

function makeOccurrence(
  lines: LineIndex,
  node: Scalar<string>,
  keyLine: number,
  env: Environment,
  problems: DocumentProblem[],
): ImageOccurrence {
  const [start, end] = node.range!;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const innerStart = quoted ? start + 1 : start;
  // An unterminated quote has no closing character to leave out.
  const closed = quoted && end - start >= 2 && lines.text[end - 1] === lines.text[start];
  const innerEnd = Math.max(innerStart, closed ? end - 1 : end);
  const written = lines.text.slice(innerStart, innerEnd);
  const value = node.value;
  const range = lines.range(innerStart, innerEnd);
  const occurrence: ImageOccurrence = {
    text: written,
    range,
    source: 'compose-image',
    suppressed: suppressedRulesAbove(lines, keyLine),
    constructLine: keyLine,
  };
  if (written !== value) {
    occurrence.editBlockedReason = 'the value is written with escapes or over several lines; edit it by hand';
  }
  const result = interpolate(value, env, { dollarEscape: true });
  occurrence.resolved = result.value;
  if (result.unresolved.length) {
    occurrence.unresolvedVariables = [...new Set(result.unresolved)];
    problems.push({
      code: 'unresolved-variable',
      range,
      reference: written,
      message: result.requiredMessage
        ? `The image cannot be checked: ${result.requiredMessage}.`
        : `The image cannot be checked: ${occurrence.unresolvedVariables.map((v) => `\${${v}}`).join(', ')} is not set in the environment or the .env file beside this compose file.`,
    });
  }
  if (result.uses.length === 0 || occurrence.editBlockedReason) return occurrence;
  const only =
    result.uses.length === 1 && result.uses[0].start === 0 && result.uses[0].end === value.length
      ? result.uses[0]
      : undefined;
  const usedDefault = only && (only.operator === ':-' || only.operator === '-') && env(only.name) === undefined;
  if (only && usedDefault && only.wordStart !== undefined && only.wordEnd !== undefined) {
    occurrence.editTarget = {
      range: lines.range(innerStart + only.wordStart, innerStart + only.wordEnd),
      text: value.slice(only.wordStart, only.wordEnd),
    };
  } else if (only) {
    occurrence.editBlockedReason = `the image comes from \${${only.name}}, set outside this file; pin it where ${only.name} is set`;
  } else {
    occurrence.editBlockedReason = 'the image is built from variables and text; pin the variables it uses instead';
  }
  return occurrence;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
