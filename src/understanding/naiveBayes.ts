/**
 * A multinomial naive Bayes classifier with add-one smoothing: small, trained in milliseconds at
 * start-up, and good on short texts when its features are word stems and character n-grams.
 * Used for the intent of a first message and for the language of a message.
 */
export interface Prediction<L extends string> {
  readonly label: L;
  /** Posterior probability of `label` among the trained labels (0–1). */
  readonly probability: number;
  /** Posterior of the runner-up, to tell a clear choice from a toss-up. */
  readonly runnerUp: number;
}

export class NaiveBayes<L extends string> {
  private readonly counts = new Map<L, Map<string, number>>();
  private readonly totals = new Map<L, number>();
  private readonly documents = new Map<L, number>();
  private readonly vocabulary = new Set<string>();
  private documentCount = 0;

  add(label: L, features: readonly string[]): void {
    const counts = this.counts.get(label) ?? new Map<string, number>();
    this.counts.set(label, counts);
    for (const f of features) {
      counts.set(f, (counts.get(f) ?? 0) + 1);
      this.vocabulary.add(f);
    }
    this.totals.set(label, (this.totals.get(label) ?? 0) + features.length);
    this.documents.set(label, (this.documents.get(label) ?? 0) + 1);
    this.documentCount++;
  }

  /** The most probable label, or undefined when nothing was trained or no feature is known. */
  predict(features: readonly string[]): Prediction<L> | undefined {
    const known = features.filter((f) => this.vocabulary.has(f));
    if (known.length === 0 || this.documentCount === 0) return undefined;
    const size = this.vocabulary.size;
    const scores: [L, number][] = [];
    for (const [label, counts] of this.counts) {
      const total = this.totals.get(label) ?? 0;
      // Uniform prior: the corpus has as many examples of a rare intent as of a common one on
      // purpose, so its label frequencies say nothing about real traffic.
      let score = 0;
      for (const f of known) score += Math.log(((counts.get(f) ?? 0) + 1) / (total + size));
      scores.push([label, score]);
    }
    scores.sort((a, b) => b[1] - a[1]);
    const top = scores[0];
    if (!top) return undefined;
    const exps = scores.map(([, s]) => Math.exp(s - top[1]));
    const sum = exps.reduce((a, b) => a + b, 0);
    return { label: top[0], probability: (exps[0] ?? 0) / sum, runnerUp: (exps[1] ?? 0) / sum };
  }
}
