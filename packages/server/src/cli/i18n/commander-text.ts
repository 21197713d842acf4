import { Help, type Option } from 'commander';
import { cliLanguage, t, type MessageKey } from './translate.ts';

const titles: Record<string, MessageKey> = {
  'Usage:': 'help.usage',
  'Options:': 'help.options',
  'Commands:': 'help.commands',
  'Arguments:': 'help.arguments',
  'Global Options:': 'help.globalOptions',
};

/** commander's help in the CLI's language: its headings and the `(default: …)` of options. */
export function commanderHelp(): Partial<Help> {
  return {
    styleTitle: (title: string) => {
      const key = titles[title];
      return key ? t(key) : title;
    },
    optionDescription(option: Option) {
      return Help.prototype.optionDescription
        .call(this as Help, option)
        .replace('(default: ', `(${t('help.default')}`)
        .replace('(choices: ', `(${t('help.choices')}`)
        .replace(', default: ', `, ${t('help.default')}`);
    },
  };
}

/**
 * The errors commander words itself (an unknown option, a missing one …), by their shape: every
 * `this.error(…)` of commander/lib/command.js. An argument parser's own reason after "is
 * invalid." is ours, already in the CLI's language.
 */
const errors: [RegExp, MessageKey, string[]][] = [
  [/^error: unknown option '(.+?)'/, 'commander.unknownOption', ['option']],
  [/^error: unknown command '(.+?)'/, 'commander.unknownCommand', ['command']],
  [/^error: required option '(.+?)' not specified/, 'commander.missingOption', ['option']],
  [/^error: missing required argument '(.+?)'/, 'commander.missingArgument', ['argument']],
  [/^error: option '(.+?)' argument missing/, 'commander.optionArgumentMissing', ['option']],
  [
    /^error: too many arguments for '(.+?)'\. Expected (\d+) arguments? but got (\d+)\./,
    'commander.tooManyArgumentsFor',
    ['command', 'expected', 'given'],
  ],
  [
    /^error: too many arguments\. Expected (\d+) arguments? but got (\d+)\./,
    'commander.tooManyArguments',
    ['expected', 'given'],
  ],
  [
    /^error: option '(.+?)' argument '(.*?)' is invalid\. Allowed choices are (.+)\./,
    'commander.badChoice',
    ['option', 'value', 'choices'],
  ],
  [
    /^error: option '(.+?)' argument '(.*?)' is invalid\./,
    'commander.invalidOptionValue',
    ['option', 'value'],
  ],
  [
    /^error: option '(.+?)' value '(.*?)' from env '(.+?)' is invalid\./,
    'commander.invalidEnvValue',
    ['option', 'value', 'variable'],
  ],
  [
    /^error: command-argument value '(.*?)' is invalid for argument '(.+?)'\./,
    'commander.invalidArgumentValue',
    ['value', 'argument'],
  ],
  [
    /^error: option '(.+?)' cannot be used with option '(.+?)'/,
    'commander.conflictingOptions',
    ['option', 'other'],
  ],
  [
    /^error: option '(.+?)' cannot be used with environment variable '(.+?)'/,
    'commander.conflictingOptionEnv',
    ['option', 'variable'],
  ],
  [
    /^error: environment variable '(.+?)' cannot be used with option '(.+?)'/,
    'commander.conflictingEnvOption',
    ['variable', 'option'],
  ],
  [
    /^error: environment variable '(.+?)' cannot be used with environment variable '(.+?)'/,
    'commander.conflictingEnvs',
    ['variable', 'other'],
  ],
];

/** What commander may add after the error: its guess at what was meant, the allowed values. */
const tails: [RegExp, MessageKey, string[]][] = [
  [/^\n\(Did you mean one of (.+)\?\)/, 'commander.didYouMeanOneOf', ['candidates']],
  [/^\n\(Did you mean (.+)\?\)/, 'commander.didYouMean', ['candidate']],
  [/^ ?Allowed choices are (.+)\./, 'commander.allowedChoices', ['choices']],
];

function translateStart(text: string, table: [RegExp, MessageKey, string[]][]) {
  for (const [pattern, key, names] of table) {
    const match = pattern.exec(text);
    if (!match) continue;
    const values = Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? '']));
    return { text: t(key, values), rest: text.slice(match[0].length) };
  }
  return null;
}

/** commander's error line in the CLI's language; one it does not know stays as it is. */
export function translateCommanderError(text: string): string {
  if (cliLanguage() === 'en') return text;
  const head = translateStart(text, errors);
  if (!head) return text;
  const tail = translateStart(head.rest, tails);
  const rest = tail ? tail.text + tail.rest : head.rest;
  // After a full-width stop the space before an argument parser's reason is one too many.
  return head.text + (/[。：]$/.test(head.text) ? rest.replace(/^ /, '') : rest);
}
