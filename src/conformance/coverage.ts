/**
 * Which documented (operation, status) pairs the run exercised, for the report's coverage matrix.
 * A pair counts as exercised when a response with that status arrived; `clean` counts those that
 * also passed every every-response check.
 */
import { documentedStatuses, type SpecDocument } from "../spec/document.js";

export interface CoverageCell {
  operationId: string;
  status: number;
  documented: boolean;
  seen: number;
  clean: number;
}

export class Coverage {
  private readonly cells = new Map<string, CoverageCell>();

  constructor(spec: SpecDocument) {
    for (const op of spec.operations.values()) {
      for (const status of documentedStatuses(op)) this.cell(op.operationId, status, true);
    }
  }

  record(operationId: string, status: number | undefined, clean: boolean): void {
    if (status === undefined) return;
    const cell = this.cell(operationId, status, false);
    cell.seen += 1;
    if (clean) cell.clean += 1;
  }

  all(): CoverageCell[] {
    return [...this.cells.values()];
  }

  private cell(operationId: string, status: number, documented: boolean): CoverageCell {
    const key = `${operationId} ${status}`;
    let cell = this.cells.get(key);
    if (!cell) {
      cell = { operationId, status, documented, seen: 0, clean: 0 };
      this.cells.set(key, cell);
    }
    return cell;
  }
}
