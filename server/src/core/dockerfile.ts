// Finds every image a Dockerfile pulls: FROM (with --platform, AS, global ARG defaults),
// COPY --from=<image> and RUN --mount=...,from=<image>. Earlier stage names and scratch are not
// images. dockerfile-ast handles `# escape=`, continuations, heredocs and lowercase keywords.
import { DockerfileParser, type Flag, type From, type Instruction } from 'dockerfile-ast';
import { blankIrrelevantInstructions } from './dockerfileBlanking';
import { interpolate } from './interpolate';
import { LineIndex } from './lineIndex';
import { suppressedRulesAbove } from './suppression';
import type { DocumentProblem, EditTarget, ExtractionResult, ImageOccurrence, Range, ReferenceSource } from './types';

interface ArgDefault {
  value?: string;
  /** Where the default's text lives, when it can be rewritten in place. */
  target?: EditTarget;
}

/** `blank: false` parses the text as it is (the reference the blanking is tested against). */
export function extractDockerfileImages(text: string, options: { blank?: boolean } = {}): ExtractionResult {
  const occurrences: ImageOccurrence[] = [];
  const problems: DocumentProblem[] = [];
  const lines = new LineIndex(text);
  const dockerfile = DockerfileParser.parse(options.blank === false ? text : blankIrrelevantInstructions(text));

  const globalArgs = new Map<string, ArgDefault>();
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (!property) continue;
    const value = property.getValue();
    const valueRange = property.getValueRange();
    const entry: ArgDefault = { value: value ?? undefined };
    if (value !== null && valueRange) {
      const raw = lines.textIn(valueRange);
      // Only a plain default can be rewritten without changing its quoting or escapes.
      if (raw === value) entry.target = { range: valueRange, text: raw };
    }
    globalArgs.set(property.getName(), entry);
  }

  const stageNames = new Set<string>();
  let stageIndex = 0;
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = instruction as From;
      const args = from.getArguments();
      const image = args[0];
      if (image) {
        const name = image.getValue();
        const isStage = stageNames.has(name.toLowerCase());
        if (!isStage && name.toLowerCase() !== 'scratch') {
          const occurrence = makeOccurrence(lines, instruction, 'from', name, image.getRange(), globalArgs);
          const platform = from.getPlatformFlag()?.getValue();
          if (platform) occurrence.platform = platform;
          occurrences.push(occurrence);
        }
      }
      const stage = from.getBuildStage();
      if (stage) stageNames.add(stage.toLowerCase());
      stageNames.add(String(stageIndex));
      stageIndex++;
    } else if (keyword === 'COPY') {
      const flag = findFlag(instruction, 'from');
      const value = flag?.getValue();
      const range = flag?.getValueRange();
      if (flag && value && range && !stageNames.has(value.toLowerCase()) && !/^\d+$/.test(value)) {
        occurrences.push(makeOccurrence(lines, instruction, 'copy-from', value, range, globalArgs));
      }
    } else if (keyword === 'RUN') {
      for (const flag of flagsOf(instruction)) {
        if (flag.getName() !== 'mount') continue;
        const option = flag.getOption('from');
        const value = option?.getValue();
        const range = option?.getValueRange();
        if (option && value && range && !stageNames.has(value.toLowerCase()) && !/^\d+$/.test(value)) {
          occurrences.push(makeOccurrence(lines, instruction, 'mount-from', value, range, globalArgs));
        }
      }
    }
  }
  for (const occurrence of occurrences) {
    if (occurrence.unresolvedVariables?.length) {
      problems.push({
        code: 'unresolved-variable',
        reference: occurrence.text,
        range: occurrence.range,
        message: `The image cannot be checked: ${occurrence.unresolvedVariables.map((v) => `\${${v}}`).join(', ')} has no default in a global ARG. Give the ARG a default (ARG ${occurrence.unresolvedVariables[0]}=...) so the image can be verified.`,
      });
    }
  }
  return { occurrences, problems };
}

function flagsOf(instruction: Instruction): Flag[] {
  const withFlags = instruction as Instruction & { getFlags?: () => Flag[] };
  return typeof withFlags.getFlags === 'function' ? withFlags.getFlags() : [];
}

function findFlag(instruction: Instruction, name: string): Flag | undefined {
  return flagsOf(instruction).find((f) => f.getName() === name);
}

function makeOccurrence(
  lines: LineIndex,
  instruction: Instruction,
  source: ReferenceSource,
  value: string,
  range: Range,
  args: Map<string, ArgDefault>,
): ImageOccurrence {
  const written = lines.textIn(range);
  const occurrence: ImageOccurrence = {
    text: written,
    range,
    source,
    suppressed: suppressedRulesAbove(lines, instruction.getRange().start.line),
    constructLine: instruction.getRange().start.line,
  };
  if (written !== value) {
    // The reference is split by a line continuation or holds escapes: we can read it but not
    // rewrite it safely.
    occurrence.editBlockedReason = 'the reference is split over lines or contains escape characters';
  }
  const result = interpolate(value, (name) => args.get(name)?.value);
  if (result.uses.length === 0) {
    occurrence.resolved = value;
    return occurrence;
  }
  occurrence.resolved = result.value;
  if (result.unresolved.length) occurrence.unresolvedVariables = [...new Set(result.unresolved)];
  if (occurrence.editBlockedReason) return occurrence;

  // Decide where a fix writes: a reference that is exactly one variable lives in its ARG default
  // (or in the `:-` default written right here); anything built from pieces cannot be pinned.
  const only =
    result.uses.length === 1 && result.uses[0].start === 0 && result.uses[0].end === value.length
      ? result.uses[0]
      : undefined;
  if (!only) {
    occurrence.editBlockedReason = 'the reference is built from variables and text; pin the ARG values it uses instead';
    return occurrence;
  }
  const arg = args.get(only.name);
  const usesDefaultWord =
    (only.operator === ':-' && !arg?.value) || (only.operator === '-' && arg?.value === undefined);
  if (usesDefaultWord && only.wordStart !== undefined && only.wordEnd !== undefined) {
    const startOffset = lines.offsetAt(range.start) + only.wordStart;
    const endOffset = lines.offsetAt(range.start) + only.wordEnd;
    occurrence.editTarget = {
      range: lines.range(startOffset, endOffset),
      text: value.slice(only.wordStart, only.wordEnd),
    };
  } else if (!only.operator && arg?.target) {
    occurrence.editTarget = arg.target;
  } else if (!only.operator || only.operator === ':-' || only.operator === '-') {
    occurrence.editBlockedReason =
      arg?.value !== undefined
        ? `the value of ${only.name} is written with quotes or escapes; pin it by hand`
        : `${only.name} has no default value in this file`;
  } else {
    occurrence.editBlockedReason = `the reference uses \${${only.name}${only.operator}...}, which cannot be pinned in place`;
  }
  return occurrence;
}
