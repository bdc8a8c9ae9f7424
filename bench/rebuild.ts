/** Placeholder until the fleet rebuild bench lands (next commit). */
export async function benchRebuild(): Promise<void> {}
