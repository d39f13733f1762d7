// Finds every image a Dockerfile pulls, deciding as BuildKit does
// (https://docs.docker.com/reference/dockerfile/): FROM (with --platform, AS and global ARGs),
// COPY --from=<image>, RUN --mount=...,from=<image>, and the same inside ONBUILD triggers, which
// child builds run. Stage names and scratch are not images. dockerfile-ast handles `# escape=`,
// continuations, heredocs and lowercase keywords; the words are expanded by dockerfileExpansion.
import { DockerfileParser, type Arg, type Flag, type From, type Instruction } from 'dockerfile-ast';
import { blankIrrelevantInstructions } from './dockerfileBlanking';
import { expandDockerfileWord, UNKNOWN_VALUE, type ExpandedWord, type WordLookup } from './dockerfileExpansion';
import { decideFixTarget, type VariableSite } from './fixTarget';
import { LineIndex } from './lineIndex';
import { documentSeverity, unresolvedVariable } from './rules/documentProblems';
import { invalidReference } from './rules/invalidReference';
import { suppressedRulesAbove } from './suppression';
import type { DocumentProblem, ExtractionResult, ImageOccurrence, Range, ReferenceSource } from './types';

/**
 * The ARGs BuildKit defines in the global scope for every build, from the platforms it builds for
 * ("Automatic platform ARGs in the global scope"): their values exist only at build time.
 */
export const AUTOMATIC_PLATFORM_ARGS: ReadonlySet<string> = new Set([
  'BUILDPLATFORM',
  'BUILDOS',
  'BUILDOSVERSION',
  'BUILDARCH',
  'BUILDVARIANT',
  'TARGETPLATFORM',
  'TARGETOS',
  'TARGETOSVERSION',
  'TARGETARCH',
  'TARGETVARIANT',
  'TARGETSTAGE',
]);

/** A global ARG as the FROM lines see it. */
interface GlobalArg {
  /** Its value, UNKNOWN_VALUE when it is decided at build time, undefined when it has none. */
  value: string | typeof UNKNOWN_VALUE | undefined;
  /** Why the value is unknown: set by the build platform or only by --build-arg. */
  unknownBecause?: 'platform' | 'build-arg';
  /** The ARGs without a known value that this one's value comes from (itself, for those). */
  roots: string[];
  /** Where a pin writes the value, or why it cannot. */
  site: VariableSite;
}

/** `blank: false` parses the text as it is (the reference the blanking is tested against). */
export function extractDockerfileImages(text: string, options: { blank?: boolean } = {}): ExtractionResult {
  const occurrences: ImageOccurrence[] = [];
  const problems: DocumentProblem[] = [];
  const lines = new LineIndex(text);
  const dockerfile = DockerfileParser.parse(options.blank === false ? text : blankIrrelevantInstructions(text));
  const escape = dockerfile.getEscapeCharacter() || '\\';
  const globals = readGlobalArgs(dockerfile.getInitialARGs(), lines, escape);
  const globalLookup: WordLookup = (name) => globals.get(name)?.value;

  const instructions = dockerfile.getInstructions();
  const froms = instructions.filter((i): i is From => i.getKeyword() === 'FROM');
  // COPY --from and RUN --mount from= look a name up among every stage of the file; FROM only
  // among the stages before it ("Understand how ARG and FROM interact", "COPY --from").
  const allStageNames = new Set(froms.map((f) => f.getBuildStage()?.toLowerCase()).filter((n): n is string => !!n));
  const earlierStageNames = new Set<string>();
  const context: Context = { lines, escape, globals, occurrences, problems };

  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const from = instruction as From;
      const image = from.getArguments()[0];
      if (image) {
        const word = wordAt(lines, image.getValue(), image.getRange());
        const expanded = expandDockerfileWord(word.value, globalLookup, escape);
        // BuildKit expands the name first, then matches it against the earlier stages' names
        // (which are lower case); `scratch` is the empty image.
        const isStage = expanded.value !== undefined && earlierStageNames.has(expanded.value);
        if (!isStage && expanded.value !== 'scratch') {
          const occurrence = makeOccurrence(context, instruction, 'from', word, expanded);
          if (occurrence.resolved === '' && !occurrence.expansionError) {
            occurrence.resolved = undefined;
            occurrence.expansionError = `base name (${word.value}) should not be blank`;
          }
          const platform = from.getPlatformFlag()?.getValue();
          if (platform) occurrence.platform = platform;
          occurrences.push(occurrence);
        }
      }
      const stage = from.getBuildStage();
      if (stage) earlierStageNames.add(stage.toLowerCase());
    } else if (keyword === 'COPY') {
      copyFrom(context, instruction, instruction, allStageNames, froms.length, false);
    } else if (keyword === 'RUN') {
      mountFrom(context, instruction, instruction, allStageNames, globalLookup, false);
    } else if (keyword === 'ONBUILD') {
      // ONBUILD triggers run in the build of every image FROM this one: their images are pulled
      // there ("ONBUILD"), with that build's stages and ARGs.
      const trigger = (
        instruction as Instruction & { getTriggerInstruction(): Instruction | null }
      ).getTriggerInstruction();
      const childLookup: WordLookup = () => UNKNOWN_VALUE;
      if (trigger?.getKeyword() === 'COPY') copyFrom(context, instruction, trigger, allStageNames, froms.length, true);
      else if (trigger?.getKeyword() === 'RUN')
        mountFrom(context, instruction, trigger, allStageNames, childLookup, true);
    }
  }
  for (const occurrence of occurrences) {
    if (occurrence.unresolvedVariables?.length) problems.push(unresolvedProblem(occurrence));
  }
  return { occurrences, problems };
}

