import { parsePersonName, parseWorkerId, type WorkerId, type WorkerIdError } from '../identity/index.js';
import { isPrintable } from './printable.js';

/**
 * One worker of the paper listing (procedure step 3.3) typed or pasted on one line: identifier,
 * surname and first name in any usual order and separator —
 * `85.07.30-033.28 Peeters Jan`, `Peeters Jan 85073003328`, `85073003328;Peeters;Jan`, a row
 * copied from a spreadsheet (tab-separated). Pure: no botbuilder, no storage.
 *
 * The split between surname and first name is never guessed silently:
 * - explicit fields (`;`, tab, `|`, `,`) say it: surname first, then first name;
 * - a surname in capitals says it (`PEETERS Jan`, `Jan VAN DEN BROECK`);
 * - otherwise the surname comes first (the listing's own order, which the bot asks for), with
 *   its particles (`Van den Broeck`, `De Smet`, `Vande Velde`, `El Amrani`); a hyphen or an
 *   apostrophe keeps a name in one piece (`Dupont-Durand`, `D'Hondt`). When the words left
 *   could still be cut in more than one way (`Peeters Janssens Marie`, `Jan Van den Broeck`),
 *   the result is `ambiguous` with the possible splits, for the user to choose from.
 */

export interface ParsedWorker {
  readonly workerId: WorkerId;
  readonly surname: string;
  readonly firstName: string;
}

export interface NameSplit {
  readonly surname: string;
  readonly firstName: string;
}

export type WorkerLineError =
  | `workerId.${WorkerIdError}`
  | `name.${'characters' | 'length' | 'script'}`
  /** No identifier on the line (names only, or nothing usable). */
  | 'line.noId'
  /** Two numbers on one line (an identifier and a phone number, two workers on one line). */
  | 'line.twoNumbers'
  | 'line.missingName'
  | 'line.missingFirstName'
  /** More than two name fields between separators: which is the surname is unknown. */
  | 'line.extraFields'
  | 'line.length';

export type WorkerLineResult =
  | { readonly kind: 'worker'; readonly worker: ParsedWorker }
  /** The identifier alone: the three-question path asks for the names. */
  | { readonly kind: 'idOnly'; readonly workerId: WorkerId }
  | { readonly kind: 'ambiguous'; readonly workerId: WorkerId; readonly choices: readonly NameSplit[] }
  | { readonly kind: 'refused'; readonly error: WorkerLineError };

/** A line longer than this is not one worker (an identifier + two 80-character names + separators). */
export const MAX_LINE_CHARS = 300;
/** At most this many splits are offered to choose from. */
const MAX_CHOICES = 4;

// An identifier: an optional Limosa prefix, then digits with the separators parseWorkerId accepts.
const ID_RUN = /(?:(?<![\p{L}\p{N}])(?:limosa|l1)[ \u00A0\u202F]*:?[ \u00A0\u202F]*)?\d(?:[\d ./\-\u00A0\u202F\u2010\u2011\u2013]*\d)?/giu;
const FIELD_SEPARATORS = ['\t', ';', '|', ','] as const;

// Particles that open a surname (compared in lower case, with ’ folded to '). The Flemish and
// Dutch ones and `el`/`al` settle a split on their own (`Van den Broeck Jan`, `El Amrani
// Youssef`): no Belgian surname is the particle alone. The others are also whole surnames or
// given names elsewhere (`Le` in Vietnam, `Ben`, `Da`): a split they would decide is asked.
const SURE_PARTICLES = new Set(['van', 'vande', 'vanden', 'vander', 'de', 'den', 'der', 'het', "'t", 'te', 'ten', 'ter', 'op', 'in', 'el', 'al']);
const PARTICLES = new Set([
  ...SURE_PARTICLES,
  'la', 'le', 'du', 'des', 'di', 'da', 'del', 'della', 'dos', 'das', "d'", "l'",
  'von', 'vom', 'zu', 'zum', 'zur', 'ben', 'bin', 'ibn', 'abu', 'abou', 'ait', 'aït',
]);

