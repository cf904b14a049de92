import { formatOptionsHelp, parseOptions, type OptionSpecs, type OptionValues } from './options.ts';

/** One CLI subcommand: its options and what it runs; execute() resolves to the exit code. */
export interface Command {
  readonly name: string;
  readonly description: string;
  readonly options: OptionSpecs;
  execute(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number>;
}

export function defineCommand<const O extends OptionSpecs>(definition: {
  name: string;
  description: string;
  options: O;
  run(options: OptionValues<O>): Promise<number>;
}): Command {
  return {
    name: definition.name,
    description: definition.description,
    options: definition.options,
    execute: (argv, env) => definition.run(parseOptions(`marketfeed ${definition.name}`, definition.options, argv, env)),
  };
}

export function commandHelp(command: Command, summary: string): string {
  return [
    `Usage: marketfeed ${command.name} [options]`,
    '',
    `${summary}.`,
    '',
    command.description,
    '',
    'Options (flag, else environment variable, else default):',
    formatOptionsHelp(command.options),
    '  --help'.padEnd(34) + 'show this help',
    '',
  ].join('\n');
}
