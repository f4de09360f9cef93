/**
 * Secrets never reach an output. Every text that leaves the process (stdout, stderr, every report)
 * passes through a Redactor built from all tokens the run knows.
 */
const MIN_SECRET_LENGTH = 6; // shorter values would redact ordinary words

export class Redactor {
  private secrets: string[] = [];

  constructor(secrets: Iterable<string>) {
    this.add(secrets);
  }

  /** Learns more secrets (tokens of the embedded provider become known only after it starts). */
  add(more: Iterable<string>): void {
    // Longest first, so a token that contains another is replaced whole.
    const all = new Set([...this.secrets, ...more]);
    this.secrets = [...all].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      result = result.replaceAll(secret, "[REDACTED]");
      // JSON output escapes some characters; cover the escaped form too.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret) result = result.replaceAll(escaped, "[REDACTED]");
    }
    return result;
  }
}
