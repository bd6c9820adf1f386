import {
  AuthorizeResult,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  ConditionTransformer,
  createConditionTransformer,
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import {
  isApplicationOwnerRule,
  OwnerQuery,
} from '@internal/plugin-app-platform-node';
import { Knex } from 'knex';
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { applicationReadPermission } from '@internal/plugin-app-platform-common';

/** A where clause on the `applications` table. */
export type ApplicationQueryFilter = (query: Knex.QueryBuilder) => void;

const ownRules = [isApplicationOwnerRule];

/** Turns the plugin's own application conditions into owner queries (the rules' `toQuery`). */
export const applicationConditionTransformer: ConditionTransformer<OwnerQuery> =
  createConditionTransformer({
    getRuleByName: name => {
      const rule = ownRules.find(r => r.name === name);
      if (!rule) {
        throw new Error(`Unexpected permission rule on applications: ${name}`);
      }
      return rule;
    },
  });

const nothing: ApplicationQueryFilter = query => {
  query.whereRaw('1 = 0');
};

function toWhere(
  criteria: PermissionCriteria<OwnerQuery>,
): ApplicationQueryFilter {
  if (isAndCriteria(criteria)) {
    const parts = criteria.allOf.map(toWhere);
    return query => {
      query.where(inner => {
        for (const part of parts) inner.andWhere(q => part(q));
      });
    };
  }
  if (isOrCriteria(criteria)) {
    const parts = criteria.anyOf.map(toWhere);
    if (parts.length === 0) return nothing;
    return query => {
      query.where(inner => {
        for (const part of parts) inner.orWhere(q => part(q));
      });
    };
  }
  if (isNotCriteria(criteria)) {
    const part = toWhere(criteria.not);
    return query => {
      query.whereNot(q => part(q));
    };
  }
  const owners = criteria.owner;
  // `whereIn` with no values is "false" in knex, but say so plainly.
  if (owners.length === 0) return nothing;
  return query => {
    query.whereIn('applications.owner', owners);
  };
}

/**
 * The database filter for a decision on `app-platform.application.read`, so
 * a list holds only what the caller may read and pages stay right: ALLOW
 * filters nothing (`undefined`), DENY everything, and a conditional decision
 * (allOf/anyOf/not of the owner rule) becomes the matching where clause.
 */
export function applicationFilter(
  decision: PolicyDecision,
  transform: ConditionTransformer<OwnerQuery> = applicationConditionTransformer,
): ApplicationQueryFilter | undefined {
  if (decision.result === AuthorizeResult.ALLOW) return undefined;
  if (decision.result === AuthorizeResult.CONDITIONAL) {
    return toWhere(transform(decision.conditions));
  }
  return nothing;
}

/**
 * The names of the applications the caller may read, or `undefined` when it
 * may read them all: what a listing of things inside applications (services,
 * middleware instances) filters by.
 */
export async function readableApplications(options: {
  permissions: PermissionsService;
  credentials: BackstageCredentials;
  list: (filter: ApplicationQueryFilter) => Promise<Array<{ name: string }>>;
}): Promise<string[] | undefined> {
  const [decision] = await options.permissions.authorizeConditional(
    [{ permission: applicationReadPermission }],
    { credentials: options.credentials },
  );
  const filter = applicationFilter(decision);
  return filter ? (await options.list(filter)).map(a => a.name) : undefined;
}
