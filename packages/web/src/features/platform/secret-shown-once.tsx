import { Alert, Button, Modal, Typography } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useMessage } from '../../i18n/antd-config.tsx';

/** Copies text to the clipboard and says whether it worked (it can fail outside HTTPS). */
export function useCopyToClipboard() {
  const { t } = useTranslation();
  const message = useMessage();
  return async (text: string, copied = t('apiKeys.copied'), failed = t('apiKeys.copyFailed')) => {
    try {
      await navigator.clipboard.writeText(text);
      void message.success(copied);
    } catch {
      void message.warning(failed);
    }
  };
}

/** A secret the server shows once (an API key): copy it now, it is stored hashed. */
export function SecretShownOnce({
  secret,
  title,
  warning,
  testId,
  onClose,
  children,
}: {
  /** null: the dialog is closed. */
  secret: string | null;
  title: string;
  warning: string;
  testId: string;
  onClose: () => void;
  children?: React.ReactNode;
}) {
  const { t } = useTranslation();
  const copy = useCopyToClipboard();
  return (
    <Modal
      open={secret !== null}
      title={title}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('apiKeys.done')}
        </Button>
      }
    >
      {secret !== null ? (
        <>
          <Alert type="warning" showIcon title={warning} />
          <div className="secret-row section">
            <KeyOutlined aria-hidden />
            <Typography.Text code data-testid={testId} className="secret">
              {secret}
            </Typography.Text>
            <Button onClick={() => void copy(secret)}>{t('apiKeys.copy')}</Button>
          </div>
          {children}
        </>
      ) : null}
    </Modal>
  );
}
