/**
 * Features of a folded text for the statistical models: words cut to a short stem (so "panne",
 * "pannes", "crasht", "crashed" meet), neighbouring stem pairs, and character trigrams of
 * longer words (compounds such as "stroomonderbreking", "Stromausfall" share them with
 * "stroom", "Strom", "ausfall").
 */
const STEM_LENGTH = 6;

export function stem(word: string): string {
  return word.length <= STEM_LENGTH ? word.replace(/(?<=.{3})(?:es|en|s|e)$/, '') : word.slice(0, STEM_LENGTH);
}

export function intentFeatures(folded: string): string[] {
  // "?" says a question, not which one ("?" alone asks for help: the phrase lists know that).
  const words = folded.split(' ').filter((w) => w !== '' && w !== '?');
  const stems = words.map(stem);
  const features = stems.map((s) => `w:${s}`);
  for (let i = 1; i < stems.length; i++) features.push(`b:${stems[i - 1]}_${stems[i]}`);
  for (const word of words) {
    if (word.length < 6) continue;
    for (let i = 0; i + 4 <= word.length; i++) features.push(`c:${word.slice(i, i + 4)}`);
  }
  return features;
}

/** Character 1–3-grams of each word with its boundaries, and the words: what tells languages apart. */
export function languageFeatures(folded: string): string[] {
  const features: string[] = [];
  for (const word of folded.split(' ')) {
    if (!/\p{L}/u.test(word)) continue;
    features.push(`w:${word}`);
    const padded = ` ${word} `;
    for (let n = 1; n <= 3; n++) {
      for (let i = 0; i + n <= padded.length; i++) features.push(padded.slice(i, i + n));
    }
  }
  return features;
}
