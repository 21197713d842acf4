import { Collapse, Typography } from 'antd';
import type { ExplainContext } from './entry-explanation.ts';
import { spentLotLines } from './entry-explanation.ts';
import type { LoyaltyHistoryEntry } from './loyalty.api.ts';

/**
 * The lots a redemption spent, folded under "The 3 lots it spent": each with its points, when
 * it was earned and when it would have expired. Nothing for other entries.
 */
export function SpentLots({
  entry,
  explain,
  className,
}: {
  entry: Pick<LoyaltyHistoryEntry, 'id' | 'lots'>;
  explain: ExplainContext;
  className?: string;
}) {
  if (entry.lots.length === 0) return null;
  return (
    <Collapse
      ghost
      size="small"
      {...(className ? { className } : {})}
      data-testid="spent-lots"
      items={[
        {
          key: entry.id,
          label: explain.t('loyalty.entry.lotsSpent', { count: entry.lots.length }),
          children: (
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {spentLotLines(entry, explain).map((line, index) => (
                <li key={entry.lots[index]?.entryId ?? index}>
                  <Typography.Text type="secondary">{line}</Typography.Text>
                </li>
              ))}
            </ul>
          ),
        },
      ]}
    />
  );
}
