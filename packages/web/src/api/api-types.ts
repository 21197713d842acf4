/** The API's reply shapes, from @fidelis/contracts (types only: no zod in these bundles). */
import type { member } from '@fidelis/contracts';

export type {
  AttributeDefinition,
  AttributeDefinitionPatch,
  AttributeUsage,
  Customer,
  CustomerCreate,
  CustomerImportReport,
  CustomerPatch,
  Event as TimelineEvent,
  Overview,
} from '@fidelis/contracts';

export type CustomerKind = 'person' | 'organization';
export type CustomerMember = ReturnType<(typeof member)['parse']>;

export interface ImportLineError {
  line: number;
  field: string;
  message: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
