import { Collapse, Typography } from 'antd';
import type { ExplainContext } from './entry-explanation.ts';
import { lotsTitle, spentLotLines } from './entry-explanation.ts';
import type { LoyaltyHistoryEntry } from './loyalty.api.ts';

/**
 * The lots inside a history item, folded under "The 3 lots it spent" (a redemption), "The 3
 * lots that expired" (an expiry) or "The 3 lots merged" (a merge): each with its points, when
 * it was earned and when it expires (or would have). Nothing for other entries.
 */
export function SpentLots({
  entry,
  explain,
  className,
}: {
  entry: Pick<LoyaltyHistoryEntry, 'id' | 'kind' | 'lots'>;
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
          label: lotsTitle(entry, explain),
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
