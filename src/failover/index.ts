/** The failover loop's public surface: what the controller, /metrics and `keelson status` use. */
export { startFailover, type FailoverHandle, type FailoverOptions, type FailoverEventName, type RoundReport, type TargetStatus } from './loop.ts';
export { subtractHeldDown, type HeldDown } from './desired.ts';
export { failoverGroups, failoverKey, addressBookOf, type AddressBook, type FailoverGroup } from './targets.ts';
export { realProber, type Prober, type ProbeOutcome, type ProbeSpec } from './prober.ts';
