/** Takes a boolean flag that a wrapper handles out of an argument list before the command parses the rest. */
export function takeFlag(argv: readonly string[], flag: string): { present: boolean; argv: string[] } {
  // After a `--` terminator every argument is an operand, never this flag.
  const end = argv.indexOf("--");
  const flags = end < 0 ? [...argv] : argv.slice(0, end);
  if (!flags.includes(flag)) return { present: false, argv: [...argv] };
  return { present: true, argv: [...flags.filter((arg) => arg !== flag), ...(end < 0 ? [] : argv.slice(end))] };
}
