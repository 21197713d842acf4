import { Fragment, useState, type ReactNode } from 'react';
import { Button, Modal } from 'antd';

/**
 * A button opening a dialog with a form in it; the form gets `close` (after its work, or on
 * cancel) and is thrown away on closing, so the next opening starts afresh.
 */
export function ModalButton({
  icon,
  label,
  title,
  testId,
  disabled = false,
  children,
}: {
  icon: ReactNode;
  label: string;
  title: string;
  testId: string;
  disabled?: boolean;
  children: (close: () => void) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  // Each opening gets its own content (a new key): `destroyOnHidden` throws the content away
  // only once the closing animation has ended, so a dialog reopened before that (a cashier quick
  // on the button) showed what was left in it, the last redemption's result.
  const [opening, setOpening] = useState(0);
  const close = () => setOpen(false);
  return (
    <>
      <Button
        icon={icon}
        onClick={() => {
          setOpening((n) => n + 1);
          setOpen(true);
        }}
        disabled={disabled}
        data-testid={testId}
      >
        {label}
      </Button>
      <Modal open={open} title={title} footer={null} onCancel={close} destroyOnHidden>
        <Fragment key={opening}>{children(close)}</Fragment>
      </Modal>
    </>
  );
}
