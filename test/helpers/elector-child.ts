/**
 * An elector in a process of its own, for the test that SIGKILLs a leader: elects on KEELSON_HA_URL
 * with the timings in KEELSON_TEST_HA (JSON) and prints `leader EPOCH` / `follower` on every change.
 */
import { startLeaderElection } from '../../src/coordination/election.ts';

const timings = JSON.parse(process.env.KEELSON_TEST_HA ?? '{}') as { leaseMs: number; renewMs: number; giveUpMs: number };
const e = startLeaderElection({ url: process.env.KEELSON_HA_URL!, id: 'child', ...timings });
e.onChange((leader, epoch) => process.stdout.write(leader ? `leader ${epoch}\n` : 'follower\n'));
process.stdout.write('started\n');
