/**
 * A reader for the small subset of Bicep that infra/ uses, for offline checks: no Bicep compiler
 * can be installed here (it is a .NET binary fetched from GitHub or NuGet, neither reachable;
 * the npm packages only wrap that download). It finds declarations (param, var, resource,
 * module, output), object blocks and their keys, while skipping strings and comments, so a
 * brace inside 'https://${host}' or a comment never confuses it. It is not a validator of Azure
 * types: the tests check our own promises (names, settings, wiring) with it.
 */

export interface Param {
  readonly name: string;
  readonly type: string;
  readonly hasDefault: boolean;
  readonly decorators: readonly string[];
}

export interface Declaration {
  readonly kind: 'resource' | 'module';
  readonly symbol: string;
  /** `Microsoft.Web/sites@2023-12-01` for a resource, the file path for a module. */
  readonly target: string;
  readonly existing: boolean;
  /** The body between the braces. */
  readonly body: string;
}

export interface BicepFile {
  readonly targetScope: string;
  readonly params: readonly Param[];
  readonly vars: ReadonlyMap<string, string>;
  readonly declarations: readonly Declaration[];
  readonly outputs: ReadonlyMap<string, string>;
  /** Problems of form: unbalanced brackets, unterminated strings. */
  readonly problems: readonly string[];
  /** The text with comments blanked out (strings kept), for searches. */
  readonly code: string;
}

/** Blanks comments (keeping line breaks) and reports unbalanced brackets and unterminated strings. */
function scan(text: string): { code: string; problems: string[] } {
  let code = '';
  const problems: string[] = [];
  const stack: { char: string; line: number }[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char === '\n') line += 1;
    if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end < 0) problems.push(`line ${line}: unterminated ''' string`);
      const stop = end < 0 ? text.length : end + 3;
      const chunk = text.slice(i, stop);
      line += (chunk.match(/\n/g) ?? []).length;
      code += chunk;
      i = stop;
    } else if (char === "'") {
      let j = i + 1;
      // Interpolations ${…} may hold nested strings; track their braces.
      let depth = 0;
      while (j < text.length) {
        const c = text[j];
        if (c === '\\') j += 2;
        else if (c === '$' && text[j + 1] === '{') {
          depth += 1;
          j += 2;
        } else if (c === '}' && depth > 0) {
          depth -= 1;
          j += 1;
        } else if (c === "'" && depth === 0) break;
        else if (c === '\n') break;
        else j += 1;
      }
      if (text[j] !== "'") problems.push(`line ${line}: unterminated string`);
      code += text.slice(i, j + 1);
      i = j + 1;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      code += ' '.repeat(stop - i);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      code += text.slice(i, stop).replace(/[^\n]/g, ' ');
      line += (text.slice(i, stop).match(/\n/g) ?? []).length;
      i = stop;
    } else {
      if (char === '(' || char === '[' || char === '{') stack.push({ char, line });
      else if (char in pairs) {
        const open = stack.pop();
        if (open?.char !== pairs[char]) problems.push(`line ${line}: unexpected ${char}`);
      }
      code += char;
      i += 1;
    }
  }
  for (const open of stack) problems.push(`line ${open.line}: ${open.char} never closed`);
  return { code, problems };
}

/** The text between the brace at `open` and its match (strings and comments already handled by scan). */
export function blockAt(code: string, open: number): string {
  let depth = 0;
  let inString = false;
  for (let i = open; i < code.length; i += 1) {
    const char = code[i];
    if (char === "'" && !code.startsWith("'''", i)) inString = !inString;
    if (inString) continue;
    if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return code.slice(open + 1, i);
    }
  }
  throw new Error('unbalanced block');
}

