import { describe, expect, it } from 'vitest';
import { preferredContact } from './preferred-contact.ts';

describe('preferredContact', () => {
  const phone = '+8613800138000';
  const email = 'li@example.com';
  it.each([
    [{ phone, email, preferredChannel: null }, `tel:${phone}`],
    [{ phone, email, preferredChannel: 'wechat' as const }, `tel:${phone}`],
    [{ phone, email, preferredChannel: 'email' as const }, `mailto:${email}`],
    [{ phone: null, email, preferredChannel: 'phone' as const }, `mailto:${email}`],
    [{ phone, email: null, preferredChannel: 'email' as const }, `tel:${phone}`],
    [{ phone: null, email: null, preferredChannel: 'sms' as const }, null],
  ])('%j → %s', (customer, href) => {
    expect(preferredContact(customer)?.href ?? null).toBe(href);
  });
});
