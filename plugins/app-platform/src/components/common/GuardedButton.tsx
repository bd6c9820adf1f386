import { Button } from '@backstage/ui';
import { Permission } from '@backstage/plugin-permission-common';
import { usePermission } from '@backstage/plugin-permission-react';

/** Whether the user may do something, and why not. */
export type Allowance = { allowed: boolean; reason?: string };

/** A button that is disabled with the reason on hover when the user may not use it. */
export const GuardedButton = (props: {
  label: string;
  allowance: Allowance;
  onPress: () => void;
  variant?: 'primary' | 'secondary' | 'tertiary';
  size?: 'small' | 'medium';
  destructive?: boolean;
  isDisabled?: boolean;
}) => {
  const button = (
    <Button
      variant={props.variant ?? 'secondary'}
      size={props.size ?? 'small'}
      destructive={props.destructive}
      isDisabled={!props.allowance.allowed || props.isDisabled}
      onPress={props.onPress}
      aria-description={
        props.allowance.allowed ? undefined : props.allowance.reason
      }
    >
      {props.label}
    </Button>
  );
  if (props.allowance.allowed || !props.allowance.reason) return button;
  // A disabled button gets no hover events: the wrapper carries the reason.
  return (
    <span title={props.allowance.reason} data-testid={`why-not-${props.label}`}>
      {button}
    </span>
  );
};

/**
 * Asks the permission API (not the action, by trial) whether the user may
 * use a permission on a resource; `why` is the reason shown when not.
 */
export function useAllowance(
  permission: Permission,
  resourceRef: string,
  why: string,
): Allowance {
  const result = usePermission({
    permission,
    resourceRef,
  } as Parameters<typeof usePermission>[0]);
  if (result.loading) {
    return { allowed: false, reason: 'Checking your permissions…' };
  }
  if (result.error) {
    return {
      allowed: false,
      reason: `Permissions could not be checked: ${result.error.message}`,
    };
  }
  return result.allowed ? { allowed: true } : { allowed: false, reason: why };
}
