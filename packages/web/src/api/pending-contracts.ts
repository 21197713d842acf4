/**
 * Shapes of the customers and activity APIs, written by hand while their zod schemas land in
 * @fidelis/contracts (customers.ts, events.ts). Fields not yet settled are optional, so the UI
 * shows what the server sends and skips what it does not.
 */

export type CustomerKind = 'person' | 'organization';

export interface CustomerContact {
  value: string;
  label: string | null;
  primary: boolean;
}

export interface CustomerConsent {
  channel: string;
  status: 'granted' | 'withdrawn';
  at: string;
  source: string;
}

export interface Customer {
  id: string;
  kind: CustomerKind;
  name: string;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  emails?: CustomerContact[];
  phones?: CustomerContact[];
  birthday?: string | null;
  gender?: string | null;
  occupation?: string | null;
  interests?: string[];
  familyNotes?: string | null;
  notes?: string | null;
  preferredChannel?: string | null;
  consent?: CustomerConsent[];
  tags: string[];
  attributes?: Record<string, string | number | boolean>;
  source?: string;
  mergedIds?: string[];
  createdAt: string;
  updatedAt?: string;
}

export interface CustomerMember {
  organizationId: string;
  organizationName?: string;
  personId: string;
  personName?: string;
  role: string | null;
  title: string | null;
}

export interface ImportLineError {
  line: number;
  field: string;
  message: string;
}

export interface CustomerImportReport {
  dryRun: boolean;
  mode: string;
  encoding: string;
  columns?: Record<string, string>;
  rows: number;
  created: number;
  updated: number;
  skipped: number;
  errorCount?: number;
  errors: ImportLineError[];
}

export interface TimelineLine {
  lineNo: number;
  sku: string;
  category: string | null;
  quantity: number;
  amount: number;
}

export interface TimelineEvent {
  id: string;
  type: 'purchase' | 'refund' | 'interaction';
  customerId: string;
  occurredAt: string;
  recordedAt?: string;
  currency: string | null;
  amount: number | null;
  channel: string | null;
  store?: string | null;
  refundOf?: string | null;
  lines: TimelineLine[];
  direction?: 'in' | 'out';
  subject?: string;
  staffMember?: string;
  outcome?: string;
  notes?: string;
}

export interface OverviewMonth {
  month: string;
  revenue: number;
  orders: number;
  averageOrderValue: number | null;
  newCustomers: number;
  returningCustomers: number;
}

export interface Overview {
  asOf: string;
  timeZone: string;
  currency: string | null;
  totalCustomers: number;
  activeCustomers90d: number;
  orders: number;
  revenue: number;
  averageOrderValue: number | null;
  months: OverviewMonth[];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
