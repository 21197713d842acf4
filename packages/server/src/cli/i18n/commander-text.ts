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

/** The errors commander words itself (an unknown option, a missing one …), by their shape. */
const errors: [RegExp, MessageKey, string[]][] = [
  [/^error: unknown option '(.+?)'/, 'commander.unknownOption', ['option']],
  [/^error: unknown command '(.+?)'/, 'commander.unknownCommand', ['command']],
  [/^error: required option '(.+?)' not specified/, 'commander.missingOption', ['option']],
  [/^error: missing required argument '(.+?)'/, 'commander.missingArgument', ['argument']],
  [
    /^error: option '(.+?)' argument '(.*?)' is invalid\. Allowed choices are (.+)\./,
    'commander.badChoice',
    ['option', 'value', 'choices'],
  ],
];

/** commander's error line in the CLI's language; one it does not know stays as it is. */
export function translateCommanderError(text: string): string {
  if (cliLanguage() === 'en') return text;
  for (const [pattern, key, names] of errors) {
    const match = pattern.exec(text);
    if (!match) continue;
    const values = Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? '']));
    return t(key, values) + text.slice(match[0].length);
  }
  return text;
}
