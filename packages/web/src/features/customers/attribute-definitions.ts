import type {
  AttributeDefinition,
  AttributeDefinitionPatch,
  AttributeUsage,
  attributeDefinitionCreate,
} from '@fidelis/contracts';

export type AttributeType = AttributeDefinition['type'];

/** The definition's label in the UI's language. */
export function attributeLabel(
  definition: Pick<AttributeDefinition, 'labelZh' | 'labelEn'>,
  locale: string,
): string {
  return locale.startsWith('zh') ? definition.labelZh : definition.labelEn;
}
export type AttributeDefinitionCreate = ReturnType<(typeof attributeDefinitionCreate)['parse']>;

// The contracts' `attributeTypes`, repeated so the web bundle needs no zod; `complete` below
// fails to compile when the contracts add a type that is missing here.
export const attributeTypes = [
  'string',
  'number',
  'boolean',
  'date',
  'enum',
] as const satisfies readonly AttributeType[];
const complete: Exclude<AttributeType, (typeof attributeTypes)[number]> extends never
  ? true
  : never = true;
void complete;

/** The contracts' pattern of a key (`attributeDefinitionCreate.key`), for the same reason. */
export const attributeKeyPattern = /^[a-z][a-z0-9_]{0,49}$/;

/** Limits of an enum's options, as the contracts set them. */
export const optionLimits = { count: 200, length: 100 } as const;

/** Only an `enum` has options (the server refuses them on any other type). */
export const typeHasOptions = (type: AttributeType | undefined): boolean => type === 'enum';

export interface AttributeFormValues {
  key?: string;
  labelZh?: string;
  labelEn?: string;
  type?: AttributeType;
  options?: string[];
}

/**
 * The request a filled-in form sends: trimmed, a label left empty taken from the other
 * language's, and options (trimmed, each once) only for an enum.
 */
export function createInputOf(values: AttributeFormValues): AttributeDefinitionCreate {
  const labelZh = values.labelZh?.trim() ?? '';
  const labelEn = values.labelEn?.trim() ?? '';
  const type = values.type ?? 'string';
  const input: AttributeDefinitionCreate = {
    key: values.key?.trim() ?? '',
    labelZh: labelZh || labelEn,
    labelEn: labelEn || labelZh,
    type,
  };
  if (typeHasOptions(type)) input.options = cleanOptions(values.options);
  return input;
}

/** An enum's options as typed: trimmed, each once, in order. */
function cleanOptions(options: readonly string[] | undefined): string[] {
  return [...new Set((options ?? []).map((option) => option.trim()).filter(Boolean))];
}

/**
 * The request an edit form sends: only what differs from the definition (labels trimmed, one
 * left empty taken from the other language's; an enum's options as in `createInputOf`). Empty
 * when nothing changed. The key and the type never change.
 */
export function patchInputOf(
  definition: AttributeDefinition,
  values: AttributeFormValues,
): AttributeDefinitionPatch {
  const typedZh = values.labelZh?.trim() ?? '';
  const typedEn = values.labelEn?.trim() ?? '';
  const labelZh = typedZh || typedEn;
  const labelEn = typedEn || typedZh;
  const patch: AttributeDefinitionPatch = {};
  if (labelZh && labelZh !== definition.labelZh) patch.labelZh = labelZh;
  if (labelEn && labelEn !== definition.labelEn) patch.labelEn = labelEn;
  if (typeHasOptions(definition.type)) {
    const options = cleanOptions(values.options);
    const same =
      options.length === definition.options.length &&
      options.every((option, index) => option === definition.options[index]);
    if (!same) patch.options = options;
  }
  return patch;
}

/** The options an edit leaves out that customers hold (the server refuses to remove those). */
export function heldOptionsLeftOut(
  usage: Pick<AttributeUsage, 'options'> | undefined,
  options: readonly string[] | undefined,
): { option: string; customers: number }[] {
  const kept = new Set(cleanOptions(options));
  return (usage?.options ?? []).filter(
    ({ option, customers }) => customers > 0 && !kept.has(option),
  );
}

/** Whether a definition matches a search: its key, either label or one of its options. */
export function matchesSearch(definition: AttributeDefinition, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  return [definition.key, definition.labelZh, definition.labelEn, ...definition.options].some(
    (text) => text.toLowerCase().includes(needle),
  );
}

/** The definitions in key order (the server's), with one more in its place. */
export function withDefinition(
  definitions: readonly AttributeDefinition[],
  added: AttributeDefinition,
): AttributeDefinition[] {
  return [...definitions.filter((definition) => definition.key !== added.key), added].sort(
    (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}
