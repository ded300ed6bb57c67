/**
 * Every item of a paginated list, through the SDK's own paginator (it follows IAM's Marker until
 * IAM stops sending one), with the items picked out of each page.
 */
export async function allItems<Page, T>(
  pages: AsyncIterable<Page>,
  itemsOf: (page: Page) => readonly T[] | undefined,
): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...(itemsOf(page) ?? []));
  return items;
}
