/**
 * Clusters: connected components of the links (pairs at or above the threshold), with a guard
 * against chaining. Linking is transitive through components, so one weak link between two groups
 * (A–B strong, B–C weak, C–D strong) merges people who were never compared as alike. A component of
 * at least `minSize` records whose density (links / possible links) is below `minDensity` is split
 * by cutting its weakest bridge (a link whose removal disconnects it), and the parts are checked
 * again. A sparse component without bridges (a ring) is left whole.
 */

export interface Edge {
  a: number;
  b: number;
  weight: number;
}

export interface ClusterOptions {
  minDensity: number;
  /** Components smaller than this are never split. */
  minSize?: number;
}

export interface ClusterResult {
  /** Cluster index per node (0..clusterCount-1), in order of each cluster's first node. */
  clusterOf: Int32Array;
  clusterCount: number;
  /** Links cut by the guard. */
  cut: Edge[];
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]!]!;
    x = parent[x]!;
  }
  return x;
}

/** Indices (into `edges`) of the bridges of the graph formed by `edges` (iterative Tarjan). */
export function findBridges(nodes: readonly number[], edges: readonly Edge[]): number[] {
  const local = new Map<number, number>();
  nodes.forEach((n, i) => local.set(n, i));
  const adj: number[][] = nodes.map(() => []);
  edges.forEach((e, k) => {
    adj[local.get(e.a)!]!.push(k);
    adj[local.get(e.b)!]!.push(k);
  });
  const disc = new Int32Array(nodes.length).fill(-1);
  const low = new Int32Array(nodes.length);
  const bridges: number[] = [];
  let time = 0;
  for (let root = 0; root < nodes.length; root++) {
    if (disc[root] !== -1) continue;
    const stack: { v: number; viaEdge: number; next: number }[] = [{ v: root, viaEdge: -1, next: 0 }];
    disc[root] = low[root] = time++;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const list = adj[top.v]!;
      if (top.next < list.length) {
        const k = list[top.next++]!;
        if (k === top.viaEdge) continue;
        const e = edges[k]!;
        const w = local.get(e.a === nodes[top.v] ? e.b : e.a)!;
        if (disc[w] === -1) {
          disc[w] = low[w] = time++;
          stack.push({ v: w, viaEdge: k, next: 0 });
        } else {
          low[top.v] = Math.min(low[top.v]!, disc[w]!);
        }
      } else {
        stack.pop();
        const parent = stack[stack.length - 1];
        if (parent) {
          low[parent.v] = Math.min(low[parent.v]!, low[top.v]!);
          if (low[top.v]! > disc[parent.v]!) bridges.push(top.viaEdge);
        }
      }
    }
  }
  return bridges;
}

function components(nodes: readonly number[], edges: readonly Edge[]): { nodes: number[]; edges: Edge[] }[] {
  const local = new Map<number, number>();
  nodes.forEach((n, i) => local.set(n, i));
  const parent = new Int32Array(nodes.length).map((_, i) => i);
  for (const e of edges) {
    const ra = find(parent, local.get(e.a)!);
    const rb = find(parent, local.get(e.b)!);
    if (ra !== rb) parent[ra] = rb;
  }
  const groups = new Map<number, { nodes: number[]; edges: Edge[] }>();
  nodes.forEach((n, i) => {
    const r = find(parent, i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = { nodes: [], edges: [] }));
    g.nodes.push(n);
  });
  for (const e of edges) groups.get(find(parent, local.get(e.a)!))!.edges.push(e);
  return [...groups.values()];
}

function split(group: { nodes: number[]; edges: Edge[] }, opts: Required<ClusterOptions>, cut: Edge[]): number[][] {
  const n = group.nodes.length;
  const density = n < 2 ? 1 : group.edges.length / ((n * (n - 1)) / 2);
  if (n < opts.minSize || density >= opts.minDensity) return [group.nodes];
  const bridges = findBridges(group.nodes, group.edges);
  if (bridges.length === 0) return [group.nodes];
  let weakest = bridges[0]!;
  for (const k of bridges) if (group.edges[k]!.weight < group.edges[weakest]!.weight) weakest = k;
  cut.push(group.edges[weakest]!);
  const rest = group.edges.filter((_, k) => k !== weakest);
  return components(group.nodes, rest).flatMap((g) => split(g, opts, cut));
}

export function clusterLinks(nodeCount: number, edges: readonly Edge[], options: ClusterOptions): ClusterResult {
  const opts: Required<ClusterOptions> = { minSize: 4, ...options };
  const parent = new Int32Array(nodeCount).map((_, i) => i);
  for (const e of edges) {
    const ra = find(parent, e.a);
    const rb = find(parent, e.b);
    if (ra !== rb) parent[ra] = rb;
  }
  // Only multi-record components need the guard; gather them with their links.
  const groups = new Map<number, { nodes: number[]; edges: Edge[] }>();
  for (const e of edges) {
    const r = find(parent, e.a);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = { nodes: [], edges: [] }));
    g.edges.push(e);
  }
  for (let i = 0; i < nodeCount; i++) groups.get(find(parent, i))?.nodes.push(i);
  const label = new Int32Array(nodeCount).fill(-1);
  const cut: Edge[] = [];
  // Provisional labels: each final part is labelled by its smallest node, then renumbered in node order.
  for (const g of groups.values()) {
    for (const part of split(g, opts, cut)) {
      let head = part[0]!;
      for (const v of part) if (v < head) head = v;
      for (const v of part) label[v] = head;
    }
  }
  const clusterOf = new Int32Array(nodeCount);
  const number = new Map<number, number>();
  for (let i = 0; i < nodeCount; i++) {
    const head = label[i]! >= 0 ? label[i]! : i;
    let c = number.get(head);
    if (c === undefined) {
      c = number.size;
      number.set(head, c);
    }
    clusterOf[i] = c;
  }
  return { clusterOf, clusterCount: number.size, cut };
}
