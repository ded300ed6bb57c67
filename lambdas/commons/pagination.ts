/** One page of an IAM list call: its items, and the marker of the next page when it is truncated. */
export interface Page<T> {
  readonly items: T[];
  readonly marker?: string;
  readonly truncated?: boolean;
}

/** Follows IAM's Marker/IsTruncated pagination to the end. */
export async function collectPages<T>(fetchPage: (marker?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let marker: string | undefined;
  do {
    const page = await fetchPage(marker);
    items.push(...page.items);
    marker = page.truncated ? page.marker : undefined;
  } while (marker);
  return items;
}
