// Finds every image a Dockerfile pulls, deciding as BuildKit does
// (https://docs.docker.com/reference/dockerfile/): FROM (with --platform, AS and global ARGs),
// COPY --from=<image>, RUN --mount=...,from=<image>, and the same inside ONBUILD triggers, which
// child builds run. Stage names and scratch are not images. dockerfile-ast handles `# escape=`,
// continuations, heredocs and lowercase keywords; the words are expanded by dockerfileExpansion.
import { DockerfileParser, type Flag, type From, type Instruction } from 'dockerfile-ast';
import { readBuildkitCopyFrom, readBuildkitFrom, readBuildkitMounts, type BuildkitWord } from './buildkitInstruction';
import { dockerfileBlocks, standaloneBlockText, type InstructionBlock } from './dockerfileBlocks';
import { expandDockerfileWord, UNKNOWN_VALUE, type ExpandedWord, type WordLookup } from './dockerfileExpansion';
import { NEEDS_PARSE, quickInstructionFacts } from './dockerfileQuickFacts';
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

/** A word of an instruction as dockerfile-ast reads it: its value and where it is written. */
export interface LocatedWord {
  value: string;
  range: Range;
}

/**
 * What extraction reads of one instruction, as plain data: the parse of an instruction can then be
 * kept and reused while its text is unchanged (incrementalAnalysis.ts), with its lines shifted.
 */
export interface InstructionFacts {
  /** dockerfile-ast's keyword: the instruction word upper-cased. */
  keyword: string;
  /** The whole instruction (continuation lines and heredocs included). */
  range: Range;
  /** FROM: the first argument, its --platform value and its stage name. */
  image?: LocatedWord;
  platform?: string;
  stage?: string;
  /** COPY: the value of the first --from flag, when it has one. */
  copyFrom?: LocatedWord;
  /** RUN: the from= of each --mount flag that has one. */
  mounts?: LocatedWord[];
  /** ONBUILD: the trigger's keyword and the same reading of it. */
  trigger?: { keyword: string; copyFrom?: LocatedWord; mounts?: LocatedWord[] };
}

/** Keywords whose instructions extraction reads; every other instruction names no image. */
export const IMAGE_KEYWORDS: ReadonlySet<string> = new Set(['FROM', 'ARG', 'COPY', 'RUN', 'ONBUILD']);

/** The facts of one parsed instruction, or undefined for the keywords that name no image. */
export function instructionFacts(instruction: Instruction): InstructionFacts | undefined {
  const keyword = instruction.getKeyword();
  if (!IMAGE_KEYWORDS.has(keyword)) return undefined;
  const facts: InstructionFacts = { keyword, range: instruction.getRange() };
  if (keyword === 'FROM') {
    const from = instruction as From;
    const image = from.getArguments()[0];
    if (image) facts.image = { value: image.getValue(), range: image.getRange() };
    const platform = from.getPlatformFlag()?.getValue();
    if (platform) facts.platform = platform;
    const stage = from.getBuildStage();
    if (stage) facts.stage = stage;
  } else if (keyword === 'COPY') {
    facts.copyFrom = copyFromFlag(instruction);
  } else if (keyword === 'RUN') {
    facts.mounts = mountFromOptions(instruction);
  } else if (keyword === 'ONBUILD') {
    const trigger = (
      instruction as Instruction & { getTriggerInstruction(): Instruction | null }
    ).getTriggerInstruction();
    const triggerKeyword = trigger?.getKeyword();
    if (trigger && triggerKeyword === 'COPY')
      facts.trigger = { keyword: triggerKeyword, copyFrom: copyFromFlag(trigger) };
    else if (trigger && triggerKeyword === 'RUN')
      facts.trigger = { keyword: triggerKeyword, mounts: mountFromOptions(trigger) };
  }
  return facts;
}

function copyFromFlag(command: Instruction): LocatedWord | undefined {
  const flag = flagsOf(command).find((f) => f.getName() === 'from');
  const value = flag?.getValue();
  const range = flag?.getValueRange();
  return value && range ? { value, range } : undefined;
}

function mountFromOptions(command: Instruction): LocatedWord[] {
  const mounts: LocatedWord[] = [];
  for (const flag of flagsOf(command)) {
    if (flag.getName() !== 'mount') continue;
    const option = flag.getOption('from');
    const value = option?.getValue();
    const range = option?.getValueRange();
    if (value && range) mounts.push({ value, range });
  }
  return mounts;
}

/**
 * The images of a Dockerfile. The text is cut into instruction blocks where dockerfile-ast cuts it
 * (dockerfileBlocks.ts); only the blocks that can name an image are read, each from its text when
 * its reading is plain (dockerfileQuickFacts.ts), else by parsing the block alone: the same facts
 * as one parse of the whole file, without building the instructions that name no image (those
 * after a heredoc included). `blank: false` reads the parse of the whole text instead, the
 * reference the block-wise reading is tested against.
 */
