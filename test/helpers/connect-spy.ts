/**
 * Records every TCP connect the process starts (every client socket goes through
 * `net.Socket.prototype.connect`), so a test can prove that no packet was sent to an address.
 */
import { Socket } from 'node:net';

export interface ConnectSpy {
  /** Destination hosts of the connects seen so far, in order. */
  hosts: string[];
  restore(): void;
}

export function spyOnConnects(): ConnectSpy {
  const original = Socket.prototype.connect;
  const hosts: string[] = [];
  Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
    const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    const host = typeof first === 'object' && first !== null ? (first as { host?: string; path?: string }).host ?? (first as { path?: string }).path : args[1];
    hosts.push(String(host ?? 'localhost'));
    return (original as (...a: unknown[]) => Socket).apply(this, args);
  } as typeof original;
  return { hosts, restore: () => void (Socket.prototype.connect = original) };
}