const folded = (word: string) => word.toLowerCase().replace(/’/g, "'");
const isParticle = (word: string) => PARTICLES.has(folded(word));
const isSureParticle = (word: string) => SURE_PARTICLES.has(folded(word));
// Capitals only, at least two letters: `PEETERS`, `VAN`, `D'HONDT` (not `J.` or `I`).
const isAllCaps = (word: string) => /\p{L}.*\p{L}/u.test(word) && word === word.toUpperCase() && word !== word.toLowerCase();

export function parseWorkerLine(input: string): WorkerLineResult {
  if (input.length > MAX_LINE_CHARS) return refused('line.length');
  const line = input.normalize('NFC').trim();
  const runs = [...line.matchAll(ID_RUN)];
  if (runs.length === 0) return refused('line.noId');
  if (runs.length > 1) return refused('line.twoNumbers');
  const run = runs[0];
  if (run === undefined) return refused('line.noId');
  const id = parseWorkerId(run[0].trim());
  if (!id.ok) return refused(`workerId.${id.error}`);
  const before = line.slice(0, run.index);
  const after = line.slice(run.index + run[0].length);
  return withNames(id.value, before, after);
}

/**
 * A row whose columns are known (a spreadsheet with a header): the same checks as a typed line,
 * with the split given by the columns.
 */
export function parseWorkerFields(idText: string, surnameText: string, firstNameText: string): WorkerLineResult {
  const id = parseWorkerId(idText.trim());
  if (!id.ok) return refused(id.error === 'empty' ? 'line.noId' : `workerId.${id.error}`);
  if (surnameText.trim() === '') return refused('line.missingName');
  if (firstNameText.trim() === '') return refused('line.missingFirstName');
  return named(id.value, { surname: surnameText, firstName: firstNameText });
}

function withNames(workerId: WorkerId, before: string, after: string): WorkerLineResult {
  const separator = FIELD_SEPARATORS.find((s) => before.includes(s) || after.includes(s));
  if (separator !== undefined) {
    // Explicit fields, in the order written: the identifier may sit between them.
    const fields = [...before.split(separator), ...after.split(separator)].map(unquote).filter((f) => f !== '');
    if (fields.length > 2) return refused('line.extraFields');
    if (fields.length === 2) return named(workerId, { surname: fields[0] ?? '', firstName: fields[1] ?? '' });
    return split(workerId, fields[0] ?? '');
  }
  const head = before.trim();
  const tail = after.trim();
  // `Peeters 85073003328 Jan`: the identifier itself separates the two names.
  if (head !== '' && tail !== '') return named(workerId, { surname: head, firstName: tail });
  return split(workerId, head || tail);
}

/** Surname and first name from free text (no separator between them). */
function split(workerId: WorkerId, text: string): WorkerLineResult {
  const words = text.split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return { kind: 'idOnly', workerId };
  if (words.length === 1) return refused('line.missingFirstName');
  const choices = possibleSplits(words);
  const first = choices[0];
  if (first === undefined) return refused('line.missingFirstName');
  if (choices.length === 1) return named(workerId, first);
  // Every choice must be a valid pair; a refusal of one (bad characters) is the refusal of all.
  const checked = choices.map((c) => checkNames(c));
  const failure = checked.find((c) => !c.ok);
  if (failure && !failure.ok) return refused(failure.error);
  return { kind: 'ambiguous', workerId, choices: checked.flatMap((c) => (c.ok ? [c.value] : [])).slice(0, MAX_CHOICES) };
}

