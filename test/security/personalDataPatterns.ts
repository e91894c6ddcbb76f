/** Any NISS/BIS-shaped number, with or without its dots and dash: none may reach a log. */
export const NISS_SHAPED = /\d{2}\.?\d{2}\.?\d{2}-?\d{3}\.?\d{2}/;

/** Surnames the fuzz slips into its input, to look for in the logs afterwards. */
export const CANARY_NAMES = ['Vanderkerckhove', 'Dewulfaert', 'Schwarzenbeck'] as const;