export function extractDockerfileImages(text: string, options: { blank?: boolean } = {}): ExtractionResult {
  if (options.blank === false) {
    const dockerfile = DockerfileParser.parse(text);
    const facts: InstructionFacts[] = [];
    for (const instruction of dockerfile.getInstructions()) {
      const read = instructionFacts(instruction);
      if (read) facts.push(read);
    }
    return extractFromInstructionFacts(text, dockerfile.getEscapeCharacter() || '\\', facts);
  }
  const { escape, blocks } = dockerfileBlocks(text);
  const facts: InstructionFacts[] = [];
  for (const block of blocks) {
    if (!IMAGE_KEYWORDS.has(block.keyword)) continue;
    const read = blockFacts(text, block, escape);
    if (read) facts.push(read);
  }
  return extractFromInstructionFacts(text, escape, facts);
}

/** The facts of one instruction block of `text`: read from its text, or from its parse alone. */
export function blockFacts(text: string, block: InstructionBlock, escape: string): InstructionFacts | undefined {
  const quick = quickInstructionFacts(text, block.lineStart, block.end, block.line, escape);
  return quick === NEEDS_PARSE ? parsedBlockFacts(text, block, escape) : quick;
}

/** The facts of one instruction block parsed alone (standaloneBlockText), at its lines in `text`. */
export function parsedBlockFacts(text: string, block: InstructionBlock, escape: string): InstructionFacts | undefined {
  const alone = standaloneBlockText(text, block, escape);
  const facts = standaloneFacts(alone.text);
  return facts && shiftFacts(facts, alone.shift);
}

/** The facts of the one instruction of a block's standalone text (standaloneBlockText), parsed. */
export function standaloneFacts(standaloneText: string): InstructionFacts | undefined {
  const instruction = DockerfileParser.parse(standaloneText).getInstructions()[0];
  return instruction && instructionFacts(instruction);
}

const shiftRange = (range: Range, lines: number): Range => ({
  start: { line: range.start.line + lines, character: range.start.character },
  end: { line: range.end.line + lines, character: range.end.character },
});
const shiftWord = (word: LocatedWord | undefined, lines: number): LocatedWord | undefined =>
  word && { value: word.value, range: shiftRange(word.range, lines) };
const shiftWords = (words: LocatedWord[] | undefined, lines: number): LocatedWord[] | undefined =>
  words?.map((w) => shiftWord(w, lines)!);

/** Facts read from a text that starts `lines` lines into the file, at their lines in the file. */
export function shiftFacts(facts: InstructionFacts, lines: number): InstructionFacts {
  const moved: InstructionFacts = { keyword: facts.keyword, range: shiftRange(facts.range, lines) };
  if (facts.image) moved.image = shiftWord(facts.image, lines);
  if (facts.platform !== undefined) moved.platform = facts.platform;
  if (facts.stage !== undefined) moved.stage = facts.stage;
  if ('copyFrom' in facts) moved.copyFrom = shiftWord(facts.copyFrom, lines);
  if (facts.mounts) moved.mounts = shiftWords(facts.mounts, lines);
  if (facts.trigger) {
    const trigger: NonNullable<InstructionFacts['trigger']> = { keyword: facts.trigger.keyword };
    if ('copyFrom' in facts.trigger) trigger.copyFrom = shiftWord(facts.trigger.copyFrom, lines);
    if (facts.trigger.mounts) trigger.mounts = shiftWords(facts.trigger.mounts, lines);
    moved.trigger = trigger;
  }
  return moved;
}

/**
 * The images of a Dockerfile from the facts of its instructions, in order: stages, global ARGs
 * (the ARGs before the first FROM, as dockerfile-ast's getInitialARGs) and interpolation.
 */
