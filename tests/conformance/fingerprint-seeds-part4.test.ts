/** Part 4 of the 10-seed proof of the fingerprints (tests/support/fingerprint-seeds.ts). */
import { describeFingerprintSeeds } from "../support/fingerprint-seeds.js";

describeFingerprintSeeds(4, 4);
