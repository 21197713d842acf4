import { App, type ConfigProviderProps, type PaginationProps } from 'antd';
import {
  CalendarOutlined,
  CheckCircleFilled,
  CheckOutlined,
  CloseCircleFilled,
  CloseOutlined,
  CopyOutlined,
  DoubleLeftOutlined,
  DoubleRightOutlined,
  DownOutlined,
  EllipsisOutlined,
  ExclamationCircleFilled,
  EyeInvisibleOutlined,
  EyeOutlined,
  InfoCircleFilled,
  LeftOutlined,
  LoadingOutlined,
  QuestionCircleOutlined,
  RightOutlined,
  SearchOutlined,
  SwapRightOutlined,
  WarningFilled,
} from '@ant-design/icons';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { TFunction } from 'i18next';
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

// antd names each of its icons after its shape, in English ("down", "close-circle", "left"), and
// a screen reader reads that name in the Chinese UI too. antd takes its own texts from `locale`,
// and lets the ConfigProvider give most components their icons: ours are the same icons,
// hidden from screen readers where the control has a name of its own (a select's arrow, the
// modal's close button, named "关闭" by the locale) and named in the user's language where the
// icon is the control's only content (a clear button, the password eye, the tabs' "more").

/** antd's props for the app's ConfigProvider in the current language. */
export function useAntdConfig(): ConfigProviderProps {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  return useMemo(() => antdConfig(t, english), [t, english]);
}

function antdConfig(t: TFunction, english: boolean): ConfigProviderProps {
  const { clearIcon } = clearable(t);
  const alertIcons = {
    successIcon: <CheckCircleFilled aria-hidden />,
    infoIcon: <InfoCircleFilled aria-hidden />,
    warningIcon: <ExclamationCircleFilled aria-hidden />,
    errorIcon: <CloseCircleFilled aria-hidden />,
  };
  return {
    locale: english ? enUS : zhCN,
    inputSearch: { searchIcon: <SearchOutlined aria-label={t('common.search')} /> },
    inputPassword: {
      iconRender: (visible) =>
        visible ? (
          <EyeOutlined aria-label={t('common.hidePassword')} />
        ) : (
          <EyeInvisibleOutlined aria-label={t('common.showPassword')} />
        ),
    },
    select: {
      suffixIcon: <DownOutlined aria-hidden />,
      clearIcon,
      removeIcon: <CloseOutlined aria-hidden />,
      menuItemSelectedIcon: <CheckOutlined aria-hidden />,
      loadingIcon: <LoadingOutlined spin aria-hidden />,
    },
    datePicker: { suffixIcon: <CalendarOutlined aria-hidden />, clearIcon },
    rangePicker: { separator: <SwapRightOutlined aria-hidden /> },
    modal: {
      closeIcon: <CloseOutlined className="ant-modal-close-icon" aria-hidden />,
      ...alertIcons,
    },
    drawer: { closeIcon: <CloseOutlined aria-hidden /> },
    alert: { ...alertIcons, closeIcon: <CloseOutlined aria-hidden /> },
    notification: { closeIcon: <CloseOutlined aria-hidden /> },
    tabs: { more: { icon: <EllipsisOutlined aria-label={t('common.moreTabs')} /> } },
    form: { tooltip: { icon: <QuestionCircleOutlined aria-hidden /> } },
    button: { loadingIcon: <LoadingOutlined aria-hidden /> },
  };
}

/**
 * The clear button of a select or an input (`allowClear={clearable(t)}`): the ConfigProvider
 * cannot give inputs theirs without making every input clearable, and a select names its clear
 * button "Clear" unless told otherwise.
 */
export function clearable(t: TFunction): { clearIcon: ReactNode; label: string } {
  return {
    clearIcon: <CloseCircleFilled aria-label={t('common.clear')} />,
    label: t('common.clear'),
  };
}

/** A searchable select's magnifier, shown while it is open (`showSearch={{ searchIcon }}`). */
export const searchIcon = <SearchOutlined aria-hidden />;

const arrow = (icon: ReactNode) => (
  // The page item around it is the control, named by antd's locale ("上一页"); this button only
  // draws the arrow.
  <button className="ant-pagination-item-link" type="button" tabIndex={-1} aria-hidden>
    {icon}
  </button>
);

const jump = (icon: ReactNode) => (
  <a className="ant-pagination-item-link" aria-hidden>
    <div className="ant-pagination-item-container">
      {icon}
      <span className="ant-pagination-item-ellipsis">
        <EllipsisOutlined aria-hidden />
      </span>
    </div>
  </a>
);

/**
 * antd's own page arrows with their icons hidden (antd's pagination takes no icons from the
 * ConfigProvider): spread into every table's and list's `pagination`.
 */
export const pageArrows: Pick<
  PaginationProps,
  'prevIcon' | 'nextIcon' | 'jumpPrevIcon' | 'jumpNextIcon'
> = {
  prevIcon: arrow(<LeftOutlined aria-hidden />),
  nextIcon: arrow(<RightOutlined aria-hidden />),
  jumpPrevIcon: jump(<DoubleLeftOutlined className="ant-pagination-item-link-icon" aria-hidden />),
  jumpNextIcon: jump(<DoubleRightOutlined className="ant-pagination-item-link-icon" aria-hidden />),
};

const messageIcons = {
  success: <CheckCircleFilled aria-hidden />,
  info: <InfoCircleFilled aria-hidden />,
  warning: <ExclamationCircleFilled aria-hidden />,
  error: <CloseCircleFilled aria-hidden />,
};
type MessageType = keyof typeof messageIcons;

/**
 * The app's toasts (`App.useApp().message`) with their icons hidden from screen readers: antd
 * takes a toast's icon only per call, not from the ConfigProvider or `<App message>`.
 */
export function useMessage(): Record<MessageType, (content: ReactNode) => PromiseLike<boolean>> {
  const { message } = App.useApp();
  return useMemo(() => {
    const typed = (type: MessageType) => (content: ReactNode) =>
      message.open({ type, content, icon: messageIcons[type] });
    return {
      success: typed('success'),
      info: typed('info'),
      warning: typed('warning'),
      error: typed('error'),
    };
  }, [message]);
}

/**
 * A Typography's copy button (`copyable={copyButton()}`, or `copyButton(text)` to copy other
 * text than is shown): antd names the button by its locale ("复制", then "复制成功"), but takes
 * the icons inside it ("copy", "check") only per instance.
 */
export function copyButton(text?: string): { text?: string; icon: [ReactNode, ReactNode] } {
  return {
    ...(text === undefined ? {} : { text }),
    icon: [<CopyOutlined key="copy" aria-hidden />, <CheckOutlined key="copied" aria-hidden />],
  };
}

/**
 * A Result's icon by its status (`<Result status="success" icon={resultIcons.success}>`): antd's
 * own, hidden (the title says what happened), as antd takes a Result's icon only per instance.
 */
export const resultIcons = {
  success: <CheckCircleFilled aria-hidden />,
  info: <ExclamationCircleFilled aria-hidden />,
  warning: <WarningFilled aria-hidden />,
  error: <CloseCircleFilled aria-hidden />,
};