/** `key: value` pairs at the top level of an object body; values are raw Bicep text (blocks included). */
export function entriesOf(body: string): Map<string, string> {
  const entries = new Map<string, string>();
  const matcher = /(?:^|\n)[ \t]*('[^']+'|[A-Za-z_][A-Za-z0-9_]*)[ \t]*:[ \t]*/g;
  let depth = 0;
  let inString = false;
  let lastCut = 0;
  const depthAt: number[] = [];
  for (let i = 0; i < body.length; i += 1) {
    depthAt[i] = depth;
    const char = body[i];
    if (char === "'") inString = !inString;
    if (inString) continue;
    if (char === '{' || char === '[' || char === '(') depth += 1;
    else if (char === '}' || char === ']' || char === ')') depth -= 1;
  }
  const keys: { key: string; start: number; valueStart: number }[] = [];
  for (const match of body.matchAll(matcher)) {
    const start = (match.index ?? 0) + (match[0].startsWith('\n') ? 1 : 0);
    if ((depthAt[start] ?? 0) !== 0 || start < lastCut) continue;
    keys.push({ key: (match[1] ?? '').replace(/^'|'$/g, ''), start, valueStart: (match.index ?? 0) + match[0].length });
    lastCut = start;
  }
  keys.forEach((entry, index) => {
    const end = keys[index + 1]?.start ?? body.length;
    entries.set(entry.key, body.slice(entry.valueStart, end).trim());
  });
  return entries;
}

export function parseBicep(text: string): BicepFile {
  const { code, problems } = scan(text);
  const lines = code.split('\n');
  const params: Param[] = [];
  lines.forEach((line, index) => {
    const match = /^param\s+([A-Za-z_][A-Za-z0-9_]*)\s+([A-Za-z]+)(\s*=.*)?$/.exec(line.trim());
    if (!match?.[1] || !match[2]) return;
    const decorators: string[] = [];
    for (let j = index - 1; j >= 0 && (lines[j] ?? '').trim().startsWith('@'); j -= 1) decorators.unshift((lines[j] ?? '').trim());
    params.push({ name: match[1], type: match[2], hasDefault: match[3] !== undefined, decorators });
  });
  const vars = new Map<string, string>();
  for (const match of code.matchAll(/^var\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/gm)) vars.set(match[1] ?? '', match[2] ?? '');
  const declarations: Declaration[] = [];
  for (const match of code.matchAll(/^(resource|module)\s+([A-Za-z_][A-Za-z0-9_]*)\s+'([^']+)'(\s+existing)?\s*=\s*(?:if\s*\([^)]*\)\s*)?\{/gm)) {
    const open = (match.index ?? 0) + match[0].length - 1;
    declarations.push({
      kind: match[1] as 'resource' | 'module',
      symbol: match[2] ?? '',
      target: match[3] ?? '',
      existing: match[4] !== undefined,
      body: blockAt(code, open),
    });
  }
  const outputs = new Map<string, string>();
  for (const match of code.matchAll(/^output\s+([A-Za-z_][A-Za-z0-9_]*)\s+[A-Za-z]+\s*=\s*(.*)$/gm)) outputs.set(match[1] ?? '', match[2] ?? '');
  const targetScope = /^targetScope\s*=\s*'([^']+)'/m.exec(code)?.[1] ?? 'resourceGroup';
  return { targetScope, params, vars, declarations, outputs, problems, code };
}

/** The one resource of this type (`Microsoft.Web/sites`, any API version), or throws. */
export function resourceOf(file: BicepFile, type: string, options: { existing?: boolean } = {}): Declaration {
  const found = file.declarations.filter(
    (d) => d.kind === 'resource' && d.target.split('@')[0] === type && d.existing === (options.existing ?? false),
  );
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as Declaration;
}

/** Follows `a.b.c` through nested object bodies: the raw value, or undefined. */
export function valueAt(body: string, dottedPath: string): string | undefined {
  let current: string | undefined = body;
  for (const key of dottedPath.split('.')) {
    if (current === undefined) return undefined;
    const value: string | undefined = entriesOf(current).get(key);
    if (value === undefined) return undefined;
    current = value.startsWith('{') ? value.slice(1, value.lastIndexOf('}')) : value;
  }
  return current?.trim();
}
