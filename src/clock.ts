/** "Now", injected everywhere a rule depends on the time: domain code never reads the system clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
