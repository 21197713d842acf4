import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api-client.ts';

/** A title for the error in the user's language (by `code`) and the server's `detail`. */
export function useErrorText() {
  const { t } = useTranslation();
  return (error: unknown): { title: string; detail: string | undefined } => {
    if (error instanceof ApiError) {
      return {
        title: t(`errors.${error.code}`, { defaultValue: t('errors.INTERNAL') }),
        detail: error.detail,
      };
    }
    return {
      title: t('errors.INTERNAL'),
      detail: error instanceof Error ? error.message : undefined,
    };
  };
}

/** The standard error state of a page or panel, with a retry when one makes sense. */
export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText()(error);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={text.title}
      description={text.detail}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}
