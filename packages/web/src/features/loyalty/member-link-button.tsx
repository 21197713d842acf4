import { useRef, useState } from 'react';
import { Alert, Button, Input, Modal, Space, Typography } from 'antd';
import { NumberInput, type NumberInputRef } from '../../forms/number-input.tsx';
import { numberProblemText } from '../../forms/number-rules.ts';
import { LinkOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/error-text.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { useCopyToClipboard } from '../platform/secret-shown-once.tsx';
import { type MemberLink, useCreateMemberLink } from './loyalty.api.ts';

/** The API gives the page's whole address (PUBLIC_URL's, or the one this request came to);
 * an older server gave only a path, which is on this origin. */
function absolute(link: MemberLink): string {
  return new URL(link.url, window.location.origin).toString();
}

const linkDays = { min: 1, max: 365, integer: true };

/** "Copy member link": signs a link to the member's public page and copies it. */
export function MemberLinkButton({
  programId,
  customerId,
  timeZone,
}: {
  programId: string;
  customerId: string;
  timeZone: string;
}) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const [days, setDays] = useState(30);
  const daysField = useRef<NumberInputRef>(null);
  const create = useCreateMemberLink(programId, customerId);
  const url = create.data ? absolute(create.data) : '';

  const copyText = useCopyToClipboard();
  const copy = (text: string) =>
    copyText(text, t('loyalty.memberLink.copied'), t('loyalty.memberLink.copyFailed'));

  // A number of days the server would refuse stays in the field, which says why.
  const daysProblem = numberProblemText(days, linkDays, t);
  function generate(validDays: number) {
    if (numberProblemText(validDays, linkDays, t)) return;
    create.mutate(validDays, { onSuccess: (link) => void copy(absolute(link)) });
  }

  return (
    <>
      <Button
        size="small"
        icon={<LinkOutlined aria-hidden />}
        onClick={() => {
          setOpen(true);
          generate(days);
        }}
        data-testid="member-link-button"
      >
        {t('loyalty.memberLink.button')}
      </Button>
      <Modal
        open={open}
        title={t('loyalty.memberLink.title')}
        onCancel={() => setOpen(false)}
        // The link is made (and copied) on opening; what staff change next is how long it lasts.
        // After the opening, as the dialog focuses itself while it opens.
        afterOpenChange={(opened) => {
          if (opened) daysField.current?.focus({ cursor: 'all' });
        }}
        footer={
          <Button type="primary" onClick={() => setOpen(false)}>
            {t('loyalty.memberLink.close')}
          </Button>
        }
      >
        <Space orientation="vertical" size={12} className="full-width">
          <Typography.Paragraph type="secondary">
            {t('loyalty.memberLink.intro')}
          </Typography.Paragraph>
          <Space wrap>
            <label htmlFor="member-link-days">{t('loyalty.memberLink.days')}</label>
            <NumberInput
              id="member-link-days"
              ref={daysField}
              min={linkDays.min}
              max={linkDays.max}
              precision={0}
              value={days}
              onChange={(value) => setDays(value ?? 30)}
              onPressEnter={() => generate(days)}
              status={daysProblem ? 'error' : ''}
              aria-invalid={daysProblem !== undefined}
              aria-describedby={daysProblem ? 'member-link-days-problem' : undefined}
            />
            {daysProblem ? (
              <Typography.Text type="danger" id="member-link-days-problem" role="alert">
                {daysProblem}
              </Typography.Text>
            ) : null}
            <Button onClick={() => generate(days)} loading={create.isPending}>
              {t('loyalty.memberLink.regenerate')}
            </Button>
          </Space>
          {create.isError ? <ErrorAlert error={create.error} /> : null}
          {create.data ? (
            <>
              <Space.Compact className="full-width">
                <Input
                  readOnly
                  value={url}
                  aria-label={t('loyalty.memberLink.url')}
                  data-testid="member-link-url"
                  onFocus={(event) => event.target.select()}
                />
                <Button type="primary" onClick={() => void copy(url)}>
                  {t('loyalty.memberLink.copy')}
                </Button>
              </Space.Compact>
              <Alert
                type="info"
                showIcon
                title={t('loyalty.memberLink.expires', {
                  date: formatDateTime(create.data.expiresAt, i18n.language, timeZone),
                })}
                action={
                  <Button size="small" href={url} target="_blank" rel="noreferrer">
                    {t('loyalty.memberLink.open')}
                  </Button>
                }
              />
            </>
          ) : null}
        </Space>
      </Modal>
    </>
  );
}
