import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importGraph, ROOT } from '../support/import-graph.ts';

/**
 * The layer order is written once, in docs/architecture.md's `layers` block (one layer a
 * line, the highest first; a module is a folder, `lib/x/`, or a file, `lib/x.ts`). This
 * test reads it and holds the code to it. A TypeScript import scan (the compiler the
 * project already has) does the job of dependency-cruiser without another dependency.
 */
type Layers = readonly (readonly string[])[];

async function documentedLayers(): Promise<Layers> {
  const text = await readFile(join(ROOT, 'docs/architecture.md'), 'utf8');
  const block = /```layers\n([\s\S]*?)```/.exec(text)?.[1];
  if (block === undefined) throw new Error('docs/architecture.md has no ```layers block');
  return block
    .split('\n')
    .map((line) => line.trim().split(/\s+/).filter(Boolean))
    .filter((layer) => layer.length > 0);
}

/**
 * Imports against the layer order, by exact edge: lib/http/web-handler.ts still imports
 * OAuthError while issue 18 item 2 (one request pipeline) removes that edge.
 */
const ALLOWED = new Set(['lib/http/web-handler.ts -> lib/oauth/errors.ts']);

/** The module a file belongs to (its folder or itself), or undefined when no layer holds it. */
function moduleOf(layers: Layers, file: string): { module: string; rank: number } | undefined {
  for (const [rank, layer] of layers.entries()) {
    const module = layer.find((name) => (name.endsWith('/') ? file.startsWith(name) : file === name));
    if (module !== undefined) return { module, rank };
  }
  return undefined;
}

/** Files in no layer, and every import that does not go down to a lower layer. */
function layerViolations(layers: Layers, graph: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = [];
  for (const [file, imports] of graph) {
    const from = moduleOf(layers, file);
    if (from === undefined) {
      problems.push(`${file} is in no layer`);
      continue;
    }
    for (const target of imports) {
      const to = moduleOf(layers, target);
      if (to?.module === from.module) continue;
      const edge = `${file} -> ${target}`;
      if ((to === undefined || to.rank <= from.rank) && !ALLOWED.has(edge)) problems.push(edge);
    }
  }
  return problems;
}

/** One cycle of imports between files, as the path around it, or undefined. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | undefined => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return undefined;
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(file);
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the layer check', () => {
  const layers = [['lib/high/'], ['lib/low.ts', 'lib/side/']];

  it('refuses an import upward, sideways and out of the layers, and a file in no layer', () => {
    const graph = new Map([
      ['lib/high/a.ts', ['lib/high/b.ts', 'lib/low.ts']],
      ['lib/low.ts', ['lib/high/a.ts', 'lib/side/c.ts', 'scripts/x.ts']],
      ['lib/stray.ts', []],
    ]);
    expect(layerViolations(layers, graph)).toEqual([
      'lib/low.ts -> lib/high/a.ts',
      'lib/low.ts -> lib/side/c.ts',
      'lib/low.ts -> scripts/x.ts',
      'lib/stray.ts is in no layer',
    ]);
  });

  it('finds a cycle between files, and none in a tree', () => {
    const cyclic = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
    ]);
    expect(findCycle(cyclic)).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(
      findCycle(
        new Map([
          ['a.ts', ['b.ts', 'c.ts']],
          ['b.ts', ['c.ts']],
        ]),
      ),
    ).toBeUndefined();
  });
});

describe('the code', () => {
  it('imports only downward through the layers of docs/architecture.md', async () => {
    const layers = await documentedLayers();
    expect(layers.length).toBeGreaterThan(5);
    expect(layerViolations(layers, await importGraph(['functions', 'lib']))).toEqual([]);
  });

  it('has no import cycle between files', async () => {
    expect(findCycle(await importGraph(['functions', 'lib']))).toBeUndefined();
  });

  it('keeps the agent to the wire contract: from lib it imports only lib/agent-wire/ and the zod it is written in', async () => {
    const graph = await importGraph(['agent']);
    expect(graph.size).toBeGreaterThan(10);
    const fromLib = [...graph.values()].flat().filter((target) => target.startsWith('lib/'));
    expect(fromLib.length).toBeGreaterThan(0);
    // lib/zod.ts is zod/mini with its English messages, which the protocol's schemas need.
    expect(fromLib.filter((target) => !target.startsWith('lib/agent-wire/') && target !== 'lib/zod.ts')).toEqual([]);
  });
});
