import { MiddlewareCategory } from '@internal/plugin-app-platform-common';

/** A category as the page shows it: "Database", "Cache", ... */
export const categoryLabel = (category: MiddlewareCategory) =>
  category.charAt(0).toUpperCase() + category.slice(1);