export function extractFromInstructionFacts(
  text: string,
  escape: string,
  instructions: InstructionFacts[],
  lines: LineIndex = new LineIndex(text),
): ExtractionResult {
  const occurrences: ImageOccurrence[] = [];
  const problems: DocumentProblem[] = [];
  const firstFrom = instructions.findIndex((i) => i.keyword === 'FROM');
  const initialArgs = (firstFrom < 0 ? instructions : instructions.slice(0, firstFrom)).filter(
    (i) => i.keyword === 'ARG',
  );
  const globals = readGlobalArgs(
    initialArgs.map((a) => a.range),
    lines,
    escape,
  );
  const globalLookup: WordLookup = (name) => globals.get(name)?.value;

  const froms = instructions.filter((i) => i.keyword === 'FROM');
  const fromReadings = new Map(froms.map((f) => [f, buildkitFrom(text, lines, f, escape)]));
  // COPY --from and RUN --mount from= look a name up among every stage of the file, and fail the
  // build when it is a later stage; FROM looks only among the stages before it ("Understand how
  // ARG and FROM interact", "COPY --from"; BuildKit 0.13 "validate order when linking stages").
  const stageIndexes = new Map<string, number>();
  froms.forEach((f, i) => {
    const name = fromReadings.get(f)?.stage?.toLowerCase();
    // A name given to two stages is the later one (dispatchStates.addState).
    if (name) stageIndexes.set(name, i);
  });
  const stages: Stages = { indexes: stageIndexes, count: froms.length, current: -1 };
  const earlierStageNames = new Set<string>();
  const context: Context = { lines, escape, globals, occurrences, problems };

  for (const instruction of instructions) {
    const keyword = instruction.keyword;
    if (keyword === 'FROM') {
      stages.current++;
      const reading = fromReadings.get(instruction)!;
      if (reading.error) {
        // The build stops at this FROM: no image is pulled from it.
        buildFails(
          context,
          reading.errorRange ?? instruction.range,
          `BuildKit rejects this FROM (${reading.error}), so the build fails here.`,
        );
        continue;
      }
      const image = reading.image;
      if (image) {
        const word = wordAt(lines, image.value, image.range);
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
          if (reading.platform) occurrence.platform = reading.platform;
          occurrences.push(occurrence);
        }
      }
      if (reading.stage) earlierStageNames.add(reading.stage.toLowerCase());
    } else if (keyword === 'COPY') {
      copyFrom(context, instruction, buildkitCopyFrom(text, lines, instruction, escape), stages, false);
    } else if (keyword === 'RUN') {
      mountFrom(context, instruction, buildkitMounts(text, lines, instruction, escape), stages, globalLookup, false);
    } else if (keyword === 'ONBUILD') {
      // ONBUILD triggers run in the build of every image FROM this one: their images are pulled
      // there ("ONBUILD"), with that build's stages and ARGs.
      const trigger = instruction.trigger;
      const childLookup: WordLookup = () => UNKNOWN_VALUE;
      if (trigger?.keyword === 'COPY')
        copyFrom(context, instruction, buildkitCopyFrom(text, lines, instruction, escape), stages, true);
      else if (trigger?.keyword === 'RUN')
        mountFrom(context, instruction, buildkitMounts(text, lines, instruction, escape), stages, childLookup, true);
    }
  }
  for (const occurrence of occurrences) {
    if (occurrence.unresolvedVariables?.length) problems.push(unresolvedProblem(occurrence));
  }
  return { occurrences, problems };
}

/** A FROM as BuildKit reads it, where it differs from dockerfile-ast's reading. */
interface FromReading {
  image?: LocatedWord;
  platform?: string;
  stage?: string;
  /** Why BuildKit fails the build at this FROM, and where. */
  error?: string;
  errorRange?: Range;
}

function buildkitFrom(text: string, lines: LineIndex, facts: InstructionFacts, escape: string): FromReading {
  const start = lines.offsetAt(facts.range.start);
  const read = readBuildkitFrom(text, start, lines.offsetAt(facts.range.end), escape);
  // A flag word outside ASCII: dockerfile-ast's reading stands.
  if (!read) return { image: facts.image, platform: facts.platform, stage: facts.stage };
  if (!read.ok) {
    const firstLineEnd = lines.offsetAt({ line: facts.range.start.line, character: Number.MAX_SAFE_INTEGER });
    return {
      error: read.error,
      errorRange: facts.image?.range ?? lines.range(start, Math.max(firstLineEnd, start + 1)),
    };
  }
  return { image: locatedWord(text, lines, read.image, false), platform: read.platform, stage: read.stage };
}

type CopyFromReading = LocatedWord | { error: string; range: Range } | undefined;

function buildkitCopyFrom(text: string, lines: LineIndex, facts: InstructionFacts, escape: string): CopyFromReading {
  const dockerfileAst = facts.keyword === 'ONBUILD' ? facts.trigger?.copyFrom : facts.copyFrom;
  const start = lines.offsetAt(facts.range.start);
  const read = readBuildkitCopyFrom(text, start, lines.offsetAt(facts.range.end), escape);
  // A flag word outside ASCII: dockerfile-ast's reading stands.
  if (!read) return dockerfileAst;
  if ('error' in read) return { error: read.error, range: dockerfileAst?.range ?? lines.range(start, start + 1) };
  return read.from && locatedWord(text, lines, read.from, true);
}

type MountsReading = Array<LocatedWord | { error: string; range: Range }>;

