/** The API's reply shapes, from @fidelis/contracts (types only: no zod in these bundles). */
import type { FieldError, member } from '@fidelis/contracts';

export type {
  ApiKey,
  AttributeDefinition,
  AttributeDefinitionPatch,
  AttributeUsage,
  Customer,
  CustomerCreate,
  CustomerImportReport,
  CustomerPatch,
  Event as TimelineEvent,
  Overview,
  User,
  UserCreate,
  UserPatch,
} from '@fidelis/contracts';

export type CustomerKind = 'person' | 'organization';
export type CustomerMember = ReturnType<(typeof member)['parse']>;

/** A bad line of an import: a field error with its line, and a reason where the server gives one. */
export type ImportLineError = FieldError & { line: number };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