interface Context {
  lines: LineIndex;
  escape: string;
  globals: Map<string, GlobalArg>;
  occurrences: ImageOccurrence[];
  problems: DocumentProblem[];
}

/** A word of the file: its value (continuations joined) and where its text is. */
interface Word {
  value: string;
  range: Range;
  /** The text at `range`; equal to `value` when the word sits on one line. */
  written: string;
}

function wordAt(lines: LineIndex, value: string, range: Range): Word {
  const written = lines.textIn(range);
  // A reference written in one pair of quotes is the text inside them.
  const m = /^(["'])([^"'\\`$]*)\1$/.exec(written);
  if (m && written === value) {
    const start = lines.offsetAt(range.start) + 1;
    return { value: m[2], written: m[2], range: lines.range(start, start + m[2].length) };
  }
  return { value, range, written };
}

function readGlobalArgs(args: Arg[], lines: LineIndex, escape: string): Map<string, GlobalArg> {
  const globals = new Map<string, GlobalArg>();
  for (const name of AUTOMATIC_PLATFORM_ARGS) {
    globals.set(name, {
      value: UNKNOWN_VALUE,
      unknownBecause: 'platform',
      roots: [name],
      site: { blocked: `${name} is set by BuildKit for the platform it builds` },
    });
  }
  // Each global ARG's default is expanded with the global ARGs before it; an ARG written again
  // without a value keeps the value it had ("Scope", "Using ARG variables").
  for (const arg of args) {
    for (const pair of argPairs(lines, arg, escape)) {
      const name = pair.name;
      if (pair.value === undefined) {
        if (!globals.has(name)) {
          globals.set(name, {
            value: undefined,
            unknownBecause: 'build-arg',
            roots: [name],
            site: { blocked: `${name} has no default value in this file` },
          });
        }
        continue;
      }
      const word = wordAt(lines, pair.value, pair.valueRange!);
      const lookup: WordLookup = (n) => globals.get(n)?.value;
      const expanded = expandDockerfileWord(word.value, lookup, escape);
      // A default built from an ARG whose value only --build-arg or the platform gives is as
      // unknown as that ARG.
      const dependsOn = [...expanded.unknown, ...expanded.unsetUsed.filter((n) => globals.has(n))];
      const roots = [...new Set(dependsOn.flatMap((n) => globals.get(n)?.roots ?? [n]))];
      const value = roots.length ? UNKNOWN_VALUE : expanded.value;
      let site: VariableSite;
      if (word.written !== word.value) {
        site = { blocked: `the value of ${name} is split over lines; pin it by hand` };
      } else if (expanded.uses.length === 0) {
        site = expanded.quotedOrEscaped
          ? { blocked: `the value of ${name} is written with quotes or escapes; pin it by hand` }
          : { target: { range: word.range, text: word.written } };
      } else {
        const decision = decideFixTarget({
          written: word.written,
          uses: expanded.uses,
          defaultWordUsed: (use) => defaultWordUsed(use, lookup),
          targetAt: (s, e) => targetIn(lines, word, s, e),
          variableSite: (n) => globals.get(n)?.site ?? { blocked: `${n} has no default value in this file` },
          piecesReason: `the default of ${name} is built from other ARGs and text; pin the ARGs it uses instead`,
        });
        site = decision.editTarget
          ? { target: decision.editTarget }
          : { blocked: decision.editBlockedReason ?? `${name} cannot be pinned in place` };
      }
      const unknownBecause = roots.some((n) => AUTOMATIC_PLATFORM_ARGS.has(n)) ? 'platform' : 'build-arg';
      globals.set(name, { value, unknownBecause: roots.length ? unknownBecause : undefined, roots, site });
    }
  }
  return globals;
}

/**
 * The `name[=value]` words of an ARG, split as BuildKit splits them (on whitespace outside quotes;
 * a word without `=` declares a name without a value). dockerfile-ast reads `ARG A B` as ENV's
 * legacy `key value` form, which ARG does not have ("ARG").
 */
/** Stands for a line continuation inside an ARG word (never in a Dockerfile's text). */
const SPLIT_MARK = '\u0000';

function argPairs(
  lines: LineIndex,
  arg: Arg,
  escape: string,
): Array<{ name: string; value?: string; valueRange?: Range }> {
  const range = arg.getRange();
  const start = lines.offsetAt(range.start);
  const text = lines.text.slice(start, lines.offsetAt(range.end));
  const keyword = /^\s*[A-Za-z]+/.exec(text);
  if (!keyword) return [];
  const words: Array<{ value: string; start: number; end: number }> = [];
  let i = keyword[0].length;
  let current: { value: string; start: number; end: number } | undefined;
  let quote: string | undefined;
  while (i < text.length) {
    const ch = text[i];
    const continuation = /^(?:\r\n|\n|\r)/.exec(text.slice(i + 1));
    if (ch === escape && continuation && !quote) {
      // A line continuation joins the lines; a word split by it is read, not rewritten.
      i += 1 + continuation[0].length;
      if (current) current.value += SPLIT_MARK;
      continue;
    }
    if (!quote && /\s/.test(ch)) {
      if (current) words.push(current);
      current = undefined;
      i++;
      continue;
    }
    if (!current) current = { value: '', start: start + i, end: start + i };
    if (ch === escape && i + 1 < text.length) {
      current.value += ch + text[i + 1];
      i += 2;
      current.end = start + i;
      continue;
    }
    if (quote ? ch === quote : ch === '"' || ch === "'") quote = quote ? undefined : ch;
    current.value += ch;
    i++;
    current.end = start + i;
  }
  if (current) words.push(current);
  return words.map((w) => {
    const eq = w.value.indexOf('=');
    if (eq < 0) return { name: w.value.split(SPLIT_MARK).join('') };
    const value = w.value.slice(eq + 1);
    const split = w.value.includes(SPLIT_MARK);
    // A word split by a continuation gets an empty range: its text never equals its value, so it
    // is read but never rewritten.
    return {
      name: w.value.slice(0, eq).split(SPLIT_MARK).join(''),
      value: value.split(SPLIT_MARK).join(''),
      valueRange: lines.range(split ? w.end : w.start + eq + 1, w.end),
    };
  });
}

function targetIn(lines: LineIndex, word: Word, start: number, end: number) {
  const base = lines.offsetAt(word.range.start);
  return { range: lines.range(base + start, base + end), text: word.written.slice(start, end) };
}

function defaultWordUsed(use: { name: string; operator?: string }, lookup: WordLookup): boolean {
  const value = lookup(use.name);
  if (value === UNKNOWN_VALUE) return false;
  return use.operator === ':-' ? !value : value === undefined;
}

function copyFrom(
  context: Context,
  instruction: Instruction,
  command: Instruction,
  stageNames: Set<string>,
  stageCount: number,
  onbuild: boolean,
): void {
  const flag = flagsOf(command).find((f) => f.getName() === 'from');
  const value = flag?.getValue();
  const range = flag?.getValueRange();
  if (!flag || !value || !range) return;
  // BuildKit does not expand variables in --from, and a number is a stage index ("COPY --from").
  const plain = expandDockerfileWord(value, () => undefined, context.escape);
  if (plain.value !== value) {
    context.problems.push({
      code: 'invalid-reference',
      severity: documentSeverity(invalidReference),
      range,
      reference: value,
      message: `COPY --from=${value}: BuildKit does not expand variables or quotes in --from, so the build fails. Name the image in a FROM line (with ARGs) and copy from that stage.`,
    });
    return;
  }
  if (/^\d+$/.test(value)) {
    if (!onbuild && Number(value) >= stageCount) {
      context.problems.push({
        code: 'invalid-reference',
        severity: documentSeverity(invalidReference),
        range,
        reference: value,
        message: `COPY --from=${value}: this Dockerfile has ${stageCount} stage${stageCount === 1 ? '' : 's'} (numbered from 0), so the build fails.`,
      });
    }
    return;
  }
  if (stageNames.has(value.toLowerCase())) return;
  const word = wordAt(context.lines, value, range);
  const occurrence = makeOccurrence(context, instruction, 'copy-from', word, plain, onbuild);
  context.occurrences.push(occurrence);
}

function mountFrom(
  context: Context,
  instruction: Instruction,
  command: Instruction,
  stageNames: Set<string>,
  lookup: WordLookup,
  onbuild: boolean,
): void {
  for (const flag of flagsOf(command)) {
    if (flag.getName() !== 'mount') continue;
    const option = flag.getOption('from');
    const value = option?.getValue();
    const range = option?.getValueRange();
    if (!option || !value || !range) continue;
    const word = wordAt(context.lines, value, range);
    const expanded = expandDockerfileWord(word.value, lookup, context.escape);
    // A mount's from= names a stage of any position in the file, or else an image.
    if (expanded.value !== undefined && stageNames.has(expanded.value.toLowerCase())) continue;
    if (expanded.value === undefined && stageNames.has(value.toLowerCase())) continue;
    const occurrence = makeOccurrence(context, instruction, 'mount-from', word, expanded, onbuild);
    context.occurrences.push(occurrence);
  }
}

function flagsOf(instruction: Instruction): Flag[] {
  const withFlags = instruction as Instruction & { getFlags?: () => Flag[] };
  return typeof withFlags.getFlags === 'function' ? withFlags.getFlags() : [];
}

function makeOccurrence(
  context: Context,
  instruction: Instruction,
  source: ReferenceSource,
  word: Word,
  expanded: ExpandedWord,
  onbuild = false,
): ImageOccurrence {
  const { lines, globals } = context;
  const occurrence: ImageOccurrence = {
    text: word.written,
    range: word.range,
    source,
    suppressed: suppressedRulesAbove(lines, instruction.getRange().start.line),
    constructLine: instruction.getRange().start.line,
  };
  if (onbuild) occurrence.onbuild = true;
  occurrence.resolved = expanded.value;
  if (expanded.error) occurrence.expansionError = expanded.error;
  // An ARG declared without a default has a value only when --build-arg gives one; report the
  // ARGs the value really comes from.
  const dependsOn = [...expanded.unknown, ...expanded.unsetUsed.filter((n) => globals.has(n))];
  const unresolved = [
    ...new Set(dependsOn.flatMap((n) => (occurrence.onbuild ? [n] : (globals.get(n)?.roots ?? [n])))),
  ];
  if (unresolved.length) {
    occurrence.resolved = undefined;
    occurrence.unresolvedVariables = unresolved;
  } else if (expanded.unsetUsed.length && !occurrence.onbuild) {
    occurrence.emptyVariables = expanded.unsetUsed;
  }
  if (word.written !== word.value) {
    // Split by a line continuation: readable, but not safely rewritable.
    occurrence.editBlockedReason = 'the reference is split over lines or contains escape characters';
    return occurrence;
  }
  if (expanded.quotedOrEscaped) {
    occurrence.editBlockedReason = 'the reference is written with quotes or escape characters; edit it by hand';
    return occurrence;
  }
  const lookup: WordLookup = (name) => globals.get(name)?.value;
  const decision = decideFixTarget({
    written: word.written,
    uses: expanded.uses,
    defaultWordUsed: (use) => defaultWordUsed(use, lookup),
    targetAt: (s, e) => targetIn(lines, word, s, e),
    variableSite: (name) => globals.get(name)?.site ?? { blocked: `${name} is not a global ARG in this file` },
    piecesReason: 'the reference is built from variables and text; pin the ARG values it uses instead',
  });
  Object.assign(occurrence, decision);
  return occurrence;
}

function unresolvedProblem(occurrence: ImageOccurrence): DocumentProblem {
  const names = occurrence.unresolvedVariables!;
  const list = names.map((v) => `\${${v}}`).join(', ');
  let message: string;
  if (occurrence.onbuild) {
    message = `The image cannot be checked: ${list} is expanded in the build that uses this image as its base.`;
  } else if (names.some((n) => AUTOMATIC_PLATFORM_ARGS.has(n))) {
    // Never advise a default for these: BuildKit sets them for every platform it builds.
    const platform = names.filter((n) => AUTOMATIC_PLATFORM_ARGS.has(n));
    message = `The image depends on the build platform: ${platform.map((v) => `\${${v}}`).join(', ')} ${platform.length === 1 ? 'is' : 'are'} set by BuildKit for each platform it builds, so image-trust cannot check one image here.`;
  } else {
    message = `The image cannot be checked: ${list} has no default in a global ARG. Give the ARG a default (ARG ${names[0]}=...) so the image can be verified.`;
  }
  return {
    code: 'unresolved-variable',
    reference: occurrence.text,
    severity: documentSeverity(unresolvedVariable),
    range: occurrence.range,
    message,
  };
}
