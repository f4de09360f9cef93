/** Part 3 of the fault gallery's main proof (tests/support/gallery-faults.ts says why it is in parts). */
import { describeFaultGallery } from "../support/gallery-faults.js";

describeFaultGallery(3, 3);
