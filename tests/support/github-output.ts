/**
 * Reads a GITHUB_OUTPUT file as GitHub Actions does: `name=value` lines, and `name<<DELIMITER` blocks
 * whose value is every line up to the delimiter alone on a line.
 * @see https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#multiline-strings
 */
export function parseGithubOutput(text: string): Record<string, string> {
  const lines = text.split("\n");
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "") continue;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const [, name = "", delimiter] = block;
      const end = lines.indexOf(delimiter ?? "", i + 1);
      if (end === -1) throw new Error(`output ${name}: no closing delimiter`);
      outputs[name] = lines.slice(i + 1, end).join("\n");
      i = end;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq === -1) throw new Error(`not an output line: ${JSON.stringify(line)}`);
    outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}
