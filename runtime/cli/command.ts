import { logFatal } from '../observability/fatal-error.ts';
import { createLogger, type LogFormat, type LogLevel } from '../observability/logger.ts';
import { formatColumns, HELP_WIDTH, wrapText } from './help-layout.ts';
import { optionRows, parseOptions, UsageError, type OptionSpecs, type OptionValues } from './options.ts';

/** One CLI subcommand: its options and what it runs; execute() resolves to the exit code. */
export interface Command {
  readonly name: string;
  readonly description: string;
  /** Command lines shown under Examples in --help, each run as `npx marketfeed …`. */
  readonly examples: readonly string[];
  readonly options: OptionSpecs;
  execute(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number>;
}

export function defineCommand<const O extends OptionSpecs>(definition: {
  name: string;
  description: string;
  examples: readonly string[];
  options: O;
  run(options: OptionValues<O>): Promise<number>;
}): Command {
  return {
    name: definition.name,
    description: definition.description,
    examples: definition.examples,
    options: definition.options,
    async execute(argv, env) {
      const options = parseOptions(`marketfeed ${definition.name}`, definition.options, argv, env);
      try {
        return await definition.run(options);
      } catch (error) {
        // A command that logs gets its structured fatal line even when the failure came before
        // (or outside) the service that would have logged it with the process's labels.
        const { logLevel, logFormat } = options as { logLevel?: LogLevel; logFormat?: LogFormat };
        if (logLevel !== undefined && !(error instanceof UsageError)) logFatal(createLogger(definition.name.replace(' ', '-'), logLevel, logFormat), error);
        throw error;
      }
    },
  };
}

export function commandHelp(command: Command, summary: string): string {
  return [
    `Usage: npx marketfeed ${command.name} [options]`,
    '',
    ...wrapText(`${summary}.`, HELP_WIDTH),
    '',
    ...wrapText(command.description, HELP_WIDTH),
    '',
    'Options (flag, else environment variable, else default):',
    ...formatColumns([...optionRows(command.options), ['--help', 'show this help']]),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}
