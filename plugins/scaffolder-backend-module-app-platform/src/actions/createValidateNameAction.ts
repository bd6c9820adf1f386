import { InputError } from '@backstage/errors';
import { checkResourceName } from '@internal/plugin-app-platform-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * `app-platform:validate-name`: fails a template run early, with a message
 * naming the field, when a name cannot become a Kubernetes namespace or
 * object name. Templates run it before anything is created.
 */
export function createValidateNameAction() {
  return createTemplateAction({
    id: 'app-platform:validate-name',
    description:
      'Checks that a name is a valid Kubernetes name (RFC 1123 label) before anything is created',
    supportsDryRun: true,
    schema: {
      input: {
        name: z => z.string().describe('The name to check'),
        field: z =>
          z
            .string()
            .optional()
            .describe(
              'The form field the name came from, for the error message',
            ),
      },
      output: {
        name: z => z.string().describe('The checked name'),
      },
    },
    async handler(ctx) {
      const problem = checkResourceName(ctx.input.name);
      if (problem) {
        throw new InputError(
          `${ctx.input.field ?? 'name'} "${ctx.input.name}" ${problem}`,
        );
      }
      ctx.output('name', ctx.input.name);
    },
  });
}
