import {
  MiddlewareCategory,
  MiddlewareDefinitionSummary,
} from '@internal/plugin-app-platform-common';

/** The app store's shelves in the order the filter offers them. */
export const MIDDLEWARE_CATEGORIES: ReadonlyArray<MiddlewareCategory> = [
  'database',
  'cache',
  'queue',
  'coordination',
  'gateway',
];

/** What the user narrowed the grid to; no category means every category. */
export type DefinitionFilter = {
  search: string;
  category?: MiddlewareCategory;
};

/** The categories that at least one definition has, in shelf order. */
export function categoriesOf(
  definitions: ReadonlyArray<MiddlewareDefinitionSummary>,
): MiddlewareCategory[] {
  return MIDDLEWARE_CATEGORIES.filter(category =>
    definitions.some(definition => definition.category === category),
  );
}

/**
 * The definitions in the category whose title, name or description contains
 * every word of the search, ignoring case.
 */
export function filterDefinitions(
  definitions: ReadonlyArray<MiddlewareDefinitionSummary>,
  filter: DefinitionFilter,
): MiddlewareDefinitionSummary[] {
  const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
  return definitions.filter(definition => {
    if (filter.category && definition.category !== filter.category) {
      return false;
    }
    const text = [definition.title, definition.name, definition.description]
      .join('\n')
      .toLowerCase();
    return words.every(word => text.includes(word));
  });
}
