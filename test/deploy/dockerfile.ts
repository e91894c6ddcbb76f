/**
 * Just enough of the Dockerfile grammar for the deploy tests to read this project's Dockerfile
 * (and .dockerignore) instead of restating them: stages, instructions with continuation lines,
 * exec-form (JSON) arguments, COPY flags, ENV pairs, global ARG defaults. Docker itself cannot
 * run here (no daemon, no registry), so the tests replay the runtime stage from this reading.
 */

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY, ENV, … */
  readonly keyword: string;
  /** Everything after the keyword, continuation lines joined with a space. */
  readonly args: string;
  /** 1-based line of the keyword, for messages. */
  readonly line: number;
}

export interface Stage {
  readonly name: string | undefined;
  /** The base image with global ARG defaults substituted. */
  readonly image: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly stages: readonly Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions = splitInstructions(text);
  const globalArgs = new Map<string, string>();
  const stages: { name: string | undefined; image: string; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    const current = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const match = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      if (!match?.[1]) throw new Error(`line ${instruction.line}: cannot read FROM ${instruction.args}`);
      stages.push({ name: match[2]?.toLowerCase(), image: substitute(match[1], globalArgs), instructions: [] });
    } else if (current) {
      current.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [name, value] = instruction.args.split('=', 2);
      if (name) globalArgs.set(name.trim(), (value ?? '').trim());
    }
  }
  return { stages };
}

function splitInstructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let pending: { keyword: string; parts: string[]; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && !pending)) return;
    const continues = trimmed.endsWith('\\');
    const body = continues ? trimmed.slice(0, -1).trim() : trimmed;
    if (pending) {
      if (body) pending.parts.push(body);
    } else {
      const match = /^(\S+)\s*(.*)$/.exec(body);
      if (!match?.[1]) return;
      pending = { keyword: match[1].toUpperCase(), parts: match[2] ? [match[2]] : [], line: index + 1 };
    }
    if (!continues) {
      result.push({ keyword: pending.keyword, args: pending.parts.join(' '), line: pending.line });
      pending = undefined;
    }
  });
  return result;
}

function substitute(value: string, variables: ReadonlyMap<string, string>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => variables.get(name) ?? whole);
}

/** The stage named `name`, or the last stage (what `docker build` produces) when omitted. */
export function stageOf(dockerfile: Dockerfile, name?: string): Stage {
  const stage = name === undefined ? dockerfile.stages.at(-1) : dockerfile.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name ?? '(last)'} in the Dockerfile`);
  return stage;
}

export function instructionsOf(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.keyword === keyword);
}

/** Exec form (`["node", "x.js"]`) as an argument list; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trimStart().startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed;
}

export interface CopyInstruction {
  /** The stage copied from (`--from=`), or undefined for the build context. */
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

export function parseCopy(args: string): CopyInstruction {
  const words = execForm(args) ?? args.split(/\s+/).filter(Boolean);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const destination = paths.pop();
  if (!destination || paths.length === 0) throw new Error(`COPY needs sources and a destination: ${args}`);
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from: from?.toLowerCase(), sources: paths, destination };
}

/** ENV in both forms: `ENV A=1 B="2 3"` and the legacy `ENV A 1`. */
export function parseEnv(args: string): [string, string][] {
  if (!args.includes('=') || /^\S+\s+[^=]*$/.test(args)) {
    const [name, ...rest] = args.split(/\s+/);
    return name ? [[name, rest.join(' ')]] : [];
  }
  const pairs: [string, string][] = [];
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const [, name, raw] = match;
    if (name === undefined || raw === undefined) continue;
    pairs.push([name, raw.startsWith('"') ? (JSON.parse(raw) as string) : raw]);
  }
  return pairs;
}

/** HEALTHCHECK's options and its command (exec form only: no shell, no curl). */
export function parseHealthcheck(args: string): { options: Record<string, string>; command: string[] | undefined } {
  const match = /^((?:--\S+\s+)*)CMD\s+(.*)$/s.exec(args.trim());
  if (!match) return { options: {}, command: undefined };
  const options = Object.fromEntries(
    (match[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((flag) => {
        const [name, value] = flag.replace(/^--/, '').split('=', 2);
        return [name ?? '', value ?? ''];
      }),
  );
  return { options, command: execForm(match[2] ?? '') };
}

/**
 * Whether .dockerignore leaves `file` (a path relative to the context, `/`-separated) in the
 * build context: the last matching line wins, `!` re-includes. Supports the patterns this
 * project uses: `*`, `**`, `?`, a trailing `/`, and a pattern matching a folder covers its content.
 */
export function isInContext(dockerignore: string, file: string): boolean {
  let included = true;
  for (const raw of dockerignore.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const expression = new RegExp(`^${globToRegExp(pattern)}(?:/.*)?$`);
    if (expression.test(file)) included = negated;
  }
  return included;
}

function globToRegExp(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? '';
    if (char === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') out += '[^/]*';
    else if (char === '?') out += '[^/]';
    else out += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
