/** Disjoint sets over string keys (path halving + union by size): the records that share any identity. */
export class UnionFind {
  readonly #parent = new Map<string, string>();
  readonly #size = new Map<string, number>();

  find(key: string): string {
    if (!this.#parent.has(key)) {
      this.#parent.set(key, key);
      this.#size.set(key, 1);
      return key;
    }
    let node = key;
    for (let parent = this.#parent.get(node)!; parent !== node; parent = this.#parent.get(node)!) {
      const grand = this.#parent.get(parent)!;
      this.#parent.set(node, grand);
      node = grand;
    }
    return node;
  }

  union(a: string, b: string): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.#size.get(ra)! < this.#size.get(rb)!) [ra, rb] = [rb, ra];
    this.#parent.set(rb, ra);
    this.#size.set(ra, this.#size.get(ra)! + this.#size.get(rb)!);
  }
}
