// undici is loaded on the first request, not at start-up: an offline run or a run served from
// the disk cache never pays for it (about 75 ms of a warm CLI run, see BENCHMARKS.md).
import type * as Undici from 'undici';

let loaded: typeof Undici | undefined;

export function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('undici') as typeof Undici;
  return loaded;
}
