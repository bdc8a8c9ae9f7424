/**
 * A Map that counts its own changes and reports each one to its owner. The world's resource
 * collections are RevisionMaps, so every mutation — from any handler, present or future — bumps
 * the world revision that keys the response caches; nothing has to remember to invalidate them.
 */
export class RevisionMap<K, V> extends Map<K, V> {
  /** Changes made to this map; keys caches derived from this map alone (e.g. sorted record lists). */
  version = 0;

  constructor(
    private readonly onChange: () => void,
    entries?: Iterable<readonly [K, V]>,
  ) {
    // Filled via super.set so building the map is not counted as a change.
    super();
    if (entries) for (const [k, v] of entries) super.set(k, v);
  }

  override set(key: K, value: V): this {
    super.set(key, value);
    this.changed();
    return this;
  }

  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) this.changed();
    return had;
  }

  override clear(): void {
    super.clear();
    this.changed();
  }

  private changed(): void {
    this.version++;
    this.onChange();
  }
}
