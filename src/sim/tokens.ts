/**
 * How the simulator's credentials look. Every token the embedded simulator issues by default starts
 * with this prefix, so keelson can tell one apart from a real key and refuse to send it to a real API
 * (src/providers/connect.ts). Loaded without the rest of the simulator.
 */
export const SIM_TOKEN_PREFIX = 'sim-';

/** Whether a credential looks like one the simulator issued. */
export function looksLikeSimulatorToken(token: string): boolean {
  return token.startsWith(SIM_TOKEN_PREFIX);
}
