/**
 * Typo-tolerant word matching: people on sites type "badgeuze", "stromausfal", "chekinatwork".
 * Optimal-string-alignment Damerau-Levenshtein (a swap of two neighbours costs one edit), cut
 * off as soon as the distance exceeds `max`, so checking a word against a vocabulary of a few
 * thousand words costs well under a millisecond.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  if (a === b) return 0;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, (previous2[j - 2] ?? 0) + 1);
      current[j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > max) return max + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length] ?? max + 1;
}

/** Edits tolerated for a word of this length: none for short words, where a typo makes another word. */
export function toleratedEdits(length: number): number {
  if (length < 5) return 0;
  return length < 9 ? 1 : 2;
}

const MAX_CACHED_WORDS = 5000;

/** Longer texts are not corrected (a pasted document is no typed question). */
export const MAX_CORRECTED_LENGTH = 300;

/**
 * Maps unknown words onto the closest known word of `vocabulary` when exactly one is within the
 * tolerated edits. Known words and short words are kept as they are.
 */
export class WordCorrector {
  private readonly known: ReadonlySet<string>;
  private readonly byLength = new Map<number, string[]>();
  /** Words seen before: people repeat themselves, and a hostile client repeats a lot. */
  private readonly cache = new Map<string, string>();

  constructor(vocabulary: Iterable<string>) {
    this.known = new Set(vocabulary);
    for (const word of this.known) {
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
    }
  }

  /** The known word `word` most likely stands for, or `word` itself. */
  correct(word: string): string {
    const max = toleratedEdits(word.length);
    if (max === 0 || this.known.has(word) || /\d/.test(word)) return word;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const corrected = this.closest(word, max);
    if (this.cache.size >= MAX_CACHED_WORDS) this.cache.clear();
    this.cache.set(word, corrected);
    return corrected;
  }

  private closest(word: string, max: number): string {
    let best: string | undefined;
    let bestDistance = max + 1;
    let isTie = false;
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        // Typos rarely touch both of the first two letters: a cheap filter before the distance.
        if (candidate[0] !== word[0] && candidate[1] !== word[1]) continue;
        if (toleratedEdits(candidate.length) === 0) continue;
        const distance = editDistance(word, candidate, Math.min(max, bestDistance));
        if (distance < bestDistance) [best, bestDistance, isTie] = [candidate, distance, false];
        else if (distance === bestDistance && distance <= max && candidate !== best) isTie = true;
      }
    }
    return best && !isTie ? best : word;
  }

  /**
   * Corrects every word of a folded text; `changed` says whether any word was replaced. A long
   * text is left as it is: a message typed on a phone is a line, and the cost grows with length.
   */
  correctText(folded: string): { readonly text: string; readonly changed: boolean } {
    if (folded.length > MAX_CORRECTED_LENGTH) return { text: folded, changed: false };
    const words = folded.split(' ');
    const corrected = words.map((w) => this.correct(w));
    return { text: corrected.join(' '), changed: corrected.some((w, i) => w !== words[i]) };
  }
}
