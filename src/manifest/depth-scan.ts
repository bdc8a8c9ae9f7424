/**
 * A cheap scan of YAML text for how deeply it nests, run before parsing: the yaml parser recurses
 * (and builds huge regular expressions) on pathological nesting such as 10,000 `[` or `- - - …`,
 * which can exhaust the stack or the heap. The estimate errs on the high side for flow
 * collections and uses indentation as a proxy for block nesting.
 */

export interface NestingEstimate {
  /** The deepest level seen (flow brackets + block indentation + compact `- ` entries). */
  depth: number;
  /** 1-based line and column where that depth was first exceeded, or the deepest point. */
  line: number;
  col: number;
}

const BLOCK_SCALAR = /(^|[\s:-])[|>][-+0-9]*\s*(#.*)?$/;

/**
 * Returns the first place where the nesting estimate exceeds `limit`, or undefined when it stays
 * within it. Linear in the text length; never throws.
 */
export function findExcessiveNesting(text: string, limit: number): NestingEstimate | undefined {
  const lines = text.split('\n');
  // Indentation is only a proxy for depth, so allow several columns per level.
  const maxIndent = limit * 4;
  let flow = 0;
  let blockScalarIndent = -1;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    const indent = line.length - line.trimStart().length;
    if (blockScalarIndent >= 0) {
      if (line.trim() === '' || indent > blockScalarIndent) continue;
      blockScalarIndent = -1;
    }
    let i = indent;
    let compact = 0;
    if (flow === 0) {
      while (line.startsWith('- ', i) || line.startsWith('? ', i)) {
        compact++;
        i += 2;
        while (line[i] === ' ') i++;
      }
      if (indent > maxIndent || compact > limit) return { depth: Math.max(compact, Math.floor(indent / 4)), line: n + 1, col: i + 1 };
    }
    let quote: '"' | "'" | undefined;
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      const prev = i === 0 ? ' ' : line[i - 1];
      const tokenStart = prev === ' ' || prev === '\t' || prev === '[' || prev === '{' || prev === ',' || prev === ':';
      if ((c === '"' || c === "'") && tokenStart) quote = c;
      else if (c === '#' && (prev === ' ' || prev === '\t' || i === 0)) break;
      else if (c === '[' || c === '{') {
        flow++;
        if (flow + compact > limit) return { depth: flow + compact, line: n + 1, col: i + 1 };
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    if (flow === 0 && BLOCK_SCALAR.test(line)) blockScalarIndent = indent;
  }
  return undefined;
}