function buildkitMounts(text: string, lines: LineIndex, facts: InstructionFacts, escape: string): MountsReading {
  const dockerfileAst = (facts.keyword === 'ONBUILD' ? facts.trigger?.mounts : facts.mounts) ?? [];
  const start = lines.offsetAt(facts.range.start);
  const read = readBuildkitMounts(text, start, lines.offsetAt(facts.range.end), escape);
  // A flag word outside ASCII: dockerfile-ast's reading stands.
  if (!read) return dockerfileAst;
  const reading: MountsReading = [];
  for (const mount of read) {
    if ('error' in mount)
      reading.push({ error: mount.error, range: dockerfileAst[0]?.range ?? lines.range(start, start + 1) });
    else if (mount.from) reading.push(locatedWord(text, lines, mount.from, true));
  }
  return reading;
}

/**
 * Where a word BuildKit read is written. `unquoted`: its value has had its quotes removed (a flag
 * word), so a value written in one pair of quotes is placed inside them.
 */
function locatedWord(text: string, lines: LineIndex, word: BuildkitWord, unquoted: boolean): LocatedWord {
  let { start, end } = word;
  const written = text.slice(start, end);
  if (unquoted && written.length === word.value.length + 2 && /^(["']).*\1$/s.test(written)) {
    start++;
    end--;
  }
  return { value: word.value, range: lines.range(start, end) };
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

function readGlobalArgs(args: Range[], lines: LineIndex, escape: string): Map<string, GlobalArg> {
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
  range: Range,
  escape: string,
): Array<{ name: string; value?: string; valueRange?: Range }> {
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

/** The stages of the file: each name's index, how many, and the one being read. */
interface Stages {
  indexes: Map<string, number>;
  count: number;
  current: number;
}

function buildFails(context: Context, range: Range, message: string, reference?: string): void {
  const problem: DocumentProblem = {
    code: 'invalid-reference',
    severity: documentSeverity(invalidReference),
    range,
    message,
  };
  if (reference !== undefined) problem.reference = reference;
  context.problems.push(problem);
}

/** A stage defined after the current one fails the build ("it needs to be defined before"). */
function laterStage(context: Context, stages: Stages, index: number, range: Range, what: string, value: string) {
  if (index <= stages.current) return false;
  buildFails(
    context,
    range,
    `${what}=${value}: that stage is defined after this one, and BuildKit fails the build (a stage must be defined before it is used).`,
    value,
  );
  return true;
}

function copyFrom(
  context: Context,
  instruction: InstructionFacts,
  flag: CopyFromReading,
  stages: Stages,
  onbuild: boolean,
): void {
  if (!flag) return;
  if ('error' in flag) {
    buildFails(context, flag.range, `BuildKit rejects this COPY (${flag.error}), so the build fails here.`);
    return;
  }
  const { value, range } = flag;
  // BuildKit does not expand variables in --from (it has removed the flag's quotes already), and a
  // number is a stage index ("COPY --from").
  const plain = expandDockerfileWord(value, () => undefined, context.escape);
  if (plain.value !== value) {
    buildFails(
      context,
      range,
      `COPY --from=${value}: BuildKit does not expand variables in --from, so the build fails. Name the image in a FROM line (with ARGs) and copy from that stage.`,
      value,
    );
    return;
  }
  // ONBUILD triggers run in another build, among its stages.
  if (/^\d+$/.test(value)) {
    if (onbuild) return;
    const count = stages.count;
    if (Number(value) >= count)
      buildFails(
        context,
        range,
        `COPY --from=${value}: this Dockerfile has ${count} stage${count === 1 ? '' : 's'} (numbered from 0), so the build fails.`,
        value,
      );
    else laterStage(context, stages, Number(value), range, 'COPY --from', value);
    return;
  }
  const stage = stages.indexes.get(value.toLowerCase());
  if (stage !== undefined) {
    if (!onbuild) laterStage(context, stages, stage, range, 'COPY --from', value);
    return;
  }
  const word = wordAt(context.lines, value, range);
  const occurrence = makeOccurrence(context, instruction, 'copy-from', word, plain, onbuild);
  context.occurrences.push(occurrence);
}

function mountFrom(
  context: Context,
  instruction: InstructionFacts,
  mounts: MountsReading,
  stages: Stages,
  lookup: WordLookup,
  onbuild: boolean,
): void {
  for (const mount of mounts) {
    if ('error' in mount) {
      buildFails(context, mount.range, `BuildKit rejects this RUN (${mount.error}), so the build fails here.`);
      continue;
    }
    const { value, range } = mount;
    const word = wordAt(context.lines, value, range);
    const expanded = expandDockerfileWord(word.value, lookup, context.escape);
    // A mount's from= names a stage (defined before this one), or else an image.
    const name = (expanded.value ?? value).toLowerCase();
    const stage = stages.indexes.get(name);
    if (stage !== undefined) {
      if (!onbuild) laterStage(context, stages, stage, range, 'RUN --mount from', value);
      continue;
    }
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
  instruction: InstructionFacts,
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
    suppressed: suppressedRulesAbove(lines, instruction.range.start.line),
    constructLine: instruction.range.start.line,
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
