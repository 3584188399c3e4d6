// paritydeals-sdk/testing: a local ParityDeals emulator for tests (Node only).

export { startEmulator } from './emulator.js';
export { spawnEmulator, type SpawnEmulatorOptions } from './spawn.js';
export { DEFAULT_API_KEY, type Emulator, type EmulatorOptions, type RemoteEmulator } from './types.js';
export {
  DEFAULT_CATALOG,
  loadCatalog,
  validateCatalog,
  type Catalog,
  type Feature,
  type FeatureType,
  type MeterReset,
  type Plan,
  type PlanEntitlement,
} from './catalog.js';
// The enumerations a catalog and the records use, as values too (the declarations say so).
export { CHARGE_PERIODS, ChargePeriod, CancellationType } from '../core/enums.js';
export type { Fault, FaultType } from './faults.js';
export { DEFAULT_MAX_RECORDED_REQUESTS, type RecordedRequest } from './recorder.js';
export { EMULATOR_ORG_ID } from './api.js';
export type {
  CheckoutSession,
  Customer,
  EmulatorState,
  EntitlementDetail,
  FeatureQuantity,
  SeedResult,
  SeedState,
  Subscription,
  UsageEvent,
} from './records.js';