/** The splits a reader could defend, most likely first; one element when only one can be. */
export function possibleSplits(words: readonly string[]): NameSplit[] {
  const join = (from: number, to: number) => words.slice(from, to).join(' ');
  const caps = words.map(isAllCaps);
  const capsCount = caps.filter(Boolean).length;
  if (capsCount > 0 && capsCount < words.length) {
    // A block of capitals at one end is the surname, as on identity documents and payroll exports.
    const leading = caps.indexOf(false);
    if (caps.slice(leading).every((c) => !c)) return [{ surname: join(0, leading), firstName: join(leading, words.length) }];
    const trailing = caps.lastIndexOf(false) + 1;
    if (caps.slice(0, trailing).every((c) => !c)) return [{ surname: join(trailing, words.length), firstName: join(0, trailing) }];
  }
  const splits: NameSplit[] = [];
  // Surname first: its particles, then its main word; what is left is the first name.
  let head = 0;
  while (head < words.length - 1 && isParticle(words[head] ?? '')) head += 1;
  const likely = head + 1;
  if (likely < words.length) splits.push({ surname: join(0, likely), firstName: join(likely, words.length) });
  const rest = words.slice(likely);
  const isSettled = words.slice(0, head).every(isSureParticle);
  if (rest.length === 1 && !isParticle(rest[0] ?? '') && isSettled) return splits;
  // A shorter surname, when an uncertain particle made it longer (`Le Minh Anh`: `Le`, `Minh Anh`).
  if (!isSettled) for (let cut = 1; cut < likely; cut += 1) splits.push({ surname: join(0, cut), firstName: join(cut, words.length) });
  // Other cuts: a longer surname (double-barrelled, `Peeters Janssens Marie`), …
  // (A surname never ends with a Flemish particle; `La`, `Ben`… may end one.)
  for (let cut = likely + 1; cut < words.length; cut += 1) {
    if (!isSureParticle(words[cut - 1] ?? '')) splits.push({ surname: join(0, cut), firstName: join(cut, words.length) });
  }
  // … or the first name first, before a surname that opens with a particle (`Jan Van den Broeck`).
  for (let cut = 1; cut < words.length; cut += 1) {
    if (isParticle(words[cut] ?? '') && !isParticle(words[cut - 1] ?? '')) {
      splits.push({ surname: join(cut, words.length), firstName: join(0, cut) });
    }
  }
  // Nothing but particles before the last word (`De Smet`): a surname without a first name.
  return dedupe(splits);
}

function dedupe(splits: NameSplit[]): NameSplit[] {
  const seen = new Set<string>();
  return splits.filter((s) => {
    const key = `${s.surname}\u0000${s.firstName}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function named(workerId: WorkerId, names: NameSplit): WorkerLineResult {
  const checked = checkNames(names);
  return checked.ok ? { kind: 'worker', worker: { workerId, ...checked.value } } : refused(checked.error);
}

type Checked = { ok: true; value: NameSplit } | { ok: false; error: WorkerLineError };

function checkNames(names: NameSplit): Checked {
  const surname = checkName(names.surname);
  if (!surname.ok) return surname.error === 'empty' ? { ok: false, error: 'line.missingName' } : { ok: false, error: `name.${surname.error}` };
  const firstName = checkName(names.firstName);
  if (!firstName.ok) return firstName.error === 'empty' ? { ok: false, error: 'line.missingFirstName' } : { ok: false, error: `name.${firstName.error}` };
  return { ok: true, value: { surname: surname.value, firstName: firstName.value } };
}

function checkName(text: string): { ok: true; value: string } | { ok: false; error: 'empty' | 'characters' | 'length' | 'script' } {
  const parsed = parsePersonName(text);
  if (parsed.ok && !isPrintable(parsed.value)) return { ok: false, error: 'script' };
  return parsed;
}

/** A spreadsheet cell or CSV field may come quoted. */
function unquote(field: string): string {
  return field.trim().replace(/^"+|"+$/g, '').trim();
}

function refused(error: WorkerLineError): WorkerLineResult {
  return { kind: 'refused', error };
}
